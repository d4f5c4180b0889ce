"""`dcatgen publish --ckan` into a real CKAN 2.11 with avoindata.fi's dataset fields.

The portal (tests/portal/) is CKAN from PyPI in its own cached venv, ckanext-scheming and
ckanext-fluent, on a throwaway PostgreSQL cluster from Debian, started here on loopback.  It has
no Solr (none can run on these machines; see tests/portal/README.md): `test_the_portal_has_no
_search_index` proves it, so everything else here passes without a search index.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN
from ckanapi.errors import CKANAPIError
from click.testing import CliRunner, Result

from dcatgen.build.pipeline import build
from dcatgen.cli import main
from dcatgen.model.load import load_file
from dcatgen.publish.ckan.fields import CATALOG_EXTRA, IRI_EXTRA
from dcatgen.publish.ckan.portal import Change, CkanError, publish
from tests.conftest import SEED
from tests.harvester.ckan_env import REPO_CACHE_DIR
from tests.portal.portal_env import (
    Portal,
    PortalUnavailable,
    Postgres,
    ckan_server,
    configure_portal,
    ensure_portal_venv,
    postgres_bindir,
    postgres_cluster,
)
from tests.servers import free_port

pytestmark = pytest.mark.slow

REGISTERS = (
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
    "kirjastopalvelut",
    "nuorisopalvelut",
    "liikuntapalvelut",
)
# What the seed lacks for a portal: test values, not Mynämäki's (its page states none).
PUBLISHING = """\
  contact_point: {name: Kirjaamo, email: kirjaamo@example.org}
  license: %(license)s
  collection_type: open-data
"""
ORGANISATIONS = {
    "mynamaki": "Mynämäen kunta",
    "edits": "Muokkauskunta",
    "dry": "Kuivaharjoituskunta",
    "foreign": "Vieraskunta",
    "down": "Katkoskunta",
    "refused": "Puutekunta",
}


def _need(reason: str) -> None:
    """Skip for want of a system package; under CI that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster for the module."""
    try:
        postgres_bindir()
    except PortalUnavailable as missing:
        _need(str(missing))
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def portal_python() -> Path:
    """The cached CKAN venv's python (built on first use)."""
    return ensure_portal_venv(REPO_CACHE_DIR)


@pytest.fixture(scope="module")
def avoindata(
    portal_python: Path, postgres: Postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Portal]:
    """CKAN with avoindata.fi's dataset schema, running; an editor token per organisation."""
    folder = tmp_path_factory.mktemp("avoindata")
    portal = configure_portal(portal_python, postgres, folder, "avoindata", ORGANISATIONS)
    with ckan_server(portal) as running:
        yield running


@pytest.fixture(scope="module")
def stock(
    portal_python: Path, postgres: Postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Portal]:
    """Stock CKAN (no scheming, no fluent), running."""
    folder = tmp_path_factory.mktemp("stock")
    portal = configure_portal(portal_python, postgres, folder, "ckan", {"mynamaki": "Mynämäki"})
    with ckan_server(portal) as running:
        yield running


def seed_copy(
    folder: Path,
    organisation: str = "mynamaki",
    license: str = "http://creativecommons.org/licenses/by/4.0/",
    publishing: bool = True,
) -> Path:
    """The seed, with its own organisation id and IRIs, and the values a portal needs."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("  id: mynamaki\n", f"  id: {organisation}\n", 1)
    base = "  base_iri: https://w3id.org/dcatgen/id/mynamaki/\n"
    assert base in text
    new_base = base.replace("/mynamaki/", f"/{organisation}/")
    extra = PUBLISHING % {"license": license} if publishing else ""
    text = text.replace(base, new_base + extra, 1)
    path = folder / f"{organisation}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(
    portal: Portal, organization: str, data: Path, *options: str, token: str | None = None
) -> Result:
    """`dcatgen publish --ckan` as a user runs it, the token in the environment."""
    env = {"CKAN_API_TOKEN": token if token is not None else portal.tokens[organization]}
    return CliRunner(env=env).invoke(
        main,
        ["publish", "--ckan", portal.url, "--organization", organization, str(data), *options],
    )


def api(portal: Portal, organization: str) -> Any:
    """ckanapi as the organisation's editor."""
    return RemoteCKAN(portal.url, apikey=portal.tokens[organization])


def held(portal: Portal, organization: str) -> dict[str, dict[str, Any]]:
    """The organisation's active datasets by name, read back with package_show."""
    ckan = api(portal, organization)
    members = ckan.action.member_list(id=organization, object_type="package")
    shown = [ckan.action.package_show(id=package_id) for package_id, _, _ in members]
    return {dataset["name"]: dataset for dataset in shown}


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in dataset["extras"]}


