"""Publish: push a catalog into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol.

``PUT {store}?graph={IRI}`` replaces the named graph as a whole, so publishing again never
duplicates anything.  Blank nodes, which no two requests can share, are skolemised first into
stable IRIs (``{scheme}://{host}/.well-known/genid/dcatgen/{canonical label}``): the same
graph gets the same IRIs on every run.

Staged publishing.  A store commits a PUT once it has read the whole body, whoever is still
waiting for the answer: on this machine up to 36 MB of a request sit in socket buffers
(4 MB sent, 32 MB received) after the client's last write, so a publish killed after that
write was still committed seconds later, over a publish made in between.  No way of sending
the body fixes that: a streamed (chunked) body is complete once its last chunk is written
too, and a dead client cannot take bytes back from the buffers.
So when the store's SPARQL Update endpoint is known, the graph is first PUT into a staging
graph of its own (``urn:dcatgen:staging:{hash of the graph}:{uuid}``), and only a publisher
that saw that PUT succeed sends the one small request that moves it into place (one
transaction).  A killed publish at most leaves its staging graph behind, which the next
publish of the same graph empties; the target is never touched by it.

Ordered moves.  A publisher killed after it sent that update cannot stop it either: on a
busy store the update of a killed publish was applied after a newer publish had already
moved its graph into place, and replaced it.  So every staged publish carries a sequence
number (the time it started, in nanoseconds), and the move is one conditional update: the
store replaces the graph only if no publish with a larger number has moved one into place
before (the numbers are kept in the graph ``urn:dcatgen:publish-order``), and records its
own number in the same transaction.  An older publish that arrives late changes nothing,
and its publisher, when still alive, reads the order graph back and says it was superseded.
Oxigraph 0.5 does not isolate concurrent updates from each other, so an older move running
at the same moment can be committed beside a newer one (both numbers recorded): a publisher
that finds an older number beside its own moves its graph in again.
The order is that of the publishers' clocks: publishers on different machines need
synchronised clocks (NTP), as any time-ordered write does.  A direct PUT cannot be ordered.

Writes never follow redirects: a store that answers 3xx is reported with the address it
points to, and nothing is sent there.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from dcatgen.errors import DcatgenError, InputError
from dcatgen.rdf.formats import Format
from dcatgen.rdf.namespaces import PREFIXES
from dcatgen.sparql.engine import has_blank_nodes

SKOLEM_PATH = "/.well-known/genid/dcatgen/"
STAGING_PREFIX = "urn:dcatgen:staging:"
"""Staging graphs are named with this prefix, a hash of the target graph, the publish's
sequence number (20 digits) and a fresh UUID."""
ORDER_GRAPH = "urn:dcatgen:publish-order"
"""The graph in which each staged publish records its sequence number for its target graph."""
SEQUENCE = "urn:dcatgen:publish-sequence"
"""``<target graph> <SEQUENCE> n`` in ORDER_GRAPH: the number of the publish in place."""
UPDATE_SIBLINGS = {
    "/store": "/update",  # Oxigraph
    "/data": "/update",  # Fuseki
    "/sparql-graph-crud-auth": "/sparql-auth",  # Virtuoso
    "/sparql-graph-crud": "/sparql",  # Virtuoso, without login
}
"""Graph Store endpoint path ending → the same store's SPARQL Update endpoint."""
TURTLE = "text/turtle; charset=utf-8"
STORE_HINT = (
    "the Graph Store endpoint is e.g. http://127.0.0.1:7878/store (Oxigraph), "
    "http://127.0.0.1:3030/DATASET/data (Fuseki), "
    "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso)"
)


class PublishError(DcatgenError):
    """Publishing failed; the message says why and what to check."""

    exit_code = 1


@dataclass(frozen=True)
class Published:
    """What a publish did (status: of the PUT, or of the move when staged)."""

    url: str
    graph: str
    triples: int
    status: int
    skolemised: int
    staged: bool = False
    sequence: int | None = None
    """The staged publish's sequence number (the time it started, in nanoseconds)."""
    moves: int = 1
    """How often the graph was moved in (more than once when an older publish's move was
    committed side by side with it)."""


def staging_prefix(graph: str) -> str:
    """The start of the staging graphs' names for one target graph."""
    return f"{STAGING_PREFIX}{hashlib.sha256(graph.encode('utf-8')).hexdigest()[:16]}:"


