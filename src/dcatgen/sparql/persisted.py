"""The query store a build writes beside its catalogs, so that `serve` and `query` parse nothing.

Parsing a national build (4 million triples in 1,000 N-Triples files) into pyoxigraph takes
20–40 s and about 1.4 GB per process.  So `dcatgen build` also writes the same data, with the
vocabulary in its named graph, as a pyoxigraph (RocksDB) store: ``OUT/.store.current`` is a
symbolic link to one generation folder ``OUT/.store.gen-…`` holding the store (``db/``) and
``source.json``, the record of the files it was made from.  `dcatgen serve OUT` and `dcatgen
query --data OUT` open it read-only in well under a second, and any number of processes share
it through the operating system's page cache instead of each holding a copy.

The store is a derived artefact, a cache: it is not one of the text outputs, a build rewrites
it when the catalogs change, and deleting it loses nothing (readers then parse the text files,
as before).  A reader trusts it only when ``source.json`` names exactly the catalog files the
folder holds now (their link targets, sizes and modification times), so a store never answers
for other data than the text outputs beside it; a stale or missing store is ignored.

A new store is written into a new generation and switched to with one rename of the link, as
the catalogs are; the old generation is deleted unless a running server still reads it (it
holds a shared lock on its ``source.json``): the next build deletes it then.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from dcatgen.errors import InputError
from dcatgen.sparql.store import (
    BUILT_FILES,
    VOCABULARY,
    VOCABULARY_GRAPH,
    CatalogSource,
    StoreSpec,
    indexed_catalogs,
    indexed_files,
    quality_files,
    vocabulary_text,
)

STORE_LINK = ".store.current"
STORE_PREFIX = ".store.gen-"
RECORD = "source.json"
DATABASE = "db"
RECORD_VERSION = 2
"""Bumped when the store's content or layout changes: older stores are then rebuilt."""


def _pyoxigraph_version() -> str:
    return str(getattr(ox, "__version__", "?"))


def _vocabulary_digest() -> str:
    return hashlib.sha256(vocabulary_text().encode("utf-8")).hexdigest()[:16]


def fingerprint(
    out_dir: Path, files: Iterable[Path], targets: Iterable[Path] | None = None
) -> dict[str, object]:
    """What a store made from these files records, and what a reader compares with.

    Each file by its path under OUT, the generation file its link points to (a new build of a
    catalog is a new generation, so a new target), its size and modification time.
    """
    root = out_dir.resolve()
    files = list(files)
    resolved = list(targets) if targets is not None else [path.resolve() for path in files]
    entries = []
    for path, target in zip(files, resolved, strict=True):
        stat = target.stat()
        try:
            shown = target.relative_to(root).as_posix()
        except ValueError:
            shown = str(target)
        entries.append(
            [path.relative_to(out_dir).as_posix(), shown, stat.st_size, stat.st_mtime_ns]
        )
    quality = [
        [path.relative_to(out_dir).as_posix(), stat.st_size, stat.st_mtime_ns]
        for path in quality_files(CatalogSource(files))
        for stat in (path.stat(),)
    ]
    return {
        "version": RECORD_VERSION,
        "pyoxigraph": _pyoxigraph_version(),
        "vocabulary": _vocabulary_digest(),
        "files": entries,
        "quality": quality,
    }


def current_generation(out_dir: Path) -> Path | None:
    """The generation folder ``.store.current`` points to, or None."""
    try:
        target = os.readlink(out_dir / STORE_LINK)
    except OSError:
        return None
    folder = out_dir / target
    return folder if folder.is_dir() else None


def _built_files(out_dir: Path) -> CatalogSource | None:
    """The catalog files of a build's OUT folder (either layout; the files `serve` would
    read), or None for anything else (YAML is never built here)."""
    if not out_dir.is_dir():
        return None
    try:
        indexed = indexed_files(out_dir)
    except InputError:
        return None
    if indexed is not None:
        return CatalogSource(indexed) if all(path.is_file() for path in indexed) else None
    found = [out_dir / name for name in BUILT_FILES if (out_dir / name).is_file()]
    return CatalogSource(found[:1]) if found else None


