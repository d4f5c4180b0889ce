"""The words of §28 pages, in Finnish and Swedish, and what a heading, label or sentence is.

Everything language-specific lives here as tables of patterns; recognition only asks
"what is this heading?" and "what does this sentence state?".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from dcatgen.importer.morphology import morphology
from dcatgen.model.description import (
    Availability,
    LinkKind,
    OrganisationKind,
    RegisterKind,
    SearchCriterion,
)


class Section(StrEnum):
    """A part of a register's (or unit's) description, named by a sub-heading or a label."""

    API = "api"
    SEARCH = "search_criteria"
    SECRECY = "secrecy"
    LINKS = "links"
    RETENTION = "retention"
    TASK_CLASS = "task_class"
    DISCLOSURE = "disclosure_authority"
    MANAGED_BY = "managed_by"
    SYSTEMS = "systems"
    DATA_GROUPS = "data_groups"
    PURPOSE = "purpose"
    REGISTERS = "registers"
    DESCRIPTION = "description"


REGISTER_CONTENT = frozenset({Section.DATA_GROUPS, Section.SYSTEMS, Section.SEARCH})
"""Sections only a register has: an unnamed heading followed by one of them is a register."""

_SECTIONS: tuple[tuple[Section, re.Pattern[str]], ...] = tuple(
    (section, re.compile(pattern, re.IGNORECASE))
    for section, pattern in (
        (Section.API, r"rajapin|gränssnitt|\bapi\b|avoimesti saatav|öppet tillgänglig"),
        (
            Section.SEARCH,
            r"hakutekij|hakuehto|hakuehdo|hakusano|hakuperust|hakukriteer|hakutiedo"
            r"|sökvillkor|sökbegrepp|sökkriteri|sökfaktor|sökgrund",
        ),
        (Section.SECRECY, r"salassapi|salassa pidettäv|sekretess"),
        (
            Section.LINKS,
            r"tietosuojaselost|rekisteriselost|tiedonohjaussuunnitel|arkistonmuodostussuunnitel"
            r"|dataskyddsbeskrivning|registerbeskrivning|informationsstyrningsplan"
            r"|arkivbildningsplan|^linkit$|^länkar$",
        ),
        (Section.RETENTION, r"säilytysai|säilyttämisai|förvaringstid|bevarandetid"),
        (Section.TASK_CLASS, r"tehtäväluok|uppgiftsklass|^tos$"),
        (
            Section.DISCLOSURE,
            r"luovutuksesta päättä|luovuttamisesta päättä|tietopyynnöt|tietopyyntöjen"
            r"|utlämnande|begäran om uppgifter|begäran om information|informationsbegäran",
        ),
        (
            Section.MANAGED_BY,
            r"vastuuyksikkö|vastuutaho|ylläpitäjä|hallinnoiva yksikkö|ansvarig enhet"
            r"|förvaltande enhet",
        ),
        (
            Section.SYSTEMS,
            r"tietojärjestelm|järjestelmät|^järjestelmä|informationssystem|^system(?:en)?$"
            r"|datasystem",
        ),
        (
            Section.DATA_GROUPS,
            r"tietoaineisto|tietoryhm|tietosisäl|informationsmaterial|informationsgrupp"
            r"|uppgiftsgrupp|datamaterial|informationsinnehåll",
        ),
        (Section.PURPOSE, r"käyttötarkoitu|tarkoitus|ändamål|användningsområde"),
        (Section.DESCRIPTION, r"kuvaus|beskrivning|^yleistä$|^allmänt$"),
    )
)

PAGE_TITLE = re.compile(
    r"asiakirjajulkisuuskuvaus|tiedonhallintalain|28 ?§|handlingars offentlighet"
    r"|offentlighetsbeskrivning|informationshanteringslagen|asianhallinnan ja tietovarantojen"
    r"|kuvaus asiarekistereistä|beskrivning av ärenderegister",
    re.IGNORECASE,
)

# --- registers and units ------------------------------------------------------------------

_REGISTER_WORDS_FI = ("tietovaranto", "tietovarannot", "rekisteri", "rekisterit", "arkisto")
_REGISTER_WORDS_SV = (
    "informationslager", "informationslagret", "informationslagren", "register", "registret",
    "registren", "arkiv", "arkivet",
)  # fmt: skip
_REGISTER_GENITIVES = {
    "tietovarannon": "tietovaranto",
    "tietovarantojen": "tietovarannot",
    "rekisterin": "rekisteri",
    "rekisterien": "rekisterit",
    "arkiston": "arkisto",
    "informationslagrets": "informationslager",
    "registrets": "registret",
    "arkivets": "arkivet",
}
_PLURAL_REGISTER_WORDS = (
    "tietovarannot",
    "rekisterit",
    "informationslagren",
    "registren",
    "arkistot",
)
_CONTAINER_WORDS = frozenset(
    {
        "ja", "sekä", "och", "samt", "muut", "övriga", "keskeiset", "centrala", "fyysiset",
        "fysiska", "sähköiset", "elektroniska", "kunnan", "kommunens", "hallinnoimat",
        "tietovarannot", "asiarekisterit", "rekisterit", "informationslager", "ärenderegister",
        "ärenderegistren", "registren", "register", "arkistot", "arkiv", "tietovarannot:",
    }
)  # fmt: skip
PHYSICAL = re.compile(r"fyysi|fysisk|paperi|pappers", re.IGNORECASE)

UNIT_WORDS: dict[str, str] = {
    # genitive → nominative of the words that name an organisational unit
    "osaston": "osasto", "toimialan": "toimiala", "palvelualueen": "palvelualue",
    "tulosalueen": "tulosalue", "vastuualueen": "vastuualue", "yksikön": "yksikkö",
    "lautakunnan": "lautakunta", "toimialueen": "toimialue", "kanslian": "kanslia",
    "toimiston": "toimisto", "avdelningens": "avdelningen", "sektorns": "sektorn",
    "enhetens": "enheten", "förvaltningens": "förvaltningen",
    "verksamhetsområdets": "verksamhetsområdet", "resultatområdets": "resultatområdet",
    "nämndens": "nämnden", "kansliets": "kansliet", "byråns": "byrån",
}  # fmt: skip
_UNIT_NOMINATIVES = (
    *UNIT_WORDS.values(), "avdelning", "sektor", "enhet", "förvaltning", "verksamhetsområde",
    "nämnd", "kansli", "byrå",
)  # fmt: skip

ORGANISATION_KINDS: tuple[tuple[OrganisationKind, tuple[str, ...]], ...] = (
    (
        OrganisationKind.JOINT_AUTHORITY,
        (
            "kuntayhtymä",
            "yhtymä",
            "samkommun",
            "samkommunen",
            "sairaanhoitopiiri",
            "erityishuoltopiiri",
            "sjukvårdsdistrikt",
            "sjukvårdsdistriktet",
        ),
    ),
    (
        OrganisationKind.WELLBEING_SERVICES_COUNTY,
        ("hyvinvointialue", "välfärdsområde", "välfärdsområdet"),
    ),
    (OrganisationKind.REGIONAL_COUNCIL, ("liitto", "förbund", "förbundet")),
    (OrganisationKind.MUNICIPALITY, ("kunta", "kaupunki", "kommun", "kommunen", "stad", "staden")),
    (
        OrganisationKind.STATE_AGENCY,
        (
            "virasto",
            "laitos",
            "ministeriö",
            "hallitus",
            "konttori",
            "ämbetsverk",
            "ämbetsverket",
            "verket",
            "myndighet",
            "myndigheten",
            "ministeriet",
            "styrelsen",
        ),
    ),
)
_NOT_ORGANISATIONS = ("lautakunta", "osasto", "toimiala")


def organisation_kind(name: str) -> OrganisationKind | None:
    """The kind of authority an organisation's name says it is, if it says."""
    words = name.lower().split()
    if not words or words[-1].endswith(_NOT_ORGANISATIONS):
        return None
    for kind, endings in ORGANISATION_KINDS:
        if words[-1].endswith(endings):
            return kind
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[\wåäöÅÄÖ-]+", text.lower())


