"""Compiling a shapes graph into the fast engine's objects, and validating with them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from dcatgen.validation.fast.components import (
    COMPONENTS,
    AlternativePath,
    InversePath,
    Or,
    PredicatePath,
    Shape,
    ShapeComponent,
    ValuePath,
)
from dcatgen.validation.fast.plan import CompiledShapes
from dcatgen.validation.fast.terms import Triple, term_of
from dcatgen.validation.findings import Finding, Severity, short_name
from dcatgen.validation.shapes import shapes_graph

SUPPORTED: Final = frozenset(
    SH[name]
    for name in (
        "targetClass",
        "path",
        "inversePath",
        "alternativePath",
        "property",
        "node",
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "hasValue",
        "in",
        "pattern",
        "flags",
        "or",
        "not",
        "minInclusive",
        "severity",
        "message",
    )
)
"""The sh: predicates this engine evaluates (plus metadata it may ignore, `IGNORED`)."""


IGNORED: Final = frozenset(
    URIRef(str(SH) + name)
    for name in ("name", "description", "order", "group", "defaultValue", "shape")
)
"""sh: predicates without validation meaning for pyshacl (`sh:shape` is not SHACL at all)."""


_SHAPE_TYPES = frozenset({SH.NodeShape, SH.PropertyShape})


ALLOWED_SEVERITIES = frozenset({SH.Info, SH.Warning})
"""With allow_warnings, shapes of these severities always conform (pyshacl Shape.validate)."""


class UnsupportedShapeError(ValueError):
    """The shapes graph uses something this engine does not evaluate."""


class Compiler:
    """Reads a shapes graph into compiled shapes (the components read their own parameters)."""

    def __init__(self, graph: Graph) -> None:
        self.g = self.graph = graph
        self.shapes: dict[Node, Shape] = {}
        self.inverse: set[str] = set()
        self._check_vocabulary()
        node_shapes, property_shapes = self._find_shapes()
        for node in sorted(node_shapes | property_shapes, key=str):
            self.shapes[node] = Shape(len(self.shapes), self._label(node))
        for node in node_shapes:
            self._compile(node, is_property=False)
        for node in property_shapes:
            self._compile(node, is_property=True)
        self._check_cycles()

    def shape(self, node: Node) -> Shape:
        """The compiled shape of a shape node."""
        return self.shapes[node]

    def error(self, node: Node, problem: str) -> UnsupportedShapeError:
        """The error to raise for a shape this engine cannot evaluate."""
        return UnsupportedShapeError(f"shape {self._label(node)}: {problem}")

    def _label(self, node: Node) -> str:
        return short_name(node) or str(node) if isinstance(node, URIRef) else f"_:{node}"

    def _check_vocabulary(self) -> None:
        g = self.g
        for _, predicate, _ in g:
            if str(predicate).startswith(str(SH)) and predicate not in SUPPORTED | IGNORED:
                raise UnsupportedShapeError(
                    f"{short_name(predicate)} is not supported by dcatgen.validation.engine"
                )
        for node, cls in g.subject_objects(RDF.type):
            if str(cls).startswith(str(SH)) and cls not in _SHAPE_TYPES:
                raise UnsupportedShapeError(
                    f"{self._label(node)} is a {short_name(cls)}: "
                    "not supported by dcatgen.validation.engine"
                )
        classes = {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
        for node, cls in g.subject_objects(RDF.type):
            if cls in classes and (node, RDF.type, SH.NodeShape) in g:
                raise self.error(node, "implicit class targets are not supported")

    def _find_shapes(self) -> tuple[set[Node], set[Node]]:
        """Node and property shapes, found the way pyshacl's ShapesGraph finds them."""
        g = self.g
        defined_node = set(g.subjects(RDF.type, SH.NodeShape))
        defined_property = set(g.subjects(RDF.type, SH.PropertyShape))
        for node in defined_node:
            if (node, SH.path, None) in g:
                raise self.error(node, "a sh:NodeShape cannot have sh:path")
            if node in defined_property:
                raise self.error(node, "both a sh:NodeShape and a sh:PropertyShape")
        implied: set[Node] = set(g.subjects(SH.targetClass, None))
        implied |= set(g.subjects(SH.property, None)) | set(g.subjects(SH.node, None))
        for predicate in (SH.property, SH.node, SH["not"]):
            implied |= set(g.objects(None, predicate))
        for lists in g.objects(None, SH["or"]):
            implied |= set(Collection(g, lists))
        node_shapes = set(defined_node)
        property_shapes = set(defined_property)
        for node in implied - defined_node - defined_property:
            if isinstance(node, Literal):
                raise UnsupportedShapeError(f"a literal used as a shape: {node!r}")
            (property_shapes if (node, SH.path, None) in g else node_shapes).add(node)
        for node in property_shapes:
            if len(list(g.objects(node, SH.path))) != 1:
                raise self.error(node, "a property shape needs exactly one sh:path")
        return node_shapes, property_shapes

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise self.error(node, f"more than one {short_name(predicate)}")
        return values[0] if values else None

    def count(self, node: Node, predicate: URIRef) -> int | None:
        value = self.one(node, predicate)
        if value is None:
            return None
        if not (isinstance(value, Literal) and value.datatype == XSD.integer):
            raise self.error(node, f"{short_name(predicate)} must be an xsd:integer")
        count = int(value)
        if count < 0:
            raise self.error(node, f"{short_name(predicate)} must be >= 0")
        return count

    def _path(self, node: Node, path: Node, depth: int = 0) -> ValuePath:
        g = self.g
        if isinstance(path, URIRef):
            return PredicatePath(term_of(path))
        if isinstance(path, BNode) and depth < 3:
            inverse = list(g.objects(path, SH.inversePath))
            alternatives = list(g.objects(path, SH.alternativePath))
            if (path, RDF.first, None) in g:
                raise self.error(node, "sequence paths are not supported")
            if len(inverse) == 1 and not alternatives and isinstance(inverse[0], URIRef):
                self.inverse.add(term_of(inverse[0]))
                return InversePath(term_of(inverse[0]))
            if len(alternatives) == 1 and not inverse:
                members = list(Collection(g, alternatives[0]))
                if len(members) < 2:
                    raise self.error(node, "sh:alternativePath needs at least two paths")
                return AlternativePath(tuple(self._path(node, m, depth + 1) for m in members))
        raise self.error(node, f"unsupported path {path!r}")

    def _compile(self, node: Node, is_property: bool) -> None:
        g = self.g
        shape = self.shapes[node]
        shape.is_property = is_property
        if isinstance(node, URIRef):
            shape.shape_text = short_name(node)
        severity = self.one(node, SH.severity)
        shape.severity = Severity.from_iri(severity)
        shape.allowed = severity in ALLOWED_SEVERITIES
        messages = sorted(str(m) for m in g.objects(node, SH.message))
        shape.message = messages[0] if messages else None
        if is_property:
            path = self.one(node, SH.path)
            assert path is not None
            shape.path = self._path(node, path)
            shape.path_text = short_name(path) if isinstance(path, URIRef) else None

        found = (kind.from_shape(self, node, shape) for kind in COMPONENTS)
        shape.components = tuple(component for component in found if component is not None)

    def _check_cycles(self) -> None:
        """Recursive shapes would loop here (pyshacl warns and cuts them): refuse them."""
        children: dict[Shape, list[Shape]] = {}
        for shape in self.shapes.values():
            for component in shape.components:
                if isinstance(component, Or):
                    children.setdefault(shape, []).extend(m for ms in component.shapes for m in ms)
                elif isinstance(component, ShapeComponent):
                    children.setdefault(shape, []).extend(component.shapes)
        done: set[Shape] = set()

        def visit(shape: Shape, stack: tuple[Shape, ...]) -> None:
            if shape in stack:
                raise UnsupportedShapeError(f"recursive shapes: {[s.label for s in stack]}")
            if shape in done:
                return
            for child in children.get(shape, ()):
                visit(child, (*stack, shape))
            done.add(shape)

        for shape in self.shapes.values():
            visit(shape, ())

    def compiled(self) -> CompiledShapes:
        targets: dict[str, list[Shape]] = {}
        for node, cls in self.g.subject_objects(SH.targetClass):
            targets.setdefault(term_of(cls), []).append(self.shapes[node])
        return CompiledShapes(
            {cls: tuple(sorted(shapes, key=lambda s: s.index)) for cls, shapes in targets.items()},
            frozenset(self.inverse),
        )


