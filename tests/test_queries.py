"""examples/queries/*.rq against the seed catalog, through `dcatgen query` (embedded and remote)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dcatgen.cli import main
from tests.conftest import DATA, ROOT
from tests.servers import Running

QUERIES = ROOT / "examples" / "queries"
BASE = "https://w3id.org/dcatgen/id/mynamaki/"
DG = "https://w3id.org/dcatgen/ns#"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
REGISTERS = [
    "kirjastopalvelut",
    "liikuntapalvelut",
    "nuorisopalvelut",
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
]


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["query", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _rows(name: str, *source: str) -> list[dict[str, str]]:
    """The solutions of an example query as {variable: value} (missing values left out)."""
    text = _run(f"@{QUERIES / name}", *(source or ("--data", str(DATA))), "--format", "json")
    document: dict[str, Any] = json.loads(text)
    return [
        {name: binding["value"] for name, binding in row.items()}
        for row in document["results"]["bindings"]
    ]


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _sorted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows in a fixed order, for queries that leave the order open."""
    return sorted(rows, key=lambda row: sorted(row.items()))


def test_every_example_has_a_comment_header() -> None:
    """Each query starts with a comment saying what it asks and how to read it."""
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) == 8
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = [line for line in lines[:4] if line.startswith("#")]
        assert len(header) >= 3, path.name


def test_searchable_by_personal_identity_code() -> None:
    """All five registers can be searched by henkilötunnus."""
    rows = _rows("searchable-by-personal-identity-code.rq")
    assert sorted(_local(row["register"]) for row in rows) == REGISTERS
    assert {row["title"] for row in rows} >= {"Varhaiskasvatuksen tietovaranto"}


def test_systems_and_registers() -> None:
    """Wilma holds perusopetus (as part of MultiPrimus) and varhaiskasvatus data; 13 pairs."""
    rows = _rows("systems-and-registers.rq")
    pairs = {(row["systemName"], _local(row["register"]), row.get("via", "")) for row in rows}
    assert len(rows) == 13
    assert {p for p in pairs if p[0] == "Wilma"} == {
        ("Wilma", "perusopetus-ja-lukio", "MultiPrimus"),
        ("Wilma", "varhaiskasvatus", ""),
    }
    assert ("Kurre", "perusopetus-ja-lukio", "MultiPrimus") in pairs
    assert ("MultiPrimus", "perusopetus-ja-lukio", "") in pairs
    assert {p[1] for p in pairs if p[0] == "Vaski-kirjastojen tietokanta"} == {"kirjastopalvelut"}


def test_shared_systems() -> None:
    """LYYTI and Titania are shared by nuoriso- and liikuntapalvelut; Wilma by two others."""
    rows = _rows("shared-systems.rq")
    shared = {
        row["systemName"]: (row["registers"], set(row["titles"].split(" | "))) for row in rows
    }
    youth_and_sports = {"Nuorisopalveluiden asiarekisterit", "Liikuntapalveluiden asiarekisterit"}
    assert shared == {
        "LYYTI": ("2", youth_and_sports),
        "Titania": ("2", youth_and_sports),
        "Wilma": (
            "2",
            {"Perusopetuksen ja lukio-opetuksen tietovaranto", "Varhaiskasvatuksen tietovaranto"},
        ),
    }


def test_not_openly_available() -> None:
    """The unit's statement makes all five registers not openly available."""
    rows = _rows("not-openly-available.rq")
    assert sorted(_local(row["register"]) for row in rows) == REGISTERS  # unordered (no ORDER BY)
    assert {row["availability"] for row in rows} == {DG + "NotOpenlyAvailable"}
    assert {row["statement"] for row in rows} == {
        "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla."
    }


def test_personal_data_by_theme() -> None:
    """Every register is searchable by a personal criterion: all five under EDUC, one SOCI."""
    rows = _rows("personal-data-by-theme.rq")
    found = {(row["theme"].removeprefix(THEME), _local(row["register"])) for row in rows}
    assert found == {("EDUC", name) for name in REGISTERS} | {("SOCI", "nuorisopalvelut")}
    assert len(rows) == 6
    labels = {row["theme"].removeprefix(THEME): row["themeLabel"] for row in rows}
    assert labels == {"EDUC": "Education, culture and sport", "SOCI": "Population and society"}


