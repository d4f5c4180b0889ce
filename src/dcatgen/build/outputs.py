"""The two layouts as output classes: where a build's partitions are written, and how the
finished set is installed.

A build hands every partition to its output in file order (``reuse`` for one unchanged since
the previous build, ``add`` for one processed now), then calls ``finish`` once: the output
writes what only it knows (the shared nodes, or OUT/index.json) and, when the build is
committed, switches the files into place.  ``discard`` removes whatever was not installed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcatgen import __version__
from dcatgen.build.layouts import INDEX, PER_DESCRIPTION, relative
from dcatgen.build.manifest import Entry, Previous, from_ntriples
from dcatgen.build.partition import Partition
from dcatgen.build.writer import CatalogWriter
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import canonical, fragments, write_atomic


@dataclass
class CombinedOutput:
    """OUT/catalog.*: every partition's fragments streamed in file order, shared nodes last.

    When every description is reused in the same order, the previous outputs (checked against
    their recorded size and time) are byte for byte what this build would write, so nothing is
    written at all (``unchanged``; 1.9 GB at 100,000 registers)."""

    out_dir: Path
    stem: str
    formats: tuple[Format, ...]
    unchanged: bool
    writer: CatalogWriter | None = None
    shared_record: dict[str, Any] = field(default_factory=dict)
    """The manifest's record of the shared nodes: their digest and where they lie."""

    def __post_init__(self) -> None:
        if not self.unchanged:
            self.writer = CatalogWriter(self.out_dir, self.stem, self.formats)

    def reuse(self, entry: Entry) -> None:
        """Copy an unchanged partition's fragments from the previous output."""
        if self.writer is not None:
            entry.ranges = self.writer.splice(entry.ranges)

    def add(self, entry: Entry, part: Partition) -> None:
        """Append a partition processed now."""
        if self.writer is not None:
            entry.ranges = self.writer.add(part.fragments)

    def finish(
        self, entries: Sequence[Entry], shared: set[str], previous: Previous, committed: bool
    ) -> list[Path]:
        """Write the shared nodes once, and install the files when the build is committed."""
        if self.writer is None:
            return []  # unchanged: the previous outputs and manifest stand as they are
        self.shared_record["digest"] = lines_digest(shared)
        if previous.shared.get("digest") == self.shared_record["digest"]:
            self.shared_record["ranges"] = self.writer.splice(previous.shared["ranges"])
        else:
            shared_triples = canonical(from_ntriples("\n".join(shared)))
            self.shared_record["ranges"] = self.writer.add(fragments(shared_triples, self.formats))
        if not committed:
            return []
        self.writer.close()
        return self.writer.install()

    def stale(self, previous: Previous, entries: Sequence[Entry]) -> list[Path]:
        """What the previous build wrote and this one did not: the other layout's files.  A
        format no longer asked for keeps its file."""
        outputs = {self.out_dir / f.file_name(self.stem) for f in self.formats}
        return [
            path
            for name, paths in previous.written.items()
            for path in paths
            if path not in outputs and (bool(name) or path.name == INDEX)
        ]

    def discard(self) -> None:
        """Remove the new generation unless it was installed."""
        if self.writer is not None and not self.writer.installed:
            self.writer.discard()


@dataclass
class PerDescriptionOutput:
    """OUT/<description>/catalog.*: each written whole by its worker; OUT/index.json lists them."""

    out_dir: Path
    stem: str
    formats: tuple[Format, ...]
    target: Path
    given: dict[str, Path]
    """Description files by the name the manifest knows them by."""
    folders: dict[str, str]
    pending: list[CatalogWriter] = field(default_factory=list)
    """Catalogs written by workers, waiting to be installed."""
    shared_record: dict[str, Any] = field(default_factory=dict)
    written_catalogs: int = 0

    def reuse(self, entry: Entry) -> None:
        """An unchanged catalog stays where it is."""

    def add(self, entry: Entry, part: Partition) -> None:
        """Keep a worker's catalog for installing."""
        if part.catalog is not None:
            self.pending.append(part.catalog)
            entry.folder = self.folders[entry.file]

    def finish(
        self, entries: Sequence[Entry], shared: set[str], previous: Previous, committed: bool
    ) -> list[Path]:
        """Install every new catalog and write the index, when the build is committed."""
        if not committed:
            return []
        written: list[Path] = []
        for writer in self.pending:
            written.extend(writer.install())
        self.written_catalogs = len(self.pending)
        index_path = self.out_dir / INDEX
        document = index_document(self.target, self.given, entries, self.stem, self.formats)
        write_atomic(index_path, document, durable=False)
        written.append(index_path)
        return written

    def stale(self, previous: Previous, entries: Sequence[Entry]) -> list[Path]:
        """Catalogs of descriptions that are gone or moved, and the other layout's files."""
        outputs = {self.out_dir / INDEX} | {
            self.out_dir / e.folder / f.file_name(self.stem) for e in entries for f in self.formats
        }
        written = previous.written.values()
        return [path for paths in written for path in paths if path not in outputs]

    def discard(self) -> None:
        """Remove the catalogs that were not installed."""
        for writer in self.pending:
            if not writer.installed:
                writer.discard()


def lines_digest(lines: set[str]) -> str:
    """A digest of a set of N-Triples lines, whatever their order."""
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def _count(entry: Entry, severity: str) -> int:
    """Findings of one severity in a catalog file: its own and those on its shared nodes."""
    shared = sum(1 for found in entry.shared_findings if found["severity"] == severity)
    return int(entry.counts.get(severity, 0)) + shared


def index_document(
    target: Path,
    given: dict[str, Path],
    entries: Sequence[Entry],
    stem: str,
    formats: Sequence[Format],
) -> bytes:
    """OUT/index.json of the per-description layout: every catalog and its files."""
    catalogs = [
        {
            "description": relative(target, given[entry.file]).as_posix(),
            "catalog": entry.about["catalog"],
            "organisation": entry.about["organisation"],
            "name": entry.about["name"],
            "registers": entry.registers,
            "triples": entry.triples + entry.shared_triples.count("\n"),
            "violations": _count(entry, "violation"),
            "warnings": _count(entry, "warning"),
            "files": {f.label: f"{entry.folder}/{f.file_name(stem)}" for f in formats},
        }
        for entry in entries
    ]
    document = {
        "generator": f"dcatgen {__version__}",
        "layout": PER_DESCRIPTION,
        "catalogs": catalogs,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
