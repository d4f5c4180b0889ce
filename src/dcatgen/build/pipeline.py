"""The whole run: load → map → validate → serialise, one partition per description file.

Each description file is a partition, processed in a worker process: loaded, mapped,
validated and serialised into fragments.  The shapes are per node and a partition holds
every node its registers mention, so per-partition validation gives exactly the
findings of whole-catalog validation (tests/test_partitions.py proves it).

Two output layouts.  Combined: the main process streams fragments into the four output
files in file order and writes the nodes that partitions share (code-list values) once, at
the end.  Per description: each worker writes its partition's whole catalog into its own
folder as temporary files, which the main process renames into place once the build
conforms (or is forced), and OUT/index.json lists them.

A manifest beside the output records each partition's content hash and, in the combined
layout, where its fragments lie in the files; the next build re-processes only changed
files and copies the rest from the previous output (combined) or leaves them be.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

from dcatgen import __version__
from dcatgen.build.mapping import Iris, description_triples
from dcatgen.errors import InputError, OutputError, Position, Problem
from dcatgen.history import ledger as change_ledger
from dcatgen.model.load import (
    FieldPath,
    Source,
    claimed_twice,
    description_files,
    dotted,
    load,
    load_file,
    organisation_clashes,
)
from dcatgen.quality import output as quality_output
from dcatgen.rdf.serialize import (
    Format,
    canonical,
    fragments,
    frame,
    grouped,
    umask,
    write_atomic,
)
from dcatgen.rdf.terms import Triple
from dcatgen.site.output import SITE, SiteWriter, install_site, site_intact, write_site
from dcatgen.validation.report import (
    DEFAULT_ENGINE,
    Finding,
    Locator,
    Report,
    Severity,
    locate,
    run_engine,
    unplaced_findings,
)

MANIFEST_VERSION = 7
LARGE_FILE = 64 * 1024 * 1024
"""Outputs larger than this are deleted in the background when replaced."""
PLACEHOLDER_IRI_SPACE = "https://w3id.org/dcatgen/"
"""The IRI space the examples use.  It is not registered with w3id.org, so its IRIs do not
resolve; and changing a catalog's IRIs later makes harvesters delete and recreate every
dataset, so a build that uses it says so."""
PARALLEL_THRESHOLD = 2000
"""Below this many registers, one process is faster than starting a pool."""


# --- in-memory catalogs (small inputs, serve, query) -----------------------------------------


@dataclass
class Catalog:
    """Loaded sources and the canonical triples of their catalogs."""

    sources: list[Source]
    triples: list[Triple]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def registers(self) -> int:
        """How many registers (datasets) the catalogs hold."""
        return sum(len(source.description.registers()) for source in self.sources)


def make_catalog(target: Path) -> Catalog:
    """Load descriptions under a path and map them to canonical triples, in memory."""
    started = time.perf_counter()
    sources = load(target)
    loaded = time.perf_counter()
    dates = change_ledger.dates_for_sources(target, sources)  # read-only: the ledger stays as it is
    triples = grouped(
        [triple for source in sources for triple in description_triples(source.description)] + dates
    )
    mapped = time.perf_counter()
    return Catalog(sources, triples, {"load": loaded - started, "map": mapped - loaded})


def check(catalog: Catalog, engine: str = DEFAULT_ENGINE) -> Report:
    """Validate an in-memory catalog against every shape; time it."""
    started = time.perf_counter()
    findings = run_engine(engine, catalog.triples)
    locators = [Locator(source) for source in catalog.sources]
    located = sorted((locate(f, locators) for f in findings), key=Finding.sort_key)
    catalog.timings["validate"] = time.perf_counter() - started
    return Report([*located, *unplaced_findings(catalog.sources)])


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
    record = None
    mapped_triples = description_triples(description)
    if job.day:
        previous = change_ledger.record_from_text(job.history)
        record = change_ledger.update(previous, description, job.history_file, job.day)
        mapped_triples += change_ledger.date_triples(record)
    triples = grouped(mapped_triples)
    base = "<" + str(description.organisation.base_iri)
    own = [triple for triple in triples if triple[0].startswith(base)]
    shared = [triple for triple in triples if not triple[0].startswith(base)]
    mapped = time.perf_counter()
    locator = Locator(source)
    own_findings: list[Finding] = []
    shared_findings: list[Finding] = []
    tally = Summary()
    violated: list[str] = []  # focus nodes of violations, for the DCAT-AP compliance metric
    for finding in run_engine(job.engine, triples):
        if finding.severity is Severity.VIOLATION:
            violated.append(finding.focus_node.strip("<>"))
        if not locator.owns(finding.focus_node):
            shared_findings.append(finding)
            continue
        if job.summary_only:
            tally.add([finding])
            if finding.severity is not Severity.VIOLATION:
                continue
        own_findings.append(locate(finding, [locator], positions=False))
    unplaced = unplaced_findings([source])
    if job.summary_only:
        tally.add(unplaced)
    else:
        own_findings.extend(unplaced)
    validated = time.perf_counter()
    bodies = fragments(own, job.formats)
    catalog = None
    outputs = {}
    if job.write_to:
        catalog = CatalogWriter(Path(job.write_to), job.stem, job.formats)
        try:
            catalog.add(bodies)
            catalog.add(fragments(canonical(shared), job.formats))
            outputs = catalog.close()
        except BaseException:
            catalog.discard()
            raise
        bodies = {}
    if job.quality:
        quality_output.write_piece(Path(job.quality), description, triples, violated)
    serialised = time.perf_counter()
    site = None
    if job.site:
        key = hashlib.sha256(f"{job.file}|{job.digest}".encode()).hexdigest()
        # The pages show the description as written (`serve` renders them from YAML alone):
        # the ledger's dates stay out of them.
        undated = change_ledger.without_dates(triples) if record is not None else triples
        site = write_site(Path(job.site), key, description, undated, job.link_gaps)
    rendered = time.perf_counter()
    iris = Iris(str(description.organisation.base_iri))
    return Partition(
        file=job.file,
        digest=job.digest,
        registers=len(description.registers()),
        triples=len(own),
        findings=own_findings,
        shared_triples=shared,
        shared_findings=shared_findings,
        fragments=bodies,
        catalog=catalog,
        site=site,
        outputs=outputs,
        about={
            "id": description.organisation.id,
            "base": iris.base,
            "catalog": iris.catalog[1:-1],
            "organisation": iris.organisation[1:-1],
            "name": dict(description.organisation.name),
        },
        counts=tally.counts,
        gaps=tally.gaps,
        history=record,
        timings={
            "load": loaded - started,
            "map": mapped - loaded,
            "validate": validated - mapped,
            "serialize": serialised - validated,
            "site": rendered - serialised,
        },
    )


def code_digest() -> str:
    """A digest of everything besides the input that shapes the output: code and shapes."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("dcatgen")
    for name in ("__init__.py", "errors.py"):
        digest.update(package.joinpath(name).read_bytes())
    # The packages whose code shapes a build's bytes, and the shapes, vocabulary and code lists.
    for folder in ("model", "rdf", "build", "validation", "resources", "history", "quality"):
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


