"""Morphology: Voikko's base forms and compound heads, the stem fallback, Swedish stems."""

from __future__ import annotations

import doctest
import os

import pytest

import dcatgen.importer.morphology
from dcatgen.importer.morphology import Morphology, fallback_stem, missing_voikko, morphology

FALLBACK = Morphology(None)


def require_voikko() -> Morphology:
    """Voikko's morphology; skip naming what is missing, but fail under CI (it must be there)."""
    missing = missing_voikko()
    if missing:
        message = f"needs Voikko, missing: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI installs it through make: see the Makefile's voikko)")
        pytest.skip(message)
    return morphology()


def test_docstring_examples() -> None:
    """The module docstring's examples run."""
    failures, tried = doctest.testmod(dcatgen.importer.morphology)
    assert tried and not failures


# (word, lexicon entry, matches): inflected, compounded, and look-alikes that must not match
FINNISH = [
    ("hakutekijöinä", "hakutekijä", True),
    ("Hakutekijät", "hakutekijä", True),
    ("hakuehdot", "hakuehto", True),
    ("tietojärjestelmään", "järjestelmä", True),
    ("asianhallintajärjestelmä", "järjestelmä", True),
    ("asianhallintajärjestelmään", "järjestelmä", True),
    ("tietovarantoja", "tietovaranto", True),
    ("tietovarannon", "tietovaranto", True),
    ("Tietovarantoon", "tietovaranto", True),
    ("asiarekisterit", "rekisteri", True),
    ("tietoryhmineen", "tietoryhmä", True),
    ("käyttötarkoituksen", "käyttötarkoitus", True),
    ("rajapinnan", "rajapinta", True),
    ("rekisteriseloste", "rekisteri", False),
    ("rekisterinpitäjä", "rekisteri", False),
    ("Tweb", "järjestelmä", False),
]


@pytest.mark.parametrize(("word", "lemma", "expected"), FINNISH)
def test_finnish_with_voikko(word: str, lemma: str, expected: bool) -> None:
    """Voikko: base forms and compound heads decide."""
    assert require_voikko().matches(word, lemma, "fi") is expected


@pytest.mark.parametrize(("word", "lemma", "expected"), FINNISH)
def test_finnish_without_voikko(word: str, lemma: str, expected: bool) -> None:
    """The stem fallback gets the regular words of the same table right."""
    assert FALLBACK.matches(word, lemma, "fi") is expected


def test_voikko_knows_what_stems_cannot() -> None:
    """Irregular gradation and number: the analyser's base form, and plural or not."""
    voikko = require_voikko()
    assert voikko.base_form("kaupungissa") == "kaupunki"
    assert voikko.base_form("Hallinnon") == "hallinto"
    assert voikko.is_plural("tietovarantoja", "fi")
    assert not voikko.is_plural("tietovarannon", "fi")
    assert "järjestelmä" in voikko.analyse("asianhallintajärjestelmään").heads
    assert FALLBACK.base_form("kaupungissa") is None


@pytest.mark.parametrize(
    ("word", "lemma", "expected"),
    [
        ("ärenderegistret", "register", True),
        ("registrets", "register", True),
        ("informationslagren", "informationslager", True),
        ("sökvillkoren", "sökvillkor", True),
        ("informationssystemet", "informationssystem", True),
        ("Arkivet", "arkiv", True),
        ("registerbeskrivning", "register", False),
    ],
)
def test_swedish_stems(word: str, lemma: str, expected: bool) -> None:
    """Swedish: definite and plural endings, the dropped e, compounds ending in the word."""
    assert FALLBACK.matches(word, lemma, "sv") is expected


@pytest.mark.parametrize(
    ("lemma", "stem"),
    [("tietovaranto", "tietovara"), ("hakuehto", "hakue"), ("järjestelmä", "järjestelm")],
)
def test_fallback_stem_drops_what_gradation_changes(lemma: str, stem: str) -> None:
    """The stem keeps what every inflected form keeps."""
    assert fallback_stem(lemma) == stem
