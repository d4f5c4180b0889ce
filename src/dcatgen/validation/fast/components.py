"""Compiled shapes, value paths and constraint components; each component reads its own
parameters from the shapes graph (``from_shape``), as pySHACL's components do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from dcatgen.validation.fast.data import EMPTY, Data, Out
from dcatgen.validation.fast.terms import (
    datatype_matches,
    min_inclusive_ok,
    new_finding,
    node_text,
    short_iri,
    term_of,
    value_text,
)
from dcatgen.validation.findings import Finding, Severity, short_name

HAS = False


CONF = True
"""Modes of nested evaluation: does the shape give any result, or does the node conform."""


class ShapeReader(Protocol):
    """What a component needs to read its parameters from the shapes graph (the compiler)."""

    graph: Graph

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        """The one value of a parameter, None if absent; refuses several."""
        ...

    def count(self, node: Node, predicate: URIRef) -> int | None:
        """A non-negative xsd:integer parameter, None if absent."""
        ...

    def error(self, node: Node, problem: str) -> Exception:
        """The error to raise for a shape this engine cannot evaluate."""
        ...

    def shape(self, node: Node) -> Shape:
        """The compiled shape of a shape node (sh:node, sh:property, sh:or, sh:not)."""
        ...


class Shape:
    """A node or property shape, compiled."""

    __slots__ = (
        "allowed",
        "components",
        "index",
        "is_property",
        "label",
        "message",
        "path",
        "path_text",
        "severity",
        "shape_text",
    )

    def __init__(self, index: int, label: str) -> None:
        self.index = index
        self.label = label
        self.components: tuple[Component, ...] = ()
        self.is_property = False
        self.path: ValuePath | None = None
        self.path_text: str | None = None
        self.shape_text: str | None = None
        self.severity = Severity.VIOLATION
        self.allowed = False
        self.message: str | None = None

    def values(self, focus: str, data: Data) -> Sequence[str]:
        return self.path.values(focus, data) if self.path is not None else (focus,)

    def evaluate(self, focus: str, data: Data, out: Out, mode: bool) -> bool:
        """Run every constraint on one focus node; True when one of them failed."""
        values = self.values(focus, data)
        failed = False
        for component in self.components:
            if component.run(focus, values, data, out, mode):
                failed = True
                if out is None:
                    return True
        return failed

    def has_report(self, focus: str, data: Data) -> bool:
        """Whether validating `focus` against this shape gives any result (sh:node)."""
        key = (self.index, focus)
        known = data.has_reports.get(key)
        if known is None:
            known = data.has_reports[key] = self.evaluate(focus, data, None, HAS)
        return known

    def conforms(self, focus: str, data: Data) -> bool:
        """Whether `focus` conforms to this shape, pyshacl-style (sh:or, sh:not)."""
        if self.allowed:
            return True
        key = (self.index, focus)
        known = data.conforms.get(key)
        if known is None:
            known = data.conforms[key] = not self.evaluate(focus, data, None, CONF)
        return known

    def finding(self, component: str, focus: str, value: str | None, message: str) -> Finding:
        return new_finding(
            {
                "severity": self.severity,
                "register": None,
                "focus_node": node_text(focus),
                "path": self.path_text,
                "component": component,
                "message": self.message or message,
                "shape": self.shape_text,
                "value": value_text(value) if value is not None else None,
                "field": None,
                "position": None,
            }
        )

    def __repr__(self) -> str:
        return f"<Shape {self.label}>"


class ValuePath:
    """A SHACL path from a focus node to its value nodes."""

    __slots__ = ()

    def values(self, focus: str, data: Data) -> Sequence[str]:
        raise NotImplementedError


class PredicatePath(ValuePath):
    """A path of one predicate."""

    __slots__ = ("predicate",)

    def __init__(self, predicate: str) -> None:
        self.predicate = predicate

    def values(self, focus: str, data: Data) -> Sequence[str]:
        return data.spo.get(focus, EMPTY).get(self.predicate, ())


class InversePath(ValuePath):
    """sh:inversePath: the subjects that point at the focus node."""

    __slots__ = ("predicate",)

    def __init__(self, predicate: str) -> None:
        self.predicate = predicate

    def values(self, focus: str, data: Data) -> Sequence[str]:
        return data.ops.get(focus, EMPTY).get(self.predicate, ())


class AlternativePath(ValuePath):
    """sh:alternativePath: the value nodes of any of several paths."""

    __slots__ = ("paths",)

    def __init__(self, paths: tuple[ValuePath, ...]) -> None:
        self.paths = paths

    def values(self, focus: str, data: Data) -> Sequence[str]:
        found: dict[str, None] = {}
        for path in self.paths:
            found.update(dict.fromkeys(path.values(focus, data)))
        return tuple(found)


class Component:
    """One constraint component of one shape, with all values of its parameter."""

    __slots__ = ("shape",)
    name = ""
    needs_values = True
    """False when the component can fail on a focus node without value nodes."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        raise NotImplementedError


