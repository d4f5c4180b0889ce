"""The quality file a build writes: ``OUT/quality.trig`` (TriG: the named graphs).

Each description's quality graph is written by its worker as a new piece under
``OUT/.quality/`` (``<description folder>.trig.new``), taken in when the build
commits (renamed without ``.new``) and deleted when it does not; a description reused from the
previous build keeps its piece.  Once the build's outputs are installed, the pieces become
the quality files: concatenated in file order in the combined layout (TriG documents that state
their own prefixes and base concatenate), linked beside each catalog in the
per-description layout (``OUT/<description>/quality.*``).  Files are written to a temporary
name and renamed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from dcatgen.model.description import Description
from dcatgen.model.load import Source
from dcatgen.quality.graph import QUALITY_FILES, Quad, quality_quads, quality_trig
from dcatgen.quality.measure import measure
from dcatgen.rdf.serialize import file_mode, write_atomic
from dcatgen.rdf.terms import Triple

PIECES = ".quality"
"""Folder under OUT holding each description's quality graph between builds."""
SUFFIXES = (".trig",)


def piece_stem(out_dir: Path, folder: str) -> Path:
    """Where a description's pieces go (its folder name, as in the per-description layout)."""
    return out_dir / PIECES / folder


def _piece(stem: Path, suffix: str, new: bool = False) -> Path:
    return stem.with_name(stem.name + suffix + (".new" if new else ""))


def has_piece(out_dir: Path, folder: str) -> bool:
    """True when both pieces of a description are there (else it must be processed again)."""
    stem = piece_stem(out_dir, folder)
    return all(_piece(stem, suffix).is_file() for suffix in SUFFIXES)


def write_piece(
    stem: Path, description: Description, triples: Sequence[Triple], violations: list[str]
) -> int:
    """Measure one description and write its new piece; return its number of lines."""
    quality = measure(description, triples, violations)
    base = str(description.organisation.base_iri)
    text = quality_trig(quality, base)
    write_atomic(_piece(stem, ".trig", new=True), text, durable=False)
    return text.count(b"\n")


def quads_for(
    sources: Sequence[Source], triples: Sequence[Triple], violations: Sequence[str] = ()
) -> list[Quad]:
    """The quality graphs of descriptions mapped in memory (`serve`, `query` and `quality` of
    YAML); ``violations`` are the focus nodes of the caller's validation (none given: DCAT-AP
    compliance is taken as met, as `serve` and `query` refuse data with violations)."""
    quads: list[Quad] = []
    for source in sources:
        description = source.description
        quality = measure(description, triples, list(violations))
        quads += quality_quads(quality, str(description.organisation.base_iri))
    return quads


def discard(out_dir: Path) -> None:
    """A build that does not commit: its new pieces go, and the folder if that empties it."""
    pieces = out_dir / PIECES
    if not pieces.is_dir():
        return
    for path in pieces.rglob("*.new"):
        path.unlink(missing_ok=True)
    _remove_empty(pieces, out_dir)


def _remove_empty(folder: Path, out_dir: Path) -> None:
    """Remove empty folders from ``folder`` up to (not including) OUT."""
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()
    while folder != out_dir and out_dir in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty
            break
        folder = folder.parent


def install(
    out_dir: Path, folders: Sequence[str], fresh: set[str], per_description: bool
) -> list[Path]:
    """Take in the new pieces of ``fresh`` descriptions, make the quality files from the
    pieces of ``folders`` (in this order) where something changed, and delete what belongs to
    descriptions no longer built or to the other layout; return the files written."""
    for folder in fresh:
        stem = piece_stem(out_dir, folder)
        for suffix in SUFFIXES:
            os.replace(_piece(stem, suffix, new=True), _piece(stem, suffix))
    stems = [piece_stem(out_dir, folder) for folder in folders]
    keep = {_piece(stem, suffix) for stem in stems for suffix in SUFFIXES}
    pieces_dir = out_dir / PIECES
    stale = [p for p in pieces_dir.rglob("*") if p.is_file() and p not in keep]
    gone = {
        p.relative_to(pieces_dir).as_posix().removesuffix(".new").rsplit(".", 1)[0] for p in stale
    }
    for path in stale:
        path.unlink()
    written: list[Path] = []
    if per_description:
        for folder in folders:
            stem = piece_stem(out_dir, folder)
            for suffix, name in zip(SUFFIXES, QUALITY_FILES, strict=True):
                target = out_dir / folder / name
                if folder in fresh or not target.is_file():
                    _link_atomic(_piece(stem, suffix), target)
                    written.append(target)
        _remove_files(out_dir, [out_dir / name for name in QUALITY_FILES])  # combined layout's
        _remove_files(out_dir, [out_dir / f / name for f in gone for name in QUALITY_FILES])
    else:
        # Per-description files of a previous build in the other layout go.
        _remove_files(out_dir, [out_dir / f / name for f in folders for name in QUALITY_FILES])
        _remove_files(out_dir, [out_dir / f / name for f in gone for name in QUALITY_FILES])
        if fresh or gone or not installed(out_dir):
            for suffix, name in zip(SUFFIXES, QUALITY_FILES, strict=True):
                _copy_atomic([_piece(stem, suffix) for stem in stems], out_dir / name)
                written.append(out_dir / name)
    return written


def _remove_files(out_dir: Path, paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_file():
            path.unlink()
            _remove_empty(path.parent, out_dir)


def installed(out_dir: Path) -> bool:
    """True when the combined layout's quality files are there."""
    return all((out_dir / name).is_file() for name in QUALITY_FILES)


def _link_atomic(source: Path, target: Path) -> None:
    """The piece itself under the target's name (a hard link: no second copy on disk), or a
    copy where links cannot be made."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        _copy_atomic([source], target)
        return
    os.replace(temporary, target)


def _copy_atomic(sources: Sequence[Path], target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(temporary, "wb") as out:
            for source in sources:
                with open(source, "rb") as piece:
                    shutil.copyfileobj(piece, out, 1024 * 1024)
        os.chmod(temporary, file_mode())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
