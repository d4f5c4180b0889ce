"""A fast SHACL Core engine for dcatgen's shapes, with pyshacl's findings.

pyshacl needs ~18 ms per register on our shapes; at national scale (100,000 registers) that
is half an hour.  This engine compiles the shapes graph once into plain Python objects and
evaluates them over an index of N-Triples term strings, with no rdflib in the hot loop.

It supports exactly the SHACL Core features our shape files use (see `SUPPORTED`) and raises
`UnsupportedShapeError` at compile time for anything else, so that a new shape file cannot be
checked half-way without anyone noticing.  Its findings are those of
`dcatgen.validation.report.shacl_findings()` (pyshacl 0.40, inference none, allow_warnings) -- same
severity, focus node, path, component, value and shape, result for result; only the generated
messages differ in wording (a shape's own sh:message is used as pyshacl uses it).

pyshacl semantics mirrored here (read from pyshacl/shape.py and constraints/core/*.py):

- Each constraint component of a shape runs once per shape and handles every value of its
  parameter; sh:class, sh:node, sh:hasValue, sh:pattern, sh:minInclusive, sh:or and sh:not
  give one result per parameter value (per class, per node shape, ...) and value node.
- sh:node: a value fails a node shape when validating it against that shape yields any result
  at all (even a warning); the nested results go under sh:detail and are not top-level results.
- sh:or / sh:not use *conformance*: with allow_warnings a shape of severity sh:Warning or
  sh:Info always conforms; a sh:Violation shape conforms when none of its constraints fails,
  a sh:property constraint failing when the property shape does not conform.
- sh:minCount, sh:maxCount and sh:hasValue give one result per focus node, without a value.
- Node-level constraints (sh:class, sh:pattern, sh:or ... directly on a node shape) have the
  focus node as value and no result path; complex paths (inverse, alternative) have no short
  result path (pyshacl writes a blank node; `validate.py` shows None).
- Value nodes are sets; a node is a SHACL instance of C when one of its rdf:types is C or a
  subclass of C through rdfs:subClassOf triples *in the data*.
- Typed literals are what rdflib makes of them: the value, well-formedness (ill-typed lexical
  forms never match sh:datatype), normalised lexical form (reported as sh:value) and ordering
  (sh:minInclusive) are taken from rdflib's own Literal, once per distinct literal (memoised),
  so they match pyshacl even for odd forms such as "x"^^xsd:boolean (reported as "false").

Input terms are N-Triples strings: `<iri>`, `"lexical"`, `"lexical"@lang`,
`"lexical"^^<datatype>` (escapes `\\\\ \\" \\n \\r \\t \\uXXXX`), `_:label`.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from dcatgen.validation.findings import Finding, Severity, _short
from dcatgen.validation.shapes import shapes_graph

__all__ = [
    "SUPPORTED",
    "CompiledShapes",
    "UnsupportedShapeError",
    "compile_shapes",
    "validate_fast",
]

Triple = tuple[str, str, str]

RDF_TYPE: Final = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_SUBCLASSOF: Final = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
_RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"

SUPPORTED: Final = frozenset(
    SH[name]
    for name in (
        "targetClass",
        "path",
        "inversePath",
        "alternativePath",
        "property",
        "node",
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "hasValue",
        "in",
        "pattern",
        "flags",
        "or",
        "not",
        "minInclusive",
        "severity",
        "message",
    )
)
"""The sh: predicates this engine evaluates (plus metadata it may ignore, `IGNORED`)."""

IGNORED: Final = frozenset(
    URIRef(str(SH) + name)
    for name in ("name", "description", "order", "group", "defaultValue", "shape")
)
"""sh: predicates without validation meaning for pyshacl (`sh:shape` is not SHACL at all)."""

_SHAPE_TYPES = frozenset({SH.NodeShape, SH.PropertyShape})

_ALLOWED_SEVERITIES = frozenset({SH.Info, SH.Warning})
"""With allow_warnings, shapes of these severities always conform (pyshacl Shape.validate)."""


class UnsupportedShapeError(ValueError):
    """The shapes graph uses something this engine does not evaluate."""


# ---------------------------------------------------------------------------------------------
# Terms


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


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(_unescape_match, text) if "\\" in text else text


def nt_escape(text: str) -> str:
    """A lexical form escaped for an N-Triples literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


@lru_cache(maxsize=1 << 16)
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
    lexical = _unescape(lexical)
    if not rest:
        return lexical, None, None
    if rest[0] == "@" and len(rest) > 1:
        return lexical, rest[1:], None
    if rest.startswith("^^<") and rest[-1] == ">":
        return lexical, None, rest[3:-1]
    raise ValueError(f"not an N-Triples literal: {term!r}")


@lru_cache(maxsize=1 << 14)
def rdflib_literal(term: str) -> Literal:
    """The rdflib Literal an N-Triples parser makes of a literal term (normalised, ill-typed
    flag set): the oracle for value-space questions, asked once per distinct literal."""
    lexical, language, datatype = literal_parts(term)
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None)


_CANONICAL: dict[str, str] = {}


def canonical_literal(term: str) -> str:
    """The identity of a literal as rdflib sees it: well-typed literals in normalised lexical
    form ("01"^^xsd:integer is "1"^^xsd:integer, "x"^^xsd:boolean is "false"^^xsd:boolean),
    language tags in lower case.  Terms equal here are one term in an rdflib graph."""
    known = _CANONICAL.get(term)
    if known is not None:
        return known
    lexical, language, datatype = literal_parts(term)
    if datatype is not None:
        literal = rdflib_literal(term)
        result = f'"{nt_escape(str(literal))}"^^<{datatype}>'
    elif language is not None:
        result = f'"{nt_escape(lexical)}"@{language.lower()}'
    else:
        result = f'"{nt_escape(lexical)}"'
    if len(_CANONICAL) > 1 << 18:
        _CANONICAL.clear()
    _CANONICAL[term] = result
    return result