def test_the_portal_has_no_search_index(avoindata: Portal) -> None:
    """Honesty check: no Solr here, so nothing below can be passing through search."""
    with pytest.raises(CKANAPIError, match="search"):
        api(avoindata, "mynamaki").action.package_search(q="*:*")


def test_publish_the_seed_read_it_back_and_publish_again(avoindata: Portal, tmp_path: Path) -> None:
    """Five datasets with avoindata.fi's required fields; the second run changes nothing."""
    data = seed_copy(tmp_path)
    result = cli(avoindata, "mynamaki", data)
    assert result.exit_code == 0, result.output
    for register in REGISTERS:
        assert f"created mynamaki-{register}\n" in result.output
    assert "0 patched, 0 deleted, 0 unchanged" in result.output
    assert result.output.rstrip().endswith(
        f"{avoindata.url}, organization mynamaki: 5 created, 0 patched, 0 deleted, 0 unchanged"
    )

    datasets = held(avoindata, "mynamaki")
    assert sorted(datasets) == sorted(f"mynamaki-{r}" for r in REGISTERS)
    library = datasets["mynamaki-kirjastopalvelut"]
    assert library["title_translated"] == {"fi": "Kirjastopalveluiden asiarekisteri"}
    assert library["title"] == "Kirjastopalveluiden asiarekisteri"
    notes = library["notes_translated"]["fi"]
    assert notes.startswith("Tietojärjestelmän käyttötarkoitus")
    assert "\n\nTiedot ovat tietojärjestelmässä Vaski-kirjastojen tietokanta.\n" in notes
    assert notes.endswith("Tiedot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.")
    assert library["notes"] == notes
    assert library["keywords"] == {
        "fi": ["yleiset kirjastot", "kirjastopalvelut"],
        "sv": ["allmänna bibliotek", "bibliotekstjänster"],
        "en": ["public libraries", "library services"],
    }
    assert library["maintainer"] == "Kirjaamo"
    assert library["maintainer_email"] == ["kirjaamo@example.org"]
    assert library["license_id"] == "cc-by-4.0"
    assert library["collection_type"] == "Open Data"
    iri = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut"
    assert library["external_urls"] == [iri + ".html", iri + ".ttl"]
    assert extras(library) == {
        IRI_EXTRA: iri,
        CATALOG_EXTRA: "https://w3id.org/dcatgen/id/mynamaki/catalog",
    }
    assert library["organization"]["name"] == "mynamaki"

    again = cli(avoindata, "mynamaki", data)
    assert again.exit_code == 0, again.output
    assert again.output.rstrip().endswith("0 created, 0 patched, 0 deleted, 5 unchanged")
    after = held(avoindata, "mynamaki")
    assert {n: d["metadata_modified"] for n, d in after.items()} == {
        n: d["metadata_modified"] for n, d in datasets.items()
    }


