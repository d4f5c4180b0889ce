"""Further shapes real pages come in, one fixture each, in Finnish and Swedish.

Each fixture imitates how authorities write (web-page noise, prose, odd headings), not the
shape the importer expects; each test names the rule that handles the variant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dcatgen.importer import ImportResult, import_source
from dcatgen.model.description import (
    Availability,
    Description,
    OrganisationKind,
    Register,
    RegisterKind,
)
from tests.test_import_morphology import require_voikko

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
IR, CR = RegisterKind.INFORMATION_RESOURCE, RegisterKind.CASE_REGISTER


def run(name: str, organisation: str | None = "Esimerkin kunta") -> ImportResult:
    """Import one fixture."""
    return import_source(str(FIXTURES / name), organisation=organisation)


def placed(name: str) -> Description:
    """Import one fixture that must place every line."""
    result = run(name)
    assert result.unplaced == (), result.unplaced
    return result.description


def registers(description: Description) -> dict[str, Register]:
    """Registers by title."""
    return {
        register.title[description.language]: r
        for _, r in description.registers()
        if (register := r)
    }


def systems(register: Register) -> list[tuple[Any, ...]]:
    """Systems as (name, known product, national)."""
    return [(s.name, s.exact_match, s.national) for s in register.systems]


def groups(register: Register, language: str = "fi") -> list[str]:
    """Data-group names."""
    return [group.name[language] for group in register.data_groups]


def concepts(register: Register) -> list[str]:
    """Search-criterion concepts."""
    assert register.search_criteria is not None
    return [concept.value for concept in register.search_criteria.concepts]


def test_prose_only_page_gets_one_register_from_its_sentences() -> None:
    """Rules 'systems named in prose', 'a lead-in to a list', prose-only synthesis, contacts.

    "Asiarekisterinä toimii Dynasty 10 -asianhallintajärjestelmä …": no register heading at
    all, yet a register, a system, search criteria and the registry office's contacts.
    """
    result = run("fi_prose_only.txt")
    assert result.unplaced == ()
    description = result.description
    [register] = [r for _, r in description.registers()]
    assert (register.title["fi"], register.kind) == ("Asiarekisteri", CR)
    assert systems(register) == [
        ("Dynasty 10", "dynasty", False),
        ("Personec F", "personec", False),
    ]
    assert concepts(register) == ["case-number", "case-title", "person-name", "date"]
    assert register.purpose is not None
    assert register.purpose["fi"].startswith("Asiarekisterinä toimii Dynasty 10")
    organisation = description.organisation
    assert organisation.api is not None
    assert organisation.api.availability is Availability.NOT_OPEN
    assert organisation.disclosure_authority is not None
    contact = organisation.disclosure_authority.contact
    assert contact is not None
    assert (contact.email, contact.telephone, contact.address) == (
        "kirjaamo@esimerkki.fi",
        "02 123 4567",
        "Kunnantalontie 1, 23800 Esimerkki",
    )
    assert organisation.contact_point == contact
    assert result.confidence[register.id]["title"] == "guess"


def test_swedish_prose_only_page() -> None:
    """Sv: "Som ärenderegister fungerar ärendehanteringssystemet Dynasty …"."""
    result = run("sv_prose_only.txt")
    assert result.unplaced == ()
    description = result.description
    [register] = [r for _, r in description.registers()]
    assert register.title == {"sv": "Ärenderegister"}
    assert systems(register) == [("Dynasty", "dynasty", False), ("Personec", "personec", False)]
    assert concepts(register) == ["case-number", "case-title", "person-name", "date"]
    authority = description.organisation.disclosure_authority
    assert authority is not None and authority.contact is not None
    assert authority.contact.email == "registratur@exempel.fi"
    assert authority.contact.name == {"sv": "Registraturen"}


@pytest.mark.parametrize("name", ["fi_bullet_fields.txt", "sv_bullet_fields.txt"])
def test_lists_written_inside_bullets(name: str) -> None:
    """'• Keskeiset tietoaineistot: a, b, c': each bullet a labelled field, split into items."""
    description = placed(name)
    found = list(registers(description).values())
    assert len(found) == 2
    first = found[0]
    language = description.language
    assert len(groups(first, language)) == 3 if language == "sv" else 4
    assert [s.exact_match for s in first.systems] == [
        "prosos" if language == "sv" else "abilita",
        "kanta",
    ]
    assert first.systems[1].national
    assert "personal-identity-code" in concepts(first)
    assert first.purpose is not None


def test_swedish_plural_heading_above_registers_is_a_unit() -> None:
    """'Socialvårdens informationslager' (singular and plural alike) above two registers."""
    description = placed("sv_bullet_fields.txt")
    assert [unit.name["sv"] for unit in description.units] == ["Socialvården"]


def test_plural_and_numbered_headings() -> None:
    """'Hallinnon tietovarantoja' over 'Name: purpose' bullets is a unit; '1) …' a register."""
    require_voikko()  # "Hallinnon" → "Hallinto" needs consonant gradation undone
    description = placed("fi_plural_headings.txt")
    assert [unit.name["fi"] for unit in description.units] == ["Hallinto", "Sivistystoimi"]
    found = registers(description)
    assert list(found) == [
        "Asianhallinnan tietovaranto",
        "Henkilöstöhallinnon tietovaranto",
        "Taloushallinnon tietovaranto",
        "Perusopetuksen tietovaranto",
        "Varhaiskasvatuksen tietovaranto",
    ]
    school = found["Perusopetuksen tietovaranto"]
    assert groups(school) == ["oppilaiden ja huoltajien yhteystiedot", "arvioinnit ja todistukset"]
    assert systems(school) == [("Wilma", "wilma", False), ("Primus", "primus", False)]
    early = found["Varhaiskasvatuksen tietovaranto"]
    assert systems(early) == [("Edlevo", "edlevo", False), ("Varda", "varda", True)]


def test_registers_nested_under_a_resource_by_a_lead_in() -> None:
    """'Tietovarantoon liittyvät seuraavat rekisterit:' + bullets; 'kuuluvat … ovat a ja b'."""
    description = placed("fi_nested_lead_in.txt")
    found = registers(description)
    building = found["Rakennusvalvonnan tietovaranto"]
    nested = [r.title["fi"] for r in found.values() if r.part_of == building.id]
    assert nested == ["Rakennuslupien asiarekisteri", "Katselmusrekisteri", "Rakennusrekisteri"]
    # "(Maanmittauksen hallinnassa)": managed by another unit, named in the nominative
    [other] = [u for u in description.units if u.name["fi"] == "Maanmittaus"]
    assert [r.title["fi"] for r in other.registers] == ["Rakennusrekisteri"]
    assert groups(building) == [
        "lupahakemuksista",
        "lupapäätöksistä",
        "piirustuksista",
        "katselmuspöytäkirjoista",
    ]
    assert [s.exact_match for s in building.systems] == ["lupapiste", "facta"]
    sports = found["Liikuntapaikkojen tietovaranto"]
    assert [r.title["fi"] for r in found.values() if r.part_of == sports.id] == [
        "Vuororekisteri",
        "Avainrekisteri",
    ]


def test_swedish_nested_registers() -> None:
    """'Till informationslagret hör följande register:' + bullets."""
    description = placed("sv_nested.txt")
    found = registers(description)
    resource = found["Informationslager för byggnadstillsyn"]
    assert [r.title["sv"] for r in found.values() if r.part_of == resource.id] == [
        "Bygglovsregister",
        "Byggnadsregister",
        "Syneregister",
    ]
    assert systems(resource) == [("Lupapiste", "lupapiste", True), ("Facta", "facta", False)]


@pytest.mark.parametrize("name", ["fi_systems_in_prose.txt", "sv_systems_in_prose.txt"])
def test_systems_named_in_prose(name: str) -> None:
    """'tallennetaan Tweb -asianhallintajärjestelmään', 'i ekonomisystemet Raindance'."""
    description = placed(name)
    found = {s.exact_match for _, register in description.registers() for s in register.systems}
    expected = (
        {"tweb", "sarastia", "kuntarekry", "titania"}
        if description.language == "fi"
        else {"basware", "raindance"}
    )
    assert found == expected
    for _, register in description.registers():
        for system in register.systems:  # the sentence is kept as the system's wording
            assert system.wording is not None and system.name in system.wording


def test_systems_nested_under_data_areas() -> None:
    """'• Oppilashallinto' with '– Primus', '– Wilma' indented below: systems of that area."""
    [register] = [r for _, r in placed("fi_systems_under_data_areas.txt").registers()]
    assert groups(register) == ["Oppilashallinto", "Varhaiskasvatus", "Kirjaston asiakkuudet"]
    assert [(s.name, s.description) for s in register.systems] == [
        ("Primus", {"fi": "Oppilashallinto"}),
        ("Wilma", {"fi": "Oppilashallinto"}),
        ("Edlevo", {"fi": "Varhaiskasvatus"}),
        ("Koha", {"fi": "Kirjaston asiakkuudet"}),
    ]


def test_search_criteria_over_several_lists_then_an_api_sentence() -> None:
    """Two lead-ins with their lists are one set of criteria; the API sentence is not in it."""
    [register] = [r for _, r in placed("fi_criteria_split.txt").registers()]
    assert concepts(register) == [
        "case-number",
        "person-name",
        "address",
        "business-id",
        "organisation-name",
    ]
    assert register.search_criteria is not None
    statement = register.search_criteria.statement
    assert statement is not None and "rajapinnan" not in statement["fi"]
    assert register.api is not None
    assert register.api.availability is Availability.MOSTLY_NOT_OPEN


def test_page_main_heading_is_not_an_empty_unit_or_register() -> None:
    """An <h1> 'Sivistystoimen tietovarannot' above <h2> registers names their unit."""
    description = placed("fi_main_heading.html")
    [unit] = description.units
    assert unit.name["fi"] == "Sivistystoimi"
    assert [r.title["fi"] for r in unit.registers] == [
        "Kirjaston tietovaranto",
        "Nuorisotoimen asiarekisteri",
    ]
    for register in unit.registers:
        assert register.purpose is not None


@pytest.mark.parametrize("name", ["fi_table.html", "sv_table.html", "fi_table_copied.txt"])
def test_tables_of_registers(name: str) -> None:
    """A header row naming the columns, then one register per row; never the header itself."""
    description = placed(name)
    found = list(registers(description).values())
    language = description.language
    titles = [r.title[language] for r in found]
    assert not any(t.lower() in ("tietovaranto", "informationslager") for t in titles)
    assert len(found) == {"fi_table.html": 3, "sv_table.html": 2, "fi_table_copied.txt": 2}[name]
    for register in found:
        assert register.purpose is not None and register.systems
    # the sentence after the table is about them all, not about the last row
    assert found[-1].api is None


def test_wellbeing_services_county_with_registry_office() -> None:
    """A wellbeing services county names itself; the registry office's obfuscated e-mail,
    P.O. box and telephone give §28 item 2."""
    result = run("fi_wellbeing_county.txt", organisation=None)
    assert result.unplaced == ()
    description = result.description
    organisation = description.organisation
    assert organisation.name == {"fi": "Esimerkin hyvinvointialue"}
    assert organisation.kind is OrganisationKind.WELLBEING_SERVICES_COUNTY
    authority = organisation.disclosure_authority
    assert authority is not None and authority.contact is not None
    assert authority.name == {"fi": "Esimerkin hyvinvointialue"}
    assert (authority.contact.email, authority.contact.telephone, authority.contact.address) == (
        "kirjaamo@esimerkinhyvinvointialue.fi",
        "014 266 0000",
        "PL 100, 40101 Esimerkkilä",
    )
    assert organisation.api is not None
    assert organisation.api.availability is Availability.NOT_OPEN
    found = registers(description)
    assert systems(found["Potilastiedon tietovaranto"]) == [
        ("Apotti", "apotti", False),
        ("Kanta-palvelut", "kanta", True),
    ]
    assert found["Sosiaalihuollon asiakastiedon tietovaranto"].api is None  # inherited


def test_accordion_panels_are_content_not_furniture() -> None:
    """Accordion buttons are headings and their hidden panels the page's content."""
    result = run("fi_accordion.html", organisation=None)
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.name == {"fi": "Esimerkin kaupunki"}
    found = registers(description)
    assert list(found) == ["Varhaiskasvatuksen tietovaranto", "Kirjaston asiakasrekisteri"]
    early = found["Varhaiskasvatuksen tietovaranto"]
    assert systems(early) == [("Daisy", "daisy", False), ("Varda", "varda", True)]
    assert concepts(found["Kirjaston asiakasrekisteri"]) == ["person-name", "customer-id"]
    assert "window.dataLayer" not in result.yaml