def term_of(node: Node) -> str:
    """An rdflib node (from the shapes graph) as a canonical N-Triples term string."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        if node.language:
            return canonical_literal(f'"{nt_escape(str(node))}"@{node.language}')
        if node.datatype is not None:
            return canonical_literal(f'"{nt_escape(str(node))}"^^<{node.datatype}>')
        return canonical_literal(f'"{nt_escape(str(node))}"')
    raise TypeError(f"not an RDF term: {node!r}")


def literal_text(term: str) -> str:
    """What str() of the rdflib node gives for a literal (rdflib normalises typed ones)."""
    lexical, _, datatype = literal_parts(term)
    return str(rdflib_literal(term)) if datatype is not None else lexical


@lru_cache(maxsize=1 << 16)
def _short_iri(iri: str) -> str:
    return _short(URIRef(iri)) or iri


def node_text(term: str) -> str:
    """str() of the rdflib node: an IRI without brackets, a blank node's label, a lexical form."""
    first = term[0]
    if first == "<":
        return term[1:-1]
    if first == "_":
        return term[2:]
    return literal_text(term)


def value_text(term: str) -> str:
    """A value as `validate._short` shows it (IRIs in prefix form, literals as text)."""
    return _short_iri(term[1:-1]) if term[0] == "<" else node_text(term)


# ---------------------------------------------------------------------------------------------
# Literal checks, exactly as pyshacl's DatatypeConstraintComponent and MinInclusive do them


def _actual_datatype(value: Any, rule: str) -> bool:
    if rule in (_XSD_STRING, _RDF_LANGSTRING):
        return isinstance(value, str | bytes)
    checks: dict[str, type | tuple[type, ...]] = {
        _XSD + "integer": int,
        _XSD + "float": float,
        _XSD + "decimal": Decimal,
        _XSD + "boolean": bool,
        _XSD + "date": date,
        _XSD + "time": time,
        _XSD + "dateTime": datetime,
    }
    expected = checks.get(rule)
    return True if expected is None else isinstance(value, expected)


_DATATYPE_MEMO: dict[tuple[str, str], bool] = {}


def datatype_matches(term: str, rule: str) -> bool:
    """Whether a value node passes sh:datatype `rule` (an IRI without brackets)."""
    if term[0] != '"':
        return False
    last = term[-1]
    if last == '"':  # plain literal: xsd:string
        return rule in (_XSD_STRING, _RDFS_LITERAL)
    if last != ">":  # language-tagged
        return rule in (_RDF_LANGSTRING, _RDFS_LITERAL)
    key = (term, rule)
    known = _DATATYPE_MEMO.get(key)
    if known is None:
        literal = rdflib_literal(term)
        if str(literal.datatype) == rule:
            known = literal.ill_typed is not True and _actual_datatype(literal.value, rule)
        else:
            known = rule in (_RDFS_LITERAL, _RDFS_DATATYPE)
        if len(_DATATYPE_MEMO) > 1 << 16:
            _DATATYPE_MEMO.clear()
        _DATATYPE_MEMO[key] = known
    return known


_MIN_MEMO: dict[tuple[str, str, str], bool] = {}


_INTEGER_LITERAL = re.compile(
    r'^"([+-]?[0-9]{1,18})"\^\^<http://www\.w3\.org/2001/XMLSchema#integer>$'
)


def min_inclusive_ok(term: str, minimum: Literal) -> bool:
    """pyshacl's MinInclusiveConstraintComponent test for one value node."""
    if term[0] != '"':
        return False
    whole = _INTEGER_LITERAL.match(term)
    if whole is not None and isinstance(minimum.value, int) and not isinstance(minimum.value, bool):
        # Positions of data groups and systems: thousands of distinct integers in one
        # register, each a memo miss and a 0.4 ms rdflib comparison otherwise.
        return int(whole.group(1)) >= minimum.value
    key = (term, str(minimum), str(minimum.datatype))
    known = _MIN_MEMO.get(key)
    if known is None:
        from pyshacl.rdfutil.compare import compare_literal

        value = rdflib_literal(term)
        min_is_string = isinstance(minimum.value, str)
        if min_is_string != isinstance(value.value, str):
            known = False
        else:
            try:
                known = bool(compare_literal(value, minimum) >= 0)  # type: ignore[no-untyped-call]
            except (TypeError, NotImplementedError, ArithmeticError):
                known = False  # pyshacl itself crashes on ArithmeticError ("NaN" decimals)
        if len(_MIN_MEMO) > 1 << 16:
            _MIN_MEMO.clear()
        _MIN_MEMO[key] = known
    return known


_FINDING_FIELDS = "severity register focus_node path component message shape value field position"
_FAST_FINDING = (
    tuple(f.name for f in dataclasses.fields(Finding)) == tuple(_FINDING_FIELDS.split())
    and not hasattr(Finding, "__slots__")
    and not hasattr(Finding, "__post_init__")
)


def new_finding(fields: dict[str, Any]) -> Finding:
    """Finding(**fields), ten times faster: the frozen dataclass's __init__ sets each field
    through object.__setattr__ (3 µs a finding, for ~6 findings a register)."""
    if not _FAST_FINDING:  # pragma: no cover - Finding changed shape; stay correct
        return Finding(**fields)
    finding: Finding = object.__new__(Finding)
    finding.__dict__.update(fields)
    return finding


# ---------------------------------------------------------------------------------------------
# The data index


_EMPTY: dict[str, list[str]] = {}


