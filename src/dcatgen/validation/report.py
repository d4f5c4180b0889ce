"""The validation report as people read it: findings grouped by kind, with what to do.

Each finding is traced back to the register it concerns and to the YAML field and line
that produced it (locate.py), so an information manager knows what to fix where.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from dcatgen.errors import Position
from dcatgen.validation.findings import (
    KINDS,
    VALUE_HINTS,
    Finding,
    Report,
    Severity,
    is_expected,
    kind_of,
)

MISSING_HINTS = {
    "dcat:contactPoint": "add contact_point: (email, telephone or url) to the register, "
    "its unit or the organisation, or give the disclosure authority's contact",
    "dcat:distribution": "add distributions: only when the data can be downloaded or has an API",
    "dct:temporal": "temporal coverage is not part of a §28 description; dcatgen leaves it out",
    "dct:issued": "release dates are not part of a §28 description; dcatgen leaves them out",
    "dct:modified": "release dates are not part of a §28 description; dcatgen leaves them out",
    "dct:license": "add a licence only when the catalog metadata has one",
    "foaf:homepage": "add organisation.homepage",
    "dct:spatial": "add organisation.municipality_code",
    "dcat:bbox": "geometry is not part of a §28 description",
    "dcat:centroid": "geometry is not part of a §28 description",
    "dg:disclosureAuthority": "add disclosure_authority: {name: ..., contact: {...}} to the "
    "organisation, the unit or the register",
    "dg:informationSystem": "add systems: to the register",
    "dg:dataGroup": "add data_groups: to the register",
    "dg:searchCriterion": "add search_criteria: {concepts: [...], statement: ...}",
    "dg:openInterfaceAvailability": "add api: {availability: ..., statement: ...} to the "
    "register, its unit or the organisation",
    "dg:purpose": "add purpose: to the register or its unit",
}
"""How to fix a missing property, by property."""


def explain(finding: Finding) -> str:
    """A one-line message for a finding: what is wrong, and how to fix it."""
    message = finding.message
    hint = None
    if finding.component == "sh:MinCountConstraintComponent":
        hint = MISSING_HINTS.get(finding.path or "")
        if message.startswith("Less than"):
            need = "required" if finding.severity is Severity.VIOLATION else "recommended"
            message = f"{finding.path} missing ({need} by DCAT-AP 3)"
    elif "See details" in message:
        message = f"{finding.path} value {finding.value} is not from the vocabulary DCAT-AP expects"
        hint = VALUE_HINTS.get(finding.path or "")
    focus = finding.focus_node
    shown_elsewhere = finding.position is None
    on = "" if shown_elsewhere or ("#" not in focus and finding.register) else f" on {focus}"
    return f"{message}{on}; {hint}" if hint else f"{message}{on}"


def _kind_label(finding: Finding) -> str:
    """What all findings of one kind say, without the node or value each is about."""
    detached = dataclasses.replace(finding, position=Position(Path("."), 1, 1), register="x")
    label = explain(detached)
    if "See details" in finding.message and finding.value:
        label = label.replace(f" value {finding.value}", "")
    return label


def format_grouped(report: Report, max_per_kind: int = 5, registers: int | None = None) -> str:
    """Findings by kind (§28 gaps first), each kind once with its count and up to
    ``max_per_kind`` places; the expected warnings as counts only."""
    lines: list[str] = []
    expected = [f for f in report.findings if is_expected(f)]
    for kind, heading in KINDS.items():
        findings = [f for f in report.findings if kind_of(f) == kind and not is_expected(f)]
        if not findings:
            continue
        lines.append(f"{heading}: {Report(findings).summary(skip_zero=True)}")
        for label, group in _groups(findings):
            first = group[0]
            lines.append(f"  {first.severity.label} ×{len(group)}: {label}")
            for finding in group[:max_per_kind]:
                place = f"{finding.position}" if finding.position else finding.focus_node
                where = f"register {finding.register}" if finding.register else "catalog"
                target = finding.field or finding.path or ""
                lines.append(f"    {place}: {where}: {target}")
            if 0 < max_per_kind < len(group):
                lines.append(f"    … and {len(group) - max_per_kind} more")
    if expected:
        lines.append(
            "expected for every §28 description (nothing to fix): "
            + Report(expected).summary(skip_zero=True)
        )
        for label, group in _groups(expected):
            lines.append(f"  {group[0].severity.label} ×{len(group)}: {label}")
    verdict = "conforms" if report.conforms else "does not conform"
    counted = "" if registers is None else f"{plural(registers, 'register')}: "
    lines.append(f"{counted}{verdict}: {report.summary()}")
    return "\n".join(lines)


def _groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by what they say; the worst and the most frequent first."""
    groups: dict[tuple[object, ...], tuple[str, list[Finding]]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        label = _kind_label(finding)
        key = (finding.severity, finding.component, finding.path, finding.shape, label)
        groups.setdefault(key, (label, []))[1].append(finding)
    return sorted(groups.values(), key=lambda item: (-item[1][0].severity, -len(item[1]), item[0]))


def plural(count: int, noun: str) -> str:
    """'1 register', '5 registers'.

    >>> plural(1, "register"), plural(0, "register")
    ('1 register', '0 registers')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_text(report: Report) -> str:
    """Findings grouped by register, each with file:line, field and message."""
    lines: list[str] = []
    groups: dict[str | None, list[Finding]] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        groups.setdefault(finding.register, []).append(finding)
    for register, findings in groups.items():
        title = f"register {register}" if register else "catalog, organisation and units"
        lines.append(title)
        for finding in findings:
            place = f"{finding.position}" if finding.position else finding.focus_node
            target = finding.field or finding.path or ""
            lines.append(f"  {finding.severity.label}: {place}: {target}: {explain(finding)}")
    lines.append(("conforms" if report.conforms else "does not conform") + f": {report.summary()}")
    return "\n".join(lines)
