"""A partition: one description file loaded, mapped, validated and serialised in a worker.

The shapes are per node and a partition holds every node its registers mention, so
per-partition validation gives exactly the findings of whole-catalog validation
(tests/test_partitions.py proves it).  Nodes that partitions share (code-list values) travel
back as triples, to be written once.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dcatgen import __version__
from dcatgen.build.results import Summary
from dcatgen.build.writer import CatalogWriter
from dcatgen.errors import InputError, Problem
from dcatgen.history import ledger as change_ledger
from dcatgen.mapping.tables import Iris, description_triples
from dcatgen.model.description import Description
from dcatgen.model.load import Source, load_file
from dcatgen.quality import output as quality_output
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import canonical, fragments, grouped
from dcatgen.rdf.terms import Triple
from dcatgen.site.output import SiteWriter, write_site
from dcatgen.validation.findings import Finding, Severity
from dcatgen.validation.locate import Locator, locate, unplaced_findings
from dcatgen.validation.run import run_engine

PARALLEL_THRESHOLD = 2000
"""Below this many registers, one process is faster than starting a pool."""

# --- partitions --------------------------------------------------------------------------


@dataclass
class Partition:
    """What one description file contributes: counts, findings, shared nodes, fragments."""

    file: str
    digest: str
    registers: int
    triples: int
    findings: list[Finding]
    shared_triples: list[Triple]
    shared_findings: list[Finding]
    fragments: dict[Format, bytes]
    timings: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    gaps: dict[str, int] = field(default_factory=dict)
    catalog: CatalogWriter | None = None
    site: SiteWriter | None = None
    """The organisation's pages, written by the worker into a temporary folder."""
    """The partition's own catalog, written and closed by the worker, not yet installed."""
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)
    about: dict[str, Any] = field(default_factory=dict)
    """The organisation's id and base IRI (to refuse clashes), the catalog's and the
    organisation's IRIs and names (for the index)."""
    history: change_ledger.OrganisationRecord | None = None
    """The organisation's ledger record after this build (None without a ledger)."""


@dataclass(frozen=True)
class Job:
    """One partition to process, and how."""

    file: str
    digest: str
    engine: str
    formats: tuple[Format, ...]
    summary_only: bool = False
    """Send back counts and violations only (a build prints no warnings)."""
    write_to: str = ""
    """Per-description layout: write the whole catalog (shared nodes too) into this folder
    as temporary files, for the main process to install; no fragments travel back."""
    stem: str = "catalog"
    site: str = ""
    """Write the organisation's pages under this folder (OUT/site); '' for no site."""
    link_gaps: bool = False
    day: str = ""
    """The build's day for the change ledger ('' for no dates)."""
    history: str = ""
    """The organisation's previous ledger record as JSON ('' when the ledger has none)."""
    history_file: str = ""
    """The description file as the ledger names it (relative to the data folder)."""
    quality: str = ""
    """Write the quality graph's pieces at this path stem (see quality/output.py); '' not."""


def process(job: Job) -> Partition | list[Problem]:
    """Load, map, validate and serialise one description file (runs in a worker)."""
    # Per-partition objects die by reference counting; cycle collection only costs time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _process(job)
    finally:
        if collecting:
            gc.enable()


def _process(job: Job) -> Partition | list[Problem]:
    started = time.perf_counter()
    try:
        source = load_file(Path(job.file))
    except InputError as error:
        return error.problems
    loaded = time.perf_counter()
    description = source.description
    triples, record = _mapped(job, description)
    base = "<" + str(description.organisation.base_iri)
    own = [triple for triple in triples if triple[0].startswith(base)]
    shared = [triple for triple in triples if not triple[0].startswith(base)]
    mapped = time.perf_counter()
    checked = _validated(job, source, triples)
    validated = time.perf_counter()
    bodies, catalog, outputs = _serialised(job, own, shared)
    if job.quality:
        quality_output.write_piece(Path(job.quality), description, triples, checked.violated)
    serialised = time.perf_counter()
    site = None
    if job.site:
        key = hashlib.sha256(f"{job.file}|{job.digest}".encode()).hexdigest()
        # The pages show the description as written (`serve` renders them from YAML alone):
        # the ledger's dates stay out of them.
        undated = change_ledger.without_dates(triples) if record is not None else triples
        site = write_site(Path(job.site), key, description, undated, job.link_gaps)
    rendered = time.perf_counter()
    return Partition(
        file=job.file,
        digest=job.digest,
        registers=len(description.registers()),
        triples=len(own),
        findings=checked.own,
        shared_triples=shared,
        shared_findings=checked.shared,
        fragments=bodies,
        catalog=catalog,
        site=site,
        outputs=outputs,
        about=_about(description),
        counts=checked.tally.counts,
        gaps=checked.tally.gaps,
        history=record,
        timings={
            "load": loaded - started,
            "map": mapped - loaded,
            "validate": validated - mapped,
            "serialize": serialised - validated,
            "site": rendered - serialised,
        },
    )