def test_state_agency_label_blocks() -> None:
    """'Tietovaranto: X' opens a register; 'Hakuperusteet', 'Avoin rajapinta: Ei'."""
    result = run("fi_state_agency.txt", organisation="Esimerkkivirasto")
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.kind is OrganisationKind.STATE_AGENCY
    found = registers(description)
    assert list(found) == ["Lupa- ja valvontatiedot", "Henkilöstötiedot"]
    permits = found["Lupa- ja valvontatiedot"]
    assert systems(permits) == [("Case M", "case-m", False)]
    assert concepts(permits) == ["case-number", "person-name", "business-id", "date"]
    assert permits.api is not None and permits.api.availability is Availability.NOT_OPEN
    authority = description.organisation.disclosure_authority
    assert authority is not None and authority.contact is not None
    assert authority.contact.email == "kirjaamo@esimerkkivirasto.fi"


def test_swedish_sections_and_registry_office_after_the_registers() -> None:
    """Sv sections per resource; the API sentence and the registry office's contact at the
    end of the page are the organisation's, not the last register's."""
    result = run("sv_municipality_sections.txt", organisation="Exempelby kommun")
    assert result.unplaced == ()
    description = result.description
    found = registers(description)
    assert list(found) == [
        "Informationslager för småbarnspedagogik",
        "Informationslager för äldreomsorg",
    ]
    assert groups(found["Informationslager för småbarnspedagogik"], "sv") == [
        "ansökningar om småbarnspedagogik",
        "placeringsbeslut",
        "avgiftsbeslut",
    ]
    last = found["Informationslager för äldreomsorg"]
    assert last.api is None and last.contact_point is None
    organisation = description.organisation
    assert organisation.api is not None
    assert organisation.api.availability is Availability.NOT_OPEN
    assert organisation.contact_point is not None
    assert organisation.contact_point.email == "registratur@exempelby.fi"


