"""The change ledger: when each register was first seen and last changed.

The ledger is a small JSON file committed beside the data (``DATA/history.json``; see
docs/history.md).  A build compares each register's content fingerprint with the ledger's:
a new register is issued and modified today, a changed one is modified today, an unchanged
one keeps its dates, and a register no longer in the YAML is moved to ``removed`` with the
day it went.  "Today" is the build's day in UTC, or ``SOURCE_DATE_EPOCH`` when set (the
reproducible-builds convention), so the same input and ledger always give the same bytes.

The ledger is keyed by the organisation's base IRI (what harvesters know its datasets by),
and records which description file the organisation was last read from, so a build can hand
each worker only its own organisation's record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcatgen.errors import InputError, Position, Problem
from dcatgen.model.description import Description, Register, Unit
from dcatgen.model.load import Source
from dcatgen.rdf.serialize import write_atomic
from dcatgen.rdf.terms import DCT, XSD, Term, Triple, iri, typed

LEDGER_NAME = "history.json"
"""The ledger's file name, in the data folder (or beside a single description file)."""
LEDGER_VERSION = 1

Json = dict[str, Any]


def today() -> str:
    """The build's day (ISO date, UTC): ``SOURCE_DATE_EPOCH`` when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    else:
        moment = datetime.datetime.now(tz=datetime.UTC)
    return moment.date().isoformat()


def default_path(target: Path) -> Path | None:
    """Where the ledger of a data folder lives: DATA/history.json.  For a single description
    file, the history.json beside it only when there is one (a file picked out of a folder
    does not start a ledger for the whole folder); else None: no ledger, no dates."""
    if target.is_dir():
        return target / LEDGER_NAME
    beside = target.parent / LEDGER_NAME
    return beside if beside.is_file() else None


def indented(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)``, the same text, for JSON made of
    objects, arrays, strings, numbers, booleans and null, several times faster: with an indent,
    the standard library encodes in pure Python (2.9 s for a national ledger of 20 MB)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + " " * (level + 1)
        items = [f"{pad}{_string(key)}: {indented(item, level + 1)}" for key, item in value.items()]
        return "{" + ",".join(items) + "\n" + " " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        pad = "\n" + " " * (level + 1)
        return (
            "["
            + ",".join(pad + indented(item, level + 1) for item in value)
            + "\n"
            + " " * level
            + "]"
        )
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


_string = json.encoder.encode_basestring
"""A JSON string as ``ensure_ascii=False`` writes it (the C encoder where there is one)."""


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


INHERITED_FIELDS = ("purpose", "api", "disclosure_authority", "contact_point", "access_rights")
"""What a register takes from its unit or organisation when it does not state it: a change
there changes what the register's dataset says, so it is part of its content."""


def register_fingerprint(description: Description, unit: Unit, register: Register) -> str:
    """A short hash of everything the register's dataset says: its own fields and what it
    inherits (the organisation's name and other registers do not count)."""
    own = register.model_dump(mode="json", exclude_none=True)
    inherited = {}
    for name in INHERITED_FIELDS:
        if getattr(register, name) is None:
            for owner in (unit, description.organisation):
                value = getattr(owner, name, None)
                if value is not None:
                    inherited[name] = owner.model_dump(mode="json", include={name})[name]
                    break
    return _digest({"register": own, "inherited": inherited, "language": description.language})


def catalog_fingerprint(description: Description) -> str:
    """A short hash of what the catalog says besides its registers (organisation, units)."""
    data = description.model_dump(mode="json", exclude_none=True)
    for unit in data.get("units", []):
        unit.pop("registers", None)
    return _digest(data)


@dataclass
class Dates:
    """A resource's first-seen and last-changed days (ISO dates)."""

    issued: str
    modified: str


@dataclass
class OrganisationRecord:
    """The ledger's record of one organisation (one catalog)."""

    base: str
    file: str = ""
    catalog_hash: str = ""
    catalog: Dates | None = None
    registers: dict[str, Json] = field(default_factory=dict)
    """Register id → {hash, issued, modified, title}."""
    removed: dict[str, Json] = field(default_factory=dict)
    """Register id → {issued, modified, removed, title} of registers no longer described."""

    def to_json(self) -> Json:
        """The record as the ledger writes it."""
        return {
            "file": self.file,
            "catalog": {
                "hash": self.catalog_hash,
                "issued": self.catalog.issued if self.catalog else "",
                "modified": self.catalog.modified if self.catalog else "",
            },
            "registers": {key: self.registers[key] for key in sorted(self.registers)},
            "removed": {key: self.removed[key] for key in sorted(self.removed)},
        }

    @classmethod
    def from_json(cls, base: str, data: Json) -> OrganisationRecord:
        """A record read back from the ledger."""
        catalog = data.get("catalog") or {}
        dates = Dates(catalog["issued"], catalog["modified"]) if catalog.get("issued") else None
        return cls(
            base=base,
            file=str(data.get("file", "")),
            catalog_hash=str(catalog.get("hash", "")),
            catalog=dates,
            registers=dict(data.get("registers", {})),
            removed=dict(data.get("removed", {})),
        )


