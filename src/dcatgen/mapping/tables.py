"""Map: model → RDF triples (DCAT-AP 3 plus our vocabulary), as tables of rows.

Each model record type has one table: rows of (field, predicate, value kind).  One
generic writer applies a table to a record.  `register_triples` is a pure function of
one register and its context, so callers may stream, partition or parallelise it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from dcatgen.mapping.summary import register_description
from dcatgen.model.description import (
    AccessRights,
    ApiStatement,
    Authority,
    Availability,
    Contact,
    Description,
    Link,
    LinkKind,
    Organisation,
    OrganisationKind,
    Register,
    RegisterKind,
    SearchCriterion,
    System,
    Unit,
    known_systems,
)
from dcatgen.rdf.formats import Format
from dcatgen.rdf.terms import (
    ACCESS_RIGHT,
    CV,
    DATA_THEME,
    DCAT,
    DCATAP,
    DCT,
    DG,
    FOAF,
    LANGUAGE,
    MUNICIPALITY,
    ORG,
    PUBLISHER_TYPE,
    RDF_TYPE,
    SKOS,
    VCARD,
    XSD,
    YSO,
    Term,
    Triple,
    iri,
    iri_value,
    literal,
    ntriples,
    typed,
)

INFORMATION_MANAGEMENT_ACT = iri("http://data.finlex.fi/eli/sd/2019/906/alkup")
OPENNESS_ACT = iri("http://data.finlex.fi/eli/sd/1999/621/alkup")
DATA_THEME_SCHEME = iri("http://publications.europa.eu/resource/authority/data-theme")
TRUE = typed("true", XSD.boolean)
LANGUAGE_CODES = {"fi": LANGUAGE.FIN, "sv": LANGUAGE.SWE, "en": LANGUAGE.ENG}

AVAILABILITY = {
    Availability.OPEN: DG.OpenlyAvailable,
    Availability.PARTLY_OPEN: DG.PartlyOpenlyAvailable,
    Availability.MOSTLY_NOT_OPEN: DG.MostlyNotOpenlyAvailable,
    Availability.NOT_OPEN: DG.NotOpenlyAvailable,
    Availability.NOT_STATED: DG.AvailabilityNotStated,
}
SEARCH_CRITERIA = {
    criterion: DG["".join(part.capitalize() for part in criterion.value.split("-"))]
    for criterion in SearchCriterion
}
ACCESS_RIGHTS = {
    AccessRights.PUBLIC: ACCESS_RIGHT.PUBLIC,
    AccessRights.RESTRICTED: ACCESS_RIGHT.RESTRICTED,
    AccessRights.NON_PUBLIC: ACCESS_RIGHT.NON_PUBLIC,
}
PUBLISHER_TYPES = {
    OrganisationKind.MUNICIPALITY: PUBLISHER_TYPE.LocalAuthority,
    OrganisationKind.JOINT_AUTHORITY: PUBLISHER_TYPE.LocalAuthority,
    OrganisationKind.REGIONAL_COUNCIL: PUBLISHER_TYPE.RegionalAuthority,
    OrganisationKind.WELLBEING_SERVICES_COUNTY: PUBLISHER_TYPE.RegionalAuthority,
    OrganisationKind.STATE_AGENCY: PUBLISHER_TYPE.NationalAuthority,
    OrganisationKind.OTHER: PUBLISHER_TYPE.NonProfitOrganisation,
}
REGISTER_CLASSES = {
    RegisterKind.INFORMATION_RESOURCE: DG.InformationResource,
    RegisterKind.CASE_REGISTER: DG.CaseRegister,
}
CATALOG_TITLE = {
    "fi": "{name}: asiarekisterit ja tietovarannot",
    "sv": "{name}: ärenderegister och informationslager",
    "en": "{name}: case registers and information resources",
}
CATALOG_DESCRIPTION = {
    "fi": "{name} kuvaa asiarekisterinsä ja tietovarantonsa julkisen hallinnon "
    "tiedonhallinnasta annetun lain (906/2019) 28 §:n mukaisesti.",
    "sv": "{name} beskriver sina ärenderegister och informationslager enligt 28 § i lagen "
    "om informationshantering inom den offentliga förvaltningen (906/2019).",
    "en": "{name} describes its case registers and information resources under section 28 "
    "of the Act on Information Management in Public Administration (906/2019).",
}


# --- IRIs -------------------------------------------------------------------------------


def slug(text: str) -> str:
    """An IRI-safe, lower-case ASCII slug of a name ('Pro Consona' → 'pro-consona')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Iris:
    """The IRI factory of one organisation: every IRI dcatgen mints, in one place."""

    base: str

    @property
    def catalog(self) -> Term:
        """The organisation's catalog."""
        return iri(self.base + "catalog")

    @property
    def organisation(self) -> Term:
        """The organisation as publisher."""
        return iri(self.base + "organisation")

    def unit(self, unit_id: str) -> Term:
        """An organisational unit."""
        return iri(f"{self.base}unit/{unit_id}")

    def register(self, register_id: str) -> Term:
        """A register (dataset)."""
        return iri(f"{self.base}register/{register_id}")

    def system(self, name_or_id: str) -> Term:
        """An information system, shared by every register that names it."""
        return iri(f"{self.base}system/{slug(name_or_id)}")

    @staticmethod
    def part(owner: Term, name: str, index: int | None = None) -> Term:
        """A node described only as part of another: a data group, a contact, a link."""
        suffix = name if index is None else f"{name}-{index}"
        return f"{owner[:-1]}#{suffix}>"


