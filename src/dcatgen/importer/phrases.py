"""Phrases: the small grammars inside one line (lists, system lines, names and ids).

Pure functions of a string; the word tables they use live in `lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dcatgen.importer import lexicon
from dcatgen.importer.morphology import morphology
from dcatgen.mapping.tables import slug

MAX_ID_LENGTH = 60
_PARTICIPLES = frozenset({"hallinnoimat", "ylläpitämät", "hallinnoima", "ylläpitämä", "förvaltade"})
"""Words between a unit's name and "tietovarannot" that are not part of the name."""


def _top_level_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text outside parentheses."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, character in enumerate(text):
        if character == "(":
            if depth == 0:
                spans.append((start, index))
            depth += 1
        elif character == ")" and depth:
            depth -= 1
            if depth == 0:
                start = index + 1
    if depth == 0:
        spans.append((start, len(text)))
    return spans


def split_list(text: str) -> list[str]:
    """The items of an enumeration: "a, b ja c" → [a, b, c].

    Separators inside parentheses or after a hyphenated prefix ("liikunta-, nuoriso- ja
    kulttuuritoimi") do not split.
    """
    cuts: list[tuple[int, int]] = []
    for start, end in _top_level_spans(text):
        for match in lexicon.LIST_SEPARATOR.finditer(text, start, end):
            if not text[: match.start()].rstrip().endswith("-"):
                cuts.append(match.span())
    items, position = [], 0
    for start, end in cuts:
        items.append(text[position:start])
        position = end
    items.append(text[position:])
    return [item.strip(" .;:") for item in items if item.strip(" .;:")]


def enumeration(sentence: str) -> list[str]:
    """The listed things of a sentence written as prose ("Tietovarannossa on a, b ja c.").

    The lead-in goes up to its verb; when what is left still starts with a lead-in
    ("… kuuluvat rekisterit ovat a ja b"), that goes too.
    """
    text = sentence.strip()
    if ":" in text:
        text = text.split(":", 1)[1]
    else:
        text = lexicon.LEAD_IN.sub("", text, count=1)
        first = split_list(text)[:1]
        if first and lexicon.LEAD_IN.match(first[0]):
            text = lexicon.LEAD_IN.sub("", text, count=1)
    text = lexicon.EXAMPLES.sub("", text.strip())
    return split_list(text)


@dataclass
class SystemLine:
    """An information system as one line names it."""

    name: str
    parts: list[str] = field(default_factory=list)
    description: str | None = None
    national: bool = False
    wording: str | None = None


def parse_system(text: str) -> SystemLine:
    """A system line: "MultiPrimus (sis. Wilma ja Kurre), opiskelijahallinnon järjestelmä"."""
    original = text.strip()
    head_parts: list[str] = []
    notes: list[str] = []
    parts: list[str] = []
    national = False
    for start, end in _top_level_spans(original):
        head_parts.append(original[start:end])
    for inner in re.findall(r"\(([^()]*)\)", original):
        for piece in (p.strip() for p in inner.split(", ")):
            contained = lexicon.CONTAINS.match(piece)
            if contained is not None:
                parts.extend(split_list(contained["parts"]))
            elif lexicon.NATIONAL.match(piece):
                national = True
                if lexicon.NATIONAL.sub("", piece).strip(" ,"):
                    notes.append(piece)
            elif piece:
                notes.append(piece)
    head = re.sub(r"\s+", " ", "".join(head_parts)).strip()
    head = re.sub(r"\s+,", ",", head).strip(" .")
    name, description = head, None
    system_word = lexicon.SYSTEM_WORD.match(head)
    compound = lexicon.COMPOUND.match(head)
    spaced = lexicon.SPACED_COMPOUND.match(head)
    if spaced is not None:
        name, description = spaced["name"], spaced["description"]
    elif system_word is not None:
        name, description = system_word["name"].strip(), system_word["description"]
    elif "/" in head:
        name, description = (piece.strip() for piece in head.split("/", 1))
    elif (dash := re.search(r"\s[–—-]\s", head)) is not None:
        # "Primus – opiskelijahallinnon järjestelmä"
        name, description = head[: dash.start()].strip(), head[dash.end() :].strip()
    elif ", " in head:
        name, description = (piece.strip() for piece in head.split(", ", 1))
    elif compound is not None and compound["description"].lower() not in lexicon.PRODUCT_SUFFIXES:
        name, description = compound["name"], compound["description"]
    if description:
        notes.append(description.strip())
    name = name or original
    return SystemLine(
        name=name,
        parts=parts,
        description="; ".join(notes) or None,
        national=national,
        wording=original if name != original else None,
    )


# --- names and ids -------------------------------------------------------------------------

_GENITIVE_ENDINGS = (
    ("uksen", "us"),
    ("eiden", "eet"),
    ("iden", "t"),
    ("isen", "inen"),
    ("toimen", "toimi"),
)
"""Only regular endings: other genitives (with consonant gradation) are left as they are."""


def finnish_nominative(word: str) -> str | None:
    """A Finnish genitive back in the nominative ("opetuksen" → "opetus"), when it is regular."""
    lower = word.lower()
    for ending, replacement in _GENITIVE_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            return word[: len(word) - len(ending)] + replacement
    return None


