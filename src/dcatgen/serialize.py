"""Serialise: triples → Turtle, N-Triples, RDF/XML and compacted JSON-LD 1.1, written atomically.

Output is canonical: triples are sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dcatgen.mapping import sort_key
from dcatgen.namespaces import PREFIXES
from dcatgen.terms import Term, Triple, ntriples

RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING_IRI = "http://www.w3.org/2001/XMLSchema#string"

CONTEXT_IRI = "https://w3id.org/dcatgen/ns/context.jsonld"


class Format(Enum):
    """An RDF serialisation dcatgen writes, with its media type and file extension."""

    TURTLE = ("turtle", "text/turtle", "ttl")
    JSON_LD = ("json-ld", "application/ld+json", "jsonld")
    RDF_XML = ("rdf-xml", "application/rdf+xml", "rdf")
    N_TRIPLES = ("n-triples", "application/n-triples", "nt")

    def __init__(self, label: str, media_type: str, extension: str) -> None:
        self.label = label
        self.media_type = media_type
        self.extension = extension

    @classmethod
    def from_name(cls, name: str) -> Format:
        """A format by label, extension or media type ('ttl', 'turtle', 'text/turtle')."""
        wanted = name.lower().split(";")[0].strip()
        for member in cls:
            if wanted in (member.label, member.extension, member.media_type):
                return member
        aliases = {"json": cls.JSON_LD, "xml": cls.RDF_XML, "ntriples": cls.N_TRIPLES}
        if wanted in aliases:
            return aliases[wanted]
        raise ValueError(f"unknown format {name!r}: use one of {', '.join(m.label for m in cls)}")


# --- terms ------------------------------------------------------------------------------


def canonical(triples: Iterable[Triple]) -> list[Triple]:
    """Distinct triples in canonical order (subject, rdf:type first, predicate, object)."""
    return sorted(set(triples), key=sort_key)


def grouped(triples: Iterable[Triple]) -> list[Triple]:
    """Distinct triples grouped by subject, keeping the mapping's order within a subject.

    Much cheaper than `canonical` and just as deterministic, for input in a fixed order
    (never for a set, whose order changes between processes).
    """
    return sorted(dict.fromkeys(triples), key=itemgetter(0))


def to_oxigraph(triples: list[Triple]) -> list[ox.Triple]:
    """String triples as pyoxigraph triples, in the same order (one Rust-side parse)."""
    return [quad.triple for quad in ox.parse(ntriples(triples), format=ox.RdfFormat.N_TRIPLES)]


# --- writers ----------------------------------------------------------------------------


@cache
def context_document() -> dict[str, Any]:
    """The JSON-LD context of dcatgen's output (ontology/dcatgen.context.jsonld)."""
    source = resources.files("dcatgen").joinpath("resources/ontology/dcatgen.context.jsonld")
    document: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return document


@dataclass(frozen=True)
class _Compactor:
    prefixes: dict[str, str]
    iri_terms: dict[str, str]
    language_terms: dict[str, str]
    typed_terms: dict[tuple[str, str], str]
    string_terms: dict[str, str]
    class_terms: dict[str, str]
    prefix_of: dict[str, str]

    def iri(self, value: str) -> str:
        """A compact IRI (prefix:local) when its namespace has a prefix, else the IRI itself."""
        cut = value.rfind("#") if "#" in value else value.rfind("/")
        prefix = self.prefix_of.get(value[: cut + 1])
        local = value[cut + 1 :]
        return f"{prefix}:{local}" if prefix and local else value


