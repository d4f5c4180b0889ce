"""What a description lacks under §28, per register: the publisher's to-do list.

The same five checks as the §28 completeness shapes (shapes/dcatgen-s28.ttl), read from the
model instead of the triples, so the build and the server give the gaps page the same list
without carrying validation findings around; tests/test_site.py checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from dcatgen.model.description import Availability, Description, Register, Unit


def _(message: str) -> str:
    """Mark a message for extraction; it is translated where shown."""
    return message


GAP_MESSAGES = {
    "1": _("Item 1 missing: name the information systems that hold the register's data."),
    "2": _(
        "Item 2 missing: name the authority that decides on disclosure and its contact details "
        "for information requests."
    ),
    "3": _("Item 3 missing: list the register's data by data group."),
    "4": _("Item 4 missing: give the search criteria usable in information requests."),
    "5": _(
        "Item 5 missing: state whether the data is openly available through a technical "
        "interface (API)."
    ),
    "5?": _("Item 5 not stated: the description says nothing definite on open availability."),
    "purpose": _("Purpose missing: not one of the five items, but recommended."),
}
"""Messages by gap key: the §28 item number ('5?' for an availability 'not stated')."""
GAP_FIELDS = {
    "1": "systems",
    "2": "disclosure_authority",
    "3": "data_groups",
    "4": "search_criteria",
    "5": "api",
    "5?": "api",
    "purpose": "purpose",
}
"""The YAML field that fills each gap (on the register, or its unit or organisation where
the field is inherited)."""


@dataclass(frozen=True)
class Gap:
    """One thing a register's description lacks."""

    register: str
    key: str
    field_path: str
    """Where to add it, e.g. 'units[0].registers[2].disclosure_authority'."""

    @property
    def item(self) -> str:
        """The §28 item number, or '' for the recommended purpose."""
        return self.key.rstrip("?") if self.key != "purpose" else ""


def register_gaps(description: Description, unit: Unit, register: Register, path: str) -> list[Gap]:
    """The gaps of one register, in item order (``path``: the register's field path)."""
    organisation = description.organisation
    api = register.api or unit.api or organisation.api
    found = []
    if not register.systems:
        found.append("1")
    authority = register.disclosure_authority or unit.disclosure_authority
    if not (authority or organisation.disclosure_authority):
        found.append("2")
    if not register.data_groups:
        found.append("3")
    if register.search_criteria is None:
        found.append("4")
    if api is None:
        found.append("5")
    elif api.availability is Availability.NOT_STATED:
        found.append("5?")
    if not (register.purpose or unit.purpose):
        found.append("purpose")
    return [Gap(register.id, key, f"{path}.{GAP_FIELDS[key]}") for key in found]


def description_gaps(description: Description) -> list[Gap]:
    """Every gap of every register, in document order."""
    gaps = []
    for unit_index, unit in enumerate(description.units):
        for register_index, register in enumerate(unit.registers):
            path = f"units[{unit_index}].registers[{register_index}]"
            gaps.extend(register_gaps(description, unit, register, path))
    return gaps
