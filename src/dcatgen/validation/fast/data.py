"""The data graph as the fast engine indexes it: N-Triples term strings by subject and
predicate, with instance-of answered through rdfs:subClassOf in the data.
"""

from __future__ import annotations

from collections.abc import Iterable

from dcatgen.validation.fast.terms import (
    CANONICAL_MEMO,
    RDF_TYPE,
    RDFS_SUBCLASSOF,
    Triple,
    canonical_literal,
)
from dcatgen.validation.findings import Finding

EMPTY: dict[str, list[str]] = {}


class Data:
    """Triples indexed subject → predicate → objects (deduplicated), plus types."""

    __slots__ = ("conforms", "has_reports", "ops", "originals", "spo", "supers", "types")

    # The hot loop over every triple of a national build: inlined on purpose (a function
    # call per triple cost more than the rest of the loop).
    def __init__(self, triples: Iterable[Triple], inverse: frozenset[str]) -> None:  # noqa: C901
        spo: dict[str, dict[str, list[str]]] = {}
        originals: dict[str, str] = {}
        canonical = CANONICAL_MEMO
        last_s = ""
        po: dict[str, list[str]] = {}
        # Long object lists (a register with thousands of data groups) are deduplicated
        # through a set: `o not in objs` on the list made this quadratic (40k: 10 s).
        long_lists: dict[int, set[str]] = {}
        for s, p, o in triples:
            if o[0] == '"':
                last = o[-1]
                if last == ">":  # typed: rdflib's normalised form, first form remembered
                    c = canonical.get(o)
                    if c is None:
                        c = canonical_literal(o)
                    if c not in originals:
                        originals[c] = o
                    o = c
                elif (
                    last != '"'
                    and not (  # language tag in lower case? ("@fi" quickly)
                        (o[-3] == "@" and "a" <= last <= "z" and "a" <= o[-2] <= "z")
                        or o[o.rfind("@") :].islower()
                    )
                ):
                    o = canonical_literal(o)
            if s is not last_s:  # the mapping emits a subject's triples together
                found = spo.get(s)
                if found is None:
                    spo[s] = po = {p: [o]}
                    last_s = s
                    continue
                po = found
                last_s = s
            objs = po.get(p)
            if objs is None:
                po[p] = [o]
            elif len(objs) < 16:
                if o not in objs:
                    objs.append(o)
            else:
                seen = long_lists.get(id(objs))
                if seen is None:
                    seen = long_lists[id(objs)] = set(objs)
                if o not in seen:
                    seen.add(o)
                    objs.append(o)
        self.spo = spo
        self.originals = originals
        """Canonical typed literal → the form first met: like an rdflib graph, which keeps the
        first of equal terms, with its ill-typed flag ("x"^^xsd:boolean equals "false")."""
        types: dict[str, list[str]] = {}
        subclass: dict[str, list[str]] = {}
        ops: dict[str, dict[str, list[str]]] = {}
        for s, po in spo.items():
            ts = po.get(RDF_TYPE)
            if ts is not None:
                types[s] = ts
            if RDFS_SUBCLASSOF in po:
                subclass[s] = po[RDFS_SUBCLASSOF]
            for p in inverse:
                for o in po.get(p, ()):
                    ops.setdefault(o, {}).setdefault(p, []).append(s)
        self.types = types
        self.ops = ops
        self.supers: dict[str, frozenset[str]] | None = None
        if subclass:
            self.supers = {}
            for start in {t for ts in types.values() for t in ts}:
                seen = {start}
                todo = [start]
                while todo:
                    for parent in subclass.get(todo.pop(), ()):
                        if parent not in seen:
                            seen.add(parent)
                            todo.append(parent)
                self.supers[start] = frozenset(seen)
        self.has_reports: dict[tuple[int, str], bool] = {}
        self.conforms: dict[tuple[int, str], bool] = {}

    def classes(self, node: str) -> frozenset[str]:
        """Every class the node is a SHACL instance of (its types and their superclasses)."""
        ts = self.types.get(node)
        if not ts:
            return frozenset()
        if self.supers is None:
            return frozenset(ts)
        return frozenset().union(*(self.supers[t] for t in ts))

    def is_instance(self, node: str, cls: str) -> bool:
        ts = self.types.get(node)
        if not ts:
            return False
        if self.supers is None:
            return cls in ts
        supers = self.supers
        return any(cls in supers[t] for t in ts)


Out = list[Finding] | None
"""Where a constraint writes its results; None when only pass/fail is asked."""
