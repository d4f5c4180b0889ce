"""The description model: what a §28 description says, as frozen typed records (no RDF here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dcatgen.rdf.terms import iri_problem

LANGUAGES = ("fi", "sv", "en")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
MAX_TEXT = 100_000
"""The longest text value, in characters: a register's description is a page, not a book
(pyoxigraph cannot read back a literal over 16 MB)."""
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside XML 1.0's Char production: RDF/XML cannot carry it (nor can YAML)."""
_EMAIL = re.compile(r"^[\w.+'-]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!$&_.+-]*/[A-Za-z0-9][A-Za-z0-9!$&_.+-]*$")


def text_problem(value: str) -> str | None:
    """Why a text cannot be written in every output format, or None when it can.

    XML 1.0 (RDF/XML) cannot carry control characters other than tab and line breaks, nor
    U+FFFE/U+FFFF; N-Triples and JSON could, so the strictest writer decides.

    >>> text_problem("Kirjaston asiakkaan tiedot") is None
    True
    >>> text_problem("a\\x00b")
    'the control character U+0000 cannot be written (RDF/XML refuses it): delete it'
    """
    bad = NOT_XML.search(value)
    if bad:
        code = ord(bad.group())
        kind = "control character" if code < 0x20 or 0x7F <= code < 0xA0 else "character"
        return f"the {kind} U+{code:04X} cannot be written (RDF/XML refuses it): delete it"
    if len(value) > MAX_TEXT:
        return f"the text has {len(value):,} characters; at most {MAX_TEXT:,} are accepted"
    return None


class Record(BaseModel):
    """Base of every model record: frozen, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _text_in_document_language(value: Any, info: ValidationInfo) -> Any:
    """Let a plain string stand for text in the description's language."""
    if isinstance(value, str):
        language = (info.context or {}).get("language", "fi")
        return {language: value}
    return value


def _known_languages(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}: use one of fi, sv, en")
    if not value:
        raise ValueError("text is empty: give at least one language, e.g. {fi: ...}")
    for language, text in value.items():
        if not text.strip():
            raise ValueError(f"text in {language!r} is empty")
    return {language: value[language].strip() for language in LANGUAGES if language in value}


Text = Annotated[
    dict[str, str],
    BeforeValidator(_text_in_document_language, json_schema_input_type=str | dict[str, str]),
    AfterValidator(_known_languages),
    Field(
        description="Text in one or more languages: a plain string (the description's "
        "language) or a mapping such as {fi: ..., sv: ...}."
    ),
]


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lower-case letters, digits and hyphens, "
            "e.g. 'perusopetus-ja-lukio'"
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]


def _writable_iri(value: HttpUrl) -> HttpUrl:
    problem = iri_problem(str(value))
    if problem:
        raise ValueError(f"{str(value)!r} cannot be used as a link: {problem}")
    return value


Iri = Annotated[HttpUrl, AfterValidator(_writable_iri)]
"""An http(s) URL that every output format can carry as an IRI."""


def _email(value: str) -> str:
    if not _EMAIL.match(value) or iri_problem(f"mailto:{value}"):
        raise ValueError(
            f"{value!r} is not an e-mail address: write it as name@example.fi "
            "(letters, digits and . _ + - ' before the @, a domain after it)"
        )
    return value


Email = Annotated[str, AfterValidator(_email)]


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.match(value):
        raise ValueError(
            f"{value!r} is not a media type: write type/subtype with no spaces or "
            "parameters, e.g. text/csv or application/json"
        )
    return value


def _municipality_code(value: str) -> str:
    if not re.fullmatch(r"\d{3}", value):
        short = value.lstrip("0").zfill(3)
        hint = f" (write {short!r})" if value.isdigit() and len(value) > 3 >= len(short) else ""
        raise ValueError(
            f"{value!r} is not a municipality code: write Statistics Finland's three "
            f"digits, e.g. '503' for Mynämäki{hint}"
        )
    return value


