"""`dcatgen validate`'s report: grouped by kind with counts, §28 gaps first, positions in
JSON too, filters, and consistent wording (issue 16)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from dcatgen.cli import main
from tests.conftest import DATA

ONE_REGISTER = """\
organisation:
  id: yksi
  name: Yhden rekisterin kunta
  kind: municipality
  base_iri: https://example.org/yksi/
units:
  - id: hallinto
    name: Hallinto
    registers:
      - id: asiat
        kind: case-register
        title: Asianhallinnan asiarekisteri
        purpose: Asioiden käsittely.
"""


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_json_findings_carry_their_position_and_kind() -> None:
    """ "position": null on every finding, while the text had the line; now both have it."""
    code, output = _validate(str(DATA), "--format", "json")
    assert code == 0
    findings = json.loads(output)["findings"]
    registers = [f for f in findings if f["register"]]
    assert registers and all(f["position"] and f["position"]["line"] > 1 for f in registers)
    assert {f["kind"] for f in findings} == {"s28", "dcat", "vocabulary"}
    gaps = [f for f in findings if f["kind"] == "s28"]
    assert len(gaps) == 5 and all(f["path"] == "dg:disclosureAuthority" for f in gaps)
    assert sum(f["expected"] for f in findings) == 19  # release dates: the change ledger


def test_text_groups_by_kind_with_counts_and_s28_first() -> None:
    """36 warnings on the seed: each kind once, §28 gaps first, the 19 expected ones last (the
    change ledger gives the catalog's release dates DCAT-AP recommends)."""
    code, output = _validate(str(DATA))
    assert code == 0
    headings = [line for line in output.splitlines() if not line.startswith(" ")]
    assert headings == [
        "§28 gaps: 5 warnings",
        "DCAT-AP: 12 warnings",
        "expected for every §28 description (nothing to fix): 19 warnings",
        "5 registers: conforms: 0 violations, 36 warnings, 0 infos",
    ]
    assert "  warning ×5: §28 item 2 missing" in output
    assert "data/mynamaki.yaml:96:9: register kirjastopalvelut: " in output
    assert len(output.splitlines()) < 36  # grouped: fewer lines than findings


def test_only_and_max_per_kind_narrow_the_report() -> None:
    """--only s28 shows the §28 gaps alone; --max-per-kind bounds the places per kind."""
    code, output = _validate(str(DATA), "--only", "s28", "--max-per-kind", "2")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "§28 gaps: 5 warnings"
    assert sum(1 for line in lines if line.startswith("    ") and "mynamaki.yaml:" in line) == 2
    assert "    … and 3 more" in lines
    assert not any(line.startswith(("DCAT-AP", "expected")) for line in lines)
    _, counts_only = _validate(str(DATA), "--max-per-kind", "0")
    assert not any(line.startswith("    ") for line in counts_only.splitlines())
    code, as_json = _validate(str(DATA), "--only", "dcat", "--format", "json")
    assert {f["kind"] for f in json.loads(as_json)["findings"]} == {"dcat"}


def test_one_register_is_singular(tmp_path: Path) -> None:
    """'1 registers' → '1 register', in validate and build."""
    path = tmp_path / "one.yaml"
    path.write_text(ONE_REGISTER, encoding="utf-8")
    _, output = _validate(str(path))
    assert re.search(r"^1 register: ", output, re.M), output
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out")])
    assert ", 1 register, " in result.output and "1 registers" not in result.output


def test_turtle_report_has_no_made_up_prefixes() -> None:
    """rdflib's 'default2:' for DCAT-AP's shape namespace is gone."""
    _, output = _validate(str(DATA), "--format", "turtle")
    assert "@prefix dcatapshapes: <http://data.europa.eu/r5r#> ." in output
    assert not re.search(r"@prefix (default|ns)\d+:", output)


def test_errors_are_lower_case_and_bugs_are_one_line_unless_traceback(tmp_path: Path) -> None:
    """'Error:' (click) and 'error:' (ours) were mixed; an unexpected exception is one line
    naming --traceback, and --traceback shows the traceback."""
    result = CliRunner().invoke(main, ["build", "--no-such-option"])
    assert result.exit_code == 2 and "error: No such option" in result.output
    assert "Error:" not in result.output
    broken = tmp_path / "x.yaml"
    broken.write_text("organisation: [\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_build_warns_about_the_placeholder_iri_space(tmp_path: Path) -> None:
    """The unregistered https://w3id.org/dcatgen/ space is named at build time; a real base
    IRI draws no such warning."""
    result = CliRunner().invoke(main, ["build", str(DATA), "-o", str(tmp_path / "a")])
    assert "warning: base_iri https://w3id.org/dcatgen/id/mynamaki/ is dcatgen's placeholder" in (
        result.output
    )
    own = tmp_path / "own.yaml"
    own.write_text(ONE_REGISTER, encoding="utf-8")  # base_iri https://example.org/yksi/
    result = CliRunner().invoke(main, ["build", str(own), "-o", str(tmp_path / "b")])
    assert "placeholder" not in result.output
