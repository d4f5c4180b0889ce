"""The whole run: load → map → validate → serialise, one partition per description file.

The parts, each in its own module of this package: a partition is one description file
processed in a worker (partition.py); the output layouts (layouts.py, outputs.py) write the
partitions' catalogs through generation folders that switch as a set (writer.py); the manifest
(manifest.py) lets the next build re-process only changed files; results.py counts what was
found.  This module plans a build, runs the partitions through the output, and cleans up.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dcatgen.build.layouts import (
    COMBINED,
    LAYOUTS,
    PER_DESCRIPTION,
    clashes,
    description_folder,
    refuse_shared_folders,
    refuse_unsafe_folders,
)
from dcatgen.build.manifest import Entry, Previous, read_manifest, write_manifest
from dcatgen.build.outputs import CombinedOutput, PerDescriptionOutput
from dcatgen.build.partition import (
    Job,
    Partition,
    code_digest,
    default_workers,
    file_digest,
    run_partitions,
)
from dcatgen.build.results import BuildResult, Summary
from dcatgen.build.writer import remove_outputs, remove_stale_generations
from dcatgen.errors import InputError, OutputError, Problem
from dcatgen.history import ledger as change_ledger
from dcatgen.model.load import description_files
from dcatgen.quality import output as quality_output
from dcatgen.rdf.formats import Format
from dcatgen.site.output import SITE, SiteWriter, install_site, site_intact
from dcatgen.validation.findings import Finding, Report
from dcatgen.validation.run import DEFAULT_ENGINE, run_engine

__all__ = ["COMBINED", "LAYOUTS", "PER_DESCRIPTION", "BuildOptions", "build", "validate_all"]


@dataclass(frozen=True)
class BuildOptions:
    """How to build: everything besides what to read and where to write."""

    force: bool = False
    """Write even when there are violations."""
    formats: tuple[Format, ...] = tuple(Format)
    stem: str = "catalog"
    engine: str = DEFAULT_ENGINE
    workers: int | None = None
    """Worker processes; None: one per core for large inputs, none for small ones."""
    layout: str = COMBINED
    site: bool = True
    """Write each organisation's web pages to OUT/site/<organisation id>/."""
    link_gaps: bool = False
    """Link the publisher's §28 gaps page from the public pages."""
    history: Path | bool | None = True
    """The change ledger giving the dates (True: DATA/history.json; a path; None or False:
    no ledger, no dates); it is updated when the build writes its outputs."""

    def salt(self) -> str:
        """What besides a file's bytes decides its output: code, shapes and these options."""
        labels = ",".join(f.label for f in self.formats)
        return f"{code_digest()}|{self.engine}|{labels}|{self.site}|{self.link_gaps}"


