"""The register → CKAN dataset mapping, without a portal (tests/test_ckan.py has the portal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from dcatgen.errors import InputError
from dcatgen.model.load import load_file, parse_text
from dcatgen.publish.ckan.fields import (
    AVOINDATA,
    ROWS,
    STOCK,
    Target,
    dataset_name,
    datasets,
    differences,
    entries,
    licence_key,
    licence_table,
    mapping_table,
    patch_of,
)
from tests.conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
LICENCES = licence_table(
    [
        {"id": "cc-by-4.0", "url": "http://creativecommons.org/licenses/by/4.0/"},
        {"id": "other-closed", "url": ""},
    ]
)
PUBLISHING = (
    "  contact_point: {email: kirjaamo@example.org}\n"
    "  license: https://creativecommons.org/licenses/by/4.0\n"
    "  collection_type: open-data\n"
)


def _seed(extra: str = PUBLISHING, text: str | None = None) -> str:
    text = SEED.read_text(encoding="utf-8") if text is None else text
    base = "  base_iri: https://w3id.org/dcatgen/id/mynamaki/\n"
    return text.replace(base, base + extra, 1)


def _datasets(yaml: str, schema: str = AVOINDATA) -> list[dict[str, object]]:
    source = parse_text(yaml, Path("mynamaki.yaml"))
    return [d for _, d in datasets(source, Target(schema, "org-id", LICENCES))]


def test_the_seed_maps_to_avoindata_fields() -> None:
    library = _datasets(_seed())[2]
    iri = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut"
    assert library == {
        "name": "mynamaki-kirjastopalvelut",
        "owner_org": "org-id",
        "title": "Kirjastopalveluiden asiarekisteri",
        "title_translated": {"fi": "Kirjastopalveluiden asiarekisteri"},
        "notes": library["notes"],
        "notes_translated": {"fi": library["notes"]},
        "keywords": {
            "fi": ["yleiset kirjastot", "kirjastopalvelut"],
            "sv": ["allmänna bibliotek", "bibliotekstjänster"],
            "en": ["public libraries", "library services"],
        },
        # The licence URI was written with https and no final slash: matched all the same.
        "license_id": "cc-by-4.0",
        "collection_type": "Open Data",
        "maintainer": "Mynämäen kunta",
        "maintainer_email": ["kirjaamo@example.org"],
        "external_urls": [iri + ".html", iri + ".ttl"],
        "extras": [
            {"key": "uri", "value": iri},
            {"key": "dcatgen_catalog", "value": "https://w3id.org/dcatgen/id/mynamaki/catalog"},
        ],
    }


def test_the_notes_carry_the_s28_summary() -> None:
    """The register's purpose, a blank line, then §28 items 1, 3, 4 and 5 in plain words."""
    notes = str(_datasets(_seed())[2]["notes"])
    purpose, summary = notes.split("\n\n")
    assert purpose.startswith("Tietojärjestelmän käyttötarkoitus")
    assert summary.splitlines() == [
        "Tiedot ovat tietojärjestelmässä Vaski-kirjastojen tietokanta.",
        "Tietoaineistot: Kirjaston asiakkaan tiedot; Lainauksenvalvonnan tapahtumatiedot; "
        "Selvittämättömät asiat: huomautukset ja asiakkaan statukset; Lainaajaa koskevat "
        "tilastotiedot; Kirjaston kokoelmatiedot.",
        "Tietopyynnöissä voi käyttää hakutekijöinä: henkilön nimi, asiakasnumero ja henkilötunnus.",
        "Tiedot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.",
    ]


def test_pages_in_every_site_language_are_linked() -> None:
    """A Swedish title gives the register a Swedish page too (site.paths decides)."""
    yaml = _seed().replace(
        "title: Kirjastopalveluiden asiarekisteri",
        "title: {fi: Kirjastopalveluiden asiarekisteri, sv: Bibliotekens ärenderegister}",
    )
    base = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut"
    assert _datasets(yaml)[2]["external_urls"] == [base + ".html", base + ".sv.html", base + ".ttl"]


def test_stock_ckan_gets_one_language_and_one_address() -> None:
    library = _datasets(_seed(), STOCK)[2]
    assert library["url"] == "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut.html"
    assert library["tags"] == [{"name": "yleiset kirjastot"}, {"name": "kirjastopalvelut"}]
    assert library["maintainer_email"] == "kirjaamo@example.org"
    assert "title_translated" not in library and "collection_type" not in library


def test_values_given_lower_down_win() -> None:
    """The register's own licence, contact and collection type beat the organisation's."""
    yaml = _seed().replace(
        "        themes: [EDUC]\n        subjects: [p16658, p8432]\n",
        "        themes: [EDUC]\n        subjects: [p16658, p8432]\n"
        "        license: other-closed\n"
        "        collection_type: interoperability-tools\n"
        "        contact_point: {name: Kirjasto, email: kirjasto@example.org}\n",
    )
    library = _datasets(yaml)[2]
    assert library["license_id"] == "other-closed"
    assert library["collection_type"] == "Interoperability Tools"
    assert (library["maintainer"], library["maintainer_email"]) == (
        "Kirjasto",
        ["kirjasto@example.org"],
    )
    assert _datasets(yaml)[0]["license_id"] == "cc-by-4.0"


