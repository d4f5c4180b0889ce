"""Benchmark: `dcatgen import` on a corpus of real §28 pages, each then built.

    python benchmarks/import_corpus.py ../shared/reference/real-pages
    python benchmarks/import_corpus.py tests/fixtures/import --json import.json

The folder holds the pages (.txt, .html) and `expectations.json`, one entry per page:

    {"page.txt": {"titles": [...], "literals": [...], "organisation": "...",
                  "no_registers_ok": false}}

Each page is imported with `dcatgen import PAGE -o DATA/PAGE.yaml --organisation ORG` (the
organisation from expectations.json, as a user would give it; `--no-organisation` leaves
it out), in its own process, and whatever it wrote is built with `dcatgen build` (no
--force) into N-Triples.  Per page: the import's exit code, whether the file builds, the
expected register titles found among the catalog's dataset titles, and literal recall:
the share of expected literals (system names, data groups, search criteria…) found,
case-insensitively, inside a literal of the built catalog (or a mailto: / tel: address).
Lines left under `unplaced:`
are not in the catalog, so they do not count.

A page is *right* when the import ends 0 or 3 with no traceback, the file builds, and every
expected title is found; a page marked `no_registers_ok` is also right when the import
refuses it cleanly (exit 2).  The exit status is 0 when every page is right, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

DCATGEN_COMMAND = (sys.executable, "-m", "dcatgen")
PAGE_SUFFIXES = (".txt", ".html", ".htm")
EXIT_OK, EXIT_UNPLACED, EXIT_REFUSED = 0, 3, 2


@dataclass
class PageResult:
    """What one page gave."""

    page: str
    exit_code: int
    traceback: bool
    written: bool
    builds: bool
    registers: int
    unplaced: int
    titles_expected: list[str]
    titles_found: list[str]
    literals_expected: list[str]
    literals_found: list[str]
    no_registers_ok: bool
    right: bool = False
    import_s: float = 0.0
    message: str = ""
    extra_titles: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        """Share of expected literals found, or None when none were expected."""
        if not self.literals_expected:
            return None
        return len(self.literals_found) / len(self.literals_expected)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def catalog_texts(ntriples: Path) -> tuple[list[str], list[str]]:
    """(dataset titles, every literal) of a built catalog."""
    graph = Graph()
    graph.parse(ntriples, format="nt")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    titles = [str(o) for s in datasets for o in graph.objects(s, DCTERMS.title)]
    literals = [str(o) for o in graph.objects() if isinstance(o, Literal)]
    # an e-mail address or telephone number is carried as a mailto: / tel: IRI
    literals += [
        str(o).split(":", 1)[1]
        for o in graph.objects()
        if isinstance(o, URIRef) and str(o).startswith(("mailto:", "tel:"))
    ]
    return titles, literals


def measure_page(
    page: Path,
    expected: dict[str, Any],
    work: Path,
    command: list[str],
    organisation: bool = True,
) -> PageResult:
    """Import one page and build what it wrote."""
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    target = data / f"{page.stem}.yaml"
    target.unlink(missing_ok=True)
    arguments = [*command, "import", str(page), "-o", str(target)]
    if organisation and expected.get("organisation"):
        arguments += ["--organisation", str(expected["organisation"])]
    started = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    output = done.stdout + done.stderr
    titles_expected = [str(t) for t in expected.get("titles", [])]
    literals_expected = [str(t) for t in expected.get("literals", [])]
    result = PageResult(
        page=page.name,
        exit_code=done.returncode,
        traceback="Traceback" in output,
        written=target.exists(),
        builds=False,
        registers=0,
        unplaced=_count(done.stdout, "unplaced: "),
        titles_expected=titles_expected,
        titles_found=[],
        literals_expected=literals_expected,
        literals_found=[],
        no_registers_ok=bool(expected.get("no_registers_ok")),
        import_s=round(elapsed, 3),
        message=_last_line(done.stderr) if done.returncode not in (0, 3) else "",
    )
    if result.written:
        out = work / "out" / page.stem
        built = subprocess.run(
            [*command, "build", str(target), "-o", str(out), "--format", "n-triples"],
            capture_output=True,
            text=True,
            check=False,
        )
        result.traceback = result.traceback or "Traceback" in built.stdout + built.stderr
        result.builds = built.returncode == 0
        if not result.builds:
            result.message = _last_line(built.stderr) or _last_line(built.stdout)
        else:
            titles, literals = catalog_texts(out / "catalog.nt")
            result.registers = len(titles)
            found = {_normal(title) for title in titles}
            result.titles_found = [t for t in titles_expected if _normal(t) in found]
            wanted = {_normal(t) for t in titles_expected}
            result.extra_titles = sorted(t for t in titles if _normal(t) not in wanted)
            haystack = [_normal(literal) for literal in literals]
            result.literals_found = [
                t for t in literals_expected if any(_normal(t) in text for text in haystack)
            ]
    imported = result.exit_code in (EXIT_OK, EXIT_UNPLACED) and result.builds
    refused = result.exit_code == EXIT_REFUSED and not result.written
    result.right = not result.traceback and (
        (imported and len(result.titles_found) == len(titles_expected))
        or (result.no_registers_ok and refused)
    )
    return result


def _count(output: str, prefix: str) -> int:
    for line in output.splitlines():
        if line.startswith(prefix):
            words = line[len(prefix) :].split()
            if words and words[0].isdigit():
                return int(words[0])
    return 0


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def pages_of(folder: Path) -> tuple[list[Path], dict[str, dict[str, Any]]]:
    """The corpus's pages that expectations.json describes, and the expectations."""
    expectations: dict[str, dict[str, Any]] = json.loads(
        (folder / "expectations.json").read_text(encoding="utf-8")
    )
    pages = [folder / name for name in sorted(expectations) if (folder / name).is_file()]
    return pages, expectations


