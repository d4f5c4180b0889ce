"""Morphology: base forms and compound heads of Finnish words (Voikko), stems of Swedish ones.

Cue words on §28 pages come inflected and compounded: "hakutekijöinä", "hakuehdot",
"tietojärjestelmään", "asianhallintajärjestelmä", "tietovarantoja".  With Voikko
(Debian `libvoikko1` + `voikko-fi`, PyPI `libvoikko`) a word is matched to a lexicon entry
by its base form or its compound head ("asianhallintajärjestelmään" → järjestelmä).
Without Voikko the same lexicon is matched by stems: the entry without its last letters
(where consonant gradation happens) must end the word, followed by at most an inflectional
ending — good for regular words, blind to irregular ones.  Swedish words are matched by
their Snowball stems, compounds by the stem they end with ("ärenderegistret" → regist).

    >>> fallback = Morphology(None)
    >>> fallback.matches("hakutekijöinä", "hakutekijä", "fi")
    True
    >>> fallback.matches("rekisteriseloste", "rekisteri", "fi")
    False
    >>> fallback.matches("ärenderegistret", "register", "sv")
    True
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import snowballstemmer

MAX_ENDING = 7
"""Letters a Finnish inflectional ending (case, number, possessive, clitic) adds at most."""
MAX_ENDING_SV = 5
"""Letters a Swedish ending (definite, plural, genitive: -arnas) adds at most."""
_ENDING = re.compile(r"^[a-zåäö]*$")
_GRADATING = re.compile(r"(?:nt|nk|mp|lt|rt|kk|pp|tt|ht|ik|[tkp])?[aeiouyäö]+s?$")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
VOIKKO_DICTIONARY = "/usr/lib/voikko"


class Analyser(Protocol):
    """What the Voikko binding offers that this module uses."""

    def analyze(self, word: str) -> list[dict[str, Any]]:  # pragma: no cover - a protocol
        """Analyses of one word."""
        ...


@dataclass(frozen=True)
class Analysis:
    """A word's base forms (lower case), compound heads, and whether it is plural."""

    lemmas: frozenset[str]
    heads: frozenset[str]
    plural: bool
    genitive: bool
    cases: frozenset[str] = frozenset()
    """Voikko's case names: nimento (nominative), omanto (genitive), osanto (partitive)…"""
    adjective: bool = False
    """Voikko reads it as an adjective (laatusana), which agrees with its noun."""


def words(text: str) -> list[str]:
    """The words of a text, hyphenated compounds kept whole ("lukio-opetus")."""
    return _WORD.findall(text)


def fallback_stem(lemma: str) -> str:
    """The part of a base form every inflected form keeps: "tietovaranto" → "tietovara".

    Consonant gradation changes the last consonants and vowels ("varanto" → "varannon",
    "ehto" → "ehdot"), so they are dropped; at least four letters stay.
    """
    stem = _GRADATING.sub("", lemma)
    return stem if len(stem) >= 4 else lemma[:4]


def missing_voikko() -> list[str]:
    """What is missing for Finnish analysis by Voikko (empty when it works)."""
    try:
        import libvoikko  # the PyPI binding (ctypes, no compiled code)
    except ImportError:
        return ["the Python binding (pip install libvoikko)"]
    if voikko() is not None:
        return []
    missing = []
    try:
        libvoikko.Voikko.listDicts()
    except (OSError, AttributeError):
        missing.append("the library (Debian libvoikko1)")
    if not os.path.isdir(VOIKKO_DICTIONARY):
        missing.append("the Finnish dictionary (Debian voikko-fi)")
    return missing or ["a working Voikko (libvoikko1 and voikko-fi)"]


@cache
def voikko() -> Analyser | None:
    """A Voikko analyser for Finnish, or None when the library or dictionary is missing."""
    try:
        import libvoikko

        analyser: Analyser = libvoikko.Voikko("fi")
    except Exception:
        # ImportError without the binding, OSError without the .so, VoikkoException
        # without the dictionary: each means the same here, analyse without Voikko.
        return None
    return analyser


