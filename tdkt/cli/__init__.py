"""The command line, `python -m tdkt …`."""
