"""Shared fixtures and the --update-golden switch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Running, dcatgen_serve

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED = DATA / "mynamaki.yaml"
MINIMAL = FIXTURES / "minimal.yaml"
INCOMPLETE = FIXTURES / "broken" / "incomplete.yaml"


def descriptions(folder: Path, files: dict[str, Path]) -> Path:
    """A data folder of copies: name (may have subfolders) → the description copied there."""
    for name, source in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / name)
    return folder


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden: rewrite golden files from current output instead of comparing."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites golden files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def served_seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """`dcatgen serve data --page-size 2` (3 pages), shared by the tests that only read."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with dcatgen_serve(DATA, log, "--page-size", "2") as running:
        yield running