def move_update(staging: str, graph: str, sequence: int) -> str:
    """The SPARQL Update that puts a staging graph in place of the graph, in one transaction,
    unless a publish with a larger sequence number has already put its graph there.

    Every operation is conditional on that (the number is recorded last), so a late update of
    an older publish changes nothing.  It also empties the target's staging graphs of this
    publish and of older ones: those of killed publishes, which may have been committed after
    their publisher died (a union-default-graph query would see them).  A newer publish's
    staging graph stays for its own move (emptied, its move would empty the graph).
    """
    newer = (
        f"FILTER NOT EXISTS {{ GRAPH <{ORDER_GRAPH}> {{ <{graph}> <{SEQUENCE}> ?newer }} "
        f"FILTER(?newer > {sequence}) }}"
    )
    recorded = f"GRAPH <{ORDER_GRAPH}> {{ <{graph}> <{SEQUENCE}> ?old }}"
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}\n"
        f"WHERE {{ {newer} GRAPH <{graph}> {{ ?s ?p ?o }} }} ;\n"
        f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}\n"
        f"WHERE {{ {newer} GRAPH <{staging}> {{ ?s ?p ?o }} }} ;\n"
        f"DELETE {{ {recorded} }}\n"
        f"INSERT {{ GRAPH <{ORDER_GRAPH}> {{ <{graph}> <{SEQUENCE}> {sequence} }} }}\n"
        f"WHERE {{ {newer} OPTIONAL {{ {recorded} }} }} ;\n"
        "DELETE { GRAPH ?staging { ?s ?p ?o } } WHERE { GRAPH ?staging { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?staging), "{staging_prefix(graph)}") '
        f'&& STR(?staging) < "{staging_name(graph, sequence + 1, "")}") }}'
    )


def staging_name(graph: str, sequence: int, unique: str) -> str:
    """A staging graph's name: names of older publishes sort before those of newer ones."""
    return f"{staging_prefix(graph)}{sequence:020d}:{unique}"


def recorded_sequences(turtle: bytes, graph: str) -> list[int]:
    """The sequence numbers the order graph (as Turtle or N-Triples) records for a graph
    (one, unless concurrent moves were committed side by side), in increasing order."""
    subject, predicate = ox.NamedNode(graph), ox.NamedNode(SEQUENCE)
    try:
        return sorted(
            int(quad.object.value)
            for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
            if quad.subject == subject
            and quad.predicate == predicate
            and isinstance(quad.object, ox.Literal)
        )
    except (SyntaxError, ValueError):
        return []


def update_endpoint(store: str) -> str | None:
    """The SPARQL Update endpoint beside a Graph Store endpoint of a known store, or None."""
    parts = urlsplit(store)
    path = parts.path.rstrip("/")
    for ending, sibling in UPDATE_SIBLINGS.items():
        if path.endswith(ending):
            return urlunsplit(parts._replace(path=path[: -len(ending)] + sibling, query=""))
    return None


def skolemise(triples: list[ox.Triple], graph: str) -> tuple[list[ox.Triple], int]:
    """Triples with every blank node replaced by a stable skolem IRI; and how many there were."""
    if not has_blank_nodes(triples):
        return triples, 0
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    data = ox.serialize(triples, format=Format.N_TRIPLES.oxigraph)
    assert data is not None
    parsed = Graph().parse(data=bytes(data).decode("utf-8"), format="nt")
    blank = {term for triple in parsed for term in triple if isinstance(term, BNode)}
    parts = urlsplit(graph)
    authority = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "https://w3id.org/dcatgen"
    skolem = to_canonical_graph(parsed).skolemize(authority=authority, basepath=SKOLEM_PATH)
    text = skolem.serialize(format="nt")
    out = [quad.triple for quad in ox.parse(text.encode("utf-8"), format=Format.N_TRIPLES.oxigraph)]
    return out, len(blank)


def graph_store_url(store: str, graph: str) -> str:
    """The Graph Store URL of one named graph (indirect graph identification)."""
    return store + ("&" if "?" in store else "?") + urlencode({"graph": graph})


def _explain(response: requests.Response, url: str, user: str | None) -> str:
    status = f"HTTP {response.status_code} {response.reason}"
    detail = response.text.strip()[:500]
    if response.is_redirect or 300 <= response.status_code < 400:
        target = response.headers.get("Location", "(no Location given)")
        return (
            f"{status}: the store at {url} redirects to {target}; a graph is never sent on "
            "to another address: if that is the right store, give its address to --to "
            "(or --update)"
        )
    if response.status_code == 401:
        who = f"as {user!r}" if user else "without credentials (give --user and --password-env)"
        return f"{status}: the store at {url} refused the login {who}"
    if response.status_code == 403:
        return f"{status}: the store at {url} forbids writing this graph (read-only?): {detail}"
    if response.status_code in (404, 405):
        return f"{status}: no SPARQL Graph Store at {url}; {STORE_HINT}"
    if response.status_code == 415:
        return f"{status}: the store does not accept Turtle: {detail}"
    return f"{status} from {url}: {detail}"


def _timed_out(error: BaseException) -> bool:
    """True when a connection error was a socket timeout (the store stopped reading)."""
    pending, seen = [error], 0
    while pending and seen < 20:
        current = pending.pop()
        seen += 1
        if isinstance(current, TimeoutError):
            return True
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return False


