"""Measure `dcatgen build` against the naive reference pipeline on generated input (issue 5).

    python benchmarks/run.py --registers N [--organisations M] [--seed S] [--no-reference]
                             [--reference-anyway] [--no-rebuild] [--no-queries]
                             [--query-runs N] [--json FILE] [--keep DIR] [--timeout SECONDS]
                             [--dcatgen "COMMAND"] [--layout per-description|combined]

One run: generate the input once, then
(a) `dcatgen build DATA -o OUT --timings --layout L` (full validation, all four formats) in
    its own process; its stage lines (`  stage    seconds s`) are parsed, whatever stages it
    prints.  The layout is per-description by default (one catalog per authority, what a
    national build publishes); `--layout combined` measures one catalog.* for everything;
(b) the reference pipeline (`benchmarks/reference.py`) in its own process, on the same input;
    skipped above 10,000 registers unless `--reference-anyway` (it would take many minutes);
(c) `rebuild_one_s`: change one register's title in one file and run `dcatgen build` again
    into the same output folder, after `sync` (the first build's 2 GB of output are written
    out to disk first, so that the rebuild is timed on its own);
(d) the analyst SPARQL queries (`examples/queries/*.rq` if present, else the built-in ones)
    over OUT and the vocabulary, loaded into an embedded pyoxigraph store by the code
    `dcatgen serve` and `dcatgen query` use; each query runs --query-runs times (rounds
    interleaved) and the median is reported;
(e) `dcatgen query --data OUT` with a one-line count, in its own process: what an analyst
    waits for (loading OUT) and the memory it takes;
(f) `dcatgen serve OUT` on a free loopback port: seconds until /sparql answers (the two query
    workers are up), the peak RSS of the server and its workers, and counts-per-organisation
    over HTTP; then SIGTERM.

Wall times are measured around each child process (interpreter start and imports included,
the same for both pipelines).  Peak RSS is the larger of the kernel's maximum RSS of any one
process in the child's tree (`wait4`) and the sampled sum of RSS over the whole tree (so a
process pool counts all its workers).  CPU time (user + system, the child and its waited-for
descendants) and the 1-minute load average before and after are recorded too: on a shared
machine, other work inflates wall times but hardly CPU times.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import HEADER, SEED, dump, generate  # noqa: E402
from benchmarks.serve_reload import ReloadRun, measure_reload, memory_of_tree  # noqa: E402

REFERENCE_LIMIT = 10_000
"""Above this many registers the reference is skipped unless --reference-anyway."""

DCATGEN_COMMAND = (sys.executable, "-c", "from dcatgen.cli import main; main()")
"""`dcatgen` from the Python running this script (its installed, possibly editable, copy)."""

PREFIXES = """\
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dg: <https://w3id.org/dcatgen/ns#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""

