"""The HTTP server: the app, content negotiation, resource descriptions, HTML pages and the
query workers."""
