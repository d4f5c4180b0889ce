"""Findings: one SHACL result with where it comes from, a report of them, and their kinds.

Nothing here runs an engine: the engines, the locator and the report's text all build on it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from dcatgen.errors import Position
from dcatgen.rdf.namespaces import PREFIXES, expand, shorten


class Severity(IntEnum):
    """SHACL severities, ordered so that max() gives the worst."""

    INFO = 0
    WARNING = 1
    VIOLATION = 2

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """The severity named by a sh:Info / sh:Warning / sh:Violation IRI."""
        if iri == SH.Info:
            return cls.INFO
        if iri == SH.Warning:
            return cls.WARNING
        return cls.VIOLATION

    @property
    def label(self) -> str:
        """Lower-case name for reports."""
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    """One validation result, with where in the description it comes from."""

    severity: Severity
    register: str | None
    focus_node: str
    path: str | None
    component: str
    message: str
    shape: str | None = None
    value: str | None = None
    field: str | None = None
    position: Position | None = dataclasses.field(default=None, compare=False)
    file: str | None = dataclasses.field(default=None, compare=False)
    field_path: tuple[str | int, ...] | None = dataclasses.field(default=None, compare=False)

    def identity(self) -> tuple[Severity, str, str | None, str, str | None, str | None]:
        """What makes two findings the same result: engines and partitions are compared on it."""
        return (self.severity, self.focus_node, self.path, self.component, self.value, self.shape)

    def sort_key(self) -> tuple[str, int, str, str, str, str]:
        """Order: by register, worst first, then focus node, path, component, value."""
        return (
            self.register or "",
            -self.severity,
            self.focus_node,
            self.path or "",
            self.component,
            self.value or "",
        )

    def to_record(self) -> dict[str, Any]:
        """This finding as a JSON-ready record that from_record reads back (the manifest's)."""
        return {
            "severity": self.severity.label,
            "register": self.register,
            "focus_node": self.focus_node,
            "path": self.path,
            "component": self.component,
            "message": self.message,
            "shape": self.shape,
            "value": self.value,
            "field": self.field,
            "file": self.file,
            "field_path": list(self.field_path) if self.field_path else None,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Finding:
        """The finding to_record wrote (its position is looked up again only when shown)."""
        return cls(
            severity=Severity[data["severity"].upper()],
            register=data["register"],
            focus_node=data["focus_node"],
            path=data["path"],
            component=data["component"],
            message=data["message"],
            shape=data["shape"],
            value=data["value"],
            field=data["field"],
            file=data["file"],
            field_path=tuple(data["field_path"]) if data["field_path"] else None,
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict of this finding."""
        data = asdict(self)
        data["severity"] = self.severity.label
        data["kind"] = kind_of(self)
        data["expected"] = is_expected(self)
        data["position"] = (
            {"file": str(self.position.path), "line": self.position.line} if self.position else None
        )
        return data


@dataclass
class Report:
    """The outcome of validating one or more catalogs."""

    findings: list[Finding]
    graph: Graph | None = None

    @property
    def conforms(self) -> bool:
        """True when there are no violations (warnings are allowed for publication)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    def summary(self, skip_zero: bool = False) -> str:
        """'N violations, N warnings, N infos' (without the zero counts if asked)."""
        return ", ".join(
            f"{self.count(s)} {s.label}{'s' if self.count(s) != 1 else ''}"
            for s in (Severity.VIOLATION, Severity.WARNING, Severity.INFO)
            if self.count(s) or not skip_zero
        )

    def to_json(self) -> str:
        """The machine report as JSON."""
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": self.count(Severity.VIOLATION),
                "warnings": self.count(Severity.WARNING),
                "infos": self.count(Severity.INFO),
                "findings": [f.to_json() for f in self.findings],
            },
            ensure_ascii=False,
            indent=2,
        )


VOCABULARY_SHAPES = "https://w3id.org/dcatgen/shapes/vocabulary#"


KINDS = {
    "s28": "§28 gaps",
    "dcat": "DCAT-AP",
    "vocabulary": "vocabulary and code lists",
}
"""The kinds of finding, in the order a report shows them, with their headings."""


EXPECTED_MISSING = frozenset(
    {"dct:temporal", "dct:issued", "dct:modified", "dcat:bbox", "dcat:centroid"}
)
"""Recommended properties a §28 description never has: their warnings are expected."""


def kind_of(finding: Finding) -> str:
    """'s28' (our completeness shapes), 'vocabulary' (our vocabulary's shapes, EU code
    lists) or 'dcat' (the rest of DCAT-AP)."""
    shape = finding.shape or ""
    if shape.startswith(S28_SHAPES):
        return "s28"
    if shape.startswith(VOCABULARY_SHAPES) or "See details" in finding.message:
        return "vocabulary"
    return "dcat"


def is_expected(finding: Finding) -> bool:
    """True for a warning that every §28 description draws and none can fix (the README
    explains each): no release dates, no geometry, Finnish publishers and places outside the
    EU tables."""
    if finding.severity is not Severity.WARNING:
        return False
    if finding.component == "sh:MinCountConstraintComponent":
        return (finding.path or "") in EXPECTED_MISSING
    return "See details" in finding.message and (finding.path or "") in VALUE_HINTS


FINDING_PREFIXES = {
    "sh": str(SH),
    **{name: PREFIXES[name] for name in ("dcat", "dct", "dg", "foaf", "vcard", "skos", "dcatap")},
}
"""How findings name IRIs: these of the prefix table (and sh:), else the full IRI."""


def short_name(node: Node | None) -> str | None:
    """How a finding names a node: a prefixed name, a literal's text, else the full IRI."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    text = str(node)
    return shorten(text, FINDING_PREFIXES) or text


def expand_name(short: str) -> str | None:
    """The IRI of a name short_name gave, or None."""
    expanded = expand(short, FINDING_PREFIXES)
    return expanded if expanded is not None else short if short.startswith("http") else None


S28_SHAPES = "https://w3id.org/dcatgen/shapes/s28#"


VALUE_HINTS = {
    "dct:publisher": "Finnish authorities are not in the EU corporate-body table; expected",
    "dct:spatial": "municipality codes are not in the EU place tables; expected",
}
"""Why a value outside an EU table is expected, by property."""
