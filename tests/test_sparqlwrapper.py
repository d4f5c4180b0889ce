"""SPARQLWrapper, a client analysts use, against a real `dcatgen serve`."""

from __future__ import annotations

import urllib.error

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from tests.servers import Running

PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dg: <https://w3id.org/dcatgen/ns#>
"""


def _client(server: Running) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setTimeout(30)
    return client


def test_select(served_seed: Running) -> None:
    """SELECT as JSON: the five registers searchable by henkilötunnus."""
    client = _client(served_seed)
    client.setQuery(
        PREFIXES
        + "SELECT ?r WHERE { ?r a dcat:Dataset ; dg:searchCriterion dg:PersonalIdentityCode }"
    )
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert len(result["results"]["bindings"]) == 5


def test_select_by_post(served_seed: Running) -> None:
    """The same through POST (form-encoded)."""
    client = _client(served_seed)
    client.setMethod(POST)
    client.setQuery(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?r a dcat:Dataset }")
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert result["results"]["bindings"][0]["n"]["value"] == "5"


def test_ask(served_seed: Running) -> None:
    """ASK answers true and false."""
    client = _client(served_seed)
    client.setReturnFormat(JSON)
    client.setQuery(PREFIXES + "ASK { ?r dg:informationSystem ?s }")
    assert client.queryAndConvert() == {"head": {}, "boolean": True}
    client.setQuery(PREFIXES + "ASK { ?r dg:containsPersonalData true }")
    assert client.queryAndConvert() == {"head": {}, "boolean": False}


def test_construct(served_seed: Running) -> None:
    """CONSTRUCT as Turtle, converted by SPARQLWrapper into an rdflib graph."""
    client = _client(served_seed)
    client.setQuery(
        PREFIXES + "CONSTRUCT { ?r dg:informationSystem ?s } WHERE { ?r dg:informationSystem ?s }"
    )
    client.setReturnFormat(TURTLE)
    data = client.queryAndConvert()
    assert isinstance(data, str | bytes)
    graph = Graph().parse(data=data, format="turtle")
    assert len(graph) == 11
    lyyti = URIRef("https://w3id.org/dcatgen/id/mynamaki/system/lyyti")
    assert len(set(graph.subjects(None, lyyti))) == 2


def test_update_is_refused(served_seed: Running) -> None:
    """An update sent the SPARQLWrapper way (POST update=) gets 403, and changes nothing."""
    client = _client(served_seed)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    check = _client(served_seed)
    check.setQuery("ASK { <urn:a> ?p ?o }")
    check.setReturnFormat(JSON)
    assert check.queryAndConvert() == {"head": {}, "boolean": False}
