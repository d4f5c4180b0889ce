"""The loader: every problem reported with file:line:column and field; no partial model."""

from __future__ import annotations

from pathlib import Path

import pytest

from dcatgen.errors import InputError
from dcatgen.model.description import Availability, SearchCriterion
from dcatgen.model.load import _parse_careful, _parse_fast, load, load_file, parse_text
from tests.conftest import DATA, FIXTURES


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(path)
    return [str(problem) for problem in caught.value.problems]


def test_seed_description_loads_with_all_registers() -> None:
    """data/ holds the Mynämäki description: one unit, five registers."""
    (source,) = load(DATA)
    description = source.description
    assert description.organisation.municipality_code == "503"
    assert [r.id for _, r in description.registers()] == [
        "perusopetus-ja-lukio",
        "varhaiskasvatus",
        "kirjastopalvelut",
        "nuorisopalvelut",
        "liikuntapalvelut",
    ]
    unit = description.units[0]
    assert unit.api is not None and unit.api.availability is Availability.NOT_OPEN
    library = unit.registers[2]
    assert library.search_criteria is not None
    assert SearchCriterion.CUSTOMER_ID in library.search_criteria.concepts
    # Nothing the seed does not state is invented.
    assert description.organisation.business_id is None
    assert description.organisation.disclosure_authority is None


def test_wrong_types_and_unknown_keys_are_all_reported_with_positions() -> None:
    """Each problem names file:line:column, the field path and a fix."""
    path = FIXTURES / "broken" / "bad-types.yaml"
    problems = _problems(path)
    expected = [
        f"{path}:4:3: organisation.kind: 'county' is not allowed: use 'municipality'",
        f"{path}:5:3: organisation.base_iri: base_iri must end with '/': "
        "write 'https://example.org/huono/'",
        f"{path}:6:3: organisation.municipality_code: '12' is not a municipality code: write "
        "Statistics Finland's three digits, e.g. '503' for Mynämäki",
        f"{path}:8:5: units[0].id: 'Yksikkö' is not a valid id",
        f"{path}:14:9: units[0].registers[0].data_groups: expected a list: one '- item' line",
        f"{path}:16:38: units[0].registers[0].search_criteria.concepts[0]: 'shoe-size' is not "
        "allowed",
        f"{path}:15:9: units[0].registers[0].sytems: unknown field: did you mean 'systems'?",
    ]
    assert len(problems) == len(expected)
    for got, want in zip(problems, expected, strict=True):
        assert got.startswith(want), (got, want)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "municipality_code",
            "'0503'",
            "'0503' is not a municipality code: write Statistics "
            "Finland's three digits, e.g. '503' for Mynämäki (write '503')",
        ),
        (
            "business_id",
            "'1234567'",
            "'1234567' is not a Business ID (Y-tunnus): write seven "
            "digits, a hyphen and the check digit, e.g. '0204819-8'",
        ),
        (
            "contact_point",
            "{email: 'kirjaamo(at)mynamaki.fi'}",
            "'kirjaamo(at)mynamaki.fi' is not an e-mail address: write it as name@example.fi",
        ),
        (
            "homepage",
            "'https://example.org/%zz'",
            "'https://example.org/%zz' cannot be used as "
            "a link: a % must start a percent escape such as %20",
        ),
        ("base_iri", "'https://example.org/id#'", "has a '#' or '?'"),
        ("homepagee", "'https://example.org/'", "unknown field: did you mean 'homepage'?"),
    ],
)
def test_messages_say_what_is_expected_in_words(
    tmp_path: Path, field: str, value: str, expected: str
) -> None:
    """No raw patterns ('^\\d{3}$') in messages; a misspelt key gets a suggestion."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  kind:"))
    lines = [line for line in lines if not line.startswith(f"  {field}:")]
    lines.insert(at + 1, f"  {field}: {value}")
    path = tmp_path / "edited.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:{at + 2}:"), problem
    assert expected in problem, problem
    assert "pattern" not in problem and "^" not in problem


def test_duplicate_register_id_is_reported_at_the_second_use(tmp_path: Path) -> None:
    """The duplicate, not the first occurrence, is where the fix goes."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    assert "      - id: nuorisopalvelut\n" in text
    edited = text.replace("      - id: nuorisopalvelut\n", "      - id: varhaiskasvatus\n")
    path = tmp_path / "dup.yaml"
    path.write_text(edited, encoding="utf-8")
    (problem,) = _problems(path)
    second = text.splitlines().index("      - id: nuorisopalvelut") + 1
    assert problem.startswith(f"{path}:{second}:"), problem
    assert "register id 'varhaiskasvatus' is already used at units[0].registers[1].id" in problem


