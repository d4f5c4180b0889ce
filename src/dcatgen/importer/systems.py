"""Systems: known products by name (resources/systems.yaml), and systems named in prose.

>>> known_system("Effica Varhaiskasvatus").id
'effica'
>>> [(s.name, s.description) for s in systems_in_prose(
...     "Asiakirjat tallennetaan Tweb -asianhallintajärjestelmään.", "fi")]
[('Tweb', 'asianhallintajärjestelmä')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dcatgen.importer.morphology import morphology
from dcatgen.model.description import KnownSystem, known_systems

MAX_NAME_WORDS = 3
_WORD = r"[A-ZÅÄÖ0-9][\w+&]*(?:\.[\w+&]+)*"
_NAME = rf"{_WORD}(?:\s{_WORD}){{0,2}}"
"""A product's name: up to three capitalised words; a dot only inside one ("Peda.net")."""
# "Tweb -asianhallintajärjestelmään", "Dynasty-asianhallintajärjestelmä", "Läsnä-sovellus":
# a name, a hyphen, and a word that says what kind of thing it is, in any case.
_FINNISH_NAMED = re.compile(
    rf"(?<![\w-])(?P<name>{_NAME})\s?-\s?(?P<kind>[a-zåäö]*(?:järjestelm|sovellu|ohjelm|"
    r"ohjelmisto|tietokan|portaal)[a-zåäö]*)"
)
# "ärendehanteringssystemet Dynasty", "i systemet Primus", "programmet Wilma"
_SWEDISH_NAMED = re.compile(
    rf"\b(?P<kind>[a-zåäö]*(?:system|programm?|databas)(?:et|en)?)\s+(?P<name>{_NAME})"
)
_CUE = re.compile(
    r"järjestelm|sovellu|ohjelm|käytössä|tallenne|kirjataan|\bsystem|program|databas"
    r"|används|registreras|lagras",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[\s\-]+")


def _key(name: str) -> str:
    return "".join(character for character in name.lower() if character.isalnum())


@cache
def _index() -> dict[str, KnownSystem]:
    index: dict[str, KnownSystem] = {}
    for system in known_systems().systems.values():
        for name in (system.name, *system.variants):
            index[_key(name)] = system
    return index


def known_system(name: str) -> KnownSystem | None:
    """The known product a system's name names: whole, or by its first words."""
    index = _index()
    words = [w for w in _SPLIT.split(name.strip()) if w]
    for count in range(min(len(words), MAX_NAME_WORDS), 0, -1):
        found = index.get(_key(" ".join(words[:count])))
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class ProseSystem:
    """A system a sentence names: its name, what the sentence calls it, the known product."""

    name: str
    description: str | None
    known: KnownSystem | None


def _kind_word(word: str, language: str) -> str:
    """The kind word in its base form when Voikko knows it ("järjestelmään" → "järjestelmä")."""
    if language == "fi":
        return morphology().base_form(word) or word
    return word


def systems_in_prose(text: str, language: str) -> list[ProseSystem]:
    """Systems a sentence names: "<Name>-<kind>järjestelmä", or a known product's name.

    A known name counts only as a capitalised word in a sentence that speaks of systems
    (järjestelmä, sovellus, käytössä, tallennetaan, system …), so that "Helmi" the name of
    a person or "Aurora" a street do not become systems.
    """
    found: dict[str, tuple[int, ProseSystem]] = {}
    pattern = _SWEDISH_NAMED if language == "sv" else _FINNISH_NAMED
    for match in pattern.finditer(text):
        name = match["name"].strip().rstrip(".,;:")
        if name.lower() in ("sis", "mm", "esim") or not name:
            continue
        known = known_system(name)
        system = ProseSystem(name, _kind_word(match["kind"], language), known)
        found.setdefault(_key(name), (match.start("name"), system))
    if _CUE.search(text):
        index = _index()
        for match in re.finditer(r"[A-ZÅÄÖ][\w.+]*(?:\s[A-ZÅÄÖ0-9][\w.+]*)?", text):
            token = match.group().rstrip(".,;:")
            for candidate in (token, token.split()[0].rstrip(".,;:")):
                product = index.get(_key(candidate))
                if product is None or any(f.known is product for _, f in found.values()):
                    continue
                named = ProseSystem(candidate, None, product)
                found.setdefault(_key(candidate), (match.start(), named))
                break
    return [system for _, system in sorted(found.values(), key=lambda pair: pair[0])]
