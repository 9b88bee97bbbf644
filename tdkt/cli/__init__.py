"""The command line, `python -m tdkt …`: `main` runs it."""

from tdkt.cli.program import main

__all__ = ["main"]
