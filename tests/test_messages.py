"""The gettext catalogs: complete, current with the code and templates, and well formed."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from tools.update_messages import extracted, po_file

from dcatgen.site.i18n import CATALOG_LANGUAGES, translations


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with po_file(language).open("rb") as stream:
        return read_po(stream, locale=language, domain="dcatgen")


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_has_every_message_and_no_other(language: str) -> None:
    """Run `python tools/update_messages.py` after changing a message, then translate."""
    wanted = {message.id for message in extracted() if message.id}
    have = {message.id for message in _catalog(language) if message.id}
    assert sorted(map(str, wanted - have)) == [], "missing: run tools/update_messages.py"
    assert sorted(map(str, have - wanted)) == [], "unused: run tools/update_messages.py"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    catalog = _catalog(language)
    untranslated = [m.id for m in catalog if m.id and not all(m.string or ("",))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    # Babel's checkers: python-format placeholders the same in msgid and msgstr, plural forms.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_compiled_catalogs_translate() -> None:
    assert translations("fi").gettext("national system") == "kansallinen järjestelmä"
    assert translations("sv").ngettext(
        "Data group: %(groups)s.", "Data groups: %(groups)s.", 2
    ) == ("Informationsmaterial: %(groups)s.")
    assert translations("en").gettext("national system") == "national system"
    with pytest.raises(ValueError, match="no interface text"):
        translations("de")
