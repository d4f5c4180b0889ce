"""Reliability figures for `dcatgen serve` and `dcatgen publish` (issue 16), loopback only.

Functions that benchmarks/reliability.py calls; each starts its own servers on 127.0.0.1 as
child processes, is bounded in requests and in seconds, stops what it started, and returns
figures (it asserts nothing about speed):

- ``load_run``: client threads against a real `dcatgen serve` (catalog pages, descriptions,
  conditional GETs, SPARQL, odd paths): requests/s, p50/p99, errors (any 5xx, refused or
  broken connection), tracebacks in the server's log, memory of the server and its workers
  before and after.
- ``half_open_run``: connections that send part of a request head and stop (slowloris):
  how many the server closed within a deadline, and whether it answered others meanwhile.
- ``publish_kill_run``: `dcatgen publish` into a real Oxigraph, killed (SIGKILL) at a random
  moment, and a newer publish made straight after: how often the newer graph stayed, how
  often the killed one landed over it (alone, or added to it), empty graphs, and staging
  triples left at the end.

    python benchmarks/reliability_serve.py                  # every run, small sizes
    python benchmarks/reliability_serve.py --registers 2000 --seconds 30 --kills 25
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

from dcatgen.publish.graph_store import STAGING_PREFIX

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import Running, dcatgen_serve, oxigraph_serve  # noqa: E402

from benchmarks.serve_bench import synthetic  # noqa: E402

DATA = ROOT / "data"
GRAPH = "https://w3id.org/dcatgen/graph/reliability"
QUERY = (
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> "
    "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; <http://purl.org/dc/terms/title> ?t } LIMIT 50"
)
ODD_PATHS = ("/%00", "/%ff", "/a%5cb", "/register/%c3%28", "/ns/%zz", "/..%2f..%2fetc/passwd")


def rss_of_tree(root: int) -> int:
    """Resident bytes of a process and all its descendants (the server and its workers)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry.name}/statm", "rb") as statm:
                resident = int(statm.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = resident
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@contextlib.contextmanager
def served(registers: int, folder: Path, *options: str) -> Iterator[Running]:
    """`dcatgen serve` of the seed (registers 0) or of a synthetic build of N registers."""
    data = DATA if registers <= 0 else synthetic(registers, folder)
    with dcatgen_serve(data, folder / "serve.log", *options) as running:
        yield running


@dataclass
class LoadFigures:
    """What a load run measured."""

    registers: int
    clients: int
    requests: int = 0
    seconds: float = 0.0
    requests_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    tracebacks: int = 0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0


def load_run(
    registers: int = 0, clients: int = 8, max_requests: int = 4000, max_seconds: float = 20.0
) -> LoadFigures:
    """`clients` threads send a mix of requests until `max_requests` or `max_seconds`."""
    figures = LoadFigures(registers, clients)
    with (
        tempfile.TemporaryDirectory(prefix="reliability-serve-") as temp,
        served(registers, Path(temp)) as server,
    ):
        pages = _pages(server)
        registers_paths = _described(server)
        mix: list[tuple[str, dict[str, str]]] = [
            *((page, {}) for page in pages),
            *((page, {"Accept": "application/ld+json"}) for page in pages[:3]),
            *((path, {}) for path in registers_paths[:20]),
            ("/sparql?" + urlencode({"query": QUERY}), {}),
            *((path, {}) for path in ODD_PATHS),
        ]
        etag = requests.get(server.url + pages[0], timeout=60).headers["ETag"]
        mix.append((pages[0], {"If-None-Match": etag}))
        figures.rss_before_mb = rss_of_tree(server.process.pid) / 2**20
        latencies: list[float] = []
        lock = threading.Lock()
        deadline = time.monotonic() + max_seconds
        counter = iter(range(max_requests))

        def client(number: int) -> None:
            chooser = random.Random(number)
            session = requests.Session()
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                path, headers = chooser.choice(mix)
                started = time.perf_counter()
                try:
                    response = session.get(server.url + path, headers=headers, timeout=60)
                    status = str(response.status_code)
                    failed = response.status_code >= 500
                except requests.RequestException as problem:
                    status, failed = type(problem).__name__, True
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    figures.statuses[status] = figures.statuses.get(status, 0) + 1
                    figures.errors += failed

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures.seconds = time.perf_counter() - started
        figures.rss_after_mb = rss_of_tree(server.process.pid) / 2**20
        figures.tracebacks = server.output().count("Traceback")
    figures.requests = len(latencies)
    figures.requests_per_s = figures.requests / figures.seconds if figures.seconds else 0.0
    figures.p50_ms = percentile(latencies, 0.50) * 1000
    figures.p99_ms = percentile(latencies, 0.99) * 1000
    return figures


def _pages(server: Running) -> list[str]:
    """The catalog's page paths (following hydra:next from /catalog.ttl)."""
    from rdflib import Graph, URIRef

    following = URIRef("http://www.w3.org/ns/hydra/core#next")
    paths: list[str] = []
    url = server.url + "/catalog.ttl"
    while url and len(paths) < 50:
        paths.append(url.removeprefix(server.url))
        graph = Graph().parse(data=requests.get(url, timeout=60).content, format="turtle")
        url = next((str(o) for o in graph.objects(None, following)), "")
    return paths


def _described(server: Running) -> list[str]:
    """Paths of some registers' descriptions (from SPARQL)."""
    answer = requests.get(
        server.url + "/sparql",
        params={"query": QUERY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    base = requests.get(server.url + "/health", timeout=60).json()["base"]
    iris = [row["d"]["value"] for row in answer["results"]["bindings"]]
    return ["/" + iri.removeprefix(base) for iri in iris if iri.startswith(base)]


@dataclass
class HalfOpenFigures:
    """What a half-open (slowloris) run measured."""

    connections: int
    header_timeout: float
    closed_by_server: int = 0
    still_open_at_deadline: int = 0
    answered_meanwhile: int = 0
    seconds_to_close_all: float = 0.0


def half_open_run(
    connections: int = 800, header_timeout: float = 2.0, deadline_s: float = 60.0
) -> HalfOpenFigures:
    """Open `connections` sockets that each send part of a request head, then wait."""
    figures = HalfOpenFigures(connections, header_timeout)
    with tempfile.TemporaryDirectory(prefix="reliability-slowloris-") as temp:
        options = ("--header-timeout", str(header_timeout), "--workers", "1")
        with served(0, Path(temp), *options) as server:
            host, port = server.url.removeprefix("http://").rsplit(":", 1)
            held = []
            started = time.monotonic()
            for number in range(connections):
                try:
                    sock = socket.create_connection((host, int(port)), timeout=10)
                    sock.sendall(f"GET /catalog HTTP/1.1\r\nHost: x\r\nX-N: {number}".encode())
                    sock.setblocking(False)
                    held.append(sock)
                except OSError:
                    break
            for _ in range(5):
                with contextlib.suppress(requests.RequestException):
                    ok = requests.get(server.url + "/health", timeout=10).status_code == 200
                    figures.answered_meanwhile += ok
            open_ = set(range(len(held)))
            end = started + deadline_s
            while open_ and time.monotonic() < end:
                for index in list(open_):
                    try:
                        if held[index].recv(1024) == b"":
                            open_.discard(index)
                    except BlockingIOError:
                        continue
                    except OSError:
                        open_.discard(index)
                time.sleep(0.05)
            figures.seconds_to_close_all = time.monotonic() - started if not open_ else -1.0
            figures.closed_by_server = len(held) - len(open_)
            figures.still_open_at_deadline = len(open_)
            for sock in held:
                sock.close()
    return figures


@dataclass
class PublishKillFigures:
    """What a kill-during-publish run measured."""

    kills: int
    triples: int
    staged: bool
    newer_kept: int = 0
    killed_landed_over_newer: int = 0
    empty: int = 0
    newer_failed: int = 0
    failures: list[str] = field(default_factory=list)
    staging_triples_left: int = 0
    publish_seconds: float = 0.0


def _count(store: Running, where: str) -> int:
    response = requests.post(
        store.url + "/query",
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _settled(store: Running, where: str, deadline_s: float = 30.0) -> int:
    """The count once it stops changing (a killed request may still be read by the store)."""
    last, end = -1, time.monotonic() + deadline_s
    while time.monotonic() < end:
        now = _count(store, where)
        if now == last:
            return now
        last = now
        time.sleep(1.0)
    return last


def _built(registers: int, folder: Path) -> Path:
    """An out/ folder with catalog.nt: the seed (registers 0) or N synthetic registers."""
    if registers > 0:
        return synthetic(registers, folder)
    from dcatgen.build.catalog import make_catalog
    from dcatgen.rdf.formats import Format
    from dcatgen.rdf.serialize import write_all

    out = folder / "out"
    out.mkdir()
    write_all(make_catalog(DATA).triples, out, formats=[Format.N_TRIPLES])
    return out


def publish_kill_run(
    kills: int = 10, registers: int = 2000, staged: bool = True
) -> PublishKillFigures:
    """Kill a publish of a large graph at a random moment, publish a one-triple graph at
    once, let the store settle, and look at what the graph holds."""
    rng = random.Random(16)
    with tempfile.TemporaryDirectory(prefix="reliability-publish-") as temp:
        folder = Path(temp)
        large = _built(registers, folder) / "catalog.nt"
        small = folder / "newer.nt"
        small.write_text('<https://example.org/newer> <https://example.org/p> "newer" .\n')
        triples = sum(1 for line in large.open(encoding="utf-8") if line.strip())
        figures = PublishKillFigures(kills, triples, staged)
        with oxigraph_serve(folder / "store", folder / "oxigraph.log") as store:
            base = [sys.executable, "-m", "dcatgen", "publish", "--to", store.url + "/store"]
            base += [] if staged else ["--no-staging"]
            base += ["--graph", GRAPH]
            started = time.perf_counter()
            subprocess.run([*base, str(large)], check=True, capture_output=True, timeout=600)
            figures.publish_seconds = time.perf_counter() - started
            for _ in range(kills):
                killed = subprocess.Popen(
                    [*base, str(large)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                time.sleep(rng.uniform(0.2, max(0.3, figures.publish_seconds)))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(killed.pid, signal.SIGKILL)
                killed.wait(60)
                newer = subprocess.run([*base, str(small)], capture_output=True, timeout=600)
                if newer.returncode != 0:
                    figures.newer_failed += 1
                    figures.failures.append(newer.stderr.decode("utf-8", "replace").strip())
                held = _settled(store, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}")
                if held == 1:
                    figures.newer_kept += 1
                elif held > 1:  # the killed publish's triples, alone or added to the newer one
                    figures.killed_landed_over_newer += 1
                else:
                    figures.empty += 1
            final = subprocess.run([*base, str(small)], capture_output=True, timeout=600)
            if final.returncode != 0:
                figures.newer_failed += 1
                figures.failures.append(final.stderr.decode("utf-8", "replace").strip())
            # Staging graphs only: the order graph's one triple per graph is meant to stay.
            figures.staging_triples_left = _settled(
                store, f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}"))'
            )
    return figures


def report(name: str, figures: Any) -> None:
    """Print one run's figures, one per line."""
    print(f"{name}:")
    for key, value in asdict(figures).items():
        shown = f"{value:.1f}" if isinstance(value, float) else value
        print(f"  {key}: {shown}")


def run(
    folder: Path | None = None, kills: int = 5, publish_registers: int = 2000
) -> dict[str, Any]:
    """Every run at its default size, as one JSON-ready dict (for benchmarks/reliability.py)."""
    del folder  # each run makes and removes its own temporary folder
    return {
        "load": asdict(load_run()),
        "half_open": asdict(half_open_run()),
        "publish_killed_direct_put": asdict(publish_kill_run(kills, publish_registers, False)),
        "publish_killed_staged": asdict(publish_kill_run(kills, publish_registers, True)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--registers", type=int, default=0, help="0: the seed")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=800)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--publish-registers", type=int, default=2000)
    arguments = parser.parse_args(argv)
    report(
        "load",
        load_run(arguments.registers, arguments.clients, arguments.requests, arguments.seconds),
    )
    report("half-open connections", half_open_run(arguments.connections))
    for staged in (False, True):
        report(
            f"publish killed ({'staged' if staged else 'direct PUT'})",
            publish_kill_run(arguments.kills, arguments.publish_registers, staged),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
