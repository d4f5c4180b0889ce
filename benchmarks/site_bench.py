"""What writing the site costs: the same generated descriptions built without and with it.

    python benchmarks/site_bench.py --registers 10000 [--organisations N] [--work DIR]

Generates the descriptions (benchmarks/generate.py), builds them with ``--no-site`` and then,
into a fresh folder, with the site; prints wall-clock and CPU time (this process and its
workers) of both, the site stage's time summed over the workers, how many files and bytes the
site holds, and a rebuild in which nothing changed.  One JSON line at the end for scripts.
Timings on a shared machine vary: run it more than once.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate
from dcatgen.build.pipeline import build


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(data: Path, out: Path, site: bool) -> dict[str, Any]:
    """Build once; wall-clock, CPU and the stages' times."""
    wall, cpu = time.perf_counter(), _cpu()
    result = build(data, out, site=site)
    return {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(_cpu() - cpu, 2),
        "site_stage_s": round(result.timings.get("site", 0.0), 2),
        "site_files": result.site_pages,
        "up_to_date": result.up_to_date,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registers", type=int, required=True)
    parser.add_argument("--organisations", type=int, default=None)
    parser.add_argument("--work", type=Path, default=None, help="keep the files here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="site-bench-"))
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    generated = generate(args.registers, data, args.organisations)
    results: dict[str, Any] = {
        "registers": generated.registers,
        "organisations": generated.organisations,
    }
    for label, site in (("without_site", False), ("with_site", True)):
        out = work / f"out-{label}"
        shutil.rmtree(out, ignore_errors=True)
        results[label] = timed_build(data, out, site)
    site_folder = work / "out-with_site" / "site"
    files = [p for p in site_folder.rglob("*") if p.is_file()]
    results["site_pages"] = sum(1 for p in files if p.suffix == ".html")
    results["site_bytes"] = sum(p.stat().st_size for p in files)
    results["rebuild_nothing_changed"] = timed_build(data, work / "out-with_site", True)
    extra_cpu = results["with_site"]["cpu_s"] - results["without_site"]["cpu_s"]
    results["site_cpu_ms_per_register"] = round(1000 * extra_cpu / generated.registers, 2)
    without, with_site = results["without_site"], results["with_site"]
    print(f"{generated.registers:,} registers, {generated.organisations:,} organisations")
    print(f"  build without site: {without['wall_s']} s wall, {without['cpu_s']} s CPU")
    print(
        f"  build with site:    {with_site['wall_s']} s wall, {with_site['cpu_s']} s CPU "
        f"(site stage {with_site['site_stage_s']} s over the workers)"
    )
    print(
        f"  site: {results['site_pages']:,} pages, {len(files):,} files, "
        f"{results['site_bytes'] / 1e6:,.1f} MB; "
        f"{results['site_cpu_ms_per_register']} ms CPU per register"
    )
    rebuild = results["rebuild_nothing_changed"]
    print(f"  rebuild, nothing changed: {rebuild['wall_s']} s wall")
    print(json.dumps(results))
    if args.work is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
