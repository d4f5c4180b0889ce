"""The `dcatgen` command: thin shells over the pipeline's functions.

Exit codes: 0 success (warnings allowed), 1 violations found, 2 bad input or output that
cannot be written, 3 an import left lines unplaced, 70 an internal error (a bug: run again
with --traceback and report it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dcatgen import __version__
from dcatgen.build.catalog import make_catalog
from dcatgen.build.pipeline import COMBINED, LAYOUTS, validate_all
from dcatgen.build.pipeline import build as run_build
from dcatgen.build.results import LISTED_AT_MOST
from dcatgen.errors import EXIT_INTERNAL, DcatgenError, InputError, Unplaced, ViolationsFound
from dcatgen.model.description import Description
from dcatgen.model.load import description_files
from dcatgen.publish.ckan.command import check_options, ckan_options, publish_to_ckan, read_token
from dcatgen.rdf.formats import Format
from dcatgen.rdf.serialize import write_atomic
from dcatgen.sparql.store import CatalogSource, read_checked
from dcatgen.validation.findings import KINDS, Report, Severity, kind_of
from dcatgen.validation.locate import attach_positions
from dcatgen.validation.report import format_grouped, format_text, plural
from dcatgen.validation.run import DEFAULT_ENGINE, ENGINES, validate_triples

if TYPE_CHECKING:
    # imports requests: only where it is needed
    from dcatgen.publish.graph_store import GraphStore, Published
    from dcatgen.server.app import Settings, Site
    from dcatgen.site.serving import Pages  # imports Jinja2: only for serve


F = TypeVar("F", bound=Callable[..., Any])


class DcatgenGroup(click.Group):
    """The command group, with the one place where errors become messages and exit codes.

    A DcatgenError is explained (its lines, its exit code); anything else is a bug, shown as
    one line unless --traceback asks for the whole story.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's main, with its usage errors said as 'error: …' like every other error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()  # only the help, as click prints it
            sys.exit(error.exit_code)
        except click.ClickException as error:
            context = getattr(error, "ctx", None)
            if isinstance(error, click.UsageError) and context is not None:
                click.echo(context.get_usage(), err=True)
                name = context.command_path
                click.echo(f"Try '{name} --help' for help.\n", err=True)
            click.echo(f"error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn errors into messages and exit codes."""
        try:
            return super().invoke(ctx)
        except DcatgenError as error:
            if ctx.meta.get("dcatgen.traceback"):
                raise
            for line in error.lines():
                click.echo(f"error: {line}", err=True)
            outcome = error.outcome()
            if outcome:
                click.echo(outcome, err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:
            if ctx.meta.get("dcatgen.traceback"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in dcatgen: run the same command with --traceback and "
                "report what it prints.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


def data_argument(function: F) -> F:
    """The DATA argument: a description file or a folder of them (default: data/)."""
    return click.argument(
        "data",
        type=click.Path(path_type=Path),
        default=Path("data"),
        required=False,
    )(function)


engine_option = click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="SHACL engine: pyshacl is the reference.",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core for large inputs, else one).",
)


@click.group(cls=DcatgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version")
@click.option(
    "--traceback",
    is_flag=True,
    help="On an error, print Python's traceback too (for bug reports).",
)
@click.pass_context
def main(ctx: click.Context, traceback: bool) -> None:
    """Publish §28 register descriptions (Information Management Act 906/2019) as DCAT-AP 3.

    Describe registers in YAML, build a validated catalog in Turtle, JSON-LD, RDF/XML and
    N-Triples, and serve it to harvesters and analysts.
    """
    ctx.meta["dcatgen.traceback"] = traceback


@main.command()
@data_argument
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write catalog.ttl, .jsonld, .rdf and .nt into.",
)
@click.option(
    "--force", is_flag=True, help="Write the files even when validation finds violations."
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([f.label for f in Format]),
    help="Write only these formats (repeatable). Default: all four.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default=COMBINED,
    show_default=True,
    help="combined: one catalog.* holding every description's catalog. per-description: "
    "OUT/<description>/catalog.* for each, listed in OUT/index.json (one harvest source per "
    "authority; a rebuild rewrites only what changed).",
)
@click.option(
    "--site/--no-site",
    default=True,
    show_default=True,
    help="Write the web pages people read into OUT/site/<organisation>/ (either layout).",
)
@click.option(
    "--link-gaps",
    is_flag=True,
    help="Link the publisher's §28 gaps page (OUT/site/<organisation>/gaps.html, always "
    "written) from the public pages.",
)
@click.option("--timings", is_flag=True, help="Print how long each stage took.")
@click.option(
    "--store/--no-store",
    default=True,
    show_default=True,
    help="Also write the query store `serve` and `query` open instead of parsing the catalogs "
    "(OUT/.store.current: a cache, derived from the catalogs).",
)
@engine_option
@jobs_option
def build(
    data: Path,
    out_dir: Path,
    force: bool,
    formats: tuple[str, ...],
    layout: str,
    site: bool,
    link_gaps: bool,
    timings: bool,
    store: bool,
    engine: str,
    jobs: int | None,
) -> None:
    """Build the catalog from DATA (a YAML file or folder) into OUT.

    Validates first and refuses to write when there are violations, unless --force.
    Only description files changed since the last build into OUT are processed again.

    Example: dcatgen build data -o out
    """
    chosen = [Format.from_name(name) for name in formats] or list(Format)
    files = len(description_files(data))
    show_progress = sys.stderr.isatty() and files > 1
    with click.progressbar(
        length=files, label="building", file=sys.stderr, hidden=not show_progress
    ) as bar:
        done = 0

        def advance(index: int) -> None:
            nonlocal done
            bar.update(index - done)
            done = index

        result = run_build(
            data,
            out_dir,
            force=force,
            formats=chosen,
            engine=engine,
            workers=jobs,
            progress=advance,
            layout=layout,
            site=site,
            link_gaps=link_gaps,
            store=store,
        )
    for line in result.lines(out_dir, layout, timings):
        click.echo(line.text, err=line.to_stderr)
    if result.refused:
        raise ViolationsFound("nothing written: fix the violations above, or use --force")
    if not result.summary.conforms:
        raise ViolationsFound()


@main.command()
@data_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json or turtle (the SHACL report) for machines.",
)
@click.option(
    "--severity",
    type=click.Choice(["violation", "warning", "info"]),
    default="info",
    show_default=True,
    help="Show findings of this severity and worse (text format).",
)
@click.option(
    "--only",
    type=click.Choice(sorted(KINDS)),
    multiple=True,
    help="Only findings of this kind: s28 (§28 gaps), dcat (DCAT-AP), vocabulary (code "
    "lists and our vocabulary). Repeat for several.",
)
@click.option(
    "--max-per-kind",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Places listed for each kind of finding (text format); 0 lists counts only.",
)
@engine_option
@jobs_option
def validate(
    data: Path,
    output_format: str,
    severity: str,
    only: tuple[str, ...],
    max_per_kind: int,
    engine: str,
    jobs: int | None,
) -> None:
    """Validate DATA against DCAT-AP 3 and the §28 completeness shapes.

    Findings are grouped by kind, §28 gaps first, each kind with its count and the first
    places (file:line, register, field to fix); warnings every §28 description draws are
    counted at the end. Exit 0 when the catalog conforms (warnings allowed), 1 on
    violations, 2 on bad input.

    Example: dcatgen validate data --only s28 --max-per-kind 20
    """
    if output_format == "turtle":
        # The SHACL report graph itself: the reference engine over the whole catalog.
        catalog = make_catalog(data)
        full = validate_triples(catalog.triples, catalog.sources, keep_graph=True)
        assert full.graph is not None
        click.echo(full.graph.serialize(format="turtle"))
        if not full.conforms:
            raise ViolationsFound()
        return
    summary, report = validate_all(data, engine=engine, workers=jobs)
    kept = [f for f in report.findings if not only or kind_of(f) in only]
    if output_format == "json":
        click.echo(Report(attach_positions(kept)).to_json())
    else:
        threshold = Severity[severity.upper()]
        shown = attach_positions([f for f in kept if f.severity >= threshold])
        text = format_grouped(Report(shown), max_per_kind).rsplit("\n", 1)[0]
        if text:
            click.echo(text)
        verdict = "conforms" if report.conforms else "does not conform"
        click.echo(f"{plural(summary.registers, 'register')}: {verdict}: {report.summary()}")
    if not report.conforms:
        raise ViolationsFound()


