"""Importing from a URL, against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner

from dcatgen.cli import main
from dcatgen.errors import InputError
from dcatgen.importer import import_source
from dcatgen.importer.fetch import USER_AGENT, decode, fetch, read_page

PAGE = """<!DOCTYPE html><html><head><title>Asiakirjajulkisuuskuvaus - Järvikylän kunta</title>
</head><body><main>
<h2>Sivistysosasto</h2>
<h3>Kirjaston asiarekisteri</h3>
<p>Rekisteriä käytetään lainaustoimintaan.</p>
<h4>Tietoaineistot</h4><ul><li>Asiakastiedot</li><li>Lainaushistoria</li></ul>
<h4>Tietojärjestelmät</h4><ul><li>Koha</li></ul>
<h4>Hakutekijät</h4><p>Tietopyynnöissä voidaan käyttää hakutekijöinä asiakkaan nimeä.</p>
<p><a href="/tietosuoja">Tietosuojaseloste</a></p>
</main></body></html>
"""
TEXT = "Sivistysosasto\n\nKirjaston asiarekisteri\n\nTietojärjestelmät\n1. Koha\n"
LATIN1_PAGE = PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').encode("iso-8859-1")
SLOW_SECONDS = 2.0
seen_user_agents: list[str] = []


class Handler(BaseHTTPRequestHandler):
    """Routes for each case the fetcher must handle."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def send(self, status: int, content_type: str | None, body: bytes, length: bool = True) -> None:
        """Answer with a body."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        """Answer 302."""
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        """Dispatch on the path."""
        seen_user_agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/page.html":
            self.send(200, "text/html; charset=utf-8", PAGE.encode("utf-8"))
        elif path == "/page.txt":
            self.send(200, "text/plain; charset=utf-8", TEXT.encode("utf-8"))
        elif path == "/latin1.html":
            self.send(200, "text/html; charset=ISO-8859-1", LATIN1_PAGE)
        elif path == "/latin1-meta.html":
            self.send(200, "text/html", LATIN1_PAGE)
        elif path == "/no-charset.txt":
            self.send(200, "text/plain", TEXT.encode("iso-8859-1"))
        elif path == "/no-content-type":
            self.send(200, None, PAGE.encode("utf-8"))
        elif path == "/wrong-charset.html":
            self.send(200, "text/html; charset=utf-8", PAGE.encode("iso-8859-1"))
        elif path == "/mislabelled-latin1.html":
            self.send(200, "text/html; charset=iso-8859-1", PAGE.encode("utf-8"))
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect("/page.html" if left <= 1 else f"/redirect/{left - 1}")
        elif path == "/to-ftp":
            self.redirect("ftp://127.0.0.1/page.html")
        elif path == "/big-declared":
            self.send(200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>")
        elif path == "/big-streamed":
            self.send(200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>", length=False)
            self.close_connection = True
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.send(200, "text/html", PAGE.encode("utf-8"))
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-other-loopback":
            port = cast(tuple[str, int], self.server.server_address)[1]
            self.redirect(f"http://127.0.0.2:{port}/page.html")
        elif path == "/drip":
            body = PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for index in range(len(body)):  # one byte at a time: minutes for the page
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
                    if getattr(self.server, "closing", False):
                        return
            except OSError:  # the client gave up (the deadline): the point of the test
                self.close_connection = True
        elif path == "/pdf-as-html":
            self.send(200, "text/html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        elif path == "/document.pdf":
            self.send(200, "application/pdf", b"%PDF-1.7\n")
        elif path == "/empty.html":
            self.send(200, "text/html", b"<html><body><p>Tervetuloa!</p></body></html>")
        else:
            self.send(404, "text/html", b"<h1>Not found</h1>")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A local server's base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.closing = True  # type: ignore[attr-defined]  # ends the dripping handler
    httpd.shutdown()
    httpd.server_close()


def test_html_page_by_url(server: str) -> None:
    """A page fetched by URL; its organisation from <title>; relative links made absolute."""
    result = import_source(f"{server}/page.html")
    description = result.description
    assert description.organisation.name == {"fi": "Järvikylän kunta"}
    [(unit, register)] = description.registers()
    assert unit.name == {"fi": "Sivistysosasto"}
    assert [g.name["fi"] for g in register.data_groups] == ["Asiakastiedot", "Lainaushistoria"]
    assert [str(link.url) for link in register.links] == [f"{server}/tietosuoja"]
    assert result.source == f"{server}/page.html"
    assert seen_user_agents[-1] == USER_AGENT
    assert USER_AGENT.startswith("dcatgen/") and "(+https://w3id.org/dcatgen)" in USER_AGENT


def test_plain_text_by_url(server: str) -> None:
    """text/plain is read as plain text."""
    description = import_source(f"{server}/page.txt", organisation="Järvikylän kunta").description
    [(_, register)] = description.registers()
    assert [s.name for s in register.systems] == ["Koha"]


@pytest.mark.parametrize(
    "path",
    [
        "/latin1.html",
        "/latin1-meta.html",
        "/wrong-charset.html",
        "/mislabelled-latin1.html",
        "/no-content-type",
    ],
)
def test_charsets(server: str, path: str) -> None:
    """Declared, meta, wrong and missing charsets all give the right letters."""
    description = import_source(f"{server}{path}").description
    assert description.organisation.name == {"fi": "Järvikylän kunta"}
    [(_, register)] = description.registers()
    assert register.title == {"fi": "Kirjaston asiarekisteri"}
    assert [s.name for s in register.systems] == ["Koha"]
    assert register.search_criteria is not None
    statement = register.search_criteria.statement
    assert statement is not None and "käyttää hakutekijöinä" in statement["fi"]


def test_text_without_charset_is_detected(server: str) -> None:
    """A Latin-1 text page without a charset: UTF-8 fails, detection finds the letters."""
    result = import_source(f"{server}/no-charset.txt", organisation="Järvikylän kunta")
    [(_, register)] = result.description.registers()
    assert register.title == {"fi": "Kirjaston asiarekisteri"}
    assert result.unplaced == ()


def test_decode_prefers_declared_then_utf8_then_detection() -> None:
    """The charset rules, directly."""
    assert decode("ä".encode("cp1252"), "windows-1252") == "ä"
    assert decode("ä".encode(), "no-such-charset") == "ä"
    assert decode(b"\xef\xbb\xbfabc") == "abc"
    assert decode("Tietojärjestelmät ja hakutekijät".encode("iso-8859-1")) == (
        "Tietojärjestelmät ja hakutekijät"
    )


def test_five_redirects_are_followed(server: str) -> None:
    """Up to five redirects are fine."""
    description = import_source(f"{server}/redirect/5").description
    assert description.organisation.name == {"fi": "Järvikylän kunta"}


def test_too_many_redirects(server: str) -> None:
    """A sixth redirect is refused with a clear message."""
    with pytest.raises(InputError, match="more than 5 redirects"):
        import_source(f"{server}/redirect/6")


def test_redirect_to_another_scheme_is_refused(server: str) -> None:
    """Only http and https, on every hop."""
    with pytest.raises(InputError, match="only http:// and https://"):
        import_source(f"{server}/to-ftp")


@pytest.mark.parametrize("path", ["/big-declared", "/big-streamed"])
def test_too_large(server: str, path: str) -> None:
    """The size cap holds with and without a Content-Length."""
    with pytest.raises(InputError, match="larger than 10,000 bytes"):
        import_source(f"{server}{path}", max_bytes=10_000)


def test_timeout(server: str) -> None:
    """A server slower than the timeout gives a clear error (it would answer after 2 s: had
    the timeout not held, the import would succeed and no error would be raised)."""
    with pytest.raises(InputError, match=r"no answer within 0\.3 s"):
        import_source(f"{server}/slow", timeout=0.3)


def test_not_found(server: str) -> None:
    """404 is reported with the status."""
    with pytest.raises(InputError, match="answered 404"):
        import_source(f"{server}/missing")


def test_the_whole_fetch_has_a_deadline(server: str) -> None:
    """One byte every 50 ms never trips a per-read timeout; the deadline ends it.

    Without a deadline the page would arrive in full after about a minute and import; the
    error can only come from the deadline.
    """
    with pytest.raises(InputError, match=r"the page did not arrive within 1 s"):
        fetch(f"{server}/drip", timeout=5, deadline=1)


@pytest.mark.parametrize("path", ["/to-metadata", "/to-other-loopback"])
def test_redirects_to_addresses_not_named_are_refused(server: str, path: str) -> None:
    """A redirect to link-local (cloud metadata) or another loopback address is refused
    before any connection to it; naming such an address directly still works."""
    with pytest.raises(InputError, match="a loopback, private or link-local address") as refused:
        fetch(f"{server}{path}", timeout=2)
    assert "--allow-private-redirects" in str(refused.value)
    with pytest.raises(InputError, match="could not fetch the page"):
        # Asked for: followed (and 127.0.0.2 has no server, so the connection fails).
        fetch(f"{server}/to-other-loopback", timeout=2, allow_private_redirects=True)
    assert fetch(f"{server}/redirect/2").text  # the named host itself is fine


def test_documents_that_are_not_text_are_refused_as_such(server: str, tmp_path: Path) -> None:
    """A PDF was refused with 'the page does not name its organisation'."""
    pdf = tmp_path / "kuvaus.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    for source in (str(pdf), f"{server}/pdf-as-html"):
        with pytest.raises(InputError, match="is a PDF document, not a web page or text") as no:
            read_page(source)
        assert "pdftotext" in str(no.value)
    docx = tmp_path / "kuvaus.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError, match="office document"):
        read_page(str(docx))


def test_connection_refused() -> None:
    """Nothing listening: a clear error, not a traceback."""
    with pytest.raises(InputError, match="could not fetch the page"):
        import_source("http://127.0.0.1:9/", timeout=1)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/document.pdf", "sent application/pdf, not an HTML or text page"),
        ("/empty.html", "nothing recognisable as a §28 description"),
        ("/missing", "answered 404 Not Found"),
    ],
)
def test_cli_exit_2_on_unusable_pages(server: str, tmp_path: Path, path: str, message: str) -> None:
    """The command exits 2 with the message and writes nothing."""
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(
        main, ["import", f"{server}{path}", "-o", str(out), "--organisation", "Järvikylän kunta"]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_imports_a_url(server: str, tmp_path: Path) -> None:
    """The command fetches, writes and summarises."""
    out = tmp_path / "jarvikyla.yaml"
    result = CliRunner().invoke(main, ["import", f"{server}/page.html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 register in 1 unit" in result.output
    assert f"# Imported by dcatgen 0.1.0 from {server}/page.html." in out.read_text("utf-8")