QUERIES: dict[str, str] = {
    "searchable-by-personal-identity-code": PREFIXES
    + """
# Registers an information request can target with a personal identity code.
SELECT ?register ?title WHERE {
  ?register dg:searchCriterion dg:PersonalIdentityCode ; dct:title ?title .
}""",
    "systems-and-their-registers": PREFIXES
    + """
# Which information systems hold which registers; shared systems first.
SELECT ?system ?name (COUNT(DISTINCT ?register) AS ?registers) WHERE {
  ?register dg:informationSystem ?system .
  ?system dct:title ?name .
} GROUP BY ?system ?name ORDER BY DESC(?registers) ?system""",
    "not-openly-available": PREFIXES
    + """
# Registers not openly available through an API (not stated counts as not available).
SELECT ?register ?availability WHERE {
  ?register a dcat:Dataset .
  OPTIONAL { ?register dg:openInterfaceAvailability ?availability }
  FILTER (!BOUND(?availability) || ?availability != dg:OpenlyAvailable)
}""",
    "personal-data-by-theme": PREFIXES
    + """
# Registers with personal data, counted by EU data theme.
SELECT ?theme (COUNT(DISTINCT ?register) AS ?registers) WHERE {
  ?register dg:containsPersonalData true ; dcat:theme ?theme .
} GROUP BY ?theme ORDER BY DESC(?registers)""",
    "s28-items-missing": PREFIXES
    + """
# §28 items missing per register (1 systems, 2 disclosure authority, 3 data groups,
# 4 search criteria, 5 API availability).
SELECT ?register ?item WHERE {
  ?register a dcat:Dataset .
  VALUES (?item ?property) {
    (1 dg:informationSystem) (2 dg:disclosureAuthority) (3 dg:dataGroup)
    (4 dg:searchCriterion) (5 dg:openInterfaceAvailability)
  }
  FILTER NOT EXISTS { ?register ?property ?value }
} ORDER BY ?register ?item""",
    "registers-per-organisation": PREFIXES
    + """
# How many registers each organisation describes.
SELECT ?publisher ?name (COUNT(DISTINCT ?register) AS ?registers) WHERE {
  ?register a dcat:Dataset ; dct:publisher ?publisher .
  OPTIONAL { ?publisher foaf:name ?name FILTER (lang(?name) = "fi") }
} GROUP BY ?publisher ?name ORDER BY DESC(?registers)""",
}
"""The analyst questions of issue 4, used when the repository has no examples/queries/."""


# --- child processes -------------------------------------------------------------------


@dataclass
class ProcessRun:
    """A finished child process with what it cost."""

    command: list[str]
    returncode: int
    wall_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    timed_out: bool = False
    cpu_s: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0

    def tail(self, lines: int = 15) -> str:
        """The last lines of stderr (else stdout), for error messages."""
        text = self.stderr.strip() or self.stdout.strip()
        return "\n".join(text.splitlines()[-lines:])


def _rss_of_tree(root: int) -> int:
    """Sum of resident set sizes (bytes) of a process and all its descendants."""
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
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = resident
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_measured(
    command: Sequence[str], timeout: float | None = None, interval: float = 0.1
) -> ProcessRun:
    """Run a command in its own process group; measure wall time and peak RSS."""
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, start_new_session=True, text=True
        )
        peak_tree = 0
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            with contextlib.suppress(OSError):
                peak_tree = max(peak_tree, _rss_of_tree(process.pid))
            if timeout is not None and time.perf_counter() - started > timeout:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(interval)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux: the largest single process of the waited-for tree.
        peak = max(peak_tree, usage.ru_maxrss * 1024)
        return ProcessRun(
            list(command),
            process.returncode,
            wall,
            peak / 2**20,
            out.read(),
            err.read(),
            timed_out,
            cpu_s=usage.ru_utime + usage.ru_stime,
            load_before=load_before,
            load_after=os.getloadavg()[0],
        )


STAGE_LINE = re.compile(r"^  (\S.*?)\s+(\d+(?:\.\d+)?) s$")


def parse_timings(stdout: str) -> dict[str, float]:
    """Stage lines `  stage    1.234 s` as printed by `dcatgen build --timings`."""
    stages: dict[str, float] = {}
    for line in stdout.splitlines():
        match = STAGE_LINE.match(line)
        if match:
            stages[match.group(1)] = float(match.group(2))
    return stages


def parse_counts(stdout: str) -> dict[str, int]:
    """Triple and finding counts from a build's summary lines."""
    counts: dict[str, int] = {}
    for pattern, key in (
        (r"(\d+) registers", "registers"),
        (r"(\d+) triples", "triples"),
        (r"(\d+) violations?", "violations"),
        (r"(\d+) warnings?", "warnings"),
        (r"(\d+) infos?", "infos"),
    ):
        match = re.search(pattern, stdout)
        if match:
            counts[key] = int(match.group(1))
    return counts


# --- the steps -------------------------------------------------------------------------


