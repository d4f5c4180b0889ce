"""`dcatgen serve OUT` switches to a new build under load without refusing a request."""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from dcatgen.build.pipeline import build
from tests.conftest import DATA
from tests.servers import dcatgen_serve

OLD = "Kirjastopalveluiden asiarekisteri"
NEW = "Kirjastopalveluiden asiarekisteri (päivitetty)"
TITLE_QUERY = (
    "SELECT ?t WHERE { <https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut> "
    "<http://purl.org/dc/terms/title> ?t }"
)


def _wait_for(condition: object, seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.2)
    return False


class Load:
    """Clients sending SPARQL queries and page requests in a loop, noting every answer."""

    def __init__(self, url: str, clients: int = 4) -> None:
        self.url = url
        self.stop = threading.Event()
        self.statuses: Counter[int | str] = Counter()
        self.titles: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(i,)) for i in range(clients)]

    def client(self, number: int) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                try:
                    if number % 2:
                        response = session.get(
                            self.url + "/sparql",
                            params={"query": TITLE_QUERY},
                            headers={"Accept": "text/csv"},
                            timeout=60,
                        )
                        title = response.text.splitlines()[-1] if response.ok else ""
                    else:
                        response = session.get(
                            self.url + "/register/kirjastopalvelut.nt", timeout=60
                        )
                        title = NEW if NEW in response.text else OLD
                    with self.lock:
                        self.statuses[response.status_code] += 1
                        self.titles.append(title)
                except requests.RequestException as problem:
                    with self.lock:
                        self.statuses[type(problem).__name__] += 1

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def test_a_new_build_is_served_without_a_failed_request(tmp_path: Path) -> None:
    """Rebuild while four clients query: the server notices the new build and switches to
    it; every request is answered 200, first from the old data, then from the new."""
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    shutil.copy(DATA / "mynamaki.yaml", data / "mynamaki.yaml")
    build(data, out)
    options = ("--reload-interval", "0.2", "--log-level", "info")
    with dcatgen_serve(out, tmp_path / "log", *options) as server:
        health = server.url + "/health"
        first_workers = requests.get(health, timeout=60).json()["query_workers"]
        with Load(server.url) as load:
            assert _wait_for(lambda: len(load.titles) >= 20)
            text = (data / "mynamaki.yaml").read_text(encoding="utf-8")
            (data / "mynamaki.yaml").write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
            build(data, out)
            assert _wait_for(lambda: requests.get(health, timeout=60).json()["reloads"] == 1)
            answered = len(load.titles)
            assert _wait_for(lambda: len(load.titles) >= answered + 20)
        assert set(load.statuses) == {200}, load.statuses
        assert load.titles[0] == OLD and load.titles[-1] == NEW
        assert load.titles.count(OLD) >= 20
        after = requests.get(health, timeout=60).json()
        assert set(after["query_workers"]).isdisjoint(first_workers)
        assert len(after["query_workers"]) == 2
        # The old generation's workers were stopped once their queries were answered.
        assert _wait_for(
            lambda: (
                all(not Path(f"/proc/{pid}").exists() for pid in first_workers)
                or all("zombie" in _status(pid) for pid in first_workers)
            )
        )
        assert "reloaded:" in server.output()


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return "zombie"


def test_sighup_reloads_and_a_broken_build_is_not_served(tmp_path: Path) -> None:
    """SIGHUP reloads at once (no polling here); a reload that fails leaves the server on
    the data it had, and says why."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "mynamaki.yaml", data / "mynamaki.yaml")
    options = ("--reload-interval", "0", "--workers", "1")
    with dcatgen_serve(data, tmp_path / "log", *options) as server:
        health = server.url + "/health"
        text = (data / "mynamaki.yaml").read_text(encoding="utf-8")
        (data / "mynamaki.yaml").write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        assert _wait_for(lambda: requests.get(health, timeout=60).json()["reloads"] == 1)
        page = requests.get(server.url + "/register/kirjastopalvelut.nt", timeout=60)
        assert NEW in page.text
        (data / "mynamaki.yaml").write_text("organisation: [\n", encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        assert _wait_for(lambda: "reload failed" in server.output())
        assert requests.get(health, timeout=60).json()["reloads"] == 1
        page = requests.get(server.url + "/register/kirjastopalvelut.nt", timeout=60)
        assert page.status_code == 200 and NEW in page.text


def test_memory_workers_take_over_from_the_store(tmp_path: Path) -> None:
    """--memory-workers: the server answers from the query store at once, then workers that
    loaded the same data into memory take over; answers stay the same."""
    out = tmp_path / "out"
    triples = build(DATA, out).summary.triples
    options = ("--memory-workers", "1", "--workers", "2", "--reload-interval", "0")
    with dcatgen_serve(out, tmp_path / "log", *options) as server:
        health = server.url + "/health"
        first = requests.get(health, timeout=60).json()["query_workers"]
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        # The named graphs too: the quality graphs and the vocabulary (in memory, the quality
        # graphs were once left out, and missing-s28-items answered nothing).
        graphs = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )

        def answer(query: str = count) -> str:
            response = requests.get(
                server.url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
            )
            assert response.status_code == 200
            return response.text

        before, named = answer(), answer(graphs)
        assert "https://w3id.org/dcatgen/id/mynamaki/quality," in named
        assert _wait_for(lambda: "query workers in memory ready" in server.output())
        after = requests.get(health, timeout=60).json()["query_workers"]
        assert len(after) == 1 and set(after).isdisjoint(first)
        assert answer() == before == f"n\r\n{triples}\r\n"
        assert answer(graphs) == named
