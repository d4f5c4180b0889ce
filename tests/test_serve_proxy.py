"""`dcatgen serve` behind a reverse proxy: forwarded headers, --public-url, and real nginx
running the configuration docs/production.md documents; the documented systemd unit."""

from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from dcatgen.server.app import TrustedPeers, public_origin
from tests.conftest import DATA
from tests.servers import (
    NGINX_SITE,
    Running,
    dcatgen_serve,
    free_port,
    nginx_binary,
    nginx_proxy,
    started,
)

ROOT = Path(__file__).resolve().parents[1]
HYDRA_FIRST = URIRef("http://www.w3.org/ns/hydra/core#first")
HYDRA_NEXT = URIRef("http://www.w3.org/ns/hydra/core#next")
UNIT = ROOT / "docs" / "deploy" / "dcatgen@.service"
PRODUCTION = ROOT / "docs" / "production.md"


def _links(response: requests.Response) -> set[str]:
    """The Hydra first and next links of a catalog page."""
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.content, format="turtle")
    return {str(o) for p in (HYDRA_FIRST, HYDRA_NEXT) for o in graph.objects(None, p)}


def _page(url: str, **headers: str) -> set[str]:
    return _links(requests.get(url + "/catalog.ttl", headers=headers, timeout=60))


def _require(what: str, found: object) -> None:
    """Skip naming what is missing; under CI a missing component fails instead."""
    if found:
        return
    message = f"{what} is not installed (.ci/run installs it: apt-get install {what})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# --- forwarded headers, straight to the server ------------------------------------------


def test_forwarded_host_and_proto_from_a_trusted_peer(served_seed: Running) -> None:
    """From 127.0.0.1 (trusted by default) the links use the forwarded scheme and host."""
    links = _page(
        served_seed.url, **{"X-Forwarded-Host": "data.example.fi", "X-Forwarded-Proto": "https"}
    )
    assert links == {
        "https://data.example.fi/catalog.ttl?page=1",
        "https://data.example.fi/catalog.ttl?page=2",
    }
    # Without the headers, the address the client used.
    assert _page(served_seed.url) == {
        f"{served_seed.url}/catalog.ttl?page=1",
        f"{served_seed.url}/catalog.ttl?page=2",
    }


@pytest.mark.parametrize(
    "value",
    ["evil.example/path", "a b", "evil.example:99999999", "user@evil.example", "", "[zz"],
)
def test_malformed_forwarded_host_is_ignored(served_seed: Running, value: str) -> None:
    """A value that is not host[:port] changes nothing (no path or user slips into links)."""
    links = _page(served_seed.url, **{"X-Forwarded-Host": value})
    assert all(link.startswith(served_seed.url + "/") for link in links), links


def test_a_proxy_chain_takes_the_nearest_host_and_the_first_untrusted_client(
    served_seed: Running,
) -> None:
    """X-Forwarded-Host: the last value (written by the trusted peer); X-Forwarded-For: the
    nearest address that is not a trusted proxy, as logged."""
    headers = {
        "X-Forwarded-Host": "spoofed.example, data.example.fi",
        "X-Forwarded-For": "198.51.100.7, 203.0.113.9, 127.0.0.1",
    }
    response = requests.get(served_seed.url + "/catalog.ttl?page=3", headers=headers, timeout=60)
    assert _links(response) == {"http://data.example.fi/catalog.ttl?page=1"}
    deadline = time.monotonic() + 60
    while "203.0.113.9:0" not in served_seed.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = served_seed.output()
    line = next(line for line in log.splitlines() if "203.0.113.9:0 " in line)
    assert '"GET /catalog.ttl?page=3 HTTP/1.1" 200' in line
    assert "198.51.100.7" not in log


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path: Path) -> None:
    """Only --forwarded-allow-ips may set them; --no-proxy-headers turns them off."""
    forwarded = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    for options in (("--forwarded-allow-ips", "192.0.2.1,10.0.0.0/8"), ("--no-proxy-headers",)):
        with dcatgen_serve(DATA, tmp_path / "log", "--workers", "1", *options) as srv:
            assert _page(srv.url, **forwarded) == {f"{srv.url}/catalog.ttl?page=1"}


def test_public_url_fixes_the_links_whatever_the_headers(tmp_path: Path) -> None:
    """--public-url decides scheme and host outright; the start-up lines name it."""
    options = ("--public-url", "https://Data.Example.FI/", "--workers", "1")
    with dcatgen_serve(DATA, tmp_path / "log", *options) as srv:
        for headers in ({}, {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}):
            assert _page(srv.url, **headers) == {"https://data.example.fi/catalog.ttl?page=1"}
        output = srv.output()
        assert "is served at https://Data.Example.FI/" in output
        assert f"listening   {srv.url}/" in output


