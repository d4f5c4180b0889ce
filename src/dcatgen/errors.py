"""dcatgen's errors: one root that knows its exit code, bad input with where it is and how to
fix it, and output that cannot be written."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


class DcatgenError(Exception):
    """An error dcatgen explains to its user: the lines to print and the exit code."""

    exit_code = EXIT_ERROR

    def lines(self) -> list[str]:
        """What to print, one line each (without the 'error: ' mark)."""
        return [str(self)]


@dataclass(frozen=True)
class Position:
    """A place in a source file (1-based line and column)."""

    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where, which field, what is wrong."""

    position: Position | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


@dataclass
class InputError(DcatgenError):
    """Bad input: every problem found, each with its file, line and field."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def lines(self) -> list[str]:
        """Each problem, then how many."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return [*map(str, self.problems), f"{count} {noun} in the input; nothing written"]


_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EROFS: "the file system is read-only: choose another output folder with -o",
    errno.EACCES: "permission denied: choose a folder you may write to with -o",
    errno.EPERM: "permission denied: choose a folder you may write to with -o",
    errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path with -o",
    errno.EEXIST: "a file of that name is in the way: choose another path with -o",
    errno.EISDIR: "that is a folder: give a file name",
}


class OutputError(DcatgenError):
    """Output that cannot be written; what was there before is left as it was."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason

    @classmethod
    def from_os_error(cls, path: Path, error: OSError) -> OutputError:
        """The error for an OSError met while writing ``path``, with advice where known."""
        where = Path(error.filename) if isinstance(error.filename, str | os.PathLike) else path
        reason = _ADVICE.get(error.errno or 0) or (error.strerror or str(error))
        return cls(where, f"{reason}; nothing was changed")
