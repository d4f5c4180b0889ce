"""A fast SHACL Core engine for dcatgen's shapes, with pyshacl's findings.

Modules: terms (N-Triples terms, literal checks), data (the indexed data graph), components
(shapes, paths, constraint components, each reading its own parameters), plan (which shapes
run where), compiler (shapes graph → plan; `validate_fast`).

pyshacl needs ~18 ms per register on our shapes; at national scale (100,000 registers) that
is half an hour.  This engine compiles the shapes graph once into plain Python objects and
evaluates them over an index of N-Triples term strings, with no rdflib in the hot loop.

It supports exactly the SHACL Core features our shape files use (see `SUPPORTED`) and raises
`UnsupportedShapeError` at compile time for anything else, so that a new shape file cannot be
checked half-way without anyone noticing.  Its findings are those of
`dcatgen.validation.reference.shacl_findings()` (pyshacl 0.40, inference none,
allow_warnings) -- same severity, focus node, path, component, value and shape, result for
result; only the generated messages differ in wording (a shape's own sh:message is used as
pyshacl uses it).

pyshacl semantics mirrored here (read from pyshacl/shape.py and constraints/core/*.py):

- Each constraint component of a shape runs once per shape and handles every value of its
  parameter; sh:class, sh:node, sh:hasValue, sh:pattern, sh:minInclusive, sh:or and sh:not
  give one result per parameter value (per class, per node shape, ...) and value node.
- sh:node: a value fails a node shape when validating it against that shape yields any result
  at all (even a warning); the nested results go under sh:detail and are not top-level results.
- sh:or / sh:not use *conformance*: with allow_warnings a shape of severity sh:Warning or
  sh:Info always conforms; a sh:Violation shape conforms when none of its constraints fails,
  a sh:property constraint failing when the property shape does not conform.
- sh:minCount, sh:maxCount and sh:hasValue give one result per focus node, without a value.
- Node-level constraints (sh:class, sh:pattern, sh:or ... directly on a node shape) have the
  focus node as value and no result path; complex paths (inverse, alternative) have no short
  result path (pyshacl writes a blank node; `validation.findings` shows None).
- Value nodes are sets; a node is a SHACL instance of C when one of its rdf:types is C or a
  subclass of C through rdfs:subClassOf triples *in the data*.
- Typed literals are what rdflib makes of them: the value, well-formedness (ill-typed lexical
  forms never match sh:datatype), normalised lexical form (reported as sh:value) and ordering
  (sh:minInclusive) are taken from rdflib's own Literal, once per distinct literal (memoised),
  so they match pyshacl even for odd forms such as "x"^^xsd:boolean (reported as "false").

Input terms are N-Triples strings: `<iri>`, `"lexical"`, `"lexical"@lang`,
`"lexical"^^<datatype>` (escapes `\\\\ \\" \\n \\r \\t \\uXXXX`), `_:label`.
"""
