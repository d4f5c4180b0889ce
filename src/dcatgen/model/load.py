"""Describe: read §28 descriptions (YAML in data/) into the model, with source positions."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from dcatgen.errors import InputError, Position, Problem
from dcatgen.model.description import NOT_XML, Description, text_problem

yaml_rs: Any
try:  # A Rust parser reads plain files ~20x faster than PyYAML; optional.
    import yaml_rs
except ImportError:  # pragma: no cover - depends on the platform's wheels
    yaml_rs = None

try:  # libyaml's composer is several times faster; fall back to pure Python.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader  # type: ignore[assignment]

FieldPath = tuple[str | int, ...]


@dataclass
class Source:
    """A loaded description; positions of its keys are worked out when first needed."""

    description: Description
    path: Path
    text: str
    _positions: dict[FieldPath, Position] | None = None

    @property
    def positions(self) -> dict[FieldPath, Position]:
        """The position of every mapping key and list item (composes the YAML once)."""
        if self._positions is None:
            positions: dict[FieldPath, Position] = {}
            try:
                node = yaml.compose(self.text, Loader=SafeLoader)
            except yaml.YAMLError:  # read by the fast parser: findings point at line 1
                node = None
            if node is not None:
                _plain(node, self.path, (), positions)
            self._positions = positions
        return self._positions

    def position(self, field_path: FieldPath) -> Position:
        """The position of a field, or of its nearest enclosing field that has one."""
        for cut in range(len(field_path), -1, -1):
            found = self.positions.get(field_path[:cut])
            if found is not None:
                return found
        return Position(self.path, 1, 1)


MAX_DEPTH = 50
"""The deepest nesting of mappings and lists a description may have (a real one has 6)."""
MAX_ALIAS_VALUES = 10_000
"""How many values aliases (``*name``) may copy in one file, all aliases together.

