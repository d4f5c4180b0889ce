"""Validation: exact findings for broken descriptions, official-shape conformance, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from dcatgen.build.catalog import check, make_catalog
from dcatgen.validation.findings import Severity
from tests.conftest import DATA, FIXTURES, ROOT

OFFICIAL = ROOT / "shapes" / "dcat-ap-3"
REFERENCE = ROOT.parent / "shared" / "reference" / "dcat-ap-3"


def _findings(path: Path) -> set[tuple[str | None, str, str | None, str]]:
    report = check(make_catalog(path))
    return {
        (f.register, f.severity.label, f.path, f.message.split(":")[0])
        for f in report.findings
        if "§28" in f.message
        or (f.path or "").startswith("dg:")
        or f.severity is not Severity.WARNING
    }


def test_incomplete_register_gets_each_missing_s28_item_named() -> None:
    """A register stating nothing gets one warning per §28 item, and the DCAT-AP violation."""
    findings = _findings(FIXTURES / "broken" / "incomplete.yaml")
    assert findings == {
        ("tyhja", "violation", "dct:description", "Less than 1 values on <https"),
        ("tyhja", "warning", "dg:informationSystem", "§28 item 1 missing"),
        ("tyhja", "warning", "dg:disclosureAuthority", "§28 item 2 missing"),
        ("tyhja", "warning", "dg:dataGroup", "§28 item 3 missing"),
        ("tyhja", "warning", None, "§28 item 4 missing"),
        ("tyhja", "warning", "dg:openInterfaceAvailability", "§28 item 5 missing"),
        ("tyhja", "info", "dg:purpose", "purpose (käyttötarkoitus) missing"),
        ("epaselva", "warning", "dg:disclosureAuthority", "§28 item 2 missing"),
        ("epaselva", "warning", "dg:openInterfaceAvailability", "§28 item 5 not stated"),
    }


def test_findings_point_at_the_yaml_line_and_field() -> None:
    """The DCAT-AP violation names the register's file:line and the field to add."""
    report = check(make_catalog(FIXTURES / "broken" / "incomplete.yaml"))
    violation = next(f for f in report.findings if f.severity is Severity.VIOLATION)
    assert violation.position is not None
    assert violation.position.path.name == "incomplete.yaml"
    assert violation.position.line == 13
    assert violation.field == "units[0].registers[0].description"
    stated = next(f for f in report.findings if "not stated" in f.message)
    assert stated.position is not None and stated.position.line == 23
    assert stated.field == "units[0].registers[1].api"


def test_complete_description_has_no_s28_findings() -> None:
    """A description stating all five items gets no §28 findings and conforms."""
    report = check(make_catalog(FIXTURES / "minimal.yaml"))
    assert report.conforms
    assert not [f for f in report.findings if "§28" in f.message]


def test_seed_reports_item_2_missing_for_every_register() -> None:
    """The seed states no disclosure authority: §28 item 2 is reported for all five."""
    report = check(make_catalog(DATA))
    assert report.conforms
    missing = {f.register for f in report.findings if f.message.startswith("§28 item 2")}
    assert missing == {
        "perusopetus-ja-lukio",
        "varhaiskasvatus",
        "kirjastopalvelut",
        "nuorisopalvelut",
        "liikuntapalvelut",
    }
    assert not [f for f in report.findings if f.message.startswith(("§28 item 1", "§28 item 3"))]


@pytest.mark.parametrize(
    "name",
    [
        "shapes.ttl",
        "range.ttl",
        "shapes_recommended.ttl",
        "mdr-vocabularies.shape.ttl",
        "deprecateduris.ttl",
    ],
)
@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference is not beside the repo")
def test_official_shapes_are_verbatim_copies(name: str) -> None:
    """shapes/dcat-ap-3 holds the official files unchanged."""
    assert (OFFICIAL / name).read_bytes() == (REFERENCE / name).read_bytes()


@pytest.mark.parametrize("fixture", [DATA, FIXTURES / "minimal.yaml"], ids=["seed", "minimal"])
def test_independent_pyshacl_run_with_official_shapes_conforms(
    tmp_path: Path, fixture: Path
) -> None:
    """Plain pyshacl, the official files and nothing of ours: the built catalog conforms."""
    from dcatgen.build.pipeline import build

    build(fixture, tmp_path)
    data = Graph().parse(tmp_path / "catalog.ttl")
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"):
        shapes = Graph().parse(OFFICIAL / name)
        conforms, report, text = pyshacl_validate(data, shacl_graph=shapes, allow_warnings=True)
        # Only top-level results count: nested sh:detail results carry their own severity.
        top = set(report.objects(None, SH.result))
        violations = [r for r in top if (r, SH.resultSeverity, SH.Violation) in report]
        assert conforms, text
        assert not violations


def test_json_report_lists_findings_with_positions() -> None:
    """The JSON report has counts and each finding with file and line."""
    report = check(make_catalog(FIXTURES / "broken" / "incomplete.yaml"))
    document = json.loads(report.to_json())
    assert document["conforms"] is False
    assert document["violations"] == 1
    assert document["warnings"] == report.count(Severity.WARNING)
    first = document["findings"][0]
    assert set(first) >= {"severity", "register", "focus_node", "path", "component", "message"}
    assert all(
        f["position"]["file"].endswith("incomplete.yaml")
        for f in document["findings"]
        if f["position"]
    )
