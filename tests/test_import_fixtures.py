"""One fixture per layout variant of domain.md ("How published descriptions vary"), fi and sv.

Each test imports a page written for this suite and asserts on the parsed model: the
registers, their data groups, systems, search criteria and statements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dcatgen.importer import ImportResult, import_source, import_text
from dcatgen.model.description import (
    Availability,
    Description,
    LinkKind,
    OrganisationKind,
    Register,
    RegisterKind,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
IR, CR = RegisterKind.INFORMATION_RESOURCE, RegisterKind.CASE_REGISTER


def run(name: str, organisation: str | None = "Esimerkin kunta") -> ImportResult:
    """Import one fixture."""
    return import_source(str(FIXTURES / name), organisation=organisation)


def load(name: str, organisation: str | None = "Esimerkin kunta") -> Description:
    """Import one fixture that must place every line."""
    result = run(name, organisation)
    assert result.unplaced == (), result.unplaced
    return result.description


def registers(description: Description) -> dict[str, Register]:
    """Registers by id, in document order."""
    return {register.id: register for _, register in description.registers()}


def text(value: dict[str, str] | None, language: str = "fi") -> str | None:
    """A text in one language."""
    return None if value is None else value[language]


def groups(register: Register, language: str = "fi") -> list[str]:
    """Data-group names."""
    return [group.name[language] for group in register.data_groups]


def systems(register: Register, language: str = "fi") -> list[tuple[Any, ...]]:
    """Systems as (name, parts, national, description)."""
    return [
        (s.name, list(s.parts), s.national, text(s.description, language)) for s in register.systems
    ]


def concepts(register: Register) -> list[str]:
    """Search-criterion concepts."""
    assert register.search_criteria is not None
    return [concept.value for concept in register.search_criteria.concepts]


def test_bullets_instead_of_numbers() -> None:
    """•, - and * lists are read like numbered ones."""
    description = load("fi_bullets.txt")
    [unit] = description.units
    assert (unit.name["fi"], unit.id) == ("Sivistystoimi", "sivistystoimi")
    found = registers(description)
    assert list(found) == ["esiopetus", "kulttuuripalvelut"]
    assert groups(found["esiopetus"]) == [
        "Lasten ja huoltajien yhteystiedot",
        "Esiopetussuunnitelmat",
        "Poissaolotiedot",
    ]
    assert systems(found["esiopetus"]) == [("Edlevo", [], False, None), ("Wilma", [], False, None)]
    assert groups(found["kulttuuripalvelut"]) == [
        "Avustushakemukset ja -päätökset",
        "Tapahtumien järjestäjien yhteystiedot",
        "Salivaraukset",
    ]
    assert systems(found["kulttuuripalvelut"]) == [
        ("Dynasty", [], False, "asianhallinta"),
        ("Timmi", [], False, "tilanvaraus"),
    ]
    assert concepts(found["kulttuuripalvelut"]) == [
        "initiator",
        "person-name",
        "organisation-name",
        "date",
    ]
    assert found["kulttuuripalvelut"].kind is CR and found["esiopetus"].kind is IR


def test_split_system_lists() -> None:
    """Indented items are parts of the system above; 'Label: a, b ja c' splits into systems."""
    found = registers(load("fi_split_systems.txt"))
    assert systems(found["vanhuspalvelut"]) == [
        ("Lifecare", ["Lifecare Kotihoito", "Lifecare Asiakasmaksut"], False, None),
        ("Hilkka-mobiili", [], False, None),
    ]
    assert systems(found["toimeentulotuen"]) == [
        ("ProSos", [], False, None),
        ("Kelmu", [], False, None),
        ("Effica", [], False, None),
    ]
    assert groups(found["toimeentulotuen"]) == ["Hakemukset liitteineen", "Päätökset"]
    assert concepts(found["vanhuspalvelut"]) == [
        "person-name",
        "personal-identity-code",
        "customer-id",
    ]


def test_web_page_noise_in_copied_text() -> None:
    """Skip links, text-size widgets, breadcrumbs and footers are skipped and counted."""
    result = run("fi_web_noise.txt")
    assert result.unplaced == ()
    assert result.furniture == 14
    assert "#   line 1: Siirry sisältöön" in result.yaml
    assert "#   line 34: © Esimerkin kunta 2024" in result.yaml
    [unit] = result.description.units
    assert unit.name["fi"] == "Ympäristöpalvelut"
    [register] = [r for _, r in result.description.registers()]
    assert register.title["fi"] == "Ympäristönsuojelun asiarekisteri"
    assert systems(register) == [("Tarkastaja", [], False, None), ("YLVA", [], True, None)]
    assert concepts(register) == ["case-number", "property-id", "initiator", "person-name"]


def test_no_headings_inline_fields() -> None:
    """'Rekisterin nimi: …' starts a register; 'Keskeiset tietoaineistot: a, b' lists."""
    description = load("fi_inline_fields.txt")
    [unit] = description.units
    assert unit.name["fi"] == "Esimerkin kunta"  # no unit named: the organisation itself
    found = registers(description)
    assert list(found) == ["rakennusvalvonnan", "kiinteistojen-vuokraus"]
    first = found["rakennusvalvonnan"]
    assert text(first.purpose) == (
        "Rakennuslupien käsittely, rakentamisen valvonta ja rakennusten tietojen ylläpito."
    )
    assert groups(first) == [
        "lupahakemukset",
        "lupapäätökset",
        "pääpiirustukset",
        "katselmuspöytäkirjat",
    ]
    assert systems(first) == [
        ("Lupapiste", [], True, None),
        ("Facta", [], False, "rakennusvalvonta"),
    ]
    assert concepts(first) == ["property-id", "initiator", "person-name", "address", "case-number"]
    assert concepts(found["kiinteistojen-vuokraus"]) == [
        "person-name",
        "business-id",
        "property-id",
    ]


def test_richer_search_criteria() -> None:
    """Case number, title, initiator, decision-maker, date, document type, customer number."""
    found = registers(load("fi_rich_criteria.txt"))
    assert concepts(found["asianhallinnan"]) == [
        "case-number",
        "case-title",
        "initiator",
        "decision-maker",
        "date",
        "document-type",
    ]
    billing = found["laskutus"]
    assert concepts(billing) == ["customer-id", "business-id", "date-of-birth"]
    assert billing.search_criteria is not None
    assert text(billing.search_criteria.statement) == (
        "Hakutekijöinä voidaan käyttää asiakasnumeroa, y-tunnusta, syntymäaikaa tai laskun numeroa."
    )


def test_secrecy_sentence() -> None:
    """The secrecy sentence is kept with the legal ground it cites."""
    [register] = [r for _, r in load("fi_secrecy.txt").registers()]
    assert register.secrecy is not None
    assert text(register.secrecy.statement) == (
        "Tietosisältö on osittain salassa pidettävää (JulkL 24 § 1 mom. 25 k.)."
    )
    assert register.secrecy.grounds == ("JulkL 24 § 1 mom. 25 k.",)
    assert text(register.purpose) == (
        "Rekisteriin kirjataan oppilashuollon palvelut ja yksilökohtaiset oppilashuoltokertomukset."
    )
    assert systems(register) == [("Wilma", [], False, "oppilashuolto")]


def test_national_systems() -> None:
    """'(kansallinen)', '(valtakunnallinen …)' mark national systems; parts still read."""
    description = load("fi_national_systems.txt")
    assert description.units[0].name["fi"] == "Varhaiskasvatuspalvelut"
    [register] = [r for _, r in description.registers()]
    assert systems(register) == [
        ("Daisy", [], False, None),
        ("Varda", [], True, None),
        ("Koski", [], True, "valtakunnallinen opintotietojen tietovaranto"),
        ("Kanta-palvelut", ["Omakanta", "Kelain"], True, None),
    ]
    assert [s.wording for s in register.systems][1] == "Varda (kansallinen)"


def test_organisation_level_hedged_api_statement() -> None:
    """One API statement for the whole organisation, hedged: mostly not open."""
    description = load("fi_org_api_hedged.txt")
    api = description.organisation.api
    assert api is not None and api.availability is Availability.MOSTLY_NOT_OPEN
    assert [u.name["fi"] for u in description.units] == ["Tekninen toimiala", "Vapaa-aikatoimi"]
    purpose = (
        "Kunnan rekisterien käyttötarkoitus on kuntalaisten palvelujen järjestäminen ja "
        "kunnan hallinnon hoitaminen."
    )
    assert all(text(unit.purpose) == purpose for unit in description.units)
    for _, register in description.registers():
        assert register.api is None  # inherited from the organisation when mapped
    found = registers(description)
    assert concepts(found["katujen-ja-yleisten-alueet"]) == ["address", "case-number"]


def test_several_resources_prose_nested_and_managed_elsewhere() -> None:
    """'<X> tietovarannon kuvaus ja rekisterit / tietoaineistot / tietojärjestelmät' as prose."""
    description = load("fi_resources_prose.txt")
    assert [u.name["fi"] for u in description.units] == [
        "Tekninen toimiala",
        "Ympäristöpalveluiden vastuualue",
    ]
    found = registers(description)
    assert [(r.id, r.part_of) for r in found.values()] == [
        ("rakennusvalvonnan", None),
        ("rakennuslupien", "rakennusvalvonnan"),
        ("katselmusten", "rakennusvalvonnan"),
        ("vesihuollon", None),
        ("katuvalaistus", None),
    ]
    building = found["rakennusvalvonnan"]
    assert building.kind is IR and found["rakennuslupien"].kind is CR
    assert text(building.purpose) == (
        "Rakennusvalvonnan tietovarantoa käytetään rakennuslupien käsittelyyn ja "
        "rakentamisen valvontaan."
    )
    assert groups(building) == [
        "lupahakemukset",
        "lupapäätökset",
        "pääpiirustukset",
        "katselmuspöytäkirjat",
    ]
    assert systems(building) == [
        ("Lupapiste", [], True, None),
        ("Facta", [], False, "rakennusvalvonta"),
    ]
    assert [(str(link.url), link.kind) for link in building.links] == [
        ("https://www.esimerkki.fi/tietosuoja/rakennusvalvonta", LinkKind.PRIVACY_NOTICE),
        ("https://www.esimerkki.fi/tos/rakennusvalvonta", LinkKind.RECORDS_MANAGEMENT_PLAN),
    ]
    # A nested register without a purpose of its own takes its resource's (line 5).
    assert found["rakennuslupien"].purpose == building.purpose
    assert building.task_class == "10.03.01"
    assert text(building.retention) == "säilytysaika pysyvä"
    assert text(found["katselmusten"].purpose) == (
        "Rekisteriin kirjataan aloitus-, rakenne- ja loppukatselmukset."
    )
    assert systems(found["vesihuollon"]) == [("KuntaNet", [], False, "vesihuolto")]
    street_lights = found["katuvalaistus"]
    assert description.units[1].registers == (street_lights,)
    assert (
        text(street_lights.description) == "Rekisteriä ylläpitää ympäristöpalveluiden vastuualue."
    )


def test_one_bullet_per_resource() -> None:
    """'• Name: purpose' under a unit: one register each, nothing else."""
    description = load("fi_resource_bullets.txt")
    assert description.units[0].name["fi"] == "Konsernihallinto"
    assert [(r.title["fi"], r.kind, text(r.purpose)) for _, r in description.registers()] == [
        (
            "Henkilöstöhallinnon tietovaranto",
            IR,
            "palvelussuhteiden, palkanmaksun ja työterveyshuollon hoitaminen",
        ),
        ("Taloushallinnon tietovaranto", IR, "kirjanpito, ostolaskujen käsittely ja budjetointi"),
        (
            "Hankintojen asiarekisteri",
            CR,
            "kunnan hankintojen kilpailuttaminen ja sopimusten hallinta",
        ),
        ("Kirjaamo", IR, "saapuneiden asiakirjojen kirjaaminen ja asioiden vireillepano"),
    ]


def test_joint_authority_named_by_the_page() -> None:
    """A joint authority names itself in the first heading; its API statement is org-level."""
    description = load("fi_joint_authority.txt", organisation=None)
    organisation = description.organisation
    assert organisation.name == {"fi": "Länsirannikon koulutuskuntayhtymä"}
    assert organisation.kind is OrganisationKind.JOINT_AUTHORITY
    assert organisation.api is not None
    assert organisation.api.availability is Availability.NOT_OPEN
    found = registers(description)
    assert list(found) == ["opiskelijahallinnon", "asianhallinnan"]
    assert systems(found["opiskelijahallinnon"]) == [
        ("Primus", [], False, None),
        ("eHOKS", [], True, None),
    ]
    assert business_id_and_email_absent(description)


def business_id_and_email_absent(description: Description) -> bool:
    """Nothing the page does not state is invented."""
    organisation = description.organisation
    return organisation.business_id is None and organisation.contact_point is None


def test_paper_archive_as_physical_information_resource() -> None:
    """A paper archive under 'Fyysiset tietovarannot': retention and task class kept."""
    [register] = [r for _, r in load("fi_paper_archive.txt").registers()]
    assert (register.title["fi"], register.kind) == ("Koulujen paperiarkisto", IR)
    assert register.keywords == ("fyysinen tietovaranto",)
    assert register.systems == ()
    assert text(register.retention) == "pysyvästi"
    assert register.task_class == "12.01.02"
    assert text(register.purpose) == (
        "Paperiarkistossa säilytetään ennen vuotta 2010 laaditut oppilaskortit ja "
        "todistusjäljennökset. Aineistoa ei ole digitoitu."
    )
    assert concepts(register) == ["person-name", "date-of-birth"]


def test_html_page_with_noise() -> None:
    """HTML: nav, header, aside, footer, scripts dropped; tables and dl read as fields."""
    result = run("fi_noise.html", organisation=None)
    assert result.unplaced == ()
    description = result.description
    assert description.organisation.name == {"fi": "Järvikylän kunta"}
    assert description.organisation.kind is OrganisationKind.MUNICIPALITY
    [unit] = description.units
    assert unit.name["fi"] == "Sivistyspalvelut"
    assert unit.api is not None and unit.api.availability is Availability.NOT_OPEN
    found = registers(description)
    library = found["kirjaston"]
    assert groups(library) == ["Asiakastiedot", "Lainaushistoria", "Varaukset ja maksut"]
    assert systems(library) == [("Koha", ["verkkokirjasto Finna"], False, None)]
    assert concepts(library) == ["person-name", "customer-id", "personal-identity-code"]
    assert [(str(link.url), link.kind) for link in library.links] == [
        ("https://www.jarvikyla.example/tietosuoja/kirjasto", LinkKind.PRIVACY_NOTICE)
    ]
    youth = found["nuorisotyon"]
    assert text(youth.purpose) == "Etsivän nuorisotyön ja nuorisotilojen asiakkuuksien hoitaminen."
    assert systems(youth) == [("Nuta", [], False, None), ("PARent", [], False, None)]
    assert concepts(youth) == ["person-name", "date-of-birth"]
    for noise in ("window.dataLayer", "font-family", "Kirjasto suljettu", "Asuminen"):
        assert noise not in "".join(line for line in result.yaml.splitlines() if line[:1] != "#")


@pytest.mark.parametrize("organisation", [None, "Esimerkin kunta"])
def test_swedish_page_in_the_seed_shape(organisation: str | None) -> None:
    """Sv: unit, unit purpose and API, cross-reference, registers with sections."""
    if organisation is None:  # the page does not name it: a placeholder, reported
        result = run("sv_bildning.txt", organisation)
        assert result.description.organisation.name == {"sv": "Namnlös organisation"}
        assert result.unplaced[0].startswith("the page does not name its organisation")
        return
    description = load("sv_bildning.txt", organisation)
    assert description.language == "sv"
    [unit] = description.units
    assert unit.name == {"sv": "Bildningsavdelningen"}
    assert unit.api is not None and unit.api.availability is Availability.NOT_OPEN
    [reference] = unit.cross_references
    assert reference.topic == {"sv": "Föredragningslistor, protokoll och tjänsteinnehavarbeslut"}
    assert (reference.target_unit, reference.target_register) == (
        "förvaltningsavdelningen",
        "ärendehanteringsregistret",
    )
    found = registers(description)
    school = found["grundlaggande-utbildning"]
    assert school.kind is IR
    assert groups(school, "sv")[1] == "Vitsord, betyg och beslut"
    assert systems(school, "sv") == [
        ("Primus", ["Wilma", "Kurre"], False, "elevadministrativt system")
    ]
    assert concepts(school) == ["person-name", "personal-identity-code"]
    library = found["biblioteksvasendet"]
    assert library.kind is CR
    assert text(library.purpose, "sv") == "bibliotekets samlingar och kunduppgifter samt statistik."
    assert concepts(library) == ["person-name", "customer-id", "personal-identity-code"]
    assert set(library.suggested_subjects) == {"p16658"}


def test_swedish_regional_council_html_with_tables() -> None:
    """Sv regional council: named in <title>, hedged org-level API, table rows as fields."""
    result = run("sv_regional_council.html", organisation=None)
    assert result.unplaced == ()
    description = result.description
    organisation = description.organisation
    assert organisation.name == {"sv": "Kustlandets förbund"}
    assert organisation.kind is OrganisationKind.REGIONAL_COUNCIL
    assert organisation.api is not None
    assert organisation.api.availability is Availability.MOSTLY_NOT_OPEN
    found = registers(description)
    development = found["regionutveckling"]
    assert development.kind is CR
    assert groups(development, "sv") == [
        "ansökningar",
        "beslut om finansiering",
        "utbetalningar",
        "slutrapporter",
    ]
    assert systems(development, "sv") == [("Hyrrä", [], True, None), ("Dynasty", [], False, None)]
    assert concepts(development) == ["case-number", "initiator", "organisation-name", "business-id"]
    assert development.secrecy is not None
    assert development.secrecy.grounds == ("OffL 24 § 1 mom. 20 punkten",)
    assert concepts(found["landskapsplanering"]) == ["case-number", "date"]
    assert found["landskapsplanering"].suggested_themes == ("REGI",)


def test_swedish_inline_fields_and_privacy_notice() -> None:
    """Sv inline fields, a national system, and a privacy notice link."""
    description = load("sv_inline_fields.txt")
    [register] = [r for _, r in description.registers()]
    assert register.title == {"sv": "Ärenderegister för miljöhälsa"}
    assert systems(register, "sv") == [
        ("Vati", [], True, None),
        ("Digia Tarkastaja", [], False, None),
    ]
    assert concepts(register) == ["person-name", "business-id", "address", "date"]
    [link] = register.links
    assert (str(link.url), link.kind, text(link.title, "sv")) == (
        "https://www.exempel.fi/dataskydd/miljohalsa",
        LinkKind.PRIVACY_NOTICE,
        "Dataskyddsbeskrivning",
    )


def test_every_fixture_loads_and_keeps_line_comments(tmp_path: Path) -> None:
    """Each written file loads with the normal loader; derived values cite their line."""
    from dcatgen.model.load import load_file

    for path in sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html")):
        organisation = None if path.name in ORGANISATION_NAMED else "Esimerkin kunta"
        result = run(path.name, organisation)
        target = tmp_path / f"{path.stem}.yaml"
        target.write_text(result.yaml, encoding="utf-8")
        assert load_file(target).description == result.description
        titles = [line for line in result.yaml.splitlines() if line.strip().startswith("title:")]
        assert titles and all("# line " in line for line in titles), path.name


ORGANISATION_NAMED = {"fi_joint_authority.txt", "fi_noise.html", "sv_regional_council.html"}


def test_registers_listed_under_a_resource() -> None:
    """A 'Rekisterit' list under a resource nests them; later sections stay the resource's."""
    page = (
        "Sivistysosasto\n\nOpetuksen tietovaranto\n\nTietovarantoa käytetään opetukseen.\n\n"
        "Rekisterit\n- Oppilasrekisteri\n- Arviointirekisteri\n\nTietoaineistot\n1. Oppilaat\n"
    )
    result = import_text(page, html=False, organisation="Esimerkin kunta")
    assert result.unplaced == ()
    found = registers(result.description)
    assert [(r.id, r.part_of) for r in found.values()] == [
        ("opetus", None),
        ("oppilasrekisteri", "opetus"),
        ("arviointirekisteri", "opetus"),
    ]
    assert groups(found["opetus"]) == ["Oppilaat"]


