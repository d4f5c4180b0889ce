"""What an analyst or aggregator reading the catalog would get wrong (issue 16).

- a register's statements about a system (its description there, its parts, the page's
  wording, its position) are on that register's use of the system, not on the shared node;
- the catalog loaded with the vocabulary, as `serve` and any aggregator do, conforms to DCAT-AP;
- no label of ours on other people's IRIs unless it is the official vocabulary's;
- the JSON-LD reads as JSON-LD 1.0 (Jena's reader is 1.0);
- titles say what the catalog covers, English titles do not pass Finnish names off as English,
  keywords come in every language the YSO subjects have labels in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SH, SKOS
from rdflib.query import ResultRow
from rdflib.term import Node

from dcatgen.build.pipeline import build
from dcatgen.mapping.tables import catalog_texts
from dcatgen.model.load import load, load_file
from tests.conftest import DATA, FIXTURES, ROOT, SEED
from tests.rdfdiff import explain_difference

DG = Namespace("https://w3id.org/dcatgen/ns#")
BASE = "https://w3id.org/dcatgen/id/mynamaki/"
SYSTEM = Namespace(BASE + "system/")
REGISTER = Namespace(BASE + "register/")
OFFICIAL_SHAPES = ROOT / "shapes" / "dcat-ap-3"
VOCABULARY = ROOT / "ontology" / "dcatgen.ttl"
EU_VOCABULARIES = ROOT.parent / "shared" / "reference" / "eu-vocabularies"
DG_ONTOLOGY = "https://w3id.org/dcatgen/ns"
"""Our vocabulary and its known systems (…/ns#, …/ns/system/…); with each base_iri, ours."""
LABELS = (SKOS.prefLabel, SKOS.altLabel, RDFS.label, DCTERMS.title, FOAF.name)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built once (no site)."""
    out = tmp_path_factory.mktemp("out")
    build(DATA, out, site=False)
    return out


@pytest.fixture(scope="module")
def catalog(built: Path) -> Graph:
    """The seed catalog as a graph."""
    return Graph().parse(built / "catalog.ttl")


def _use(catalog: Graph, register: str, system: str) -> URIRef:
    [use] = [
        use
        for use in catalog.objects(REGISTER[register], DG.qualifiedSystemUse)
        if (use, DG.system, SYSTEM[system]) in catalog
    ]
    assert isinstance(use, URIRef)
    return use


# --- item 1: a register's use of a shared system -------------------------------------------


def test_shared_system_nodes_carry_only_what_holds_everywhere(catalog: Graph) -> None:
    """Wilma, Titania, LYYTI: a name and a type, no description, wording or part-of."""
    for name in ("wilma", "titania", "lyyti", "multiprimus"):
        predicates = set(catalog.predicates(SYSTEM[name], None))
        assert predicates == {RDF.type, DCTERMS.title}, (name, predicates)
        assert len(list(catalog.objects(SYSTEM[name], DCTERMS.title))) == 1


def test_each_register_says_its_own_words_about_a_shared_system(catalog: Graph) -> None:
    """Titania's two descriptions (one with the page's misspelling) each stay with their
    register; Wilma's early-childhood description stays with early childhood."""
    nuoriso = _use(catalog, "nuorisopalvelut", "titania")
    liikunta = _use(catalog, "liikuntapalvelut", "titania")
    assert set(catalog.objects(nuoriso, DCTERMS.description)) == {
        Literal("työvuorosuunnittelu", lang="fi")
    }
    assert set(catalog.objects(liikunta, DCTERMS.description)) == {
        Literal("työvuorosunnittelu", lang="fi")
    }
    assert set(catalog.objects(liikunta, DG.originalWording)) == {
        Literal("Titania-työvuorosunnittelu", lang="fi")
    }
    wilma = _use(catalog, "varhaiskasvatus", "wilma")
    assert set(catalog.objects(wilma, DCTERMS.description)) == {
        Literal("tiedottaminen ja lasten varhaiskasvatussuunnitelmat", lang="fi")
    }


