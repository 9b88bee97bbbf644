"""The one way a command prints its --json object: a missing value is null, never NaN, which is not JSON.

pandas holds a missing text or date as NaN or NaT (`plan --json` printed `"evidence": NaN` for a task without
evidence on the demo database), and Python's json writes NaN, Infinity and -Infinity, which JSON parsers refuse.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import click

_MISSING_TYPES = {"NaTType", "NAType"}  # pandas' NaT and NA, known by name so that printing JSON needs no pandas


def clean(value):
    """Return the value with every missing one as None: NaN and infinite floats, pandas' NaT and NA, in any depth
    of dicts, lists and tuples; numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if type(value).__name__ in _MISSING_TYPES:
        return None
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        return clean(value.item())
    return value


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps(data) -> str:
    """Return the object as indented JSON text, Vietnamese as written (not \\u escapes), missing values as null."""
    return json.dumps(clean(data), ensure_ascii=False, indent=2, allow_nan=False, default=_default)


def echo(data) -> None:
    """Print the object as JSON (`dumps`)."""
    click.echo(dumps(data))
