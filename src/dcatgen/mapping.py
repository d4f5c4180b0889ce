"""Map: model → RDF triples (DCAT-AP 3 plus our vocabulary), as tables of rows.

Each model record type has one table: rows of (field, predicate, value kind).  One
generic writer applies a table to a record.  `register_triples` is a pure function of
one register and its context, so callers may stream, partition or parallelise it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from dcatgen.model import (
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
)
from dcatgen.namespaces import (
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
    RDF,
    SKOS,
    VCARD,
    XSD,
    YSO,
)

Object = URIRef | Literal
Triple = tuple[URIRef, URIRef, Object]

INFORMATION_MANAGEMENT_ACT = URIRef("http://data.finlex.fi/eli/sd/2019/906/alkup")
OPENNESS_ACT = URIRef("http://data.finlex.fi/eli/sd/1999/621/alkup")
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
    def catalog(self) -> URIRef:
        """The organisation's catalog."""
        return URIRef(self.base + "catalog")

    @property
    def organisation(self) -> URIRef:
        """The organisation as publisher."""
        return URIRef(self.base + "organisation")

    def unit(self, unit_id: str) -> URIRef:
        """An organisational unit."""
        return URIRef(f"{self.base}unit/{unit_id}")

    def register(self, register_id: str) -> URIRef:
        """A register (dataset)."""
        return URIRef(f"{self.base}register/{register_id}")

    def system(self, name_or_id: str) -> URIRef:
        """An information system, shared by every register that names it."""
        return URIRef(f"{self.base}system/{slug(name_or_id)}")

    @staticmethod
    def part(owner: URIRef, name: str, index: int | None = None) -> URIRef:
        """A node described only as part of another: a data group, a contact, a link."""
        return URIRef(f"{owner}#{name}" if index is None else f"{owner}#{name}-{index}")


# --- value kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a row writer may need besides the value: IRIs, language, publisher type."""

    iris: Iris
    language: str
    publisher_type: URIRef


@dataclass(frozen=True)
class Inherited:
    """A value stated on a register, its unit or its organisation, with that owner's IRI."""

    owner: URIRef
    value: Any


Emit = Callable[[URIRef, URIRef, Any, Context], Iterator[Triple]]


def text(subject: URIRef, predicate: URIRef, value: dict[str, str], _: Context) -> Iterator[Triple]:
    """Language-tagged literals, one per language."""
    for language, words in value.items():
        yield subject, predicate, Literal(words, lang=language)


def plain(subject: URIRef, predicate: URIRef, value: str, _: Context) -> Iterator[Triple]:
    """A plain string literal (names of products, codes)."""
    yield subject, predicate, Literal(value)


def tagged(subject: URIRef, predicate: URIRef, value: str, context: Context) -> Iterator[Triple]:
    """A literal in the description's language."""
    yield subject, predicate, Literal(value, lang=context.language)


def boolean(subject: URIRef, predicate: URIRef, value: bool, _: Context) -> Iterator[Triple]:
    """An xsd:boolean literal."""
    yield subject, predicate, Literal(value, datatype=XSD.boolean)


def iri(subject: URIRef, predicate: URIRef, value: object, _: Context) -> Iterator[Triple]:
    """A link to an IRI given in the description."""
    yield subject, predicate, URIRef(str(value))


def concept(table: dict[Any, URIRef] | Callable[[Any], URIRef]) -> Emit:
    """A code-list value looked up in a table, with the code list's own triples."""

    def emit(subject: URIRef, predicate: URIRef, value: Any, _: Context) -> Iterator[Triple]:
        target = table(value) if callable(table) else table[value]
        yield subject, predicate, target
        yield from codelist_triples(target)

    return emit


def many(emit: Emit) -> Emit:
    """Apply a kind to each item of a tuple."""

    def emit_each(
        subject: URIRef, predicate: URIRef, values: Iterable[Any], context: Context
    ) -> Iterator[Triple]:
        for value in values:
            yield from emit(subject, predicate, value, context)

    return emit_each


