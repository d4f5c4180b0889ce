"""The whole run: load → map → validate → serialise, as one API the CLI calls."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dcatgen.load import Source, load
from dcatgen.mapping import Triple, description_triples
from dcatgen.serialize import Format, canonical, write_all
from dcatgen.validate import Report, validate_triples


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
    """Load descriptions under a path and map them to canonical triples."""
    started = time.perf_counter()
    sources = load(target)
    loaded = time.perf_counter()
    triples = canonical(
        triple for source in sources for triple in description_triples(source.description)
    )
    mapped = time.perf_counter()
    return Catalog(sources, triples, {"load": loaded - started, "map": mapped - loaded})


def check(catalog: Catalog) -> Report:
    """Validate a catalog against every shape; time it."""
    started = time.perf_counter()
    report = validate_triples(catalog.triples, catalog.sources)
    catalog.timings["validate"] = time.perf_counter() - started
    return report


@dataclass
class BuildResult:
    """What a build did: the catalog, its report, and the files it wrote (none if refused)."""

    catalog: Catalog
    report: Report
    written: list[Path]


def build(
    target: Path,
    out_dir: Path,
    force: bool = False,
    formats: Sequence[Format] = tuple(Format),
    stem: str = "catalog",
) -> BuildResult:
    """Build catalogs from descriptions; write nothing when violations are found unless forced."""
    catalog = make_catalog(target)
    report = check(catalog)
    written: list[Path] = []
    if report.conforms or force:
        started = time.perf_counter()
        written = write_all(catalog.triples, out_dir, stem, formats)
        catalog.timings["serialize"] = time.perf_counter() - started
    return BuildResult(catalog, report, written)
