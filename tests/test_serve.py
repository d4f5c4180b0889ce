"""`dcatgen serve` as a real child process, exercised over HTTP with requests and rdflib."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from dcatgen.build.catalog import make_catalog
from dcatgen.validation.run import validate_triples
from tests.conftest import DATA
from tests.servers import Running, dcatgen_serve, stop

BASE = "https://w3id.org/dcatgen/id/mynamaki/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
DG = "https://w3id.org/dcatgen/ns#"
REGISTERS = {
    "kirjastopalvelut",
    "liikuntapalvelut",
    "nuorisopalvelut",
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
COUNT_DATASETS = (
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset }"
)
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def server(served_seed: Running) -> Running:
    """The seed data served with 2 datasets a page (3 pages)."""
    return served_seed


def _graph(response: requests.Response) -> Graph:
    media_type = response.headers["Content-Type"].split(";")[0]
    return Graph().parse(data=response.content, format=RDF_TYPES[media_type])


# --- content negotiation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/rdf+xml;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/turtle;q=0.1, application/n-triples", "application/n-triples"),
    ],
)
@pytest.mark.parametrize("path", ["/catalog", "/register/varhaiskasvatus", "/ns"])
def test_content_negotiation(server: Running, path: str, accept: str | None, expected: str) -> None:
    """Accept picks the format; Content-Type has a charset; Vary and CORS are set."""
    headers = {"Accept": accept} if accept else {}
    response = requests.get(server.url + path, headers=headers, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    if expected in RDF_TYPES:
        assert len(_graph(response)) > 10
        extension = {"text/turtle": "ttl", "application/ld+json": "jsonld"}.get(expected)
        if extension:
            assert response.headers["Content-Location"] == f"{path}.{extension}"


def test_cors_on_rdf_responses(server: Running) -> None:
    """Browsers on other origins may read the RDF and the SPARQL results."""
    origin = {"Origin": "https://portal.example"}
    for path in ("/catalog", "/register/kirjastopalvelut.jsonld", "/sparql?query=ASK%7B%7D"):
        response = requests.get(server.url + path, headers=origin, timeout=60)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(
        server.url + "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
        timeout=60,
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_not_acceptable(server: Running) -> None:
    """An Accept header that rules out every format gets 406."""
    response = requests.get(server.url + "/catalog", headers={"Accept": "image/png"}, timeout=60)
    assert response.status_code == 406
    assert "text/turtle" in response.text


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
    ],
)
def test_extension_fixes_the_format(server: Running, extension: str, media_type: str) -> None:
    """/catalog.ttl is Turtle whatever the Accept header says."""
    response = requests.get(
        f"{server.url}/catalog.{extension}",
        headers={"Accept": "text/html"},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


def test_every_format_carries_the_same_page(server: Running) -> None:
    """The four RDF formats of one page are the same graph (page links keep their extension)."""
    graphs = []
    for ext in ("ttl", "jsonld", "rdf", "nt"):
        graph = _graph(requests.get(f"{server.url}/catalog.{ext}?page=2", timeout=60))
        graphs.append(
            {
                tuple(str(term).replace(f"/catalog.{ext}?", "/catalog?") for term in triple)
                for triple in graph
            }
        )
    assert len(graphs[0]) > 100
    assert all(graphs[0] == other for other in graphs[1:])


def test_html_is_the_s28_page_and_its_links_resolve_on_the_server(server: Running) -> None:
    """Browsers get the organisation's §28 page (dcatgen.site, unpaged: the harvesters' RDF
    stays paged); its relative links name pages the server answers."""
    html = requests.get(server.url + "/catalog.html", timeout=60).text
    assert "Mynämäen kunta: asiarekisterit ja tietovarannot" in html
    assert 'href="register/kirjastopalvelut.html"' in html
    assert "Kirjastopalveluiden asiarekisteri" in html
    assert html.count('<section class="register"') == 5
    links = set(re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', html))
    assert {"information-request.html", "unit/kasvatus-ja-sivistys.html"} <= links
    for href in sorted(links):
        response = requests.get(urljoin(server.url + "/catalog.html", href), timeout=10)
        assert response.status_code == 200, href


# --- paging ---------------------------------------------------------------------------


def test_hydra_paging_is_complete_and_every_page_valid(server: Running) -> None:
    """Following hydra:next visits 3 pages; each dataset once; each page a valid document."""
    url: str | None = server.url + "/catalog"
    seen: list[str] = []
    pages = 0
    while url:
        response = requests.get(url, timeout=60)
        assert response.status_code == 200
        graph = _graph(response)
        pages += 1
        datasets = sorted(str(d) for d in graph.subjects(RDF.type, DCAT.Dataset))
        seen += datasets
        catalog = URIRef(BASE + "catalog")
        assert sorted(str(d) for d in graph.objects(catalog, DCAT.dataset)) == datasets
        assert graph.value(catalog, URIRef(HYDRA + "totalItems")) == Literal(5)
        views = list(graph.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
        assert len(views) == 1
        assert graph.value(views[0], URIRef(HYDRA + "first")) == URIRef(
            server.url + "/catalog?page=1"
        )
        assert graph.value(views[0], URIRef(HYDRA + "last")) == URIRef(
            server.url + "/catalog?page=3"
        )
        # N-Triples terms (n3() would write a literal holding newlines in Turtle's long form).
        lines = graph.serialize(format="nt").splitlines()
        triples = [_triple(line.rstrip(" .").split(" ", 2)) for line in lines if line]
        report = validate_triples(triples)
        assert report.conforms, report.summary()
        # Every system a page's dataset names is described on that page.
        for system in graph.objects(None, URIRef(DG + "informationSystem")):
            assert (system, RDF.type, URIRef(DG + "InformationSystem")) in graph
        following = graph.value(views[0], URIRef(HYDRA + "next"))
        url = str(following) if following else None
    assert pages == 3
    assert sorted(seen) == sorted(BASE + "register/" + name for name in REGISTERS)


def test_page_out_of_range_and_malformed(server: Running) -> None:
    """page=4 of 3 is 404; page=x is 400."""
    assert requests.get(server.url + "/catalog?page=4", timeout=60).status_code == 404
    assert requests.get(server.url + "/catalog?page=x", timeout=60).status_code == 400
    assert requests.get(server.url + "/catalog?page=0", timeout=60).status_code == 400


# --- dereferencing --------------------------------------------------------------------


def test_every_minted_iri_dereferences(server: Running) -> None:
    """Each IRI minted under the base (hash nodes via their document) describes itself."""
    full = Graph()
    page: str | None = server.url + "/catalog.nt"
    while page:
        graph = _graph(requests.get(page, timeout=60))
        full += graph
        following = next(graph.objects(None, URIRef(HYDRA + "next")), None)
        page = str(following) if following else None
    minted = {
        str(term).split("#", 1)[0]
        for triple in full
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(BASE)
    }
    assert {BASE + "organisation", BASE + "unit/kasvatus-ja-sivistys"} <= minted
    assert BASE + "system/wilma" in minted and len(minted) > 15
    for iri in sorted(minted):
        path = "/" + iri[len(BASE) :]
        response = requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=60)
        assert response.status_code == 200, path
        described = _graph(response)
        assert (URIRef(iri), None, None) in described, path


def test_description_includes_hash_nodes(server: Running) -> None:
    """A register's description holds its data groups (#data-group-N)."""
    graph = _graph(requests.get(server.url + "/register/varhaiskasvatus.ttl", timeout=60))
    register = URIRef(BASE + "register/varhaiskasvatus")
    groups = set(graph.objects(register, URIRef(DG + "dataGroup")))
    assert len(groups) == 7
    for group in groups:
        assert str(group).startswith(str(register) + "#data-group-")
        assert (group, URIRef("http://purl.org/dc/terms/title"), None) in graph
    # It is a description, not the whole catalog: no other register is described.
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {register}


