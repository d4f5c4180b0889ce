"""`dcatgen publish` into a real Oxigraph server through the SPARQL Graph Store Protocol."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from dcatgen.build.catalog import make_catalog
from dcatgen.cli import main
from dcatgen.publish.graph_store import (
    ORDER_GRAPH,
    SEQUENCE,
    graph_store_url,
    skolemise,
    update_endpoint,
)
from dcatgen.sparql.store import CatalogSource, parse_rdf_file, quality_graphs, read_source
from tests.conftest import DATA
from tests.servers import Running, oxigraph_serve

GRAPH = "https://w3id.org/dcatgen/graph/mynamaki"
SEED_TRIPLES = len(make_catalog(DATA).triples)


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Running]:
    """An Oxigraph server with an empty store on disk."""
    with oxigraph_serve(tmp_path / "store", tmp_path / "oxigraph.log") as running:
        yield running


def _select(server: Running, query: str) -> list[dict[str, dict[str, str]]]:
    """The bindings of a SELECT query to the store."""
    response = requests.post(
        server.url + "/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    bindings: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return bindings


def _count(server: Running, graph: str = GRAPH) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(_select(server, query)[0]["n"]["value"])


def _publish(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["publish", *args])
    return result.exit_code, result.output


def test_publish_twice_leaves_the_same_triples(oxigraph: Running) -> None:
    """Staged or by one PUT, the graph is replaced: no run duplicates anything."""
    store = oxigraph.url + "/store"
    code, output = _publish("--to", store, "--graph", GRAPH, str(DATA))
    assert code == 0, output
    assert f"replaced graph <{GRAPH}> with {SEED_TRIPLES} triples (staged, then moved" in output
    assert _count(oxigraph) == SEED_TRIPLES
    code, output = _publish("--to", store, "--graph", GRAPH, str(DATA))
    assert code == 0, output
    assert _count(oxigraph) == SEED_TRIPLES
    code, output = _publish("--to", store, "--no-staging", "--graph", GRAPH, str(DATA))
    assert code == 0, output
    assert f"replaced graph <{GRAPH}> with {SEED_TRIPLES} triples (HTTP 204)" in output
    assert _count(oxigraph) == SEED_TRIPLES
    # Only that graph was touched.
    everything = requests.post(
        oxigraph.url + "/query",
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    assert everything["results"]["bindings"][0]["n"]["value"] == "0"


def test_publish_an_out_folder_and_the_vocabulary(oxigraph: Running, tmp_path: Path) -> None:
    """A build's out/ folder and ontology/dcatgen.ttl publish as they are."""
    from dcatgen.build.pipeline import build

    out = tmp_path / "out"
    build(DATA, out)
    store = oxigraph.url + "/store"
    assert _publish("--to", store, "--graph", GRAPH, str(out))[0] == 0
    assert _count(oxigraph) == SEED_TRIPLES
    vocabulary = "https://w3id.org/dcatgen/ns"
    ontology = Path(__file__).resolve().parents[1] / "ontology" / "dcatgen.ttl"
    assert _publish("--to", store, "--graph", vocabulary, str(ontology))[0] == 0
    assert _count(oxigraph, vocabulary) == len(parse_rdf_file(ontology))


QUALITY = "https://w3id.org/dcatgen/id/mynamaki/quality"


@pytest.mark.parametrize("built", [False, True], ids=["yaml", "out"])
def test_the_quality_graph_is_published_beside_the_catalog(
    oxigraph: Running, tmp_path: Path, built: bool
) -> None:
    """The organisation's quality measurements go to their own graph ({base}quality), as
    `serve` loads them: missing-s28-items then answers from the store; --no-quality leaves
    them out."""
    from dcatgen.build.pipeline import build

    source = DATA
    if built:
        source = tmp_path / "out"
        build(DATA, source, site=False)
    store = oxigraph.url + "/store"
    code, output = _publish("--to", store, "--graph", GRAPH, str(source))
    assert code == 0, output
    expected = quality_graphs(read_source(source))
    assert [name for name, _ in expected] == [QUALITY]
    assert f"replaced graph <{QUALITY}> with {len(expected[0][1])} triples" in output
    assert _count(oxigraph, QUALITY) == len(expected[0][1])
    query = (
        Path(__file__).resolve().parents[1] / "examples/queries/missing-s28-items.rq"
    ).read_text(encoding="utf-8")
    rows = {(b["register"]["value"], b["item"]["value"]) for b in _select(oxigraph, query)}
    assert len(rows) == 5 and {item for _, item in rows} <= {"1", "2", "3", "4", "5"}
    code, output = _publish("--to", store, "--no-quality", "--graph", GRAPH, str(source))
    assert code == 0 and "quality" not in output, output


