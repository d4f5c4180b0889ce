"""The metrics: MQA indicators computed locally, the §28 items, and the scores.

The MQA (data.europa.eu's Metadata Quality Assessment) scores a dataset on 23 indicators in
five dimensions, 405 points in all (findability 100, accessibility 100, interoperability 110,
reusability 75, contextuality 20).  21 of them can be computed from the catalog alone; the
two "accessibility" checks (access and download URLs answering over HTTP) need the network
and are left to the portal.  Indicators measured on distributions score their points times
the share of the dataset's distributions that meet them (none: no points).

Each metric is a `dqv:Metric` in our vocabulary (ontology/dcatgen.ttl, block "Quality
metrics"), with the MQA indicator it corresponds to and its points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from dcatgen.rdf.formats import Format


class Level(StrEnum):
    """What a metric is measured on."""

    DATASET = "dataset"
    DISTRIBUTION = "distribution"
    """Per distribution; the dataset's value is the share of its distributions (0–1)."""
    NETWORK = "network"
    """Needs HTTP requests: not measured locally, the portal checks it."""


class Dimension(StrEnum):
    """The MQA dimensions, and ours for §28."""

    FINDABILITY = "Findability"
    ACCESSIBILITY = "Accessibility"
    INTEROPERABILITY = "Interoperability"
    REUSABILITY = "Reusability"
    CONTEXTUALITY = "Contextuality"
    S28 = "S28Completeness"


MQA_DIMENSIONS = tuple(d for d in Dimension if d is not Dimension.S28)
MQA_MAXIMUM = 405


class Supply(StrEnum):
    """Whether a description could give a missing indicator."""

    FIELD = "field"
    """A field of the description format gives it: the description left it empty."""
    NEVER = "never"
    """The description format has nothing that gives it (the source cannot supply it)."""
    DISTRIBUTIONS = "distributions"
    """Given by a distribution: possible only for a register that is openly available."""
    PORTAL = "portal"
    """Checked by the portal over HTTP, on distributions."""


@dataclass(frozen=True)
class Metric:
    """One metric: its vocabulary name, what it checks and how much it is worth."""

    name: str
    """Local name in the dg: vocabulary."""
    dimension: Dimension
    points: int
    level: Level
    indicator: str
    """The MQA indicator's name (or the §28 item's)."""
    checks: str
    """The property checked, as a prefixed name."""
    supply: Supply
    fix: str
    """What to write in the description (FIELD), or why it cannot be (NEVER)."""
    labels: tuple[str, str, str]
    """fi, sv, en."""


def _m(
    name: str,
    dimension: Dimension,
    points: int,
    level: Level,
    indicator: str,
    checks: str,
    supply: Supply,
    fix: str,
    fi: str,
    sv: str,
) -> Metric:
    return Metric(
        name, dimension, points, level, indicator, checks, supply, fix, (fi, sv, indicator)
    )


F, A, I, R, C = (  # noqa: E741 - the dimensions' initials
    Dimension.FINDABILITY,
    Dimension.ACCESSIBILITY,
    Dimension.INTEROPERABILITY,
    Dimension.REUSABILITY,
    Dimension.CONTEXTUALITY,
)
D, X, N = Level.DATASET, Level.DISTRIBUTION, Level.NETWORK
NEVER_DISTRIBUTION = "the description format has no such field for a distribution"

