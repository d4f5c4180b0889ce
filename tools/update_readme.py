"""Regenerate the README's CLI reference from each command's --help.

Usage: python tools/update_readme.py  (the test suite fails when the README is stale)
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from dcatgen.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def reference() -> str:
    """The CLI reference section: one heading and help block per command."""
    parts = [START]
    for name in sorted(main.commands):  # type: ignore[attr-defined]
        help_text = (
            CliRunner()
            .invoke(main, [name, "--help"], terminal_width=100, prog_name="dcatgen")
            .stdout
        )
        parts.append(f"### dcatgen {name}\n\n```text\n{help_text.strip()}\n```\n")
    parts.append(END)
    return "\n".join(parts)


def main_() -> None:
    """Rewrite the section between the markers."""
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    README.write_text(pattern.sub(lambda _: reference(), text), encoding="utf-8")


if __name__ == "__main__":
    main_()
