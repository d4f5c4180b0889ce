"""HTML views for people: the catalog, any described resource, the vocabulary, the index.

Plain, self-contained pages (no scripts, no external assets); every value is escaped.  Links
to IRIs the server can dereference point at the server itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox

from dcatgen.rdf.namespaces import (
    DCAT,
    DCT,
    FOAF,
    HYDRA,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    shorten,
)
from dcatgen.server.describe import Paging

LANGUAGES = ("fi", "en", "sv")
LABELS = (DCT.title, SKOS.prefLabel, RDFS.label, FOAF.name, VCARD.fn)
DISPLAY_PREFIXES = {**PREFIXES, "hydra": str(HYDRA)}

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b}
a{color:#0b57a4}h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.iri{color:#555;font-size:.85rem;word-break:break-all}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #ddd}
th{width:14rem;font-weight:600;color:#333}nav{margin:1rem 0}nav a{margin-right:1rem}
ol.datasets li{margin-bottom:1rem}.formats a{margin-right:.6rem}.lang{color:#777;font-size:.8rem}
textarea{width:100%;font:14px monospace}
"""

LocalLink = Callable[[str], str | None]
"""Maps an IRI to the server path that serves it, or None."""


def document(title: str, body: str, alternates: Sequence[tuple[str, str]] = ()) -> str:
    """A complete HTML page; alternates are (media type, href) of RDF representations."""
    links = "".join(
        f'<link rel="alternate" type="{escape(kind)}" href="{escape(href)}">'
        for kind, href in alternates
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="fi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{links}'
        f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


@dataclass
class Graph:
    """Triples indexed by subject, for building pages."""

    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]]

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Graph:
        """Index triples by subject and predicate."""
        index: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for triple in triples:
            if isinstance(triple.object, ox.NamedNode | ox.BlankNode | ox.Literal):
                index[str(triple.subject)][triple.predicate.value].append(triple.object)
        return cls(index)

    def values(
        self, subject: str, predicate: object
    ) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """The objects of a subject (written as in ``str(term)``) and predicate."""
        return self.by_subject.get(subject, {}).get(str(predicate), [])

    def text(self, subject: str, predicates: Iterable[object] = LABELS) -> str | None:
        """The first literal of the predicates, preferring Finnish, then English, Swedish."""
        for predicate in predicates:
            literals = [v for v in self.values(subject, predicate) if isinstance(v, ox.Literal)]
            for language in LANGUAGES:
                for literal in literals:
                    if literal.language == language:
                        return literal.value
            if literals:
                return literals[0].value
        return None


def display_name(iri: str) -> str:
    """prefix:local when a known prefix fits."""
    return shorten(iri, DISPLAY_PREFIXES) or iri


def _term(graph: Graph, term: ox.NamedNode | ox.BlankNode | ox.Literal, local: LocalLink) -> str:
    if isinstance(term, ox.Literal):
        language = f' <span class="lang">@{escape(term.language)}</span>' if term.language else ""
        return escape(term.value) + language
    if isinstance(term, ox.BlankNode):
        return f"_:{escape(term.value)}"
    label = graph.text(str(term)) or display_name(term.value)
    href = local(term.value) or term.value
    if term.value.startswith(("mailto:", "tel:")):
        label = term.value.split(":", 1)[1]
    return f'<a href="{escape(href)}">{escape(label)}</a>'


def properties_table(graph: Graph, subject: str, local: LocalLink) -> str:
    """A table of a subject's predicates and values."""
    rows = []
    for predicate, values in sorted(graph.by_subject.get(subject, {}).items()):
        cells = "<br>".join(_term(graph, value, local) for value in values)
        rows.append(f"<tr><th>{escape(display_name(predicate))}</th><td>{cells}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def formats_nav(alternates: Sequence[tuple[str, str]]) -> str:
    """Links to the other representations."""
    links = "".join(f'<a href="{escape(href)}">{escape(kind)}</a>' for kind, href in alternates)
    return f'<p class="formats">Also as: {links}</p>'


def resource_page(
    triples: list[ox.Triple], iri: str, local: LocalLink, alternates: Sequence[tuple[str, str]]
) -> str:
    """A described resource and its hash nodes."""
    graph = Graph.of(triples)
    title = graph.text(f"<{iri}>") or display_name(iri)
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri">{escape(iri)}</p>',
        formats_nav(alternates),
        properties_table(graph, f"<{iri}>", local),
    ]
    for subject in sorted(graph.by_subject):
        if subject.startswith((f"<{iri}#", "_:")):  # hash and blank nodes; not label-only nodes
            heading = graph.text(subject) or subject.strip("<>").rsplit("#", 1)[-1]
            anchor = subject.strip("<>").rsplit("#", 1)[-1]
            parts.append(f'<h2 id="{escape(anchor)}">{escape(heading)}</h2>')
            parts.append(f'<p class="iri">{escape(subject.strip("<>"))}</p>')
            parts.append(properties_table(graph, subject, local))
    return document(title, "\n".join(parts), alternates)