def is_current(out_dir: Path, generation: Path | None = None) -> bool:
    """True when the store (the current one, or ``generation``) was made from the files the
    folder holds now."""
    generation = generation or current_generation(out_dir)
    source = _built_files(out_dir)
    if generation is None or source is None:
        return False
    try:
        recorded = json.loads((generation / RECORD).read_text(encoding="utf-8"))
        expected = fingerprint(out_dir, source.files)
        return {key: recorded.get(key) for key in expected} == expected
    except (OSError, ValueError):
        return False


# --- reading ------------------------------------------------------------------------------

_leases: dict[str, list[IO[bytes]]] = {}
"""Shared locks this process holds on store generations it reads (by database path)."""


def open_persisted(out_dir: Path) -> tuple[ox.Store, StoreSpec] | None:
    """The build's store, read-only, and how workers open it; None when there is none or it
    does not match the catalog files (then the caller parses them).

    The generation is locked (shared) until ``release`` is called with the spec, so that a
    later build does not delete it under this process and its workers.
    """
    generation = current_generation(out_dir)
    if generation is None:
        return None
    lease = _lease(generation)
    if lease is None or not is_current(out_dir, generation):
        if lease is not None:
            lease.close()
        return None
    location = str(generation / DATABASE)
    try:
        store = ox.Store.read_only(location)
    except OSError:
        lease.close()
        return None
    _leases.setdefault(location, []).append(lease)
    return store, StoreSpec(location=location)


