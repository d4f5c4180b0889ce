"""Memory of a process tree that shares pages, and a reload of `dcatgen serve` under load.

Used by run.py (issue 17).  The sum of RSS over a server and its workers counts a page every
process maps once per process: pages shared copy-on-write, or the same file's pages in the page
cache, look like several copies.  PSS (proportional set size, /proc/PID/smaps_rollup) divides
each shared page among the processes that map it, so the sum of PSS is the memory the tree
really holds.  Both are reported.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests


def tree(root: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def memory_of_tree(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes over a process tree."""
    rss = pss = 0
    for pid in tree(root):
        with (
            contextlib.suppress(OSError, ValueError, IndexError),
            open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup,
        ):
            for line in rollup:
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
    return rss, pss


@dataclass
class ReloadRun:
    """A rebuild served without a restart while clients keep asking."""

    rebuild_s: float = 0.0
    reload_s: float = 0.0
    """From the start of the rebuild until the server answered from the new build."""
    requests: int = 0
    failures: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    max_latency_s: float = 0.0


def measure_reload(
    url: str,
    rebuild: Callable[[], float],
    probe: Callable[[requests.Session], bool],
    clients: int = 4,
    timeout: float = 600.0,
) -> ReloadRun:
    """Clients ask for a register page and a small SPARQL query in a loop; ``rebuild`` changes
    the data and builds (returning its seconds); wait until ``probe`` sees the new data, go on
    for a few seconds, and count every answer that is not 200 (or no answer at all)."""
    stop = threading.Event()
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    query = "ASK { ?s a <http://www.w3.org/ns/dcat#Catalog> }"

    def client(number: int) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    if number % 2:
                        response = session.get(
                            url + "/sparql", params={"query": query}, timeout=120
                        )
                    else:
                        response = session.get(url + "/health", timeout=120)
                    status = str(response.status_code)
                except requests.RequestException as problem:
                    status = type(problem).__name__
                with lock:
                    statuses[status] += 1
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    run = ReloadRun()
    try:
        time.sleep(2)
        started = time.perf_counter()
        run.rebuild_s = rebuild()
        with requests.Session() as session:
            while not probe(session):
                if time.perf_counter() - started > timeout:
                    raise RuntimeError(f"the server did not reload within {timeout:g} s")
                time.sleep(0.2)
        run.reload_s = time.perf_counter() - started
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
    run.statuses = dict(statuses)
    run.requests = sum(statuses.values())
    run.failures = run.requests - statuses.get("200", 0)
    run.max_latency_s = max(latencies, default=0.0)
    return run
