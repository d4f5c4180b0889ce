"""Suggest EU data themes and YSO subjects for a register from the words of its description.

The table is data (resources/suggestions.yaml); suggestions go to `suggested_themes` and
`suggested_subjects`, never to `themes` / `subjects`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from dcatgen.importer.draft import At


@dataclass(frozen=True)
class Rule:
    """Keyword stems and the themes and subjects they suggest."""

    stems: tuple[str, ...]
    themes: tuple[str, ...]
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """A suggested code and the stem and source lines that suggested it."""

    code: str
    stem: str
    lines: tuple[int, ...]


@cache
def rules() -> tuple[Rule, ...]:
    """The suggestion table, in file order."""
    source = resources.files("dcatgen").joinpath("resources/suggestions.yaml")
    rows = yaml.safe_load(source.read_text(encoding="utf-8"))
    return tuple(
        Rule(
            tuple(str(stem).lower() for stem in row["stems"]),
            tuple(row["themes"]),
            tuple(row["subjects"]),
        )
        for row in rows
    )


def suggest(texts: list[At[str]]) -> tuple[list[Suggestion], list[Suggestion]]:
    """Themes and subjects suggested by texts, each once, in table order."""
    themes: dict[str, Suggestion] = {}
    subjects: dict[str, Suggestion] = {}
    for rule in rules():
        for stem in rule.stems:
            lines = tuple(
                line for text in texts if stem in text.value.lower() for line in text.lines
            )
            if not lines:
                continue
            for code in rule.themes:
                themes.setdefault(code, Suggestion(code, stem, lines))
            for code in rule.subjects:
                subjects.setdefault(code, Suggestion(code, stem, lines))
            break
    return list(themes.values()), list(subjects.values())
