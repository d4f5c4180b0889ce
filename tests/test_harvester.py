"""The real harvester: ckanext-dcat's RDFParser (CKAN 2.12) reads our catalog.

Runs in its own cached venv (tests/harvester/); the first run builds it from PyPI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dcatgen.build.pipeline import build
from dcatgen.mapping.summary import s28_summary
from dcatgen.model.load import load_file
from tests.conftest import DATA, SEED
from tests.harvester.ckan_env import REPO_CACHE_DIR, ensure_ckan_venv, harvest_with_ckanext_dcat

pytestmark = pytest.mark.slow

EXPECTED_TITLES = {
    "Perusopetuksen ja lukio-opetuksen tietovaranto",
    "Varhaiskasvatuksen tietovaranto",
    "Kirjastopalveluiden asiarekisteri",
    "Nuorisopalveluiden asiarekisterit",
    "Liikuntapalveluiden asiarekisterit",
}


@pytest.fixture(scope="module")
def ckan_python() -> Path:
    """The python of the cached ckan + ckanext-dcat venv (built on first use)."""
    return ensure_ckan_venv(REPO_CACHE_DIR)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed catalog, built."""
    folder = tmp_path_factory.mktemp("out")
    assert build(DATA, folder).written
    return folder


def _extra(dataset: dict[str, Any], key: str) -> str | None:
    for item in dataset.get("extras", []):
        if item["key"] == key:
            return str(item["value"])
    return None


@pytest.mark.parametrize("name,fmt", [("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld")])
def test_ckanext_dcat_reads_the_five_registers(
    ckan_python: Path, out: Path, name: str, fmt: str
) -> None:
    """Five datasets, Finnish titles and descriptions, unique identifiers and URIs."""
    datasets = harvest_with_ckanext_dcat(ckan_python, out / name, fmt)
    assert {d["title"] for d in datasets} == EXPECTED_TITLES
    for dataset in datasets:
        assert dataset["notes"], dataset["title"]
    library = next(d for d in datasets if d["title"] == "Kirjastopalveluiden asiarekisteri")
    assert library["notes"].startswith("Tietojärjestelmän käyttötarkoitus, kirjastojen")
    # The §28 summary (items 1, 3, 4, 5) reaches the portal in each dataset's notes.
    seed = load_file(SEED).description
    by_title = {d["title"]: d for d in datasets}
    for unit, register in seed.registers():
        summary = s28_summary(register, unit, seed.organisation, "fi", "fi")
        notes = by_title[register.title["fi"]]["notes"]
        assert notes.endswith("\n\n" + summary), notes
    assert "Tietoaineistot: Kirjaston asiakkaan tiedot; " in library["notes"]
    identifiers = [_extra(d, "identifier") for d in datasets]
    uris = [_extra(d, "uri") for d in datasets]
    assert len(set(identifiers)) == 5 and None not in identifiers
    assert set(uris) == {
        f"https://w3id.org/dcatgen/id/mynamaki/register/{name}"
        for name in (
            "perusopetus-ja-lukio",
            "varhaiskasvatus",
            "kirjastopalvelut",
            "nuorisopalvelut",
            "liikuntapalvelut",
        )
    }
    assert {tag["name"] for tag in library["tags"]} == {"kirjastopalvelut", "yleiset kirjastot"}
    assert _extra(library, "publisher_uri") == "https://w3id.org/dcatgen/id/mynamaki/organisation"
