"""Store: a catalog in an embedded pyoxigraph store, with dcatgen's vocabulary beside it.

A catalog comes from YAML descriptions (built with the pipeline, validated by the caller) or
from files a build wrote (``out/catalog.nt`` …, taken as they are).  The catalog's triples go
into the store's default graph; the vocabulary (ontology/dcatgen.ttl) goes into the named graph
``https://w3id.org/dcatgen/ns``, so that vocabulary IRIs dereference and queries can join on
it with ``GRAPH <https://w3id.org/dcatgen/ns> { … }``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from dcatgen.errors import InputError, Position, Problem, ViolationsFound
from dcatgen.rdf.formats import READ_ORDER, Format

if TYPE_CHECKING:
    from dcatgen.build.catalog import Catalog
    from dcatgen.validation.findings import Report

VOCABULARY = "https://w3id.org/dcatgen/ns"
"""The vocabulary's document IRI; its terms are ``VOCABULARY#Term``."""
VOCABULARY_GRAPH = ox.NamedNode(VOCABULARY)
VOCABULARY_RESOURCE = "resources/ontology/dcatgen.ttl"
CONTEXT_RESOURCE = "resources/ontology/dcatgen.context.jsonld"

BUILT_FILES = tuple(f.file_name("catalog") for f in READ_ORDER)
"""The files looked for in an out/ folder, in order of preference."""


@dataclass
class CatalogSource:
    """Where a catalog comes from: RDF files a build wrote (read as they are), or YAML."""

    files: list[Path]
    catalog: Catalog | None = None
    """The built catalog when the source was YAML (None for RDF files)."""

    @property
    def is_rdf(self) -> bool:
        """True when the files are RDF, loaded into a store without Python in between."""
        return self.catalog is None

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The catalog's triples (RDF files are parsed on first use)."""
        if self.catalog is not None:
            from dcatgen.rdf.serialize import to_oxigraph

            return to_oxigraph(self.catalog.triples)
        return [t for path in self.files for t in parse_rdf_file(path)]

    @property
    def last_modified(self) -> float:
        """The newest modification time of the source files (seconds since the epoch)."""
        return max((path.stat().st_mtime for path in self.files), default=0.0)


BUILT_LABELS = tuple(f.label for f in READ_ORDER)
"""The same preference among the files of index.json (the per-description layout)."""


def indexed_catalogs(folder: Path) -> list[tuple[str, Path]] | None:
    """(catalog IRI, file) for each catalog index.json lists (a file each, by preference), or
    None when the folder has no index."""
    path = folder / "index.json"
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("layout") != "per-description":
            return None
        return [
            (
                str(c["catalog"]),
                folder / next(c["files"][label] for label in BUILT_LABELS if label in c["files"]),
            )
            for c in document["catalogs"]
        ]
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        message = f"not an index dcatgen build wrote ({error}): build again"
        raise InputError([Problem(Position(path, 1, 1), "", message)]) from None


def indexed_files(folder: Path) -> list[Path] | None:
    """The catalog files index.json lists (one each, by preference), or None: no index."""
    catalogs = indexed_catalogs(folder)
    return None if catalogs is None else [path for _, path in catalogs]


def _is_built_folder(folder: Path) -> bool:
    has_yaml = any(path.suffix in (".yaml", ".yml") for path in folder.rglob("*"))
    return not has_yaml and any((folder / name).is_file() for name in BUILT_FILES)


def _rdf_format(path: Path) -> ox.RdfFormat:
    rdf_format = Format.from_suffix(path)
    if rdf_format is None:
        suffixes = ", ".join(f.suffix for f in READ_ORDER)
        raise InputError([Problem(None, "", f"{path}: not an RDF file ({suffixes})")])
    return rdf_format.oxigraph


_PARSER_POSITION = re.compile(r"at line (\d+) (?:between columns|column) (\d+)")


def unreadable(path: Path, error: SyntaxError | OSError) -> InputError:
    """The InputError for an RDF file that cannot be read, at the parser's line and column."""
    if isinstance(error, OSError):
        return InputError([Problem(None, "", f"cannot read {path}: {error}")])
    found = _PARSER_POSITION.search(str(error))
    line, column = (int(found[1]), int(found[2])) if found else (1, 1)
    return InputError([Problem(Position(path, line, column), "", f"not valid RDF: {error}")])


def parse_rdf_file(path: Path) -> list[ox.Triple]:
    """The triples of an RDF file (format from the suffix); InputError on a syntax error."""
    rdf_format = _rdf_format(path)
    try:
        return [quad.triple for quad in ox.parse(path=str(path), format=rdf_format)]
    except (SyntaxError, OSError) as error:
        raise unreadable(path, error) from None


