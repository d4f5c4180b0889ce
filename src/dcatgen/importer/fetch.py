"""Fetch: read a page from a file, standard input or an http(s) URL, as text.

URLs are fetched with a timeout per read and a deadline for the whole page (a server that
sends one byte a second cannot hold the import), a size cap, at most MAX_REDIRECTS
redirects, each checked to stay on http/https and, unless asked, never to lead to a
loopback, private, link-local or otherwise reserved address the user did not name (a page
must not be able to make dcatgen read a cloud metadata service or an intranet), and a
User-Agent naming dcatgen.  The declared charset (HTTP header or <meta>) is honoured; when
there is none, or it cannot decode the bytes, UTF-8 and then charset detection (among
Western encodings) decide.  Documents that are not text (PDF, office files) are refused with
what to do instead.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import requests

from dcatgen import __version__
from dcatgen.errors import InputError, Problem

USER_AGENT = f"dcatgen/{__version__} (+https://w3id.org/dcatgen)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 20.0
DEADLINE = 60.0
"""Seconds the whole fetch (every redirect, every byte) may take."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
WESTERN = ("cp1252", "iso8859_15")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_LOOKS_HTML = re.compile(r"<(?:!doctype\s+html|html|body|p|div|h[1-6]|ul|ol|table)\b", re.I)


@dataclass(frozen=True)
class Document:
    """A page to import: its text, whether it is HTML, its name and (for URLs) its address."""

    text: str
    html: bool
    name: str
    url: str | None = None


def fail(message: str) -> InputError:
    """The error for unusable input."""
    return InputError([Problem(None, "", message)])


def looks_like_html(text: str) -> bool:
    """Whether text is HTML markup rather than plain text."""
    return bool(_LOOKS_HTML.search(text[:4096]))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # Browsers read pages declared ISO-8859-1 as windows-1252 (WHATWG Encoding); so do we.
    return "cp1252" if codec == "iso8859-1" else codec


def decode(data: bytes, declared: str | None = None, html: bool = False) -> str:
    """Text from bytes: the declared charset, else UTF-8, else what detection finds."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    candidates = [_codec(declared)]
    if html:
        meta = _META_CHARSET.search(data[:4096])
        candidates.append(_codec(meta.group(1).decode("ascii", "ignore")) if meta else None)
    for codec in candidates:
        if codec is None:
            continue
        if codec in ("cp1252", "iso8859-15") and not data.isascii():
            # A page declared Latin-1 whose bytes are valid UTF-8 was mislabelled.
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec == "cp1252":
                return data.decode("latin-1")
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Finnish and Swedish pages are in Latin script: detection chooses among the Western
    # encodings only (unrestricted, it reads short Latin-1 text as Greek or CJK).
    best = charset_normalizer.from_bytes(data, cp_isolation=list(WESTERN)).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _read_limited(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise fail(f"{name} is larger than {max_bytes:,} bytes: import a smaller page")
    return data


_NOT_TEXT = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an office document (.docx, .odt)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.doc)"),
    (b"{\\rtf", "an RTF document"),
)


def refuse_binary(data: bytes, name: str) -> None:
    """Refuse documents that are not text, saying what they are and what to do."""
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise fail(
                f"{name} is {what}, not a web page or text: dcatgen imports HTML or plain "
                "text; copy the page's text into a .txt file (for a PDF: "
                "pdftotext FILE.pdf FILE.txt) and import that"
            )
    if b"\x00" in data[:4096]:
        raise fail(f"{name} is a binary file, not text: import the page as .html or .txt")


def _named_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _reserved_address(host: str) -> str | None:
    """The first loopback, private, link-local or reserved address ``host`` resolves to."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # unresolvable: the request itself will say so
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            return str(address)
    return None


