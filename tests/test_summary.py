"""The §28 summary in dct:description, and the page-URL rule (both used by the CKAN branch)."""

from __future__ import annotations

import doctest

import pytest

import dcatgen.site.paths
from dcatgen.mapping.summary import register_description, s28_summary
from dcatgen.mapping.tables import description_triples
from dcatgen.model.description import (
    ApiStatement,
    Availability,
    Description,
    Organisation,
    Register,
    System,
    Unit,
)
from dcatgen.model.load import load_file
from dcatgen.rdf.terms import DCT, DG, literal
from dcatgen.site.paths import page_languages, page_path, register_page_url
from tests.conftest import MINIMAL, SEED


@pytest.fixture(scope="module")
def seed() -> Description:
    return load_file(SEED).description


def _register(description: Description, register_id: str) -> tuple[Register, Unit]:
    for unit, register in description.registers():
        if register.id == register_id:
            return register, unit
    raise KeyError(register_id)


def test_seed_summary_states_items_1_3_4_5_in_finnish(seed: Description) -> None:
    """Every system (with its parts), every data group in order, the criteria, the API."""
    register, unit = _register(seed, "perusopetus-ja-lukio")
    lines = s28_summary(register, unit, seed.organisation, "fi", "fi").split("\n")
    assert lines == [
        "Tiedot ovat tietojärjestelmässä MultiPrimus (sis. Wilma ja Kurre; "
        "opiskelijahallinnon kokonaisjärjestelmä).",
        "Tietoaineistot: Opiskelijoiden, huoltajien, opettajien ja henkilökunnan yhteystiedot; "
        "Opiskeluun liittyvä tieto kuten valinnat, arvosanat, todistukset ja päätökset; "
        "Opetukseen osallistumiseen liittyvä historia; Pedagogisen tuen järjestämiseen "
        "liittyvät tiedot ja opiskeluhuollon kirjaukset; Muu opetukseen liittyvä tieto kuten "
        "koulukuljetukset, aamu- ja iltapäivätoimintaan liittyvät tiedot; Tilastot ja raportit.",
        "Tietopyynnöissä voi käyttää hakutekijöinä: henkilön nimi ja henkilötunnus.",
        # Inherited from the unit: the register states no API of its own.
        "Tiedot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.",
    ]


def test_plural_and_list_rules_follow_the_language(seed: Description) -> None:
    register, unit = _register(seed, "varhaiskasvatus")
    fi = s28_summary(register, unit, seed.organisation, "fi", "fi")
    sv = s28_summary(register, unit, seed.organisation, "sv", "fi")
    en = s28_summary(register, unit, seed.organisation, "en", "fi")
    assert fi.startswith("Tiedot ovat tietojärjestelmissä Pro Consona (varhaiskasvatus) ja Wilma")
    assert sv.startswith("Uppgifterna finns i informationssystemen Pro Consona")
    assert " och Wilma (" in sv
    assert en.startswith("The data is kept in the information systems Pro Consona")
    assert "Search criteria usable in information requests: person's name and personal" in en
    single, unit = _register(seed, "kirjastopalvelut")
    assert s28_summary(single, unit, seed.organisation, "fi", "fi").startswith(
        "Tiedot ovat tietojärjestelmässä Vaski-kirjastojen tietokanta."
    )


def test_missing_items_are_said_to_be_missing() -> None:
    """A register that states nothing gets a sentence per item saying so, not an error."""
    organisation = Organisation(
        id="x", name={"fi": "X"}, kind="municipality", base_iri="https://example.org/x/"
    )
    register = Register(id="r", kind="case-register", title={"fi": "R"})
    unit = Unit(id="u", name={"fi": "U"}, registers=(register,))
    assert s28_summary(register, unit, organisation, "fi", "fi").split("\n") == [
        "Kuvauksessa ei mainita tietojärjestelmää.",
        "Kuvauksessa ei luetella tietoaineistoja.",
        "Kuvauksessa ei mainita hakutekijöitä.",
        "Kuvauksessa ei kerrota, ovatko tiedot saatavissa avoimesti teknisen rajapinnan avulla.",
    ]
    # Nothing to lead with: no description is invented (validation reports it missing).
    assert register_description(register, unit, organisation, "fi") == {}


