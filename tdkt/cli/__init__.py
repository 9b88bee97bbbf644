"""The command line, `python -m tdkt …`: `main` runs it."""

from tdkt.cli.commands import main

__all__ = ["main"]
