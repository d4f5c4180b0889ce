"""Serve: the catalog over HTTP for harvesters, browsers and SPARQL clients.

Starlette on uvicorn, with the catalog in an embedded pyoxigraph store.

Where IRIs live.  The data's IRIs (``https://w3id.org/dcatgen/id/mynamaki/register/x``) are not
this server's address, so the server is told which base IRI its root stands for (``--base``;
default: the base of the catalog, i.e. its IRI without the final ``catalog``).  A request for
``/register/x`` describes ``{base}register/x``; the vocabulary ``https://w3id.org/dcatgen/ns``
is always at ``/ns`` (its terms are hash IRIs of that document) and the JSON-LD context at
``/ns/context.jsonld``.  Put a redirect from the base IRI space to the server (w3id.org does
exactly that) and every minted IRI dereferences.  Reserved paths: ``/``, ``/sparql``,
``/health``.

Routes.  ``/catalog`` (and every catalog IRI) is paged with Hydra (``?page=N``); any other IRI
with triples of its own returns its concise bounded description with its hash nodes.  Formats
by Accept header or by extension (``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``, ``.html``).  Every
representation has ``ETag`` and ``Last-Modified`` and answers conditional requests with 304.
``/sparql`` speaks the SPARQL 1.1 Protocol, read-only, with a time limit per query (enforced
by killable worker processes, see ``dcatgen.server.workers``), a result-size cap, and ``SERVICE``
refused unless allowed.

Behind a reverse proxy.  Links the server makes itself (Hydra paging) use the address the
client used: ``--public-url`` fixes it outright; otherwise ``X-Forwarded-Proto`` and
``X-Forwarded-Host`` (and ``X-Forwarded-For`` for the log) are honoured when the peer is one of
``--forwarded-allow-ips``, with uvicorn's semantics (uvicorn's own middleware handles Proto and
the client address but not Host, so one middleware here does all three).  A request head must
arrive within ``--header-timeout`` seconds (slowloris), and every response carries
``Access-Control-Allow-Origin: *`` (open data, no credentials).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import hashlib
import ipaddress
import logging
import re
import signal
import socket
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from dcatgen.rdf.conneg import negotiate
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import CONTEXT_IRI, serialize
from dcatgen.server import describe, pages

if TYPE_CHECKING:
    from dcatgen.site.serving import Pages
from dcatgen.server.reload import Reload, Reloader, pool_for, upgrade
from dcatgen.server.workers import DEFAULT_QUERY_MEMORY_MB, QueryPool
from dcatgen.sparql.engine import QueryAnswer, QueryError, QueryRequest, check_query, string_triples
from dcatgen.sparql.store import VOCABULARY, StoreSpec, catalog_iris, context_text

log = logging.getLogger("dcatgen.server.app")
access_log = logging.getLogger("dcatgen.access")

HTML = "text/html"
RDF_FORMATS = tuple(Format)
OFFERS: dict[str, Format | None] = {
    **{f.media_type: f for f in RDF_FORMATS},
    HTML: None,
    "application/xhtml+xml": None,
    **{alias: f for f in RDF_FORMATS for alias in f.aliases},
}
"""Media types /catalog and described resources are offered in; None is the HTML view."""
EXTENSIONS: dict[str, Format | None] = {f.extension: f for f in RDF_FORMATS} | {"html": None}
VOCABULARY_PATH = "/ns"
CACHE_ENTRIES = 512
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1,::1"
"""Peers whose X-Forwarded-* headers are believed (uvicorn's default)."""
DEFAULT_HEADER_TIMEOUT = 10.0
"""Seconds a client may take to send a request head (request line and headers)."""


@dataclass(frozen=True)
class Settings:
    """How the server runs (the `dcatgen serve` options)."""

    host: str = "127.0.0.1"
    port: int = 8080
    page_size: int = 100
    base: str | None = None
    query_timeout: float = 10.0
    max_results: int = 10_000
    query_memory_mb: int = DEFAULT_QUERY_MEMORY_MB
    allow_service: bool = False
    workers: int = 2
    max_request_bytes: int = 1_000_000
    log_level: str = "info"
    public_url: str | None = None
    proxy_headers: bool = True
    forwarded_allow_ips: str = DEFAULT_FORWARDED_ALLOW_IPS
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    memory_workers: int = 0
    """Query workers that load a query store's data into memory and then take over."""


# --- rendering ------------------------------------------------------------------------


def content_type(fmt: Format | None) -> str:
    """Content-Type with charset for a format (None: HTML)."""
    return f"{HTML if fmt is None else fmt.media_type}; charset=utf-8"


def rdf_bytes(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Triples in one format, canonically ordered, by dcatgen's own serialisers."""
    return serialize(string_triples(triples), fmt)


def http_date(timestamp: float) -> str:
    """An IMF-fixdate for a Last-Modified header."""
    return email.utils.formatdate(int(timestamp), usegmt=True)


def etag_of(body: bytes) -> str:
    """A strong entity tag of a representation."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str, last_modified: float) -> bool:
    """True when a conditional GET/HEAD may be answered 304 (RFC 9110 §13.1)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        weak = [tag.removeprefix("W/") for tag in tags]
        return "*" in tags or etag in weak
    since = request.headers.get("if-modified-since")
    if since:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            parsed = email.utils.parsedate_to_datetime(since)
            return int(last_modified) <= parsed.timestamp()
    return False


def representation(
    request: Request,
    body: bytes,
    media_type: str,
    last_modified: float,
    headers: dict[str, str] | None = None,
    etag: str | None = None,
) -> Response:
    """A 200 with validators, or 304 when the client's copy is current."""
    etag = etag or etag_of(body)
    all_headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "no-cache",
        **(headers or {}),
    }
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=all_headers)
    return Response(body, media_type=media_type, headers=all_headers)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error."""
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


# --- the site: data and the IRI ↔ path mapping ------------------------------------------


def is_iri(text: str) -> bool:
    """True when the text is an IRI the store can look up.

    A request path becomes an IRI by appending it to the base, and a path may decode to
    anything (``/%00``, ``/%ff``, ``/a%5cb``): such a path names nothing here (404), rather
    than reaching the store and failing there (500).
    """
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@dataclass
class Site:
    """The served data and where each IRI lives on this server."""

    store: ox.Store
    spec: StoreSpec
    base: str
    last_modified: float
    settings: Settings
    pages: Pages | None = None
    """The §28 web pages (dcatgen.site) people get for HTML; None: the generic views."""
    catalogs: list[str] = field(default_factory=list)
    _cache: OrderedDict[tuple[str, ...], tuple[bytes, str, str]] = field(
        default_factory=OrderedDict
    )
    _served: dict[str, bool] = field(default_factory=dict)
    _served_size: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            self.base += "/"
        self.catalogs = catalog_iris(self.store)

    @property
    def mounts(self) -> list[tuple[str, str]]:
        """(path prefix, IRI prefix) pairs, most specific path first."""
        return [(VOCABULARY_PATH, VOCABULARY), ("/", self.base)]

    def kind(self, iri: str) -> str | None:
        """What an IRI is here: catalog, vocabulary, context, resource, or None (unknown)."""
        if iri == VOCABULARY:
            return "vocabulary"
        if iri == CONTEXT_IRI:
            return "context"
        if iri in self.catalogs:
            return "catalog"
        if "#" not in iri and is_iri(iri) and describe.is_subject(self.store, iri):
            return "resource"
        return None

    def resolve(self, path: str) -> str | None:
        """The IRI a request path stands for, when this server describes it."""
        for prefix, iri_prefix in self.mounts:
            if prefix == "/":
                candidates = [iri_prefix + path[1:]]
            elif path == prefix or path.startswith(prefix + "/"):
                candidates = [iri_prefix + path[len(prefix) :]]
            else:
                continue
            candidates.append(unquote(candidates[0]))
            for iri in candidates:
                if self.kind(iri) is not None:
                    return iri
        if path == "/catalog" and len(self.catalogs) == 1:
            return self.catalogs[0]
        return None

    def local_path(self, iri: str) -> str | None:
        """The path this server serves an IRI at (keeping a #fragment), or None."""
        document, hash_sign, fragment = iri.partition("#")
        if document not in self._served:
            self._served[document] = self.kind(document) is not None
        if not self._served[document]:
            return None
        for prefix, iri_prefix in self.mounts:
            if iri_prefix.endswith("/"):
                if not document.startswith(iri_prefix):
                    continue
                rest = "/" + document[len(iri_prefix) :]
            elif document == iri_prefix or document.startswith(iri_prefix + "/"):
                rest = document[len(iri_prefix) :]
            else:
                continue
            path = prefix.rstrip("/") + quote(rest, safe="/:@!$&'()*+,;=-._~")
            return (path or "/") + hash_sign + fragment
        return None

    def size(self) -> int:
        """How many quads the store holds, counted once (a store on disk counts by reading
        every quad: seconds at national scale)."""
        if "size" not in self._served_size:  # (the same dict notes whether it was closed)
            from dcatgen.sparql.persisted import quads

            recorded = quads(self.spec)
            self._served_size["size"] = len(self.store) if recorded is None else recorded
        return self._served_size["size"]

    def close(self) -> None:
        """Release the data once nothing uses it: a snapshot's folder, a build store's lock."""
        from dcatgen.sparql.persisted import release

        if self._served_size.setdefault("closed", 0):
            return  # closed already (after a reload, and again at the end)
        self._served_size["closed"] = 1
        release(self.spec)
        self.spec.remove()

    def cached(
        self, key: tuple[str, ...], make: Callable[[], tuple[bytes, str]]
    ) -> tuple[bytes, str, str]:
        """A rendered representation and its ETag, made once (the data does not change).

        Renders run in the thread pool, so the cache is guarded by a lock (not the render).
        """
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        body, media_type = make()
        value = (body, media_type, etag_of(body))
        with self._lock:
            self._cache[key] = value
            if len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value


# --- resource handler -----------------------------------------------------------------


def _split_extension(path: str) -> tuple[str, Format | None] | None:
    stem, dot, extension = path.rpartition(".")
    if dot and extension in EXTENSIONS and "/" not in extension and stem:
        return stem, EXTENSIONS[extension]
    return None


def _alternates(path: str) -> list[tuple[str, str]]:
    return [(fmt.media_type, f"{path}.{fmt.extension}") for fmt in RDF_FORMATS]


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        raise QueryError(400, f"page must be a whole number, not {raw!r}") from None
    if page < 1:
        raise QueryError(400, "page numbers start at 1")
    return page


def _render(
    site: Site, request: Request, iri: str, kind: str, fmt: Format | None, path: str
) -> tuple[bytes, str, str]:
    """Body, Content-Type and ETag of one resource in one format."""
    if kind == "context":
        return site.cached(
            ("context",), lambda: (context_text().encode("utf-8"), content_type(Format.JSON_LD))
        )
    local = site.local_path
    site_page = _site_page(site, iri) if fmt is None else None
    if site_page is not None:
        return site_page
    if kind == "catalog":
        page = _page_number(request)
        page_base = str(request.url.replace(query=None))

        def page_url(number: int) -> str:
            return f"{page_base}?page={number}"

        def make() -> tuple[bytes, str]:
            try:
                triples, paging = describe.catalog_page(
                    site.store, iri, site.settings.page_size, page, page_url
                )
            except ValueError as problem:
                raise QueryError(404, str(problem)) from None
            if fmt is None:
                html = pages.catalog_html(
                    triples, iri, paging, local, lambda n: f"{path}?page={n}", _alternates(path)
                )
                return html.encode("utf-8"), content_type(None)
            return rdf_bytes(triples, fmt), content_type(fmt)

        return site.cached(("catalog", iri, str(page), page_base, _label(fmt)), make)

    def make_resource() -> tuple[bytes, str]:
        if kind == "vocabulary":
            triples = describe.vocabulary(site.store)
        else:
            triples = describe.describe(site.store, iri)
        if fmt is None:
            view = pages.vocabulary_page if kind == "vocabulary" else pages.resource_page
            # People see linked resources by name: add their labels (to the page only).
            shown = triples + describe.labels(site.store, triples)
            return view(shown, iri, local, _alternates(path)).encode("utf-8"), content_type(None)
        return rdf_bytes(triples, fmt), content_type(fmt)

    return site.cached((kind, iri, _label(fmt)), make_resource)


def _label(fmt: Format | None) -> str:
    return "html" if fmt is None else fmt.label


async def resource(request: Request) -> Response:
    """GET/HEAD any path: a catalog page, a described resource, the vocabulary or the context."""
    site: Site = request.app.state.site
    path = request.url.path
    fmt: Format | None
    negotiated = True
    iri = site.resolve(path)
    if iri is None:
        split = _split_extension(path)
        if split is None or (iri := site.resolve(split[0])) is None:
            return await _other_page(site, request, path)
        path, fmt = split
        negotiated = False
    kind = site.kind(iri) or "resource"
    if negotiated:
        offers = list(OFFERS)
        if kind == "context":
            offers = ["application/ld+json", "application/json"]
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            return error(406, "not acceptable: this resource is available as " + ", ".join(offers))
        fmt = Format.JSON_LD if kind == "context" else OFFERS[chosen]
    headers = {"Vary": "Accept"} if negotiated else {}
    if negotiated and kind != "context":
        headers["Content-Location"] = f"{path}.{'html' if fmt is None else fmt.extension}"
    headers["Link"] = ", ".join(
        f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS
    )
    try:
        body, media_type, etag = await run_in_threadpool(
            _render, site, request, iri, kind, fmt, path
        )
    except QueryError as problem:
        return error(problem.status, problem.message)
    return representation(request, body, media_type, site.last_modified, headers, etag)


def _site_page(site: Site, iri: str) -> tuple[bytes, str, str] | None:
    """The site's page describing an IRI (in the description's language), if it has one."""
    url = site.pages.page_url(iri) if site.pages is not None else None
    if url is None:
        return None
    return _page_at(site, url)


def _page_at(site: Site, url: str) -> tuple[bytes, str, str] | None:
    site_pages = site.pages
    if site_pages is None:
        return None
    body = site_pages.page(url)
    if body is None:
        return None
    return site.cached(("page", url), lambda: (body, content_type(None)))


async def _other_page(site: Site, request: Request, path: str) -> Response:
    """A page of the site that is no resource's default view: another language
    (/register/x.sv.html), the information-request and gaps pages; else 404."""
    if path.endswith(".html") and site.pages is not None:
        url = site.base + unquote(path[1:])
        found = await run_in_threadpool(_page_at, site, url)
        if found is not None:
            body, media_type, etag = found
            return representation(request, body, media_type, site.last_modified, etag=etag)
    return _not_found(site, path)


def _not_found(site: Site, path: str) -> Response:
    catalogs = [p for p in (site.local_path(iri) for iri in site.catalogs) if p]
    hint = f"; catalogs: {', '.join(catalogs)}" if catalogs else ""
    if path == "/catalog" and len(site.catalogs) > 1:
        return error(300, "this server holds several catalogs: " + ", ".join(catalogs))
    return error(404, f"nothing is described at {path} (base IRI {site.base}){hint}")


async def index(request: Request) -> Response:
    """The front page (HTML)."""
    site: Site = request.app.state.site
    catalogs = []
    for iri in site.catalogs:
        title = pages.Graph.of(describe.triples_of(site.store, ox.NamedNode(iri))).text(f"<{iri}>")
        catalogs.append((title or iri, site.local_path(iri) or iri))
    body = pages.index_page(catalogs, site.base).encode("utf-8")
    return representation(request, body, content_type(None), site.last_modified)


async def health(request: Request) -> Response:
    """Liveness and a few numbers, as JSON."""
    site: Site = request.app.state.site
    pool: QueryPool = request.app.state.pool
    return JSONResponse(
        {
            "status": "ok",
            "triples": await run_in_threadpool(site.size),
            "catalogs": site.catalogs,
            "base": site.base,
            "query_workers": pool.pids(),
            "queries_killed": pool.killed,
            "reloads": getattr(getattr(request.app.state, "reloader", None), "reloads", 0),
        }
    )


# --- SPARQL protocol ------------------------------------------------------------------


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise QueryError(400, "the form is not UTF-8") from None


def _protocol_parameters(
    request: Request, form: dict[str, list[str]]
) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """query, update, format, default-graph-uri and named-graph-uri values (URL and form)."""

    def values(name: str) -> list[str]:
        return [*request.query_params.getlist(name), *form.get(name, [])]

    return (
        values("query"),
        values("update"),
        values("format"),
        values("default-graph-uri"),
        values("named-graph-uri"),
    )


async def _sparql_request(request: Request) -> tuple[str | None, list[str], list[str], list[str]]:
    """The query text, format and graphs of a protocol request; QueryError when refused."""
    form: dict[str, list[str]] = {}
    direct: str | None = None
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if media_type == "application/x-www-form-urlencoded":
            form = _form(body)
        elif media_type == "application/sparql-query":
            try:
                direct = body.decode("utf-8")
            except UnicodeDecodeError:
                raise QueryError(400, "the query is not UTF-8") from None
        elif media_type == "application/sparql-update":
            raise QueryError(403, "this endpoint is read-only: SPARQL updates are refused")
        else:
            raise QueryError(
                415,
                "POST a query as application/x-www-form-urlencoded (query=…) "
                "or as application/sparql-query",
            )
    queries, updates, formats, default_graphs, named_graphs = _protocol_parameters(request, form)
    if updates:
        raise QueryError(403, "this endpoint is read-only: SPARQL updates are refused")
    if direct is not None:
        if queries:
            raise QueryError(400, "give the query once: in the body or as 'query', not both")
        queries = [direct]
    if len(queries) > 1:
        raise QueryError(400, "give exactly one 'query' parameter")
    if len(formats) > 1:
        raise QueryError(400, "give at most one 'format' parameter")
    return (queries[0] if queries else None), formats, default_graphs, named_graphs


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol endpoint (query only)."""
    site: Site = request.app.state.site
    pool: QueryPool = request.app.state.pool
    try:
        query, formats, default_graphs, named_graphs = await _sparql_request(request)
        if query is None:
            if request.method == "POST":
                raise QueryError(400, "no query: send it as 'query' or as the request body")
            body = pages.sparql_page().encode("utf-8")
            return representation(request, body, content_type(None), site.last_modified)
        check_query(query, site.settings.allow_service)
    except QueryError as problem:
        return error(problem.status, problem.message)
    answer: QueryAnswer = await pool.run(
        QueryRequest(
            query=query,
            accept=request.headers.get("accept"),
            format=formats[0] if formats else None,
            default_graphs=tuple(default_graphs),
            named_graphs=tuple(named_graphs),
            max_results=site.settings.max_results,
        )
    )
    if answer.status != 200:
        return Response(
            answer.body,
            status_code=answer.status,
            media_type=answer.content_type,
            headers=answer.headers,
        )
    headers = {"Vary": "Accept"}
    if answer.rows is not None:
        headers["X-Result-Count"] = str(answer.rows)
    if request.method == "GET":
        return representation(
            request, answer.body, answer.content_type, site.last_modified, headers
        )
    return Response(answer.body, media_type=answer.content_type, headers=headers)


# --- middleware -----------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over a size with 413, by Content-Length or while reading."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body over {self.max_bytes} bytes: this server's limit\n"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await PlainTextResponse(message, status_code=413)(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message_in = await receive()
            if message_in["type"] == "http.request":
                received += len(message_in.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message_in

        async def watched_send(message_out: Message) -> None:
            nonlocal started
            if message_out["type"] == "http.response.start":
                started = True
            await send(message_out)

        try:
            await self.app(scope, limited_receive, watched_send)
        except _TooLarge:
            if started:
                raise
            await PlainTextResponse(message, status_code=413)(scope, receive, send)


class OpenToAllOrigins:
    """``Access-Control-Allow-Origin: *`` and the exposed headers on every response.

    Starlette's CORSMiddleware adds them only when the request sends ``Origin``, and adds
    ``Vary: Origin`` to the rest; a harvester's or a cache's copy fetched without ``Origin``
    then lacks them when a browser app reuses it.  The data is public and no credentials are
    involved, so every response says the same; CORSMiddleware still answers the preflights.
    """

    EXPOSED = ("ETag", "Last-Modified", "Link", "Content-Location", "X-Result-Count")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.preflight = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
            expose_headers=self.EXPOSED,
            max_age=3600,
        )
        self.headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-expose-headers", ", ".join(self.EXPOSED).encode("latin-1")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and any(
            name == b"access-control-request-method" for name, _ in scope["headers"]
        ):
            await self.preflight(scope, receive, send)
            return

        async def open_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, open_send)


_HOST = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::[0-9]{1,5})?"
)
"""host[:port] as a Host header may carry it (a name, IPv4, or [IPv6])."""


class TrustedPeers:
    """The peers whose X-Forwarded-* headers are believed: uvicorn's --forwarded-allow-ips.

    A comma-separated list of IP addresses and networks (``10.0.0.0/8``), or ``*`` for any.
    """

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.any = "*" in items
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in items:
            if item == "*":
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8, *)"
                ) from None

    def __contains__(self, host: object) -> bool:
        if self.any:
            return True
        if not isinstance(host, str):
            return False
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, forwarded_for: str) -> str | None:
        """The client named by X-Forwarded-For: the nearest address that is not a trusted
        proxy (every address further left could have been written by the client itself)."""
        hosts = [host.strip() for host in forwarded_for.split(",") if host.strip()]
        for host in reversed(hosts):
            if host not in self:
                return host
        return hosts[0] if hosts else None


def public_origin(url: str) -> tuple[str, str]:
    """(scheme, host[:port]) of a --public-url; ValueError saying why when it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL such as https://data.example.fi")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            f"{url!r} has a path: serve at the root of a host name "
            "(e.g. https://data.example.fi), the paths are the IRIs' own"
        )
    if parts.username is not None or not _HOST.fullmatch(parts.netloc):
        raise ValueError(f"{url!r} does not name a host as host[:port]")
    return parts.scheme, parts.netloc.lower()