BARE_REGISTER_WORDS = frozenset(
    {
        "tietovaranto", "tietovarannot", "asiarekisteri", "asiarekisterit", "rekisteri",
        "rekisterit", "arkisto", "informationslager", "informationslagret", "ärenderegister",
        "ärenderegistret", "register", "registret", "arkiv", "arkivet",
    }
)  # fmt: skip
"""Register words that carry nothing else: dropped from titles to make ids."""


class Case(StrEnum):
    """The grammatical role a register word has in a heading."""

    NOMINATIVE = "nominative"  # "Varhaiskasvatuksen tietovaranto", "… tietovarannot"
    PARTITIVE = "partitive"  # "Hallinnon tietovarantoja" (a plural heading)
    GENITIVE = "genitive"  # "… tietovarannon tietoaineistot" (a sub-heading)
    OTHER = "other"  # "Tietovarantoon liittyvät …", "Asiarekisterinä toimii …"


@dataclass(frozen=True)
class RegisterWord:
    """A word naming a register or an information resource, in one of its forms."""

    case: Case
    plural: bool


REGISTER_LEMMAS = ("tietovaranto", "rekisteri", "arkisto")
"""The Finnish register words as base forms: matched in any inflection and compound."""
_VOIKKO_CASES = {"nimento": Case.NOMINATIVE, "osanto": Case.PARTITIVE, "omanto": Case.GENITIVE}
_PARTITIVE_ENDINGS = ("ja", "jä", "ita", "itä", "oa", "öä")
_GENITIVE_PLURAL = ("tietovarantojen", "rekisterien", "rekisterin", "arkistojen")