# --- value kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a row writer may need besides the value: IRIs, language, publisher type."""

    iris: Iris
    language: str
    publisher_type: Term


@dataclass(frozen=True)
class OwnedValue:
    """A value stated on a register, its unit or its organisation, with that owner's IRI."""

    owner: Term
    value: Any


Emit = Callable[[Term, Term, Any, Context, list[Triple]], None]


def text(
    subject: Term, predicate: Term, value: dict[str, str], _: Context, out: list[Triple]
) -> None:
    """Language-tagged literals, one per language."""
    for language, words in value.items():
        out.append((subject, predicate, literal(words, language)))


def plain(subject: Term, predicate: Term, value: str, _: Context, out: list[Triple]) -> None:
    """A plain string literal (names of products, codes)."""
    out.append((subject, predicate, literal(value)))


def tagged(subject: Term, predicate: Term, value: str, context: Context, out: list[Triple]) -> None:
    """A literal in the description's language."""
    out.append((subject, predicate, literal(value, context.language)))


def boolean(subject: Term, predicate: Term, value: bool, _: Context, out: list[Triple]) -> None:
    """An xsd:boolean literal."""
    out.append((subject, predicate, typed("true" if value else "false", XSD.boolean)))


def link(subject: Term, predicate: Term, value: object, _: Context, out: list[Triple]) -> None:
    """A link to an IRI given in the description."""
    out.append((subject, predicate, iri(str(value))))


def concept(table: dict[Any, Term] | Callable[[Any], Term]) -> Emit:
    """A code-list value looked up in a table, with the code list's own triples."""

    def emit(subject: Term, predicate: Term, value: Any, _: Context, out: list[Triple]) -> None:
        target = table(value) if callable(table) else table[value]
        out.append((subject, predicate, target))

    return emit


def many(emit: Emit) -> Emit:
    """Apply a kind to each item of a tuple."""

    def emit_each(
        subject: Term, predicate: Term, values: Iterable[Any], context: Context, out: list[Triple]
    ) -> None:
        for value in values:
            emit(subject, predicate, value, context, out)

    return emit_each


def numbered(name: str, rows: tuple[Row, ...], kind: Term, position: bool = False) -> Emit:
    """A list of nested records, each a hash node `#name-N` of the subject."""

    def emit(
        subject: Term, predicate: Term, values: Iterable[Any], context: Context, out: list[Triple]
    ) -> None:
        for index, value in enumerate(values, start=1):
            target = Iris.part(subject, name, index)
            out.append((subject, predicate, target))
            out.append((target, RDF_TYPE, kind))
            if position:
                out.append((target, DG.position, typed(str(index), XSD.integer)))
            apply(rows, target, value, context, out)

    return emit


@dataclass(frozen=True)
class Row:
    """One line of a mapping table: a model field, the predicate it maps to, how."""

    field: str
    predicate: Term
    emit: Emit


