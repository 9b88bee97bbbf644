"""Typed values of a backup's JSON Lines: each column's kind, and its values to JSON and back, the same on both engines.

A line is one row: a JSON array in the order of the manifest's columns. JSON has numbers, text, booleans and null;
the other kinds travel as text that reads back exactly: dates as ISO 8601, datetimes as ISO 8601 in UTC to the
microsecond (the app stores UTC; SQLite gives it back without a zone, PostgreSQL in the session's), decimals as
their digits, bytes in base64, floats that JSON cannot write (NaN, ±Infinity) as their names, JSON columns as the
JSON value itself.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tdkt.core.errors import Refused

KINDS = ("int", "float", "decimal", "str", "bool", "date", "datetime", "time", "bytes", "json", "any")
_NAMED_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
Codec = Callable[[Any], Any]


def kind_of(column_type: sa.types.TypeEngine) -> str:
    """Return the kind a column's values are written as (refused for a type a backup cannot carry exactly)."""
    checks: Sequence[tuple[type, str]] = (
        (sa.Boolean, "bool"), (sa.Integer, "int"), (sa.Float, "float"), (sa.Numeric, "decimal"),
        (sa.DateTime, "datetime"), (sa.Date, "date"), (sa.Time, "time"), (sa.LargeBinary, "bytes"),
        (sa.JSON, "json"), (sa.String, "str"), (sa.Uuid, "str"), (sa.types.NullType, "any"),
    )
    for base, kind in checks:
        if isinstance(column_type, base):
            return kind
    raise Refused(f"Cột kiểu {column_type} chưa sao lưu được: báo cho người phát triển ứng dụng.")


def _float_out(value: float) -> float | str:
    return value if math.isfinite(value) else ("NaN" if math.isnan(value) else "Infinity" if value > 0 else
                                               "-Infinity")


def _datetime_out(value: datetime) -> str:
    # A value without a zone is UTC: SQLite gives back the UTC wall clock the app stored.
    return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="microseconds")


def _str_out(value: Any) -> Any:
    return value if isinstance(value, str) else str(value) if isinstance(value, Decimal | date | time) else value


_OUT: dict[str, Codec] = {
    "float": lambda v: _float_out(float(v)),
    "decimal": str,
    "date": lambda v: v.isoformat() if isinstance(v, date) else str(v),
    "datetime": lambda v: _datetime_out(v) if isinstance(v, datetime) else str(v),
    "time": lambda v: v.isoformat() if isinstance(v, time) else str(v),
    "bytes": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "str": _str_out,
}


def encoder(kinds: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """Return a function turning a row (values in column order) into its JSON line, newline included."""
    converters = [(i, _OUT[k]) for i, k in enumerate(kinds) if k in _OUT]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

    def encode(row: Sequence[Any]) -> str:
        values = list(row)
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        return dumps(values) + "\n"

    return encode


def _float_in(value: Any) -> float:
    return _NAMED_FLOATS[value] if isinstance(value, str) else float(value)


def _datetime_in(aware: bool) -> Codec:
    def convert(value: str) -> datetime:
        moment = datetime.fromisoformat(value)
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment if aware else moment.replace(tzinfo=None)

    return convert


def decoder(kinds: Sequence[str], *, aware: Sequence[bool]) -> Callable[[bytes | str], list[Any]]:
    """Return a function turning a JSON line back into a row of Python values for the target's columns; `aware` says
    per column whether a datetime column keeps its zone (PostgreSQL's timestamptz) or takes the UTC wall clock."""
    table: dict[str, Codec] = {
        "float": _float_in, "decimal": Decimal, "date": date.fromisoformat, "time": time.fromisoformat,
        "bytes": base64.b64decode,
    }
    converters = []
    for index, kind in enumerate(kinds):
        if kind == "datetime":
            converters.append((index, _datetime_in(aware[index])))
        elif kind in table:
            converters.append((index, table[kind]))
    loads = json.loads
    width = len(kinds)

    def decode(line: bytes | str) -> list[Any]:
        values = loads(line)
        if not isinstance(values, list) or len(values) != width:
            raise ValueError(f"a row of {width} values was expected")
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        return values

    return decode