@dataclass
class Totals:
    """The corpus as a whole."""

    pages: int
    right: int
    builds: int
    refused: int
    tracebacks: int
    titles_expected: int
    titles_found: int
    literals_expected: int
    literals_found: int

    @property
    def recall(self) -> float:
        """Literal recall over the corpus."""
        return self.literals_found / self.literals_expected if self.literals_expected else 1.0


def totals(results: list[PageResult]) -> Totals:
    """Sums over pages."""
    return Totals(
        pages=len(results),
        right=sum(r.right for r in results),
        builds=sum(r.builds for r in results),
        refused=sum(r.exit_code == EXIT_REFUSED for r in results),
        tracebacks=sum(r.traceback for r in results),
        titles_expected=sum(len(r.titles_expected) for r in results),
        titles_found=sum(len(r.titles_found) for r in results),
        literals_expected=sum(len(r.literals_expected) for r in results),
        literals_found=sum(len(r.literals_found) for r in results),
    )


def table(results: list[PageResult]) -> list[str]:
    """The printed report."""
    width = max([len(r.page) for r in results] + [4])
    lines = [
        f"{'page':<{width}}  exit  builds  registers  titles  recall  unplaced  right",
    ]
    for r in results:
        recall = "-" if r.recall is None else f"{r.recall:.0%}"
        titles = f"{len(r.titles_found)}/{len(r.titles_expected)}"
        lines.append(
            f"{r.page:<{width}}  {r.exit_code:>4}  {'yes' if r.builds else 'no':>6}  "
            f"{r.registers:>9}  {titles:>6}  {recall:>6}  {r.unplaced:>8}  "
            f"{'yes' if r.right else 'NO':>5}"
        )
        missing = [t for t in r.literals_expected if t not in r.literals_found]
        missing_titles = [t for t in r.titles_expected if t not in r.titles_found]
        for label, values in (("titles missing", missing_titles), ("literals missing", missing)):
            if values:
                lines.append(f"{'':<{width}}    {label}: {', '.join(values)}")
        if r.message:
            lines.append(f"{'':<{width}}    {r.message}")
    total = totals(results)
    lines.append(
        f"total: {total.right} of {total.pages} pages right, {total.builds} build, "
        f"{total.refused} refused, {total.tracebacks} tracebacks; titles "
        f"{total.titles_found}/{total.titles_expected}; literal recall {total.recall:.0%} "
        f"({total.literals_found}/{total.literals_expected})"
    )
    return lines


def to_json(folder: Path, results: list[PageResult]) -> dict[str, Any]:
    """Every figure, for --json."""
    total = totals(results)
    return {
        "corpus": str(folder),
        "totals": {**asdict(total), "recall": round(total.recall, 4)},
        "pages": [{**asdict(r), "recall": r.recall} for r in results],
    }


def run(
    folder: Path, work: Path, command: list[str], organisation: bool = True
) -> list[PageResult]:
    """Measure every page of a corpus."""
    pages, expectations = pages_of(folder)
    return [measure_page(p, expectations[p.name], work, command, organisation) for p in pages]


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="Import and build every page of a corpus.")
    parser.add_argument("folder", type=Path, help="pages and expectations.json")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None, help="work (and keep files) here")
    parser.add_argument(
        "--no-organisation",
        action="store_true",
        help="do not pass --organisation: the importer must find the name on the page",
    )
    parser.add_argument(
        "--dcatgen", default=None, help="command to run dcatgen (default: this Python's)"
    )
    args = parser.parse_args(argv)
    if not (args.folder / "expectations.json").is_file():
        print(f"{args.folder}: no expectations.json", file=sys.stderr)
        return 2
    command = shlex.split(args.dcatgen) if args.dcatgen else list(DCATGEN_COMMAND)
    with tempfile.TemporaryDirectory(prefix="dcatgen-import-") as temporary:
        work = args.keep or Path(temporary)
        results = run(args.folder, work, command, not args.no_organisation)
    for line in table(results):
        print(line)
    if args.json is not None:
        args.json.write_text(
            json.dumps(to_json(args.folder, results), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {args.json}")
    return 0 if all(r.right for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
