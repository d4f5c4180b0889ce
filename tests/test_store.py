"""The embedded store: built files load straight into it; workers get a snapshot of it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from dcatgen.build.pipeline import PER_DESCRIPTION, build
from dcatgen.cli import files_read, main
from dcatgen.server.app import SHOWN_CATALOGS, Settings, Site, describe_site
from dcatgen.sparql.store import (
    VOCABULARY_GRAPH,
    catalog_iris,
    catalog_size,
    open_store,
    read_source,
    vocabulary_size,
)
from tests.conftest import DATA, MINIMAL, SEED, descriptions

COUNT_CATALOGS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> }"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A per-description build of two descriptions."""
    data = descriptions(tmp_path / "data", {"a-mynamaki.yaml": SEED, "b-minimal.yaml": MINIMAL})
    folder = tmp_path / "out"
    build(data, folder, force=True, layout=PER_DESCRIPTION)
    return folder


def _default_graph(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def test_built_files_load_straight_into_the_store(out: Path) -> None:
    """The store holds exactly the files' triples (parsed the slow way) and the vocabulary."""
    source = read_source(out)
    assert source.is_rdf
    store, spec = open_store(source, for_workers=False)
    assert spec.snapshot is None and spec.location is None
    parsed = set(source.triples)
    assert _default_graph(store) == parsed
    assert catalog_size(store) == len(parsed)
    vocabulary = list(store.quads_for_pattern(None, None, None, VOCABULARY_GRAPH))
    assert len(vocabulary) == vocabulary_size() > 100
    assert len(catalog_iris(store)) == 2


def test_workers_get_the_parents_data_even_when_the_files_change(out: Path) -> None:
    """The snapshot is what the parent loaded; rebuilding out/ meanwhile does not leak in."""
    source = read_source(out)
    store, spec = open_store(source)
    assert spec.snapshot is not None and Path(spec.snapshot).is_file()
    (out / "a-mynamaki" / "catalog.nt").write_text("", encoding="utf-8")
    worker_store = spec.open()
    assert len(worker_store) == len(store)
    assert _default_graph(worker_store) == _default_graph(store)
    spec.remove()
    assert not Path(spec.snapshot).parent.exists()


def test_snapshots_of_servers_no_longer_running_are_removed(tmp_path: Path) -> None:
    """A killed server never deletes its snapshot; the next one does, and only such."""
    import os
    import subprocess
    import sys

    from dcatgen.sparql.store import SNAPSHOT_PREFIX, remove_orphaned_snapshots

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = tmp_path / f"{SNAPSHOT_PREFIX}{int(ended.stdout)}-abc"
    alive = tmp_path / f"{SNAPSHOT_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{SNAPSHOT_PREFIX}notapid"
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "snapshot.nq").write_text("", encoding="utf-8")
    assert remove_orphaned_snapshots(tmp_path) == [dead]
    assert not dead.exists() and alive.is_dir() and other.is_dir()


def test_yaml_data_still_builds_into_the_store() -> None:
    """YAML is built in-process; its triples are the store's."""
    source = read_source(DATA)
    assert not source.is_rdf
    store, _ = open_store(source, for_workers=False)
    assert _default_graph(store) == set(source.triples)


def test_a_broken_rdf_file_is_named_with_its_line(out: Path) -> None:
    """query and serve stop with file:line:column of the parser's complaint, exit 2."""
    broken = out / "b-minimal" / "catalog.nt"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[2] = "<https://example.org/s> <https://example.org/p> oops ."
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (["query", COUNT_CATALOGS, "--data", str(out)], ["serve", str(out)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert f"{broken}:3:" in result.output
        assert "not valid RDF" in result.output


def test_the_query_is_checked_before_the_data_is_loaded(tmp_path: Path) -> None:
    """A syntax error is reported at once, even over data that would fail to load."""
    broken = tmp_path / "catalog.nt"
    broken.write_text("not RDF\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "SELECT ?s WHERE {", "--data", str(broken)])
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.output
    assert "not valid RDF" not in result.output


def test_a_query_file_may_be_named_without_at(tmp_path: Path) -> None:
    """`dcatgen query q.rq` reads the file, as `@q.rq` does."""
    query_file = tmp_path / "q.rq"
    query_file.write_text(COUNT_CATALOGS, encoding="utf-8")
    outputs = []
    for argument in (str(query_file), f"@{query_file}"):
        result = CliRunner().invoke(main, ["query", argument, "--data", str(DATA)])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[2].strip() == "1"


def test_start_up_lines_name_a_few_catalogs_then_count_the_rest(tmp_path: Path) -> None:
    """A national build has a thousand catalogs: the start-up lines do not list them all."""
    from benchmarks.generate import generate

    data = tmp_path / "data"
    generate(SHOWN_CATALOGS + 2, data, organisations=SHOWN_CATALOGS + 2)
    out = tmp_path / "out"
    build(data, out, force=True, layout=PER_DESCRIPTION)
    source = read_source(out)
    store, spec = open_store(source, for_workers=False)
    site = Site(store, spec, "https://w3id.org/dcatgen/id/", 0.0, Settings())
    lines = describe_site(site, "http://127.0.0.1:8080")
    assert sum(1 for line in lines if line.startswith("  catalog ")) == SHOWN_CATALOGS
    assert "  … and 2 more catalogs, all listed at http://127.0.0.1:8080/" in lines
    assert files_read(source.files).endswith(f"and {len(source.files) - 3} more files")
    assert files_read(source.files[:2]) == ", ".join(map(str, source.files[:2]))


def test_a_snapshot_that_cannot_be_written_leaves_no_folder(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the dump fails (a full disk, say), its folder goes at once, and the error is raised."""

    folder = tmp_path / "dcatgen-store-1-x"

    def unwritable_folder(prefix: str) -> str:
        (folder / "snapshot.nq").mkdir(parents=True)  # the dump cannot open it as a file
        return str(folder)

    monkeypatch.setattr("dcatgen.sparql.store.tempfile.mkdtemp", unwritable_folder)
    with pytest.raises(OSError):
        open_store(read_source(out))
    assert not folder.exists()