def _business_id(value: str) -> str:
    if not re.fullmatch(r"\d{7}-\d", value):
        raise ValueError(
            f"{value!r} is not a Business ID (Y-tunnus): write seven digits, a hyphen and "
            "the check digit, e.g. '0204819-8'"
        )
    return value


class RegisterKind(StrEnum):
    """Whether the description calls the register an information resource or a case register."""

    INFORMATION_RESOURCE = "information-resource"
    CASE_REGISTER = "case-register"


class Availability(StrEnum):
    """Open availability through a technical interface (§28 item 5)."""

    OPEN = "open"
    PARTLY_OPEN = "partly-open"
    MOSTLY_NOT_OPEN = "mostly-not-open"
    NOT_OPEN = "not-open"
    NOT_STATED = "not-stated"


class AccessRights(StrEnum):
    """EU access-right authority table values."""

    PUBLIC = "public"
    RESTRICTED = "restricted"
    NON_PUBLIC = "non-public"


class OrganisationKind(StrEnum):
    """The kind of authority, mapped to the ADMS publisher type."""

    MUNICIPALITY = "municipality"
    JOINT_AUTHORITY = "joint-authority"
    REGIONAL_COUNCIL = "regional-council"
    WELLBEING_SERVICES_COUNTY = "wellbeing-services-county"
    STATE_AGENCY = "state-agency"
    OTHER = "other"


class SearchCriterion(StrEnum):
    """Concepts of the search-criterion scheme (skos:notation in the vocabulary)."""

    PERSON_NAME = "person-name"
    PERSONAL_IDENTITY_CODE = "personal-identity-code"
    DATE_OF_BIRTH = "date-of-birth"
    CUSTOMER_ID = "customer-id"
    ADDRESS = "address"
    ORGANISATION_NAME = "organisation-name"
    BUSINESS_ID = "business-id"
    CASE_NUMBER = "case-number"
    CASE_TITLE = "case-title"
    INITIATOR = "initiator"
    DECISION_MAKER = "decision-maker"
    DATE = "date"
    DOCUMENT_TYPE = "document-type"
    SUBJECT = "subject"
    PROPERTY_ID = "property-id"
    REGISTRATION_NUMBER = "registration-number"


class CollectionType(StrEnum):
    """Which of avoindata.fi's collections a register's CKAN dataset belongs to."""

    OPEN_DATA = "open-data"
    INTEROPERABILITY_TOOLS = "interoperability-tools"


LicenseRef = Annotated[
    str,
    Field(
        pattern=r"^(https?://[^\s]+|[A-Za-z0-9][A-Za-z0-9._-]*)$",
        description="The licence of the published description, for CKAN portals: its URI "
        "(e.g. http://creativecommons.org/licenses/by/4.0/, matched against the portal's "
        "licence list) or the portal's licence id (e.g. cc-by-4.0).",
    ),
]


class LinkKind(StrEnum):
    """What a link in a description points to."""

    PRIVACY_NOTICE = "privacy-notice"
    RECORDS_MANAGEMENT_PLAN = "records-management-plan"
    OTHER = "other"


class Contact(Record):
    """Contact details (vCard): for information requests or for the description itself."""

    name: Text | None = None
    email: Email | None = None
    telephone: str | None = None
    url: Iri | None = None
    address: str | None = None

    @model_validator(mode="after")
    def _has_a_channel(self) -> Contact:
        if not (self.email or self.telephone or self.url or self.address):
            raise ValueError("a contact needs at least one of email, telephone, url, address")
        return self


class Authority(Record):
    """The authority deciding on disclosure of data (§28 item 2) and its contact details."""

    name: Text
    contact: Contact | None = None


class ApiStatement(Record):
    """A statement on open availability through a technical interface (§28 item 5)."""

    availability: Availability
    statement: Text | None = None


