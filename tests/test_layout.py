"""The per-description layout: OUT/<description>/catalog.* and OUT/index.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from dcatgen.build.pipeline import COMBINED, PER_DESCRIPTION, build
from dcatgen.cli import main
from dcatgen.rdf.formats import Format
from dcatgen.sparql.store import read_source
from tests.conftest import FIXTURES, INCOMPLETE, MINIMAL, SEED, descriptions

FOLDERS = ("a-mynamaki", "b-minimal", "sub/c-incomplete")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """Three descriptions, one in a subfolder: the seed, a minimal one and a defective one."""
    files = {
        "a-mynamaki.yaml": SEED,
        "b-minimal.yaml": MINIMAL,
        "sub/c-incomplete.yaml": INCOMPLETE,
    }
    return descriptions(tmp_path / "data", files)


def _visible(out: Path, pattern: str = "*") -> list[Path]:
    """What a reader of OUT sees: no hidden files, nothing inside generation folders."""
    return [
        path
        for path in sorted(out.rglob(pattern))
        if not any(part.startswith(".") for part in path.relative_to(out).parts)
    ]


def _outputs(out: Path) -> dict[str, bytes]:
    """The catalogs' files (the site under OUT/site is tested in test_site.py)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in _visible(out)
        if path.is_file() and not _in_site(out, path)
    }


def _in_site(out: Path, path: Path) -> bool:
    return path.relative_to(out).parts[0] == "site"


def _stamps(out: Path) -> dict[str, int]:
    return {
        path.relative_to(out).as_posix(): path.stat().st_mtime_ns
        for path in _visible(out, "catalog.*")
        if not _in_site(out, path)
    }


def _leftovers(out: Path) -> list[Path]:
    """Generation folders no output points to, temporary links and .partial files."""
    stale = [
        folder
        for folder in out.rglob(".catalog.gen-*")
        if (folder.parent / ".catalog.current").resolve() != folder.resolve()
    ]
    return [*stale, *out.rglob("*.partial"), *out.rglob("*.link")]


def test_each_catalog_equals_a_build_of_its_description_alone(many: Path, tmp_path: Path) -> None:
    """OUT/<description>/catalog.* is byte for byte what building that one file gives."""
    out = tmp_path / "out"
    result = build(many, out, force=True, layout=PER_DESCRIPTION)
    assert sorted(_outputs(out)) == sorted(
        [f"{folder}/catalog.{f.extension}" for folder in FOLDERS for f in Format] + ["index.json"]
    )
    for folder in FOLDERS:
        alone = tmp_path / "alone" / folder
        build(many / f"{folder}.yaml", alone, force=True)
        for fmt in Format:
            name = f"catalog.{fmt.extension}"
            assert (out / folder / name).read_bytes() == (alone / name).read_bytes(), folder
    assert result.summary.catalogs_written == 3
    assert len(result.written) == 13


def test_index_lists_every_catalog_with_its_files_and_counts(many: Path, tmp_path: Path) -> None:
    """index.json: description, catalog and organisation IRIs, names, counts and files."""
    out = tmp_path / "out"
    result = build(many, out, force=True, layout=PER_DESCRIPTION)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["layout"] == PER_DESCRIPTION
    catalogs = index["catalogs"]
    assert [c["description"] for c in catalogs] == [f"{f}.yaml" for f in FOLDERS]
    seed = catalogs[0]
    base = "https://w3id.org/dcatgen/id/mynamaki/"
    assert (seed["catalog"], seed["organisation"]) == (base + "catalog", base + "organisation")
    assert seed["name"]["fi"] == "Mynämäen kunta"
    assert (seed["registers"], seed["triples"], seed["violations"]) == (5, 403, 0)
    assert seed["warnings"] == 38  # what `dcatgen validate` reports for the seed alone
    assert catalogs[2]["violations"] > 0
    for catalog in catalogs:
        for label, relative in catalog["files"].items():
            assert (out / relative).is_file(), label
    assert sum(c["registers"] for c in catalogs) == result.summary.registers
    assert sum(c["violations"] for c in catalogs) == result.summary.counts["violation"]