def test_hospital_district_one_line_values_and_systems_in_a_sentence() -> None:
    """'Tietojärjestelmät' then 'Dynasty' alone on a line is the value, not a register; a
    sentence under a system heading gives the systems it names."""
    result = run("fi_hospital_district.txt", organisation=None)
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.kind is OrganisationKind.JOINT_AUTHORITY
    found = registers(description)
    assert list(found) == ["Potilastietojen tietovaranto", "Hallinnon asiarekisteri"]
    patients = found["Potilastietojen tietovaranto"]
    assert [s.exact_match for s in patients.systems] == ["uranus", "kanta"]
    assert patients.secrecy is not None
    assert systems(found["Hallinnon asiarekisteri"]) == [("Dynasty", "dynasty", False)]


def test_regional_council_with_bold_labels() -> None:
    """'<strong>Tietojärjestelmät:</strong> …' paragraphs; the council named in its prose."""
    result = run("fi_regional_council.html", organisation=None)
    description = result.description
    assert description.organisation.name == {"fi": "Esimerkin liitto"}
    assert description.organisation.kind is OrganisationKind.REGIONAL_COUNCIL
    found = registers(description)
    development = found["Aluekehityksen tietovaranto"]
    assert systems(development) == [("Hyrrä", "hyrra", True), ("EURA 2021", "eura-2021", True)]
    assert concepts(development) == ["initiator", "person-name", "business-id"]
    planning = found["Maakuntakaavoituksen tietovaranto"]
    assert [s.exact_match for s in planning.systems] == ["trimble-locus"]


