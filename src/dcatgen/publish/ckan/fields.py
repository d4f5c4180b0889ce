"""Map: one register → one CKAN dataset dict, as a table of rows (pure: no network).

Two field sets.  ``avoindata`` is avoindata.fi's ckanext-scheming dataset schema (vrk-kpa/opendata,
``ckanext/ytp/schemas/dataset.json``): multilingual ``title_translated`` / ``notes_translated``
and ``keywords`` (ckanext-fluent), ``collection_type``, ``external_urls``, and a list in
``maintainer_email``.  ``ckan`` is stock CKAN's: ``title``, ``notes``, ``tags``, ``url``, one
``maintainer_email``.  Both carry the register IRI and the catalog IRI as extras: the IRI is the
dataset's identity (ckanext-dcat uses the same ``uri`` extra as a dataset's RDF subject), the
catalog IRI marks the datasets dcatgen created, so nothing else in an organisation is touched.

A value the portal requires but the description lacks is raised as `Unpublishable`, naming the
YAML field to add; `datasets` gathers every such problem of a description into one InputError.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dcatgen.errors import InputError, Problem
from dcatgen.mapping.tables import EffectiveRegister, Iris, subject_labels
from dcatgen.model.description import (
    LANGUAGES,
    CollectionType,
    Contact,
    Description,
    Register,
    Unit,
)
from dcatgen.model.load import FieldPath, Source, dotted
from dcatgen.rdf.terms import iri_value
from dcatgen.site.paths import page_languages, register_page_url

AVOINDATA = "avoindata"
STOCK = "ckan"
SCHEMAS = (AVOINDATA, STOCK)
BOTH = SCHEMAS

IRI_EXTRA = "uri"
"""The register IRI: the dataset's identity (ckanext-dcat's key for a dataset's RDF subject)."""
CATALOG_EXTRA = "dcatgen_catalog"
"""The catalog IRI: marks a dataset as created by dcatgen from that catalog."""
OUR_EXTRAS = (IRI_EXTRA, CATALOG_EXTRA)

COLLECTION_TYPES = {
    CollectionType.OPEN_DATA: "Open Data",
    CollectionType.INTEROPERABILITY_TOOLS: "Interoperability Tools",
}
NAME_LENGTH = 100
"""CKAN's longest dataset name."""
TAG = re.compile(r"^[\w \-.]{2,100}$")
"""What CKAN's tag validators accept (tag_length_validator, tag_name_validator)."""
CC_BY = "http://creativecommons.org/licenses/by/4.0/"


