"""The one format table: every RDF format is wired into every place that names formats.

Adding a row to `dcatgen.rdf.formats.Format` without a writer, a reader, a media type the
server offers or a SPARQL result format fails here, not in a user's hands.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dcatgen.rdf.formats import READ_ORDER, Format
from dcatgen.rdf.namespaces import PREFIXES, expand, shorten
from dcatgen.rdf.serialize import FRAGMENT_WRITERS, serialize
from dcatgen.rdf.terms import literal, literal_parts, typed
from dcatgen.server.app import OFFERS
from dcatgen.sparql.engine import GRAPH_FORMATS, choose_format
from dcatgen.sparql.store import BUILT_FILES, BUILT_LABELS

TRIPLES = [
    ("<https://example.org/a>", "<http://purl.org/dc/terms/title>", literal('Ä "x"\n', "fi")),
    (
        "<https://example.org/a>",
        "<http://www.w3.org/ns/dcat#version>",
        typed("2", "<http://www.w3.org/2001/XMLSchema#integer>"),
    ),
]


@pytest.mark.parametrize("format", list(Format), ids=lambda f: f.label)
def test_every_format_is_written_and_read_back_by_its_parser(format: Format) -> None:
    assert format in FRAGMENT_WRITERS
    parsed = {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in ox.parse(serialize(TRIPLES, format), format=format.oxigraph)
    }
    assert len(parsed) == len(TRIPLES)


@pytest.mark.parametrize("format", list(Format), ids=lambda f: f.label)
def test_every_format_is_named_offered_and_found(format: Format) -> None:
    for name in (format.label, format.extension, format.media_type, *format.names):
        assert Format.from_name(name) is format
    assert Format.from_suffix(Path(format.file_name("catalog"))) is format
    assert format in READ_ORDER
    assert format.file_name("catalog") in BUILT_FILES
    assert format.label in BUILT_LABELS
    assert OFFERS[format.media_type] is format
    graph_format = choose_format(GRAPH_FORMATS, format.media_type, None)
    assert graph_format.label == format.label
    assert graph_format.media_type == format.media_type


def test_unknown_names_are_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="use one of turtle, json-ld, rdf-xml, n-triples"):
        Format.from_name("yaml")


def test_one_shortener_and_its_inverse() -> None:
    for prefix, namespace in PREFIXES.items():
        name = shorten(namespace + "x")
        assert name == f"{prefix}:x"
        assert expand(name) == namespace + "x"
    assert shorten("urn:x") is None
    assert expand("nope:x") is None


@pytest.mark.parametrize(
    ("term", "parts"),
    [
        ('"a"', ("a", None, None)),
        ('"a\\"b\\\\c\\n"@fi', ('a"b\\c\n', "fi", None)),
        ('"\\u00C4"^^<http://x/d>', ("Ä", None, "http://x/d")),
    ],
)
def test_one_literal_parser(term: str, parts: tuple[str, str | None, str | None]) -> None:
    assert literal_parts(term) == parts


def test_the_literal_parser_refuses_what_is_no_literal() -> None:
    with pytest.raises(ValueError, match="not an N-Triples literal"):
        literal_parts("<https://example.org/a>")
