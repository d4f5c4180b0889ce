"""What the pages show, worked out from one description: a pure index the templates read.

The templates only lay out; everything that needs a rule lives here: which language a text
is shown in (and the ``lang`` attribute when it is not the page's), inheritance from unit
and organisation, the systems catalogue (shared systems, parts), what refers to what, and
relative links between pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from babel.lists import format_list
from markupsafe import Markup, escape

from dcatgen.mapping.summary import availability_label, criterion_label, in_language, in_sentence
from dcatgen.mapping.tables import ACCESS_RIGHTS, Iris, codelist_labels, slug, subject_labels
from dcatgen.model.description import (
    AccessRights,
    ApiStatement,
    Authority,
    Contact,
    CrossReference,
    Description,
    Register,
    System,
    Unit,
)
from dcatgen.rdf.terms import DATA_THEME
from dcatgen.site.gaps import Gap, description_gaps
from dcatgen.site.i18n import gettext_in
from dcatgen.site.paths import page_languages, page_path


@dataclass(frozen=True)
class Text:
    """A text to show, with its language when that is not the page's (for ``lang``)."""

    value: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    def __html__(self) -> str:
        return str(escape(self.value))


def lang_attribute(text: object) -> Markup:
    """`` lang="fi"`` for a Text in another language than its page's, else nothing."""
    language = getattr(text, "lang", None)
    return Markup(' lang="{}"').format(language) if language else Markup("")


@dataclass(frozen=True)
class Segment:
    """A piece of a system's wording: plain text, or a system's name linked to its page."""

    text: str
    href: str | None = None
    lang: str | None = None


@dataclass
class SystemEntry:
    """One information system as the whole description knows it."""

    slug: str
    name: str
    national: bool = False
    parts: list[str] = field(default_factory=list)
    part_of: list[str] = field(default_factory=list)
    registers: list[str] = field(default_factory=list)
    """Registers naming the system directly, in document order."""
    descriptions: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """(register id, what that register's entry says of the system)."""


@dataclass(frozen=True)
class Reference:
    """A cross-reference of a unit, pointing at a unit or register of this description."""

    unit: Unit
    reference: CrossReference


class SiteIndex:
    """Everything the pages of one description need, computed once."""

    def __init__(self, description: Description, link_gaps: bool = False) -> None:
        self.description = description
        self.organisation = description.organisation
        self.default_language = description.language
        self.languages = page_languages(description)
        self.base = str(description.organisation.base_iri)
        self.iris = Iris(self.base)
        self.link_gaps = link_gaps
        self.registers = description.registers()
        self.register_by_id = {register.id: (unit, register) for unit, register in self.registers}
        self.unit_by_id = {unit.id: unit for unit in description.units}
        self.children: dict[str, list[str]] = {}
        for _, register in self.registers:
            if register.part_of:
                self.children.setdefault(register.part_of, []).append(register.id)
        self.systems = self._systems()
        self.referring_to_register: dict[str, list[Reference]] = {}
        self.referring_to_unit: dict[str, list[Reference]] = {}
        for unit in description.units:
            for reference in unit.cross_references:
                if reference.target_register in self.register_by_id:
                    self.referring_to_register.setdefault(reference.target_register, []).append(
                        Reference(unit, reference)
                    )
                elif reference.target_unit in self.unit_by_id and reference.target_unit != unit.id:
                    self.referring_to_unit.setdefault(reference.target_unit, []).append(
                        Reference(unit, reference)
                    )

    def _systems(self) -> dict[str, SystemEntry]:
        systems: dict[str, SystemEntry] = {}

        def entry(name: str, key: str) -> SystemEntry:
            if key not in systems:
                systems[key] = SystemEntry(key, name)
            return systems[key]

        for _, register in self.registers:
            for system in register.systems:
                whole = entry(system.name, system_slug(system))
                whole.national = whole.national or system.national
                if register.id not in whole.registers:
                    whole.registers.append(register.id)
                if system.description:
                    whole.descriptions.append((register.id, system.description))
                for part in system.parts:
                    piece = entry(part, slug(part))
                    if piece.slug not in whole.parts:
                        whole.parts.append(piece.slug)
                    if whole.slug not in piece.part_of:
                        piece.part_of.append(whole.slug)
        return systems

    @cached_property
    def gaps(self) -> list[Gap]:
        """The §28 gaps of every register (the publisher's page)."""
        return description_gaps(self.description)

    @cached_property
    def gaps_by_register(self) -> list[tuple[str, list[Gap]]]:
        """The gaps grouped by register, in document order."""
        grouped: dict[str, list[Gap]] = {}
        for gap in self.gaps:
            grouped.setdefault(gap.register, []).append(gap)
        return list(grouped.items())

    def system_registers(self, key: str) -> list[str]:
        """Registers using a system: directly, or through a system it is part of."""
        found = list(self.systems[key].registers)
        for whole in self.systems[key].part_of:
            found.extend(r for r in self.system_registers(whole) if r not in found)
        return found

    @cached_property
    def page_set(self) -> set[tuple[str, str]]:
        """(kind, identifier) of every page, for lookups."""
        return set(self.pages())

    def pages(self) -> list[tuple[str, str]]:
        """(kind, identifier) of every page, in a fixed order (each in every language)."""
        listed = [("catalog", ""), ("information-request", ""), ("gaps", "")]
        listed += [("unit", unit.id) for unit in self.description.units]
        listed += [("register", register.id) for _, register in self.registers]
        listed += [("system", key) for key in self.systems]
        return listed


