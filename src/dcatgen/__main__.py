"""`python -m dcatgen` runs the CLI."""

from dcatgen.cli import main

main()