def change_one_register(data: Path) -> Path:
    """Edit one register (the title of the first register of the middle file); return the file."""
    files = sorted(data.glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    description = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for unit in description["units"]:
        if unit.get("registers"):
            register = unit["registers"][0]
            title = register["title"]
            if isinstance(title, dict):
                register["title"] = {k: f"{v} (päivitetty)" for k, v in title.items()}
            else:
                register["title"] = f"{title} (päivitetty)"
            break
    path.write_text((header or HEADER.format(seed="?")) + dump(description), encoding="utf-8")
    return path


def query_files() -> dict[str, str]:
    """examples/queries/*.rq of the repository, else the built-in analyst queries."""
    folder = ROOT / "examples" / "queries"
    files = sorted(folder.glob("*.rq")) if folder.is_dir() else []
    if files:
        # The earlier missing-s28-items (five checks of every register) too, to compare with
        # the form that reads the quality measurements.
        files += sorted((ROOT / "benchmarks").glob("*.rq"))
        return {path.stem: path.read_text(encoding="utf-8") for path in files}
    return dict(QUERIES)


def run_queries(out: Path, runs: int = 3) -> dict[str, Any]:
    """Load OUT as `dcatgen serve` and `dcatgen query` do; time each query, median of runs.

    Each run times the query with its rows counted in Python (``queries``), and the answer
    as CSV bytes the way `dcatgen query --format csv` makes it (``answers``).
    """
    from dcatgen.sparql.engine import QueryRequest, execute
    from dcatgen.sparql.store import catalog_size, open_store, read_source

    started = time.perf_counter()
    store, _ = open_store(read_source(out), for_workers=False)
    load_s = time.perf_counter() - started
    times: dict[str, list[float]] = {}
    answer_times: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    # Interleaved rounds, so that a noisy moment does not hit one query's every run.
    for _ in range(runs):
        for name, text in query_files().items():
            started = time.perf_counter()
            result = store.query(text)
            rows[name] = sum(1 for _ in result)  # type: ignore[union-attr]
            times.setdefault(name, []).append(time.perf_counter() - started)
            started = time.perf_counter()
            execute(store, QueryRequest(query=text, format="csv", max_results=None))
            answer_times.setdefault(name, []).append(time.perf_counter() - started)
    return {
        "store_load_s": load_s,
        "store_triples": catalog_size(store),
        "queries": {name: statistics.median(runs_s) for name, runs_s in times.items()},
        "query_runs": times,
        "answers": {name: statistics.median(runs_s) for name, runs_s in answer_times.items()},
        "rows": rows,
    }


ANALYST_QUERY = "SELECT (COUNT(*) AS ?registers) WHERE { ?r a <http://www.w3.org/ns/dcat#Dataset> }"
"""What `dcatgen query --data OUT` is timed with: loading OUT is the cost, not the query."""


@dataclass
class ServeRun:
    """`dcatgen serve OUT` on loopback: how long until it answers, what it holds in memory."""

    ready_s: float
    peak_rss_mb: float
    query_s: float
    query_rows: int
    peak_pss_mb: float = 0.0
    queries: dict[str, float] = field(default_factory=dict)
    """Each example query over HTTP (/sparql, CSV), after the other queries ran once."""
    reload: ReloadRun | None = None


def measure_serve(
    command: Sequence[str],
    out: Path,
    query: str,
    timeout: float,
    rebuild: Callable[[], float] | None = None,
) -> ServeRun:
    """Start `dcatgen serve OUT`, wait until /sparql answers (the workers are up), time one
    query over HTTP, then every example query, then (with ``rebuild``) a rebuild served
    without a restart while clients keep asking; then stop it with SIGTERM.  Raises
    RuntimeError if it does not start.

    Not tests.servers.started: this one samples the memory of the server and its workers
    while they load, and waits as long as a national build needs (its limit is 60 s).
    """
    import requests
    from tests.servers import free_port

    port = free_port()
    sparql = f"http://127.0.0.1:{port}/sparql"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            # The example queries answer up to 220,000 rows: above the default cap (10,000).
            [
                *command,
                "serve",
                str(out),
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--max-results",
                "1000000",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            peak = peak_pss = 0

            def sample() -> None:
                nonlocal peak, peak_pss
                with contextlib.suppress(OSError):
                    rss, pss = memory_of_tree(process.pid)
                    peak, peak_pss = max(peak, rss), max(peak_pss, pss)

            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"dcatgen serve exited {process.returncode}:\n{log.read()}")
                sample()
                with contextlib.suppress(requests.RequestException):
                    if requests.get(sparql, params={"query": "ASK {}"}, timeout=2).ok:
                        break
                if time.perf_counter() - started > timeout:
                    raise RuntimeError(f"dcatgen serve did not answer within {timeout:g} s")
                time.sleep(0.2)
            ready_s = time.perf_counter() - started
            sample()
            asked = time.perf_counter()
            answer = requests.post(
                sparql, data={"query": query}, headers={"Accept": "text/csv"}, timeout=timeout
            )
            query_s = time.perf_counter() - asked
            rows = max(0, len(answer.text.splitlines()) - 1)
            if answer.status_code != 200:  # e.g. 503 past --query-timeout: noted, not fatal
                query_s, rows = float("nan"), 0
            sample()
            served: dict[str, list[float]] = {}
            for _ in range(int(os.environ.get("DCATGEN_SERVE_QUERY_RUNS", "2"))):  # last reported
                for name, text in query_files().items():
                    asked = time.perf_counter()
                    answer = requests.post(
                        sparql,
                        data={"query": text},
                        headers={"Accept": "text/csv"},
                        timeout=timeout,
                    )
                    served.setdefault(name, []).append(time.perf_counter() - asked)
                    if answer.status_code != 200:
                        served[name][-1] = float("nan")  # e.g. over the time limit
                    sample()
            reload = None
            if rebuild is not None:
                health = f"http://127.0.0.1:{port}/health"

                def reloaded(session: requests.Session) -> bool:
                    sample()
                    with contextlib.suppress(requests.RequestException, ValueError):
                        return bool(session.get(health, timeout=30).json()["reloads"] >= 1)
                    return False

                reload = measure_reload(f"http://127.0.0.1:{port}", rebuild, reloaded)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return ServeRun(
        ready_s,
        peak / 2**20,
        query_s,
        rows,
        peak_pss / 2**20,
        {name: times[-1] for name, times in served.items()},
        reload,
    )


def wait_for_store(out: Path, timeout: float) -> float | None:
    """Seconds until OUT's query store matches its catalogs (None: not within timeout)."""
    from dcatgen.sparql import persisted

    started = time.perf_counter()
    while not persisted.is_current(out):
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.5)
    return time.perf_counter() - started


