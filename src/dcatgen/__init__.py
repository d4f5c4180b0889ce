"""dcatgen: Finnish §28 register descriptions as DCAT-AP 3 linked data."""

__version__ = "0.1.0"
