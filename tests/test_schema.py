"""schema/description.schema.json accepts what the loader accepts: the shorthand the README
documents, every description in data/, every fixture and every import result (jsonschema)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from dcatgen.cli import description_schema, main
from dcatgen.errors import InputError
from dcatgen.model.load import _plain, load_file
from tests.conftest import DATA, FIXTURES, ROOT

PUBLISHED = ROOT / "schema" / "description.schema.json"
IMPORT_FIXTURES = sorted((FIXTURES / "import").glob("*.*"))


def _as_loaded(path: Path) -> Any:
    """The file's data exactly as the loader hands it to the model (strings stay strings)."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert node is not None
    return _plain(node, path, (), {})


def _errors(path: Path) -> list[str]:
    validator = jsonschema.Draft202012Validator(description_schema())
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:120]}"
        for error in validator.iter_errors(_as_loaded(path))
    ]


@pytest.mark.parametrize(
    "path",
    [*sorted(DATA.glob("*.yaml")), FIXTURES / "minimal.yaml"],
    ids=lambda p: p.name,
)
def test_valid_descriptions_pass_the_schema(path: Path) -> None:
    """data/mynamaki.yaml gave 60 errors ("'Kasvatus- ja sivistysosasto' is not of type
    'object'"): the plain-string shorthand for texts and data groups was not in the schema."""
    load_file(path)  # the loader accepts it …
    assert _errors(path) == []  # … and so does the schema editors are told to use


def test_broken_descriptions_fail_the_schema_too() -> None:
    """What the loader refuses for its shape, the schema refuses as well."""
    path = FIXTURES / "broken" / "bad-types.yaml"
    with pytest.raises(InputError):
        load_file(path)
    assert _errors(path)


@pytest.mark.parametrize("page", IMPORT_FIXTURES, ids=lambda p: p.name)
def test_import_results_pass_the_schema(page: Path, tmp_path: Path) -> None:
    """Whatever `dcatgen import` writes, an editor with the schema sees no error in it."""
    draft = tmp_path / "draft.yaml"
    command = ["import", str(page), "-o", str(draft), "--organisation", "Esimerkin kunta"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code in (0, 3), result.output
    assert _errors(draft) == []


def test_published_schema_is_the_generated_one() -> None:
    """The file editors point at is what `dcatgen schema` prints today."""
    import json

    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == description_schema()