@main.command()
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file instead of standard output.",
)
def schema(out_file: Path | None) -> None:
    """Print the JSON Schema of the description format (for editors).

    Example: dcatgen schema -o schema/description.schema.json
    """
    text = json.dumps(description_schema(), ensure_ascii=False, indent=2) + "\n"
    if out_file is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out_file, text.encode("utf-8"))
        click.echo(f"wrote {out_file}")


def description_schema() -> dict[str, Any]:
    """The JSON Schema of a description file."""
    schema_document = Description.model_json_schema()
    schema_document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema_document["$id"] = "https://w3id.org/dcatgen/schema/description.schema.json"
    schema_document["title"] = "dcatgen §28 description"
    return schema_document


# --- serve, query, publish ---------------------------------------------------------------


def read_data(data: Path, force: bool, validate_yaml: bool = True) -> CatalogSource:
    """DATA as triples; YAML is built and validated (refused on violations unless forced)."""
    source, report = read_checked(data, force, validate_yaml)
    if report is not None and not report.conforms:
        click.echo(format_text(report), err=True)  # forced: served or published all the same
    return source


@main.command()
@data_argument
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Datasets per catalog page (Hydra paging with ?page=N).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the store in this folder (replaced at start) instead of in memory; a new "
    "build is then served after a restart, not reloaded.",
)
@click.option(
    "--base",
    default=None,
    help="The base IRI the server's root / stands for. Default: the catalog's base "
    "(its IRI without 'catalog').",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="Seconds a SPARQL query may run; past it the query is stopped and gets 503.",
)
@click.option(
    "--max-results",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) a query may return.",
)
@click.option(
    "--query-memory",
    "query_memory_mb",
    type=click.IntRange(min=16),
    default=1024,
    show_default=True,
    help="Megabytes a query may use in its worker beyond the loaded data; "
    "past it the query is stopped and gets 503.",
)
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Query worker processes (queries running at once).",
)
@click.option(
    "--max-request-bytes",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Largest request body accepted; larger ones get 413.",
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="The address clients use (e.g. https://data.example.fi) when a reverse proxy is in "
    "front: links the server makes (Hydra paging) use it, whatever the request's headers say.",
)
@click.option(
    "--proxy-headers/--no-proxy-headers",
    default=True,
    show_default=True,
    help="Honour X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-For from "
    "--forwarded-allow-ips.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1,::1",
    show_default=True,
    envvar="FORWARDED_ALLOW_IPS",
    help="Comma-separated addresses or networks of the proxies whose X-Forwarded-* headers are "
    "believed, or * for any (as uvicorn's option of that name).",
)
@click.option(
    "--header-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a client may take to send a request's headers; past it the connection is closed.",
)
@click.option(
    "--force", is_flag=True, help="Serve YAML data even when validation finds violations."
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
@click.option(
    "--in-memory",
    is_flag=True,
    help="Parse the catalogs into memory in every process even when the build wrote a query "
    "store: queries run 4-8 times faster, at the cost of start-up time and a copy per process.",
)
@click.option(
    "--memory-workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Query workers that load a build's query store into memory and then take over from "
    "the --workers (queries 2-9 times faster; each holds a copy: about 4.7 GB at 100,000 "
    "registers with their quality graphs).",
)
@click.option(
    "--reload-interval",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds between looks for a new build, which is then served without a restart "
    "(0: only on SIGHUP).",
)
def serve(
    data: Path,
    store_dir: Path | None,
    force: bool,
    in_memory: bool,
    reload_interval: float,
    **options: Any,
) -> None:
    """Serve DATA (YAML, or a build's out/ folder) to harvesters, browsers and SPARQL clients.

    /catalog with content negotiation and Hydra paging; every minted IRI under --base
    dereferences (/register/ID, /unit/ID, /system/SLUG, /organisation); the vocabulary at
    /ns; SPARQL 1.1 Protocol at /sparql (read-only). Stops gracefully on SIGTERM or Ctrl-C.

    A build's folder is served from the query store the build wrote beside its catalogs
    (opened in a moment, one copy shared by every process). A new build in DATA (or SIGHUP)
    is switched to without refusing a request.

    Behind a reverse proxy, give --public-url (or have the proxy send X-Forwarded-Host and
    X-Forwarded-Proto): see docs/production.md.

    Example: dcatgen serve data --port 8080 --page-size 50
    """
    from dcatgen.server.app import (
        AddressInUse,
        Settings,
        TrustedPeers,
        bind,
        configure_logging,
        public_origin,
        run,
    )
    from dcatgen.server.reload import Reload, folder_state

    # Every other option is a field of the server's Settings, by the same name.
    settings = Settings(**options)
    public_url = settings.public_url
    try:
        if public_url is not None:
            public_origin(public_url)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="'--public-url'") from None
    try:
        TrustedPeers(settings.forwarded_allow_ips)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="'--forwarded-allow-ips'") from None
    # The port first: a busy one is reported at once, before the data is read and before
    # anything says where the catalog is served.
    try:
        sock = bind(settings.host, settings.port)
    except AddressInUse as problem:
        raise DcatgenError(str(problem)) from None
    with sock:
        source = read_data(data, force)
        configure_logging(settings.log_level)

        def reopen() -> Site:
            # As at start-up, but a problem is raised (and logged: the server goes on).
            return _open_site(data, read_checked(data, force)[0], settings, store_dir, in_memory)

        site = _open_site(data, source, settings, store_dir, in_memory)
        try:
            address = sock.getsockname()[1]
            for line in _startup_lines(site, source, settings, address, bool(store_dir)):
                click.echo(line, err=True)
            # --store: the folder is rewritten at start while workers read it, so a new build
            # is served by a restart there (reloading would rewrite it under them).
            reload = (
                None if store_dir else Reload(reopen, partial(folder_state, data), reload_interval)
            )
            run(site, settings, sock, reload)
        finally:
            site.close()