@pytest.mark.parametrize(
    ("inserted", "expected"),
    [
        ('  homepage: "https://example.org/a\\x00b"', "U+0000 cannot be written"),
        ("  # a NUL \x00 in a comment", "U+0000 cannot be written in RDF/XML or YAML"),
        ('  homepage: "https://example.org/\\uFFFE"', "U+FFFE cannot be written"),
        ("  homepage: https://example.org/a^b", "'^' is not allowed in an IRI"),
        ('  homepage: "https://example.org/a|b"', "'|' is not allowed in an IRI"),
    ],
)
def test_what_no_writer_can_write_is_refused_at_its_line(
    tmp_path: Path, inserted: str, expected: str
) -> None:
    """Control characters, U+FFFE and IRI characters the writers choke on: file:line, words."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  kind:"))
    lines.insert(at + 1, inserted)
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _problems(path)
    assert problems[0].startswith(f"{path}:{at + 2}:"), problems
    assert expected in problems[0], problems


def test_tab_indentation_is_refused_by_every_path(tmp_path: Path) -> None:
    """A tab-indented line: build and validate both refuse it at its line (validate crashed)."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  kind:"))
    lines[at] = "\t" + lines[at]
    path = tmp_path / "tabs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:{at + 1}:") and "tab" in problem, problem


def test_name_only_in_another_language_builds(tmp_path: Path) -> None:
    """An organisation named only in Swedish in a Finnish file was a KeyError."""
    from dcatgen.build.catalog import make_catalog

    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  name:"))
    lines[at] = "  name: {sv: Virmo kommun}"
    path = tmp_path / "sv.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalog = make_catalog(path)
    assert any('"Virmo kommun' in o for _, _, o in catalog.triples)


def test_invalid_yaml_names_the_line() -> None:
    """A syntax error gives the file and line, and no model."""
    path = FIXTURES / "broken" / "not-yaml.yaml"
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:4:1: not valid YAML")


def test_duplicate_keys_are_refused() -> None:
    """YAML silently keeps the last of two equal keys; we refuse instead."""
    text = "organisation:\n  id: a\n  id: b\n"
    with pytest.raises(InputError) as caught:
        parse_text(text, Path("x.yaml"))
    assert str(caught.value) == "x.yaml:3:3: organisation.id: duplicate key: keep one of them"


