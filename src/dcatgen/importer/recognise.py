"""Recognise: blocks → a draft description (units, registers, their sections), in one pass.

The reader keeps a small state: the current unit, the current register, and the section a
sub-heading opened.  Each block is placed by the first rule of its table that applies:
`HEADING_RULES` for headings, `ITEM_RULES` for list items, `ROW_RULES` for table rows and
`SENTENCE_RULES` for the sentences of paragraphs.  A rule is a name, a test and an action;
each handles one variant of how pages are written, and has its fixture in the tests.
Whatever no rule places is kept as unplaced.  Statements made for a whole unit or
organisation are inherited by its registers when the draft is finished (`settle`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import takewhile
from typing import Generic, TypeVar

from dcatgen.importer import lexicon
from dcatgen.importer.blocks import Block, Kind, Page, labelled
from dcatgen.importer.draft import (
    ApiDraft,
    At,
    ContactDraft,
    CriteriaDraft,
    CrossReferenceDraft,
    Draft,
    LinkDraft,
    RegisterDraft,
    SecrecyDraft,
    Source,
    SystemDraft,
    UnitDefaults,
    UnitDraft,
    joined,
)
from dcatgen.importer.lexicon import Heading, HeadingClass, HeadingKind, Section
from dcatgen.importer.phrases import (
    enumeration,
    nominative_phrase,
    parse_system,
    split_list,
    unit_name,
)
from dcatgen.importer.systems import ProseSystem, known_system, systems_in_prose
from dcatgen.importer.text import anchors_in, without_urls
from dcatgen.model.description import Availability, RegisterKind

RESOURCE = RegisterKind.INFORMATION_RESOURCE
PHYSICAL_KEYWORD = {"fi": "fyysinen tietovaranto", "sv": "fysiskt informationslager"}
MAX_LIST_ITEM_WORDS = 12
MAX_AUTHORITY_WORDS = 8
_GROUNDS = re.compile(
    r"(?:(?:JulkL|julkisuuslain|julkisuuslaki|OffL|offentlighetslagen|621/1999)\s+)?"
    r"\d+\s*§(?:\s*:n)?(?:\s*\d+\s*(?:mom\.?|momentin|moment(?:et)?))?"
    r"(?:\s*\d+\s*(?:k\.|kohdan|kohta|punkt(?:en)?))?",
    re.IGNORECASE,
)
_BARE_LABEL = re.compile(
    r"^(?:(?:rekisterin|tietovarannon|registrets|informationslagrets)\s+)?(?:nimi|namn)$"
    r"|^(?:tietovaranto|asiarekisteri|rekisteri|informationslager|ärenderegister|register)$",
    re.IGNORECASE,
)
_MANAGED_IN_PARENTHESES = re.compile(
    r"\((?P<unit>[^()]+?)(?::n)?\s+(?:hallinnassa|ylläpitämä|vastuulla)\)"
    r"|\((?:förvaltas av|sköts av)\s+(?P<sv>[^()]+)\)",
    re.IGNORECASE,
)
_NATIONAL_WORD = re.compile(r"^(?:kansallis|valtakunnallis|nationell|riksomfattande)", re.I)
"""A word that makes the system after it national, in any case ("valtakunnallista")."""
T = TypeVar("T")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Rule(Generic[T]):
    """One rule of a table: a name (what variant it handles), a test, and an action."""

    name: str
    applies: Callable[[Reader, T], bool]
    act: Callable[[Reader, T], None]


@dataclass(frozen=True)
class HeadingCase:
    """A heading, where it stands, and what the lexicon says it is."""

    index: int
    block: Block
    found: HeadingClass

    @property
    def at(self) -> At[str]:
        """The heading's text without its number, with its line."""
        text = lexicon.HEADING_NUMBER.sub("", self.block.text).strip() or self.block.text
        return At(text, (self.block.line,))


def first(rules: tuple[Rule[T], ...], reader: Reader, case: T) -> bool:
    """Apply the first rule of a table that applies; False when none does."""
    for rule in rules:
        if rule.applies(reader, case):
            rule.act(reader, case)
            return True
    return False