def register_word(word: str) -> RegisterWord | None:
    """The form of a register word ("tietovarantoja": partitive plural), or None."""
    lower = word.lower().strip("-:,.;()")
    if not lower:
        return None
    if lower.endswith(_REGISTER_WORDS_SV):
        return RegisterWord(Case.NOMINATIVE, lower.endswith(("lagren", "registren", "arkiven")))
    if lower.endswith(_REGISTER_WORDS_FI):
        return RegisterWord(Case.NOMINATIVE, lower.endswith(_PLURAL_REGISTER_WORDS))
    for genitive in _REGISTER_GENITIVES:
        if lower.endswith(genitive):
            return RegisterWord(Case.GENITIVE, lower.endswith(("jen", "ien")))
    analyser = morphology()
    if not any(analyser.matches(lower, lemma, "fi") for lemma in REGISTER_LEMMAS):
        return None
    analysis = analyser.analyse(lower)
    if analysis.lemmas:
        cases = [_VOIKKO_CASES.get(case, Case.OTHER) for case in sorted(analysis.cases)]
        case = next(
            (c for c in (Case.NOMINATIVE, Case.PARTITIVE, Case.GENITIVE) if c in cases), None
        )
        return RegisterWord(case or Case.OTHER, analysis.plural)
    if lower.endswith(_PARTITIVE_ENDINGS):
        return RegisterWord(Case.PARTITIVE, True)
    if lower.endswith(("jen", "ien", "den")):
        return RegisterWord(Case.GENITIVE, True)
    return RegisterWord(Case.OTHER, False)


def names_register(text: str) -> bool:
    """Whether a phrase names a register: "Yleishallinnon tietovaranto",
    "Informationslager för ekonomi"."""
    return _register_head(_words(text))


def is_register_word(word: str) -> bool:
    """Whether a word names a register or information resource as a heading's head.

    The nominative ("asiarekisteri", "arkiv") or a plural partitive ("tietovarantoja");
    not "tietovarantoon" or "asiarekisterinä", which only mention one.
    """
    found = register_word(word)
    return found is not None and found.case in (Case.NOMINATIVE, Case.PARTITIVE)


def register_kind(title: str) -> RegisterKind:
    """A case register when the title says register/rekisteri, else an information resource."""
    words = _words(title)
    head = next((w for w in reversed(words) if is_register_word(w)), "")
    if re.search(r"rekisteri|register", head) and "informationslager" not in head:
        return RegisterKind.CASE_REGISTER
    return RegisterKind.INFORMATION_RESOURCE


def unit_word_index(text: str) -> int | None:
    """The index of the first word naming a unit ("sivistysosaston", "Hallinto-osasto")."""
    for index, word in enumerate(_words(text)):
        if word.endswith(tuple(UNIT_WORDS)) or word.endswith(_UNIT_NOMINATIVES):
            return index
    return None


def names_unit(text: str) -> bool:
    """Whether a phrase names an organisational unit."""
    return unit_word_index(text) is not None


class HeadingKind(StrEnum):
    """What a heading (or a label) introduces."""

    PAGE_TITLE = "page-title"
    UNIT = "unit"
    REGISTER = "register"
    PLURAL = "plural"
    CONTAINER = "container"
    SECTION = "section"
    SUBSECTION = "subsection"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class HeadingClass:
    """A classified heading: its kind, the section it opens, the register a sub-section names."""

    kind: HeadingKind
    section: Section | None = None
    register_title: str | None = None
    physical: bool = False
    plural: bool = False


def names_data_and_systems(text: str) -> bool:
    """Whether a heading names both data groups and systems ("Tietoaineistot ja järjestelmät")."""
    patterns = dict(_SECTIONS)
    return bool(
        patterns[Section.DATA_GROUPS].search(text) and patterns[Section.SYSTEMS].search(text)
    )


def section_of(text: str) -> Section | None:
    """The section a heading or label names, if any."""
    for section, pattern in _SECTIONS:
        if pattern.search(text):
            return section
    return None


def _register_head(words: list[str]) -> bool:
    if not words:
        return False
    if is_register_word(words[-1]):
        return True
    # Swedish puts the head first: "Ärenderegister för ...", "Register över ..."
    return len(words) > 1 and is_register_word(words[0]) and words[1] in ("för", "över")