class _Data:
    """Triples indexed subject → predicate → objects (deduplicated), plus types."""

    __slots__ = ("conforms", "has_reports", "ops", "originals", "spo", "supers", "types")

    def __init__(self, triples: Iterable[Triple], inverse: frozenset[str]) -> None:
        spo: dict[str, dict[str, list[str]]] = {}
        originals: dict[str, str] = {}
        canonical = _CANONICAL
        last_s = ""
        po: dict[str, list[str]] = {}
        # Long object lists (a register with thousands of data groups) are deduplicated
        # through a set: `o not in objs` on the list made this quadratic (40k: 10 s).
        long_lists: dict[int, set[str]] = {}
        for s, p, o in triples:
            if o[0] == '"':
                last = o[-1]
                if last == ">":  # typed: rdflib's normalised form, first form remembered
                    c = canonical.get(o)
                    if c is None:
                        c = canonical_literal(o)
                    if c not in originals:
                        originals[c] = o
                    o = c
                elif (
                    last != '"'
                    and not (  # language tag in lower case? ("@fi" quickly)
                        (o[-3] == "@" and "a" <= last <= "z" and "a" <= o[-2] <= "z")
                        or o[o.rfind("@") :].islower()
                    )
                ):
                    o = canonical_literal(o)
            if s is not last_s:  # the mapping emits a subject's triples together
                found = spo.get(s)
                if found is None:
                    spo[s] = po = {p: [o]}
                    last_s = s
                    continue
                po = found
                last_s = s
            objs = po.get(p)
            if objs is None:
                po[p] = [o]
            elif len(objs) < 16:
                if o not in objs:
                    objs.append(o)
            else:
                seen = long_lists.get(id(objs))
                if seen is None:
                    seen = long_lists[id(objs)] = set(objs)
                if o not in seen:
                    seen.add(o)
                    objs.append(o)
        self.spo = spo
        self.originals = originals
        """Canonical typed literal → the form first met: like an rdflib graph, which keeps the
        first of equal terms, with its ill-typed flag ("x"^^xsd:boolean equals "false")."""
        types: dict[str, list[str]] = {}
        subclass: dict[str, list[str]] = {}
        ops: dict[str, dict[str, list[str]]] = {}
        for s, po in spo.items():
            ts = po.get(RDF_TYPE)
            if ts is not None:
                types[s] = ts
            if RDFS_SUBCLASSOF in po:
                subclass[s] = po[RDFS_SUBCLASSOF]
            for p in inverse:
                for o in po.get(p, ()):
                    ops.setdefault(o, {}).setdefault(p, []).append(s)
        self.types = types
        self.ops = ops
        self.supers: dict[str, frozenset[str]] | None = None
        if subclass:
            self.supers = {}
            for start in {t for ts in types.values() for t in ts}:
                seen = {start}
                todo = [start]
                while todo:
                    for parent in subclass.get(todo.pop(), ()):
                        if parent not in seen:
                            seen.add(parent)
                            todo.append(parent)
                self.supers[start] = frozenset(seen)
        self.has_reports: dict[tuple[int, str], bool] = {}
        self.conforms: dict[tuple[int, str], bool] = {}

    def classes(self, node: str) -> frozenset[str]:
        """Every class the node is a SHACL instance of (its types and their superclasses)."""
        ts = self.types.get(node)
        if not ts:
            return frozenset()
        if self.supers is None:
            return frozenset(ts)
        return frozenset().union(*(self.supers[t] for t in ts))

    def is_instance(self, node: str, cls: str) -> bool:
        ts = self.types.get(node)
        if not ts:
            return False
        if self.supers is None:
            return cls in ts
        supers = self.supers
        return any(cls in supers[t] for t in ts)


# ---------------------------------------------------------------------------------------------
# Compiled shapes

Out = list[Finding] | None
"""Where a constraint writes its results; None when only pass/fail is asked."""

_HAS = False
_CONF = True
"""Modes of nested evaluation: does the shape give any result, or does the node conform."""


class _Shape:
    """A node or property shape, compiled."""

    __slots__ = (
        "allowed",
        "components",
        "index",
        "is_property",
        "label",
        "message",
        "path",
        "path_text",
        "severity",
        "shape_text",
    )

    def __init__(self, index: int, label: str) -> None:
        self.index = index
        self.label = label
        self.components: tuple[_Component, ...] = ()
        self.is_property = False
        self.path: _Path | None = None
        self.path_text: str | None = None
        self.shape_text: str | None = None
        self.severity = Severity.VIOLATION
        self.allowed = False
        self.message: str | None = None

    def values(self, focus: str, data: _Data) -> Sequence[str]:
        return self.path.values(focus, data) if self.path is not None else (focus,)

    def evaluate(self, focus: str, data: _Data, out: Out, mode: bool) -> bool:
        """Run every constraint on one focus node; True when one of them failed."""
        values = self.values(focus, data)
        failed = False
        for component in self.components:
            if component.run(focus, values, data, out, mode):
                failed = True
                if out is None:
                    return True
        return failed

    def has_report(self, focus: str, data: _Data) -> bool:
        """Whether validating `focus` against this shape gives any result (sh:node)."""
        key = (self.index, focus)
        known = data.has_reports.get(key)
        if known is None:
            known = data.has_reports[key] = self.evaluate(focus, data, None, _HAS)
        return known

    def conforms(self, focus: str, data: _Data) -> bool:
        """Whether `focus` conforms to this shape, pyshacl-style (sh:or, sh:not)."""
        if self.allowed:
            return True
        key = (self.index, focus)
        known = data.conforms.get(key)
        if known is None:
            known = data.conforms[key] = not self.evaluate(focus, data, None, _CONF)
        return known

    def finding(self, component: str, focus: str, value: str | None, message: str) -> Finding:
        return new_finding(
            {
                "severity": self.severity,
                "register": None,
                "focus_node": node_text(focus),
                "path": self.path_text,
                "component": component,
                "message": self.message or message,
                "shape": self.shape_text,
                "value": value_text(value) if value is not None else None,
                "field": None,
                "position": None,
            }
        )

    def __repr__(self) -> str:
        return f"<_Shape {self.label}>"


