"""History: a change ledger beside the data, giving registers and catalogs their dates.

`ledger.py` keeps, per organisation, each register's content fingerprint with the day it was
first seen (`dct:issued`) and the last day its content changed (`dct:modified`), and the
registers removed since.  `diff.py` compares two versions of the descriptions in words.
"""