def _subsection(text: str) -> HeadingClass | None:
    """'<X> tietovarannon tietoaineistot': a section of the register '<X> tietovaranto'."""
    tokens = [token.strip(",.:;") for token in text.split()]
    for index, token in enumerate(tokens[:-1]):
        for genitive, nominative in _REGISTER_GENITIVES.items():
            if not token.lower().endswith(genitive):
                continue
            rest = " ".join(tokens[index + 1 :]).lower()
            section = section_of(rest)
            if section is None and re.search(r"rekisterit|registren|register", rest):
                section = Section.REGISTERS
            if section is None:
                return None
            head = token[: len(token) - len(genitive)] + nominative
            title = " ".join([*tokens[:index], head])
            plural = nominative in _PLURAL_REGISTER_WORDS
            return HeadingClass(HeadingKind.SUBSECTION, section, title, plural=plural)
    return None


@dataclass(frozen=True)
class Heading:
    """What the rules look at in a heading: its words, register words and head."""

    text: str
    words: list[str]
    register_words: list[str]
    head: RegisterWord | None
    bare: bool

    @classmethod
    def of(cls, text: str) -> Heading:
        """A heading's text, without a leading number ("2) Hallinnon tietovaranto")."""
        text = HEADING_NUMBER.sub("", text)
        words = _words(text)
        return cls(
            text=text,
            words=words,
            register_words=[w for w in words if is_register_word(w)],
            head=register_word(words[-1]) if words else None,
            bare=all(w in _CONTAINER_WORDS or is_register_word(w) for w in words),
        )

    @property
    def plural(self) -> bool:
        """Whether the head is a plural register word ("… tietovarannot", "… tietovarantoja").

        A Swedish word that is the same in the plural ("Socialvårdens informationslager",
        "Tekniska sektorns register") counts as plural after a genitive: what follows the
        heading decides.
        """
        if not _register_head(self.words) or self.head is None:
            return False
        if self.head.plural:
            return True
        words = self.words
        if len(words) == 1:  # "Informationslager" alone: a heading over several, or one
            return words[0] in _SAME_IN_PLURAL
        return (
            len(words) >= 2
            and words[-1].endswith(_SAME_IN_PLURAL)
            and words[-2].endswith("s")
            and words[0] not in ("informationslager", "register", "arkiv")
        )


@dataclass(frozen=True)
class HeadingRule:
    """One rule of the heading table: a name, a test, and what the heading then is."""

    name: str
    classify: Callable[[Heading], HeadingClass | None]


def _page_title(h: Heading) -> HeadingClass | None:
    if PAGE_TITLE.search(h.text) and not _register_head(h.words):
        return HeadingClass(HeadingKind.PAGE_TITLE)
    return None


def _nested_lead_in(h: Heading) -> HeadingClass | None:
    # "Tietovarantoon liittyvät seuraavat rekisterit", "Till informationslagret hör registren"
    if NESTED_REGISTERS.search(h.text) and not _register_head(h.words[:1]):
        return HeadingClass(HeadingKind.SECTION, Section.REGISTERS)
    return None


def _unit_with_registers(h: Heading) -> HeadingClass | None:
    # "Teknisen toimialan tietovarannot", "Hallinto-osasto"
    if names_unit(h.text) and (len(h.register_words) != 1 or h.plural):
        return HeadingClass(HeadingKind.UNIT)
    return None


def _several_register_words(h: Heading) -> HeadingClass | None:
    # "Sivistystoimen tietovarannot ja rekisterit"
    if len(h.register_words) > 1 and h.plural and not h.bare:
        return HeadingClass(HeadingKind.UNIT)
    return None


def _container(h: Heading) -> HeadingClass | None:
    # "Tietovarannot", "Fyysiset tietovarannot ja arkistot"
    plural = h.head is not None and h.head.plural  # plainly plural, not "Kommunens register"
    if _register_head(h.words) and h.bare and (len(h.register_words) > 1 or plural):
        return HeadingClass(HeadingKind.CONTAINER, physical=bool(PHYSICAL.search(h.text)))
    return None


_SAME_IN_PLURAL = ("informationslager", "register", "arkiv")
"""Swedish register words whose plural is the same word: "Socialvårdens informationslager"."""


def _plural_register(h: Heading) -> HeadingClass | None:
    # "Hallinnon tietovarantoja", "Perusopetuksen tietovarannot": a unit or one register,
    # as what follows shows
    if h.plural and h.head is not None:
        return HeadingClass(HeadingKind.PLURAL)
    return None


