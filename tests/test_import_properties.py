"""Property tests: no input crashes the importer; what it writes loads, builds, is deterministic.

"Builds" means what `dcatgen build` without --force checks: the catalog has no violation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dcatgen.build.catalog import check, make_catalog
from dcatgen.errors import InputError
from dcatgen.importer import ImportResult, import_text
from dcatgen.model.load import parse_text
from dcatgen.validation.findings import Severity
from tests.conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
REAL_PAGES = ROOT.parent / "shared" / "reference" / "real-pages"

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines in the shapes §28 pages use, mixed with arbitrary text.
TEMPLATES = [
    "Hallinto-osasto",
    "Kasvatus- ja sivistysosaston hallinnoimat tietovarannot ja asiarekisterit",
    "Sivistystoimen tietovarannot ja asiarekisterit",
    "Bildningsavdelningen",
    "Fyysiset tietovarannot",
    "{w} tietovaranto",
    "{w}n asiarekisteri",
    "Informationslager för {w}",
    "{w} tietovarannon kuvaus ja rekisterit",
    "{w} tietovarannon tietoaineistot",
    "Tietoaineistot",
    "Tietojärjestelmät",
    "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
    "Sökvillkor",
    "Käyttötarkoitus: {w}",
    "Rekisterin nimi: {w}",
    "Keskeiset tietojärjestelmät: {w}, {w} (kansallinen) ja {w}",
    "Keskeiset tietoaineistot: {w}, {w}",
    "1. {w}",
    "2. {w} (sis. {w} ja {w}), {w}",
    "• {w}: {w}",
    "- {w}-järjestelmä/{w}",
    "  - {w}",
    "* {w}",
    "Katso {w}-osasto, {w}rekisteri.",
    "Se {w}, {w}.",
    "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä tai {w}.",
    "Tietoaineistot eivät pääsääntöisesti ole saatavilla avoimesti teknisen rajapinnan avulla.",
    "Tiedot ovat saatavilla rajapinnan kautta https://{w}.example/api",
    "Tietosisältö on osittain salassa pidettävää (JulkL 24 § 1 mom. 25 k.).",
    "Tietosuojaseloste: https://example.fi/{w}",
    "Tiedonohjaussuunnitelma: /tos/{w} (tehtäväluokka 10.03.01, säilytysaika pysyvä)",
    "Tehtäväluokka: {w}",
    "Säilytysaika: {w}",
    "Rekisteriä ylläpitää {w} toimiala.",
    "Tietovarantoon kuuluvat rekisterit: {w}, {w}rekisteri.",
    "Siirry sisältöön",
    "{w}.",
    "{w}",
    "",
]

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=12
)
plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÄÖ -:#'\"&*!|>%@`", max_size=10)


@st.composite
def pages(draw: st.DrawFn, word: st.SearchStrategy[str] = plain_words) -> str:
    """A page of template lines filled with words, and some arbitrary lines."""
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        if draw(st.booleans()):
            template = draw(st.sampled_from(TEMPLATES))
            while "{w}" in template:
                template = template.replace("{w}", draw(word) or "x", 1)
            lines.append(template)
        else:
            lines.append(draw(words))
    return "\n".join(lines)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """The same lines wrapped in arbitrary (often unbalanced) HTML."""
    tags = [
        "h1", "h2", "h3", "p", "li", "ul", "ol", "td", "tr", "table", "dt", "dd", "nav", "main",
        "footer", "strong", "a href='/x'", "br", "div class='font-size'", "script",
    ]  # fmt: skip
    parts = ["<html><head><title>", draw(plain_words), " - Esimerkin kunta</title></head><body>"]
    for line in draw(pages()).split("\n"):
        tag = draw(st.sampled_from(tags))
        close = draw(st.booleans())
        parts.append(f"<{tag}>{line}" + (f"</{tag.split()[0]}>" if close else "") + "\n")
    return "".join(parts)


def attempt(text: str, html: bool) -> ImportResult | None:
    """Import; None when the importer says the input is unusable (its only error)."""
    try:
        return import_text(text, html=html, source="page", organisation="Esimerkin kunta")
    except InputError as error:
        assert error.problems and all(p.message for p in error.problems)
        return None


def violations(yaml_text: str) -> list[str]:
    """What `dcatgen build` (no --force) would refuse the written file for."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        report = check(make_catalog(path))
    return [str(f) for f in report.findings if f.severity is Severity.VIOLATION]


def check_output(result: ImportResult | None, text: str, html: bool) -> None:
    """The output loads as the same description and builds; a second import, same bytes."""
    if result is None:
        return
    loaded = parse_text(result.yaml, Path("page.yaml")).description
    assert loaded == result.description
    assert loaded.unplaced == result.unplaced
    assert violations(result.yaml) == []
    again = attempt(text, html)
    assert again is not None and again.yaml == result.yaml


def corpus() -> list[Path]:
    """Every fixture page, and every real page when shared/ is beside the repository."""
    pages = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))
    if REAL_PAGES.is_dir():
        pages += sorted(p for p in REAL_PAGES.iterdir() if p.suffix in (".txt", ".html"))
    return pages


@pytest.mark.parametrize("page", corpus(), ids=lambda path: path.name)
def test_every_fixture_and_real_page_builds(page: Path) -> None:
    """Whatever import writes for a known page, build accepts without --force."""
    text = page.read_text(encoding="utf-8")
    html = page.suffix == ".html"
    for organisation in (None, "Esimerkin kunta"):
        try:
            result = import_text(text, html=html, source=page.name, organisation=organisation)
        except InputError as error:
            assert error.problems and all(p.message for p in error.problems)
            continue
        assert violations(result.yaml) == [], page.name


def test_real_pages_are_in_the_corpus() -> None:
    """Under CI the real pages are beside the repository, so they are never silently missed."""
    if not REAL_PAGES.is_dir():
        pytest.skip(f"{REAL_PAGES} is absent (shared/ is not beside the repository)")
    assert sum(p.parent == REAL_PAGES for p in corpus()) >= 8


@SETTINGS
@given(pages())
def test_text_pages_never_crash_and_always_load(text: str) -> None:
    """Any plain-text page: a description that loads, or a clear InputError."""
    check_output(attempt(text, html=False), text, False)


@SETTINGS
@given(pages(word=words))
def test_arbitrary_words_in_every_field(text: str) -> None:
    """Arbitrary Unicode (control characters, quotes, YAML syntax) inside recognised lines."""
    check_output(attempt(text, html=False), text, False)


@SETTINGS
@given(html_pages())
def test_html_pages_never_crash_and_always_load(text: str) -> None:
    """Any HTML page, balanced or not: a description that loads, or a clear InputError."""
    check_output(attempt(text, html=True), text, True)


@SETTINGS
@given(st.text(max_size=300), st.booleans())
def test_arbitrary_text(text: str, html: bool) -> None:
    """Completely arbitrary input."""
    check_output(attempt(text, html), text, html)
