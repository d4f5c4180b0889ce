"""Write the quality metrics block into ontology/dcatgen.ttl and its packaged copy.

Usage: python tools/update_quality_vocabulary.py

The block (between the "# >>> quality metrics" and "# <<< quality metrics" lines, appended at
the end the first time) is generated from src/dcatgen/quality/metrics.py; the rest of the
files is left as it is.  tests/test_quality.py fails while the files hold another text.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dcatgen.quality.vocabulary import BEGIN, END, vocabulary_block  # noqa: E402

FILES = (ROOT / "ontology" / "dcatgen.ttl", ROOT / "src/dcatgen/resources/ontology/dcatgen.ttl")


def with_block(text: str) -> str:
    """The ontology text with the block replaced (or appended)."""
    if BEGIN in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END + "\n", 1)[1]
        return before + vocabulary_block() + after
    return text.rstrip("\n") + "\n\n" + vocabulary_block()


def main() -> int:
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        updated = with_block(text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