def _register(h: Heading) -> HeadingClass | None:
    return HeadingClass(HeadingKind.REGISTER) if _register_head(h.words) else None


def _section(h: Heading) -> HeadingClass | None:
    section = section_of(h.text)
    return HeadingClass(HeadingKind.SECTION, section) if section is not None else None


HEADING_RULES: tuple[HeadingRule, ...] = (
    HeadingRule("page title", _page_title),
    HeadingRule("nested registers lead-in", _nested_lead_in),
    HeadingRule("sub-heading of a register", lambda h: _subsection(h.text)),
    HeadingRule("unit with registers", _unit_with_registers),
    HeadingRule("several register words", _several_register_words),
    HeadingRule("container of registers", _container),
    HeadingRule("plural register heading", _plural_register),
    HeadingRule("register", _register),
    HeadingRule("section", _section),
)
"""What a heading is, first rule that decides wins; each rule has its fixture in the tests."""


def classify_heading(text: str) -> HeadingClass:
    """What a heading is: the page title, a unit, a register, a section of one, or unknown."""
    heading = Heading.of(text)
    for rule in HEADING_RULES:
        found = rule.classify(heading)
        if found is not None:
            return found
    return HeadingClass(HeadingKind.UNKNOWN)


# --- sentences ----------------------------------------------------------------------------

CROSS_REFERENCE = re.compile(
    r"^(?:katso|ks\.?|se(?:\s+även)?|jfr\.?)\s+(?P<target>\S.*?)\.?$", re.IGNORECASE
)
MANAGED_BY = re.compile(
    r"(?:\b(?:ylläpitää|hallinnoi|vastaa|ylläpitäjä on|vastuuyksikkö on|hallinnoija on)"
    r"|\b(?:förvaltas|upprätthålls|sköts) av|\bansvarig enhet är|\bansvarar)\s+"
    r"(?P<unit>[^.,;:()]+)",
    re.IGNORECASE,
)
NESTED_REGISTERS = re.compile(
    r"\b(?:kuuluvat|kuuluu|sisältyvät|liittyvät|liittyy|ingår|hör|hänför sig)\b.*?"
    r"(?:rekister|register)"
    r"|\b(?:seuraavat|följande)\s+(?:\w+\s+)?(?:rekisterit|register|registren)"
    r"|(?:rekisterit|registren|register)\s*:",
    re.IGNORECASE,
)
DATA_LEAD_IN = re.compile(
    r"\b(?:sisältää|sisältävät|sisältyy|sisältyvät|koostuu|koostuvat|tallennetaan|kirjataan"
    r"|innehåller|omfattar|består av|registreras|lagras)\b.*?(?:seuraav|följande|mm\.|muun muassa"
    r"|esimerkiksi|bl\.a\.|t\.ex\.|\btietoja\b|\btiedot\b|uppgifter)"
    r"|\b(?:seuraavat|seuraavia|följande)\s+(?:tiedot|tietoja|tietoaineistot|uppgifter)\b",
    re.IGNORECASE,
)
"""A lead-in to a list of data groups: "Tietovaranto sisältää seuraavat tiedot:"."""


def lead_in_section(text: str) -> Section | None:
    """The section a lead-in ending with a colon opens: named, or data by its verb."""
    section = section_of(text)
    if section is None and DATA_LEAD_IN.search(text):
        return Section.DATA_GROUPS
    return section


HEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[IVX]{1,4}\.|[a-h]\))\s+")
"""A heading's own number: "2) Hallinnon tietovaranto", "3.1 …", "IV. …"."""
RETENTION = re.compile(
    r"säilytysai|säilyttämisai|säilytetään\s+(?:pysyvästi|\d+)|förvaringstid|bevarandetid"
    r"|(?:bevaras|förvaras)\s+(?:permanent|varaktigt|i\s+\d+)",
    re.IGNORECASE,
)
TASK_CLASS = re.compile(
    r"(?:tehtäväluok\w*|uppgiftsklass\w*|\bTOS\b)[^\d]{0,20}(?P<code>\d{1,2}(?:\.\d{1,2}){1,3})",
    re.IGNORECASE,
)


def sentence_sections(text: str) -> list[Section]:
    """The sections a free sentence speaks to, in order of precedence."""
    found: list[Section] = [
        section
        for section, pattern in _SECTIONS
        if section in (Section.API, Section.SEARCH, Section.SECRECY) and pattern.search(text)
    ]
    if Section.SEARCH not in found and SEARCH_SENTENCE.search(text):
        found.append(Section.SEARCH)
    return found


