"""The site: the §28 pages the build writes and the server shows (no browser here; see
test_browser.py for Chromium, axe-core and the Nu HTML checker)."""

from __future__ import annotations

import difflib
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from dcatgen.build.catalog import make_catalog
from dcatgen.build.pipeline import COMBINED, PER_DESCRIPTION, build
from dcatgen.model.description import Description
from dcatgen.model.load import load_file
from dcatgen.rdf.serialize import context_document
from dcatgen.site.gaps import description_gaps
from dcatgen.site.render import Renderer
from dcatgen.site.serving import BuiltPages, RenderedPages
from dcatgen.validation.findings import Severity
from dcatgen.validation.run import run_engine
from tests.conftest import FIXTURES, GOLDEN, INCOMPLETE, MINIMAL, ROOT, SEED, descriptions
from tests.sitecheck import Block, broken_links, parse

SEED_PAGE = ROOT.parent / "shared" / "seeds" / "mynamaki-kasvatus-ja-sivistys.txt"
BILINGUAL = FIXTURES / "site" / "bilingual.yaml"
GOLDEN_SITE = GOLDEN / "site" / "mynamaki"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built: OUT/site/mynamaki."""
    out = tmp_path_factory.mktemp("seed")
    assert build(SEED, out).written
    return out / "site"


@pytest.fixture(scope="module")
def bilingual_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Swedish/Finnish fixture built."""
    out = tmp_path_factory.mktemp("bilingual")
    assert build(BILINGUAL, out).written
    return out / "site"


def _html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the seed page, statement by statement ------------------------------------------------


def _seed_lines() -> list[tuple[str, str]]:
    """The seed page as (kind, text): 'h' headings, 'p' sentences, 'li' numbered items."""
    lines = []
    for raw in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        numbered = re.match(r"^\d+\.\s+(.*)$", line)
        if numbered:
            lines.append(("li", numbered.group(1)))
        elif line.endswith("."):
            lines.append(("p", line))
        else:
            lines.append(("h", line))
    return lines


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the shared seed is not beside the repo")
def test_seed_page_carries_every_statement_under_its_heading(seed_site: Path) -> None:
    """Every line of the published page, in order, as the same kind of element, under the
    same heading (the nearest heading above it is the one the published page has)."""
    blocks = parse(_html(seed_site / "mynamaki" / "catalog.html")).blocks
    position = 0
    heading_above: str | None = None
    for kind, text in _seed_lines():
        tags = {"h": ("h1", "h2", "h3", "h4"), "p": ("p",), "li": ("li",)}[kind]
        found = next(
            (i for i in range(position, len(blocks)) if blocks[i] == Block(blocks[i].tag, text)),
            None,
        )
        assert found is not None, f"not on the page (after block {position}): {text!r}"
        assert blocks[found].tag in tags, (text, blocks[found].tag)
        if kind == "h":
            heading_above = text
        else:
            nearest = next(b.text for b in reversed(blocks[:found]) if b.tag.startswith("h"))
            assert nearest == heading_above, (text, nearest, heading_above)
        position = found + 1