def _open_site(
    data: Path, source: CatalogSource, settings: Settings, store_dir: Path | None, in_memory: bool
) -> Site:
    """The served site of DATA: a build's own query store opens in a moment and is shared by
    every process; without one (YAML, an RDF file, --store, --in-memory) the data is parsed."""
    from dcatgen.server.app import Site, default_base
    from dcatgen.sparql.persisted import open_for_reading
    from dcatgen.sparql.store import catalog_iris, open_store, vocabulary_last_modified

    def say(line: str) -> None:
        click.echo(line, err=True)

    opened = None
    if not store_dir and not in_memory and data.is_dir():
        opened = open_for_reading(data, say, write_if_large=True)
    store, spec = opened or open_store(source, store_dir)
    chosen_base = settings.base or default_base(catalog_iris(store))
    last_modified = max(source.last_modified, vocabulary_last_modified())
    return Site(store, spec, chosen_base, last_modified, settings, pages=site_pages(source, data))


def _startup_lines(
    site: Site, source: CatalogSource, settings: Settings, port: int, own_store: bool
) -> list[str]:
    """What `serve` says once the data is open: how much, from where, and the addresses."""
    from dcatgen.server.app import describe_site
    from dcatgen.sparql.store import vocabulary_size

    catalogs = len(site.catalogs)
    lines = [
        f"{site.size() - vocabulary_size():,} triples from {files_read(source.files)}"
        f"{' (query store)' if site.spec.location and not own_store else ''}; "
        f"{catalogs:,} catalog{'s' if catalogs != 1 else ''}"
    ]
    host = settings.host
    shown_host = f"[{host}]" if ":" in host else host
    listening = f"http://{shown_host}:{port}"
    public_url = settings.public_url
    lines += describe_site(site, public_url.rstrip("/") if public_url else listening)
    if public_url:
        lines.append(f"  listening   {listening}/ (behind the proxy)")
    return lines


