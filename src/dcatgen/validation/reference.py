"""The reference engine: pySHACL, whose findings the fast engine must reproduce exactly."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from dcatgen.validation.findings import Finding, Severity, short_name
from dcatgen.validation.shapes import shapes_graph


def shacl_findings(data: Graph, shapes: Graph | None = None) -> tuple[list[Finding], Graph]:
    """Run pyshacl; return the report's top-level results (nested sh:detail ones are not)."""
    from pyshacl import validate as pyshacl_validate  # slow to import; the fast engine needs none

    _, report_graph, _ = pyshacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    findings = []
    for report in report_graph.subjects(SH.conforms, None):
        for result in report_graph.objects(report, SH.result):
            path = report_graph.value(result, SH.resultPath)
            findings.append(
                Finding(
                    severity=Severity.from_iri(report_graph.value(result, SH.resultSeverity)),
                    register=None,
                    focus_node=str(report_graph.value(result, SH.focusNode)),
                    path=short_name(path) if isinstance(path, URIRef) else None,
                    component=short_name(report_graph.value(result, SH.sourceConstraintComponent))
                    or "",
                    message=str(report_graph.value(result, SH.resultMessage) or ""),
                    shape=short_name(report_graph.value(result, SH.sourceShape))
                    if isinstance(report_graph.value(result, SH.sourceShape), URIRef)
                    else None,
                    value=short_name(report_graph.value(result, SH.value)),
                )
            )
    return findings, report_graph