def test_statement_national_systems_and_the_organisations_api() -> None:
    organisation = Organisation(
        id="x",
        name={"fi": "X"},
        kind="municipality",
        base_iri="https://example.org/x/",
        api=ApiStatement(availability=Availability.MOSTLY_NOT_OPEN),
    )
    register = Register.model_validate(
        {
            "id": "r",
            "kind": "case-register",
            "title": {"fi": "R", "sv": "R sv"},
            "data_groups": [{"name": {"fi": "Hakemukset", "sv": "Ansökningar"}}, "Päätökset."],
            "systems": [System(name="Varda", national=True)],
            "search_criteria": {"statement": {"fi": "Asianumero", "sv": "Ärendenummer"}},
        }
    )
    unit = Unit(id="u", name={"fi": "U"}, registers=(register,))
    fi = s28_summary(register, unit, organisation, "fi", "fi").split("\n")
    sv = s28_summary(register, unit, organisation, "sv", "fi").split("\n")
    assert fi[0] == "Tiedot ovat tietojärjestelmässä Varda (kansallinen järjestelmä)."
    assert fi[1] == "Tietoaineistot: Hakemukset; Päätökset."
    assert fi[2] == "Asianumero."  # the statement, made a sentence
    assert fi[3].startswith("Tiedot eivät pääsääntöisesti ole saatavissa")
    # Swedish words where the description has them, its Finnish ones where it has none.
    assert sv[1] == "Informationsmaterial: Ansökningar; Päätökset."
    assert sv[2] == "Ärendenummer."
    assert sv[3] == "Uppgifterna är i regel inte öppet tillgängliga via ett tekniskt gränssnitt."


def test_dct_description_is_the_purpose_then_the_summary(seed: Description) -> None:
    """The description no longer only repeats dg:purpose: the summary follows it."""
    triples = set(description_triples(seed))
    for unit, register in seed.registers():
        dataset = f"<{seed.organisation.base_iri}register/{register.id}>"
        assert register.purpose is not None
        purpose = literal(register.purpose["fi"], "fi")
        summary = s28_summary(register, unit, seed.organisation, "fi", "fi")
        expected = literal(f"{register.purpose['fi']}\n\n{summary}", "fi")
        assert (dataset, DG.purpose, purpose) in triples
        assert (dataset, DCT.description, expected) in triples
        assert (dataset, DCT.description, purpose) not in triples


def test_own_description_leads_and_every_language_gets_its_summary() -> None:
    description = load_file(MINIMAL).description
    register, unit = _register(description, "asianhallinta")
    texts = register_description(
        register.model_copy(update={"description": {"fi": "Oma kuvaus.", "sv": "Egen."}}),
        unit,
        description.organisation,
        "fi",
    )
    assert set(texts) == {"fi", "sv"}
    assert texts["fi"].startswith("Oma kuvaus.\n\nTiedot ovat tietojärjestelmissä Dynasty (sis.")
    assert texts["sv"].startswith(
        "Egen.\n\nUppgifterna finns i informationssystemen Dynasty (inkl."
    )


def test_page_url_rule(seed: Description) -> None:
    assert register_page_url(seed, "kirjastopalvelut", "fi") == (
        "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut.html"
    )
    assert page_path("unit", "kasvatus-ja-sivistys", "sv", "fi") == (
        "unit/kasvatus-ja-sivistys.sv.html"
    )
    assert page_path("information-request", "", "fi", "fi") == "information-request.html"
    with pytest.raises(ValueError, match="unknown page kind"):
        page_path("person", "x", "fi", "fi")


def test_page_languages(seed: Description) -> None:
    """A Swedish name alone makes no Swedish site; a Swedish register title does."""
    assert seed.organisation.name.get("sv") == "Virmo kommun"
    assert page_languages(seed) == ("fi",)
    assert page_languages(load_file(MINIMAL).description) == ("fi", "sv")


def test_doctests_of_the_page_rule() -> None:
    failures, tried = doctest.testmod(dcatgen.site.paths)
    assert tried >= 4
    assert failures == 0