# --- the manifest of a previous build ----------------------------------------------------

COMBINED = "combined"
PER_DESCRIPTION = "per-description"
LAYOUTS = (COMBINED, PER_DESCRIPTION)
"""combined: OUT/catalog.* hold every description's catalog.  per-description:
OUT/<description>/catalog.* hold one catalog each, listed in OUT/index.json."""
INDEX = "index.json"


@dataclass
class Entry:
    """One partition as recorded in the manifest: enough to reuse it without re-processing."""

    file: str
    digest: str
    registers: int
    triples: int
    counts: dict[str, int]
    gaps: dict[str, int]
    violations: list[dict[str, Any]]
    shared_triples: str
    """The shared nodes' triples as N-Triples text, parsed only when the combined file needs
    them (a manifest of a national build then reads in well under a second)."""
    shared_findings: list[dict[str, Any]]
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Combined layout: where the partition's fragments lie in each output file."""
    folder: str = ""
    """Per-description layout: the partition's folder under OUT."""
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per-description layout: (size, mtime_ns) of each file written, to notice edits."""
    about: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    """The organisation's site folder, the digest of its listing, its front-page entry."""


@dataclass
class Previous:
    """What the previous build into a folder left: reusable entries, and the files it wrote."""

    entries: dict[str, Entry] = field(default_factory=dict)
    written: dict[str, list[Path]] = field(default_factory=dict)
    """Files written by the previous build, by description file ("" for shared files)."""
    shared: dict[str, Any] = field(default_factory=dict)
    """Combined layout: the digest of the shared nodes and where they lie in the files."""
    site_folders: set[str] = field(default_factory=set)
    """The organisation folders the previous build wrote under OUT/site."""