def numbered(name: str, rows: tuple[Row, ...], kind: URIRef, position: bool = False) -> Emit:
    """A list of nested records, each a hash node `#name-N` of the subject."""

    def emit(
        subject: URIRef, predicate: URIRef, values: Iterable[Any], context: Context
    ) -> Iterator[Triple]:
        for index, value in enumerate(values, start=1):
            target = Iris.part(subject, name, index)
            yield subject, predicate, target
            yield target, RDF.type, kind
            if position:
                yield target, DG.position, Literal(index, datatype=XSD.integer)
            yield from apply(rows, target, value, context)

    return emit


@dataclass(frozen=True)
class Row:
    """One line of a mapping table: a model field, the predicate it maps to, how."""

    field: str
    predicate: URIRef
    emit: Emit


def apply(rows: Iterable[Row], subject: URIRef, record: Any, context: Context) -> Iterator[Triple]:
    """The generic writer: every row whose field is set gives its triples."""
    for row in rows:
        value = getattr(record, row.field)
        if value is None or value == ():
            continue
        yield from row.emit(subject, row.predicate, value, context)


@cache
def _codelists() -> dict[URIRef, tuple[Triple, ...]]:
    graph = Graph()
    source = resources.files("dcatgen").joinpath("resources/codelists.ttl")
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    table: dict[URIRef, list[Triple]] = {}
    for subject, predicate, obj in graph:
        assert isinstance(subject, URIRef) and isinstance(predicate, URIRef)
        assert isinstance(obj, URIRef | Literal)
        table.setdefault(subject, []).append((subject, predicate, obj))
    scheme_of = {
        s: o
        for s, p, o in graph
        if p == SKOS.inScheme and isinstance(s, URIRef) and isinstance(o, URIRef)
    }
    for value, scheme in scheme_of.items():
        # A used value brings its scheme's description (DCAT-AP checks schemes too).
        table[value].extend(table.get(scheme, ()))
    return {subject: tuple(triples) for subject, triples in table.items()}


def codelist_triples(value: URIRef) -> tuple[Triple, ...]:
    """The facts about a code-list value that travel with it (type, scheme, labels)."""
    return _codelists().get(value, ())


def subject_labels(concept_id: str) -> dict[str, str]:
    """Labels of a YSO concept known to dcatgen's table (empty when unknown)."""
    return {
        obj.language: str(obj)
        for _, predicate, obj in codelist_triples(YSO[concept_id])
        if predicate == SKOS.prefLabel and isinstance(obj, Literal) and obj.language
    }


# --- tables -----------------------------------------------------------------------------


def _mailto(subject: URIRef, predicate: URIRef, value: str, _: Context) -> Iterator[Triple]:
    yield subject, predicate, URIRef(f"mailto:{value}")


def _tel(subject: URIRef, predicate: URIRef, value: str, _: Context) -> Iterator[Triple]:
    yield subject, predicate, URIRef("tel:" + re.sub(r"[^\d+]", "", value))


CONTACT_ROWS = (
    Row("name", VCARD.fn, text),
    Row("email", VCARD.hasEmail, _mailto),
    Row("telephone", VCARD.hasTelephone, _tel),
    Row("url", VCARD.hasURL, iri),
    Row("address", VCARD["street-address"], tagged),
)
AUTHORITY_CONTACT_ROWS = (
    Row("email", FOAF.mbox, _mailto),
    Row("telephone", FOAF.phone, _tel),
    Row("url", FOAF.homepage, iri),
)


def _authority(
    subject: URIRef, predicate: URIRef, inherited: Inherited, c: Context
) -> Iterator[Triple]:
    """The disclosure authority, a node of whichever record states it."""
    authority: Authority = inherited.value
    target = Iris.part(inherited.owner, "disclosure-authority")
    yield subject, predicate, target
    yield target, RDF.type, FOAF.Agent
    yield target, DCT.type, c.publisher_type
    yield from codelist_triples(c.publisher_type)
    yield from text(target, FOAF.name, authority.name, c)
    if authority.contact is not None:
        yield from apply(AUTHORITY_CONTACT_ROWS, target, authority.contact, c)


