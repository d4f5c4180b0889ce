"""The site: the §28 description as web pages people read (organisation, units, registers,
systems, how to make an information request), rendered from Jinja2 templates with interface
text from gettext catalogs.

Importing this package costs nothing: the renderer (Jinja2) is imported by ``render`` only,
so the summary and the page-URL rule (``paths``) stay cheap to use from the mapping.
"""
