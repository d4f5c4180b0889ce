"""The naive reference pipeline of issue 5, written for the benchmark.

    python benchmarks/reference.py DATA -o OUT [--json FILE]

What anyone would write first with the usual libraries, on the same input and with the same
shapes as `dcatgen build`:

- load: the real loader (`dcatgen.model.load.load`);
- map: one rdflib `Graph`, filled with `Graph.add` from
  `dcatgen.mapping.tables.description_triples`;
- validate: one whole-graph pyshacl run with `dcatgen.validation.shapes.shapes_graph()` (inference
  none, warnings allowed, as dcatgen calls it), counting the report's top-level results;
- serialize: rdflib's own writers for Turtle, JSON-LD (with dcatgen's JSON-LD context),
  RDF/XML and N-Triples, one file each.

Prints `  stage    seconds s` lines like `dcatgen build --timings`; `--json` writes them with
the triple and finding counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from dcatgen.mapping.tables import description_triples
from dcatgen.model.load import load
from dcatgen.rdf.namespaces import PREFIXES
from dcatgen.rdf.serialize import context_document
from dcatgen.rdf.terms import literal_parts
from dcatgen.validation.shapes import shapes_graph

FORMATS = (
    ("turtle", "turtle", "ttl"),
    ("json-ld", "json-ld", "jsonld"),
    ("rdf-xml", "xml", "rdf"),
    ("n-triples", "nt", "nt"),
)
"""(stage label, rdflib format name, file extension) of the four serialisations."""


@cache
def rdflib_term(term: str) -> Node:
    """An N-Triples term string (what the mapping emits) as the rdflib term a naive
    mapping would have built directly."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    lexical, language, datatype = literal_parts(term)
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None)


def count_results(report: Graph) -> dict[str, int]:
    """Top-level results of a pyshacl report by severity (nested sh:detail ones not counted)."""
    counts = {"violations": 0, "warnings": 0, "infos": 0}
    names = {SH.Violation: "violations", SH.Warning: "warnings", SH.Info: "infos"}
    for validation_report in report.subjects(SH.conforms, None):
        for result in report.objects(validation_report, SH.result):
            severity = report.value(result, SH.resultSeverity)
            counts[names.get(severity, "violations")] += 1  # type: ignore[call-overload]
    return counts


def run(data: Path, out: Path) -> dict[str, Any]:
    """Run the naive pipeline; return timings (stage → seconds) and counts."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = load(data)
    timings["load"] = time.perf_counter() - started

    started = time.perf_counter()
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for source in sources:
        for s, p, o in description_triples(source.description):
            graph.add((rdflib_term(s), rdflib_term(p), rdflib_term(o)))
    timings["map"] = time.perf_counter() - started

    started = time.perf_counter()
    conforms, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    counts = count_results(report)
    timings["validate"] = time.perf_counter() - started

    out.mkdir(parents=True, exist_ok=True)
    context = context_document()["@context"]
    for label, rdflib_format, extension in FORMATS:
        started = time.perf_counter()
        options: dict[str, Any] = {"context": context} if label == "json-ld" else {}
        graph.serialize(
            destination=out / f"catalog.{extension}",
            format=rdflib_format,
            encoding="utf-8",
            **options,
        )
        timings[f"serialize {label}"] = time.perf_counter() - started
    timings["serialize"] = sum(timings[f"serialize {label}"] for label, _, _ in FORMATS)
    return {
        "registers": sum(len(s.description.registers()) for s in sources),
        "descriptions": len(sources),
        "triples": len(graph),
        "conforms": bool(conforms),
        "findings": counts,
        "stages": timings,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="The naive reference pipeline (issue 5).")
    parser.add_argument("data", type=Path, help="a description file or a folder of them")
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for the files")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args.data, args.out)
    result["total"] = time.perf_counter() - started
    findings = result["findings"]
    print(
        f"{result['descriptions']} descriptions, {result['registers']} registers, "
        f"{result['triples']} triples"
    )
    print(
        f"validation: {'conforms' if result['conforms'] else 'does not conform'}: "
        f"{findings['violations']} violations, {findings['warnings']} warnings, "
        f"{findings['infos']} infos"
    )
    for stage, seconds in result["stages"].items():
        print(f"  {stage:20} {seconds:8.3f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
