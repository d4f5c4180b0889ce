"""In-memory catalogs for small inputs, `serve` and `query`: load, map, validate at once."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from dcatgen.mapping.tables import description_triples
from dcatgen.model.load import (
    Source,
    load,
)
from dcatgen.rdf.serialize import grouped
from dcatgen.rdf.terms import Triple
from dcatgen.validation.findings import Finding, Report
from dcatgen.validation.locate import Locator, locate, unplaced_findings
from dcatgen.validation.run import DEFAULT_ENGINE, run_engine

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
    triples = grouped(
        triple for source in sources for triple in description_triples(source.description)
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