def build(
    target: Path,
    out_dir: Path,
    force: bool = False,
    formats: Sequence[Format] = tuple(Format),
    stem: str = "catalog",
    engine: str = DEFAULT_ENGINE,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    layout: str = COMBINED,
    site: bool = True,
    link_gaps: bool = False,
    history: Path | bool | None = True,
    store: bool = True,
) -> BuildResult:
    """Build catalogs from descriptions; write nothing when violations are found unless forced.

    With ``store``, the query store beside the catalogs is brought up to date once they are
    in place (dcatgen.sparql.persisted: what `serve` and `query` open instead of parsing).

    With ``site``, each organisation's web pages go to OUT/site/<organisation id>/ (in either
    layout); ``link_gaps`` links the publisher's §28 gaps page from the public pages.
    ``history`` is the change ledger giving the dates (True: DATA/history.json; a path; None
    or False: no ledger, no dates); it is updated when the build writes its outputs.

    Raises InputError (with every problem of every file) on bad input, and OutputError when
    OUT cannot be written (a file in the way, no permission, a full disk): the previous
    output then stands as it was, and folders this build created are removed again.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    options = BuildOptions(
        force, tuple(formats), stem, engine, workers, layout, site, link_gaps, history
    )
    created = _prepare_output_folder(out_dir)
    result: BuildResult | None = None
    try:
        remove_stale_generations(out_dir, stem)
        result = _build(_plan(target, out_dir, options), progress)
        if store and stem == "catalog" and (result.written or result.up_to_date):
            from dcatgen.sparql import persisted

            started = time.perf_counter()
            result.store = persisted.refresh(out_dir)
            result.timings["store"] = time.perf_counter() - started
        return result
    except OSError as error:
        raise OutputError.from_os_error(out_dir, error) from error
    finally:
        if result is None or not result.written:
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty: nothing of a previous build is lost


def _prepare_output_folder(out_dir: Path) -> list[Path]:
    """Create OUT (and missing parents); return the folders created, outermost first."""
    missing: list[Path] = []
    folder = out_dir
    while not folder.exists():
        if folder.is_symlink():  # a dangling link
            raise OutputError(out_dir, f"{folder} is a broken symbolic link")
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            out_dir, f"{folder} is a file, not a folder: choose another output folder with -o"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError.from_os_error(out_dir, error) from error
    try:  # a real write says why not (read-only, permission) where os.access cannot
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:
        raise OutputError.from_os_error(out_dir, error) from error
    return list(reversed(missing))


@dataclass
class _Plan:
    """What a build will do: the files in order, which are reused, which are processed."""

    target: Path
    out_dir: Path
    options: BuildOptions
    files: list[Path]
    keys: dict[Path, str]
    """The manifest knows a file by its resolved path, however the target was spelled."""
    folders: dict[str, str]
    salt: str
    previous: Previous
    reusable: dict[str, Entry]
    jobs: list[Job]
    history: _History

    @property
    def site_dir(self) -> Path:
        """Where the organisations' web pages go."""
        return self.out_dir / SITE

    @property
    def given(self) -> dict[str, Path]:
        """Each description file by the name the manifest knows it by."""
        return {key: path for path, key in self.keys.items()}

    def output(self) -> CombinedOutput | PerDescriptionOutput:
        """The output of this plan's layout."""
        options = self.options
        if options.layout == PER_DESCRIPTION:
            return PerDescriptionOutput(
                self.out_dir, options.stem, options.formats, self.target, self.given, self.folders
            )
        unchanged = (
            not self.jobs
            and list(self.previous.entries) == list(self.keys.values())
            and "ranges" in self.previous.shared
        )
        return CombinedOutput(self.out_dir, options.stem, options.formats, unchanged)


@dataclass
class _History:
    """The change ledger as this build uses it: where it is, its records, the build's day."""

    ledger: change_ledger.Ledger
    day: str
    """'' when there is no ledger (and so no dates)."""
    names: dict[str, str]
    """Description files (by manifest key) as the ledger names them."""
    records: dict[str, str]
    """Each file's previous ledger record as text ('' when the ledger has none)."""
    new_records: list[change_ledger.OrganisationRecord] = field(default_factory=list)

    @classmethod
    def read(cls, target: Path, keys: dict[Path, str], history: Path | bool | None) -> _History:
        """The ledger of a build (True: DATA/history.json)."""
        path = change_ledger.default_path(target) if history is True else history or None
        ledger = change_ledger.read_ledger(path)
        day = change_ledger.today() if path is not None else ""
        names = {keys[p]: change_ledger.relative_name(target, p) for p in keys}
        records = change_ledger.records_by_file(ledger, names) if day else {}
        return cls(ledger, day, names, records)


