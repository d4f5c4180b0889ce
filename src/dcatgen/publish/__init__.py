"""Publishing: pushing a catalog to SPARQL graph stores and to CKAN portals."""