def compile_shapes(graph: Graph) -> CompiledShapes:
    """Compile a shapes graph; UnsupportedShapeError if it uses what this engine lacks."""
    return Compiler(graph).compiled()


_COMPILED: dict[int, tuple[Graph, CompiledShapes]] = {}


def _compiled_for(shapes: Graph) -> CompiledShapes:
    known = _COMPILED.get(id(shapes))
    if known is None or known[0] is not shapes:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        known = _COMPILED[id(shapes)] = (shapes, compile_shapes(shapes))
    return known[1]


def validate_fast(triples: Iterable[Triple], shapes: Graph | None = None) -> list[Finding]:
    """Top-level SHACL results for triples of N-Triples term strings (unsorted).

    The same findings as `dcatgen.validation.reference.shacl_findings` on the same data and shapes
    (default: `dcatgen.validation.shapes.shapes_graph()`), without register, field or position.
    """
    if shapes is None:
        return default_compiled().validate(triples)
    return _compiled_for(shapes).validate(triples)


_DEFAULT: list[CompiledShapes] = []


def default_compiled() -> CompiledShapes:
    """dcatgen's own shapes, compiled once per machine: kept as a pickle in the user's cache
    (keyed by the shape files, this module and rdflib's version), since parsing and compiling
    them takes longer than validating a changed description."""
    if _DEFAULT:
        return _DEFAULT[0]
    import hashlib
    import os
    import pickle
    import tempfile
    from importlib import resources
    from pathlib import Path

    import rdflib

    digest = hashlib.sha256(rdflib.__version__.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):  # the pickled classes' code
        digest.update(module.read_bytes())
    folder = resources.files("dcatgen").joinpath("resources/shapes")
    from dcatgen.validation.shapes import SHAPE_FILES

    for name in SHAPE_FILES:
        digest.update(folder.joinpath(name).read_bytes())
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dcatgen"
    path = home / f"shapes-{digest.hexdigest()[:24]}.pickle"
    compiled: CompiledShapes | None = None
    try:
        loaded = pickle.loads(path.read_bytes())
        if isinstance(loaded, CompiledShapes):
            compiled = loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        compiled = None
    if compiled is None:
        compiled = compile_shapes(shapes_graph())
        try:  # best effort: a read-only home only costs the next run the compile time
            home.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=home, prefix=".shapes-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(pickle.dumps(compiled))
            os.replace(temporary, path)
        except OSError:
            pass
    _DEFAULT.append(compiled)
    return compiled
