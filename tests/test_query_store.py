"""The query store a build writes beside its catalogs (dcatgen.sparql.persisted)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from dcatgen.build.pipeline import PER_DESCRIPTION, build
from dcatgen.cli import main
from dcatgen.sparql import persisted
from dcatgen.sparql.store import VOCABULARY_GRAPH, StoreSpec, open_store, read_source
from tests.conftest import DATA

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None))


def _two_descriptions(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    shutil.copy(DATA / "mynamaki.yaml", folder / "mynamaki.yaml")
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    return folder


@pytest.mark.parametrize("layout", ["combined", PER_DESCRIPTION])
def test_store_holds_what_parsing_the_catalogs_gives(tmp_path: Path, layout: str) -> None:
    """The build's store has exactly the quads `serve` would parse from the text outputs:
    every catalog in the default graph, the vocabulary in its named graph."""
    out = tmp_path / "out"
    result = build(_two_descriptions(tmp_path), out, layout=layout, site=False)
    assert result.store == "written"
    opened = persisted.open_persisted(out)
    assert opened is not None
    store, spec = opened
    parsed, _ = open_store(read_source(out), for_workers=False)
    assert _quads(store) == _quads(parsed)
    assert persisted.quads(spec) == len(parsed)  # recorded: a count on disk reads every quad
    assert len(list(store.quads_for_pattern(None, None, None, VOCABULARY_GRAPH))) > 100
    assert spec.location is not None and Path(spec.location).is_relative_to(out)
    persisted.release(spec)


def test_a_store_that_does_not_match_the_catalogs_is_not_used(tmp_path: Path) -> None:
    """A catalog file changed behind the store's back (or a build without --store after one
    with it): the store is stale and readers parse the text files instead."""
    out = tmp_path / "out"
    build(DATA, out, site=False)
    assert persisted.is_current(out)
    build(_two_descriptions(tmp_path), out, site=False, store=False)
    assert not persisted.is_current(out)
    assert persisted.open_persisted(out) is None
    # The next build with the store brings it up to date, and the old generation goes.
    assert build(_two_descriptions(tmp_path), out, site=False).store == "written"
    assert persisted.is_current(out)
    assert len(list(out.glob(".store.gen-*"))) == 1


def test_an_unchanged_rebuild_keeps_the_store_and_a_new_one_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = _two_descriptions(tmp_path)
    build(data, out, site=False, layout=PER_DESCRIPTION)
    first = os.readlink(out / persisted.STORE_LINK)
    assert build(data, out, site=False, layout=PER_DESCRIPTION).store == "current"
    assert os.readlink(out / persisted.STORE_LINK) == first
    text = (data / "minimal.yaml").read_text(encoding="utf-8")
    (data / "minimal.yaml").write_text(text.replace("Kirjaamo", "Kirjaamo 2"), encoding="utf-8")
    assert build(data, out, site=False, layout=PER_DESCRIPTION).store == "written"
    assert os.readlink(out / persisted.STORE_LINK) != first
    assert [p.name for p in out.glob(".store.gen-*")] == [os.readlink(out / persisted.STORE_LINK)]


def test_a_generation_a_reader_holds_is_not_deleted(tmp_path: Path) -> None:
    """A running server's store survives the next build (deleted by a later one)."""
    out = tmp_path / "out"
    data = _two_descriptions(tmp_path)
    build(data, out, site=False)
    opened = persisted.open_persisted(out)
    assert opened is not None
    held = Path(opened[1].location or "").parent
    (data / "minimal.yaml").unlink()
    build(data, out, site=False)
    assert held.is_dir() and persisted.current_generation(out) != held
    assert len(opened[0]) > 0  # still readable
    persisted.release(opened[1])
    (data / "more.yaml").write_bytes(MINIMAL.read_bytes())
    build(data, out, site=False)
    assert not held.exists()


