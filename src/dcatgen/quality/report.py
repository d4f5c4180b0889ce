"""The `dcatgen quality` report: scores by dimension, and what each missing indicator would add.

Made from measurements only (read from a build's quality files, or measured now from YAML),
so the report on an out/ folder and on its data are the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dcatgen.quality.measure import Measurement
from dcatgen.quality.metrics import (
    DIMENSION_SCORES,
    DISTRIBUTIONS,
    MQA_DIMENSIONS,
    MQA_METRICS,
    S28_ITEMS,
    S28_MISSING,
    SCORE,
    Dimension,
    Level,
    Metric,
    Supply,
    rating,
)

MAXIMA = {
    dimension.value: sum(m.points for m in MQA_METRICS if m.dimension is dimension)
    for dimension in MQA_DIMENSIONS
}


@dataclass(frozen=True)
class Missing:
    """An indicator not (fully) met, what it would add, and whether the source can give it."""

    indicator: str
    metric: str
    dimension: str
    points: Decimal
    supply: str
    """'field' (the description could give it), 'cannot', or 'portal' (checked over HTTP)."""
    how: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "indicator": self.indicator,
            "metric": self.metric,
            "dimension": self.dimension,
            "points": float(self.points),
            "supply": self.supply,
            "how": self.how,
        }


@dataclass
class ResourceReport:
    """The report on one register or catalog."""

    iri: str
    kind: str
    score: Decimal
    dimensions: dict[str, Decimal]
    missing: list[Missing] = field(default_factory=list)
    s28_missing: list[str] = field(default_factory=list)
    s28_count: int = 0

    @property
    def rating(self) -> str:
        """MQA's rating of the score."""
        return rating(self.score)

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "score": float(self.score),
            "maximum": sum(MAXIMA.values()),
            "rating": self.rating,
            "dimensions": {
                name: {"points": float(points), "maximum": MAXIMA[name]}
                for name, points in self.dimensions.items()
            },
            "missing": [item.to_json() for item in self.missing],
            "s28_missing": self.s28_missing,
            "s28_missing_count": self.s28_count,
        }


def _how(metric: Metric, suppliable: bool | None, open_register: bool | None) -> tuple[str, str]:
    """(supply, how) for an indicator that is not met."""
    if metric.supply is Supply.PORTAL:
        if open_register is False:
            return "cannot", "the register is not openly available: no distribution to check"
        return "portal", metric.fix
    if suppliable:
        if metric.level is Level.DISTRIBUTION and open_register is not None:
            return "field", f"distributions[] (access_url …), then {metric.fix}"
        return "field", metric.fix
    if metric.level is Level.DISTRIBUTION and open_register is False:
        return "cannot", "the register is not openly available: it has no distribution"
    if metric.name == "MqaGeoSearch":
        return "cannot", "only a municipality has a code (municipality_code) that places it"
    return "cannot", metric.fix


def register_report(iri: str, measurements: Sequence[Measurement]) -> ResourceReport:
    """The report on one register from its measurements."""
    by_metric = {m.metric.name: m for m in measurements}
    distributions = by_metric.get(DISTRIBUTIONS.name)
    no_distribution = distributions is not None and distributions.value == 0
    open_register = distributions.suppliable if no_distribution and distributions else None
    dimensions = {dimension.value: Decimal(0) for dimension in MQA_DIMENSIONS}
    missing = []
    for metric in MQA_METRICS:
        measured = by_metric.get(metric.name)
        earned = measured.points if measured is not None else Decimal(0)
        dimensions[metric.dimension.value] += earned
        if earned >= metric.points:
            continue
        suppliable = measured.suppliable if measured is not None else open_register
        supply, how = _how(metric, suppliable, open_register if no_distribution else None)
        missing.append(
            Missing(
                metric.indicator,
                metric.name,
                metric.dimension.value,
                Decimal(metric.points) - earned,
                supply,
                how,
            )
        )
    s28 = [m.metric.indicator for m in measurements if m.metric in S28_ITEMS and not m.value]
    s28.sort(key=lambda name: [item.indicator for item in S28_ITEMS].index(name))
    return ResourceReport(
        iri,
        "register",
        sum(dimensions.values(), Decimal(0)),
        dimensions,
        sorted(missing, key=lambda item: (-item.points, item.metric)),
        s28,
        len(s28),
    )