def apply(
    rows: Iterable[Row], subject: Term, record: Any, context: Context, out: list[Triple]
) -> None:
    """The generic writer: every row whose field is set gives its triples."""
    for row in rows:
        value = getattr(record, row.field)
        if value is None or value == ():
            continue
        row.emit(subject, row.predicate, value, context, out)


@cache
def _codelists() -> tuple[dict[Term, tuple[Triple, ...]], dict[Term, dict[str, str]]]:
    source = resources.files("dcatgen").joinpath("resources/codelists.ttl")
    table: dict[Term, list[Triple]] = {}
    labels: dict[Term, dict[str, str]] = {}
    scheme_of: dict[Term, Term] = {}
    for quad in ox.parse(source.read_bytes(), format=Format.TURTLE.oxigraph):
        subject, predicate, obj = str(quad.subject), str(quad.predicate), str(quad.object)
        table.setdefault(subject, []).append((subject, predicate, obj))
        if predicate == SKOS.inScheme:
            scheme_of[subject] = obj
        if predicate == SKOS.prefLabel and isinstance(quad.object, ox.Literal):
            language = quad.object.language
            if language:
                labels.setdefault(subject, {})[language] = quad.object.value
    for value, scheme in scheme_of.items():
        # A used value brings its scheme's description (DCAT-AP checks schemes too).
        table[value].extend(table.get(scheme, ()))
    return {subject: tuple(triples) for subject, triples in table.items()}, labels


KNOWN_SYSTEM = "https://w3id.org/dcatgen/ns/system/"
"""Concepts of dcatgen's scheme of known information systems (resources/systems.yaml)."""
SYSTEM_KIND = "https://w3id.org/dcatgen/ns/system-kind/"


def known_system_iri(identifier: str) -> Term:
    """The concept of a known system: what registers' systems link to with skos:exactMatch."""
    return iri(KNOWN_SYSTEM + identifier)


@cache
def _known_system_table() -> dict[Term, tuple[Triple, ...]]:
    """The facts that travel with a known-system concept: its labels, vendor and kind."""
    scheme = known_systems()
    kinds: dict[str, list[Triple]] = {}
    for kind, labels in scheme.kinds.items():
        term = iri(SYSTEM_KIND + kind)
        kinds[kind] = [
            (term, RDF_TYPE, SKOS.Concept),
            (term, RDF_TYPE, DG.SystemKind),
            (term, SKOS.inScheme, DG.SystemKindScheme),
            (term, SKOS.notation, literal(kind)),
            *((term, SKOS.prefLabel, literal(text, language)) for language, text in labels.items()),
        ]
    table: dict[Term, tuple[Triple, ...]] = {}
    for system in scheme.systems.values():
        term = known_system_iri(system.id)
        triples = [
            (term, RDF_TYPE, SKOS.Concept),
            (term, RDF_TYPE, DG.KnownSystem),
            (term, SKOS.inScheme, DG.KnownSystemScheme),
            (term, SKOS.notation, literal(system.id)),
            (term, SKOS.prefLabel, literal(system.name)),
            *((term, SKOS.altLabel, literal(variant)) for variant in system.variants),
            (term, DG.systemKind, iri(SYSTEM_KIND + system.kind)),
        ]
        if system.vendor:
            triples.append((term, DG.vendor, literal(system.vendor)))
        table[term] = (*triples, *kinds[system.kind])
    return table


@cache
def _shared_table() -> dict[Term, tuple[Triple, ...]]:
    return {**_codelists()[0], **_known_system_table()}


def subject_labels(concept_id: str) -> dict[str, str]:
    """Labels of a YSO concept known to dcatgen's table (empty when unknown)."""
    return _codelists()[1].get(YSO[concept_id], {})


def codelist_labels(value: Term) -> dict[str, str]:
    """Labels of any code-list value in dcatgen's table, by language (empty when unknown)."""
    return _codelists()[1].get(value, {})


# --- tables -----------------------------------------------------------------------------


def _mailto(subject: Term, predicate: Term, value: str, _: Context, out: list[Triple]) -> None:
    out.append((subject, predicate, iri(f"mailto:{value}")))


def _tel(subject: Term, predicate: Term, value: str, _: Context, out: list[Triple]) -> None:
    out.append((subject, predicate, iri("tel:" + re.sub(r"[^\d+]", "", value))))