def _to_ntriples(triples: Sequence[Triple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def _from_ntriples(text: str) -> list[Triple]:
    triples: list[Triple] = []
    for line in text.splitlines():
        subject, predicate, rest = line.split(" ", 2)  # IRIs and blank nodes hold no spaces
        triples.append((subject, predicate, rest[:-2]))
    return triples


def _finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity.label,
        "register": finding.register,
        "focus_node": finding.focus_node,
        "path": finding.path,
        "component": finding.component,
        "message": finding.message,
        "shape": finding.shape,
        "value": finding.value,
        "field": finding.field,
        "file": finding.file,
        "field_path": list(finding.field_path) if finding.field_path else None,
    }


def _finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding(
        severity=Severity[data["severity"].upper()],
        register=data["register"],
        focus_node=data["focus_node"],
        path=data["path"],
        component=data["component"],
        message=data["message"],
        shape=data["shape"],
        value=data["value"],
        field=data["field"],
        file=data["file"],
        field_path=tuple(data["field_path"]) if data["field_path"] else None,
    )


def _manifest_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f".{stem}.manifest.json"


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def read_manifest(
    out_dir: Path,
    stem: str,
    salt: str,
    formats: Sequence[Format],
    layout: str = COMBINED,
) -> Previous:
    """The previous build's files, and its entries that are reusable now.

    Nothing is reusable after a change of code, shapes, options or layout.  In the combined
    layout an edited output file makes every entry stale; per description, only its own.
    """
    path = _manifest_path(out_dir, stem)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Previous()
    if data.get("version") != MANIFEST_VERSION:
        return Previous()
    recorded = [Format.from_name(label) for label in data["formats"]]
    previous = Previous()
    previous.site_folders = {item["site"]["folder"] for item in data["files"] if item.get("site")}
    if data["layout"] == COMBINED:
        previous.written[""] = [out_dir / f.file_name(stem) for f in recorded]
    else:
        previous.written[""] = [out_dir / INDEX]
        for item in data["files"]:
            folder = out_dir / item["folder"]
            previous.written[item["file"]] = [folder / f.file_name(stem) for f in recorded]
    if (data["salt"], recorded, data["layout"]) != (salt, list(formats), layout):
        return previous
    if layout == COMBINED:
        for format in formats:
            try:
                if tuple(data["outputs"][format.label]) != _stamp(out_dir / format.file_name(stem)):
                    return previous  # edited or replaced since: rebuild everything
            except OSError:
                return previous
    for item in data["files"]:
        item["ranges"] = {k: tuple(v) for k, v in item["ranges"].items()}
        item["outputs"] = {k: tuple(v) for k, v in item["outputs"].items()}
        entry = Entry(**item)
        if layout == PER_DESCRIPTION:
            try:
                stamps = {
                    f.label: _stamp(out_dir / entry.folder / f.file_name(stem)) for f in formats
                }
            except OSError:
                continue
            if stamps != entry.outputs:
                continue  # edited since: build this one again
        previous.entries[entry.file] = entry
    previous.shared = data.get("shared", {})
    return previous


def _write_manifest(
    out_dir: Path,
    stem: str,
    salt: str,
    formats: Sequence[Format],
    layout: str,
    entries: list[dict[str, Any]],
    shared: dict[str, Any],
) -> None:
    outputs = {}
    if layout == COMBINED:
        for format in formats:
            outputs[format.label] = _stamp(out_dir / format.file_name(stem))
    document = {
        "version": MANIFEST_VERSION,
        "salt": salt,
        "layout": layout,
        "formats": [f.label for f in formats],
        "outputs": outputs,
        "files": entries,
        "shared": shared,
    }
    write_atomic(
        _manifest_path(out_dir, stem),
        json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        durable=False,  # a lost manifest only costs the next build its reuse
    )


# --- the streaming writer ----------------------------------------------------------------


class CatalogWriter:
    """Streams fragments into a new generation folder; switches the outputs to it at once.

    The outputs (``catalog.ttl`` …) are symbolic links into ``.catalog.current``, itself a
    link to one generation folder (``.catalog.gen-…``) holding every format.  A build writes
    a new generation beside the old one and then replaces the one ``.catalog.current`` link:
    a single rename, so readers, and a build killed at any point, see either the old set of
    files or the new one, never a new ``.ttl`` beside an old ``.nt``.  The old generation is
    then deleted (in the background when large: freeing gigabytes takes seconds).
    """

    def __init__(self, out_dir: Path, stem: str, formats: Sequence[Format]) -> None:
        self.out_dir = out_dir
        self.stem = stem
        self.formats = list(formats)
        out_dir.mkdir(parents=True, exist_ok=True)
        self.paths = {f: out_dir / f.file_name(stem) for f in self.formats}
        self.generation = Path(tempfile.mkdtemp(prefix=f".{stem}.gen-", dir=out_dir))
        os.chmod(self.generation, 0o777 & ~umask())  # mkdtemp makes 0o700: web servers read
        self.temporary = {f: self.generation / f.file_name(stem) for f in self.formats}
        self.streams: dict[Format, IO[bytes]] = {}
        self.previous: dict[Format, IO[bytes]] = {}
        self.nonempty = dict.fromkeys(self.formats, False)
        self.installed = False
        try:
            for format in self.formats:
                stream = open(self.temporary[format], "wb")  # noqa: SIM115 - closed in close()
                self.streams[format] = stream
                stream.write(frame(format).header)
        except BaseException:
            self.discard()
            raise

    def _separate(self, format: Format, size: int) -> None:
        if size and self.nonempty[format]:
            self.streams[format].write(frame(format).separator)
        if size:
            self.nonempty[format] = True

    def add(self, bodies: dict[Format, bytes]) -> dict[str, tuple[int, int]]:
        """Append one partition's fragments; return where each landed."""
        ranges = {}
        for format in self.formats:
            body = bodies[format]
            self._separate(format, len(body))
            stream = self.streams[format]
            ranges[format.label] = (stream.tell(), len(body))
            stream.write(body)
        return ranges

    def splice(self, ranges: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """Copy one partition's fragments from the previous output files."""
        new_ranges = {}
        for format in self.formats:
            offset, length = ranges[format.label]
            self._separate(format, length)
            stream = self.streams[format]
            if format not in self.previous:
                self.previous[format] = open(self.paths[format], "rb")  # noqa: SIM115
            new_ranges[format.label] = (stream.tell(), length)
            stream.flush()
            _copy_range(self.previous[format], stream, offset, length)
        return new_ranges

    def close(self) -> dict[str, tuple[int, int]]:
        """Write the footers and close the files; return each one's (size, mtime_ns)."""
        for stream in self.previous.values():
            stream.close()
        self.previous.clear()
        for format, stream in self.streams.items():
            # No fsync: the switch in install() already means readers never see half a
            # file, and flushing gigabytes to disk would cost a rebuild more than all else.
            stream.write(frame(format).footer)
            stream.close()
        self.streams.clear()
        return {f.label: _stamp(self.temporary[f]) for f in self.formats}

    def discard(self) -> None:
        """Close and remove the new generation; the previous output stays as it was."""
        for stream in (*self.previous.values(), *self.streams.values()):
            with contextlib.suppress(OSError):  # closing flushes, which a full disk refuses
                stream.close()
        self.previous.clear()
        self.streams.clear()
        shutil.rmtree(self.generation, ignore_errors=True)

    def install(self) -> list[Path]:
        """Switch the outputs to the new generation in one rename (see the class)."""
        current = self.out_dir / _current_name(self.stem)
        previous = _generation_of(current)
        if previous is not None and previous.is_dir():
            # A format this build does not write keeps its file from the previous build.
            for kept in previous.iterdir():
                if not (self.generation / kept.name).exists():
                    os.link(kept, self.generation / kept.name)
        _point(current, self.generation.name)  # the switch
        self.installed = True
        for output in sorted(self.generation.iterdir()):
            _point(self.out_dir / output.name, f"{current.name}/{output.name}")
        if previous is not None and previous != self.generation and previous.is_dir():
            _delete_generation(previous)
        return [self.paths[format] for format in self.formats]


def _current_name(stem: str) -> str:
    return f".{stem}.current"


def _generation_of(current: Path) -> Path | None:
    """The generation folder a ``.catalog.current`` link points to, or None."""
    try:
        return current.parent / os.readlink(current)
    except OSError:
        return None


def _point(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target``, replacing what is there in one rename."""
    try:
        if os.readlink(link) == target:
            return
    except OSError:
        pass  # not a link yet (absent, or a file an older dcatgen wrote)
    fresh = link.with_name(f".{link.name}.{os.getpid()}.link")
    fresh.unlink(missing_ok=True)
    os.symlink(target, fresh)
    os.replace(fresh, link)


def _delete_generation(folder: Path) -> None:
    """Delete an old generation folder; in a detached process when it is large."""
    size = sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())
    if size <= LARGE_FILE:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import shutil,sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)",
            str(folder),
        ],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def remove_stale_generations(out_dir: Path, stem: str) -> None:
    """Delete what killed or failed builds left: generation folders no output points to,
    half-made links, and the ``.partial`` files of dcatgen before generations."""
    if not out_dir.is_dir():
        return
    for folder in out_dir.rglob(f".{stem}.gen-*"):
        if folder.is_dir() and _generation_of(folder.parent / _current_name(stem)) != folder:
            shutil.rmtree(folder, ignore_errors=True)
    for leftover in (*out_dir.rglob(".*.link"), *out_dir.rglob(".*.partial")):
        if leftover.is_dir() and not leftover.is_symlink():  # a site folder being written
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _copy_range(source: IO[bytes], target: IO[bytes], offset: int, length: int) -> None:
    """Copy bytes between files in the kernel where possible."""
    copied = 0
    try:
        while copied < length:
            done = os.copy_file_range(
                source.fileno(), target.fileno(), length - copied, offset + copied
            )
            if done == 0:
                break
            copied += done
        target.seek(0, os.SEEK_END)
    except OSError:
        source.seek(offset + copied)
        target.write(source.read(length - copied))
        copied = length
    if copied != length:
        raise OSError(f"previous output ended early while copying {length} bytes")


def _remove_outputs(paths: Sequence[Path], out_dir: Path, stem: str = "catalog") -> None:
    """Delete files an earlier build wrote, and the folders that leaves empty."""
    for path in paths:
        path.unlink(missing_ok=True)
        folder = path.parent
        if not any(folder.glob(f"{stem}.*")):  # no output left here: its generations go too
            current = folder / _current_name(stem)
            generation = _generation_of(current)
            current.unlink(missing_ok=True)
            if generation is not None:
                shutil.rmtree(generation, ignore_errors=True)
        while folder != out_dir and out_dir in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty: something else lives there
                break
            folder = folder.parent


def _clashes(abouts: Sequence[tuple[str, dict[str, Any]]]) -> list[Problem]:
    """Organisations that would mint the same IRIs (see load.organisation_clashes)."""
    found = organisation_clashes([(file, about["id"], about["base"]) for file, about in abouts])
    return [_problem_at(file, field_path, message) for file, field_path, message in found]


def _problem_at(file: str, field_path: FieldPath, message: str) -> Problem:
    # Positions cost a second parse of the file, so they are looked up only for problems.
    position = load_file(Path(file)).position(field_path)
    return Problem(position, dotted(field_path), message)


def _refuse_shared_folders(folders: dict[str, str], site: bool = False) -> None:
    """Two descriptions whose catalogs would land in one folder ('a.yaml', 'a.yml'), or a
    description whose folder would be the site's (OUT/site)."""
    problems = []
    for file, folder, first in claimed_twice(folders.items()):
        message = (
            f"its catalog would go to {folder}/, as that of {first} does: "
            "rename one of the two files"
        )
        problems.append(Problem(Position(Path(file), 1, 1), "", message))
    for file, folder in folders.items():
        if site and folder.split("/")[0] == SITE:
            message = f"its catalog would go to {folder}/, inside the site: rename the file"
            problems.append(Problem(Position(Path(file), 1, 1), "", message))
    if problems:
        raise InputError(problems)


def description_folder(target: Path, path: Path) -> str:
    """Where a description's catalog goes in the per-description layout ('sub/oulu')."""
    return _relative(target, path).with_suffix("").as_posix()


def _refuse_unsafe_folders(folders: dict[str, str], given: dict[str, Path]) -> None:
    """File names that cannot name a folder inside OUT ('...yaml' would be OUT/..)."""
    problems = []
    for name, folder in folders.items():
        parts = folder.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            message = (
                f"this file name cannot name an output folder (it would be {folder!r}, outside "
                "OUT or hidden): rename the file, e.g. to the organisation's id"
            )
            problems.append(Problem(Position(given[name], 1, 1), "", message))
    if problems:
        raise InputError(problems)


def _relative(target: Path, path: Path) -> Path:
    """A description file's path under the target ('sub/oulu.yaml'), or its name alone."""
    return path.relative_to(target) if target.is_dir() else Path(path.name)


# --- the build ---------------------------------------------------------------------------


@dataclass
class Summary:
    """What a build found: counts by severity, §28 gaps, and the violations themselves."""

    descriptions: int = 0
    registers: int = 0
    triples: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("violation", "warning", "info"), 0)
    )
    gaps: dict[str, int] = field(default_factory=dict)
    violations: list[Finding] = field(default_factory=list)
    reused: int = 0
    catalogs_written: int = 0
    """Per-description layout: how many catalogs were written (the others were unchanged)."""
    placeholder_bases: set[str] = field(default_factory=set)
    """Base IRIs under dcatgen's own placeholder space (not registered: see the README)."""

    @property
    def conforms(self) -> bool:
        """True when there are no violations."""
        return self.counts["violation"] == 0

    def text(self) -> str:
        """'N violations, N warnings, N infos'."""
        return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for label, n in self.counts.items())

    def add(self, findings: Sequence[Finding]) -> None:
        """Count findings in."""
        for finding in findings:
            self.counts[finding.severity.label] += 1
            if finding.severity is Severity.VIOLATION:
                self.violations.append(finding)
            if finding.message.startswith("§28 item "):
                item = finding.message.split(":", 1)[0].removeprefix("§28 ")
                self.gaps[item] = self.gaps.get(item, 0) + 1

    def include(self, part: Partition | Entry, violations: Sequence[Finding]) -> None:
        """Count in a partition, processed now or reused from the manifest."""
        self.registers += part.registers
        self.triples += part.triples
        for label, n in part.counts.items():
            self.counts[label] += n
        for item, n in part.gaps.items():
            self.gaps[item] = self.gaps.get(item, 0) + n
        self.violations.extend(violations)
        base = str(part.about.get("base", ""))
        if base.startswith(PLACEHOLDER_IRI_SPACE):
            self.placeholder_bases.add(base)


