"""History (issue 15): the change ledger's dates, byte-determinism with it, removed registers,
and `dcatgen diff` between two versions of the descriptions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, Namespace

from dcatgen.build.pipeline import build
from dcatgen.cli import main
from dcatgen.rdf.formats import Format
from tests.conftest import SEED

BASE = "https://w3id.org/dcatgen/id/mynamaki/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DAY_1 = "1764633600"  # 2025-12-02
DAY_2 = "1767312000"  # 2026-01-02
REGISTERS = [
    "kirjastopalvelut",
    "liikuntapalvelut",
    "nuorisopalvelut",
    "perusopetus-ja-lukio",
    "varhaiskasvatus",
]


def _data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / "mynamaki.yaml")
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "mynamaki.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _dates(out: Path) -> dict[str, tuple[str, str]]:
    graph = Graph().parse(out / "catalog.ttl", format="turtle")
    found = {}
    for name in ["catalog", *(f"register/{r}" for r in REGISTERS)]:
        node = URIRef(BASE + name)
        issued, modified = graph.value(node, DCTERMS.issued), graph.value(node, DCTERMS.modified)
        assert isinstance(issued, Literal) and issued.datatype == XSD.date, name
        found[name] = (str(issued), str(modified))
    return found


def test_editing_one_register_changes_only_its_modified_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later build after editing one register: that register's dct:modified (and the
    catalog's) move to the new day; every dct:issued and every other date stays; the rest of
    the graph is the same but for the edit itself."""
    data = _data(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, tmp_path / "out1", site=False)
    before = _dates(tmp_path / "out1")
    assert set(before.values()) == {("2025-12-02", "2025-12-02")}
    _edit(data, "          - Kirjaston kokoelmatiedot\n", "          - Kirjaston kokoelmat\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, tmp_path / "out2", site=False)
    after = _dates(tmp_path / "out2")
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"catalog", "register/kirjastopalvelut"}
    assert after["register/kirjastopalvelut"] == ("2025-12-02", "2026-01-02")
    assert after["catalog"] == ("2025-12-02", "2026-01-02")
    old = set(Graph().parse(tmp_path / "out1" / "catalog.nt", format="nt"))
    new = set(Graph().parse(tmp_path / "out2" / "catalog.nt", format="nt"))
    dated = {DCTERMS.modified}
    differing = {(str(s), p) for s, p, _ in old ^ new if p in dated}
    assert differing == {
        (BASE + "catalog", DCTERMS.modified),
        (BASE + "register/kirjastopalvelut", DCTERMS.modified),
    }
    # Nothing else differs but the edited data group and the register's summary.
    edited = {str(s) for s, p, _ in old ^ new if p not in dated}
    register = BASE + "register/kirjastopalvelut"
    assert edited and all(s == register or s.startswith(register + "#") for s in edited)


