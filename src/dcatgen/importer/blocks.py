"""Blocks: a page reduced to its structure (headings, list items, paragraphs, label/value rows).

Both readers (plain text and HTML) produce the same blocks, so recognition never needs to
know where a page came from.  Each block keeps the source line it starts on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from dcatgen.importer.lexicon import names_register


class Kind(StrEnum):
    """What a block is in the page's structure."""

    HEADING = "heading"
    ITEM = "item"
    PARAGRAPH = "paragraph"
    ROW = "row"
    """A table row (HTML, or a tab-separated line copied from a table): `cells`."""


@dataclass(frozen=True)
class Anchor:
    """A link found in a block: its text and its target as written."""

    text: str
    href: str


@dataclass(frozen=True)
class Block:
    """One structural piece of a page.

    `label` and `value` are set when the text reads "Label: value" (or comes from a
    two-cell table row or a dt/dd pair); recognition decides whether the label matters.
    `level` is the heading level (1-6, 0 when unknown) or the list nesting depth.
    """

    kind: Kind
    text: str
    line: int
    level: int = 0
    numbered: bool = False
    label: str | None = None
    value: str | None = None
    anchors: tuple[Anchor, ...] = field(default=())
    cells: tuple[str, ...] = ()
    header: bool = False
    """A header row: its cells are <th> (HTML)."""
    lead_in: bool = False
    """A heading that ended with a colon: it introduces what follows ("… seuraavat:")."""


@dataclass(frozen=True)
class Page:
    """A page as blocks, with the lines skipped as page furniture, its title and address.

    `base_url` is the page's own address when it states one (<base>, canonical link), so
    relative links can be resolved.
    """

    blocks: tuple[Block, ...]
    furniture: tuple[tuple[int, str], ...] = ()
    title: str | None = None
    base_url: str | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200d\ud800-\udfff]")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC text on one line: control characters and runs of white space become one space."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


_LABEL = re.compile(r"^(?P<label>[^:]{2,120}?)\s*:\s+(?P<value>\S.*)$")


_DASHED = re.compile(r"^(?P<label>[^–—:]{2,120}?)\s+[–—-]\s+(?P<value>\S.*)$")


def split_label(text: str) -> tuple[str, str] | None:
    """("Label", "value") when a line reads "Label: value", else None.

    "Yleishallinnon tietovaranto – lakisääteisten tehtävien hoitaminen" reads the same way
    when what stands before the dash names a register.
    """
    match = _LABEL.match(text)
    if match is None:
        dashed = _DASHED.match(text)
        if dashed is None or not names_register(dashed["label"]):
            return None
        match = dashed
    if "http" in match["label"].lower():
        return None
    return match["label"].strip(), match["value"].strip()


def labelled(
    kind: Kind,
    text: str,
    line: int,
    level: int = 0,
    numbered: bool = False,
    anchors: tuple[Anchor, ...] = (),
) -> Block:
    """A block whose label and value are split off its text when it reads "Label: value"."""
    pair = split_label(text)
    label, value = pair if pair else (None, None)
    return Block(kind, text, line, level, numbered, label, value, anchors)


_FURNITURE = re.compile(
    r"""^(?:
        siirry\ (?:sisältöön|pääsisältöön|suoraan\ sisältöön)
        |hyppää\ (?:sisältöön|pääsisältöön|valikkoon)
        |siirry\ (?:päävalikkoon|hakuun)|gå\ (?:direkt\ )?till\ (?:innehåll(?:et)?|huvudinnehållet)
        |hoppa\ till\ (?:innehåll(?:et)?|huvudinnehållet)|skip\ to\ (?:main\ )?content
        |tekstin\ koko|tekstikoko|fonttikoko|kirjasinkoko|textstorlek|fontstorlek|text\ size
        |(?:a[-+]?\s*){2,3}|sivukartta|webbplatskarta|sitemap|site\ map
        |tulosta(?:\ sivu)?|skriv\ ut|print|jaa(?:\ sivu)?|dela(?:\ sidan)?|share
        |(?:palaa|takaisin)\ (?:ylös|sivun\ alkuun|alkuun)|till\ (?:början|toppen)|back\ to\ top
        |etusivu|framsida|startsida|hem|home|valikko|meny|menu|haku|hae|sök|search|suomeksi
        |på\ svenska|in\ english|suomi|svenska|english|fi|sv|en
        |evästeet|evästeasetukset|kakor|cookies|saavutettavuusseloste|tillgänglighetsutlåtande
        |tietosuoja\ ja\ evästeet|palaute|anna\ palautetta|ge\ respons|feedback
        |(?:sivua?\ )?(?:päivitetty|muokattu|julkaistu)\b.*
        |(?:senast\ )?(?:uppdaterad|publicerad)\b.*
        |©.*|\(c\)\ .*|copyright\b.*|kaikki\ oikeudet\ pidätetään.*|alla\ rättigheter\ förbehållna.*
        |[\W_]+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BREADCRUMB = re.compile(r"^(?:[^>›»|]{1,60}\s[>›»|]\s){1,}[^>›»|]{1,80}$")


def is_furniture(text: str) -> bool:
    """Whether a line is page furniture: skip links, text-size widgets, breadcrumbs, footers."""
    if _FURNITURE.match(text):
        return True
    return bool(_BREADCRUMB.match(text)) and text.lower().startswith(
        ("etusivu", "framsida", "startsida", "koti", "hem", "home")
    )