@dataclass
class BuildResult:
    """What a build did: the summary, the files written (none if refused), timings."""

    summary: Summary
    written: list[Path]
    timings: dict[str, float]
    up_to_date: bool = False
    """Nothing changed since the previous build, whose outputs stand as they are."""
    site_pages: int = 0
    """Files written into OUT/site by this build (pages and the RDF beside them)."""


def default_workers(files: Sequence[Path]) -> int:
    """One worker per core for large inputs; one process (no pool to start) for small ones."""
    estimated_registers = sum(path.stat().st_size for path in files) // 1500  # bytes/register
    return (os.cpu_count() or 1) if estimated_registers >= PARALLEL_THRESHOLD else 1


def _results(jobs: list[Job], workers: int) -> Iterator[Partition | list[Problem]]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(process, jobs)
        return
    # fork: workers inherit the parsed and compiled shapes instead of rebuilding them.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(process, jobs, chunksize=1)


def _count(entry: dict[str, Any], severity: str) -> int:
    """Findings of one severity in a catalog file: its own and those on its shared nodes."""
    shared = sum(1 for found in entry["shared_findings"] if found["severity"] == severity)
    return int(entry["counts"].get(severity, 0)) + shared


def _index(
    target: Path,
    given: dict[str, Path],
    entries: list[dict[str, Any]],
    stem: str,
    formats: Sequence[Format],
) -> bytes:
    """OUT/index.json of the per-description layout: every catalog and its files."""
    catalogs = [
        {
            "description": _relative(target, given[entry["file"]]).as_posix(),
            "catalog": entry["about"]["catalog"],
            "organisation": entry["about"]["organisation"],
            "name": entry["about"]["name"],
            "registers": entry["registers"],
            "triples": entry["triples"] + entry["shared_triples"].count("\n"),
            "violations": _count(entry, "violation"),
            "warnings": _count(entry, "warning"),
            "files": {f.label: f"{entry['folder']}/{f.file_name(stem)}" for f in formats},
        }
        for entry in entries
    ]
    document = {
        "generator": f"dcatgen {__version__}",
        "layout": PER_DESCRIPTION,
        "catalogs": catalogs,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
) -> BuildResult:
    """Build catalogs from descriptions; write nothing when violations are found unless forced.

    With ``site``, each organisation's web pages go to OUT/site/<organisation id>/ (in either
    layout); ``link_gaps`` links the publisher's §28 gaps page from the public pages.
    ``history`` is the change ledger giving the dates (True: DATA/history.json; a path; None
    or False: no ledger, no dates); it is updated when the build writes its outputs.

    Raises InputError (with every problem of every file) on bad input, and OutputError when
    OUT cannot be written (a file in the way, no permission, a full disk): the previous
    output then stands as it was, and folders this build created are removed again.
    """
    created = _prepare_output_folder(out_dir)
    result: BuildResult | None = None
    try:
        remove_stale_generations(out_dir, stem)
        result = _build(
            target,
            out_dir,
            force,
            formats,
            stem,
            engine,
            workers,
            progress,
            layout,
            site,
            link_gaps,
            history,
        )
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