def test_one_graph_per_catalog(oxigraph: Running, tmp_path: Path) -> None:
    """--graph-per-catalog: each catalog of a per-description build in its own graph, named by
    its IRI; again, nothing is duplicated; a summary line past nine catalogs."""
    from benchmarks.generate import generate

    from dcatgen.build.pipeline import PER_DESCRIPTION, build
    from dcatgen.sparql.store import indexed_catalogs

    data = tmp_path / "data"
    generate(22, data, organisations=11)
    out = tmp_path / "out"
    build(data, out, force=True, layout=PER_DESCRIPTION)
    catalogs = indexed_catalogs(out)
    assert catalogs is not None and len(catalogs) == 11
    store = oxigraph.url + "/store"
    for _ in range(2):
        code, output = _publish("--to", store, "--graph-per-catalog", str(out))
        assert code == 0, output
        total = sum(len(parse_rdf_file(path)) for _, path in catalogs)
        quality = [graph for _, path in catalogs for graph in quality_graphs(CatalogSource([path]))]
        assert len(quality) == 11
        assert (
            f"replaced 11 graphs, one per catalog, with {total:,} triples, and 11 quality "
            f"graphs with {sum(len(triples) for _, triples in quality):,} triples in "
        ) in output
        for iri, path in catalogs:
            assert _count(oxigraph, iri) == len(parse_rdf_file(path)), iri
        for name, triples in quality:
            assert name.endswith("/quality") and _count(oxigraph, name) == len(triples), name

    # A failure part way says how far it got.
    index = out / "index.json"
    document = json.loads(index.read_text(encoding="utf-8"))
    document["catalogs"][2]["catalog"] = "not-an-iri"
    index.write_text(json.dumps(document), encoding="utf-8")
    code, output = _publish("--to", store, "--graph-per-catalog", str(out))
    assert code == 1 and "2 of 11 catalogs were published before" in output

    # A broken catalog file part way: its line, and how far publishing got.
    document["catalogs"][2]["catalog"] = catalogs[2][0]
    index.write_text(json.dumps(document), encoding="utf-8")
    catalogs[4][1].write_text("<https://example.org/s> oops .\n", encoding="utf-8")
    code, output = _publish("--to", store, "--graph-per-catalog", str(out))
    assert code == 2
    assert f"{catalogs[4][1]}:1:" in output and "4 of 11 catalogs were published before" in output

    # A folder without an index, or both ways of naming graphs: refused before any request.
    code, output = _publish("--to", store, "--graph-per-catalog", str(DATA))
    assert code == 2 and "built with --layout per-description" in output
    code, output = _publish("--to", store, "--graph", GRAPH, "--graph-per-catalog", str(out))
    assert code == 2 and "not both" in output


BLANK_NODES = """@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
<https://example.org/catalog> a dcat:Catalog ;
    dct:publisher [ dct:title "A" ; dct:spatial [ dct:title "B" ] ] ;
    dct:creator [ dct:title "C" ] .
"""


def test_blank_nodes_are_skolemised_stably(oxigraph: Running, tmp_path: Path) -> None:
    """Blank nodes become the same /.well-known/genid/ IRIs on every run: no duplicates."""
    source = tmp_path / "blank.ttl"
    source.write_text(BLANK_NODES, encoding="utf-8")
    store = oxigraph.url + "/store"
    code, output = _publish("--to", store, "--graph", GRAPH, str(source))
    assert code == 0, output
    assert "3 blank nodes skolemised" in output
    assert _publish("--to", store, "--graph", GRAPH, str(source))[0] == 0
    assert _count(oxigraph) == 7
    first, _ = skolemise(parse_rdf_file(source), GRAPH)
    second, _ = skolemise(parse_rdf_file(source), GRAPH)
    assert {str(t) for t in first} == {str(t) for t in second}
    assert all("_:" not in str(t) for t in first)
    assert any("https://w3id.org/.well-known/genid/dcatgen/" in str(t) for t in first)