def site_pages(source: CatalogSource, data: Path) -> Pages | None:
    """The §28 pages served for HTML: rendered from YAML, or the ones a build wrote."""
    from dcatgen.site.serving import BuiltPages, RenderedPages

    if source.catalog is not None:
        return RenderedPages([s.description for s in source.catalog.sources])
    pages = BuiltPages.of(data) if data.is_dir() else None
    if pages is None:
        click.echo(
            f"no site in {data / 'site'}: browsers get generic pages (build again to write it)",
            err=True,
        )
    return pages


SHOWN_FILES = 3
"""How many source files the start-up line names before counting the rest."""


def files_read(files: list[Path]) -> str:
    """The source files for a start-up line: a few names, then how many more."""
    shown = ", ".join(map(str, files[:SHOWN_FILES]))
    rest = len(files) - SHOWN_FILES
    return f"{shown} and {rest:,} more files" if rest > 0 else shown


def _query_text(query: str) -> str:
    if not query.startswith("@"):
        if "{" in query or not Path(query).is_file():
            return query
        path = Path(query)  # a file named without "@": no query is a bare path
    else:
        path = Path(query[1:])
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise click.BadParameter(f"cannot read {path}: {error.strerror}") from None


@main.command()
@click.argument("query_arg", metavar="QUERY|@FILE.rq")
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="Query this YAML folder/file or out/ folder in an embedded store (default: data).",
)
@click.option("--endpoint", default=None, help="Query this SPARQL endpoint URL instead.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="table for people; csv, tsv, json are the SPARQL result formats.",
)
def query(query_arg: str, data: Path | None, endpoint: str | None, output: str) -> None:
    """Run a SPARQL query over the catalog (embedded store) or a remote endpoint.

    The vocabulary is in the named graph <https://w3id.org/dcatgen/ns> beside the catalog.
    Exit 0 on success, 1 when the endpoint fails, 2 on a bad query or bad input.

    QUERY is the query text, or @FILE (or a FILE path) to read it from a file.  The query
    is checked before the data is loaded.

    Example: dcatgen query @examples/queries/searchable-by-personal-identity-code.rq
    """
    from dcatgen.sparql.console import EndpointError, check_syntax, render, run_local, run_remote
    from dcatgen.sparql.engine import QueryError
    from dcatgen.sparql.persisted import open_for_reading
    from dcatgen.sparql.store import open_store

    if data is not None and endpoint is not None:
        raise click.UsageError("give --data or --endpoint, not both")
    text = _query_text(query_arg)
    try:
        if endpoint is not None:
            result = run_remote(endpoint, text, output)
        else:
            check_syntax(text, output)  # before loading what may be millions of triples
            folder = data or Path("data")
            # A build's query store: nothing to parse (waited for while a build writes it).
            opened = open_for_reading(folder, lambda line: click.echo(line, err=True))
            if opened is None:
                source = read_data(folder, force=True, validate_yaml=False)
                opened = open_store(source, for_workers=False)
            result = run_local(opened[0], text, output)
    except QueryError as error:
        raise DcatgenError(error.message) from None
    except EndpointError as error:
        raise click.ClickException(str(error)) from None
    click.echo(render(result, output))


