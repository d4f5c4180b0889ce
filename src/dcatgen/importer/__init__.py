"""Import: turn a published §28 page (text, HTML or URL) into the YAML description format.

    >>> result = import_text(
    ...     "Hallinto-osasto\\n\\nAsianhallinnan asiarekisteri\\n\\nTietoaineistot\\n\\n"
    ...     "1. Päätökset\\n",
    ...     html=False,
    ...     organisation="Esimerkin kunta",
    ... )
    >>> [(r.id, [g.name["fi"] for g in r.data_groups]) for _, r in result.description.registers()]
    [('asianhallinnan', ['Päätökset'])]

Stages, each a module: `fetch` (file / stdin / URL → text), `text` and `html` (→ blocks),
`recognise` (blocks → draft), `suggest` (themes and subjects), `emit` (draft → YAML);
`run` ties them together.  Bad input raises `dcatgen.errors.InputError`, never anything else.
"""

from dcatgen.importer.run import ImportResult, filled_fields, import_source, import_text

__all__ = ["ImportResult", "filled_fields", "import_source", "import_text"]
