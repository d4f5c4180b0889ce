"""Partitioned builds: per-file validation equals whole-catalog validation; reuse is exact."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from dcatgen.build import writer
from dcatgen.build.partition import Job, Partition, process
from dcatgen.build.pipeline import build
from dcatgen.mapping.tables import description_triples, to_graph
from dcatgen.model.load import load
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import canonical, exchange
from dcatgen.validation.reference import shacl_findings
from tests.conftest import DATA, INCOMPLETE, MINIMAL, SEED, descriptions


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """A folder of three descriptions: the seed, a complete one and a defective one."""
    files = {"a-mynamaki.yaml": SEED, "b-minimal.yaml": MINIMAL, "c-incomplete.yaml": INCOMPLETE}
    return descriptions(tmp_path / "data", files)


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


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("catalog.*")}


def test_nothing_changed_means_nothing_written(many: Path, tmp_path: Path) -> None:
    """Combined: a build with every description unchanged leaves the four files untouched."""
    from click.testing import CliRunner

    from dcatgen.cli import main

    out = tmp_path / "out"
    build(many, out, force=True)
    before = _stamps(out)
    again = build(many, out, force=True)
    assert again.up_to_date and again.written == []
    assert again.summary.reused == 3 and again.summary.triples > 0
    assert _stamps(out) == before
    result = CliRunner().invoke(main, ["build", str(many), "-o", str(out), "--force"])
    assert result.exit_code == 1, result.output  # the data has violations, forced before
    assert "up to date: nothing changed since the last build" in result.output
    assert _stamps(out) == before

    # A description gone: same reused files, but the output must change.
    (many / "c-incomplete.yaml").unlink()
    fewer = build(many, out, force=True)
    assert not fewer.up_to_date and len(fewer.written) == 4
    assert fewer.summary.reused == 2
    fresh = tmp_path / "fresh"
    build(many, fresh, force=True)
    for name in before:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_unchanged_but_refused_is_not_up_to_date(many: Path, tmp_path: Path) -> None:
    """Outputs forced through earlier are not blessed by an unforced build."""
    out = tmp_path / "out"
    build(many, out, force=True)
    refused = build(many, out)
    assert not refused.summary.conforms
    assert not refused.up_to_date and refused.written == []


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
    assert not list(out.glob(".catalog.gen-*"))


def test_shared_code_list_nodes_are_written_once(many: Path, tmp_path: Path) -> None:
    """EDUC is used by two organisations but described once in the output."""
    build(many, tmp_path, force=True)
    text = (tmp_path / "catalog.ttl").read_text(encoding="utf-8")
    assert text.count("<http://publications.europa.eu/resource/authority/data-theme/EDUC> a") == 1


def test_exchange_swaps_two_files_atomically(tmp_path: Path) -> None:
    """renameat2(RENAME_EXCHANGE) where the kernel has it: both names stay, contents swap."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_text("new", encoding="utf-8")
    second.write_text("old", encoding="utf-8")
    if not exchange(first, second):
        pytest.skip("no renameat2 exchange on this system")
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == ("old", "new")


def test_large_old_generations_are_deleted_in_the_background(
    many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past LARGE_FILE, a detached process deletes the old generation; the outputs are the
    new ones at once."""
    monkeypatch.setattr(writer, "LARGE_FILE", 0)
    out = tmp_path / "out"
    build(many, out, force=True)
    changed = many / "b-minimal.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    build(many, out, force=True)
    fresh = tmp_path / "fresh"
    build(many, fresh, force=True)
    for fmt in Format:
        name = f"catalog.{fmt.extension}"
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    current = os.readlink(out / ".catalog.current")

    def old_generations() -> list[Path]:
        return [p for p in out.glob(".catalog.gen-*") if p.name != current]

    deadline = time.monotonic() + 120  # a bound for a loaded machine, not a speed claim
    while old_generations() and time.monotonic() < deadline:
        time.sleep(0.05)  # a detached process deletes the old files
    assert not old_generations()


def test_shared_nodes_are_rewritten_when_they_change(many: Path, tmp_path: Path) -> None:
    """Unchanged shared nodes are copied; a description adding some rewrites them exactly."""
    out = tmp_path / "out"
    aside = tmp_path / "aside.yaml"
    shutil.move(many / "a-mynamaki.yaml", aside)
    build(many, out, force=True)
    manifest = out / ".catalog.manifest.json"
    before = json.loads(manifest.read_text(encoding="utf-8"))["shared"]
    shutil.move(aside, many / "a-mynamaki.yaml")
    assert build(many, out, force=True).summary.reused == 2
    after = json.loads(manifest.read_text(encoding="utf-8"))["shared"]
    assert after["digest"] != before["digest"]
    fresh = tmp_path / "fresh"
    build(many, fresh, force=True)
    for fmt in Format:
        name = f"catalog.{fmt.extension}"
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    build(many, out, force=True)  # nothing changed: the shared part is copied as it was
    assert json.loads(manifest.read_text(encoding="utf-8"))["shared"]["digest"] == after["digest"]
    assert (out / "catalog.ttl").read_bytes() == (fresh / "catalog.ttl").read_bytes()


@pytest.mark.parametrize("command", ["build", "validate"])
def test_organisations_minting_the_same_iris_are_refused(tmp_path: Path, command: str) -> None:
    """One id or base IRI twice: exit 2 naming file, line and field (nested bases are fine)."""
    from click.testing import CliRunner

    from dcatgen.cli import main

    data = tmp_path / "data"
    data.mkdir()
    seed = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    (data / "a.yaml").write_text(seed, encoding="utf-8")
    (data / "b.yaml").write_text(seed, encoding="utf-8")
    nested = seed.replace("  id: mynamaki\n", "  id: mynamaki-sivistys\n").replace(
        "id/mynamaki/\n", "id/mynamaki/sivistys/\n"
    )
    assert nested.count("mynamaki/sivistys/") == 1
    (data / "c.yaml").write_text(nested, encoding="utf-8")
    args = [command, str(data)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2, result.output
    assert f"{data / 'b.yaml'}:15:3: organisation.id: 'mynamaki' is also the id in " in lines[0]
    assert (
        "b.yaml:20:3: organisation.base_iri: https://w3id.org/dcatgen/id/mynamaki/ is also"
        in (lines[1])
    )
    assert "the two would mint the same IRIs" in lines[1]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
