"""`dcatgen diff OLD NEW`: what changed between two versions of the descriptions, in words.

OLD and NEW are two YAML folders (or files), two git revisions of the data (``REV`` or
``REV:path``, read with ``git archive`` from the repository around the current folder), or
two built out/ folders (their catalogs compared register by register).  Registers are
matched by organisation base IRI and register id; a changed register lists its changed
fields ("data group added: …", "system renamed: …").
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from dcatgen.errors import InputError, Problem
from dcatgen.model.description import Register


@dataclass
class RegisterChange:
    """One register that was added, removed or changed."""

    organisation: str
    register: str
    title: str
    status: str
    """'added', 'removed' or 'changed'."""
    changes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "organisation": self.organisation,
            "register": self.register,
            "title": self.title,
            "status": self.status,
            "changes": self.changes,
        }


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return " / ".join(str(v) for v in value.values())
    return str(value)


def _named(items: list[Any], key: str) -> dict[str, Any]:
    return {_text(item.get(key) if isinstance(item, dict) else item): item for item in items}


LIST_FIELDS = {
    "data_groups": ("data group", "name"),
    "systems": ("system", "name"),
    "links": ("link", "url"),
    "distributions": ("distribution", "access_url"),
    "themes": ("theme", ""),
    "subjects": ("subject", ""),
    "keywords": ("keyword", ""),
}
FIELD_WORDS = {
    "title": "title",
    "purpose": "purpose",
    "description": "description",
    "search_criteria": "search criteria",
    "api": "API availability",
    "disclosure_authority": "authority deciding on disclosure",
    "contact_point": "contact point",
    "access_rights": "access rights",
    "personal_data": "personal data",
    "secrecy": "secrecy",
    "retention": "retention",
    "task_class": "task class",
    "kind": "kind",
    "part_of": "part of",
    "license": "licence",
    "collection_type": "collection type",
}


def _list_changes(words: str, key: str, old: list[Any], new: list[Any]) -> list[str]:
    """Items added, removed, renamed (same place, other name) or changed, in words."""
    if key:
        before, after = _named(old, key), _named(new, key)
    else:
        before = {_text(item): item for item in old}
        after = {_text(item): item for item in new}
    removed = [name for name in before if name not in after]
    added = [name for name in after if name not in before]
    changes = []
    # A name that went where another came, at the same position: a rename.
    positions_old = {name: i for i, name in enumerate(before)}
    positions_new = {name: i for i, name in enumerate(after)}
    for name in list(removed):
        partner = next((a for a in added if positions_new[a] == positions_old[name]), None)
        if partner is not None:
            changes.append(f"{words} renamed: {name} → {partner}")
            removed.remove(name)
            added.remove(partner)
    changes += [f"{words} added: {name}" for name in added]
    changes += [f"{words} removed: {name}" for name in removed]
    for name in before:
        if name in after and before[name] != after[name]:
            changes.append(f"{words} changed: {name}")
    if not changes and list(before) != list(after):
        changes.append(f"{words}s reordered")
    return changes


def register_changes(old: Register, new: Register) -> list[str]:
    """The changed fields of a register, in words."""
    before = old.model_dump(mode="json", exclude_none=True)
    after = new.model_dump(mode="json", exclude_none=True)
    changes: list[str] = []
    for name in dict.fromkeys([*before, *after]):
        if name == "id" or before.get(name) == after.get(name):
            continue
        if name in LIST_FIELDS:
            words, key = LIST_FIELDS[name]
            changes += _list_changes(words, key, before.get(name, []), after.get(name, []))
            continue
        words = FIELD_WORDS.get(name, name.replace("_", " "))
        if name not in before:
            changes.append(f"{words} added: {_short(after[name])}")
        elif name not in after:
            changes.append(f"{words} removed")
        else:
            changes.append(f"{words} changed: {_short(before[name])} → {_short(after[name])}")
    return changes


def _short(value: Any, limit: int = 80) -> str:
    text = _text(value) if not isinstance(value, list) else ", ".join(map(_text, value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compare(old: Path, new: Path) -> list[RegisterChange]:
    """Registers added, removed and changed between two YAML folders (or files)."""
    from dcatgen.model.load import load

    def registers(target: Path) -> dict[tuple[str, str], tuple[str, Register, str]]:
        found = {}
        for source in load(target):
            description = source.description
            base = str(description.organisation.base_iri)
            name = description.organisation.name
            organisation = name.get(description.language) or next(iter(name.values()))
            for _, register in description.registers():
                found[(base, register.id)] = (organisation, register, description.language)
        return found

    before, after = registers(old), registers(new)
    result = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            organisation, register, language = after[key]
            result.append(RegisterChange(organisation, key[1], _title(register, language), "added"))
        elif key not in after:
            organisation, register, language = before[key]
            result.append(
                RegisterChange(organisation, key[1], _title(register, language), "removed")
            )
        else:
            organisation, register, language = after[key]
            changes = register_changes(before[key][1], register)
            if changes:
                title = _title(register, language)
                result.append(RegisterChange(organisation, key[1], title, "changed", changes))
    return result


def _title(register: Register, language: str) -> str:
    return register.title.get(language) or next(iter(register.title.values()))


@contextmanager
def resolved(spec: str) -> Iterator[Path]:
    """A YAML folder or file for OLD/NEW: a path as it is, else a git revision (``REV`` or
    ``REV:path``) extracted into a temporary folder."""
    path = Path(spec)
    if path.exists():
        yield path
        return
    revision, _, inside = spec.partition(":")
    inside = inside or "data"
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", revision, "--", inside],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        message = (
            f"{spec}: neither a folder nor a git revision of the data "
            f"({detail.decode(errors='replace').strip() or error}); give a YAML folder, "
            "an out/ folder, or REV[:path] inside a git repository"
        )
        raise InputError([Problem(None, "", message)]) from None
    with tempfile.TemporaryDirectory(prefix="dcatgen-diff-") as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder) / inside


def is_built(folder: Path) -> bool:
    """True for an out/ folder a build wrote (compared through its ledger-free catalogs)."""
    from dcatgen.sparql.store import BUILT_FILES, indexed_files

    if not folder.is_dir():
        return False
    return indexed_files(folder) is not None or any((folder / n).is_file() for n in BUILT_FILES)


def _built_registers(folder: Path) -> dict[str, tuple[str, dict[str, set[str]]]]:
    """Register IRI → (title, {field words: values}) from a built out/ folder."""
    from dcatgen.mapping.tables import FIELD_OF_PREDICATE
    from dcatgen.sparql.store import read_source

    source = read_source(folder)
    nodes: dict[str, dict[str, set[str]]] = {}
    for triple in source.triples:
        subject = str(triple.subject.value) if hasattr(triple.subject, "value") else ""
        value = triple.object.value if hasattr(triple.object, "value") else str(triple.object)
        nodes.setdefault(subject, {}).setdefault(triple.predicate.value, set()).add(value)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    title = "http://purl.org/dc/terms/title"
    skip = {"http://purl.org/dc/terms/issued", "http://purl.org/dc/terms/modified"}
    named = {
        "https://w3id.org/dcatgen/ns#dataGroup",
        "https://w3id.org/dcatgen/ns#informationSystem",
    }
    result = {}
    for subject, fields in nodes.items():
        if "http://www.w3.org/ns/dcat#Dataset" not in fields.get(rdf_type, set()):
            continue
        described: dict[str, set[str]] = {}
        for predicate, values in fields.items():
            if predicate in skip or predicate == rdf_type:
                continue
            words = _field_words(FIELD_OF_PREDICATE.get(f"<{predicate}>", predicate))
            if predicate in named:
                values = {t for v in values for t in nodes.get(v, {}).get(title, {v})}
            described.setdefault(words, set()).update(values)
        titles = sorted(fields.get(title, {subject}))
        result[subject] = (titles[0], described)
    return result


def _field_words(name: str) -> str:
    if name in LIST_FIELDS:
        return LIST_FIELDS[name][0]
    return FIELD_WORDS.get(name, name.rsplit("#", 1)[-1].rsplit("/", 1)[-1].replace("_", " "))


def compare_built(old: Path, new: Path) -> list[RegisterChange]:
    """Registers added, removed and changed between two built out/ folders (their RDF)."""
    before, after = _built_registers(old), _built_registers(new)
    result = []
    for key in sorted(set(before) | set(after)):
        organisation = key.rsplit("/register/", 1)[0] + "/"
        register = key.rsplit("/", 1)[-1]
        if key not in before:
            result.append(RegisterChange(organisation, register, after[key][0], "added"))
        elif key not in after:
            result.append(RegisterChange(organisation, register, before[key][0], "removed"))
        else:
            changes = []
            old_fields, new_fields = before[key][1], after[key][1]
            for words in sorted(set(old_fields) | set(new_fields)):
                was, now = old_fields.get(words, set()), new_fields.get(words, set())
                if was == now:
                    continue
                if words in {w for w, _ in LIST_FIELDS.values()}:
                    changes += [f"{words} added: {v}" for v in sorted(now - was)]
                    changes += [f"{words} removed: {v}" for v in sorted(was - now)]
                else:
                    changes.append(f"{words} changed")
            if changes:
                result.append(
                    RegisterChange(organisation, register, after[key][0], "changed", changes)
                )
    return result


def diff(old: str, new: str) -> list[RegisterChange]:
    """Compare OLD and NEW (YAML folders or files, git revisions, or two out/ folders)."""
    with resolved(old) as before, resolved(new) as after:
        if is_built(before) and is_built(after):
            return compare_built(before, after)
        return compare(before, after)


def text(changes: list[RegisterChange]) -> str:
    """The changes as a records manager pastes them into a change log."""
    if not changes:
        return "no registers added, removed or changed"
    lines = []
    for change in changes:
        lines.append(f"{change.status}: {change.title} ({change.register}, {change.organisation})")
        lines += [f"  - {item}" for item in change.changes]
    counts = {s: sum(1 for c in changes if c.status == s) for s in ("added", "removed", "changed")}
    lines.append(", ".join(f"{n} {status}" for status, n in counts.items()))
    return "\n".join(lines)
