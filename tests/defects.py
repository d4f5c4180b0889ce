"""Deliberate defects, injected into a catalog given as N-Triples term strings.

Each defect takes the triples and a random source and returns new triples; it picks its
target at random among the nodes it applies to, and leaves the triples unchanged when
there is none.  Used by the differential tests of `dcatgen.validation.engine` against pyshacl.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Triple = tuple[str, str, str]
Defect = Callable[[list[Triple], random.Random], list[Triple]]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
DG = "https://w3id.org/dcatgen/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
TIME = "http://www.w3.org/2006/time#"
ADMS = "http://www.w3.org/ns/adms#"
OWL = "http://www.w3.org/2002/07/owl#"
SCHEMA = "http://schema.org/"
EU = "http://publications.europa.eu/resource/authority/"
EX = "https://example.org/defect/"


def iri(text: str) -> str:
    """An IRI term."""
    return f"<{text}>"


TYPE = iri(RDF + "type")


def typed(lexical: str, datatype: str) -> str:
    """A typed literal term."""
    return f'"{lexical}"^^<{datatype}>'


def of_type(triples: list[Triple], cls: str) -> list[str]:
    """Subjects typed `cls`, in order."""
    return list(dict.fromkeys(s for s, p, o in triples if p == TYPE and o == iri(cls)))


def with_predicate(triples: list[Triple], predicate: str) -> list[Triple]:
    """Triples with this predicate."""
    return [t for t in triples if t[1] == iri(predicate)]


def _pick(rng: random.Random, items: list[Triple] | list[str]) -> object | None:
    return rng.choice(items) if items else None


def drop_one(predicate: str) -> Defect:
    """Remove one random triple with this predicate."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        target = _pick(rng, with_predicate(triples, predicate))
        return [t for t in triples if t != target]

    return defect


def drop_all_of_subject(predicate: str) -> Defect:
    """Remove every triple with this predicate from one random subject that has it."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        subjects = sorted({s for s, _, _ in with_predicate(triples, predicate)})
        if not subjects:
            return triples
        subject = rng.choice(subjects)
        return [t for t in triples if not (t[0] == subject and t[1] == iri(predicate))]

    return defect


def drop_type(cls: str) -> Defect:
    """Untype one random instance of `cls`."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        subject = _pick(rng, of_type(triples, cls))
        return [t for t in triples if t != (subject, TYPE, iri(cls))]

    return defect


def _tagged(term: str) -> bool:
    return term.startswith('"') and "@" in term[term.rfind('"') :]


def replace_object(
    predicate: str,
    make: Callable[[str, random.Random], str],
    where: Callable[[str], bool] = lambda term: True,
) -> Defect:
    """Replace the object of one random triple with this predicate (and object `where`)."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        candidates = [t for t in with_predicate(triples, predicate) if where(t[2])]
        if not candidates:
            return triples
        target = rng.choice(candidates)
        return [(s, p, make(o, rng)) if (s, p, o) == target else (s, p, o) for s, p, o in triples]

    return defect


def add_to(cls: str, *extra: tuple[str, str]) -> Defect:
    """Add (predicate, object) pairs to one random instance of `cls`."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        subject = _pick(rng, of_type(triples, cls))
        if subject is None:
            return triples
        return [*triples, *((str(subject), iri(p), o) for p, o in extra)]

    return defect


def add(*new: Triple) -> Defect:
    """Add fixed triples."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        return [*triples, *new]

    return defect


def _plain(term: str, rng: random.Random) -> str:
    """A language-tagged literal without its tag; anything else as a plain literal."""
    if _tagged(term):
        return term[: term.rfind('"') + 1]
    return f'"{term.strip("<>")}"'


def _as_iri(term: str, rng: random.Random) -> str:
    return iri(EX + f"iri-{rng.randrange(1000)}")


def _as_bnode(term: str, rng: random.Random) -> str:
    return f"_:defect{rng.randrange(3)}"


def _as_langstring(term: str, rng: random.Random) -> str:
    return '"kolme"@fi'


def _uppercase_tag(term: str, rng: random.Random) -> str:
    end = term.rfind('"')
    return term[: end + 1] + term[end + 1 :].upper()


def _constant(value: str) -> Callable[[str, random.Random], str]:
    return lambda term, rng: value


def rename_node(cls: str, make: Callable[[str, random.Random], str]) -> Defect:
    """Rename one random instance of `cls` everywhere (e.g. to a blank node)."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        old = _pick(rng, of_type(triples, cls))
        if old is None:
            return triples
        new = make(str(old), rng)
        return [tuple(new if x == old else x for x in t) for t in triples]  # type: ignore[misc]

    return defect


