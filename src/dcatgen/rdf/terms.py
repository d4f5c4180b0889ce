"""RDF terms as N-Triples strings: the cheap currency of the mapping at national scale.

An IRI is `<http://…>`, a literal `"text"`, `"text"@fi` or `"1"^^<…#integer>`.  Strings
are hashable, sort deterministically, and concatenate straight into N-Triples.
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

from dcatgen.rdf.namespaces import PREFIXES

Term = str
Triple = tuple[Term, Term, Term]

_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({code: f"\\u{code:04X}" for code in (*range(0, 9), 11, 12, *range(14, 32), 127)})
_ESCAPES[ord("\t")] = "\\t"
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


class Vocabulary:
    """A namespace whose attributes are N-Triples IRI terms (`DG.purpose` → `<…#purpose>`)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __getattr__(self, name: str) -> Term:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)  # later lookups are plain attribute reads
        return term

    def __getitem__(self, name: str) -> Term:
        return _term(self.namespace + name)


@cache
def _term(value: str) -> Term:
    return f"<{value}>"


def iri(value: str) -> Term:
    """An IRI term; refuses characters N-Triples cannot carry in an IRI."""
    if _UNSAFE_IRI.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def iri_problem(value: str) -> str | None:
    """Why ``value`` cannot be an IRI in every format dcatgen writes, or None when it can.

    The reference is pyoxigraph's IRI parser (RFC 3987), which the outputs are read back
    with: ``%zz``, a second ``#`` or a ``^`` pass a URL library yet make unreadable files.

    >>> iri_problem("https://example.org/a%20b") is None
    True
    >>> iri_problem("https://example.org/a^b")
    "the character '^' is not allowed in an IRI"
    """
    unsafe = _UNSAFE_IRI.search(value)
    if unsafe:
        return f"the character {unsafe.group()!r} is not allowed in an IRI"
    try:
        ox.NamedNode(value)
    except ValueError as error:
        reason = str(error)
        if "percent encoding" in reason:
            return "a % must start a percent escape such as %20 (two hex digits)"
        if "code point" in reason:
            return reason.replace("Invalid IRI code point", "the character") + " is not allowed"
        return reason
    return None


def iri_value(term: Term) -> str:
    """The IRI inside an IRI term."""
    return term[1:-1]


def literal(text: str, language: str | None = None) -> Term:
    """A plain or language-tagged literal."""
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    return f'"{text}"@{language}' if language else f'"{text}"'


def typed(lexical: str, datatype: Term) -> Term:
    """A typed literal such as `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`."""
    if _NEEDS_ESCAPE.search(lexical):
        lexical = lexical.translate(_ESCAPES)
    return f'"{lexical}"^^{datatype}'


def is_iri(term: Term) -> bool:
    """True for an IRI term."""
    return term.startswith("<")


def ntriples(triples: list[Triple]) -> bytes:
    """N-Triples text of triples, in the given order."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


DG = Vocabulary(PREFIXES["dg"])
DCAT = Vocabulary(PREFIXES["dcat"])
DCT = Vocabulary(PREFIXES["dct"])
DCATAP = Vocabulary(PREFIXES["dcatap"])
FOAF = Vocabulary(PREFIXES["foaf"])
ORG = Vocabulary(PREFIXES["org"])
SKOS = Vocabulary(PREFIXES["skos"])
VCARD = Vocabulary(PREFIXES["vcard"])
CV = Vocabulary(PREFIXES["cv"])
YSO = Vocabulary(PREFIXES["yso"])
RDF = Vocabulary(PREFIXES["rdf"])
XSD = Vocabulary(PREFIXES["xsd"])
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Vocabulary(EU_AUTHORITY + "data-theme/")
ACCESS_RIGHT = Vocabulary(EU_AUTHORITY + "access-right/")
LANGUAGE = Vocabulary(EU_AUTHORITY + "language/")
PUBLISHER_TYPE = Vocabulary("http://purl.org/adms/publishertype/")
MUNICIPALITY = Vocabulary("http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/")
RDF_TYPE = RDF.type


# --- reading literals back -------------------------------------------------------------

_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)


_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape_match(match: re.Match[str]) -> str:
    short, long, char = match.groups()
    if short or long:
        return chr(int(short or long, 16))
    try:
        return _ECHAR[char]
    except KeyError:
        raise ValueError(f"bad N-Triples escape \\{char}") from None


def unescape(text: str) -> str:
    """An N-Triples lexical form with its escapes undone; refuses an unknown escape."""
    return _UNESCAPE.sub(_unescape_match, text) if "\\" in text else text


def nt_escape(text: str) -> str:
    """A lexical form escaped for an N-Triples literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def literal_parts(term: str) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of an N-Triples literal term."""
    if term.startswith('"""'):  # rdflib's n3() writes multi-line literals so
        end = term.rfind('"""')
        lexical, rest = term[3:end], term[end + 3 :]
    else:
        end = term.rfind('"')
        lexical, rest = term[1:end], term[end + 1 :]
    if end <= 0:
        raise ValueError(f"not an N-Triples literal: {term!r}")
    lexical = unescape(lexical)
    if not rest:
        return lexical, None, None
    if rest[0] == "@" and len(rest) > 1:
        return lexical, rest[1:], None
    if rest.startswith("^^<") and rest[-1] == ">":
        return lexical, None, rest[3:-1]
    raise ValueError(f"not an N-Triples literal: {term!r}")


def sort_key(triple: Triple) -> tuple[str, bool, str, str]:
    """Canonical order: by subject, rdf:type first, then predicate and object."""
    subject, predicate, obj = triple
    return (subject, predicate != RDF_TYPE, predicate, obj)