class Reader:
    """Reads a page's blocks into a draft."""

    def __init__(self, page: Page, draft: Draft, skip_line: int | None = None) -> None:
        self.blocks = page.blocks
        self.draft = draft
        self.skip_line = skip_line
        self.unit: UnitDraft | None = None
        self.register: RegisterDraft | None = None
        self.section: Section | None = None
        self.section_source = Source.HEADING
        self.section_owner: RegisterDraft | None = None
        self.topic: Block | None = None
        self.physical: At[str] | None = None
        self.system_level = 0
        self.group_level = 0
        self.unexplained = False
        self.index = 0
        self.nested_systems = False
        """The data-group section also lists each data area's systems, indented."""
        self.fresh = False
        """A section heading was just read: nothing has been placed in it yet."""
        self.table: list[Section | None] | None = None
        """The columns of the table of registers being read, by the section each names."""

    # --- where things go ------------------------------------------------------------------

    def unplaced(self, block: Block, text: str | None = None) -> None:
        """Keep a block the reader could not place."""
        self.draft.unplaced.append(At(text or block.text, (block.line,)))

    def level(self) -> UnitDefaults:
        """What the current unit (or, before any unit, the organisation) states."""
        return self.unit.own if self.unit is not None else self.draft.organisation_level

    def owner(self) -> RegisterDraft | UnitDefaults:
        """Where a statement goes: the current register, else its unit or the organisation."""
        return self.register if self.register is not None else self.level()

    def ensure_unit(self) -> UnitDraft:
        """The current unit; the organisation itself when the page names no unit."""
        if self.unit is None:
            self.unit = self.find_unit(self.draft.organisation.value) or self.add_unit(
                At(self.draft.organisation.value, self.draft.organisation.lines)
            )
        return self.unit

    def find_unit(self, name: str) -> UnitDraft | None:
        """A unit already read, by name."""
        return next((u for u in self.draft.units if _key(u.name.value) == _key(name)), None)

    def add_unit(self, name: At[str], heading: At[str] | None = None) -> UnitDraft:
        """A new unit at the end of the page's units."""
        unit = UnitDraft(name, heading)
        self.draft.units.append(unit)
        return unit

    def find_register(self, title: str) -> RegisterDraft | None:
        """A register already read or announced, by title."""
        for unit in self.draft.units:
            for register in unit.registers:
                if _key(register.title.value) == _key(title):
                    return register
        return None

    def following(self) -> tuple[Block, ...]:
        """The blocks after the one being read."""
        return self.blocks[self.index + 1 :]

    # --- the pass -------------------------------------------------------------------------

    def run(self) -> None:
        """Read every block."""
        for index, block in enumerate(self.blocks):
            self.index = index
            if block.line == self.skip_line and block.kind is Kind.HEADING:
                continue
            if block.kind is Kind.HEADING:
                self.heading(index, block)
            else:
                self.content(block)
        self.drop_topic()

    def drop_topic(self) -> None:
        """An unknown heading that nothing explained is unplaced, and so is what follows it."""
        if self.topic is not None:
            self.unplaced(self.topic)
            self.topic = None
            self.unexplained = True

    def heading(self, index: int, block: Block) -> None:
        """A heading opens a unit, a register, a section, or waits to be explained."""
        self.drop_topic()
        self.unexplained = False
        self.table = None
        case = HeadingCase(index, block, lexicon.classify_heading(block.text))
        if not first(HEADING_RULES, self, case):
            self.topic = block

    def open_section(self, section: Section | None, source: Source = Source.HEADING) -> None:
        """Later blocks belong to this section of the current register (or unit)."""
        self.section, self.section_owner = section, self.register
        self.section_source = source
        self.system_level = 0
        self.group_level = 0
        self.nested_systems = False
        self.fresh = True

    def role_of_unnamed(self, index: int) -> HeadingKind | None:
        """What a heading without telling words is, judged by what follows it.

        A register when sections only a register has follow (data groups, systems, search
        criteria); a unit when registers follow (headings, or "Name: purpose" items); the
        page's own heading (PAGE_TITLE) when a unit follows.
        """
        following = self.blocks[index + 1 :]
        for position, block in enumerate(following):
            if block.kind is Kind.HEADING:
                found = lexicon.classify_heading(block.text)
                if found.kind in (HeadingKind.REGISTER, HeadingKind.CONTAINER):
                    return HeadingKind.UNIT
                if found.kind in (HeadingKind.SUBSECTION, HeadingKind.PLURAL):
                    return HeadingKind.UNIT
                if found.kind is HeadingKind.UNIT:
                    return HeadingKind.PAGE_TITLE
                if found.kind is not HeadingKind.SECTION:
                    return None
                if found.section in lexicon.REGISTER_CONTENT:
                    return HeadingKind.REGISTER
                if found.section is Section.REGISTERS:
                    return HeadingKind.REGISTER
            elif lexicon.CROSS_REFERENCE.match(block.text):
                return None
            elif block.kind is Kind.PARAGRAPH and block.label is None and self.describes(block):
                return HeadingKind.REGISTER
            elif block.kind is Kind.ROW:
                return HeadingKind.PAGE_TITLE if _columns(block.cells) else None
            elif block.label and lexicon.section_of(block.label) in lexicon.REGISTER_CONTENT:
                return HeadingKind.REGISTER
            elif block.kind is Kind.ITEM and position == 0 and _numbered_register(block):
                return HeadingKind.UNIT  # "1) Perusopetuksen tietovaranto" and its text follow
            elif block.kind is Kind.ITEM:
                items = list(takewhile(lambda b: b.kind is not Kind.HEADING, following[position:]))
                named = all(
                    b.kind is Kind.ITEM and b.value and b.level == items[0].level for b in items[:3]
                )
                listed = all(
                    b.kind is Kind.ITEM and lexicon.is_register_word(b.text.split()[-1])
                    for b in items[:3]
                )
                return HeadingKind.UNIT if position == 0 and (named or listed) else None
        return None

    def describes(self, block: Block) -> bool:
        """Whether prose states what only a register has: the systems it is kept in, how
        it can be searched ("Tietoja voidaan hakea henkilön nimellä …")."""
        text = block.text
        # what the law asks in general ("exempel på sökvillkor som kan användas …") names
        # no criterion: only a sentence that names some describes a register
        searched = Section.SEARCH in lexicon.sentence_sections(text) and bool(
            lexicon.criteria_in(text)
        )
        return searched or bool(systems_in_prose(text, self.draft.language))

    def open_unit(self, block: Block) -> None:
        """A unit heading: later registers belong to this unit."""
        name = unit_name(lexicon.HEADING_NUMBER.sub("", block.text))
        heading = At(block.text, (block.line,)) if name != block.text else None
        unit = self.find_unit(name)
        if unit is None:
            unit = self.add_unit(At(name, (block.line,)), heading)
        elif unit.heading is None:
            unit.heading = heading
        self.unit, self.register, self.section, self.section_owner = unit, None, None, None
        self.physical = None

    def open_register(
        self,
        title: At[str],
        level: int,
        parent: RegisterDraft | None = None,
        source: Source = Source.HEADING,
    ) -> RegisterDraft:
        """A register heading (or label): later blocks describe this register."""
        existing = self.find_register(title.value)
        if existing is not None:
            existing.title = title
            self.register, self.section, self.section_owner = existing, None, None
            return existing
        current = self.register
        while current is not None and level and current.level >= level:
            current = current.parent
        if parent is None and level and current is not None and current.kind is RESOURCE:
            parent = current
        register = self.new_register(title, parent, source)
        register.level = level
        self.register, self.section, self.section_owner = register, None, None
        return register

    def new_register(
        self, title: At[str], parent: RegisterDraft | None, source: Source = Source.HEADING
    ) -> RegisterDraft:
        """A register added to the current unit."""
        managed = _MANAGED_IN_PARENTHESES.search(title.value)
        managed_by = None
        if managed is not None:
            unit = nominative_phrase((managed["unit"] or managed["sv"] or "").strip())
            title = At(_MANAGED_IN_PARENTHESES.sub("", title.value).strip(), title.lines)
            managed_by = At(unit, title.lines) if unit else None
        register = RegisterDraft(title, lexicon.register_kind(title.value), parent=parent)
        register.managed_by = managed_by
        register.sources["title"] = source
        if self.physical is not None or lexicon.PHYSICAL.search(title.value):
            lines = self.physical.lines if self.physical is not None else title.lines
            register.keywords.append(At(PHYSICAL_KEYWORD[self.draft.language], lines))
        self.ensure_unit().registers.append(register)
        return register

    # --- content ------------------------------------------------------------------------

    def content(self, block: Block) -> None:
        """A paragraph, list item or table row, placed by the first rule that applies."""
        self.fresh = False
        if self.topic is not None:
            if lexicon.CROSS_REFERENCE.match(block.text):
                topic, self.topic = self.topic, None
                self.cross_reference(block, At(topic.text, (topic.line,)))
                return
            self.drop_topic()
        if self.unexplained:
            # after a heading nothing explained, only what states itself is placed: the
            # registry office's contact details are the organisation's anyway
            if not (lexicon.REGISTRY_OFFICE.search(block.text) and _has_contact(self, block)):
                self.unplaced(block)
                return
            self.contact(block.text, block.line)
            return
        if block.kind is not Kind.ROW and self.table is not None:
            # after a table of registers: what follows is about them all, not the last row
            self.table, self.register, self.section = None, None, None
        if block.kind is Kind.ROW:
            if not first(ROW_RULES, self, block):
                self.unplaced(block)
            return
        pieces = split_fields(block)
        if len(pieces) > 1:
            for piece in pieces:
                self.content(piece)
            return
        in_list = block.kind is Kind.ITEM and self.section in (
            Section.DATA_GROUPS,
            Section.SYSTEMS,
        )
        labelled = block.label is not None and block.value is not None and not in_list
        if labelled and self.field(block, block.label or "", block.value or ""):
            return
        if block.kind is Kind.ITEM:
            if not first(ITEM_RULES, self, block):
                self.paragraph(block)
        else:
            self.paragraph(block)

    def field(self, block: Block, label: str, value: str) -> bool:
        """'Label: value': True when the label names a register, a unit or a section."""
        found = lexicon.classify_heading(label)
        if _BARE_LABEL.match(label):
            self.open_register(At(value, (block.line,)), 0, source=Source.LABEL)
            return True
        if found.kind is HeadingKind.REGISTER:
            return self.register_item(block, label, value)
        if found.kind is HeadingKind.UNIT and lexicon.section_of(label) is None:
            if self.register is not None:
                return self.apply(Section.MANAGED_BY, block, value)
            self.open_unit(Block(Kind.HEADING, value, block.line))
            return True
        if lexicon.CONTACT_LABEL.match(label.strip()):
            return self.contact(block.text, block.line)
        section = found.section if found.kind is HeadingKind.SECTION else None
        if section is None:
            return False
        if not value.strip(" .:"):
            self.open_section(section, Source.LABEL)
            return True
        return self.apply(section, block, value)

    def apply(self, section: Section, block: Block, value: str) -> bool:
        """A labelled value for one section, by the table of section handlers."""
        handler = SECTION_HANDLERS.get(section, _description)
        handler(self, block, value)
        return True

    def paragraph(self, block: Block) -> None:
        """A paragraph: its statement sentences placed one by one, the rest together."""
        for chunk in chunks(block):
            if not first(SENTENCE_RULES, self, chunk):
                self.prose(chunk)

    def prose(self, block: Block) -> None:
        """Free text: a register's purpose, then its description; a unit's purpose."""
        text, line, register = block.text, block.line, self.register
        self.mention(block)
        if register is not None:
            if register.purpose is None or self.section is Section.PURPOSE:
                register.purpose = joined(register.purpose, text, line)
                source = Source.HEADING if self.section is Section.PURPOSE else Source.GUESS
                register.sources.setdefault("purpose", source)
            else:
                register.description = joined(register.description, text, line)
            return
        level = self.level()
        if level.purpose is None or self.section is Section.PURPOSE:
            level.purpose = joined(level.purpose, text, line)
        else:
            self.unplaced(block)

    def mention(self, block: Block) -> None:
        """Remember a register a sentence names, for a page that has no register headings.

        A sentence that starts with it and says what it is ("Pohjois-Savon liiton
        asiarekisteri on looginen kokonaisuus …", "Asiarekisterinä toimii …") describes
        it: that sentence is kept as the register's purpose should the page name no other.
        """
        match = lexicon.REGISTER_PHRASE.search(block.text)
        if match is None:
            return
        phrase = lexicon.register_phrase(match)
        defines = match.start() == 0 and bool(lexicon.DEFINING.match(block.text))
        mention = At(phrase, (block.line,))
        self.draft.mentions.append(mention)
        if defines and self.register is None and self.draft.defined is None:
            self.draft.defined = (mention, At(block.text, (block.line,)))

    def listed_in_prose(self, block: Block, section: Section) -> None:
        """'Tietovarannossa on a, b ja c.' under a data-group or system heading.

        Under a system heading, a sentence whose listed things are not all names
        ("Potilastiedot kirjataan Uranus-potilastietojärjestelmään ja ne arkistoidaan …")
        gives the systems it names the way prose does, with the sentence as their wording,
        rather than its clauses as names.
        """
        items = enumeration(block.text)
        register = self.register
        if section is Section.SYSTEMS and not all(item[:1].isupper() for item in items):
            named = systems_in_prose(block.text, self.draft.language)
            if named:
                self.prose_systems(block, named)
                return
        if not items or any(len(item.split()) > MAX_LIST_ITEM_WORDS for item in items):
            prose = systems_in_prose(block.text, self.draft.language)
            if section is Section.SYSTEMS and prose:
                self.prose_systems(block, prose)
                self.prose(block)
                return
            self.unplaced(block)
            return
        for item in items:
            if section is Section.DATA_GROUPS:
                self.add_data_group(register, item, block.line)
            else:
                self.add_system(register, item, block.line, 0)

    # --- the things a sentence can state -----------------------------------------------------

    def add_data_group(self, register: RegisterDraft | None, text: str, line: int) -> None:
        """A data group of the register (or, with none open, of the unit for later)."""
        if register is None:
            self.level().data_groups.append(At(text, (line,)))
            return
        register.data_groups.append(At(text, (line,)))
        register.sources.setdefault("data_groups", self.section_source)

    def add_system(
        self, register: RegisterDraft | None, text: str, line: int, level: int
    ) -> SystemDraft:
        """A system line; an item indented under a system is one of its parts."""
        parsed = parse_system(text)
        systems = register.systems if register is not None else self.level().systems
        if level and systems and level > self.system_level:
            systems[-1].parts.append(At(parsed.name, (line,)))
            return systems[-1]
        self.system_level = level
        known = known_system(parsed.name)
        system = SystemDraft(
            At(parsed.name, (line,)),
            [At(part, (line,)) for part in parsed.parts],
            parsed.description,
            parsed.national,
            parsed.wording,
            known.id if known is not None else None,
        )
        systems.append(system)
        if register is not None:
            register.sources.setdefault("systems", self.section_source)
        return system

    def prose_systems(self, block: Block, found: list[ProseSystem]) -> None:
        """Systems a sentence names in prose, added to the register (or kept for one)."""
        register = self.register
        systems = register.systems if register is not None else self.level().systems
        names = {_key(s.name.value) for s in systems}
        sentences = _sentences(block.text)
        for system in found:
            if _key(system.name) in names:
                continue
            names.add(_key(system.name))
            wording = next((s for s in sentences if system.name in s), block.text)
            before = wording[: wording.find(system.name)].split()[-1:] if wording else []
            systems.append(
                SystemDraft(
                    At(system.name, (block.line,)),
                    description=system.description,
                    # "valtakunnallinen VARDA-rekisteri": national, as the page says
                    national=bool(before and _NATIONAL_WORD.match(before[0])),
                    wording=wording,
                    known=system.known.id if system.known is not None else None,
                )
            )
        if register is not None:
            register.sources.setdefault("systems", Source.GUESS)

    def purpose(self, text: str, line: int) -> None:
        """A stated purpose, of the register or of the unit / organisation."""
        owner = self.owner()
        owner.purpose = joined(owner.purpose, text, line)
        if isinstance(owner, RegisterDraft):
            owner.sources.setdefault("purpose", Source.LABEL)

    def criteria(self, text: str, line: int, separator: str = " ") -> None:
        """Search criteria: the concepts a sentence names, with the sentence."""
        concepts = lexicon.criteria_in(text)
        owner = self.owner()
        if isinstance(owner, RegisterDraft):
            source = self.section_source if self.section is Section.SEARCH else Source.GUESS
            owner.sources.setdefault("search_criteria", source)
        if owner.criteria is None:
            owner.criteria = CriteriaDraft(concepts, At(text, (line,)))
            return
        owner.criteria.concepts.extend(c for c in concepts if c not in owner.criteria.concepts)
        if owner.criteria.statement.value.endswith(":"):
            separator = " "  # the list after its lead-in
        owner.criteria.statement = joined(owner.criteria.statement, text, line, separator)

    def api(self, text: str, line: int) -> None:
        """An availability statement; an open one with an address gives a distribution.

        A sentence about the whole organisation ("Kunnan tietoaineistot eivät …") is the
        organisation's statement wherever it stands.
        """
        owner: RegisterDraft | UnitDefaults = self.owner()
        if self.about_organisation(text):
            owner = self.draft.organisation_level
        statement = joined(owner.api.statement if owner.api else None, text, line)
        value = lexicon.availability(statement.value) or Availability.NOT_STATED
        owner.api = ApiDraft(value, statement)
        if isinstance(owner, RegisterDraft):
            owner.sources.setdefault("api", Source.HEADING if self.section else Source.GUESS)
            if value is Availability.OPEN:
                owner.distributions.extend(At(a.href, (line,)) for a in anchors_in(text))

    def secrecy(self, text: str, line: int) -> None:
        """A secrecy statement and the legal grounds it cites."""
        owner = self.owner()
        grounds = [" ".join(g.split()) for g in _GROUNDS.findall(text)]
        if owner.secrecy is None:
            owner.secrecy = SecrecyDraft(At(text, (line,)), grounds)
        else:
            owner.secrecy.statement = joined(owner.secrecy.statement, text, line)
            owner.secrecy.grounds.extend(g for g in grounds if g not in owner.secrecy.grounds)

    def authority(self, text: str, line: int) -> None:
        """The authority deciding on disclosure (§28 item 2): a name, or contact details.

        A sentence with an e-mail address, telephone number or postal address gives the
        contact; a short name ("Sivistyslautakunta") the authority; any other sentence
        ("Tietopyynnöt toimitetaan kirjaamoon …") is kept as unplaced for a person to judge.
        """
        if self.contact(text, line):
            return
        owner = self.owner()
        name = text.strip(" .")
        short = 0 < len(name.split()) <= MAX_AUTHORITY_WORDS and ":" not in name
        if owner.authority is None and short:
            owner.authority = At(name, (line,))
        else:
            self.draft.unplaced.append(At(text, (line,)))

    def about_organisation(self, text: str) -> bool:
        """Whether a sentence speaks of the whole organisation: "Kunnan tietoaineistot …",
        "Savonlinnan kaupungin tietoaineistot …" (its own name first)."""
        if lexicon.ORGANISATION_SUBJECT.match(text):
            return True
        first = text.split()[:1]
        name = self.draft.organisation.value.split()[:1]
        return bool(first and name and first[0].lower() == name[0].lower())

    def contact(self, text: str, line: int) -> bool:
        """E-mail, telephone and postal address for information requests; False when none.

        The registry office (kirjaamo, registratur) serves the whole organisation, so its
        details are the organisation's wherever they stand on the page.
        """
        email = lexicon.email_in(text)
        phone = lexicon.PHONE.search(text)
        address = lexicon.ADDRESS.search(text)
        if not (email or phone or address):
            return False
        owner: RegisterDraft | UnitDefaults = self.owner()
        if lexicon.REGISTRY_OFFICE.search(text) or self.about_organisation(text):
            owner = self.draft.organisation_level
        contact = owner.contact or ContactDraft((line,))
        if line not in contact.lines:
            contact.lines = (*contact.lines, line)
        if lexicon.REGISTRY_OFFICE.search(text) or (email and email.startswith("kirjaamo")):
            contact.name = contact.name or lexicon.REGISTRY_OFFICE_NAME[self.draft.language]
        contact.email = contact.email or email
        contact.telephone = contact.telephone or (phone["number"].strip() if phone else None)
        address_text = address["address"].strip(" ,.") if address else None
        contact.address = contact.address or address_text
        owner.contact = contact
        return True

    def retention(self, register: RegisterDraft, text: str, line: int) -> None:
        """Task-class code and retention stated in a sentence."""
        code = lexicon.TASK_CLASS.search(text)
        if code is not None:
            if register.task_class is None:
                register.task_class = At(code["code"], (line,))
            elif code["code"] != register.task_class.value:
                self.draft.unplaced.append(At(text, (line,)))
        if lexicon.RETENTION.search(text):
            clauses = [c.strip() for c in re.split(r"[,;()]", text) if c.strip()]
            clause = next((c for c in clauses if lexicon.RETENTION.search(c)), text)
            register.retention = joined(register.retention, clause.strip(" ."), line, "; ")

    def links(self, block: Block, label: str | None) -> None:
        """Links in a block: privacy notices, records-management plans, other pages."""
        anchors = block.anchors or anchors_in(block.text)
        if not anchors:
            self.unplaced(block)
            return
        owner = self.owner()
        rest = without_urls(block.text)
        for anchor in anchors:
            title = anchor.text if anchor.text != anchor.href else label
            if title is None and 0 < len(rest.split()) <= MAX_LIST_ITEM_WORDS:
                title = rest
            words = f"{label or ''} {anchor.text} {block.text}"
            owner.links.append(
                LinkDraft(At(anchor.href, (block.line,)), title, lexicon.link_kind(words))
            )
        if self.register is not None and (
            lexicon.TASK_CLASS.search(block.text) or lexicon.RETENTION.search(block.text)
        ):
            self.retention(self.register, block.text, block.line)

    def cross_reference(self, block: Block, topic: At[str] | None) -> None:
        """'Katso hallinto-osasto, asianhallintarekisteri.': data described elsewhere."""
        match = lexicon.CROSS_REFERENCE.match(block.text)
        assert match is not None
        target = match["target"].strip()
        url = next((a.href for a in block.anchors or anchors_in(target)), None)
        pieces = [p.strip() for p in target.split(",", 1)] if url is None else []
        unit_part, register_part = None, None
        if len(pieces) == 2:
            unit_part, register_part = pieces
        elif pieces and lexicon.names_unit(pieces[0]):
            unit_part = pieces[0]
        elif pieces:
            register_part = pieces[0]
        statement = At(block.text, (block.line,))
        if topic is None and self.register is not None:
            self.register.cross_reference = CrossReferenceDraft(
                self.register.title, statement, unit_part, register_part, url
            )
            return
        self.ensure_unit().cross_references.append(
            CrossReferenceDraft(topic or statement, statement, unit_part, register_part, url)
        )

    def register_item(
        self, block: Block, title: str, purpose: str | None, source: Source = Source.LABEL
    ) -> bool:
        """'Name: purpose' (or a bare register name) listed under a unit or a resource."""
        listed = self.section is Section.REGISTERS
        words = title.split()
        if not words:
            return False
        if not listed and purpose is None and not lexicon.is_register_word(words[-1]):
            return False
        parent = self.section_owner if listed else None
        if not listed and self.register is not None:
            return False
        register = self.new_register(At(title, (block.line,)), parent, source)
        if purpose:
            register.purpose = At(purpose, (block.line,))
            register.sources["purpose"] = Source.LABEL
        self.section = Section.REGISTERS
        return True


