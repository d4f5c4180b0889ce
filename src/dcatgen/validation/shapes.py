"""The shapes dcatgen validates against: the official DCAT-AP 3 shapes and ours."""

from __future__ import annotations

from functools import cache
from importlib import resources

from rdflib import Graph

SHAPE_FILES = (
    "dcat-ap-3/shapes.ttl",
    "dcat-ap-3/range.ttl",
    "dcat-ap-3/shapes_recommended.ttl",
    "dcat-ap-3/mdr-vocabularies.shape.ttl",
    "dcat-ap-3/deprecateduris.ttl",
    "dcatgen-s28.ttl",
    "dcatgen-vocabulary.ttl",
)
"""The shapes a catalog is checked against, relative to shapes/."""


@cache
def shapes_graph() -> Graph:
    """Every shape file dcatgen validates against, in one graph."""
    graph = Graph()
    folder = resources.files("dcatgen").joinpath("resources/shapes")
    for name in SHAPE_FILES:
        graph.parse(data=folder.joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return graph
