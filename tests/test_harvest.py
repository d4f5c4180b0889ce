"""The real ckanext-dcat harvester code harvesting `dcatgen serve` over HTTP, page by page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.harvester.ckan_env import REPO_CACHE_DIR, ensure_ckan_venv, harvest_with_ckanext_dcat
from tests.servers import Running

BASE = "https://w3id.org/dcatgen/id/mynamaki/register/"
REGISTERS = [
    "kirjastopalvelut",
    "liikuntapalvelut",
    "nuorisopalvelut",
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ckan_python() -> Path:
    """The cached venv with ckan 2.12 and ckanext-dcat 2.4.4 (built on first use)."""
    return ensure_ckan_venv(REPO_CACHE_DIR)


def _uri(dataset: dict[str, Any]) -> str:
    extras = {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}
    return str(dataset.get("uri") or extras["uri"])


@pytest.mark.parametrize("path", ["/catalog", "/catalog.jsonld", "/catalog.rdf"])
def test_ckanext_dcat_follows_hydra_next_through_every_page(
    ckan_python: Path, served_seed: Running, path: str
) -> None:
    """RDFParser.next_page() walks the 3 pages; each dataset arrives exactly once, in Finnish."""
    datasets = harvest_with_ckanext_dcat(ckan_python, served_seed.url + path, follow_pages=True)
    uris = [_uri(dataset) for dataset in datasets]
    assert sorted(uris) == [BASE + name for name in REGISTERS]
    titles = {dataset["title"] for dataset in datasets}
    assert "Kirjastopalveluiden asiarekisteri" in titles
    log = served_seed.output()
    for page in (2, 3):
        assert f'"GET {path}?page={page} HTTP/1.1" 200' in log
    assert f'"GET {path}?page=4' not in log


def test_one_page_without_following_gets_only_that_page(
    ckan_python: Path, served_seed: Running
) -> None:
    """Without paging, the first page holds its 2 datasets and no other."""
    datasets = harvest_with_ckanext_dcat(ckan_python, served_seed.url + "/catalog")
    assert sorted(_uri(d) for d in datasets) == [BASE + name for name in REGISTERS[:2]]
