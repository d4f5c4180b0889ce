"""Recognise: blocks → a draft description (units, registers, their sections), in one pass.

The reader keeps a small state: the current unit, the current register, and the section a
sub-heading opened.  Each block is placed where that state says, or kept as unplaced.
Statements made for a whole unit or organisation are inherited by its registers when the
draft is finished.
"""

from __future__ import annotations

import re

from dcatgen.importer import lexicon
from dcatgen.importer.blocks import Block, Kind, Page
from dcatgen.importer.draft import (
    ApiDraft,
    At,
    CriteriaDraft,
    CrossReferenceDraft,
    Draft,
    Inherited,
    LinkDraft,
    RegisterDraft,
    SecrecyDraft,
    SystemDraft,
    UnitDraft,
    joined,
)
from dcatgen.importer.lexicon import HeadingKind, Section
from dcatgen.importer.phrases import enumeration, parse_system, split_list, unit_name
from dcatgen.importer.text import anchors_in, without_urls
from dcatgen.model import Availability, RegisterKind

RESOURCE = RegisterKind.INFORMATION_RESOURCE
PHYSICAL_KEYWORD = {"fi": "fyysinen tietovaranto", "sv": "fysiskt informationslager"}
MAX_LIST_ITEM_WORDS = 12
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


def _key(text: str) -> str:
    return " ".join(text.lower().split())