An alias repeats its anchor's whole value; aliases of aliases multiply, so a few hundred bytes
can stand for gigabytes (the "billion laughs").  Ten thousand copied values is far more than a
description needs and far less than hurts."""


def _plain(node: yaml.Node, path: Path, at: FieldPath, positions: dict[FieldPath, Position]) -> Any:
    """Turn a composed node into Python values, recording positions.

    Scalars stay strings unless they are true/false/null: YAML 1.1 would read
    `no` as false and `0503` as an octal number, which is never what an author means.
    Raises InputError for nesting deeper than MAX_DEPTH, an alias inside its own anchor, and
    aliases that copy more than MAX_ALIAS_VALUES values.
    """
    return _Reader(path, positions).plain(node, at)


class _Reader:
    """One file's composed nodes into plain values, with the limits that keep that bounded."""

    def __init__(self, path: Path, positions: dict[FieldPath, Position]) -> None:
        self.path = path
        self.positions = positions
        self.seen: set[int] = set()  # nodes already turned into values once
        self.open: set[int] = set()  # nodes being turned into values (the current branch)
        self.copied = 0  # values produced again through aliases

    def where(self, node: yaml.Node) -> Position:
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def refuse(self, node: yaml.Node, at: FieldPath, message: str) -> InputError:
        return InputError([Problem(self.where(node), dotted(at), message)])

    def refuse_alias(self, node: yaml.Node, at: FieldPath, message: str) -> InputError:
        # A composed alias is its anchor's node, which starts at the anchor: point at the
        # key or list that holds the alias instead.
        where = self.positions.get(at) or self.positions.get(at[:-1]) or self.where(node)
        return InputError([Problem(where, dotted(at), message)])

    def plain(self, node: yaml.Node, at: FieldPath) -> Any:
        if len(at) > MAX_DEPTH:
            raise self.refuse(
                node, at, f"nested more than {MAX_DEPTH} levels deep: a description needs 6"
            )
        key = id(node)
        if key in self.open:
            raise self.refuse_alias(
                node, at, "an alias (*name) refers to a value that contains it: write it out"
            )
        if key in self.seen:
            self.copied += 1
            if self.copied > MAX_ALIAS_VALUES:
                raise self.refuse_alias(
                    node,
                    at,
                    f"aliases (*name) here copy more than {MAX_ALIAS_VALUES:,} values: "
                    "write the repeated values out, or use fewer aliases of aliases",
                )
        self.seen.add(key)
        self.open.add(key)
        try:
            return self._value(node, at)
        finally:
            self.open.discard(key)

    def _value(self, node: yaml.Node, at: FieldPath) -> Any:
        positions = self.positions
        positions[at] = self.where(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InputError(
                        [Problem(positions[at], dotted(at), "keys must be plain text")]
                    )
                if key in result:
                    raise self.refuse(key_node, (*at, key), "duplicate key: keep one of them")
                positions[(*at, key)] = self.where(key_node)
                result[key] = self.plain(value_node, (*at, key))
                positions[(*at, key)] = self.where(key_node)  # not the value's (an anchor's)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, (*at, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        # A plain scalar has style None in PyYAML's Python reader and '' in libyaml's.
        if node.tag == "tag:yaml.org,2002:null" and not node.style:
            return None
        if not node.style and node.value in ("true", "false"):
            return node.value == "true"
        return node.value


def dotted(field_path: FieldPath) -> str:
    """A field path as the YAML reader knows it: `units[0].registers[2].title`."""
    text = ""
    for part in field_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _yaml_problem(path: Path, error: yaml.YAMLError, text: str = "") -> Problem:
    mark = getattr(error, "problem_mark", None)
    offset = getattr(error, "position", None)  # a ReaderError has an offset, not a mark
    if mark is not None:
        position = Position(path, mark.line + 1, mark.column + 1)
    elif isinstance(offset, int):
        line = text.count("\n", 0, offset) + 1
        position = Position(path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
    else:
        position = Position(path, 1, 1)
    problem = getattr(error, "problem", None) or str(error)
    return Problem(position, "", f"not valid YAML: {problem} (check indentation and quoting)")


def _only_plain_scalars(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False  # the careful path says where and why
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _only_plain_scalars(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_only_plain_scalars(item, depth + 1) for item in value)
    return value is None or isinstance(value, str | bool)


def _parse_fast(text: str) -> Description | None:
    """Parse with the Rust YAML parser when its reading cannot differ from ours.

    YAML 1.2 reads `503` as a number and `2024-01-01` as a date where we keep the
    author's text: any such scalar, or any problem at all, sends the file down the
    slow path, which is the one that reports problems with positions.
    """
    if yaml_rs is None or "&" in text or "\t" in text or NOT_XML.search(text):
        # Aliases need an anchor (&name): the Rust parser would expand them without bound.
        # It also takes tab indentation and characters that the careful reader (and the
        # writers) refuse: the careful path says where.
        return None
    try:
        data = yaml_rs.loads(text)
    except Exception:
        return None
    if not isinstance(data, dict) or not _only_plain_scalars(data):
        return None
    if any(True for _ in _text_problems(data)) or _duplicate_ids(data):
        return None
    language = data.get("language", "fi")
    try:
        return Description.model_validate(
            data, context={"language": language if language in ("fi", "sv") else "fi"}
        )
    except ValidationError:
        return None


def parse_text(text: str, path: Path) -> Source:
    """Parse one description from YAML text; raise InputError naming every problem."""
    fast = _parse_fast(text)
    if fast is not None:
        return Source(fast, path, text)
    return _parse_careful(text, path)


def _parse_careful(text: str, path: Path) -> Source:
    """Parse with positions for every key; the reference reading of a description."""
    unwritable = _unwritable_characters(text, path)
    if unwritable:
        raise InputError(unwritable)
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError as error:
        raise InputError([_yaml_problem(path, error, text)]) from None
    if node is None:
        raise InputError([Problem(Position(path, 1, 1), "", "the file is empty")])
    positions: dict[FieldPath, Position] = {}
    data = _plain(node, path, (), positions)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(positions[()], "", "expected a mapping with organisation: and units:")]
        )
    problems = [
        Problem(_nearest(positions, at, path), dotted(at), message)
        for at, message in [*_text_problems(data), *_duplicate_ids(data)]
    ]
    if problems:
        raise InputError(problems)
    language = data.get("language", "fi")
    try:
        description = Description.model_validate(
            data, context={"language": language if language in ("fi", "sv") else "fi"}
        )
    except ValidationError as error:
        for item in error.errors(include_url=False):
            location = tuple(part for part in item["loc"] if not _is_pydantic_branch(part))
            where = _nearest(positions, location, path)
            problems.append(Problem(where, dotted(location), _message(item, location)))
        raise InputError(problems) from None
    return Source(description, path, text, positions)


def _unwritable_characters(text: str, path: Path) -> list[Problem]:
    """Characters no output format can carry, each at its line and column (at most ten).

    Checked on the raw text before the YAML reader, whose own message names only an offset.
    """
    problems: list[Problem] = []
    for match in NOT_XML.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        code = ord(match.group())
        problems.append(
            Problem(
                Position(path, line, column),
                "",
                f"the character U+{code:04X} cannot be written in RDF/XML or YAML: delete it",
            )
        )
        if len(problems) == 10:
            break
    return problems


def _text_problems(data: Any, at: FieldPath = ()) -> typing.Iterator[tuple[FieldPath, str]]:
    """Strings that no writer can carry (escaped control characters, oversized texts)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _text_problems(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _text_problems(value, (*at, index))
    elif isinstance(data, str):
        problem = text_problem(data)
        if problem:
            yield at, problem


def _duplicate_ids(data: Any) -> list[tuple[FieldPath, str]]:
    """Unit and register ids used twice, each reported where it is used again."""
    found: list[tuple[FieldPath, str]] = []
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, list):
        return found
    unit_ids: dict[str, FieldPath] = {}
    register_ids: dict[str, FieldPath] = {}
    for u, unit in enumerate(units):
        if not isinstance(unit, dict):
            continue
        _claim(unit.get("id"), ("units", u, "id"), unit_ids, "unit", found)
        registers = unit.get("registers")
        for r, register in enumerate(registers if isinstance(registers, list) else []):
            if isinstance(register, dict):
                where = ("units", u, "registers", r, "id")
                _claim(register.get("id"), where, register_ids, "register", found)
    return found


def _claim(
    value: Any,
    at: FieldPath,
    owners: dict[str, FieldPath],
    what: str,
    found: list[tuple[FieldPath, str]],
) -> None:
    if not isinstance(value, str):
        return
    first = owners.setdefault(value, at)
    if first != at:
        found.append(
            (at, f"{what} id {value!r} is already used at {dotted(first)}: ids must be unique")
        )


def _is_pydantic_branch(part: str | int) -> bool:
    # Pydantic puts union branch names and validator names in locations; they are not keys.
    return isinstance(part, str) and (
        part.startswith("function-") or part in ("str", "dict[str,str]", "DataGroup")
    )


def _nearest(positions: dict[FieldPath, Position], location: FieldPath, path: Path) -> Position:
    for cut in range(len(location), -1, -1):
        if location[:cut] in positions:
            return positions[location[:cut]]
    return Position(path, 1, 1)


def _message(item: Any, location: FieldPath = ()) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        known = _allowed_keys(location[:-1])
        close = difflib.get_close_matches(str(location[-1]), known, n=1) if location else []
        if close:
            return f"unknown field: did you mean {close[0]!r}?"
        listed = f" (this place takes: {', '.join(known)})" if known else ""
        return f"unknown field: remove it or check its spelling{listed}"
    if kind == "missing":
        return "required field is missing"
    if kind == "enum":
        expected = item.get("ctx", {}).get("expected", "")
        return f"{item['input']!r} is not allowed: use {expected}"
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    message = str(item["msg"])
    return message.removeprefix("Value error, ")


_EXPECTED = {
    "tuple_type": "expected a list: one '- item' line per value, or [a, b]",
    "list_type": "expected a list: one '- item' line per value, or [a, b]",
    "dict_type": "expected a mapping: 'key: value' lines indented under this one",
    "model_type": "expected a mapping: 'key: value' lines indented under this one",
    "model_attributes_type": "expected a mapping: 'key: value' lines indented under this one",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "url_parsing": "not a web address: write it as https://example.fi/page",
    "url_scheme": "only http:// and https:// addresses are accepted here",
    "url_too_long": "the address is longer than 2,083 characters",
}
"""Pydantic's wording for a wrong type, said the way an editor of the YAML thinks of it."""


def _allowed_keys(location: FieldPath) -> list[str]:
    """The field names the model takes at a location (for "did you mean")."""
    model: Any = Description
    for part in location:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _record_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _record_in(annotation: Any) -> Any:
    """The model class inside an annotation such as ``tuple[Register, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _record_in(typing.get_args(annotation)[0])
    if origin in (tuple, list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _record_in(argument)
            if found is not None:
                return found
    return None


def load_file(path: Path) -> Source:
    """Load one YAML description file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(Position(path, 1, 1), "", f"not UTF-8 text ({error.reason}): save as UTF-8")]
        ) from None
    except OSError as error:
        raise InputError([Problem(None, "", f"cannot read {path}: {error.strerror}")]) from None
    return parse_text(text, path)