class SearchCriteria(Record):
    """Search criteria usable in information requests (§28 item 4)."""

    concepts: tuple[SearchCriterion, ...] = ()
    statement: Text | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> SearchCriteria:
        if not self.concepts and self.statement is None:
            raise ValueError("give concepts, a statement, or both")
        return self


@dataclass(frozen=True)
class KnownSystem:
    """A product in dcatgen's scheme of known information systems (resources/systems.yaml)."""

    id: str
    name: str
    variants: tuple[str, ...]
    kind: str
    vendor: str | None = None
    national: bool = False


@dataclass(frozen=True)
class KnownSystems:
    """The scheme: its systems by id, and the fi/sv/en labels of the kinds of system."""

    systems: dict[str, KnownSystem]
    kinds: dict[str, dict[str, str]]


@cache
def known_systems() -> KnownSystems:
    """The scheme of known information systems, read once from the package's resources."""
    source = resources.files("dcatgen").joinpath("resources/systems.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    systems = {
        row["id"]: KnownSystem(
            id=row["id"],
            name=row["name"],
            variants=tuple(row.get("variants", ())),
            kind=row["kind"],
            vendor=row.get("vendor"),
            national=bool(row.get("national", False)),
        )
        for row in data["systems"]
    }
    return KnownSystems(systems, {kind: dict(labels) for kind, labels in data["kinds"].items()})


def _known_system(value: str) -> str:
    if value not in known_systems().systems:
        raise ValueError(
            f"{value!r} is not in dcatgen's scheme of known systems "
            "(src/dcatgen/resources/systems.yaml): use one of its ids, e.g. 'wilma', or leave "
            "exact_match out"
        )
    return value


class System(Record):
    """An information system holding the register's data (§28 item 1)."""

    name: str
    id: Slug | None = None
    parts: tuple[str, ...] = ()
    description: Text | None = None
    national: bool = False
    wording: str | None = None
    exact_match: Annotated[str, AfterValidator(_known_system)] | None = Field(
        default=None,
        description="The id of the same product in dcatgen's scheme of known systems "
        "(skos:exactMatch), e.g. 'wilma'.",
    )


class DataGroup(Record):
    """A data group (tietoryhmä) as a list item; a plain string is the name."""

    name: Text
    description: Text | None = None


