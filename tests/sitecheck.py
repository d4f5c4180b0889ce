"""Reading generated pages in tests: their text blocks, the language of every text, their
links and anchors (the standard library's HTML parser; no browser needed)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "th", "caption"}
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Block:
    """A block element of the page's main content and its whole text."""

    tag: str
    text: str


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang)
        self.blocks: list[tuple[int, Block]] = []
        self.open_blocks: list[tuple[str, list[str], int]] = []
        self.opened = 0
        self.texts: list[tuple[str, str]] = []  # (text, effective language)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.in_main = 0
        self.in_nav = 0
        self.skipping = 0

    def language(self) -> str:
        for _, lang in reversed(self.stack):
            if lang:
                return lang
        return ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag in VOID:
            return
        self.stack.append((tag, values.get("lang")))
        if tag == "main":
            self.in_main += 1
        if tag == "nav":
            self.in_nav += 1
        if tag in ("script", "style", "title"):
            self.skipping += 1
        if tag in BLOCKS and self.in_main and not self.in_nav:
            self.open_blocks.append((tag, [], self.opened))
            self.opened += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == "main":
                self.in_main -= 1
            if open_tag == "nav":
                self.in_nav -= 1
            if open_tag in ("script", "style", "title"):
                self.skipping -= 1
            if open_tag in BLOCKS and self.open_blocks and self.open_blocks[-1][0] == open_tag:
                block_tag, parts, index = self.open_blocks.pop()
                self.blocks.append((index, Block(block_tag, _space("".join(parts)))))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        for _, parts, _ in self.open_blocks:
            parts.append(data)
        if data.strip():
            self.texts.append((_space(data), self.language()))


@dataclass(frozen=True)
class Parsed:
    """What the tests read of one page."""

    blocks: list[Block]
    """The main content's block elements (navigation left out), in the order they open."""
    texts: list[tuple[str, str]]
    """Every text of the body with the language in force there (the nearest lang)."""
    hrefs: list[str]
    ids: set[str]


def parse(html: str) -> Parsed:
    """Read a page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    blocks = [block for _, block in sorted(reader.blocks, key=lambda item: item[0])]
    return Parsed(blocks, reader.texts, reader.hrefs, reader.ids)


def broken_links(root: Path) -> list[str]:
    """Every relative link or anchor in the HTML under a folder that leads nowhere."""
    pages = {path: parse(path.read_text(encoding="utf-8")) for path in root.rglob("*.html")}
    problems = []
    for page, parsed in pages.items():
        for href in parsed.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external: mailto:, tel:, http(s)
            target = page
            if parts.path:
                joined = posixpath.normpath(
                    posixpath.join(page.parent.as_posix(), unquote(parts.path))
                )
                target = Path(joined)
            if not target.is_file():
                problems.append(f"{page.relative_to(root)}: {href}: no such file")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids:
                    problems.append(f"{page.relative_to(root)}: {href}: no such anchor")
    return problems
