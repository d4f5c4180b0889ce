"""Profile `dcatgen build` in-process with cProfile: where each stage spends its time.

    python benchmarks/profile_build.py DATA [-o OUT] [--top 30] [--pstats FILE]

Runs `dcatgen.build.pipeline.build(DATA, OUT)` under cProfile and prints the stage timings, the
cumulative time of dcatgen's own functions (how the stages break down), and the functions
with the most time of their own (where the CPU actually goes, across all libraries).
cProfile slows pure-Python code down (often 1.5-2×), so read the shares, not the seconds.
Work done in child processes (a process pool) is not seen.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from dcatgen.build.pipeline import build


def _where(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    for marker in ("site-packages/", "src/", "lib/python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({function})"


def report(stats: pstats.Stats, total: float, top: int) -> list[str]:
    """Lines: dcatgen functions by cumulative time, then all functions by own time."""
    entries = stats.stats  # type: ignore[attr-defined]
    lines = [f"{'cumulative s':>12} {'share':>6}  dcatgen function"]
    own = sorted(
        ((key, value) for key, value in entries.items() if "dcatgen/" in key[0]),
        key=lambda item: -item[1][3],
    )
    for key, (_, _, _, cumulative, _) in own[:top]:
        lines.append(f"{cumulative:12.2f} {cumulative / total:6.1%}  {_where(key)}")
    lines.append("")
    lines.append(f"{'own s':>12} {'share':>6} {'calls':>11}  function (all libraries)")
    by_own = sorted(entries.items(), key=lambda item: -item[1][2])
    for key, (_, calls, own_time, _, _) in by_own[:top]:
        lines.append(f"{own_time:12.2f} {own_time / total:6.1%} {calls:11d}  {_where(key)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="Profile dcatgen build with cProfile.")
    parser.add_argument("data", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=None)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--pstats", type=Path, default=None, help="also save the raw profile")
    parser.add_argument(
        "--layout", default="per-description", help="combined or per-description (default)"
    )
    parser.add_argument("--no-site", action="store_true", help="build without the web pages")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="dcatgen-profile-"))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    # One process, so that cProfile sees the work (a pool's workers would hide it).
    result = build(args.data, out, workers=1, layout=args.layout, site=not args.no_site)
    profiler.disable()
    total = time.perf_counter() - started
    print(
        f"{result.summary.registers} registers, {result.summary.triples} triples, "
        f"{total:.1f} s under cProfile; validation: {result.summary.text()}"
    )
    for stage, seconds in result.timings.items():
        print(f"  {stage:10} {seconds:8.2f} s  {seconds / total:6.1%}")
    print()
    stats = pstats.Stats(profiler)
    if args.pstats is not None:
        stats.dump_stats(args.pstats)
    print("\n".join(report(stats, total, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
