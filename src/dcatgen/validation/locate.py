"""From a finding to the YAML behind it: the register, the field and the file position."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from dcatgen.mapping.tables import FIELD_OF_PREDICATE, Iris
from dcatgen.model.load import FieldPath, Source, dotted
from dcatgen.validation.findings import Finding, Severity, expand_name


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
            predicate = expand_name(finding.path)
            yaml_field = FIELD_OF_PREDICATE.get(f"<{predicate}>") if predicate else None
            full_path = (*field_path, yaml_field) if yaml_field else field_path
        return dataclasses.replace(
            finding,
            register=register_id,
            field=dotted(full_path),
            position=source.position(full_path) if positions else None,
            file=str(source.path),
            field_path=full_path,
        )
    return finding


FRAGMENT_FIELDS = {
    "data-group": "data_groups",
    "distribution": "distributions",
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