def test_parts_belong_to_the_use_that_names_them(catalog: Graph) -> None:
    """'MultiPrimus (sis. Wilma ja Kurre)' is perusopetus's statement: early childhood's Wilma
    is not part of MultiPrimus."""
    multiprimus = _use(catalog, "perusopetus-ja-lukio", "multiprimus")
    assert set(catalog.objects(multiprimus, DG.systemPart)) == {SYSTEM.wilma, SYSTEM.kurre}
    assert not set(catalog.objects(_use(catalog, "varhaiskasvatus", "wilma"), DG.systemPart))
    assert (SYSTEM.wilma, DCTERMS.isPartOf, None) not in catalog
    assert (SYSTEM.multiprimus, DCTERMS.hasPart, None) not in catalog


def _position(catalog: Graph, use: Node) -> int:
    return int(str(catalog.value(use, DG.position)))


def _texts(catalog: Graph, subject: Node, predicate: URIRef) -> dict[str | None, str]:
    return {
        value.language: str(value)
        for value in catalog.objects(subject, predicate)
        if isinstance(value, Literal)
    }


def test_the_order_of_systems_is_kept(catalog: Graph) -> None:
    """Each use has the position of the system in its register's list, as in the YAML."""
    description = load_file(SEED).description
    for _, register in description.registers():
        uses = list(catalog.objects(REGISTER[register.id], DG.qualifiedSystemUse))
        ordered = sorted(uses, key=lambda use: _position(catalog, use))
        titles = [
            str(catalog.value(catalog.value(use, DG.system), DCTERMS.title)) for use in ordered
        ]
        assert titles == [system.name for system in register.systems], register.id
        assert [_position(catalog, u) for u in ordered] == list(range(1, len(uses) + 1))


def test_who_uses_wilma_still_answers(catalog: Graph) -> None:
    """Directly named, or through a system whose use names it as a part."""
    query = (ROOT / "examples" / "queries" / "systems-and-registers.rq").read_text()
    rows = {
        (str(row["register"]).rsplit("/", 1)[1], str(row["via"]) if row["via"] else "")
        for row in catalog.query(query)
        if isinstance(row, ResultRow) and row["system"] == SYSTEM.wilma
    }
    assert rows == {("varhaiskasvatus", ""), ("perusopetus-ja-lukio", "MultiPrimus")}


# --- item 2: the catalog together with the vocabulary --------------------------------------


def _violations(data: Graph) -> list[str]:
    found = []
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"):
        shapes = Graph().parse(OFFICIAL_SHAPES / name)
        _, report, _ = pyshacl_validate(data, shacl_graph=shapes, allow_warnings=True)
        for result in report.objects(None, SH.result):
            if (result, SH.resultSeverity, SH.Violation) in report:
                focus = report.value(result, SH.focusNode)
                found.append(f"{name}: {focus} {report.value(result, SH.resultPath)}")
    return found


def test_catalog_and_vocabulary_together_conform_to_dcat_ap(catalog: Graph) -> None:
    """`serve` loads both, and so would an aggregator: every concept scheme of the vocabulary
    needs the dct:title DCAT-AP asks of a scheme (2 violations before)."""
    union = Graph()
    for triple in catalog:
        union.add(triple)
    union.parse(VOCABULARY)
    assert _violations(union) == []


# --- item 3: labels on other people's IRIs --------------------------------------------------


def _official() -> Graph:
    graph = Graph()
    for path in sorted(EU_VOCABULARIES.glob("*.rdf")):
        graph.parse(path)
    return graph