class Unpublishable(Exception):
    """A value the portal needs is missing or unfit; `field` is the YAML field to fix.

    ``owner`` is where the offending value was given (register, unit or organisation);
    None for a value given nowhere, which can be added at any of the three.
    """

    def __init__(self, field: str, message: str, owner: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.owner = owner


@dataclass(frozen=True)
class Target:
    """What the mapping needs to know of the portal, read from it before planning."""

    schema: str
    organization_id: str
    licenses: Mapping[str, str]
    """Licence id (``id:…``) and normalised URL (``url:…``) → the portal's licence id."""
    portal: str = "the portal"


@dataclass(frozen=True)
class Entry:
    """One register in its description: what the rows read."""

    source: Source
    unit_index: int
    register_index: int

    @property
    def description(self) -> Description:
        """The description the register is in."""
        return self.source.description

    @property
    def unit(self) -> Unit:
        """The register's unit."""
        return self.description.units[self.unit_index]

    @property
    def register(self) -> Register:
        """The register itself."""
        return self.unit.registers[self.register_index]

    @property
    def path(self) -> FieldPath:
        """The register's place in the YAML file."""
        return ("units", self.unit_index, "registers", self.register_index)

    @property
    def iris(self) -> Iris:
        """The organisation's IRI factory."""
        return Iris(str(self.description.organisation.base_iri))

    @property
    def iri(self) -> str:
        """The register IRI: the dataset's identity."""
        return iri_value(self.iris.register(self.register.id))

    @property
    def catalog(self) -> str:
        """The catalog IRI."""
        return catalog_iri(self.description)

    @property
    def effective(self) -> EffectiveRegister:
        """The register with what it inherits from its unit and organisation."""
        organisation = self.description.organisation
        return EffectiveRegister(self.register, self.unit, organisation, self.iris, self.language)

    @property
    def language(self) -> str:
        """The description's language."""
        return self.description.language

    def inherited(self, field: str) -> tuple[Any, str] | tuple[None, None]:
        """A value given on the register, its unit or its organisation; and which of them."""
        for owner, record in (
            ("register", self.register),
            ("unit", self.unit),
            ("organisation", self.description.organisation),
        ):
            value = getattr(record, field)
            if value is not None:
                return value, owner
        return None, None

    def text(self, value: Mapping[str, str]) -> str:
        """A text in the description's language, else in the first language it has."""
        return value.get(self.language) or next(iter(value.values()))


def catalog_iri(description: Description) -> str:
    """The description's catalog IRI: what marks the datasets dcatgen created from it."""
    return iri_value(Iris(str(description.organisation.base_iri)).catalog)


def entries(source: Source) -> list[Entry]:
    """Every register of a description, in document order."""
    return [
        Entry(source, unit_index, register_index)
        for unit_index, unit in enumerate(source.description.units)
        for register_index in range(len(unit.registers))
    ]


def dataset_name(organisation_id: str, register_id: str) -> str:
    """The dataset's URL name: organisation and register ids (CKAN names are site-wide)."""
    name = f"{organisation_id}-{register_id}"
    if len(name) <= NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: NAME_LENGTH - 9].rstrip('-')}-{digest}"


def page_urls(entry: Entry) -> list[str]:
    """The register's §28 page, in each language the site has pages in (its own first)."""
    return [
        register_page_url(entry.description, entry.register.id, language)
        for language in page_languages(entry.description)
    ]


def rdf_url(entry: Entry) -> str:
    """Where the register's RDF is: its IRI with the Turtle extension (`dcatgen serve`)."""
    return entry.iri + ".ttl"


# --- values -----------------------------------------------------------------------------

Value = Callable[[Entry, Target], Any]

EVERYWHERE = "to the organisation (for all its registers), the unit or the register"


def _name(entry: Entry, _: Target) -> str:
    return dataset_name(entry.description.organisation.id, entry.register.id)


def _owner_org(_: Entry, target: Target) -> str:
    return target.organization_id


def _main_language(entry: Entry, target: Target) -> str:
    """The language of the plain title and notes: avoindata.fi's default language, Finnish
    (it overwrites `title` with the Finnish title: anything else would differ on every run);
    on stock CKAN the description's own."""
    return "fi" if target.schema == AVOINDATA else entry.language


def _title(entry: Entry, target: Target) -> str:
    title = entry.register.title
    return title.get(_main_language(entry, target)) or entry.text(title)


def _title_translated(entry: Entry, _: Target) -> dict[str, str]:
    title = entry.register.title
    if "fi" not in title:
        raise Unpublishable(
            "title",
            "avoindata.fi needs the title in Finnish: write title: {fi: ..., "
            f"{next(iter(title))}: ...}}",
            "register",
        )
    return dict(title)


def notes_texts(entry: Entry) -> dict[str, str]:
    """The register's description (else purpose) and its plain-language §28 summary
    (`dcatgen.mapping.summary`), per language: the RDF's dct:description, word for word."""
    description = entry.effective.description
    if not description:
        raise Unpublishable(
            "purpose",
            "the portal needs a description: add description: or purpose: to the register, "
            "or purpose: to its unit",
        )
    return dict(description)


def _notes(entry: Entry, target: Target) -> str:
    notes = notes_texts(entry)
    return notes.get(_main_language(entry, target)) or entry.text(notes)


