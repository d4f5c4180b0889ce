"""Mapping: a description (the model) to RDF triples, DCAT-AP 3 plus our vocabulary (tables.py,
one row table per record type), and the plain-language §28 summary portals show (summary.py).
"""