def duplicate_with(predicate: str, value: str) -> Defect:
    """Give one random subject having `predicate` a second, different value."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        candidates = with_predicate(triples, predicate)
        if not candidates:
            return triples
        subject = rng.choice(candidates)[0]
        return [*triples, (subject, iri(predicate), value)]

    return defect


def move_to_blank_contact(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A register's contact point as a blank node typed vcard:Organization only."""
    registers = of_type(triples, DCAT + "Dataset")
    if not registers:
        return triples
    register = rng.choice(registers)
    return [
        *triples,
        (register, iri(DCAT + "contactPoint"), "_:contact"),
        ("_:contact", TYPE, iri(VCARD + "Organization")),
        ("_:contact", iri(VCARD + "fn"), '"Kirjaamo"@fi'),
    ]


def subclass_instead_of_type(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """Registers lose their dcat:Dataset type, but the data says their class is a subclass."""
    registers = of_type(triples, DCAT + "Dataset")
    if not registers:
        return triples
    register = rng.choice(registers)
    kinds = [o for s, p, o in triples if s == register and p == TYPE and o != iri(DCAT + "Dataset")]
    kept = [t for t in triples if t != (register, TYPE, iri(DCAT + "Dataset"))]
    return [*kept, *((kind, iri(RDFS + "subClassOf"), iri(DCAT + "Dataset")) for kind in kinds)]


def subclass_chain(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A data group typed by a sub-sub-class of dg:DataGroup only."""
    groups = of_type(triples, DG + "DataGroup")
    if not groups:
        return triples
    group = rng.choice(groups)
    kept = [t for t in triples if t != (group, TYPE, iri(DG + "DataGroup"))]
    return [
        *kept,
        (group, TYPE, iri(EX + "SpecialGroup")),
        (iri(EX + "SpecialGroup"), iri(RDFS + "subClassOf"), iri(EX + "Group")),
        (iri(EX + "Group"), iri(RDFS + "subClassOf"), iri(DG + "DataGroup")),
    ]


def series(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A dataset series (inverse path dcat:inSeries), with one member that is not a Dataset."""
    registers = of_type(triples, DCAT + "Dataset")
    new = [
        (iri(EX + "series"), TYPE, iri(DCAT + "DatasetSeries")),
        (iri(EX + "series"), iri(DCT + "title"), '"Sarja"@fi'),
        (iri(EX + "thing"), iri(DCAT + "inSeries"), iri(EX + "series")),
        (iri(EX + "empty-series"), TYPE, iri(DCAT + "DatasetSeries")),
    ]
    if registers:
        new.append((rng.choice(registers), iri(DCAT + "inSeries"), iri(EX + "series")))
    return [*triples, *new]


def distribution(media_type: str, extra: tuple[tuple[str, str], ...] = ()) -> Defect:
    """A distribution with this media type (IANA pattern check via sh:node)."""

    def defect(triples: list[Triple], rng: random.Random) -> list[Triple]:
        registers = of_type(triples, DCAT + "Dataset")
        if not registers:
            return triples
        dist = iri(EX + f"dist-{rng.randrange(100)}")
        return [
            *triples,
            (rng.choice(registers), iri(DCAT + "distribution"), dist),
            (dist, TYPE, iri(DCAT + "Distribution")),
            (dist, iri(DCAT + "accessURL"), iri("https://api.example.org/")),
            (dist, iri(DCAT + "mediaType"), media_type),
            *((dist, iri(p), o) for p, o in extra),
        ]

    return defect


def catalog_record(topic: str) -> Defect:
    """A catalog record whose primary topic must be a DCAT resource (sh:node with sh:or)."""
    record = iri(EX + "record")
    return add(
        (record, TYPE, iri(DCAT + "CatalogRecord")),
        (record, iri(FOAF + "primaryTopic"), topic),
        (record, iri(DCT + "modified"), typed("2024-13-01", XSD + "date")),
        (record, iri(DCT + "issued"), '"eilen"'),
    )


def checksum(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A checksum whose algorithm is outside the SPDX pattern and untyped."""
    node = iri(EX + "checksum")
    algorithm = rng.choice(
        [iri("https://spdx.org/rdf/terms#checksumAlgorithm_sha1"), iri(EX + "md5"), '"md5"']
    )
    return [
        *triples,
        (node, TYPE, iri(SPDX + "Checksum")),
        (node, iri(SPDX + "algorithm"), algorithm),
        (node, iri(SPDX + "checksumValue"), typed(rng.choice(["abcd", "zz9"]), XSD + "hexBinary")),
    ]


def period(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A period of time with mixed date literals and a deprecated property."""
    registers = of_type(triples, DCAT + "Dataset")
    node = "_:period"
    dates = [
        typed("2020", XSD + "gYear"),
        typed("2020-05", XSD + "gYearMonth"),
        typed("2020-02-30", XSD + "date"),
        typed("2020-01-01T10:00:00", XSD + "dateTime"),
        '"2020"',
    ]
    new = [
        (node, TYPE, iri(DCT + "PeriodOfTime")),
        (node, iri(DCAT + "startDate"), rng.choice(dates)),
        (node, iri(DCAT + "startDate"), rng.choice(dates)),
        (node, iri(SCHEMA + "endDate"), rng.choice(dates)),
        (node, iri(TIME + "hasBeginning"), iri(EX + "instant")),
    ]
    if registers:
        new.append((rng.choice(registers), iri(DCT + "temporal"), node))
    return [*triples, *new]


def publisher_type(value: str) -> Defect:
    """The publisher's dct:type replaced (Publisher_ShapeCV via a second sh:node)."""
    return replace_object(DCT + "type", _constant(value))


def wrong_scheme(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A code-list value said to be in another scheme."""
    candidates = with_predicate(triples, SKOS + "inScheme")
    if not candidates:
        return triples
    target = rng.choice(candidates)
    schemes = [iri(EU + name) for name in ("country", "place", "data-theme", "language")]
    other = rng.choice([scheme for scheme in schemes if scheme != target[2]])
    return [(s, p, other) if (s, p, o) == target else (s, p, o) for s, p, o in triples]


def catalog_without_datasets(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """The catalog lists no dataset (and no service): sh:or of two property shapes."""
    return [t for t in triples if t[1] != iri(DCAT + "dataset")]


def relationship(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A qualified relation to something that is not a DCAT resource, without a role."""
    registers = of_type(triples, DCAT + "Dataset")
    if not registers:
        return triples
    register = rng.choice(registers)
    return [
        *triples,
        (register, iri(DCAT + "qualifiedRelation"), "_:rel"),
        ("_:rel", TYPE, iri(DCAT + "Relationship")),
        ("_:rel", iri(DCT + "relation"), rng.choice([iri(EX + "x"), register])),
    ]


def license_document(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A licence whose type is outside the ADMS licence-type scheme."""
    node = iri(EX + "licence")
    kind = iri(EX + "licence-type")
    return [
        *triples,
        (node, TYPE, iri(DCT + "LicenseDocument")),
        (node, iri(DCT + "type"), kind),
        (node, iri(DCT + "type"), '"open"'),
        (kind, TYPE, iri(SKOS + "Concept")),
        (kind, iri(SKOS + "inScheme"), iri("http://purl.org/adms/licencetype/1.0")),
    ]


def scheme_without_title(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """A concept scheme without dct:title and a concept without a label."""
    return [
        *triples,
        (iri(EX + "scheme"), TYPE, iri(SKOS + "ConceptScheme")),
        (iri(EX + "concept"), TYPE, iri(SKOS + "Concept")),
        (iri(EX + "concept"), iri(SKOS + "inScheme"), iri(EX + "scheme")),
    ]


DEFECTS: dict[str, Defect] = {
    # mandatory and §28 triples missing
    "drop-title": drop_one(DCT + "title"),
    "drop-description": drop_all_of_subject(DCT + "description"),
    "drop-dataset-link": drop_one(DCAT + "dataset"),
    "drop-responsible-unit": drop_one(DG + "responsibleUnit"),
    "drop-systems": drop_all_of_subject(DG + "informationSystem"),
    "drop-data-groups": drop_all_of_subject(DG + "dataGroup"),
    "drop-search-criteria": drop_all_of_subject(DG + "searchCriterion"),
    "drop-search-statement": drop_all_of_subject(DG + "searchCriteriaStatement"),
    "drop-availability": drop_all_of_subject(DG + "openInterfaceAvailability"),
    "drop-purpose": drop_all_of_subject(DG + "purpose"),
    "drop-publisher": drop_one(DCT + "publisher"),
    "drop-pref-label": drop_all_of_subject(SKOS + "prefLabel"),
    "drop-in-scheme": drop_one(SKOS + "inScheme"),
    "drop-unit-of": drop_one(ORG + "unitOf"),
    "drop-theme-taxonomy": drop_one(DCAT + "themeTaxonomy"),
    "drop-foaf-name": drop_one(FOAF + "name"),
    "catalog-without-datasets": catalog_without_datasets,
    # types missing (sh:class, targets)
    "untype-data-group": drop_type(DG + "DataGroup"),
    "untype-system": drop_type(DG + "InformationSystem"),
    "untype-dataset": drop_type(DCAT + "Dataset"),
    "untype-agent": drop_type(FOAF + "Agent"),
    "untype-unit": drop_type(ORG + "OrganizationalUnit"),
    "untype-language": drop_type(DCT + "LinguisticSystem"),
    "untype-concept": drop_type(SKOS + "Concept"),
    "untype-location": drop_type(DCT + "Location"),
    "untype-contact": drop_type(VCARD + "Kind"),
    "untype-distribution": drop_type(DCAT + "Distribution"),
    "untype-media-type": drop_type(DCT + "MediaType"),
    "untype-licence": drop_type(DCT + "LicenseDocument"),
    "untype-rights": drop_type(DCT + "RightsStatement"),
    "untype-legal-resource": drop_type("http://data.europa.eu/eli/ontology#LegalResource"),
    "untype-cross-reference": drop_type(DG + "CrossReference"),
    "subclass-instead-of-type": subclass_instead_of_type,
    "subclass-chain": subclass_chain,
    # datatypes
    "plain-data-group-title": replace_object(DCT + "title", _plain, _tagged),
    "plain-purpose": replace_object(DG + "purpose", _plain, _tagged),
    "plain-statement": replace_object(DG + "searchCriteriaStatement", _plain, _tagged),
    "plain-availability-statement": replace_object(DG + "availabilityStatement", _plain, _tagged),
    "uppercase-language-tag": replace_object(DCT + "title", _uppercase_tag, _tagged),
    "position-abc": replace_object(DG + "position", _constant(typed("abc", XSD + "integer"))),
    "position-negative": replace_object(DG + "position", _constant(typed("-3", XSD + "integer"))),
    "position-zero": replace_object(DG + "position", _constant(typed("0", XSD + "integer"))),
    "position-leading-zero": replace_object(
        DG + "position", _constant(typed("07", XSD + "integer"))
    ),
    "position-decimal": replace_object(DG + "position", _constant(typed("2.5", XSD + "decimal"))),
    "position-string": replace_object(DG + "position", _constant('"2"')),
    "position-langstring": replace_object(DG + "position", _as_langstring),
    "position-iri": replace_object(DG + "position", _as_iri),
    "boolean-x": replace_object(
        DG + "containsPersonalData", _constant(typed("x", XSD + "boolean"))
    ),
    "boolean-1": replace_object(
        DG + "containsPersonalData", _constant(typed("1", XSD + "boolean"))
    ),
    "boolean-plain": replace_object(DG + "nationalSystem", _constant('"true"')),
    "task-class-typed": replace_object(DG + "taskClass", _constant(typed("7", XSD + "integer"))),
    "task-class-xsd-string": replace_object(
        DG + "taskClass", _constant(typed("00.01", XSD + "string"))
    ),
    # node kinds: literal for IRI and vice versa, blank nodes
    "language-literal": replace_object(DCT + "language", _constant('"fi"')),
    "theme-literal": replace_object(DCAT + "theme", _constant('"EDUC"')),
    "unit-literal": replace_object(DG + "responsibleUnit", _constant('"Hallinto"@fi')),
    "publisher-literal": replace_object(DCT + "publisher", _constant('"Kunta"')),
    "data-group-literal": replace_object(DG + "dataGroup", _constant('"Ryhmä"@fi')),
    "title-iri": replace_object(DCT + "title", _as_iri),
    "description-iri": replace_object(DCT + "description", _as_iri),
    "keyword-iri": replace_object(DCAT + "keyword", _as_iri),
    "identifier-iri": replace_object(DCT + "identifier", _as_iri),
    "language-bnode": replace_object(DCT + "language", _as_bnode),
    "spatial-bnode": replace_object(DCT + "spatial", _as_bnode),
    "data-group-bnode": rename_node(DG + "DataGroup", _as_bnode),
    "system-bnode": rename_node(DG + "InformationSystem", _as_bnode),
    "contact-bnode-organization-only": move_to_blank_contact,
    # sh:in, sh:not, code lists
    "criterion-outside-list": replace_object(DG + "searchCriterion", _constant(iri(DG + "Shoe"))),
    "availability-outside-list": replace_object(
        DG + "openInterfaceAvailability", _constant(iri(DG + "Maybe"))
    ),
    "availability-not-stated": replace_object(
        DG + "openInterfaceAvailability", _constant(iri(DG + "AvailabilityNotStated"))
    ),
    "language-unknown-iri": replace_object(DCT + "language", _constant(iri(EU + "language/XXX"))),
    "theme-outside-scheme": replace_object(DCAT + "theme", _constant(iri(EX + "theme/Z"))),
    "access-rights-unknown": replace_object(DCT + "accessRights", _as_iri),
    "wrong-scheme": wrong_scheme,
    "spatial-geonames": replace_object(
        DCT + "spatial", _constant(iri("https://sws.geonames.org/660013/"))
    ),
    "spatial-country": replace_object(DCT + "spatial", _constant(iri(EU + "country/FIN"))),
    "publisher-type-outside": publisher_type(iri(EX + "kind")),
    "publisher-type-literal": publisher_type('"kunta"'),
    # maxCount
    "second-availability": duplicate_with(
        DG + "openInterfaceAvailability", iri(DG + "OpenlyAvailable")
    ),
    "second-unit": duplicate_with(DG + "responsibleUnit", iri(EX + "unit")),
    "second-publisher": duplicate_with(DCT + "publisher", iri(EX + "publisher")),
    "second-position": duplicate_with(DG + "position", typed("99", XSD + "integer")),
    "second-personal-data": duplicate_with(
        DG + "containsPersonalData", typed("false", XSD + "boolean")
    ),
    "second-national": duplicate_with(DG + "nationalSystem", typed("false", XSD + "boolean")),
    "second-access-rights": duplicate_with(DCT + "accessRights", iri(EU + "access-right/PUBLIC")),
    "second-agent-type": duplicate_with(DCT + "type", iri(EX + "type")),
    "second-license": duplicate_with(DCT + "license", iri(EX + "licence-2")),
    "duplicate-same-value": duplicate_with(DG + "position", typed("1", XSD + "integer")),
    # other classes and paths
    "system-part-untyped": add_to(DG + "SystemUse", (DG + "systemPart", iri(EX + "p"))),
    "cross-reference-untyped": add_to(
        ORG + "OrganizationalUnit", (DG + "crossReference", iri(EX + "xref"))
    ),
    "disclosure-authority-untyped": add_to(
        DCAT + "Dataset", (DG + "disclosureAuthority", iri(EX + "authority"))
    ),
    "deprecated-properties": add_to(
        DCAT + "Dataset", (DCT + "hasVersion", iri(EX + "v2")), (OWL + "versionInfo", '"1.0"')
    ),
    "dataset-series": series,
    "distribution-iana": distribution(iri("https://www.iana.org/assignments/media-types/text/csv")),
    "distribution-other-media-type": distribution(
        iri(EX + "csv"), ((DCT + "format", iri(EU + "file-type/CSV")),)
    ),
    "distribution-media-type-literal": distribution(
        '"text/csv"', ((DCAT + "byteSize", typed("-5", XSD + "nonNegativeInteger")),)
    ),
    "distribution-odd-literals": distribution(
        iri("http://www.iana.org/assignments/media-types/text/csv"),
        (
            (DCAT + "spatialResolutionInMeters", typed("abc", XSD + "decimal")),
            (DCAT + "temporalResolution", typed("P1D", XSD + "duration")),
            (DCT + "issued", typed("2021-06-01", XSD + "date")),
            (DCT + "modified", typed("2021", XSD + "gYear")),
        ),
    ),
    "catalog-record-ok": catalog_record(iri(EX + "nothing")),
    "catalog-record-literal": catalog_record('"x"'),
    "checksum": checksum,
    "period": period,
    "relationship": relationship,
    "license-document": license_document,
    "scheme-without-title": scheme_without_title,
}
"""Every defect by name."""