def test_http_errors_are_explained(oxigraph: Running) -> None:
    """A wrong path names the endpoints of the usual stores; no server says so plainly."""
    code, output = _publish("--to", oxigraph.url + "/nope", "--graph", GRAPH, str(DATA))
    assert code == 1
    assert "no SPARQL Graph Store at" in output and "/store (Oxigraph)" in output
    code, output = _publish("--to", "http://127.0.0.1:9/store", "--graph", GRAPH, str(DATA))
    assert code == 1
    assert "cannot connect to http://127.0.0.1:9/store" in output


def test_a_store_that_does_not_answer_in_time_is_named_as_too_slow() -> None:
    """A listener on loopback that never reads nor answers: the message says too slow, not
    'cannot connect', gives the size and the way out."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}/store"
        code, output = _publish("--to", url, "--graph", GRAPH, "--timeout", "1", str(DATA))
    assert code == 1
    assert f"{url} did not take the graph (" in output and "MB of Turtle) within 1 s" in output
    assert "--graph-per-catalog" in output
    assert "cannot connect" not in output


def test_a_send_cut_off_by_a_timeout_counts_as_too_slow() -> None:
    """How requests reports a store that stopped reading a large body mid-send."""
    from urllib3.exceptions import ProtocolError

    from dcatgen.publish.graph_store import _timed_out

    cut = requests.ConnectionError(ProtocolError("Connection aborted.", TimeoutError("timed out")))
    refused = requests.ConnectionError(ProtocolError("x", ConnectionRefusedError(111, "refused")))
    assert _timed_out(cut) and not _timed_out(refused)


def test_bad_options_are_refused() -> None:
    """A relative graph IRI, a missing password variable: clear errors before any request."""
    code, output = _publish("--to", "http://127.0.0.1:9/store", "--graph", "g", str(DATA))
    assert code == 1 and "absolute IRI" in output
    code, output = _publish(
        "--to",
        "http://127.0.0.1:9/store",
        "--graph",
        GRAPH,
        "--user",
        "u",
        "--password-env",
        "DCATGEN_TEST_UNSET_VARIABLE",
        str(DATA),
    )
    assert code == 2 and "DCATGEN_TEST_UNSET_VARIABLE is not set" in output


def test_graph_store_url() -> None:
    """The graph IRI is percent-encoded into ?graph= (or &graph=)."""
    assert graph_store_url("http://h/store", "https://g/x#y") == (
        "http://h/store?graph=https%3A%2F%2Fg%2Fx%23y"
    )
    assert graph_store_url("http://h/crud?a=1", "urn:g").endswith("?a=1&graph=urn%3Ag")


def test_allow_service_federates_to_another_store(oxigraph: Running, tmp_path: Path) -> None:
    """With --allow-service, SERVICE reaches another endpoint (here the Oxigraph server)."""
    from tests.servers import dcatgen_serve

    assert _publish("--to", oxigraph.url + "/store", "--graph", GRAPH, str(DATA))[0] == 0
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{oxigraph.url}/query> "
        f"{{ GRAPH <{GRAPH}> {{ ?s a <http://www.w3.org/ns/dcat#Dataset> }} }} }}"
    )
    with dcatgen_serve(DATA, tmp_path / "serve.log", "--allow-service", "--workers", "1") as srv:
        response = requests.get(srv.url + "/sparql", params={"query": query}, timeout=60)
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "5"


def test_update_endpoint_of_known_stores() -> None:
    """Staging needs the store's update endpoint: found beside the usual Graph Store paths."""
    assert update_endpoint("http://h:7878/store") == "http://h:7878/update"
    assert update_endpoint("http://h:3030/ds/data") == "http://h:3030/ds/update"
    assert update_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql-auth"
    assert update_endpoint("http://h:8890/sparql-graph-crud") == "http://h:8890/sparql"
    assert update_endpoint("http://h/gsp") is None