def test_vocabulary_dereferences_with_its_terms(server: Running) -> None:
    """/ns is the vocabulary; its HTML has an anchor per term so /ns#Term lands on it."""
    graph = _graph(requests.get(server.url + "/ns", timeout=60))
    term = URIRef(DG + "PersonalIdentityCode")
    assert (term, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None) in graph
    assert (URIRef("https://w3id.org/dcatgen/ns"), RDF.type, None) in graph
    html = requests.get(server.url + "/ns", headers={"Accept": "text/html"}, timeout=60).text
    assert 'id="PersonalIdentityCode"' in html
    context = requests.get(server.url + "/ns/context.jsonld", timeout=60)
    assert context.headers["Content-Type"].startswith("application/ld+json")
    assert "@context" in context.json()


def test_unknown_path_is_404(server: Running) -> None:
    """Nothing is invented for unknown IRIs."""
    response = requests.get(server.url + "/register/no-such-register", timeout=60)
    assert response.status_code == 404
    assert "/catalog" in response.text


def test_base_option_maps_another_iri_space(tmp_path: Path) -> None:
    """--base https://w3id.org/dcatgen/ puts the data under /id/mynamaki/."""
    with dcatgen_serve(DATA, tmp_path / "log", "--base", "https://w3id.org/dcatgen/") as other:
        response = requests.get(other.url + "/id/mynamaki/register/varhaiskasvatus", timeout=60)
        assert response.status_code == 200
        assert (URIRef(BASE + "register/varhaiskasvatus"), None, None) in _graph(response)
        assert requests.get(other.url + "/id/mynamaki/catalog", timeout=60).status_code == 200
        assert requests.get(other.url + "/catalog", timeout=60).status_code == 200
        assert requests.get(other.url + "/ns", timeout=60).status_code == 200


