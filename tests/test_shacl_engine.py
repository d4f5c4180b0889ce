"""Differential tests: dcatgen.validation.engine finds exactly what pyshacl finds.

Compared as multisets of (severity, focus node, path, component, value, shape): on the seed
and fixture catalogs, with every deliberate defect of tests/defects.py alone, and with random
combinations of them (hypothesis).  The reference is pyshacl on an rdflib graph of the same
N-Triples terms, each parsed by rdflib itself.
"""

from __future__ import annotations

import pickle
import random
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from dcatgen.mapping.tables import description_triples
from dcatgen.model.load import load
from dcatgen.validation.fast.compiler import UnsupportedShapeError, compile_shapes, validate_fast
from dcatgen.validation.fast.plan import CompiledShapes
from dcatgen.validation.fast.terms import literal_parts, new_finding
from dcatgen.validation.findings import Finding, Severity
from dcatgen.validation.reference import shacl_findings
from dcatgen.validation.shapes import shapes_graph
from tests.conftest import DATA, FIXTURES
from tests.defects import DEFECTS, Triple

Key = tuple[object, ...]

CATALOGS = {
    "seed": DATA,
    "minimal": FIXTURES / "minimal.yaml",
    "incomplete": FIXTURES / "broken" / "incomplete.yaml",
}

COMPONENTS_IN_SHAPES = {
    "sh:MinCountConstraintComponent",
    "sh:MaxCountConstraintComponent",
    "sh:NodeKindConstraintComponent",
    "sh:ClassConstraintComponent",
    "sh:DatatypeConstraintComponent",
    "sh:InConstraintComponent",
    "sh:HasValueConstraintComponent",
    "sh:PatternConstraintComponent",
    "sh:MinInclusiveConstraintComponent",
    "sh:NodeConstraintComponent",
    "sh:OrConstraintComponent",
    "sh:NotConstraintComponent",
}
"""Every constraint component the shape files use (sh:property never reports itself)."""

NEVER_TOP_LEVEL = {"sh:PatternConstraintComponent"}
"""Components that cannot give a top-level result with our shapes: every sh:pattern is on an
untargeted node shape reached only through sh:node / sh:or (IANA, GeoNames, SPDX), so its
failures are nested sh:detail results.  They are still evaluated: the sh:node results of
the distribution-* and spatial-* defects depend on them."""


@cache
def catalog(name: str) -> tuple[Triple, ...]:
    """A catalog's triples as N-Triples term strings (what the mapping emits)."""
    triples: list[Triple] = []
    for source in load(CATALOGS[name]):
        triples.extend(description_triples(source.description))
    return tuple(triples)