def _notes_translated(entry: Entry, _: Target) -> dict[str, str]:
    notes = notes_texts(entry)
    if "fi" not in notes:
        raise Unpublishable(
            "description",
            "avoindata.fi needs the description in Finnish: give the register's description: "
            "(or purpose:, or its unit's purpose:) in Finnish too, e.g. {fi: ..., sv: ...}",
            "register",
        )
    return notes


def keyword_lists(entry: Entry) -> dict[str, list[str]]:
    """Keywords per language: the register's own, then its subjects' YSO labels.

    The same words the RDF carries as dcat:keyword; each is checked against CKAN's tag rules.
    """
    register = entry.register
    words: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    words.setdefault(entry.language, [])
    for keyword in register.keywords:
        words[entry.language].append(keyword)
    for subject in (*register.subjects, *register.suggested_subjects):
        for language, label in subject_labels(subject).items():
            if language in words:
                words[language].append(label)
    for keyword in (word for values in words.values() for word in values):
        if not TAG.match(keyword):
            raise Unpublishable(
                "keywords",
                f"{keyword!r} cannot be a CKAN keyword: 2 to 100 letters, digits, spaces, "
                "hyphens, underscores or full stops",
                "register",
            )
    return {language: list(dict.fromkeys(values)) for language, values in words.items() if values}


def _keywords(entry: Entry, _: Target) -> dict[str, list[str]]:
    keywords = keyword_lists(entry)
    if not keywords.get("fi"):
        raise Unpublishable(
            "subjects",
            "avoindata.fi needs at least one Finnish keyword: add subjects: [pNNN] "
            "(YSO concepts, which bring their Finnish, Swedish and English labels) "
            "or keywords: to the register",
            "register",
        )
    return keywords


def _tags(entry: Entry, _: Target) -> list[dict[str, str]]:
    return [{"name": word} for word in keyword_lists(entry).get(entry.language, [])]


def licence_key(reference: str) -> str:
    """How a licence is looked up: by id, or by its URL without scheme and final slash."""
    if "://" not in reference:
        return f"id:{reference}"
    return "url:" + reference.split("://", 1)[1].rstrip("/").lower()


