"""`dcatgen publish --ckan` refuses bad option mixes and bad targets before writing anything.

No portal runs here: each case stops before the first request or at a port where nothing
listens (tests/test_ckan.py has the real portal).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from dcatgen.cli import main
from tests.conftest import SEED, descriptions
from tests.servers import free_port


def _publish(*args: str, token: str = "token") -> Result:
    return CliRunner(env={"CKAN_API_TOKEN": token}).invoke(main, ["publish", *args])


def test_ckan_needs_an_organization() -> None:
    result = _publish("--ckan", "http://127.0.0.1:9", str(SEED))
    assert result.exit_code == 2
    assert "--ckan needs --organization NAME" in result.output


def test_ckan_and_a_graph_store_do_not_mix() -> None:
    result = _publish("--ckan", "http://x", "--organization", "o", "--to", "http://y", str(SEED))
    assert result.exit_code == 2
    assert "leave out --to, --graph and --graph-per-catalog" in result.output


def test_ckan_options_need_ckan() -> None:
    result = _publish("--organization", "o", str(SEED))
    assert result.exit_code == 2
    assert "--organization goes with --ckan URL" in result.output
    result = _publish(str(SEED))
    assert "give --to URL (a Graph Store) or --ckan URL (a CKAN portal)" in result.output


def test_one_description_per_organization(tmp_path: Path) -> None:
    data = descriptions(tmp_path, {"a.yaml": SEED, "b/a.yaml": SEED})
    other = (tmp_path / "b" / "a.yaml").read_text(encoding="utf-8")
    other = other.replace("  id: mynamaki\n", "  id: toinen\n").replace("/mynamaki/", "/toinen/")
    (tmp_path / "b" / "a.yaml").write_text(other, encoding="utf-8")
    result = _publish("--ckan", "http://127.0.0.1:9", "--organization", "o", str(data))
    assert result.exit_code == 2
    assert "DATA holds 2: give one YAML file" in result.output


def test_an_unreachable_portal_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = _publish("--ckan", url, "--organization", "o", str(SEED))
    assert result.exit_code == 1
    assert f"error: cannot reach {url}: Connection refused" in result.output
