"""Every namespace and prefix dcatgen uses, declared once."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS, XSD

DG = Namespace("https://w3id.org/dcatgen/ns#")
"""Our vocabulary for what §28 of the Information Management Act adds to DCAT."""

DCT = DCTERMS
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
CV = Namespace("http://data.europa.eu/m8g/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
YSO = Namespace("http://www.yso.fi/onto/yso/")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
MUNICIPALITY = Namespace("http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

PREFIXES: dict[str, str] = {
    "dg": str(DG),
    "dcat": str(DCAT),
    "dct": str(DCT),
    "dcatap": str(DCATAP),
    "foaf": str(FOAF),
    "org": str(ORG),
    "skos": str(SKOS),
    "vcard": str(VCARD),
    "eli": str(ELI),
    "cv": str(CV),
    "dpv": str(DPV),
    "pd": str(PD),
    "yso": str(YSO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}
"""Prefixes written into Turtle output, in this order: the one prefix table."""


def shorten(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """The prefixed name of an IRI under the longest namespace that holds it, else None.

    >>> shorten("http://www.w3.org/ns/dcat#Dataset")
    'dcat:Dataset'
    >>> shorten("https://example.org/x") is None
    True
    """
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else None


def expand(name: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """The IRI of a prefixed name ('dcat:Dataset'), else None.

    >>> expand("dct:title")
    'http://purl.org/dc/terms/title'
    """
    prefix, colon, local = name.partition(":")
    namespace = prefixes.get(prefix) if colon else None
    return namespace + local if namespace is not None else None


__all__ = [
    "ACCESS_RIGHT",
    "ADMS",
    "CV",
    "DATA_THEME",
    "DCAT",
    "DCATAP",
    "DCT",
    "DG",
    "DPV",
    "ELI",
    "EU_AUTHORITY",
    "FOAF",
    "HYDRA",
    "LANGUAGE",
    "MUNICIPALITY",
    "ORG",
    "OWL",
    "PD",
    "PREFIXES",
    "PUBLISHER_TYPE",
    "RDF",
    "RDFS",
    "SKOS",
    "VCARD",
    "XSD",
    "YSO",
    "expand",
    "shorten",
]
