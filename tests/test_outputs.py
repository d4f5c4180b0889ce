"""Where a build writes, and what it leaves when it cannot: OUT in the way, read-only, a full
disk, killed builds, file names that would leave OUT, the umask (issue 16)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from dcatgen.build import pipeline, writer
from dcatgen.cli import main
from dcatgen.rdf.formats import Format
from tests.conftest import DATA, FIXTURES

SEED = DATA / "mynamaki.yaml"


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _counts(out: Path) -> dict[str, int]:
    """Triples in each combined output, parsed back."""
    counts = {}
    for fmt in Format:
        path = out / fmt.file_name("catalog")
        rdf_format = ox.RdfFormat.from_extension(fmt.extension)
        assert rdf_format is not None
        counts[fmt.extension] = sum(1 for _ in ox.parse(path=str(path), format=rdf_format))
    return counts


def _edited(tmp_path: Path, title: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert "title: Kirjastopalveluiden asiarekisteri\n" in text
    edited = tmp_path / "data" / "mynamaki.yaml"
    edited.parent.mkdir(exist_ok=True)
    edited.write_text(
        text.replace(
            "title: Kirjastopalveluiden asiarekisteri\n",
            f"title: Kirjastopalveluiden asiarekisteri {title}\n",
        ),
        encoding="utf-8",
    )
    return edited


@pytest.mark.parametrize("below", ["", "sub", "sub/deeper"])
def test_out_under_a_file_is_refused_and_nothing_is_created(tmp_path: Path, below: str) -> None:
    """-o FILE or FILE/sub: a message and exit 2 (was a traceback and exit 1)."""
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")
    code, output = _build(str(SEED), "-o", str(blocker / below) if below else str(blocker))
    assert code == 2, output
    assert "Traceback" not in output
    assert "is a file" in output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_out_on_a_device_is_refused() -> None:
    """-o /dev/null: not a folder, exit 2."""
    code, output = _build(str(SEED), "-o", "/dev/null")
    assert code == 2 and "/dev/null is a file, not a folder" in output


def test_a_failed_build_leaves_no_empty_folders(tmp_path: Path) -> None:
    """Violations: exit 1, and OUT (with its missing parents) is not left behind empty."""
    out = tmp_path / "new" / "deeper" / "out"
    code, _ = _build(str(FIXTURES / "broken" / "incomplete.yaml"), "-o", str(out))
    assert code == 1
    assert list(tmp_path.iterdir()) == []


def test_outputs_switch_together(tmp_path: Path) -> None:
    """The four outputs are links into one generation folder, switched by one rename."""
    out = tmp_path / "out"
    assert _build(str(SEED), "-o", str(out))[0] == 0
    first = os.readlink(out / ".catalog.current")
    for fmt in Format:
        assert (
            os.readlink(out / fmt.file_name("catalog"))
            == f".catalog.current/catalog.{fmt.extension}"
        )
    edited = _edited(tmp_path, "(muokattu)")
    assert _build(str(edited), "-o", str(out))[0] == 0
    second = os.readlink(out / ".catalog.current")
    assert second != first
    assert not (out / first).exists()  # the old generation is gone
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".catalog.gen-")) == [second]
    for fmt in Format:
        assert "(muokattu)" in (out / fmt.file_name("catalog")).read_text(encoding="utf-8")


def test_a_build_stopped_after_the_switch_leaves_a_consistent_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted right after the one rename: every output is already the new one.

    Before, the four files were renamed one by one, and a kill between two renames left a
    new .ttl beside an old .nt (reproduced deterministically).
    """
    out = tmp_path / "out"
    assert _build(str(SEED), "-o", str(out))[0] == 0
    real_point = writer._point
    calls: list[str] = []

    def stop_after_the_switch(link: Path, target: str) -> None:
        calls.append(link.name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a kill would, between two renames
        real_point(link, target)

    monkeypatch.setattr(writer, "_point", stop_after_the_switch)
    edited = _edited(tmp_path, "(keskeytetty)")
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(edited, out)
    assert calls == [".catalog.current", "catalog.jsonld"]
    texts = [(out / f.file_name("catalog")).read_text(encoding="utf-8") for f in Format]
    assert all("(keskeytetty)" in text for text in texts)


def test_kill_9_during_builds_never_mixes_or_breaks_outputs(tmp_path: Path) -> None:
    """Builds killed at spread-out moments: the outputs always parse and always agree.

    No timing is asserted: whether a kill lands before, during or after the switch, the
    property must hold; a stale generation left by a kill is removed by the next build.
    """
    out = tmp_path / "out"
    assert _build(str(SEED), "-o", str(out))[0] == 0
    baseline = _counts(out)
    edited = _edited(tmp_path, "(tapettu)")
    # The edited copy has no change ledger beside it, so no dates: its own count.
    assert _build(str(edited), "-o", str(tmp_path / "whole"))[0] == 0
    finished = _counts(tmp_path / "whole")
    command = [sys.executable, "-m", "dcatgen", "build", str(edited), "-o", str(out)]
    for attempt in range(8):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3 + 0.25 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait(60)
        counts = _counts(out)
        assert len(set(counts.values())) == 1, counts
        assert counts in (baseline, finished)
        texts = {
            (out / f.file_name("catalog")).read_text(encoding="utf-8").count("(tapettu)") > 0
            for f in Format
        }
        assert len(texts) == 1  # all new or all old
    assert _build(str(edited), "-o", str(out))[0] == 0
    generations = [p for p in out.iterdir() if p.name.startswith(".catalog.gen-")]
    assert len(generations) == 1 and not list(out.glob(".*.link"))


def test_file_names_cannot_lead_outside_out(tmp_path: Path) -> None:
    """'...yaml' in the per-description layout wrote (and deleted) OUT/../catalog.*."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SEED, data / "...yaml")
    out = tmp_path / "out"
    code, output = _build(str(data), "-o", str(out), "--layout", "per-description")
    assert code == 2, output
    assert "...yaml:1:1: this file name cannot name an output folder" in output
    assert not list(tmp_path.glob("catalog.*"))


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    """Files were forced to 0644; under umask 077 they are 0600 (folders 0700)."""
    out = tmp_path / "out"
    script = (
        "import os, sys\n"
        "os.umask(0o077)\n"
        "from dcatgen.cli import main\n"
        "sys.exit(main(['build', sys.argv[1], '-o', sys.argv[2]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(SEED), str(out)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    generation = out / os.readlink(out / ".catalog.current")
    assert generation.stat().st_mode & 0o777 == 0o700
    for path in [*generation.iterdir(), out / ".catalog.manifest.json"]:
        assert path.stat().st_mode & 0o777 == 0o600, path


def _in_private_tmpfs(
    tmp_path: Path, size_kb: int, script: str
) -> subprocess.CompletedProcess[str]:
    """Run a shell script with a fresh tmpfs of the given size at $T (a private mount)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to mount a small private tmpfs")
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    dcatgen = f"{sys.executable} -m dcatgen"
    full = f'set -u\nmount -t tmpfs -o size={size_kb}k tmpfs "$T"\n{script}'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", full],
        env={**os.environ, "T": str(mount_point), "DCATGEN": dcatgen},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_full_disk_keeps_the_previous_output_and_leaves_nothing(tmp_path: Path) -> None:
    """ENOSPC part way: exit 2 with advice, the previous build intact, no leftovers."""
    edited = _edited(tmp_path, "(täysi)")
    script = f"""
$DCATGEN build {SEED} -o "$T/out" >/dev/null || exit 10
before=$(cat "$T/out/catalog.nt" | md5sum)
dd if=/dev/zero of="$T/filler" bs=1k count=8000 2>/dev/null
$DCATGEN build {edited} -o "$T/out"; echo "exit=$?"
after=$(cat "$T/out/catalog.nt" | md5sum)
[ "$before" = "$after" ] && echo same-output
ls -A "$T/out"
"""
    done = _in_private_tmpfs(tmp_path, 4000, script)
    assert "exit=2" in done.stdout, (done.stdout, done.stderr)
    assert "the disk is full: free some space and run again; nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert "same-output" in done.stdout
    listing = done.stdout.split("same-output", 1)[1].split()
    assert sorted(name for name in listing if name.startswith(".catalog.gen-")) != []
    assert len([name for name in listing if name.startswith(".catalog.gen-")]) == 1
    assert not [name for name in listing if name.endswith((".partial", ".link"))]


def test_read_only_out_is_explained(tmp_path: Path) -> None:
    """A read-only file system: exit 2 and what to do (was a traceback and exit 1)."""
    script = f"""
mkdir "$T/out"
mount -o remount,ro "$T"
$DCATGEN build {SEED} -o "$T/out"; echo "exit=$?"
"""
    done = _in_private_tmpfs(tmp_path, 400, script)
    assert "exit=2" in done.stdout, (done.stdout, done.stderr)
    assert "read-only" in done.stderr and "Traceback" not in done.stderr


def test_leftovers_of_killed_builds_go_and_live_outputs_stay(tmp_path: Path) -> None:
    """What killed builds leave (stale generation folders at any depth, half-made links,
    .partial files and site folders) is removed in one walk; current generations, pages and
    the query store's folders stay."""
    import os

    from dcatgen.build.writer import remove_stale_generations

    out = tmp_path / "out"
    live: list[Path] = []
    stale: list[Path] = []
    for folder in (out, out / "kunnat" / "mynamaki"):
        current, old = folder / ".catalog.gen-current", folder / ".catalog.gen-old"
        for generation in (current, old):
            generation.mkdir(parents=True)
            (generation / "catalog.ttl").write_text("", encoding="utf-8")
        os.symlink(current.name, folder / ".catalog.current")
        os.symlink(old.name, folder / ".catalog.current.123.link")
        (folder / ".index.json.123.partial").write_text("", encoding="utf-8")
        live += [current / "catalog.ttl", folder / ".catalog.current"]
        stale += [old, folder / ".catalog.current.123.link", folder / ".index.json.123.partial"]
    site = out / "site"
    (site / "mynamaki" / "register").mkdir(parents=True)
    (site / "mynamaki" / "register" / "a.html").write_text("", encoding="utf-8")
    (site / ".mynamaki.0123456789abcdef.partial" / "register").mkdir(parents=True)
    (site / ".index.html.9.partial").write_text("", encoding="utf-8")
    store = out / ".store.gen-abc" / "db"
    store.mkdir(parents=True)
    (store / "000001.sst").write_text("", encoding="utf-8")
    live += [site / "mynamaki" / "register" / "a.html", store / "000001.sst"]
    stale += [site / ".mynamaki.0123456789abcdef.partial", site / ".index.html.9.partial"]
    remove_stale_generations(out, "catalog")
    assert [path for path in live if not path.exists()] == []
    assert [path for path in stale if path.exists() or path.is_symlink()] == []
