"""Read an HTML page into blocks, keeping its structure and dropping page furniture.

Headings, list items (with nesting and numbering), paragraphs, two-cell table rows and
dt/dd pairs (as "label: value") and links are kept.  Navigation, headers and footers,
skip links, text-size widgets, site maps, scripts and styles are dropped; when the page
marks its main content (<main> or role="main"), only that is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from dcatgen.importer.blocks import Anchor, Block, Kind, Page, clean, is_furniture, labelled
from dcatgen.importer.text import list_item

HEADINGS = {f"h{level}": level for level in range(1, 7)}
LISTS = frozenset({"ul", "ol"})
BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "li", "ul", "ol", "table", "thead", "tbody",
        "tfoot", "tr", "td", "th", "dl", "dt", "dd", "blockquote", "pre", "figure",
        "figcaption", "address", "details", "summary", "caption", "body", "html", "header",
        *HEADINGS,
    }
)  # fmt: skip
SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form",
        "button", "select", "iframe", "head", "object", "canvas", "dialog", "menu", "math",
    }
)  # fmt: skip
PANELS = frozenset({"div", "section", "article", "details", "dl", "ul", "ol", "table"})
"""Elements that hold a collapsed accordion's content when they are hidden."""
INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "head", "math"})
VOID = frozenset(
    {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
)
FURNITURE_NAMES = frozenset(
    {
        "skip", "skiplink", "skiplinks", "breadcrumb", "breadcrumbs", "nav", "navigation",
        "navbar", "menu", "footer", "sitemap", "share", "sharing", "social", "cookie",
        "cookies", "consent", "fontsize", "textsize", "toolbar", "print", "banner", "sidebar",
        "search", "accessibility", "masthead",
    }
)  # fmt: skip
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
IMPLIED_END: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # a start tag → (the open elements it closes, the elements that stop the search)
    "li": (frozenset({"li"}), LISTS),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "tr": (frozenset({"tr"}), frozenset({"table"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
}
_MAIN = re.compile(r"<main\b|\brole\s*=\s*[\"']?main\b", re.IGNORECASE)
_NAME_PARTS = re.compile(r"[\s_-]+")


def is_disclosure(tag: str, attrs: dict[str, str]) -> bool:
    """An accordion's button: its text is the heading of the panel it opens."""
    if tag != "button":
        return False
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
    return (
        "aria-expanded" in attrs
        or "aria-controls" in attrs
        or any(word in names for word in ("accordion", "toggle", "collapse", "expand"))
    )


def _is_furniture_element(tag: str, attrs: dict[str, str]) -> bool:
    if tag in SKIPPED and not is_disclosure(tag, attrs):
        return True
    hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true"
    if hidden and tag not in PANELS:
        # a collapsed accordion panel is hidden until opened, and still the page's content
        return True
    if attrs.get("role", "").lower() in FURNITURE_ROLES:
        return True
    for token in f"{attrs.get('class', '')} {attrs.get('id', '')}".lower().split():
        parts = {part for part in _NAME_PARTS.split(token) if part}
        if parts & FURNITURE_NAMES or _NAME_PARTS.sub("", token) in FURNITURE_NAMES:
            return True
    return False


_BOLD = frozenset({"b", "strong"})
_CONTAINERS = frozenset({*HEADINGS, "li", "td", "th", "dt", "dd"})


@dataclass
class _Open:
    tag: str
    main: bool = False


@dataclass
class _Text:
    parts: list[str] = field(default_factory=list)
    bold: list[str] = field(default_factory=list)
    line: int = 0
    anchors: list[Anchor] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, only_main: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.only_main = only_main
        self.stack: list[_Open] = []
        # How many of each tag are open, and of main elements: the questions asked for every
        # tag and text ("inside <b>?", "inside main?") are answered without walking the
        # stack, which made 40,000 nested elements take 20 s.
        self.open: dict[str, int] = {}
        self.mains = 0
        self.skip_from: int | None = None
        self.text = _Text()
        self.anchor: tuple[str, list[str]] | None = None
        self.cells: list[str] = []
        self.header_cells = 0
        self.disclosure_depth = 0
        """Depth of an open accordion button, whose text is a heading."""
        self.cell_anchors: list[Anchor] = []
        self.base_url: str | None = None
        self.row_line = 0
        self.term: tuple[str, int] | None = None
        self.blocks: list[Block] = []
        self.furniture: list[tuple[int, str]] = []
        self.title_parts: list[str] | None = None
        self.title: str | None = None

    # --- the element stack --------------------------------------------------------

    def _tags(self) -> list[str]:
        return [element.tag for element in self.stack]

    def _in_main(self) -> bool:
        return not self.only_main or self.mains > 0

    def _inside(self, tags: frozenset[str]) -> bool:
        return any(self.open.get(tag) for tag in tags)

    def _push(self, element: _Open) -> None:
        self.stack.append(element)
        self.open[element.tag] = self.open.get(element.tag, 0) + 1
        self.mains += element.main

    def _pop(self) -> None:
        element = self.stack.pop()
        self.open[element.tag] -= 1
        self.mains -= element.main

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            element = self.stack[-1]
            if element.tag == "a":
                self._end_anchor()
            if element.tag in BLOCKS:
                self._flush()
            if element.tag == "tr":
                self._end_row()
            if element.tag == "button" and len(self.stack) == self.disclosure_depth:
                self._flush()
                self.disclosure_depth = 0
            self._pop()
            if self.skip_from is not None and len(self.stack) <= self.skip_from:
                self.skip_from = None

    def _find(self, tags: frozenset[str], stop: frozenset[str]) -> int | None:
        if not self._inside(tags):
            return None
        for index in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[index].tag
            if tag in tags:
                return index
            if tag in stop:
                return None
        return None

    def _close_implied(self, tag: str) -> None:
        """Close the elements HTML lets authors leave open (p, li, dt/dd, tr, td/th)."""
        if tag in IMPLIED_END:
            index = self._find(*IMPLIED_END[tag])
            if index is not None:
                self._pop_to(index)
        if tag in BLOCKS:
            index = self._find(frozenset({"p"}), BLOCKS - {"p"})
            if index is not None:
                self._pop_to(index)

    # --- parser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "title" and self.title is None:
            self.title_parts = []
        if tag == "base" or (tag == "link" and values.get("rel", "").lower() == "canonical"):
            self.base_url = self.base_url or values.get("href") or None
        if tag == "br":
            self._flush()
            return
        if tag in VOID:
            return
        self._close_implied(tag)
        if tag in BLOCKS:
            self._flush()
        if is_disclosure(tag, values):
            self._flush()
            self.disclosure_depth = len(self.stack) + 1
        main = tag == "main" or values.get("role", "").lower() == "main"
        outside = len(self.stack) - self.open.get("html", 0) - self.open.get("body", 0)
        site_header = tag == "header" and outside == 0
        self._push(_Open(tag, main))
        if self.skip_from is None and (_is_furniture_element(tag, values) or site_header):
            self.skip_from = len(self.stack) - 1
        if tag == "a" and values.get("href"):
            self._end_anchor()
            self.anchor = (values["href"].strip(), [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1].tag == tag:
            self._pop_to(len(self.stack) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = clean("".join(self.title_parts)) or None
            self.title_parts = None
        if tag in VOID or not self.open.get(tag):
            return  # a stray end tag: nothing of that name is open
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                self._pop_to(index)
                return

    def handle_data(self, data: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.skip_from is not None or not self._in_main():
            text = clean(data)
            if text and not self._inside(INVISIBLE):
                self.furniture.append((self.getpos()[0], text))
            return
        if not self.text.parts and data.strip():
            self.text.line = self.getpos()[0]
        self.text.parts.append(data)
        if self._inside(_BOLD):
            self.text.bold.append(data)
        if self.anchor is not None:
            self.anchor[1].append(data)

    # --- blocks -----------------------------------------------------------------------

    def _end_anchor(self) -> None:
        if self.anchor is None:
            return
        href, parts = self.anchor
        self.anchor = None
        text = clean("".join(parts))
        if href.startswith(("#", "javascript:", "mailto:", "tel:")) or not text:
            return
        self.text.anchors.append(Anchor(text, href))

    def _container(self) -> tuple[str, int, bool]:
        if self.disclosure_depth and len(self.stack) >= self.disclosure_depth:
            outer = [HEADINGS[t] for t in self._tags() if t in HEADINGS]
            return "heading", outer[-1] if outer else 0, False
        if not self._inside(_CONTAINERS):
            return "paragraph", 0, False
        tags = self._tags()
        for index in range(len(tags) - 1, -1, -1):
            tag = tags[index]
            if tag in HEADINGS:
                return "heading", HEADINGS[tag], False
            if tag == "li":
                lists = [t for t in tags[:index] if t in LISTS]
                return "item", len(lists), bool(lists) and lists[-1] == "ol"
            if tag in ("td", "th", "dt", "dd"):
                return tag, 0, False
        return "paragraph", 0, False

    def _flush(self) -> None:
        if self.anchor is not None:  # an anchor still open when its block ends belongs to it
            href = self.anchor[0]
            self._end_anchor()
            self.anchor = (href, [])
        current, self.text = self.text, _Text()
        text = clean("".join(current.parts))
        if not text:
            return
        if is_furniture(text):
            self.furniture.append((current.line, text))
            return
        container, level, numbered = self._container()
        anchors = tuple(current.anchors)
        if container in ("td", "th"):
            if not self.cells:
                self.row_line = current.line
            self.cells.append(text)
            self.header_cells += container == "th"
            self.cell_anchors.extend(anchors)
        elif container == "dt":
            self.term = (text, current.line)
        elif container == "dd" and self.term is not None:
            term, line = self.term
            self.term = None
            self.blocks.append(
                Block(Kind.PARAGRAPH, f"{term}: {text}", line, 0, False, term, text, anchors)
            )
        elif container == "heading":
            self.blocks.append(Block(Kind.HEADING, text, current.line, level, anchors=anchors))
        elif container == "item":
            self.blocks.append(labelled(Kind.ITEM, text, current.line, level, numbered, anchors))
        else:
            self._paragraph(text, current, anchors)

    def _paragraph(self, text: str, current: _Text, anchors: tuple[Anchor, ...]) -> None:
        bold = clean("".join(current.bold))
        item = list_item(text)
        if item is not None:
            body, numbered = item
            self.blocks.append(labelled(Kind.ITEM, body, current.line, 1, numbered, anchors))
        elif (bold == text and len(text.split()) <= 15 and not anchors) or (
            text.endswith(":") and len(text.split()) <= 15
        ):
            heading = text.rstrip(":").strip() or text
            lead_in = text.endswith(":")
            self.blocks.append(Block(Kind.HEADING, heading, current.line, lead_in=lead_in))
        else:
            self.blocks.append(labelled(Kind.PARAGRAPH, text, current.line, anchors=anchors))

    def _end_row(self) -> None:
        self._flush()
        cells, self.cells = self.cells, []
        anchors, self.cell_anchors = tuple(self.cell_anchors), []
        header, self.header_cells = self.header_cells, 0
        if not cells:
            return
        if len(cells) == 1:
            self.blocks.append(labelled(Kind.PARAGRAPH, cells[0], self.row_line, anchors=anchors))
            return
        self.blocks.append(
            Block(
                Kind.ROW,
                " | ".join(cells),
                self.row_line,
                anchors=anchors,
                cells=tuple(cells),
                header=header == len(cells),
            )
        )

    def finish(self) -> Page:
        self.close()
        self._pop_to(0)
        self._flush()
        return Page(tuple(self.blocks), tuple(self.furniture), self.title, self.base_url)


def read_html(html: str) -> Page:
    """Blocks of an HTML page; line numbers are lines of the HTML source."""
    reader = _Reader(only_main=bool(_MAIN.search(html)))
    reader.feed(html)
    return reader.finish()
