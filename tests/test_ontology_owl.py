"""The vocabulary is an OWL 2 DL ontology: checked with the OWL API's OWL 2 DL profile checker.

The checker is Debian's libowlapi-java (`make system-packages` installs it) run by Java 17 as a
single-file program (tests/owl/DlProfile.java); its classpath is the jars of that package and
of the packages it depends on, as dpkg lists them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from tests.conftest import ROOT

ONTOLOGY = ROOT / "ontology" / "dcatgen.ttl"
CHECKER = Path(__file__).parent / "owl" / "DlProfile.java"
PACKAGE = "libowlapi-java"


def _require(found: object, what: str) -> None:
    """Skip naming what is missing; under CI a missing component fails instead."""
    if found:
        return
    message = f"{what} is not installed (make system-packages installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _dpkg(fmt: str, package: str) -> str:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f", fmt, package], capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else ""


@cache
def _classpath() -> str:
    """The jars of libowlapi-java and of every package it depends on, transitively."""
    seen: set[str] = set()
    todo = [PACKAGE]
    jars: list[str] = []
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        files = subprocess.run(
            ["dpkg-query", "-L", package], capture_output=True, text=True, check=False
        ).stdout.split()
        jars += [f for f in files if f.startswith("/usr/share/java/") and f.endswith(".jar")]
        for alternative in _dpkg("${Depends}", package).split(","):
            name = alternative.split("|")[0].strip().split(" ")[0].split(":")[0]
            if name:
                todo.append(name)
    return ":".join(sorted(set(jars)))


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java")
    _require(java, "Java (openjdk-17-jre-headless)")
    _require(shutil.which("dpkg-query") and _dpkg("${Status}", PACKAGE), PACKAGE)
    return subprocess.run(
        [str(java), "-cp", _classpath(), str(CHECKER), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_vocabulary_is_in_the_owl_2_dl_profile() -> None:
    """The OWL API finds no OWL 2 DL violation (383 before: undeclared annotation properties,
    rdfs:Resource as a class)."""
    done = _check(ONTOLOGY)
    assert "violations: 0" in done.stdout, done.stdout[-4000:] + done.stderr[-2000:]
    assert done.returncode == 0


def test_the_checker_finds_what_was_wrong(tmp_path: Path) -> None:
    """The check can fail: the defects the vocabulary had, put back, are reported."""
    graph = Graph().parse(ONTOLOGY)
    graph.remove((None, RDF.type, OWL.AnnotationProperty))
    graph.add(
        (graph.namespace_manager.expand_curie("dg:referenceTarget"), RDFS.range, RDFS.Resource)
    )
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    done = _check(broken)
    assert done.returncode == 1
    assert "UseOfUndeclaredAnnotationProperty" in done.stdout
    assert "UseOfReservedVocabularyForClassIRI" in done.stdout
