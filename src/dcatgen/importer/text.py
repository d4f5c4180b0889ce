"""Read plain text (a page copied from a browser, or typed) into blocks.

A line is a list item when it starts with a number ("1.", "2)") or a bullet (•, -, *, –);
a heading when it is short and does not end a sentence, or ends with a colon, or starts with
Markdown's "#"; otherwise a paragraph.  Indentation of list items gives their nesting.
"""

from __future__ import annotations

import re

from dcatgen.importer.blocks import Anchor, Block, Kind, Page, clean, is_furniture, labelled

_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^(?:[•·▪◦●○■□➢►‣⁃]\s*|[-*–—+]\s+)(?P<text>\S.*)$")
_MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>\S.*?)\s*#*$")
_URL = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")
_SENTENCE_END = (".", "!", "?", ";", ",")
_INNER_SENTENCE_END = re.compile(r"[a-zåäö]{3}[.!?]\s+[A-ZÅÄÖ]")
HEADING_MAX_WORDS = 15


def anchors_in(text: str) -> tuple[Anchor, ...]:
    """Links written out in plain text (their text is the address itself)."""
    return tuple(Anchor(url, url) for url in _URL.findall(text))


def without_urls(text: str) -> str:
    """Text with its written-out addresses removed."""
    return clean(_URL.sub(" ", text)).strip(" :-–()[]")


def list_item(line: str) -> tuple[str, bool] | None:
    """(text, numbered) when a line starts with a number or a bullet, else None."""
    match = _NUMBERED.match(line) or _BULLET.match(line)
    return (match["text"], match.re is _NUMBERED) if match is not None else None


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def read_text(text: str) -> Page:
    """Blocks of a plain-text page; line numbers count from 1 as editors show them."""
    blocks: list[Block] = []
    furniture: list[tuple[int, str]] = []
    indents: list[int] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = clean(raw)
        if not line:
            continue
        if is_furniture(line):
            furniture.append((number, line))
            continue
        cells = [clean(cell) for cell in raw.split("\t")]
        if sum(bool(cell) for cell in cells) >= 2:
            # a row of a table copied from a browser: cells separated by tabs
            indents.clear()
            kept = tuple(cell for cell in cells if cell)
            blocks.append(Block(Kind.ROW, " | ".join(kept), number, cells=kept))
            continue
        item = list_item(line)
        if item is not None:
            indent = _indent(raw)
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            body, numbered = item
            blocks.append(
                labelled(
                    Kind.ITEM,
                    body,
                    number,
                    level=len(indents),
                    numbered=numbered,
                    anchors=anchors_in(body),
                )
            )
            continue
        indents.clear()
        heading = _MARKDOWN_HEADING.match(line)
        if heading is not None:
            blocks.append(Block(Kind.HEADING, heading["text"], number, len(heading["hashes"])))
            continue
        block = labelled(Kind.PARAGRAPH, line, number, anchors=anchors_in(line))
        if block.label is None and not block.anchors and reads_as_heading(line):
            text = line.rstrip(":").strip() or line
            block = Block(Kind.HEADING, text, number, lead_in=line.endswith(":"))
        blocks.append(block)
    return Page(tuple(blocks), tuple(furniture))


def reads_as_heading(line: str) -> bool:
    """Whether a line of plain text is a heading: short and not a sentence, or ends with ':'."""
    if line.endswith(":"):
        return True
    if _INNER_SENTENCE_END.search(line):  # two sentences, the last cut off: not a heading
        return False
    return not line.endswith(_SENTENCE_END) and len(line.split()) <= HEADING_MAX_WORDS
