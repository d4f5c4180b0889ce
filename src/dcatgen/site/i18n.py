"""Interface text in fi, sv and en from the gettext catalogs in ``site/locale``.

The ``.po`` sources are the only form kept: they ship as package data and are compiled in
memory on first use (Babel), so an installed wheel needs no build step and a catalog can
never be older than its source.  The messages' ids are English, so English needs no catalog.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "dcatgen"
CATALOG_LANGUAGES = ("fi", "sv")
"""Languages with a catalog; English is the messages' own language."""
LANGUAGES = ("fi", "sv", "en")


def po_path(language: str) -> str:
    """The package-relative path of a language's ``.po`` source."""
    return f"site/locale/{language}/LC_MESSAGES/{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (cached); English gets the messages as they are."""
    if language not in LANGUAGES:
        raise ValueError(f"no interface text in {language!r}: use one of {', '.join(LANGUAGES)}")
    if language not in CATALOG_LANGUAGES:
        return gettext.NullTranslations()
    source = resources.files("dcatgen").joinpath(po_path(language))
    with source.open("rb") as stream:
        catalog = read_po(stream, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_in(language: str, message: str) -> str:
    """One message in a language."""
    return translations(language).gettext(message)


def ngettext_in(language: str, singular: str, plural: str, n: int) -> str:
    """One message in a language, in the form for a count."""
    return translations(language).ngettext(singular, plural, n)