SEARCH_SENTENCE = re.compile(
    r"tietopyynnöissä voidaan käyttää|kan man (?:som sökvillkor )?använda"
    r"|\b(?:voidaan|voi|voit|on mahdollista)\s+(?:\w+\s+)?hakea\b|\bhaetaan\b"
    r"|\bkan\s+(?:\w+\s+)?sökas\b|\b(?:kan man|går att)\s+söka\b",
    re.IGNORECASE,
)
"""A sentence that says how data can be searched: "Tietoja voidaan hakea henkilön nimellä"."""


_AVAILABILITY: tuple[tuple[Availability, re.Pattern[str]], ...] = tuple(
    (availability, re.compile(pattern, re.IGNORECASE))
    for availability, pattern in (
        (
            Availability.NOT_STATED,
            r"ei ole (?:määritelty|arvioitu|selvitetty|tiedossa)|inte (?:fastställ|bedömt|utrett)"
            r"|\bhuruvida\b|\bonko\b|\bovatko\b|\bwhether\b",
        ),
        (
            Availability.MOSTLY_NOT_OPEN,
            r"\b(?:ei|eivät)\b(?:\s+\w+)?\s+(?:pääsääntöisesti|pääosin|yleensä)"
            r"|(?:pääsääntöisesti|pääosin|yleensä)\s+(?:\w+\s+)?(?:ei|eivät)\b"
            r"|i (?:regel|huvudsak) inte|huvudsakligen inte|som regel inte|inte i regel",
        ),
        (
            Availability.PARTLY_OPEN,
            r"osittain|osa tiedoista|osa tietoaineistoista|delvis|en del av",
        ),
        (Availability.NOT_OPEN, r"\b(?:ei|eivät|eikä|inte|ej|icke)\b"),
        (
            Availability.OPEN,
            r"\b(?:on|ovat)\b.*(?:saatavilla|saatavissa|saatavana|avoimesti)"
            r"|\bär\b.*tillgänglig|\bkan hämtas\b",
        ),
    )
)


def availability(text: str) -> Availability | None:
    """What a sentence says about open availability through an interface, if it decides."""
    for value, pattern in _AVAILABILITY:
        if pattern.search(text):
            return value
    return None


# --- search criteria ----------------------------------------------------------------------

CRITERIA: tuple[tuple[SearchCriterion, re.Pattern[str]], ...] = tuple(
    (criterion, re.compile(pattern, re.IGNORECASE))
    for criterion, pattern in (
        (
            SearchCriterion.ORGANISATION_NAME,
            r"(?:yrityksen|yhteisön|organisaation|yhdistyksen|järjestön|seuran)\s+nim"
            r"|(?:företagets|organisationens|föreningens|sammanslutningens)\s+namn|företagsnamn",
        ),
        (
            SearchCriterion.PERSONAL_IDENTITY_CODE,
            r"henkilötunnu|\bhetu|personbeteckning|personnummer|socialskyddssignum",
        ),
        (SearchCriterion.DATE_OF_BIRTH, r"syntymäai|födelsedat|födelsetid"),
        (
            SearchCriterion.CUSTOMER_ID,
            r"asiakas-?\s?(?:id|numero|tunnu)|asiakasnumer|kirjastokortin numer|kundnummer"
            r"|kund-?id|lånekortsnummer",
        ),
        (SearchCriterion.BUSINESS_ID, r"y-tunnu|yritystunnu|fo-nummer|företags- och organisations"),
        (SearchCriterion.PROPERTY_ID, r"kiinteistötunnu|kiinteistön tunnu|fastighetsbeteckning"),
        (
            SearchCriterion.REGISTRATION_NUMBER,
            r"rekisterinumer|rekisteritunnu|registreringsnummer|registernummer",
        ),
        (SearchCriterion.CASE_NUMBER, r"asianumer|diaarinumer|\bdnro|diarienummer|ärendenummer"),
        (SearchCriterion.CASE_TITLE, r"asian (?:nimi|nimeä|otsikko)|asiaotsik|ärendets rubrik"),
        (
            SearchCriterion.INITIATOR,
            r"vireillepani|vireille panij|\bhakija|initiativtagare|\bsökande\b",
        ),
        (SearchCriterion.DECISION_MAKER, r"päätöksentekijä|päättäjä|beslutsfattare"),
        (SearchCriterion.DOCUMENT_TYPE, r"asiakirjatyyp|asiakirjalaj|dokumenttyp|handlingstyp"),
        (SearchCriterion.DATE, r"päivämäär|ajankoh|aikaväl|\bdatum|tidpunkt"),
        (SearchCriterion.SUBJECT, r"\baihe|asiasana|\bämne"),
        (SearchCriterion.ADDRESS, r"osoit|adress|kadun nim|gatans namn|gatunamn"),
        (
            SearchCriterion.PERSON_NAME,
            r"nim(?:i|eä|en|et|iä|ellä|ien)\b|\bnamn(?:et)?\b",
        ),
    )
)


