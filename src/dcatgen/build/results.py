"""What a build or a validation run found and did: counts, §28 gaps, violations, files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from dcatgen.validation.findings import Finding, Severity

PLACEHOLDER_IRI_SPACE = "https://w3id.org/dcatgen/"
"""The IRI space the examples use.  It is not registered with w3id.org, so its IRIs do not
resolve; and changing a catalog's IRIs later makes harvesters delete and recreate every
dataset, so a build that uses it says so."""


class Counted(Protocol):
    """What a partition, processed now or reused from the manifest, counts in."""

    registers: int
    triples: int
    counts: dict[str, int]
    gaps: dict[str, int]
    about: dict[str, Any]


@dataclass
class Summary:
    """What a build found: counts by severity, §28 gaps, and the violations themselves."""

    descriptions: int = 0
    registers: int = 0
    triples: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("violation", "warning", "info"), 0)
    )
    gaps: dict[str, int] = field(default_factory=dict)
    violations: list[Finding] = field(default_factory=list)
    reused: int = 0
    catalogs_written: int = 0
    """Per-description layout: how many catalogs were written (the others were unchanged)."""
    placeholder_bases: set[str] = field(default_factory=set)
    """Base IRIs under dcatgen's own placeholder space (not registered: see the README)."""

    @property
    def conforms(self) -> bool:
        """True when there are no violations."""
        return self.counts["violation"] == 0

    def text(self) -> str:
        """'N violations, N warnings, N infos'."""
        return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for label, n in self.counts.items())

    def add(self, findings: Sequence[Finding]) -> None:
        """Count findings in."""
        for finding in findings:
            self.counts[finding.severity.label] += 1
            if finding.severity is Severity.VIOLATION:
                self.violations.append(finding)
            if finding.message.startswith("§28 item "):
                item = finding.message.split(":", 1)[0].removeprefix("§28 ")
                self.gaps[item] = self.gaps.get(item, 0) + 1

    def include(self, part: Counted, violations: Sequence[Finding]) -> None:
        """Count in a partition, processed now or reused from the manifest."""
        self.registers += part.registers
        self.triples += part.triples
        for label, n in part.counts.items():
            self.counts[label] += n
        for item, n in part.gaps.items():
            self.gaps[item] = self.gaps.get(item, 0) + n
        self.violations.extend(violations)
        base = str(part.about.get("base", ""))
        if base.startswith(PLACEHOLDER_IRI_SPACE):
            self.placeholder_bases.add(base)


@dataclass
class BuildResult:
    """What a build did: the summary, the files written (none if refused), timings."""

    summary: Summary
    written: list[Path]
    timings: dict[str, float]
    up_to_date: bool = False
    """Nothing changed since the previous build, whose outputs stand as they are."""
    site_pages: int = 0
    """Files written into OUT/site by this build (pages and the RDF beside them)."""
