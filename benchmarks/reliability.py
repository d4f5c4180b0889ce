"""Reliability figures, on demand: bad input, kills and load (issue 16).  Loopback only.

    python benchmarks/reliability.py                  # every part, default sizes
    python benchmarks/reliability.py --inputs 2000 --kills 40 --json figures.json
    python benchmarks/reliability.py --only inputs,kills

Parts:
- inputs: N mutated descriptions (benchmarks/fuzz_inputs.py) through load → map → validate →
  the four writers → parse back: tracebacks, unreadable or disagreeing outputs, refusals
  without file:line, runs over 10 s.
- cli: a sample of the same cases through `dcatgen validate` and `dcatgen build` as processes:
  tracebacks (exit 70 or a Python traceback on stderr), builds that wrote unparseable files.
- kills: M `dcatgen build` processes killed with SIGKILL at spread-out moments, in both
  layouts: outputs that do not parse, outputs that disagree (a new .ttl beside an old .nt),
  leftovers (generation folders no output points to, .partial files) after the next build.
- scaling: validation time for one register with 10k/20k/40k data groups (a ratio near 2 per
  doubling is linear).
- serve: a load run against `dcatgen serve`, from benchmarks/reliability_serve.py when present.

Figures are printed and written as JSON; nothing here asserts (tests/test_reliability.py and
tests/test_outputs.py keep fast versions of the same properties).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fuzz_inputs import SEED, make_case, run_case  # noqa: E402

FORMATS = {
    "ttl": "catalog.ttl",
    "jsonld": "catalog.jsonld",
    "rdf": "catalog.rdf",
    "nt": "catalog.nt",
}
DCATGEN = [sys.executable, "-m", "dcatgen"]


def part_inputs(count: int, folder: Path) -> dict[str, Any]:
    """Mutated descriptions in-process; the outcome kinds and the slow runs."""
    kinds: Counter[str] = Counter()
    examples: dict[str, str] = {}
    slow = 0
    for number in range(count):
        path = folder / f"case-{number}.yaml"
        path.write_text(make_case(number), encoding="utf-8", errors="surrogatepass")
        outcome = run_case(path)
        kinds[outcome.kind] += 1
        if outcome.kind not in ("ok", "refused"):
            examples.setdefault(outcome.kind, f"case {number}: {outcome.detail}")
        slow += outcome.seconds > 10
    return {"cases": count, "outcomes": dict(kinds), "over_10_s": slow, "examples": examples}


def part_cli(count: int, folder: Path) -> dict[str, Any]:
    """A sample of cases through the CLI as real processes (validate, then build)."""
    tracebacks = unparseable = 0
    examples: list[str] = []
    for number in range(count):
        path = folder / f"cli-{number}.yaml"
        path.write_text(make_case(10_000 + number), encoding="utf-8", errors="surrogatepass")
        out = folder / f"cli-out-{number}"
        for command in (["validate", str(path)], ["build", str(path), "-o", str(out)]):
            done = subprocess.run(
                [*DCATGEN, *command], capture_output=True, text=True, timeout=120, check=False
            )
            if "Traceback" in done.stderr or done.returncode == 70:
                tracebacks += 1
                examples.append(f"{' '.join(command[:1])} case {10_000 + number}")
        if (out / "catalog.nt").exists():
            try:
                _counts(out)
            except (SyntaxError, ValueError):
                unparseable += 1
        shutil.rmtree(out, ignore_errors=True)
    return {
        "runs": 2 * count,
        "tracebacks": tracebacks,
        "unparseable_builds": unparseable,
        "examples": examples[:5],
    }


def _counts(out: Path) -> dict[str, int]:
    counts = {}
    for extension, name in FORMATS.items():
        fmt = ox.RdfFormat.from_extension(extension)
        assert fmt is not None
        counts[extension] = sum(1 for _ in ox.parse(path=str(out / name), format=fmt))
    return counts


def _catalog_folders(out: Path, layout: str) -> list[Path]:
    if layout == "combined":
        return [out]
    return sorted(p.parent for p in out.rglob("catalog.nt") if ".catalog.gen-" not in str(p))


def _leftovers(out: Path) -> list[str]:
    stale = [
        str(folder)
        for folder in out.rglob(".catalog.gen-*")
        if (folder.parent / ".catalog.current").resolve() != folder.resolve()
    ]
    return [*stale, *map(str, out.rglob("*.partial")), *map(str, out.rglob(".*.link"))]


def part_kills(kills: int, folder: Path, rng: random.Random) -> dict[str, Any]:
    """Builds killed with SIGKILL: broken or mixed outputs, leftovers after the next build."""
    data = folder / "kill-data"
    data.mkdir()
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for index in range(6):  # a few organisations, so the build takes long enough to hit
        copy = json.loads(json.dumps(seed))
        copy["organisation"]["id"] = f"org{index}"
        copy["organisation"]["base_iri"] = f"https://example.org/org{index}/"
        (data / f"org{index}.yaml").write_text(
            yaml.safe_dump(copy, allow_unicode=True), encoding="utf-8"
        )
    figures: dict[str, Any] = {}
    for layout in ("combined", "per-description"):
        out = folder / f"kill-out-{layout}"
        base = [*DCATGEN, "build", str(data), "-o", str(out), "--layout", layout]
        subprocess.run(base, capture_output=True, check=True, timeout=300)
        broken = mixed = 0
        for attempt in range(kills):
            target = data / f"org{attempt % 6}.yaml"
            target.write_text(
                target.read_text(encoding="utf-8")
                .replace(
                    "Kirjastopalveluiden asiarekisteri",
                    f"Kirjastopalveluiden asiarekisteri {attempt}",
                )
                .replace(f"asiarekisteri {attempt - 6}", ""),
                encoding="utf-8",
            )
            process = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.2, 3.0))
            process.send_signal(signal.SIGKILL)
            process.wait(60)
            for catalog in _catalog_folders(out, layout):
                try:
                    counts = _counts(catalog)
                except (SyntaxError, ValueError, OSError):
                    broken += 1
                    continue
                if len(set(counts.values())) != 1:
                    mixed += 1
        subprocess.run(base, capture_output=True, check=True, timeout=300)
        figures[layout] = {
            "kills": kills,
            "broken_outputs": broken,
            "mixed_outputs": mixed,
            "leftovers_after_next_build": len(_leftovers(out)),
        }
    return figures


def part_scaling(folder: Path) -> dict[str, Any]:
    """Validate one register with 10k, 20k and 40k data groups; time and ratios."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    times: dict[int, float] = {}
    for count in (10_000, 20_000, 40_000):
        seed["units"][0]["registers"][0]["data_groups"] = [f"Tietoryhmä {i}" for i in range(count)]
        path = folder / f"groups-{count}.yaml"
        path.write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [*DCATGEN, "validate", str(path), "--max-per-kind", "0"],
            capture_output=True,
            check=False,
            timeout=900,
        )
        times[count] = time.perf_counter() - started
    return {
        "seconds": {str(k): round(v, 2) for k, v in times.items()},
        "ratio_20k_10k": round(times[20_000] / times[10_000], 2),
        "ratio_40k_20k": round(times[40_000] / times[20_000], 2),
    }