CONTACT_ROWS = (
    Row("name", VCARD.fn, text),
    Row("email", VCARD.hasEmail, _mailto),
    Row("telephone", VCARD.hasTelephone, _tel),
    Row("url", VCARD.hasURL, link),
    Row("address", VCARD["street-address"], tagged),
)
AUTHORITY_CONTACT_ROWS = (
    Row("email", FOAF.mbox, _mailto),
    Row("telephone", FOAF.phone, _tel),
    Row("url", FOAF.homepage, link),
)


def _authority(
    subject: Term, predicate: Term, inherited: OwnedValue, c: Context, out: list[Triple]
) -> None:
    """The disclosure authority, a node of whichever record states it."""
    authority: Authority = inherited.value
    target = Iris.part(inherited.owner, "disclosure-authority")
    out.append((subject, predicate, target))
    out.append((target, RDF_TYPE, FOAF.Agent))
    out.append((target, DCT.type, c.publisher_type))
    text(target, FOAF.name, authority.name, c, out)
    if authority.contact is not None:
        apply(AUTHORITY_CONTACT_ROWS, target, authority.contact, c, out)


def _contact(
    subject: Term, predicate: Term, inherited: OwnedValue, c: Context, out: list[Triple]
) -> None:
    """A vCard contact point, a node of whichever record states it."""
    contact: Contact = inherited.value
    target = Iris.part(inherited.owner, "contact-point")
    out.append((subject, predicate, target))
    out.append((target, RDF_TYPE, VCARD.Organization))
    out.append((target, RDF_TYPE, VCARD.Kind))
    apply(CONTACT_ROWS, target, contact, c, out)


DATA_GROUP_ROWS = (
    Row("name", DCT.title, text),
    Row("description", DCT.description, text),
)


def _system(subject: Term, predicate: Term, value: System, c: Context, out: list[Triple]) -> None:
    target = c.iris.system(value.id or value.name)
    out.append((subject, predicate, target))
    out.append((target, RDF_TYPE, DG.InformationSystem))
    apply(SYSTEM_ROWS, target, value, c, out)
    if value.exact_match is not None:
        out.append((target, SKOS.exactMatch, known_system_iri(value.exact_match)))
    for part in value.parts:
        part_iri = c.iris.system(part)
        out.append((target, DCT.hasPart, part_iri))
        out.append((part_iri, RDF_TYPE, DG.InformationSystem))
        out.append((part_iri, DCT.title, literal(part)))
        out.append((part_iri, DCT.isPartOf, target))


def _national(subject: Term, predicate: Term, value: bool, c: Context, out: list[Triple]) -> None:
    if value:
        boolean(subject, predicate, value, c, out)


SYSTEM_ROWS = (
    Row("name", DCT.title, plain),
    Row("description", DCT.description, text),
    Row("wording", DG.originalWording, tagged),
    Row("national", DG.nationalSystem, _national),
)

LINK_ROWS = (Row("title", DCT.title, text),)


def _link(subject: Term, predicate: Term, value: Link, c: Context, out: list[Triple]) -> None:
    target = iri(str(value.url))
    out.append((subject, FOAF.page, target))
    if value.kind is LinkKind.PRIVACY_NOTICE:
        out.append((subject, DG.privacyNotice, target))
    out.append((target, RDF_TYPE, FOAF.Document))
    apply(LINK_ROWS, target, value, c, out)


def _media_type(subject: Term, predicate: Term, value: str, _: Context, out: list[Triple]) -> None:
    target = iri(f"http://www.iana.org/assignments/media-types/{value}")
    out.append((subject, predicate, target))
    out.append((target, RDF_TYPE, DCT.MediaType))


def _license(subject: Term, predicate: Term, value: object, _: Context, out: list[Triple]) -> None:
    target = iri(str(value))
    out.append((subject, predicate, target))
    out.append((target, RDF_TYPE, DCT.LicenseDocument))


DISTRIBUTION_ROWS = (
    Row("access_url", DCAT.accessURL, link),
    Row("title", DCT.title, text),
    Row("media_type", DCAT.mediaType, _media_type),
    Row("license", DCT.license, _license),
)

CROSS_REFERENCE_ROWS = (
    Row("topic", DCT.title, text),
    Row("statement", DG.originalWording, text),
    Row("target_unit", DG.targetUnitName, tagged),
    Row("target_register", DG.targetRegisterName, tagged),
    Row("target", DG.referenceTarget, link),
)

