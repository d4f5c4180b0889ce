"""The HTML reader does constant work per tag: 40,000 nested elements took 20 s (each tag and
each text walked the whole element stack).  Counted in stack walks, not seconds."""

from __future__ import annotations

import pytest

from dcatgen.importer import html


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><main>" + "<div>" * 2000 + "<p>Tietoaineistot</p>" + "</div>" * 2000,
        "<html><body>" + "<span>x" * 2000 + "<b>teksti</b>" + "</span>" * 2000 + "</x>" * 2000,
        "<html><body><header><nav>" + "<div>x</div>" * 2000 + "</nav></header><p>Sisältö</p>",
    ],
    ids=["nested-blocks", "nested-inline-and-stray-ends", "long-furniture"],
)
def test_no_tag_walks_the_element_stack(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """The stack is walked only to place a text inside a list, table or heading."""
    walks = 0
    real = html._Reader._tags

    def counted(self: html._Reader) -> list[str]:
        nonlocal walks
        walks += 1
        return real(self)

    monkeypatch.setattr(html._Reader, "_tags", counted)
    result = html.read_html(page)
    assert walks <= 5, walks
    assert result.blocks or result.furniture  # the text was read, not dropped
