"""`dcatgen serve` against what a hostile or careless client sends: odd paths, half-sent
requests, a busy port; and CORS on every response."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.servers import Running, dcatgen_serve

WAIT_S = 60.0
"""A deadline for waiting on the server (never a claim about its speed)."""


# --- CORS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/catalog", "/register/kirjastopalvelut.jsonld", "/ns", "/sparql?query=ASK%7B%7D", "/nope"],
)
@pytest.mark.parametrize("origin", [None, "https://portal.example"])
def test_every_response_allows_any_origin(served_seed: Running, path: str, origin: str) -> None:
    """Access-Control-Allow-Origin: * whether or not the request sends Origin (a harvester's
    copy in a cache is then usable by a browser app too), errors included; no Vary: Origin,
    since the answer does not depend on it."""
    headers = {"Origin": origin} if origin else {}
    response = requests.get(served_seed.url + path, headers=headers, timeout=WAIT_S)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" not in response.headers.get("Vary", "")
    assert response.raw.headers.getlist("Access-Control-Allow-Origin") == ["*"]


# --- odd paths ------------------------------------------------------------------------------


def _status(server: Running, path: str) -> int:
    """GET a raw path (sent as given, not re-quoted) and return the status."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=WAIT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _tracebacks(server: Running) -> int:
    return server.output().count("Traceback")


@pytest.mark.parametrize("path", ["/%00", "/%ff", "/a%5cb", "/%00.ttl", "/ns/%ff", "/%c3%28"])
def test_undecodable_paths_are_404_without_a_traceback(served_seed: Running, path: str) -> None:
    """Paths that decode to no IRI name nothing: 404, not 500 with a traceback in the log."""
    before = _tracebacks(served_seed)
    assert _status(served_seed, path) == 404
    assert _tracebacks(served_seed) == before


ODD = st.one_of(
    st.binary(max_size=12).map(lambda raw: quote(raw, safe="")),
    st.text(max_size=12).map(lambda text: quote(text, safe="/")),
    st.sampled_from(["%", "%z", "%zz", "..", "//", "\\", "%2f", "%5c", "#", ";", "~", "%25"]),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    parts=st.lists(ODD, min_size=1, max_size=4),
    prefix=st.sampled_from(["/", "/register/", "/ns/", "/catalog", "/sparql/", "/unit/"]),
    suffix=st.sampled_from(["", ".ttl", ".html", ".jsonld", "?page=%ff", "?page=-1", "?%00=1"]),
)
def test_odd_paths_never_give_5xx(
    served_seed: Running, parts: list[str], prefix: str, suffix: str
) -> None:
    """Whatever the path, the server answers below 500 and logs no traceback."""
    before = _tracebacks(served_seed)
    path = prefix + "/".join(parts) + suffix
    path = path.replace("#", "%23")  # a fragment is never sent
    status = _status(served_seed, path)
    assert status < 500, path
    assert _tracebacks(served_seed) == before, path


# --- half-sent requests (slowloris) ---------------------------------------------------------


def test_half_sent_requests_are_closed_and_others_are_served(tmp_path: Path) -> None:
    """Connections that never finish their request head are closed by the server (here after
    --header-timeout 1), while complete requests are answered meanwhile; a request whose answer
    takes longer than the header timeout is not cut."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    options = ("--header-timeout", "1", "--workers", "1", "--query-timeout", "3")
    with dcatgen_serve(DATA, tmp_path / "log", *options) as srv:
        host, port = srv.url.removeprefix("http://").rsplit(":", 1)
        held = []
        for number in range(100):
            sock = socket.create_connection((host, int(port)), timeout=WAIT_S)
            # A request line and part of the headers; never the blank line that ends them.
            sock.sendall(f"GET /catalog HTTP/1.1\r\nHost: x\r\nX-Part: {number}".encode())
            held.append(sock)
        # The server answers others while the half-sent requests are pending.
        assert requests.get(srv.url + "/health", timeout=WAIT_S).status_code == 200
        # An answer that takes longer than the header timeout (the query limit, 3 s) arrives.
        answer = requests.get(srv.url + "/sparql", params={"query": slow}, timeout=WAIT_S)
        assert answer.status_code == 503 and "time limit" in answer.text
        # Every half-sent connection is closed by the server: recv gives b"" (end of stream)
        # before the deadline, or raises if the server dropped it hard.
        closed = 0
        for sock in held:
            try:
                data = sock.recv(1024)
            except ConnectionResetError:
                data = b""
            except TimeoutError:
                data = b"still open"
            closed += data == b""
            sock.close()
        assert closed == len(held)
        assert "no complete request head within 1 s" in srv.output()
        assert requests.get(srv.url + "/health", timeout=WAIT_S).status_code == 200


def test_keep_alive_connection_with_a_half_sent_second_request_is_closed(
    tmp_path: Path,
) -> None:
    """The deadline also runs for the next request on a kept-alive connection (uvicorn's
    keep-alive timeout stops counting once a byte of it arrives)."""
    with dcatgen_serve(DATA, tmp_path / "log", "--header-timeout", "1", "--workers", "1") as srv:
        host, port = srv.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=WAIT_S) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            first = b""
            while b"\r\n\r\n" not in first:
                chunk = sock.recv(4096)
                assert chunk, first
                first += chunk
            head, _, body = first.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(body) < length:
                chunk = sock.recv(4096)
                assert chunk, body
                body += chunk
            sock.sendall(b"GET /health HTTP/1.1\r\nHo")
            rest = b""
            while chunk := sock.recv(4096):
                rest += chunk
            assert rest == b""


# --- a busy port ------------------------------------------------------------------------------


def test_busy_port_is_refused_before_anything_is_announced(tmp_path: Path) -> None:
    """A port another process listens on: exit 2, a message naming the port, no start-up
    lines (they used to say where the catalog was served, then the server failed)."""
    with socket.create_server(("127.0.0.1", 0)) as holder:
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "dcatgen", "serve", str(DATA), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "served at" not in result.stderr and "Traceback" not in result.stderr


def test_port_zero_announces_the_port_it_got(tmp_path: Path) -> None:
    """--port 0 takes a free port, and the start-up lines name that one (not :0)."""
    log = tmp_path / "log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "dcatgen", "serve", str(DATA), "--port", "0", "--workers", "1"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while "catalog     http://" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        line = next(line for line in log.read_text().splitlines() if "catalog     " in line)
        url = line.split()[-1].removesuffix("/catalog")
        assert not url.endswith(":0")
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/health", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert requests.get(url + "/catalog", timeout=WAIT_S).status_code == 200
    finally:
        process.terminate()
        process.wait(WAIT_S)
