"""Latency and throughput of `dcatgen serve`: catalog pages, conditional GETs, a SPARQL query.

Starts a real server on a free 127.0.0.1 port, sends a bounded number of requests (each phase
also stops after --max-seconds), prints a table, stops the server.  Loopback only.

    python benchmarks/serve_bench.py                      # the seed (5 registers)
    python benchmarks/serve_bench.py --registers 2000     # a synthetic description
    python benchmarks/serve_bench.py --requests 300 --concurrency 8
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import dcatgen_serve  # noqa: E402

QUERY = (ROOT / "examples" / "queries" / "searchable-by-personal-identity-code.rq").read_text(
    encoding="utf-8"
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def synthetic(registers: int, folder: Path) -> Path:
    """A built catalog of the seed's registers repeated until there are `registers` of them."""
    seed = yaml.safe_load((ROOT / "data" / "mynamaki.yaml").read_text(encoding="utf-8"))
    unit = seed["units"][0]
    originals = unit["registers"]
    unit["registers"] = [
        {**originals[i % len(originals)], "id": f"{originals[i % len(originals)]['id']}-{i}"}
        for i in range(registers)
    ]
    path = folder / "synthetic.yaml"
    # Written out in full: the repeated registers share objects, which PyYAML would dump as
    # anchors and aliases, and the loader bounds how much aliases may copy.
    text = yaml.dump(seed, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    # Serve a built out/ folder: serving YAML would validate it first, which is not measured here.
    from dcatgen.build.catalog import make_catalog
    from dcatgen.rdf.formats import Format
    from dcatgen.rdf.serialize import write_all

    out = folder / "out"
    write_all(make_catalog(path).triples, out, formats=[Format.N_TRIPLES])
    return out


def measure(
    name: str,
    send: Callable[[requests.Session, int], requests.Response],
    count: int,
    concurrency: int,
    max_seconds: float,
    expect: int = 200,
) -> None:
    """Send `count` requests from `concurrency` threads; print latency percentiles and rate."""
    latencies: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    local = threading.local()

    def one(index: int) -> None:
        if time.monotonic() > deadline:
            return
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        started = time.perf_counter()
        response = send(session, index)
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            raise RuntimeError(f"{name}: HTTP {response.status_code}: {response.text[:200]}")
        with lock:
            latencies.append(elapsed)
            sizes.append(len(response.content))

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(count)))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    print(
        f"{name:34} {len(ordered):5} req  c={concurrency:<2} "
        f"p50 {percentile(0.50):7.2f} ms  p95 {percentile(0.95):7.2f} ms  "
        f"p99 {percentile(0.99):7.2f} ms  mean {statistics.fmean(ordered) * 1000:7.2f} ms  "
        f"{len(ordered) / wall:8.1f} req/s  {statistics.fmean(sizes) / 1024:7.1f} KiB"
    )


def main() -> None:
    """Run the phases against one server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registers", type=int, default=0, help="synthetic size (0: the seed)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300, help="per phase")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=30.0, help="per phase")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        data = synthetic(args.registers, folder) if args.registers else ROOT / "data"
        started = time.perf_counter()
        with dcatgen_serve(
            data, folder / "serve.log", "--page-size", str(args.page_size), "--log-level", "warning"
        ) as server:
            startup = time.perf_counter() - started
            health = requests.get(server.url + "/health", timeout=10).json()
            pages = max(1, -(-(args.registers or 5) // args.page_size))
            print(
                f"data: {args.registers or 5} registers, {health['triples']} triples in the store, "
                f"page size {args.page_size} ({pages} pages); server ready in {startup:.1f} s"
            )
            url = server.url

            def page(session: requests.Session, index: int) -> requests.Response:
                return session.get(f"{url}/catalog?page={index % pages + 1}", timeout=60)

            def page_jsonld(session: requests.Session, index: int) -> requests.Response:
                return session.get(f"{url}/catalog.jsonld?page={index % pages + 1}", timeout=60)

            etags = {
                n: requests.get(f"{url}/catalog?page={n}", timeout=60).headers["ETag"]
                for n in range(1, min(pages, 50) + 1)
            }

            def conditional(session: requests.Session, index: int) -> requests.Response:
                number = index % len(etags) + 1
                return session.get(
                    f"{url}/catalog?page={number}",
                    headers={"If-None-Match": etags[number]},
                    timeout=60,
                )

            register = "varhaiskasvatus-1" if args.registers else "varhaiskasvatus"

            def dereference(session: requests.Session, index: int) -> requests.Response:
                return session.get(f"{url}/register/{register}", timeout=60)

            def sparql(session: requests.Session, index: int) -> requests.Response:
                return session.post(
                    f"{url}/sparql",
                    data={"query": QUERY},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=60,
                )

            # Warm the render cache the way a harvester's first pass would.
            for number in range(1, pages + 1):
                requests.get(f"{url}/catalog?page={number}", timeout=60)
            phases: list[tuple[str, Callable[[requests.Session, int], requests.Response], int]] = [
                ("GET /catalog?page=N (Turtle)", page, 200),
                ("GET /catalog.jsonld?page=N", page_jsonld, 200),
                ("GET /catalog?page=N If-None-Match", conditional, 304),
                ("GET /register/ID (Turtle)", dereference, 200),
                ("POST /sparql (SELECT, JSON)", sparql, 200),
            ]
            for concurrency in (1, args.concurrency):
                for name, send, expect in phases:
                    measure(name, send, args.requests, concurrency, args.max_seconds, expect)


if __name__ == "__main__":
    main()
