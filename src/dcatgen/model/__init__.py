"""The description model: what a §28 description says (records) and reading it from YAML (load)."""