def criteria_in(text: str) -> list[SearchCriterion]:
    """The search-criterion concepts a sentence names, in the order it names them."""
    spans: list[tuple[int, int, SearchCriterion]] = []
    for criterion, pattern in CRITERIA:
        for match in pattern.finditer(text):
            if not any(start <= match.start() < end for start, end, _ in spans):
                spans.append((match.start(), match.end(), criterion))
    ordered: list[SearchCriterion] = []
    for _, _, criterion in sorted(spans, key=lambda span: span[0]):
        if criterion not in ordered:
            ordered.append(criterion)
    return ordered


# --- systems, lists, links ---------------------------------------------------------------

CONTAINS = re.compile(
    r"^(?:sis\.?|sisältää|sisältäen|mukaan lukien|inkl\.?|inklusive|innehåller|omfattar)"
    r"\s+(?P<parts>.+)$",
    re.IGNORECASE,
)
NATIONAL = re.compile(
    r"^(?:kansallinen|valtakunnallinen|nationell|nationellt|riksomfattande|rikstäckande)\b",
    re.IGNORECASE,
)
SYSTEM_WORD = re.compile(
    r"^(?P<name>.+?)-\s?(?:järjestelmä|systemet|system)\s*(?:/\s*(?P<description>.+))?$"
)
COMPOUND = re.compile(r"^(?P<name>[A-ZÅÄÖ0-9][\w.]*)-(?P<description>[a-zåäö][\wåäö]+)$")
SPACED_COMPOUND = re.compile(
    r"^(?P<name>[A-ZÅÄÖ0-9][\w.+]*(?:\s[A-ZÅÄÖ0-9][\w.+]*){0,2})\s-\s?"
    r"(?P<description>[a-zåäö][\wåäö]+)$"
)
""""Case M -asianhallintajärjestelmä", "Sarastia 365 -palvelu": a name of several words
joined to what it is by a spaced hyphen (the words after it never belong to the name)."""
PRODUCT_SUFFIXES = frozenset(
    {
        "palvelu",
        "palvelut",
        "mobiili",
        "sovellus",
        "portaali",
        "verkkopalvelu",
        "tjänsten",
        "tjänsterna",
        "web",
    }
)
"""Words after a hyphen that belong to a product's name ("Kanta-palvelut"), not describe it."""
LIST_SEPARATOR = re.compile(r",\s+|\s+(?:ja|sekä|tai|och|samt|eller)\s+")
LEAD_IN = re.compile(
    r"^.*?\b(?:on|ovat|sisältää|sisältävät|kuuluu|kuuluvat|tallennetaan|kirjataan|sisältyy"
    r"|sisältyvät|käytetään|koostuu|koostuvat|muodostuu|muodostuvat|är|finns|innehåller"
    r"|omfattar|ingår|används|registreras|lagras|består av|utgörs av)\b\s*",
    re.IGNORECASE,
)
EXAMPLES = re.compile(
    r"^(?:esimerkiksi|mm\.|muun muassa|kuten|mukaan lukien|t\.ex\.|till exempel|bl\.a\."
    r"|bland annat)\s+",
    re.IGNORECASE,
)

LINK_KINDS: tuple[tuple[LinkKind, re.Pattern[str]], ...] = (
    (
        LinkKind.PRIVACY_NOTICE,
        re.compile(
            r"tietosuoja|rekisteriselost|dataskydd|integritetsskydd|registerbeskrivning", re.I
        ),
    ),
    (
        LinkKind.RECORDS_MANAGEMENT_PLAN,
        re.compile(
            r"tiedonohjaus|arkistonmuodostus|informationsstyrning|arkivbildning|\btos\b", re.I
        ),
    ),
)


def link_kind(text: str) -> LinkKind:
    """What a link points to, judged by its words."""
    for kind, pattern in LINK_KINDS:
        if pattern.search(text):
            return kind
    return LinkKind.OTHER


# --- language -----------------------------------------------------------------------------

_FINNISH = frozenset(
    [
        "ja",
        "on",
        "ovat",
        "tai",
        "sekä",
        "ei",
        "eivät",
        "voidaan",
        "tiedot",
        "tietoaineistot",
        "tietojärjestelmät",
        "hakutekijät",
        "tietovaranto",
        "asiarekisteri",
        "käyttötarkoitus",
        "esimerkiksi",
    ]
)
_SWEDISH = frozenset(
    [
        "och",
        "är",
        "för",
        "av",
        "som",
        "eller",
        "med",
        "inte",
        "kan",
        "till",
        "de",
        "det",
        "informationslager",
        "ärenderegister",
        "sökvillkor",
        "informationssystem",
        "ändamål",
    ]
)


