"""Describe: the triples a dereferenced IRI or a catalog page returns, read from the store.

- A resource's description is its concise bounded description: its own triples, and those of
  the blank nodes and hash nodes (``IRI#data-group-1``…) it links to, recursively.
- A catalog page is a complete document: the catalog (linking only to that page's datasets),
  those datasets, and everything they reach (hash nodes, systems, units, the publisher,
  concepts and their schemes), but no dataset of another page; plus Hydra paging triples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from dcatgen.rdf.namespaces import DCAT, HYDRA, RDF, XSD
from dcatgen.sparql.store import VOCABULARY, VOCABULARY_GRAPH

Node = ox.NamedNode | ox.BlankNode
_TYPE = ox.NamedNode(str(RDF.type))
_DATASET = ox.NamedNode(str(DCAT.Dataset))
_CATALOG = ox.NamedNode(str(DCAT.Catalog))
_HAS_DATASET = ox.NamedNode(str(DCAT.dataset))
_INTEGER = ox.NamedNode(str(XSD.integer))


def _h(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(HYDRA[term]))


def triples_of(
    store: ox.Store, subject: Node, graph: ox.NamedNode | None = None
) -> list[ox.Triple]:
    """The triples whose subject is a node (in the default graph, or a named one)."""
    where = ox.DefaultGraph() if graph is None else graph
    return [quad.triple for quad in store.quads_for_pattern(subject, None, None, where)]


def is_subject(store: ox.Store, iri: str, graph: ox.NamedNode | None = None) -> bool:
    """True when the IRI has triples of its own in the graph."""
    where = ox.DefaultGraph() if graph is None else graph
    return any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None, where))


def has_type(store: ox.Store, iri: str, rdf_class: ox.NamedNode) -> bool:
    """True when the default graph types the IRI with the class."""
    quads = store.quads_for_pattern(ox.NamedNode(iri), _TYPE, rdf_class, ox.DefaultGraph())
    return any(True for _ in quads)


def describe(store: ox.Store, iri: str, graph: ox.NamedNode | None = None) -> list[ox.Triple]:
    """The concise bounded description of an IRI, with its hash nodes; empty when unknown."""
    owner = iri.split("#", 1)[0] + "#"
    out: list[ox.Triple] = []
    seen: set[Node] = set()
    queue: list[Node] = [ox.NamedNode(iri)]
    while queue:
        node = queue.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in triples_of(store, node, graph):
            out.append(triple)
            value = triple.object
            if isinstance(value, ox.BlankNode) or (
                isinstance(value, ox.NamedNode) and value.value.startswith(owner)
            ):
                queue.append(value)
    return out


LABEL_PREDICATES = tuple(
    ox.NamedNode(iri)
    for iri in (
        "http://purl.org/dc/terms/title",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://xmlns.com/foaf/0.1/name",
    )
)


def labels(store: ox.Store, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The label triples of the IRIs the triples link to (default graph, then vocabulary)."""
    subjects = {t.subject for t in triples}
    targets = {t.object for t in triples if isinstance(t.object, ox.NamedNode)} - subjects
    out = []
    for target in targets:
        for graph in (ox.DefaultGraph(), VOCABULARY_GRAPH):
            found = [
                quad.triple
                for predicate in LABEL_PREDICATES
                for quad in store.quads_for_pattern(target, predicate, None, graph)
            ]
            if found:
                out.extend(found)
                break
    return out