def test_rebuild_writes_only_the_changed_catalog(many: Path, tmp_path: Path) -> None:
    """Unchanged catalogs are not touched; the changed one equals a fresh build."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    before = _stamps(out)
    again = build(many, out, force=True, layout=PER_DESCRIPTION)
    assert (again.summary.reused, again.summary.catalogs_written) == (3, 0)
    assert _stamps(out) == before

    changed = many / "a-mynamaki.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace(
            "Kirjastopalveluiden asiarekisteri", "Kirjaston asiarekisteri"
        ),
        encoding="utf-8",
    )
    third = build(many, out, force=True, layout=PER_DESCRIPTION)
    assert (third.summary.reused, third.summary.catalogs_written) == (2, 1)
    after = _stamps(out)
    touched = sorted(name for name in after if after[name] != before[name])
    assert touched == [
        f"a-mynamaki/catalog.{f.extension}" for f in sorted(Format, key=lambda f: f.extension)
    ]
    fresh = tmp_path / "fresh"
    build(many, fresh, force=True, layout=PER_DESCRIPTION)
    assert _outputs(out) == _outputs(fresh)
    assert b"Kirjaston asiarekisteri" in (out / "a-mynamaki" / "catalog.ttl").read_bytes()


def test_edited_catalog_is_built_again(many: Path, tmp_path: Path) -> None:
    """An output someone touched is rebuilt; the others are still reused."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    pristine = (out / "b-minimal" / "catalog.nt").read_bytes()
    (out / "b-minimal" / "catalog.nt").write_bytes(pristine + b"\n")
    result = build(many, out, force=True, layout=PER_DESCRIPTION)
    assert result.summary.reused == 2
    assert (out / "b-minimal" / "catalog.nt").read_bytes() == pristine


def test_removed_description_loses_its_folder_and_index_entry(many: Path, tmp_path: Path) -> None:
    """A description that is gone takes its catalog and empty folders with it."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    (many / "sub" / "c-incomplete.yaml").unlink()
    (many / "sub").rmdir()
    result = build(many, out, force=True, layout=PER_DESCRIPTION)
    assert result.summary.reused == 2
    assert not (out / "sub").exists()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [c["description"] for c in index["catalogs"]] == ["a-mynamaki.yaml", "b-minimal.yaml"]


def test_switching_layout_removes_the_other_layouts_files(many: Path, tmp_path: Path) -> None:
    """combined → per-description → combined: only the current layout's files remain."""
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "README.txt").write_text("mine", encoding="utf-8")
    build(many, out, force=True, layout=COMBINED)
    build(many, out, force=True, layout=PER_DESCRIPTION)
    assert not list(out.glob("catalog.*"))
    assert (out / "a-mynamaki" / "catalog.ttl").is_file()
    build(many, out, force=True, layout=COMBINED)
    assert sorted(_outputs(out)) == sorted(
        [f"catalog.{f.extension}" for f in Format] + ["notes/README.txt"]
    )


def test_refused_build_writes_nothing_and_keeps_the_previous_catalogs(
    many: Path, tmp_path: Path
) -> None:
    """Violations without --force: no catalog, no index, no temporary file."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    before = _outputs(out)
    (many / "a-mynamaki.yaml").write_text(
        (many / "a-mynamaki.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    result = build(many, out, layout=PER_DESCRIPTION)
    assert not result.written
    assert _outputs(out) == before
    assert not _leftovers(out)


def test_serve_and_query_read_a_per_description_folder(many: Path, tmp_path: Path) -> None:
    """An OUT folder in this layout is read whole, through index.json."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    source = read_source(out)
    assert sorted(p.relative_to(out).as_posix() for p in source.files) == [
        f"{folder}/catalog.nt" for folder in FOLDERS
    ]
    subjects = {
        str(t.subject.value) for t in source.triples if not isinstance(t.subject, ox.Triple)
    }
    assert "https://w3id.org/dcatgen/id/mynamaki/catalog" in subjects
    result = CliRunner().invoke(
        main,
        [
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> }",
            "--data",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].strip() == "3"