class _Path:
    __slots__ = ()

    def values(self, focus: str, data: _Data) -> Sequence[str]:
        raise NotImplementedError


class _PredicatePath(_Path):
    __slots__ = ("predicate",)

    def __init__(self, predicate: str) -> None:
        self.predicate = predicate

    def values(self, focus: str, data: _Data) -> Sequence[str]:
        return data.spo.get(focus, _EMPTY).get(self.predicate, ())


class _InversePath(_Path):
    __slots__ = ("predicate",)

    def __init__(self, predicate: str) -> None:
        self.predicate = predicate

    def values(self, focus: str, data: _Data) -> Sequence[str]:
        return data.ops.get(focus, _EMPTY).get(self.predicate, ())


class _AlternativePath(_Path):
    __slots__ = ("paths",)

    def __init__(self, paths: tuple[_Path, ...]) -> None:
        self.paths = paths

    def values(self, focus: str, data: _Data) -> Sequence[str]:
        found: dict[str, None] = {}
        for path in self.paths:
            found.update(dict.fromkeys(path.values(focus, data)))
        return tuple(found)


class _Component:
    """One constraint component of one shape, with all values of its parameter."""

    __slots__ = ("shape",)
    name = ""
    needs_values = True
    """False when the component can fail on a focus node without value nodes."""

    def __init__(self, shape: _Shape) -> None:
        self.shape = shape

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        raise NotImplementedError


class _MinCount(_Component):
    __slots__ = ("count",)
    name = "sh:MinCountConstraintComponent"
    needs_values = False

    def __init__(self, shape: _Shape, count: int) -> None:
        super().__init__(shape)
        self.count = count

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        if len(values) >= self.count:
            return False
        if out is not None:
            message = f"Less than {self.count} values on {focus}->{self.shape.path_text}"
            out.append(self.shape.finding(self.name, focus, None, message))
        return True


class _MaxCount(_Component):
    __slots__ = ("count",)
    name = "sh:MaxCountConstraintComponent"

    def __init__(self, shape: _Shape, count: int) -> None:
        super().__init__(shape)
        self.count = count

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        if len(values) <= self.count:
            return False
        if out is not None:
            message = f"More than {self.count} values on {focus}->{self.shape.path_text}"
            out.append(self.shape.finding(self.name, focus, None, message))
        return True


class _PerValue(_Component):
    """A component failing value by value, for each of its rules in turn."""

    __slots__ = ("rules",)

    def __init__(self, shape: _Shape, rules: tuple[Any, ...]) -> None:
        super().__init__(shape)
        self.rules = rules

    def ok(self, rule: Any, value: str, data: _Data) -> bool:
        raise NotImplementedError

    def message(self, value: str) -> str:
        raise NotImplementedError

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for rule in self.rules:
            for value in values:
                if not self.ok(rule, value, data):
                    if out is None:
                        return True
                    failed = True
                    finding = self.shape.finding(self.name, focus, value, self.message(value))
                    out.append(finding)
        return failed


class _NodeKind(_Component):
    __slots__ = ("allowed_first", "kind")
    name = "sh:NodeKindConstraintComponent"
    FIRST: Final = {
        SH.IRI: "<",
        SH.BlankNode: "_",
        SH.Literal: '"',
        SH.BlankNodeOrIRI: "<_",
        SH.BlankNodeOrLiteral: '_"',
        SH.IRIOrLiteral: '<"',
    }

    def __init__(self, shape: _Shape, kind: URIRef) -> None:
        super().__init__(shape)
        self.kind = _short(kind)
        self.allowed_first = self.FIRST[kind]

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        allowed = self.allowed_first
        for value in values:
            if value[0] not in allowed:
                if out is None:
                    return True
                failed = True
                message = f"Value is not of Node Kind {self.kind}"
                out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class _Class(_PerValue):
    __slots__ = ()
    name = "sh:ClassConstraintComponent"

    def ok(self, rule: str, value: str, data: _Data) -> bool:
        return data.is_instance(value, rule)

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        if data.supers is not None:
            return super().run(focus, values, data, out, mode)
        types = data.types
        failed = False
        for rule in self.rules:
            for value in values:
                found = types.get(value)
                if found is None or rule not in found:
                    if out is None:
                        return True
                    failed = True
                    finding = self.shape.finding(self.name, focus, value, self.message(value))
                    out.append(finding)
        return failed

    def message(self, value: str) -> str:
        if len(self.rules) < 2:
            return f"Value does not have class {value_text(self.rules[0])}"
        return f"Value class is not in classes ({', '.join(value_text(c) for c in self.rules)})"


class _Datatype(_PerValue):
    __slots__ = ("lang_ok", "plain_ok")
    name = "sh:DatatypeConstraintComponent"

    def __init__(self, shape: _Shape, rules: tuple[str]) -> None:
        super().__init__(shape, rules)
        self.plain_ok = datatype_matches('""', rules[0])
        self.lang_ok = datatype_matches('""@fi', rules[0])

    def ok(self, rule: str, value: str, data: _Data) -> bool:
        return datatype_matches(data.originals.get(value, value), rule)

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for value in values:
            if value[0] == '"':
                last = value[-1]
                if last == '"':
                    if self.plain_ok:
                        continue
                elif last != ">":
                    if self.lang_ok:
                        continue
                elif self.ok(self.rules[0], value, data):
                    continue
            if out is None:
                return True
            failed = True
            out.append(self.shape.finding(self.name, focus, value, self.message(value)))
        return failed

    def message(self, value: str) -> str:
        return f"Value is not Literal with datatype {_short_iri(self.rules[0])}"


