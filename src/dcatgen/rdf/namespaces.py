"""Every namespace and prefix dcatgen uses, declared once."""

from __future__ import annotations

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
"""Prefixes written into Turtle output, in this order."""

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
]
