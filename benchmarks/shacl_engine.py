"""Benchmark: the fast SHACL engine (dcatgen.validation.engine) against pyshacl, on a
synthetic national catalog.

The catalog copies the seed's registers (data/mynamaki.yaml) under many ids and organisations:
each organisation has the seed's unit with its five registers repeated `--per-org` / 5 times,
all IRIs minted under the organisation's own base IRI.  Triples are N-Triples term strings,
as the mapping will emit them.

    python benchmarks/shacl_engine.py                      # pyshacl at 500, engine up to 100,000
    python benchmarks/shacl_engine.py --sizes 1000 10000 --pyshacl 200

Prints, per size: triples per register, wall time (best of --repeat up to 10,000 registers),
ms/register, peak RSS, and at the pyshacl size the ratio pyshacl/engine and whether both found
the same findings.  The engine's time includes building its index from the term strings.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from dcatgen.mapping.tables import description_triples
from dcatgen.model.description import Description
from dcatgen.model.load import load
from dcatgen.validation.fast.compiler import compile_shapes
from dcatgen.validation.fast.plan import CompiledShapes
from dcatgen.validation.findings import Finding
from dcatgen.validation.reference import shacl_findings
from dcatgen.validation.shapes import shapes_graph

ROOT = Path(__file__).resolve().parents[1]
SEED_BASE = "https://w3id.org/dcatgen/id/mynamaki/"
Triple = tuple[str, str, str]


def organisation_template(per_org: int) -> tuple[list[Triple], int]:
    """One organisation's triples (seed registers repeated), and its register count."""
    description = load(ROOT / "data" / "mynamaki.yaml")[0].description
    copies = max(1, per_org // sum(len(u.registers) for u in description.units))
    units = []
    for unit in description.units:
        registers = [
            register.model_copy(
                update={
                    "id": f"{register.id}-{copy}",
                    "part_of": f"{register.part_of}-{copy}" if register.part_of else None,
                }
            )
            for copy in range(copies)
            for register in unit.registers
        ]
        units.append(unit.model_copy(update={"registers": tuple(registers)}))
    big: Description = description.model_copy(update={"units": tuple(units)})
    triples = description_triples(big)
    return triples, sum(len(u.registers) for u in units)


def organisation(template: list[Triple], number: int) -> list[Triple]:
    """The template re-minted under organisation `number`'s base IRI."""
    base = f"https://w3id.org/dcatgen/id/org{number:05d}/"
    memo: dict[str, str] = {}

    def mint(term: str) -> str:
        new = memo.get(term)
        if new is None:
            new = memo[term] = term.replace(SEED_BASE, base) if SEED_BASE in term else term
        return new

    return [(mint(s), p, mint(o)) for s, p, o in template]


def catalog(template: list[Triple], organisations: int) -> Iterator[list[Triple]]:
    for number in range(organisations):
        yield organisation(template, number)


def to_rdflib(term: str) -> Node:
    if term[0] == "<":
        return URIRef(term[1:-1])
    if term[0] == "_":
        return BNode(term[2:])
    graph = Graph().parse(data=f"<urn:s> <urn:p> {term} .", format="turtle")
    (value,) = graph.objects()
    return value


def key(finding: Finding) -> tuple[object, ...]:
    """The result identity both engines are compared on."""
    return finding.identity()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(
    compiled: CompiledShapes, template: list[Triple], organisations: int, whole: bool
) -> tuple[float, float, int, int]:
    """Wall and CPU seconds spent validating, findings, triples; whole graph or one call per
    organisation (CPU time: this machine kind is often shared, wall time then inflates)."""
    seconds = cpu = 0.0
    findings = 0
    triples = 0
    chunks = catalog(template, organisations)
    if whole:
        data = [t for chunk in chunks for t in chunk]
        chunks = iter([data])
        del data
    for chunk in chunks:
        triples += len(chunk)
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        findings += len(compiled.validate(chunk))
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
    return seconds, cpu, findings, triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 10_000, 100_000])
    parser.add_argument("--pyshacl", type=int, default=500, help="registers for pyshacl (0: skip)")
    parser.add_argument("--per-org", type=int, default=50, help="registers per organisation")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine at 10,000")
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of N engine runs up to 10,000 registers"
    )
    args = parser.parse_args()

    template, per_org = organisation_template(args.per_org)
    print(
        f"python {sys.version.split()[0]}; {per_org} registers and {len(template)} triples "
        f"(with duplicates) per organisation"
    )
    start = time.perf_counter()
    compiled = compile_shapes(shapes_graph())
    print(f"shapes: parsed and compiled once in {time.perf_counter() - start:.2f} s")

    if args.pyshacl:
        organisations = max(1, args.pyshacl // per_org)
        registers = organisations * per_org
        data = [t for chunk in catalog(template, organisations) for t in chunk]
        graph = Graph()
        for s, p, o in data:
            graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        start = time.perf_counter()
        reference, _ = shacl_findings(graph)
        reference_s = time.perf_counter() - start
        engine_s = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            mine = compiled.validate(data)
            engine_s = min(engine_s, time.perf_counter() - start)
        same = Counter(map(key, reference)) == Counter(map(key, mine))
        print(
            f"{registers:>7} registers, {len(graph) / registers:.0f} distinct triples each: "
            f"pyshacl {reference_s:.2f} s = {reference_s * 1000 / registers:.2f} ms/register; "
            f"engine {engine_s * 1000:.1f} ms = {engine_s * 1000 / registers:.4f} ms/register; "
            f"ratio {reference_s / engine_s:.0f}x; {len(mine)} findings, "
            f"{'identical' if same else 'DIFFERENT'} to pyshacl's"
        )
        del graph, data

    for size in args.sizes:
        organisations = max(1, size // per_org)
        registers = organisations * per_org
        for whole in (True, False):
            repeat = args.repeat if registers <= 10_000 else 1
            runs = [run_engine(compiled, template, organisations, whole) for _ in range(repeat)]
            seconds, cpu, findings, triples = min(runs)
            how = "whole graph, one call" if whole else f"one call per organisation ({per_org})"
            print(
                f"{registers:>7} registers, {triples / registers:.0f} triples each, {how}: "
                f"{seconds:.2f} s = {seconds * 1000 / registers:.4f} ms/register "
                f"(CPU {cpu * 1000 / registers:.4f}); {findings} findings; "
                f"peak RSS {peak_rss_mb():.0f} MB"
            )

    if args.profile:
        import cProfile
        import pstats

        data = [t for chunk in catalog(template, max(1, 10_000 // per_org)) for t in chunk]
        profiler = cProfile.Profile()
        profiler.runcall(compiled.validate, data)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
