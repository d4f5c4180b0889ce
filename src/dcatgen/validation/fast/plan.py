"""Evaluation plans: which shapes run on which focus nodes, in pySHACL's order."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from dcatgen.validation.fast.components import (
    HAS,
    ClassComponent,
    Component,
    MaxCount,
    MinCount,
    NodeKind,
    PredicatePath,
    PropertyComponent,
    Shape,
)
from dcatgen.validation.fast.data import Data
from dcatgen.validation.fast.terms import Triple
from dcatgen.validation.findings import Finding


class Plan:
    """Every check for focus nodes of one set of classes, arranged for speed: a component
    that can only fail on values runs only when the focus node has the predicate."""

    __slots__ = ("by_predicate", "complex", "empty", "mins", "node_checks", "others")

    def __init__(self, shapes: tuple[Shape, ...]) -> None:
        node_checks: list[Component] = []
        mins: list[tuple[str, int, Component]] = []
        others: list[tuple[str, Component]] = []
        complex_paths: list[Shape] = []
        by_predicate: dict[str, list[Component]] = {}

        def add_property(prop: Shape) -> None:
            path = prop.path
            if not isinstance(path, PredicatePath):
                complex_paths.append(prop)
                return
            for component in prop.components:
                if isinstance(component, MinCount):
                    mins.append((path.predicate, component.count, component))
                elif component.needs_values:
                    by_predicate.setdefault(path.predicate, []).append(component)
                else:
                    others.append((path.predicate, component))

        for shape in shapes:
            if shape.is_property:
                add_property(shape)
                continue
            for component in shape.components:
                if isinstance(component, PropertyComponent):
                    for prop in component.shapes:
                        add_property(prop)
                else:
                    node_checks.append(component)
        self.node_checks = tuple(node_checks)
        """Node-level components of targeted node shapes (value node = focus node)."""
        self.mins = tuple(mins)
        """sh:minCount of simple-path property shapes: (predicate, minimum, component)."""
        self.others = tuple(others)
        """Other components that can fail without values (sh:hasValue)."""
        self.complex = tuple(complex_paths)
        """Property shapes with inverse or alternative paths, run whole."""
        self.by_predicate = {p: Guarded(cs) for p, cs in by_predicate.items()}
        """Components of simple-path property shapes failing only on values, by predicate."""
        self.empty = not (node_checks or mins or others or complex_paths or by_predicate)

    def run(self, focus: str, po: dict[str, list[str]], data: Data, out: list[Finding]) -> None:
        for component in self.node_checks:
            component.run(focus, (focus,), data, out, HAS)
        for predicate, count, component in self.mins:
            objects = po.get(predicate)
            if objects is None or len(objects) < count:
                component.run(focus, objects or (), data, out, HAS)
        for predicate, component in self.others:
            component.run(focus, po.get(predicate, ()), data, out, HAS)
        for prop in self.complex:
            prop.evaluate(focus, data, out, HAS)
        by_predicate = self.by_predicate
        for predicate, objects in po.items():
            found = by_predicate.get(predicate)
            if found is not None:
                found.run(focus, objects, data, out)


class Guarded:
    """The components on one predicate, with cheap guards: when every value has a node kind
    all sh:nodeKind components allow, every class all sh:class components ask for, and there
    are no more values than the lowest sh:maxCount, those components (most of them) cannot
    fail and are not run."""

    __slots__ = ("classes", "kinds", "max_counts", "most", "node_kinds", "rest", "with_classes")

    def __init__(self, components: list[Component]) -> None:
        node_kinds = [c for c in components if isinstance(c, NodeKind)]
        with_classes = [c for c in components if isinstance(c, ClassComponent)]
        max_counts = [c for c in components if isinstance(c, MaxCount)]
        guarded = (*node_kinds, *with_classes, *max_counts)
        self.rest = tuple(c for c in components if c not in guarded)
        self.max_counts = tuple(max_counts)
        self.most = min((c.count for c in max_counts), default=0)
        self.node_kinds = tuple(node_kinds)
        self.with_classes = tuple(with_classes)
        allowed = set('<_"')
        for component in node_kinds:
            allowed &= set(component.allowed_first)
        self.kinds = "".join(sorted(allowed))
        self.classes = tuple(sorted({rule for c in with_classes for rule in c.rules}))

    # Runs per value set of every focus node: the fast paths stay inline, in one function.
    def run(self, focus: str, objects: list[str], data: Data, out: list[Finding]) -> None:  # noqa: C901
        if self.max_counts and len(objects) > self.most:
            for max_count in self.max_counts:
                max_count.run(focus, objects, data, out, HAS)
        if self.node_kinds:
            kinds = self.kinds
            for value in objects:
                if value[0] not in kinds:
                    for node_kind in self.node_kinds:
                        node_kind.run(focus, objects, data, out, HAS)
                    break
        if self.with_classes:
            run = True
            if data.supers is None:
                types = data.types
                classes = self.classes
                for value in objects:
                    found = types.get(value)
                    if found is None:
                        break
                    for cls in classes:
                        if cls not in found:
                            break
                    else:
                        continue
                    break
                else:
                    run = False
            if run:
                for with_class in self.with_classes:
                    with_class.run(focus, objects, data, out, HAS)
        for component in self.rest:
            component.run(focus, objects, data, out, HAS)


class CompiledShapes:
    """A shapes graph compiled for `validate`; picklable, cheap to reuse."""

    def __init__(self, targets: dict[str, tuple[Shape, ...]], inverse: frozenset[str]) -> None:
        self.targets = targets
        """Class term → shapes targeting it."""
        self.inverse = inverse
        """Predicates used in inverse paths (the data is reverse-indexed for these only)."""
        self._plans: dict[frozenset[str], Plan] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"targets": self.targets, "inverse": self.inverse}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.targets = state["targets"]
        self.inverse = state["inverse"]
        self._plans = {}

    def plan(self, classes: frozenset[str]) -> Plan:
        """The checks for a focus node that is an instance of exactly these classes."""
        if classes in self._plans:
            return self._plans[classes]
        shapes: dict[Shape, None] = {}
        for cls in sorted(classes):
            shapes.update(dict.fromkeys(self.targets.get(cls, ())))
        result = Plan(tuple(shapes))
        if len(self._plans) > 4096:
            self._plans.clear()
        self._plans[classes] = result
        return result

    def validate(self, triples: Iterable[Triple]) -> list[Finding]:
        """Every top-level result for a data graph given as N-Triples term strings.

        The cyclic garbage collector is paused meanwhile: the index is millions of small
        acyclic dicts and lists, and collections triggered by their allocation took half
        of the time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._validate(triples)
        finally:
            if paused:
                gc.enable()

    def _validate(self, triples: Iterable[Triple]) -> list[Finding]:
        data = Data(triples, self.inverse)
        out: list[Finding] = []
        plans = self._plans
        spo = data.spo
        for focus, types in data.types.items():
            classes = frozenset(types) if data.supers is None else data.classes(focus)
            plan = plans.get(classes)
            if plan is None:
                plan = self.plan(classes)
            if not plan.empty:
                plan.run(focus, spo[focus], data, out)
        return out