MQA_METRICS: tuple[Metric, ...] = (
    _m(
        "MqaKeywordUsage",
        F,
        30,
        D,
        "Keyword usage",
        "dcat:keyword",
        Supply.FIELD,
        "keywords, or subjects (YSO concepts give keywords)",
        "Avainsanat",
        "Nyckelord",
    ),
    _m(
        "MqaCategories",
        F,
        30,
        D,
        "Categories",
        "dcat:theme",
        Supply.FIELD,
        "themes (EU data themes)",
        "Teemat",
        "Teman",
    ),
    _m(
        "MqaGeoSearch",
        F,
        20,
        D,
        "Geo search",
        "dct:spatial",
        Supply.FIELD,
        "organisation.municipality_code",
        "Alueellinen kattavuus",
        "Geografisk täckning",
    ),
    _m(
        "MqaTimeBasedSearch",
        F,
        20,
        D,
        "Time based search",
        "dct:temporal",
        Supply.NEVER,
        "the description format has no temporal coverage (a register is kept continuously)",
        "Ajallinen kattavuus",
        "Tidsmässig täckning",
    ),
    _m(
        "MqaAccessUrlAccessibility",
        A,
        50,
        N,
        "AccessURL accessibility",
        "dcat:accessURL",
        Supply.PORTAL,
        "the portal checks that each access URL answers",
        "Käyttöosoitteen saavutettavuus",
        "Åtkomstadressens tillgänglighet",
    ),
    _m(
        "MqaDownloadUrl",
        A,
        20,
        X,
        "DownloadURL",
        "dcat:downloadURL",
        Supply.NEVER,
        NEVER_DISTRIBUTION,
        "Latausosoite",
        "Nedladdningsadress",
    ),
    _m(
        "MqaDownloadUrlAccessibility",
        A,
        30,
        N,
        "DownloadURL accessibility",
        "dcat:downloadURL",
        Supply.PORTAL,
        "the portal checks that each download URL answers",
        "Latausosoitteen saavutettavuus",
        "Nedladdningsadressens tillgänglighet",
    ),
    _m(
        "MqaFormat",
        I,
        20,
        X,
        "Format",
        "dct:format",
        Supply.NEVER,
        NEVER_DISTRIBUTION,
        "Tiedostomuoto",
        "Filformat",
    ),
    _m(
        "MqaMediaType",
        I,
        10,
        X,
        "Media type",
        "dcat:mediaType",
        Supply.FIELD,
        "distributions[].media_type",
        "Mediatyyppi",
        "Medietyp",
    ),
    _m(
        "MqaFormatMediaTypeVocabulary",
        I,
        10,
        X,
        "Format / media type from vocabulary",
        "dcat:mediaType",
        Supply.FIELD,
        "distributions[].media_type (an IANA media type)",
        "Tiedostomuoto sanastosta",
        "Filformat från vokabulär",
    ),
    _m(
        "MqaNonProprietary",
        I,
        20,
        X,
        "Non-proprietary",
        "dcat:mediaType",
        Supply.FIELD,
        "distributions[].media_type of an open format (CSV, JSON, XML, RDF…)",
        "Avoin tiedostomuoto",
        "Öppet filformat",
    ),
    _m(
        "MqaMachineReadable",
        I,
        20,
        X,
        "Machine readable",
        "dcat:mediaType",
        Supply.FIELD,
        "distributions[].media_type of a machine-readable format",
        "Koneluettava tiedostomuoto",
        "Maskinläsbart filformat",
    ),
    _m(
        "MqaDcatApCompliance",
        I,
        30,
        D,
        "DCAT-AP compliance",
        "sh:conforms",
        Supply.FIELD,
        "fix the violations `dcatgen validate` lists",
        "DCAT-AP-yhteensopivuus",
        "DCAT-AP-överensstämmelse",
    ),
    _m(
        "MqaLicenceInformation",
        R,
        20,
        X,
        "Licence information",
        "dct:license",
        Supply.FIELD,
        "distributions[].license",
        "Lisenssitieto",
        "Licensinformation",
    ),
    _m(
        "MqaLicenceVocabulary",
        R,
        10,
        X,
        "Licence vocabulary",
        "dct:license",
        Supply.FIELD,
        "distributions[].license from the EU licence table",
        "Lisenssi sanastosta",
        "Licens från vokabulär",
    ),
    _m(
        "MqaAccessRestrictions",
        R,
        10,
        D,
        "Access restrictions",
        "dct:accessRights",
        Supply.FIELD,
        "access_rights (public, restricted, non-public) on the register or unit",
        "Käyttöoikeudet",
        "Åtkomsträttigheter",
    ),
    _m(
        "MqaAccessRestrictionsVocabulary",
        R,
        5,
        D,
        "Access restrictions vocabulary",
        "dct:accessRights",
        Supply.FIELD,
        "access_rights (mapped to the EU access-right table)",
        "Käyttöoikeudet sanastosta",
        "Åtkomsträttigheter från vokabulär",
    ),
    _m(
        "MqaContactPoint",
        R,
        20,
        D,
        "Contact point",
        "dcat:contactPoint",
        Supply.FIELD,
        "contact_point, or disclosure_authority.contact, on the register, unit or organisation",
        "Yhteyspiste",
        "Kontaktpunkt",
    ),
    _m(
        "MqaPublisher",
        R,
        10,
        D,
        "Publisher",
        "dct:publisher",
        Supply.FIELD,
        "organisation (always given)",
        "Julkaisija",
        "Utgivare",
    ),
    _m(
        "MqaRights",
        C,
        5,
        X,
        "Rights",
        "dct:rights",
        Supply.NEVER,
        NEVER_DISTRIBUTION,
        "Oikeudet",
        "Rättigheter",
    ),
    _m(
        "MqaFileSize",
        C,
        5,
        X,
        "File size",
        "dcat:byteSize",
        Supply.NEVER,
        NEVER_DISTRIBUTION,
        "Tiedostokoko",
        "Filstorlek",
    ),
    _m(
        "MqaDateOfIssue",
        C,
        5,
        D,
        "Date of issue",
        "dct:issued",
        Supply.FIELD,
        "build with the change ledger (DATA/history.json)",
        "Julkaisupäivä",
        "Utgivningsdatum",
    ),
    _m(
        "MqaModificationDate",
        C,
        5,
        D,
        "Modification date",
        "dct:modified",
        Supply.FIELD,
        "build with the change ledger (DATA/history.json)",
        "Muokkauspäivä",
        "Ändringsdatum",
    ),
)
"""The MQA indicators, in the methodology's order (405 points)."""

