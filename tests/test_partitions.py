"""Partitioned builds: per-file validation equals whole-catalog validation; reuse is exact."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from dcatgen.load import load
from dcatgen.mapping import description_triples, to_graph
from dcatgen.pipeline import Job, Partition, build, process
from dcatgen.serialize import Format, canonical
from dcatgen.validate import shacl_findings
from tests.conftest import DATA, FIXTURES


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """A folder of three descriptions: the seed, a complete one and a defective one."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "mynamaki.yaml", folder / "a-mynamaki.yaml")
    shutil.copy(FIXTURES / "minimal.yaml", folder / "b-minimal.yaml")
    shutil.copy(FIXTURES / "broken" / "incomplete.yaml", folder / "c-incomplete.yaml")
    return folder


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_partition_findings_equal_whole_graph_findings(many: Path, engine: str) -> None:
    """Union over partitions (shared nodes once) == pyshacl over the whole catalog."""
    whole = canonical(t for s in load(many) for t in description_triples(s.description))
    expected = Counter(f.identity() for f in shacl_findings(to_graph(whole))[0])
    own: Counter[tuple[object, ...]] = Counter()
    shared: set[tuple[object, ...]] = set()
    for path in sorted(many.iterdir()):
        result = process(Job(str(path), "x", engine, (Format.N_TRIPLES,)))
        assert isinstance(result, Partition)
        own.update(f.identity() for f in result.findings)
        shared.update(f.identity() for f in result.shared_findings)
    assert own + Counter(shared) == expected
    assert sum(expected.values()) > 80


def test_rebuild_reuses_unchanged_files_and_gives_identical_bytes(
    many: Path, tmp_path: Path
) -> None:
    """A second build reuses every file; changing one re-processes only that one."""
    out = tmp_path / "out"
    first = build(many, out, force=True)
    assert first.summary.reused == 0
    before = {p.name: p.read_bytes() for p in out.glob("catalog.*")}
    second = build(many, out, force=True)
    assert second.summary.reused == 3
    assert {p.name: p.read_bytes() for p in out.glob("catalog.*")} == before
    assert second.summary.counts == first.summary.counts

    changed = many / "a-mynamaki.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace(
            "Kirjastopalveluiden asiarekisteri", "Kirjaston asiarekisteri"
        ),
        encoding="utf-8",
    )
    third = build(many, out, force=True)
    assert third.summary.reused == 2
    fresh = tmp_path / "fresh"
    build(many, fresh, force=True)
    for name in before:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    assert b"Kirjaston asiarekisteri" in (out / "catalog.ttl").read_bytes()


def test_edited_output_is_not_trusted(many: Path, tmp_path: Path) -> None:
    """If someone touched an output file, the next build rebuilds everything."""
    out = tmp_path / "out"
    build(many, out, force=True)
    with (out / "catalog.nt").open("ab") as stream:
        stream.write(b"\n")
    assert build(many, out, force=True).summary.reused == 0


def test_parallel_build_equals_serial_build(many: Path, tmp_path: Path) -> None:
    """Two worker processes write the same bytes as one."""
    build(many, tmp_path / "serial", force=True, workers=1)
    build(many, tmp_path / "parallel", force=True, workers=2)
    for fmt in Format:
        name = f"catalog.{fmt.extension}"
        serial = (tmp_path / "serial" / name).read_bytes()
        assert serial == (tmp_path / "parallel" / name).read_bytes(), name


def test_refused_build_leaves_previous_output_and_no_partial_files(
    many: Path, tmp_path: Path
) -> None:
    """Violations without --force: the old files stay, no temporary file remains."""
    out = tmp_path / "out"
    (out).mkdir()
    (out / "catalog.ttl").write_text("old", encoding="utf-8")
    result = build(many, out)
    assert not result.written
    assert not result.summary.conforms
    assert (out / "catalog.ttl").read_text(encoding="utf-8") == "old"
    assert not list(out.glob("*.partial"))


def test_shared_code_list_nodes_are_written_once(many: Path, tmp_path: Path) -> None:
    """EDUC is used by two organisations but described once in the output."""
    build(many, tmp_path, force=True)
    text = (tmp_path / "catalog.ttl").read_text(encoding="utf-8")
    assert text.count("<http://publications.europa.eu/resource/authority/data-theme/EDUC> a") == 1
