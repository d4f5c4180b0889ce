"""Validate: SHACL (official DCAT-AP 3 shapes plus ours) via pyshacl, as a typed report.

Each finding is traced back to the register it concerns and to the YAML field and line
that produced it, so an information manager knows what to fix where.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import IntEnum
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from dcatgen.build.mapping import FIELD_OF_PREDICATE, Iris, to_graph
from dcatgen.errors import Position
from dcatgen.model.load import FieldPath, Source, dotted
from dcatgen.rdf.terms import Triple

SHAPE_FILES = (
    "dcat-ap-3/shapes.ttl",
    "dcat-ap-3/range.ttl",
    "dcat-ap-3/shapes_recommended.ttl",
    "dcat-ap-3/mdr-vocabularies.shape.ttl",
    "dcat-ap-3/deprecateduris.ttl",
    "dcatgen-s28.ttl",
    "dcatgen-vocabulary.ttl",
)
"""The shapes a catalog is checked against, relative to shapes/."""


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


@cache
def shapes_graph() -> Graph:
    """Every shape file dcatgen validates against, in one graph."""
    graph = Graph()
    folder = resources.files("dcatgen").joinpath("resources/shapes")
    for name in SHAPE_FILES:
        graph.parse(data=folder.joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return graph


SHORT_PREFIXES = (
    ("sh:", str(SH)),
    ("dcat:", "http://www.w3.org/ns/dcat#"),
    ("dct:", "http://purl.org/dc/terms/"),
    ("dg:", "https://w3id.org/dcatgen/ns#"),
    ("foaf:", "http://xmlns.com/foaf/0.1/"),
    ("vcard:", "http://www.w3.org/2006/vcard/ns#"),
    ("skos:", "http://www.w3.org/2004/02/skos/core#"),
    ("dcatap:", "http://data.europa.eu/r5r/"),
)
"""How findings name IRIs: these prefixes, else the full IRI."""


def _short(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    text = str(node)
    for prefix, namespace in SHORT_PREFIXES:
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def shacl_findings(data: Graph, shapes: Graph | None = None) -> tuple[list[Finding], Graph]:
    """Run pyshacl; return the report's top-level results (nested sh:detail ones are not)."""
    from pyshacl import validate as pyshacl_validate  # slow to import; the fast engine needs none

    _, report_graph, _ = pyshacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    findings = []
    for report in report_graph.subjects(SH.conforms, None):
        for result in report_graph.objects(report, SH.result):
            path = report_graph.value(result, SH.resultPath)
            findings.append(
                Finding(
                    severity=Severity.from_iri(report_graph.value(result, SH.resultSeverity)),
                    register=None,
                    focus_node=str(report_graph.value(result, SH.focusNode)),
                    path=_short(path) if isinstance(path, URIRef) else None,
                    component=_short(report_graph.value(result, SH.sourceConstraintComponent))
                    or "",
                    message=str(report_graph.value(result, SH.resultMessage) or ""),
                    shape=_short(report_graph.value(result, SH.sourceShape))
                    if isinstance(report_graph.value(result, SH.sourceShape), URIRef)
                    else None,
                    value=_short(report_graph.value(result, SH.value)),
                )
            )
    return findings, report_graph


class Locator:
    """Finds the register and YAML field behind a focus node of one description."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.iris = Iris(str(source.description.organisation.base_iri))
        self.registers: dict[str, FieldPath] = {
            register.id: ("units", unit_index, "registers", register_index)
            for unit_index, unit in enumerate(source.description.units)
            for register_index, register in enumerate(unit.registers)
        }

    def owns(self, focus_node: str) -> bool:
        """True when the focus node was minted under this description's base IRI."""
        return focus_node.startswith(self.iris.base)


def locate(finding: Finding, locators: Sequence[Locator], positions: bool = True) -> Finding:
    """Attach the register, YAML field (and, if asked, file position) behind a finding."""
    focus = finding.focus_node.split("#", 1)[0]
    for locator in locators:
        if not locator.owns(finding.focus_node):
            continue
        source, iris = locator.source, locator.iris
        field_path: FieldPath = ("organisation",)
        register_id = None
        if focus.startswith(iris.base + "register/"):
            register_id = focus.removeprefix(iris.base + "register/")
            if register_id in locator.registers:
                field_path = locator.registers[register_id]
            else:
                register_id = None
        elif focus.startswith(iris.base + "unit/"):
            unit_id = focus.removeprefix(iris.base + "unit/")
            for index, unit in enumerate(source.description.units):
                if unit.id == unit_id:
                    field_path = ("units", index)
        elif focus.startswith(iris.base + "system/"):
            register_id, field_path = _first_register_naming_system(source, focus, iris)
        full_path: FieldPath = field_path
        if register_id is not None and "#" in finding.focus_node:
            full_path = (*field_path, *_fragment_field(finding.focus_node.split("#", 1)[1]))
        elif register_id is not None and finding.path:
            predicate = _expand(finding.path)
            yaml_field = FIELD_OF_PREDICATE.get(f"<{predicate}>") if predicate else None
            full_path = (*field_path, yaml_field) if yaml_field else field_path
        return Finding(
            severity=finding.severity,
            register=register_id,
            focus_node=finding.focus_node,
            path=finding.path,
            component=finding.component,
            message=finding.message,
            shape=finding.shape,
            value=finding.value,
            field=dotted(full_path),
            position=source.position(full_path) if positions else None,
            file=str(source.path),
            field_path=full_path,
        )
    return finding


