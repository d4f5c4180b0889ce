"""SPARQL: what a query is (lexically), and running one over a store with a result-size cap.

The lexer finds the query form, any ``SERVICE`` clause and how deep the query nests without
evaluating anything, so the server can refuse updates, federated queries and queries that would
crash the engine before a worker sees them.  Execution returns
the serialised answer in the negotiated format; the caller decides where it runs (in-process for
``dcatgen query``, in a killable worker process for ``dcatgen serve``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from dcatgen.rdf.conneg import negotiate
from dcatgen.rdf.formats import Format

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class QueryError(Exception):
    """A query the endpoint will not answer; ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- lexing -------------------------------------------------------------------------------
#
# The terminals below are the SPARQL 1.1 grammar's (§19.8), so a keyword is found exactly where
# a parser would find one: ``.SERVICE`` is the end of a triple pattern and then the keyword, while
# ``ex:SERVICE``, ``SERVICE:x``, ``?service``, ``"SERVICE"`` and ``<SERVICE>`` are names, variables,
# strings and IRIs.  Code-point escapes (``\u0053ERVICE``) are undone first, as the grammar says
# (§19.2): Oxigraph 0.5 does not undo them (it rejects such a query), so this can only refuse more,
# never let an escaped keyword through should a later engine follow the grammar.

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<variable>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<language>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<blank>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<name>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_NESTING = 100
"""The deepest nesting of groups, brackets and prefix operators a query may have.

Oxigraph's parser and evaluator recurse once per level: 3,000 nested groups crash the process
(a segmentation fault, not an exception), so a deeper query is refused before the engine sees
it.  Real queries stay under 20 levels."""


def unescape_codepoints(text: str) -> str:
    r"""The query text with ``\uXXXX`` and ``\UXXXXXXXX`` escapes replaced (SPARQL 1.1 §19.2).

    >>> unescape_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(replace, text)


@dataclass(frozen=True)
class Token:
    """One lexical token of a SPARQL text: its kind (a group name of _TOKEN) and text."""

    kind: str
    text: str


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text: no whitespace, no comments."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group())


@dataclass(frozen=True)
class Shape:
    """What the lexer tells about a query before it is parsed."""

    form: str | None
    """SELECT, CONSTRUCT, ASK, DESCRIBE, UPDATE, or None when no form keyword was found."""
    uses_service: bool
    """True when the text holds the SERVICE keyword (a federated query)."""


def shape(text: str) -> Shape:
    """The form of a query (or update) and whether it calls SERVICE.

    The text is tokenised with the grammar's own terminals after its code-point escapes are
    undone, so a ``word`` token can only be a keyword, a function name or ``a``: the first
    query-form or update keyword is the form, and a SERVICE keyword anywhere is a federated
    query (SERVICE is only a keyword in ``ServiceGraphPattern``).

    >>> shape("SELECT * {?a ?b ?c .SERVICE <http://example.org/x> {?s ?p ?o}}")
    Shape(form='SELECT', uses_service=True)
    >>> shape("PREFIX service: <http://example.org/> SELECT ?service {?service a service:X}")
    Shape(form='SELECT', uses_service=False)
    """
    form: str | None = None
    uses_service = False
    for token in tokens(unescape_codepoints(text)):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word == "SERVICE":
            uses_service = True
        elif form is None and word in QUERY_FORMS:
            form = word
        elif form is None and word in UPDATE_KEYWORDS:
            form = "UPDATE"
    return Shape(form, uses_service)


_OPENING = frozenset("{([")
_CLOSING = frozenset("})]")
_PREFIX_OPERATORS = frozenset("!-+^")


def nesting(text: str) -> int:
    """How deep a query nests: groups, brackets and chains of prefix operators (``!!!x``).

    >>> nesting("SELECT * { { ?s ?p ?o FILTER(!!(1 = 1)) } }")
    5
    """
    deepest = depth = run = 0
    for token in tokens(unescape_codepoints(text)):
        if token.kind == "other" and token.text in _PREFIX_OPERATORS:
            run += 1
        else:
            run = 0
            if token.kind == "other" and token.text in _OPENING:
                depth += 1
            elif token.kind == "other" and token.text in _CLOSING:
                depth = max(0, depth - 1)
        deepest = max(deepest, depth + run)
    return deepest


def check_nesting(text: str) -> None:
    """Raise QueryError (400) for a query nested deeper than the engine can take."""
    levels = nesting(text)
    if levels > MAX_NESTING:
        raise QueryError(
            400,
            f"the query nests {levels} levels deep (groups, brackets or operators); "
            f"at most {MAX_NESTING} are answered: flatten it",
        )


def check_query(text: str, allow_service: bool) -> Shape:
    """Refuse what a read-only endpoint must not run; raise QueryError with the HTTP status."""
    if not text.strip():
        raise QueryError(400, "empty query: send a SPARQL query in the 'query' parameter")
    check_nesting(text)
    found = shape(text)
    if found.form == "UPDATE":
        raise QueryError(403, "this endpoint is read-only: SPARQL updates are refused")
    if found.uses_service and not allow_service:
        raise QueryError(
            403,
            "SERVICE (federated query) is refused by this endpoint; "
            "the server must be started with --allow-service",
        )
    return found


# --- result formats -------------------------------------------------------------------


def _answers_to(format: Format) -> tuple[str, ...]:
    """The other media types SPARQL clients ask a graph format's results under."""
    return (*format.aliases, *format.result_aliases)