def test_norway_problem_does_not_happen() -> None:
    """`no` stays the string 'no' (YAML 1.1 would read false): it is refused as a value."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    text = text.replace("availability: not-open", "availability: no")
    with pytest.raises(InputError) as caught:
        parse_text(text, Path("m.yaml"))
    assert "'no' is not allowed: use 'open'" in str(caught.value)


def test_duplicate_register_ids_are_refused(tmp_path: Path) -> None:
    """Register ids are IRIs: two registers with one id cannot both be published."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dup.yaml"
    path.write_text(text.replace("id: arkisto", "id: asianhallinta"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert "register id 'asianhallinta' is already used at units[0].registers[0].id" in str(
        caught.value
    )


def test_problems_of_several_files_are_reported_together(tmp_path: Path) -> None:
    """A folder with two bad files gets both files' problems in one error."""
    (tmp_path / "a.yaml").write_text("organisation: {}\nunits: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("units: [\n", encoding="utf-8")
    problems = _problems(tmp_path)
    assert any(
        p.startswith(f"{tmp_path / 'a.yaml'}:1:1: organisation.id: required field is missing")
        for p in problems
    )
    assert any(p.startswith(f"{tmp_path / 'b.yaml'}:2:1: not valid YAML") for p in problems)


def test_empty_folder_and_missing_path_are_explained(tmp_path: Path) -> None:
    """No description files, or no such path: a message, not a traceback."""
    assert _problems(tmp_path) == [f"{tmp_path}: no *.yaml description files here"]
    assert _problems(tmp_path / "nope") == [f"{tmp_path / 'nope'}: no such file or folder"]


def test_text_in_other_languages_and_plain_strings() -> None:
    """A plain string is text in the description's language; a mapping can add sv and en."""
    (source,) = load(FIXTURES / "minimal.yaml")
    register = source.description.units[0].registers[0]
    assert register.title == {"fi": "Asianhallintarekisteri", "sv": "Ärenderegister"}
    assert register.purpose == {"fi": "Asioiden käsittelyn ja päätösten kirjaaminen."}


def test_fast_and_careful_parsers_read_the_same_description() -> None:
    """The Rust fast path gives exactly the model the positional parser gives."""
    for path in (DATA / "mynamaki.yaml", FIXTURES / "minimal.yaml"):
        text = path.read_text(encoding="utf-8")
        fast = _parse_fast(text)
        assert fast is not None, path
        assert fast == _parse_careful(text, path).description


def test_fast_path_steps_aside_for_numbers_and_dates() -> None:
    """`municipality_code: 0503` is text to us, a number to YAML 1.2: the careful path decides."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace('municipality_code: "999"', "municipality_code: 0503")
    assert _parse_fast(text) is None
    with pytest.raises(InputError) as caught:
        parse_text(text, Path("m.yaml"))
    assert "m.yaml:8:3: organisation.municipality_code: '0503' is not a municipality code" in str(
        caught.value
    )


# --- bounded reading: aliases and nesting (issue 16, from the attack run) -----------------


def _laughs(levels: int) -> str:
    """The "billion laughs": each level is nine aliases of the one before (9**levels values)."""
    lines = ["organisation: {id: x}", "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [7, 9, 12])
def test_alias_bomb_is_refused_at_its_line(levels: int) -> None:
    """A few hundred bytes of aliases of aliases are refused, not expanded (was 1.8 GB at 7)."""
    text = _laughs(levels)
    assert len(text) < 600
    with pytest.raises(InputError) as caught:
        parse_text(text, Path("bomb.yaml"))
    (problem,) = caught.value.problems
    assert str(problem).startswith("bomb.yaml:2:")
    assert "aliases (*name) here copy more than 10,000 values" in str(problem)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    """A self-referencing alias was a RecursionError."""
    with pytest.raises(InputError) as caught:
        parse_text("organisation: &a\n  id: x\n  name: [*a]\n", Path("self.yaml"))
    assert "self.yaml:3:" in str(caught.value)
    assert "refers to a value that contains it" in str(caught.value)


@pytest.mark.parametrize("style", ["block", "flow"])
def test_deep_nesting_is_refused_with_its_line(style: str) -> None:
    """497 nested sequences were a RecursionError; now a problem at file:line."""
    depth = 497
    if style == "block":
        text = "organisation:\n" + "".join("  " * i + "-\n" for i in range(depth))
    else:
        text = "organisation: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(InputError) as caught:
        parse_text(text, Path("deep.yaml"))
    assert "deep.yaml:" in str(caught.value)
    assert "nested more than 50 levels deep" in str(caught.value)


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    """Anchors and aliases within the budget read as the repeated values."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    assert "&" not in text
    marked = text.replace("themes: [EDUC]", "themes: &themes [EDUC]", 1)
    marked = marked.replace("themes: [EDUC]", "themes: *themes")
    assert marked.count("*themes") >= 2
    plain, aliased = parse_text(text, Path("a.yaml")), parse_text(marked, Path("b.yaml"))
    assert plain.description == aliased.description


def test_careful_reader_reads_booleans_and_nulls_as_the_fast_one() -> None:
    """libyaml marks plain scalars with style '' (not None): 'true' and '~' stayed strings."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    assert "        kind: case-register\n" in text
    text = text.replace(
        "        kind: case-register\n", "        kind: case-register\n        retention: ~\n"
    )
    fast = _parse_fast(text)
    assert fast is not None
    careful = _parse_careful(text, Path("m.yaml"))
    assert careful.description == fast
    assert all(register.retention is None for _, register in fast.registers())
