"""The quality files a build writes: ``OUT/quality.nq`` and ``OUT/quality.trig``.

Each description's quality graph is written by its worker as a piece under ``OUT/.quality/``
(``<description folder>.nq`` and ``.trig``); a description reused from the previous build
keeps its piece.  Once the build's outputs are installed, the pieces become the quality
files: concatenated in file order in the combined layout (N-Quads lines, and TriG documents
that repeat the same prefixes, concatenate), copied beside each catalog in the
per-description layout (``OUT/<description>/quality.*``).  Files are written to a temporary
name and renamed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from dcatgen.model.description import Description
from dcatgen.model.load import Source
from dcatgen.quality.graph import QUALITY_FILES, Quad, nquads, quality_quads, trig
from dcatgen.quality.measure import measure
from dcatgen.rdf.serialize import file_mode, write_atomic
from dcatgen.rdf.terms import Triple

PIECES = ".quality"
"""Folder under OUT holding each description's quality graph between builds."""
SUFFIXES = (".nq", ".trig")


def piece_stem(out_dir: Path, folder: str) -> Path:
    """Where a description's pieces go (its folder name, as in the per-description layout)."""
    return out_dir / PIECES / folder


def has_piece(out_dir: Path, folder: str) -> bool:
    """True when both pieces of a description are there (else it must be processed again)."""
    stem = piece_stem(out_dir, folder)
    return all(stem.with_name(stem.name + suffix).is_file() for suffix in SUFFIXES)


def write_piece(
    stem: Path, description: Description, triples: Sequence[Triple], violations: list[str]
) -> int:
    """Measure one description and write its pieces; return the number of quads."""
    quality = measure(description, triples, violations)
    quads = quality_quads(quality, str(description.organisation.base_iri))
    stem.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(stem.with_name(stem.name + ".nq"), nquads(quads), durable=False)
    write_atomic(stem.with_name(stem.name + ".trig"), trig(quads), durable=False)
    return len(quads)


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


def install(out_dir: Path, folders: Sequence[str], per_description: bool) -> list[Path]:
    """Make the quality files from the pieces of these descriptions (in this order); delete
    the pieces of descriptions no longer built; return the files written."""
    written: list[Path] = []
    if per_description:
        for folder in folders:
            stem = piece_stem(out_dir, folder)
            for suffix, name in zip(SUFFIXES, QUALITY_FILES, strict=True):
                target = out_dir / folder / name
                _copy_atomic([stem.with_name(stem.name + suffix)], target)
                written.append(target)
        for name in QUALITY_FILES:
            (out_dir / name).unlink(missing_ok=True)  # the other layout's file
    else:
        for suffix, name in zip(SUFFIXES, QUALITY_FILES, strict=True):
            pieces = [piece_stem(out_dir, f) for f in folders]
            _copy_atomic([p.with_name(p.name + suffix) for p in pieces], out_dir / name)
            written.append(out_dir / name)
    keep = {
        piece_stem(out_dir, f).with_name(piece_stem(out_dir, f).name + s)
        for f in folders
        for s in SUFFIXES
    }
    pieces_dir = out_dir / PIECES
    if pieces_dir.is_dir():
        for path in pieces_dir.rglob("*"):
            if path.is_file() and path not in keep:
                path.unlink()
    return written


def installed(out_dir: Path) -> bool:
    """True when the combined layout's quality files are there."""
    return all((out_dir / name).is_file() for name in QUALITY_FILES)


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