def test_missing_s28_items() -> None:
    """The seed names no disclosure authority: item 2 is missing for all five, nothing else."""
    rows = _rows("missing-s28-items.rq")
    assert sorted((_local(row["register"]), row["item"]) for row in rows) == [
        (name, "2") for name in REGISTERS
    ]  # unordered (no ORDER BY)


def test_counts_per_organisation() -> None:
    """Mynämäki: 5 registers (2 information resources, 3 case registers), 9 systems, 30 groups."""
    rows = _rows("counts-per-organisation.rq")
    assert rows == [
        {
            "organisation": BASE + "organisation",
            "name": "Mynämäen kunta",
            "registers": "5",
            "informationResources": "2",
            "caseRegisters": "3",
            "systems": "9",
            "dataGroups": "30",
        }
    ]


def test_examples_give_the_same_answers_over_http(served_seed: Running) -> None:
    """Through --endpoint (the SPARQL protocol, form-encoded) the answers are the same."""
    endpoint = ("--endpoint", served_seed.url + "/sparql")
    for path in sorted(QUERIES.glob("*.rq")):
        local = _rows(path.name)
        remote = _rows(path.name, *endpoint)
        if path.name == "shared-systems.rq":  # GROUP_CONCAT order is not defined
            for row in (*local, *remote):
                row["titles"] = " | ".join(sorted(row["titles"].split(" | ")))
        if "ORDER BY" not in path.read_text(encoding="utf-8"):  # row order is not defined
            local, remote = _sorted(local), _sorted(remote)
        assert remote == local, path.name


def test_table_csv_and_tsv_output(served_seed: Running) -> None:
    """table is aligned with prefixes; csv and tsv are the SPARQL formats."""
    query = f"@{QUERIES / 'missing-s28-items.rq'}"
    table = _run(query, "--data", str(DATA)).splitlines()
    assert table[0].split() == ["register", "item", "missing"]
    assert set(table[1]) == {"-", " "}
    assert table[-1] == "(5 rows)"
    assert any(f"<{BASE}register/kirjastopalvelut>" in line for line in table[2:-1])
    csv = _run(query, "--endpoint", served_seed.url + "/sparql", "--format", "csv")
    assert csv.splitlines()[0] == "register,item,missing"
    row = f"{BASE}register/kirjastopalvelut,2,authority deciding on disclosure"
    assert row in csv.splitlines()[1:]  # the query leaves the row order open
    tsv = _run(query, "--format", "tsv")
    assert tsv.splitlines()[0] == "?register\t?item\t?missing"
    ask = _run("ASK { ?s ?p ?o }")
    assert ask.strip() == "true"


def test_construct_prints_turtle() -> None:
    """CONSTRUCT prints Turtle with dcatgen's prefixes in table format."""
    text = _run(f"CONSTRUCT WHERE {{ <{BASE}system/wilma> ?p ?o }}", "--data", str(DATA))
    assert "@prefix dct: <http://purl.org/dc/terms/> ." in text
    assert "dg:InformationSystem" in text


def test_bad_query_exits_2() -> None:
    """A syntax error is reported with the parser's message and exit code 2."""
    result = CliRunner().invoke(main, ["query", "SELECT ?x WHERE {", "--data", str(DATA)])
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.output


def test_deeply_nested_query_exits_2_with_a_message(tmp_path: Path) -> None:
    """3,000 nested groups segfaulted the engine (exit 139); now a message and exit 2.

    Run as a real process: a crash inside the engine would take a CliRunner down with it.
    """
    query = tmp_path / "deep.rq"
    query.write_text("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dcatgen", "query", str(query), "--data", str(DATA)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "nests 3000 levels deep" in done.stderr


def test_query_from_out_folder(tmp_path: Path) -> None:
    """--data may be a build's out/ folder."""
    from dcatgen.build.pipeline import build

    build(DATA, tmp_path)
    rows = _rows("searchable-by-personal-identity-code.rq", "--data", str(tmp_path))
    assert len(rows) == 5


def test_data_and_endpoint_conflict() -> None:
    """--data and --endpoint together are a usage error."""
    result = CliRunner().invoke(
        main, ["query", "ASK {}", "--data", "data", "--endpoint", "http://127.0.0.1:9/sparql"]
    )
    assert result.exit_code == 2
    assert "not both" in result.output


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_construct_refuses_tabular_formats(output: str) -> None:
    """A graph has no CSV form: say which formats work."""
    result = CliRunner().invoke(
        main, ["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--data", str(DATA), "--format", output]
    )
    assert result.exit_code == 2
    assert "--format table" in result.output
