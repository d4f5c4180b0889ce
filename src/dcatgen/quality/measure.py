"""Measure a catalog: each register's MQA indicators and §28 items, and the catalog's totals.

A pure function of one description's triples (as the build writes them, dates included)
and the focus nodes of its violations: what a harvester would see, measured the way the MQA
measures it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dcatgen.model.description import Description, OrganisationKind
from dcatgen.quality.metrics import (
    DIMENSION_SCORES,
    DISTRIBUTIONS,
    LICENCE_VOCABULARIES,
    MACHINE_READABLE_MEDIA_TYPES,
    MQA_DIMENSIONS,
    MQA_METRICS,
    OPEN_MEDIA_TYPES,
    S28_ITEMS,
    S28_MISSING,
    SCORE,
    Dimension,
    Level,
    Metric,
    Supply,
)
from dcatgen.rdf.terms import ACCESS_RIGHT, DCAT, DCT, DG, Term, Triple, iri_value

IANA = "http://www.iana.org/assignments/media-types/"
OPEN_AVAILABILITY = {DG.OpenlyAvailable, DG.PartlyOpenlyAvailable}

Value = bool | int | Decimal


@dataclass(frozen=True)
class Measurement:
    """One measurement: a metric's value on a register or catalog."""

    subject: str
    """The IRI measured (a register's dataset or the catalog)."""
    metric: Metric
    value: Value
    suppliable: bool | None = None
    """For a failing measurement: whether the description could supply what is missing."""

    @property
    def met(self) -> bool:
        """True when the indicator is met in full (a true boolean, a share of 1)."""
        return self.value is True or (isinstance(self.value, Decimal) and self.value == 1)

    @property
    def points(self) -> Decimal:
        """The MQA points this measurement earns."""
        if self.metric.points == 0 or self.metric.dimension is Dimension.S28:
            return Decimal(0)
        if isinstance(self.value, bool):
            return Decimal(self.metric.points if self.value else 0)
        return Decimal(self.metric.points) * Decimal(self.value)