def test_html_heading_levels_nest_registers() -> None:
    """An h4 register under an h3 information resource is part of it; an h3 is not."""
    page = (
        "<main><h2>Sivistysosasto</h2><h3>Opetuksen tietovaranto</h3>"
        "<p>Tietovarantoa käytetään opetukseen.</p><h4>Oppilasrekisteri</h4>"
        "<h5>Tietoaineistot</h5><ul><li>Oppilaat</li></ul>"
        "<h3>Kirjaston asiarekisteri</h3><h4>Tietoaineistot</h4><ul><li>Lainat</li></ul></main>"
    )
    result = import_text(page, html=True, organisation="Esimerkin kunta")
    assert result.unplaced == ()
    found = registers(result.description)
    assert [(r.id, r.part_of, groups(r)) for r in found.values()] == [
        ("opetus", None, []),
        ("oppilasrekisteri", "opetus", ["Oppilaat"]),
        ("kirjaston", None, ["Lainat"]),
    ]


def test_a_second_managing_unit_is_unplaced_not_overwritten() -> None:
    """'Yksikkö: …' moves the register; a second one is reported, never silently replaced."""
    page = (
        "Hallinto-osasto\n\nKirjaamon asiarekisteri\n\n"
        "Yksikkö: Tekninen toimiala\nYksikkö: Sivistystoimi\n\nTietoaineistot\n1. Asiakirjat\n"
    )
    result = import_text(page, html=False, organisation="Esimerkin kunta")
    assert [(u.name["fi"], [r.id for r in u.registers]) for u in result.description.units] == [
        ("Hallinto-osasto", []),
        ("Tekninen toimiala", ["kirjaamon"]),
    ]
    assert result.unplaced == ("line 6: Yksikkö: Sivistystoimi",)