class MinCount(Component):
    """sh:minCount: at least so many value nodes."""

    __slots__ = ("count",)
    name = "sh:MinCountConstraintComponent"
    needs_values = False

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> MinCount | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        count = reader.count(node, SH.minCount)
        return cls(shape, count) if count else None  # pyshacl: a minimum of 0 always passes

    def __init__(self, shape: Shape, count: int) -> None:
        super().__init__(shape)
        self.count = count

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        if len(values) >= self.count:
            return False
        if out is not None:
            message = f"Less than {self.count} values on {focus}->{self.shape.path_text}"
            out.append(self.shape.finding(self.name, focus, None, message))
        return True


class MaxCount(Component):
    """sh:maxCount: at most so many value nodes."""

    __slots__ = ("count",)
    name = "sh:MaxCountConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> MaxCount | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        count = reader.count(node, SH.maxCount)
        if count is None:
            return None
        if not shape.is_property:
            raise reader.error(node, "sh:maxCount on a node shape")
        return cls(shape, count)

    def __init__(self, shape: Shape, count: int) -> None:
        super().__init__(shape)
        self.count = count

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        if len(values) <= self.count:
            return False
        if out is not None:
            message = f"More than {self.count} values on {focus}->{self.shape.path_text}"
            out.append(self.shape.finding(self.name, focus, None, message))
        return True


class PerValue(Component):
    """A component failing value by value, for each of its rules in turn."""

    __slots__ = ("rules",)

    def __init__(self, shape: Shape, rules: tuple[Any, ...]) -> None:
        super().__init__(shape)
        self.rules = rules

    def ok(self, rule: Any, value: str, data: Data) -> bool:
        raise NotImplementedError

    def message(self, value: str) -> str:
        raise NotImplementedError

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for rule in self.rules:
            for value in values:
                if not self.ok(rule, value, data):
                    if out is None:
                        return True
                    failed = True
                    finding = self.shape.finding(self.name, focus, value, self.message(value))
                    out.append(finding)
        return failed


class NodeKind(Component):
    """sh:nodeKind: IRI, blank node, literal or a combination."""

    __slots__ = ("allowed_first", "kind")
    name = "sh:NodeKindConstraintComponent"
    FIRST: Final = {
        SH.IRI: "<",
        SH.BlankNode: "_",
        SH.Literal: '"',
        SH.BlankNodeOrIRI: "<_",
        SH.BlankNodeOrLiteral: '_"',
        SH.IRIOrLiteral: '<"',
    }

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> NodeKind | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        kind = reader.one(node, SH.nodeKind)
        if kind is None:
            return None
        if kind not in cls.FIRST:
            raise reader.error(node, f"unknown sh:nodeKind {kind}")
        return cls(shape, URIRef(str(kind)))

    def __init__(self, shape: Shape, kind: URIRef) -> None:
        super().__init__(shape)
        self.kind = short_name(kind)
        self.allowed_first = self.FIRST[kind]

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        allowed = self.allowed_first
        for value in values:
            if value[0] not in allowed:
                if out is None:
                    return True
                failed = True
                message = f"Value is not of Node Kind {self.kind}"
                out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class ClassComponent(PerValue):
    """sh:class: each value node is a SHACL instance of the class."""

    __slots__ = ()
    name = "sh:ClassConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> ClassComponent | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        classes = tuple(term_of(c) for c in reader.graph.objects(node, SH["class"]))
        return cls(shape, classes) if classes else None

    def ok(self, rule: str, value: str, data: Data) -> bool:
        return data.is_instance(value, rule)

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        if data.supers is not None:
            return super().run(focus, values, data, out, mode)
        types = data.types
        failed = False
        for rule in self.rules:
            for value in values:
                found = types.get(value)
                if found is None or rule not in found:
                    if out is None:
                        return True
                    failed = True
                    finding = self.shape.finding(self.name, focus, value, self.message(value))
                    out.append(finding)
        return failed

    def message(self, value: str) -> str:
        if len(self.rules) < 2:
            return f"Value does not have class {value_text(self.rules[0])}"
        return f"Value class is not in classes ({', '.join(value_text(c) for c in self.rules)})"