def test_seed_headings_nest_unit_register_section(seed_site: Path) -> None:
    """h1 page, h2 unit, h3 register, h4 its §28 sections: no level skipped."""
    blocks = parse(_html(seed_site / "mynamaki" / "catalog.html")).blocks
    levels = [int(b.tag[1]) for b in blocks if re.fullmatch(r"h\d", b.tag)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    headings = [b.text for b in blocks if b.tag == "h4"]
    assert headings.count("Tietoaineistot") == 5
    assert headings.count("Tietojärjestelmät") == 5
    assert headings.count("Hakutekijät, joilla asiakirjoja on mahdollista hakea") == 5


def test_register_page_states_all_five_items_and_links_the_systems(seed_site: Path) -> None:
    page = parse(_html(seed_site / "mynamaki" / "register" / "perusopetus-ja-lukio.html"))
    headings = [b.text for b in page.blocks if b.tag == "h2"]
    assert headings[:6] == [
        "Käyttötarkoitus",
        "Tietoaineistot",
        "Tietojärjestelmät",
        "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
        "Luovutuksesta päättävä viranomainen ja yhteystiedot",
        "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
    ]
    texts = [b.text for b in page.blocks]
    assert "Kuvauksessa ei nimetä luovutuksesta päättävää viranomaista. Näin teet tietopyynnön" in (
        texts
    )
    assert "Tieto koskee koko yksikköä." in texts  # the API statement is the unit's
    assert {"../system/multiprimus.html", "../system/wilma.html", "../system/kurre.html"} <= set(
        page.hrefs
    )


def test_system_and_unit_pages_list_what_refers_to_them(seed_site: Path) -> None:
    wilma = parse(_html(seed_site / "mynamaki" / "system" / "wilma.html"))
    items = {b.text for b in wilma.blocks if b.tag == "li"}
    # Named directly by one register, and part of MultiPrimus in another.
    assert "Varhaiskasvatuksen tietovaranto" in items
    assert "Perusopetuksen ja lukio-opetuksen tietovaranto (osana laajempaa järjestelmää)" in items
    assert "multiprimus.html" in wilma.hrefs
    unit = parse(_html(seed_site / "mynamaki" / "unit" / "kasvatus-ja-sivistys.html"))
    registers = [h for h in unit.hrefs if h.startswith("../register/")]
    assert len(set(registers)) == 5


def test_every_internal_link_resolves(seed_site: Path, bilingual_site: Path) -> None:
    for site in (seed_site, bilingual_site):
        assert broken_links(site) == []


# --- languages ---------------------------------------------------------------------------


def _texts_by_language(description: Description) -> dict[str, set[str]]:
    """Every text the description gives, with the languages it is given in."""
    found: dict[str, set[str]] = {}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if (
                value
                and set(value) <= {"fi", "sv", "en"}
                and all(isinstance(v, str) for v in value.values())
            ):
                for language, text in value.items():
                    found.setdefault(" ".join(text.split()), set()).add(language)
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(description.model_dump())
    return found


def test_every_text_carries_its_language(bilingual_site: Path) -> None:
    """A text the description gives only in Swedish is marked lang="sv" on the Finnish pages;
    translated texts appear in the page's language, unmarked."""
    description = load_file(BILINGUAL).description
    known = _texts_by_language(description)
    pages = sorted(bilingual_site.joinpath("exempelstad").rglob("*.html"))
    assert len(pages) > 20
    marked = 0
    for path in pages:
        html = _html(path)
        page_language = re.search(r'<html lang="(\w+)"', html)
        assert page_language is not None
        for text, language in parse(html).texts:
            if text in known:
                assert language in known[text], (path.name, text, language)
                marked += language != page_language.group(1)
    assert marked >= 3  # the sv-only data group, address, secrecy ground on fi pages


def test_languages_of_the_pages(bilingual_site: Path, seed_site: Path) -> None:
    """fi and sv pages for the bilingual authority (sv its own language); fi only for the
    seed, whose Swedish is its name alone."""
    folder = bilingual_site / "exempelstad"
    assert (folder / "register" / "grundskola.html").is_file()
    assert (folder / "register" / "grundskola.fi.html").is_file()
    assert not list(folder.rglob("*.en.html"))
    swedish = _html(folder / "register" / "grundskola.html")
    finnish = _html(folder / "register" / "grundskola.fi.html")
    assert '<html lang="sv">' in swedish and '<html lang="fi">' in finnish
    assert "<h2>Informationsmaterial</h2>" in swedish and "<h2>Tietoaineistot</h2>" in finnish
    assert 'hreflang="fi" lang="fi">Suomeksi</a>' in swedish
    assert 'hreflang="sv" lang="sv">På svenska</a>' in finnish
    assert not list((seed_site / "mynamaki").rglob("*.sv.html"))
    front = seed_site / "index.sv.html"
    assert 'lang="fi">Mynämäen kunta</a>' not in _html(front)  # Virmo kommun has a sv name
    assert ">Virmo kommun</a>" in _html(front)


# --- machine-readable inside -------------------------------------------------------------


def _scripts(html: str) -> list[dict[str, object]]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(text) for text in found]


def test_register_page_embeds_its_dcat_and_schema_org(seed_site: Path) -> None:
    """The JSON-LD is the register's description as dcatgen serve gives it; schema.org
    Dataset names it for search engines; rel=alternate links the RDF beside the page."""
    folder = seed_site / "mynamaki" / "register"
    html = _html(folder / "kirjastopalvelut.html")
    dcat, schema = _scripts(html)
    assert dcat["@context"] == "https://w3id.org/dcatgen/ns/context.jsonld"
    inline = {**dcat, "@context": context_document()["@context"]}
    embedded = Graph().parse(data=json.dumps(inline), format="json-ld")
    beside = Graph().parse(folder / "kirjastopalvelut.ttl", format="turtle")
    assert isomorphic(embedded, beside)
    assert len(beside) > 30
    assert schema["@type"] == "Dataset"
    assert schema["name"] == "Kirjastopalveluiden asiarekisteri"
    assert str(schema["url"]).endswith("/mynamaki/register/kirjastopalvelut.html")
    assert "Tiedot ovat tietojärjestelmässä Vaski-kirjastojen tietokanta." in str(
        schema["description"]
    )
    assert '<link rel="alternate" type="text/turtle" href="kirjastopalvelut.ttl">' in html