def fetch(
    url: str,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE,
    allow_private_redirects: bool = False,
) -> Document:
    """A page from an http(s) URL, within ``deadline`` seconds in all."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    current = url
    named = _named_host(url)
    ends = time.monotonic() + deadline
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                raise fail(f"{current}: only http:// and https:// addresses can be imported")
            host = _named_host(current)
            if current is not url and host != named and not allow_private_redirects:
                reserved = _reserved_address(host)
                if reserved is not None:
                    raise fail(
                        f"{url}: redirected to {current}, a loopback, private or link-local "
                        f"address ({reserved}) you did not name; import that address directly "
                        "if it is right, or use --allow-private-redirects"
                    )
            left = _left(ends, url, deadline)
            response = session.get(
                current,
                timeout=(min(timeout, left), min(timeout, left)),
                stream=True,
                allow_redirects=False,
            )
            location = response.headers.get("Location")
            if not (response.is_redirect and location):
                break
            response.close()
            current = urljoin(current, location)
        else:
            raise fail(f"{url}: more than {MAX_REDIRECTS} redirects; give the final address")
        with response:
            return _document(url, current, response, max_bytes, ends, deadline)
    except requests.Timeout:
        if time.monotonic() >= ends:
            raise fail(f"{url}: the page did not arrive within {deadline:g} s") from None
        raise fail(f"{url}: no answer within {timeout:g} s; try again later") from None
    except requests.RequestException as error:
        reason = type(error).__name__
        raise fail(f"{url}: could not fetch the page ({reason}); check the address") from None
    finally:
        session.close()


def _left(ends: float, url: str, deadline: float) -> float:
    left = ends - time.monotonic()
    if left <= 0:
        raise fail(f"{url}: the page did not arrive within {deadline:g} s")
    return left


def _document(
    url: str,
    final: str,
    response: requests.Response,
    max_bytes: int,
    ends: float,
    deadline: float,
) -> Document:
    if response.status_code >= 400:
        raise fail(f"{url}: the server answered {response.status_code} {response.reason}")
    content_type = response.headers.get("Content-Type", "")
    media = content_type.split(";")[0].strip().lower()
    if media and media not in HTML_TYPES | TEXT_TYPES:
        raise fail(
            f"{url}: the server sent {media}, not an HTML or text page; "
            "save the page's text as a .txt file and import that"
        )
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise fail(f"{url}: the page is larger than {max_bytes:,} bytes")
    data = bytearray()
    # read1 returns what one read gives (iter_content waits for whole chunks), so the
    # deadline is checked between reads however slowly the bytes come.
    while chunk := response.raw.read1(64 * 1024, decode_content=True):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise fail(f"{url}: the page is larger than {max_bytes:,} bytes")
        _left(ends, url, deadline)
    raw = bytes(data)
    refuse_binary(raw, url)
    html = media in HTML_TYPES if media else looks_like_html(raw[:4096].decode("latin-1"))
    text = decode(raw, _charset(content_type), html)
    return Document(text, html, url, final)


def read_page(
    source: str,
    stdin: BinaryIO | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """A page from a .txt or .html file, '-' (standard input) or an http(s) URL."""
    if source == "-":
        data = _read_limited(stdin or sys.stdin.buffer, "standard input", max_bytes)
        refuse_binary(data, "standard input")
        text = decode(data)
        return Document(text, looks_like_html(text), "standard input")
    if _URL.match(source) and not Path(source).exists():
        return fetch(source, timeout, max_bytes)
    path = Path(source)
    try:
        with path.open("rb") as stream:
            data = _read_limited(stream, source, max_bytes)
    except FileNotFoundError:
        raise fail(f"{source}: no such file (give a .txt or .html file, a URL or -)") from None
    except OSError as error:
        raise fail(f"{source}: cannot read ({error.strerror})") from None
    refuse_binary(data, source)
    suffix = path.suffix.lower()
    html = suffix in (".html", ".htm", ".xhtml")
    text = decode(data, html=html)
    if suffix not in (".html", ".htm", ".xhtml", ".txt", ".text", ".md"):
        html = looks_like_html(text)
    return Document(text, html, path.name)