@cache
def to_rdflib(term: str) -> Node:
    """A term string as rdflib's own parser reads it (blank nodes keep their label)."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    if term.startswith("_:"):
        return BNode(term[2:])
    graph = Graph().parse(data=f"<urn:s> <urn:p> {term} .", format="turtle")
    (value,) = graph.objects()
    assert isinstance(value, Literal)
    return value


def key(finding: Finding) -> Key:
    """The result identity both engines are compared on."""
    return finding.identity()


def reference(triples: Iterable[Triple]) -> Counter[Key]:
    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    findings, _ = shacl_findings(graph)
    return Counter(map(key, findings))


def fast(triples: Iterable[Triple]) -> Counter[Key]:
    return Counter(map(key, validate_fast(triples)))


def assert_same(triples: list[Triple] | tuple[Triple, ...]) -> Counter[Key]:
    expected = reference(triples)
    found = fast(triples)
    missing, extra = expected - found, found - expected
    assert not missing and not extra, f"missing {sorted(missing)}\nextra {sorted(extra)}"
    return found


def inject(name: str, defects: Iterable[str], seed: int) -> list[Triple]:
    rng = random.Random(seed)
    triples = list(catalog(name))
    for defect in defects:
        triples = DEFECTS[defect](triples, rng)
    return triples


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_catalogs_as_built_give_pyshacls_findings(name: str) -> None:
    assert_same(catalog(name))


_HIT: dict[tuple[str, str], Counter[Key]] = {}


def _single(defect: str, name: str) -> Counter[Key]:
    if (defect, name) not in _HIT:
        triples = inject(name, [defect], seed=sorted(DEFECTS).index(defect))
        assert triples != list(catalog(name)), f"{defect} found nothing to change in {name}"
        _HIT[defect, name] = assert_same(triples)
    return _HIT[defect, name]


def _catalog_for(defect: str) -> str:
    """The catalog a defect is tried on alone: the seed, or the fixture having its target."""
    minimal_only = ("boolean", "task-class", "second-personal", "second-national", "second-lic")
    untyped_in_minimal = ("untype-contact", "untype-licence", "untype-rights", "untype-media")
    if defect.startswith(minimal_only + untyped_in_minimal) or defect in {
        "access-rights-unknown",
        "second-access-rights",
        "untype-distribution",
    }:
        return "minimal"
    if defect == "drop-description":
        return "incomplete"
    return "seed"


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_alone_gives_pyshacls_findings(defect: str) -> None:
    _single(defect, _catalog_for(defect))


def test_defects_reach_every_constraint_component_of_the_shapes() -> None:
    """Together the single-defect cases make pyshacl report every component it can."""
    shapes = shapes_graph()
    used = {
        f"sh:{str(p).rsplit('#', 1)[1][0].upper()}{str(p).rsplit('#', 1)[1][1:]}ConstraintComponent"
        for p in set(shapes.predicates())
        if str(p).startswith("http://www.w3.org/ns/shacl#")
        and str(p).rsplit("#", 1)[1]
        in {
            "minCount",
            "maxCount",
            "nodeKind",
            "class",
            "datatype",
            "in",
            "hasValue",
            "pattern",
            "minInclusive",
            "node",
            "or",
            "not",
        }
    }
    assert used == COMPONENTS_IN_SHAPES
    hit: set[str] = set()
    for defect in DEFECTS:
        hit |= {str(k[3]) for k in _single(defect, _catalog_for(defect))}
    assert hit == COMPONENTS_IN_SHAPES - NEVER_TOP_LEVEL


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    name=st.sampled_from(sorted(CATALOGS)),
    defects=st.lists(st.sampled_from(sorted(DEFECTS)), min_size=1, max_size=8),
    seed=st.integers(0, 2**16),
)
def test_random_combinations_of_defects_give_pyshacls_findings(
    name: str, defects: list[str], seed: int
) -> None:
    assert_same(inject(name, defects, seed))


def test_all_catalogs_together_with_defects() -> None:
    """Several organisations in one graph, each with its own defects."""
    triples = [
        *inject("seed", ["untype-language", "position-zero", "second-unit"], 1),
        *inject("minimal", ["boolean-x", "wrong-scheme", "distribution-iana"], 2),
        *inject("incomplete", ["drop-title", "contact-bnode-organization-only"], 3),
    ]
    assert_same(triples)


# --- typed literals: the engine's datatype and range answers are rdflib's --------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
LEXICAL = st.one_of(
    st.sampled_from(
        [
            "1",
            "01",
            "-0",
            "+5",
            " 7 ",
            "1_000",
            "abc",
            "",
            "true",
            "false",
            "TRUE",
            "0",
            "2.50",
            "1e3",
            "NaN",
            "2020-01-01",
            "2020-02-30",
            "2020-01-01T00:00:00Z",
            "2020",
            "2020-05",
            "P1D",
            "PT",
            "abcd",
            "zz",
        ]
    ),
    st.text(alphabet="0123456789-+.eE:TZPDYMabc ", max_size=8),
)
DATATYPES = st.sampled_from(
    [
        XSD + name
        for name in (
            "integer",
            "boolean",
            "decimal",
            "string",
            "date",
            "dateTime",
            "gYear",
            "gYearMonth",
            "duration",
            "hexBinary",
            "nonNegativeInteger",
        )
    ]
)


CONSTRAINTS = (
    *(f"sh:datatype xsd:{n}" for n in ("integer", "boolean", "decimal", "date", "dateTime")),
    *(f"sh:datatype xsd:{n}" for n in ("duration", "hexBinary", "string", "nonNegativeInteger")),
    *(f"sh:datatype xsd:{n}" for n in ("gYear", "gYearMonth")),
    "sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>",
    "sh:maxCount 1",
    "sh:minInclusive 1",
    "sh:minInclusive 2.5",
)
"""One property shape each, on predicates <urn:p0>, <urn:p1>, ..."""


@cache
def _literal_shapes(minimum: bool) -> Graph:
    chosen = [(i, c) for i, c in enumerate(CONSTRAINTS) if c.startswith("sh:min") == minimum]
    properties = " , ".join(f"[ sh:path <urn:p{i}> ; {c} ]" for i, c in chosen)
    return Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property {properties} .
        """,
        format="turtle",
    )


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.tuples(LEXICAL, st.one_of(DATATYPES, st.sampled_from(["@fi", "@FI", ""]))),
        min_size=1,
        max_size=3,
    )
)
def test_literal_datatypes_ranges_and_identity_match_pyshacl(
    values: list[tuple[str, str]],
) -> None:
    """Odd lexical forms: ill-typed, non-canonical, NaN, language-tag case, duplicates."""
    escaped = [lexical.replace("\\", "\\\\").replace('"', '\\"') for lexical, _ in values]
    terms = [
        f'"{lexical}"^^<{kind}>' if kind.startswith("http") else f'"{lexical}"{kind}'
        for lexical, (_, kind) in zip(escaped, values, strict=True)
    ]
    triples = [("<urn:x>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<urn:C>")]
    triples += [("<urn:x>", f"<urn:p{i}>", t) for i in range(len(CONSTRAINTS)) for t in terms]
    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    for minimum in (False, True):
        shapes = _literal_shapes(minimum)
        found = Counter(map(key, validate_fast(triples, shapes)))
        try:
            expected = Counter(map(key, shacl_findings(graph, shapes)[0]))
        except ArithmeticError:
            # pyshacl crashes comparing "NaN"^^xsd:decimal; the engine calls it not >= min
            assert any("NaN" in t for t in terms)
            continue
        assert found == expected, terms


