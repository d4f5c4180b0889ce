"""RDF plumbing shared by every part: namespaces and prefixes, terms as N-Triples strings,
serialisation.
"""