def _title(register: Register, language: str) -> str:
    return register.title.get(language) or next(iter(register.title.values()))


def update(
    previous: OrganisationRecord | None, description: Description, file: str, day: str
) -> OrganisationRecord:
    """The organisation's record after a build on ``day``: a pure function of the previous
    record and the description."""
    base = str(description.organisation.base_iri)
    old = previous or OrganisationRecord(base)
    record = OrganisationRecord(base, file=file)
    changed = False
    for unit, register in description.registers():
        fingerprint = register_fingerprint(description, unit, register)
        known = old.registers.get(register.id) or old.removed.get(register.id)
        title = _title(register, description.language)
        if known is None:
            entry = {"hash": fingerprint, "issued": day, "modified": day, "title": title}
            changed = True
        elif known.get("hash") != fingerprint or register.id in old.removed:
            entry = {"hash": fingerprint, "issued": known["issued"], "modified": day}
            entry["title"] = title
            changed = True
        else:
            entry = dict(known)
        record.registers[register.id] = entry
    record.removed = {
        key: value for key, value in old.removed.items() if key not in record.registers
    }
    for key, value in old.registers.items():
        if key not in record.registers:
            record.removed[key] = {
                "issued": value["issued"],
                "modified": value["modified"],
                "removed": day,
                "title": value.get("title", ""),
            }
            changed = True
    record.catalog_hash = catalog_fingerprint(description)
    if record.catalog_hash != old.catalog_hash:
        changed = True
    if old.catalog is None:
        record.catalog = Dates(day, day)
    else:
        record.catalog = Dates(old.catalog.issued, day if changed else old.catalog.modified)
    return record


def date_triples(record: OrganisationRecord) -> list[Triple]:
    """dct:issued and dct:modified of the catalog and of each register (xsd:date)."""
    triples: list[Triple] = []
    catalog = iri(record.base + "catalog")
    if record.catalog is not None:
        triples += _dated(catalog, record.catalog.issued, record.catalog.modified)
    for key, entry in record.registers.items():
        triples += _dated(iri(f"{record.base}register/{key}"), entry["issued"], entry["modified"])
    return triples


def without_dates(triples: list[Triple]) -> list[Triple]:
    """The triples without the ledger's dct:issued and dct:modified."""
    dated = (DCT.issued, DCT.modified)
    return [triple for triple in triples if triple[1] not in dated]


def _dated(subject: Term, issued: str, modified: str) -> list[Triple]:
    return [
        (subject, DCT.issued, typed(issued, XSD.date)),
        (subject, DCT.modified, typed(modified, XSD.date)),
    ]


@dataclass
class Ledger:
    """The whole ledger: one record per organisation, keyed by base IRI."""

    path: Path | None
    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)

    def candidates(self, files: Sequence[str]) -> dict[str, list[OrganisationRecord]]:
        """For each description file, the records it may continue: those last read from it,
        or, for a file the ledger does not know (new, or renamed), those whose file is not
        among ``files`` (the build's description files).  The description's base IRI picks
        one (`pick`): so renaming a file keeps its registers' dates."""
        by_file: dict[str, list[OrganisationRecord]] = {}
        for record in self.organisations.values():
            by_file.setdefault(record.file, []).append(record)
        present = set(files)
        orphans = [r for r in self.organisations.values() if r.file not in present]
        return {file: by_file.get(file) or orphans for file in files}

    def text(self) -> str:
        """The ledger as written: sorted keys, one register a line block, a final newline."""
        document = {
            "version": LEDGER_VERSION,
            "organisations": {
                base: self.organisations[base].to_json() for base in sorted(self.organisations)
            },
        }
        return indented(document) + "\n"

    def record(self, records: Iterable[OrganisationRecord]) -> None:
        """Take in the records a build made (replacing those of the same organisations)."""
        for item in records:
            self.organisations[item.base] = item

    def save(self) -> bool:
        """Write the ledger (atomically) when it differs from the file; True if written."""
        if self.path is None:
            return False
        text = self.text()
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return False
        except OSError:
            pass
        write_atomic(self.path, text.encode("utf-8"))
        return True


def read_ledger(path: Path | None) -> Ledger:
    """The ledger at a path (empty when the file does not exist, or for no path).

    Raises InputError, naming the file, when it exists but is not a ledger.
    """
    ledger = Ledger(path)
    if path is None or not path.is_file():
        return ledger
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != LEDGER_VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {LEDGER_VERSION}")
        for base, item in data["organisations"].items():
            ledger.organisations[base] = OrganisationRecord.from_json(base, item)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        message = (
            f"not a dcatgen history ledger ({error}): restore it from version control, "
            "or delete it to start the history again (every register is then new today)"
        )
        raise InputError([Problem(Position(path, 1, 1), "", message)]) from None
    return ledger


