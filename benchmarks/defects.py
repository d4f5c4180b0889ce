"""Inject deliberate defects into a catalog's triples, for differential validation tests.

The loader rejects malformed YAML, so most defects a validator must catch cannot be written
as descriptions.  `inject_defects` makes them at the triple level instead: it picks a share
of the datasets (deterministically from the given random stream) and gives each one defect,
cycling through the kinds so that a big enough sample gets every kind.  The defects draw
SHACL results of many constraint components and all three severities, on the dataset node
itself and on the nodes hanging off it (data groups, systems shared by several registers,
contact points, distributions).  Typical use in a test::

    catalog = make_catalog(generated_dir)
    broken = inject_defects(catalog.triples, random.Random(1))
    assert fast_findings(broken) == pyshacl_findings(broken)

Every kind is listed in `KINDS` with the finding it is meant to cause.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from dcatgen.mapping.tables import Triple
from dcatgen.rdf.namespaces import DCAT, DCT, DG, RDF, SKOS, VCARD, XSD, YSO

Object = URIRef | Literal


class _Index:
    """Triples by subject, editable, keeping first-seen subject order."""

    def __init__(self, triples: Iterable[tuple[URIRef, URIRef, Object]]) -> None:
        self.by_subject: dict[URIRef, list[tuple[URIRef, Object]]] = {}
        for subject, predicate, obj in triples:
            self.by_subject.setdefault(subject, []).append((predicate, obj))

    def objects(self, subject: URIRef, predicate: URIRef) -> list[Object]:
        return [o for p, o in self.by_subject.get(subject, ()) if p == predicate]

    def iri_objects(self, subject: URIRef, predicate: URIRef) -> list[URIRef]:
        return [o for o in self.objects(subject, predicate) if isinstance(o, URIRef)]

    def remove(self, subject: URIRef, predicate: URIRef, obj: Object | None = None) -> int:
        before = self.by_subject.get(subject, [])
        after = [(p, o) for p, o in before if not (p == predicate and (obj is None or o == obj))]
        self.by_subject[subject] = after
        return len(before) - len(after)

    def add(self, subject: URIRef, predicate: URIRef, obj: Object) -> None:
        edges = self.by_subject.setdefault(subject, [])
        if (predicate, obj) not in edges:
            edges.append((predicate, obj))

    def replace(self, subject: URIRef, predicate: URIRef, old: Object, new: Object) -> None:
        self.remove(subject, predicate, old)
        self.add(subject, predicate, new)

    def triples(self) -> list[Triple]:
        return [(s, p, o) for s, edges in self.by_subject.items() for p, o in edges]


Defect = Callable[[_Index, URIRef, random.Random], bool]
"""Apply one defect to a dataset; False when it does not apply to this dataset."""


def _drop(predicate: URIRef) -> Defect:
    def defect(index: _Index, dataset: URIRef, _: random.Random) -> bool:
        return index.remove(dataset, predicate) > 0

    return defect


def _swap_first(predicate: URIRef, make: Callable[[Object], Object]) -> Defect:
    """Replace the first value of a property of the dataset by a malformed one."""

    def defect(index: _Index, dataset: URIRef, _: random.Random) -> bool:
        values = index.objects(dataset, predicate)
        if not values:
            return False
        index.replace(dataset, predicate, values[0], make(values[0]))
        return True

    return defect


def _title_as_iri(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    titles = index.objects(dataset, DCT.title)
    if not titles:
        return False
    for title in titles:
        index.remove(dataset, DCT.title, title)
    index.add(dataset, DCT.title, URIRef(f"{dataset}#title"))
    return True


def _theme_outside_scheme(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    themes = index.iri_objects(dataset, DCAT.theme)
    if not themes:
        return False
    outside = YSO.p82  # a YSO concept: a skos:Concept, but not in the data-theme scheme
    index.replace(dataset, DCAT.theme, themes[0], outside)
    index.add(outside, RDF.type, SKOS.Concept)
    index.add(outside, SKOS.inScheme, URIRef("http://www.yso.fi/onto/yso/"))
    return True


def _duplicate_availability(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    current = index.iri_objects(dataset, DG.openInterfaceAvailability)
    other = DG.OpenlyAvailable if DG.OpenlyAvailable not in current else DG.NotOpenlyAvailable
    index.add(dataset, DG.openInterfaceAvailability, other)
    if not current:
        index.add(dataset, DG.openInterfaceAvailability, DG.PartlyOpenlyAvailable)
    return True


def _availability_not_in_scheme(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    for value in index.iri_objects(dataset, DG.openInterfaceAvailability):
        index.remove(dataset, DG.openInterfaceAvailability, value)
    index.add(dataset, DG.openInterfaceAvailability, DG.SometimesAvailable)
    return True


def _availability_not_stated(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    for value in index.iri_objects(dataset, DG.openInterfaceAvailability):
        index.remove(dataset, DG.openInterfaceAvailability, value)
    index.add(dataset, DG.openInterfaceAvailability, DG.AvailabilityNotStated)
    return True


def _unknown_search_criterion(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    index.add(dataset, DG.searchCriterion, DG.ShoeSize)
    return True


def _responsible_unit_untyped(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    units = index.iri_objects(dataset, DG.responsibleUnit)
    if not units:
        return False
    index.replace(dataset, DG.responsibleUnit, units[0], URIRef(f"{units[0]}-lakkautettu"))
    return True


def _publisher_literal(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    publishers = index.iri_objects(dataset, DCT.publisher)
    if not publishers:
        return False
    index.replace(dataset, DCT.publisher, publishers[0], Literal("Kunnanhallitus", lang="fi"))
    return True


def _data_group_literal(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    index.add(dataset, DG.dataGroup, Literal("Asiakkaiden yhteystiedot", lang="fi"))
    return True


def _first_data_group(index: _Index, dataset: URIRef) -> URIRef | None:
    groups = sorted(index.iri_objects(dataset, DG.dataGroup))
    return groups[0] if groups else None


def _data_group_untitled(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    group = _first_data_group(index, dataset)
    return group is not None and index.remove(group, DCT.title) > 0


def _position(value: Literal) -> Defect:
    def defect(index: _Index, dataset: URIRef, _: random.Random) -> bool:
        group = _first_data_group(index, dataset)
        if group is None:
            return False
        index.remove(group, DG.position)
        index.add(group, DG.position, value)
        return True

    return defect


def _first_system(index: _Index, dataset: URIRef) -> URIRef | None:
    systems = sorted(index.iri_objects(dataset, DG.informationSystem))
    return systems[0] if systems else None


def _system_untyped(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    """Drop a system's type: every register naming it (not only this one) is affected."""
    system = _first_system(index, dataset)
    return system is not None and index.remove(system, RDF.type, DG.InformationSystem) > 0


