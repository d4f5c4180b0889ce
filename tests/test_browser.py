"""The site in a real browser: Debian's Chromium driven by Playwright (no browser download),
axe-core injected into every page (WCAG 2.1 A/AA and best practices), the Nu HTML checker
(vnu.jar on the local Java) over every page, 390 px without sideways scrolling, screenshots.

Every page of the seed and of a generated 1,000-register build is checked, in one browser
for the session.  What the tests need is installed by `make browser-deps` (Debian chromium,
PyPI playwright, npm axe-core and vnu-jar into tests/browser/node_modules); a missing piece
skips the tests naming it, except under CI=true, where it fails them.

Screenshots (1280 and 390 px) and a PDF of the seed's page go to test-artefacts/ (ignored by
git): look at them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate import generate

from dcatgen.build.pipeline import build
from tests.conftest import ROOT, SEED
from tests.sitecheck import broken_links

CHROMIUM = Path(os.environ.get("DCATGEN_CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTEFACTS = ROOT / "test-artefacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright")
    if not AXE.is_file():
        missing.append(f"{AXE} (npm axe-core)")
    if not VNU.is_file():
        missing.append(f"{VNU} (npm vnu-jar)")
    if shutil.which("java") is None:
        missing.append("java (for vnu.jar)")
    return missing


@pytest.fixture(scope="module")
def requirements() -> None:
    """Skip naming what is missing; under CI=true a missing piece is a failure."""
    missing = _missing()
    if missing:
        message = "missing: " + "; ".join(missing) + " (run `make browser-deps`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def sites(requirements: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed's site and a generated 1,000-register build's (10 organisations, some
    Swedish or bilingual), built once."""
    seed_out = tmp_path_factory.mktemp("seed")
    assert build(SEED, seed_out).written
    data = tmp_path_factory.mktemp("generated")
    generate(1000, data)
    generated_out = tmp_path_factory.mktemp("generated-out")
    assert build(data, generated_out).written
    return {"seed": seed_out / "site", "generated": generated_out / "site"}


@pytest.fixture(scope="module")
def browser(requirements: None) -> Iterator[Any]:
    """One Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _check_in_browser(browser: Any, site: Path, shots: Path | None) -> dict[str, Any]:
    """axe on every page at 1280 px, then 390 px without sideways scrolling.

    axe is loaded once and each page's HTML is written into the same tab (set_content keeps
    the window, so axe stays loaded): parsing axe's 500 KB again for every page took longer
    than checking it.  The pages need nothing from their URL (inline CSS, no images).
    Returns the violations (page → list) and pages that scroll sideways at 390 px.
    """
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_content("<!DOCTYPE html><title>axe</title>")
    page.add_script_tag(path=str(AXE))
    violations: dict[str, list[str]] = {}
    too_wide: list[str] = []
    checked = 0
    for path in _pages(site):
        name = path.relative_to(site).as_posix()
        page.set_viewport_size(DESKTOP)
        page.set_content(path.read_text(encoding="utf-8"))
        assert page.evaluate("typeof axe") == "object", name
        if shots is not None:
            page.screenshot(path=str(shots / f"{name.replace('/', '_')}-1280.png"), full_page=True)
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        if found:
            violations[name] = found
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{name}: {width} px")
        if shots is not None:
            page.screenshot(path=str(shots / f"{name.replace('/', '_')}-390.png"), full_page=True)
        checked += 1
    context.close()
    return {"violations": violations, "too_wide": too_wide, "checked": checked}


def test_seed_pages_pass_axe_and_read_at_390_px(browser: Any, sites: dict[str, Path]) -> None:
    """Every page of the seed: 0 axe violations, no sideways scrolling at 390 px;
    screenshots at 1280 and 390 px kept in test-artefacts/screenshots/seed/."""
    shots = ARTEFACTS / "screenshots" / "seed"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    report = _check_in_browser(browser, sites["seed"], shots)
    assert report["checked"] == len(_pages(sites["seed"])) >= 20
    assert report["violations"] == {}, json.dumps(report["violations"], indent=1)
    assert report["too_wide"] == []
    assert len(list(shots.glob("*-390.png"))) == report["checked"]


def test_generated_build_pages_pass_axe_and_read_at_390_px(
    browser: Any, sites: dict[str, Path]
) -> None:
    """Every page of a 1,000-register build (fi, sv and bilingual organisations)."""
    report = _check_in_browser(browser, sites["generated"], None)
    assert report["checked"] == len(_pages(sites["generated"])) > 2000
    assert report["violations"] == {}, json.dumps(report["violations"], indent=1)[:5000]
    assert report["too_wide"] == [], report["too_wide"][:20]


def test_print_and_no_javascript(browser: Any, sites: dict[str, Path]) -> None:
    """The seed's page prints (a PDF kept as an artefact) and reads the same without
    JavaScript: the pages have no script but JSON-LD."""
    page_file = sites["seed"] / "mynamaki" / "catalog.html"
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(page_file.as_uri())
    text = page.inner_text("main")
    assert "Liikuntapalveluiden asiarekisterit" in text
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.toc')).display") == "none"
    ARTEFACTS.mkdir(exist_ok=True)
    pdf = ARTEFACTS / "seed-catalog-print.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000
    context.close()
    for path in _pages(sites["seed"]):
        html = path.read_text(encoding="utf-8")
        assert html.count("<script") == html.count('<script type="application/ld+json">')


def test_every_internal_link_resolves(sites: dict[str, Path]) -> None:
    for site in sites.values():
        assert broken_links(site) == []


def test_nu_html_checker_finds_no_error(sites: dict[str, Path]) -> None:
    """vnu.jar over every page of both sites at once: 0 errors."""
    files = [str(p) for site in sites.values() for p in _pages(site)]
    result = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [], json.dumps(errors[:20], indent=1, ensure_ascii=False)
    assert len(files) > 2000


def test_the_checkers_catch_known_faults(browser: Any, tmp_path: Path) -> None:
    """The harness can fail: axe flags an image without alt text and grey-on-grey text,
    the Nu checker a stray end tag, and a 600 px table scrolls sideways at 390 px."""
    faulty = (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><main><h1>x</h1><img src="x.png"><p style="color:#bbb;background:#ccc">harmaa</p>'
        '<table style="width:600px"><tr><td>leveä</td></tr></table></p></main></body></html>'
    )
    folder = tmp_path / "faulty"
    folder.mkdir()
    (folder / "page.html").write_text(faulty, encoding="utf-8")
    report = _check_in_browser(browser, folder, None)
    found = " ".join(report["violations"]["page.html"])
    assert "image-alt" in found and "color-contrast" in found
    assert [line.split(":")[0] for line in report["too_wide"]] == ["page.html"]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder / "page.html")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert json.loads(result.stderr or result.stdout)["messages"]