@pytest.mark.parametrize("name", ["fi_dash_items.txt", "sv_dash_items.txt"])
def test_name_dash_purpose_items_and_a_data_lead_in(name: str) -> None:
    """'• Yleishallinnon tietovaranto – lakisääteisten …' is 'Name: purpose'; a unit's plural
    heading above registers; 'Tietovaranto sisältää seuraavat tiedot:' opens the data groups;
    'Granlund Manager – kiinteistöjen ylläpito' is a system and what it is for."""
    description = placed(name)
    language = description.language
    found = list(registers(description).values())
    assert len(found) == 3
    assert all(r.purpose is not None for r in found[:2])
    assert len(description.units) == 2
    last = found[-1]
    assert len(groups(last, language)) == 2
    [system] = last.systems
    assert system.name == "Granlund Manager"
    assert system.description is not None


@pytest.mark.parametrize("name", ["fi_bulletless_copy.txt", "sv_bulletless_copy.txt"])
def test_lists_copied_without_their_bullets(name: str) -> None:
    """One short line per item, each read as a heading by the text reader: under a section
    heading they are its values, until a line is followed by a section its register has."""
    description = placed(name)
    language = description.language
    first, second = list(registers(description).values())
    assert len(groups(first, language)) == 3
    assert [s.exact_match for s in first.systems] == ["primus", "wilma"]
    assert concepts(first) == ["person-name", "personal-identity-code"]
    assert second.title[language] in ("Varhaiskasvatus", "Småbarnspedagogik")
    assert len(groups(second, language)) == 2


@pytest.mark.parametrize("name", ["fi_fields_in_one_line.txt", "sv_fields_in_one_line.txt"])
def test_several_fields_in_one_line(name: str) -> None:
    """'Käyttötarkoitus: … . Tietojärjestelmät: YLVA, Tweb. Hakutekijät: …' on one line."""
    [register] = [r for _, r in placed(name).registers()]
    assert register.purpose is not None
    assert [s.exact_match for s in register.systems] == ["ylva", "tweb"]
    assert concepts(register)[:2] == ["case-number", "property-id"]


