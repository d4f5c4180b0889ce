"""Where each page of the site lives: one rule, shared by the build, the server and anyone
who links to a page (a CKAN dataset's notes, for one).

A page's path mirrors the IRI of what it describes, relative to the organisation's base
IRI: the register ``{base}register/kirjastopalvelut`` has its page at
``register/kirjastopalvelut.html`` (in the description's own language) and
``register/kirjastopalvelut.sv.html`` (in another).  So the static site (``out/site/<id>/``)
and ``dcatgen serve`` (which serves the base IRI at its root and answers ``.html``) have the
same paths, relative links work in both, and ``{base}register/ID.html`` is the page's public
URL wherever the base IRI dereferences (w3id.org redirecting to the server).
"""

from __future__ import annotations

from dcatgen.model.description import Description

PAGE_KINDS = ("catalog", "register", "unit", "system", "information-request", "gaps")
"""catalog: the organisation's §28 page (its index); information-request: how to make one;
gaps: what the description lacks under §28, for the publisher."""
LANGUAGE_ORDER = ("fi", "sv", "en")


def page_path(kind: str, identifier: str, language: str, default_language: str) -> str:
    """The path of a page relative to the organisation's folder (its base IRI).

    >>> page_path("register", "kirjastopalvelut", "fi", "fi")
    'register/kirjastopalvelut.html'
    >>> page_path("system", "wilma", "sv", "fi")
    'system/wilma.sv.html'
    >>> page_path("catalog", "", "fi", "fi")
    'catalog.html'
    """
    if kind not in PAGE_KINDS:
        raise ValueError(f"unknown page kind {kind!r}: use one of {', '.join(PAGE_KINDS)}")
    suffix = "" if language == default_language else f".{language}"
    stem = f"{kind}/{identifier}" if kind in ("register", "unit", "system") else kind
    return f"{stem}{suffix}.html"


def page_url(
    base_iri: str, kind: str, identifier: str, language: str, default_language: str
) -> str:
    """The public URL of a page: the base IRI followed by its path.

    >>> page_url("https://w3id.org/dcatgen/id/mynamaki/", "register", "varhaiskasvatus", "fi", "fi")
    'https://w3id.org/dcatgen/id/mynamaki/register/varhaiskasvatus.html'
    """
    return base_iri + page_path(kind, identifier, language, default_language)


def register_page_url(description: Description, register_id: str, language: str) -> str:
    """The public URL of a register's page in a language (one of ``page_languages``)."""
    base = str(description.organisation.base_iri)
    return page_url(base, "register", register_id, language, description.language)


def page_languages(description: Description) -> tuple[str, ...]:
    """The languages the site has pages in: the description's own, then every language in
    which a register's title, purpose or description is given (the catalog's dct:language).

    A name alone (Mynämäki's organisation name has a Swedish form) makes no Swedish site:
    pages would be Swedish headings over Finnish text.
    """
    found = {description.language}
    for _, register in description.registers():
        for text in (register.title, register.purpose, register.description):
            if text:
                found.update(text)
    others = [language for language in LANGUAGE_ORDER if language in found]
    others.remove(description.language)
    return (description.language, *others)


def parse_page_path(
    path: str, default_language: str, languages: tuple[str, ...]
) -> tuple[str, str, str] | None:
    """The page a path names, as (kind, identifier, language): the inverse of ``page_path``
    (``index.html`` is the catalog page too).  None when the path names no page.

    >>> parse_page_path("register/kirjastopalvelut.sv.html", "fi", ("fi", "sv"))
    ('register', 'kirjastopalvelut', 'sv')
    >>> parse_page_path("index.html", "fi", ("fi",))
    ('catalog', '', 'fi')
    >>> parse_page_path("register/x.en.html", "fi", ("fi", "sv")) is None
    True
    """
    stem = path.removesuffix(".html")
    if stem == path:
        return None
    language = default_language
    head, dot, tail = stem.rpartition(".")
    if dot and tail in languages and tail != default_language:
        stem, language = head, tail
    elif dot:
        return None
    if stem == "index":
        stem = "catalog"
    kind, slash, identifier = stem.partition("/")
    if kind not in PAGE_KINDS or (slash == "") != (kind not in ("register", "unit", "system")):
        return None
    if "/" in identifier or (slash and not identifier):
        return None
    return kind, identifier, language
