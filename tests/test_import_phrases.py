"""The small grammars inside one line: lists, system lines, ids, headings, sentences."""

from __future__ import annotations

import doctest

import pytest

import dcatgen.importer
from dcatgen.importer import phrases
from dcatgen.importer.blocks import is_furniture, split_label
from dcatgen.importer.lexicon import (
    HeadingKind,
    Section,
    availability,
    classify_heading,
    criteria_in,
    detect_language,
    organisation_kind,
)
from dcatgen.importer.morphology import Morphology
from dcatgen.importer.phrases import enumeration, parse_system, register_id, split_list, unit_name
from dcatgen.model.description import Availability, OrganisationKind
from tests.test_import_morphology import require_voikko


def test_docstring_examples() -> None:
    """The package docstring's example runs."""
    failures, tried = doctest.testmod(dcatgen.importer)
    assert tried and not failures


@pytest.mark.parametrize(
    ("line", "name", "parts", "description", "national"),
    [
        (
            "MultiPrimus (sis. Wilma ja Kurre), opiskelijahallinnon kokonaisjärjestelmä",
            "MultiPrimus",
            ["Wilma", "Kurre"],
            "opiskelijahallinnon kokonaisjärjestelmä",
            False,
        ),
        ("Varda (kansallinen)", "Varda", [], None, True),
        ("PARent-järjestelmä/etsivä nuorisotyö", "PARent", [], "etsivä nuorisotyö", False),
        (
            "LYYTI- järjestelmä/leirit, retket ja tapahtumat",
            "LYYTI",
            [],
            "leirit, retket ja tapahtumat",
            False,
        ),
        ("Titania-työvuorosuunnittelu", "Titania", [], "työvuorosuunnittelu", False),
        ("Vaski-kirjastojen tietokanta", "Vaski-kirjastojen tietokanta", [], None, False),
        ("Kanta-palvelut", "Kanta-palvelut", [], None, False),
        ("Primus (inkl. Wilma och Kurre)", "Primus", ["Wilma", "Kurre"], None, False),
        ("Hyrrä (nationellt)", "Hyrrä", [], None, True),
    ],
)
def test_system_lines(
    line: str, name: str, parts: list[str], description: str | None, national: bool
) -> None:
    """Names, parts, descriptions and national systems; the wording kept when it differs."""
    system = parse_system(line)
    assert (system.name, system.parts, system.description, system.national) == (
        name,
        parts,
        description,
        national,
    )
    assert system.wording == (line if name != line else None)


def test_lists_do_not_split_inside_parentheses_or_after_hyphens() -> None:
    """'Liikunta-, nuoriso- ja kulttuuritoimi' is one item; '(a, b)' stays together."""
    assert split_list("Liikunta-, nuoriso- ja kulttuuritoimen avustukset, Leirit (a, b) ja c") == [
        "Liikunta-, nuoriso- ja kulttuuritoimen avustukset",
        "Leirit (a, b)",
        "c",
    ]
    assert enumeration("Tietovarannossa on hakemukset, päätökset ja piirustukset.") == [
        "hakemukset",
        "päätökset",
        "piirustukset",
    ]
    assert enumeration("Informationslagret innehåller till exempel ansökningar och beslut.") == [
        "ansökningar",
        "beslut",
    ]


@pytest.mark.parametrize(
    ("title", "language", "expected"),
    [
        ("Perusopetuksen ja lukio-opetuksen tietovaranto", "fi", "perusopetus-ja-lukio"),
        ("Kirjastopalveluiden asiarekisteri", "fi", "kirjastopalvelut"),
        ("Katujen ja yleisten alueiden asiarekisteri", "fi", "katujen-ja-yleisten-alueet"),
        ("Rakennuslupien asiarekisteri", "fi", "rakennuslupien"),
        ("Koulujen paperiarkisto", "fi", "koulujen-paperiarkisto"),
        ("Informationslager för grundläggande utbildning", "sv", "grundlaggande-utbildning"),
        ("Biblioteksväsendets ärenderegister", "sv", "biblioteksvasendet"),
    ],
)
def test_register_ids(title: str, language: str, expected: str) -> None:
    """Ids: the title without the register word, regular genitives in the nominative."""
    assert register_id(title, language) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        (
            "Kasvatus- ja sivistysosaston hallinnoimat tietovarannot ja asiarekisterit",
            "Kasvatus- ja sivistysosasto",
        ),
        ("Teknisen toimialan tietovarannot", "Tekninen toimiala"),
        ("Sivistyspalveluiden tietovarannot ja asiarekisterit", "Sivistyspalvelut"),
        ("Bildningsavdelningens informationslager och ärenderegister", "Bildningsavdelningen"),
    ],
)
def test_unit_names(heading: str, expected: str) -> None:
    """The unit a heading names."""
    assert unit_name(heading) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Konsernihallinnon tietovarannot ja asiarekisterit", "Konsernihallinto"),
        ("Hallinnon tietovarantoja", "Hallinto"),
        ("Perusturvan tietovarannot", "Perusturva"),
    ],
)
def test_unit_names_with_irregular_genitives(heading: str, expected: str) -> None:
    """Consonant gradation ("hallinnon" → "hallinto"): Voikko's base form."""
    require_voikko()
    assert unit_name(heading) == expected


