"""Quality measurements (issue 15): the seed's MQA score by hand, the quality graph, the
report and its exit codes, the vocabulary block, and missing-s28-items from the measurements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from benchmarks.generate import generate
from click.testing import CliRunner

from dcatgen.build.pipeline import build
from dcatgen.cli import main
from dcatgen.quality.vocabulary import BEGIN, END, vocabulary_block
from dcatgen.sparql.store import open_store, read_source
from tests.conftest import DATA, ROOT, SEED

BASE = "https://w3id.org/dcatgen/id/mynamaki/"
DQV = "http://www.w3.org/ns/dqv#"
DG = "https://w3id.org/dcatgen/ns#"
REGISTERS = [
    "kirjastopalvelut",
    "liikuntapalvelut",
    "nuorisopalvelut",
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
]

# The seed by hand (README, "Metadata quality"): keywords 30 (subjects give keywords),
# categories 30 (themes), geo search 20 (the municipality code); no temporal coverage.
# Not openly available, so no distribution: accessibility 0 and every distribution indicator
# 0.  DCAT-AP compliance 30 (no violations).  Publisher 10; no access rights, no contact point.
# Dates of issue and modification 5 + 5 (the change ledger).  80 + 0 + 30 + 10 + 10 = 130.
SEED_DIMENSIONS = {
    "Findability": 80,
    "Accessibility": 0,
    "Interoperability": 30,
    "Reusability": 10,
    "Contextuality": 10,
}


def _quality(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quality", *args])
    return result.exit_code, result.output


def _report(target: Path) -> dict[str, Any]:
    code, output = _quality(str(target), "--format", "json")
    assert code == 0, output
    document: dict[str, Any] = json.loads(output)
    return document


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert build(DATA, out, site=False).written
    return out


def test_seed_matches_the_hand_computation(built: Path) -> None:
    """130 of 405 (Sufficient) for the catalog and each register, by dimension as by hand."""
    (catalog,) = _report(DATA)["catalogs"]
    assert catalog["iri"] == BASE + "catalog"
    assert (catalog["score"], catalog["rating"], catalog["maximum"]) == (130, "Sufficient", 405)
    assert {k: v["points"] for k, v in catalog["dimensions"].items()} == SEED_DIMENSIONS
    assert catalog["s28_missing_count"] == 5
    assert sorted(r["iri"].rsplit("/", 1)[1] for r in catalog["registers"]) == REGISTERS
    for register in catalog["registers"]:
        assert register["score"] == 130
        assert register["s28_missing"] == ["authority deciding on disclosure"]
        missing = {item["metric"]: item for item in register["missing"]}
        assert (missing["MqaContactPoint"]["points"], missing["MqaContactPoint"]["supply"]) == (
            20,
            "field",
        )
        assert missing["MqaAccessRestrictions"]["supply"] == "field"
        assert missing["MqaTimeBasedSearch"]["supply"] == "cannot"
        assert missing["MqaLicenceInformation"]["supply"] == "cannot"
        assert "not openly available" in missing["MqaLicenceInformation"]["how"]
        assert missing["MqaAccessUrlAccessibility"]["points"] == 50
        assert sum(item["points"] for item in register["missing"]) == 405 - 130
        assert "MqaKeywordUsage" not in missing and "MqaDateOfIssue" not in missing
    # The report on the build (read from out/quality.trig) is the same as on the YAML.
    assert _report(built) == _report(DATA)


def test_min_score_sets_the_exit_code() -> None:
    """--min-score: 0 at or under the score, 1 above it (and says so)."""
    assert _quality(str(DATA), "--min-score", "130", "--catalogs-only")[0] == 0
    code, output = _quality(str(DATA), "--min-score", "131", "--catalogs-only")
    assert code == 1
    assert "below --min-score 131" in output
    assert "130 of 405 points (Sufficient)" in output
    code, output = _quality(str(ROOT / "no-such-folder"))
    assert code == 2


def test_open_register_with_a_distribution(tmp_path: Path) -> None:
    """An openly available register with a CSV distribution under an EU licence and public
    access rights gains the distribution indicators it can: 130 + 90 + 15 = 235 (Good)."""
    text = SEED.read_text(encoding="utf-8").replace(
        "        themes: [EDUC]\n        subjects: [p16658, p8432]\n",
        "        themes: [EDUC]\n        subjects: [p16658, p8432]\n"
        "        access_rights: public\n"
        "        api: {availability: open}\n"
        "        distributions:\n"
        "          - access_url: https://example.fi/lainat.csv\n"
        "            media_type: text/csv\n"
        "            license: http://publications.europa.eu/resource/authority/licence/CC_BY_4_0\n",
    )
    (tmp_path / "mynamaki.yaml").write_text(text, encoding="utf-8")
    (catalog,) = _report(tmp_path)["catalogs"]
    registers = {r["iri"].rsplit("/", 1)[1]: r for r in catalog["registers"]}
    library = registers["kirjastopalvelut"]
    assert library["score"] == 235 and library["rating"] == "Good"
    missing = {item["metric"]: item for item in library["missing"]}
    assert set(missing) == {
        "MqaTimeBasedSearch",
        "MqaAccessUrlAccessibility",
        "MqaDownloadUrl",
        "MqaDownloadUrlAccessibility",
        "MqaFormat",
        "MqaRights",
        "MqaFileSize",
        "MqaContactPoint",
    }
    assert missing["MqaAccessUrlAccessibility"]["supply"] == "portal"
    assert missing["MqaFormat"]["supply"] == "cannot"
    assert registers["varhaiskasvatus"]["score"] == 130
    assert catalog["score"] == round((235 + 4 * 130) / 5)


def test_quality_graph_is_separate_and_named(built: Path) -> None:
    """Every quad of out/quality.trig is in {base}quality; the catalog has no DQV; each
    register has its five §28 measurements and the count."""
    quads = list(ox.parse(path=str(built / "quality.trig"), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {BASE + "quality"}
    catalog = (built / "catalog.nt").read_text(encoding="utf-8")
    assert DQV not in catalog
    metrics: dict[str, set[str]] = {}
    computed_on = {
        q.subject.value: q.object.value for q in quads if q.predicate.value == DQV + "computedOn"
    }
    for quad in quads:
        if quad.predicate.value == DQV + "isMeasurementOf":
            resource = computed_on[quad.subject.value]
            metrics.setdefault(resource, set()).add(quad.object.value.removeprefix(DG))
    for name in REGISTERS:
        found = metrics[f"{BASE}register/{name}"]
        assert {
            "S28InformationSystems",
            "S28DisclosureAuthority",
            "S28DataGroups",
            "S28SearchCriteria",
            "S28OpenInterface",
            "S28MissingItems",
            "MqaScore",
        } <= found
    assert "MqaFindabilityScore" in metrics[BASE + "catalog"]


def test_quality_files_are_byte_identical_across_builds(built: Path, tmp_path: Path) -> None:
    """The same input and ledger give the same quality bytes."""
    build(DATA, tmp_path, site=False)
    for name in ("quality.trig",):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_vocabulary_block_is_in_sync() -> None:
    """Both copies of the ontology hold exactly the block generated from metrics.py."""
    block = vocabulary_block()
    for path in (
        ROOT / "ontology/dcatgen.ttl",
        ROOT / "src/dcatgen/resources/ontology/dcatgen.ttl",
    ):
        text = path.read_text(encoding="utf-8")
        start = text.index(BEGIN)
        end = text.index(END) + len(END) + 1
        assert text[start:end] == block, "run python tools/update_quality_vocabulary.py"


def test_quality_by_organisation_on_the_seed() -> None:
    """The example query reads the catalog's score and gaps from the measurements."""
    result = CliRunner().invoke(
        main,
        [
            "query",
            f"@{ROOT / 'examples/queries/quality-by-organisation.rq'}",
            "--data",
            str(DATA),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "organisation,name,score,rating,missingItems"
    assert lines[1:] == [f"{BASE}organisation,Mynämäen kunta,130,Sufficient,5"]


def _answers(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(query)
    return sorted(
        tuple(str(term.value) for term in row)
        for row in rows  # type: ignore[union-attr]
    )


def _generated_store(tmp_path: Path, registers: int, organisations: int, seed: int) -> ox.Store:
    """Generated descriptions with defects (§28 items missing), built per description and
    loaded as `serve` loads OUT (catalogs, quality graphs, vocabulary)."""
    data = tmp_path / "data"
    generate(registers, data, organisations=organisations, seed=seed, defect_rate=0.3)
    out = tmp_path / "out"
    build(data, out, force=True, site=False, layout="per-description")
    return open_store(read_source(out), for_workers=False)[0]


def test_missing_s28_items_gives_the_answers_of_the_direct_query(tmp_path: Path) -> None:
    """On generated data with defects (every §28 item missing somewhere), the query over the
    measurements answers exactly what the earlier query over the registers answered."""
    store = _generated_store(tmp_path, 400, organisations=6, seed=15)
    new = (ROOT / "examples/queries/missing-s28-items.rq").read_text(encoding="utf-8")
    old = (ROOT / "benchmarks/missing-s28-items-direct.rq").read_text(encoding="utf-8")
    expected = _answers(store, old)
    assert _answers(store, new) == expected
    assert {row[1] for row in expected} == {"1", "2", "3", "4", "5"}
    assert len(expected) > 100


QUALITY_BY_ORGANISATION_BEFORE = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dg: <https://w3id.org/dcatgen/ns#>
PREFIX dqv: <http://www.w3.org/ns/dqv#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?organisation ?name ?score ?rating ?missingItems
WHERE {
  GRAPH ?quality {
    ?scoreMeasurement dqv:isMeasurementOf dg:MqaScore ;
      dqv:computedOn ?catalog ;
      dqv:value ?score .
    ?gapMeasurement dqv:isMeasurementOf dg:S28MissingItems ;
      dqv:computedOn ?catalog ;
      dqv:value ?missingItems .
  }
  ?catalog a dcat:Catalog ; dct:publisher ?organisation .
  OPTIONAL { ?organisation foaf:name ?name FILTER (lang(?name) = "fi") }
  BIND (IF(?score >= 351, "Excellent", IF(?score >= 221, "Good",
        IF(?score >= 121, "Sufficient", "Bad"))) AS ?rating)
}
ORDER BY ?score ?organisation
"""
"""quality-by-organisation.rq as it was first written (its patterns in the measurements'
order): what the rewritten query must still answer, row for row."""


def test_quality_by_organisation_answers_as_its_first_form(tmp_path: Path) -> None:
    """On generated data with several organisations of different scores, the query (which
    starts from the catalogs) gives the rows of its first form, in the same order."""
    store = _generated_store(tmp_path, 300, organisations=7, seed=17)
    query = (ROOT / "examples/queries/quality-by-organisation.rq").read_text(encoding="utf-8")

    def rows(text: str) -> list[tuple[str, ...]]:
        return [tuple(str(term) for term in row) for row in store.query(text)]  # type: ignore[union-attr]

    expected = rows(QUALITY_BY_ORGANISATION_BEFORE)
    assert rows(query) == expected
    assert len(expected) == 7 and len({row[2] for row in expected}) > 1
