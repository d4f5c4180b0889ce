"""The one table of RDF formats: names, media types, file suffixes, SPARQL result aliases and
the pyoxigraph parser of each.

Everything that names an RDF format (the build's outputs, content negotiation, reading files
back, SPARQL graph results) reads it from here; the writers (rdf/serialize.py) are keyed by it.
Adding a format is a row here and a writer there.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import pyoxigraph as ox


class Format(Enum):
    """An RDF serialisation dcatgen writes, with everything that names it."""

    TURTLE = ("turtle", "text/turtle", "ttl", ("application/x-turtle",), (), ())
    JSON_LD = ("json-ld", "application/ld+json", "jsonld", ("application/json",), ("json",), ())
    RDF_XML = (
        "rdf-xml",
        "application/rdf+xml",
        "rdf",
        ("application/xml",),
        ("xml", "rdfxml"),
        ("text/xml",),
    )
    N_TRIPLES = ("n-triples", "application/n-triples", "nt", (), ("ntriples",), ("text/plain",))

    def __init__(
        self,
        label: str,
        media_type: str,
        extension: str,
        aliases: tuple[str, ...],
        names: tuple[str, ...],
        result_aliases: tuple[str, ...],
    ) -> None:
        self.label = label
        self.media_type = media_type
        self.extension = extension
        self.aliases = aliases
        """Other media types a described resource is offered under (HTTP Accept)."""
        self.names = names
        """Other names it is given by (`--format`, a SPARQL `format` parameter)."""
        self.result_aliases = result_aliases
        """Further media types SPARQL clients ask graph results under."""

    @property
    def oxigraph(self) -> ox.RdfFormat:
        """pyoxigraph's parser and serialiser of this format."""
        return _OXIGRAPH[self]

    @property
    def suffix(self) -> str:
        """The file suffix ('.ttl')."""
        return "." + self.extension

    def file_name(self, stem: str) -> str:
        """The output file of this format ('catalog' → 'catalog.ttl')."""
        return f"{stem}.{self.extension}"

    @classmethod
    def from_name(cls, name: str) -> Format:
        """A format by label, extension, media type or other name ('ttl', 'turtle',
        'text/turtle', 'json')."""
        wanted = name.lower().split(";")[0].strip()
        for member in cls:
            if wanted in (member.label, member.extension, member.media_type, *member.names):
                return member
        raise ValueError(f"unknown format {name!r}: use one of {', '.join(m.label for m in cls)}")

    @classmethod
    def from_suffix(cls, path: Path) -> Format | None:
        """The format of a file by its suffix, or None."""
        suffix = path.suffix.lower()
        return next((member for member in READ_ORDER if member.suffix == suffix), None)


_OXIGRAPH = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.JSON_LD: ox.RdfFormat.JSON_LD,
    Format.RDF_XML: ox.RdfFormat.RDF_XML,
    Format.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
}

READ_ORDER = (Format.N_TRIPLES, Format.TURTLE, Format.RDF_XML, Format.JSON_LD)
"""Which of a build's files to read when several are there: the fastest to parse first."""