def _plan(target: Path, out_dir: Path, options: BuildOptions) -> _Plan:
    files = description_files(target)
    salt = options.salt()
    keys = {path: str(path.resolve()) for path in files}
    history = _History.read(target, keys, options.history)
    # A file's digest is salted with its ledger record: a changed record is a changed output.
    digests = {
        keys[path]: file_digest(path, salt + history.records.get(keys[path], "")) for path in files
    }
    separate = options.layout == PER_DESCRIPTION
    folders = {keys[path]: description_folder(target, path) for path in files}
    if separate:
        refuse_unsafe_folders(folders, {key: path for path, key in keys.items()})
        refuse_shared_folders(folders, options.site)
    previous = read_manifest(out_dir, options.stem, salt, options.formats, options.layout)
    reusable = {
        name: entry
        for name, entry in previous.entries.items()
        if name in digests
        and entry.digest == digests[name]
        and entry.folder == (folders[name] if separate else "")
        and (not options.site or site_intact(out_dir / SITE, entry.site))
        and quality_output.has_piece(out_dir, folders[name])
    }
    jobs = [
        Job(
            str(path),
            digests[keys[path]],
            options.engine,
            options.formats,
            summary_only=True,
            write_to=str(out_dir / folders[keys[path]]) if separate else "",
            stem=options.stem,
            site=str(out_dir / SITE) if options.site else "",
            link_gaps=options.link_gaps,
            day=history.day,
            history=history.records.get(keys[path], ""),
            history_file=history.names[keys[path]],
            quality=str(quality_output.piece_stem(out_dir, folders[keys[path]])),
        )
        for path in files
        if keys[path] not in reusable
    ]
    return _Plan(
        target, out_dir, options, files, keys, folders, salt, previous, reusable, jobs, history
    )


@dataclass
class _Collected:
    """Every partition's entry, in file order, and what they found together."""

    summary: Summary
    entries: list[Entry] = field(default_factory=list)
    shared: set[str] = field(default_factory=set)
    """N-Triples lines of the nodes partitions share (written once)."""
    shared_findings: dict[tuple[object, ...], Finding] = field(default_factory=dict)
    pending_sites: list[tuple[SiteWriter, dict[str, object]]] = field(default_factory=list)
    timings: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("load", "map", "validate", "serialize", "site"), 0.0)
    )

    def reused(self, entry: Entry) -> None:
        """Count in a partition unchanged since the previous build."""
        self.summary.reused += 1
        self.summary.include(entry, [Finding.from_record(v) for v in entry.violations])
        for data in entry.shared_findings:
            found = Finding.from_record(data)
            self.shared_findings[found.identity()] = found

    def processed(self, part: Partition, entry: Entry) -> None:
        """Count in a partition processed now."""
        for stage, seconds in part.timings.items():
            self.timings[stage] += seconds
        self.summary.include(part, part.findings)
        for found in part.shared_findings:
            self.shared_findings[found.identity()] = found
        if part.site is not None:
            self.pending_sites.append((part.site, entry.site))


def _collect(
    plan: _Plan,
    output: CombinedOutput | PerDescriptionOutput,
    collected: _Collected,
    progress: Callable[[int], None] | None,
) -> None:
    """Run the partitions through the output in file order; raise on bad input."""
    workers = plan.options.workers
    results = run_partitions(plan.jobs, default_workers(plan.files) if workers is None else workers)
    problems: list[Problem] = []
    for index, path in enumerate(plan.files, start=1):
        name = plan.keys[path]
        if name in plan.reusable:
            entry = plan.reusable[name]
            collected.reused(entry)
            output.reuse(entry)
        else:
            part = next(results)
            if isinstance(part, list):
                problems.extend(part)
                continue
            if part.history is not None:
                plan.history.new_records.append(part.history)
                # Salted with the record after this build: the next one reuses the output.
                text = change_ledger.records_text([part.history])
                part.digest = file_digest(path, plan.salt + text)
            entry = Entry.of(name, part)
            collected.processed(part, entry)
            output.add(entry, part)
        collected.shared.update(entry.shared_triples.splitlines())
        collected.entries.append(entry)
        if progress is not None:
            progress(index)
    given = plan.given
    problems.extend(clashes([(str(given[e.file]), e.about) for e in collected.entries]))
    if problems:
        raise InputError(problems)
    collected.summary.triples += len(collected.shared)  # distinct triples, whatever the layout
    collected.summary.add(sorted(collected.shared_findings.values(), key=Finding.sort_key))