class _In(_Component):
    __slots__ = ("members",)
    name = "sh:InConstraintComponent"

    def __init__(self, shape: _Shape, members: frozenset[str]) -> None:
        super().__init__(shape)
        self.members = members

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for value in values:
            if value not in self.members:
                if out is None:
                    return True
                failed = True
                listed = sorted(value_text(m) for m in self.members)
                message = f"Value {value_text(value)} not in list {listed}"
                out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class _HasValue(_Component):
    __slots__ = ("rules",)
    name = "sh:HasValueConstraintComponent"
    needs_values = False

    def __init__(self, shape: _Shape, rules: tuple[str, ...]) -> None:
        super().__init__(shape)
        self.rules = rules

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for rule in self.rules:
            if rule not in values:
                if out is None:
                    return True
                failed = True
                message = f"Node {focus}->{self.shape.path_text} does not contain {rule}"
                out.append(self.shape.finding(self.name, focus, None, message))
        return failed


class _Pattern(_PerValue):
    __slots__ = ()
    name = "sh:PatternConstraintComponent"

    def ok(self, rule: re.Pattern[str], value: str, data: _Data) -> bool:
        if value[0] == "_":
            return False
        return rule.search(node_text(value)) is not None

    def message(self, value: str) -> str:
        return "Value does not match pattern " + " and ".join(
            repr(rule.pattern) for rule in self.rules
        )


class _MinInclusive(_PerValue):
    __slots__ = ()
    name = "sh:MinInclusiveConstraintComponent"

    def ok(self, rule: Literal, value: str, data: _Data) -> bool:
        return min_inclusive_ok(data.originals.get(value, value), rule)

    def message(self, value: str) -> str:
        return f"Value is not >= {', '.join(str(rule) for rule in self.rules)}"


class _ShapeComponent(_Component):
    """Base of the components whose parameters are shapes."""

    __slots__ = ("shapes",)

    def __init__(self, shape: _Shape, shapes: tuple[Any, ...]) -> None:
        super().__init__(shape)
        self.shapes = shapes


class _Property(_ShapeComponent):
    """sh:property: the property shape's own results, for each value node as focus node."""

    __slots__ = ()
    name = "sh:PropertyConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for prop in self.shapes:
            for value in values:
                if out is not None:
                    failed = prop.evaluate(value, data, out, mode) or failed
                    continue
                ok = (
                    prop.conforms(value, data)
                    if mode is _CONF
                    else not prop.has_report(value, data)
                )
                if not ok:
                    return True
        return failed


class _Node(_ShapeComponent):
    """sh:node: one result per node shape and value node giving any result at all."""

    __slots__ = ()
    name = "sh:NodeConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for node_shape in self.shapes:
            for value in values:
                if node_shape.has_report(value, data):
                    if out is None:
                        return True
                    failed = True
                    out.append(self.shape.finding(self.name, focus, value, self.message()))
        return failed

    def message(self) -> str:
        names = [s.label for s in self.shapes]
        if len(names) < 2:
            return f"Value does not conform to Shape {names[0]}. See details for more information."
        listed = "', '".join(names)
        return (
            f"Value must conform to every Shape in ('{listed}'). See details for more information."
        )


class _Or(_ShapeComponent):
    """sh:or: one result per list and value node conforming to no member."""

    __slots__ = ()
    name = "sh:OrConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for members in self.shapes:
            for value in values:
                if not any(member.conforms(value, data) for member in members):
                    if out is None:
                        return True
                    failed = True
                    listed = " , ".join(m.label for m in members)
                    message = (
                        f"Node {value_text(value)} must conform to one or more shapes in {listed}"
                    )
                    out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class _Not(_ShapeComponent):
    """sh:not: one result per negated shape and value node conforming to it."""

    __slots__ = ()
    name = "sh:NotConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: _Data, out: Out, mode: bool) -> bool:
        failed = False
        for negated in self.shapes:
            for value in values:
                if negated.conforms(value, data):
                    if out is None:
                        return True
                    failed = True
                    message = f"Node {value_text(value)} must not conform to shape {negated.label}"
                    out.append(self.shape.finding(self.name, focus, value, message))
        return failed


# ---------------------------------------------------------------------------------------------
# Per-class plans: what to run on a focus node of a given set of classes