# --- heading rules ---------------------------------------------------------------------------


def _kind_is(kind: HeadingKind) -> Callable[[Reader, HeadingCase], bool]:
    return lambda _, case: case.found.kind is kind


def _introduction(reader: Reader, case: HeadingCase) -> None:
    reader.draft.introduction.append(case.at)
    reader.register, reader.section, reader.section_owner = None, None, None


def _open_unit(reader: Reader, case: HeadingCase) -> None:
    reader.open_unit(case.block)


def _unit_as_register(reader: Reader, case: HeadingCase) -> bool:
    # "Tekniska sektorn" followed by its systems, data and search criteria, with no
    # register of its own below it: the unit's information resource, named as the unit
    return (
        case.found.kind is HeadingKind.UNIT
        and not Heading.of(case.block.text).register_words
        and reader.role_of_unnamed(case.index) is HeadingKind.REGISTER
    )


def _open_register(reader: Reader, case: HeadingCase) -> None:
    reader.open_register(case.at, case.block.level)


def _container(reader: Reader, case: HeadingCase) -> None:
    resource = reader.register if reader.register and reader.register.kind is RESOURCE else None
    if resource is not None and len(case.block.text.split()) == 1:
        reader.open_section(Section.REGISTERS)  # "Rekisterit" under a resource
        return
    reader.register, reader.section_owner = None, None
    reader.section = Section.REGISTERS
    reader.physical = case.at if case.found.physical else None