class ResultFormat(Enum):
    """A serialisation of SPARQL results: (name, media type, aliases)."""

    JSON = ("json", "application/sparql-results+json", ("application/json",))
    XML = ("xml", "application/sparql-results+xml", ("application/xml", "text/xml"))
    CSV = ("csv", "text/csv", ())
    TSV = ("tsv", "text/tab-separated-values", ())
    TURTLE = Format.TURTLE.label, Format.TURTLE.media_type, _answers_to(Format.TURTLE)
    JSON_LD = Format.JSON_LD.label, Format.JSON_LD.media_type, _answers_to(Format.JSON_LD)
    N_TRIPLES = Format.N_TRIPLES.label, Format.N_TRIPLES.media_type, _answers_to(Format.N_TRIPLES)
    RDF_XML = Format.RDF_XML.label, Format.RDF_XML.media_type, _answers_to(Format.RDF_XML)

    def __init__(self, label: str, media_type: str, aliases: tuple[str, ...]) -> None:
        self.label = label
        self.media_type = media_type
        self.aliases = aliases

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with charset."""
        return f"{self.media_type}; charset=utf-8"


SOLUTION_FORMATS = (ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV)
GRAPH_FORMATS = (
    ResultFormat.TURTLE,
    ResultFormat.JSON_LD,
    ResultFormat.N_TRIPLES,
    ResultFormat.RDF_XML,
)
_FORMAT_NAMES = {
    name: result
    for result in GRAPH_FORMATS
    for name in (Format.from_name(result.label).extension, *Format.from_name(result.label).names)
    if name not in {solution.label for solution in SOLUTION_FORMATS}
}
"""Other names of graph formats ('ttl', 'nt', 'rdfxml'; 'json' and 'xml' name solutions)."""
_OXIGRAPH_RESULTS = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}


def choose_format(
    candidates: Sequence[ResultFormat], accept: str | None, name: str | None
) -> ResultFormat:
    """The format for a result: the ``format`` parameter, else the Accept header, else the first.

    An Accept header that matches nothing gets the default rather than 406, as SPARQL
    endpoints commonly do; an unknown ``format`` parameter is an error.
    """
    if name:
        wanted = name.strip().lower()
        for candidate in candidates:
            if wanted in (candidate.label, candidate.media_type, *candidate.aliases):
                return candidate
        named = _FORMAT_NAMES.get(wanted.replace("-", "").replace("/", ""))
        if named is not None and named in candidates:
            return named
        names = ", ".join(c.label for c in candidates)
        raise QueryError(400, f"unknown result format {name!r} for this query: use {names}")
    offers: dict[str, ResultFormat] = {}
    for candidate in candidates:
        offers.setdefault(candidate.media_type, candidate)
    for candidate in candidates:
        for alias in candidate.aliases:
            offers.setdefault(alias, candidate)
    chosen = negotiate(accept, list(offers))
    return offers[chosen] if chosen else candidates[0]


# --- execution ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRequest:
    """A query and what the client asked about its answer (the SPARQL protocol's parameters)."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_results: int | None = 10_000
    """The most solutions or triples answered (more is 422); None: no cap."""
    union_default_graph: bool = False


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer, or an error with its HTTP status."""

    status: int
    content_type: str
    body: bytes
    rows: int | None = 0
    """Solutions or triples in the answer; None when solutions went out uncounted (no cap)."""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str, retry_after: bool = False) -> QueryAnswer:
        """A plain-text error answer (with Retry-After when trying again later may work)."""
        headers = {"Retry-After": "5"} if retry_after else {}
        body = (message.rstrip() + "\n").encode()
        return cls(status, "text/plain; charset=utf-8", body, 0, headers)


def _graph_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise QueryError(400, f"not an IRI: {iri!r} ({error})") from None


def _too_many(cap: int, what: str) -> QueryError:
    return QueryError(
        422,
        f"the result has more than {cap} {what}, this endpoint's cap: "
        "narrow the query or add LIMIT/OFFSET and page through it",
    )


def has_blank_nodes(triples: Iterable[ox.Triple]) -> bool:
    """True when a triple has a blank node (or a triple term) in subject or object."""
    return not all(
        isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal)
        for t in triples
    )


def string_triples(triples: Iterable[ox.Triple]) -> list[tuple[str, str, str]]:
    """pyoxigraph triples as dcatgen's N-Triples term strings, in canonical order."""
    from dcatgen.rdf.serialize import canonical

    return canonical((str(t.subject), str(t.predicate), str(t.object)) for t in triples)


def graph_bytes(triples: Iterable[ox.Triple], chosen: ResultFormat) -> bytes:
    """A graph in one format, written by dcatgen's serialisers (canonical order, prefixes)."""
    from dcatgen.rdf.formats import Format
    from dcatgen.rdf.serialize import serialize

    return serialize(string_triples(triples), Format.from_name(chosen.media_type))


def execute(store: ox.Store, request: QueryRequest) -> QueryAnswer:
    """Run one query over a store; answer in the negotiated format, refusing oversized results.

    Raises QueryError for bad queries (400, with the parser's message), bad parameters (400)
    and results over the cap (422).
    """
    check_nesting(request.query)  # every way into the engine: it crashes on deep nesting
    options: dict[str, Any] = {}
    if request.default_graphs:
        options["default_graph"] = [_graph_node(iri) for iri in request.default_graphs]
    elif request.union_default_graph:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [_graph_node(iri) for iri in request.named_graphs]
    try:
        result = store.query(request.query, **options)
    except SyntaxError as error:
        raise QueryError(400, f"SPARQL syntax error: {error}") from None
    try:
        return _answer(result, request)
    except OSError as error:
        # pyoxigraph reports evaluation failures (e.g. an unreachable SERVICE) as OSError.
        raise QueryError(400, f"query evaluation failed: {error}") from None


def _answer(result: Any, request: QueryRequest) -> QueryAnswer:
    cap = request.max_results
    if isinstance(result, ox.QueryBoolean):
        chosen = choose_format(SOLUTION_FORMATS, request.accept, request.format)
        boolean = result.serialize(format=_OXIGRAPH_RESULTS[chosen])
        assert boolean is not None
        return QueryAnswer(200, chosen.content_type, bytes(boolean), 1)
    if isinstance(result, ox.QuerySolutions):
        chosen = choose_format(SOLUTION_FORMATS, request.accept, request.format)
        if cap is None:  # nothing to count: straight to the asked format
            written = result.serialize(format=_OXIGRAPH_RESULTS[chosen])
            assert written is not None
            return QueryAnswer(200, chosen.content_type, bytes(written), None)
        body, rows = _capped_tsv(result, cap)
        if chosen is not ResultFormat.TSV:
            # TSV is lossless (terms in N-Triples syntax), so the conversion is exact.
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
            converted = parsed.serialize(format=_OXIGRAPH_RESULTS[chosen])
            assert converted is not None
            body = bytes(converted)
        return QueryAnswer(200, chosen.content_type, body, rows)
    chosen = choose_format(GRAPH_FORMATS, request.accept, request.format)
    triples: list[ox.Triple] = []
    for triple in result:
        if cap is not None and len(triples) == cap:
            raise _too_many(cap, "triples")
        triples.append(triple)
    return QueryAnswer(200, chosen.content_type, graph_bytes(triples, chosen), len(triples))


class _OverCap(Exception):
    """A result passed the cap while it was being written."""


class _CappedLines(io.BytesIO):
    """A buffer for pyoxigraph's SPARQL TSV writer that stops it past a number of lines.

    The TSV writer puts the header and then each solution on one line (it escapes line breaks
    in literals), so counting line ends counts solutions exactly.
    """

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most
        self.lines = 0

    def write(self, chunk: ReadableBuffer, /) -> int:
        """Keep a chunk, or raise _OverCap when it brings the lines past the limit."""
        data = bytes(chunk)
        self.lines += data.count(b"\n")
        if self.lines > self.most:
            raise _OverCap
        return super().write(data)


def _capped_tsv(result: ox.QuerySolutions, cap: int) -> tuple[bytes, int]:
    """The solutions as SPARQL TSV, written by pyoxigraph, and their number; 422 past the cap.

    The rows never become Python objects: at 100,000 registers that made answers 3-9x slower
    than the query itself (94,000 rows: 3.5 s against 1.2 s).
    """
    sink = _CappedLines(cap + 1)  # the header line, then a line per solution
    try:
        result.serialize(output=sink, format=ox.QueryResultsFormat.TSV)
    except _OverCap:
        raise _too_many(cap, "solutions") from None
    return sink.getvalue(), sink.lines - 1


def run(store: ox.Store, request: QueryRequest) -> QueryAnswer:
    """Run a query and turn refusals into error answers (never raises QueryError)."""
    try:
        return execute(store, request)
    except QueryError as error:
        return QueryAnswer.error(error.status, error.message)
