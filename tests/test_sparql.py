"""The SPARQL lexer (query form, SERVICE), result formats and content negotiation, in-process."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcatgen.rdf.conneg import negotiate
from dcatgen.sparql.engine import (
    MAX_NESTING,
    QueryError,
    QueryRequest,
    check_query,
    execute,
    nesting,
    shape,
)


@pytest.mark.parametrize(
    ("query", "form", "service"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False),
        ("PREFIX select: <http://x/> ASK { ?s select:p ?o }", "ASK", False),
        ("BASE <http://x/> PREFIX : <y#> CONSTRUCT WHERE { ?s :p ?o }", "CONSTRUCT", False),
        ("# comment SELECT\nDESCRIBE <http://x>", "DESCRIBE", False),
        ("INSERT DATA { <a:a> <a:b> <a:c> }", "UPDATE", False),
        ("PREFIX x: <http://x/> DELETE WHERE { ?s x:p ?o }", "UPDATE", False),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE", False),
        ("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", "SELECT", True),
        ("SELECT * { service silent <http://e/sparql> { ?s ?p ?o } }", "SELECT", True),
        ("SELECT * { ?a ?b ?c SERVICE?e{ ?s ?p ?o } }", "SELECT", True),
        ("SELECT * { FILTER(?a<?b)SERVICE<http://e>{ ?s ?p ?o } }", "SELECT", True),
        ("SELECT * {?a ?b ?c .SERVICE <http://e/x> {?s ?p ?o}}", "SELECT", True),
        ("SELECT * {{?a ?b ?c}SERVICE <http://e/x> {?s ?p ?o}}", "SELECT", True),
        ("SELECT * {?a ?b 1.SERVICE <http://e/x> {?s ?p ?o}}", "SELECT", True),
        ("SELECT * {?a ?b ?c .\\u0053ERVICE <http://e/x> {?s ?p ?o}}", "SELECT", True),
        ("PREFIX SERVICE: <http://x/> SELECT * { ?s SERVICE:p ?o }", "SELECT", False),
        ("PREFIX x: <http://x/> SELECT * { ?s x:SERVICE ?o . ?s x:a.SERVICE ?o }", "SELECT", False),
        ("SELECT ?service { ?service ?p ?o }", "SELECT", False),
        ("SELECT $service { $service ?p ?o }", "SELECT", False),
        ('SELECT * { ?s ?p "SERVICE <http://e> { }" }', "SELECT", False),
        ("SELECT * { ?s ?p '''SERVICE\n<x>''' }", "SELECT", False),
        ('SELECT * { ?s ?p "say \\"SERVICE\\"" }', "SELECT", False),
        ("SELECT * { ?s <http://x/SERVICE> ?o }", "SELECT", False),
        ("PREFIX service: <http://x/> SELECT * { ?s service:p ?o }", "SELECT", False),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://e> { }", "SELECT", False),
        ("SELECT * { ?s ?p _:service }", "SELECT", False),
        ('SELECT * { ?s ?p "x"@service }', "SELECT", False),
        ("SELECT * { ?s <http://x/a-service> ?o }", "SELECT", False),
        ("", None, False),
    ],
)
def test_shape(query: str, form: str | None, service: bool) -> None:
    """The form and SERVICE are found in code only, never in strings, IRIs, names, comments."""
    found = shape(query)
    assert (found.form, found.uses_service) == (form, service)


def test_every_service_query_oxigraph_accepts_is_caught() -> None:
    """Queries oxigraph parses as federated are all flagged (it tries to reach the endpoint)."""
    store = ox.Store()
    for query in (
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { FILTER(?a<?b)SERVICE<http://127.0.0.1:9/x>{ ?s ?p ?o } }",
        "SELECT * { BIND(1 AS ?x) SeRvIcE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    ):
        with pytest.raises(OSError):
            list(cast(Iterable[Any], store.query(query)))  # proves oxigraph reads SERVICE
        with pytest.raises(QueryError) as refused:
            check_query(query, allow_service=False)
        assert refused.value.status == 403
        check_query(query, allow_service=True)


_ONE_TRIPLE = ox.Store()
_ONE_TRIPLE.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1")))


@settings(max_examples=150, deadline=None)
@given(
    before=st.sampled_from(["", " ", ".", " . ", "}", "} ", "\n", "\t", "#c\n", ". ", "1.", ";"]),
    keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE", "sErViCe"]),
    silent=st.sampled_from(["", " SILENT", " silent"]),
    after=st.sampled_from([" ", "", "\n", "#c\n"]),
    left=st.sampled_from(["?a ?b ?c", "{?a ?b ?c}", "?a ?b 1", "?a ?b ?c FILTER(?c)"]),
)
def test_service_that_oxigraph_would_call_is_always_refused(
    before: str, keyword: str, silent: str, after: str, left: str
) -> None:
    """Differential: whenever oxigraph itself tries to call the endpoint, the query is refused.

    Port 9 on loopback is closed, so a SERVICE that oxigraph evaluates fails at once with
    OSError (or, with SILENT, answers); a text oxigraph does not read as SERVICE is a syntax
    error or an ordinary answer.
    """
    query = (
        f"SELECT * {{ {left}{before}{keyword}{silent}{after}<http://127.0.0.1:9/x> {{?s ?p ?o}} }}"
    )
    try:
        list(cast(Iterable[Any], _ONE_TRIPLE.query(query)))
    except SyntaxError:
        return  # not a query at all: the engine refuses it anyway
    except OSError:
        pass  # it tried to reach the endpoint
    # No SyntaxError: the keyword was read as SERVICE (silent or not), so it must be refused.
    with pytest.raises(QueryError) as refused:
        check_query(query, allow_service=False)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
        lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "1" + ")" * n + ") }",
        lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "true) }",
        lambda n: "ASK { ?s ?p " + "[ <http://e/p> " * n + "1" + " ]" * n + " }",
    ],
)
def test_nesting_is_bounded_before_the_engine(make: object) -> None:
    """Deeper than MAX_NESTING is 400 from execute itself; at the bound the engine answers.

    3,000 nested groups crash pyoxigraph with a segmentation fault; the bound keeps every
    query the engine sees far below that.
    """
    assert callable(make)
    store = ox.Store()
    deep, fine = make(MAX_NESTING + 1), make(MAX_NESTING - 2)
    assert nesting(deep) > MAX_NESTING >= nesting(fine)
    with pytest.raises(QueryError) as refused:
        execute(store, QueryRequest(query=make(3000)))
    assert refused.value.status == 400
    assert f"at most {MAX_NESTING}" in refused.value.message
    with pytest.raises(QueryError):
        check_query(deep, allow_service=False)
    answer = execute(store, QueryRequest(query=fine, format="json"))
    assert answer.status == 200


def test_check_query_refusals() -> None:
    """Empty queries are 400, updates 403."""
    with pytest.raises(QueryError) as empty:
        check_query("  \n", allow_service=False)
    assert empty.value.status == 400
    with pytest.raises(QueryError) as update:
        check_query("CLEAR ALL", allow_service=True)
    assert update.value.status == 403


@pytest.fixture
def store() -> ox.Store:
    """A store of three triples, one with a language tag and one with a blank node."""
    store = ox.Store()
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    store.add(ox.Quad(s, p, ox.Literal("yksi", language="fi")))
    store.add(
        ox.Quad(
            s, p, ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        )
    )
    store.add(ox.Quad(s, p, ox.BlankNode("b")))
    return store


def test_json_results_round_trip_through_oxigraph(store: ox.Store) -> None:
    """The JSON answer is read back by oxigraph's parser into the same solutions."""
    answer = execute(store, QueryRequest("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"))
    document = json.loads(answer.body)
    kinds = sorted(b["o"]["type"] for b in document["results"]["bindings"])
    assert kinds == ["bnode", "literal", "literal"]
    parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert len(list(parsed)) == 3
    tagged = [b["o"] for b in document["results"]["bindings"] if "xml:lang" in b["o"]]
    assert tagged == [{"type": "literal", "value": "yksi", "xml:lang": "fi"}]