def _build(plan: _Plan, progress: Callable[[int], None] | None) -> BuildResult:
    """The build itself (see build): reuse, process, write, install, clean up."""
    started = time.perf_counter()
    options = plan.options
    if plan.jobs:
        run_engine(options.engine, [])  # parse and compile the shapes before any fork
    output = plan.output()
    committed = False
    collected = _Collected(Summary(descriptions=len(plan.files)))
    try:
        _collect(plan, output, collected, progress)
        committed = collected.summary.conforms or options.force
        written = output.finish(collected.entries, collected.shared, plan.previous, committed)
        if committed:
            written.extend(_after_commit(plan))
        site_pages = 0
        if committed and (options.site or plan.previous.site_folders):
            site_pages = install_site(
                plan.site_dir,
                collected.pending_sites,
                [entry.site for entry in collected.entries],
                plan.previous.site_folders,
            )
    finally:
        # Whatever stopped the build (violations, a full disk, an interrupt), generations
        # that were not switched to are deleted; switched ones are the output now.
        output.discard()
        if not committed:
            for pages, _ in collected.pending_sites:
                pages.discard()
            quality_output.discard(plan.out_dir)
    if written:
        remove_outputs(output.stale(plan.previous, collected.entries), plan.out_dir, options.stem)
        write_manifest(
            plan.out_dir,
            options.stem,
            plan.salt,
            options.formats,
            options.layout,
            collected.entries,
            output.shared_record,
        )
    if isinstance(output, PerDescriptionOutput):
        collected.summary.catalogs_written = output.written_catalogs
    timings = {**collected.timings, "total": time.perf_counter() - started}
    up_to_date = isinstance(output, CombinedOutput) and output.unchanged and committed
    return BuildResult(collected.summary, written, timings, up_to_date, site_pages)


def _after_commit(plan: _Plan) -> list[Path]:
    """Once the outputs are the new ones: the ledger learns this build, the quality graph
    is installed (its files are returned)."""
    history = plan.history
    if history.day:
        change_ledger.after_build(
            history.ledger, history.new_records, set(history.names.values()), history.day
        )
    order = [plan.folders[plan.keys[p]] for p in plan.files]
    fresh = {plan.folders[plan.keys[p]] for p in plan.files if plan.keys[p] not in plan.reusable}
    separate = plan.options.layout == PER_DESCRIPTION
    return quality_output.install(plan.out_dir, order, fresh, separate)


def validate_all(
    target: Path, engine: str = DEFAULT_ENGINE, workers: int | None = None
) -> tuple[Summary, Report]:
    """Validate every description under a path, partitioned like build; nothing is written."""
    files = description_files(target)
    if workers is None:
        workers = default_workers(files)
    run_engine(engine, [])
    summary = Summary(descriptions=len(files))
    problems: list[Problem] = []
    findings: list[Finding] = []
    shared: dict[tuple[object, ...], Finding] = {}
    abouts: list[tuple[str, dict[str, object]]] = []
    # Dates as a build would write them now (the ledger is only read), so that validate
    # reports what build does.
    history = _History.read(target, {p: str(p) for p in files}, True)
    jobs = [
        Job(
            str(p),
            "",
            engine,
            (),
            day=history.day,
            history=history.records.get(str(p), ""),
            history_file=history.names[str(p)],
        )
        for p in files
    ]
    for result in run_partitions(jobs, workers):
        if isinstance(result, list):
            problems.extend(result)
            continue
        abouts.append((result.file, result.about))
        summary.registers += result.registers
        summary.triples += result.triples
        findings.extend(result.findings)
        for found in result.shared_findings:
            shared[found.identity()] = found
    problems.extend(clashes(abouts))
    if problems:
        raise InputError(problems)
    findings.extend(shared.values())
    summary.add(findings)
    return summary, Report(sorted(findings, key=Finding.sort_key))