def _nested_lead_in(reader: Reader, case: HeadingCase) -> bool:
    return case.found.kind is HeadingKind.SECTION and case.found.section is Section.REGISTERS


def _open_nested(reader: Reader, case: HeadingCase) -> None:
    # "Tietovarantoon liittyvät seuraavat rekisterit:": the list names the current
    # resource's registers (or, with none open, the unit's)
    reader.open_section(Section.REGISTERS)


def _plural_subsection(reader: Reader, case: HeadingCase) -> bool:
    return case.found.kind is HeadingKind.SUBSECTION and case.found.plural


def _unit_section(reader: Reader, case: HeadingCase) -> None:
    # "… toimialan tietovarantojen kuvaus ja rekisterit": about all the unit's resources
    reader.register = None
    reader.open_section(case.found.section)


def _subsection(reader: Reader, case: HeadingCase) -> None:
    title = case.found.register_title
    assert title is not None
    register = reader.register
    if register is None or _key(register.title.value) != _key(title):
        reader.open_register(At(title, (case.block.line,)), case.block.level)
    reader.open_section(case.found.section)


def _section(reader: Reader, case: HeadingCase) -> None:
    text = case.block.text
    if lexicon.names_data_and_systems(text):
        # "Tietoaineistot ja niitä käsittelevät järjestelmät": data areas, each with its
        # systems indented below it
        reader.open_section(Section.DATA_GROUPS)
        reader.nested_systems = True
        return
    reader.open_section(case.found.section)
    if case.found.section is Section.API and lexicon.availability(text) is not None:
        reader.api(text, case.block.line)