def test_the_disclosure_authority_stands_in_for_a_contact_point() -> None:
    extra = (
        "  disclosure_authority:\n"
        "    name: Sivistyslautakunta\n"
        "    contact: {email: sivistys@example.org}\n"
        "  license: cc-by-4.0\n"
        "  collection_type: open-data\n"
    )
    first = _datasets(_seed(extra))[0]
    assert first["maintainer"] == "Sivistyslautakunta"
    assert first["maintainer_email"] == ["sivistys@example.org"]


def test_missing_values_are_named_once_at_the_organisation() -> None:
    source = load_file(SEED)
    with pytest.raises(InputError) as refused:
        datasets(source, Target(AVOINDATA, "org-id", LICENCES))
    problems = refused.value.problems
    assert [p.field for p in problems] == [
        "organisation.license",
        "organisation.collection_type",
        "organisation.contact_point",
    ]
    assert all(p.position is not None and p.position.line == 14 for p in problems)


def test_an_unknown_licence_points_at_where_it_is_given() -> None:
    yaml = _seed(PUBLISHING.replace("https://creativecommons.org/licenses/by/4.0", "odc-odbl"))
    with pytest.raises(InputError) as refused:
        _datasets(yaml)
    (problem,) = refused.value.problems
    assert problem.field == "organisation.license"
    assert problem.position is not None and problem.position.line == 22
    assert "'odc-odbl' is not in the licence list of the portal" in problem.message
    assert "(cc-by-4.0, other-closed)" in problem.message


def test_a_register_without_a_finnish_keyword_is_named() -> None:
    """A register with neither subjects nor keywords has no Finnish keyword."""
    yaml = _seed().replace("        subjects: [p16658, p8432]\n", "")
    with pytest.raises(InputError) as refused:
        _datasets(yaml)
    (problem,) = refused.value.problems
    assert problem.field == "units[0].registers[2].subjects"
    assert "at least one Finnish keyword" in problem.message


def test_a_keyword_ckan_would_refuse_is_named() -> None:
    yaml = _seed().replace(
        "        subjects: [p16658, p8432]\n",
        "        subjects: [p16658, p8432]\n        keywords: [lainat/varaukset]\n",
    )
    with pytest.raises(InputError) as refused:
        _datasets(yaml)
    (problem,) = refused.value.problems
    assert problem.field == "units[0].registers[2].keywords"
    assert "'lainat/varaukset' cannot be a CKAN keyword" in problem.message


def test_dataset_names_fit_ckan() -> None:
    assert dataset_name("mynamaki", "kirjastopalvelut") == "mynamaki-kirjastopalvelut"
    long = dataset_name("a" * 60, "b" * 60)
    assert len(long) == 100
    assert long != dataset_name("a" * 60, "b" * 59 + "c")
    assert licence_key("HTTP://creativecommons.org/licenses/by/4.0/") == licence_key(
        "https://creativecommons.org/licenses/by/4.0"
    )


def test_a_patch_keeps_what_dcatgen_does_not_own() -> None:
    wanted = _datasets(_seed())[2]
    held = {
        **wanted,
        "title": "Muutettu portaalissa",
        "groups": [{"name": "koulutus"}],
        "extras": [{"key": "note", "value": "kept"}, *cast(list[Any], wanted["extras"])],
    }
    assert differences(wanted, held) == ["title"]
    patch = patch_of(wanted, held)
    assert patch["title"] == "Kirjastopalveluiden asiarekisteri"
    assert patch["extras"][0] == {"key": "note", "value": "kept"}
    assert "groups" not in patch


def test_docs_field_table_is_current() -> None:
    """docs/ckan.md's table is made from the rows (python tools/update_readme.py)."""
    docs = (ROOT / "docs" / "ckan.md").read_text(encoding="utf-8")
    assert mapping_table() in docs, "docs/ckan.md is stale: run python tools/update_readme.py"


def test_avoindata_titles_are_finnish_stock_ones_in_the_description_language() -> None:
    """avoindata.fi overwrites `title` with the Finnish title: sending another would differ
    on every run. Stock CKAN gets the description's own language."""
    yaml = (
        _seed()
        .replace("language: fi\n", "language: sv\n", 1)
        .replace(
            "title: Kirjastopalveluiden asiarekisteri",
            "title: {sv: Bibliotekens ärenderegister, fi: Kirjastopalveluiden asiarekisteri}",
        )
    )
    library = entries(parse_text(yaml, Path("mynamaki.yaml")))[2]
    (title,) = [row for row in ROWS if row.field == "title"]
    assert title.value(library, Target(AVOINDATA, "o", LICENCES)) == (
        "Kirjastopalveluiden asiarekisteri"
    )
    assert title.value(library, Target(STOCK, "o", LICENCES)) == "Bibliotekens ärenderegister"
