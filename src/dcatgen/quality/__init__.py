"""Quality: MQA-style measurements and the §28 items as DQV data, and the report on them.

`metrics.py` defines the metrics (the MQA indicators dcatgen can compute locally, with their
points, and the five §28 items); `measure.py` measures a catalog's triples; `graph.py` turns
measurements into the quality graph (``{base}quality``) and reads it back; `report.py` makes
the `dcatgen quality` report; `output.py` writes ``OUT/quality.trig``.
"""