def _plural(reader: Reader, case: HeadingCase) -> None:
    role = reader.role_of_unnamed(case.index)
    if role is HeadingKind.REGISTER:
        reader.open_register(case.at, case.block.level)
    elif role is HeadingKind.UNIT:
        reader.open_unit(case.block)
    else:  # the page's own heading ("Sivistyspalveluiden tietovarannot"): not a register
        _introduction(reader, case)


VALUE_SECTIONS = frozenset(
    {
        Section.DATA_GROUPS, Section.SYSTEMS, Section.SEARCH, Section.PURPOSE,
        Section.DESCRIPTION, Section.API, Section.DISCLOSURE, Section.RETENTION,
        Section.TASK_CLASS, Section.MANAGED_BY, Section.SECRECY,
    }
)  # fmt: skip


def _value_line(reader: Reader, case: HeadingCase) -> bool:
    # "Tietojärjestelmät" then "Dynasty" on its own line (or a list whose bullets the copy
    # lost, one short line each): short lines read as headings in copied text, but right
    # under a section heading they are its values, unless what follows makes one a register
    if not (
        case.found.kind is HeadingKind.UNKNOWN
        and reader.fresh
        and reader.section in VALUE_SECTIONS
        and not case.block.lead_in
    ):
        return False
    role = reader.role_of_unnamed(case.index)
    if role is HeadingKind.UNIT:
        return False
    if role is HeadingKind.REGISTER:
        # "todistukset" then "Tietojärjestelmät": still the same register, whose systems
        # come next; "Varhaiskasvatus" then "Tietoaineistot", which the register already
        # has: a new register
        upcoming = _next_section(reader, case.index)
        return upcoming is not None and not _has_section(reader.register, upcoming)
    return True


def _next_section(reader: Reader, index: int) -> Section | None:
    for block in reader.blocks[index + 1 :]:
        if block.kind is Kind.HEADING:
            found = lexicon.classify_heading(block.text)
            return found.section if found.kind is HeadingKind.SECTION else None
    return None


def _has_section(register: RegisterDraft | None, section: Section) -> bool:
    if register is None:
        return False
    filled = {
        Section.DATA_GROUPS: bool(register.data_groups),
        Section.SYSTEMS: bool(register.systems),
        Section.SEARCH: register.criteria is not None,
    }
    return filled.get(section, False)


LIST_SECTIONS = frozenset({Section.DATA_GROUPS, Section.SYSTEMS, Section.SEARCH})


def _read_as_value(reader: Reader, case: HeadingCase) -> None:
    block = case.block
    kind = Kind.ITEM if reader.section in LIST_SECTIONS else Kind.PARAGRAPH
    level = 1 if kind is Kind.ITEM else 0
    reader.content(Block(kind, block.text, block.line, level, anchors=block.anchors))
    reader.fresh = True  # the next short line may be the next value


def _lead_in_heading(reader: Reader, case: HeadingCase) -> bool:
    # "Asioita voidaan hakea ainakin seuraavilla tiedoilla:" inside a section: a lead-in
    # to the next list of the same section, not a topic of its own
    return (
        case.found.kind is HeadingKind.UNKNOWN
        and case.block.lead_in
        and reader.section in (Section.SEARCH, Section.DATA_GROUPS, Section.SYSTEMS)
    )


def _data_lead_in(reader: Reader, case: HeadingCase) -> bool:
    # "Tietovaranto sisältää seuraavat tiedot:" with the list below it
    return (
        case.found.kind is HeadingKind.UNKNOWN
        and case.block.lead_in
        and lexicon.DATA_LEAD_IN.search(case.block.text) is not None
    )


def _open_data_groups(reader: Reader, case: HeadingCase) -> None:
    reader.open_section(Section.DATA_GROUPS, Source.LABEL)


def _continue_section(reader: Reader, case: HeadingCase) -> None:
    if reader.section is Section.SEARCH:
        reader.criteria(case.block.text + ":", case.block.line, "; ")


def _unnamed_is(role: HeadingKind) -> Callable[[Reader, HeadingCase], bool]:
    def applies(reader: Reader, case: HeadingCase) -> bool:
        return case.found.kind is HeadingKind.UNKNOWN and reader.role_of_unnamed(case.index) is role

    return applies


def _open_guessed_register(reader: Reader, case: HeadingCase) -> None:
    reader.open_register(case.at, case.block.level, source=Source.GUESS)


def _defined_below(reader: Reader, case: HeadingCase) -> bool:
    # "Närpes stads ärenderegister och informationshantering" above "Närpes stads
    # ärenderegister är en helhet …": the register the sentence defines
    if case.found.kind is not HeadingKind.UNKNOWN:
        return False
    after = reader.following()
    return bool(after) and after[0].kind is Kind.PARAGRAPH and _defining(after[0]) is not None


def _defining(block: Block) -> str | None:
    match = lexicon.REGISTER_PHRASE.search(block.text)
    if match is None or match.start() != 0 or not lexicon.DEFINING.match(block.text):
        return None
    return lexicon.register_phrase(match)


def _open_defined(reader: Reader, case: HeadingCase) -> None:
    phrase = _defining(reader.following()[0])
    assert phrase is not None
    reader.draft.introduction.append(case.at)
    title = phrase[:1].upper() + phrase[1:]
    reader.open_register(At(title, (case.block.line,)), case.block.level, source=Source.GUESS)


HEADING_RULES: tuple[Rule[HeadingCase], ...] = (
    Rule("the page's title", _kind_is(HeadingKind.PAGE_TITLE), _introduction),
    Rule("a unit described like a register", _unit_as_register, _open_guessed_register),
    Rule("a unit", _kind_is(HeadingKind.UNIT), _open_unit),
    Rule("a register", _kind_is(HeadingKind.REGISTER), _open_register),
    Rule("a lead-in to nested registers", _nested_lead_in, _open_nested),
    Rule("a container of registers", _kind_is(HeadingKind.CONTAINER), _container),
    Rule("a sub-heading of all the unit's resources", _plural_subsection, _unit_section),
    Rule("a sub-heading of one register", _kind_is(HeadingKind.SUBSECTION), _subsection),
    Rule("a section", _kind_is(HeadingKind.SECTION), _section),
    Rule("a plural register heading", _kind_is(HeadingKind.PLURAL), _plural),
    Rule("a lead-in inside a section", _lead_in_heading, _continue_section),
    Rule("a lead-in to a list of data", _data_lead_in, _open_data_groups),
    Rule("a one-line value under a section heading", _value_line, _read_as_value),
    Rule("a register by what follows", _unnamed_is(HeadingKind.REGISTER), _open_guessed_register),
    Rule("a heading over a register defined below it", _defined_below, _open_defined),
    Rule("a unit by what follows", _unnamed_is(HeadingKind.UNIT), _open_unit),
    Rule("the page's heading above a unit", _unnamed_is(HeadingKind.PAGE_TITLE), _introduction),
)
"""Headings: the first rule that applies decides; an unexplained heading waits as a topic."""