def test_trusted_peers_and_public_origin() -> None:
    """uvicorn's --forwarded-allow-ips forms; --public-url must be an origin."""
    peers = TrustedPeers("127.0.0.1, 10.0.0.0/8,::1")
    assert "10.2.3.4" in peers and "::1" in peers and "[::1]" in peers
    assert "192.0.2.1" not in peers and None not in peers and "name" not in peers
    assert "192.0.2.1" in TrustedPeers("*")
    with pytest.raises(ValueError, match="not an IP address"):
        TrustedPeers("proxy.local")
    assert public_origin("https://data.example.fi") == ("https", "data.example.fi")
    assert public_origin("http://[::1]:8443/") == ("http", "[::1]:8443")
    for bad in ("data.example.fi", "ftp://x", "https://x/prefix", "https://u@x", "https://x?q"):
        with pytest.raises(ValueError):
            public_origin(bad)


def test_bad_proxy_options_exit_2(tmp_path: Path) -> None:
    """A --public-url with a path, an allow-list entry that is no address: exit 2 at once."""
    for options in (["--public-url", "https://x/prefix"], ["--forwarded-allow-ips", "proxy"]):
        result = subprocess.run(
            [sys.executable, "-m", "dcatgen", "serve", str(DATA), "--port", "0", *options],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "Invalid value for" in result.stderr and "served at" not in result.stderr


# --- a real nginx, as documented ----------------------------------------------------------


def test_behind_nginx_as_documented(served_seed: Running, tmp_path: Path) -> None:
    """nginx running docs/deploy/nginx-dcatgen.conf (less TLS) in front of the server: links
    name nginx's address, answers are compressed, CORS and conditional requests pass through,
    and a client cannot choose the forwarded host nor the address it is logged as."""
    _require("nginx", nginx_binary())
    upstream = int(served_seed.url.rsplit(":", 1)[1])
    with nginx_proxy(upstream, tmp_path / "nginx") as proxy:
        spoof = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.66"}
        response = requests.get(proxy.url + "/catalog.ttl?page=2", headers=spoof, timeout=60)
        assert _links(response) == {
            f"{proxy.url}/catalog.ttl?page=1",
            f"{proxy.url}/catalog.ttl?page=3",
        }
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        # Compressed on the wire (requests would undo it: read the raw bytes).
        raw = requests.get(
            proxy.url + "/catalog.ttl", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
        )
        assert raw.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(raw.raw.read())
        direct = requests.get(served_seed.url + "/catalog.ttl", timeout=60)
        assert len(body) == len(direct.content) and len(Graph().parse(data=body, format="ttl"))
        # nginx weakens the ETag of what it compresses; the server still answers 304.
        etag = raw.headers["ETag"]
        again = requests.get(
            proxy.url + "/catalog.ttl",
            headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
            timeout=60,
        )
        assert again.status_code == 304
        # The SPARQL endpoint through the proxy.
        answer = requests.get(proxy.url + "/sparql", params={"query": "ASK {}"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    log = served_seed.output()
    assert "203.0.113.66" not in log and "evil.example" not in log


def test_production_md_shows_the_tested_files() -> None:
    """docs/production.md quotes the nginx site and the unit exactly as they are tested."""
    text = PRODUCTION.read_text(encoding="utf-8")
    for path in (NGINX_SITE, UNIT):
        assert path.read_text(encoding="utf-8").strip() in text, path.name


# --- the documented systemd unit ------------------------------------------------------------


def _exec_start(port: int) -> list[str]:
    """The unit's ExecStart for instance PORT, with this checkout's program and data."""
    line = next(
        line for line in UNIT.read_text(encoding="utf-8").splitlines() if line.startswith("Exec")
    )
    command = line.split("=", 1)[1].replace("%i", str(port))
    command = command.replace("/srv/dcatgen/venv/bin/dcatgen", shlex.quote(sys.executable))
    words = shlex.split(command.replace("/srv/dcatgen/out", shlex.quote(str(DATA))))
    return [words[0], "-m", "dcatgen", *words[1:]]


def test_systemd_unit_verifies_and_its_command_serves(tmp_path: Path) -> None:
    """systemd-analyze accepts the unit; its ExecStart, run as written, serves the data."""
    analyze = shutil.which("systemd-analyze")
    if analyze is not None:
        unit = tmp_path / "dcatgen@.service"
        text = UNIT.read_text(encoding="utf-8")
        unit.write_text(text.replace("/srv/dcatgen/venv/bin/dcatgen", sys.executable))
        check = subprocess.run(
            [analyze, "verify", f"{unit.parent}/dcatgen@8080.service"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
            cwd=tmp_path,
        )
        problems = [
            line
            for line in (check.stdout + check.stderr).splitlines()
            if re.search(r"dcatgen@", line) and "not executable" not in line
        ]
        assert not problems, problems
    port = free_port()
    with started(_exec_start(port), port, tmp_path / "unit.log", "/health") as running:
        assert _page(running.url) == {"https://data.example.fi/catalog.ttl?page=1"}
