"""The scheme of known information systems: its data, its mapping, its recognition."""

from __future__ import annotations

from pathlib import Path

import pytest

from dcatgen.build.catalog import check, make_catalog
from dcatgen.mapping.tables import KNOWN_SYSTEM, SYSTEM_KIND, description_triples
from dcatgen.model.description import known_systems
from dcatgen.model.load import load_file
from dcatgen.rdf.terms import SKOS
from dcatgen.validation.findings import Severity
from tests.conftest import DATA


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def test_scheme_is_well_formed() -> None:
    """Unique ids, known kinds with fi/sv/en labels, no name claimed by two systems."""
    scheme = known_systems()
    assert len(scheme.systems) >= 60
    for kind, labels in scheme.kinds.items():
        assert set(labels) == {"fi", "sv", "en"}, kind
    claimed: dict[str, str] = {}
    for system in scheme.systems.values():
        assert system.kind in scheme.kinds, system.id
        for name in (system.name, *system.variants):
            assert claimed.setdefault(_key(name), system.id) == system.id, name


def test_exact_match_maps_to_the_concept_with_its_facts(tmp_path: Path) -> None:
    """skos:exactMatch to the concept; the concept and its kind travel with the catalog."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "- name: MultiPrimus\n", "- name: MultiPrimus\n            exact_match: primus\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    triples = set(description_triples(load_file(path).description))
    concept = f"<{KNOWN_SYSTEM}primus>"
    assert any(p == SKOS.exactMatch and o == concept for _, p, o in triples)
    assert (concept, SKOS.prefLabel, '"Primus"') in triples
    assert (concept, SKOS.altLabel, '"MultiPrimus"') in triples
    kind = f"<{SYSTEM_KIND}student-administration>"
    assert (kind, SKOS.prefLabel, '"Opiskelijahallinto"@fi') in triples
    for engine in ("fast", "pyshacl"):
        report = check(make_catalog(path), engine)
        assert report.conforms, [
            str(f) for f in report.findings if f.severity is Severity.VIOLATION
        ]


def test_unknown_id_is_refused_with_a_hint(tmp_path: Path) -> None:
    """An exact_match that is not in the scheme: the loader says where the ids are."""
    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "- name: MultiPrimus\n", "- name: MultiPrimus\n            exact_match: nope\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    from dcatgen.errors import InputError

    with pytest.raises(InputError, match="not in dcatgen's scheme of known systems"):
        load_file(path)


def test_a_malformed_known_system_is_a_violation_for_both_engines(tmp_path: Path) -> None:
    """The vocabulary shapes check the concept: without a kind, both engines report it."""
    from dcatgen.validation.run import run_engine

    text = (DATA / "mynamaki.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "- name: MultiPrimus\n", "- name: MultiPrimus\n            exact_match: primus\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    concept = f"<{KNOWN_SYSTEM}primus>"
    triples = [
        t for t in make_catalog(path).triples if not (t[0] == concept and "systemKind" in t[1])
    ]
    found = {
        engine: sorted(
            (f.focus_node, f.path, f.component)
            for f in run_engine(engine, triples)
            if f.severity is Severity.VIOLATION
        )
        for engine in ("fast", "pyshacl")
    }
    assert found["fast"] == found["pyshacl"] != []


def test_systems_in_prose_keep_what_the_page_says_of_them() -> None:
    """'valtakunnallinen VARDA-rekisteri': national because the page says so; the product
    linked to the scheme; 'Tweb -asianhallintajärjestelmään': what it is, in its base form."""
    from dcatgen.importer import import_text

    page = (
        "Varhaiskasvatuksen tietovaranto\n\n"
        "Tietovarannon yhteydessä käytetään valtakunnallista VARDA-rekisteriä ja "
        "asiakirjat tallennetaan Tweb -asianhallintajärjestelmään.\n"
    )
    result = import_text(page, html=False, organisation="Esimerkin kunta")
    [register] = [r for _, r in result.description.registers()]
    found = {s.name: (s.exact_match, s.national) for s in register.systems}
    assert found == {"VARDA": ("varda", True), "Tweb": ("tweb", False)}
    [tweb] = [s for s in register.systems if s.name == "Tweb"]
    assert tweb.description is not None
    assert tweb.description["fi"] in ("asianhallintajärjestelmä", "asianhallintajärjestelmään")