# --- item rules --------------------------------------------------------------------------------


def _numbered_register(block: Block) -> bool:
    """An item that reads as a register heading: "2) Hallinnon tietovaranto"."""
    return (
        block.label is None
        and lexicon.classify_heading(block.text).kind is HeadingKind.REGISTER
        and len(block.text.split()) <= MAX_LIST_ITEM_WORDS
    )


def _register_heading_item(reader: Reader, block: Block) -> bool:
    # "2) Hallinnon tietovaranto" followed by its description: a numbered heading, not a
    # list; "1. Opiskelijahallinto" followed by "Tietojärjestelmät: …" too
    if not _numbered_register(block):
        return (
            block.numbered
            and block.label is None
            and reader.section is None
            and len(block.text.split()) <= MAX_LIST_ITEM_WORDS // 2
            and reader.role_of_unnamed(reader.index) is HeadingKind.REGISTER
        )
    after = reader.following()
    if not after or after[0].kind is Kind.ITEM:
        return False
    if reader.section is Section.REGISTERS:
        # in a list of registers only a numbered one with its own paragraph below
        return block.numbered and after[0].kind is Kind.PARAGRAPH
    if reader.section in (Section.DATA_GROUPS, Section.SYSTEMS):
        # after a list of data groups or systems only when it is not one of them
        before = reader.blocks[reader.index - 1] if reader.index else None
        return before is None or before.kind is not Kind.ITEM or before.numbered != block.numbered
    return True


def _item_opens_register(reader: Reader, block: Block) -> None:
    title = lexicon.HEADING_NUMBER.sub("", block.text).strip()
    reader.open_register(At(title, (block.line,)), 0)


def _lead_in_item(reader: Reader, block: Block) -> bool:
    # "• Keskeiset tietoaineistot:" with the list indented below it
    return block.text.endswith(":") and lexicon.section_of(block.text) is not None


def _item_opens_section(reader: Reader, block: Block) -> None:
    reader.open_section(lexicon.section_of(block.text), Source.LABEL)


def _system_under_data_area(reader: Reader, block: Block) -> bool:
    # "• Oppilashallinto" with "– Primus" indented below it: the system of that data area
    if reader.section is not Section.DATA_GROUPS or block.level <= reader.group_level:
        return False
    named = known_system(block.text) or lexicon.SYSTEM_WORD.match(block.text)
    return bool(reader.group_level and (reader.nested_systems or named))


def _system_of_data_area(reader: Reader, block: Block) -> None:
    register = reader.register
    area = None
    if register is not None and register.data_groups:
        area = register.data_groups[-1].value
    elif reader.level().data_groups:
        area = reader.level().data_groups[-1].value
    system = reader.add_system(register, block.text, block.line, 0)
    if area and not system.description:
        system.description = area


def _in_section(section: Section) -> Callable[[Reader, Block], bool]:
    return lambda reader, _: reader.section is section


def _data_group_item(reader: Reader, block: Block) -> None:
    reader.group_level = block.level
    reader.add_data_group(reader.register, block.text, block.line)


def _system_item(reader: Reader, block: Block) -> None:
    reader.add_system(reader.register, block.text, block.line, block.level)


def _criteria_item(reader: Reader, block: Block) -> None:
    # one criterion per item: joined with "; " so that the statement reads as a list
    reader.criteria(block.text, block.line, "; ")


def _registers_listed(reader: Reader, block: Block) -> bool:
    return reader.section is Section.REGISTERS or (
        reader.section is None and reader.register is None
    )


def _register_item(reader: Reader, block: Block) -> None:
    label, value = block.label or block.text, block.value
    if not reader.register_item(block, label, value):
        reader.unplaced(block)


ITEM_RULES: tuple[Rule[Block], ...] = (
    Rule("a numbered register heading", _register_heading_item, _item_opens_register),
    Rule("a lead-in item", _lead_in_item, _item_opens_section),
    Rule("a system under a data area", _system_under_data_area, _system_of_data_area),
    Rule("a data group", _in_section(Section.DATA_GROUPS), _data_group_item),
    Rule("a system", _in_section(Section.SYSTEMS), _system_item),
    Rule("a search criterion", _in_section(Section.SEARCH), _criteria_item),
    Rule("a register in a list of registers", _registers_listed, _register_item),
)
"""List items: the first rule that applies decides; otherwise the item is read as prose."""


# --- table rows --------------------------------------------------------------------------------


def _header_row(reader: Reader, block: Block) -> bool:
    return _columns(block.cells) is not None


def _columns(cells: tuple[str, ...]) -> list[Section | None] | None:
    """The sections a header row's cells name, when its first names the register."""
    if len(cells) < 2:
        return None
    first_cell = cells[0].strip(" :").lower()
    names_register = bool(
        _BARE_LABEL.match(first_cell)
        or lexicon.is_register_word(first_cell.split()[-1] if first_cell.split() else "")
        or first_cell in ("nimi", "namn", "tietovaranto / rekisteri")
    )
    sections = [lexicon.section_of(cell) for cell in cells[1:]]
    if not names_register or not any(sections):
        return None
    return [None, *sections]


def _read_header(reader: Reader, block: Block) -> None:
    columns = _columns(block.cells)
    reader.table = columns
    if columns is None:
        reader.unplaced(block)


def _register_row(reader: Reader, block: Block) -> bool:
    return reader.table is not None and len(block.cells) >= 2


def _read_register_row(reader: Reader, block: Block) -> None:
    columns = reader.table or []
    title = block.cells[0].strip()
    if not title:
        reader.unplaced(block)
        return
    reader.section = None
    register = reader.new_register(At(title, (block.line,)), None, Source.LABEL)
    reader.register = register
    for section, cell in zip(columns[1:], block.cells[1:], strict=False):
        if not cell.strip():
            continue
        if section is None:
            register.description = joined(register.description, cell, block.line)
            continue
        reader.section_source = Source.LABEL
        reader.apply(section, Block(Kind.PARAGRAPH, cell, block.line, label="", value=cell), cell)


def _two_cells(reader: Reader, block: Block) -> bool:
    return len(block.cells) == 2


def _label_row(reader: Reader, block: Block) -> None:
    label, value = block.cells
    as_field = Block(
        Kind.PARAGRAPH,
        f"{label}: {value}",
        block.line,
        label=label,
        value=value,
        anchors=block.anchors,
    )
    if not reader.field(as_field, label, value):
        reader.paragraph(as_field)


ROW_RULES: tuple[Rule[Block], ...] = (
    Rule("a header row naming register columns", _header_row, _read_header),
    Rule("a register's row in a table of registers", _register_row, _read_register_row),
    Rule("a two-cell row: label and value", _two_cells, _label_row),
)
"""Table rows (HTML tables, or tab-separated lines copied from one)."""


# --- sentence rules ----------------------------------------------------------------------------


def _cross_reference(reader: Reader, block: Block) -> bool:
    return bool(lexicon.CROSS_REFERENCE.match(block.text))


def _has_links(reader: Reader, block: Block) -> bool:
    linked = block.anchors or anchors_in(block.text)
    return bool(linked) and Section.API not in lexicon.sentence_sections(block.text)


def _says(section: Section, alone: bool = False) -> Callable[[Reader, Block], bool]:
    def applies(reader: Reader, block: Block) -> bool:
        says = lexicon.sentence_sections(block.text)
        if alone and Section.SEARCH in says:
            return False
        return section in says

    return applies


def _in_or_says(section: Section) -> Callable[[Reader, Block], bool]:
    return lambda reader, block: (
        reader.section is section or section in (lexicon.sentence_sections(block.text))
    )