# --- what a store or a kill can do to a write --------------------------------------------------


class _Redirect:
    """A loopback HTTP server that answers every request 307 to another address."""

    def __init__(self, location: str) -> None:
        import http.server

        target = location

        class Handler(http.server.BaseHTTPRequestHandler):
            def _redirect(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(307)
                self.send_header("Location", target + self.path[self.path.index("/store") + 6 :])
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PUT = do_POST = do_HEAD = do_DELETE = _redirect

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("staging", [(), ("--no-staging",)], ids=["staged", "direct"])
def test_writes_never_follow_a_redirect(oxigraph: Running, staging: tuple[str, ...]) -> None:
    """A store answering 307 to another endpoint: refused and reported with the target;
    nothing reaches the other endpoint (requests would send the body on and report success)."""
    redirect = _Redirect(oxigraph.url + "/store")
    try:
        code, output = _publish(
            "--to", redirect.url + "/store", *staging, "--graph", GRAPH, str(DATA)
        )
    finally:
        redirect.close()
    assert code == 1, output
    assert "HTTP 307" in output and f"redirects to {oxigraph.url}/store?graph=" in output
    assert "replaced graph" not in output
    everything = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = requests.post(
        oxigraph.url + "/query",
        data={"query": everything},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    assert answer["results"]["bindings"][0]["n"]["value"] == "0"


class _HeldRequest:
    """Takes one HTTP request from a client and forwards it to the store only when told.

    It stands for the socket buffers between a publisher and a store: bytes the publisher
    wrote before it was killed still reach the store, later, as the store reads them.
    ``keep`` is how many bytes of the body reach the store (None: all of it).
    """

    def __init__(self, store_port: int, keep: int | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.store_port = store_port
        self.keep = keep
        self.held = b""
        self.taken = threading.Event()
        threading.Thread(target=self._take, daemon=True).start()

    def _take(self) -> None:
        connection, _ = self.listener.accept()
        self.client = connection
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += connection.recv(65536)
        kept = body if self.keep is None else body[: self.keep]
        self.held = head + b"\r\n\r\n" + kept
        self.taken.set()

    def release(
        self, answer_client: bool = False, meanwhile: Callable[[], object] | None = None
    ) -> bytes:
        """Send what was held to the store, end the stream, and return the store's answer
        (also to the client that sent the request, with ``answer_client``, after running
        ``meanwhile``)."""
        with socket.create_connection(("127.0.0.1", self.store_port), timeout=120) as store:
            store.sendall(self.held)
            store.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := store.recv(65536):
                answer += chunk
        if meanwhile is not None:
            meanwhile()
        if answer_client:
            self.client.sendall(answer)
            self.client.close()
            # Later requests of the same client (a second move) pass straight through.
            threading.Thread(target=self._forward, daemon=True).start()
        else:
            self.listener.close()
        return answer

    def _forward(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                store = socket.create_connection(("127.0.0.1", self.store_port), timeout=120)
                for source, target in ((client, store), (store, client)):
                    threading.Thread(target=_pipe, args=(source, target), daemon=True).start()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes one way until the source ends its stream."""
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            target.sendall(chunk)
        target.shutdown(socket.SHUT_WR)


def _killed_publish(held: _HeldRequest, *options: str) -> None:
    """`dcatgen publish DATA` through the holding relay, killed once its request is held."""
    command = [sys.executable, "-m", "dcatgen", "publish"]
    options = options or ("--to", held.url + "/store")
    publisher = subprocess.Popen(
        [*command, *options, "--graph", GRAPH, str(DATA)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert held.taken.wait(120), "the publisher never sent its graph"
    finally:
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(60)


def _total(server: Running) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return int(_select(server, query)[0]["n"]["value"])


LATER = '<https://example.org/later> <https://example.org/p> "published later" .\n'


def _publish_later(server: Running, folder: Path, *options: str) -> Path:
    """Publish a one-triple graph (LATER) over GRAPH, as a newer publish; return its file."""
    later = folder / "later.nt"
    later.write_text(LATER, encoding="utf-8")
    code, output = _publish("--to", server.url + "/store", *options, "--graph", GRAPH, str(later))
    assert code == 0, output
    return later


def test_a_killed_publish_never_lands_over_a_later_one(oxigraph: Running, tmp_path: Path) -> None:
    """A publisher is killed after writing its whole request; a newer publish is made; then
    the store reads the killed one's request: the newer graph stays (a direct PUT was
    committed over it), and the next publish clears the staging graph it left."""
    port = int(oxigraph.url.rsplit(":", 1)[1])
    held = _HeldRequest(port)
    _killed_publish(held)
    later = _publish_later(oxigraph, tmp_path)
    answer = held.release()
    assert answer.startswith(b"HTTP/1.1 2"), answer  # the store did take the killed request
    assert _count(oxigraph) == 1
    # Its staging graph is there, holding the killed publish's triples (beside the graph
    # and the order graph's one triple) ...
    assert _total(oxigraph) == 2 + SEED_TRIPLES
    # ... until the next publish of the graph.
    assert _publish("--to", oxigraph.url + "/store", "--graph", GRAPH, str(later))[0] == 0
    assert _count(oxigraph) == 1 and _total(oxigraph) == 2


def test_a_publish_killed_after_sending_its_move_never_lands_over_a_later_one(
    oxigraph: Running, tmp_path: Path
) -> None:
    """The killed publisher had seen its staging graph taken and had sent the update that
    moves it into place; the store applies that update only after a newer publish (as a busy
    store did in benchmarks/reliability_serve.py): it changes nothing, the newer graph stays."""
    port = int(oxigraph.url.rsplit(":", 1)[1])
    held = _HeldRequest(port)  # holds the update; the staging PUT goes straight to the store
    _killed_publish(held, "--to", oxigraph.url + "/store", "--update", held.url + "/update")
    assert b"publish-sequence" in held.held and b"POST /update" in held.held
    _publish_later(oxigraph, tmp_path)
    answer = held.release()
    assert answer.startswith(b"HTTP/1.1 2"), answer  # the store did apply the late update
    assert _count(oxigraph) == 1
    # Besides the graph, only the order graph's one triple: no staging graph is left.
    assert _count(oxigraph, ORDER_GRAPH) == 1
    assert _total(oxigraph) == 2


def test_a_publish_overtaken_by_a_newer_one_says_so(oxigraph: Running, tmp_path: Path) -> None:
    """A publisher whose update reaches the store after a newer publish's is told that its
    graph did not replace the newer one, and exits 1."""
    port = int(oxigraph.url.rsplit(":", 1)[1])
    held = _HeldRequest(port)
    command = [sys.executable, "-m", "dcatgen", "publish", "--to", oxigraph.url + "/store"]
    older = subprocess.Popen(
        [*command, "--update", held.url + "/update", "--graph", GRAPH, str(DATA)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert held.taken.wait(120), "the publisher never sent its update"
        _publish_later(oxigraph, tmp_path)
        held.release(answer_client=True)
        output, _ = older.communicate(timeout=120)
    finally:
        older.kill()
    text = output.decode("utf-8")
    assert older.returncode == 1, text
    assert "a newer publish of <" + GRAPH + "> (started " in text
    assert "this one changed nothing: the newer graph stands" in text
    assert _count(oxigraph) == 1


def test_an_older_publish_leaves_the_staging_graph_of_a_newer_one(
    oxigraph: Running, tmp_path: Path
) -> None:
    """Two publishes overlap: the older one's move lands while the newer one's graph waits in
    its staging graph; the older move must not empty that staging graph, or the newer move
    would then empty the graph itself."""
    port = int(oxigraph.url.rsplit(":", 1)[1])
    command = [sys.executable, "-m", "dcatgen", "publish", "--to", oxigraph.url + "/store"]
    later = tmp_path / "later.nt"
    later.write_text(LATER, encoding="utf-8")
    command += ["--no-quality", "--graph", GRAPH]
    relays = [_HeldRequest(port), _HeldRequest(port)]
    publishers = []
    try:
        for relay, source in zip(relays, (DATA, later), strict=True):  # older, then newer
            publishers.append(
                subprocess.Popen(
                    [*command, "--update", f"{relay.url}/update", str(source)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
            assert relay.taken.wait(120), "a publisher never sent its update"
        outputs = []
        for relay, publisher in zip(relays, publishers, strict=True):
            relay.release(answer_client=True)
            outputs.append(publisher.communicate(timeout=120)[0].decode("utf-8"))
    finally:
        for publisher in publishers:
            publisher.kill()
    assert [p.returncode for p in publishers] == [0, 0], outputs
    assert _count(oxigraph) == 1  # the newer graph, whole
    assert _total(oxigraph) == 2  # and the order graph's triple: no staging graph left


def test_an_older_move_committed_beside_a_newer_one_is_moved_over_again(
    oxigraph: Running, tmp_path: Path
) -> None:
    """Oxigraph does not isolate two concurrent updates from each other: an older publish's
    move can be committed side by side with a newer one's (both sequence numbers recorded,
    its triples in the graph: seen in benchmarks/reliability_serve.py). The newer publisher
    sees the second number when it checks, and moves its graph in again."""
    port = int(oxigraph.url.rsplit(":", 1)[1])
    held = _HeldRequest(port)
    older = 1_000_000_000_000_000_000  # 2001: any number below the publish's own
    side_by_side = (
        f"INSERT DATA {{ GRAPH <{ORDER_GRAPH}> {{ <{GRAPH}> <{SEQUENCE}> {older} }} "
        f"GRAPH <{GRAPH}> {{ <https://example.org/older> <https://example.org/p> 1 }} }}"
    )
    command = [sys.executable, "-m", "dcatgen", "publish", "--to", oxigraph.url + "/store"]
    command += ["--no-quality", "--update", held.url + "/update", "--graph", GRAPH]
    newer = subprocess.Popen(
        [*command, str(DATA)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert held.taken.wait(120), "the publisher never sent its update"

        def committed_beside() -> None:
            response = requests.post(
                oxigraph.url + "/update", data={"update": side_by_side}, timeout=60
            )
            assert response.status_code in (200, 204), response.text

        held.release(answer_client=True, meanwhile=committed_beside)
        output = newer.communicate(timeout=120)[0].decode("utf-8")
    finally:
        newer.kill()
    assert newer.returncode == 0, output
    assert "moved into place 2 times, an older publish's move having been committed" in output
    assert _count(oxigraph) == SEED_TRIPLES  # the older triple is gone
    assert _count(oxigraph, ORDER_GRAPH) == 1


def test_publishes_in_order_replace_each_other(oxigraph: Running, tmp_path: Path) -> None:
    """The order graph holds one number per graph, the latest publish's."""
    store = oxigraph.url + "/store"
    later = tmp_path / "later.nt"
    later.write_text(LATER, encoding="utf-8")
    for source, triples in ((DATA, SEED_TRIPLES), (later, 1), (DATA, SEED_TRIPLES)):
        code, output = _publish("--to", store, "--no-quality", "--graph", GRAPH, str(source))
        assert code == 0, output
        assert _count(oxigraph) == triples
        assert _count(oxigraph, ORDER_GRAPH) == 1
    assert _total(oxigraph) == SEED_TRIPLES + 1


def test_a_publish_killed_during_its_upload_leaves_the_graph_as_it_was(
    oxigraph: Running,
) -> None:
    """Part of the body reaches the store, then the stream ends: the store refuses the
    request and the graph keeps its triples (as it did with a direct PUT: this guards the
    staged path, whose staging graph is created before its body is read)."""
    store = oxigraph.url + "/store"
    assert _publish("--to", store, "--graph", GRAPH, str(DATA))[0] == 0
    held = _HeldRequest(int(oxigraph.url.rsplit(":", 1)[1]), keep=10_000)
    _killed_publish(held)
    answer = held.release()
    assert not answer.startswith(b"HTTP/1.1 2"), answer  # the store refused the cut body
    assert _count(oxigraph) == SEED_TRIPLES