SEARCH_CRITERIA_ROWS = (
    Row("concepts", DG.searchCriterion, many(concept(SEARCH_CRITERIA))),
    Row("statement", DG.searchCriteriaStatement, text),
)
API_ROWS = (
    Row("availability", DG.openInterfaceAvailability, concept(AVAILABILITY)),
    Row("statement", DG.availabilityStatement, text),
)


def flatten(rows: tuple[Row, ...]) -> Emit:
    """A nested record whose fields belong to the subject itself (no node of its own)."""

    def emit(subject: Term, _: Term, value: Any, context: Context, out: list[Triple]) -> None:
        apply(rows, subject, value, context, out)

    return emit


def _secrecy_ground(
    subject: Term, predicate: Term, value: str, c: Context, out: list[Triple]
) -> None:
    out.append((subject, predicate, literal(value, c.language)))


SECRECY_ROWS = (
    Row("statement", DG.secrecyStatement, text),
    Row("grounds", DG.secrecyGround, many(_secrecy_ground)),
)


def _subject(subject: Term, predicate: Term, value: str, c: Context, out: list[Triple]) -> None:
    target = YSO[value]
    out.append((subject, predicate, target))
    label = subject_labels(value).get(c.language)
    if label:
        # Portals show keywords, not subjects: the subject's label is a keyword too.
        out.append((subject, DCAT.keyword, literal(label, c.language)))


REGISTER_ROWS = (
    Row("title", DCT.title, text),
    Row("description", DCT.description, text),
    Row("purpose", DG.purpose, text),
    Row("keywords", DCAT.keyword, many(tagged)),
    Row("themes", DCAT.theme, many(concept(lambda code: DATA_THEME[code]))),
    Row("suggested_themes", DCAT.theme, many(concept(lambda code: DATA_THEME[code]))),
    Row("subjects", DCT.subject, many(_subject)),
    Row("suggested_subjects", DCT.subject, many(_subject)),
    Row("data_groups", DG.dataGroup, numbered("data-group", DATA_GROUP_ROWS, DG.DataGroup, True)),
    Row("systems", DG.informationSystem, many(_system)),
    Row("search_criteria", DG.searchCriterion, flatten(SEARCH_CRITERIA_ROWS)),
    Row("api", DG.openInterfaceAvailability, flatten(API_ROWS)),
    Row("disclosure_authority", DG.disclosureAuthority, _authority),
    Row("contact_point", DCAT.contactPoint, _contact),
    Row("access_rights", DCT.accessRights, concept(ACCESS_RIGHTS)),
    Row("personal_data", DG.containsPersonalData, boolean),
    Row("secrecy", DG.secrecyStatement, flatten(SECRECY_ROWS)),
    Row("retention", DG.retention, text),
    Row("task_class", DG.taskClass, plain),
    Row("links", FOAF.page, many(_link)),
    Row(
        "distributions",
        DCAT.distribution,
        numbered("distribution", DISTRIBUTION_ROWS, DCAT.Distribution),
    ),
)
"""Register fields → dataset triples.  `validate` reads this table backwards to name
the YAML field behind a finding's predicate."""

UNIT_ROWS = (
    Row("name", SKOS.prefLabel, text),
    Row("heading", DG.originalWording, text),
    Row("purpose", DG.purpose, text),
    Row("api", DG.openInterfaceAvailability, flatten(API_ROWS)),
    Row(
        "cross_references",
        DG.crossReference,
        numbered("cross-reference", CROSS_REFERENCE_ROWS, DG.CrossReference),
    ),
)

ORGANISATION_ROWS = (
    Row("name", FOAF.name, text),
    Row("homepage", FOAF.homepage, link),
    Row("business_id", DCT.identifier, plain),
    Row("kind", DCT.type, concept(PUBLISHER_TYPES)),
)

FIELD_OF_PREDICATE: dict[Term, str] = {}
"""Predicate → register field (first row wins), for pointing findings at the YAML."""
for _row in REGISTER_ROWS:
    FIELD_OF_PREDICATE.setdefault(_row.predicate, _row.field)
for _rows, _field in (
    (SEARCH_CRITERIA_ROWS, "search_criteria"),
    (API_ROWS, "api"),
    (SECRECY_ROWS, "secrecy"),
):
    for _row in _rows:
        FIELD_OF_PREDICATE.setdefault(_row.predicate, _field)


