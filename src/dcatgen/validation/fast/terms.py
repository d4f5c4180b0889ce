"""N-Triples terms as the fast engine reads them, and literal checks exactly as pySHACL's
DatatypeConstraintComponent and MinInclusiveConstraintComponent do them (rdflib's Literal is
the oracle, asked once per distinct literal).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from dcatgen.rdf import terms
from dcatgen.rdf.terms import nt_escape
from dcatgen.validation.findings import Finding, short_name

Triple = tuple[str, str, str]


RDF_TYPE: Final = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


RDFS_SUBCLASSOF: Final = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


XSD_NS = "http://www.w3.org/2001/XMLSchema#"


XSD_STRING = XSD_NS + "string"


RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"


RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"


literal_parts = lru_cache(maxsize=1 << 16)(terms.literal_parts)
"""(lexical form, language, datatype IRI) of an N-Triples literal term, memoised."""


@lru_cache(maxsize=1 << 14)
def rdflib_literal(term: str) -> Literal:
    """The rdflib Literal an N-Triples parser makes of a literal term (normalised, ill-typed
    flag set): the oracle for value-space questions, asked once per distinct literal."""
    lexical, language, datatype = literal_parts(term)
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None)


CANONICAL_MEMO: dict[str, str] = {}


def canonical_literal(term: str) -> str:
    """The identity of a literal as rdflib sees it: well-typed literals in normalised lexical
    form ("01"^^xsd:integer is "1"^^xsd:integer, "x"^^xsd:boolean is "false"^^xsd:boolean),
    language tags in lower case.  Terms equal here are one term in an rdflib graph."""
    known = CANONICAL_MEMO.get(term)
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
    if len(CANONICAL_MEMO) > 1 << 18:
        CANONICAL_MEMO.clear()
    CANONICAL_MEMO[term] = result
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
def short_iri(iri: str) -> str:
    """An IRI as findings name it (memoised: the same few IRIs come back millions of times)."""
    return short_name(URIRef(iri)) or iri


def node_text(term: str) -> str:
    """str() of the rdflib node: an IRI without brackets, a blank node's label, a lexical form."""
    first = term[0]
    if first == "<":
        return term[1:-1]
    if first == "_":
        return term[2:]
    return literal_text(term)


def value_text(term: str) -> str:
    """A value as `validation.findings` shows it (IRIs in prefix form, literals as text)."""
    return short_iri(term[1:-1]) if term[0] == "<" else node_text(term)


def _actual_datatype(value: Any, rule: str) -> bool:
    if rule in (XSD_STRING, RDF_LANGSTRING):
        return isinstance(value, str | bytes)
    checks: dict[str, type | tuple[type, ...]] = {
        XSD_NS + "integer": int,
        XSD_NS + "float": float,
        XSD_NS + "decimal": Decimal,
        XSD_NS + "boolean": bool,
        XSD_NS + "date": date,
        XSD_NS + "time": time,
        XSD_NS + "dateTime": datetime,
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
        return rule in (XSD_STRING, RDFS_LITERAL)
    if last != ">":  # language-tagged
        return rule in (RDF_LANGSTRING, RDFS_LITERAL)
    key = (term, rule)
    known = _DATATYPE_MEMO.get(key)
    if known is None:
        literal = rdflib_literal(term)
        if str(literal.datatype) == rule:
            known = literal.ill_typed is not True and _actual_datatype(literal.value, rule)
        else:
            known = rule in (RDFS_LITERAL, RDFS_DATATYPE)
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