class Reader:
    """Reads a page's blocks into a draft."""

    def __init__(self, page: Page, draft: Draft, skip_line: int | None = None) -> None:
        self.blocks = page.blocks
        self.draft = draft
        self.skip_line = skip_line
        self.unit: UnitDraft | None = None
        self.register: RegisterDraft | None = None
        self.section: Section | None = None
        self.section_owner: RegisterDraft | None = None
        self.topic: Block | None = None
        self.physical: At[str] | None = None
        self.system_level = 0
        self.unexplained = False

    # --- where things go ------------------------------------------------------------------

    def unplaced(self, block: Block, text: str | None = None) -> None:
        """Keep a block the reader could not place."""
        self.draft.unplaced.append(At(text or block.text, (block.line,)))

    def level(self) -> Inherited:
        """What the current unit (or, before any unit, the organisation) states."""
        return self.unit.own if self.unit is not None else self.draft.organisation_level

    def owner(self) -> RegisterDraft | Inherited:
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

    # --- the pass -------------------------------------------------------------------------

    def run(self) -> None:
        """Read every block."""
        for index, block in enumerate(self.blocks):
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
        found = lexicon.classify_heading(block.text)
        at = At(block.text, (block.line,))
        if found.kind is HeadingKind.PAGE_TITLE:
            self.draft.introduction.append(at)
        elif found.kind is HeadingKind.UNIT:
            self.open_unit(block)
        elif found.kind is HeadingKind.REGISTER:
            self.open_register(at, block.level)
        elif found.kind is HeadingKind.CONTAINER:
            resource = self.register if self.register and self.register.kind is RESOURCE else None
            if resource is not None and len(block.text.split()) == 1:
                self.open_section(Section.REGISTERS)  # "Rekisterit" under a resource
                return
            self.register, self.section_owner = None, None
            self.section = Section.REGISTERS
            self.physical = at if found.physical else None
        elif found.kind is HeadingKind.SUBSECTION:
            assert found.register_title is not None
            if self.register is None or _key(self.register.title.value) != _key(
                found.register_title
            ):
                self.open_register(At(found.register_title, (block.line,)), block.level)
            self.open_section(found.section)
        elif found.kind is HeadingKind.SECTION:
            self.open_section(found.section)
            if found.section is Section.API and lexicon.availability(block.text) is not None:
                self.api(block.text, block.line)
        elif (role := self.role_of_unnamed(index)) is HeadingKind.REGISTER:
            self.open_register(at, block.level)
        elif role is HeadingKind.UNIT:
            self.open_unit(block)
        else:
            self.topic = block

    def open_section(self, section: Section | None) -> None:
        """Later blocks belong to this section of the current register (or unit)."""
        self.section, self.section_owner = section, self.register
        self.system_level = 0

    def role_of_unnamed(self, index: int) -> HeadingKind | None:
        """What a heading without telling words is, judged by what follows it.

        A register when sections only a register has follow (data groups, systems, search
        criteria); a unit when registers follow (headings, or "Name: purpose" items).
        """
        following = self.blocks[index + 1 :]
        for position, block in enumerate(following):
            if block.kind is Kind.HEADING:
                found = lexicon.classify_heading(block.text)
                if found.kind in (HeadingKind.REGISTER, HeadingKind.CONTAINER):
                    return HeadingKind.UNIT
                if found.kind is HeadingKind.SUBSECTION:
                    return HeadingKind.UNIT
                if found.kind is not HeadingKind.SECTION:
                    return None
                if found.section in lexicon.REGISTER_CONTENT:
                    return HeadingKind.REGISTER
            elif lexicon.CROSS_REFERENCE.match(block.text):
                return None
            elif block.label and lexicon.section_of(block.label) in lexicon.REGISTER_CONTENT:
                return HeadingKind.REGISTER
            elif block.kind is Kind.ITEM:
                items = [b for b in following[position:] if b.kind is not Kind.HEADING]
                named = all(b.kind is Kind.ITEM and b.value for b in items[:3])
                return HeadingKind.UNIT if position == 0 and named else None
        return None

    def open_unit(self, block: Block) -> None:
        """A unit heading: later registers belong to this unit."""
        name = unit_name(block.text)
        heading = At(block.text, (block.line,)) if name != block.text else None
        unit = self.find_unit(name)
        if unit is None:
            unit = self.add_unit(At(name, (block.line,)), heading)
        elif unit.heading is None:
            unit.heading = heading
        self.unit, self.register, self.section, self.section_owner = unit, None, None, None
        self.physical = None

    def open_register(
        self, title: At[str], level: int, parent: RegisterDraft | None = None
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
        register = self.new_register(title, parent)
        register.level = level
        self.register, self.section, self.section_owner = register, None, None
        return register

    def new_register(self, title: At[str], parent: RegisterDraft | None) -> RegisterDraft:
        """A register added to the current unit."""
        register = RegisterDraft(title, lexicon.register_kind(title.value), parent=parent)
        if self.physical is not None or lexicon.PHYSICAL.search(title.value):
            lines = self.physical.lines if self.physical is not None else title.lines
            register.keywords.append(At(PHYSICAL_KEYWORD[self.draft.language], lines))
        self.ensure_unit().registers.append(register)
        return register

    # --- content ------------------------------------------------------------------------

    def content(self, block: Block) -> None:
        """A paragraph or list item, placed by the current section and what it says."""
        if self.topic is not None:
            if lexicon.CROSS_REFERENCE.match(block.text):
                topic, self.topic = self.topic, None
                self.cross_reference(block, At(topic.text, (topic.line,)))
                return
            self.drop_topic()
        if self.unexplained:
            self.unplaced(block)
            return
        in_list = block.kind is Kind.ITEM and self.section in (
            Section.DATA_GROUPS,
            Section.SYSTEMS,
        )
        labelled = block.label is not None and block.value is not None and not in_list
        if labelled and self.field(block, block.label or "", block.value or ""):
            return
        if block.kind is Kind.ITEM:
            self.item(block)
        else:
            self.paragraph(block)

    def field(self, block: Block, label: str, value: str) -> bool:
        """'Label: value': True when the label names a register, a unit or a section."""
        found = lexicon.classify_heading(label)
        if _BARE_LABEL.match(label):
            self.open_register(At(value, (block.line,)), 0)
            return True
        if found.kind is HeadingKind.REGISTER:
            return self.register_item(block, label, value)
        if found.kind is HeadingKind.UNIT and lexicon.section_of(label) is None:
            if self.register is not None:
                return self.apply(Section.MANAGED_BY, block, value)
            self.open_unit(Block(Kind.HEADING, value, block.line))
            return True
        section = found.section if found.kind is HeadingKind.SECTION else None
        if section is None:
            return False
        return self.apply(section, block, value)

    def apply(self, section: Section, block: Block, value: str) -> bool:
        """A labelled value for one section."""
        line, register = block.line, self.register
        if section is Section.SEARCH:
            self.criteria(block.text, line)
        elif section is Section.API:
            self.api(block.text, line)
        elif section is Section.SECRECY:
            self.secrecy(block.text, line)
        elif section is Section.PURPOSE:
            self.purpose(value, line)
        elif section is Section.DISCLOSURE:
            self.authority(value, line)
        elif section is Section.LINKS:
            self.links(block, block.label)
        elif register is None and section is Section.REGISTERS:
            for name in split_list(value):
                self.new_register(At(name, (line,)), None)
        elif register is None:
            self.unplaced(block)
        elif section is Section.DATA_GROUPS:
            register.data_groups.extend(At(item, (line,)) for item in split_list(value))
        elif section is Section.SYSTEMS:
            for item in split_list(value):
                self.add_system(register, item, line, 0)
        elif section is Section.RETENTION:
            register.retention = joined(register.retention, value.strip(" ."), line, "; ")
        elif section is Section.TASK_CLASS:
            code = re.search(r"\d{1,2}(?:\.\d{1,2}){1,3}", value)
            if register.task_class is None:
                register.task_class = At(code.group() if code else value, (line,))
            else:
                self.unplaced(block)
        elif section is Section.MANAGED_BY:
            if register.managed_by is None:
                register.managed_by = At(value.strip(" ."), (line,))
            else:
                self.unplaced(block)
        elif section is Section.REGISTERS:
            for name in split_list(value):
                self.new_register(At(name, (line,)), register)
        else:
            register.description = joined(register.description, value, line)
        return True

    def item(self, block: Block) -> None:
        """A list item, by the section it is in."""
        section, register = self.section, self.register
        if section is Section.DATA_GROUPS and register is not None:
            register.data_groups.append(At(block.text, (block.line,)))
        elif section is Section.SYSTEMS and register is not None:
            self.add_system(register, block.text, block.line, block.level)
        elif section is Section.REGISTERS or (section is None and register is None):
            label, value = block.label or block.text, block.value
            if not self.register_item(block, label, value):
                self.unplaced(block)
        elif section in (None, Section.DATA_GROUPS, Section.SYSTEMS):
            self.unplaced(block)
        else:
            self.paragraph(block)

    def register_item(self, block: Block, title: str, purpose: str | None) -> bool:
        """'Name: purpose' (or a bare register name) listed under a unit or a resource."""
        listed = self.section is Section.REGISTERS
        if not listed and purpose is None and not lexicon.is_register_word(title.split()[-1]):
            return False
        parent = self.section_owner if listed else None
        if not listed and self.register is not None:
            return False
        register = self.new_register(At(title, (block.line,)), parent)
        if purpose:
            register.purpose = At(purpose, (block.line,))
        self.section = Section.REGISTERS
        return True

    def paragraph(self, block: Block) -> None:
        """A paragraph: its statement sentences placed one by one, the rest together."""
        for chunk in chunks(block):
            self.sentence(chunk)

    def sentence(self, block: Block) -> None:
        """A sentence: placed by what it says, else by the section it is in."""
        text, line, section, register = block.text, block.line, self.section, self.register
        says = lexicon.sentence_sections(text)
        managed = lexicon.MANAGED_BY.search(text)
        if lexicon.CROSS_REFERENCE.match(text):
            self.cross_reference(block, None)
        elif (block.anchors or anchors_in(text)) and Section.API not in says:
            self.links(block, None)
        elif section is Section.SEARCH or Section.SEARCH in says:
            self.criteria(text, line)
        elif section is Section.API or Section.API in says:
            self.api(text, line)
        elif section is Section.SECRECY or Section.SECRECY in says:
            self.secrecy(text, line)
        elif register is not None and managed and lexicon.names_unit(managed["unit"]):
            if register.managed_by is None:
                register.managed_by = At(managed["unit"].strip(), (line,))
            register.description = joined(register.description, text, line)
        elif lexicon.NESTED_REGISTERS.search(text) and (register or section is Section.REGISTERS):
            for name in enumeration(text):
                self.new_register(At(name, (line,)), register)
        elif register is not None and (
            lexicon.TASK_CLASS.search(text) or lexicon.RETENTION.search(text)
        ):
            self.retention(register, text, line)
        elif section in (Section.DATA_GROUPS, Section.SYSTEMS):
            self.listed_in_prose(block, section)
        elif section is Section.DISCLOSURE:
            self.authority(text, line)
        elif section is Section.LINKS:
            self.unplaced(block)
        elif register is None and self.unit is None and lexicon.PAGE_TITLE.search(text):
            self.draft.introduction.append(At(text, (line,)))
        else:
            self.prose(block)

    def prose(self, block: Block) -> None:
        """Free text: a register's purpose, then its description; a unit's purpose."""
        text, line, register = block.text, block.line, self.register
        if register is not None:
            if register.purpose is None or self.section is Section.PURPOSE:
                register.purpose = joined(register.purpose, text, line)
            else:
                register.description = joined(register.description, text, line)
            return
        level = self.level()
        if level.purpose is None or self.section is Section.PURPOSE:
            level.purpose = joined(level.purpose, text, line)
        else:
            self.unplaced(block)

    def listed_in_prose(self, block: Block, section: Section) -> None:
        """'Tietovarannossa on a, b ja c.' under a data-group or system heading."""
        items = enumeration(block.text)
        register = self.register
        if register is None or not items:
            self.unplaced(block)
            return
        if any(len(item.split()) > MAX_LIST_ITEM_WORDS for item in items):
            self.unplaced(block)
            return
        for item in items:
            if section is Section.DATA_GROUPS:
                register.data_groups.append(At(item, (block.line,)))
            else:
                self.add_system(register, item, block.line, 0)

    # --- the things a sentence can state -----------------------------------------------------

    def add_system(self, register: RegisterDraft, text: str, line: int, level: int) -> None:
        """A system line; an item indented under a system is one of its parts."""
        parsed = parse_system(text)
        if level and register.systems and level > self.system_level:
            register.systems[-1].parts.append(At(parsed.name, (line,)))
            return
        self.system_level = level
        register.systems.append(
            SystemDraft(
                At(parsed.name, (line,)),
                [At(part, (line,)) for part in parsed.parts],
                parsed.description,
                parsed.national,
                parsed.wording,
            )
        )

    def purpose(self, text: str, line: int) -> None:
        """A stated purpose, of the register or of the unit / organisation."""
        owner = self.owner()
        owner.purpose = joined(owner.purpose, text, line)

    def criteria(self, text: str, line: int) -> None:
        """Search criteria: the concepts a sentence names, with the sentence."""
        concepts = lexicon.criteria_in(text)
        owner = self.owner()
        if owner.criteria is None:
            owner.criteria = CriteriaDraft(concepts, At(text, (line,)))
            return
        owner.criteria.concepts.extend(c for c in concepts if c not in owner.criteria.concepts)
        owner.criteria.statement = joined(owner.criteria.statement, text, line)

    def api(self, text: str, line: int) -> None:
        """An availability statement; an open one with an address gives a distribution."""
        owner = self.owner()
        statement = joined(owner.api.statement if owner.api else None, text, line)
        value = lexicon.availability(statement.value) or Availability.NOT_STATED
        owner.api = ApiDraft(value, statement)
        if isinstance(owner, RegisterDraft) and value is Availability.OPEN:
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
        """The authority deciding on disclosure (§28 item 2); a second one is unplaced."""
        owner = self.owner()
        if owner.authority is None and text.strip(" ."):
            owner.authority = At(text.strip(" ."), (line,))
        else:
            self.draft.unplaced.append(At(text, (line,)))

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


_SENTENCE_END = re.compile(
    r"(?<!\bsis)(?<!\besim)(?<!\bmm)(?<!\bks)(?<!\bns)(?<!\bmom)(?<!\bk)(?<!\bnro)(?<!\bex)"
    r"(?<!\bbl\.a)(?<!\binkl)(?<=[.!?])\s+(?=[A-ZÅÄÖ])"
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


def recognise(page: Page, draft: Draft, skip_line: int | None = None) -> Draft:
    """Fill a draft from a page's blocks, then settle what registers inherit and move.

    Registers move to the unit that manages them; a register only pointing elsewhere
    becomes its unit's cross-reference; a nested register without a purpose of its own
    takes its resource's; what a unit or the organisation states for all registers
    (secrecy, search criteria, links) is given to each register that lacks it.
    """
    reader = Reader(page, draft, skip_line)
    reader.run()
    draft.furniture.extend(At(text, (line,)) for line, text in page.furniture)
    _settle(reader)
    return draft


def _settle(reader: Reader) -> None:
    draft = reader.draft
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


def _inherit(register: RegisterDraft, level: Inherited) -> None:
    if register.secrecy is None and level.secrecy is not None:
        register.secrecy = level.secrecy
    if register.criteria is None and level.criteria is not None:
        register.criteria = level.criteria
    register.links.extend(link for link in level.links if link not in register.links)