def _managed(reader: Reader, block: Block) -> bool:
    managed = lexicon.MANAGED_BY.search(block.text)
    return reader.register is not None and bool(managed and lexicon.names_unit(managed["unit"]))


def _set_managed(reader: Reader, block: Block) -> None:
    register = reader.register
    managed = lexicon.MANAGED_BY.search(block.text)
    assert register is not None and managed is not None
    if register.managed_by is None:
        register.managed_by = At(managed["unit"].strip(), (block.line,))
    register.description = joined(register.description, block.text, block.line)


def _nested(reader: Reader, block: Block) -> bool:
    return bool(lexicon.NESTED_REGISTERS.search(block.text)) and bool(
        reader.register or reader.section is Section.REGISTERS
    )


def _nested_registers(reader: Reader, block: Block) -> None:
    names = enumeration(block.text)
    if not names:  # "Tietovarantoon liittyvät seuraavat rekisterit:" before a list
        reader.open_section(Section.REGISTERS, Source.LABEL)
        return
    for name in names:
        reader.new_register(At(name, (block.line,)), reader.register, Source.LABEL)


def _retention(reader: Reader, block: Block) -> bool:
    return reader.register is not None and bool(
        lexicon.TASK_CLASS.search(block.text) or lexicon.RETENTION.search(block.text)
    )


def _has_contact(reader: Reader, block: Block) -> bool:
    text = block.text
    return bool(lexicon.email_in(text) or lexicon.PHONE.search(text))


def _contact(reader: Reader, block: Block) -> None:
    reader.contact(block.text, block.line)


def _listed(reader: Reader, block: Block) -> bool:
    return reader.section in (Section.DATA_GROUPS, Section.SYSTEMS)


def _names_systems(reader: Reader, block: Block) -> bool:
    return bool(systems_in_prose(block.text, reader.draft.language))


def _systems_and_prose(reader: Reader, block: Block) -> None:
    # "Asiakirjat tallennetaan Tweb -asianhallintajärjestelmään.": the system, and the
    # sentence itself as the register's description
    reader.prose_systems(block, systems_in_prose(block.text, reader.draft.language))
    reader.prose(block)


def _page_intro(reader: Reader, block: Block) -> bool:
    return (
        reader.register is None
        and reader.unit is None
        and bool(lexicon.PAGE_TITLE.search(block.text))
        and not lexicon.sentence_sections(block.text)
    )


def _intro(reader: Reader, block: Block) -> None:
    # what the law asks of every authority, in the page's opening: not the page's own
    # registers, so no mention is taken from it
    reader.draft.introduction.append(At(block.text, (block.line,)))


def _lead_in_sentence(reader: Reader, block: Block) -> bool:
    # "Asioiden keskeiset hakutekijät ovat seuraavat:" before a list of criteria
    section = lexicon.lead_in_section(block.text)
    after = reader.following()
    return (
        block.text.endswith(":")
        and section in (Section.SEARCH, Section.DATA_GROUPS, Section.SYSTEMS)
        and bool(after)
        and after[0].kind is Kind.ITEM
    )


def _open_lead_in(reader: Reader, block: Block) -> None:
    section = lexicon.lead_in_section(block.text)
    reader.open_section(section, Source.LABEL)
    if section is Section.SEARCH:
        reader.criteria(block.text, block.line)


SENTENCE_RULES: tuple[Rule[Block], ...] = (
    Rule("a cross-reference", _cross_reference, lambda r, b: r.cross_reference(b, None)),
    Rule("a lead-in to a list", _lead_in_sentence, _open_lead_in),
    Rule("links", _has_links, lambda r, b: r.links(b, None)),
    Rule("contact details", _has_contact, lambda r, b: _contact(r, b)),
    # A sentence about the API is the API statement wherever it stands (it must not be
    # glued into the search criteria above it)
    Rule("an API statement", _says(Section.API, alone=True), lambda r, b: r.api(b.text, b.line)),
    Rule("search criteria", _in_or_says(Section.SEARCH), lambda r, b: r.criteria(b.text, b.line)),
    Rule("under an API heading", _in_or_says(Section.API), lambda r, b: r.api(b.text, b.line)),
    Rule(
        "a secrecy statement", _in_or_says(Section.SECRECY), lambda r, b: r.secrecy(b.text, b.line)
    ),
    Rule("a managing unit", _managed, _set_managed),
    Rule("nested registers", _nested, _nested_registers),
    Rule(
        "retention or task class",
        _retention,
        lambda r, b: r.retention(r.register, b.text, b.line) if r.register else None,
    ),
    Rule(
        "a list written as prose",
        _listed,
        lambda r, b: r.listed_in_prose(b, r.section or Section.DATA_GROUPS),
    ),
    Rule(
        "the disclosure authority",
        lambda r, b: r.section is Section.DISCLOSURE,
        lambda r, b: r.authority(b.text, b.line),
    ),
    Rule("a line under a links heading", lambda r, b: r.section is Section.LINKS, Reader.unplaced),
    Rule("the page's introduction", _page_intro, _intro),
    Rule("systems named in prose", _names_systems, _systems_and_prose),
)
"""Sentences: the first rule that applies decides; otherwise the sentence is prose."""


# --- section handlers (labelled values) ----------------------------------------------------------