def catalog_report(
    iri: str, measurements: Sequence[Measurement], registers: Sequence[ResourceReport]
) -> ResourceReport:
    """The report on a catalog: its measured scores, and the mean gain of each indicator."""
    by_metric = {m.metric.name: m for m in measurements}
    dimensions = {
        d.value: Decimal(by_metric[DIMENSION_SCORES[d].name].value)
        if DIMENSION_SCORES[d].name in by_metric
        else Decimal(0)
        for d in MQA_DIMENSIONS
    }
    score = by_metric.get(SCORE.name)
    total = Decimal(score.value) if score is not None else sum(dimensions.values(), Decimal(0))
    gains: dict[str, list[Missing]] = defaultdict(list)
    for register in registers:
        for item in register.missing:
            gains[item.metric].append(item)
    count = Decimal(len(registers) or 1)
    missing = []
    for metric in MQA_METRICS:
        items = gains.get(metric.name)
        if not items:
            continue
        mean = (sum((i.points for i in items), Decimal(0)) / count).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        can = [i for i in items if i.supply == "field"]
        first = (can or items)[0]
        how = first.how
        if can and len(can) < len(items):
            how += f" ({len(can)} of {len(items)} registers could)"
        missing.append(
            Missing(metric.indicator, metric.name, metric.dimension.value, mean, first.supply, how)
        )
    gaps = by_metric.get(S28_MISSING.name)
    return ResourceReport(
        iri,
        "catalog",
        total,
        dimensions,
        sorted(missing, key=lambda item: (-item.points, item.metric)),
        [],
        int(gaps.value) if gaps is not None else sum(r.s28_count for r in registers),
    )


@dataclass
class QualityReport:
    """Every catalog with its registers."""

    catalogs: list[tuple[ResourceReport, list[ResourceReport]]]

    def to_json(self) -> dict[str, Any]:
        """The JSON form (`dcatgen quality --format json`)."""
        return {
            "catalogs": [
                {**catalog.to_json(), "registers": [r.to_json() for r in registers]}
                for catalog, registers in self.catalogs
            ]
        }

    def lowest(self) -> Decimal | None:
        """The lowest catalog score (None when there is no catalog)."""
        return min((catalog.score for catalog, _ in self.catalogs), default=None)


def make_report(measurements: Sequence[Measurement]) -> QualityReport:
    """The report on every catalog the measurements cover."""
    by_subject: dict[str, list[Measurement]] = defaultdict(list)
    for measurement in measurements:
        by_subject[measurement.subject].append(measurement)
    catalog_metric = DIMENSION_SCORES[Dimension.FINDABILITY].name
    catalogs = sorted(
        s for s, ms in by_subject.items() if any(m.metric.name == catalog_metric for m in ms)
    )
    result = []
    for catalog in catalogs:
        base = catalog.removesuffix("catalog")
        registers = [
            register_report(subject, by_subject[subject])
            for subject in sorted(by_subject)
            if subject.startswith(base + "register/")
        ]
        result.append((catalog_report(catalog, by_subject[catalog], registers), registers))
    return QualityReport(result)


def _points(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1"), ROUND_HALF_UP), "f").removesuffix(".0")


def text(report: QualityReport, registers: bool = True) -> str:
    """The report as text, for people."""
    lines = []
    for catalog, items in report.catalogs:
        lines.append(
            f"catalog {catalog.iri}: {_points(catalog.score)} of 405 points ({catalog.rating}), "
            f"{len(items)} registers"
        )
        lines.append("  " + " · ".join(_dimension(n, p) for n, p in catalog.dimensions.items()))
        lines.append(f"  §28 items missing: {catalog.s28_count}")
        if catalog.missing:
            lines.append("  would add (mean per register):")
            lines += [_missing_line(item) for item in catalog.missing]
        if registers:
            for register in items:
                name = register.iri.rsplit("/", 1)[-1]
                lines.append(
                    f"  register {name}: {_points(register.score)} points ({register.rating})"
                )
                lines.append(
                    "    " + " · ".join(_dimension(n, p) for n, p in register.dimensions.items())
                )
                if register.s28_missing:
                    lines.append("    §28 items missing: " + ", ".join(register.s28_missing))
                lines += ["  " + _missing_line(item) for item in register.missing]
    return "\n".join(lines)


def _dimension(name: str, points: Decimal) -> str:
    return f"{name.lower()} {_points(points)}/{MAXIMA[name]}"


def _missing_line(item: Missing) -> str:
    label = {"field": "the description can give it", "cannot": "cannot", "portal": "portal"}
    return f"    +{_points(item.points)} {item.indicator}: {label[item.supply]}: {item.how}"
