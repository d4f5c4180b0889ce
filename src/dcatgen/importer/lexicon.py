"""The words of §28 pages, in Finnish and Swedish, and what a heading, label or sentence is.

Everything language-specific lives here as tables of patterns; recognition only asks
"what is this heading?" and "what does this sentence state?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dcatgen.model import Availability, LinkKind, OrganisationKind, RegisterKind, SearchCriterion


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
            r"hakutekij|hakuehto|hakuehdo|hakusano|sökvillkor|sökbegrepp|sökkriteri|sökfaktor",
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
            r"|utlämnande|begäran om uppgifter|informationsbegäran",
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
    (OrganisationKind.JOINT_AUTHORITY, ("kuntayhtymä", "yhtymä", "samkommun", "samkommunen")),
    (OrganisationKind.REGIONAL_COUNCIL, ("liitto", "förbund", "förbundet")),
    (OrganisationKind.MUNICIPALITY, ("kunta", "kaupunki", "kommun", "kommunen", "stad", "staden")),
    (
        OrganisationKind.STATE_AGENCY,
        ("virasto", "laitos", "ämbetsverk", "ämbetsverket", "verket", "myndighet", "myndigheten"),
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


def is_register_word(word: str) -> bool:
    """Whether a word names a register or information resource ("asiarekisteri", "arkiv")."""
    word = word.lower().strip("-:,.")
    return word.endswith(_REGISTER_WORDS_FI) or word.endswith(_REGISTER_WORDS_SV)


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
            return HeadingClass(HeadingKind.SUBSECTION, section, " ".join([*tokens[:index], head]))
    return None


def classify_heading(text: str) -> HeadingClass:
    """What a heading is: the page title, a unit, a register, a section of one, or unknown."""
    words = _words(text)
    if PAGE_TITLE.search(text) and not _register_head(words):
        return HeadingClass(HeadingKind.PAGE_TITLE)
    subsection = _subsection(text)
    if subsection is not None:
        return subsection
    register_words = [w for w in words if is_register_word(w)]
    if names_unit(text) and (
        len(register_words) != 1 or register_words[0].endswith(_PLURAL_REGISTER_WORDS)
    ):
        return HeadingClass(HeadingKind.UNIT)
    plural_head = words[-1].endswith((*_PLURAL_REGISTER_WORDS, "register")) if words else False
    bare = all(w in _CONTAINER_WORDS or is_register_word(w) for w in words)
    if len(register_words) > 1 and plural_head and not bare:
        return HeadingClass(HeadingKind.UNIT)  # "Sivistystoimen tietovarannot ja rekisterit"
    if _register_head(words):
        if bare and (len(register_words) > 1 or plural_head):
            return HeadingClass(HeadingKind.CONTAINER, physical=bool(PHYSICAL.search(text)))
        return HeadingClass(HeadingKind.REGISTER)
    section = section_of(text)
    if section is not None:
        return HeadingClass(HeadingKind.SECTION, section)
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
    r"\b(?:kuuluvat|kuuluu|sisältyvät|ingår|hör)\b.*?(?:rekister|register)"
    r"|(?:rekisterit|registren|register)\s*:",
    re.IGNORECASE,
)
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
    if re.search(
        r"tietopyynnöissä voidaan käyttää|kan man (?:som sökvillkor )?använda", text, re.I
    ):
        found.append(Section.SEARCH)
    return found


_AVAILABILITY: tuple[tuple[Availability, re.Pattern[str]], ...] = tuple(
    (availability, re.compile(pattern, re.IGNORECASE))
    for availability, pattern in (
        (
            Availability.NOT_STATED,
            r"ei ole (?:määritelty|arvioitu|selvitetty|tiedossa)|inte (?:fastställ|bedömt|utrett)",
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
PRODUCT_SUFFIXES = frozenset(
    {"palvelu", "palvelut", "mobiili", "sovellus", "portaali", "verkkopalvelu", "tjänsten", "web"}
)
"""Words after a hyphen that belong to a product's name ("Kanta-palvelut"), not describe it."""
LIST_SEPARATOR = re.compile(r",\s+|\s+(?:ja|sekä|tai|och|samt|eller)\s+")
LEAD_IN = re.compile(
    r"^.*?\b(?:on|ovat|sisältää|sisältävät|kuuluu|kuuluvat|tallennetaan|kirjataan|sisältyy"
    r"|sisältyvät|käytetään|är|finns|innehåller|omfattar|ingår|används|registreras|lagras)\b\s*",
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
