"""Publish a description into one organisation of a CKAN portal through ckanapi.

`plan` only reads: the token's rights, the portal's licence list, and every dataset of the
organisation (``member_list``, then ``package_show`` each).  These are database reads on any
CKAN; search (``package_search``, Solr) is never used, so what is compared is what the portal
holds right now, not an index that may lag behind.  `apply` then makes the planned changes one
request at a time, in order, reporting each as it is made: a run cut short leaves the portal
with some changes made, and the next run plans only what is still missing.

Datasets are dcatgen's when their ``dcatgen_catalog`` extra names the description's catalog;
nothing else in the organisation is read for changes, patched or deleted.  A register removed
from the description has its dataset deleted (CKAN's soft delete: gone from the organisation,
search and the API for everyone but its organisation's members); if the register comes back,
its dataset is created again under the same name, replacing the deleted one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import requests
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, ValidationError
from ckanapi.errors import CKANAPIError, ServerIncompatibleError

from dcatgen import __version__
from dcatgen.model.load import Source
from dcatgen.publish.ckan.fields import (
    CATALOG_EXTRA,
    IRI_EXTRA,
    Entry,
    Target,
    catalog_iri,
    datasets,
    differences,
    licence_table,
    our_extras,
    patch_of,
)


class CkanError(Exception):
    """Publishing to CKAN failed; the message says why and what to do."""


class Unreachable(CkanError):
    """The portal did not answer (down, wrong address, too slow)."""


class Action(StrEnum):
    """What a run does to one dataset."""

    CREATE = "create"
    PATCH = "patch"
    DELETE = "delete"
    UNCHANGED = "unchanged"


PAST = {
    Action.CREATE: "created",
    Action.PATCH: "patched",
    Action.DELETE: "deleted",
    Action.UNCHANGED: "unchanged",
}


@dataclass(frozen=True)
class Change:
    """One dataset's planned change, and what to send for it."""

    action: Action
    name: str
    iri: str
    fields: tuple[str, ...] = ()
    """For a patch: the fields whose value changes."""
    payload: Mapping[str, Any] = field(default_factory=dict)
    again: bool = False
    """A create for a register that is back: it replaces the register's deleted dataset."""
    note: str = ""
    """For a delete: what the change ledger remembers of the register (when it went)."""

    def line(self, done: bool) -> str:
        """How the change is reported: past tense once made, the plan's words before."""
        verb = PAST[self.action] if done else str(self.action)
        detail = ""
        if self.action is Action.PATCH:
            detail = f" ({', '.join(self.fields)})"
        elif self.again:
            detail = " (again: its deleted dataset is replaced)"
        elif self.note:
            detail = f" ({self.note})"
        return f"{verb} {self.name}{detail}"


@dataclass
class Plan:
    """Every change one run makes, in the order it makes them."""

    portal: str
    organization: str
    changes: list[Change]

    def count(self, action: Action) -> int:
        """How many changes of one kind."""
        return sum(1 for change in self.changes if change.action is action)

    def summary(self, done: bool) -> str:
        """One line: the counts, as made or as planned."""
        counts = ", ".join(
            f"{self.count(action)} {PAST[action] if done else 'to ' + action.value}"
            if action is not Action.UNCHANGED
            else f"{self.count(action)} unchanged"
            for action in Action
        )
        where = f"{self.portal}, organization {self.organization}"
        return f"{where}: {counts}" if done else f"dry run, nothing written to {where}: {counts}"


class Client:
    """ckanapi's RemoteCKAN with a timeout, and its failures turned into CkanError."""

    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.api = RemoteCKAN(self.url, apikey=token, user_agent=f"dcatgen/{__version__}")

    def call(self, action: str, **data: Any) -> Any:
        """Call one action; NotFound, NotAuthorized and ValidationError go to the caller."""
        try:
            return self.api.call_action(action, data, requests_kwargs={"timeout": self.timeout})
        except requests.Timeout:
            raise Unreachable(
                f"{self.url} did not answer {action} within {self.timeout:g} s (--timeout)"
            ) from None
        except requests.RequestException as problem:
            raise Unreachable(f"cannot reach {self.url}: {_reason(problem)}") from None
        except ServerIncompatibleError:
            raise CkanError(
                f"{self.url} does not answer like a CKAN portal ({self.url}/api/action/{action} "
                "gave no CKAN answer): give the portal's base URL, e.g. https://www.avoindata.fi/data"
            ) from None
        except (NotFound, NotAuthorized, ValidationError):
            raise
        except CKANAPIError as problem:
            raise CkanError(f"{self.url}: {action} failed: {problem}") from None