def _system_untitled(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    system = _first_system(index, dataset)
    return system is not None and index.remove(system, DCT.title) > 0


def _national_system_string(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    system = _first_system(index, dataset)
    if system is None:
        return False
    index.remove(system, DG.nationalSystem)
    index.add(system, DG.nationalSystem, Literal("kyllä"))
    return True


def _contact_point_not_kind(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    contacts = index.iri_objects(dataset, DCAT.contactPoint)
    return bool(contacts) and index.remove(contacts[0], RDF.type, VCARD.Kind) > 0


def _first_distribution(index: _Index, dataset: URIRef) -> URIRef | None:
    distributions = sorted(index.iri_objects(dataset, DCAT.distribution))
    return distributions[0] if distributions else None


def _access_url_literal(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    distribution = _first_distribution(index, dataset)
    if distribution is None:
        return False
    for url in index.objects(distribution, DCAT.accessURL):
        index.replace(distribution, DCAT.accessURL, url, Literal(str(url)))
    return True


def _media_type_not_iana(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    distribution = _first_distribution(index, dataset)
    if distribution is None:
        return False
    made_up = URIRef("https://example.org/media-types/csv")
    for value in index.objects(distribution, DCAT.mediaType):
        index.remove(distribution, DCAT.mediaType, value)
    index.add(distribution, DCAT.mediaType, made_up)
    index.add(made_up, RDF.type, DCT.MediaType)
    return True


def _drop_dataset_type(index: _Index, dataset: URIRef, _: random.Random) -> bool:
    return index.remove(dataset, RDF.type, DCAT.Dataset) > 0


@dataclass(frozen=True)
class Kind:
    """A defect kind and the finding it is meant to cause (component, severity)."""

    name: str
    apply: Defect
    expect: str


KINDS: tuple[Kind, ...] = (
    Kind("drop-title", _drop(DCT.title), "dct:title MinCount, violation"),
    Kind("drop-description", _drop(DCT.description), "dct:description MinCount, violation"),
    Kind("title-as-iri", _title_as_iri, "dct:title NodeKind, violation"),
    Kind("theme-outside-scheme", _theme_outside_scheme, "dcat:theme vocabulary, warning"),
    Kind("duplicate-availability", _duplicate_availability, "MaxCount, violation"),
    Kind("availability-not-in-scheme", _availability_not_in_scheme, "In, violation"),
    Kind("availability-not-stated", _availability_not_stated, "§28 item 5 Not, warning"),
    Kind("unknown-search-criterion", _unknown_search_criterion, "In, violation"),
    Kind("drop-responsible-unit", _drop(DG.responsibleUnit), "MinCount, violation"),
    Kind("responsible-unit-untyped", _responsible_unit_untyped, "Class, violation"),
    Kind("drop-systems", _drop(DG.informationSystem), "§28 item 1 MinCount, warning"),
    Kind("drop-data-groups", _drop(DG.dataGroup), "§28 item 3 MinCount, warning"),
    Kind("drop-purpose", _drop(DG.purpose), "purpose MinCount, info"),
    Kind(
        "purpose-untagged",
        _swap_first(DG.purpose, lambda o: Literal(str(o))),
        "Datatype, violation",
    ),
    Kind(
        "personal-data-string",
        _swap_first(DG.containsPersonalData, lambda o: Literal("kyllä")),
        "Datatype, violation",
    ),
    Kind(
        "task-class-tagged",
        _swap_first(DG.taskClass, lambda o: Literal(str(o), lang="fi")),
        "Datatype, violation",
    ),
    Kind("position-zero", _position(Literal(0, datatype=XSD.integer)), "MinInclusive, violation"),
    Kind("position-string", _position(Literal("ensimmäinen")), "Datatype, violation"),
    Kind("data-group-untitled", _data_group_untitled, "MinCount, violation"),
    Kind("data-group-literal", _data_group_literal, "Class and NodeKind, violation"),
    Kind("system-untyped", _system_untyped, "Class, violation (shared node)"),
    Kind("system-untitled", _system_untitled, "MinCount, violation (shared node)"),
    Kind("national-system-string", _national_system_string, "Datatype, violation"),
    Kind("publisher-literal", _publisher_literal, "dct:publisher Class/NodeKind, violation"),
    Kind("contact-point-not-kind", _contact_point_not_kind, "Class vcard:Kind, violation"),
    Kind("access-url-literal", _access_url_literal, "dcat:accessURL NodeKind, violation"),
    Kind("media-type-not-iana", _media_type_not_iana, "dcat:mediaType Node, violation"),
    Kind("drop-dataset-type", _drop_dataset_type, "Class dcat:Dataset, violation"),
)
KIND_NAMES = tuple(kind.name for kind in KINDS)


@dataclass(frozen=True)
class Injection:
    """One defect made: which kind, on which dataset."""

    kind: str
    dataset: str


def _as_rdflib(triples: Iterable[Any]) -> list[tuple[URIRef, URIRef, Object]]:
    """Accept the mapping's N-Triples term strings (or rdflib terms, unchanged)."""
    from benchmarks.reference import rdflib_term

    result: list[tuple[URIRef, URIRef, Object]] = []
    for s, p, o in triples:
        if isinstance(s, str) and not isinstance(s, URIRef | Literal):
            result.append((rdflib_term(s), rdflib_term(p), rdflib_term(o)))  # type: ignore[arg-type]
        else:
            result.append((s, p, o))
    return result


def _as_strings(triples: Iterable[Triple]) -> list[tuple[str, str, str]]:
    """Back to N-Triples term strings, the currency of dcatgen's pipeline."""
    from dcatgen.rdf.terms import literal, typed

    def term(node: Any) -> str:
        if isinstance(node, Literal):
            if node.language:
                return literal(str(node), node.language)
            if node.datatype is not None:
                return typed(str(node), f"<{node.datatype}>")
            return literal(str(node))
        if isinstance(node, URIRef):
            return f"<{node}>"
        return f"_:{node}"

    return [(term(s), term(p), term(o)) for s, p, o in triples]


def inject_defects(
    triples: Iterable[Triple],
    rng: random.Random,
    rate: float = 0.3,
    kinds: Sequence[str] | None = None,
    log: list[Injection] | None = None,
) -> list[Triple]:
    """The triples with defects in `rate` of the datasets (at least one), one per dataset.

    Deterministic for a given random state.  Kinds cycle over the chosen datasets; a kind
    that does not apply to a dataset (no distribution, no task class…) passes to the next.
    `log`, when given, receives what was injected where.
    """
    chosen_kinds = [k for k in KINDS if kinds is None or k.name in kinds]
    if kinds is not None and len(chosen_kinds) != len(set(kinds)):
        unknown = sorted(set(kinds) - set(KIND_NAMES))
        raise ValueError(f"unknown defect kinds {unknown}: use some of {', '.join(KIND_NAMES)}")
    index = _Index(_as_rdflib(triples))
    datasets = sorted(
        s for s, edges in index.by_subject.items() if (RDF.type, DCAT.Dataset) in edges
    )
    if not datasets or not chosen_kinds:
        return _as_strings(index.triples())
    count = min(len(datasets), max(1, round(rate * len(datasets))))
    for number, dataset in enumerate(rng.sample(datasets, count)):
        for step in range(len(chosen_kinds)):
            kind = chosen_kinds[(number + step) % len(chosen_kinds)]
            if kind.apply(index, dataset, rng):
                if log is not None:
                    log.append(Injection(kind.name, str(dataset)))
                break
    return _as_strings(index.triples())


__all__ = ["KINDS", "KIND_NAMES", "Injection", "Kind", "inject_defects"]