def writer_running(out_dir: Path) -> bool:
    """True when a process is writing the folder's store now (it holds the writer's lock):
    the detached writer a large first build starts, or a rebuild's update."""
    try:
        handle = open(out_dir / WRITER_LOCK, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
    return False


def open_for_reading(
    out_dir: Path, say: Callable[[str], None], write_if_large: bool = False
) -> tuple[ox.Store, StoreSpec] | None:
    """`open_persisted`, but when the store is being written, wait for it (and ``say`` so):
    parsing the catalogs instead would take longer and, at national scale, gigabytes per
    process.  With ``write_if_large``, a missing or stale store of more than INLINE_BYTES of
    catalogs that nobody is writing is written first (what `serve` does: its workers would
    each parse the catalogs otherwise); a folder that cannot be written is parsed after all.
    """
    opened = open_persisted(out_dir)
    if opened is not None:
        return opened
    if writer_running(out_dir):
        say("waiting for the query store that a build is writing…")
        with open(out_dir / WRITER_LOCK, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)  # until the writer is done
        return open_persisted(out_dir)
    source = _built_files(out_dir)
    if not write_if_large or source is None:
        return None
    if sum(path.stat().st_size for path in source.files) <= INLINE_BYTES:
        return None
    say("writing the query store first (the build's is missing or stale)…")
    try:
        write(out_dir)
    except OSError as problem:
        say(f"cannot write the query store ({problem}); parsing the catalogs instead")
        return None
    return open_persisted(out_dir)


def _lease(generation: Path) -> IO[bytes] | None:
    try:
        handle = open(generation / RECORD, "rb")  # noqa: SIM115 - held until release()
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        handle.close()  # being deleted right now
        return None
    return handle


def in_memory(spec: StoreSpec) -> StoreSpec | None:
    """How a process loads the data of a query store into memory instead (from the files
    the store was made from, which never change), or None when the spec is no query store."""
    if spec.location is None or not (Path(spec.location).parent / RECORD).is_file():
        return None
    folder = Path(spec.location).parent / SOURCES
    files = sorted(folder.glob("*.nt"), key=lambda path: int(path.stem))
    quality = sorted(
        folder.glob(f"*{QUALITY_SUFFIX}"),
        key=lambda path: int(path.name.removesuffix(QUALITY_SUFFIX)),
    )
    return StoreSpec(ntriples=tuple(map(str, files)), trig=tuple(map(str, quality)))


def quads(spec: StoreSpec) -> int | None:
    """How many quads a query store holds, as recorded when it was written (None: not a
    query store, or not recorded)."""
    if spec.location is None:
        return None
    try:
        recorded = json.loads((Path(spec.location).parent / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    count = recorded.get("quads")
    return count if isinstance(count, int) else None


def release(spec: StoreSpec) -> None:
    """Let builds delete the generation this process read (see open_persisted)."""
    held = _leases.get(spec.location or "", [])
    if held:  # one lease per open_persisted (a reload may open the same generation again)
        held.pop(0).close()


# --- writing ------------------------------------------------------------------------------


class _Chained(io.RawIOBase):
    """Several files read as one stream (N-Triples files concatenate into N-Triples)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = iter(paths)
        self._file: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._file is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._file = open(path, "rb")  # noqa: SIM115 - closed when read to its end
            count = self._file.readinto(buffer)
            if count:
                return count
            self._file.close()
            self._file = None
            # A file not ending in a newline would run into the next one's first line.
            buffer[0:1] = b"\n"
            return 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


def _fill(location: Path, source: CatalogSource, quality: list[Path]) -> int:
    """Write the catalog files, their quality graphs and the vocabulary into a new store at
    ``location``."""
    store = ox.Store(str(location))
    ntriples = all(path.suffix == ".nt" for path in source.files)
    if ntriples:
        # One bulk load of every file: the files were written by the build itself (hence
        # lenient: their IRIs are checked), and one load sorts once instead of per file.
        with io.BufferedReader(_Chained(source.files), 1 << 20) as stream:
            store.bulk_load(stream, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    else:
        from dcatgen.sparql.store import load_rdf_file

        for path in source.files:
            load_rdf_file(store, path)
    if quality:
        # Also one bulk load (TriG documents that state their own prefixes and base
        # concatenate): loaded file by file in transactions, the 1,000 quality files of a
        # national build took 337 s instead of 116 s and left 5.7 GB on disk instead of
        # 3.6 GB, 1.8 GB of it write-ahead log (queries were as fast either way).
        with io.BufferedReader(_Chained(quality), 1 << 20) as stream:
            store.bulk_load(stream, format=ox.RdfFormat.TRIG)
    store.load(
        vocabulary_text(),
        format=ox.RdfFormat.TURTLE,
        base_iri=VOCABULARY,
        to_graph=VOCABULARY_GRAPH,
    )
    store.flush()
    store.optimize()
    count = len(store)  # recorded: counting a store on disk reads every quad (seconds)
    del store  # closes the database (releases its lock) before readers open it
    return count


INLINE_BYTES = 64 * 1024 * 1024
"""Catalogs up to this size get their store within the build; larger ones in the background."""
WRITER_LOCK = ".store.lock"


def refresh(out_dir: Path, background: bool | None = None) -> str:
    """Make the store of a build's OUT folder match its catalog files (called by `dcatgen
    build` once the text outputs are in place); return what was done, for the build's report.

    Writing the store costs about as much CPU as the build itself at national scale (RocksDB
    keeps nine indexes), so above INLINE_BYTES of catalogs (or with ``background``) it is
    written by a detached process and the build returns at once; until that process switches
    the store in, readers find it stale and parse the text files as before.
    """
    source = _built_files(out_dir)
    if source is None:
        return "none"
    if is_current(out_dir):
        return "current"
    if background is None:
        large = sum(path.stat().st_size for path in source.files) > INLINE_BYTES
        # A small change is applied to a copy of the previous store within the build,
        # whatever the size; only a full bulk load of a large build goes to the background.
        if not large:
            write(out_dir)
            return "written"
        if write(out_dir, full=False) is not None:
            return "written"
        background = True
    if background:
        subprocess.Popen(
            [sys.executable, "-m", "dcatgen.sparql.persisted", str(out_dir)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return "background"
    write(out_dir)
    return "written"


def write(out_dir: Path, full: bool = True) -> bool | None:
    """Write a new store generation from the catalog files and switch to it (False: it was
    current already).  Without ``full``, only an update of the previous store is tried (None:
    not possible)."""
    with open(out_dir / WRITER_LOCK, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # one writer at a time per folder
        return _write_locked(out_dir, full)


def _write_locked(out_dir: Path, full: bool) -> bool | None:
    """`write`, for the holder of the writer's lock."""
    source = _built_files(out_dir)
    if source is None or is_current(out_dir):
        return False
    # Read from the generation files the links point to now: a build running meanwhile
    # makes new ones (then this store is stale at once, but the next writer updates it
    # rather than loading everything again), it never changes these.
    targets = [path.resolve() for path in source.files]
    record = fingerprint(out_dir, source.files, targets)
    fixed = CatalogSource(targets)
    quality = quality_files(source)
    previous = current_generation(out_dir)
    generation = Path(tempfile.mkdtemp(prefix=STORE_PREFIX, dir=out_dir))
    os.chmod(generation, 0o777 & ~_umask())
    try:
        count = None
        if previous is not None:
            count = _update(previous, generation, out_dir, fixed, record)
        if count is None:
            if not full:
                shutil.rmtree(generation, ignore_errors=True)
                return None
            shutil.rmtree(generation / DATABASE, ignore_errors=True)
            count = _fill(generation / DATABASE, fixed, quality)
        _keep_sources(generation, targets, quality)
        text = json.dumps({**record, "quads": count}, indent=1) + "\n"
        (generation / RECORD).write_text(text, encoding="utf-8")
        fresh = out_dir / f"{STORE_LINK}.{os.getpid()}.link"
        fresh.unlink(missing_ok=True)
        os.symlink(generation.name, fresh)
        os.replace(fresh, out_dir / STORE_LINK)  # the switch
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    remove_old_generations(out_dir)
    return True


QUALITY_SUFFIX = ".quality.trig"
"""The quality files' links among a generation's sources (``N.quality.trig``)."""
SOURCES = "sources"
"""Hard links to the catalog files a generation was made from: the next build's rebuild
compares the new files with them (a link costs no space, and keeps a replaced file's old
text until the store has caught up with it)."""
INCREMENTAL_SHARE = 0.2
"""An update applies the changed files' differences when they are at most this share of the
catalogs; a larger change (the combined layout's one file, many descriptions) is a new bulk
load."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _keep_sources(generation: Path, files: list[Path], quality: list[Path]) -> None:
    folder = generation / SOURCES
    folder.mkdir()
    for number, path in enumerate(files):
        os.link(path.resolve(), folder / f"{number}.nt")
    # The quality files too: workers that load the store's data into memory read them (a
    # build replaces a quality file by renaming a new one over it: the link keeps this one).
    for number, path in enumerate(quality):
        os.link(path.resolve(), folder / f"{number}{QUALITY_SUFFIX}")


def _lines(path: Path) -> set[bytes]:
    return {line for line in path.read_bytes().splitlines() if line.strip()}


def _update(
    previous: Path,
    generation: Path,
    out_dir: Path,
    source: CatalogSource,
    record: dict[str, object],
) -> int | None:
    """Make the new generation a copy of the previous store (hard links: RocksDB's files
    never change) with the changed catalogs' differences applied, and return how many quads
    it holds; None when that is not possible or not worth it (then the caller bulk-loads)."""
    try:
        before = json.loads((previous / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if {k: v for k, v in before.items() if k not in ("files", "quads", "quality")} != {
        k: v for k, v in record.items() if k not in ("files", "quality")
    } or not all(path.suffix == ".nt" for path in source.files):
        return None
    old = {
        entry[0]: (entry, previous / SOURCES / f"{n}.nt") for n, entry in enumerate(before["files"])
    }
    files = record["files"]
    assert isinstance(files, list)
    new = {entry[0]: (entry, path) for entry, path in zip(files, source.files, strict=True)}
    changed = [name for name in new if name not in old or old[name][0] != new[name][0]]
    gone = [name for name in old if name not in new]
    total = sum(entry[2] for entry, _ in new.values()) or 1
    touched = sum(new[name][0][2] for name in changed) + sum(old[name][0][2] for name in gone)
    if touched > INCREMENTAL_SHARE * total:
        return None
    if not all(old[name][1].is_file() for name in gone + [n for n in changed if n in old]):
        return None
    bases = {
        path.relative_to(out_dir).as_posix(): iri.removesuffix("catalog")
        for iri, path in (indexed_catalogs(out_dir) or [])
    }
    removed: set[bytes] = set()
    added: set[bytes] = set()
    own: set[bytes] = set()  # lines about a catalog's own IRIs: no other catalog has them
    for name in changed + gone:
        now = _lines(new[name][1]) if name in new else set()
        was = _lines(old[name][1]) if name in old else set()
        removed |= was - now
        added |= now - was
        base = bases.get(name)
        if base:
            own |= {line for line in was - now if line.startswith(f"<{base}".encode())}
    removed -= added
    # Any other line may be in another catalog too (a code-list concept, a known system):
    # it stays when one of the catalogs that did not change still has it.
    shared = sorted(removed - own)
    for path in (p for name, (_, p) in new.items() if name not in changed) if shared else ():
        text = b"\n" + path.read_bytes()
        shared = [line for line in shared if b"\n" + line + b"\n" not in text]
        if not shared:
            break
    removed = (removed & own) | set(shared)
    count = before.get("quads")
    if not isinstance(count, int):
        return None
    ox.Store.read_only(str(previous / DATABASE)).backup(str(generation / DATABASE))
    store = ox.Store(str(generation / DATABASE))
    for quad in ox.parse(b"\n".join(sorted(removed)), format=ox.RdfFormat.N_TRIPLES):
        if quad in store:
            count -= 1
            store.remove(quad)
    for quad in ox.parse(b"\n".join(sorted(added)), format=ox.RdfFormat.N_TRIPLES):
        if quad not in store:
            count += 1
            store.add(quad)
    count += _replace_quality(store, out_dir, {name: bases.get(name) for name in changed})
    count -= _drop_stale_quality(store, set(bases.values()))
    store.flush()
    del store
    return count


def _replace_quality(store: ox.Store, out_dir: Path, changed: dict[str, str | None]) -> int:
    """Replace the quality graphs ({base}quality) of changed catalogs (by their file under
    OUT) with the quality file beside each now; return the change in the number of quads."""
    change = 0
    for name, base in changed.items():
        if not base:
            continue
        graph = ox.NamedNode(base + "quality")
        change -= sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        store.remove_graph(graph)
        path = out_dir / Path(name).parent / "quality.trig"
        if path.is_file():
            quads = [
                q
                for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
                if q.graph_name == graph
            ]
            store.extend(quads)
            change += sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    return change


def _drop_stale_quality(store: ox.Store, bases: set[str]) -> int:
    """Drop the quality graphs of catalogs no longer built; return how many quads went."""
    wanted = {base + "quality" for base in bases}
    dropped = 0
    for graph in list(store.named_graphs()):
        stale = isinstance(graph, ox.NamedNode) and graph.value.endswith("quality")
        if stale and graph.value not in wanted:
            dropped += sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
            store.remove_graph(graph)
    return dropped


def remove_old_generations(out_dir: Path) -> list[Path]:
    """Delete store generations other than the current one that no process reads."""
    current = current_generation(out_dir)
    removed = []
    for folder in out_dir.glob(STORE_PREFIX + "*"):
        if not folder.is_dir() or (current is not None and folder.samefile(current)):
            continue
        with contextlib.ExitStack() as stack:
            try:
                handle = stack.enter_context(open(folder / RECORD, "rb"))
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except FileNotFoundError:
                pass  # a build killed before it wrote the record: nobody reads it
            except OSError:
                continue  # a server still reads it: a later build deletes it
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def remove(out_dir: Path) -> None:
    """Delete the store and every generation (e.g. when OUT no longer holds a build)."""
    (out_dir / STORE_LINK).unlink(missing_ok=True)
    remove_old_generations(out_dir)


if __name__ == "__main__":  # the background writer refresh() starts
    with contextlib.suppress(Exception):
        write(Path(sys.argv[1]))
