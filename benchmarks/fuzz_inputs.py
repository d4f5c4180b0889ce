"""Mutated §28 descriptions for the loader fuzz (benchmarks/reliability.py and its fast test).

Each case is the seed description (data/mynamaki.yaml) with one or a few mutations drawn,
deterministically from a seed number, from what the outside trial found: hostile characters
in text, IRIs and e-mail addresses, wrong types, deep nesting, aliases, odd keys, languages the
file does not declare, huge texts.  ``run_case`` pushes one case through load → map → validate
→ every writer → parse back, and says what went wrong, if anything: a traceback, an output that
does not parse (or parses to fewer triples than N-Triples has), an error with no file:line.
"""

from __future__ import annotations

import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "mynamaki.yaml"

HOSTILE_TEXT = [
    "a\x00b",
    "tab\there",
    "bell\x07",
    "\ufffe",
    "\uffff end",
    "line\u2028sep",
    "esc\x1b[31m",
    "\x7f",
    'quote " and \\ backslash',
    "<tag> & 'amp'",
    "x" * 200_000,
    "",
    "   ",
    "🙂 emoji",
    "\u202eright-to-left",
    "]]> cdata end",
    "{{ jinja }}",
    "%zz",
    "@fi",
]
HOSTILE_IRI = [
    "http://example.org/a{b}",
    "http://example.org/a|b",
    "http://example.org/a^b",
    'http://example.org/a"b',
    "http://example.org/a b",
    "http://example.org/%zz",
    "http://example.org/a#b#c",
    "http://example.org/base#",
    "http://example.org/base?x=1/",
    "http://[::1]/",
    "http://exa mple.org/",
    "ftp://example.org/",
    "javascript:alert(1)",
    "http://example.org/\u00e4\u00f6/",
    "http://example.org/a\\b/",
    "http://example.org/" + "a" * 5000 + "/",
    "http://user:pass@example.org/",
    "http://example.org:99999/",
]
HOSTILE_EMAIL = [
    "a{b}@example.org",
    'a"b@example.org',
    "a|b@example.org",
    "a^b@example.org",
    "a b@example.org",
    "a@b",
    "a@@b.fi",
    "kirjaamo@mynamaki.fi\n",
    "<kirjaamo@mynamaki.fi>",
    "kirjaamo@mynämäki.fi",
    "a%zz@example.org",
]
HOSTILE_SCALAR: list[Any] = [
    None,
    True,
    0,
    "0503",
    "503.0",
    [],
    {},
    ["x"],
    {"fi": None},
    {"de": "Text"},
    {"sv": "Bara svenska"},
    "2024-01-01",
    "no",
    "null",
    "~",
]
MEDIA_TYPES = ["text/csv", "text /csv", "text/c sv", "csv", "text/csv; charset=utf-8", "a/b/c"]