# --- the engine itself ------------------------------------------------------------------------


def test_compiled_shapes_pickle_and_give_the_same_findings() -> None:
    compiled = compile_shapes(shapes_graph())
    clone = pickle.loads(pickle.dumps(compiled))
    assert isinstance(clone, CompiledShapes)
    triples = inject("seed", ["untype-language", "position-abc", "criterion-outside-list"], 5)
    assert Counter(map(key, clone.validate(triples))) == fast(triples)


def test_literal_terms_are_parsed_with_escapes() -> None:
    assert literal_parts('"a\\"b\\\\c\\nd"@fi') == ('a"b\\c\nd', "fi", None)
    assert literal_parts('"x\\u00e4"^^<urn:t>') == ("x\u00e4", None, "urn:t")
    assert literal_parts('"""two\nlines"""@fi') == ("two\nlines", "fi", None)
    assert literal_parts('""') == ("", None, None)


def test_shape_message_is_used_when_the_shape_has_one() -> None:
    findings = validate_fast(inject("seed", ["criterion-outside-list"], 0))
    (criterion,) = [f for f in findings if f.component == "sh:InConstraintComponent"]
    assert criterion.message.startswith("a search criterion must be a concept")
    assert criterion.value == "dg:Shoe"


@pytest.mark.parametrize(
    "shape",
    [
        "sh:targetClass <urn:C> ; sh:minLength 3",
        "sh:targetNode <urn:x> ; sh:class <urn:C>",
        "sh:targetClass <urn:C> ; sh:property [ sh:path ( <urn:p> <urn:q> ) ; sh:minCount 1 ]",
        "sh:targetClass <urn:C> ; sh:property [ sh:path [ sh:zeroOrMorePath <urn:p> ] ]",
        "sh:targetClass <urn:C> ; sh:and ( [ sh:class <urn:D> ] )",
        "sh:targetClass <urn:C> ; sh:deactivated true",
        "sh:targetClass <urn:C> ; sh:node <urn:shape>",
        "sh:targetClass <urn:C> ; sh:closed true",
        "sh:targetClass <urn:C> ; sh:severity sh:Warning, sh:Info",
    ],
)
def test_unsupported_shapes_are_refused_when_compiled(shape: str) -> None:
    graph = Graph().parse(
        data=f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:shape> a sh:NodeShape ; {shape} .",
        format="turtle",
    )
    with pytest.raises(UnsupportedShapeError):
        compile_shapes(graph)


def test_supported_shape_files_compile() -> None:
    compiled = compile_shapes(shapes_graph())
    assert "<http://www.w3.org/ns/dcat#Dataset>" in compiled.targets
    assert compiled.inverse == frozenset({"<http://www.w3.org/ns/dcat#inSeries>"})


def test_fast_findings_are_ordinary_findings() -> None:
    fields: dict[str, object] = {
        "severity": Severity.WARNING,
        "register": None,
        "focus_node": "urn:x",
        "path": "dct:title",
        "component": "sh:MinCountConstraintComponent",
        "message": "m",
        "shape": None,
        "value": None,
        "field": None,
        "position": None,
    }
    fast_one, slow_one = new_finding(fields), Finding(**fields)  # type: ignore[arg-type]
    assert fast_one == slow_one and hash(fast_one) == hash(slow_one)
    assert repr(fast_one) == repr(slow_one) and fast_one.to_json() == slow_one.to_json()
    assert fast_one.sort_key() == slow_one.sort_key()


def test_an_empty_graph_has_no_findings() -> None:
    assert validate_fast([]) == []


def test_input_can_be_a_generator_of_any_catalog_size() -> None:
    triples = catalog("seed")
    assert fast(t for t in triples) == fast(list(triples))


def test_paths_where_catalog_files_live() -> None:
    assert all(Path(p).exists() for p in CATALOGS.values())