# --- inheritance ------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRegister:
    """A register with what it inherits from its unit and organisation filled in."""

    register: Register
    unit: Unit
    organisation: Organisation
    iris: Iris
    language: str = "fi"
    """The description's own language (where the summary takes words it lacks in another)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.register, name)

    @property
    def purpose(self) -> dict[str, str] | None:
        """The register's purpose, else its unit's."""
        return self.register.purpose or self.unit.purpose

    @property
    def description(self) -> dict[str, str] | None:
        """The description (else the purpose), then the §28 summary that portals show."""
        texts = register_description(self.register, self.unit, self.organisation, self.language)
        return texts or None

    @property
    def api(self) -> ApiStatement | None:
        """The API statement of the register, its unit or its organisation."""
        return self.register.api or self.unit.api or self.organisation.api

    def _inherited(self, field: str) -> OwnedValue | None:
        for owner, record in (
            (self.iris.register(self.register.id), self.register),
            (self.iris.unit(self.unit.id), self.unit),
            (self.iris.organisation, self.organisation),
        ):
            value = getattr(record, field)
            if value is not None:
                return OwnedValue(owner, value)
        return None

    @property
    def disclosure_authority(self) -> OwnedValue | None:
        """The disclosure authority (§28 item 2), inherited downwards."""
        return self._inherited("disclosure_authority")

    @property
    def contact_point(self) -> OwnedValue | None:
        """The contact point, else the disclosure authority's contact details."""
        explicit = self._inherited("contact_point")
        if explicit is not None:
            return explicit
        authority = self.disclosure_authority
        if authority is None or authority.value.contact is None:
            return None
        return OwnedValue(authority.owner, authority.value.contact)

    @property
    def access_rights(self) -> AccessRights | None:
        """Access rights of the register or its unit."""
        return self.register.access_rights or self.unit.access_rights


# --- the mapping ------------------------------------------------------------------------


def _context(organisation: Organisation, language: str) -> Context:
    return Context(Iris(str(organisation.base_iri)), language, PUBLISHER_TYPES[organisation.kind])


def _texts(register: Register) -> set[str]:
    languages: set[str] = set()
    for value in (register.title, register.description, register.purpose):
        if value:
            languages.update(value)
    return languages


def register_triples(
    register: Register, unit: Unit, organisation: Organisation, language: str
) -> list[Triple]:
    """Every triple of one register's dataset: a pure function of the register and its context.

    Includes the facts about the code-list values it uses (see `with_codelists`).
    """
    return with_codelists(_register_triples(register, unit, organisation, language))


def with_codelists(triples: list[Triple]) -> list[Triple]:
    """Append, once each, the facts about every code-list value the triples refer to.

    Values are collected afterwards rather than emitted with each use: a catalog refers to
    the same dozen values thousands of times.
    """
    table = _shared_table()
    used = {obj for _, _, obj in triples if obj in table}
    for value in sorted(used):
        triples.extend(table[value])
    return triples


def _register_triples(
    register: Register, unit: Unit, organisation: Organisation, language: str
) -> list[Triple]:
    context = _context(organisation, language)
    iris = context.iris
    dataset = iris.register(register.id)
    triples: list[Triple] = [
        (iris.catalog, DCAT.dataset, dataset),
        (dataset, RDF_TYPE, DCAT.Dataset),
        (dataset, RDF_TYPE, REGISTER_CLASSES[register.kind]),
        (dataset, DCT.identifier, literal(iri_value(dataset))),
        (dataset, DCT.publisher, iris.organisation),
        (dataset, DG.responsibleUnit, iris.unit(unit.id)),
        (dataset, DCATAP.applicableLegislation, INFORMATION_MANAGEMENT_ACT),
    ]
    for code in sorted(_texts(register) | {language}):
        triples.append((dataset, DCT.language, LANGUAGE_CODES[code]))
    if organisation.municipality_code:
        triples.append((dataset, DCT.spatial, MUNICIPALITY[organisation.municipality_code]))
    if register.part_of:
        parent = iris.register(register.part_of)
        triples += [(dataset, DCT.isPartOf, parent), (parent, DCT.hasPart, dataset)]
    if register.secrecy is not None and register.secrecy.grounds:
        triples.append((dataset, DCATAP.applicableLegislation, OPENNESS_ACT))
    effective = EffectiveRegister(register, unit, organisation, iris, language)
    apply(REGISTER_ROWS, dataset, effective, context, triples)
    return triples


