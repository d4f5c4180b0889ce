"""The site's pages for ``dcatgen serve``: the same bytes the build writes.

Serving YAML, the pages are rendered on request by the same renderer as the build's
(``RenderedPages``); serving a build's ``out/`` folder, they are the files the build wrote
into ``out/site`` (``BuiltPages``).  Either way a page is found by its URL in the IRI space:
the organisation's base IRI followed by the page's path (``paths.page_path``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dcatgen.model.description import Description
from dcatgen.site.output import SITE, read_index
from dcatgen.site.paths import page_languages, page_path, parse_page_path
from dcatgen.site.render import Renderer


class Pages(Protocol):
    """What the server asks of the site."""

    def page(self, url: str) -> bytes | None:
        """The page at a URL in the IRI space (``{base}register/x.sv.html``), or None."""

    def page_url(self, iri: str) -> str | None:
        """The URL of the page (in the description's language) describing an IRI, or None."""


@dataclass(frozen=True)
class Folder:
    """One organisation as the site knows it: base IRI, folder, languages."""

    base: str
    folder: str
    default_language: str
    languages: tuple[str, ...]


def _owner(folders: Sequence[Folder], url: str) -> Folder | None:
    found = [folder for folder in folders if url.startswith(folder.base)]
    return max(found, key=lambda folder: len(folder.base)) if found else None


def _resource_path(folder: Folder, iri: str, known: set[tuple[str, str]]) -> str | None:
    """The page path (default language) for a resource IRI of the organisation."""
    rest = iri[len(folder.base) :]
    if rest in ("catalog", "organisation"):
        return page_path("catalog", "", folder.default_language, folder.default_language)
    kind, slash, identifier = rest.partition("/")
    if slash and (kind, identifier) in known:
        return page_path(kind, identifier, folder.default_language, folder.default_language)
    return None


@dataclass
class RenderedPages:
    """Pages rendered from the descriptions, on request (serving YAML)."""

    descriptions: Sequence[Description]
    link_gaps: bool = False
    _renderers: dict[str, Renderer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folders = [
            Folder(str(d.organisation.base_iri), d.organisation.id, d.language, page_languages(d))
            for d in self.descriptions
        ]
        self.by_folder = {d.organisation.id: d for d in self.descriptions}

    def _renderer(self, folder: Folder) -> Renderer:
        if folder.folder not in self._renderers:
            self._renderers[folder.folder] = Renderer(
                self.by_folder[folder.folder], link_gaps=self.link_gaps
            )
        return self._renderers[folder.folder]

    def page(self, url: str) -> bytes | None:
        """A page rendered now (the server caches it)."""
        folder = _owner(self.folders, url)
        if folder is None:
            return None
        named = parse_page_path(url[len(folder.base) :], folder.default_language, folder.languages)
        if named is None:
            return None
        renderer = self._renderer(folder)
        kind, identifier, language = named
        if identifier and (kind, identifier) not in renderer.index.page_set:
            return None
        return renderer.page_bytes(kind, identifier, language)

    def page_url(self, iri: str) -> str | None:
        """The page describing an IRI."""
        folder = _owner(self.folders, iri)
        if folder is None:
            return None
        path = _resource_path(folder, iri, self._renderer(folder).index.page_set)
        return None if path is None else folder.base + path


@dataclass
class BuiltPages:
    """Pages a build wrote into OUT/site (serving a build's out/ folder)."""

    site: Path
    folders: list[Folder]

    @classmethod
    def of(cls, out_dir: Path) -> BuiltPages | None:
        """The site of a build's out/ folder, or None when the build wrote none."""
        site = out_dir / SITE
        entries = read_index(site)
        if entries is None:
            return None
        folders = [
            Folder(e["base"], e["folder"], e["default_language"], tuple(e["languages"]))
            for e in entries
        ]
        return cls(site, folders)

    def _file(self, folder: Folder, path: str) -> Path | None:
        if parse_page_path(path, folder.default_language, folder.languages) is None:
            return None
        file = self.site / folder.folder / path
        return file if file.is_file() else None

    def page(self, url: str) -> bytes | None:
        """A page as the build wrote it."""
        folder = _owner(self.folders, url)
        if folder is None:
            return None
        file = self._file(folder, url[len(folder.base) :])
        return None if file is None else file.read_bytes()

    def page_url(self, iri: str) -> str | None:
        """The page describing an IRI, when the build wrote one."""
        folder = _owner(self.folders, iri)
        if folder is None:
            return None
        rest = iri[len(folder.base) :]
        kind, slash, identifier = rest.partition("/")
        known = {(kind, identifier)} if slash else set()
        path = _resource_path(folder, iri, known)
        if path is None or self._file(folder, path) is None:
            return None
        return folder.base + path
