"""The build: model → RDF (mapping), the §28 summary, and the run over many descriptions
(pipeline).
"""
