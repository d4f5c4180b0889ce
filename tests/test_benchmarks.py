"""The benchmark instruments: generator, defect injection, reference pipeline, runner.

Correctness only, at small sizes: no timed assertions.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.defects import KIND_NAMES, Injection, inject_defects
from benchmarks.generate import generate
from benchmarks.reference import run as run_reference
from rdflib import Graph

from dcatgen.build.catalog import make_catalog
from dcatgen.build.pipeline import build, validate_all
from dcatgen.mapping.tables import to_graph
from dcatgen.model.load import load
from dcatgen.validation.findings import Severity
from dcatgen.validation.reference import shacl_findings
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 registers over 3 organisations, generated once."""
    folder = tmp_path_factory.mktemp("generated")
    generate(30, folder, organisations=3)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.yaml"))}


def test_same_seed_gives_identical_files(generated: Path, tmp_path: Path) -> None:
    """The generator is deterministic: same seed and sizes → byte-identical files."""
    generate(30, tmp_path, organisations=3)
    assert _files(tmp_path) == _files(generated)


def test_another_seed_gives_other_files(generated: Path, tmp_path: Path) -> None:
    """The seed matters."""
    generate(30, tmp_path, organisations=3, seed=1)
    assert _files(tmp_path) != _files(generated)


def test_generated_input_loads_and_builds(generated: Path, tmp_path: Path) -> None:
    """The real loader reads the files and the catalog conforms, so build writes it."""
    sources = load(generated)
    assert len(sources) == 3
    assert sum(len(s.description.registers()) for s in sources) == 30
    result = build(generated, tmp_path)
    assert result.summary.conforms, result.summary.text()
    assert result.summary.registers == 30
    assert {p.name for p in result.written} == {
        "catalog.ttl",
        "catalog.jsonld",
        "catalog.rdf",
        "catalog.nt",
        "quality.trig",
    }


def test_generator_covers_the_variants(tmp_path: Path) -> None:
    """A mid-sized run has every organisation kind, Swedish descriptions and the rich fields."""
    generate(400, tmp_path, organisations=12)
    descriptions = [s.description for s in load(tmp_path)]
    kinds = {d.organisation.kind.value for d in descriptions}
    assert kinds == {"municipality", "joint-authority", "regional-council", "state-agency"}
    assert any(d.language == "sv" for d in descriptions)
    registers = [r for d in descriptions for _, r in d.registers()]
    availabilities = {
        statement.availability.value
        for d in descriptions
        for statement in [d.organisation.api]
        + [u.api for u in d.units]
        + [r.api for r in registers]
        if statement is not None
    }
    assert availabilities == {"open", "partly-open", "mostly-not-open", "not-open", "not-stated"}
    assert any(r.part_of for r in registers)
    assert any(s.parts for r in registers for s in r.systems)
    assert any(s.national for r in registers for s in r.systems)
    assert any(r.secrecy for r in registers)
    assert any(r.distributions for r in registers)
    assert any(r.search_criteria and r.search_criteria.concepts for r in registers)
    assert any(u.cross_references for d in descriptions for u in d.units)


def test_yaml_level_defects_are_accepted_and_reported(tmp_path: Path) -> None:
    """--defects writes input the loader accepts and validation reports."""
    result = generate(100, tmp_path, organisations=2, defect_rate=0.3)
    assert len(result.defects) >= 4
    report = validate_all(tmp_path)[1]
    assert not report.conforms
    assert {f.severity for f in report.findings} >= {Severity.VIOLATION, Severity.WARNING}


def test_injected_defects_draw_many_constraint_components(generated: Path) -> None:
    """inject_defects gives findings of at least 6 constraint components, all severities."""
    catalog = make_catalog(generated)
    log: list[Injection] = []
    broken = inject_defects(catalog.triples, random.Random(5), rate=1.0, log=log)
    assert inject_defects(catalog.triples, random.Random(5), rate=1.0) == broken
    assert len({i.kind for i in log}) >= 20
    assert {i.kind for i in log} <= set(KIND_NAMES)
    graph = to_graph(broken)
    clean = to_graph(catalog.triples)
    before = {(f.focus_node, f.path, f.component, f.value) for f in shacl_findings(clean)[0]}
    after, _ = shacl_findings(graph)
    new = [f for f in after if (f.focus_node, f.path, f.component, f.value) not in before]
    components = {f.component for f in new}
    assert len(components) >= 6, components
    assert {f.severity for f in new} == set(Severity)