def _drop_repeated_heads(words: list[str]) -> list[str]:
    """'perusopetus ja lukio-opetus' → 'perusopetus ja lukio': a repeated compound head goes."""
    result: list[str] = []
    for word in words:
        if "-" in word.strip("-"):
            prefix, head = word.rsplit("-", 1)
            if head and any(earlier.endswith(head) for earlier in result):
                word = prefix
        result.append(word)
    return result


def _short(identifier: str) -> str:
    if len(identifier) <= MAX_ID_LENGTH:
        return identifier
    return identifier[:MAX_ID_LENGTH].rsplit("-", 1)[0].strip("-") or identifier[:MAX_ID_LENGTH]


def register_id(title: str, language: str) -> str:
    """A readable id for a register: its title without the register word, in the nominative."""
    words = title.split()
    if language == "sv" and len(words) > 2 and words[1].lower() in ("för", "över"):
        if lexicon.is_register_word(words[0]):
            words = words[2:]
    elif len(words) > 1 and words[-1].lower() in lexicon.BARE_REGISTER_WORDS:
        words = words[:-1]
        if language == "fi":
            words = [finnish_nominative(w) or w for w in words]
        elif words and words[-1].endswith("s") and len(words[-1]) > 3:
            # the genitive -s of the word before "register" ("Närpes stads ärenderegister")
            words = [*words[:-1], words[-1][:-1]]
    words = _drop_repeated_heads([w.lower() for w in words])
    return _short(slug(" ".join(words)))


def nominative_phrase(phrase: str) -> str:
    """A name written in the genitive back in the nominative: "Maanmittauksen" → "Maanmittaus".

    Regular endings first; then Voikko's base form, when it knows the word; a proper name it
    does not know loses its genitive -n ("Talpan" → "Talpa").
    """
    words = phrase.split()
    if not words:
        return phrase
    last = words[-1]
    nominative = finnish_nominative(last) or _voikko_nominative(last)
    if nominative is None and last.endswith("n") and last[:1].isupper() and len(last) > 3:
        nominative = last[:-1]
    return " ".join([*words[:-1], nominative or last])


def adjective_nominative(word: str) -> str:
    """An adjective before a unit word agrees with it ("Teknisen toimialan" → "Tekninen");
    a noun in the genitive stays ("Kasvatuksen ja koulutuksen toimiala")."""
    analysis = morphology().analyse(word)
    if analysis.lemmas:
        if not (analysis.adjective and analysis.genitive):
            return word
        base = morphology().base_form(word)
        if base is None:
            return word
        return base[:1].upper() + base[1:] if word[:1].isupper() else base
    if word.lower().endswith("isen") and len(word) > 6:
        return word[:-4] + "inen"
    return word


def _voikko_nominative(word: str) -> str | None:
    analysis = morphology().analyse(word)
    base = morphology().base_form(word)
    if base is None or not analysis.genitive:
        return None
    return base[:1].upper() + base[1:] if word[:1].isupper() else base


def unit_name(heading: str) -> str:
    """The unit a heading names: "Teknisen toimialan tietovarannot" → "Tekninen toimiala".

    Without a unit word, the words before "tietovarannot ja asiarekisterit" name it when
    their genitive is regular ("Sivistyspalveluiden" → "Sivistyspalvelut"); else the whole
    heading is the name.
    """
    tokens = heading.split()
    index = lexicon.unit_word_index(heading)
    if index is None or index >= len(tokens):
        first = next((i for i, t in enumerate(tokens) if lexicon.is_register_word(t)), 0)
        if first == 0:
            return heading
        words = [t for t in tokens[:first] if t.lower() not in _PARTICIPLES]
        if not words:
            return heading
        last = words[-1]
        nominative = last[:-1] if last.endswith(("ens", "ets", "ns")) else finnish_nominative(last)
        nominative = nominative or _voikko_nominative(last)
        if not nominative:
            return heading
        return " ".join([*(adjective_nominative(w) for w in words[:-1]), nominative])
    words = [token.strip(",.:;") for token in tokens[: index + 1]]
    last = words[-1]
    for genitive, nominative in lexicon.UNIT_WORDS.items():
        if last.lower().endswith(genitive):
            stem = last[: len(last) - len(genitive)]
            if not stem and last[:1].isupper():  # "Förvaltningens" → "Förvaltningen"
                nominative = nominative[:1].upper() + nominative[1:]
            words[-1] = stem + nominative
            words[:-1] = [adjective_nominative(w) for w in words[:-1]]
            break
    return " ".join(words)


def unit_id(name: str) -> str:
    """A readable id for a unit: its name without the unit word ("Hallinto-osasto" → "hallinto")."""
    words = name.split()
    last = words[-1] if words else ""
    for word in sorted(
        {*lexicon.UNIT_WORDS.values(), "avdelning", "sektor", "enhet"}, key=len, reverse=True
    ):
        if last.lower().endswith(word) and len(last) > len(word):
            words[-1] = last[: len(last) - len(word)]
            break
        if last.lower() == word and len(words) > 1:
            words = words[:-1]
            break
    return _short(slug(" ".join(words))) or slug(name)


def unique(identifier: str, taken: set[str]) -> str:
    """The id itself, or with -2, -3 … appended when it is taken; then marked as taken."""
    candidate, counter = identifier, 1
    while candidate in taken:
        counter += 1
        candidate = f"{identifier}-{counter}"
    taken.add(candidate)
    return candidate
