"""benchmarks/import_corpus.py: the real pages beside the repository, and the report itself.

The real pages (../shared/reference/real-pages, with expectations.json) are read from
there, never copied; without them the real-page test is skipped, saying so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from benchmarks.import_corpus import PageResult, main, measure_page, run, table, totals

from tests.conftest import ROOT

REAL_PAGES = ROOT.parent / "shared" / "reference" / "real-pages"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
COMMAND = [sys.executable, "-m", "dcatgen"]


def test_real_pages_all_right(tmp_path: Path) -> None:
    """Every real page imports and builds with its registers' titles, recall at least 85 %."""
    if not (REAL_PAGES / "expectations.json").is_file():
        pytest.skip(f"{REAL_PAGES} is absent (shared/ is not beside the repository)")
    results = run(REAL_PAGES, tmp_path, COMMAND)
    assert len(results) >= 8
    wrong = [(r.page, r.exit_code, r.message) for r in results if not r.right]
    assert wrong == []
    assert totals(results).recall >= 0.85
    assert not any(r.traceback for r in results)


def test_one_fixture_page_measured(tmp_path: Path) -> None:
    """A page's figures: exit code, build, titles and literals found in the catalog."""
    expected = json.loads((FIXTURES / "expectations.json").read_text(encoding="utf-8"))
    page = FIXTURES / "fi_prose_only.txt"
    result = measure_page(page, expected[page.name], tmp_path, COMMAND)
    assert (result.exit_code, result.builds, result.right) == (0, True, True)
    assert result.titles_found == ["Asiarekisteri"]
    assert result.literals_found == expected[page.name]["literals"]  # e-mail as mailto: too


def test_report_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Totals, the printed table and --json, on a corpus of two pages (one refused)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        (FIXTURES / "fi_table_copied.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (corpus / "menu.txt").write_text("Tervetuloa!\n", encoding="utf-8")
    expectations = {
        "good.txt": {
            "titles": ["Teknisen toimen tietovaranto"],
            "literals": ["Trimble Locus", "not on the page"],
            "organisation": "Esimerkin kunta",
        },
        "menu.txt": {"titles": [], "literals": [], "no_registers_ok": True},
    }
    (corpus / "expectations.json").write_text(json.dumps(expectations), encoding="utf-8")
    out = tmp_path / "figures.json"
    code = main([str(corpus), "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "total: 2 of 2 pages right, 1 build, 1 refused, 0 tracebacks" in printed
    assert "literals missing: not on the page" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["totals"]["recall"] == 0.5
    assert [page["page"] for page in figures["pages"]] == ["good.txt", "menu.txt"]


def test_a_wrong_page_is_reported() -> None:
    """A page that does not build is not right, and the table says what is missing."""
    result = PageResult(
        page="p.txt",
        exit_code=3,
        traceback=False,
        written=True,
        builds=False,
        registers=0,
        unplaced=2,
        titles_expected=["A"],
        titles_found=[],
        literals_expected=["x"],
        literals_found=[],
        no_registers_ok=False,
        message="nothing written: fix the violations above, or use --force",
    )
    lines = table([result])
    assert "titles missing: A" in "\n".join(lines)
    assert totals([result]).right == 0


def _literals(triples: list[tuple[str, str, str]]) -> list[str]:
    """The text of every literal, and the address of every mailto:/tel: IRI, lower case."""
    found = []
    for _, _, obj in triples:
        if obj.startswith('"'):
            found.append(obj[1 : obj.rindex('"')].lower())
        elif obj.startswith(("<mailto:", "<tel:")):
            found.append(obj[1:-1].split(":", 1)[1].lower())
    return found


@pytest.mark.parametrize(
    "page",
    sorted(json.loads((FIXTURES / "expectations.json").read_text(encoding="utf-8"))),
)
def test_every_fixture_meets_its_expectations(page: str, tmp_path: Path) -> None:
    """In process, for every fixture: it builds, with its titles and its strings in the catalog."""
    from dcatgen.build.catalog import check, make_catalog
    from dcatgen.importer import import_source

    expected = json.loads((FIXTURES / "expectations.json").read_text(encoding="utf-8"))[page]
    result = import_source(str(FIXTURES / page), organisation=expected["organisation"])
    target = tmp_path / "page.yaml"
    target.write_text(result.yaml, encoding="utf-8")
    catalog = make_catalog(target)
    assert check(catalog).conforms
    titles = {
        register.title[result.description.language]
        for _, register in result.description.registers()
    }
    assert set(expected["titles"]) <= titles
    literals = _literals(catalog.triples)
    missing = [t for t in expected["literals"] if not any(t.lower() in lit for lit in literals)]
    assert missing == []
