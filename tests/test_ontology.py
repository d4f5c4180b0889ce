"""Tests for the dcatgen vocabulary in ontology/dcatgen.ttl."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from dcatgen.quality.metrics import ALL_METRICS, Dimension
from dcatgen.quality.vocabulary import CATEGORIES

ONTOLOGY_PATH = Path(__file__).parents[1] / "ontology" / "dcatgen.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/dcatgen/ns")
# Plain namespaces: rdflib's DCAT and XSD objects warn when pytest probes module attributes.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DG = Namespace("https://w3id.org/dcatgen/ns#")
PD = Namespace("https://w3id.org/dpv/pd#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VANN = Namespace("http://purl.org/vocab/vann/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
LANGUAGES = frozenset({"fi", "sv", "en"})

CLASSES = frozenset(
    {
        "InformationResource",
        "CaseRegister",
        "DataGroup",
        "InformationSystem",
        "SystemUse",
        "SearchCriterion",
        "Availability",
        "CrossReference",
        "KnownSystem",
        "SystemKind",
    }
)
OBJECT_PROPERTIES = frozenset(
    {
        "dataGroup",
        "informationSystem",
        "qualifiedSystemUse",
        "system",
        "systemPart",
        "searchCriterion",
        "openInterfaceAvailability",
        "responsibleUnit",
        "disclosureAuthority",
        "crossReference",
        "referenceTarget",
        "privacyNotice",
        "systemKind",
        "missingS28Item",
    }
)
DATATYPE_PROPERTIES = frozenset(
    {
        "purpose",
        "searchCriteriaStatement",
        "availabilityStatement",
        "originalWording",
        "targetUnitName",
        "targetRegisterName",
        "containsPersonalData",
        "secrecyStatement",
        "secrecyGround",
        "retention",
        "taskClass",
        "position",
        "nationalSystem",
        "vendor",
        "mqaPoints",
        "canBeSupplied",
    }
)
CONCEPT_SCHEMES = frozenset(
    {"AvailabilityScheme", "SearchCriterionScheme", "KnownSystemScheme", "SystemKindScheme"}
)
AVAILABILITY_NOTATIONS = {
    "OpenlyAvailable": "open",
    "PartlyOpenlyAvailable": "partly-open",
    "MostlyNotOpenlyAvailable": "mostly-not-open",
    "NotOpenlyAvailable": "not-open",
    "AvailabilityNotStated": "not-stated",
}
SEARCH_CRITERION_NOTATIONS = {
    "PersonName": "person-name",
    "PersonalIdentityCode": "personal-identity-code",
    "DateOfBirth": "date-of-birth",
    "CustomerId": "customer-id",
    "Address": "address",
    "OrganisationName": "organisation-name",
    "BusinessId": "business-id",
    "CaseNumber": "case-number",
    "CaseTitle": "case-title",
    "Initiator": "initiator",
    "DecisionMaker": "decision-maker",
    "Date": "date",
    "DocumentType": "document-type",
    "Subject": "subject",
    "PropertyId": "property-id",
    "RegistrationNumber": "registration-number",
}
PROPERTIES = OBJECT_PROPERTIES | DATATYPE_PROPERTIES
CONCEPTS = frozenset(AVAILABILITY_NOTATIONS) | frozenset(SEARCH_CRITERION_NOTATIONS)
QUALITY_INDIVIDUALS = (
    frozenset(metric.name for metric in ALL_METRICS)
    | frozenset(dimension.value for dimension in Dimension)
    | frozenset(CATEGORIES)
)
"""The quality block's metrics, dimensions and categories (labelled like concepts)."""
ALL_TERMS = CLASSES | PROPERTIES | CONCEPT_SCHEMES | CONCEPTS | QUALITY_INDIVIDUALS

# (concept class, scheme, expected notations) for the two concept schemes.
SCHEMES = [
    (DG.Availability, DG.AvailabilityScheme, AVAILABILITY_NOTATIONS),
    (DG.SearchCriterion, DG.SearchCriterionScheme, SEARCH_CRITERION_NOTATIONS),
]

# Domains and ranges exactly as specified; None means "no rdfs:domain".
EXPECTED_DOMAIN_RANGE: dict[str, tuple[URIRef | None, URIRef]] = {
    "dataGroup": (DCAT.Dataset, DG.DataGroup),
    "informationSystem": (DCAT.Dataset, DG.InformationSystem),
    "qualifiedSystemUse": (DCAT.Dataset, DG.SystemUse),
    "system": (DG.SystemUse, DG.InformationSystem),
    "systemPart": (DG.SystemUse, DG.InformationSystem),
    "searchCriterion": (DCAT.Dataset, DG.SearchCriterion),
    "openInterfaceAvailability": (None, DG.Availability),
    "responsibleUnit": (DCAT.Dataset, ORG.OrganizationalUnit),
    "disclosureAuthority": (None, FOAF.Agent),
    "crossReference": (None, DG.CrossReference),
    "referenceTarget": (DG.CrossReference, OWL.Thing),
    "privacyNotice": (DCAT.Dataset, FOAF.Document),
    "containsPersonalData": (None, XSD.boolean),
    "taskClass": (None, XSD.string),
    "position": (None, XSD.integer),
    "nationalSystem": (DG.InformationSystem, XSD.boolean),
    "systemKind": (DG.KnownSystem, DG.SystemKind),
    "vendor": (DG.KnownSystem, XSD.string),
    "targetUnitName": (DG.CrossReference, RDF.PlainLiteral),
    "targetRegisterName": (DG.CrossReference, RDF.PlainLiteral),
    "mqaPoints": (DQV.Metric, XSD.integer),
    "canBeSupplied": (DQV.QualityMeasurement, XSD.boolean),
    "missingS28Item": (DCAT.Dataset, DQV.Metric),
}

