"""Run an import: page text → blocks → draft → YAML, checked by loading it back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from dcatgen.errors import InputError
from dcatgen.importer.blocks import Kind, Page, clean
from dcatgen.importer.draft import At, Draft, fill_placeholders
from dcatgen.importer.emit import emit, is_http_url
from dcatgen.importer.fetch import MAX_BYTES, TIMEOUT, Document, fail, read_page
from dcatgen.importer.html import read_html
from dcatgen.importer.lexicon import detect_language, organisation_kind
from dcatgen.importer.morphology import morphology
from dcatgen.importer.recognise import recognise
from dcatgen.importer.text import read_text
from dcatgen.mapping.tables import slug
from dcatgen.model.description import Description, Register
from dcatgen.model.load import parse_text

BASE_IRI = "https://w3id.org/dcatgen/id/{slug}/"
UNNAMED = {"fi": "Nimeämätön organisaatio", "sv": "Namnlös organisation"}
"""The organisation's name when neither --organisation nor the page gives it: a marked
placeholder (the page is still imported; exit 3 says something needs doing)."""
UNNAMED_NOTE = (
    "the page does not name its organisation: write its name at organisation.name "
    "(or import again with --organisation NAME)"
)
_SEGMENTS = re.compile(r"\s+[-–—|]\s+|:\s+")
_SUMMARY_SKIPPED = frozenset({"id", "kind", "title"})


@dataclass(frozen=True)
class ImportResult:
    """The imported description: its YAML text, the model it loads as, what was left over."""

    yaml: str
    description: Description
    source: str
    unplaced: tuple[str, ...]
    furniture: int
    confidence: dict[str, dict[str, str]] = field(default_factory=dict)
    """Register id → field → how it was found: heading, label, known-system or guess."""

    def summary(self) -> list[str]:
        """Lines for people: registers found, fields filled per register, unplaced lines."""
        description = self.description
        registers = description.registers()
        references = sum(len(unit.cross_references) for unit in description.units)
        lines = [
            f"{self.source} ({description.language}): {len(registers)} register"
            f"{'s' if len(registers) != 1 else ''} in {len(description.units)} unit"
            f"{'s' if len(description.units) != 1 else ''}, {references} cross-reference"
            f"{'s' if references != 1 else ''}"
        ]
        for _, register in registers:
            lines.append(f"  {register.id}: {register.title[description.language]}")
            lines.append(f"    {', '.join(filled_fields(register)) or '(title only)'}")
            sure = self.confidence.get(register.id)
            if sure:
                found = "; ".join(f"{name} {how}" for name, how in sure.items())
                lines.append(f"    sure: {found}")
        if self.furniture:
            lines.append(f"page furniture skipped: {self.furniture} lines (listed in the file)")
        lines.append(f"unplaced: {len(self.unplaced)} line{'s' if len(self.unplaced) != 1 else ''}")
        lines.extend(f"  {text}" for text in self.unplaced)
        return lines


def filled_fields(register: Register) -> list[str]:
    """The fields a register has, with the number of items in lists."""
    names = []
    for name in type(register).model_fields:
        if name in _SUMMARY_SKIPPED or name not in register.model_fields_set:
            continue
        value = getattr(register, name)
        names.append(f"{name} ({len(value)})" if isinstance(value, tuple) else name)
    return names


def find_organisation(page: Page) -> tuple[At[str], int | None] | None:
    """The organisation a page names in its title or first headings, and that heading's line."""
    candidates: list[tuple[str, int | None]] = []
    if page.title:
        candidates.append((page.title, None))
    candidates.extend((b.text, b.line) for b in page.blocks[:6] if b.kind is Kind.HEADING)
    for text, line in candidates:
        for segment in _SEGMENTS.split(text):
            segment = segment.strip(" .,")
            if 1 <= len(segment.split()) <= 6 and organisation_kind(segment) is not None:
                whole = line if segment == text.strip() else None
                if segment.isupper():  # "ESIMERKIN KOULUTUSKUNTAYHTYMÄ"
                    segment = segment.capitalize()
                return At(segment, (line,) if line else ()), whole
    for block in page.blocks[:PROSE_BLOCKS]:
        if block.kind is Kind.HEADING:
            continue
        named = organisation_in_prose(block.text)
        if named is not None:
            return At(named, (block.line,)), None
    return None


PROSE_BLOCKS = 12
"""How far into a page its prose is searched for the organisation's name."""
_NAME_IN_PROSE = re.compile(r"(?P<modifiers>(?:[A-ZÅÄÖ][\w-]*\s+){1,3})(?P<head>[a-zåäö]+)")


