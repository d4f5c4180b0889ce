"""Fetch: read a page from a file, standard input or an http(s) URL, as text.

URLs are fetched with timeouts, a size cap, at most MAX_REDIRECTS redirects (each checked
to stay on http/https) and a User-Agent naming dcatgen.  The declared charset (HTTP header
or <meta>) is honoured; when there is none, or it cannot decode the bytes, UTF-8 and then
charset detection (among Western encodings) decide.
"""

from __future__ import annotations

import codecs
import re
import sys
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


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Document:
    """A page from an http(s) URL."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                raise fail(f"{current}: only http:// and https:// addresses can be imported")
            response = session.get(
                current, timeout=(timeout, timeout), stream=True, allow_redirects=False
            )
            location = response.headers.get("Location")
            if not (response.is_redirect and location):
                break
            response.close()
            current = urljoin(current, location)
        else:
            raise fail(f"{url}: more than {MAX_REDIRECTS} redirects; give the final address")
        with response:
            return _document(url, current, response, max_bytes)
    except requests.Timeout:
        raise fail(f"{url}: no answer within {timeout:g} s; try again later") from None
    except requests.RequestException as error:
        reason = type(error).__name__
        raise fail(f"{url}: could not fetch the page ({reason}); check the address") from None
    finally:
        session.close()


def _document(url: str, final: str, response: requests.Response, max_bytes: int) -> Document:
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
    for chunk in response.iter_content(64 * 1024):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise fail(f"{url}: the page is larger than {max_bytes:,} bytes")
    raw = bytes(data)
    html = media in HTML_TYPES if media else looks_like_html(raw[:4096].decode("latin-1"))
    text = decode(raw, _charset(content_type), html)
    return Document(text, html, url, final)


def read_source(
    source: str,
    stdin: BinaryIO | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """A page from a .txt or .html file, '-' (standard input) or an http(s) URL."""
    if source == "-":
        data = _read_limited(stdin or sys.stdin.buffer, "standard input", max_bytes)
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
    suffix = path.suffix.lower()
    html = suffix in (".html", ".htm", ".xhtml")
    text = decode(data, html=html)
    if suffix not in (".html", ".htm", ".xhtml", ".txt", ".text", ".md"):
        html = looks_like_html(text)
    return Document(text, html, path.name)