def catalog_html(
    triples: list[ox.Triple],
    catalog: str,
    paging: Paging,
    local: LocalLink,
    page_href: Callable[[int], str],
    alternates: Sequence[tuple[str, str]],
) -> str:
    """A catalog page: its title and description, its datasets, links to other pages."""
    graph = Graph.of(triples)
    key = f"<{catalog}>"
    title = graph.text(key) or catalog
    items = []
    for dataset in sorted(
        graph.values(key, DCAT.dataset), key=lambda d: graph.text(str(d)) or str(d)
    ):
        if not isinstance(dataset, ox.NamedNode):
            continue
        name = graph.text(str(dataset)) or dataset.value
        about = graph.text(str(dataset), (DCT.description,)) or ""
        kinds = ", ".join(
            display_name(t.value)
            for t in graph.values(str(dataset), RDF.type)
            if isinstance(t, ox.NamedNode) and t.value != str(DCAT.Dataset)
        )
        href = local(dataset.value) or dataset.value
        items.append(
            f'<li><a href="{escape(href)}"><strong>{escape(name)}</strong></a> '
            f'<span class="lang">{escape(kinds)}</span><br>{escape(about)}</li>'
        )
    nav = []
    if paging.page > 1:
        nav.append(f'<a href="{escape(page_href(paging.page - 1))}" rel="prev">← previous</a>')
    nav.append(f"page {paging.page} of {paging.pages}, {paging.total} datasets")
    if paging.page < paging.pages:
        nav.append(f'<a href="{escape(page_href(paging.page + 1))}" rel="next">next →</a>')
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(graph.text(key, (DCT.description,)) or '')}</p>",
        formats_nav(alternates),
        f"<nav>{' · '.join(nav)}</nav>",
        f'<ol class="datasets" start="{paging.start + 1}">{"".join(items)}</ol>',
        f"<nav>{' · '.join(nav)}</nav>",
        '<p><a href="/sparql">Query the catalog with SPARQL</a></p>',
    ]
    return document(title, "\n".join(body), alternates)


def vocabulary_page(
    triples: list[ox.Triple], iri: str, local: LocalLink, alternates: Sequence[tuple[str, str]]
) -> str:
    """The vocabulary, one section per term, each with an anchor so that ns#Term works."""
    graph = Graph.of(triples)
    key = f"<{iri}>"
    title = graph.text(key) or iri
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri">{escape(iri)}</p>',
        formats_nav(alternates),
        f"<p>{escape(graph.text(key, (DCT.description,)) or '')}</p>",
    ]
    terms = sorted(s for s in graph.by_subject if s.startswith(f"<{iri}#"))
    parts.append(
        "<p>"
        + " · ".join(
            f'<a href="#{escape(t[len(iri) + 2 : -1])}">{escape(t[len(iri) + 2 : -1])}</a>'
            for t in terms
        )
        + "</p>"
    )
    for term in terms:
        name = term[len(iri) + 2 : -1]
        label = graph.text(term) or name
        definition = graph.text(term, (SKOS.definition,)) or ""
        parts.append(f'<h2 id="{escape(name)}">{escape(label)} <code>dg:{escape(name)}</code></h2>')
        parts.append(f"<p>{escape(definition)}</p>")
        parts.append(properties_table(graph, term, local))
    return document(title, "\n".join(parts), alternates)


def index_page(catalogs: Sequence[tuple[str, str]], base: str) -> str:
    """The server's front page: its catalogs, the SPARQL endpoint, the vocabulary."""
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(title)}</a></li>' for title, href in catalogs
    )
    body = (
        "<h1>dcatgen</h1><p>§28 register descriptions (Information Management Act 906/2019) "
        "as DCAT-AP 3 linked data.</p>"
        f"<h2>Catalogs</h2><ul>{items}</ul>"
        '<h2>More</h2><ul><li><a href="/sparql">SPARQL endpoint</a></li>'
        '<li><a href="/ns">The dcatgen vocabulary</a></li></ul>'
        f'<p class="iri">This server\'s root stands for {escape(base)}</p>'
    )
    return document("dcatgen", body)


EXAMPLE_QUERY = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title .
  FILTER(LANG(?title) = "fi")
} ORDER BY ?title"""


def sparql_page() -> str:
    """A form for trying queries in a browser."""
    options = "".join(
        f'<option value="{value}">{label}</option>'
        for value, label in (
            ("", "negotiate (JSON / Turtle)"),
            ("json", "JSON"),
            ("xml", "XML"),
            ("csv", "CSV"),
            ("tsv", "TSV"),
            ("turtle", "Turtle (CONSTRUCT / DESCRIBE)"),
            ("json-ld", "JSON-LD (CONSTRUCT / DESCRIBE)"),
        )
    )
    body = (
        "<h1>SPARQL endpoint</h1><p>SPARQL 1.1 Protocol: GET or POST <code>query</code>. "
        "Read-only; each query has a time limit and a result-size cap.</p>"
        '<form method="get" action="/sparql">'
        f'<textarea name="query" rows="12">{escape(EXAMPLE_QUERY)}</textarea>'
        f'<p><label>Result format <select name="format">{options}</select></label> '
        '<button type="submit">Run</button></p></form>'
    )
    return document("SPARQL endpoint", body)