class _Plan:
    """Every check for focus nodes of one set of classes, arranged for speed: a component
    that can only fail on values runs only when the focus node has the predicate."""

    __slots__ = ("by_predicate", "complex", "empty", "mins", "node_checks", "others")

    def __init__(self, shapes: tuple[_Shape, ...]) -> None:
        node_checks: list[_Component] = []
        mins: list[tuple[str, int, _Component]] = []
        others: list[tuple[str, _Component]] = []
        complex_paths: list[_Shape] = []
        by_predicate: dict[str, list[_Component]] = {}

        def add_property(prop: _Shape) -> None:
            path = prop.path
            if not isinstance(path, _PredicatePath):
                complex_paths.append(prop)
                return
            for component in prop.components:
                if isinstance(component, _MinCount):
                    mins.append((path.predicate, component.count, component))
                elif component.needs_values:
                    by_predicate.setdefault(path.predicate, []).append(component)
                else:
                    others.append((path.predicate, component))

        for shape in shapes:
            if shape.is_property:
                add_property(shape)
                continue
            for component in shape.components:
                if isinstance(component, _Property):
                    for prop in component.shapes:
                        add_property(prop)
                else:
                    node_checks.append(component)
        self.node_checks = tuple(node_checks)
        """Node-level components of targeted node shapes (value node = focus node)."""
        self.mins = tuple(mins)
        """sh:minCount of simple-path property shapes: (predicate, minimum, component)."""
        self.others = tuple(others)
        """Other components that can fail without values (sh:hasValue)."""
        self.complex = tuple(complex_paths)
        """Property shapes with inverse or alternative paths, run whole."""
        self.by_predicate = {p: _Guarded(cs) for p, cs in by_predicate.items()}
        """Components of simple-path property shapes failing only on values, by predicate."""
        self.empty = not (node_checks or mins or others or complex_paths or by_predicate)

    def run(self, focus: str, po: dict[str, list[str]], data: _Data, out: list[Finding]) -> None:
        for component in self.node_checks:
            component.run(focus, (focus,), data, out, _HAS)
        for predicate, count, component in self.mins:
            objects = po.get(predicate)
            if objects is None or len(objects) < count:
                component.run(focus, objects or (), data, out, _HAS)
        for predicate, component in self.others:
            component.run(focus, po.get(predicate, ()), data, out, _HAS)
        for prop in self.complex:
            prop.evaluate(focus, data, out, _HAS)
        by_predicate = self.by_predicate
        for predicate, objects in po.items():
            found = by_predicate.get(predicate)
            if found is not None:
                found.run(focus, objects, data, out)


class _Guarded:
    """The components on one predicate, with cheap guards: when every value has a node kind
    all sh:nodeKind components allow, every class all sh:class components ask for, and there
    are no more values than the lowest sh:maxCount, those components (most of them) cannot
    fail and are not run."""

    __slots__ = ("classes", "kinds", "max_counts", "most", "node_kinds", "rest", "with_classes")

    def __init__(self, components: list[_Component]) -> None:
        node_kinds = [c for c in components if isinstance(c, _NodeKind)]
        with_classes = [c for c in components if isinstance(c, _Class)]
        max_counts = [c for c in components if isinstance(c, _MaxCount)]
        guarded = (*node_kinds, *with_classes, *max_counts)
        self.rest = tuple(c for c in components if c not in guarded)
        self.max_counts = tuple(max_counts)
        self.most = min((c.count for c in max_counts), default=0)
        self.node_kinds = tuple(node_kinds)
        self.with_classes = tuple(with_classes)
        allowed = set('<_"')
        for component in node_kinds:
            allowed &= set(component.allowed_first)
        self.kinds = "".join(sorted(allowed))
        self.classes = tuple(sorted({rule for c in with_classes for rule in c.rules}))

    def run(self, focus: str, objects: list[str], data: _Data, out: list[Finding]) -> None:
        if self.max_counts and len(objects) > self.most:
            for max_count in self.max_counts:
                max_count.run(focus, objects, data, out, _HAS)
        if self.node_kinds:
            kinds = self.kinds
            for value in objects:
                if value[0] not in kinds:
                    for node_kind in self.node_kinds:
                        node_kind.run(focus, objects, data, out, _HAS)
                    break
        if self.with_classes:
            run = True
            if data.supers is None:
                types = data.types
                classes = self.classes
                for value in objects:
                    found = types.get(value)
                    if found is None:
                        break
                    for cls in classes:
                        if cls not in found:
                            break
                    else:
                        continue
                    break
                else:
                    run = False
            if run:
                for with_class in self.with_classes:
                    with_class.run(focus, objects, data, out, _HAS)
        for component in self.rest:
            component.run(focus, objects, data, out, _HAS)


