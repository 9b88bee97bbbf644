"""Read results kept in this process per database, data version and arguments, so that a rerun reads nothing again.

Every write transaction raises the database's data version (`db.write_session`), in the same transaction as its rows,
so a result stored under a version holds every write up to it: any app process reading the version (one query of one
row, about 0.1 ms on SQLite and 0.3 ms on PostgreSQL) knows whether what it keeps is still current, and several
processes never serve stale figures. A result computed while a write commits may already hold that write (its rows
are read after the version): it is stored under the older version, which no later reader asks for, so it is never
served as current. Entries of older versions are not looked up again and leave with the least recently used.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from tdkt.core.models import DataVersion

T = TypeVar("T")
LIMIT = 512  # entries per process: aggregates of a few years and filters, each a few kB to a few MB
_LOCK = threading.Lock()
_ENTRIES: OrderedDict[tuple, Any] = OrderedDict()
_STATS = {"hits": 0, "misses": 0}


def version(session: Session) -> tuple[str, int] | None:
    """Return the database's (instance, data version), or None when its row is missing (nothing is cached then)."""
    found = session.exec(select(DataVersion.instance, DataVersion.version).where(DataVersion.id == 1)).first()
    return (found[0], int(found[1])) if found else None


def cached(session: Session, compute: Callable[..., T], /, **arguments: Any) -> T:
    """Return compute(session, **arguments), computed once per database, data version and arguments (hashable).

    The caller gets a copy it may change (pandas frames are copied, not shared between browser sessions). Results
    are plain data: database rows (SQLModel objects) are refused, as they belong to the session that read them.
    """
    return copy.deepcopy(_kept(session, compute, arguments))


def shared(session: Session, compute: Callable[..., T], /, **arguments: Any) -> T:
    """Return compute(session, **arguments) as `cached` does, but the kept value itself, not a copy: for what every
    caller only reads, such as plotly figures (st.plotly_chart serialises a figure and leaves it as it was; a deep
    copy of one costs more than building it)."""
    return _kept(session, compute, arguments)


def _kept(session: Session, compute: Callable[..., T], arguments: dict[str, Any]) -> T:
    current = version(session)
    if current is None:
        return compute(session, **arguments)
    key = (str(session.get_bind().url), *current, compute.__module__, compute.__qualname__,
           tuple(sorted(arguments.items())))
    with _LOCK:
        found = key in _ENTRIES
        if found:
            _ENTRIES.move_to_end(key)
            value = _ENTRIES[key]
        _STATS["hits" if found else "misses"] += 1
    if not found:
        value = compute(session, **arguments)
        first = value[0] if isinstance(value, list | tuple) and value else value
        if isinstance(first, SQLModel):
            # A row belongs to its session (lazy loads, expiry): cache plain data, frames or dataclasses of values.
            raise TypeError(f"{compute.__qualname__} returns database rows, which are not cached")
        with _LOCK:
            _ENTRIES[key] = value
            while len(_ENTRIES) > LIMIT:
                _ENTRIES.popitem(last=False)
    return value


def stats() -> dict[str, int]:
    """Return this process's hits, misses and entries (for tests and benchmarks)."""
    with _LOCK:
        return {**_STATS, "entries": len(_ENTRIES)}


def clear() -> None:
    """Forget every entry (benchmarks timing a first view)."""
    with _LOCK:
        _ENTRIES.clear()