@main.command()
@data_argument
@click.option(
    "--to",
    "store_url",
    default=None,
    help="The store's SPARQL Graph Store endpoint, e.g. http://127.0.0.1:7878/store.",
)
@click.option("--graph", default=None, help="IRI of the named graph to replace.")
@click.option(
    "--update",
    "update_url",
    default=None,
    metavar="URL",
    help="The store's SPARQL Update endpoint, for staged publishing (default: found from --to "
    "for Oxigraph /store, Fuseki /data and Virtuoso /sparql-graph-crud[-auth]).",
)
@click.option(
    "--no-staging",
    is_flag=True,
    help="PUT the graph itself instead of a staging graph moved into place: then a publish "
    "killed part way can still land later, over a newer one.",
)
@click.option(
    "--graph-per-catalog",
    "per_catalog",
    is_flag=True,
    help="For an out/ folder built with --layout per-description: replace one graph per "
    "catalog, named by the catalog's IRI (instead of --graph).",
)
@click.option("--user", default=None, help="User name, when the store needs a login.")
@click.option(
    "--password-env",
    default=None,
    metavar="VAR",
    help="Name of the environment variable holding the password (never the password itself).",
)
@click.option(
    "--auth",
    type=click.Choice(["auto", "basic", "digest"]),
    default="auto",
    show_default=True,
    help="HTTP authentication scheme; auto asks the store.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    help="Seconds to wait for the store (or the CKAN portal) to answer a request.",
)
@click.option(
    "--no-quality",
    is_flag=True,
    help="Leave out the quality graphs: by default each organisation's quality measurements "
    "(from the build's quality.trig, or measured now for YAML) replace its graph {base}quality.",
)
@click.option("--force", is_flag=True, help="Publish YAML data even with violations.")
@ckan_options
def publish(
    data: Path,
    store_url: str | None,
    graph: str | None,
    update_url: str | None,
    no_staging: bool,
    per_catalog: bool,
    no_quality: bool,
    user: str | None,
    password_env: str | None,
    auth: str,
    timeout: float,
    force: bool,
    **ckan: Any,
) -> None:
    """Publish: replace a graph of a SPARQL Graph Store (--to), or fill a CKAN portal (--ckan).

    --to: the catalog replaces a named graph of any SPARQL 1.1 Graph Store (HTTP PUT).
    DATA is YAML (built and validated), a build's out/ folder, or one RDF file. Publishing
    again replaces the graph, so nothing is duplicated; blank nodes are skolemised first.

    The graph is sent into a staging graph, then moved into place by one SPARQL Update, so
    readers never see it empty or half-replaced; the move is ordered (the publish started
    last wins), so a killed publish that reaches the store late does not land over a newer
    one (docs/serving.md: the one case a store that does not isolate concurrent updates
    leaves). Writes never follow redirects.

    A national build is too large for one request: build it with --layout per-description
    and publish it with --graph-per-catalog, one request per authority.

    With --ckan URL --organization NAME, each register of one YAML description becomes a
    dataset of that CKAN organization instead (see docs/ckan.md): created, patched when
    edited, deleted when removed; datasets dcatgen did not create are never touched.

    Example: dcatgen publish --to http://127.0.0.1:7878/store --graph https://example.org/g data

    Example: CKAN_API_TOKEN=... dcatgen publish --ckan https://www.avoindata.fi/data
    --organization mynamaki data/mynamaki.yaml --dry-run
    """
    import os

    from dcatgen.publish.graph_store import GraphStore, update_endpoint

    check_options(store_url, graph, per_catalog, **ckan)
    if ckan["ckan_url"] is not None:
        token = read_token(ckan["token_env"], ckan["token_file"])
        source = read_data(data, force)
        if source.catalog is None:
            raise click.UsageError(f"--ckan publishes YAML descriptions; {data} is RDF")
        publish_to_ckan(
            source.catalog.sources, ckan["ckan_url"], ckan["organization"],
            ckan["ckan_schema"], token, ckan["dry_run"], timeout, data,
        )  # fmt: skip
        return
    assert store_url is not None
    if (graph is None) == (not per_catalog):
        raise click.UsageError("give --graph IRI, or --graph-per-catalog (not both)")
    if no_staging and update_url is not None:
        raise click.UsageError("--update is for staged publishing: not with --no-staging")
    update = None if no_staging else (update_url or update_endpoint(store_url))
    if update is None and not no_staging:
        click.echo(
            f"note: no SPARQL Update endpoint is known for {store_url} (give --update URL), "
            "so the graph is replaced by one PUT: a publish killed part way can still land "
            "later, over a newer one",
            err=True,
        )
    password: str | None = None
    if password_env is not None:
        if user is None:
            raise click.UsageError("--password-env needs --user")
        password = os.environ.get(password_env)
        if password is None:
            raise click.UsageError(f"the environment variable {password_env} is not set")
    target = GraphStore(store_url, user, password, auth, timeout, update)
    if per_catalog:
        publish_per_catalog(data, target, quality=not no_quality)
        return
    assert graph is not None
    source = read_data(data, force)
    click.echo(published_line(target.replace(source.triples, graph)))
    if not no_quality and (data.is_dir() or not source.is_rdf):  # one RDF file: just that
        from dcatgen.sparql.store import quality_graphs

        for name, triples in quality_graphs(source):
            click.echo(published_line(target.replace(triples, name)))


