"""`dcatgen publish --ckan`: the options and the one call behind them (cli.py applies them).

Importing this module imports neither ckanapi nor requests: the CLI stays quick to start, and a
dcatgen installed without the `ckan` extra says how to get it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dcatgen.publish.ckan.fields import AVOINDATA, SCHEMAS, STOCK

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_ENV = "CKAN_API_TOKEN"
INSTALL_HINT = "publishing to CKAN needs ckanapi: pip install 'dcatgen[ckan]'"

_OPTIONS = (
    click.option(
        "--ckan",
        "ckan_url",
        metavar="URL",
        default=None,
        help="Publish each register as a dataset of this CKAN portal (its base URL, e.g. "
        "https://www.avoindata.fi/data) instead of replacing a graph.",
    ),
    click.option(
        "--organization",
        metavar="NAME",
        default=None,
        help="With --ckan: the CKAN organization (name or id) to publish into.",
    ),
    click.option(
        "--schema",
        "ckan_schema",
        type=click.Choice(SCHEMAS),
        default=AVOINDATA,
        show_default=True,
        help=f"With --ckan: {AVOINDATA} is avoindata.fi's dataset fields (ckanext-scheming and "
        f"-fluent); {STOCK} is stock CKAN's.",
    ),
    click.option(
        "--token-env",
        metavar="VAR",
        default=TOKEN_ENV,
        show_default=True,
        help="With --ckan: the environment variable holding the API token.",
    ),
    click.option(
        "--token-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="With --ckan: read the API token from this file instead.",
    ),
    click.option(
        "--dry-run",
        is_flag=True,
        help="With --ckan: print what would be created, patched and deleted; write nothing.",
    ),
)


def ckan_options(function: F) -> F:
    """Add the --ckan option set to a command."""
    for option in reversed(_OPTIONS):
        function = option(function)
    return function


def read_token(token_env: str, token_file: Path | None) -> str:
    """The API token from the file or the environment variable; never from the command line."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise click.UsageError(
                f"cannot read --token-file {token_file}: {error.strerror}"
            ) from None
        if not token:
            raise click.UsageError(f"--token-file {token_file} is empty")
        return token
    token = os.environ.get(token_env, "").strip()
    if not token:
        raise click.UsageError(
            f"--ckan needs the portal's API token: put it in the environment variable "
            f"{token_env} (or name another with --token-env), or in a file given with "
            "--token-file; an editor of the organization creates one on the portal under "
            "their user page's API tokens"
        )
    return token


def check_options(store_url: str | None, graph: str | None, per_catalog: bool, **ckan: Any) -> None:
    """Refuse option mixes up front: --ckan and --to are two different targets."""
    with_ckan = [name for name in ("organization", "dry_run", "token_file") if ckan.get(name)]
    if ckan["ckan_url"] is None:
        if with_ckan:
            raise click.UsageError(f"--{with_ckan[0].replace('_', '-')} goes with --ckan URL")
        if store_url is None:
            raise click.UsageError("give --to URL (a Graph Store) or --ckan URL (a CKAN portal)")
        return
    if store_url is not None or graph is not None or per_catalog:
        raise click.UsageError(
            "--ckan publishes datasets: leave out --to, --graph and --graph-per-catalog"
        )
    if not ckan.get("organization"):
        raise click.UsageError("--ckan needs --organization NAME (the CKAN organization)")


def publish_to_ckan(
    sources: list[Any],
    url: str,
    organization: str,
    schema: str,
    token: str,
    dry_run: bool,
    timeout: float,
    data: Path | None = None,
) -> None:
    """Publish one description's registers into one CKAN organization and print each change
    (a deleted dataset with what the change ledger beside DATA remembers of its register)."""

    if len(sources) != 1:
        raise click.UsageError(
            f"--ckan publishes one description (one organisation) into one CKAN organization; "
            f"DATA holds {len(sources)}: give one YAML file"
        )
    try:
        from dcatgen.publish.ckan.portal import CkanError, publish
    except ImportError as error:
        if error.name == "ckanapi":
            raise click.ClickException(INSTALL_HINT) from None
        raise

    def report(change: Any) -> None:
        click.echo(change.line(done=not dry_run))

    from dcatgen.history.ledger import removed_registers

    removed = removed_registers(data, sources[0]) if data is not None else {}
    try:
        plan = publish(
            sources[0], url, organization, token, schema,
            dry_run=dry_run, timeout=timeout, report=report, removed=removed,
        )  # fmt: skip
    except CkanError as error:
        raise click.ClickException(str(error)) from None
    click.echo(plan.summary(done=not dry_run))