def _mapped(
    job: Job, description: Description
) -> tuple[list[Triple], change_ledger.OrganisationRecord | None]:
    """The description's triples (with the ledger's dates when the build keeps one), and its
    ledger record after this build."""
    record = None
    triples = description_triples(description)
    if job.day:
        previous = change_ledger.pick(change_ledger.records_from_text(job.history), description)
        record = change_ledger.update(previous, description, job.history_file, job.day)
        triples += change_ledger.date_triples(record)
    return grouped(triples), record


@dataclass
class _Checked:
    """A partition's findings: on its own nodes (located) and on shared ones, and counts."""

    own: list[Finding] = field(default_factory=list)
    shared: list[Finding] = field(default_factory=list)
    tally: Summary = field(default_factory=Summary)
    violated: list[str] = field(default_factory=list)
    """Focus nodes of violations, for the DCAT-AP compliance metric of the quality graph."""


def _validated(job: Job, source: Source, triples: list[Triple]) -> _Checked:
    locator = Locator(source)
    checked = _Checked()
    for finding in run_engine(job.engine, triples):
        if finding.severity is Severity.VIOLATION:
            checked.violated.append(finding.focus_node.strip("<>"))
        if not locator.owns(finding.focus_node):
            checked.shared.append(finding)
            continue
        if job.summary_only:  # a build prints no warnings: count them, keep the violations
            checked.tally.add([finding])
            if finding.severity is not Severity.VIOLATION:
                continue
        checked.own.append(locate(finding, [locator], positions=False))
    unplaced = unplaced_findings([source])
    if job.summary_only:
        checked.tally.add(unplaced)
    else:
        checked.own.extend(unplaced)
    return checked


def _serialised(
    job: Job, own: list[Triple], shared: list[Triple]
) -> tuple[dict[Format, bytes], CatalogWriter | None, dict[str, tuple[int, int]]]:
    """The partition's fragments; per description, its whole catalog written instead (then
    no fragments travel back), with each file's stamp."""
    bodies = fragments(own, job.formats)
    if not job.write_to:
        return bodies, None, {}
    catalog = CatalogWriter(Path(job.write_to), job.stem, job.formats)
    try:
        catalog.add(bodies)
        catalog.add(fragments(canonical(shared), job.formats))
        outputs = catalog.close()
    except BaseException:
        catalog.discard()
        raise
    return {}, catalog, outputs


def _about(description: Description) -> dict[str, Any]:
    iris = Iris(str(description.organisation.base_iri))
    return {
        "id": description.organisation.id,
        "base": iris.base,
        "catalog": iris.catalog[1:-1],
        "organisation": iris.organisation[1:-1],
        "name": dict(description.organisation.name),
    }


def code_digest() -> str:
    """A digest of everything besides the input that shapes the output: code and shapes."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("dcatgen")
    for name in ("__init__.py", "errors.py"):
        digest.update(package.joinpath(name).read_bytes())
    # The packages whose code shapes a build's bytes, and the shapes, vocabulary and code lists.
    for folder in (
        "model",
        "rdf",
        "mapping",
        "build",
        "validation",
        "resources",
        "history",
        "quality",
    ):
        _digest_tree(digest, package.joinpath(folder))
    _digest_tree(digest, package.joinpath("site"))  # summary messages and the site's pages
    return digest.hexdigest()


def _digest_tree(digest: Any, folder: Any) -> None:
    """Feed every file under a package folder, by sorted name, into a digest."""
    for entry in sorted(folder.iterdir(), key=lambda e: str(e.name)):
        if entry.is_dir():
            if entry.name != "__pycache__":
                _digest_tree(digest, entry)
        else:
            digest.update(str(entry.name).encode() + b"\0" + entry.read_bytes())


def file_digest(path: Path, salt: str) -> str:
    """The content hash of one description file, salted with the code digest and options."""
    return hashlib.sha256(salt.encode() + path.read_bytes()).hexdigest()


def default_workers(files: Sequence[Path]) -> int:
    """One worker per core for large inputs; one process (no pool to start) for small ones."""
    estimated_registers = sum(path.stat().st_size for path in files) // 1500  # bytes/register
    return (os.cpu_count() or 1) if estimated_registers >= PARALLEL_THRESHOLD else 1


def run_partitions(jobs: list[Job], workers: int) -> Iterator[Partition | list[Problem]]:
    """Process jobs in order, in a pool of forked workers when there are several."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(process, jobs)
        return
    # fork: workers inherit the parsed and compiled shapes instead of rebuilding them.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(process, jobs, chunksize=1)
