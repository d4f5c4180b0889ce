"""Regenerate the CLI reference (docs/cli.md) from each command's --help, and the CKAN field table
of docs/ckan.md from dcatgen.publish.ckan.fields.ROWS.

Usage: python tools/update_readme.py  (the test suite fails when either is stale)
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from dcatgen.cli import main
from dcatgen.publish.ckan.fields import mapping_table

README = Path(__file__).resolve().parents[1] / "README.md"
CLI_DOCS = README.with_name("docs") / "cli.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"
CKAN_DOCS = README.with_name("docs") / "ckan.md"
FIELDS_START, FIELDS_END = "<!-- ckan-fields:start -->", "<!-- ckan-fields:end -->"


def reference() -> str:
    """The CLI reference section: one heading and help block per command."""
    parts = [START]
    for name in sorted(main.commands):  # type: ignore[attr-defined]
        help_text = (
            CliRunner()
            .invoke(main, [name, "--help"], terminal_width=100, prog_name="dcatgen")
            .stdout
        )
        parts.append(f"## dcatgen {name}\n\n```text\n{help_text.strip()}\n```\n")
    parts.append(END)
    return "\n".join(parts)


def _replace(path: Path, start: str, end: str, section: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    path.write_text(pattern.sub(lambda _: section, text), encoding="utf-8")


def main_() -> None:
    """Rewrite the sections between the markers."""
    _replace(CLI_DOCS, START, END, reference())
    _replace(CKAN_DOCS, FIELDS_START, FIELDS_END, f"{FIELDS_START}\n{mapping_table()}{FIELDS_END}")


if __name__ == "__main__":
    main_()
