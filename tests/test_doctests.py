"""The examples in docstrings run and say what they claim (doctests of every module)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import dcatgen

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(dcatgen.__path__, prefix="dcatgen.")
    if info.name != "dcatgen.__main__"  # running it would start the CLI
)


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module) if test.examples]


WITH_EXAMPLES = [name for name in MODULES if _examples(name)]


def test_examples_are_found() -> None:
    """A docstring example dropped by a refactoring would silently stop being checked."""
    assert len(WITH_EXAMPLES) >= 5, WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in _examples(name):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples failed in {name}"