def test_markup_in_the_description_is_escaped(tmp_path: Path) -> None:
    """Autoescaping: text is text in HTML, and no '</script>' can close the JSON-LD."""
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "title: Paperiarkisto", "title: 'Paperi</script><b>arkisto & \"muu\"'"
    )
    data = tmp_path / "x.yaml"
    data.write_text(text, encoding="utf-8")
    build(data, tmp_path / "out")
    html = _html(tmp_path / "out" / "site" / "esimerkki" / "register" / "arkisto.html")
    assert "Paperi&lt;/script&gt;&lt;b&gt;arkisto &amp; &#34;muu&#34;" in html
    assert "<b>" not in html
    assert html.count("</script>") == 2
    assert any("Paperi</script><b>arkisto" in json.dumps(s) for s in _scripts(html))


# --- the gaps page -----------------------------------------------------------------------


def _s28_findings(description_file: Path) -> set[tuple[str, str]]:
    catalog = make_catalog(description_file)
    found = set()
    for finding in run_engine("fast", catalog.triples):
        if finding.message.startswith("§28 item ") or finding.message.startswith("purpose"):
            register = finding.focus_node.rsplit("/", 1)[-1]
            if finding.message.startswith("purpose"):
                key = "purpose"
            else:
                key = finding.message.split()[2] + ("?" if "not stated" in finding.message else "")
            found.add((register, key))
            assert finding.severity in (Severity.WARNING, Severity.INFO)
    return found


@pytest.mark.parametrize("path", [SEED, MINIMAL, INCOMPLETE, BILINGUAL], ids=lambda p: p.stem)
def test_gaps_are_the_s28_shapes_findings(path: Path) -> None:
    """The gaps page lists exactly what the §28 completeness shapes report."""
    gaps = {(gap.register, gap.key) for gap in description_gaps(load_file(path).description)}
    assert gaps == _s28_findings(path)


def test_gaps_page_is_for_the_publisher_only(seed_site: Path, tmp_path: Path) -> None:
    folder = seed_site / "mynamaki"
    gaps = _html(folder / "gaps.html")
    assert '<meta name="robots" content="noindex">' in gaps
    assert gaps.count("Kohta 2 puuttuu") == 6  # the table and the five registers
    assert "<code>units[0].registers[2].disclosure_authority</code>" in gaps
    public = [p for p in folder.rglob("*.html") if p.name != "gaps.html"]
    assert not [p for p in public if "gaps.html" in _html(p)]
    build(SEED, tmp_path / "out", link_gaps=True)
    linked = tmp_path / "out" / "site" / "mynamaki" / "register" / "varhaiskasvatus.html"
    assert 'href="../gaps.html"' in _html(linked)


# --- golden HTML -------------------------------------------------------------------------


def test_golden_html_of_the_seed(seed_site: Path, update_golden: bool) -> None:
    """Every page of the seed equals tests/golden/site/mynamaki/ (a unified diff if not;
    `pytest --update-golden` rewrites them after an intended change)."""
    built = {
        p.relative_to(seed_site / "mynamaki").as_posix(): _html(p)
        for p in sorted((seed_site / "mynamaki").rglob("*.html"))
        if p.name != "index.html"  # the same bytes as catalog.html
    }
    if update_golden:
        shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
        for name, html in built.items():
            (GOLDEN_SITE / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN_SITE / name).write_text(html, encoding="utf-8")
    golden = {
        p.relative_to(GOLDEN_SITE).as_posix(): _html(p) for p in sorted(GOLDEN_SITE.rglob("*.html"))
    }
    assert sorted(built) == sorted(golden)
    differences = []
    for name in sorted(built):
        if built[name] != golden[name]:
            diff = difflib.unified_diff(
                golden[name].splitlines(), built[name].splitlines(), f"golden/{name}", name, n=2
            )
            differences.append("\n".join(list(diff)[:60]))
    assert not differences, "\n\n".join(differences) + "\n(run pytest --update-golden if intended)"


