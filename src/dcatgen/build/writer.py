"""Output files that switch as a set: a generation folder per build and one link to it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import frame, umask

LARGE_FILE = 64 * 1024 * 1024
"""A generation folder this large is deleted in the background."""


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
        return {f.label: stamp(self.temporary[f]) for f in self.formats}

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


def stamp(path: Path) -> tuple[int, int]:
    """A file's (size, mtime_ns): enough to notice that someone edited or replaced it."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


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
    half-made links, and the ``.partial`` files of dcatgen before generations.

    One walk of OUT that does not enter what cannot hold such leftovers: generation folders,
    the query store's, and each organisation's pages under ``site/`` (half-written pages are
    ``.partial`` folders directly in ``site/``).  At 100,000 registers OUT holds half a
    million site files, and three searches of all of it took 3.4 s of every build.
    """
    if not out_dir.is_dir():
        return
    generation = f".{stem}.gen-"
    site = out_dir / "site"
    for folder, dirs, files in os.walk(out_dir):
        here = Path(folder)
        current = _generation_of(here / _current_name(stem))
        walk_on = []
        for name in dirs:
            path = here / name
            if name.startswith(generation):
                if path != current:
                    shutil.rmtree(path, ignore_errors=True)
            elif _leftover(name):
                _remove(path)
            elif not (name.startswith(".store.gen-") or here == site or path.is_symlink()):
                walk_on.append(name)
        dirs[:] = walk_on
        for name in files:
            if _leftover(name):
                _remove(here / name)


def _leftover(name: str) -> bool:
    return name.startswith(".") and name.endswith((".link", ".partial"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():  # a site folder being written
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


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


def remove_outputs(paths: Sequence[Path], out_dir: Path, stem: str = "catalog") -> None:
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