def test_cli_prints_a_summary_line_for_many_catalogs(tmp_path: Path) -> None:
    """Past a handful of files, build says how many catalogs it wrote instead of each file."""
    from benchmarks.generate import generate

    data = tmp_path / "data"
    generate(40, data, organisations=4)
    out = tmp_path / "out"
    args = ["build", str(data), "-o", str(out), "--layout", PER_DESCRIPTION]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "wrote 4 catalogs (16 files, " in result.output
    assert str(out / "index.json") in result.output
    again = CliRunner().invoke(main, args)
    assert "(4 unchanged, reused)" in again.output
    assert "wrote " + str(out / "index.json") in again.output


def test_two_descriptions_for_one_folder_are_refused(many: Path, tmp_path: Path) -> None:
    """a.yaml and a.yml would share OUT/a/: a clear error naming both, nothing written."""
    shutil.copy(FIXTURES / "minimal.yaml", many / "b-minimal.yml")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(many), "-o", str(out), "--layout", PER_DESCRIPTION, "--force"]
    )
    assert result.exit_code == 2, result.output
    assert "b-minimal.yml" in result.output
    assert "would go to b-minimal/" in result.output
    assert "b-minimal.yaml" in result.output
    assert "rename one of the two files" in result.output
    assert not out.exists() or not _visible(out, "catalog.*")


@pytest.mark.parametrize("layout", [COMBINED, PER_DESCRIPTION])
def test_the_same_folder_spelled_another_way_is_reused_and_kept(
    many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """`build data` after `build /abs/data`: every file reused, no output removed."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=layout)
    before = _outputs(out)
    monkeypatch.chdir(many.parent)
    again = build(Path(many.name), out, force=True, layout=layout)
    assert again.summary.reused == 3
    assert _outputs(out) == before
    (many / "b-minimal.yaml").write_text(
        (many / "b-minimal.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    third = build(Path(f"./{many.name}/"), out, force=True, layout=layout)
    assert third.summary.reused == 2
    assert sorted(_outputs(out)) == sorted(before)


def test_a_moved_description_leaves_no_catalog_behind(many: Path, tmp_path: Path) -> None:
    """sub/c.yaml moved to c.yaml: its catalog moves too, the old folder goes."""
    out = tmp_path / "out"
    build(many, out, force=True, layout=PER_DESCRIPTION)
    (many / "sub" / "c-incomplete.yaml").rename(many / "c-incomplete.yaml")
    build(many, out, force=True, layout=PER_DESCRIPTION)
    assert not (out / "sub").exists()
    assert (out / "c-incomplete" / "catalog.ttl").is_file()


def test_workers_write_the_same_catalogs_as_one_process(many: Path, tmp_path: Path) -> None:
    """Two worker processes writing the catalogs themselves give the same bytes."""
    build(many, tmp_path / "serial", force=True, layout=PER_DESCRIPTION, workers=1)
    build(many, tmp_path / "parallel", force=True, layout=PER_DESCRIPTION, workers=2)
    assert _outputs(tmp_path / "serial") == _outputs(tmp_path / "parallel")
    assert not _leftovers(tmp_path / "parallel")


def test_a_broken_index_is_a_clear_input_error(tmp_path: Path) -> None:
    """index.json that says per-description but lists no files: exit 2, file named, the fix."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.json").write_text(
        '{"layout": "per-description", "catalogs": [{"files": {}}]}', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["query", "ASK { ?s ?p ?o }", "--data", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{out / 'index.json'}:1:1: not an index dcatgen build wrote" in result.output
    assert "build again" in result.output