# --- builds: both layouts, rebuilds, the server's pages -----------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def many(tmp_path: Path) -> Path:
    files = {"a.yaml": SEED, "b.yaml": MINIMAL, "sub/c.yaml": BILINGUAL}
    return descriptions(tmp_path / "data", files)


def test_same_site_in_both_layouts_and_byte_identical_rebuilds(many: Path, tmp_path: Path) -> None:
    combined, separate, again = tmp_path / "c", tmp_path / "s", tmp_path / "again"
    build(many, combined, layout=COMBINED)
    build(many, separate, layout=PER_DESCRIPTION)
    build(many, again, layout=COMBINED)
    site = _tree(combined / "site")
    assert {name.split("/")[0] for name in site} >= {"mynamaki", "esimerkki", "exempelstad"}
    assert site == _tree(separate / "site") == _tree(again / "site")
    front = json.loads(site["index.json"])
    assert [o["folder"] for o in front["organisations"]] == ["mynamaki", "esimerkki", "exempelstad"]


def test_rebuild_replaces_only_the_changed_organisation(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(many, out)
    site = out / "site"
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert build(many, out).up_to_date
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == stamps
    changed = many / "b.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Paperiarkisto", "Arkisto"), encoding="utf-8"
    )
    result = build(many, out)
    assert result.summary.reused == 2
    touched = {
        p.relative_to(site).parts[0]
        for p in site.rglob("*")
        if p.is_file() and stamps.get(p) != p.stat().st_mtime_ns
    }
    assert touched == {"esimerkki"}
    fresh = tmp_path / "fresh"
    build(many, fresh)
    assert _tree(site) == _tree(fresh / "site")
    assert not list(site.glob(".*"))  # no temporary folder left


def test_edited_or_removed_pages_are_rebuilt_and_gone_descriptions_removed(
    many: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(many, out, layout=PER_DESCRIPTION)
    page = out / "site" / "esimerkki" / "register" / "arkisto.html"
    pristine = page.read_bytes()
    # Saved as editors do: a new file renamed into place.
    (page.parent / "edited.tmp").write_bytes(b"edited")
    (page.parent / "edited.tmp").replace(page)
    (out / "site" / "mynamaki" / "gaps.html").unlink()
    result = build(many, out, layout=PER_DESCRIPTION)
    assert result.summary.reused == 1
    assert page.read_bytes() == pristine
    assert (out / "site" / "mynamaki" / "gaps.html").is_file()
    (many / "sub" / "c.yaml").unlink()
    build(many, out, layout=PER_DESCRIPTION)
    assert not (out / "site" / "exempelstad").exists()
    assert "exempelstad" not in _html(out / "site" / "index.html")
    build(many, out, layout=PER_DESCRIPTION, site=False)
    assert not (out / "site").exists()


def test_refused_build_leaves_the_site_as_it_was(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(many, out)
    before = _tree(out / "site")
    incomplete = many / "d.yaml"
    shutil.copy(INCOMPLETE, incomplete)
    result = build(many, out)
    assert not result.written
    assert _tree(out / "site") == before


def test_server_pages_are_the_built_pages(many: Path, tmp_path: Path) -> None:
    """Rendered on request from YAML, or read from out/site: the same bytes as the build's."""
    out = tmp_path / "out"
    build(many, out)
    rendered = RenderedPages([s.description for s in make_catalog(many).sources])
    built = BuiltPages.of(out)
    assert built is not None
    checked = 0
    for folder in rendered.folders:
        for path in sorted((out / "site" / folder.folder).rglob("*.html")):
            url = folder.base + path.relative_to(out / "site" / folder.folder).as_posix()
            assert rendered.page(url) == path.read_bytes() == built.page(url), url
            checked += 1
    assert checked > 60
    register = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut"
    page = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut.html"
    assert rendered.page_url(register) == built.page_url(register) == page
    assert rendered.page_url(register + "x") is None
    assert rendered.page("https://w3id.org/dcatgen/id/mynamaki/register/nope.html") is None


def test_a_register_page_renders_alone_as_in_the_build(seed_site: Path) -> None:
    renderer = Renderer(load_file(SEED).description)
    page = seed_site / "mynamaki" / "register" / "nuorisopalvelut.html"
    assert renderer.page_bytes("register", "nuorisopalvelut", "fi") == page.read_bytes()