def load_rdf_file(store: ox.Store, path: Path) -> None:
    """Load an RDF file into the store's default graph, parsed in Rust; InputError if broken.

    A file that fails to parse adds nothing (the load is one transaction).
    """
    rdf_format = _rdf_format(path)
    try:
        if rdf_format == ox.RdfFormat.JSON_LD:
            # JSON-LD may name graphs; a catalog file's triples all go to the default graph.
            quads = ox.parse(path=str(path), format=rdf_format)
            store.extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads
            )
        else:
            store.load(path=str(path), format=rdf_format, to_graph=ox.DefaultGraph())
    except (SyntaxError, OSError) as error:
        raise unreadable(path, error) from None


def read_source(target: Path) -> CatalogSource:
    """Read DATA: a YAML file or folder (built now), an out/ folder (either layout), or one
    RDF file.

    Raises InputError when the input is missing or broken.  Validation is the caller's.
    """
    indexed = indexed_files(target) if target.is_dir() else None
    if indexed is not None:
        return CatalogSource(indexed)
    if target.is_dir() and _is_built_folder(target):
        return CatalogSource(
            [next(target / name for name in BUILT_FILES if (target / name).is_file())]
        )
    if target.is_file() and Format.from_suffix(target) is not None:
        return CatalogSource([target])
    # Imported here: query workers import this module and need none of the pipeline.
    from dcatgen.build.catalog import make_catalog
    from dcatgen.model.load import description_files

    files = description_files(target)
    return CatalogSource(files, make_catalog(target))


@cache
def vocabulary_text() -> str:
    """The vocabulary (ontology/dcatgen.ttl) as Turtle text."""
    return resources.files("dcatgen").joinpath(VOCABULARY_RESOURCE).read_text(encoding="utf-8")


@cache
def context_text() -> str:
    """The JSON-LD context (ontology/dcatgen.context.jsonld)."""
    return resources.files("dcatgen").joinpath(CONTEXT_RESOURCE).read_text(encoding="utf-8")


def vocabulary_last_modified() -> float:
    """When the vocabulary file was last changed (0 when it is not a plain file)."""
    path = Path(str(resources.files("dcatgen").joinpath(VOCABULARY_RESOURCE)))
    return path.stat().st_mtime if path.is_file() else 0.0


def fill(store: ox.Store, source: CatalogSource) -> None:
    """Replace the store's content by a catalog (default graph) and the vocabulary."""
    store.clear()
    if source.is_rdf:
        # Straight from the files: at national scale a Python triple list would take
        # minutes and gigabytes (see benchmarks/RESULTS.md).
        for path in source.files:
            load_rdf_file(store, path)
    else:
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in source.triples
        )
    load_quality(store, source)
    store.load(
        vocabulary_text(),
        format=ox.RdfFormat.TURTLE,
        base_iri=VOCABULARY,
        to_graph=VOCABULARY_GRAPH,
    )


def quality_files(source: CatalogSource) -> list[Path]:
    """The quality graphs a build wrote beside the catalog files (quality.trig)."""
    found: list[Path] = []
    for folder in dict.fromkeys(path.parent for path in source.files):
        for name in ("quality.trig", "quality.nq"):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def load_quality(store: ox.Store, source: CatalogSource) -> None:
    """Load the quality graphs ({base}quality, named graphs) beside the catalog: from the
    files a build wrote, or measured now for YAML (see dcatgen.quality)."""
    if source.is_rdf:
        for path in quality_files(source):
            try:
                store.load(path=str(path), format=_QUALITY_FORMATS[path.suffix])
            except (SyntaxError, OSError) as error:
                raise unreadable(path, error) from None
        return
    from dcatgen.quality.output import quads_for

    assert source.catalog is not None
    quads = quads_for(source.catalog.sources, source.catalog.triples)
    text = "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)


def quality_graphs(source: CatalogSource) -> list[tuple[str, list[ox.Triple]]]:
    """The quality graphs of a catalog (as `load_quality` loads them): (graph IRI, its
    triples) for each organisation, by graph IRI."""
    store = ox.Store()
    load_quality(store, source)
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return sorted(graphs.items())


_QUALITY_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


@cache
def vocabulary_size() -> int:
    """How many distinct triples the vocabulary has."""
    store = ox.Store()
    store.load(vocabulary_text(), format=ox.RdfFormat.TURTLE, base_iri=VOCABULARY)
    return len(store)


def catalog_size(store: ox.Store) -> int:
    """How many distinct triples of a filled store are the catalog's (its default graph: not
    the vocabulary's, nor the quality graphs'), counted inside the store."""
    solutions = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    for solution in solutions:  # type: ignore[union-attr]
        count = solution[0]
        return int(count.value) if isinstance(count, ox.Literal) else 0
    return 0