class DatatypeComponent(PerValue):
    """sh:datatype: each value node is a well-formed literal of the datatype."""

    __slots__ = ("lang_ok", "plain_ok")
    name = "sh:DatatypeConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> DatatypeComponent | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        datatype = reader.one(node, SH.datatype)
        return cls(shape, (str(datatype),)) if datatype is not None else None

    def __init__(self, shape: Shape, rules: tuple[str]) -> None:
        super().__init__(shape, rules)
        self.plain_ok = datatype_matches('""', rules[0])
        self.lang_ok = datatype_matches('""@fi', rules[0])

    def ok(self, rule: str, value: str, data: Data) -> bool:
        return datatype_matches(data.originals.get(value, value), rule)

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for value in values:
            if value[0] == '"':
                last = value[-1]
                if last == '"':
                    if self.plain_ok:
                        continue
                elif last != ">":
                    if self.lang_ok:
                        continue
                elif self.ok(self.rules[0], value, data):
                    continue
            if out is None:
                return True
            failed = True
            out.append(self.shape.finding(self.name, focus, value, self.message(value)))
        return failed

    def message(self, value: str) -> str:
        return f"Value is not Literal with datatype {short_iri(self.rules[0])}"


class In(Component):
    """sh:in: each value node is one of the listed terms."""

    __slots__ = ("members",)
    name = "sh:InConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> In | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        members = reader.one(node, SH["in"])
        if members is None:
            return None
        return cls(shape, frozenset(term_of(m) for m in Collection(reader.graph, members)))

    def __init__(self, shape: Shape, members: frozenset[str]) -> None:
        super().__init__(shape)
        self.members = members

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for value in values:
            if value not in self.members:
                if out is None:
                    return True
                failed = True
                listed = sorted(value_text(m) for m in self.members)
                message = f"Value {value_text(value)} not in list {listed}"
                out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class HasValue(Component):
    """sh:hasValue: the value nodes include the term."""

    __slots__ = ("rules",)
    name = "sh:HasValueConstraintComponent"
    needs_values = False

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> HasValue | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        values = tuple(term_of(v) for v in reader.graph.objects(node, SH.hasValue))
        return cls(shape, values) if values else None

    def __init__(self, shape: Shape, rules: tuple[str, ...]) -> None:
        super().__init__(shape)
        self.rules = rules

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for rule in self.rules:
            if rule not in values:
                if out is None:
                    return True
                failed = True
                message = f"Node {focus}->{self.shape.path_text} does not contain {rule}"
                out.append(self.shape.finding(self.name, focus, None, message))
        return failed


