"""Measurements ↔ the quality graph: DQV in the named graph ``{base}quality``.

Each measurement is ``{resource}#quality-{metric}``: ``dqv:computedOn`` the register's
dataset (or the catalog), ``dqv:isMeasurementOf`` a `dg:` metric, with its ``dqv:value``;
the resource links it with ``dqv:hasQualityMeasurement``.  A measurement that fails says
with ``dg:canBeSupplied`` whether the description could supply what is missing, and a
register links each §28 item it lacks with ``dg:missingS28Item`` (the fact the query for the
gaps reads).  Its own graph keeps the catalog exactly as the authority wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from dcatgen.quality.measure import CatalogQuality, Measurement
from dcatgen.quality.metrics import BY_NAME, S28_ITEMS
from dcatgen.rdf.terms import DG, RDF_TYPE, XSD, Term, Vocabulary, iri, iri_value, typed

DQV_NAMESPACE = "http://www.w3.org/ns/dqv#"
DQV = Vocabulary(DQV_NAMESPACE)
GRAPH_SUFFIX = "quality"
"""The quality graph of an organisation is ``{base}quality``."""
DG_NAMESPACE = iri_value(DG[""])

Quad = tuple[Term, Term, Term, Term]


def graph_iri(base: str) -> str:
    """The quality graph's IRI for an organisation's base IRI."""
    return base + GRAPH_SUFFIX


@cache
def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def measurement_iri(measurement: Measurement) -> Term:
    """``{resource}#quality-{metric in kebab case}``."""
    return iri(f"{measurement.subject}#quality-{_kebab(measurement.metric.name)}")


def _value(value: bool | int | Decimal) -> Term:
    if isinstance(value, bool):
        return typed("true" if value else "false", XSD.boolean)
    if isinstance(value, int):
        return typed(str(value), XSD.integer)
    return typed(format(value, "f"), XSD.decimal)


def measurement_triples(measurement: Measurement) -> list[tuple[Term, Term, Term]]:
    """The triples of one measurement."""
    node = measurement_iri(measurement)
    resource = iri(measurement.subject)
    triples = [
        (resource, DQV.hasQualityMeasurement, node),
        (node, RDF_TYPE, DQV.QualityMeasurement),
        (node, DQV.computedOn, resource),
        (node, DQV.isMeasurementOf, DG[measurement.metric.name]),
        (node, DQV.value, _value(measurement.value)),
    ]
    if measurement.suppliable is not None:
        triples.append((node, DG.canBeSupplied, _value(measurement.suppliable)))
    if is_gap(measurement):
        triples.append((resource, DG.missingS28Item, DG[measurement.metric.name]))
    return triples


def is_gap(measurement: Measurement) -> bool:
    """A §28 item the register does not state: also published as ``dg:missingS28Item``, so
    that a query for the gaps reads only the gaps (one index look-up per item), not every
    measurement of every register."""
    return measurement.metric in S28_ITEMS and measurement.value is False


def quality_quads(quality: CatalogQuality, base: str) -> list[Quad]:
    """The quality graph of one catalog, in canonical order."""
    graph = iri(graph_iri(base))
    measurements = [*quality.measurements, *(m for ms in quality.registers.values() for m in ms)]
    triples = sorted({t for m in measurements for t in measurement_triples(m)}, key=_sort_key)
    return [(s, p, o, graph) for s, p, o in triples]


def _sort_key(triple: tuple[Term, Term, Term]) -> tuple[str, bool, str, str]:
    subject, predicate, obj = triple
    return (subject, predicate != RDF_TYPE, predicate, obj)


def nquads(quads: Iterable[Quad]) -> bytes:
    """N-Quads text."""
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads).encode("utf-8")


TRIG_PREFIXES = (("dg", DG_NAMESPACE), ("dqv", DQV_NAMESPACE), ("xsd", iri_value(XSD[""])))