class Morphology:
    """Base forms, compound heads and stems; Voikko when given, stems otherwise."""

    def __init__(self, analyser: Analyser | None) -> None:
        self.analyser = analyser
        self._swedish = snowballstemmer.stemmer("swedish")
        self._cache: dict[str, Analysis] = {}

    @property
    def voikko(self) -> bool:
        """Whether Finnish words are analysed by Voikko."""
        return self.analyser is not None

    def analyse(self, word: str) -> Analysis:
        """A Finnish word's base forms and compound heads (empty when unknown)."""
        key = word.lower()
        found = self._cache.get(key)
        if found is not None:
            return found
        lemmas: set[str] = set()
        heads: set[str] = set()
        cases: set[str] = set()
        plural = genitive = adjective = False
        if self.analyser is not None and key:
            # Voikko analyses the last part of a hyphenated compound well on its own.
            last = key.rsplit("-", 1)[-1]
            for analysis in self.analyser.analyze(key) or self.analyser.analyze(last):
                base = str(analysis.get("BASEFORM", "")).lower()
                if base:
                    lemmas.add(base)
                    heads.add(_head(str(analysis.get("WORDBASES", ""))) or base)
                plural = plural or analysis.get("NUMBER") == "plural"
                genitive = genitive or analysis.get("SIJAMUOTO") == "omanto"
                if analysis.get("SIJAMUOTO"):
                    cases.add(str(analysis["SIJAMUOTO"]))
                adjective = adjective or str(analysis.get("CLASS", "")).startswith("laatusana")
        found = Analysis(
            frozenset(lemmas), frozenset(heads), plural, genitive, frozenset(cases), adjective
        )
        self._cache[key] = found
        return found

    def stem_sv(self, word: str) -> str:
        """A Swedish word's Snowball stem, lower case."""
        return str(self._swedish.stemWord(word.lower()))

    def matches(self, word: str, lemma: str, language: str) -> bool:
        """Whether a word is a form of a lexicon entry, or a compound ending with it."""
        lower = word.lower()
        if language == "sv":
            return any(_ends_with(lower, stem, MAX_ENDING_SV) for stem in self._sv_stems(lemma))
        if self.analyser is not None:
            analysis = self.analyse(lower)
            if analysis.lemmas:
                return any(
                    base == lemma or base.endswith(lemma) or head == lemma
                    for base in analysis.lemmas
                    for head in analysis.heads
                )
        return self._stem_matches(lower, lemma)

    def _sv_stems(self, lemma: str) -> tuple[str, ...]:
        # Swedish drops an unstressed e before the ending: register → registret, lager → lagren.
        stem = self.stem_sv(lemma)
        syncopated = re.sub(r"e([lnr])$", r"\1", lemma)
        return tuple(dict.fromkeys((lemma, stem, syncopated)))

    @staticmethod
    def _stem_matches(lower: str, lemma: str) -> bool:
        return _ends_with(lower, fallback_stem(lemma), MAX_ENDING)

    def is_plural(self, word: str, language: str) -> bool:
        """Whether a noun is plural (Voikko); without Voikko, by its nominative plural -t."""
        if language == "sv":
            return word.lower().endswith(("er", "ar", "or", "na", "en")) and len(word) > 4
        if self.analyser is not None:
            analysis = self.analyse(word)
            if analysis.lemmas:
                return analysis.plural
        return word.lower().endswith(("t", "ja", "jä", "ien", "iden", "ista", "istä"))

    def base_form(self, word: str) -> str | None:
        """A Finnish word's nominative singular, when Voikko knows exactly one."""
        if self.analyser is None:
            return None
        lemmas = self.analyse(word).lemmas
        if len(lemmas) <= 1:
            return next(iter(lemmas), None)
        # Two readings ("perusturvan": perusturva or perusturpa): the one closer to the
        # written word, when one is
        lower = word.lower()
        ranked = sorted(lemmas, key=lambda lemma: -_shared_start(lemma, lower))
        first, second = ranked[0], ranked[1]
        if _shared_start(first, lower) > _shared_start(second, lower):
            return first
        return None


def _shared_start(first: str, second: str) -> int:
    """How many letters two words share from their start."""
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def _ends_with(word: str, stem: str, longest: int) -> bool:
    """Whether a word ends with the stem and at most `longest` letters of an ending."""
    position = word.rfind(stem)
    if position < 0:
        return False
    ending = word[position + len(stem) :]
    return len(ending) <= longest and bool(_ENDING.match(ending))


def _head(wordbases: str) -> str | None:
    """The base form of a compound's last part: '+asian(asia)+…+järjestelmä(järjestelmä)'."""
    parts = re.findall(r"\+([^+(]*)\(([^)]*)\)", wordbases)
    lexical = [base for surface, base in parts if not surface.startswith("+") and base]
    if not lexical:
        return None
    head = lexical[-1].lower()
    return None if head.startswith("+") else head


@cache
def morphology() -> Morphology:
    """The morphology this process uses: Voikko when it is installed."""
    return Morphology(voikko())
