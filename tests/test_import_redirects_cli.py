"""`dcatgen import --allow-private-redirects`: the CLI switch for the fetcher's redirect guard.

Two real HTTP servers on loopback, 127.0.0.1 and 127.0.0.2 on the same port: the first
redirects to the second, an address the user did not name.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dcatgen.cli import main
from tests.test_import_fetch import Handler


def _serve(host: str, port: int) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((host, port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def named_and_other() -> Iterator[str]:
    """The named server's URL of a page that redirects to 127.0.0.2 (same port)."""
    first = _serve("127.0.0.1", 0)
    second = _serve("127.0.0.2", first.server_address[1])
    yield f"http://127.0.0.1:{first.server_address[1]}/to-other-loopback"
    for httpd in (first, second):
        httpd.shutdown()
        httpd.server_close()


def test_redirect_to_an_unnamed_loopback_address_is_refused_by_default(
    named_and_other: str, tmp_path: Path
) -> None:
    """Without the switch: exit 2, the message names the switch, nothing is written."""
    out = tmp_path / "jarvikyla.yaml"
    result = CliRunner().invoke(main, ["import", named_and_other, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "a loopback, private or link-local address" in result.output
    assert "--allow-private-redirects" in result.output
    assert not out.exists()


def test_allow_private_redirects_follows_the_redirect(named_and_other: str, tmp_path: Path) -> None:
    """With the switch the page behind the redirect is imported."""
    out = tmp_path / "jarvikyla.yaml"
    result = CliRunner().invoke(
        main, ["import", named_and_other, "-o", str(out), "--allow-private-redirects"]
    )
    assert result.exit_code in (0, 3), result.output
    description = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert description["organisation"]["name"] == "Järvikylän kunta"
    [unit] = description["units"]
    assert [s["name"] for s in unit["registers"][0]["systems"]] == ["Koha"]


def test_the_switch_is_in_the_help() -> None:
    """`dcatgen import --help` documents it."""
    result = CliRunner().invoke(main, ["import", "--help"])
    assert "--allow-private-redirects" in result.output