FRAGMENT_FIELDS = {
    "data-group": "data_groups",
    "distribution": "distributions",
    "system": "systems",
    "contact-point": "contact_point",
    "disclosure-authority": "disclosure_authority",
}
"""Hash-node names the mapping mints → the register field they come from."""


def _fragment_field(fragment: str) -> FieldPath:
    name, _, number = fragment.rpartition("-")
    if number.isdigit() and name in FRAGMENT_FIELDS:
        return (FRAGMENT_FIELDS[name], int(number) - 1)
    return (FRAGMENT_FIELDS[fragment],) if fragment in FRAGMENT_FIELDS else ()


def _first_register_naming_system(
    source: Source, system_iri: str, iris: Iris
) -> tuple[str | None, FieldPath]:
    for unit_index, unit in enumerate(source.description.units):
        for register_index, register in enumerate(unit.registers):
            for system_index, system in enumerate(register.systems):
                names = [system.id or system.name, *system.parts]
                if any(iris.system(name)[1:-1] == system_iri for name in names):
                    return register.id, (
                        "units",
                        unit_index,
                        "registers",
                        register_index,
                        "systems",
                        system_index,
                    )
    return None, ("units",)


def _expand(short: str) -> str | None:
    for prefix, namespace in SHORT_PREFIXES:
        if short.startswith(prefix):
            return namespace + short[len(prefix) :]
    return short if short.startswith("http") else None


def _fast_engine(triples: list[Triple]) -> list[Finding]:
    from dcatgen.validation.engine import validate_fast  # imports this module: load it late

    return validate_fast(triples)


ENGINES: dict[str, Callable[[list[Triple]], list[Finding]]] = {
    "fast": _fast_engine,
    "pyshacl": lambda triples: shacl_findings(to_graph(triples))[0],
}
"""Validation engines by name.  pyshacl is the reference; the fast engine
(dcatgen.validation.engine) gives identical findings, as the differential tests in
tests/test_shacl_engine.py check."""
DEFAULT_ENGINE = "fast"


def run_engine(engine: str, triples: list[Triple]) -> list[Finding]:
    """Unlocated findings of one engine over triples."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(sorted(ENGINES))}")
    return ENGINES[engine](triples)


def attach_positions(findings: Sequence[Finding]) -> list[Finding]:
    """Fill in file:line for findings that know their file and field (parses those files)."""
    sources: dict[str, Source] = {}
    result = []
    for finding in findings:
        if finding.position is None and finding.file and finding.field_path is not None:
            if finding.file not in sources:
                from dcatgen.model.load import load_file

                sources[finding.file] = load_file(Path(finding.file))
            position = sources[finding.file].position(finding.field_path)
            finding = dataclasses.replace(finding, position=position)
        result.append(finding)
    return result


def unplaced_findings(sources: Iterable[Source]) -> list[Finding]:
    """Warnings for lines an importer could not place (the `unplaced:` section)."""
    findings = []
    for source in sources:
        for index, line in enumerate(source.description.unplaced):
            findings.append(
                Finding(
                    severity=Severity.WARNING,
                    register=None,
                    focus_node=str(source.path),
                    path=None,
                    component="dcatgen:Unplaced",
                    message=f"the importer could not place this text: {line!r}; "
                    "move it to the right field or delete it",
                    field=f"unplaced[{index}]",
                    position=source.position(("unplaced", index)),
                )
            )
    return findings


def validate_triples(
    triples: Iterable[Triple], sources: Sequence[Source] = (), keep_graph: bool = False
) -> Report:
    """Validate a catalog's triples; findings point back into the sources."""
    triples = list(triples)
    findings, report_graph = shacl_findings(to_graph(triples))
    locators = [Locator(source) for source in sources]
    located = sorted((locate(f, locators) for f in findings), key=Finding.sort_key)
    located.extend(unplaced_findings(sources))
    if keep_graph:
        # The report names the shapes: give their namespaces prefixes, or rdflib makes up
        # 'default2:' for DCAT-AP's shape namespace.
        report_graph.bind("dcatapshapes", "http://data.europa.eu/r5r#")
        report_graph.bind("vs", VOCABULARY_SHAPES)
        report_graph.bind("s28", S28_SHAPES)
    return Report(located, report_graph if keep_graph else None)


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

VALUE_HINTS = {
    "dct:publisher": "Finnish authorities are not in the EU corporate-body table; expected",
    "dct:spatial": "municipality codes are not in the EU place tables; expected",
}
"""Why a value outside an EU table is expected, by property."""


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


S28_SHAPES = "https://w3id.org/dcatgen/shapes/s28#"
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
