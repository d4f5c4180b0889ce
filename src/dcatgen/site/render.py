"""Render the site: Jinja2 templates (autoescaped) over a ``SiteIndex``, one environment per
language with that language's gettext catalog installed.

``page_bytes`` renders one page (the server calls it per request), ``site_files`` every
file of one organisation's folder (the build calls it per description): each page in each
language, and beside each described resource its RDF (``.ttl``, ``.jsonld``) for the pages'
``rel="alternate"`` links.  Both are pure functions of the description, so the server and
the build give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import jinja2

from dcatgen import __version__
from dcatgen.mapping.summary import AVAILABILITY_SENTENCES, register_description
from dcatgen.mapping.tables import description_triples
from dcatgen.model.description import Description
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import CONTEXT_IRI, canonical, jsonld_nodes, serialize
from dcatgen.rdf.terms import Triple
from dcatgen.site.gaps import GAP_MESSAGES
from dcatgen.site.i18n import LANGUAGES, gettext_in, translations
from dcatgen.site.paths import page_path
from dcatgen.site.view import Page, SiteIndex, Text, lang_attribute

TEMPLATES = {
    "catalog": "catalog.html",
    "register": "register.html",
    "unit": "unit.html",
    "system": "system.html",
    "information-request": "information_request.html",
    "gaps": "gaps.html",
}
_BLANK_LINES = re.compile(r"\n\s*\n")
RDF_FORMATS = (Format.TURTLE, Format.JSON_LD)
"""The RDF written beside each described resource's page (its rel="alternate" links)."""


@cache
def environment(language: str) -> jinja2.Environment:
    """The template environment of one language (its catalog installed for {% trans %})."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dcatgen.site", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True  # the same msgids as extraction's "trimmed"
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["lang"] = lang_attribute
    env.globals["generator"] = f"dcatgen {__version__}"
    env.globals["availability_sentences"] = AVAILABILITY_SENTENCES
    env.globals["gap_messages"] = GAP_MESSAGES
    env.globals["in_language"] = _in_own_language
    return env


def _in_own_language(language: str, message: str) -> str:
    """A message in a given language (a language switcher names each language in itself)."""
    return gettext_in(language, message)


@dataclass(eq=False)
class Resources:
    """The description's triples by subject, for the RDF embedded in and beside pages."""

    triples: list[Triple]

    @cached_property
    def by_subject(self) -> dict[str, list[Triple]]:
        """Triples grouped by their subject term."""
        grouped: dict[str, list[Triple]] = {}
        for triple in self.triples:
            grouped.setdefault(triple[0], []).append(triple)
        return grouped

    @cached_property
    def hash_nodes(self) -> dict[str, list[str]]:
        """'<…/register/x>' → its hash nodes' subject terms ('<…/register/x#data-group-1>')."""
        found: dict[str, list[str]] = {}
        for subject in self.by_subject:
            if "#" in subject and subject.startswith("<"):
                found.setdefault(subject.split("#", 1)[0] + ">", []).append(subject)
        return found

    @cache  # noqa: B019 - one Resources per renderer, kept while its pages are rendered
    def described(self, iris: tuple[str, ...]) -> list[Triple]:
        """The concise bounded description of IRIs: their triples and their hash nodes'
        (what ``dcatgen serve`` answers for the IRI), canonically ordered."""
        out: list[Triple] = []
        for iri in iris:
            term = f"<{iri}>"
            out.extend(self.by_subject.get(term, ()))
            for node in self.hash_nodes.get(term, ()):
                out.extend(self.by_subject[node])
        return canonical(out)