def test_reference_pipeline_agrees_with_dcatgen(generated: Path, tmp_path: Path) -> None:
    """The naive pipeline sees the same triples and the same findings as dcatgen."""
    built = build(generated, tmp_path / "dcatgen")  # first: its ledger dates both catalogs
    result = run_reference(generated, tmp_path)
    _, report = validate_all(generated)
    assert result["triples"] == built.summary.triples
    assert result["findings"]["violations"] == report.count(Severity.VIOLATION)
    unplaced = sum(1 for f in report.findings if f.component == "dcatgen:Unplaced")
    assert result["findings"]["warnings"] == report.count(Severity.WARNING) - unplaced
    written = Graph().parse(tmp_path / "catalog.jsonld", format="json-ld")
    assert written.isomorphic(Graph().parse(tmp_path / "dcatgen" / "catalog.nt", format="nt"))


def test_run_end_to_end_writes_the_json(tmp_path: Path) -> None:
    """benchmarks/run.py at tiny size: every required key, both pipelines, queries."""
    figures_file = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--registers",
            "20",
            "--json",
            str(figures_file),
            "--keep",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    for key in (
        "registers",
        "dcatgen_total_s",
        "reference_total_s",
        "ratio",
        "peak_rss_mb",
        "rebuild_one_s",
        "stages",
        "queries",
        "machine",
    ):
        assert figures[key] is not None, key
    assert figures["registers"] == 20
    assert {"load", "validate"} <= set(figures["stages"])
    assert len(figures["queries"]) >= 6
    assert all(len(runs) == 3 for runs in figures["query_runs"].values())
    assert set(figures["answers_csv"]) == set(figures["queries"])
    # Timings are figures, never assertions: a fast run rounds one to 0.0.
    assert all(isinstance(s, int | float) for s in figures["answers_csv"].values())
    assert "answer as CSV" in completed.stdout
    assert isinstance(figures["query_cli_s"], int | float)  # reported, never judged
    assert figures["query_cli_peak_rss_mb"] > 0
    assert "dcatgen query --data OUT" in completed.stdout
    assert isinstance(figures["serve_ready_s"], int | float)
    assert isinstance(figures["serve_query_s"], int | float)
    assert figures["serve_peak_rss_mb"] > 0 and "dcatgen serve OUT ready" in completed.stdout
    serve_line = completed.stdout.split("dcatgen serve OUT ready", 1)[1].splitlines()[0]
    assert serve_line.endswith(f"{figures['organisations']} rows")  # one per organisation
    assert figures["counts"]["triples"] == figures["reference_counts"]["triples"]
    assert "total (wall)" in completed.stdout


def test_run_skips_the_reference_when_asked(tmp_path: Path) -> None:
    """--no-reference leaves reference_total_s null and says so."""
    figures_file = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--registers",
            "5",
            "--no-reference",
            "--no-rebuild",
            "--no-queries",
            "--json",
            str(figures_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["reference_total_s"] is None
    assert figures["ratio"] is None
    assert "skipped" in completed.stdout


def test_reliability_serve_runs_and_finds_nothing_wrong() -> None:
    """benchmarks/reliability_serve.py, at its smallest: no 5xx, no traceback, every half-open
    connection closed by the server, no killed publish landing (figures are not checked)."""
    from benchmarks.reliability_serve import half_open_run, load_run, publish_kill_run

    load = load_run(registers=0, clients=2, max_requests=60, max_seconds=60)
    assert load.requests == 60 and load.errors == 0 and load.tracebacks == 0, load
    assert load.rss_before_mb > 0 and load.rss_after_mb > 0
    half_open = half_open_run(connections=20, header_timeout=1.0, deadline_s=60)
    assert half_open.closed_by_server == 20 and half_open.answered_meanwhile == 5, half_open
    kills = publish_kill_run(kills=2, registers=0, staged=True)
    assert kills.newer_kept == 2 and kills.staging_triples_left == 0, kills


def test_profile_build_prints_the_stages_and_the_functions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """benchmarks/profile_build.py on the seed: the build's figures, every stage it timed, and
    both tables (it had broken unseen when the build's result changed shape)."""
    from benchmarks.profile_build import main as profile

    assert profile([str(ROOT / "data"), "-o", str(tmp_path / "out"), "--top", "5"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("5 registers, 418 triples, ")
    for stage in ("load", "map", "validate", "serialize", "site"):
        assert f"\n  {stage} " in printed, stage
    assert "dcatgen function" in printed and "function (all libraries)" in printed
    assert (tmp_path / "out" / "mynamaki" / "catalog.ttl").is_file()