class CompiledShapes:
    """A shapes graph compiled for `validate`; picklable, cheap to reuse."""

    def __init__(self, targets: dict[str, tuple[_Shape, ...]], inverse: frozenset[str]) -> None:
        self.targets = targets
        """Class term → shapes targeting it."""
        self.inverse = inverse
        """Predicates used in inverse paths (the data is reverse-indexed for these only)."""
        self._plans: dict[frozenset[str], _Plan] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"targets": self.targets, "inverse": self.inverse}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.targets = state["targets"]
        self.inverse = state["inverse"]
        self._plans = {}

    def plan(self, classes: frozenset[str]) -> _Plan:
        """The checks for a focus node that is an instance of exactly these classes."""
        if classes in self._plans:
            return self._plans[classes]
        shapes: dict[_Shape, None] = {}
        for cls in sorted(classes):
            shapes.update(dict.fromkeys(self.targets.get(cls, ())))
        result = _Plan(tuple(shapes))
        if len(self._plans) > 4096:
            self._plans.clear()
        self._plans[classes] = result
        return result

    def validate(self, triples: Iterable[Triple]) -> list[Finding]:
        """Every top-level result for a data graph given as N-Triples term strings.

        The cyclic garbage collector is paused meanwhile: the index is millions of small
        acyclic dicts and lists, and collections triggered by their allocation took half
        of the time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._validate(triples)
        finally:
            if paused:
                gc.enable()

    def _validate(self, triples: Iterable[Triple]) -> list[Finding]:
        data = _Data(triples, self.inverse)
        out: list[Finding] = []
        plans = self._plans
        spo = data.spo
        for focus, types in data.types.items():
            classes = frozenset(types) if data.supers is None else data.classes(focus)
            plan = plans.get(classes)
            if plan is None:
                plan = self.plan(classes)
            if not plan.empty:
                plan.run(focus, spo[focus], data, out)
        return out


# ---------------------------------------------------------------------------------------------
# Compiling a shapes graph


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.shapes: dict[Node, _Shape] = {}
        self.inverse: set[str] = set()
        self._check_vocabulary()
        node_shapes, property_shapes = self._find_shapes()
        for node in sorted(node_shapes | property_shapes, key=str):
            self.shapes[node] = _Shape(len(self.shapes), self._label(node))
        for node in node_shapes:
            self._compile(node, is_property=False)
        for node in property_shapes:
            self._compile(node, is_property=True)
        self._check_cycles()

    def error(self, node: Node, problem: str) -> UnsupportedShapeError:
        return UnsupportedShapeError(f"shape {self._label(node)}: {problem}")

    def _label(self, node: Node) -> str:
        return _short(node) or str(node) if isinstance(node, URIRef) else f"_:{node}"

    def _check_vocabulary(self) -> None:
        g = self.g
        for _, predicate, _ in g:
            if str(predicate).startswith(str(SH)) and predicate not in SUPPORTED | IGNORED:
                raise UnsupportedShapeError(
                    f"{_short(predicate)} is not supported by dcatgen.validation.engine"
                )
        for node, cls in g.subject_objects(RDF.type):
            if str(cls).startswith(str(SH)) and cls not in _SHAPE_TYPES:
                raise UnsupportedShapeError(
                    f"{self._label(node)} is a {_short(cls)}: "
                    "not supported by dcatgen.validation.engine"
                )
        classes = {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
        for node, cls in g.subject_objects(RDF.type):
            if cls in classes and (node, RDF.type, SH.NodeShape) in g:
                raise self.error(node, "implicit class targets are not supported")

    def _find_shapes(self) -> tuple[set[Node], set[Node]]:
        """Node and property shapes, found the way pyshacl's ShapesGraph finds them."""
        g = self.g
        defined_node = set(g.subjects(RDF.type, SH.NodeShape))
        defined_property = set(g.subjects(RDF.type, SH.PropertyShape))
        for node in defined_node:
            if (node, SH.path, None) in g:
                raise self.error(node, "a sh:NodeShape cannot have sh:path")
            if node in defined_property:
                raise self.error(node, "both a sh:NodeShape and a sh:PropertyShape")
        implied: set[Node] = set(g.subjects(SH.targetClass, None))
        implied |= set(g.subjects(SH.property, None)) | set(g.subjects(SH.node, None))
        for predicate in (SH.property, SH.node, SH["not"]):
            implied |= set(g.objects(None, predicate))
        for lists in g.objects(None, SH["or"]):
            implied |= set(Collection(g, lists))
        node_shapes = set(defined_node)
        property_shapes = set(defined_property)
        for node in implied - defined_node - defined_property:
            if isinstance(node, Literal):
                raise UnsupportedShapeError(f"a literal used as a shape: {node!r}")
            (property_shapes if (node, SH.path, None) in g else node_shapes).add(node)
        for node in property_shapes:
            if len(list(g.objects(node, SH.path))) != 1:
                raise self.error(node, "a property shape needs exactly one sh:path")
        return node_shapes, property_shapes

    def _one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise self.error(node, f"more than one {_short(predicate)}")
        return values[0] if values else None

    def _count(self, node: Node, predicate: URIRef) -> int | None:
        value = self._one(node, predicate)
        if value is None:
            return None
        if not (isinstance(value, Literal) and value.datatype == XSD.integer):
            raise self.error(node, f"{_short(predicate)} must be an xsd:integer")
        count = int(value)
        if count < 0:
            raise self.error(node, f"{_short(predicate)} must be >= 0")
        return count

    def _path(self, node: Node, path: Node, depth: int = 0) -> _Path:
        g = self.g
        if isinstance(path, URIRef):
            return _PredicatePath(term_of(path))
        if isinstance(path, BNode) and depth < 3:
            inverse = list(g.objects(path, SH.inversePath))
            alternatives = list(g.objects(path, SH.alternativePath))
            if (path, RDF.first, None) in g:
                raise self.error(node, "sequence paths are not supported")
            if len(inverse) == 1 and not alternatives and isinstance(inverse[0], URIRef):
                self.inverse.add(term_of(inverse[0]))
                return _InversePath(term_of(inverse[0]))
            if len(alternatives) == 1 and not inverse:
                members = list(Collection(g, alternatives[0]))
                if len(members) < 2:
                    raise self.error(node, "sh:alternativePath needs at least two paths")
                return _AlternativePath(tuple(self._path(node, m, depth + 1) for m in members))
        raise self.error(node, f"unsupported path {path!r}")

    def _compile(self, node: Node, is_property: bool) -> None:
        g = self.g
        shape = self.shapes[node]
        shape.is_property = is_property
        if isinstance(node, URIRef):
            shape.shape_text = _short(node)
        severity = self._one(node, SH.severity)
        shape.severity = Severity.from_iri(severity)
        shape.allowed = severity in _ALLOWED_SEVERITIES
        messages = sorted(str(m) for m in g.objects(node, SH.message))
        shape.message = messages[0] if messages else None
        if is_property:
            path = self._one(node, SH.path)
            assert path is not None
            shape.path = self._path(node, path)
            shape.path_text = _short(path) if isinstance(path, URIRef) else None

        components: list[_Component] = []
        min_count = self._count(node, SH.minCount)
        if min_count:  # pyshacl: a minimum of 0 always passes
            components.append(_MinCount(shape, min_count))
        max_count = self._count(node, SH.maxCount)
        if max_count is not None:
            if not is_property:
                raise self.error(node, "sh:maxCount on a node shape")
            components.append(_MaxCount(shape, max_count))
        kind = self._one(node, SH.nodeKind)
        if kind is not None:
            if kind not in _NodeKind.FIRST:
                raise self.error(node, f"unknown sh:nodeKind {kind}")
            components.append(_NodeKind(shape, URIRef(str(kind))))
        classes = tuple(term_of(c) for c in g.objects(node, SH["class"]))
        if classes:
            components.append(_Class(shape, classes))
        datatype = self._one(node, SH.datatype)
        if datatype is not None:
            components.append(_Datatype(shape, (str(datatype),)))
        members = self._one(node, SH["in"])
        if members is not None:
            components.append(_In(shape, frozenset(term_of(m) for m in Collection(g, members))))
        has_values = tuple(term_of(v) for v in g.objects(node, SH.hasValue))
        if has_values:
            components.append(_HasValue(shape, has_values))
        patterns = list(g.objects(node, SH.pattern))
        if patterns:
            flags = self._one(node, SH.flags)
            re_flags = 0
            if flags is not None:
                text = str(flags).lower()
                if set(text) - {"i", "m"}:
                    raise self.error(node, f"unsupported sh:flags {flags!r}")
                re_flags = (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
            if not all(isinstance(p, Literal) for p in patterns):
                raise self.error(node, "sh:pattern must be a literal")
            components.append(
                _Pattern(shape, tuple(re.compile(str(p), re_flags) for p in patterns))
            )
        minimums = list(g.objects(node, SH.minInclusive))
        if minimums:
            if not all(isinstance(m, Literal) for m in minimums):
                raise self.error(node, "sh:minInclusive must be a literal")
            components.append(_MinInclusive(shape, tuple(minimums)))
        for predicate, kind_class in ((SH.node, _Node), (SH["not"], _Not)):
            targets = tuple(self.shapes[n] for n in g.objects(node, predicate))
            if kind_class is _Node and any(t.is_property for t in targets if t is not None):
                raise self.error(node, "sh:node must point to a node shape")
            if targets:
                components.append(kind_class(shape, targets))
        or_lists = tuple(
            tuple(self.shapes[m] for m in Collection(g, lst)) for lst in g.objects(node, SH["or"])
        )
        if or_lists:
            components.append(_Or(shape, or_lists))
        properties = tuple(self.shapes[p] for p in g.objects(node, SH.property))
        if properties:
            components.append(_Property(shape, properties))
        shape.components = tuple(components)

    def _check_cycles(self) -> None:
        """Recursive shapes would loop here (pyshacl warns and cuts them): refuse them."""
        children: dict[_Shape, list[_Shape]] = {}
        for shape in self.shapes.values():
            for component in shape.components:
                if isinstance(component, _Or):
                    children.setdefault(shape, []).extend(m for ms in component.shapes for m in ms)
                elif isinstance(component, _ShapeComponent):
                    children.setdefault(shape, []).extend(component.shapes)
        done: set[_Shape] = set()

        def visit(shape: _Shape, stack: tuple[_Shape, ...]) -> None:
            if shape in stack:
                raise UnsupportedShapeError(f"recursive shapes: {[s.label for s in stack]}")
            if shape in done:
                return
            for child in children.get(shape, ()):
                visit(child, (*stack, shape))
            done.add(shape)

        for shape in self.shapes.values():
            visit(shape, ())

    def compiled(self) -> CompiledShapes:
        targets: dict[str, list[_Shape]] = {}
        for node, cls in self.g.subject_objects(SH.targetClass):
            targets.setdefault(term_of(cls), []).append(self.shapes[node])
        return CompiledShapes(
            {cls: tuple(sorted(shapes, key=lambda s: s.index)) for cls, shapes in targets.items()},
            frozenset(self.inverse),
        )


def compile_shapes(graph: Graph) -> CompiledShapes:
    """Compile a shapes graph; UnsupportedShapeError if it uses what this engine lacks."""
    return _Compiler(graph).compiled()


_COMPILED: dict[int, tuple[Graph, CompiledShapes]] = {}


def _compiled_for(shapes: Graph) -> CompiledShapes:
    known = _COMPILED.get(id(shapes))
    if known is None or known[0] is not shapes:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        known = _COMPILED[id(shapes)] = (shapes, compile_shapes(shapes))
    return known[1]


def validate_fast(triples: Iterable[Triple], shapes: Graph | None = None) -> list[Finding]:
    """Top-level SHACL results for triples of N-Triples term strings (unsorted).

    The same findings as `dcatgen.validation.report.shacl_findings` on the same data and shapes
    (default: `dcatgen.validation.report.shapes_graph()`), without register, field or position.
    """
    if shapes is None:
        return default_compiled().validate(triples)
    return _compiled_for(shapes).validate(triples)


_DEFAULT: list[CompiledShapes] = []


def default_compiled() -> CompiledShapes:
    """dcatgen's own shapes, compiled once per machine: kept as a pickle in the user's cache
    (keyed by the shape files, this module and rdflib's version), since parsing and compiling
    them takes longer than validating a changed description."""
    if _DEFAULT:
        return _DEFAULT[0]
    import hashlib
    import os
    import pickle
    import tempfile
    from importlib import resources
    from pathlib import Path

    import rdflib

    digest = hashlib.sha256(rdflib.__version__.encode())
    digest.update(Path(__file__).read_bytes())
    folder = resources.files("dcatgen").joinpath("resources/shapes")
    from dcatgen.validation.shapes import SHAPE_FILES

    for name in SHAPE_FILES:
        digest.update(folder.joinpath(name).read_bytes())
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dcatgen"
    path = home / f"shapes-{digest.hexdigest()[:24]}.pickle"
    compiled: CompiledShapes | None = None
    try:
        loaded = pickle.loads(path.read_bytes())
        if isinstance(loaded, CompiledShapes):
            compiled = loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        compiled = None
    if compiled is None:
        compiled = compile_shapes(shapes_graph())
        try:  # best effort: a read-only home only costs the next run the compile time
            home.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=home, prefix=".shapes-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(pickle.dumps(compiled))
            os.replace(temporary, path)
        except OSError:
            pass
    _DEFAULT.append(compiled)
    return compiled
