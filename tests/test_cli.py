"""The CLI: exit codes, messages, files written atomically, documented commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from dcatgen.cli import main
from tests.conftest import DATA, FIXTURES, ROOT


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_four_files_and_prints_a_summary(tmp_path: Path) -> None:
    """build: 0 on success; registers, triples, findings and every file written."""
    code, out, _ = _run("build", str(DATA), "-o", str(tmp_path))
    assert code == 0
    assert "1 description, 5 registers, " in out
    assert re.search(r"validation: conforms: 0 violations, \d+ warnings", out)
    for extension in ("ttl", "jsonld", "rdf", "nt"):
        assert f"wrote {tmp_path / ('catalog.' + extension)}" in out
        assert (tmp_path / f"catalog.{extension}").stat().st_size > 1000
    generations = list(tmp_path.glob(".catalog.gen-*"))
    assert len(generations) == 1, "temporary files left behind"
    assert not list(tmp_path.glob(".*.link")), "temporary links left behind"


def test_build_refuses_on_violations_and_keeps_old_files(tmp_path: Path) -> None:
    """build: exit 1 and nothing written on violations; --force writes anyway."""
    (tmp_path / "catalog.ttl").write_text("old", encoding="utf-8")
    code, out, err = _run(
        "build", str(FIXTURES / "broken" / "incomplete.yaml"), "-o", str(tmp_path)
    )
    assert code == 1
    assert "does not conform: 1 violation" in out
    assert "dct:description missing (required by DCAT-AP 3)" in err
    assert "nothing written" in err
    assert (tmp_path / "catalog.ttl").read_text(encoding="utf-8") == "old"
    code, out, _ = _run(
        "build", str(FIXTURES / "broken" / "incomplete.yaml"), "-o", str(tmp_path), "--force"
    )
    assert code == 1
    assert len(Graph().parse(tmp_path / "catalog.ttl")) > 50


def test_build_bad_input_exits_2_with_positions(tmp_path: Path) -> None:
    """build: exit 2, each problem as file:line:column: field: message."""
    bad = FIXTURES / "broken" / "bad-types.yaml"
    code, _, err = _run("build", str(bad), "-o", str(tmp_path))
    assert code == 2
    assert f"error: {bad}:4:3: organisation.kind:" in err
    assert "7 problems in the input; nothing written" in err
    assert not list(tmp_path.iterdir())


def test_build_one_format_and_timings(tmp_path: Path) -> None:
    """--format limits the files; --timings prints each stage."""
    code, out, _ = _run("build", str(DATA), "-o", str(tmp_path), "--format", "turtle", "--timings")
    assert code == 0
    shown = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert shown == ["catalog.ttl", "site"]  # the site is written whatever the formats
    for stage in ("load", "map", "validate", "serialize", "site"):
        assert re.search(rf"^\s+{stage}\s+\d+\.\d+ s$", out, re.M), stage


def test_validate_exit_codes() -> None:
    """validate: 0 conforms (warnings allowed), 1 violations, 2 bad input."""
    assert _run("validate", str(DATA))[0] == 0
    assert _run("validate", str(FIXTURES / "broken" / "incomplete.yaml"))[0] == 1
    assert _run("validate", str(FIXTURES / "broken" / "not-yaml.yaml"))[0] == 2


def test_validate_text_groups_findings_by_kind() -> None:
    """validate: a heading per kind, then each finding's file:line: register: field."""
    code, out, _ = _run("validate", str(DATA), "--severity", "warning")
    assert code == 0
    assert out.startswith("§28 gaps: 5 warnings\n  warning ×5: §28 item 2 missing")
    assert re.search(
        r"\n    data/mynamaki.yaml:\d+:9: register kirjastopalvelut: "
        r"units\[0\]\.registers\[2\]\.disclosure_authority\n",
        out.replace(str(ROOT) + "/", ""),
    )
    assert out.rstrip().endswith("5 registers: conforms: 0 violations, 38 warnings, 0 infos")


def test_validate_json_and_turtle_reports() -> None:
    """validate --format json|turtle gives machine reports."""
    code, out, _ = _run("validate", str(DATA), "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["conforms"] is True and document["violations"] == 0
    code, out, _ = _run(
        "validate", str(FIXTURES / "broken" / "incomplete.yaml"), "--format", "turtle"
    )
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    assert len(report) > 20


def test_schema_matches_the_published_file() -> None:
    """schema/description.schema.json is what `dcatgen schema` prints (regenerate if not)."""
    code, out, _ = _run("schema")
    assert code == 0
    published = (ROOT / "schema" / "description.schema.json").read_text(encoding="utf-8")
    assert json.loads(out) == json.loads(published), "run: dcatgen schema -o schema/..."
    assert "Register" in json.loads(out)["$defs"]


def test_every_command_is_in_the_cli_reference() -> None:
    """Each command's --help is reproduced in docs/cli.md (python tools/update_readme.py)."""
    readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "Usage: main " not in readme  # the program's name, as a user types it
    for name, command in main.commands.items():
        assert f"## dcatgen {name}" in readme, f"docs/cli.md lacks a section for {name}"
        help_text = (
            CliRunner()
            .invoke(main, [name, "--help"], terminal_width=100, prog_name="dcatgen")
            .stdout
        )
        assert help_text.strip() in readme, f"docs/cli.md's help for {name} is stale"
        del command


def test_readme_worked_example_matches_a_real_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's `make run` output is what building data/ prints today."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run("build", str(DATA), "-o", "out")
    assert code == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in out.splitlines():
        assert line in readme, f"README worked example is stale: {line!r}"