def test_same_input_and_ledger_give_the_same_bytes_on_another_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dates come from the ledger, not the clock: a build a month later, of the same input with
    the same ledger, writes the same bytes, and leaves the ledger as it was."""
    data = _data(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, tmp_path / "out1", site=False)
    ledger = (data / "history.json").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, tmp_path / "out2", site=False)
    for format in Format:
        name = format.file_name("catalog")
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    assert (data / "history.json").read_bytes() == ledger


def test_a_removed_register_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A register deleted from the YAML moves to the ledger's "removed", with its dates."""
    data = _data(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, tmp_path / "out", site=False)
    text = (data / "mynamaki.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: liikuntapalvelut")
    end = text.index("# §28 items missing", start) if "# §28 items missing" in text else len(text)
    (data / "mynamaki.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, tmp_path / "out", site=False)
    ledger = json.loads((data / "history.json").read_text(encoding="utf-8"))
    record = ledger["organisations"][BASE]
    assert "liikuntapalvelut" not in record["registers"]
    assert record["removed"]["liikuntapalvelut"] == {
        "issued": "2025-12-02",
        "modified": "2025-12-02",
        "removed": "2026-01-02",
        "title": "Liikuntapalveluiden asiarekisterit",
    }
    assert record["catalog"]["modified"] == "2026-01-02"


@pytest.mark.parametrize("layout", ["combined", "per-description"])
def test_renaming_the_description_file_keeps_every_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """The ledger knows an organisation by its base IRI: a description file renamed (or moved
    into a subfolder) continues its record, so no register is new again."""
    data = _data(tmp_path / "data")
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, out, site=False, layout=layout)
    (data / "kunnat").mkdir()
    (data / "mynamaki.yaml").rename(data / "kunnat" / "mynamaen-kunta.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, out, site=False, layout=layout)
    catalog = out if layout == "combined" else out / "kunnat" / "mynamaen-kunta"
    assert set(_dates(catalog).values()) == {("2025-12-02", "2025-12-02")}
    ledger = json.loads((data / "history.json").read_text(encoding="utf-8"))
    assert list(ledger["organisations"]) == [BASE]
    record = ledger["organisations"][BASE]
    assert record["file"] == "kunnat/mynamaen-kunta.yaml"
    assert record["removed"] == {} and sorted(record["registers"]) == REGISTERS
    # The next build of the renamed file reuses its outputs: its ledger record is settled.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    assert build(data, out, site=False, layout=layout).summary.reused == 1


def test_a_file_that_now_describes_another_organisation_starts_its_dates_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new base IRI means new dataset IRIs, which harvesters see as new datasets: they are
    issued today, and the registers under the old base are remembered as removed."""
    data = _data(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, tmp_path / "out", site=False)
    other = "https://w3id.org/dcatgen/id/mynamaki-sivistys/"
    path = data / "mynamaki.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(BASE) == 1
    path.write_text(text.replace(BASE, other), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, tmp_path / "out", site=False)
    graph = Graph().parse(tmp_path / "out" / "catalog.ttl", format="turtle")
    issued = {str(o) for s, o in graph.subject_objects(DCTERMS.issued)}
    assert issued == {"2026-01-02"}
    ledger = json.loads((data / "history.json").read_text(encoding="utf-8"))["organisations"]
    assert sorted(ledger) == sorted([BASE, other])
    assert ledger[BASE]["registers"] == {} and sorted(ledger[BASE]["removed"]) == REGISTERS
    assert ledger[BASE]["file"] == ""
    assert ledger[other]["file"] == "mynamaki.yaml"
    assert {r["issued"] for r in ledger[other]["registers"].values()} == {"2026-01-02"}


def test_a_broken_ledger_is_refused_with_its_name(tmp_path: Path) -> None:
    """Not a ledger: exit 2, naming the file and what to do; nothing written."""
    data = _data(tmp_path / "data")
    (data / "history.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(data), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "history.json:1:1" in result.output
    assert "not a dcatgen history ledger" in result.output
    assert not (tmp_path / "out" / "catalog.ttl").exists()


EDITS = [
    ("    title: Kirjastopalveluiden asiarekisteri\n", "    title: Kirjaston asiarekisteri\n"),
    ("          - Hakemukset\n", "          - Hakemukset\n          - Jonotiedot\n"),
    ("          - name: Vaski-kirjastojen tietokanta\n", "          - name: Vaski-tietokanta\n"),
    (
        "          - Tilastot ja raportit\n        systems:\n          - name: MultiPrimus",
        "        systems:\n          - name: MultiPrimus",
    ),
    (
        "concepts: [person-name, customer-id, personal-identity-code]",
        "concepts: [person-name, customer-id]",
    ),
]


def _edited(folder: Path) -> Path:
    data = _data(folder)
    for old, new in EDITS:
        _edit(data, old, new)
    text = (data / "mynamaki.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: nuorisopalvelut")
    end = text.index("      - id: liikuntapalvelut")
    added = (
        "      - id: kulttuuripalvelut\n        kind: case-register\n"
        "        title: Kulttuuripalveluiden asiarekisteri\n"
    )
    (data / "mynamaki.yaml").write_text(text[:start] + added + text[end:], encoding="utf-8")
    return data


EXPECTED = [
    "changed: Kirjaston asiarekisteri (kirjastopalvelut, Mynämäen kunta)",
    "  - title changed: Kirjastopalveluiden asiarekisteri → Kirjaston asiarekisteri",
    "  - system renamed: Vaski-kirjastojen tietokanta → Vaski-tietokanta",
    "  - search criteria changed:",
    "added: Kulttuuripalveluiden asiarekisteri (kulttuuripalvelut, Mynämäen kunta)",
    "removed: Nuorisopalveluiden asiarekisterit (nuorisopalvelut, Mynämäen kunta)",
    "changed: Perusopetuksen ja lukio-opetuksen tietovaranto (perusopetus-ja-lukio, ",
    "  - data group removed: Tilastot ja raportit",
    "changed: Varhaiskasvatuksen tietovaranto (varhaiskasvatus, Mynämäen kunta)",
    "  - data group added: Jonotiedot",
    "1 added, 1 removed, 3 changed",
]


def _diff(*args: str) -> str:
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _assert_names_every_edit(output: str) -> None:
    lines = output.splitlines()
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), (expected, output)


def test_diff_of_two_yaml_folders_names_every_edit(tmp_path: Path) -> None:
    """Title, data group added and removed, system renamed, search criteria, a register added
    and one removed: each is named in words; --format json carries the same."""
    _assert_names_every_edit(_diff(str(SEED), str(_edited(tmp_path / "new"))))
    document = json.loads(_diff(str(SEED), str(tmp_path / "new"), "--format", "json"))
    statuses = {c["register"]: c["status"] for c in document["changes"]}
    assert statuses == {
        "kirjastopalvelut": "changed",
        "kulttuuripalvelut": "added",
        "nuorisopalvelut": "removed",
        "perusopetus-ja-lukio": "changed",
        "varhaiskasvatus": "changed",
    }


def test_diff_of_two_git_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REV:path of a git repository: the same words as between the folders."""
    repository = tmp_path / "repo"
    _data(repository / "data")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.fi"]
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    subprocess.run([*git, "-C", str(repository), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repository), "commit", "-qm", "seed"], check=True)
    shutil.rmtree(repository / "data")
    shutil.copytree(_edited(tmp_path / "edited"), repository / "data")
    subprocess.run([*git, "-C", str(repository), "commit", "-qam", "edits"], check=True)
    monkeypatch.chdir(repository)
    _assert_names_every_edit(_diff("HEAD~1:data", "HEAD:data"))
    result = CliRunner().invoke(main, ["diff", "no-such-revision", "HEAD"])
    assert result.exit_code == 2
    assert "neither a folder nor a git revision" in result.output