SERVE_QUERY = "counts-per-organisation"
"""The example query timed over HTTP against `dcatgen serve` (1,000 rows at 100k)."""


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        info["memory_gb"] = round(int(meminfo[0].split()[1]) / 2**20, 1)
    info["packages"] = {}
    for package in ("dcatgen", "rdflib", "pyshacl", "pyoxigraph", "pydantic", "PyYAML"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info["packages"][package] = metadata.version(package)
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["commit"] = commit + ("+dirty" if dirty else "")
    return info


# --- the report ------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything one run measured; `to_json` gives the documented keys."""

    registers: int
    organisations: int
    generate_s: float
    layout: str = "per-description"
    dcatgen: ProcessRun | None = None
    reference: ProcessRun | None = None
    reference_skipped: str | None = None
    reference_result: dict[str, Any] = field(default_factory=dict)
    rebuild: ProcessRun | None = None
    sparql: dict[str, Any] = field(default_factory=dict)
    query_cli: ProcessRun | None = None
    serve: ServeRun | None = None
    store_s: float | None = None
    rebuild_store_s: float | None = None
    """After the rebuild: seconds until the query store matched the catalogs again."""
    """After the first build: seconds until its query store was in place (background)."""
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def stages(self) -> dict[str, float]:
        """dcatgen's own stage timings."""
        return parse_timings(self.dcatgen.stdout) if self.dcatgen else {}

    @property
    def ratio(self) -> float | None:
        """Reference wall time / dcatgen wall time."""
        if self.dcatgen is None or self.reference is None or self.reference.returncode != 0:
            return None
        return self.reference.wall_s / self.dcatgen.wall_s

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        dcatgen = self.dcatgen
        reference = self.reference
        data: dict[str, Any] = {
            "registers": self.registers,
            "organisations": self.organisations,
            "generate_s": round(self.generate_s, 3),
            "layout": self.layout,
            "dcatgen_total_s": round(dcatgen.wall_s, 3) if dcatgen else None,
            "dcatgen_exit": dcatgen.returncode if dcatgen else None,
            "dcatgen_cpu_s": round(dcatgen.cpu_s, 3) if dcatgen else None,
            "load_average": [round(dcatgen.load_before, 2), round(dcatgen.load_after, 2)]
            if dcatgen
            else None,
            "peak_rss_mb": round(dcatgen.peak_rss_mb, 1) if dcatgen else None,
            "stages": self.stages,
            "counts": parse_counts(dcatgen.stdout) if dcatgen else {},
            "ratio": round(self.ratio, 2) if self.ratio is not None else None,
            "rebuild_one_s": round(self.rebuild.wall_s, 3) if self.rebuild else None,
            "queries": {k: round(v, 4) for k, v in self.sparql.get("queries", {}).items()},
            "query_rows": self.sparql.get("rows", {}),
            "answers_csv": {k: round(v, 4) for k, v in self.sparql.get("answers", {}).items()},
            "query_runs": {
                k: [round(v, 4) for v in runs]
                for k, runs in self.sparql.get("query_runs", {}).items()
            },
            "store_load_s": round(self.sparql["store_load_s"], 3) if self.sparql else None,
            "serve_ready_s": round(self.serve.ready_s, 3) if self.serve else None,
            "serve_peak_rss_mb": round(self.serve.peak_rss_mb, 1) if self.serve else None,
            "serve_query_s": round(self.serve.query_s, 3) if self.serve else None,
            "serve_peak_pss_mb": round(self.serve.peak_pss_mb, 1) if self.serve else None,
            "serve_queries": {k: round(v, 3) for k, v in self.serve.queries.items()}
            if self.serve
            else {},
            "store_s": round(self.store_s, 3) if self.store_s is not None else None,
            "rebuild_store_s": (
                round(self.rebuild_store_s, 3) if self.rebuild_store_s is not None else None
            ),
            "reload": self.serve.reload.__dict__ if self.serve and self.serve.reload else None,
            "query_cli_s": round(self.query_cli.wall_s, 3) if self.query_cli else None,
            "query_cli_peak_rss_mb": round(self.query_cli.peak_rss_mb, 1)
            if self.query_cli
            else None,
            "machine": self.machine,
        }
        if reference is not None:
            data["reference_total_s"] = round(reference.wall_s, 3)
            data["reference_peak_rss_mb"] = round(reference.peak_rss_mb, 1)
            data["reference_cpu_s"] = round(reference.cpu_s, 3)
            data["reference_stages"] = self.reference_result.get("stages", {})
            data["reference_counts"] = {
                "triples": self.reference_result.get("triples"),
                **self.reference_result.get("findings", {}),
            }
        else:
            data["reference_total_s"] = None
            data["reference_skipped"] = self.reference_skipped
        return data


def _seconds(value: float | None) -> str:
    return f"{value:10.3f}" if value is not None else f"{'-':>10}"


def _ratio(reference: float | None, ours: float | None) -> str:
    if reference is None or not ours:
        return ""
    return f"{reference / ours:8.1f}×"


def table(figures: Figures) -> Iterator[str]:
    """The printed report: one line per stage, then totals, RSS, rebuild and queries."""
    ours = figures.stages
    theirs: dict[str, float] = figures.reference_result.get("stages", {})
    names = list(ours) + [name for name in theirs if name not in ours]
    yield f"{'stage':24}{'dcatgen s':>10}  {'reference s':>11}  {'ratio':>8}"
    for name in names:
        yield (
            f"{name:24}{_seconds(ours.get(name))}  {_seconds(theirs.get(name)):>11}  "
            f"{_ratio(theirs.get(name), ours.get(name))}"
        )
    dcatgen, reference = figures.dcatgen, figures.reference
    ours_total = dcatgen.wall_s if dcatgen else None
    theirs_total = reference.wall_s if reference else None
    yield (
        f"{'total (wall)':24}{_seconds(ours_total)}  {_seconds(theirs_total):>11}  "
        f"{_ratio(theirs_total, ours_total)}"
    )
    ours_rss = f"{dcatgen.peak_rss_mb:10.0f}" if dcatgen else f"{'-':>10}"
    theirs_rss = f"{reference.peak_rss_mb:11.0f}" if reference else f"{'-':>11}"
    yield f"{'peak RSS MB':24}{ours_rss}  {theirs_rss}"
    ours_cpu = f"{dcatgen.cpu_s:10.3f}" if dcatgen else f"{'-':>10}"
    theirs_cpu = f"{reference.cpu_s:11.3f}" if reference else f"{'-':>11}"
    yield f"{'CPU (user+sys) s':24}{ours_cpu}  {theirs_cpu}"
    if dcatgen is not None:
        yield (
            f"load average (1 min) before/after dcatgen: {dcatgen.load_before:.2f} / "
            f"{dcatgen.load_after:.2f} on {os.cpu_count()} cores (other work skews wall times)"
        )
    if figures.reference_skipped:
        yield f"reference: {figures.reference_skipped}"
    if dcatgen is not None and figures.reference_result:
        ours_counts = parse_counts(dcatgen.stdout)
        theirs_counts = {
            "triples": figures.reference_result.get("triples"),
            **figures.reference_result.get("findings", {}),
        }
        keys = ("triples", "violations", "warnings", "infos")
        same = all(ours_counts.get(k) == theirs_counts.get(k) for k in keys)
        yield (
            "counts (triples, violations, warnings, infos): "
            f"dcatgen {tuple(ours_counts.get(k) for k in keys)}, "
            f"reference {tuple(theirs_counts.get(k) for k in keys)}"
            + ("" if same else "  ← differ (dcatgen also warns on unplaced importer lines)")
        )
    if figures.rebuild is not None:
        yield f"{'rebuild one register':24}{_seconds(figures.rebuild.wall_s)}"
    if figures.sparql:
        runs = len(next(iter(figures.sparql["query_runs"].values()), []))
        yield (
            f"SPARQL (pyoxigraph in memory, {figures.sparql['store_triples']:,} triples loaded "
            f"as dcatgen serve loads them, in {figures.sparql['store_load_s']:.3f} s; "
            f"median of {runs} runs; the answer as CSV is what dcatgen query prints):"
        )
        yield f"  {'query':38}{'rows in Python':>14}  {'answer as CSV':>13}  {'rows':>8}"
        for name, seconds in figures.sparql["queries"].items():
            answer = figures.sparql["answers"][name]
            rows = figures.sparql["rows"][name]
            yield f"  {name:38}{seconds:12.3f} s  {answer:11.3f} s  {rows:>8}"
    if figures.store_s is not None:
        yield f"{'query store in place':24}{_seconds(figures.store_s)}  (after the first build)"
    if figures.rebuild_store_s is not None:
        yield f"{'query store in place':24}{_seconds(figures.rebuild_store_s)}  (after the rebuild)"
    if figures.serve is not None:
        yield (
            f"{'dcatgen serve OUT ready':24}{_seconds(figures.serve.ready_s)}  "
            f"(two query workers; peak of the three processes: RSS summed "
            f"{figures.serve.peak_rss_mb:.0f} MB, PSS summed {figures.serve.peak_pss_mb:.0f} MB); "
            f"{SERVE_QUERY} over HTTP "
            f"{figures.serve.query_s:.3f} s, {figures.serve.query_rows} rows"
        )
        for name, seconds in figures.serve.queries.items():
            yield f"  over HTTP (second run)  {name:38}{seconds:8.3f} s"
        reload = figures.serve.reload
        if reload is not None:
            yield (
                f"{'reload under load':24}{_seconds(reload.reload_s)}  (rebuild "
                f"{reload.rebuild_s:.1f} s; {reload.requests} requests, {reload.failures} "
                f"failed, slowest {reload.max_latency_s:.2f} s; {reload.statuses})"
            )
    if figures.query_cli is not None:
        yield (
            f"{'dcatgen query --data OUT':24}{_seconds(figures.query_cli.wall_s)}  "
            f"(load and one count; peak RSS {figures.query_cli.peak_rss_mb:.0f} MB)"
        )


# --- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(
        description="Measure dcatgen build against the naive reference pipeline."
    )
    parser.add_argument("--registers", type=int, required=True)
    parser.add_argument("--organisations", type=int, default=None)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-reference", action="store_true", help="skip the reference")
    parser.add_argument(
        "--reference-anyway",
        action="store_true",
        help=f"run the reference even above {REFERENCE_LIMIT:,} registers",
    )
    parser.add_argument("--no-rebuild", action="store_true", help="skip rebuild_one_s")
    parser.add_argument("--no-queries", action="store_true", help="skip the SPARQL queries")
    parser.add_argument(
        "--query-runs", type=int, default=3, help="runs of each query; the median is reported"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None, help="work (and keep files) here")
    parser.add_argument("--timeout", type=float, default=None, help="kill a child after this")
    parser.add_argument(
        "--dcatgen",
        default=None,
        help="command to run dcatgen (default: the dcatgen of this Python)",
    )
    parser.add_argument(
        "--layout",
        choices=("per-description", "combined"),
        default="per-description",
        help="dcatgen build --layout (default: per-description, one catalog per authority)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep DIR holding a previous run's data/ and out/: measure that build "
        "(rebuild, queries, query, serve) without generating and building again",
    )
    args = parser.parse_args(argv)
    if args.reuse and (args.keep is None or not (args.keep / "out").is_dir()):
        parser.error("--reuse needs --keep DIR with a previous run's DIR/out")

    with contextlib.ExitStack() as stack:
        if args.keep is not None:
            work = args.keep
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dcatgen-bench-")))
        data, out, reference_out = work / "data", work / "out", work / "reference-out"
        for folder in (data, out, reference_out) if not args.reuse else ():
            shutil.rmtree(folder, ignore_errors=True)

        started = time.perf_counter()
        if args.reuse:  # the figures' counts are then the ones asked for
            organisations = args.organisations or max(1, args.registers // 100)
            figures = Figures(args.registers, organisations, 0.0, args.layout)
        else:
            generated = generate(args.registers, data, args.organisations, args.seed)
            figures = Figures(generated.registers, generated.organisations, 0.0, args.layout)
        figures.generate_s = time.perf_counter() - started
        figures.machine = machine()
        print(
            f"{'reusing' if args.reuse else 'generated'} {figures.registers:,} registers in "
            f"{figures.organisations:,} files in {figures.generate_s:.1f} s ({work})",
            flush=True,
        )

        command = shlex.split(args.dcatgen) if args.dcatgen else list(DCATGEN_COMMAND)
        build = [*command, "build", str(data), "-o", str(out), "--timings"]
        build += ["--layout", args.layout]
        print("running dcatgen build…", flush=True)
        # --reuse: the build is only brought up to date (its query store written if missing).
        figures.dcatgen = run_measured(build, args.timeout)
        if figures.dcatgen.returncode != 0:
            print(
                f"dcatgen build exited {figures.dcatgen.returncode}"
                f"{' (timed out)' if figures.dcatgen.timed_out else ''}:\n"
                + figures.dcatgen.tail(),
                file=sys.stderr,
            )

        if args.no_reference:
            figures.reference_skipped = "skipped (--no-reference)"
        elif args.registers > REFERENCE_LIMIT and not args.reference_anyway:
            figures.reference_skipped = (
                f"skipped: above {REFERENCE_LIMIT:,} registers the naive pipeline takes "
                "many minutes (use --reference-anyway to run it)"
            )
        else:
            print("running the reference pipeline…", flush=True)
            result_file = work / "reference.json"
            figures.reference = run_measured(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "reference.py"),
                    str(data),
                    "-o",
                    str(reference_out),
                    "--json",
                    str(result_file),
                ],
                args.timeout,
            )
            if figures.reference.returncode == 0:
                figures.reference_result = json.loads(result_file.read_text(encoding="utf-8"))
            else:
                print("reference failed:\n" + figures.reference.tail(), file=sys.stderr)

        built = figures.dcatgen.returncode == 0
        if built and "query store" in figures.dcatgen.stdout:
            print("waiting for the query store…", flush=True)
            figures.store_s = wait_for_store(out, args.timeout or 3600.0)
        if built and not args.no_rebuild:
            changed = change_one_register(data)
            # The build just wrote ~2 GB; let the kernel finish writing it out first, so that
            # the rebuild is timed on its own rather than against that write-back.
            os.sync()
            print(f"rebuilding after changing one register in {changed.name}…", flush=True)
            figures.rebuild = run_measured(build, args.timeout)
            if figures.rebuild.returncode != 0:
                print("rebuild failed:\n" + figures.rebuild.tail(), file=sys.stderr)
            elif "query store" in figures.rebuild.stdout:
                # Else `query --data` and `serve` below would time waiting for it.
                figures.rebuild_store_s = wait_for_store(out, args.timeout or 3600.0)

        if built and not args.no_queries:
            print("running the SPARQL queries…", flush=True)
            figures.sparql = run_queries(out, max(1, args.query_runs))
            print("running dcatgen query --data OUT, as an analyst would…", flush=True)
            figures.query_cli = run_measured(
                [*command, "query", ANALYST_QUERY, "--data", str(out), "--format", "csv"],
                args.timeout,
            )
            if figures.query_cli.returncode != 0:
                print("dcatgen query failed:\n" + figures.query_cli.tail(), file=sys.stderr)
            print("starting dcatgen serve OUT…", flush=True)

            def rebuild_while_served() -> float:
                change_one_register(data)
                return run_measured(build, args.timeout).wall_s

            try:
                figures.serve = measure_serve(
                    command,
                    out,
                    query_files().get(SERVE_QUERY, ANALYST_QUERY),
                    args.timeout or 900.0,
                    None if args.no_rebuild else rebuild_while_served,
                )
            except (RuntimeError, OSError) as problem:
                print(f"dcatgen serve failed: {problem}", file=sys.stderr)

        print()
        counts = parse_counts(figures.dcatgen.stdout)
        print(
            f"dcatgen benchmark: {figures.registers:,} registers, {figures.organisations:,} "
            f"organisations, {counts.get('triples', 0):,} triples, {figures.layout} layout; "
            f"{figures.machine.get('nproc')} cores, {figures.machine.get('memory_gb')} GB, "
            f"Python {figures.machine.get('python')}, commit {figures.machine.get('commit')}"
        )
        for line in table(figures):
            print(line)
        if args.json is not None:
            args.json.write_text(
                json.dumps(figures.to_json(), indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            print(f"wrote {args.json}")
        return 0 if built else 1


if __name__ == "__main__":
    sys.exit(main())