def _contact(
    subject: URIRef, predicate: URIRef, inherited: Inherited, c: Context
) -> Iterator[Triple]:
    """A vCard contact point, a node of whichever record states it."""
    contact: Contact = inherited.value
    target = Iris.part(inherited.owner, "contact-point")
    yield subject, predicate, target
    yield target, RDF.type, VCARD.Organization
    yield target, RDF.type, VCARD.Kind
    yield from apply(CONTACT_ROWS, target, contact, c)


DATA_GROUP_ROWS = (
    Row("name", DCT.title, text),
    Row("description", DCT.description, text),
)


def _system(subject: URIRef, predicate: URIRef, value: System, c: Context) -> Iterator[Triple]:
    target = c.iris.system(value.id or value.name)
    yield subject, predicate, target
    yield target, RDF.type, DG.InformationSystem
    yield from apply(SYSTEM_ROWS, target, value, c)
    for part in value.parts:
        part_iri = c.iris.system(part)
        yield target, DCT.hasPart, part_iri
        yield part_iri, RDF.type, DG.InformationSystem
        yield part_iri, DCT.title, Literal(part)
        yield part_iri, DCT.isPartOf, target


def _national(subject: URIRef, predicate: URIRef, value: bool, c: Context) -> Iterator[Triple]:
    if value:
        yield from boolean(subject, predicate, value, c)


SYSTEM_ROWS = (
    Row("name", DCT.title, plain),
    Row("description", DCT.description, text),
    Row("wording", DG.originalWording, tagged),
    Row("national", DG.nationalSystem, _national),
)

LINK_ROWS = (Row("title", DCT.title, text),)


def _link(subject: URIRef, predicate: URIRef, value: Link, c: Context) -> Iterator[Triple]:
    target = URIRef(str(value.url))
    yield subject, FOAF.page, target
    if value.kind is LinkKind.PRIVACY_NOTICE:
        yield subject, DG.privacyNotice, target
    yield target, RDF.type, FOAF.Document
    yield from apply(LINK_ROWS, target, value, c)


def _media_type(subject: URIRef, predicate: URIRef, value: str, _: Context) -> Iterator[Triple]:
    target = URIRef(f"http://www.iana.org/assignments/media-types/{value}")
    yield subject, predicate, target
    yield target, RDF.type, DCT.MediaType


def _license(subject: URIRef, predicate: URIRef, value: object, _: Context) -> Iterator[Triple]:
    target = URIRef(str(value))
    yield subject, predicate, target
    yield target, RDF.type, DCT.LicenseDocument


DISTRIBUTION_ROWS = (
    Row("access_url", DCAT.accessURL, iri),
    Row("title", DCT.title, text),
    Row("media_type", DCAT.mediaType, _media_type),
    Row("license", DCT.license, _license),
)

CROSS_REFERENCE_ROWS = (
    Row("topic", DCT.title, text),
    Row("statement", DG.originalWording, text),
    Row("target_unit", DG.targetUnitName, tagged),
    Row("target_register", DG.targetRegisterName, tagged),
    Row("target", DG.referenceTarget, iri),
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

    def emit(subject: URIRef, _: URIRef, value: Any, context: Context) -> Iterator[Triple]:
        yield from apply(rows, subject, value, context)

    return emit


def _secrecy_ground(subject: URIRef, predicate: URIRef, value: str, c: Context) -> Iterator[Triple]:
    yield subject, predicate, Literal(value, lang=c.language)


SECRECY_ROWS = (
    Row("statement", DG.secrecyStatement, text),
    Row("grounds", DG.secrecyGround, many(_secrecy_ground)),
)


def _subject(subject: URIRef, predicate: URIRef, value: str, c: Context) -> Iterator[Triple]:
    target = YSO[value]
    yield subject, predicate, target
    yield from codelist_triples(target)
    label = subject_labels(value).get(c.language)
    if label:
        # Portals show keywords, not subjects: the subject's label is a keyword too.
        yield subject, DCAT.keyword, Literal(label, lang=c.language)


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
    Row("homepage", FOAF.homepage, iri),
    Row("business_id", DCT.identifier, plain),
    Row("kind", DCT.type, concept(PUBLISHER_TYPES)),
)

