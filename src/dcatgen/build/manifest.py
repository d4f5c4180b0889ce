"""The manifest beside a build's output: what each partition gave, to reuse it next time.

It records each partition's content hash and, in the combined layout, where its fragments
lie in the output files; the next build re-processes only changed files.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dcatgen.build.layouts import COMBINED, INDEX, PER_DESCRIPTION
from dcatgen.build.writer import stamp

if TYPE_CHECKING:
    from dcatgen.build.partition import Partition
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import write_atomic
from dcatgen.rdf.terms import Triple

MANIFEST_VERSION = 7


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

    @classmethod
    def of(cls, file: str, part: Partition) -> Entry:
        """The entry of a partition processed now."""
        site = {"folder": part.site.folder, "entry": part.site.entry} if part.site else {}
        return cls(
            file=file,
            digest=part.digest,
            registers=part.registers,
            triples=part.triples,
            counts=part.counts,
            gaps=part.gaps,
            violations=[finding.to_record() for finding in part.findings],
            shared_triples=to_ntriples(part.shared_triples),
            shared_findings=[finding.to_record() for finding in part.shared_findings],
            outputs=part.outputs,
            about=part.about,
            site=site,
        )


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


def to_ntriples(triples: Sequence[Triple]) -> str:
    """Triples as N-Triples text, one line each."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def from_ntriples(text: str) -> list[Triple]:
    """The triples of N-Triples text to_ntriples wrote (no parser: the lines are ours)."""
    triples: list[Triple] = []
    for line in text.splitlines():
        subject, predicate, rest = line.split(" ", 2)  # IRIs and blank nodes hold no spaces
        triples.append((subject, predicate, rest[:-2]))
    return triples


def _manifest_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f".{stem}.manifest.json"


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
                if tuple(data["outputs"][format.label]) != stamp(out_dir / format.file_name(stem)):
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
                    f.label: stamp(out_dir / entry.folder / f.file_name(stem)) for f in formats
                }
            except OSError:
                continue
            if stamps != entry.outputs:
                continue  # edited since: build this one again
        previous.entries[entry.file] = entry
    previous.shared = data.get("shared", {})
    return previous


def write_manifest(
    out_dir: Path,
    stem: str,
    salt: str,
    formats: Sequence[Format],
    layout: str,
    entries: Sequence[Entry],
    shared: dict[str, Any],
) -> None:
    """Record this build's entries (and, combined, where the shared nodes lie)."""
    outputs = {}
    if layout == COMBINED:
        for format in formats:
            outputs[format.label] = stamp(out_dir / format.file_name(stem))
    document = {
        "version": MANIFEST_VERSION,
        "salt": salt,
        "layout": layout,
        "formats": [f.label for f in formats],
        "outputs": outputs,
        "files": [dataclasses.asdict(entry) for entry in entries],
        "shared": shared,
    }
    write_atomic(
        _manifest_path(out_dir, stem),
        json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        durable=False,  # a lost manifest only costs the next build its reuse
    )
