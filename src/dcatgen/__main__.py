"""`python -m dcatgen`: the same as the `dcatgen` command."""

from dcatgen.cli import main

main()