def test_construct_with_blank_nodes_as_json_ld(store: ox.Store) -> None:
    """Graphs with blank nodes still serialise as JSON-LD (oxigraph's writer)."""
    answer = execute(store, QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", format="json-ld"))
    assert answer.content_type.startswith("application/ld+json")
    assert "_:" in answer.body.decode()


def test_unknown_format_parameter(store: ox.Store) -> None:
    """format=yaml is a 400 that lists the formats."""
    with pytest.raises(QueryError) as bad:
        execute(store, QueryRequest("ASK {}", format="yaml"))
    assert bad.value.status == 400 and "json, xml, csv, tsv" in bad.value.message


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/*", "text/turtle"),
        ("application/*;q=0.9, text/html", "text/html"),
        ("application/*", "application/ld+json"),
        ("text/html;q=0, */*;q=0.1", "text/turtle"),
        ("text/turtle;q=0, application/n-triples;q=0.5", "application/n-triples"),
        ("image/png", None),
        ("garbage", "text/turtle"),
        ("text/turtle;q=abc, text/html", "text/html"),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    """q-values, wildcards, exclusions and the server's preference on ties."""
    offers = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
    assert negotiate(accept, offers) == expected


def _awkward_store(size: int) -> ox.Store:
    """Solutions whose literals hold line breaks, tabs, quotes and commas (a TSV line each)."""
    store = ox.Store()
    p = ox.NamedNode("http://x/p")
    for i in range(size):
        text = f'rivi {i}\nseuraava\r\n\t"lainaus", pilkku'
        store.add(ox.Quad(ox.NamedNode(f"http://x/s{i}"), p, ox.Literal(text, language="fi")))
    return store


@pytest.mark.parametrize("output", ["json", "xml", "csv", "tsv"])
def test_cap_is_exact_whatever_the_literals(output: str) -> None:
    """Exactly max_results solutions pass (and are counted); one more is 422."""
    store = _awkward_store(7)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    answer = execute(store, QueryRequest(query, format=output, max_results=7))
    assert (answer.status, answer.rows) == (200, 7)
    with pytest.raises(QueryError) as over:
        execute(store, QueryRequest(query, format=output, max_results=6))
    assert over.value.status == 422 and "more than 6 solutions" in over.value.message


def _solutions(body: bytes, format: ox.QueryResultsFormat) -> list[tuple[str, ...]]:
    parsed = ox.parse_query_results(body, format=format)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [variable.value for variable in parsed.variables]
    return sorted(tuple(str(row[name]) for name in names) for row in parsed)


def test_every_result_format_carries_the_same_solutions(store: ox.Store) -> None:
    """JSON, XML and TSV answers parse back to the store's own solutions, unbound cells too."""
    query = "SELECT ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?none } }"
    direct = store.query(query)
    assert isinstance(direct, ox.QuerySolutions)
    expected = sorted((str(row["o"]), str(row["none"])) for row in direct)
    formats = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    for name, format in formats.items():
        answer = execute(store, QueryRequest(query, format=name))
        assert answer.rows == 3
        assert _solutions(answer.body, format) == expected, name
    csv = execute(store, QueryRequest(query, format="csv")).body.decode()
    assert csv.splitlines()[0] == "o,none" and "yksi" in csv and len(csv.splitlines()) == 4


def test_a_solution_without_variables_is_one_row() -> None:
    """SELECT * {} has one empty solution; a failed FILTER has none (the TSV edge cases)."""
    store = ox.Store()
    one = execute(store, QueryRequest("SELECT * WHERE {}", format="json", max_results=1))
    assert one.rows == 1 and json.loads(one.body)["results"]["bindings"] == [{}]
    none = execute(store, QueryRequest("SELECT * WHERE { FILTER(false) }", format="json"))
    assert none.rows == 0 and json.loads(none.body)["results"]["bindings"] == []


@pytest.mark.parametrize("output", ["json", "xml", "csv", "tsv"])
def test_without_a_cap_the_answer_is_written_straight_and_the_same(output: str) -> None:
    """max_results=None (dcatgen query): the same answer, written in the asked format at
    once, its rows uncounted; JSON and XML parse back to the capped answer's solutions."""
    store = _awkward_store(5)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    capped = execute(store, QueryRequest(query, format=output, max_results=5))
    straight = execute(store, QueryRequest(query, format=output, max_results=None))
    assert (straight.status, straight.rows, capped.rows) == (200, None, 5)
    assert straight.content_type == capped.content_type
    if output in ("csv", "tsv"):
        assert sorted(straight.body.splitlines()) == sorted(capped.body.splitlines())
    else:
        format = ox.QueryResultsFormat.JSON if output == "json" else ox.QueryResultsFormat.XML
        assert _solutions(straight.body, format) == _solutions(capped.body, format)