def _data_group_from_string(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


DataGroupItem = Annotated[
    DataGroup, BeforeValidator(_data_group_from_string, json_schema_input_type=str | DataGroup)
]


class Secrecy(Record):
    """What the description says on secrecy (Openness Act 621/1999 §24)."""

    statement: Text | None = None
    grounds: tuple[str, ...] = ()


class Link(Record):
    """A link from the description: a privacy notice, a records-management plan, a page."""

    url: Iri
    title: Text | None = None
    kind: LinkKind = LinkKind.OTHER


class Distribution(Record):
    """A way to get the data, only when the source states an access URL or API."""

    access_url: Iri
    title: Text | None = None
    media_type: Annotated[str, AfterValidator(_media_type)] | None = None
    license: Iri | None = None


class CrossReference(Record):
    """A pointer to data described elsewhere, keeping the source's words."""

    topic: Text
    statement: Text | None = None
    target_unit: str | None = None
    target_register: str | None = None
    target: Iri | None = None


class Register(Record):
    """One case register or information resource: one dcat:Dataset."""

    id: Slug
    kind: RegisterKind
    title: Text
    purpose: Text | None = None
    description: Text | None = None
    part_of: Slug | None = None
    data_groups: tuple[DataGroupItem, ...] = ()
    systems: tuple[System, ...] = ()
    search_criteria: SearchCriteria | None = None
    api: ApiStatement | None = None
    disclosure_authority: Authority | None = None
    contact_point: Contact | None = None
    access_rights: AccessRights | None = None
    personal_data: bool | None = None
    secrecy: Secrecy | None = None
    retention: Text | None = None
    task_class: str | None = None
    themes: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    suggested_themes: tuple[str, ...] = ()
    suggested_subjects: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    license: LicenseRef | None = None
    collection_type: CollectionType | None = None

    @field_validator("themes", "suggested_themes")
    @classmethod
    def _eu_theme(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if code not in EU_THEMES:
                raise ValueError(
                    f"{code!r} is not an EU data theme: use one of {', '.join(sorted(EU_THEMES))}"
                )
        return value

    @field_validator("subjects", "suggested_subjects")
    @classmethod
    def _yso_id(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for concept in value:
            if not re.fullmatch(r"p\d+", concept):
                raise ValueError(
                    f"{concept!r} is not a YSO concept id: write the local part, e.g. 'p19327'"
                )
        return value


EU_THEMES = frozenset(
    "AGRI ECON EDUC ENER ENVI GOVE HEAL INTR JUST OP_DATPRO REGI SOCI TECH TRAN".split()  # noqa: SIM905
)


class Unit(Record):
    """An organisational unit (e.g. an osasto) and what it states for all its registers."""

    id: Slug
    name: Text
    heading: Text | None = None
    purpose: Text | None = None
    api: ApiStatement | None = None
    disclosure_authority: Authority | None = None
    contact_point: Contact | None = None
    access_rights: AccessRights | None = None
    license: LicenseRef | None = None
    collection_type: CollectionType | None = None
    cross_references: tuple[CrossReference, ...] = ()
    registers: tuple[Register, ...] = ()


class Organisation(Record):
    """The authority whose description this is: the publisher of one catalog."""

    id: Slug
    name: Text
    kind: OrganisationKind
    base_iri: Iri
    municipality_code: Annotated[str, AfterValidator(_municipality_code)] | None = None
    business_id: Annotated[str, AfterValidator(_business_id)] | None = None
    homepage: Iri | None = None
    api: ApiStatement | None = None
    disclosure_authority: Authority | None = None
    contact_point: Contact | None = None
    license: LicenseRef | None = None
    collection_type: CollectionType | None = None

    @field_validator("base_iri")
    @classmethod
    def _ends_with_slash(cls, value: HttpUrl) -> HttpUrl:
        text = str(value)
        if "#" in text or "?" in text:
            raise ValueError(
                f"base_iri {text!r} has a '#' or '?': every IRI is made by appending a path "
                "to it, so write a plain folder such as 'https://example.fi/id/'"
            )
        if not text.endswith("/"):
            raise ValueError(f"base_iri must end with '/': write '{value}/'")
        return value


def _description_language(value: str) -> str:
    if value not in ("fi", "sv"):
        raise ValueError(f"{value!r} is not a description language: use fi or sv")
    return value


class Description(Record):
    """One organisation's whole §28 description: the unit of one file in data/."""

    language: Annotated[str, AfterValidator(_description_language)] = "fi"
    organisation: Organisation
    units: tuple[Unit, ...]
    unplaced: tuple[str, ...] = Field(
        default=(),
        description="Lines an importer could not place; reported by validate as warnings.",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Description:
        seen: set[str] = set()
        unit_ids: set[str] = set()
        for unit in self.units:
            if unit.id in unit_ids:
                raise ValueError(f"unit id {unit.id!r} is used twice: ids must be unique")
            unit_ids.add(unit.id)
            for register in unit.registers:
                if register.id in seen:
                    raise ValueError(
                        f"register id {register.id!r} is used twice: ids must be unique "
                        "within an organisation"
                    )
                seen.add(register.id)
        for unit in self.units:
            for register in unit.registers:
                if register.part_of is not None and register.part_of not in seen:
                    raise ValueError(
                        f"register {register.id!r}: part_of {register.part_of!r} "
                        "names no register of this organisation"
                    )
        return self

    def registers(self) -> list[tuple[Unit, Register]]:
        """Every register with its unit, in document order."""
        return [(unit, register) for unit in self.units for register in unit.registers]