def _too_slow(store: str, size: int, timeout: float) -> str:
    return (
        f"{store} did not take the graph ({size / 1e6:.1f} MB of Turtle) within {timeout:g} s "
        "(--timeout). Stores load one large request slowly (Oxigraph 0.5: 8 MB in 1.8 s, "
        "78 MB in 32 s): build with --layout per-description and publish with "
        "--graph-per-catalog (one request per catalog), or use the store's bulk loader"
    )


def _challenge(session: requests.Session, url: str, timeout: float) -> str:
    """The authentication scheme the store asks for (a HEAD without credentials)."""
    try:
        probe = session.head(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return "basic"
    header = probe.headers.get("WWW-Authenticate", "")
    return "digest" if header.lower().startswith("digest") else "basic"


def _auth(scheme: str, user: str, password: str) -> AuthBase:
    return HTTPDigestAuth(user, password) if scheme == "digest" else HTTPBasicAuth(user, password)


def publish(
    triples: list[ox.Triple],
    store: str,
    graph: str,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float = 120.0,
    update: str | None = None,
) -> Published:
    """Replace a named graph of a Graph Store with the triples.

    With ``update`` (the store's SPARQL Update endpoint), staged: PUT into a staging graph,
    then move it onto the graph in one ordered update (see the module's docstring); without, one
    PUT of the graph itself.  ``auth`` is basic, digest, or auto (ask the store which, by an
    unauthenticated HEAD).  Raises PublishError with a message naming the cause.
    """
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise PublishError(f"--graph must be an absolute IRI, not {graph!r}") from None
    if urlsplit(store).scheme not in ("http", "https"):
        raise PublishError(f"--to must be an http(s) URL, not {store!r}; {STORE_HINT}")
    if update is not None and urlsplit(update).scheme not in ("http", "https"):
        raise PublishError(f"--update must be an http(s) URL, not {update!r}")
    body_triples, skolemised = skolemise(triples, graph)
    body = ox.serialize(body_triples, format=Format.TURTLE.oxigraph, prefixes=PREFIXES)
    assert body is not None
    sequence = time.time_ns()  # taken first: a publish started later is the newer one
    writer = _Writer(requests.Session(), user, password, auth, timeout, store, len(body))
    if update is None:
        url = graph_store_url(store, graph)
        response = writer.send("PUT", url, bytes(body), {"Content-Type": TURTLE})
        if response.status_code not in (200, 201, 204):
            raise PublishError(_explain(response, store, user))
        return Published(url, graph, len(body_triples), response.status_code, skolemised)
    for moves in range(1, MOVES + 1):
        status = _staged_move(writer, bytes(body), store, update, graph, sequence)
        recorded = writer.recorded(graph_store_url(store, ORDER_GRAPH), graph)
        if recorded and recorded[-1] > sequence:
            raise PublishError(
                f"a newer publish of <{graph}> (started {_when(recorded[-1])}) was moved into "
                f"place before this one (started {_when(sequence)}), so this one changed "
                "nothing: the newer graph stands"
            )
        if not recorded or recorded == [sequence]:
            return Published(
                graph_store_url(store, graph),
                graph,
                len(body_triples),
                status,
                skolemised,
                staged=True,
                sequence=sequence,
                moves=moves,
            )
        # An older publish's move was committed side by side with this one (the store does
        # not isolate concurrent updates from each other): its triples may be in the graph
        # too. Moved in again, this graph replaces them, and the older number goes.
    raise PublishError(
        f"<{graph}> was moved into place {MOVES} times, and each time an older publish's move "
        "was committed beside it: publish again once the other publishers have finished"
    )


MOVES = 3
"""How often a publish moves its graph in when older moves keep being committed beside it."""


def _staged_move(
    writer: _Writer, body: bytes, store: str, update: str, graph: str, sequence: int
) -> int:
    """PUT the graph into a fresh staging graph, then move it into place; the move's status."""
    staging = staging_name(graph, sequence, str(uuid.uuid4()))
    url = graph_store_url(store, staging)
    response = writer.send("PUT", url, body, {"Content-Type": TURTLE})
    if response.status_code not in (200, 201, 204):
        raise PublishError(_explain(response, store, writer.user))
    move = urlencode({"update": move_update(staging, graph, sequence)}).encode("ascii")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        moved = writer.send("POST", update, move, form)
    except PublishError:
        writer.discard(url)
        raise
    if moved.status_code not in (200, 201, 204):
        writer.discard(url)
        raise PublishError(
            f"the store took the graph, but moving it into place failed, so <{graph}> is "
            f"unchanged: {_explain(moved, update, writer.user)} (check --update, or publish "
            "with --no-staging)"
        )
    return moved.status_code


def _when(sequence: int) -> str:
    moment = datetime.datetime.fromtimestamp(sequence / 1e9, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Writer:
    """Write requests to one store: never redirected, with its login, errors explained."""

    def __init__(
        self,
        session: requests.Session,
        user: str | None,
        password: str | None,
        auth: str,
        timeout: float,
        store: str,
        size: int,
    ) -> None:
        self.session = session
        self.user = user
        self.password = password or ""
        self.auth = auth
        self.scheme = auth
        self.timeout = timeout
        self.store = store
        self.size = size
        self.credentials: AuthBase | None = None

    def send(
        self, method: str, url: str, data: bytes, headers: dict[str, str]
    ) -> requests.Response:
        """One request; on 401 with a Digest challenge (auth auto), once more with Digest."""
        try:
            if self.user is not None and self.credentials is None:
                if self.scheme == "auto":
                    self.scheme = _challenge(self.session, url, self.timeout)
                self.credentials = _auth(self.scheme, self.user, self.password)
            response = self._request(method, url, data, headers)
            challenge = response.headers.get("WWW-Authenticate", "").lower()
            if (
                response.status_code == 401
                and self.user is not None
                and self.auth == "auto"
                and self.scheme != "digest"
                and challenge.startswith("digest")
            ):
                self.scheme = "digest"
                self.credentials = _auth("digest", self.user, self.password)
                response = self._request(method, url, data, headers)
        except (requests.Timeout, requests.ConnectionError) as problem:
            slow = isinstance(problem, requests.Timeout) or _timed_out(problem)
            if slow and not isinstance(problem, requests.ConnectTimeout):
                raise PublishError(_too_slow(self.store, self.size, self.timeout)) from None
            raise PublishError(f"cannot connect to {self.store}: {problem}") from None
        except requests.RequestException as problem:
            raise PublishError(f"request to {self.store} failed: {problem}") from None
        return response

    def _request(
        self, method: str, url: str, data: bytes, headers: dict[str, str]
    ) -> requests.Response:
        # No redirects for writes: requests would send the body again to wherever the
        # store points (a 307 keeps the method), and report that store's answer as ours.
        return self.session.request(
            method,
            url,
            data=data,
            headers=headers,
            auth=self.credentials,
            timeout=self.timeout,
            allow_redirects=False,
        )

    def recorded(self, url: str, graph: str) -> list[int]:
        """The sequence numbers the order graph records for ``graph``, in increasing order
        (none when the store does not show them: then nothing more can be said)."""
        try:
            response = self.session.get(
                url,
                headers={"Accept": "text/turtle"},
                auth=self.credentials,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException:
            return []
        if response.status_code != 200:
            return []
        return recorded_sequences(response.content, graph)

    def discard(self, url: str) -> None:
        """Delete a staging graph after a failed move (best effort: it names nothing real)."""
        with contextlib.suppress(requests.RequestException):
            self.session.delete(
                url, auth=self.credentials, timeout=self.timeout, allow_redirects=False
            )


@dataclass(frozen=True)
class GraphStore:
    """A store to publish into: its Graph Store endpoint, login, time limit and (for staged,
    ordered publishing) its SPARQL Update endpoint."""

    url: str
    user: str | None = None
    password: str | None = None
    auth: str = "auto"
    timeout: float = 120.0
    update: str | None = None

    def replace(self, triples: list[ox.Triple], graph: str) -> Published:
        """Replace one named graph with the triples (see `publish`)."""
        return publish(
            triples,
            self.url,
            graph,
            self.user,
            self.password,
            self.auth,
            self.timeout,
            self.update,
        )


def publish_catalogs(
    catalogs: Sequence[tuple[str, Path]],
    target: GraphStore,
    each: Callable[[Published], None] | None = None,
    quality: bool = True,
) -> list[Published]:
    """Replace one graph per catalog (named by the catalog's IRI) with its file's triples,
    and with ``quality`` the quality graph beside each (``{base}quality``, from its
    quality.trig) too.

    A failure says how far the run got (the graphs before it are replaced; publishing again
    replaces them all).  ``each`` hears of every graph replaced, as it happens.
    """
    from dcatgen.sparql.store import CatalogSource, parse_rdf_file, quality_graphs

    done: list[Published] = []
    for number, (iri, path) in enumerate(catalogs, start=1):
        so_far = (
            f"{number - 1} of {len(catalogs)} catalogs were published before {path}; "
            "publishing again replaces them all"
        )
        try:
            graphs = [(iri, parse_rdf_file(path))]
            if quality:
                graphs += quality_graphs(CatalogSource([path]))
            for name, triples in graphs:
                published = target.replace(triples, name)
                done.append(published)
                if each is not None:
                    each(published)
        except InputError as error:
            raise InputError(error.problems, so_far) from None
        except PublishError as error:
            raise PublishError(f"{error}\n{so_far}") from None
    return done