def _description(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is None:
        reader.unplaced(block)
        return
    register.description = joined(register.description, value, block.line)


def _registers_value(reader: Reader, block: Block, value: str) -> None:
    for name in split_list(value):
        reader.new_register(At(name, (block.line,)), reader.register, Source.LABEL)


def _data_groups_value(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is not None:
        register.sources.setdefault("data_groups", Source.LABEL)
    for item in split_list(value):
        reader.add_data_group(register, item, block.line)


def _systems_value(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is not None:
        register.sources.setdefault("systems", Source.LABEL)
    for item in split_list(value):
        reader.add_system(register, item, block.line, 0)


def _retention_value(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is None:
        reader.unplaced(block)
        return
    register.retention = joined(register.retention, value.strip(" ."), block.line, "; ")


def _task_class_value(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is None or register.task_class is not None:
        reader.unplaced(block)
        return
    code = re.search(r"\d{1,2}(?:\.\d{1,2}){1,3}", value)
    register.task_class = At(code.group() if code else value, (block.line,))


def _managed_value(reader: Reader, block: Block, value: str) -> None:
    register = reader.register
    if register is None or register.managed_by is not None:
        reader.unplaced(block)
        return
    register.managed_by = At(value.strip(" ."), (block.line,))


def _search_value(reader: Reader, block: Block, value: str) -> None:
    owner = reader.owner()
    if isinstance(owner, RegisterDraft):
        owner.sources.setdefault("search_criteria", Source.LABEL)
    reader.criteria(block.text, block.line)


def _api_value(reader: Reader, block: Block, value: str) -> None:
    if reader.register is not None:
        reader.register.sources.setdefault("api", Source.LABEL)
    reader.api(block.text, block.line)


SECTION_HANDLERS: dict[Section, Callable[[Reader, Block, str], None]] = {
    Section.SEARCH: _search_value,
    Section.API: _api_value,
    Section.SECRECY: lambda r, b, v: r.secrecy(b.text, b.line),
    Section.PURPOSE: lambda r, b, v: r.purpose(v, b.line),
    Section.DISCLOSURE: lambda r, b, v: r.authority(v, b.line),
    Section.LINKS: lambda r, b, v: r.links(b, b.label),
    Section.REGISTERS: _registers_value,
    Section.DATA_GROUPS: _data_groups_value,
    Section.SYSTEMS: _systems_value,
    Section.RETENTION: _retention_value,
    Section.TASK_CLASS: _task_class_value,
    Section.MANAGED_BY: _managed_value,
    Section.DESCRIPTION: _description,
}
"""'Label: value' by the section the label names (one handler per section)."""


# --- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"(?<!\bsis)(?<!\besim)(?<!\bmm)(?<!\bks)(?<!\bns)(?<!\bmom)(?<!\bk)(?<!\bnro)(?<!\bex)"
    r"(?<!\bbl\.a)(?<!\binkl)(?<!\bpuh)(?<!\bp)(?<!\btfn)(?<=[.!?])\s+(?=[A-ZÅÄÖ])"
)


def _sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text.count("(", 0, match.start()) == text.count(")", 0, match.start()):
            sentences.append(text[start : match.start()])
            start = match.end()
    sentences.append(text[start:])
    return [s for s in sentences if s]


def _states_something(sentence: str) -> bool:
    managed = lexicon.MANAGED_BY.search(sentence)
    return bool(
        lexicon.CROSS_REFERENCE.match(sentence)
        or anchors_in(sentence)
        or lexicon.sentence_sections(sentence)
        or (managed and lexicon.names_unit(managed["unit"]))
        or lexicon.NESTED_REGISTERS.search(sentence)
        or lexicon.TASK_CLASS.search(sentence)
        or lexicon.RETENTION.search(sentence)
        or lexicon.email_in(sentence)
        or lexicon.PHONE.search(sentence)
    )


def chunks(block: Block) -> list[Block]:
    """A paragraph cut before and after each sentence that states something of its own."""
    sentences = _sentences(block.text)
    if len(sentences) < 2 or block.label is not None:
        return [block]
    groups: list[list[str]] = []
    for sentence in sentences:
        if groups and not _states_something(sentence) and not _states_something(groups[-1][-1]):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    if len(groups) == 1:
        return [block]
    result = []
    for group in groups:
        text = " ".join(group)
        anchors = tuple(a for a in block.anchors if a.text in text or a.href in text)
        result.append(Block(Kind.PARAGRAPH, text, block.line, anchors=anchors))
    return result


_INNER_LABEL = re.compile(r"(?<=[.;])\s+(?=(?P<label>[A-ZÅÄÖ][^:.;]{2,60}):\s)")


def split_fields(block: Block) -> list[Block]:
    """A line holding several fields ("Käyttötarkoitus: … . Tietojärjestelmät: Edlevo.
    Hakutekijät: …"), cut before each label that names a section."""
    cuts = [
        match.end()
        for match in _INNER_LABEL.finditer(block.text)
        if lexicon.section_of(match["label"]) is not None
    ]
    if not cuts:
        return [block]
    pieces, start = [], 0
    for cut in [*cuts, len(block.text)]:
        text = block.text[start:cut].strip()
        start = cut
        if text:
            anchors = tuple(a for a in block.anchors if a.text in text or a.href in text)
            pieces.append(
                labelled(block.kind, text, block.line, block.level, block.numbered, anchors)
            )
    return pieces


def recognise(page: Page, draft: Draft, skip_line: int | None = None) -> Draft:
    """Fill a draft from a page's blocks, then settle what registers inherit and move.

    Registers move to the unit that manages them; a register only pointing elsewhere
    becomes its unit's cross-reference; a nested register without a purpose of its own
    takes its resource's; what a unit or the organisation states for all registers
    (secrecy, search criteria, links) is given to each register that lacks it.  A page
    that names no register but describes one in prose (systems, data groups, search
    criteria) gets one register, titled by the register it names ("Pohjois-Savon liiton
    asiarekisteri") or by the plain word, and marked as a guess.
    """
    reader = Reader(page, draft, skip_line)
    reader.run()
    draft.furniture.extend(At(text, (line,)) for line, text in page.furniture)
    _settle(reader)
    return draft


REGISTER_WORD = {"fi": "Asiarekisteri", "sv": "Ärenderegister"}


def _levels(draft: Draft) -> list[UnitDefaults]:
    return [draft.organisation_level, *(unit.own for unit in draft.units)]


def _has_register_content(level: UnitDefaults) -> bool:
    criteria = level.criteria is not None and bool(level.criteria.concepts)
    return bool(level.systems or level.data_groups or criteria)


def _synthesise(reader: Reader) -> None:
    """One register for a prose-only page, from what its units or organisation state."""
    draft = reader.draft
    if any(unit.registers for unit in draft.units):
        return
    content = any(_has_register_content(level) for level in _levels(draft))
    if not content and draft.defined is None:
        return
    if draft.defined is not None:
        title, purpose = draft.defined
    else:
        title = draft.mentions[0] if draft.mentions else At(REGISTER_WORD[draft.language], ())
        purpose = None
    title = At(title.value[:1].upper() + title.value[1:], title.lines)
    unit = next((u for u in draft.units if _has_register_content(u.own)), None)
    reader.unit = unit
    register = reader.new_register(title, None, Source.GUESS)
    reader.unit = None
    if purpose is not None:
        register.purpose = purpose
        register.sources["purpose"] = Source.GUESS
        _take_back(draft, purpose)
    for level in _levels(draft):
        register.systems.extend(level.systems)
        register.data_groups.extend(level.data_groups)
        level.systems, level.data_groups = [], []
    for field, present in (("systems", register.systems), ("data_groups", register.data_groups)):
        if present:
            register.sources[field] = Source.GUESS


def _take_back(draft: Draft, sentence: At[str]) -> None:
    """A sentence now a register's purpose is no longer unplaced nor a unit's purpose."""
    draft.unplaced = [u for u in draft.unplaced if u.value != sentence.value]
    for level in _levels(draft):
        if level.purpose is not None and level.purpose.value == sentence.value:
            level.purpose = None


def _settle(reader: Reader) -> None:  # noqa: C901 - one ordered list of end-of-page rules
    """Once the page is read: place what waited for the whole page, in a fixed order."""
    draft = reader.draft
    _synthesise(reader)
    for level in _levels(draft):
        # Lists read where no register was open, on a page that has registers: placed nowhere
        for system in level.systems:
            draft.unplaced.append(At(system.wording or system.name.value, system.name.lines))
        draft.unplaced.extend(level.data_groups)
        level.systems, level.data_groups = [], []
    for unit in list(draft.units):
        for register in list(unit.registers):
            if register.managed_by is not None:
                name = register.managed_by.value
                target = reader.find_unit(name) or reader.add_unit(
                    At(name[:1].upper() + name[1:], register.managed_by.lines)
                )
                if target is not unit:
                    unit.registers.remove(register)
                    target.registers.append(register)
            reference = register.cross_reference
            if reference is not None:
                unit.cross_references.append(reference)
                if not register.has_content():
                    unit.registers.remove(register)
    present = {id(register) for unit in draft.units for register in unit.registers}
    for unit in draft.units:
        for register in unit.registers:
            if register.parent is not None and id(register.parent) not in present:
                register.parent = None
    for unit in draft.units:
        for register in unit.registers:
            parent = register.parent
            while register.purpose is None and parent is not None:
                register.purpose, parent = parent.purpose, parent.parent
    organisation = draft.organisation_level
    for unit in draft.units:
        if unit.own.purpose is None:
            unit.own.purpose = organisation.purpose
        for register in unit.registers:
            for level in (unit.own, organisation):
                _inherit(register, level)


def _inherit(register: RegisterDraft, level: UnitDefaults) -> None:
    if register.secrecy is None and level.secrecy is not None:
        register.secrecy = level.secrecy
    if register.criteria is None and level.criteria is not None:
        register.criteria = level.criteria
        register.sources.setdefault("search_criteria", Source.GUESS)
    register.links.extend(link for link in level.links if link not in register.links)