@pytest.mark.skipif(not EU_VOCABULARIES.exists(), reason="shared/reference is not beside the repo")
@pytest.mark.parametrize("fixture", [DATA, FIXTURES / "minimal.yaml"], ids=["seed", "minimal"])
def test_labels_on_other_peoples_iris_are_the_official_ones(fixture: Path, tmp_path: Path) -> None:
    """A label the catalog gives an IRI outside our namespaces is one of that IRI's labels in
    its official vocabulary; where none is at hand, the catalog gives no label at all.

    Web pages the description links (foaf:Document, e.g. a privacy notice) keep the link's
    title: it is the publisher's words about its own page, not a vocabulary's label.
    """
    build(fixture, tmp_path, site=False)
    catalog = Graph().parse(tmp_path / "catalog.ttl")
    official = _official()
    documents = set(catalog.subjects(RDF.type, FOAF.Document))
    ours = (DG_ONTOLOGY, *(str(s.description.organisation.base_iri) for s in load(fixture)))
    wrong = []
    for subject, predicate, label in catalog:
        if predicate not in LABELS or not isinstance(subject, URIRef):
            continue
        if str(subject).startswith(ours) or subject in documents:
            continue
        allowed = {obj for p in LABELS for obj in official.objects(subject, p)}
        if label not in allowed:
            wrong.append(f"{subject} {predicate} {label!r} (official: {sorted(map(str, allowed))})")
    assert wrong == []


def test_labels_for_pages_and_keywords_are_still_known() -> None:
    """dcatgen's own labels (labels.ttl) still serve the pages, keywords and CKAN."""
    from dcatgen.mapping.tables import codelist_labels, subject_labels
    from dcatgen.rdf.namespaces import ACCESS_RIGHT, LANGUAGE

    assert subject_labels("p1650") == {
        "fi": "varhaiskasvatus",
        "sv": "småbarnspedagogik",
        "en": "early childhood education",
    }
    assert codelist_labels(str(ACCESS_RIGHT.PUBLIC)).get("fi") is None  # keys are N-Triples
    assert codelist_labels(f"<{ACCESS_RIGHT.PUBLIC}>") == {
        "fi": "julkinen",
        "sv": "offentlig",
        "en": "public",
    }
    assert codelist_labels(f"<{LANGUAGE.FIN}>")["fi"] == "suomi"


# --- item 4: JSON-LD 1.0 --------------------------------------------------------------------