S28_ITEMS: tuple[Metric, ...] = (
    _m(
        "S28InformationSystems",
        Dimension.S28,
        0,
        D,
        "information systems",
        "dg:informationSystem",
        Supply.FIELD,
        "systems",
        "Tietojärjestelmät",
        "Informationssystem",
    ),
    _m(
        "S28DisclosureAuthority",
        Dimension.S28,
        0,
        D,
        "authority deciding on disclosure",
        "dg:disclosureAuthority",
        Supply.FIELD,
        "disclosure_authority: {name, contact} on the register, unit or organisation",
        "Tietojen luovuttamisesta päättävä viranomainen",
        "Myndighet som beslutar om utlämnande",
    ),
    _m(
        "S28DataGroups",
        Dimension.S28,
        0,
        D,
        "data groups",
        "dg:dataGroup",
        Supply.FIELD,
        "data_groups",
        "Tietoaineistot",
        "Datagrupper",
    ),
    _m(
        "S28SearchCriteria",
        Dimension.S28,
        0,
        D,
        "search criteria",
        "dg:searchCriterion",
        Supply.FIELD,
        "search_criteria",
        "Hakutekijät",
        "Sökkriterier",
    ),
    _m(
        "S28OpenInterface",
        Dimension.S28,
        0,
        D,
        "open availability through an API",
        "dg:openInterfaceAvailability",
        Supply.FIELD,
        "api: {availability, statement}",
        "Saatavuus avoimesti teknisen rajapinnan avulla",
        "Tillgänglighet öppet via tekniskt gränssnitt",
    ),
)
"""The five items of the Information Management Act §28, in the law's order (value: the item
is present)."""