def _build(
    target: Path,
    out_dir: Path,
    force: bool,
    formats: Sequence[Format],
    stem: str,
    engine: str,
    workers: int | None,
    progress: Callable[[int], None] | None,
    layout: str,
    site: bool,
    link_gaps: bool,
    history: Path | bool | None = None,
) -> BuildResult:
    """The build itself (see build): reuse, process, write, install, clean up."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    started = time.perf_counter()
    files = description_files(target)
    formats = tuple(formats)
    salt = f"{code_digest()}|{engine}|{','.join(f.label for f in formats)}|{site}|{link_gaps}"
    # The manifest knows a file by its resolved path, however the target was spelled.
    keys = {path: str(path.resolve()) for path in files}
    given = {key: path for path, key in keys.items()}
    ledger_path = change_ledger.default_path(target) if history is True else history or None
    ledger = change_ledger.read_ledger(ledger_path)
    day = change_ledger.today() if ledger_path is not None else ""
    ledger_names = {keys[p]: change_ledger.relative_name(target, p) for p in files}
    records = change_ledger.records_by_file(ledger, ledger_names) if day else {}
    digests = {keys[path]: file_digest(path, salt + records.get(keys[path], "")) for path in files}
    folders = {keys[path]: description_folder(target, path) for path in files}
    if layout == PER_DESCRIPTION:
        _refuse_unsafe_folders(folders, given)
        _refuse_shared_folders(folders, site)
    site_dir = out_dir / SITE
    previous = read_manifest(out_dir, stem, salt, formats, layout)
    reusable = {
        name: entry
        for name, entry in previous.entries.items()
        if name in digests
        and entry.digest == digests[name]
        and entry.folder == (folders[name] if layout == PER_DESCRIPTION else "")
        and (not site or site_intact(site_dir, entry.site))
        and quality_output.has_piece(out_dir, folders[name])
    }
    separate = layout == PER_DESCRIPTION
    jobs = [
        Job(
            str(p),
            digests[keys[p]],
            engine,
            formats,
            summary_only=True,
            write_to=str(out_dir / folders[keys[p]]) if separate else "",
            stem=stem,
            site=str(site_dir) if site else "",
            link_gaps=link_gaps,
            day=day,
            history=records.get(keys[p], ""),
            history_file=ledger_names[keys[p]],
            quality=str(quality_output.piece_stem(out_dir, folders[keys[p]])),
        )
        for p in files
        if keys[p] not in reusable
    ]
    if workers is None:
        workers = default_workers(files)
    if jobs:
        run_engine(engine, [])  # parse and compile the shapes before any fork
    summary = Summary(descriptions=len(files))
    timings = dict.fromkeys(("load", "map", "validate", "serialize", "site"), 0.0)
    problems: list[Problem] = []
    shared: set[str] = set()  # N-Triples lines of the nodes partitions share
    shared_findings: dict[tuple[object, ...], Finding] = {}
    entries: list[dict[str, Any]] = []
    # Combined: when every description is reused in the same order, the previous outputs
    # (checked against their recorded size and time) are byte for byte what this build
    # would write, so nothing is copied (1.9 GB at 100,000 registers).
    unchanged = (
        not separate
        and not jobs
        and list(previous.entries) == list(digests)
        and "ranges" in previous.shared
    )
    combined = None if separate or unchanged else CatalogWriter(out_dir, stem, formats)
    pending: list[CatalogWriter] = []  # per-description catalogs waiting to be installed
    pending_sites: list[tuple[SiteWriter, dict[str, Any]]] = []  # pages, their manifest record
    written: list[Path] = []
    shared_record: dict[str, Any] = {}
    site_pages = 0
    committed = False
    new_records: list[change_ledger.OrganisationRecord] = []
    try:
        results = _results(jobs, workers)
        for index, path in enumerate(files, start=1):
            name = keys[path]
            if name in reusable:
                entry = reusable[name]
                summary.reused += 1
                summary.include(entry, [_finding_from_dict(v) for v in entry.violations])
                for data in entry.shared_findings:
                    found = _finding_from_dict(data)
                    shared_findings[found.identity()] = found
                record = dict(entry.__dict__)
                if combined is not None:
                    record["ranges"] = combined.splice(entry.ranges)
            else:
                result = next(results)
                if isinstance(result, list):
                    problems.extend(result)
                    continue
                for stage, seconds in result.timings.items():
                    timings[stage] += seconds
                summary.include(result, result.findings)
                for found in result.shared_findings:
                    shared_findings[found.identity()] = found
                if result.history is not None:
                    new_records.append(result.history)
                    # Salted with the record after this build: the next one reuses the output.
                    text = change_ledger.record_text(result.history)
                    result.digest = file_digest(given[name], salt + text)
                record = {
                    "file": name,
                    "digest": result.digest,
                    "registers": result.registers,
                    "triples": result.triples,
                    "counts": result.counts,
                    "gaps": result.gaps,
                    "violations": [_finding_to_dict(f) for f in result.findings],
                    "shared_triples": _to_ntriples(result.shared_triples),
                    "shared_findings": [_finding_to_dict(f) for f in result.shared_findings],
                    "ranges": {},
                    "folder": "",
                    "outputs": {},
                    "about": result.about,
                }
                if combined is not None:
                    record["ranges"] = combined.add(result.fragments)
                elif result.catalog is not None:
                    pending.append(result.catalog)
                    record["folder"] = folders[name]
                    record["outputs"] = result.outputs
                if result.site is not None:
                    record["site"] = {"folder": result.site.folder, "entry": result.site.entry}
                    pending_sites.append((result.site, record))
            shared.update(record["shared_triples"].splitlines())
            entries.append(record)
            if progress is not None:
                progress(index)
        problems.extend(_clashes([(str(given[e["file"]]), e["about"]) for e in entries]))
        if problems:
            raise InputError(problems)
        summary.triples += len(shared)  # distinct triples, whatever the layout
        summary.add(sorted(shared_findings.values(), key=Finding.sort_key))
        committed = summary.conforms or force
        if combined is not None:
            shared_record["digest"] = _lines_digest(shared)
            if previous.shared.get("digest") == shared_record["digest"]:
                shared_record["ranges"] = combined.splice(previous.shared["ranges"])
            else:
                shared_triples = canonical(_from_ntriples("\n".join(shared)))
                shared_record["ranges"] = combined.add(fragments(shared_triples, formats))
            if committed:
                combined.close()
                written = combined.install()
        elif separate and committed:
            for writer in pending:
                written.extend(writer.install())
            summary.catalogs_written = len(pending)
            index_path = out_dir / INDEX
            write_atomic(index_path, _index(target, given, entries, stem, formats), durable=False)
            written.append(index_path)
        # Combined and unchanged: the previous outputs and manifest stand as they are.
        if committed and day:
            change_ledger.after_build(ledger, new_records, set(ledger_names.values()), day)
        if committed:
            order = [folders[keys[p]] for p in files]
            fresh = {folders[keys[p]] for p in files if keys[p] not in reusable}
            written.extend(quality_output.install(out_dir, order, fresh, separate))
        if committed and (site or previous.site_folders):
            site_pages = install_site(site_dir, pending_sites, entries, previous.site_folders)
    finally:
        # Whatever stopped the build (violations, a full disk, an interrupt), generations
        # that were not switched to are deleted; switched ones are the output now.
        for writer in (*pending, *([combined] if combined else [])):
            if not writer.installed:
                writer.discard()
        if not committed:
            for pages, _ in pending_sites:
                pages.discard()
            quality_output.discard(out_dir)
    if written:
        if separate:
            outputs = {out_dir / INDEX} | {
                out_dir / e["folder"] / f.file_name(stem) for e in entries for f in formats
            }
        else:
            outputs = {out_dir / f.file_name(stem) for f in formats}
        # What the previous build wrote and this one did not: catalogs of descriptions that
        # are gone or moved, and the other layout's files.  A format no longer asked for in
        # the combined layout keeps its file.
        stale = [
            path
            for name, paths in previous.written.items()
            for path in paths
            if path not in outputs and (bool(name) or separate or path.name == INDEX)
        ]
        _remove_outputs(stale, out_dir, stem)
        _write_manifest(out_dir, stem, salt, formats, layout, entries, shared_record)
    timings["total"] = time.perf_counter() - started
    return BuildResult(
        summary, written, timings, up_to_date=unchanged and committed, site_pages=site_pages
    )


def _lines_digest(lines: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


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
    abouts: list[tuple[str, dict[str, Any]]] = []
    # Dates as a build would write them now (the ledger is only read), so that validate
    # reports what build does.
    ledger_path = change_ledger.default_path(target)
    ledger = change_ledger.read_ledger(ledger_path)
    names = {str(p): change_ledger.relative_name(target, p) for p in files}
    records = change_ledger.records_by_file(ledger, names)
    day = change_ledger.today() if ledger_path is not None else ""
    jobs = [
        Job(str(p), "", engine, (), day=day, history=records[str(p)], history_file=names[str(p)])
        for p in files
    ]
    for result in _results(jobs, workers):
        if isinstance(result, list):
            problems.extend(result)
            continue
        abouts.append((result.file, result.about))
        summary.registers += result.registers
        summary.triples += result.triples
        findings.extend(result.findings)
        for found in result.shared_findings:
            shared[found.identity()] = found
    problems.extend(_clashes(abouts))
    if problems:
        raise InputError(problems)
    findings.extend(shared.values())
    summary.add(findings)
    return summary, Report(sorted(findings, key=Finding.sort_key))
