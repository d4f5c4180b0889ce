"""Terms across libraries: pyoxigraph terms as dcatgen's rdflib triples."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal, URIRef

from dcatgen.mapping import Triple
from dcatgen.namespaces import XSD


def from_oxigraph(triple: ox.Triple) -> Triple:
    """A pyoxigraph triple of IRIs and literals as an rdflib triple (no blank nodes)."""
    subject, predicate, obj = triple.subject, triple.predicate, triple.object
    if not isinstance(subject, ox.NamedNode):
        raise ValueError(f"subject is not an IRI: {subject}")
    value: URIRef | Literal
    if isinstance(obj, ox.NamedNode):
        value = URIRef(obj.value)
    elif isinstance(obj, ox.Literal):
        if obj.language:
            value = Literal(obj.value, lang=obj.language)
        elif obj.datatype.value == str(XSD.string):
            value = Literal(obj.value)
        else:
            value = Literal(obj.value, datatype=URIRef(obj.datatype.value))
    else:
        raise ValueError(f"object is not an IRI or a literal: {obj}")
    return URIRef(subject.value), URIRef(predicate.value), value


def has_blank_nodes(triples: list[ox.Triple]) -> bool:
    """True when a triple has a blank node (or a triple term) in subject or object."""
    return not all(
        isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal)
        for t in triples
    )
