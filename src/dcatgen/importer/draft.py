"""The draft: what recognition understood, every value with the source lines it came from.

Recognition fills a draft; `emit` writes it as the YAML description format.  Drafts are
mutable while a page is read and are not used after the YAML is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from dcatgen.model.description import (
    Availability,
    LinkKind,
    OrganisationKind,
    RegisterKind,
    SearchCriterion,
)

T = TypeVar("T")


@dataclass
class At(Generic[T]):
    """A value and the source lines it was read from."""

    value: T
    lines: tuple[int, ...]

    def note(self) -> str:
        """The comment that says where the value came from."""
        if not self.lines:
            return ""
        label = "line" if len(self.lines) == 1 else "lines"
        return f"{label} {', '.join(str(line) for line in self.lines)}"


def joined(first: At[str] | None, text: str, line: int, separator: str = " ") -> At[str]:
    """A text extended by another sentence (or started by it)."""
    if first is None:
        return At(text, (line,))
    lines = first.lines if line in first.lines else (*first.lines, line)
    return At(f"{first.value}{separator}{text}", lines)


@dataclass
class SystemDraft:
    """An information system and its parts."""

    name: At[str]
    parts: list[At[str]] = field(default_factory=list)
    description: str | None = None
    national: bool = False
    wording: str | None = None
    known: str | None = None
    """The id of the product in dcatgen's scheme of known systems, when the name is there."""


@dataclass
class ApiDraft:
    """A statement on open availability through a technical interface."""

    availability: Availability
    statement: At[str]


@dataclass
class CriteriaDraft:
    """Search criteria: concepts found and the sentences they were found in."""

    concepts: list[SearchCriterion]
    statement: At[str]


@dataclass
class SecrecyDraft:
    """A statement on secrecy and the legal grounds it cites."""

    statement: At[str]
    grounds: list[str] = field(default_factory=list)


@dataclass
class LinkDraft:
    """A link to a privacy notice, a records-management plan or another page."""

    url: At[str]
    title: str | None
    kind: LinkKind


@dataclass
class CrossReferenceDraft:
    """A pointer to data described elsewhere."""

    topic: At[str]
    statement: At[str]
    target_unit: str | None = None
    target_register: str | None = None
    target: str | None = None


@dataclass
class ContactDraft:
    """Contact details for information requests (§28 item 2): the registry office, usually."""

    lines: tuple[int, ...]
    name: str | None = None
    email: str | None = None
    telephone: str | None = None
    address: str | None = None
    url: str | None = None

    def has_channel(self) -> bool:
        """Whether there is a way to reach it (the model needs one)."""
        return bool(self.email or self.telephone or self.address or self.url)


class Source(StrEnum):
    """How sure the import is of a field: where its value came from."""

    HEADING = "heading"  # under a sub-heading that names the field, or a register heading
    LABEL = "label"  # from "Label: value", a table column, or a "Name: purpose" item
    KNOWN_SYSTEM = "known-system"  # every system is in dcatgen's scheme of known systems
    GUESS = "guess"  # from where prose stands, inherited, or made up for a prose-only page


@dataclass
class UnitDefaults:
    """What a unit or the organisation states for all its registers."""

    purpose: At[str] | None = None
    api: ApiDraft | None = None
    criteria: CriteriaDraft | None = None
    secrecy: SecrecyDraft | None = None
    links: list[LinkDraft] = field(default_factory=list)
    authority: At[str] | None = None
    contact: ContactDraft | None = None
    systems: list[SystemDraft] = field(default_factory=list)
    """Systems named where no register is open: a prose-only page's register gets them."""
    data_groups: list[At[str]] = field(default_factory=list)


@dataclass
class RegisterDraft:
    """One register or information resource."""

    title: At[str]
    kind: RegisterKind
    level: int = 0
    parent: RegisterDraft | None = None
    managed_by: At[str] | None = None
    purpose: At[str] | None = None
    description: At[str] | None = None
    data_groups: list[At[str]] = field(default_factory=list)
    systems: list[SystemDraft] = field(default_factory=list)
    criteria: CriteriaDraft | None = None
    api: ApiDraft | None = None
    authority: At[str] | None = None
    secrecy: SecrecyDraft | None = None
    retention: At[str] | None = None
    task_class: At[str] | None = None
    keywords: list[At[str]] = field(default_factory=list)
    links: list[LinkDraft] = field(default_factory=list)
    distributions: list[At[str]] = field(default_factory=list)
    cross_reference: CrossReferenceDraft | None = None
    contact: ContactDraft | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    """How each filled field was found (title, purpose, data_groups, systems …)."""
    placeholder: bool = False
    """The description is a marked placeholder: the page gave no purpose or description."""
    id: str = ""

    def has_content(self) -> bool:
        """Whether the page says anything about the register besides its title."""
        return any(
            (
                self.purpose,
                self.description,
                self.data_groups,
                self.systems,
                self.criteria,
                self.api,
                self.secrecy,
                self.links,
                self.retention,
                self.task_class,
                self.authority,
            )
        )


@dataclass
class UnitDraft:
    """An organisational unit with its statements and registers."""

    name: At[str]
    heading: At[str] | None = None
    own: UnitDefaults = field(default_factory=UnitDefaults)
    cross_references: list[CrossReferenceDraft] = field(default_factory=list)
    registers: list[RegisterDraft] = field(default_factory=list)
    id: str = ""


@dataclass
class Draft:
    """A whole page as understood: organisation, units, and what could not be placed."""

    language: str
    organisation: At[str]
    organisation_kind: At[OrganisationKind] | None
    base_iri: str
    organisation_level: UnitDefaults = field(default_factory=UnitDefaults)
    units: list[UnitDraft] = field(default_factory=list)
    unplaced: list[At[str]] = field(default_factory=list)
    furniture: list[At[str]] = field(default_factory=list)
    introduction: list[At[str]] = field(default_factory=list)
    defined: tuple[At[str], At[str]] | None = None
    """A register a sentence says what it is of, and that sentence (see `mentions`)."""
    mentions: list[At[str]] = field(default_factory=list)
    """Registers named in prose ("Pohjois-Savon liiton asiarekisteri on …"): a prose-only
    page's register takes its title from the first."""


PLACEHOLDER = {
    "fi": "Kuvaus puuttuu: sivulla on vain rekisterin nimi. Kirjoita tähän käyttötarkoitus.",
    "sv": "Beskrivning saknas: sidan anger bara registrets namn. Skriv ändamålet här.",
}
"""A register needs a description (DCAT-AP); when the page gives none, this stands in for
it, marked, so that the file builds and the §28 check reports the purpose as missing."""


def fill_placeholders(draft: Draft) -> None:
    """Give every register with no purpose or description, own or its unit's, the placeholder."""
    for unit in draft.units:
        for register in unit.registers:
            if register.purpose or register.description or unit.own.purpose:
                continue
            register.description = At(PLACEHOLDER[draft.language], register.title.lines)
            register.placeholder = True