def system_slug(system: System) -> str:
    """The slug a system's IRI and page use (as the mapping mints it)."""
    return slug(system.id or system.name)


# --- one page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inherited:
    """A value as a register sees it, and whether its unit or organisation stated it."""

    value: object
    owner: str
    """register, unit or organisation."""


class Page:
    """The context of one page: its index, kind, identifier and language; helpers for text
    in the page's language and for links relative to the page."""

    def __init__(self, index: SiteIndex, kind: str, identifier: str, language: str) -> None:
        self.index = index
        self.kind = kind
        self.identifier = identifier
        self.language = language
        self.path = page_path(kind, identifier, language, index.default_language)
        folder = posixpath.dirname(self.path)
        self._folder = folder + "/" if folder else None

    # links

    def href(self, kind: str, identifier: str = "", anchor: str = "") -> str:
        """A relative link from this page to another page in the same language."""
        target = page_path(kind, identifier, self.language, self.index.default_language)
        return self.relative(target) + (f"#{anchor}" if anchor else "")

    def relative(self, target: str) -> str:
        """A path relative to this page (both relative to the organisation's folder).

        Pages lie at most one folder deep (register/, unit/, system/), so this is a prefix;
        posixpath.relpath cost a tenth of the site's rendering time.
        """
        if self._folder is None:
            return target
        if target.startswith(self._folder):
            return target[len(self._folder) :]
        return "../" + target

    def translation_href(self, language: str) -> str:
        """This page in another language."""
        target = page_path(self.kind, self.identifier, language, self.index.default_language)
        return self.relative(target)

    def rdf_href(self, extension: str) -> str | None:
        """This page's resource as RDF beside it ('kirjastopalvelut.ttl'), if it has one."""
        if self.kind in ("register", "unit", "system", "catalog"):
            stem = self.kind if self.kind == "catalog" else f"{self.kind}/{self.identifier}"
            return self.relative(f"{stem}.{extension}")
        return None

    @property
    def iri(self) -> str | None:
        """The IRI of what the page describes."""
        iris = self.index.iris
        if self.kind == "catalog":
            return iris.catalog[1:-1]
        if self.kind == "register":
            return iris.register(self.identifier)[1:-1]
        if self.kind == "unit":
            return iris.unit(self.identifier)[1:-1]
        if self.kind == "system":
            return f"{self.index.base}system/{self.identifier}"
        return None

    # text

    def text(self, value: dict[str, str] | None) -> Text | None:
        """A multilingual text in the page's language, else the description's, else any."""
        if not value:
            return None
        shown = in_language(value, self.language, self.index.default_language) or ""
        language = next(code for code, words in value.items() if words == shown)
        return Text(shown, None if language == self.language else language)

    def plain(self, value: str | None) -> Text | None:
        """A plain string of the description (written in the description's language)."""
        if value is None:
            return None
        language = self.index.default_language
        return Text(value, None if language == self.language else language)

    def and_list(self, items: Sequence[str]) -> str:
        """'a, b ja c' in the page's language."""
        return format_list(list(items), locale=self.language)

    def joined(self, count: int) -> list[str]:
        """The separators that join ``count`` items into a list in the page's language
        ('', ', ', ' ja '): lets a template link each item and still join them correctly."""
        if count == 0:
            return []
        marks = [f"\x00{i}\x00" for i in range(count)]
        text = format_list(marks, locale=self.language)
        separators = [""]
        for i in range(1, count):
            before, _, rest = text.partition(marks[i])
            separators.append(before.split(marks[i - 1])[-1])
            text = marks[i] + rest
        return separators

    # the organisation and its parts

    @property
    def organisation_name(self) -> Text:
        """The organisation's name in the page's language."""
        name = self.text(self.index.organisation.name)
        assert name is not None
        return name

    def unit_name(self, unit: Unit) -> Text:
        """A unit's name."""
        name = self.text(unit.name)
        assert name is not None
        return name

    def unit_heading(self, unit: Unit) -> Text:
        """The unit's heading as the description gives it, else its name."""
        return self.text(unit.heading) or self.unit_name(unit)

    def title(self, register: Register) -> Text:
        """A register's title."""
        title = self.text(register.title)
        assert title is not None
        return title

    def register(self, identifier: str) -> tuple[Unit, Register]:
        """A register and its unit, by id."""
        return self.index.register_by_id[identifier]

    # inheritance: what a register states, or its unit, or its organisation

    def effective(self, unit: Unit, register: Register, name: str) -> Inherited | None:
        """A field of the register, else of its unit, else of the organisation."""
        owners: list[tuple[str, object]] = [("register", register), ("unit", unit)]
        if name in ("api", "disclosure_authority", "contact_point"):
            owners.append(("organisation", self.index.organisation))
        for owner, record in owners:
            value = getattr(record, name, None)
            if value:
                return Inherited(value, owner)
        return None

    def purpose(self, unit: Unit, register: Register) -> Inherited | None:
        """The register's purpose, else its unit's."""
        return self.effective(unit, register, "purpose")

    # §28 items

    def systems(self, register: Register) -> list[list[Segment]]:
        """Each system of a register as segments: its wording with the names linked."""
        return [self.system_segments(system) for system in register.systems]

    def system_segments(self, system: System) -> list[Segment]:
        """A system as the description words it, with itself and its parts linked.

        The description's own wording ('MultiPrimus (sis. Wilma ja Kurre), …') is shown on
        pages in its language; other pages, and systems without a wording, get the
        structured form in the page's language.
        """
        names = [(system.name, system_slug(system))] + [(p, slug(p)) for p in system.parts]
        if system.wording and self.language == self.index.default_language:
            return _linked(system.wording, names, self.system_href)
        segments = [Segment(system.name, self.system_href(system_slug(system)))]
        notes: list[list[Segment]] = []
        if system.parts:
            separators = self.joined(len(system.parts))
            part_segments = [Segment(gettext_in(self.language, "including") + " ")]
            for separator, part in zip(separators, system.parts, strict=True):
                if separator:
                    part_segments.append(Segment(separator))
                part_segments.append(Segment(part, self.system_href(slug(part))))
            notes.append(part_segments)
        described = self.text(system.description)
        if described is not None:
            notes.append([Segment(described.value, None, described.lang)])
        if system.national:
            notes.append([Segment(gettext_in(self.language, "national system"))])
        if notes:
            segments.append(Segment(" ("))
            for position, note in enumerate(notes):
                if position:
                    segments.append(Segment("; "))
                segments.extend(note)
            segments.append(Segment(")"))
        return segments

    def system_href(self, key: str) -> str:
        """The link to a system's page."""
        return self.href("system", key)

    def criteria(self, register: Register) -> list[str]:
        """The register's search criteria as the vocabulary names them, in the page's language."""
        if register.search_criteria is None:
            return []
        return [criterion_label(c.value, self.language) for c in register.search_criteria.concepts]

    def criteria_text(self, register: Register) -> str:
        """The criteria as one phrase: 'Henkilön nimi, asiakasnumero ja henkilötunnus'."""
        labels = self.criteria(register)
        return self.and_list(labels[:1] + [in_sentence(label) for label in labels[1:]])

    def availability(self, api: ApiStatement) -> str:
        """The vocabulary's label of an availability."""
        return availability_label(api.availability.value, self.language)

    def authority(self, value: object) -> Authority:
        """An inherited value as an Authority (for the templates' type-blind access)."""
        assert isinstance(value, Authority)
        return value

    def contact(self, value: object) -> Contact:
        """An inherited value as a Contact."""
        assert isinstance(value, Contact)
        return value

    def access_rights(self, value: AccessRights) -> Text:
        """The EU access-right label in the page's language."""
        return self._label(codelist_labels(ACCESS_RIGHTS[value]), value.value)

    def theme(self, code: str) -> Text:
        """An EU data theme's label."""
        return self._label(codelist_labels(DATA_THEME[code]), code)

    def subject(self, concept: str) -> Text:
        """A YSO concept's label (its id when dcatgen's table lacks it)."""
        return self._label(subject_labels(concept), concept)

    def _label(self, labels: dict[str, str], fallback: str) -> Text:
        if self.language in labels:
            return Text(labels[self.language])
        if "en" in labels:
            return Text(labels["en"], "en")
        return Text(fallback)

    def reference_targets(self, reference: CrossReference) -> list[tuple[str, str]]:
        """Links a cross-reference resolves to in this description: (label, href)."""
        links = []
        if reference.target_register in self.index.register_by_id:
            _, register = self.index.register_by_id[reference.target_register]
            links.append((self.title(register).value, self.href("register", register.id)))
        if reference.target_unit in self.index.unit_by_id:
            unit = self.index.unit_by_id[reference.target_unit]
            links.append((self.unit_name(unit).value, self.href("unit", unit.id)))
        return links

    def disclosure_authorities(self) -> list[tuple[Authority, list[str]]]:
        """Every distinct disclosure authority and the registers it decides for."""
        found: list[tuple[Authority, list[str]]] = []
        for unit, register in self.index.registers:
            inherited = self.effective(unit, register, "disclosure_authority")
            if inherited is None:
                continue
            authority = self.authority(inherited.value)
            for known, registers in found:
                if known == authority:
                    registers.append(register.id)
                    break
            else:
                found.append((authority, [register.id]))
        return found


def _linked(
    wording: str, names: Sequence[tuple[str, str]], href: Callable[[str], str]
) -> list[Segment]:
    """Split a wording into segments, linking the first occurrence of each name.

    Longer names first, so that a part named inside another name ('Wilma' in 'Wilma-X')
    does not take the longer one's place.
    """
    spans: list[tuple[int, int, str]] = []
    for name, key in sorted(names, key=lambda item: -len(item[0])):
        start = wording.find(name)
        while start >= 0 and any(a < start + len(name) and start < b for a, b, _ in spans):
            start = wording.find(name, start + 1)
        if start >= 0:
            spans.append((start, start + len(name), key))
    segments: list[Segment] = []
    position = 0
    for start, end, key in sorted(spans):
        if start > position:
            segments.append(Segment(wording[position:start]))
        segments.append(Segment(wording[start:end], href(key)))
        position = end
    if position < len(wording):
        segments.append(Segment(wording[position:]))
    return segments