FIELD_OF_PREDICATE: dict[URIRef, str] = {}
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

    def __getattr__(self, name: str) -> Any:
        return getattr(self.register, name)

    @property
    def purpose(self) -> dict[str, str] | None:
        """The register's purpose, else its unit's."""
        return self.register.purpose or self.unit.purpose

    @property
    def description(self) -> dict[str, str] | None:
        """The description, else the purpose (DCAT-AP requires a description)."""
        return self.register.description or self.purpose

    @property
    def api(self) -> ApiStatement | None:
        """The API statement of the register, its unit or its organisation."""
        return self.register.api or self.unit.api or self.organisation.api

    def _inherited(self, field: str) -> Inherited | None:
        for owner, record in (
            (self.iris.register(self.register.id), self.register),
            (self.iris.unit(self.unit.id), self.unit),
            (self.iris.organisation, self.organisation),
        ):
            value = getattr(record, field)
            if value is not None:
                return Inherited(owner, value)
        return None

    @property
    def disclosure_authority(self) -> Inherited | None:
        """The disclosure authority (§28 item 2), inherited downwards."""
        return self._inherited("disclosure_authority")

    @property
    def contact_point(self) -> Inherited | None:
        """The contact point, else the disclosure authority's contact details."""
        explicit = self._inherited("contact_point")
        if explicit is not None:
            return explicit
        authority = self.disclosure_authority
        if authority is None or authority.value.contact is None:
            return None
        return Inherited(authority.owner, authority.value.contact)

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
    """Every triple of one register's dataset: a pure function of the register and its context."""
    context = _context(organisation, language)
    iris = context.iris
    dataset = iris.register(register.id)
    triples: list[Triple] = [
        (iris.catalog, DCAT.dataset, dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, RDF.type, REGISTER_CLASSES[register.kind]),
        (dataset, DCT.identifier, Literal(str(dataset))),
        (dataset, DCT.publisher, iris.organisation),
        (dataset, DG.responsibleUnit, iris.unit(unit.id)),
        (dataset, DCATAP.applicableLegislation, INFORMATION_MANAGEMENT_ACT),
        *codelist_triples(INFORMATION_MANAGEMENT_ACT),
    ]
    for code in sorted(_texts(register) | {language}):
        triples.append((dataset, DCT.language, LANGUAGE_CODES[code]))
        triples.extend(codelist_triples(LANGUAGE_CODES[code]))
    if organisation.municipality_code:
        triples.append((dataset, DCT.spatial, MUNICIPALITY[organisation.municipality_code]))
    if register.part_of:
        parent = iris.register(register.part_of)
        triples += [(dataset, DCT.isPartOf, parent), (parent, DCT.hasPart, dataset)]
    if register.secrecy is not None and register.secrecy.grounds:
        triples.append((dataset, DCATAP.applicableLegislation, OPENNESS_ACT))
        triples.extend(codelist_triples(OPENNESS_ACT))
    effective = EffectiveRegister(register, unit, organisation, iris)
    triples.extend(apply(REGISTER_ROWS, dataset, effective, context))
    return triples