def test_an_edited_register_is_patched_and_a_removed_one_deleted(
    avoindata: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what changed is written; a removed register's dataset is deleted, saying when the
    register went (from the change ledger beside the data), then restored."""
    folder = tmp_path / "data"
    folder.mkdir()
    data = seed_copy(folder, "edits")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")  # 2025-12-02
    build(folder, tmp_path / "out", site=False)  # starts the ledger, data/history.json
    assert cli(avoindata, "edits", data).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # 2026-01-02
    before = held(avoindata, "edits")
    original = data.read_text(encoding="utf-8")
    edited = original.replace(
        "title: Kirjastopalveluiden asiarekisteri",
        "title: Kirjastojen asiarekisteri",
    )
    start = edited.index("      - id: liikuntapalvelut")
    data.write_text(edited[:start], encoding="utf-8")  # the last register is gone

    result = cli(avoindata, "edits", data)
    assert result.exit_code == 0, result.output
    assert "patched edits-kirjastopalvelut (title, title_translated)\n" in result.output
    assert (
        "deleted edits-liikuntapalvelut (register removed from the description on 2026-01-02: "
        "Liikuntapalveluiden asiarekisterit)\n"
    ) in result.output
    assert result.output.rstrip().endswith("0 created, 1 patched, 1 deleted, 3 unchanged")
    after = held(avoindata, "edits")
    assert "edits-liikuntapalvelut" not in after
    library = after["edits-kirjastopalvelut"]
    assert library["title_translated"] == {"fi": "Kirjastojen asiarekisteri"}
    for name in ("edits-varhaiskasvatus", "edits-nuorisopalvelut"):
        assert after[name]["metadata_modified"] == before[name]["metadata_modified"]
    gone = api(avoindata, "edits").action.package_show(id="edits-liikuntapalvelut")
    assert gone["state"] == "deleted"
    anonymous = RemoteCKAN(avoindata.url)
    with pytest.raises(CKANAPIError):
        anonymous.action.package_show(id="edits-liikuntapalvelut")

    data.write_text(original, encoding="utf-8")
    back = cli(avoindata, "edits", data)
    assert back.exit_code == 0, back.output
    assert "created edits-liikuntapalvelut (again: its deleted dataset is replaced)\n" in (
        back.output
    )
    assert back.output.rstrip().endswith("1 created, 1 patched, 0 deleted, 3 unchanged")
    restored = held(avoindata, "edits")["edits-liikuntapalvelut"]
    assert restored["state"] == "active"
    assert extras(restored)[IRI_EXTRA] == extras(gone)[IRI_EXTRA]
    final = cli(avoindata, "edits", data)
    assert final.output.rstrip().endswith("0 created, 0 patched, 0 deleted, 5 unchanged")


def test_dry_run_prints_the_plan_and_writes_nothing(avoindata: Portal, tmp_path: Path) -> None:
    data = seed_copy(tmp_path, "dry")
    result = cli(avoindata, "dry", data, "--dry-run")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()[:5]] == ["create"] * 5
    assert result.output.rstrip().endswith(
        "dry run, nothing written to "
        f"{avoindata.url}, organization dry: 5 to create, 0 to patch, 0 to delete, 0 unchanged"
    )
    assert held(avoindata, "dry") == {}
    assert cli(avoindata, "dry", data).exit_code == 0
    data.write_text(data.read_text(encoding="utf-8").replace("kirjaamo@", "tietopyynnot@"))
    planned = cli(avoindata, "dry", data, "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert planned.output.count("patch dry-") == 5
    assert "(maintainer_email)" in planned.output
    assert all(
        d["maintainer_email"] == ["kirjaamo@example.org"] for d in held(avoindata, "dry").values()
    )


def test_datasets_dcatgen_did_not_create_are_never_touched(
    avoindata: Portal, tmp_path: Path
) -> None:
    """A hand-made dataset stays as it is; one that holds a needed name stops the run."""
    ckan = api(avoindata, "foreign")
    hand_made = {
        "owner_org": "foreign",
        "title_translated": {"fi": "Käsin tehty"},
        "notes_translated": {"fi": "Portaalissa tehty tietoaineisto."},
        "keywords": {"fi": ["käsityö"]},
        "license_id": "cc-by-4.0",
        "collection_type": "Open Data",
        "maintainer": "Joku",
        "maintainer_email": ["joku@example.org"],
    }
    mine = ckan.action.package_create(name="foreign-hand-made", **hand_made)
    data = seed_copy(tmp_path, "foreign")
    result = cli(avoindata, "foreign", data)
    assert result.exit_code == 0, result.output
    assert "foreign-hand-made" not in result.output
    assert ckan.action.package_show(id=mine["id"])["metadata_modified"] == mine["metadata_modified"]

    # Remove every register: dcatgen deletes its five datasets, and only those.
    lonely = data.read_text(encoding="utf-8")
    data.write_text(lonely[: lonely.index("    registers:")] + "    registers: []\n")
    result = cli(avoindata, "foreign", data)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("0 created, 0 patched, 5 deleted, 0 unchanged")
    assert list(held(avoindata, "foreign")) == ["foreign-hand-made"]

    # A dataset dcatgen did not create holds the name a register needs: nothing is written.
    ckan.action.package_create(name="foreign-kirjastopalvelut", **hand_made)
    data.write_text(lonely, encoding="utf-8")
    result = cli(avoindata, "foreign", data)
    assert result.exit_code == 1
    assert "foreign-kirjastopalvelut: the name is taken by a dataset dcatgen did not create" in (
        result.output
    )
    assert "nothing was written" in result.output
    assert sorted(held(avoindata, "foreign")) == ["foreign-hand-made", "foreign-kirjastopalvelut"]


def test_a_wrong_token_is_refused_with_a_clear_error(avoindata: Portal, tmp_path: Path) -> None:
    data = seed_copy(tmp_path)
    for token in ("not-a-token", avoindata.outsider_token):
        result = cli(avoindata, "mynamaki", data, token=token)
        assert result.exit_code == 1
        assert (
            f"error: {avoindata.url} does not let this API token create datasets in "
            "organization 'mynamaki': the token is wrong or expired, or its user is not an "
            "editor or admin there (organizations it may publish in: none)"
        ) in result.output
    other = cli(avoindata, "mynamaki", data, token=avoindata.tokens["dry"])
    assert "(organizations it may publish in: dry)" in other.output
    nowhere = cli(avoindata, "no-such-org", data, token=avoindata.tokens["dry"])
    assert f"error: {avoindata.url} has no organization 'no-such-org'" in nowhere.output


def test_the_token_is_never_a_command_line_argument(avoindata: Portal, tmp_path: Path) -> None:
    """It comes from the environment or a file; without either, the message says so."""
    data = seed_copy(tmp_path, "refused")
    missing = CliRunner(env={"CKAN_API_TOKEN": ""}).invoke(
        main, ["publish", "--ckan", avoindata.url, "--organization", "refused", str(data)]
    )
    assert missing.exit_code == 2
    assert "environment variable CKAN_API_TOKEN" in missing.output
    token_file = tmp_path / "token"
    token_file.write_text(avoindata.tokens["refused"] + "\n", encoding="utf-8")
    from_file = CliRunner(env={"CKAN_API_TOKEN": ""}).invoke(
        main,
        ["publish", "--ckan", avoindata.url, "--organization", "refused", str(data), "--dry-run",
         "--token-file", str(token_file)],
    )  # fmt: skip
    assert from_file.exit_code == 0, from_file.output


def test_missing_values_are_refused_naming_the_yaml_field(
    avoindata: Portal, tmp_path: Path
) -> None:
    """The seed as it is lacks a licence, a collection type and an e-mail address."""
    data = seed_copy(tmp_path, "refused", publishing=False)
    result = cli(avoindata, "refused", data)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert [re.sub(r"^error: .*?:\d+:\d+: ", "", line).split(":")[0] for line in lines] == [
        "organisation.license",
        "organisation.collection_type",
        "organisation.contact_point",
    ]
    assert "3 problems in the input; nothing written" in result.output
    assert held(avoindata, "refused") == {}


def test_portal_down_part_way_then_a_rerun_completes(avoindata: Portal, tmp_path: Path) -> None:
    """The portal stops answering after two datasets; the next run creates the other three."""
    source = load_file(seed_copy(tmp_path, "down"))
    token = avoindata.tokens["down"]
    port = free_port()
    made: list[Change] = []
    with ckan_server(avoindata, port) as second, pytest.raises(CkanError) as stopped:
        server = second

        def report(change: Change) -> None:
            made.append(change)
            if len(made) == 2:
                server.stop()

        publish(source, second.url, "down", token, "avoindata", timeout=30, report=report)
    message = str(stopped.value)
    assert f"cannot reach {second.url}: Connection refused" in message
    assert "2 of 5 changes were made before it stopped answering" in message
    assert "run the same command again to finish" in message
    with ckan_server(avoindata, port) as again:
        lines: list[str] = []
        plan = publish(
            source,
            again.url,
            "down",
            token,
            "avoindata",
            report=lambda c: lines.append(c.line(True)),
        )
        assert lines == [f"unchanged {c.name}" for c in made] + [
            f"created down-{r}" for r in REGISTERS[2:]
        ]
        assert plan.summary(done=True).endswith("3 created, 0 patched, 0 deleted, 2 unchanged")
        assert len(held(again, "down")) == 5


def test_stock_ckan_gets_its_own_fields(stock: Portal, tmp_path: Path) -> None:
    """--schema ckan: title, notes, tags, url and one maintainer e-mail address."""
    data = seed_copy(tmp_path, license="cc-by")
    result = cli(stock, "mynamaki", data, "--schema", "ckan")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("5 created, 0 patched, 0 deleted, 0 unchanged")
    library = held(stock, "mynamaki")["mynamaki-kirjastopalvelut"]
    assert library["title"] == "Kirjastopalveluiden asiarekisteri"
    assert library["notes"].startswith("Tietojärjestelmän käyttötarkoitus")
    assert sorted(tag["name"] for tag in library["tags"]) == [
        "kirjastopalvelut",
        "yleiset kirjastot",
    ]
    assert library["maintainer_email"] == "kirjaamo@example.org"
    assert library["license_id"] == "cc-by"
    iri = "https://w3id.org/dcatgen/id/mynamaki/register/kirjastopalvelut"
    assert library["url"] == iri + ".html"
    assert extras(library)[IRI_EXTRA] == iri
    again = cli(stock, "mynamaki", data, "--schema", "ckan")
    assert again.output.rstrip().endswith("0 created, 0 patched, 0 deleted, 5 unchanged")
    with pytest.raises(NotFound):
        api(stock, "mynamaki").action.package_show(id="mynamaki-no-such-register")