def test_unit_name_without_voikko_keeps_the_heading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Voikko an irregular genitive cannot be undone: the whole heading is the name."""
    monkeypatch.setattr(phrases, "morphology", lambda: Morphology(None))
    heading = "Konsernihallinnon tietovarannot ja asiarekisterit"
    assert unit_name(heading) == heading


@pytest.mark.parametrize(
    ("heading", "kind", "section"),
    [
        ("Kirjastopalveluiden asiarekisteri", HeadingKind.REGISTER, None),
        ("Nuorisopalveluiden asiarekisterit", HeadingKind.PLURAL, None),
        ("Hallinto-osasto", HeadingKind.UNIT, None),
        ("Sivistystoimen tietovarannot ja asiarekisterit", HeadingKind.UNIT, None),
        ("Fyysiset tietovarannot", HeadingKind.CONTAINER, None),
        ("Asiakirjajulkisuuskuvaus", HeadingKind.PAGE_TITLE, None),
        ("Tietoaineistot", HeadingKind.SECTION, Section.DATA_GROUPS),
        ("Tietojärjestelmät", HeadingKind.SECTION, Section.SYSTEMS),
        (
            "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
            HeadingKind.SECTION,
            Section.SEARCH,
        ),
        (
            "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
            HeadingKind.SECTION,
            Section.API,
        ),
        (
            "Rakennusvalvonnan tietovarannon tietojärjestelmät",
            HeadingKind.SUBSECTION,
            Section.SYSTEMS,
        ),
        ("Informationslager för grundläggande utbildning", HeadingKind.REGISTER, None),
        ("Sökvillkor", HeadingKind.SECTION, Section.SEARCH),
        ("Ändamål", HeadingKind.SECTION, Section.PURPOSE),
        (
            "Esityslistat, pöytäkirjat, viranhaltijapäätökset ja sopimukset",
            HeadingKind.UNKNOWN,
            None,
        ),
    ],
)
def test_headings(heading: str, kind: HeadingKind, section: Section | None) -> None:
    """What a heading introduces, in Finnish and Swedish."""
    found = classify_heading(heading)
    assert (found.kind, found.section) == (kind, section)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.", "not-open"),
        (
            "Tietoaineistot eivät pääsääntöisesti ole saatavilla rajapinnan avulla.",
            "mostly-not-open",
        ),
        ("Tiedot ovat osittain saatavilla avoimen rajapinnan kautta.", "partly-open"),
        ("Tiedot ovat saatavilla avoimen rajapinnan kautta.", "open"),
        ("Informationen är i regel inte öppet tillgänglig via ett gränssnitt.", "mostly-not-open"),
        ("Informationen är öppet tillgänglig via ett tekniskt gränssnitt.", "open"),
        ("Rajapinnoista ei ole tehty selvitystä; asia ei ole selvitetty.", "not-stated"),
        ("Lisätietoja rajapinnoista antaa tietohallinto.", None),
    ],
)
def test_availability(sentence: str, expected: str | None) -> None:
    """Yes, no, partly, mostly not, not stated — and undecided."""
    found = availability(sentence)
    assert (found.value if found else None) == expected
    if expected:
        assert Availability(expected) is found


def test_search_criteria_in_order_without_double_counting() -> None:
    """'yhdistyksen nimi' is an organisation name, not a person's; order of mention kept."""
    assert [c.value for c in criteria_in("hakijan nimi, yhdistyksen nimi ja päivämäärä")] == [
        "initiator",
        "person-name",
        "organisation-name",
        "date",
    ]
    assert [c.value for c in criteria_in("kadun nimi, asianumero, Y-tunnus")] == [
        "address",
        "case-number",
        "business-id",
    ]


def test_organisation_kinds_and_language() -> None:
    """Kinds from names; language from words."""
    assert organisation_kind("Mynämäen kunta") is OrganisationKind.MUNICIPALITY
    assert organisation_kind("Länsirannikon koulutuskuntayhtymä") is (
        OrganisationKind.JOINT_AUTHORITY
    )
    assert organisation_kind("Kustlandets förbund") is OrganisationKind.REGIONAL_COUNCIL
    assert organisation_kind("Sivistyslautakunta") is None
    assert detect_language("Tietoaineistot ja tietojärjestelmät") == "fi"
    assert detect_language("Informationslager och ärenderegister för skolan") == "sv"


def test_labels_and_furniture() -> None:
    """'Label: value' splits; page furniture is recognised; URLs are not labels."""
    assert split_label("Keskeiset tietoaineistot: a, b") == ("Keskeiset tietoaineistot", "a, b")
    assert split_label("asiakas-ID:tä tai henkilötunnusta") is None
    assert split_label("https://example.fi/a: b") is None
    for line in ("Siirry sisältöön", "A A A", "Etusivu > Hallinto > Kuvaus", "© Kunta 2024"):
        assert is_furniture(line), line
    assert not is_furniture("Tietoaineistot")
