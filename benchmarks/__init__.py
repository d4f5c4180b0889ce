"""Benchmarks for issue 5: a synthetic-data generator, defect injection, a naive reference
pipeline and the runner that measures `dcatgen build` against it."""
