"""Typed values of a backup's JSON Lines: each column's kind, and its values to JSON and back, the same on both engines.

A line is one row: a JSON array in the order of the manifest's columns. JSON has numbers, text, booleans and null;
the other kinds travel as text that reads back exactly: dates as ISO 8601, datetimes as ISO 8601 in UTC to the
microsecond (the app stores UTC; SQLite gives it back without a zone, PostgreSQL in the session's), decimals as
their digits, bytes in base64, floats that JSON cannot write (NaN, ±Infinity) as their names, JSON columns as the
JSON value itself.

Values are read as the driver gives them (SQLite: the stored text of dates and times, 0/1 for booleans, JSON text;
PostgreSQL: typed values) and written back as the driver takes them, text where the database parses it. Building a
datetime object per value both ways cost more than the rest of a row's work (bench/backup.py).
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
# SQLAlchemy's storage format of a datetime on SQLite, "2024-05-06 07:08:09.123456" (26 characters, UTC by the app's
# convention), and what a backup writes for it, "2024-05-06T07:08:09.123456+00:00" (32).
_STORED, _WRITTEN = 26, 32


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


def _float_out(value: Any) -> float | str:
    value = float(value)
    return value if math.isfinite(value) else ("NaN" if math.isnan(value) else "Infinity" if value > 0 else
                                               "-Infinity")


def _datetime_out(value: Any) -> str:
    if isinstance(value, str):  # SQLite's stored text
        if len(value) == _STORED and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        value = datetime.fromisoformat(value)
    # A value without a zone is UTC: the app stores UTC, SQLite gives back its wall clock.
    return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="microseconds")


def _date_out(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()



_OUT: dict[str, Codec] = {
    "float": _float_out, "decimal": str, "date": _date_out, "datetime": _datetime_out, "bool": bool,
    "time": lambda v: v if isinstance(v, str) else v.isoformat(),
    "bytes": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "str": lambda v: str(v) if isinstance(v, Decimal | date | time) else v,
}


def encoder(kinds: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """Return a function turning a row as `backup_tables.rows_out` reads it (values in column order) into its JSON
    line. A JSON column travels as its JSON text (a string), so that a JSON null stays apart from SQL's NULL."""
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


def _stored_datetime(process: Codec | None) -> Codec:
    """A backup's datetime as SQLite stores it: the UTC wall clock in SQLAlchemy's format."""
    def convert(value: str) -> Any:
        if len(value) == _WRITTEN and value.endswith("+00:00") and value[10] == "T":
            return f"{value[:10]} {value[11:26]}"
        moment = datetime.fromisoformat(value)
        moment = (moment.astimezone(UTC) if moment.tzinfo else moment).replace(tzinfo=None)
        return process(moment) if process else moment

    return convert


def _stored_date(process: Codec | None) -> Codec:
    def convert(value: str) -> Any:
        return value if len(value) == 10 else (process or str)(date.fromisoformat(value))

    return convert


def _processed(parse: Codec, process: Codec | None) -> Codec:
    return (lambda v: process(parse(v))) if process else parse


def decoder(kinds: Sequence[str], *, target: str, processors: Sequence[Codec | None]) -> Callable[[bytes], list]:
    """Return a function turning a JSON line back into a row the target's driver takes.

    PostgreSQL (COPY's text format, which it parses as each column's type): dates, datetimes, decimals, times and
    JSON stay their text, bytes go as bytes. SQLite: every value as SQLAlchemy would store it, through `processors`
    (each column's bind processor, None for none), datetimes and dates straight to the stored text, JSON as its
    text."""
    converters: list[tuple[int, Codec]] = []
    for index, kind in enumerate(kinds):
        process = processors[index]
        if kind == "bytes":
            converters.append((index, base64.b64decode))
        elif target == "postgresql":
            pass
        elif kind == "json":  # parsed and written again as SQLAlchemy writes it
            converters.append((index, _processed(json.loads, process)))
        elif kind == "datetime":
            converters.append((index, _stored_datetime(process)))
        elif kind == "date":
            converters.append((index, _stored_date(process)))
        elif kind in ("float", "decimal", "time"):
            parse = {"float": _float_in, "decimal": Decimal, "time": time.fromisoformat}[kind]
            converters.append((index, _processed(parse, process)))
        elif process is not None:
            converters.append((index, process))
    loads = json.loads
    width = len(kinds)

    def decode(line: bytes) -> list[Any]:
        values = loads(line)
        if not isinstance(values, list) or len(values) != width:
            raise ValueError(f"a row of {width} values was expected")
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        return values

    return decode
