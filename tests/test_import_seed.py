"""Importing the real seed page gives the hand-written description in data/ (modulo suggestions)."""

from __future__ import annotations

import pytest

from dcatgen.importer import import_source
from dcatgen.mapping.tables import description_triples, to_graph
from dcatgen.model.description import Description, Register
from dcatgen.model.load import load_file
from tests.conftest import DATA, ROOT
from tests.rdfdiff import explain_difference

SEED = ROOT.parent / "shared" / "seeds" / "mynamaki-kasvatus-ja-sivistys.txt"
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside the repo")


def without_classification(description: Description) -> Description:
    """The description without what dcatgen adds from its own tables.

    Themes and subjects (stated or suggested), and the links of systems to dcatgen's scheme
    of known systems: the importer adds those, the hand-written file has none.
    """
    cleared = {"themes": (), "subjects": (), "suggested_themes": (), "suggested_subjects": ()}

    def register(r: Register) -> Register:
        systems = tuple(s.model_copy(update={"exact_match": None}) for s in r.systems)
        return r.model_copy(update={**cleared, "systems": systems})

    units = tuple(
        unit.model_copy(update={"registers": tuple(register(r) for r in unit.registers)})
        for unit in description.units
    )
    return description.model_copy(update={"units": units})


@pytest.fixture(scope="module")
def imported() -> Description:
    """The seed page imported with the organisation's name given."""
    result = import_source(str(SEED), organisation="Mynämäen kunta")
    assert result.unplaced == ()
    return result.description


def test_seed_catalog_is_isomorphic_to_the_hand_written_one(imported: Description) -> None:
    """Same registers, data groups, systems, criteria and statements, as a graph.

    The page does not state the organisation's Swedish name, municipality code or IRI
    space, so the organisation record is taken from data/; themes and subjects are the
    publisher's (data/) or dcatgen's suggestions (import) and are compared separately.
    """
    hand = load_file(DATA / "mynamaki.yaml").description
    same_organisation = imported.model_copy(update={"organisation": hand.organisation})
    difference = explain_difference(
        to_graph(description_triples(without_classification(hand))),
        to_graph(description_triples(without_classification(same_organisation))),
    )
    assert difference is None, difference


def test_seed_registers_and_ids(imported: Description) -> None:
    """Register ids derived from the titles are the ones data/ chose."""
    assert [(u.id, u.name["fi"]) for u in imported.units] == [
        ("kasvatus-ja-sivistys", "Kasvatus- ja sivistysosasto")
    ]
    assert [r.id for _, r in imported.registers()] == [
        "perusopetus-ja-lukio",
        "varhaiskasvatus",
        "kirjastopalvelut",
        "nuorisopalvelut",
        "liikuntapalvelut",
    ]


def test_seed_suggestions_match_the_publishers_choice(imported: Description) -> None:
    """Suggested themes and subjects agree with data/'s hand-chosen ones.

    One known gap: pupil welfare (p6874) for basic and upper secondary education is named
    only in a data group, and suggestions read titles, purposes and descriptions only.
    """
    hand = {r.id: r for _, r in load_file(DATA / "mynamaki.yaml").description.registers()}
    for _, register in imported.registers():
        chosen = hand[register.id]
        assert set(register.suggested_themes) == set(chosen.themes), register.id
        expected_subjects = set(chosen.subjects) - {"p6874"}
        assert set(register.suggested_subjects) == expected_subjects, register.id
        assert register.themes == () and register.subjects == ()


def test_seed_systems_link_to_known_systems(imported: Description) -> None:
    """Known products are linked to the scheme; the page's own names stay as they are."""
    links = {
        (system.name, system.exact_match)
        for _, register in imported.registers()
        for system in register.systems
    }
    assert links == {
        ("MultiPrimus", "primus"),
        ("Pro Consona", "pro-consona"),
        ("Wilma", "wilma"),
        ("Vaski-kirjastojen tietokanta", None),
        ("PARent", "parent"),
        ("PARty", None),
        ("LYYTI", "lyyti"),
        ("Titania", "titania"),
        ("Uimahallin ja kuntosalin kassa- ja kulkukorttijärjestelmä", None),
    }
