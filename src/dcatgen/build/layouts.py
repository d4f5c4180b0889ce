"""The two output layouts, and what a layout refuses (folders that clash or leave OUT).

Combined: OUT/catalog.* hold every description's catalog, written by the main process from the
partitions' fragments in file order, with the shared nodes once at the end.  Per description:
each worker writes its partition's whole catalog into its own folder, installed by the main
process once the build conforms (or is forced), and OUT/index.json lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dcatgen.errors import InputError, Position, Problem
from dcatgen.model.load import (
    FieldPath,
    claimed_twice,
    dotted,
    load_file,
    organisation_clashes,
)
from dcatgen.site.output import SITE

COMBINED = "combined"
PER_DESCRIPTION = "per-description"
LAYOUTS = (COMBINED, PER_DESCRIPTION)
"""combined: OUT/catalog.* hold every description's catalog.  per-description:
OUT/<description>/catalog.* hold one catalog each, listed in OUT/index.json."""
INDEX = "index.json"


def clashes(abouts: Sequence[tuple[str, dict[str, Any]]]) -> list[Problem]:
    """Organisations that would mint the same IRIs (see load.organisation_clashes)."""
    found = organisation_clashes([(file, about["id"], about["base"]) for file, about in abouts])
    return [_problem_at(file, field_path, message) for file, field_path, message in found]


def _problem_at(file: str, field_path: FieldPath, message: str) -> Problem:
    # Positions cost a second parse of the file, so they are looked up only for problems.
    position = load_file(Path(file)).position(field_path)
    return Problem(position, dotted(field_path), message)


def refuse_shared_folders(folders: dict[str, str], site: bool = False) -> None:
    """Two descriptions whose catalogs would land in one folder ('a.yaml', 'a.yml'), or a
    description whose folder would be the site's (OUT/site)."""
    problems = []
    for file, folder, first in claimed_twice(folders.items()):
        message = (
            f"its catalog would go to {folder}/, as that of {first} does: "
            "rename one of the two files"
        )
        problems.append(Problem(Position(Path(file), 1, 1), "", message))
    for file, folder in folders.items():
        if site and folder.split("/")[0] == SITE:
            message = f"its catalog would go to {folder}/, inside the site: rename the file"
            problems.append(Problem(Position(Path(file), 1, 1), "", message))
    if problems:
        raise InputError(problems)


def description_folder(target: Path, path: Path) -> str:
    """Where a description's catalog goes in the per-description layout ('sub/oulu')."""
    return relative(target, path).with_suffix("").as_posix()


def refuse_unsafe_folders(folders: dict[str, str], given: dict[str, Path]) -> None:
    """File names that cannot name a folder inside OUT ('...yaml' would be OUT/..)."""
    problems = []
    for name, folder in folders.items():
        parts = folder.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            message = (
                f"this file name cannot name an output folder (it would be {folder!r}, outside "
                "OUT or hidden): rename the file, e.g. to the organisation's id"
            )
            problems.append(Problem(Position(given[name], 1, 1), "", message))
    if problems:
        raise InputError(problems)


def relative(target: Path, path: Path) -> Path:
    """A description file's path under the target ('sub/oulu.yaml'), or its name alone."""
    return path.relative_to(target) if target.is_dir() else Path(path.name)
