"""Parse DCAT RDF with ckanext-dcat's RDFParser; runs inside the ckan venv, prints JSON datasets.

Usage: python ckan_parse.py SOURCE [--format FMT] [--follow-pages] [--max-pages N]

SOURCE is a local file or an http(s) URL. The fetching mirrors ckanext-dcat's
``DCATRDFHarvester.gather_stage`` / ``DCATHarvester._get_content_and_type``: a local file's format
is guessed from its name with ``rdflib.util.guess_format``; for a URL a HEAD request is tried
first (falling back to GET when it is not OK), the body is decoded as UTF-8 and the parser format
is the Content-Type without parameters (the format of the first page is kept for later pages, and
paging stops when a page's content equals the first page's). ``--format`` overrides both. Each
page gets a fresh ``RDFParser(profiles=["euro_dcat_ap_3"])``; ``datasets()`` of all pages are
printed to stdout as one JSON list. On error the traceback goes to stderr and the exit code is 1.

This file must not import dcatgen: it is executed with the ckan venv's python.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import sys
import traceback
from typing import Any

PROFILES = ["euro_dcat_ap_3"]
LOCALE_DEFAULT = "fi"
HTTP_TIMEOUT_S = 60


def fetch(url: str, content_type: str | None) -> tuple[str, str | None]:
    """Fetch one page as ckanext-dcat's harvester does; return (content, content_type)."""
    requests: Any = importlib.import_module("requests")
    session = requests.Session()
    response = session.head(url, timeout=HTTP_TIMEOUT_S)
    did_get = False
    if not response.ok:
        response = session.get(url, stream=True, timeout=HTTP_TIMEOUT_S)
        did_get = True
    response.raise_for_status()
    if not did_get:
        response = session.get(url, stream=True, timeout=HTTP_TIMEOUT_S)
        response.raise_for_status()
    content = response.content.decode("utf-8")
    header = response.headers.get("content-type")
    if content_type is None and header:
        content_type = header.split(";", 1)[0]
    return content, content_type


def read_file(path: str, content_type: str | None) -> tuple[str, str | None]:
    """Read a local file as ckanext-dcat's harvester does; return (content, content_type)."""
    rdflib_util: Any = importlib.import_module("rdflib.util")
    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    return content, content_type or rdflib_util.guess_format(path)


def harvest(
    source: str, fmt: str | None, follow_pages: bool, max_pages: int
) -> list[dict[str, Any]]:
    """Parse SOURCE (and, if asked, its next pages) and return the CKAN dataset dicts."""
    ckan_common: Any = importlib.import_module("ckan.common")
    ckan_common.config["ckan.locale_default"] = LOCALE_DEFAULT
    processors: Any = importlib.import_module("ckanext.dcat.processors")

    datasets: list[dict[str, Any]] = []
    next_page: str | None = source
    first_hash: bytes | None = None
    pages = 0
    while next_page:
        if pages >= max_pages:
            raise RuntimeError(f"more than {max_pages} pages; last next_page was {next_page}")
        if next_page.lower().startswith(("http://", "https://")):
            content, fmt = fetch(next_page, fmt)
        else:
            content, fmt = read_file(next_page, fmt)
        pages += 1
        digest = hashlib.md5(content.encode("utf-8")).digest()
        if first_hash is None:
            first_hash = digest
        elif digest == first_hash:
            print(f"page {next_page} repeats the first page; stopping", file=sys.stderr)
            break
        parser = processors.RDFParser(profiles=PROFILES)
        parser.parse(content, _format=fmt)
        datasets.extend(parser.datasets())
        if not follow_pages:
            break
        next_page = parser.next_page()
    return datasets


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print the parsed datasets as JSON on stdout."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="local file path or http(s) URL")
    ap.add_argument("--format", dest="fmt", default=None, help="rdflib format or MIME type")
    ap.add_argument("--follow-pages", action="store_true", help="follow hydra next pages")
    ap.add_argument("--max-pages", type=int, default=100, help="safety bound on pages followed")
    args = ap.parse_args(argv)
    try:
        # Anything ckan or rdflib prints must not corrupt the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            datasets = harvest(args.source, args.fmt, args.follow_pages, args.max_pages)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1
    json.dump(datasets, sys.stdout, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