def description_files(target: Path) -> list[Path]:
    """The description files under a path: the file itself, or *.yaml / *.yml in a folder."""
    if target.is_dir():
        files = sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml"))
        if not files:
            raise InputError([Problem(None, "", f"{target}: no *.yaml description files here")])
        return files
    if not target.exists():
        raise InputError([Problem(None, "", f"{target}: no such file or folder")])
    return [target]


def load(target: Path) -> list[Source]:
    """Load every description under a path; report problems of all files together."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in description_files(target):
        try:
            sources.append(load_file(path))
        except InputError as error:
            problems.extend(error.problems)
    organisations = [
        (str(s.path), s.description.organisation.id, str(s.description.organisation.base_iri))
        for s in sources
    ]
    by_file = {str(source.path): source for source in sources}
    for file, field_path, message in organisation_clashes(organisations):
        position = by_file[file].position(field_path)
        problems.append(Problem(position, dotted(field_path), message))
    if problems:
        raise InputError(problems)
    return sources


def organisation_clashes(
    organisations: Sequence[tuple[str, str, str]],
) -> list[tuple[str, FieldPath, str]]:
    """Organisations (file, id, base IRI) that would mint the same IRIs: one id or one base
    IRI used twice.  Returns (file, field path, message) for each."""
    clashes: list[tuple[str, FieldPath, str]] = []
    for file, organisation_id, first in claimed_twice((f, i) for f, i, _ in organisations):
        message = (
            f"{organisation_id!r} is also the id in {first}: each organisation needs its own id"
        )
        clashes.append((file, ("organisation", "id"), message))
    for file, base, first in claimed_twice((f, b) for f, _, b in organisations):
        message = (
            f"{base} is also the base IRI of {first}: the two would mint the same IRIs; "
            "give each organisation a base IRI of its own"
        )
        clashes.append((file, ("organisation", "base_iri"), message))
    return clashes


def claimed_twice(claims: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(file, value, first file) for each (file, value) whose value an earlier file claimed."""
    owner: dict[str, str] = {}
    for file, value in claims:
        first = owner.setdefault(value, file)
        if first != file:
            yield file, value, first