def organisation_triples(description: Description) -> list[Triple]:
    """The catalog, its publisher and the units: everything not owned by one register."""
    organisation = description.organisation
    context = _context(organisation, description.language)
    iris = context.iris
    catalog, publisher = iris.catalog, iris.organisation
    name = organisation.name
    triples: list[Triple] = [
        (catalog, RDF_TYPE, DCAT.Catalog),
        (catalog, DCT.publisher, publisher),
        (catalog, DCT.identifier, literal(iri_value(catalog))),
        (catalog, DCAT.themeTaxonomy, DATA_THEME_SCHEME),
        (catalog, DCATAP.applicableLegislation, INFORMATION_MANAGEMENT_ACT),
        (publisher, RDF_TYPE, FOAF.Agent),
        (publisher, RDF_TYPE, ORG.Organization),
        (publisher, RDF_TYPE, CV.PublicOrganisation),
    ]
    # A name given only in another language than the file's (sv only in a Finnish file) is
    # still the name: fall back to whatever language it has.
    fallback = name.get(description.language) or next(iter(name.values()))
    for language, template in CATALOG_TITLE.items():
        label = name.get(language) or fallback
        triples.append((catalog, DCT.title, literal(template.format(name=label), language)))
    for language, template in CATALOG_DESCRIPTION.items():
        label = name.get(language) or fallback
        triples.append((catalog, DCT.description, literal(template.format(name=label), language)))
    languages = {description.language} | {
        code for _, register in description.registers() for code in _texts(register)
    }
    for code in sorted(languages):
        triples.append((catalog, DCT.language, LANGUAGE_CODES[code]))
    if organisation.homepage:
        homepage = iri(str(organisation.homepage))
        triples += [(catalog, FOAF.homepage, homepage), (homepage, RDF_TYPE, FOAF.Document)]
    if organisation.municipality_code:
        place = MUNICIPALITY[organisation.municipality_code]
        triples += [
            (catalog, DCT.spatial, place),
            (publisher, DCT.spatial, place),
            (place, RDF_TYPE, DCT.Location),
            (place, SKOS.notation, literal(organisation.municipality_code)),
        ]
    apply(ORGANISATION_ROWS, publisher, organisation, context, triples)
    if organisation.disclosure_authority is not None:
        authority = OwnedValue(publisher, organisation.disclosure_authority)
        _authority(publisher, DG.disclosureAuthority, authority, context, triples)
    if organisation.contact_point is not None:
        contact = OwnedValue(publisher, organisation.contact_point)
        _contact(catalog, DCAT.contactPoint, contact, context, triples)
    for unit in description.units:
        unit_iri = iris.unit(unit.id)
        triples += [
            (unit_iri, RDF_TYPE, ORG.OrganizationalUnit),
            (unit_iri, ORG.unitOf, publisher),
            (publisher, ORG.hasUnit, unit_iri),
        ]
        apply(UNIT_ROWS, unit_iri, unit, context, triples)
        if unit.disclosure_authority is not None:
            authority = OwnedValue(unit_iri, unit.disclosure_authority)
            _authority(unit_iri, DG.disclosureAuthority, authority, context, triples)
    return triples


def description_triples(description: Description) -> list[Triple]:
    """Every triple of one organisation's catalog (duplicates possible across registers)."""
    triples = organisation_triples(description)
    for unit, register in description.registers():
        triples.extend(
            _register_triples(register, unit, description.organisation, description.language)
        )
    return with_codelists(triples)


def to_graph(triples: Iterable[Triple]) -> Graph:
    """An rdflib graph of triples (for pyshacl and tests; slow at national scale)."""
    graph = Graph()
    graph.parse(data=ntriples(list(triples)), format="nt")
    return graph


__all__ = [
    "FIELD_OF_PREDICATE",
    "REGISTER_ROWS",
    "EffectiveRegister",
    "Iris",
    "Row",
    "Triple",
    "description_triples",
    "organisation_triples",
    "register_triples",
    "slug",
    "to_graph",
]