def organisation_in_prose(text: str) -> str | None:
    """The organisation a sentence names: "Savonlinnan kaupungin on …" → Savonlinnan kaupunki.

    Capitalised words before a word whose base form names a kind of authority (kunta,
    kaupunki, kuntayhtymä, hyvinvointialue, liitto, stad …), in any case: the head goes back
    to the nominative (by Voikko, or as written when it already is).
    """
    for match in _NAME_IN_PROSE.finditer(text):
        head = match["head"]
        nominative = head if organisation_kind(head) is not None else None
        if nominative is None:
            base = morphology().base_form(head)
            analysis = morphology().analyse(head)
            if base is not None and not analysis.plural and organisation_kind(base) is not None:
                nominative = base
        if nominative is None:
            continue
        modifiers = match["modifiers"].split()
        # a name is genitives ("Pohjois-Savon", "Närpes"): a sentence's first word
        # ("Lisäksi Helsingin kaupungissa …") is not part of it
        while modifiers and not modifiers[0].endswith(("n", "s")):
            modifiers = modifiers[1:]
        if modifiers:
            return " ".join([*modifiers, nominative])
    return None


def _base_iri(value: str) -> str:
    base = value if value.endswith("/") else value + "/"
    if not is_http_url(base):
        raise fail(f"--base-iri {value!r} is not an http(s) IRI, e.g. {BASE_IRI}")
    return base


def import_text(
    text: str,
    *,
    html: bool,
    source: str = "text",
    organisation: str | None = None,
    base_iri: str | None = None,
    language: str | None = None,
    base_url: str | None = None,
) -> ImportResult:
    """Import a page's text (plain or HTML) into a description."""
    page = read_html(text) if html else read_text(text)
    if not page.blocks:
        raise fail(f"{source}: nothing to import: no text besides page furniture")
    if language not in (None, "fi", "sv"):
        raise fail(f"--lang {language!r}: use fi or sv")
    language = language or detect_language(" ".join(block.text for block in page.blocks))
    found = find_organisation(page)
    skip_line = found[1] if found else None
    if organisation is not None and clean(organisation):
        name = At(clean(organisation), ())
        if found is None or found[0].value != name.value:
            skip_line = None
    elif found is not None:
        name = found[0]
    else:
        # Not a reason to refuse the page: a marked placeholder, reported as unplaced
        name = At(UNNAMED[language], ())
    kind = organisation_kind(name.value)
    named = name.value != UNNAMED[language]
    identity = slug(name.value) if named else slug(Path(source).stem)
    draft = Draft(
        language=language,
        organisation=name,
        organisation_kind=At(kind, name.lines) if kind is not None else None,
        base_iri=_base_iri(base_iri or BASE_IRI.format(slug=identity)),
    )
    if not named:
        draft.unplaced.append(At(UNNAMED_NOTE, ()))
    recognise(page, draft, skip_line)
    if not any(unit.registers or unit.cross_references for unit in draft.units):
        raise fail(
            f"{source}: nothing recognisable as a §28 description: no register or information "
            "resource headings (e.g. '… tietovaranto', '… asiarekisteri', 'Informationslager "
            "för …') and no 'Tietoaineistot' / 'Tietojärjestelmät' / 'Hakutekijät' sections"
        )
    fill_placeholders(draft)
    emitted = emit(draft, source, base_url or page.base_url, named)
    try:
        loaded = parse_text(emitted.text, Path(source))
    except InputError as error:  # pragma: no cover - a bug in emit, reported as bad input
        problems = "; ".join(str(problem) for problem in error.problems)
        message = f"{source}: the importer wrote a description that does not load: {problems}"
        raise fail(message) from error
    return ImportResult(
        emitted.text,
        loaded.description,
        source,
        tuple(emitted.unplaced),
        len(draft.furniture),
        emitted.confidence,
    )


def import_source(
    source: str,
    *,
    organisation: str | None = None,
    base_iri: str | None = None,
    language: str | None = None,
    stdin: BinaryIO | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> ImportResult:
    """Import a .txt or .html file, an http(s) URL, or '-' (standard input)."""
    document: Document = read_page(source, stdin, timeout, max_bytes)
    return import_text(
        document.text,
        html=document.html,
        source=document.name,
        organisation=organisation,
        base_iri=base_iri,
        language=language,
        base_url=document.url,
    )