def part_serve(folder: Path) -> dict[str, Any]:
    """The load run against `dcatgen serve`, when benchmarks/reliability_serve.py has it."""
    try:
        from benchmarks import reliability_serve
    except ImportError:
        return {"skipped": "benchmarks/reliability_serve.py is not here"}
    result: dict[str, Any] = reliability_serve.run(folder)
    return result


PARTS = ("inputs", "cli", "kills", "scaling", "serve")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1000, help="mutated descriptions")
    parser.add_argument("--cli", type=int, default=50, help="cases run through the CLI")
    parser.add_argument("--kills", type=int, default=20, help="killed builds per layout")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    chosen = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}: use {', '.join(PARTS)}")
    figures: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()}}
    with tempfile.TemporaryDirectory(prefix="dcatgen-reliability-") as scratch:
        folder = Path(scratch)
        rng = random.Random(args.seed)
        for part in chosen:
            started = time.perf_counter()
            if part == "inputs":
                figures[part] = part_inputs(args.inputs, folder)
            elif part == "cli":
                figures[part] = part_cli(args.cli, folder)
            elif part == "kills":
                figures[part] = part_kills(args.kills, folder, rng)
            elif part == "scaling":
                figures[part] = part_scaling(folder)
            else:
                figures[part] = part_serve(folder)
            figures[part]["wall_s"] = round(time.perf_counter() - started, 1)
            print(f"{part}: {json.dumps(figures[part], ensure_ascii=False)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
