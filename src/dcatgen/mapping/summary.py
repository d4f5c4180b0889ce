"""The §28 summary: items 1, 3, 4 and 5 of a register in plain language, one text per language.

Portals show a dataset's title and description and drop everything else (ckanext-dcat reads
no ``dg:`` statement), so the systems, data groups, search criteria and API availability
travel to them inside ``dct:description``, after the register's own description.  The
structured statements stay in the RDF beside it.

Pure functions of the model: ``s28_summary`` for one language, ``register_description`` for
the whole ``dct:description``.  Sentences come from the gettext catalogs
(``site/locale``), lists are joined by the language's own rules (Babel's CLDR data), concept
names (search criteria) are the vocabulary's labels, and the description's own words
(data groups, systems) are kept as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import pyoxigraph as ox
from babel.lists import format_list

from dcatgen.model.description import (
    ApiStatement,
    Availability,
    DataGroup,
    Organisation,
    Register,
    SearchCriteria,
    System,
    Unit,
)
from dcatgen.rdf.formats import Format
from dcatgen.site.i18n import gettext_in, ngettext_in

SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
DG = "https://w3id.org/dcatgen/ns#"


def _(message: str) -> str:
    """Mark a message for extraction; it is translated where used (``gettext_in``)."""
    return message


AVAILABILITY_SENTENCES = {
    Availability.OPEN: _("The data is openly available through a technical interface (API)."),
    Availability.PARTLY_OPEN: _(
        "Part of the data is openly available through a technical interface (API)."
    ),
    Availability.MOSTLY_NOT_OPEN: _(
        "The data is mostly not openly available through a technical interface (API)."
    ),
    Availability.NOT_OPEN: _(
        "The data is not openly available through a technical interface (API)."
    ),
    Availability.NOT_STATED: _(
        "The description does not state whether the data is openly available through a "
        "technical interface (API)."
    ),
}
"""§28 item 5, one sentence per availability (also used by the pages)."""


@cache
def concept_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(scheme local name, notation) → {language: label} for the vocabulary's concepts.

    The model's enum values are the concepts' ``skos:notation``s (``person-name``).
    """
    source = resources.files("dcatgen").joinpath("resources/ontology/dcatgen.ttl")
    notation: dict[str, str] = {}
    scheme: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for quad in ox.parse(source.read_bytes(), format=Format.TURTLE.oxigraph):
        subject, predicate, value = quad.subject.value, quad.predicate.value, quad.object
        if not isinstance(value, ox.Literal | ox.NamedNode):
            continue
        if predicate == SKOS_NOTATION:
            notation[subject] = value.value
        elif predicate == SKOS_IN_SCHEME:
            scheme[subject] = value.value.removeprefix(DG)
        elif predicate == SKOS_PREF_LABEL and isinstance(value, ox.Literal) and value.language:
            labels.setdefault(subject, {})[value.language] = value.value
    return {
        (scheme[concept], code): labels.get(concept, {})
        for concept, code in notation.items()
        if concept in scheme
    }


def criterion_label(code: str, language: str) -> str:
    """The vocabulary's label of a search criterion (``person-name``) in a language."""
    labels = concept_labels()[("SearchCriterionScheme", code)]
    return labels.get(language) or labels["en"]


def availability_label(code: str, language: str) -> str:
    """The vocabulary's label of an availability concept (``not-open``) in a language."""
    labels = concept_labels()[("AvailabilityScheme", code)]
    return labels.get(language) or labels["en"]


def in_language(text: dict[str, str] | None, language: str, fallback: str) -> str | None:
    """A text in a language, else in the fallback (the description's) language, else any."""
    if not text:
        return None
    return text.get(language) or text.get(fallback) or next(iter(text.values()))


def in_sentence(label: str) -> str:
    """A label as a list item inside a sentence: 'Henkilön nimi' → 'henkilön nimi'.

    Only when the second letter is lower case: 'Y-tunnus' and 'ID' keep their capitals.
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _sentence(text: str) -> str:
    """Text as a sentence that ends with one full stop (a statement may lack one)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def and_list(items: Sequence[str], language: str) -> str:
    """'a, b and c' by the language's own rules ('a, b ja c', 'a, b och c')."""
    return format_list(list(items), locale=language)