@dataclass(frozen=True)
class StoreSpec:
    """How a query worker opens the same data: a store folder (read-only) or an N-Quads
    snapshot file the parent wrote (workers started later see the same data even when the
    source files change meanwhile)."""

    location: str | None = None
    snapshot: str | None = None
    ntriples: tuple[str, ...] = ()
    """N-Triples files that never change (a query store's sources), loaded in memory with
    the vocabulary: the data of a query store, held in memory for faster queries."""
    trig: tuple[str, ...] = ()
    """With ``ntriples``: the query store's quality files (TriG: the quality graphs)."""

    def open(self) -> ox.Store:
        """Open (or load in memory) the store this spec describes."""
        if self.location is not None:
            return ox.Store.read_only(self.location)
        store = ox.Store()
        if self.snapshot is not None:
            store.load(path=self.snapshot, format=ox.RdfFormat.N_QUADS)
        for path in self.ntriples:
            # Written by dcatgen build, whose IRIs are checked: lenient parses faster.
            store.load(path=path, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        for path in self.trig:
            store.load(path=path, format=ox.RdfFormat.TRIG, lenient=True)
        if self.ntriples:
            store.load(
                vocabulary_text(),
                format=ox.RdfFormat.TURTLE,
                base_iri=VOCABULARY,
                to_graph=VOCABULARY_GRAPH,
            )
        return store

    def remove(self) -> None:
        """Delete the snapshot (its folder), if there is one."""
        if self.snapshot is not None:
            shutil.rmtree(Path(self.snapshot).parent, ignore_errors=True)


SNAPSHOT_PREFIX = "dcatgen-store-"
"""Snapshot folders are named dcatgen-store-<server pid>-<random> in the temporary folder."""


def remove_orphaned_snapshots(folder: Path | None = None) -> list[Path]:
    """Delete the snapshot folders of servers that are no longer running (killed, so their
    cleanup never ran: 800 MB each at national scale); return what was deleted."""
    removed = []
    pattern = re.compile(re.escape(SNAPSHOT_PREFIX) + r"(\d+)-")
    for candidate in Path(folder or tempfile.gettempdir()).glob(SNAPSHOT_PREFIX + "*"):
        found = pattern.match(candidate.name)
        if found is None or not candidate.is_dir() or _is_running(int(found[1])):
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        removed.append(candidate)
    return removed


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def open_store(
    source: CatalogSource, location: Path | None = None, *, for_workers: bool = True
) -> tuple[ox.Store, StoreSpec]:
    """A store holding a catalog and the vocabulary, and how other processes may open it.

    In memory by default; with for_workers, the data is also dumped to a private N-Quads
    snapshot for worker processes (StoreSpec.remove deletes it).  With a location, the data
    is written there (replacing what the folder held), then the folder is reopened read-only
    so that worker processes can open it too.  Raises InputError when an RDF file is broken.
    """
    if location is None:
        store = ox.Store()
        fill(store, source)
        if not for_workers:
            return store, StoreSpec()
        remove_orphaned_snapshots()
        folder = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-"))
        snapshot = folder / "snapshot.nq"
        try:
            store.dump(output=str(snapshot), format=ox.RdfFormat.N_QUADS)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # e.g. a full disk: no partial 800 MB left
            raise
        return store, StoreSpec(snapshot=str(snapshot))
    location.mkdir(parents=True, exist_ok=True)
    writable = ox.Store(str(location))
    fill(writable, source)
    writable.flush()
    writable.optimize()
    del writable  # releases the folder's lock
    spec = StoreSpec(location=str(location))
    return spec.open(), spec


def catalog_iris(store: ox.Store) -> list[str]:
    """The IRIs of the dcat:Catalog nodes of the default graph, sorted."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    catalog_class = ox.NamedNode("http://www.w3.org/ns/dcat#Catalog")
    return sorted(
        quad.subject.value
        for quad in store.quads_for_pattern(None, rdf_type, catalog_class, ox.DefaultGraph())
        if isinstance(quad.subject, ox.NamedNode)
    )


def read_checked(
    data: Path, force: bool = False, validate_yaml: bool = True
) -> tuple[CatalogSource, Report | None]:
    """DATA as a catalog source, and the report of validating it when it is YAML.

    The gate before serving or publishing: YAML with violations is refused (ViolationsFound,
    with the findings) unless ``force``; RDF files are taken as they are.
    """
    from dcatgen.build.catalog import check
    from dcatgen.validation.report import format_text

    source = read_source(data)
    if source.catalog is None or not validate_yaml:
        return source, None
    report = check(source.catalog)
    if not report.conforms and not force:
        raise ViolationsFound(
            f"refused: {report.summary()}: fix the violations above, or use --force",
            shown=format_text(report),
        )
    return source, report
