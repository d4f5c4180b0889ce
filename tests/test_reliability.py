"""Fast versions of benchmarks/reliability.py's properties: no input gives a traceback or a file
that does not parse, and every refusal names file:line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.fuzz_inputs import make_case, run_cases


def test_mutated_descriptions_give_no_traceback_and_no_unreadable_output(tmp_path: Path) -> None:
    """120 mutated seeds through load → map → validate → four writers → parse back."""
    outcomes = run_cases(range(120), tmp_path)
    kinds = Counter(outcome.kind for outcome in outcomes.values())
    defects = {n: o for n, o in outcomes.items() if o.kind not in ("ok", "refused")}
    assert not defects, {n: (o.kind, o.detail) for n, o in list(defects.items())[:5]}
    # The mutations must bite: most cases are refused, some still build.
    assert kinds["refused"] > 60 and kinds["ok"] > 5, kinds


def test_cases_are_reproducible() -> None:
    """A case number always gives the same text (a failure can be replayed)."""
    assert make_case(7) == make_case(7)
    assert make_case(7) != make_case(8)