def system_phrase(system: System, language: str, fallback: str) -> str:
    """A system with what the description says of it: 'MultiPrimus (sis. Wilma ja Kurre; …)'."""
    notes = []
    if system.parts:
        notes.append(
            gettext_in(language, "including %(parts)s")
            % {"parts": and_list(system.parts, language)}
        )
    description = in_language(system.description, language, fallback)
    if description:
        notes.append(description)
    if system.national:
        notes.append(gettext_in(language, "national system"))
    if not notes:
        return system.name
    # The notes are the description's own fragments: a semicolon keeps their commas apart.
    return gettext_in(language, "%(name)s (%(notes)s)") % {
        "name": system.name,
        "notes": "; ".join(notes),
    }


def systems_sentence(systems: Sequence[System], language: str, fallback: str) -> str:
    """§28 item 1."""
    if not systems:
        return gettext_in(language, "The description names no information system.")
    phrases = [system_phrase(system, language, fallback) for system in systems]
    return ngettext_in(
        language,
        "The data is kept in the information system %(systems)s.",
        "The data is kept in the information systems %(systems)s.",
        len(systems),
    ) % {"systems": and_list(phrases, language)}


def data_groups_sentence(groups: Sequence[DataGroup], language: str, fallback: str) -> str:
    """§28 item 3, the groups in the description's order."""
    if not groups:
        return gettext_in(language, "The description lists no data groups.")
    names = [(in_language(group.name, language, fallback) or "").rstrip(".") for group in groups]
    # Names often hold commas of their own ('Lasten, huoltajien ja henkilökunnan yhteystiedot').
    return ngettext_in(
        language, "Data group: %(groups)s.", "Data groups: %(groups)s.", len(groups)
    ) % {"groups": "; ".join(names)}


def search_sentence(criteria: SearchCriteria | None, language: str, fallback: str) -> str:
    """§28 item 4: the criteria as concepts when given, else the description's statement."""
    if criteria is not None and criteria.concepts:
        labels = [in_sentence(criterion_label(c.value, language)) for c in criteria.concepts]
        return ngettext_in(
            language,
            "Search criterion usable in information requests: %(criteria)s.",
            "Search criteria usable in information requests: %(criteria)s.",
            len(labels),
        ) % {"criteria": and_list(labels, language)}
    statement = in_language(criteria.statement if criteria else None, language, fallback)
    if statement:
        return _sentence(statement)
    return gettext_in(language, "The description states no search criteria.")


def api_sentence(api: ApiStatement | None, language: str) -> str:
    """§28 item 5."""
    availability = api.availability if api is not None else Availability.NOT_STATED
    return gettext_in(language, AVAILABILITY_SENTENCES[availability])


def effective_api(
    register: Register, unit: Unit, organisation: Organisation
) -> ApiStatement | None:
    """The API statement of the register, else its unit's, else its organisation's."""
    return register.api or unit.api or organisation.api


def s28_summary(
    register: Register, unit: Unit, organisation: Organisation, language: str, fallback: str
) -> str:
    """The plain-language §28 summary (items 1, 3, 4, 5) of a register, one line per item.

    ``language`` is the summary's language (fi, sv or en); ``fallback`` the description's
    own language, whose words stand in where the description gives none in ``language``.
    """
    return "\n".join(
        (
            systems_sentence(register.systems, language, fallback),
            data_groups_sentence(register.data_groups, language, fallback),
            search_sentence(register.search_criteria, language, fallback),
            api_sentence(effective_api(register, unit, organisation), language),
        )
    )


def lead_text(register: Register, unit: Unit) -> dict[str, str] | None:
    """What comes before the summary: the register's own description, else its purpose
    (the register's, else its unit's), which is how the description says what it is."""
    return register.description or register.purpose or unit.purpose


def register_description(
    register: Register, unit: Unit, organisation: Organisation, fallback: str
) -> dict[str, str]:
    """The register's ``dct:description`` per language: its lead text, a blank line, and the
    §28 summary, in each language of the lead text.

    Empty when the register has neither a description nor a purpose (nor its unit one):
    dcatgen invents no description, and validation reports the missing ``dct:description``
    that DCAT-AP requires, pointing at the YAML field to add.
    """
    lead = lead_text(register, unit)
    if not lead:
        return {}
    return {
        language: f"{text}\n\n{s28_summary(register, unit, organisation, language, fallback)}"
        for language, text in lead.items()
    }


__all__ = [
    "AVAILABILITY_SENTENCES",
    "and_list",
    "api_sentence",
    "availability_label",
    "criterion_label",
    "data_groups_sentence",
    "effective_api",
    "in_sentence",
    "lead_text",
    "register_description",
    "s28_summary",
    "search_sentence",
    "system_phrase",
    "systems_sentence",
]
