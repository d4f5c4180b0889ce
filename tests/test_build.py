"""The seed catalog: golden file, round trips, determinism, the data the seed names."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from dcatgen.build.catalog import make_catalog
from dcatgen.build.pipeline import build
from dcatgen.mapping.tables import to_graph
from dcatgen.rdf.formats import Format
from tests.conftest import DATA, GOLDEN, ROOT
from tests.rdfdiff import explain_difference

DG = "https://w3id.org/dcatgen/ns#"
SEED = ROOT.parent / "shared" / "seeds" / "mynamaki-kasvatus-ja-sivistys.txt"
PARSERS = {
    Format.TURTLE: "turtle",
    Format.JSON_LD: "json-ld",
    Format.RDF_XML: "xml",
    Format.N_TRIPLES: "nt",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built once into a temporary folder."""
    out = tmp_path_factory.mktemp("out")
    result = build(DATA, out)
    assert result.summary.conforms
    return out


def _graph(path: Path, fmt: str) -> Graph:
    return Graph().parse(path, format=fmt)


def test_golden_catalog(built: Path, update_golden: bool) -> None:
    """The seed catalog equals the golden file as a graph."""
    golden = GOLDEN / "mynamaki.ttl"
    if update_golden:
        golden.write_bytes((built / "catalog.ttl").read_bytes())
    difference = explain_difference(
        _graph(golden, "turtle"), _graph(built / "catalog.ttl", "turtle")
    )
    assert difference is None, difference + "\n(run pytest --update-golden if intended)"


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.label)
def test_every_serialisation_parses_back_isomorphic(built: Path, fmt: Format) -> None:
    """Turtle, JSON-LD, RDF/XML and N-Triples all carry the same graph."""
    reference = _graph(built / "catalog.nt", "nt")
    graph = _graph(built / f"catalog.{fmt.extension}", PARSERS[fmt])
    assert len(graph) == len(reference) > 300
    assert explain_difference(reference, graph) is None


def test_same_input_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    """Two builds of the same input write byte-identical files."""
    build(DATA, tmp_path)
    for fmt in Format:
        name = f"catalog.{fmt.extension}"
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_five_registers_with_identifiers_and_finnish_titles(built: Path) -> None:
    """One dcat:Dataset per register, each with a dct:identifier and a Finnish title."""
    graph = _graph(built / "catalog.ttl", "turtle")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 5
    identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
    assert len(identifiers) == 5
    titles = {
        str(t)
        for d in datasets
        for t in graph.objects(d, DCTERMS.title)
        if isinstance(t, Literal) and t.language == "fi"
    }
    assert "Varhaiskasvatuksen tietovaranto" in titles
    assert "Kirjastopalveluiden asiarekisteri" in titles


def _seed_list_items(heading: str) -> list[str]:
    items: list[str] = []
    capture = False
    for line in SEED.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text == heading:
            capture = True
            continue
        if capture and text[:2].rstrip(".").isdigit() and ". " in text:
            items.append(text.split(". ", 1)[1])
        elif capture and text and not text[0].isdigit():
            capture = False
    return items


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside the repository")
def test_every_data_group_and_system_of_the_seed_is_in_the_catalog(built: Path) -> None:
    """Each numbered data group and system line of the seed appears in the catalog."""
    graph = _graph(built / "catalog.ttl", "turtle")
    literals = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    data_groups = _seed_list_items("Tietoaineistot")
    systems = _seed_list_items("Tietojärjestelmät")
    assert len(data_groups) == 30 and len(systems) == 11
    for item in data_groups:
        assert item in literals, item
    for item in systems:
        # Systems keep the seed's own words as dg:originalWording, or are named plainly.
        assert item in literals, item


def test_multiprimus_contains_wilma_and_kurre(built: Path) -> None:
    """ "MultiPrimus (sis. Wilma ja Kurre)" becomes a system with two parts."""
    graph = _graph(built / "catalog.ttl", "turtle")
    base = "https://w3id.org/dcatgen/id/mynamaki/system/"
    parts = set(graph.objects(URIRef(base + "multiprimus"), DCTERMS.hasPart))
    assert parts == {URIRef(base + "wilma"), URIRef(base + "kurre")}


def test_shared_systems_are_one_node() -> None:
    """LYYTI and Titania, named by two registers, are one system each."""
    graph = to_graph(make_catalog(DATA).triples)
    lyyti = URIRef("https://w3id.org/dcatgen/id/mynamaki/system/lyyti")
    users = set(graph.subjects(URIRef(DG + "informationSystem"), lyyti))
    assert {str(u).rsplit("/", 1)[1] for u in users} == {"nuorisopalvelut", "liikuntapalvelut"}