# Personal search criteria and the W3C DPV categories they map to. These IRIs were checked
# against DPV 2.x pd (there is no pd:DateOfBirth, pd:Address or pd:NationalIdentificationNumber).
EXPECTED_DPV_LINKS: dict[str, tuple[URIRef, URIRef]] = {
    "PersonName": (SKOS.closeMatch, PD.Name),
    "PersonalIdentityCode": (SKOS.broadMatch, PD.OfficialID),
    "DateOfBirth": (SKOS.closeMatch, PD.BirthDate),
    "CustomerId": (SKOS.broadMatch, PD.Identifier),
    "Address": (SKOS.closeMatch, PD.PhysicalAddress),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    """Parse the ontology once per test module."""
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def local_name(node: Node) -> str | None:
    """Return the local name of a dg: IRI, or None for anything else."""
    if isinstance(node, URIRef) and str(node).startswith(str(DG)):
        return str(node)[len(str(DG)) :]
    return None


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> Counter[str | None]:
    """Count the language tags of the literal values of subject/predicate."""
    return Counter(
        obj.language if isinstance(obj, Literal) else None
        for obj in graph.objects(subject, predicate)
    )


def test_ontology_parses(graph: Graph) -> None:
    """The Turtle file parses and declares the ontology."""
    assert len(graph) > 0
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph


def test_ontology_header(graph: Graph) -> None:
    """The ontology header carries title, description, version, licence and namespace data."""
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert languages(graph, ONTOLOGY_IRI, predicate) == Counter(LANGUAGES), predicate
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert graph.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("dg")
    assert graph.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(DG))
    assert graph.value(ONTOLOGY_IRI, DCTERMS.created) == Literal("2026-11-26", datatype=XSD.date)
    assert (
        ONTOLOGY_IRI,
        RDFS.seeAlso,
        URIRef("http://data.finlex.fi/eli/sd/2019/906/alkup"),
    ) in graph


def test_local_names_are_exactly_the_agreed_terms(graph: Graph) -> None:
    """The dg: subjects are exactly the agreed terms, so a rename or a stray term fails."""
    subjects = {name for s in graph.subjects() if (name := local_name(s)) is not None}
    assert subjects == ALL_TERMS


def test_no_reference_to_undefined_dg_terms(graph: Graph) -> None:
    """Every dg: IRI used anywhere in the file is one of the defined terms."""
    used = {name for triple in graph for node in triple if (name := local_name(node)) is not None}
    assert used - ALL_TERMS == set()


def test_declared_types(graph: Graph) -> None:
    """Classes, properties, schemes and concepts carry their OWL / SKOS types."""
    expected = [
        (CLASSES, OWL.Class),
        (OBJECT_PROPERTIES, OWL.ObjectProperty),
        (DATATYPE_PROPERTIES, OWL.DatatypeProperty),
        (CONCEPT_SCHEMES, SKOS.ConceptScheme),
        (CONCEPTS, SKOS.Concept),
        (QUALITY_INDIVIDUALS, OWL.NamedIndividual),
    ]
    for names, rdf_type in expected:
        for name in sorted(names):
            assert (DG[name], RDF.type, rdf_type) in graph, f"dg:{name} is not a {rdf_type}"


def test_every_dg_subject_has_labels_and_definitions(graph: Graph) -> None:
    """Every dg: subject has one label and one skos:definition in each of fi, sv and en."""
    problems = []
    for subject in sorted({s for s in graph.subjects() if local_name(s) is not None}, key=str):
        is_concept_or_scheme = (
            local_name(subject) in CONCEPTS | CONCEPT_SCHEMES | QUALITY_INDIVIDUALS
        )
        label = SKOS.prefLabel if is_concept_or_scheme else RDFS.label
        for predicate in (label, SKOS.definition):
            found = languages(graph, URIRef(str(subject)), predicate)
            if found != Counter(LANGUAGES):
                problems.append(f"{subject} {predicate}: {dict(found)}")
        if (subject, RDFS.isDefinedBy, ONTOLOGY_IRI) not in graph:
            problems.append(f"{subject} lacks rdfs:isDefinedBy")
    assert problems == []


def test_label_predicate_matches_kind_of_term(graph: Graph) -> None:
    """Classes and properties use rdfs:label only; schemes and concepts use skos:prefLabel only."""
    for name in sorted(CLASSES | PROPERTIES):
        assert graph.value(DG[name], SKOS.prefLabel) is None, name
    for name in sorted(CONCEPTS | CONCEPT_SCHEMES | QUALITY_INDIVIDUALS):
        assert graph.value(DG[name], RDFS.label) is None, name