def test_jsonld_reads_as_json_ld_1_0(built: Path) -> None:
    """PyLD in JSON-LD 1.0 mode (as Jena's 1.0 reader) reads the file and gets the same graph;
    it refused the context while it declared "@version": 1.1."""
    document = json.loads((built / "catalog.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(
        document, {"processingMode": "json-ld-1.0", "format": "application/n-quads"}
    )
    graph = Graph().parse(data=nquads, format="nt")
    reference = Graph().parse(built / "catalog.nt")
    assert len(graph) == len(reference) > 300
    assert explain_difference(reference, graph) is None


JSON_LD_11_ONLY = {
    "@version",
    "@protected",
    "@propagate",
    "@import",
    "@nest",
    "@prefix",
    "@included",
    "@json",
    "@direction",
    "@none",
}


def test_the_context_uses_no_json_ld_1_1_feature() -> None:
    """No 1.1-only keyword, container or scoped context, so no @version is needed."""
    context = json.loads((ROOT / "ontology" / "dcatgen.context.jsonld").read_text())["@context"]
    for term, definition in context.items():
        assert term not in JSON_LD_11_ONLY, term
        if isinstance(definition, dict):
            assert not set(definition) & (JSON_LD_11_ONLY | {"@context"}), term
            assert definition.get("@container", "@language") in ("@language", "@list", "@set"), term
            assert definition.get("@type", "@id") not in ("@json", "@none"), term


# --- item 6: titles, keywords ---------------------------------------------------------------


def test_catalog_title_names_the_unit_it_covers(catalog: Graph) -> None:
    """One unit described: the title names it, and the description says which."""
    [catalog_iri] = catalog.subjects(RDF.type, DCAT.Catalog)
    titles = _texts(catalog, catalog_iri, DCTERMS.title)
    assert (
        titles["fi"]
        == "Mynämäen kunta, Kasvatus- ja sivistysosasto: asiarekisterit ja tietovarannot"
    )
    descriptions = _texts(catalog, catalog_iri, DCTERMS.description)
    assert descriptions["fi"].endswith("Kuvattu yksikkö: Kasvatus- ja sivistysosasto.")


def test_titles_in_other_languages_use_their_names_or_say_so(catalog: Graph) -> None:
    """The YAML names the municipality in Swedish (Virmo kommun) but not in English; the unit
    only in Finnish: the Swedish title uses Virmo, and both say which names are Finnish."""
    [catalog_iri] = catalog.subjects(RDF.type, DCAT.Catalog)
    titles = _texts(catalog, catalog_iri, DCTERMS.title)
    assert titles["sv"] == (
        "Virmo kommun, Kasvatus- ja sivistysosasto: ärenderegister och informationslager "
        "(namnet på finska)"
    )
    assert titles["en"] == (
        "Mynämäen kunta, Kasvatus- ja sivistysosasto: case registers and information resources "
        "(names in Finnish)"
    )


def test_titles_of_descriptions_in_every_shape() -> None:
    """Names in the title's language carry no note; many units leave the title to the
    organisation; several are joined with the language's 'and'."""
    description = load_file(SEED).description
    organisation = description.organisation.model_copy(
        update={"name": {"fi": "Mynämäen kunta", "sv": "Virmo kommun", "en": "Mynämäki"}}
    )
    unit = description.units[0]
    named = unit.model_copy(
        update={"name": {"fi": "Sivistys", "sv": "Bildning", "en": "Education"}}
    )
    two = description.model_copy(
        update={
            "organisation": organisation,
            "units": (
                named,
                named.model_copy(
                    update={
                        "id": "b",
                        "name": {"fi": "Tekninen", "sv": "Teknisk", "en": "Technical"},
                    }
                ),
            ),
        }
    )
    assert catalog_texts(two, "en")[0] == (
        "Mynämäki, Education and Technical: case registers and information resources"
    )
    assert catalog_texts(two, "sv")[1].endswith("Beskrivna enheter: Bildning och Teknisk.")
    many = two.model_copy(
        update={"units": tuple(named.model_copy(update={"id": f"u{i}"}) for i in range(4))}
    )
    assert catalog_texts(many, "fi")[0] == "Mynämäen kunta: asiarekisterit ja tietovarannot"


def test_keywords_in_every_language_of_the_subjects_labels(catalog: Graph) -> None:
    """Early childhood's YSO subject gives fi, sv and en keywords (only fi before)."""
    keywords = set(catalog.objects(REGISTER.varhaiskasvatus, DCAT.keyword))
    assert {
        Literal("varhaiskasvatus", lang="fi"),
        Literal("småbarnspedagogik", lang="sv"),
        Literal("early childhood education", lang="en"),
    } <= keywords


def test_the_municipality_location_has_no_label_of_ours(catalog: Graph) -> None:
    """No official copy of the municipality code list is at hand: the location keeps its
    notation and type, and no label is made up for it."""
    place = URIRef("http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/503")
    assert (place, RDF.type, DCTERMS.Location) in catalog
    assert not [p for p in catalog.predicates(place, None) if p in LABELS]


def test_a_finding_on_a_system_use_points_at_the_yaml_entry() -> None:
    """A malformed `#system-2` of liikuntapalvelut is reported at that register's second
    system in the YAML (file and line)."""
    from dcatgen.build.catalog import Catalog, check, make_catalog

    built = make_catalog(DATA)
    use = f"<{REGISTER['liikuntapalvelut']}#system-2>"
    position = f"<{DG.position}>"
    broken = [t for t in built.triples if not (t[0] == use and t[1] == position)]
    report = check(Catalog(built.sources, broken))
    [finding] = [f for f in report.findings if f.focus_node == use[1:-1]]
    assert finding.register == "liikuntapalvelut"
    assert finding.field is not None and finding.field.endswith(".systems[1]")
    assert finding.position is not None and finding.file is not None
    lines = Path(finding.file).read_text(encoding="utf-8").splitlines()
    assert "Titania" in lines[finding.position.line - 1]
