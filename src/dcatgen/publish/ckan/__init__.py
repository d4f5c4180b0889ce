"""Publish registers as CKAN datasets through CKAN's Action API.

`fields` maps one register to one dataset dict (pure, a table of rows, no network);
`portal` reads what the organisation already holds, plans the changes and makes them.
"""
