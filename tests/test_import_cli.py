"""`dcatgen import`: exit codes, messages, the written file and what validate says of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dcatgen.cli import main
from dcatgen.model.load import load_file
from tests.conftest import ROOT

SEED = ROOT.parent / "shared" / "seeds" / "mynamaki-kasvatus-ja-sivistys.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
WITH_UNPLACED = """Hallinto-osasto

Asianhallinnan asiarekisteri

Rekisteriin kirjataan kunnan asiat ja päätökset.

Tietoaineistot
1. Päätökset

Tietojärjestelmät
1. Dynasty

Muuta
Kirjaamo on avoinna arkisin kello 9-15.
"""


def invoke(*args: str, input: str | bytes | None = None) -> tuple[int, str]:
    """Run the command; exit code and everything it printed."""
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside the repository")
def test_seed_exit_0_with_summary(tmp_path: Path) -> None:
    """Everything placed: exit 0, registers and fields per register listed."""
    out = tmp_path / "data" / "mynamaki.yaml"
    code, output = invoke("import", str(SEED), "-o", str(out), "--organisation", "Mynämäen kunta")
    assert code == 0, output
    assert "mynamaki-kasvatus-ja-sivistys.txt (fi): 5 registers in 1 unit, 1 cross-reference" in (
        output
    )
    assert "  kirjastopalvelut: Kirjastopalveluiden asiarekisteri" in output
    assert "    purpose, data_groups (5), systems (1), search_criteria," in output
    assert "unplaced: 0 lines" in output
    assert f"wrote {out}" in output
    description = load_file(out).description
    assert len(description.registers()) == 5


def test_unplaced_lines_exit_3_and_file_still_written(tmp_path: Path) -> None:
    """Something unplaced: exit 3, the lines named with their numbers, the file written."""
    page, out = tmp_path / "page.txt", tmp_path / "out.yaml"
    page.write_text(WITH_UNPLACED, encoding="utf-8")
    code, output = invoke("import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta")
    assert code == 3, output
    assert "unplaced: 2 lines" in output
    assert "  line 13: Muuta" in output
    assert "  line 14: Kirjaamo on avoinna arkisin kello 9-15." in output
    assert "2 lines left unplaced" in output
    assert load_file(out).description.unplaced == (
        "line 13: Muuta",
        "line 14: Kirjaamo on avoinna arkisin kello 9-15.",
    )


def test_validate_reports_unplaced_lines_as_warnings(tmp_path: Path) -> None:
    """The written file validates; its unplaced lines are warnings, not violations."""
    page, out = tmp_path / "page.txt", tmp_path / "out.yaml"
    page.write_text(WITH_UNPLACED, encoding="utf-8")
    invoke("import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta")
    code, output = invoke("validate", str(out), "--severity", "warning")
    assert code == 0, output
    assert "could not place this text: 'line 13: Muuta'" in output


def test_every_fixture_builds_without_edits(tmp_path: Path) -> None:
    """The written descriptions build into conforming catalogs with no edits."""
    data = tmp_path / "data"
    for path in sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html")):
        out = str(data / f"{path.stem}.yaml")
        invoke("import", str(path), "-o", out, "--organisation", f"Kunta {path.stem}")
    code, output = invoke("build", str(data), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert "validation: conforms" in output


def test_nothing_recognisable_exit_2(tmp_path: Path) -> None:
    """A page with nothing §28 in it: a clear message, exit 2, no file, no traceback."""
    page, out = tmp_path / "menu.txt", tmp_path / "out.yaml"
    page.write_text("Tervetuloa kirjastoon!\n\nAukioloajat ma-pe 9-18.\n", encoding="utf-8")
    code, output = invoke("import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta")
    assert code == 2
    assert "nothing recognisable as a §28 description" in output
    assert "Traceback" not in output and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-page.txt"], "no-such-page.txt: no such file"),
        (["ftp://example.org/page"], "only http:// and https:// addresses"),
        (["--base-iri", "not an iri"], "is not an http(s) IRI"),
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    """Unusable sources and options: exit 2 with a message that says what to do."""
    page = tmp_path / "page.txt"
    page.write_text(WITH_UNPLACED, encoding="utf-8")
    source = [] if not args[0].startswith("--") else [str(page)]
    code, output = invoke(
        "import", *source, *args, "-o", str(tmp_path / "o.yaml"), "--organisation", "X"
    )
    assert code == 2, output
    assert message in output


def test_organisation_placeholder_when_the_page_does_not_name_it(tmp_path: Path) -> None:
    """No --organisation and no name on the page: imported all the same, with a marked
    placeholder name; exit 3 and the unplaced note say how to give it; the file builds."""
    page, out = tmp_path / "page.txt", tmp_path / "data" / "o.yaml"
    page.write_text(WITH_UNPLACED, encoding="utf-8")
    code, output = invoke("import", str(page), "-o", str(out))
    assert code == 3
    assert "the page does not name its organisation" in output
    assert "(or import again with --organisation NAME)" in output
    text = out.read_text(encoding="utf-8")
    assert "name: Nimeämätön organisaatio  # placeholder: not on the page" in text
    assert "base_iri: https://w3id.org/dcatgen/id/page/" in text
    code, output = invoke("build", str(out.parent), "-o", str(tmp_path / "out"))
    assert code == 0, output


def test_standard_input_and_options(tmp_path: Path) -> None:
    """'-' reads standard input; --base-iri and --lang are used as given."""
    out = tmp_path / "out.yaml"
    page = (FIXTURES / "sv_inline_fields.txt").read_bytes()
    code, output = invoke(
        "import",
        "-",
        "-o",
        str(out),
        "--organisation",
        "Exempelstad",
        "--base-iri",
        "https://data.exempel.fi/id",
        "--lang",
        "sv",
        input=page,
    )
    assert code == 0, output
    assert "standard input (sv): 1 register in 1 unit" in output
    description = load_file(out).description
    assert str(description.organisation.base_iri) == "https://data.exempel.fi/id/"
    assert description.organisation.name == {"sv": "Exempelstad"}
    assert description.language == "sv"


def test_same_page_same_bytes(tmp_path: Path) -> None:
    """Importing is deterministic."""
    source = str(FIXTURES / "fi_resources_prose.txt")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    invoke("import", source, "-o", str(first), "--organisation", "Esimerkin kunta")
    invoke("import", source, "-o", str(second), "--organisation", "Esimerkin kunta")
    assert first.read_bytes() == second.read_bytes()


def test_help_has_an_example() -> None:
    """The command is documented with an example."""
    code, output = invoke("import", "--help")
    assert code == 0
    assert "Example: dcatgen import" in output
    assert "3 when something was left unplaced" in output


def test_existing_output_is_refused_without_force(tmp_path: Path) -> None:
    """-o onto an existing (perhaps curated) file: exit 2, file untouched; --force overwrites."""
    page, out = tmp_path / "page.txt", tmp_path / "out.yaml"
    page.write_text(WITH_UNPLACED, encoding="utf-8")
    out.write_text("# curated by hand\n", encoding="utf-8")
    code, output = invoke("import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta")
    assert code == 2
    assert f"{out} exists: give another -o, or --force to overwrite it" in output
    assert out.read_text(encoding="utf-8") == "# curated by hand\n"
    code, output = invoke(
        "import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta", "--force"
    )
    assert code == 3, output
    assert load_file(out).description.units


def test_title_only_register_gets_a_marked_placeholder(tmp_path: Path) -> None:
    """A register with nothing but its title: a placeholder description, and the file builds."""
    page, out = tmp_path / "page.txt", tmp_path / "data" / "out.yaml"
    page.write_text("Hallinto-osasto\n\nArkistorekisteri\n", encoding="utf-8")
    code, output = invoke("import", str(page), "-o", str(out), "--organisation", "Esimerkin kunta")
    assert code == 0, output
    assert "# placeholder: the page gives no purpose" in out.read_text(encoding="utf-8")
    code, output = invoke("build", str(out.parent), "-o", str(tmp_path / "out"))
    assert code == 0, output
    code, output = invoke("validate", str(out), "--severity", "info")
    assert "purpose (käyttötarkoitus) missing" in output