def test_query_uses_the_store_and_answers_as_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dcatgen query --data OUT` reads the store (nothing is parsed) and gives the answer
    parsing the files gives."""
    out = tmp_path / "out"
    triples = build(DATA, out, site=False).summary.triples
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    runner = CliRunner()
    with monkeypatch.context() as patched:

        def no_parsing(*_: object, **__: object) -> None:
            raise AssertionError("the catalog files were parsed")

        patched.setattr("dcatgen.sparql.store.open_store", no_parsing)
        with_store = runner.invoke(main, ["query", query, "--data", str(out), "--format", "csv"])
    assert with_store.exit_code == 0, with_store.output
    shutil.rmtree(persisted.current_generation(out) or out / "missing")
    parsed = runner.invoke(main, ["query", query, "--data", str(out), "--format", "csv"])
    assert parsed.exit_code == 0, parsed.output
    assert with_store.output == parsed.output == f"n\n{triples}\n"


def test_build_without_store_writes_none(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(DATA), "-o", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    assert not (out / persisted.STORE_LINK).exists()
    assert "query store" not in result.output


@pytest.mark.parametrize("change", ["edit", "remove", "add"])
def test_a_rebuild_updates_the_previous_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """After a change to one description of several, the store is the previous one with the
    differences applied (no bulk load), and holds exactly what parsing the files gives, the
    lines the catalogs share (code-list concepts) included."""
    out = tmp_path / "out"
    data = _two_descriptions(tmp_path)
    shutil.copy(MINIMAL, data / "third.yaml")
    text = (data / "third.yaml").read_text(encoding="utf-8")
    (data / "third.yaml").write_text(
        text.replace("id: esimerkki", "id: kolmas").replace("/esimerkki/", "/kolmas/"),
        encoding="utf-8",
    )
    build(data, out, site=False, layout=PER_DESCRIPTION)
    if change == "edit":
        text = (data / "minimal.yaml").read_text(encoding="utf-8")
        (data / "minimal.yaml").write_text(text.replace("Kirjaamo", "Kirjaamo 2"), encoding="utf-8")
    elif change == "remove":
        (data / "third.yaml").unlink()
    else:
        (data / "fourth.yaml").write_text(
            text.replace("id: esimerkki", "id: neljas").replace("/esimerkki/", "/neljas/"),
            encoding="utf-8",
        )

    def no_bulk_load(*_: object) -> None:
        raise AssertionError("the store was loaded anew")

    monkeypatch.setattr(persisted, "_fill", no_bulk_load)
    monkeypatch.setattr(persisted, "INCREMENTAL_SHARE", 0.6)
    assert build(data, out, site=False, layout=PER_DESCRIPTION).store == "written"
    opened = persisted.open_persisted(out)
    assert opened is not None
    parsed, _ = open_store(read_source(out), for_workers=False)
    assert _quads(opened[0]) == _quads(parsed)
    assert persisted.quads(opened[1]) == len(parsed)
    persisted.release(opened[1])


def test_a_reader_waits_for_the_store_a_build_is_writing(tmp_path: Path) -> None:
    """While a store is being written (the writer holds its lock), `serve` and `query` wait
    for it and then open it, instead of parsing the catalogs (at national scale: minutes
    and gigabytes per process)."""
    import fcntl
    import threading

    out = tmp_path / "out"
    build(_two_descriptions(tmp_path), out, site=False, store=False)
    assert not persisted.is_current(out)
    said: list[str] = []
    opened: list[tuple[ox.Store, StoreSpec] | None] = []
    with open(out / persisted.WRITER_LOCK, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # this test is the writer now
        assert persisted.writer_running(out)
        reader = threading.Thread(
            target=lambda: opened.append(persisted.open_for_reading(out, said.append))
        )
        reader.start()
        reader.join(timeout=1.0)
        assert reader.is_alive() and said == [
            "waiting for the query store that a build is writing…"
        ]
        assert persisted._write_locked(out, full=True) is True
    reader.join(timeout=60)
    assert not reader.is_alive() and opened[0] is not None
    store, spec = opened[0]
    assert _quads(store) == _quads(open_store(read_source(out), for_workers=False)[0])
    persisted.release(spec)
    assert not persisted.writer_running(out)


def test_serve_writes_a_large_missing_store_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large built folder whose store is stale and that nobody is writing: the store is
    written before serving (each worker would parse the catalogs otherwise); a small one is
    parsed as before."""
    out = tmp_path / "out"
    build(_two_descriptions(tmp_path), out, site=False, store=False)
    said: list[str] = []
    assert persisted.open_for_reading(out, said.append, write_if_large=True) is None
    assert said == [] and not persisted.is_current(out)  # small: parsed by the caller
    monkeypatch.setattr(persisted, "INLINE_BYTES", 0)
    opened = persisted.open_for_reading(out, said.append, write_if_large=True)
    assert opened is not None and persisted.is_current(out)
    assert said == ["writing the query store first (the build's is missing or stale)…"]
    persisted.release(opened[1])
    # Without write_if_large (`query --data`), a stale store is not written.
    build(DATA, out, site=False, store=False)
    assert persisted.open_for_reading(out, said.append) is None and not persisted.is_current(out)


def test_workers_that_load_the_data_may_take_longer_to_start() -> None:
    """A worker loading a national build into memory needs minutes; one opening a query
    store a moment (the pool started at 100,000 registers failed with 'did not start in time'
    when the store was stale and the workers parsed)."""
    from dcatgen.server.workers import LOAD_START_TIMEOUT_S, START_TIMEOUT_S, QueryPool

    assert QueryPool(StoreSpec(location="db"), 1, 10).start_timeout == START_TIMEOUT_S
    loading = QueryPool(StoreSpec(snapshot="snapshot.nq"), 1, 10).start_timeout
    assert loading == LOAD_START_TIMEOUT_S > START_TIMEOUT_S