def _reason(problem: requests.RequestException) -> str:
    """The operating system's words for a connection failure, without urllib3's wrapping."""
    text = str(problem)
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    return found.group(1).strip() if found else text


def check_access(client: Client, organization: str) -> dict[str, Any]:
    """The organisation, if the token may create datasets in it; CkanError saying why not."""
    allowed = client.call("organization_list_for_user", permission="create_dataset")
    for candidate in allowed:
        if organization in (candidate.get("name"), candidate.get("id")):
            return dict(candidate)
    try:
        client.call("member_list", id=organization, object_type="package")
    except NotFound:
        raise CkanError(f"{client.url} has no organization {organization!r}") from None
    except NotAuthorized:
        pass
    others = ", ".join(sorted(str(c.get("name")) for c in allowed)) or "none"
    raise CkanError(
        f"{client.url} does not let this API token create datasets in organization "
        f"{organization!r}: the token is wrong or expired, or its user is not an editor or "
        f"admin there (organizations it may publish in: {others})"
    )


@dataclass
class Held:
    """What the organisation holds: dcatgen's datasets by register IRI, and the others."""

    ours: dict[str, dict[str, Any]] = field(default_factory=dict)
    surplus: list[dict[str, Any]] = field(default_factory=list)
    foreign: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Datasets dcatgen did not create that carry a register IRI (e.g. harvested)."""


def held_datasets(client: Client, organization_id: str, catalog: str) -> Held:
    """Every dataset of the organisation, read from the database (no search index)."""
    held = Held()
    members = client.call("member_list", id=organization_id, object_type="package")
    for package_id, _, _ in members:
        try:
            dataset = client.call("package_show", id=package_id)
        except (NotFound, NotAuthorized):
            continue
        extras = our_extras(dataset)
        iri = extras.get(IRI_EXTRA)
        if iri is None:
            continue
        if extras.get(CATALOG_EXTRA) != catalog:
            held.foreign[iri] = dataset
        elif iri in held.ours:
            held.surplus.append(dataset)
        else:
            held.ours[iri] = dataset
    return held


def _compare(entry: Entry, wanted: dict[str, Any], current: Mapping[str, Any]) -> Change:
    """A patch of the fields that differ, or unchanged."""
    changed = differences(wanted, current)
    if not changed:
        return Change(Action.UNCHANGED, wanted["name"], entry.iri)
    payload = {**patch_of(wanted, current), "id": current["id"]}
    return Change(Action.PATCH, wanted["name"], entry.iri, tuple(changed), payload)


def _new(
    client: Client, entry: Entry, wanted: dict[str, Any], conflicts: list[str]
) -> Change | None:
    """A register with no dataset in the organisation's member list: look its name up.

    Not there: create it.  Ours but deleted (the register was removed, now it is back):
    create it again, which replaces the deleted one (restoring it instead would leave it out
    of the organisation's member list: CKAN 2.11 keeps that membership deleted).  Ours and
    active (e.g. restored by hand on the portal): compare as usual.  Anything else: a conflict.
    """
    name = wanted["name"]
    try:
        existing = client.call("package_show", id=name)
    except NotFound:
        return Change(Action.CREATE, name, entry.iri, payload=wanted)
    except NotAuthorized:
        conflicts.append(
            f"{name}: the name is taken by a dataset this token may not read; rename the "
            "register (its id) or ask the portal to free the name"
        )
        return None
    extras = our_extras(existing)
    ours = extras.get(CATALOG_EXTRA) == entry.catalog and extras.get(IRI_EXTRA) == entry.iri
    if ours and existing.get("state") == "deleted":
        return Change(Action.CREATE, name, entry.iri, payload=wanted, again=True)
    if ours and existing.get("owner_org") == wanted["owner_org"]:
        return _compare(entry, wanted, existing)
    owner = (existing.get("organization") or {}).get("name", "no organization")
    conflicts.append(
        f"{name}: the name is taken by a dataset dcatgen did not create from this description "
        f"(in {owner}); dcatgen never changes it: rename the register (its id) or remove "
        "that dataset on the portal"
    )
    return None


def plan(
    source: Source,
    client: Client,
    organization: str,
    schema: str,
    removed: Mapping[str, Mapping[str, str]] | None = None,
) -> Plan:
    """Read the portal and decide every change; nothing is written.

    ``removed`` is what the change ledger remembers of removed registers, by register IRI
    (dcatgen.history.ledger.removed_registers): a deleted dataset's line says when its
    register went.

    Raises InputError when the description lacks a value the portal requires, CkanError when
    the portal refuses access or holds conflicting datasets.
    """
    org = check_access(client, organization)
    licences = licence_table(client.call("license_list"))
    target = Target(schema, str(org["id"]), licences, portal=client.url)
    wanted_datasets = datasets(source, target)
    catalog = catalog_iri(source.description)
    held = held_datasets(client, str(org["id"]), catalog)
    changes: list[Change] = []
    conflicts: list[str] = []
    for entry, wanted in wanted_datasets:
        if entry.iri in held.foreign:
            other = held.foreign[entry.iri]
            conflicts.append(
                f"{other['name']} already describes {entry.iri} but dcatgen did not create "
                "it (harvested from the RDF?); dcatgen never changes it: delete it on the "
                "portal (and stop harvesting this catalog there), then publish again"
            )
            continue
        current = held.ours.pop(entry.iri, None)
        if current is None:
            change = _new(client, entry, wanted, conflicts)
            if change is not None:
                changes.append(change)
            continue
        changes.append(_compare(entry, wanted, current))
    gone = [*held.ours.values(), *held.surplus]
    for dataset in sorted(gone, key=lambda d: str(d["name"])):
        iri = our_extras(dataset)[IRI_EXTRA]
        known = (removed or {}).get(iri)
        note = f"register removed from the description on {known['removed']}" if known else ""
        if known and known.get("title"):
            note += f": {known['title']}"
        payload = {"id": dataset["id"]}
        changes.append(Change(Action.DELETE, dataset["name"], iri, payload=payload, note=note))
    if conflicts:
        raise CkanError(
            f"{len(conflicts)} dataset{'s' if len(conflicts) != 1 else ''} in the way; "
            "nothing was written:\n  " + "\n  ".join(conflicts)
        )
    return Plan(client.url, organization, changes)


ACTIONS = {Action.CREATE: "package_create", Action.PATCH: "package_patch"}


def apply(plan: Plan, client: Client, report: Callable[[Change], None]) -> None:
    """Make the planned changes in order, calling ``report`` after each one is made."""
    made = 0
    to_make = sum(1 for change in plan.changes if change.action is not Action.UNCHANGED)
    for change in plan.changes:
        try:
            if change.action is Action.DELETE:
                client.call("package_delete", **change.payload)
            elif change.action is Action.PATCH:
                client.call("package_patch", **change.payload)
            elif change.action is Action.CREATE:
                client.call("package_create", **change.payload)
        except Unreachable as problem:
            raise CkanError(
                f"{problem}\n{made} of {to_make} changes were made before it stopped "
                f"answering (at {change.name}); run the same command again to finish: "
                "it changes only what is still missing"
            ) from None
        except ValidationError as problem:
            raise CkanError(
                f"{change.name}: the portal refused the dataset: {_errors(problem)}\n"
                f"{made} of {to_make} changes were made before"
            ) from None
        except NotAuthorized as problem:
            raise CkanError(
                f"{change.name}: the portal refused to {change.action.value} it: "
                f"{_errors(problem)}\n{made} of {to_make} changes were made before"
            ) from None
        except NotFound:
            raise CkanError(
                f"{change.name}: the dataset went away while this run was making changes "
                f"(deleted on the portal?)\n{made} of {to_make} changes were made before; run "
                "the same command again to finish"
            ) from None
        if change.action is not Action.UNCHANGED:
            made += 1
        report(change)


def _errors(problem: Exception) -> str:
    details = getattr(problem, "error_dict", None) or (problem.args[0] if problem.args else {})
    if isinstance(details, Mapping):
        return "; ".join(
            f"{key}: {value}" for key, value in details.items() if not str(key).startswith("__")
        ) or str(details.get("message", details))
    return str(details)


def publish(
    source: Source,
    url: str,
    organization: str,
    token: str,
    schema: str,
    *,
    dry_run: bool = False,
    timeout: float = 120.0,
    report: Callable[[Change], None] = lambda change: None,
    removed: Mapping[str, Mapping[str, str]] | None = None,
) -> Plan:
    """Plan the description's datasets in the organisation and (unless dry_run) make them."""
    client = Client(url, token, timeout)
    planned = plan(source, client, organization, schema, removed)
    if dry_run:
        for change in planned.changes:
            report(change)
    else:
        apply(planned, client, report)
    return planned