# --- conditional requests -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/catalog", "/catalog.jsonld?page=2", "/register/varhaiskasvatus"]
)
def test_conditional_get_with_etag(server: Running, path: str) -> None:
    """A second GET with If-None-Match gets 304 and no body."""
    first = requests.get(server.url + path, timeout=60)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    second = requests.get(server.url + path, headers={"If-None-Match": etag}, timeout=60)
    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["ETag"] == etag
    changed = requests.get(server.url + path, headers={"If-None-Match": '"other"'}, timeout=60)
    assert changed.status_code == 200


def test_conditional_get_with_last_modified(server: Running) -> None:
    """If-Modified-Since at (or after) Last-Modified gets 304; earlier gets 200."""
    first = requests.get(server.url + "/catalog", timeout=60)
    stamp = first.headers["Last-Modified"]
    assert (
        requests.get(
            server.url + "/catalog",
            headers={"If-Modified-Since": stamp},
            timeout=60,
        ).status_code
        == 304
    )
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (
        requests.get(
            server.url + "/catalog",
            headers={"If-Modified-Since": old},
            timeout=60,
        ).status_code
        == 200
    )


def test_representations_have_distinct_etags(server: Running) -> None:
    """Turtle and JSON-LD of the same page are different representations."""
    turtle = requests.get(server.url + "/catalog.ttl", timeout=60).headers["ETag"]
    jsonld = requests.get(server.url + "/catalog.jsonld", timeout=60).headers["ETag"]
    assert turtle != jsonld


def test_head_gives_headers_only(server: Running) -> None:
    """HEAD (ckanext-dcat's harvester sends one first) answers like GET without a body."""
    head = requests.head(server.url + "/catalog", timeout=60)
    assert head.status_code == 200
    assert head.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert head.content == b""


# --- SPARQL protocol ------------------------------------------------------------------