def licence_table(licences: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The lookup table of a portal's `license_list`."""
    table: dict[str, str] = {}
    for licence in licences:
        table[licence_key(str(licence["id"]))] = str(licence["id"])
        if licence.get("url"):
            table.setdefault(licence_key(str(licence["url"])), str(licence["id"]))
    return table


def _license_id(entry: Entry, target: Target) -> str:
    reference, owner = entry.inherited("license")
    if reference is None:
        raise Unpublishable(
            "license",
            f"the portal needs a licence: add license: (a licence URI such as {CC_BY}, "
            f"or the portal's licence id) {EVERYWHERE}",
        )
    found = target.licenses.get(licence_key(reference))
    if found is None:
        known = sorted(key.removeprefix("id:") for key in target.licenses if key.startswith("id:"))
        raise Unpublishable(
            "license",
            f"{reference!r} is not in the licence list of {target.portal}: use one of its "
            f"licence ids ({', '.join(known)}) or the URL of one of them",
            owner,
        )
    return found


def _collection_type(entry: Entry, _: Target) -> str:
    value, _owner = entry.inherited("collection_type")
    if value is None:
        raise Unpublishable(
            "collection_type",
            "avoindata.fi needs a collection type: add collection_type: open-data "
            f"(or interoperability-tools) {EVERYWHERE}",
        )
    return COLLECTION_TYPES[value]


def _contacts(entry: Entry) -> list[Contact]:
    """The contact point, then the disclosure authority's contact details, as inherited."""
    contact, _ = entry.inherited("contact_point")
    authority, _ = entry.inherited("disclosure_authority")
    found = [contact] if contact is not None else []
    if authority is not None and authority.contact is not None:
        found.append(authority.contact)
    return found


def _maintainer(entry: Entry, _: Target) -> str:
    for contact in _contacts(entry):
        if contact.name:
            return entry.text(contact.name)
    authority, _owner = entry.inherited("disclosure_authority")
    if authority is not None:
        return entry.text(authority.name)
    return entry.text(entry.description.organisation.name)


def maintainer_email(entry: Entry) -> str:
    """The first e-mail address of the contact point or the disclosure authority."""
    for contact in _contacts(entry):
        if contact.email:
            return contact.email
    raise Unpublishable(
        "contact_point",
        "the portal needs the maintainer's e-mail address: add contact_point: {email: ...} "
        f"(or disclosure_authority: {{name: ..., contact: {{email: ...}}}}) {EVERYWHERE}",
    )


def _maintainer_email(entry: Entry, target: Target) -> str | list[str]:
    email = maintainer_email(entry)
    # avoindata.fi keeps a list (its repeating_text field); stock CKAN one address.
    return [email] if target.schema == AVOINDATA else email


def _external_urls(entry: Entry, _: Target) -> list[str]:
    return [*page_urls(entry), rdf_url(entry)]


def _url(entry: Entry, _: Target) -> str:
    return page_urls(entry)[0]


def _extras(entry: Entry, _: Target) -> list[dict[str, str]]:
    return [
        {"key": IRI_EXTRA, "value": entry.iri},
        {"key": CATALOG_EXTRA, "value": entry.catalog},
    ]


@dataclass(frozen=True)
class Row:
    """One CKAN field: the field sets it is in, how its value is made, and from what."""

    field: str
    schemas: tuple[str, ...]
    value: Value
    source: str
    """Where the value comes from, in words (the table in docs/ckan.md is made from these)."""


ROWS: tuple[Row, ...] = (
    Row("name", BOTH, _name, "`{organisation.id}-{register.id}` (hashed when over 100 chars)"),
    Row("owner_org", BOTH, _owner_org, "`--organization`"),
    Row("title", BOTH, _title, "`title` in Finnish (avoindata) or the description's language"),
    Row("title_translated", (AVOINDATA,), _title_translated, "`title` (fi required; sv, en)"),
    Row(
        "notes",
        BOTH,
        _notes,
        "`description`, else `purpose` (register, else unit), then the §28 summary (systems, "
        "data groups, search criteria, API), as `title` in Finnish or the description's "
        "language",
    ),
    Row(
        "notes_translated",
        (AVOINDATA,),
        _notes_translated,
        "as `notes`, per language (fi required)",
    ),
    Row(
        "keywords",
        (AVOINDATA,),
        _keywords,
        "`keywords` (description's language) and the fi/sv/en labels of `subjects` and "
        "`suggested_subjects` (YSO); one Finnish keyword required",
    ),
    Row("tags", (STOCK,), _tags, "as `keywords`, the description's language only"),
    Row(
        "license_id",
        BOTH,
        _license_id,
        "`license` (register, unit or organisation): a URI matched against the portal's "
        "`license_list` URLs, or a licence id of that list",
    ),
    Row(
        "collection_type",
        (AVOINDATA,),
        _collection_type,
        "`collection_type` (register, unit or organisation): `open-data` → Open Data, "
        "`interoperability-tools` → Interoperability Tools",
    ),
    Row(
        "maintainer",
        BOTH,
        _maintainer,
        "`contact_point.name`, else `disclosure_authority.name`, else `organisation.name`",
    ),
    Row(
        "maintainer_email",
        BOTH,
        _maintainer_email,
        "`contact_point.email`, else `disclosure_authority.contact.email` (avoindata: a list)",
    ),
    Row(
        "external_urls",
        (AVOINDATA,),
        _external_urls,
        "the register's §28 page (`{base_iri}register/{id}.html`, and `.sv.html`/`.en.html` "
        "where the site has those languages) and its RDF (`{IRI}.ttl`)",
    ),
    Row("url", (STOCK,), _url, "the register's §28 page in the description's language"),
    Row(
        "extras",
        BOTH,
        _extras,
        f"`{IRI_EXTRA}`: the register IRI (the dataset's identity); `{CATALOG_EXTRA}`: the "
        "catalog IRI (marks datasets dcatgen created)",
    ),
)


def rows(schema: str) -> tuple[Row, ...]:
    """The rows of one field set."""
    return tuple(row for row in ROWS if schema in row.schemas)


def dataset(entry: Entry, target: Target) -> dict[str, Any]:
    """The dataset dict of one register; raises the first Unpublishable value."""
    return {row.field: row.value(entry, target) for row in rows(target.schema)}


def datasets(source: Source, target: Target) -> list[tuple[Entry, dict[str, Any]]]:
    """Every register's dataset dict; InputError naming every YAML field to fix.

    A value missing from every register is reported once, at the organisation.
    """
    done: list[tuple[Entry, dict[str, Any]]] = []
    failed: list[tuple[Entry, Unpublishable]] = []
    all_entries = entries(source)
    for entry in all_entries:
        values: dict[str, Any] = {}
        for row in rows(target.schema):
            try:
                values[row.field] = row.value(entry, target)
            except Unpublishable as problem:
                failed.append((entry, problem))
        done.append((entry, values))
    if not failed:
        return done
    raise InputError(_problems(source, all_entries, failed))


def _problems(
    source: Source, all_entries: list[Entry], failed: list[tuple[Entry, Unpublishable]]
) -> list[Problem]:
    problems: dict[tuple[str, str], Problem] = {}
    registers_with: dict[tuple[str, str], int] = {}
    for _, problem in failed:
        key = (problem.field, problem.message)
        registers_with[key] = registers_with.get(key, 0) + 1
    for entry, problem in failed:
        key = (problem.field, problem.message)
        path: FieldPath
        if problem.owner == "organisation" or (
            problem.owner is None and registers_with[key] == len(all_entries)
        ):
            path = ("organisation",)
        elif problem.owner == "unit":
            path = ("units", entry.unit_index)
        else:
            path = entry.path
        field_path = (*path, problem.field)
        where = (dotted(field_path), problem.message)
        # The field's own line when it is given, else the record that should get it.
        position = source.position(field_path)
        problems.setdefault(where, Problem(position, dotted(field_path), problem.message))
    return list(problems.values())


# --- comparing with what the portal holds ---------------------------------------------


def our_extras(dataset_dict: Mapping[str, Any]) -> dict[str, str]:
    """The extras dcatgen manages, as a dict."""
    return {
        str(extra["key"]): str(extra["value"])
        for extra in dataset_dict.get("extras") or ()
        if extra.get("key") in OUR_EXTRAS
    }


def _same(field: str, wanted: Any, held: Mapping[str, Any]) -> bool:
    if field == "extras":
        return our_extras({"extras": wanted}) == our_extras(held)
    if field == "tags":
        return sorted(t["name"] for t in wanted) == sorted(t["name"] for t in held.get("tags", ()))
    return bool(held.get(field) == wanted)


def differences(wanted: Mapping[str, Any], held: Mapping[str, Any]) -> list[str]:
    """The fields whose value on the portal is not the one wanted."""
    return [field for field, value in wanted.items() if not _same(field, value, held)]


def patch_of(wanted: Mapping[str, Any], held: Mapping[str, Any]) -> dict[str, Any]:
    """What to send with package_patch: the wanted fields, keeping extras dcatgen does not own."""
    patch = dict(wanted)
    kept = [extra for extra in held.get("extras") or () if extra.get("key") not in OUR_EXTRAS]
    patch["extras"] = [*kept, *wanted["extras"]]
    return patch


def mapping_table() -> str:
    """The field table of docs/ckan.md, made from ROWS."""
    lines = [
        "| CKAN field | avoindata | ckan | from the description |",
        "| --- | --- | --- | --- |",
    ]
    for row in ROWS:
        marks = ["✓" if schema in row.schemas else "" for schema in SCHEMAS]
        lines.append(f"| `{row.field}` | {marks[0]} | {marks[1]} | {row.source} |")
    return "\n".join(lines) + "\n"