class PublicAddress:
    """The scheme, host and client a request had before the reverse proxy in front.

    ``--public-url`` fixes scheme and host outright.  Otherwise, when the peer is trusted,
    ``X-Forwarded-Proto`` (http or https), ``X-Forwarded-Host`` (the last value: the one the
    nearest proxy wrote) and ``X-Forwarded-For`` (see TrustedPeers.client) replace what the
    connection says.  Headers from any other peer are ignored: anyone could send them.
    This runs before everything else (uvicorn's own proxy-header middleware is off), so the
    trust check sees the real peer, and every link built from the request URL (Hydra paging)
    and the access log follow.
    """

    def __init__(
        self, app: ASGIApp, public_url: str | None, proxy_headers: bool, trusted: TrustedPeers
    ) -> None:
        self.app = app
        self.public = public_origin(public_url) if public_url else None
        self.proxy_headers = proxy_headers
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        scheme: str = scope.get("scheme", "http")
        host: str | None = None
        client = scope.get("client")
        if self.proxy_headers and client is not None and client[0] in self.trusted:
            forwarded = {
                name: value.decode("latin-1")
                for name, value in headers
                if name in (b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-for")
            }
            proto = forwarded.get(b"x-forwarded-proto", "").strip().lower()
            if proto in ("http", "https"):
                scheme = proto
            named = forwarded.get(b"x-forwarded-host", "").split(",")[-1].strip()
            if _HOST.fullmatch(named):
                host = named.lower()
            who = self.trusted.client(forwarded.get(b"x-forwarded-for", ""))
            if who:
                client = (who, 0)
        if self.public is not None:
            scheme, host = self.public
        if host is not None:
            headers = [(n, v) for n, v in headers if n != b"host"]
            headers.append((b"host", host.encode("latin-1")))
        await self.app(
            {**scope, "scheme": scheme, "headers": headers, "client": client}, receive, send
        )


class AccessLog:
    """One line per request: client, request line, status, bytes sent, time taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        sent = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and scope["method"] != "HEAD":
                sent += len(message.get("body", b""))  # uvicorn sends no body for HEAD
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            client = scope.get("client")
            who = f"{client[0]}:{client[1]}" if client else "-"
            target = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
            if scope.get("query_string"):
                target += "?" + scope["query_string"].decode("latin-1")
            if len(target) > 300:
                target = target[:297] + "..."
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info(
                '%s "%s %s HTTP/%s" %d %d %.1fms',
                who,
                scope["method"],
                target,
                scope.get("http_version", "1.1"),
                status,
                sent,
                elapsed,
            )


# --- the application ------------------------------------------------------------------


def create_app(site: Site, reload: Reload | None = None) -> Starlette:
    """The ASGI application over a site; the query workers start with it and stop with it.

    With ``reload``, the server switches to a new build when one appears (or on SIGHUP)
    without refusing requests: see dcatgen.server.reload.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = pool_for(site)
        await pool.start()
        app.state.pool = pool
        log.info("query workers ready: %s", ", ".join(map(str, pool.pids())))
        reloader = Reloader(app, reload) if reload is not None else None
        watching = asyncio.get_running_loop().create_task(reloader.watch()) if reloader else None
        app.state.reloader = reloader
        upgrading = asyncio.get_running_loop().create_task(upgrade(app, site))
        try:
            yield
        finally:
            upgrading.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await upgrading
            if watching is not None and reloader is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
                await reloader.close()
            await app.state.pool.close()
            log.info("query workers stopped")
            if app.state.site is not site:
                app.state.site.close()  # a reloaded site: the first is the caller's to close

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]),
        Route("/{path:path}", resource, methods=["GET", "HEAD"]),
    ]
    settings = site.settings
    middleware = [
        Middleware(
            PublicAddress,
            public_url=settings.public_url,
            proxy_headers=settings.proxy_headers,
            trusted=TrustedPeers(settings.forwarded_allow_ips),
        ),
        Middleware(AccessLog),
        Middleware(OpenToAllOrigins),
        Middleware(BodyLimit, max_bytes=settings.max_request_bytes),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.site = site
    return app


def default_base(catalogs: Sequence[str]) -> str:
    """The base IRI the server root stands for when none is given: the catalogs' common base."""
    bases = [iri[: -len("catalog")] if iri.endswith("catalog") else iri for iri in catalogs]
    if not bases:
        return "urn:dcatgen:empty/"
    common = bases[0]
    for base in bases[1:]:
        while not base.startswith(common):
            common = common[:-1]
    cut = common.rfind("/")
    return common[: cut + 1] if cut >= 0 else common


def configure_logging(level: str) -> None:
    """Log lines with a timestamp to stderr (the access log included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("dcatgen", "uvicorn"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for every request head.

    uvicorn waits for a request's line and headers as long as the client keeps the connection
    open (its keep-alive timeout stops counting once a byte arrives): 800 half-sent requests
    were all still held after 20 s, each a connection and a file descriptor (slowloris).  Here
    a connection is closed when the head of its next request is not complete within
    ``header_timeout`` seconds of the connection opening or of the previous response ending.
    A request being answered is never cut: the check is only whether a new request began.
    Bodies are bounded by size (BodyLimit); the query time limit bounds the answer.
    """

    header_timeout = DEFAULT_HEADER_TIMEOUT
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._await_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(
            self.header_timeout, self._head_overdue, self.cycle
        )

    def _head_overdue(self, waiting_after: Any) -> None:
        if self.transport.is_closing() or self.cycle is not waiting_after:
            return  # a request began since: its head arrived in time
        if waiting_after is not None and not waiting_after.response_complete:
            return  # (a pipelined request still being answered)
        client = self.client[0] if self.client else "-"
        log.info(
            "closed a connection from %s: no complete request head within %g s",
            client,
            self.header_timeout,
        )
        self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class uvicorn instantiates per connection, with this head deadline."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"header_timeout": seconds})


class AddressInUse(Exception):
    """The address to listen on cannot be had; the message names it and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, not yet listening, or AddressInUse saying why.

    Bound before anything is announced, so a busy port is reported at once (not after the
    start-up lines and the data have been loaded); uvicorn starts listening on it once the
    query workers are ready, and until then connections are refused rather than queued.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as problem:
        raise AddressInUse(f"cannot listen on {host!r}: {problem.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a port left in TIME_WAIT by a previous run may be reused at once
        # (a port with a live listener still cannot: Linux refuses that with EADDRINUSE).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as problem:
        sock.close()
        shown = f"[{host}]" if ":" in host else host
        if problem.errno == errno.EADDRINUSE:
            raise AddressInUse(
                f"port {port} on {shown} is already in use: stop what listens there, "
                "or choose another with --port"
            ) from None
        if problem.errno == errno.EACCES:
            raise AddressInUse(
                f"port {port} on {shown} needs privileges: use a port above 1023 and a "
                "reverse proxy in front (see docs/production.md)"
            ) from None
        raise AddressInUse(f"cannot listen on {shown}:{port}: {problem.strerror}") from None
    return sock


def run(
    site: Site,
    settings: Settings,
    sock: socket.socket | None = None,
    reload: Reload | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT (uvicorn shuts down gracefully, then the workers stop).

    ``sock`` is the socket from bind(); without one it is bound here.
    """
    sock = sock or bind(settings.host, settings.port)
    config = uvicorn.Config(
        create_app(site, reload),
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=10,
        lifespan="on",
        http=head_timeout_protocol(settings.header_timeout),
        # PublicAddress handles the forwarded headers: uvicorn's middleware would run first
        # and replace the peer address that the trust check needs.
        proxy_headers=False,
    )
    # uvicorn re-raises the signal that stopped it once it has shut down; with these handlers
    # in place that re-raise is only noted, so a graceful stop exits 0 rather than -15/130.
    stopped_by: list[int] = []

    def note(signum: int, _: object) -> None:
        stopped_by.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    if stopped_by:
        log.info("stopped by %s", signal.Signals(stopped_by[0]).name)


SHOWN_CATALOGS = 10
"""How many catalogs the start-up lines name (a national build has a thousand)."""


def describe_site(site: Site, address: str) -> list[str]:
    """Lines telling where things are, printed at startup."""
    lines = [f"base IRI {site.base} is served at {address}/"]
    for iri in site.catalogs[:SHOWN_CATALOGS]:
        lines.append(f"  catalog     {address}{site.local_path(iri)}")
    if len(site.catalogs) > SHOWN_CATALOGS:
        more = len(site.catalogs) - SHOWN_CATALOGS
        lines.append(f"  … and {more:,} more catalogs, all listed at {address}/")
    lines.append(f"  SPARQL      {address}/sparql")
    lines.append(f"  vocabulary  {address}{VOCABULARY_PATH}")
    return lines


__all__ = [
    "AddressInUse",
    "Settings",
    "Site",
    "bind",
    "create_app",
    "default_base",
    "describe_site",
    "rdf_bytes",
    "run",
]
