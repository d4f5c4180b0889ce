"""Serialise: triples → Turtle, N-Triples, RDF/XML and compacted JSON-LD 1.1, written atomically.

Output is canonical: triples are sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox

from dcatgen.errors import OutputError
from dcatgen.rdf.formats import Format
from dcatgen.rdf.namespaces import PREFIXES
from dcatgen.rdf.terms import Term, Triple, literal_parts, ntriples, sort_key

RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_TYPE_TERM = f"<{RDF_TYPE_IRI}>"
XSD_STRING_IRI = "http://www.w3.org/2001/XMLSchema#string"

CONTEXT_IRI = "https://w3id.org/dcatgen/ns/context.jsonld"


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
    return [quad.triple for quad in ox.parse(ntriples(triples), format=Format.N_TRIPLES.oxigraph)]


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
            lexical, language, datatype = literal_parts(obj)
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
    empty = bytes(ox.serialize([], format=Format.RDF_XML.oxigraph, prefixes=PREFIXES) or b"")
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


# Turtle and RDF/XML are written here from the term strings rather than by pyoxigraph:
# turning millions of strings into Python-side pyoxigraph objects costs more than the
# writing itself.  N-Triples terms are valid Turtle terms; IRIs get prefixes where the
# local part is a safe PN_LOCAL.  Round-trip tests parse every format back.
_SAFE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_XSD = "http://www.w3.org/2001/XMLSchema#"


@cache
def _prefix_of() -> dict[str, str]:
    return {namespace: prefix for prefix, namespace in PREFIXES.items()}


def _split_iri(iri: str) -> tuple[str, str]:
    cut = iri.rfind("#") if "#" in iri else iri.rfind("/")
    return iri[: cut + 1], iri[cut + 1 :]


def _turtle_iri(term: Term, cache: dict[str, str]) -> str:
    found = cache.get(term)
    if found is None:
        namespace, local = _split_iri(term[1:-1])
        prefix = _prefix_of().get(namespace)
        found = f"{prefix}:{local}" if prefix and _SAFE_LOCAL.fullmatch(local) else term
        if len(cache) < 10_000:  # predicates, classes, concepts: few and repeated
            cache[term] = found
    return found


def _turtle_object(term: Term, cache: dict[str, str]) -> str:
    if term.startswith("<"):
        return _turtle_iri(term, cache)
    if term.endswith(">") and '"^^<' + _XSD in term:
        lexical, _, datatype = term.rpartition("^^")
        return f"{lexical}^^xsd:{datatype[len(_XSD) + 1 : -1]}"
    return term


def _turtle_fragment(triples: list[Triple]) -> bytes:
    cache: dict[str, str] = {RDF_TYPE_TERM: "a"}
    out: list[str] = []
    subject = predicate = None
    for s, p, o in triples:
        obj = _turtle_object(o, cache)
        if s != subject:
            if subject is not None:
                out.append(" .\n\n")
            subject, predicate = s, p
            out.append(
                f"{_turtle_iri(s, cache) if s.startswith('<') else s} {_turtle_iri(p, cache)} {obj}"
            )
        elif p != predicate:
            predicate = p
            out.append(f" ;\n\t{_turtle_iri(p, cache)} {obj}")
        else:
            out.append(f" , {obj}")
    if subject is not None:
        out.append(" .\n\n")
    return "".join(out).encode("utf-8")


# XML parsers turn a raw \r into \n and normalise whitespace in attributes: escape them.
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_name(predicate: Term, cache: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(element name, namespace declaration to put on the element) of a predicate."""
    found = cache.get(predicate)
    if found is None:
        namespace, local = _split_iri(predicate[1:-1])
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", local):
            raise ValueError(f"RDF/XML cannot write the predicate {predicate} as an element")
        prefix = _prefix_of().get(namespace)
        if prefix:
            found = (f"{prefix}:{local}", "")
        else:  # a namespace outside the frame's root: declare it on the element itself
            declaration = f' xmlns:ns0="{namespace.translate(_XML_ATTRIBUTE)}"'
            found = (f"ns0:{local}", declaration)
        cache[predicate] = found
    return found