@cache
def _compactor() -> _Compactor:
    context: dict[str, Any] = context_document()["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v[-1] in "/#"}
    expand: Callable[[str], str] = lambda value: (  # noqa: E731
        prefixes[value.split(":", 1)[0]] + value.split(":", 1)[1]
        if ":" in value and value.split(":", 1)[0] in prefixes
        else value
    )
    iri_terms: dict[str, str] = {}
    language_terms: dict[str, str] = {}
    typed_terms: dict[tuple[str, str], str] = {}
    string_terms: dict[str, str] = {}
    class_terms: dict[str, str] = {}
    for term, definition in context.items():
        if term.startswith("@") or term in prefixes:
            continue
        if isinstance(definition, str):
            class_terms[expand(definition)] = term
            continue
        predicate = expand(definition["@id"])
        if definition.get("@type") == "@id":
            iri_terms[predicate] = term
        elif definition.get("@container") == "@language":
            language_terms[predicate] = term
        elif "@type" in definition:
            typed_terms[(predicate, expand(definition["@type"]))] = term
        else:
            string_terms[predicate] = term
    prefix_of = {namespace: prefix for prefix, namespace in prefixes.items()}
    return _Compactor(
        prefixes, iri_terms, language_terms, typed_terms, string_terms, class_terms, prefix_of
    )


def _add(node: dict[str, Any], key: str, value: Any) -> None:
    if key not in node:
        node[key] = value
    elif isinstance(node[key], list):
        node[key].append(value)
    else:
        node[key] = [node[key], value]


def _add_language(node: dict[str, Any], key: str, language: str, text: str) -> None:
    texts = node.setdefault(key, {})
    _add(texts, language, text)


_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE_ESCAPES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def _unescape(match: re.Match[str]) -> str:
    short, long, char = match.groups()
    if short or long:
        return chr(int(short or long, 16))
    return _SIMPLE_ESCAPES.get(char, char)


def _split_literal(term: Term) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of an N-Triples literal term."""
    end = term.rindex('"')
    lexical = term[1:end]
    if "\\" in lexical:
        lexical = _UNESCAPE.sub(_unescape, lexical)
    suffix = term[end + 1 :]
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None


def _as_terms(triples: Iterable[Triple] | Iterable[ox.Triple]) -> Iterator[Triple]:
    for triple in triples:
        if isinstance(triple, ox.Triple):
            yield str(triple.subject), str(triple.predicate), str(triple.object)
        else:
            yield triple


def _node_id(term: Term) -> str:
    return term[1:-1] if term.startswith("<") else term


def jsonld_nodes(triples: Iterable[Triple] | Iterable[ox.Triple]) -> list[dict[str, Any]]:
    """Compacted JSON-LD node objects of ordered triples, one per subject."""
    compactor = _compactor()
    nodes: dict[str, dict[str, Any]] = {}
    rdf_type = RDF_TYPE_IRI
    string = XSD_STRING_IRI
    for subject, predicate, obj in _as_terms(triples):
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": _node_id(subject)}
        p = predicate[1:-1]
        if obj.startswith('"'):
            lexical, language, datatype = _split_literal(obj)
            if language:
                if p in compactor.language_terms:
                    _add_language(node, compactor.language_terms[p], language, lexical)
                else:
                    _add(node, compactor.iri(p), {"@value": lexical, "@language": language})
            elif datatype and datatype != string:
                term = compactor.typed_terms.get((p, datatype))
                if term:
                    _add(node, term, lexical)
                else:
                    typed_value = {"@value": lexical, "@type": compactor.iri(datatype)}
                    _add(node, compactor.iri(p), typed_value)
            else:
                _add(node, compactor.string_terms.get(p) or compactor.iri(p), lexical)
        else:
            target = _node_id(obj)
            if p == rdf_type:
                _add(node, "@type", compactor.class_terms.get(target) or compactor.iri(target))
            elif p in compactor.iri_terms:
                _add(node, compactor.iri_terms[p], compactor.iri(target))
            else:
                _add(node, compactor.iri(p), {"@id": compactor.iri(target)})
    return list(nodes.values())


def jsonld_document(triples: Iterable[Triple] | Iterable[ox.Triple]) -> dict[str, Any]:
    """A compacted JSON-LD 1.1 document (context inline, so it parses offline)."""
    return {"@context": context_document()["@context"], "@graph": jsonld_nodes(triples)}


# --- fragments ----------------------------------------------------------------------------
# Every format is written as header + fragments + footer, so that the fragments of many
# partitions (one per description file) can be produced in parallel, cached, and spliced
# into one file in a fixed order.


@dataclass(frozen=True)
class Frame:
    """What surrounds and separates the fragments of one format."""

    header: bytes
    separator: bytes
    footer: bytes


def _xml_frame() -> tuple[bytes, bytes]:
    empty = bytes(ox.serialize([], format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) or b"")
    header, _, footer = empty.rpartition(b"</rdf:RDF>")
    return header, b"</rdf:RDF>" + footer


@cache
def frame(format: Format) -> Frame:
    """The header, separator and footer of a format."""
    if format is Format.TURTLE:
        prefixes = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
        return Frame((prefixes + "\n").encode(), b"", b"")
    if format is Format.RDF_XML:
        xml_header, xml_footer = _xml_frame()
        return Frame(xml_header, b"", xml_footer)
    if format is Format.JSON_LD:
        context = json.dumps(context_document()["@context"], ensure_ascii=False, indent=2)
        opening = '{\n"@context": ' + context + ',\n"@graph": [\n'
        return Frame(opening.encode(), b",\n", b"\n]\n}\n")
    return Frame(b"", b"", b"")


def _turtle_fragment(triples: list[ox.Triple]) -> bytes:
    text = bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
    # pyoxigraph writes its @prefix lines in hash order, which changes between runs: the
    # frame holds ours, in a fixed order.  Newlines inside literals are escaped, so a line
    # ending in " ." ends a statement: a blank line after it separates subjects.
    body = b"\n".join(line for line in text.split(b"\n") if not line.startswith(b"@prefix "))
    return body.lstrip(b"\n").replace(b" .\n", b" .\n\n")


def _xml_fragment(triples: list[ox.Triple]) -> bytes:
    text = bytes(ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) or b"")
    header, footer = _xml_frame()
    if not (text.startswith(header) and text.endswith(footer)):
        # A namespace outside PREFIXES would change the root element: refuse to splice.
        raise ValueError("RDF/XML fragment has an unexpected root element; add the prefix")
    return text[len(header) : len(text) - len(footer)]


def _jsonld_fragment(triples: list[Triple]) -> bytes:
    lines = (
        json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        for node in jsonld_nodes(triples)
    )
    return ",\n".join(lines).encode("utf-8")


FRAGMENT_WRITERS: dict[Format, Callable[[list[ox.Triple]], bytes]] = {
    Format.TURTLE: _turtle_fragment,
    Format.RDF_XML: _xml_fragment,
}


def fragments(triples: list[Triple], formats: Iterable[Format] = Format) -> dict[Format, bytes]:
    """The body of each format for ordered triples (parsed once for the RDF writers)."""
    result: dict[Format, bytes] = {}
    parsed: list[ox.Triple] | None = None
    for format in formats:
        if format is Format.N_TRIPLES:
            result[format] = ntriples(triples)
        elif format is Format.JSON_LD:
            result[format] = _jsonld_fragment(triples)
        else:
            parsed = parsed if parsed is not None else to_oxigraph(triples)
            result[format] = FRAGMENT_WRITERS[format](parsed)
    return result


def serialize(triples: list[Triple], format: Format) -> bytes:
    """A whole document of canonically ordered triples in one format."""
    surround = frame(format)
    return surround.header + fragments(triples, [format])[format] + surround.footer


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all(
    triples: list[Triple],
    directory: Path,
    stem: str = "catalog",
    formats: Iterable[Format] = Format,
) -> list[Path]:
    """Write every format into a directory; return the paths written."""
    chosen = list(formats)
    bodies = fragments(triples, chosen)
    written = []
    for format in chosen:
        path = directory / f"{stem}.{format.extension}"
        surround = frame(format)
        write_atomic(path, surround.header + bodies[format] + surround.footer)
        written.append(path)
    return written
