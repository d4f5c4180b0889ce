"""Emit: a draft → the YAML description format, with a `# line N` comment on every value.

The output is deterministic (the same page gives the same bytes) and loads with
`dcatgen.model.load` with no edits.  Values that cannot be valid (a relative link) go to
`unplaced:` instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

import yaml
from pydantic import HttpUrl, TypeAdapter, ValidationError

from dcatgen import __version__
from dcatgen.importer.draft import (
    ApiDraft,
    At,
    ContactDraft,
    CriteriaDraft,
    Draft,
    LinkDraft,
    RegisterDraft,
    SecrecyDraft,
    Source,
    SystemDraft,
    UnitDraft,
)
from dcatgen.importer.phrases import register_id, unique, unit_id
from dcatgen.importer.suggest import Suggestion, suggest
from dcatgen.mapping.tables import slug
from dcatgen.model.description import known_systems

MAX_LISTED_FURNITURE = 40
IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
"""Left as they are in a link: URL syntax (what is already percent-encoded stays so)."""
_URL = TypeAdapter(HttpUrl)
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# Characters YAML allows in a stream (YAML 1.1 §5.1); anything else must be escaped.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\t\n]*")


def is_http_url(address: str) -> bool:
    """Whether an address is an absolute http(s) URL the model accepts and RDF can carry.

    The model normalises a URL (a percent-encoded host is decoded), so the normalised
    form is what must be a valid IRI.
    """
    try:
        normalised = str(_URL.validate_python(address))
    except ValidationError:
        return False
    return not _UNSAFE_IRI.search(normalised)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def scalar(value: str) -> str:
    """A YAML scalar for a string: plain when that reads back as the same string."""
    if (
        _PLAIN.fullmatch(value)
        and not _NOT_PRINTABLE.search(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
    ):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return _NOT_PRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))


# --- a tiny YAML tree with comments -----------------------------------------------------------


@dataclass
class Scalar:
    """A string (or a literal such as true) with an optional comment."""

    value: str
    note: str = ""
    raw: bool = False


@dataclass
class Mapping:
    """An ordered mapping."""

    items: list[tuple[str, Node]] = field(default_factory=list)
    note: str = ""

    def add(self, key: str, node: Node | None) -> None:
        """Add a key unless the node is missing or an empty list."""
        if node is None or (isinstance(node, Sequence) and not node.items):
            return
        self.items.append((key, node))


@dataclass
class Sequence:
    """A list."""

    items: list[Node] = field(default_factory=list)
    note: str = ""


Node = Scalar | Mapping | Sequence


def _comment(note: str) -> str:
    return f"  # {note}" if note else ""


def _text(node: Scalar) -> str:
    return node.value if node.raw else scalar(node.value)


def render_mapping(mapping: Mapping, indent: int) -> list[str]:
    """Block-style lines of a mapping."""
    pad, lines = " " * indent, []
    for key, node in mapping.items:
        if isinstance(node, Scalar):
            lines.append(f"{pad}{key}: {_text(node)}{_comment(node.note)}")
        elif isinstance(node, Mapping):
            lines.append(f"{pad}{key}:{_comment(node.note)}")
            lines.extend(render_mapping(node, indent + 2))
        else:
            lines.append(f"{pad}{key}:{_comment(node.note)}")
            lines.extend(render_sequence(node, indent + 2))
    return lines


def render_sequence(sequence: Sequence, indent: int) -> list[str]:
    """Block-style lines of a list."""
    pad, lines = " " * indent, []
    for node in sequence.items:
        if isinstance(node, Scalar):
            lines.append(f"{pad}- {_text(node)}{_comment(node.note)}")
        elif isinstance(node, Mapping):
            inner = render_mapping(node, indent + 2)
            if inner:
                inner[0] = f"{pad}- {inner[0][indent + 2 :]}"
            lines.extend(inner)
        else:
            lines.append(f"{pad}-{_comment(node.note)}")
            lines.extend(render_sequence(node, indent + 2))
    return lines


def at(value: At[str] | None) -> Scalar | None:
    """A sourced string as a commented scalar."""
    return None if value is None or not value.value.strip() else Scalar(value.value, value.note())


# --- the description ------------------------------------------------------------------------


@dataclass
class Emitted:
    """The YAML text, what did not fit into the format, and how sure each register is."""

    text: str
    unplaced: list[str]
    confidence: dict[str, dict[str, str]] = field(default_factory=dict)
    """Register id → field → heading / label / known-system / guess."""


class Emitter:
    """Writes one draft; collects values that cannot be written as unplaced."""

    def __init__(
        self, draft: Draft, source: str, base_url: str | None, organisation_given: bool = True
    ) -> None:
        self.organisation_given = organisation_given
        self.draft = draft
        self.source = source
        self.base_url = base_url
        self.unplaced: list[At[str]] = list(draft.unplaced)
        self.confidence: dict[str, dict[str, str]] = {}

    def url(self, href: At[str]) -> str | None:
        """An absolute http(s) URL, or None (and the link kept as unplaced)."""
        address = urljoin(self.base_url, href.value) if self.base_url else href.value
        # Characters an IRI cannot carry ("|", "{", a space) are percent-encoded, as a
        # browser does when it follows the link.
        address = quote(address, safe=IRI_SAFE)
        if is_http_url(address):
            return address
        self.unplaced.append(At(f"link to {href.value!r} (not an http(s) address)", href.lines))
        return None

    def emit(self) -> Emitted:
        """The whole file."""
        root = Mapping()
        root.add("language", Scalar(self.draft.language))
        root.add("organisation", self.organisation())
        root.add("units", Sequence([self.unit(unit) for unit in self._with_ids()]))
        unplaced = [
            f"line {u.lines[0]}: {u.value}" if u.lines else u.value
            for u in sorted(self.unplaced, key=_line)
        ]
        root.add("unplaced", Sequence([Scalar(text) for text in unplaced]))
        lines = [*self.header(), *render_mapping(root, 0)]
        return Emitted("\n".join(lines) + "\n", unplaced, self.confidence)

    def header(self) -> list[str]:
        """Comments on where the file came from and what to review."""
        lines = [
            f"# Imported by dcatgen {__version__} from {self.source}.",
            "# `# line N` names the source line each value was read from; review before",
            "# publishing. suggested_themes / suggested_subjects come from dcatgen's table",
            "# (resources/suggestions.yaml), not from the page: move the ones you accept",
            "# to themes / subjects. Lines that could not be placed are under unplaced:.",
        ]
        for label, values in (
            ("Page introduction", self.draft.introduction),
            ("Page furniture skipped", self.draft.furniture),
        ):
            if not values:
                continue
            lines.append(f"# {label}:")
            for value in values[:MAX_LISTED_FURNITURE]:
                lines.append(f"#   line {value.lines[0]}: {_one_line(value.value)}")
            if len(values) > MAX_LISTED_FURNITURE:
                lines.append(f"#   … and {len(values) - MAX_LISTED_FURNITURE} more")
        return lines

    def _with_ids(self) -> list[UnitDraft]:
        unit_ids: set[str] = set()
        register_ids: set[str] = set()
        for unit in self.draft.units:
            unit.id = unique(unit_id(unit.name.value), unit_ids)
            for register in unit.registers:
                register.id = unique(
                    register_id(register.title.value, self.draft.language), register_ids
                )
        return self.draft.units

    def organisation(self) -> Mapping:
        """The organisation: only what --organisation, its name or the page states."""
        draft = self.draft
        mapping = Mapping()
        mapping.add("id", Scalar(slug(draft.organisation.value)))
        name = draft.organisation
        given = "--organisation" if self.organisation_given else "placeholder: not on the page"
        mapping.add("name", Scalar(name.value, name.note() or given))
        if draft.organisation_kind is not None:
            kind = draft.organisation_kind
            mapping.add("kind", Scalar(kind.value.value, kind.note() or "from the name"))
        else:
            mapping.add("kind", Scalar("other", "not stated: check (municipality, …)"))
        mapping.add("base_iri", Scalar(draft.base_iri))
        level = draft.organisation_level
        mapping.add("api", self.api(level.api))
        mapping.add("disclosure_authority", self.authority(level.authority, level.contact))
        mapping.add("contact_point", self.contact(level.contact))
        return mapping

    def unit(self, unit: UnitDraft) -> Mapping:
        """One unit with its registers."""
        mapping = Mapping()
        mapping.add("id", Scalar(unit.id, unit.name.note()))
        mapping.add("name", at(unit.name))
        mapping.add("heading", at(unit.heading))
        mapping.add("purpose", at(unit.own.purpose))
        mapping.add("api", self.api(unit.own.api))
        mapping.add("disclosure_authority", self.authority(unit.own.authority, unit.own.contact))
        mapping.add("contact_point", self.contact(unit.own.contact))
        references = Sequence()
        for reference in unit.cross_references:
            item = Mapping()
            item.add("topic", at(reference.topic))
            item.add("statement", at(reference.statement))
            note = reference.statement.note()
            if reference.target_unit:
                item.add("target_unit", Scalar(reference.target_unit, note))
            if reference.target_register:
                item.add("target_register", Scalar(reference.target_register, note))
            if reference.target:
                url = self.url(At(reference.target, reference.statement.lines))
                item.add("target", Scalar(url, note) if url else None)
            references.items.append(item)
        mapping.add("cross_references", references)
        mapping.add("registers", Sequence([self.register(r) for r in unit.registers]))
        return mapping

    def register(self, register: RegisterDraft) -> Mapping:
        """One register."""
        mapping = Mapping()
        note = register.title.note()
        mapping.add("id", Scalar(register.id, note))
        mapping.add("kind", Scalar(register.kind.value, note))
        sure = confidence(register)
        self.confidence[register.id] = sure
        mapping.add("title", _sourced(at(register.title), sure.get("title")))
        mapping.add("purpose", _sourced(at(register.purpose), sure.get("purpose")))
        if register.placeholder and register.description is not None:
            mapping.add(
                "description",
                Scalar(register.description.value, "placeholder: the page gives no purpose"),
            )
        else:
            mapping.add("description", at(register.description))
        if register.parent is not None:
            mapping.add("part_of", Scalar(register.parent.id, register.parent.title.note()))
        groups = Sequence([Scalar(g.value, g.note()) for g in register.data_groups])
        groups.note = _how(sure.get("data_groups"))
        mapping.add("data_groups", groups)
        systems = Sequence([self.system(s) for s in register.systems])
        systems.note = _how(sure.get("systems"))
        mapping.add("systems", systems)
        criteria = self.criteria(register.criteria)
        if criteria is not None:
            criteria.note = _how(sure.get("search_criteria"))
        mapping.add("search_criteria", criteria)
        mapping.add("api", self.api(register.api))
        mapping.add("disclosure_authority", self.authority(register.authority, register.contact))
        mapping.add("contact_point", self.contact(register.contact))
        mapping.add("secrecy", self.secrecy(register.secrecy))
        mapping.add("retention", at(register.retention))
        mapping.add("task_class", at(register.task_class))
        texts = [t for t in (register.title, register.purpose, register.description) if t]
        themes, subjects = suggest(texts)
        mapping.add("suggested_themes", _suggestions(themes))
        mapping.add("suggested_subjects", _suggestions(subjects))
        mapping.add("keywords", Sequence([Scalar(k.value, k.note()) for k in register.keywords]))
        mapping.add("links", Sequence([m for link in register.links if (m := self.link(link))]))
        distributions = Sequence()
        for access in register.distributions:
            url = self.url(access)
            if url:
                distributions.items.append(Mapping([("access_url", Scalar(url, access.note()))]))
        mapping.add("distributions", distributions)
        return mapping

    def system(self, system: SystemDraft) -> Mapping:
        """One information system."""
        mapping = Mapping()
        note = system.name.note()
        mapping.add("name", at(system.name))
        mapping.add("parts", Sequence([Scalar(p.value, p.note()) for p in system.parts]))
        if system.description:
            mapping.add("description", Scalar(system.description, note))
        if system.national:
            mapping.add("national", Scalar("true", note, raw=True))
        if system.wording:
            mapping.add("wording", Scalar(system.wording, note))
        if system.known:
            name = known_systems().systems[system.known].name
            mapping.add("exact_match", Scalar(system.known, f"known system: {name}"))
        return mapping

    @staticmethod
    def criteria(criteria: CriteriaDraft | None) -> Mapping | None:
        """Search criteria: concepts and the original sentence."""
        if criteria is None:
            return None
        note = criteria.statement.note()
        mapping = Mapping()
        mapping.add("concepts", Sequence([Scalar(c.value, note) for c in criteria.concepts]))
        mapping.add("statement", at(criteria.statement))
        return mapping

    @staticmethod
    def api(api: ApiDraft | None) -> Mapping | None:
        """An availability statement."""
        if api is None:
            return None
        mapping = Mapping()
        mapping.add("availability", Scalar(api.availability.value, api.statement.note()))
        mapping.add("statement", at(api.statement))
        return mapping

    def authority(self, name: At[str] | None, contact: ContactDraft | None) -> Mapping | None:
        """The disclosure authority: by name, with the contact for information requests.

        Contact details alone (the registry office's e-mail) name where requests go; the
        authority deciding is then the organisation itself, and the comment says so.
        """
        usable = contact if contact is not None and contact.has_channel() else None
        node = at(name)
        if node is None and usable is None:
            return None
        if node is None:
            organisation = self.draft.organisation.value
            node = Scalar(organisation, "the organisation: the page gives only contact details")
        mapping = Mapping([("name", node)])
        mapping.add("contact", self.contact(usable))
        return mapping

    @staticmethod
    def contact(contact: ContactDraft | None) -> Mapping | None:
        """Contact details (vCard): only what the page states."""
        if contact is None or not contact.has_channel():
            return None
        note = At("", contact.lines).note()
        mapping = Mapping()
        for key, value in (
            ("name", contact.name),
            ("email", contact.email),
            ("telephone", contact.telephone),
            ("address", contact.address),
        ):
            if value:
                mapping.add(key, Scalar(value, note))
        return mapping

    @staticmethod
    def secrecy(secrecy: SecrecyDraft | None) -> Mapping | None:
        """A secrecy statement and its grounds."""
        if secrecy is None:
            return None
        note = secrecy.statement.note()
        mapping = Mapping()
        mapping.add("statement", at(secrecy.statement))
        mapping.add("grounds", Sequence([Scalar(g, note) for g in secrecy.grounds]))
        return mapping

    def link(self, link: LinkDraft) -> Mapping | None:
        """A link, when its address is absolute."""
        url = self.url(link.url)
        if url is None:
            return None
        mapping = Mapping()
        mapping.add("url", Scalar(url, link.url.note()))
        if link.title:
            mapping.add("title", Scalar(link.title, link.url.note()))
        mapping.add("kind", Scalar(link.kind.value, link.url.note()))
        return mapping


CONFIDENCE_FIELDS = ("title", "purpose", "data_groups", "systems", "search_criteria", "api")
"""The fields whose source the summary and the comments report."""


def confidence(register: RegisterDraft) -> dict[str, str]:
    """How each filled field was found: heading, label, known-system or guess.

    Systems count as known-system when every one is in dcatgen's scheme; otherwise they
    keep the source of their list, with how many are known.
    """
    present = {
        "title": True,
        "purpose": register.purpose is not None,
        "data_groups": bool(register.data_groups),
        "systems": bool(register.systems),
        "search_criteria": register.criteria is not None,
        "api": register.api is not None,
    }
    sure: dict[str, str] = {}
    for name in CONFIDENCE_FIELDS:
        if not present[name]:
            continue
        source = register.sources.get(name, Source.GUESS)
        sure[name] = source.value
    if register.systems:
        known = sum(system.known is not None for system in register.systems)
        if known == len(register.systems):
            sure["systems"] = Source.KNOWN_SYSTEM.value
        elif known:
            sure["systems"] += f", {known} of {len(register.systems)} known"
    return sure


def _how(source: str | None) -> str:
    return f"from: {source}" if source else ""


def _sourced(node: Scalar | None, source: str | None) -> Scalar | None:
    if node is not None and source:
        node.note = f"{node.note}; from: {source}" if node.note else f"from: {source}"
    return node


def _line(value: At[str]) -> int:
    return value.lines[0] if value.lines else 0


def _one_line(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "…"


def _suggestions(suggestions: list[Suggestion]) -> Sequence:
    return Sequence(
        [
            Scalar(s.code, f"suggested: '{s.stem}' in line {', '.join(map(str, s.lines))}")
            for s in suggestions
        ]
    )


def emit(
    draft: Draft, source: str, base_url: str | None = None, organisation_given: bool = True
) -> Emitted:
    """The YAML description of a draft."""
    return Emitter(draft, source, base_url, organisation_given).emit()
