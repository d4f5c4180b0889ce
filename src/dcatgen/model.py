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

LANGUAGES = ("fi", "sv", "en")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


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
    BeforeValidator(_text_in_document_language),
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


class LinkKind(StrEnum):
    """What a link in a description points to."""

    PRIVACY_NOTICE = "privacy-notice"
    RECORDS_MANAGEMENT_PLAN = "records-management-plan"
    OTHER = "other"


class Contact(Record):
    """Contact details (vCard): for information requests or for the description itself."""

    name: Text | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    telephone: str | None = None
    url: HttpUrl | None = None
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


DataGroupItem = Annotated[DataGroup, BeforeValidator(_data_group_from_string)]


class Secrecy(Record):
    """What the description says on secrecy (Openness Act 621/1999 §24)."""

    statement: Text | None = None
    grounds: tuple[str, ...] = ()


class Link(Record):
    """A link from the description: a privacy notice, a records-management plan, a page."""

    url: HttpUrl
    title: Text | None = None
    kind: LinkKind = LinkKind.OTHER


class Distribution(Record):
    """A way to get the data, only when the source states an access URL or API."""

    access_url: HttpUrl
    title: Text | None = None
    media_type: str | None = None
    license: HttpUrl | None = None


class CrossReference(Record):
    """A pointer to data described elsewhere, keeping the source's words."""

    topic: Text
    statement: Text | None = None
    target_unit: str | None = None
    target_register: str | None = None
    target: HttpUrl | None = None


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
    cross_references: tuple[CrossReference, ...] = ()
    registers: tuple[Register, ...] = ()


class Organisation(Record):
    """The authority whose description this is: the publisher of one catalog."""

    id: Slug
    name: Text
    kind: OrganisationKind
    base_iri: HttpUrl
    municipality_code: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None
    business_id: Annotated[str, Field(pattern=r"^\d{7}-\d$")] | None = None
    homepage: HttpUrl | None = None
    api: ApiStatement | None = None
    disclosure_authority: Authority | None = None
    contact_point: Contact | None = None

    @field_validator("base_iri")
    @classmethod
    def _ends_with_slash(cls, value: HttpUrl) -> HttpUrl:
        if not str(value).endswith("/"):
            raise ValueError(f"base_iri must end with '/': write '{value}/'")
        return value


class Description(Record):
    """One organisation's whole §28 description: the unit of one file in data/."""

    language: Annotated[str, Field(pattern=r"^(fi|sv)$")] = "fi"
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
