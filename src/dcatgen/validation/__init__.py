"""Validation: SHACL findings as a typed report, and the fast SHACL engine that produces them."""