def detect_language(text: str) -> str:
    """'sv' when a text reads as Swedish, else 'fi'."""
    words = _words(text)
    finnish = sum(word in _FINNISH for word in words)
    swedish = sum(word in _SWEDISH for word in words)
    return "sv" if swedish > finnish else "fi"


# --- contacts (§28 item 2) ------------------------------------------------------------------

EMAIL = re.compile(
    r"(?P<user>[\w.+-]+)\s?(?:@|\(at\)|\[at\]|\(a\)|\s(?:at|ät)\s)\s?(?P<domain>[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)
PHONE = re.compile(
    r"(?:puh(?:elin)?(?:numero)?|puh\.|p\.|vaihde|tfn|telefon(?:nummer)?|tel\.?|växel)"
    r"(?:\s*\([^()]{1,20}\))?\s*:?\s*(?P<number>\+?\(?\d[\d ()-]{5,18}\d)",
    re.IGNORECASE,
)
_PLACE = r"\d{5}\s+[A-ZÅÄÖ][\wåäö-]+"
ADDRESS = re.compile(
    rf"(?P<address>(?:PL|PB|PO\s?Box|Box|Postilokero|Postbox)\s*\d+,?\s*(?:[A-ZÅÄÖ0-9][^,.;]*,\s*)?{_PLACE}"
    rf"|[A-ZÅÄÖ][\wåäö-]*(?:katu|tie|kuja|polku|tori|väylä|raitti|aukio|gatan|vägen|torget|"
    rf"stigen|gränd)\s+\d+\s*[A-Za-z]?(?:\s*\d+)?,?\s*(?:{_PLACE})?)"
)
REGISTRY_OFFICE = re.compile(r"\bkirjaamo\w*|\bregistratur\w*", re.IGNORECASE)
REGISTRY_OFFICE_NAME = {"fi": "Kirjaamo", "sv": "Registraturen"}
CONTACT_LABEL = re.compile(
    r"^(?:sähköposti\w*|s-posti|e-post\w*|puhelin\w*|puh\.?|tfn|telefon\w*|"
    r"(?:posti|käynti)?osoite|postadress|besöksadress|adress|yhteystiedot|kontaktuppgifter)$",
    re.IGNORECASE,
)


def email_in(text: str) -> str | None:
    """An e-mail address, also when written "kirjaamo(at)kunta.fi" against harvesting."""
    match = EMAIL.search(text)
    return f"{match['user']}@{match['domain']}" if match else None


# --- registers named in prose -----------------------------------------------------------------

DEFINING = re.compile(r"^\s*\S.*?\s(?:on|ovat|toimii|toimivat|är|utgör|fungerar)\s", re.IGNORECASE)
ORGANISATION_SUBJECT = re.compile(
    r"^(?:kunnan|kaupungin|hyvinvointialueen|kuntayhtymän|yhtymän|liiton|viraston"
    r"|kommunens|stadens|välfärdsområdets|samkommunens|förbundets|myndighetens)\b",
    re.IGNORECASE,
)
"""A sentence about the whole organisation ("Kunnan tietoaineistot eivät …"), wherever it
stands on the page."""
"""A sentence that says what a register is ("… asiarekisteri on looginen kokonaisuus")."""
REGISTER_PHRASE = re.compile(
    r"(?P<phrase>(?:(?:[A-ZÅÄÖ][\wåäö-]*|[\wåäö-]+(?:n|s))\s+){0,3}?"
    r"(?P<head>[\wåäö-]*(?i:asiarekister|tietovaran|ärenderegist|informationslag))[\wåäö]*)"
)
""""Pohjois-Savon liiton asiarekisteri on …", "Närpes stads ärenderegister är …"."""
_PHRASE_HEADS = {
    "asiarekister": "asiarekisteri",
    "tietovaran": "tietovaranto",
    "ärenderegist": "ärenderegister",
    "informationslag": "informationslager",
}


_FUNCTION_WORDS = frozenset({"som", "i", "på", "ja", "sekä", "och", "myös", "även"})


def register_phrase(match: re.Match[str]) -> str:
    """The register a phrase names, its head word in the nominative singular."""
    head = match["head"]
    for stem, nominative in _PHRASE_HEADS.items():
        if head.lower().endswith(stem):
            head = head[: len(head) - len(stem)] + nominative
            break
    before = match["phrase"][: match.start("head") - match.start("phrase")].split()
    while before and before[0].lower() in _FUNCTION_WORDS:
        before = before[1:]
    return " ".join([*before, head]).strip()
