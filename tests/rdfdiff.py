"""Compare RDF graphs by isomorphism and explain the difference in Turtle."""

from __future__ import annotations

from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic


def explain_difference(expected: Graph, actual: Graph, limit: int = 40) -> str | None:
    """None when the graphs are isomorphic, else the missing and extra triples, readable."""
    iso_expected, iso_actual = to_isomorphic(expected), to_isomorphic(actual)
    if iso_expected == iso_actual:
        return None
    _, missing, extra = graph_diff(iso_expected, iso_actual)
    lines = [f"graphs differ: {len(missing)} triples missing, {len(extra)} extra"]
    for label, graph in (("missing", missing), ("extra", extra)):
        for index, (s, p, o) in enumerate(sorted(graph)):
            if index == limit:
                lines.append(f"  … {len(graph) - limit} more {label}")
                break
            lines.append(f"  {label}: {s.n3()} {p.n3()} {o.n3()}")
    return "\n".join(lines)