S28_MISSING = _m(
    "S28MissingItems",
    Dimension.S28,
    0,
    D,
    "§28 items missing",
    "dg:informationSystem …",
    Supply.FIELD,
    "",
    "Puuttuvat 28 §:n tiedot",
    "Saknade uppgifter enligt 28 §",
)
DISTRIBUTIONS = _m(
    "MqaDistributions",
    Dimension.ACCESSIBILITY,
    0,
    D,
    "Distributions",
    "dcat:distribution",
    Supply.DISTRIBUTIONS,
    "distributions[] (access_url, media_type, license)",
    "Jakelut",
    "Distributioner",
)
"""How many distributions a register has: the distribution indicators score nothing without
one, and a register that is not openly available cannot have one."""
SCORE = _m(
    "MqaScore",
    Dimension.FINDABILITY,
    0,
    D,
    "MQA score (locally computable part)",
    "",
    Supply.FIELD,
    "",
    "MQA-pisteet",
    "MQA-poäng",
)


def _dimension_metric(dimension: Dimension) -> Metric:
    return Metric(
        f"Mqa{dimension.value}Score",
        dimension,
        0,
        Level.DATASET,
        f"{dimension.value} score (mean over the catalog's registers)",
        "",
        Supply.FIELD,
        "",
        DIMENSION_LABELS[dimension],
    )


DIMENSION_LABELS = {
    Dimension.FINDABILITY: ("Löydettävyys", "Sökbarhet", "Findability"),
    Dimension.ACCESSIBILITY: ("Saavutettavuus", "Åtkomlighet", "Accessibility"),
    Dimension.INTEROPERABILITY: ("Yhteentoimivuus", "Interoperabilitet", "Interoperability"),
    Dimension.REUSABILITY: ("Uudelleenkäytettävyys", "Återanvändbarhet", "Reusability"),
    Dimension.CONTEXTUALITY: ("Konteksti", "Kontext", "Contextuality"),
}
DIMENSION_SCORES = {dimension: _dimension_metric(dimension) for dimension in MQA_DIMENSIONS}
"""The catalog's score by dimension: the mean of its registers' points."""

ALL_METRICS: tuple[Metric, ...] = (
    *MQA_METRICS,
    DISTRIBUTIONS,
    SCORE,
    *DIMENSION_SCORES.values(),
    *S28_ITEMS,
    S28_MISSING,
)
BY_NAME = {metric.name: metric for metric in ALL_METRICS}

RATINGS = ((351, "Excellent"), (221, "Good"), (121, "Sufficient"), (0, "Bad"))
"""MQA's rating by total points (of 405)."""


def rating(points: float | Decimal) -> str:
    """MQA's rating of a score."""
    return next(label for floor, label in RATINGS if points >= floor)


_OPEN_AND_MACHINE_READABLE = frozenset(
    {f.media_type for f in Format}  # the RDF formats dcatgen itself writes
    | {
        "text/csv",
        "application/json",
        "application/xml",
        "text/xml",
        "application/geo+json",
        "application/vnd.geo+json",
        "application/gml+xml",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
OPEN_MEDIA_TYPES = _OPEN_AND_MACHINE_READABLE | {
    "text/plain",
    "text/html",
    "application/pdf",
    "application/vnd.oasis.opendocument.text",
    "application/zip",
}
"""Media types of non-proprietary formats (after the EU file-type table's flags)."""
MACHINE_READABLE_MEDIA_TYPES = _OPEN_AND_MACHINE_READABLE | {
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""Media types of machine-readable formats (after the EU file-type table's flags)."""
LICENCE_VOCABULARIES = (
    "http://publications.europa.eu/resource/authority/licence/",
    "https://creativecommons.org/",
    "http://creativecommons.org/",
    "https://spdx.org/licenses/",
    "http://spdx.org/licenses/",
)
"""Licence IRIs the MQA knows (the EU licence table, and the licences it maps to)."""