@dataclass
class Outcome:
    """What one case did: 'ok', 'refused' (InputError) or a defect kind, with details."""

    kind: str
    detail: str = ""
    seconds: float = 0.0


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in plain YAML data."""
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*at, index))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _mutate(data: dict[str, Any], rng: random.Random) -> str | None:
    """Apply one mutation in place; return raw YAML text when the mutation is textual."""
    paths = [p for p in _paths(data) if p]
    path = rng.choice(paths)
    last = path[-1]
    kind = rng.randrange(12)
    if kind <= 2:
        _set(data, path, rng.choice(HOSTILE_TEXT))
    elif kind == 3:
        urlish = [p for p in paths if p[-1] in ("url", "base_iri", "homepage", "access_url")]
        _set(data, rng.choice(urlish) if urlish else path, rng.choice(HOSTILE_IRI))
    elif kind == 4:
        _set(data, path, rng.choice(HOSTILE_SCALAR))
    elif kind == 5:
        emails = [p for p in paths if p[-1] == "email"] or [("organisation", "contact_point")]
        target = rng.choice(emails)
        if target[-1] == "email":
            _set(data, target, rng.choice(HOSTILE_EMAIL))
        else:
            _set(data, target, {"email": rng.choice(HOSTILE_EMAIL)})
    elif kind == 6:
        registers = [p for p in paths if len(p) >= 2 and p[-2] == "registers"]
        if registers:
            register = _get(data, rng.choice(registers))
            register["distributions"] = [
                {"access_url": rng.choice(HOSTILE_IRI), "media_type": rng.choice(MEDIA_TYPES)}
            ]
    elif kind == 7:
        parent = _get(data, path[:-1])
        if isinstance(parent, dict):
            parent[rng.choice(["titel", "purpse", "data_group", "sytems", str(last) + "x"])] = "x"
    elif kind == 8:
        depth = rng.choice([60, 497, 2000])
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        lines = text.splitlines()
        keyed = [i for i, line in enumerate(lines) if line.rstrip().endswith(":")]
        index = rng.choice(keyed)
        if rng.random() < 0.5:
            lines[index] += " " + "[" * depth + "x" + "]" * depth
        else:
            indent = len(lines[index]) - len(lines[index].lstrip())
            nested = [" " * (indent + 2 + 2 * i) + "-" for i in range(depth)]
            lines[index + 1 : index + 1] = nested
        return "\n".join(lines) + "\n"
    elif kind == 9:
        data["organisation"]["name"] = rng.choice([{"sv": "Mynämäki kommun"}, {"en": "M"}])
    elif kind == 10:
        data["language"] = rng.choice(["sv", "en", "fi-FI", 1])
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        lines = text.splitlines()
        index = rng.randrange(len(lines))
        lines[index] = rng.choice(["\t" + lines[index], lines[index] + " \x00", "  - &a [*a]"])
        return "\n".join(lines) + "\n"
    return None


def make_case(number: int) -> str:
    """The YAML text of case ``number``: the seed with one to three mutations."""
    rng = random.Random(number)
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    text: str | None = None
    for _ in range(rng.randint(1, 3)):
        text = _mutate(data, rng)
        if text is not None:
            break
    if text is None:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return text


def _parse_back(body: bytes, extension: str) -> int:
    """The number of triples a written file parses to (pyoxigraph's parsers)."""
    fmt = ox.RdfFormat.from_extension(extension)
    assert fmt is not None
    return sum(1 for _ in ox.parse(body, format=fmt))


def run_case(path: Path) -> Outcome:
    """Load → map → validate → write every format → parse each back."""
    from dcatgen.build.catalog import check, make_catalog
    from dcatgen.errors import InputError
    from dcatgen.rdf.formats import Format
    from dcatgen.rdf.serialize import serialize

    started = time.perf_counter()
    try:
        catalog = make_catalog(path)
        check(catalog)
        counts: dict[str, int] = {}
        for fmt in Format:
            body = serialize(catalog.triples, fmt)
            try:
                counts[fmt.extension] = _parse_back(body, fmt.extension)
            except (SyntaxError, ValueError) as error:
                return Outcome("unparseable output", f"{fmt.extension}: {error}")
        if len(set(counts.values())) != 1:
            return Outcome("outputs disagree", repr(counts))
    except InputError as error:
        elapsed = time.perf_counter() - started
        unplaced = [p for p in error.problems if p.position is None]
        if unplaced:
            return Outcome("error without file:line", str(unplaced[0]), elapsed)
        return Outcome("refused", str(error.problems[0]), elapsed)
    except RecursionError:
        return Outcome("traceback", "RecursionError", time.perf_counter() - started)
    except Exception as error:  # the defect being counted
        last = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        return Outcome("traceback", f"{type(error).__name__} at {where}: {error}"[:300])
    return Outcome("ok", "", time.perf_counter() - started)


def run_cases(
    numbers: range, folder: Path, report: Callable[[int, Outcome], None] | None = None
) -> dict[int, Outcome]:
    """Run cases, each from its own file in ``folder``; return their outcomes."""
    outcomes: dict[int, Outcome] = {}
    for number in numbers:
        path = folder / f"case-{number}.yaml"
        path.write_text(make_case(number), encoding="utf-8", errors="surrogatepass")
        outcome = run_case(path)
        outcomes[number] = outcome
        if report is not None:
            report(number, outcome)
    return outcomes
