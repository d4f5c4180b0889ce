"""The writers: every format parses back to the same graph, whatever the literals hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import serialize
from dcatgen.rdf.terms import DCT, DG, XSD, iri, literal, typed
from tests.rdfdiff import explain_difference

PARSERS = {
    Format.TURTLE: "turtle",
    Format.JSON_LD: "json-ld",
    Format.RDF_XML: "xml",
    Format.N_TRIPLES: "nt",
}
# XML 1.0 cannot carry most C0 control characters; YAML cannot either, so none reach us.
TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters="\x00\ufffe\uffff"
        + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)),
    ),
    max_size=30,
)
LOCAL = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@st.composite
def triples(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """Random small graphs over our predicates, with awkward literals and IRIs."""
    result = []
    for _ in range(draw(st.integers(1, 6))):
        subject = iri(
            "https://example.org/x/"
            + draw(LOCAL)
            + draw(st.sampled_from(["", "#data-group-1", "?a=1&b=2"]))
        )
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.integers(0, 4))
            if kind == 0:
                obj = literal(draw(TEXT), draw(st.sampled_from(["fi", "sv", "en"])))
                predicate = DCT.title
            elif kind == 1:
                obj, predicate = literal(draw(TEXT)), DCT.identifier
            elif kind == 2:
                obj = typed(str(draw(st.integers(0, 99))), XSD.integer)
                predicate = DG.position
            elif kind == 3:
                obj = iri("http://www.yso.fi/onto/yso/p" + str(draw(st.integers(1, 99999))))
                predicate = DCT.subject
            else:
                obj = iri("https://example.org/y/" + draw(LOCAL) + "(s)")
                predicate = DG.referenceTarget
            result.append((subject, predicate, obj))
    return sorted(set(result), key=lambda t: t[0])


@settings(max_examples=80, deadline=None)
@given(triples())
def test_every_writer_round_trips(graph_triples: list[tuple[str, str, str]]) -> None:
    """Turtle, JSON-LD, RDF/XML and N-Triples all parse back to the same graph."""
    reference = Graph().parse(data=serialize(graph_triples, Format.N_TRIPLES), format="nt")
    for fmt, parser in PARSERS.items():
        data = serialize(graph_triples, fmt)
        if fmt is Format.JSON_LD:
            json.loads(data)
        parsed = Graph().parse(data=data, format=parser)
        difference = explain_difference(reference, parsed)
        assert difference is None, f"{fmt.label}: {difference}\n{data.decode()}"