QUALITY_FILES = ("quality.trig",)
"""The quality file a build writes beside each catalog (TriG: named graphs, and a third of
the size of N-Quads)."""
FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


def read_quads(path: Path) -> Iterator[ox.Quad]:
    """The quads of a quality file (N-Quads or TriG)."""
    yield from ox.parse(path=str(path), format=FORMATS[path.suffix])


def measurements_from_quads(quads: Iterable[ox.Quad]) -> list[Measurement]:
    """Measurements read back from the quality graph (unknown metrics are skipped)."""
    nodes: dict[str, dict[str, ox.NamedNode | ox.Literal]] = {}
    for quad in quads:
        if not isinstance(quad.subject, ox.NamedNode) or isinstance(quad.object, ox.BlankNode):
            continue
        predicate = quad.predicate.value
        if predicate.startswith(DQV_NAMESPACE) or predicate == DG_NAMESPACE + "canBeSupplied":
            nodes.setdefault(quad.subject.value, {})[predicate] = quad.object  # type: ignore[assignment]
    measurements = []
    for fields in nodes.values():
        metric_term = fields.get(DQV_NAMESPACE + "isMeasurementOf")
        subject = fields.get(DQV_NAMESPACE + "computedOn")
        value = fields.get(DQV_NAMESPACE + "value")
        if metric_term is None or subject is None or not isinstance(value, ox.Literal):
            continue
        metric = BY_NAME.get(metric_term.value.removeprefix(DG_NAMESPACE))
        if metric is None:
            continue
        supplied = fields.get(DG_NAMESPACE + "canBeSupplied")
        measurements.append(
            Measurement(
                subject.value,
                metric,
                _python(value),
                None if supplied is None else supplied.value == "true",
            )
        )
    return measurements


def _python(value: ox.Literal) -> bool | int | Decimal:
    datatype = value.datatype.value
    if datatype == iri_value(XSD.boolean):
        return value.value == "true"
    if datatype == iri_value(XSD.integer):
        return int(value.value)
    return Decimal(value.value)


def _literal(value: bool | int | Decimal) -> str:
    if isinstance(value, bool):
        return '"true"^^xsd:boolean' if value else '"false"^^xsd:boolean'
    if isinstance(value, int):
        return f'"{value}"^^xsd:integer'
    return f'"{format(value, "f")}"^^xsd:decimal'


def quality_trig(quality: CatalogQuality, base: str) -> bytes:
    """The quality graph of one catalog as TriG, written straight from the measurements
    (resources in the catalog's order, metrics in the table's): the same quads as
    `quality_quads`, in a fixed order, at a fraction of the cost of sorting them."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in TRIG_PREFIXES]
    lines += [f"@base <{base}> .", f"<{GRAPH_SUFFIX}> {{"]
    groups = [quality.measurements, *quality.registers.values()]
    for measurements in groups:
        if not measurements:
            continue
        resource = "<" + measurements[0].subject.removeprefix(base) + ">"
        nodes = [f"{resource[:-1]}#quality-{_kebab(m.metric.name)}>" for m in measurements]
        lines.append(f"\t{resource} dqv:hasQualityMeasurement {' , '.join(nodes)} .")
        gaps = [f"dg:{m.metric.name}" for m in measurements if is_gap(m)]
        if gaps:
            lines.append(f"\t{resource} dg:missingS28Item {' , '.join(gaps)} .")
        for node, measurement in zip(nodes, measurements, strict=True):
            lines.append(f"\t{node} a dqv:QualityMeasurement ;")
            if measurement.suppliable is not None:
                lines.append(f"\t\tdg:canBeSupplied {_literal(measurement.suppliable)} ;")
            lines.append(f"\t\tdqv:computedOn {resource} ;")
            lines.append(f"\t\tdqv:isMeasurementOf dg:{measurement.metric.name} ;")
            lines.append(f"\t\tdqv:value {_literal(measurement.value)} .")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