@pytest.mark.parametrize(("concept_class", "scheme", "notations"), SCHEMES)
def test_concepts_belong_to_their_scheme(
    graph: Graph, concept_class: URIRef, scheme: URIRef, notations: dict[str, str]
) -> None:
    """Each concept is in and top concept of its scheme and has the expected unique notation."""
    members = set(graph.subjects(RDF.type, concept_class))
    assert {local_name(m) for m in members} == set(notations)
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == members
    seen: list[str] = []
    for member in sorted(members, key=str):
        assert (member, RDF.type, SKOS.Concept) in graph
        assert set(graph.objects(member, SKOS.inScheme)) == {scheme}
        assert set(graph.objects(member, SKOS.topConceptOf)) == {scheme}
        member_notations = [str(n) for n in graph.objects(member, SKOS.notation)]
        assert member_notations == [notations[str(local_name(member))]], member
        seen.extend(member_notations)
    assert len(seen) == len(set(seen))


def test_notations_are_unique_across_schemes(graph: Graph) -> None:
    """No skos:notation is used twice anywhere in the vocabulary."""
    notations = [str(o) for o in graph.objects(None, SKOS.notation)]
    assert len(notations) == len(set(notations)) == len(CONCEPTS)


def test_every_property_has_a_range(graph: Graph) -> None:
    """Every object and datatype property has exactly one rdfs:range."""
    for name in sorted(PROPERTIES):
        assert len(list(graph.objects(DG[name], RDFS.range))) == 1, name


def test_datatype_properties_default_to_lang_strings(graph: Graph) -> None:
    """Datatype properties not listed otherwise range over language-tagged text: in OWL 2 DL
    that is rdf:PlainLiteral (rdf:langString is not in the OWL 2 datatype map)."""
    for name in sorted(DATATYPE_PROPERTIES - set(EXPECTED_DOMAIN_RANGE)):
        assert graph.value(DG[name], RDFS.range) == RDF.PlainLiteral, name


def test_every_concept_scheme_has_a_title(graph: Graph) -> None:
    """DCAT-AP's Category Scheme shape asks each skos:ConceptScheme for a dct:title: the
    vocabulary loaded beside a catalog (as `serve` does) must conform too."""
    for name in sorted(CONCEPT_SCHEMES):
        assert languages(graph, DG[name], DCTERMS.title) == Counter(LANGUAGES), name


def test_owl_2_dl_structural_rules(graph: Graph) -> None:
    """What the OWL API reported (tests/test_ontology_owl.py runs it when installed): every
    predicate used is declared or built in, no rdfs:Resource, no rdf:langString."""
    builtin = {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        RDFS.subClassOf,
        RDFS.domain,
        RDFS.range,
        OWL.versionInfo,
    }
    declared = {
        s
        for kind in (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
    }
    assert {p for p in graph.predicates() if p not in builtin} - declared == set()
    used = {node for triple in graph for node in triple}
    assert RDFS.Resource not in used
    assert RDF.langString not in used
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for predicate in (RDFS.domain, RDFS.range, RDFS.subClassOf):
        for value in graph.objects(None, predicate):
            if str(value).startswith(str(XSD)) or value in (RDF.PlainLiteral, OWL.Thing):
                continue
            assert value in classes, f"{value} ({predicate}) is not declared an owl:Class"


@pytest.mark.parametrize("name", sorted(EXPECTED_DOMAIN_RANGE))
def test_domain_and_range(graph: Graph, name: str) -> None:
    """Properties have the domain and range agreed in the design."""
    domain, range_ = EXPECTED_DOMAIN_RANGE[name]
    assert set(graph.objects(DG[name], RDFS.domain)) == ({domain} if domain else set())
    assert graph.value(DG[name], RDFS.range) == range_


def test_class_hierarchy(graph: Graph) -> None:
    """Registers and resources are datasets; data groups and systems are not."""
    assert (DG.InformationResource, RDFS.subClassOf, DCAT.Dataset) in graph
    assert (DG.CaseRegister, RDFS.subClassOf, DCAT.Dataset) in graph
    assert (DG.SearchCriterion, RDFS.subClassOf, SKOS.Concept) in graph
    assert (DG.Availability, RDFS.subClassOf, SKOS.Concept) in graph
    for name in ("DataGroup", "InformationSystem", "SystemUse", "CrossReference"):
        assert set(graph.objects(DG[name], RDFS.subClassOf)) == set(), name


def test_personal_search_criteria_link_to_dpv(graph: Graph) -> None:
    """Personal search criteria map to the checked W3C DPV personal-data categories only."""
    dpv_links = {
        (local_name(s), p, o)
        for p in (SKOS.closeMatch, SKOS.broadMatch, SKOS.exactMatch, SKOS.relatedMatch)
        for s, o in graph.subject_objects(p)
    }
    expected = {(name, p, o) for name, (p, o) in EXPECTED_DPV_LINKS.items()}
    assert dpv_links == expected