class Pattern(PerValue):
    """sh:pattern (with sh:flags): each value node's text matches."""

    __slots__ = ()
    name = "sh:PatternConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> Pattern | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        patterns = list(reader.graph.objects(node, SH.pattern))
        if not patterns:
            return None
        flags = reader.one(node, SH.flags)
        re_flags = 0
        if flags is not None:
            text = str(flags).lower()
            if set(text) - {"i", "m"}:
                raise reader.error(node, f"unsupported sh:flags {flags!r}")
            re_flags = (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        if not all(isinstance(p, Literal) for p in patterns):
            raise reader.error(node, "sh:pattern must be a literal")
        return cls(shape, tuple(re.compile(str(p), re_flags) for p in patterns))

    def ok(self, rule: re.Pattern[str], value: str, data: Data) -> bool:
        if value[0] == "_":
            return False
        return rule.search(node_text(value)) is not None

    def message(self, value: str) -> str:
        return "Value does not match pattern " + " and ".join(
            repr(rule.pattern) for rule in self.rules
        )


class MinInclusive(PerValue):
    """sh:minInclusive: each value node is at least the bound."""

    __slots__ = ()
    name = "sh:MinInclusiveConstraintComponent"

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> MinInclusive | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        minimums = list(reader.graph.objects(node, SH.minInclusive))
        if not minimums:
            return None
        if not all(isinstance(m, Literal) for m in minimums):
            raise reader.error(node, "sh:minInclusive must be a literal")
        return cls(shape, tuple(minimums))

    def ok(self, rule: Literal, value: str, data: Data) -> bool:
        return min_inclusive_ok(data.originals.get(value, value), rule)

    def message(self, value: str) -> str:
        return f"Value is not >= {', '.join(str(rule) for rule in self.rules)}"


class ShapeComponent(Component):
    """Base of the components whose parameters are shapes."""

    __slots__ = ("shapes",)

    def __init__(self, shape: Shape, shapes: tuple[Any, ...]) -> None:
        super().__init__(shape)
        self.shapes = shapes


class PropertyComponent(ShapeComponent):
    """sh:property: the property shape's own results, for each value node as focus node."""

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> PropertyComponent | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        properties = tuple(reader.shape(p) for p in reader.graph.objects(node, SH.property))
        return cls(shape, properties) if properties else None

    __slots__ = ()
    name = "sh:PropertyConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for prop in self.shapes:
            for value in values:
                if out is not None:
                    failed = prop.evaluate(value, data, out, mode) or failed
                    continue
                ok = (
                    prop.conforms(value, data) if mode is CONF else not prop.has_report(value, data)
                )
                if not ok:
                    return True
        return failed


class NodeComponent(ShapeComponent):
    """sh:node: one result per node shape and value node giving any result at all."""

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> NodeComponent | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        targets = tuple(reader.shape(n) for n in reader.graph.objects(node, SH.node))
        if any(target.is_property for target in targets):
            raise reader.error(node, "sh:node must point to a node shape")
        return cls(shape, targets) if targets else None

    __slots__ = ()
    name = "sh:NodeConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for node_shape in self.shapes:
            for value in values:
                if node_shape.has_report(value, data):
                    if out is None:
                        return True
                    failed = True
                    out.append(self.shape.finding(self.name, focus, value, self.message()))
        return failed

    def message(self) -> str:
        names = [s.label for s in self.shapes]
        if len(names) < 2:
            return f"Value does not conform to Shape {names[0]}. See details for more information."
        listed = "', '".join(names)
        return (
            f"Value must conform to every Shape in ('{listed}'). See details for more information."
        )


class Or(ShapeComponent):
    """sh:or: one result per list and value node conforming to no member."""

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> Or | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        graph = reader.graph
        lists = tuple(
            tuple(reader.shape(m) for m in Collection(graph, members))
            for members in graph.objects(node, SH["or"])
        )
        return cls(shape, lists) if lists else None

    __slots__ = ()
    name = "sh:OrConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for members in self.shapes:
            for value in values:
                if not any(member.conforms(value, data) for member in members):
                    if out is None:
                        return True
                    failed = True
                    listed = " , ".join(m.label for m in members)
                    message = (
                        f"Node {value_text(value)} must conform to one or more shapes in {listed}"
                    )
                    out.append(self.shape.finding(self.name, focus, value, message))
        return failed


class Not(ShapeComponent):
    """sh:not: one result per negated shape and value node conforming to it."""

    @classmethod
    def from_shape(cls, reader: ShapeReader, node: Node, shape: Shape) -> Not | None:
        """This component of a shape node, read from its parameters; None if it has none."""
        targets = tuple(reader.shape(n) for n in reader.graph.objects(node, SH["not"]))
        return cls(shape, targets) if targets else None

    __slots__ = ()
    name = "sh:NotConstraintComponent"

    def run(self, focus: str, values: Sequence[str], data: Data, out: Out, mode: bool) -> bool:
        failed = False
        for negated in self.shapes:
            for value in values:
                if negated.conforms(value, data):
                    if out is None:
                        return True
                    failed = True
                    message = f"Node {value_text(value)} must not conform to shape {negated.label}"
                    out.append(self.shape.finding(self.name, focus, value, message))
        return failed


COMPONENTS: tuple[Any, ...] = (
    MinCount,
    MaxCount,
    NodeKind,
    ClassComponent,
    DatatypeComponent,
    In,
    HasValue,
    Pattern,
    MinInclusive,
    NodeComponent,
    Not,
    Or,
    PropertyComponent,
)
"""Every component the engine evaluates, in the order a shape runs them."""