def _count(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_sparql_get_post_form_and_post_direct(server: Running) -> None:
    """The three protocol operations give the same answer."""
    url = server.url + "/sparql"
    assert _count(requests.get(url, params={"query": COUNT_DATASETS}, timeout=60)) == 5
    assert _count(requests.post(url, data={"query": COUNT_DATASETS}, timeout=60)) == 5
    direct = requests.post(
        url,
        data=COUNT_DATASETS.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert _count(direct) == 5


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "start"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json", b"{"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml", b"<?xml"),
        ("text/csv", None, "text/csv", b"n\r\n5"),
        ("text/tab-separated-values", None, "text/tab-separated-values", b"?n\n5"),
        (None, "csv", "text/csv", b"n\r\n5"),
        ("text/csv", "tsv", "text/tab-separated-values", b"?n\n5"),
        (None, "xml", "application/sparql-results+xml", b"<?xml"),
    ],
)
def test_sparql_result_formats(
    server: Running, accept: str | None, fmt: str | None, media_type: str, start: bytes
) -> None:
    """JSON, XML, CSV and TSV by Accept or by the format parameter (which wins)."""
    params = {"query": COUNT_DATASETS, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    response = requests.get(server.url + "/sparql", params=params, headers=headers, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response.content.startswith(start)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_sparql_construct_and_describe(server: Running, accept: str) -> None:
    """CONSTRUCT and DESCRIBE answer as Turtle or JSON-LD."""
    wilma = f"<{BASE}system/wilma>"
    for query in (f"CONSTRUCT WHERE {{ {wilma} ?p ?o }}", f"DESCRIBE {wilma}"):
        response = requests.get(
            server.url + "/sparql",
            params={"query": query},
            headers={"Accept": accept},
            timeout=60,
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(accept)
        graph = _graph(response)
        assert (URIRef(BASE + "system/wilma"), RDF.type, URIRef(DG + "InformationSystem")) in graph


def test_sparql_vocabulary_graph(server: Running) -> None:
    """The vocabulary is queryable in its named graph."""
    query = (
        "ASK { GRAPH <https://w3id.org/dcatgen/ns> { "
        "<https://w3id.org/dcatgen/ns#PersonalIdentityCode> ?p ?o } }"
    )
    response = requests.get(server.url + "/sparql", params={"query": query}, timeout=60)
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    "send",
    [
        lambda url: requests.post(url, data={"update": "CLEAR ALL"}, timeout=60),
        lambda url: requests.get(url, params={"update": "CLEAR ALL"}, timeout=60),
        lambda url: requests.post(
            url,
            data=b"CLEAR ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=60,
        ),
        lambda url: requests.post(
            url,
            data={"query": "INSERT DATA { <a:s> <a:p> <a:o> }"},
            timeout=60,
        ),
    ],
    ids=["update-form", "update-get", "update-direct", "update-as-query"],
)
def test_updates_are_refused(server: Running, send: object) -> None:
    """Every way of sending an update gets 403; the data stays."""
    response = send(server.url + "/sparql")  # type: ignore[operator]
    assert response.status_code == 403
    assert "read-only" in response.text
    assert (
        _count(requests.get(server.url + "/sparql", params={"query": COUNT_DATASETS}, timeout=60))
        == 5
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://127.0.0.1:9/>\nSELECT * WHERE { # SERVICE in a comment\n"
        "  SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * {?a ?b ?c .SERVICE <http://127.0.0.1:9/x> {?s ?p ?o}}",
        "SELECT * {?a ?b ?c .SERVICE SILENT <http://127.0.0.1:9/x> {?s ?p ?o}}",
    ],
)
def test_service_is_refused(server: Running, query: str) -> None:
    """Federated queries are refused with 403 before they run."""
    response = requests.get(server.url + "/sparql", params={"query": query}, timeout=60)
    assert response.status_code == 403
    assert "SERVICE" in response.text


def test_service_word_elsewhere_is_not_refused(server: Running) -> None:
    """The word in strings, IRIs, variables and comments is not the keyword."""
    query = (
        "PREFIX service: <http://example.org/service#>\n"
        "SELECT ?service WHERE { # SERVICE <http://x> {}\n"
        '  BIND("SERVICE <http://x> { }" AS ?service) '
        "FILTER(?service != <http://example.org/SERVICE>) }"
    )
    response = requests.get(server.url + "/sparql", params={"query": query}, timeout=60)
    assert response.status_code == 200, response.text


def test_bad_query_gets_400_with_the_parser_message(server: Running) -> None:
    """A syntax error names where it is."""
    response = requests.get(
        server.url + "/sparql",
        params={"query": "SELECT ?x WHERE { ?x ?y }"},
        timeout=60,
    )
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error: error at 1:")


def test_sparql_form_for_browsers(server: Running) -> None:
    """GET /sparql without a query shows a form."""
    response = requests.get(server.url + "/sparql", timeout=60)
    assert response.status_code == 200
    assert "<textarea" in response.text


def test_wrong_content_type_is_415(server: Running) -> None:
    """POST with an unknown body type is refused."""
    response = requests.post(
        server.url + "/sparql",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 415


def test_request_body_over_the_limit_gets_413(server: Running) -> None:
    """Bodies over --max-request-bytes (1 MB by default) are refused, declared or streamed."""
    big = b"#" * 1_100_000
    declared = requests.post(
        server.url + "/sparql",
        data=big,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(11):
            yield b"#" * 100_000

    streamed = requests.post(
        server.url + "/sparql",
        data=chunks(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert streamed.status_code == 413


def test_access_log(server: Running) -> None:
    """Each request is logged with status, size and time."""
    requests.get(server.url + "/catalog.ttl?page=2", timeout=60)
    time.sleep(0.2)
    lines = [line for line in server.output().splitlines() if "dcatgen.access" in line]
    assert any('"GET /catalog.ttl?page=2 HTTP/1.1" 200 ' in line for line in lines)
    assert all(line.rstrip().endswith("ms") for line in lines)


# --- limits and shutdown (servers of their own) --------------------------------------


def test_query_timeout_stops_the_query_and_the_server_goes_on(tmp_path: Path) -> None:
    """A runaway query gets 503 at the limit; its worker is replaced; other queries work."""
    with dcatgen_serve(DATA, tmp_path / "log", "--query-timeout", "0.5", "--workers", "1") as srv:
        # No timing is asserted (machines are noisy): the 503 and the killed count show that
        # the limit, not the query's end, answered.
        response = requests.get(srv.url + "/sparql", params={"query": SLOW_QUERY}, timeout=120)
        assert response.status_code == 503
        assert "time limit" in response.text
        # The replacement worker answers (it may take a moment to start).
        answer = requests.get(srv.url + "/sparql", params={"query": COUNT_DATASETS}, timeout=60)
        assert _count(answer) == 5
        health = requests.get(srv.url + "/health", timeout=60).json()
        assert health["queries_killed"] == 1 and len(health["query_workers"]) == 1


def test_query_memory_limit_stops_the_query_and_the_server_goes_on(tmp_path: Path) -> None:
    """A query that needs more memory than --query-memory gets 503; its worker is replaced.

    The time limit is far away (120 s), so only the memory limit can stop this query: a
    sorted cross product of the seed's triples needs gigabytes.
    """
    heavy = "SELECT ?c { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c LIMIT 1"
    options = ("--query-memory", "64", "--query-timeout", "120", "--workers", "1")
    with dcatgen_serve(DATA, tmp_path / "log", *options) as srv:
        before = requests.get(srv.url + "/health", timeout=60).json()["query_workers"]
        response = requests.get(srv.url + "/sparql", params={"query": heavy}, timeout=150)
        assert response.status_code == 503, response.text
        assert "memory limit" in response.text and "64 MB" in response.text
        answer = requests.get(srv.url + "/sparql", params={"query": COUNT_DATASETS}, timeout=60)
        assert _count(answer) == 5
        after = requests.get(srv.url + "/health", timeout=60).json()["query_workers"]
        assert len(after) == 1 and after != before


def test_deeply_nested_query_is_refused_and_no_worker_dies(server: Running) -> None:
    """3,000 nested groups would crash the engine: 400 before a worker sees it."""
    before = requests.get(server.url + "/health", timeout=60).json()["query_workers"]
    query = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    response = requests.post(server.url + "/sparql", data={"query": query}, timeout=60)
    assert response.status_code == 400
    assert "nests 3000 levels" in response.text
    assert requests.get(server.url + "/health", timeout=60).json()["query_workers"] == before


def test_result_cap(tmp_path: Path) -> None:
    """More solutions than --max-results is refused with 422 and a hint; fewer pass."""
    with dcatgen_serve(DATA, tmp_path / "log", "--max-results", "4", "--workers", "1") as srv:
        url = srv.url + "/sparql"
        five = "PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?d WHERE { ?d a dcat:Dataset }"
        response = requests.get(url, params={"query": five}, timeout=60)
        assert response.status_code == 422
        assert "LIMIT" in response.text
        assert requests.get(url, params={"query": five + " LIMIT 4"}, timeout=60).status_code == 200
        construct = "CONSTRUCT WHERE { ?s ?p ?o }"
        assert requests.get(url, params={"query": construct}, timeout=60).status_code == 422


def test_sigterm_shuts_down_gracefully(tmp_path: Path) -> None:
    """SIGTERM: uvicorn stops, the query workers stop, the exit code is 0."""
    with dcatgen_serve(DATA, tmp_path / "log") as srv:
        workers = requests.get(srv.url + "/health", timeout=60).json()["query_workers"]
        assert len(workers) == 2
        srv.process.send_signal(signal.SIGTERM)
        code = srv.process.wait(timeout=60)
        assert code == 0
        output = srv.output()
        assert "Shutting down" in output and "query workers stopped" in output
        for pid in workers:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text()
            )
        assert stop(srv.process) == 0


def test_store_folder_is_replaced_not_appended(tmp_path: Path) -> None:
    """--store keeps the data on disk; a restart replaces it (workers read it read-only)."""
    store = tmp_path / "store"
    for run in (1, 2):
        with dcatgen_serve(DATA, tmp_path / f"log{run}", "--store", str(store)) as srv:
            query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
            triples = _count(requests.get(srv.url + "/sparql", params=query, timeout=60))
            assert triples == len(make_catalog(DATA).triples)
            assert requests.get(srv.url + "/register/varhaiskasvatus", timeout=60).ok
    assert any(store.iterdir())


def test_several_catalogs(tmp_path: Path) -> None:
    """Two organisations: each catalog at its own path; /catalog lists them (300)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "mynamaki.yaml").write_bytes((DATA / "mynamaki.yaml").read_bytes())
    minimal = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"
    (folder / "minimal.yaml").write_bytes(minimal.read_bytes())
    with dcatgen_serve(folder, tmp_path / "log", "--workers", "1") as srv:
        listing = requests.get(srv.url + "/catalog", timeout=60)
        assert listing.status_code == 300
        paths = ["/example.org/esimerkki/catalog", "/w3id.org/dcatgen/id/mynamaki/catalog"]
        for path in paths:
            assert path in listing.text
            page = requests.get(srv.url + path, timeout=60)
            assert page.status_code == 200
            graph = _graph(page)
            assert len(set(graph.subjects(RDF.type, DCAT.Catalog))) == 1
        index = requests.get(srv.url + "/", timeout=60).text
        assert all(f'href="{path}"' in index for path in paths)


def _triple(parts: list[str]) -> tuple[str, str, str]:
    subject, predicate, obj = parts
    return subject, predicate, obj
