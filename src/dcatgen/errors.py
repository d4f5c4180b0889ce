"""dcatgen's errors: one root that knows its exit code, bad input with where it is and how to
fix it, and output that cannot be written."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_UNPLACED = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug


class DcatgenError(Exception):
    """An error dcatgen explains to its user: the lines to print and the exit code."""

    exit_code = EXIT_ERROR

    def __init__(self, *args: object, result: str | None = None) -> None:
        super().__init__(*args)
        self.result = result

    def lines(self) -> list[str]:
        """What to print, one line each (without the 'error: ' mark)."""
        return [str(self)]

    def outcome(self) -> str | None:
        """What came of the run, printed after the errors as it is ('nothing written')."""
        return self.result


class Unplaced(DcatgenError):
    """An import wrote its description but left lines it could not place (exit 3)."""

    exit_code = EXIT_UNPLACED

    def lines(self) -> list[str]:
        """Nothing is wrong with the run itself: only the outcome is said."""
        return []

    def outcome(self) -> str | None:
        """How many lines are left, and what to do with them."""
        return str(self)


class ViolationsFound(DcatgenError):
    """Validation found violations: the findings are printed already; this is the verdict."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, verdict: str = "", shown: str = "") -> None:
        super().__init__(verdict)
        self.verdict = verdict
        self.shown = shown
        """The findings, when they were not printed before the verdict."""

    def lines(self) -> list[str]:
        """Nothing more to explain: the findings were the explanation."""
        return []

    def outcome(self) -> str | None:
        """The verdict, e.g. 'nothing written: fix the violations above, or use --force'."""
        return "\n".join(text for text in (self.shown, self.verdict) if text) or None


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
    result: str = "nothing written"
    """What came of the run ('nothing written', or how far a publish got)."""

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def lines(self) -> list[str]:
        """Each problem."""
        return [str(problem) for problem in self.problems]

    def outcome(self) -> str | None:
        """How many problems, and what came of the run."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{count} {noun} in the input; {self.result}"


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