def published_line(done: Published) -> str:
    """What one replaced graph is reported as."""
    skolem = f", {done.skolemised} blank nodes skolemised" if done.skolemised else ""
    how = "staged, then moved into place: " if done.staged else ""
    if done.moves > 1:
        how = (
            f"staged, then moved into place {done.moves} times, an older publish's move having "
            "been committed beside it: "
        )
    return (
        f"replaced graph <{done.graph}> with {done.triples} triples "
        f"({how}HTTP {done.status}{skolem})"
    )


def publish_per_catalog(folder: Path, target: GraphStore, quality: bool) -> None:
    """Replace one graph per catalog of a per-description out/ folder (see publish)."""
    import time

    from dcatgen.publish.graph_store import publish_catalogs
    from dcatgen.sparql.store import indexed_catalogs

    catalogs = indexed_catalogs(folder) if folder.is_dir() else None
    if catalogs is None:
        raise click.UsageError(
            f"--graph-per-catalog needs an out/ folder built with --layout per-description "
            f"(its index.json lists the catalogs); {folder} is not one"
        )
    started = time.perf_counter()
    few = len(catalogs) <= LISTED_AT_MOST

    def said(done: Published) -> None:
        if few:
            click.echo(published_line(done))

    done = publish_catalogs(catalogs, target, said, quality)
    if not few:
        names = {iri for iri, _ in catalogs}
        graphs = [d for d in done if d.graph in names]
        others = [d for d in done if d.graph not in names]
        extra = (
            f", and {len(others):,} quality graphs with {sum(d.triples for d in others):,} triples"
            if others
            else ""
        )
        click.echo(
            f"replaced {len(graphs):,} graphs, one per catalog, with "
            f"{sum(d.triples for d in graphs):,} triples{extra} in "
            f"{time.perf_counter() - started:.1f} s"
        )