def test_diff_of_two_built_folders(tmp_path: Path) -> None:
    """Two out/ folders: registers added, removed and changed, from the RDF."""
    build(SEED, tmp_path / "out1", site=False, history=None)
    build(_edited(tmp_path / "new"), tmp_path / "out2", site=False, history=None)
    lines = _diff(str(tmp_path / "out1"), str(tmp_path / "out2")).splitlines()
    assert "removed: Nuorisopalveluiden asiarekisterit (nuorisopalvelut, " + BASE + ")" in lines
    assert "  - data group added: Jonotiedot" in lines
    assert "  - system added: Vaski-tietokanta" in lines
    assert "  - system removed: Vaski-kirjastojen tietokanta" in lines
    assert lines[-1] == "1 added, 1 removed, 3 changed"


def test_an_unchanged_build_does_not_serialise_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing new for the ledger: it is neither written nor even serialised to be compared
    (a national ledger is 20 MB of JSON: 2.9 s of every build)."""
    from dcatgen.history.ledger import Ledger

    data = _data(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    build(data, tmp_path / "out", site=False)
    calls: list[int] = []
    text = Ledger.text

    def counted(self: Ledger) -> str:
        calls.append(1)
        return text(self)

    monkeypatch.setattr(Ledger, "text", counted)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_2)
    build(data, tmp_path / "out", site=False)  # nothing changed, reused
    build(data, tmp_path / "out2", site=False)  # processed again, the same records
    assert calls == []
    _edit(data, "          - Kirjaston kokoelmatiedot\n", "          - Kirjaston kokoelmat\n")
    build(data, tmp_path / "out", site=False)
    assert calls == [1]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@given(_JSON)
def test_the_ledger_is_indented_as_the_standard_library_would(value: object) -> None:
    """The ledger's fast writer gives exactly json.dumps(indent=1)'s text (a ledger written by
    an earlier version stays byte for byte the same)."""
    from dcatgen.history.ledger import indented

    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=1)
