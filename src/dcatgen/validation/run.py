"""Running validation: the engines by name, and validating a catalog's triples at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from dcatgen.mapping.tables import to_graph
from dcatgen.model.load import Source
from dcatgen.rdf.terms import Triple
from dcatgen.validation.findings import S28_SHAPES, VOCABULARY_SHAPES, Finding, Report
from dcatgen.validation.locate import Locator, locate, unplaced_findings
from dcatgen.validation.reference import shacl_findings


def _fast_engine(triples: list[Triple]) -> list[Finding]:
    from dcatgen.validation.fast.compiler import validate_fast

    return validate_fast(triples)


ENGINES: dict[str, Callable[[list[Triple]], list[Finding]]] = {
    "fast": _fast_engine,
    "pyshacl": lambda triples: shacl_findings(to_graph(triples))[0],
}
"""Validation engines by name.  pyshacl is the reference; the fast engine
(dcatgen.validation.engine) gives identical findings, as the differential tests in
tests/test_shacl_engine.py check."""


DEFAULT_ENGINE = "fast"


def run_engine(engine: str, triples: list[Triple]) -> list[Finding]:
    """Unlocated findings of one engine over triples."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(sorted(ENGINES))}")
    return ENGINES[engine](triples)


def validate_triples(
    triples: Iterable[Triple], sources: Sequence[Source] = (), keep_graph: bool = False
) -> Report:
    """Validate a catalog's triples; findings point back into the sources."""
    triples = list(triples)
    findings, report_graph = shacl_findings(to_graph(triples))
    locators = [Locator(source) for source in sources]
    located = sorted((locate(f, locators) for f in findings), key=Finding.sort_key)
    located.extend(unplaced_findings(sources))
    if keep_graph:
        # The report names the shapes: give their namespaces prefixes, or rdflib makes up
        # 'default2:' for DCAT-AP's shape namespace.
        report_graph.bind("dcatapshapes", "http://data.europa.eu/r5r#")
        report_graph.bind("vs", VOCABULARY_SHAPES)
        report_graph.bind("s28", S28_SHAPES)
    return Report(located, report_graph if keep_graph else None)