@main.command("import")
@click.argument("source")
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the description to this YAML file (e.g. data/NAME.yaml).",
)
@click.option("--organisation", help="The organisation's name, when the page does not give it.")
@click.option(
    "--base-iri",
    help="IRI space for everything minted. Default: https://w3id.org/dcatgen/id/<name>/.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fi", "sv"]),
    help="The page's language. Default: detected from its words.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file when it exists.")
@click.option(
    "--allow-private-redirects",
    is_flag=True,
    help="Follow a URL's redirects to loopback, private or link-local addresses you did not "
    "name (refused by default: a page must not steer the import into your own network).",
)
def import_command(
    source: str,
    out_file: Path,
    organisation: str | None,
    base_iri: str | None,
    language: str | None,
    force: bool,
    allow_private_redirects: bool,
) -> None:
    """Import a published §28 page: SOURCE is a .txt or .html file, an http(s) URL, or -.

    Writes the YAML description format with the source line of every value as a comment,
    and lists what it could not place under unplaced:. Exit 0 when everything was placed,
    3 when something was left unplaced (the file is still written), 2 on unusable input
    or when the output file exists (a curated description is never overwritten without
    --force).

    Example: dcatgen import page.txt -o data/mynamaki.yaml --organisation 'Mynämäen kunta'
    """
    from dcatgen.importer import import_source

    if out_file.exists() and not force:
        raise DcatgenError(
            f"{out_file} exists: give another -o, or --force to overwrite it",
            result="nothing imported; the file is left as it was",
        )
    result = import_source(
        source,
        organisation=organisation,
        base_iri=base_iri,
        language=language,
        allow_private_redirects=allow_private_redirects,
    )
    write_atomic(out_file, result.yaml.encode("utf-8"))
    for line in result.summary():
        click.echo(line)
    click.echo(f"wrote {out_file}")
    if result.unplaced:
        raise Unplaced(
            f"{len(result.unplaced)} line{'s' if len(result.unplaced) != 1 else ''} left "
            f"unplaced: move each to the right field of {out_file} or delete it"
        )


@main.command()
@data_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for machines.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(min=0),
    default=None,
    help="Exit 1 when a catalog scores below this many MQA points (of 405).",
)
@click.option("--catalogs-only", is_flag=True, help="Leave out the per-register lines (text).")
def quality(data: Path, output_format: str, min_score: float | None, catalogs_only: bool) -> None:
    """Report the metadata quality of DATA (YAML) or OUT (a build): per catalog and register
    the MQA score by dimension, what each missing indicator would add, and whether the
    description could supply it; and the §28 items missing.

    Exit 0, or 1 when a catalog scores below --min-score; 2 on bad input.

    Example: dcatgen quality out --min-score 120
    """
    from dcatgen.quality.command import quality_report
    from dcatgen.quality.report import text

    try:
        report = quality_report(data)
    except InputError as error:
        raise InputError(error.problems, "no report") from None
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(text(report, registers=not catalogs_only))
    lowest = report.lowest()
    if min_score is not None and lowest is not None and lowest < Decimal(str(min_score)):
        raise ViolationsFound(f"score {lowest} is below --min-score {min_score:g}")


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for a change log; json for machines.",
)
def diff_command(old: str, new: str, output_format: str) -> None:
    """Registers added, removed and changed between OLD and NEW, with the changed fields in
    words. OLD and NEW are YAML folders or files, two built out/ folders, or git revisions
    of the data (REV or REV:path, e.g. HEAD~1:data).

    Example: dcatgen diff HEAD~1 data
    """
    from dcatgen.history.diff import diff, text

    try:
        changes = diff(old, new)
    except InputError as error:
        raise InputError(error.problems, "nothing compared") from None
    if output_format == "json":
        document = {"changes": [change.to_json() for change in changes]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        click.echo(text(changes))