def organisation_triples(description: Description) -> list[Triple]:
    """The catalog, its publisher and the units: everything not owned by one register."""
    organisation = description.organisation
    context = _context(organisation, description.language)
    iris = context.iris
    catalog, publisher = iris.catalog, iris.organisation
    name = organisation.name
    triples: list[Triple] = [
        (catalog, RDF.type, DCAT.Catalog),
        (catalog, DCT.publisher, publisher),
        (catalog, DCT.identifier, Literal(str(catalog))),
        (catalog, DCAT.themeTaxonomy, URIRef(str(DATA_THEME).rstrip("/"))),
        *codelist_triples(URIRef(str(DATA_THEME).rstrip("/"))),
        (catalog, DCATAP.applicableLegislation, INFORMATION_MANAGEMENT_ACT),
        *codelist_triples(INFORMATION_MANAGEMENT_ACT),
        (publisher, RDF.type, FOAF.Agent),
        (publisher, RDF.type, ORG.Organization),
        (publisher, RDF.type, CV.PublicOrganisation),
    ]
    for language, template in CATALOG_TITLE.items():
        label = name.get(language) or name[description.language]
        triples.append((catalog, DCT.title, Literal(template.format(name=label), lang=language)))
    for language, template in CATALOG_DESCRIPTION.items():
        label = name.get(language) or name[description.language]
        triples.append(
            (catalog, DCT.description, Literal(template.format(name=label), lang=language))
        )
    languages = {description.language} | {
        code for _, register in description.registers() for code in _texts(register)
    }
    for code in sorted(languages):
        triples.append((catalog, DCT.language, LANGUAGE_CODES[code]))
        triples.extend(codelist_triples(LANGUAGE_CODES[code]))
    if organisation.homepage:
        homepage = URIRef(str(organisation.homepage))
        triples += [(catalog, FOAF.homepage, homepage), (homepage, RDF.type, FOAF.Document)]
    if organisation.municipality_code:
        place = MUNICIPALITY[organisation.municipality_code]
        triples += [
            (catalog, DCT.spatial, place),
            (publisher, DCT.spatial, place),
            (place, RDF.type, DCT.Location),
            (place, SKOS.notation, Literal(organisation.municipality_code)),
        ]
    triples.extend(apply(ORGANISATION_ROWS, publisher, organisation, context))
    if organisation.disclosure_authority is not None:
        authority = Inherited(publisher, organisation.disclosure_authority)
        triples.extend(_authority(publisher, DG.disclosureAuthority, authority, context))
    if organisation.contact_point is not None:
        contact = Inherited(publisher, organisation.contact_point)
        triples.extend(_contact(catalog, DCAT.contactPoint, contact, context))
    for unit in description.units:
        unit_iri = iris.unit(unit.id)
        triples += [
            (unit_iri, RDF.type, ORG.OrganizationalUnit),
            (unit_iri, ORG.unitOf, publisher),
            (publisher, ORG.hasUnit, unit_iri),
        ]
        triples.extend(apply(UNIT_ROWS, unit_iri, unit, context))
        if unit.disclosure_authority is not None:
            authority = Inherited(unit_iri, unit.disclosure_authority)
            triples.extend(_authority(unit_iri, DG.disclosureAuthority, authority, context))
    return triples


def description_triples(description: Description) -> Iterator[Triple]:
    """Every triple of one organisation's catalog (duplicates possible across registers)."""
    yield from organisation_triples(description)
    for unit, register in description.registers():
        yield from register_triples(register, unit, description.organisation, description.language)


def to_graph(descriptions: Iterable[Description]) -> Graph:
    """An rdflib graph of the catalogs of several descriptions."""
    graph = Graph()
    for description in descriptions:
        for triple in description_triples(description):
            graph.add(triple)
    return graph


def sort_key(triple: tuple[Node, Node, Node]) -> tuple[str, bool, str, str]:
    """Canonical order: by subject, rdf:type first, then predicate and object."""
    subject, predicate, obj = triple
    return (str(subject), predicate != RDF.type, str(predicate), obj.n3())


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
    "sort_key",
    "to_graph",
]
