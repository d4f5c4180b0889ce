"""What a build or a validation run found and did: counts, §28 gaps, violations, files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from dcatgen.build.layouts import COMBINED
from dcatgen.validation.findings import Finding, Report, Severity
from dcatgen.validation.locate import attach_positions
from dcatgen.validation.report import format_text, plural

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

    def verdict(self) -> str:
        """'conforms' or 'does not conform'."""
        return "conforms" if self.conforms else "does not conform"

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
    store: str = ""
    """What became of the query store (dcatgen.sparql.persisted.refresh); "" when none."""

    @property
    def refused(self) -> bool:
        """Nothing was written because of violations (and nothing was up to date either)."""
        return not self.up_to_date and not self.written

    def lines(self, out_dir: Path, layout: str, timings: bool = False) -> list[Line]:
        """What `dcatgen build` says about this build, in order."""
        summary = self.summary
        reused = f" ({summary.reused} unchanged, reused)" if summary.reused else ""
        lines = [
            Line(
                f"{summary.descriptions} description{_s(summary.descriptions)}{reused}, "
                f"{plural(summary.registers, 'register')}, {summary.triples} triples"
            ),
            Line(f"validation: {summary.verdict()}: {summary.text()}"),
        ]
        lines += [
            Line(
                f"warning: base_iri {base} is dcatgen's placeholder IRI space, which does not "
                "resolve: give the organisation IRIs of its own before publishing (changing "
                "them later makes harvesters delete and recreate every dataset)",
                to_stderr=True,
            )
            for base in sorted(summary.placeholder_bases)[:LISTED_AT_MOST]
        ]
        if summary.gaps:
            gaps = (
                f"{item} in {plural(n, 'register')}" for item, n in sorted(summary.gaps.items())
            )
            lines.append(Line("§28 gaps: " + "; ".join(gaps)))
        lines += self._violation_lines() + self._written_lines(out_dir, layout)
        if timings:
            lines.append(
                Line("timings (load/map/validate/serialize/site summed over worker processes):")
            )
            lines += [Line(f"  {stage:10} {s:8.3f} s") for stage, s in self.timings.items()]
        if self.up_to_date:
            lines.append(Line(f"up to date: nothing changed since the last build into {out_dir}"))
        return lines

    def _violation_lines(self) -> list[Line]:
        violations = self.summary.violations
        if self.summary.conforms:
            return []
        shown = attach_positions(sorted(violations, key=Finding.sort_key)[:SHOWN_VIOLATIONS])
        lines = [Line(format_text(Report(shown)).rsplit("\n", 1)[0], to_stderr=True)]
        if len(violations) > SHOWN_VIOLATIONS:
            more = len(violations) - SHOWN_VIOLATIONS
            lines.append(Line(f"… and {more} more violations", to_stderr=True))
        return lines

    def _written_lines(self, out_dir: Path, layout: str) -> list[Line]:
        lines = []
        if layout == COMBINED or len(self.written) <= LISTED_AT_MOST:
            lines += [Line(f"wrote {p} ({p.stat().st_size:,} bytes)") for p in self.written]
        elif self.written:
            size = sum(path.stat().st_size for path in self.written)
            lines.append(
                Line(
                    f"wrote {self.summary.catalogs_written} catalogs ({len(self.written) - 1} "
                    f"files, {size:,} bytes) and {out_dir / 'index.json'}"
                )
            )
        if self.site_pages:
            site = out_dir / "site"
            lines.append(
                Line(
                    f"wrote {self.site_pages:,} files of the site into {site}/ "
                    f"(open {site / 'index.html'})"
                )
            )
        if self.store in ("written", "background"):
            how = "wrote" if self.store == "written" else "writing in the background"
            lines.append(Line(f"{how} the query store {out_dir / '.store.current'}/"))
        return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"


@dataclass(frozen=True)
class Line:
    """One line a command prints, and whether it goes to standard error."""

    text: str
    to_stderr: bool = False


LISTED_AT_MOST = 9
"""Up to this many files written (build) or graphs replaced (publish), each gets a line;
past it, one summary line."""
SHOWN_VIOLATIONS = 100
"""A refused build lists this many violations, then counts the rest."""