_XML_SPECIAL = re.compile(r'[&<>"\r\n\t]')


def _xml_attribute(text: str) -> str:
    return text.translate(_XML_ATTRIBUTE) if _XML_SPECIAL.search(text) else text


def _xml_node(term: Term) -> str:
    if term.startswith("<"):
        return f'rdf:about="{_xml_attribute(term[1:-1])}"'
    return f'rdf:nodeID="{term[2:]}"'


def _xml_fragment(triples: list[Triple]) -> bytes:
    names: dict[str, tuple[str, str]] = {}
    out: list[str] = []
    subject = None
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                out.append("\t</rdf:Description>\n")
            subject = s
            out.append(f"\t<rdf:Description {_xml_node(s)}>\n")
        name, declaration = _xml_name(p, names)
        if o.startswith("<"):
            resource = _xml_attribute(o[1:-1])
            out.append(f'\t\t<{name}{declaration} rdf:resource="{resource}"/>\n')
        elif o.startswith("_:"):
            out.append(f'\t\t<{name}{declaration} rdf:nodeID="{o[2:]}"/>\n')
        else:
            lexical, language, datatype = literal_parts(o)
            if _XML_FORBIDDEN.search(lexical):
                raise ValueError(f"XML 1.0 cannot carry the control characters in {o}")
            text = lexical.translate(_XML_TEXT) if _XML_SPECIAL.search(lexical) else lexical
            if language:
                attribute = f' xml:lang="{language}"'
            elif datatype and datatype != XSD_STRING_IRI:
                attribute = f' rdf:datatype="{_xml_attribute(datatype)}"'
            else:
                attribute = ""
            out.append(f"\t\t<{name}{declaration}{attribute}>{text}</{name}>\n")
    if subject is not None:
        out.append("\t</rdf:Description>\n")
    return "".join(out).encode("utf-8")


def _jsonld_fragment(triples: list[Triple]) -> bytes:
    return b",\n".join(orjson.dumps(node) for node in jsonld_nodes(triples))


FRAGMENT_WRITERS: dict[Format, Callable[[list[Triple]], bytes]] = {
    Format.TURTLE: _turtle_fragment,
    Format.RDF_XML: _xml_fragment,
    Format.JSON_LD: _jsonld_fragment,
    Format.N_TRIPLES: ntriples,
}


def fragments(triples: list[Triple], formats: Iterable[Format] = Format) -> dict[Format, bytes]:
    """The body of each format for triples grouped by subject."""
    return {format: FRAGMENT_WRITERS[format](triples) for format in formats}


def serialize(triples: list[Triple], format: Format) -> bytes:
    """A whole document of canonically ordered triples in one format."""
    surround = frame(format)
    return surround.header + fragments(triples, [format])[format] + surround.footer


def umask() -> int:
    """The process's umask (reading it means setting it: set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets under the process's umask (0o644 under 022, 0o600 under 077)."""
    return 0o666 & ~umask()


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a file so that readers see the old file or the new one, never half of it.

    Raises OutputError (naming the path and what to do) when it cannot be written: the old
    file, if any, is left as it was and no temporary file stays behind.
    """
    if path.is_dir():
        raise OutputError(path, "that is a folder: give a file name")
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, file_mode())  # mkstemp makes 0o600; honour the umask instead
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError.from_os_error(path, error) from error
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths' names (files or folders) in one atomic step (Linux renameat2);
    False where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no renameat2 in this C library
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(result == 0)


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
        path = directory / format.file_name(stem)
        surround = frame(format)
        write_atomic(path, surround.header + bodies[format] + surround.footer)
        written.append(path)
    return written