def _share(hits: int, total: int) -> Decimal:
    return (Decimal(hits) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _by_subject(triples: Iterable[Triple]) -> dict[Term, dict[Term, list[Term]]]:
    nodes: dict[Term, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in triples:
        nodes[subject][predicate].append(obj)
    return nodes


def _distribution_values(node: dict[Term, list[Term]]) -> dict[str, bool]:
    media = [
        m[len(IANA) + 1 : -1] for m in node.get(DCAT.mediaType, []) if m.startswith("<" + IANA)
    ]
    licences = [iri_value(term) for term in node.get(DCT.license, [])]
    return {
        "MqaDownloadUrl": DCAT.downloadURL in node,
        "MqaFormat": DCT["format"] in node,
        "MqaMediaType": DCAT.mediaType in node,
        "MqaFormatMediaTypeVocabulary": bool(media),
        "MqaNonProprietary": any(m in OPEN_MEDIA_TYPES for m in media),
        "MqaMachineReadable": any(m in MACHINE_READABLE_MEDIA_TYPES for m in media),
        "MqaLicenceInformation": DCT.license in node,
        "MqaLicenceVocabulary": any(lic.startswith(LICENCE_VOCABULARIES) for lic in licences),
        "MqaRights": DCT.rights in node,
        "MqaFileSize": DCAT.byteSize in node,
    }


def _suppliable(metric: Metric, municipality: bool, open_register: bool, has_dist: bool) -> bool:
    if metric.supply is Supply.NEVER or metric.supply is Supply.PORTAL:
        return False
    if metric.name == "MqaGeoSearch":
        return municipality  # only a municipality has a code that places it
    if metric.level is Level.DISTRIBUTION and not has_dist:
        return open_register
    if metric.supply is Supply.DISTRIBUTIONS:
        return open_register
    return True


def measure_register(
    dataset: Term,
    nodes: dict[Term, dict[Term, list[Term]]],
    violated: bool,
    municipality: bool,
) -> list[Measurement]:
    """Every measurement of one register's dataset."""
    node = nodes.get(dataset, {})
    subject = iri_value(dataset)
    availability = node.get(DG.openInterfaceAvailability, [])
    open_register = any(value in OPEN_AVAILABILITY for value in availability)
    distributions = [nodes.get(d, {}) for d in node.get(DCAT.distribution, [])]
    has_dist = bool(distributions)
    access_rights = node.get(DCT.accessRights, [])
    dataset_values = {
        "MqaKeywordUsage": DCAT.keyword in node,
        "MqaCategories": DCAT.theme in node,
        "MqaGeoSearch": DCT.spatial in node,
        "MqaTimeBasedSearch": DCT.temporal in node,
        "MqaDcatApCompliance": not violated,
        "MqaAccessRestrictions": bool(access_rights),
        "MqaAccessRestrictionsVocabulary": any(
            term.startswith("<" + iri_value(ACCESS_RIGHT[""])) for term in access_rights
        ),
        "MqaContactPoint": DCAT.contactPoint in node,
        "MqaPublisher": DCT.publisher in node,
        "MqaDateOfIssue": DCT.issued in node,
        "MqaModificationDate": DCT.modified in node,
    }
    per_distribution = [_distribution_values(d) for d in distributions]
    measurements: list[Measurement] = []

    def add(metric: Metric, value: Value) -> None:
        met = value is True or (isinstance(value, Decimal) and value == 1)
        supply = None if met else _suppliable(metric, municipality, open_register, has_dist)
        measurements.append(Measurement(subject, metric, value, supply))

    for metric in MQA_METRICS:
        if metric.level is Level.DATASET:
            add(metric, dataset_values[metric.name])
        elif metric.level is Level.DISTRIBUTION and has_dist:
            hits = sum(1 for values in per_distribution if values[metric.name])
            add(metric, _share(hits, len(per_distribution)))
    count = len(distributions)
    measurements.append(
        Measurement(
            subject,
            DISTRIBUTIONS,
            count,
            None if count else _suppliable(DISTRIBUTIONS, municipality, open_register, False),
        )
    )
    score = sum((m.points for m in measurements), Decimal(0))
    measurements.append(Measurement(subject, SCORE, int(score.to_integral_value(ROUND_HALF_UP))))
    present = s28_present(node)
    for metric, is_present in zip(S28_ITEMS, present, strict=True):
        measurements.append(Measurement(subject, metric, is_present, None if is_present else True))
    missing = sum(1 for value in present if not value)
    measurements.append(Measurement(subject, S28_MISSING, missing))
    return measurements


def s28_present(node: dict[Term, list[Term]]) -> tuple[bool, bool, bool, bool, bool]:
    """The five §28 items of a dataset, present or not (as `missing-s28-items` asks)."""
    availability = node.get(DG.openInterfaceAvailability, [])
    return (
        DG.informationSystem in node,
        DG.disclosureAuthority in node,
        DG.dataGroup in node,
        DG.searchCriterion in node or DG.searchCriteriaStatement in node,
        any(value != DG.AvailabilityNotStated for value in availability),
    )


@dataclass(frozen=True)
class CatalogQuality:
    """A catalog's measurements and those of its registers."""

    catalog: str
    registers: dict[str, list[Measurement]]
    measurements: list[Measurement]


def dimension_scores(measurements: Sequence[Measurement]) -> dict[str, Decimal]:
    """Points by MQA dimension."""
    scores = {dimension.value: Decimal(0) for dimension in MQA_DIMENSIONS}
    for measurement in measurements:
        if measurement.metric.points:
            scores[measurement.metric.dimension.value] += measurement.points
    return scores


def measure(
    description: Description, triples: Sequence[Triple], violations: Iterable[str]
) -> CatalogQuality:
    """Measure one description's catalog; ``violations`` are the focus nodes (IRIs without
    brackets) of its violations."""
    nodes = _by_subject(triples)
    base = str(description.organisation.base_iri)
    municipality = description.organisation.kind is OrganisationKind.MUNICIPALITY
    violated = set(violations)
    registers: dict[str, list[Measurement]] = {}
    for _, register in description.registers():
        dataset = f"<{base}register/{register.id}>"
        own = iri_value(dataset)
        hit = any(node == own or node.startswith(own + "#") for node in violated)
        registers[own] = measure_register(dataset, nodes, hit, municipality)
    catalog = base + "catalog"
    measurements: list[Measurement] = []
    count = len(registers) or 1
    totals = [dimension_scores(m) for m in registers.values()]
    for dimension in MQA_DIMENSIONS:
        mean = sum((t[dimension.value] for t in totals), Decimal(0)) / count
        metric = DIMENSION_SCORES[dimension]
        rounded = mean.quantize(Decimal("0.1"), ROUND_HALF_UP)
        measurements.append(Measurement(catalog, metric, rounded))
    score = sum((m.value for m in measurements if isinstance(m.value, Decimal)), Decimal(0))
    measurements.append(Measurement(catalog, SCORE, int(score.to_integral_value(ROUND_HALF_UP))))
    gaps = sum(int(m.value) for ms in registers.values() for m in ms if m.metric is S28_MISSING)
    measurements.append(Measurement(catalog, S28_MISSING, gaps))
    return CatalogQuality(catalog, registers, measurements)
