"""Update the gettext catalogs (src/dcatgen/site/locale/*/LC_MESSAGES/dcatgen.po) from the
messages in the code and the templates.

Usage: python tools/update_messages.py  (then translate the new, empty entries)

New messages arrive untranslated, vanished ones are dropped, translations are kept.  The test
suite fails while a catalog misses a message or leaves one untranslated
(tests/test_messages.py).
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dcatgen"
LOCALE = PACKAGE / "site" / "locale"
LANGUAGES = ("fi", "sv")
STAMP = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_in": (2,),
    "ngettext_in": (2, 3),
    "in_language": (2,),
}
METHODS = [
    ("mapping/summary.py", "python"),
    ("site/**.py", "python"),
    ("site/templates/**.html", "jinja2"),
]
OPTIONS = {"site/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def extracted() -> Catalog:
    """Every message the summary and the site use, with where each is used."""
    catalog = Catalog(domain="dcatgen", project="dcatgen", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        catalog.add(
            message,
            None,
            [(f"src/dcatgen/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_file(language: str) -> Path:
    """A language's catalog source."""
    return LOCALE / language / "LC_MESSAGES" / "dcatgen.po"


def updated(template: Catalog, language: str) -> Catalog:
    """A language's catalog brought up to the template's messages."""
    path = po_file(language)
    if path.exists():
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=language, domain="dcatgen")
    else:
        catalog = Catalog(locale=language, domain="dcatgen", project="dcatgen", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    # Fixed header fields: rerunning the tool changes a catalog only when its messages change.
    catalog.creation_date = catalog.revision_date = STAMP
    catalog.project, catalog.version = "dcatgen", ""
    catalog.copyright_holder = "the dcatgen authors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = "the dcatgen authors"
    return catalog


def main() -> int:
    """Rewrite each language's .po file."""
    template = extracted()
    for language in LANGUAGES:
        catalog = updated(template, language)
        path = po_file(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            write_po(stream, catalog, width=100, omit_header=False, include_lineno=False)
        missing = [m.id for m in catalog if m.id and not all(m.string or ("",))]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
