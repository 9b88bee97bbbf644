"""The nomination tallies (counts per year, award, target, category, step; per year, unit, step; decisions per date)
kept in step with every write, in the write's own transaction, whatever the path: ORM objects, bulk inserts, UPDATE
and DELETE statements.

At 1M nominations a year's statistics read 100k rows per aggregation (bench/pages.py: 0.8–2.6 s each on SQLite under
load, the page 14.6 s); the tallies hold a few thousand rows a year. They are changed by differences, never recounted:
- an ORM flush: the nominations it deletes or changes are read (their stored values) and taken off before it, the ones
  it adds or changes are read and added after it (two queries per flush that touches a nomination's counted columns);
- `db.bulk_insert_rows` into the nomination table (the importer): its rows are counted in Python and added;
- an UPDATE or DELETE statement on the nomination table through a session (undo of a batch, a submission's received
  date): the rows its WHERE picks are taken off before it and, for an UPDATE, added after it.
A write that bypasses these (raw SQL on the nomination table) must call `rebuild`; `differences` compares the tallies
with a fresh count, which the tests do after every kind of write on both engines.
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from tdkt.core.models import DecisionTally, Nomination, NominationStatus, NominationTally, UnitTally

_DECIDED = NominationStatus.CO_QUYET_DINH.value
_NOMINATIONS: Table = Nomination.__table__
_PENDING = "tdkt_tally_after_flush"


@dataclass(frozen=True, slots=True)
class _Spec:
    table: Table
    dims: tuple[str, ...]  # nomination columns, in the tally's key order
    counts: Callable[[Mapping[str, Any]], bool]  # which nominations the tally counts (Python side)
    where: Callable[[], Any]  # the same, as SQL over the nomination table

    def key(self, row: Mapping[str, Any]) -> tuple | None:
        if not self.counts(row):
            return None
        return tuple(_BLANK.get(d) if row[d] is None else row[d] for d in self.dims)


# What a tally keeps for a nomination without a category or a unit (a key column is never NULL).
_BLANK = {"category": "", "unit_id": 0}
SPECS = (
    _Spec(NominationTally.__table__, ("year", "award_id", "target", "category", "status"),
          lambda row: True, lambda: True),
    _Spec(UnitTally.__table__, ("year", "unit_id", "status"), lambda row: True, lambda: True),
    _Spec(DecisionTally.__table__, ("year", "award_id", "target", "decision_date"),
          lambda row: row["status"] == _DECIDED and row["decision_date"] is not None,
          lambda: and_(_NOMINATIONS.c.status == _DECIDED, _NOMINATIONS.c.decision_date.is_not(None))),
)
COLUMNS = tuple(sorted({d for spec in SPECS for d in spec.dims} | {"status", "decision_date"}))
Deltas = dict[Table, Counter]


def _count(rows: Iterable[Mapping[str, Any]], sign: int, into: Deltas) -> Deltas:
    for row in rows:
        for spec in SPECS:
            key = spec.key(row)
            if key is not None:
                into.setdefault(spec.table, Counter())[key] += sign
    return into


def _apply(connection: Connection, deltas: Deltas) -> None:
    """Add the differences to the tallies (an upsert per tally; a count that falls to 0 keeps its row)."""
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    for table, counter in deltas.items():
        spec = next(s for s in SPECS if s.table is table)
        rows = [dict(zip(spec.dims, key, strict=True), n=n) for key, n in counter.items() if n]
        if not rows:
            continue
        stmt = dialect.insert(table)
        connection.execute(stmt.on_conflict_do_update(index_elements=list(spec.dims),
                                                      set_={"n": table.c.n + stmt.excluded.n}), rows)


def _stored(connection: Connection, where) -> list[dict[str, Any]]:
    """The counted columns of the nominations `where` picks, as stored now."""
    stmt = select(*(_NOMINATIONS.c[c] for c in COLUMNS)).where(where)
    return [dict(row._mapping) for row in connection.execute(stmt)]


def _ids_where(ids: Sequence[int]):
    return _NOMINATIONS.c.id.in_(sorted(set(ids)))


def after_bulk_insert(connection: Connection, table: Table, names: Sequence[str], rows: list[Sequence],
                      constants: Mapping[str, Any]) -> None:
    """Count the rows `db.bulk_insert_rows` has just inserted into the nomination table (others are ignored).

    Column by column, in C (itemgetter, zip, Counter): about 30 ms per 100k rows, where a dict per row took 0.4 s.
    """
    if table.name != _NOMINATIONS.name or not rows:
        return
    columns: dict[str, list] = {}
    for name in COLUMNS:
        if name in names:
            columns[name] = list(map(operator.itemgetter(names.index(name)), rows))
        else:  # a column the insert does not name is NULL for every row, or the constant it gives
            columns[name] = [constants.get(name)] * len(rows)
    blanked = {name: [blank if v is None else v for v in columns[name]] for name, blank in _BLANK.items()}
    deltas: Deltas = {}
    for spec in SPECS:
        keys = zip(*(blanked.get(d, columns[d]) for d in spec.dims), strict=True)
        if spec.table is DecisionTally.__table__:
            keep = [s == _DECIDED and d is not None for s, d in zip(columns["status"], columns["decision_date"],
                                                                     strict=True)]
            keys = itertools.compress(keys, keep)
        deltas[spec.table] = Counter(keys)
    _apply(connection, deltas)


def _counted_change(obj: Nomination) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in COLUMNS)


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context, _instances) -> None:
    changed = [o for o in session.dirty if isinstance(o, Nomination) and _counted_change(o)]
    gone = [o for o in session.deleted if isinstance(o, Nomination)]
    added = [o for o in session.new if isinstance(o, Nomination)]
    if not (changed or gone or added):
        return
    before = [o.id for o in (*changed, *gone) if o.id is not None]
    connection = session.connection()
    if before:
        _apply(connection, _count(_stored(connection, _ids_where(before)), -1, {}))
    session.info.setdefault(_PENDING, []).extend((*changed, *added))


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    ids = [o.id for o in pending or () if o.id is not None and o not in session.deleted]
    if ids:
        connection = session.connection()
        _apply(connection, _count(_stored(connection, _ids_where(ids)), +1, {}))


@event.listens_for(OrmSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(OrmSession, "do_orm_execute")
def _statement(state: ORMExecuteState):
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != _NOMINATIONS.name:
        return None
    where = state.statement.whereclause
    connection = state.session.connection()
    stmt = select(_NOMINATIONS.c.id)
    ids = [i for (i,) in connection.execute(stmt if where is None else stmt.where(where))]
    if ids:
        _apply(connection, _count(_stored(connection, _ids_where(ids)), -1, {}))
    result = state.invoke_statement()
    if ids and state.is_update:
        _apply(connection, _count(_stored(connection, _ids_where(ids)), +1, {}))
    return result


def _key_columns(spec: _Spec) -> list:
    return [func.coalesce(_NOMINATIONS.c[d], _BLANK[d]) if d in _BLANK else _NOMINATIONS.c[d] for d in spec.dims]


def rebuild(connection: Connection) -> None:
    """Count every tally afresh from the nomination table (after a write that bypassed the hooks)."""
    for spec in SPECS:
        connection.execute(spec.table.delete())
        columns = _key_columns(spec)
        connection.execute(spec.table.insert().from_select(
            [*spec.dims, "n"], select(*columns, func.count()).where(spec.where()).group_by(*columns)))


def differences(connection: Connection) -> dict[str, dict[tuple, tuple[int, int]]]:
    """Return, per tally, the keys whose count differs from a fresh count: key → (tally, fresh); {} when in step."""
    found = {}
    for spec in SPECS:
        columns = _key_columns(spec)
        fresh = {tuple(r[:-1]): int(r[-1]) for r in connection.execute(
            select(*columns, func.count()).where(spec.where()).group_by(*columns))}
        kept = {tuple(r[:-1]): int(r[-1]) for r in connection.execute(
            select(*(spec.table.c[d] for d in spec.dims), spec.table.c.n).where(spec.table.c.n != 0))}
        wrong = {k: (kept.get(k, 0), fresh.get(k, 0)) for k in fresh.keys() | kept.keys()
                 if kept.get(k, 0) != fresh.get(k, 0)}
        if wrong:
            found[spec.table.name] = wrong
    return found
