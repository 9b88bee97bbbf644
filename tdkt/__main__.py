"""Entry point: python -m tdkt."""

from tdkt.cli import main

main()