def test_service_areas_without_register_words() -> None:
    """Headings that name only a service ('Varhaiskasvatus', 'Tekninen toimi') with their
    fields below; 'Asianhallinta' with prose that names its system and how it is searched."""
    result = run("fi_service_areas.txt", organisation=None)
    description = result.description
    assert description.organisation.name == {"fi": "Mäntylän kunta"}
    found = registers(description)
    assert list(found) == ["Asianhallinta", "Varhaiskasvatus", "Perusopetus", "Tekninen toimi"]
    assert systems(found["Asianhallinta"]) == [("Dynasty", "dynasty", False)]
    assert concepts(found["Asianhallinta"]) == ["case-number", "case-title", "person-name", "date"]
    assert [s.exact_match for s in found["Tekninen toimi"].systems] == ["facta", "trimble-locus"]
    assert description.organisation.api is not None
    # the paragraph about another organisation is reported, not placed
    assert any("hyvinvointialue" in line for line in result.unplaced)


def test_swedish_sectors_with_fields_as_list_items() -> None:
    """'Kommunens ärenderegister' described in prose; sectors whose list items are fields."""
    result = run("sv_sectors.html", organisation=None)
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.name == {"sv": "Skärby kommun"}
    found = registers(description)
    assert list(found) == ["Kommunens ärenderegister", "Bildningsväsendet", "Tekniska sektorn"]
    assert systems(found["Kommunens ärenderegister"]) == [("Tweb", "tweb", False)]
    assert [s.exact_match for s in found["Bildningsväsendet"].systems] == [
        "primus",
        "wilma",
        "edlevo",
    ]
    assert concepts(found["Tekniska sektorn"]) == ["property-id", "address"]


def test_prose_sections_name_their_systems_and_search() -> None:
    """A heading per area and one paragraph each: systems and search criteria in prose."""
    description = placed_with("fi_prose_sections.txt", "Esimerkin kunta")
    found = registers(description)
    assert list(found) == ["Henkilöstöhallinto", "Taloushallinto", "Ruokapalvelut"]
    assert [s.exact_match for s in found["Henkilöstöhallinto"].systems] == [
        "populus",
        "personec",
    ]
    assert concepts(found["Henkilöstöhallinto"]) == ["person-name", "personal-identity-code"]
    assert [s.name for s in found["Ruokapalvelut"].systems] == ["Aromi"]


def test_numbered_areas_with_fields() -> None:
    """'1. Opiskelijahallinto' followed by its fields is a register, not a list item; the
    page names the joint authority in capitals."""
    result = run("fi_numbered_fields.txt", organisation=None)
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.name == {"fi": "Esimerkin koulutuskuntayhtymä"}
    found = registers(description)
    assert list(found) == ["Opiskelijahallinto", "Henkilöstöhallinto", "Asianhallinta"]
    assert [s.exact_match for s in found["Opiskelijahallinto"].systems] == [
        "primus",
        "wilma",
        "ehoks",
        "koski",
    ]
    authority = description.organisation.disclosure_authority
    assert authority is not None and authority.contact is not None
    assert authority.contact.email == "kirjaamo@esimerkinkoulutus.fi"


def placed_with(name: str, organisation: str) -> Description:
    """Import one fixture, with the organisation given, that must place every line."""
    result = run(name, organisation)
    assert result.unplaced == (), result.unplaced
    return result.description


def test_heading_over_a_register_defined_below_it() -> None:
    """'X stads ärenderegister och …' above 'X stads ärenderegister är en helhet …'."""
    from dcatgen.importer import import_text

    page = (
        "Exempelby stads ärenderegister och informationshantering\n\n"
        "Exempelby stads ärenderegister är en helhet som innehåller metadata om ärenden.\n"
    )
    result = import_text(page, html=False, organisation="Exempelby stad")
    [register] = [r for _, r in result.description.registers()]
    assert register.title == {"sv": "Exempelby stads ärenderegister"}
    assert register.id == "exempelby-stad"
    assert result.confidence[register.id]["title"] == "guess"


def test_what_the_law_asks_in_general_is_no_register() -> None:
    """An opening that speaks of search criteria in general names none: nothing to import."""
    from dcatgen.errors import InputError
    from dcatgen.importer import import_text

    page = (
        "En hand stämplar ett dokument\n\nInnehåll\n\n"
        "I beskrivningen anges exempel på sökvillkor som kan användas för att söka uppgifter.\n"
    )
    with pytest.raises(InputError, match="nothing recognisable"):
        import_text(page, html=False, organisation="Exempelby stad")
