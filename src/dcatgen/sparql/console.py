"""Query: run SPARQL over a built catalog (embedded store) or a remote endpoint, for people.

``table`` prints aligned columns with IRIs shortened by dcatgen's prefixes; ``csv``, ``tsv``
and ``json`` print the SPARQL 1.1 result formats unchanged.  CONSTRUCT and DESCRIBE print
Turtle (``table``) or JSON-LD (``json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import requests

from dcatgen.rdf.namespaces import shorten
from dcatgen.sparql.engine import (
    QueryAnswer,
    QueryError,
    QueryRequest,
    ResultFormat,
    check_nesting,
    execute,
    shape,
)

OUTPUTS = ("table", "csv", "tsv", "json")
_SOLUTION_FORMAT = {
    "table": ResultFormat.JSON,
    "json": ResultFormat.JSON,
    "csv": ResultFormat.CSV,
    "tsv": ResultFormat.TSV,
}
_GRAPH_FORMAT = {"table": ResultFormat.TURTLE, "json": ResultFormat.JSON_LD}


class EndpointError(Exception):
    """The remote endpoint could not be reached or answered with an error."""


@dataclass(frozen=True)
class Result:
    """A query's answer as bytes, and whether it is a graph (CONSTRUCT/DESCRIBE)."""

    body: bytes
    format: ResultFormat

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT/DESCRIBE answers."""
        return self.format not in (
            ResultFormat.JSON,
            ResultFormat.XML,
            ResultFormat.CSV,
            ResultFormat.TSV,
        )


def result_format(query: str, output: str) -> ResultFormat:
    """The result format to ask for, given the query form and the wanted output."""
    form = shape(query).form
    if form in ("CONSTRUCT", "DESCRIBE"):
        if output not in _GRAPH_FORMAT:
            raise QueryError(400, f"{form} gives a graph: use --format table (Turtle) or json")
        return _GRAPH_FORMAT[output]
    return _SOLUTION_FORMAT[output]


def check_syntax(query: str, output: str) -> None:
    """Raise QueryError for a query that does not parse or fit the output, without data."""
    check_nesting(query)  # before any parse: the engine crashes on deep nesting
    result_format(query, output)
    if shape(query).uses_service:
        return  # an ASK would be evaluated, SERVICE included: leave it to the real run
    try:
        ox.Store().query(query)  # an empty store: parsing is all the work
    except SyntaxError as error:
        raise QueryError(400, f"SPARQL syntax error: {error}") from None
    except OSError:
        pass  # evaluation problems are the real run's to report


def run_local(store: ox.Store, query: str, output: str) -> Result:
    """Run a query in-process over a store; QueryError for a bad query."""
    chosen = result_format(query, output)
    answer: QueryAnswer = execute(
        store, QueryRequest(query=query, format=chosen.label, max_results=None)
    )
    return Result(answer.body, chosen)


def run_remote(endpoint: str, query: str, output: str, timeout: float = 300.0) -> Result:
    """POST a query form-encoded (what every endpoint accepts, Virtuoso included)."""
    chosen = result_format(query, output)
    try:
        response = requests.post(
            endpoint,
            data={"query": query},
            headers={"Accept": chosen.media_type},
            timeout=timeout,
        )
    except requests.RequestException as problem:
        raise EndpointError(f"cannot query {endpoint}: {problem}") from None
    if response.status_code == 400:
        raise QueryError(400, response.text.strip() or "the endpoint rejected the query")
    if response.status_code != 200:
        detail = response.text.strip()[:500]
        raise EndpointError(
            f"HTTP {response.status_code} {response.reason} from {endpoint}: {detail}"
        )
    return Result(response.content, chosen)


def shown_iri(iri: str) -> str:
    """prefix:local when one of dcatgen's prefixes fits, else <iri>."""
    return shorten(iri) or f"<{iri}>"


def cell(binding: dict[str, Any] | None) -> str:
    """One value of a JSON results binding as table text."""
    if binding is None:
        return ""
    kind, value = binding.get("type"), binding.get("value")
    if kind == "uri":
        return shown_iri(str(value))
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple" and isinstance(value, dict):
        parts = (cell(value.get(k)) for k in ("subject", "predicate", "object"))
        return "<< " + " ".join(parts) + " >>"
    return str(value)


def table(body: bytes) -> str:
    """SPARQL JSON results as an aligned text table (or true/false for ASK)."""
    document = json.loads(body)
    if "boolean" in document:
        return "true" if document["boolean"] else "false"
    names: list[str] = document["head"].get("vars", [])
    rows = [[cell(row.get(name)) for name in names] for row in document["results"]["bindings"]]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [
        "  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    lines += [
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def render(result: Result, output: str) -> str:
    """The text printed for a result."""
    text = result.body.decode("utf-8")
    if output == "table" and not result.is_graph:
        return table(result.body)
    return text.rstrip("\n")