def after_build(
    ledger: Ledger, records: Iterable[OrganisationRecord], files: set[str], day: str
) -> bool:
    """Take a build's records into the ledger, remember the registers of descriptions that
    are gone (their file is gone, or it now describes another organisation), and save it;
    True when the file changed."""
    records = list(records)
    # Serialising a national ledger (20 MB) to compare it with the file took 2.9 s of every
    # build; unchanged records and no removal mean an unchanged file.
    changed = any(ledger.organisations.get(record.base) != record for record in records)
    ledger.record(records)
    built = {record.base for record in records}
    rebuilt = {record.file for record in records}
    for record in list(ledger.organisations.values()):
        if record.base in built:
            continue
        if record.file in rebuilt:  # the file now describes another organisation
            ledger.organisations[record.base] = remove_all(record, day, file="")
            changed = True
        elif record.file not in files and record.registers:
            ledger.organisations[record.base] = remove_all(record, day)
            changed = True
    return ledger.save() if changed or ledger.path is None or not ledger.path.is_file() else False


def remove_all(record: OrganisationRecord, day: str, file: str | None = None) -> OrganisationRecord:
    """The record of an organisation whose description is gone: every register removed
    (``file``: what it was last read from, when no longer the record's own)."""
    removed = dict(record.removed)
    for key, value in record.registers.items():
        removed[key] = {
            "issued": value["issued"],
            "modified": value["modified"],
            "removed": day,
            "title": value.get("title", ""),
        }
    return OrganisationRecord(
        record.base,
        record.file if file is None else file,
        record.catalog_hash,
        record.catalog,
        {},
        removed,
    )


def record_text(record: OrganisationRecord) -> str:
    """A record as JSON text: what a worker is handed, and what salts a file's digest (so a
    build reuses a file's output only while its ledger record is the same)."""
    return json.dumps({"base": record.base, **record.to_json()}, ensure_ascii=False, sort_keys=True)


def records_by_file(ledger: Ledger, files: Mapping[str, str]) -> dict[str, str]:
    """Description file (as the build names it) → the records it may continue, as JSON text,
    for the jobs of a build ("" when there are none): see `Ledger.candidates`."""
    candidates = ledger.candidates(list(files.values()))
    return {name: records_text(candidates[relative]) for name, relative in files.items()}


def records_text(records: Iterable[OrganisationRecord]) -> str:
    """Records as JSON text, what a worker is handed ('' for none)."""
    texts = [record_text(record) for record in records]
    return "[" + ",".join(texts) + "]" if texts else ""


def relative_name(target: Path, path: Path) -> str:
    """A description file as the ledger names it: relative to the data folder."""
    return (path.relative_to(target) if target.is_dir() else Path(path.name)).as_posix()


def dates_for_sources(target: Path, sources: Iterable[Source]) -> list[Triple]:
    """The date triples a build of these descriptions would write now, from the ledger beside
    them (read only: serving or querying YAML never changes the ledger)."""
    path = default_path(target)
    if path is None:
        return []
    ledger = read_ledger(path)
    day = today()
    sources = list(sources)
    names = [relative_name(target, source.path) for source in sources]
    candidates = ledger.candidates(names)
    triples: list[Triple] = []
    for source, name in zip(sources, names, strict=True):
        previous = pick(candidates[name], source.description)
        triples += date_triples(update(previous, source.description, name, day))
    return triples


def removed_registers(target: Path, source: Source) -> dict[str, Json]:
    """Register IRI → {issued, modified, removed, title} of the description's registers that
    the ledger beside DATA remembers as removed, counting those gone since the last build
    (removed today, as the next build will record them).  Read only; empty without a ledger."""
    path = default_path(target)
    if path is None:
        return {}
    ledger = read_ledger(path)
    description = source.description
    previous = ledger.organisations.get(str(description.organisation.base_iri))
    if previous is None:
        return {}
    record = update(previous, description, previous.file, today())
    return {f"{record.base}register/{key}": entry for key, entry in record.removed.items()}


def pick(
    records: Iterable[OrganisationRecord], description: Description
) -> OrganisationRecord | None:
    """The record of the description's organisation (by base IRI) among candidates."""
    base = str(description.organisation.base_iri)
    return next((record for record in records if record.base == base), None)


def records_from_text(text: str) -> list[OrganisationRecord]:
    """Records handed to a worker as JSON text ('' for none)."""
    if not text:
        return []
    records = []
    for data in json.loads(text):
        records.append(OrganisationRecord.from_json(str(data.pop("base")), data))
    return records
