"""`dcatgen quality [DATA|OUT]`: the report, from a build's quality files or measured now."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dcatgen.errors import InputError, Problem
from dcatgen.quality.graph import measurements_from_quads, nquads, read_quads
from dcatgen.quality.output import quads_for
from dcatgen.quality.report import QualityReport, make_report


def quality_report(target: Path) -> QualityReport:
    """The quality report on YAML descriptions (validated and measured now) or on an out/
    folder (its quality.trig).  Raises InputError on bad or missing input."""
    from dcatgen.build.catalog import check
    from dcatgen.sparql.store import quality_files, read_source
    from dcatgen.validation.findings import Severity

    source = read_source(target)
    if source.is_rdf:
        files = quality_files(source)
        if not files:
            message = (
                f"{target}: no quality.trig beside the catalog: build it again "
                "with this version of dcatgen, or give the data folder"
            )
            raise InputError([Problem(None, "", message)])
        try:
            quads = [quad for path in files for quad in read_quads(path)]
        except (SyntaxError, OSError) as error:
            raise InputError(
                [Problem(None, "", f"cannot read the quality files: {error}")]
            ) from None
        return make_report(measurements_from_quads(quads))
    assert source.catalog is not None
    report = check(source.catalog)
    violations = [
        f.focus_node.strip("<>") for f in report.findings if f.severity is Severity.VIOLATION
    ]
    own = quads_for(source.catalog.sources, source.catalog.triples, violations)
    parsed = ox.parse(nquads(own), format=ox.RdfFormat.N_QUADS)
    return make_report(measurements_from_quads(parsed))