class Renderer:
    """Renders the pages of one description (the index and triples computed once)."""

    def __init__(
        self,
        description: Description,
        triples: list[Triple] | None = None,
        link_gaps: bool = False,
    ) -> None:
        self.index = SiteIndex(description, link_gaps)
        self._triples = triples
        self._dcat_cache: dict[tuple[str, ...], str] = {}

    @cached_property
    def resources(self) -> Resources:
        """The description's triples (mapped now unless the caller had them)."""
        triples = self._triples
        if triples is None:
            triples = description_triples(self.index.description)
        return Resources(triples)

    def described_iris(self, page: Page) -> tuple[str, ...]:
        """The IRIs whose description a page embeds and links as RDF."""
        if page.kind == "catalog":
            iris = self.index.iris
            return (iris.catalog[1:-1], iris.organisation[1:-1])
        return (page.iri,) if page.iri else ()

    def page_bytes(self, kind: str, identifier: str, language: str) -> bytes:
        """One page as UTF-8 HTML."""
        page = Page(self.index, kind, identifier, language)
        template = environment(language).get_template(TEMPLATES[kind])
        context: dict[str, Any] = {"page": page, "index": self.index}
        context["jsonld"] = self.jsonld(page)
        html = template.render(context)
        # Blocks that rendered nothing leave empty lines: drop them (no <pre> on any page).
        return _BLANK_LINES.sub("\n", html).encode("utf-8")

    def jsonld(self, page: Page) -> list[str]:
        """The JSON-LD blocks of a page: its resource's DCAT, and schema.org for registers."""
        iris = self.described_iris(page)
        if not iris:
            return []
        blocks = [self._dcat_json(iris)]
        if page.kind == "register":
            blocks.append(_script_json(self.schema_dataset(page)))
        elif page.kind == "catalog":
            blocks.append(_script_json(self.schema_catalog(page)))
        return blocks

    def _dcat_json(self, iris: tuple[str, ...]) -> str:
        """The resource's DCAT as JSON-LD for a <script>: the same in every language."""
        if iris not in self._dcat_cache:
            nodes = jsonld_nodes(self.resources.described(iris))
            self._dcat_cache[iris] = _script_json({"@context": CONTEXT_IRI, "@graph": nodes})
        return self._dcat_cache[iris]

    def schema_dataset(self, page: Page) -> dict[str, Any]:
        """schema.org Dataset markup of a register's page (for search engines)."""
        unit, register = page.register(page.identifier)
        index = self.index
        texts = register_description(register, unit, index.organisation, index.default_language)
        description = page.text(texts) or page.text(register.purpose) or page.title(register)
        document: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "@id": page.iri,
            "name": page.title(register).value,
            "description": description.value,
            "url": index.base + page.path,
            "identifier": page.iri,
            "inLanguage": page.language,
            "isPartOf": {
                "@type": "DataCatalog",
                "name": page.organisation_name.value,
                "url": index.base + page_path("catalog", "", page.language, index.default_language),
            },
            "publisher": self._publisher(page),
        }
        keywords = [page.subject(s).value for s in register.subjects] + list(register.keywords)
        if keywords:
            document["keywords"] = keywords
        return document

    def schema_catalog(self, page: Page) -> dict[str, Any]:
        """schema.org DataCatalog markup of the organisation's page."""
        index = self.index
        return {
            "@context": "https://schema.org",
            "@type": "DataCatalog",
            "@id": page.iri,
            "name": page.organisation_name.value,
            "url": index.base + page.path,
            "inLanguage": page.language,
            "publisher": self._publisher(page),
            "dataset": [
                {
                    "@type": "Dataset",
                    "@id": index.iris.register(register.id)[1:-1],
                    "name": page.title(register).value,
                    "url": index.base
                    + page_path("register", register.id, page.language, index.default_language),
                }
                for _, register in index.registers
            ],
        }

    def _publisher(self, page: Page) -> dict[str, Any]:
        organisation = self.index.organisation
        publisher: dict[str, Any] = {
            "@type": "GovernmentOrganization",
            "@id": self.index.iris.organisation[1:-1],
            "name": page.organisation_name.value,
        }
        if organisation.homepage:
            publisher["url"] = str(organisation.homepage)
        return publisher

    def pages(self) -> Iterator[tuple[str, str, str]]:
        """(kind, identifier, language) of every page."""
        for kind, identifier in self.index.pages():
            for language in self.index.languages:
                yield kind, identifier, language

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Every file of the organisation's folder: (path in the folder, bytes)."""
        default = self.index.default_language
        for kind, identifier, language in self.pages():
            body = self.page_bytes(kind, identifier, language)
            yield page_path(kind, identifier, language, default), body
            if kind == "catalog" and language == default:
                yield "index.html", body  # what a web server shows for the folder
        for kind, identifier in self.index.pages():
            page = Page(self.index, kind, identifier, default)
            iris = self.described_iris(page)
            if not iris:
                continue
            triples = self.resources.triples if kind == "catalog" else None
            described = canonical(triples) if triples else self.resources.described(iris)
            stem = "catalog" if kind == "catalog" else f"{kind}/{identifier}"
            for fmt in RDF_FORMATS:
                yield f"{stem}.{fmt.extension}", serialize(described, fmt)


def _script_json(document: dict[str, Any]) -> str:
    """JSON for a <script> element: '<' escaped, so no '</script>' can end it early."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def root_page(entries: Sequence[dict[str, Any]], language: str) -> bytes:
    """The site's front page in a language: every organisation, linked to its folder.

    ``entries``: the organisations' folder, name, default_language and languages (as
    ``site_entry`` gives them).
    """
    shown = []
    for entry in entries:
        default = entry["default_language"]
        page_language = language if language in entry["languages"] else default
        path = page_path("catalog", "", page_language, default)
        name = entry["name"]
        name_language = next(code for code in (language, default, *name) if code in name)
        text = Text(name[name_language], None if name_language == language else name_language)
        shown.append((f"{entry['folder']}/{path}", text, page_language != language))
    template = environment(language).get_template("site_index.html")
    html = template.render({"entries": shown, "language": language, "languages": LANGUAGES})
    return html.encode("utf-8")


def site_entry(index: SiteIndex, folder: str) -> dict[str, Any]:
    """What the site's front page and the server need to know of one organisation's folder."""
    return {
        "folder": folder,
        "base": index.base,
        "name": dict(index.organisation.name),
        "default_language": index.default_language,
        "languages": list(index.languages),
    }


def root_files(entries: Sequence[dict[str, Any]]) -> dict[str, bytes]:
    """out/site/index.html (Finnish), index.sv.html and index.en.html."""
    return {
        page_path("catalog", "", language, "fi").replace("catalog", "index"): root_page(
            entries, language
        )
        for language in LANGUAGES
    }