def vocabulary(store: ox.Store) -> list[ox.Triple]:
    """The whole vocabulary graph: the ontology and all its (hash) terms."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, VOCABULARY_GRAPH)]


def is_vocabulary(iri: str) -> bool:
    """True for the vocabulary document IRI (its terms are hash IRIs of it)."""
    return iri == VOCABULARY


def datasets_of(store: ox.Store, catalog: str) -> list[str]:
    """The dataset IRIs of a catalog, sorted (the order pages follow)."""
    quads = store.quads_for_pattern(ox.NamedNode(catalog), _HAS_DATASET, None, ox.DefaultGraph())
    return sorted(q.object.value for q in quads if isinstance(q.object, ox.NamedNode))


@dataclass(frozen=True)
class Paging:
    """Where a page sits among a catalog's pages (1-based)."""

    page: int
    pages: int
    total: int
    size: int

    @classmethod
    def of(cls, total: int, size: int, page: int) -> Paging:
        """Paging for a total, a page size and the requested page; ValueError if out of range."""
        pages = max(1, math.ceil(total / size))
        if not 1 <= page <= pages:
            raise ValueError(f"page {page} does not exist: pages are 1 to {pages}")
        return cls(page, pages, total, size)

    @property
    def start(self) -> int:
        """Index of the page's first dataset."""
        return (self.page - 1) * self.size


def closure(
    store: ox.Store, seeds: Iterable[Node], excluded: set[Node]
) -> tuple[list[ox.Triple], set[Node]]:
    """The triples of every node reachable from the seeds, not entering the excluded nodes."""
    out: list[ox.Triple] = []
    seen: set[Node] = set()
    queue = list(seeds)
    while queue:
        node = queue.pop()
        if node in seen or node in excluded:
            continue
        seen.add(node)
        for triple in triples_of(store, node):
            out.append(triple)
            value = triple.object
            if isinstance(value, ox.NamedNode | ox.BlankNode) and triple.predicate != _TYPE:
                queue.append(value)
    return out, seen


def catalog_page(
    store: ox.Store, catalog: str, paging_size: int, page: int, page_url: Callable[[int], str]
) -> tuple[list[ox.Triple], Paging]:
    """One page of a catalog as a complete document, with Hydra paging.

    ``page_url`` maps a page number to the URL a client fetches it at.
    """
    datasets = datasets_of(store, catalog)
    paging = Paging.of(len(datasets), paging_size, page)
    on_page = {ox.NamedNode(iri) for iri in datasets[paging.start : paging.start + paging.size]}
    catalog_node = ox.NamedNode(catalog)
    off_page: set[Node] = {ox.NamedNode(iri) for iri in datasets}
    off_page -= on_page
    other_catalogs: set[Node] = {
        q.subject
        for q in store.quads_for_pattern(None, _TYPE, _CATALOG, ox.DefaultGraph())
        if isinstance(q.subject, ox.NamedNode | ox.BlankNode) and q.subject != catalog_node
    }
    triples, _ = closure(store, [catalog_node], off_page | other_catalogs)
    triples = [
        t
        for t in triples
        if not (t.subject == catalog_node and t.predicate == _HAS_DATASET and t.object in off_page)
    ]
    triples.extend(hydra_triples(catalog_node, paging, page_url))
    return triples, paging


def hydra_triples(
    collection: ox.NamedNode, paging: Paging, page_url: Callable[[int], str]
) -> list[ox.Triple]:
    """The Hydra collection and view triples of one page (ckanext-dcat follows hydra:next)."""
    view = ox.NamedNode(page_url(paging.page))
    link = {
        "first": 1,
        "last": paging.pages,
        "previous": paging.page - 1 if paging.page > 1 else None,
        "next": paging.page + 1 if paging.page < paging.pages else None,
    }
    triples = [
        ox.Triple(collection, _TYPE, _h("Collection")),
        ox.Triple(collection, _h("totalItems"), ox.Literal(str(paging.total), datatype=_INTEGER)),
        ox.Triple(collection, _h("view"), view),
        ox.Triple(view, _TYPE, _h("PartialCollectionView")),
    ]
    for relation, number in link.items():
        if number is not None:
            target = ox.NamedNode(page_url(number))
            triples.append(ox.Triple(view, _h(relation), target))
    return triples


__all__ = [
    "Paging",
    "catalog_page",
    "datasets_of",
    "describe",
    "has_type",
    "hydra_triples",
    "is_subject",
    "is_vocabulary",
    "triples_of",
    "vocabulary",
]
