"""Writing the site into OUT/site: one folder per organisation, each replaced whole.

A worker renders an organisation's pages into a temporary folder beside the others
(``OUT/site/.<folder>.<key>.partial``); once the build conforms (or is forced) the main
process swaps it with the live folder in one step (Linux ``renameat2`` exchange; elsewhere two
renames), so a reader sees the old pages or the new ones, never a mix.  The front pages
(``index.html``…) and ``index.json`` (which the server reads) are written atomically, and only
when their bytes change, so a rebuild in which nothing changed writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcatgen import __version__
from dcatgen.rdf.serialize import exchange, write_atomic

SITE = "site"
"""The site's folder under OUT."""
INDEX = "index.json"


def listing_digest(folder: Path) -> str:
    """A digest of the folder's and its subfolders' modification times and of the front
    page's size and time ('' when the folder is missing).

    A page added, removed or saved the way editors save (a new file renamed into place)
    changes its folder's time; statting every page instead cost a national rebuild in which
    nothing changed tens of seconds (470,000 files).  A page overwritten in place is not
    noticed: delete it, or the folder, to have it written again.
    """
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    front = folder / "catalog.html"
    for path in [folder, *sorted(p for p in folder.iterdir() if p.is_dir()), front]:
        try:
            status = path.stat()
        except OSError:
            return ""
        relative = path.relative_to(folder).as_posix()
        digest.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dataclass
class SiteWriter:
    """One organisation's pages in a temporary folder, waiting to be installed."""

    site: Path
    folder: str
    key: str
    """Makes the temporary folder's name unique to one description file."""
    files: int = 0
    entry: dict[str, Any] = field(default_factory=dict)

    @property
    def temporary(self) -> Path:
        """Where the pages are written before they are installed."""
        return self.site / f".{self.folder}.{self.key[:16]}.partial"

    @property
    def target(self) -> Path:
        """The organisation's live folder."""
        return self.site / self.folder

    def write(self, files: Iterable[tuple[str, bytes]]) -> None:
        """Write every file into the temporary folder (replacing a leftover one)."""
        shutil.rmtree(self.temporary, ignore_errors=True)
        made: set[Path] = set()
        try:
            for relative, body in files:
                path = self.temporary / relative
                if path.parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(path.parent)
                path.write_bytes(body)
                self.files += 1
        except BaseException:
            self.discard()
            raise

    def install(self) -> None:
        """Put the new folder in place of the old one, in one step where the OS allows."""
        if self.target.exists() and exchange(self.temporary, self.target):
            shutil.rmtree(self.temporary)  # now the old pages
            return
        if self.target.exists():
            old = self.site / f".{self.folder}.{self.key[:16]}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.target, old)
            os.replace(self.temporary, self.target)
            shutil.rmtree(old)
        else:
            os.replace(self.temporary, self.target)

    def discard(self) -> None:
        """Remove the temporary folder; the live pages stay as they were."""
        shutil.rmtree(self.temporary, ignore_errors=True)
        with contextlib.suppress(OSError):  # a site folder this build created stays empty
            self.site.rmdir()


def write_site(
    site: Path, key: str, description: Any, triples: list[Any], link_gaps: bool
) -> SiteWriter:
    """Render one description's pages into a temporary folder (runs in a build worker)."""
    from dcatgen.site.render import Renderer, site_entry

    renderer = Renderer(description, triples, link_gaps)
    folder = description.organisation.id
    writer = SiteWriter(site, folder, key)
    writer.write(renderer.files())
    writer.entry = site_entry(renderer.index, folder)
    return writer


def site_intact(site: Path, record: dict[str, Any]) -> bool:
    """True when an organisation's folder is as the previous build left it."""
    return bool(record) and listing_digest(site / record["folder"]) == record.get("digest")


def install_site(
    site: Path,
    pending: Sequence[tuple[SiteWriter, dict[str, Any]]],
    records: Sequence[dict[str, Any]],
    previous_folders: set[str],
) -> int:
    """Install the folders written by the workers, remove the folders of organisations no
    longer built, rewrite the front pages; return how many files were written.

    ``records`` are the site records of every description's manifest entry, in build order
    (empty for a description without pages); each new folder's listing digest goes into its
    record (to notice edits before the next build).
    """
    written = 0
    for writer, record in pending:
        writer.install()
        record["digest"] = listing_digest(writer.target)
        written += writer.files
    entries = [record["entry"] for record in records if record]
    remove_folders(site, previous_folders - {entry["folder"] for entry in entries})
    for leftover in site.glob(".*.partial") if site.is_dir() else ():
        shutil.rmtree(leftover, ignore_errors=True)  # of a build that was killed
    if entries:
        written += len(write_front(site, entries))
    elif site.is_dir():  # the site was switched off: nothing of it stays
        shutil.rmtree(site)
    return written


def write_front(site: Path, entries: Sequence[dict[str, Any]]) -> list[Path]:
    """The site's front pages and index.json, each written only when its bytes change."""
    from dcatgen.site.render import root_files

    files = dict(root_files(entries))
    document = {"generator": f"dcatgen {__version__}", "organisations": list(entries)}
    files[INDEX] = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    written = []
    for name, body in files.items():
        path = site / name
        try:
            if path.read_bytes() == body:
                continue
        except OSError:
            pass
        write_atomic(path, body, durable=False)
        written.append(path)
    return written


def remove_folders(site: Path, folders: Iterable[str]) -> None:
    """Remove organisation folders a previous build wrote and this one does not."""
    for folder in folders:
        if folder and "/" not in folder and not folder.startswith("."):
            shutil.rmtree(site / folder, ignore_errors=True)


def read_index(site: Path) -> list[dict[str, Any]] | None:
    """The organisations a built site holds (index.json), or None when there is none."""
    try:
        document = json.loads((site / INDEX).read_text(encoding="utf-8"))
        organisations = document["organisations"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return list(organisations) if isinstance(organisations, list) else None
