"""The nomination tallies (counts per year, award, target, category, step; per year, unit, step; decisions per date;
individuals per year, award, step and the person's gender; collectives per year, award, step and name) kept in step
with every write, in the write's own transaction, whatever the path: ORM objects, bulk inserts, UPDATE and DELETE
statements, and for the gender the edits of a person too.

At 1M nominations a year's statistics read 100k rows per aggregation (bench/pages.py: 0.8–2.6 s each on SQLite under
load, the page 14.6 s); the tallies hold a few thousand rows a year. They are changed by differences, never recounted:
- an ORM flush: the nominations it deletes or changes are read (their stored values) and taken off before it, the ones
  it adds or changes are read and added after it (two queries per flush that touches a nomination's counted columns);
- `db.bulk_insert_rows` into the nomination table (the importer): its rows are counted in Python and added;
- an UPDATE or DELETE statement on the nomination table through a session (undo of a batch, a submission's received
  date): the rows its WHERE picks are taken off before it and, for an UPDATE, added after it;
- a person's gender changed by a flush or by an UPDATE statement on the person table through a session: that
  person's individual nominations are taken off the gender tally before it and added after it (a person with
  nominations cannot be deleted, and a person just inserted has none).
A write that bypasses these (raw SQL on the nomination table) must call `rebuild`; `differences` compares the tallies
with a fresh count, which the tests do after every kind of write on both engines.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, case, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from tdkt.core.models import (
    CollectiveTally,
    DecisionTally,
    GenderTally,
    Nomination,
    NominationStatus,
    NominationTally,
    Person,
    Target,
    UnitTally,
)

_DECIDED = NominationStatus.CO_QUYET_DINH.value
_INDIVIDUAL, _COLLECTIVE = Target.CA_NHAN.value, Target.TAP_THE.value
_NOMINATIONS: Table = Nomination.__table__
_PERSONS: Table = Person.__table__
_PENDING = "tdkt_tally_after_flush"
GENDER = "person_gender"  # the person's gender in a row of `_stored` (the nomination's own columns besides)


def unnamed(name: str | None) -> bool:
    """Return True when a collective's name is blank as SQL's trim() sees it (spaces only): the collective tally then
    keeps the nomination's unit, whose kind decides whether it is a small collective."""
    return not (name or "").strip(" ")


def _collective_unit(row: Mapping[str, Any]) -> int:
    return (row["unit_id"] or 0) if unnamed(row["collective_name"]) else 0


@dataclass(frozen=True, slots=True)
class _Spec:
    table: Table
    dims: tuple[str, ...]  # the tally's key columns, in its key order
    counts: Callable[[Mapping[str, Any]], bool]  # which nominations the tally counts (Python side)
    where: Callable[[], Any]  # the same, as SQL over the nomination table (joined to its person)
    # a key column's value from a row of `_stored`, when not the nomination's column of that name (None → _BLANK)
    values: Mapping[str, Callable[[Mapping[str, Any]], Any]] = field(default_factory=dict)
    sql: Mapping[str, Callable[[], Any]] = field(default_factory=dict)  # the same as SQL, when not the column

    def key(self, row: Mapping[str, Any]) -> tuple | None:
        if not self.counts(row):
            return None
        found = (self.values[d](row) if d in self.values else row[d] for d in self.dims)
        return tuple(_BLANK.get(d) if v is None else v for d, v in zip(self.dims, found, strict=True))


# What a tally keeps for a nomination without a category, a unit, a gender or a name (a key column is never NULL).
_BLANK = {"category": "", "unit_id": 0, "gender": "", "name": ""}
SPECS = (
    _Spec(NominationTally.__table__, ("year", "award_id", "target", "category", "status"),
          lambda row: True, lambda: True),
    _Spec(UnitTally.__table__, ("year", "unit_id", "status"), lambda row: True, lambda: True),
    _Spec(DecisionTally.__table__, ("year", "award_id", "target", "decision_date"),
          lambda row: row["status"] == _DECIDED and row["decision_date"] is not None,
          lambda: and_(_NOMINATIONS.c.status == _DECIDED, _NOMINATIONS.c.decision_date.is_not(None))),
    # Thống kê's counts by gender: bench/pages.py at 1M read the year's 85k individuals with their persons (0.54 s).
    _Spec(GenderTally.__table__, ("year", "award_id", "status", "gender"),
          lambda row: row["target"] == _INDIVIDUAL, lambda: _NOMINATIONS.c.target == _INDIVIDUAL,
          values={"gender": operator.itemgetter(GENDER)}, sql={"gender": lambda: _PERSONS.c.gender}),
    # The small collectives' share: the same at 1M read the year's decided collectives with their units (0.22 s).
    _Spec(CollectiveTally.__table__, ("year", "award_id", "status", "name", "unit_id"),
          lambda row: row["target"] == _COLLECTIVE, lambda: _NOMINATIONS.c.target == _COLLECTIVE,
          values={"name": operator.itemgetter("collective_name"), "unit_id": _collective_unit},
          sql={"name": lambda: _NOMINATIONS.c.collective_name,
               "unit_id": lambda: case((func.trim(func.coalesce(_NOMINATIONS.c.collective_name, "")) == "",
                                        func.coalesce(_NOMINATIONS.c.unit_id, 0)), else_=0)}),
)
_GENDER_SPEC = SPECS[3]
# The nomination's columns the tallies are counted by (a change of any of them moves a count).
COLUMNS = ("award_id", "category", "collective_name", "decision_date", "person_id", "status", "target", "unit_id",
           "year")
Deltas = dict[Table, Counter]


def _count(rows: Iterable[Mapping[str, Any]], sign: int, into: Deltas, specs: Sequence[_Spec] = SPECS) -> Deltas:
    for row in rows:
        for spec in specs:
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


def _joined():
    return _NOMINATIONS.outerjoin(_PERSONS, _PERSONS.c.id == _NOMINATIONS.c.person_id)


def _stored(connection: Connection, where) -> list[dict[str, Any]]:
    """The counted columns of the nominations `where` picks, with their person's gender, as stored now."""
    stmt = (select(*(_NOMINATIONS.c[c] for c in COLUMNS), _PERSONS.c.gender.label(GENDER)).select_from(_joined())
            .where(where))
    return [dict(row._mapping) for row in connection.execute(stmt)]


def _genders(connection: Connection, person_ids: Sequence[int]) -> dict[int, str | None]:
    """The stored gender of each person, in one statement with one parameter (a JSON list on SQLite, an array on
    PostgreSQL; SQLite allows 32,766 placeholders), through the driver's cursor: for the 74k persons of a 100k-row list
    at bench/pages.py's 1M nominations, 0.12 s of CPU where SQLAlchemy's result took 0.2–0.33 s."""
    if not person_ids:
        return {}
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            cursor.execute(f"SELECT id, gender FROM {_PERSONS.name} WHERE id = ANY(%s)", (list(person_ids),))
            return dict(cursor.fetchall())
    cursor = raw.cursor()
    try:
        cursor.execute(f"SELECT id, gender FROM {_PERSONS.name} WHERE id IN (SELECT value FROM json_each(?))",
                       (json.dumps(list(person_ids)),))
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def _ids_where(ids: Sequence[int]):
    return _NOMINATIONS.c.id.in_(sorted(set(ids)))


def after_bulk_insert(connection: Connection, table: Table, names: Sequence[str], rows: list[Sequence],
                      constants: Mapping[str, Any], *, genders: Mapping[int, str | None] | None = None) -> None:
    """Count the rows `db.bulk_insert_rows` has just inserted into the nomination table (others are ignored).

    Column by column, in C (itemgetter, zip, Counter): about 30 ms per 100k rows, where a dict per row took 0.4 s.
    `genders` are the stored genders of persons the caller knows (the importer's, which it has just read or
    inserted); only the others' are read.
    """
    if table.name != _NOMINATIONS.name or not rows:
        return
    columns: dict[str, list] = {}
    for name in COLUMNS:
        if name in names:
            columns[name] = list(map(operator.itemgetter(names.index(name)), rows))
        else:  # a column the insert does not name is NULL for every row, or the constant it gives
            columns[name] = [constants.get(name)] * len(rows)
    targets = columns["target"]
    people = [p if t == _INDIVIDUAL else None for t, p in zip(targets, columns["person_id"], strict=True)]
    known = genders or {}
    missing = sorted({p for p in people if p is not None and p not in known})
    stored = {**known, **_genders(connection, missing)} if missing else known
    columns["gender"] = [None if p is None else stored.get(p) for p in people]
    columns["name"] = columns["collective_name"]
    columns["collective_unit"] = [(u or 0) if unnamed(n) else 0
                                  for n, u in zip(columns["collective_name"], columns["unit_id"], strict=True)]
    blanked = {name: [blank if v is None else v for v in columns[name]] for name, blank in _BLANK.items()}
    deltas: Deltas = {}
    for spec in SPECS:
        dims = ["collective_unit" if spec.table is CollectiveTally.__table__ and d == "unit_id" else d
                for d in spec.dims]
        keys = zip(*(blanked.get(d, columns[d]) for d in dims), strict=True)
        if spec.table is DecisionTally.__table__:
            keep = [s == _DECIDED and d is not None for s, d in zip(columns["status"], columns["decision_date"],
                                                                     strict=True)]
            keys = itertools.compress(keys, keep)
        elif spec.table in (GenderTally.__table__, CollectiveTally.__table__):
            wanted = _INDIVIDUAL if spec.table is GenderTally.__table__ else _COLLECTIVE
            keys = itertools.compress(keys, [t == wanted for t in targets])
        deltas[spec.table] = Counter(keys)
    _apply(connection, deltas)


def _counted_change(obj: Nomination) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in COLUMNS)


def _individuals_of(connection: Connection, persons) -> list[int]:
    """The ids of the individual nominations of the persons `persons` (ids, or a SELECT of them) names."""
    stmt = select(_NOMINATIONS.c.id).where(_NOMINATIONS.c.person_id.in_(persons),
                                           _NOMINATIONS.c.target == _INDIVIDUAL)
    return [i for (i,) in connection.execute(stmt)]


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context, _instances) -> None:
    changed = [o for o in session.dirty if isinstance(o, Nomination) and _counted_change(o)]
    gone = [o for o in session.deleted if isinstance(o, Nomination)]
    added = [o for o in session.new if isinstance(o, Nomination)]
    regendered = [o.id for o in session.dirty if isinstance(o, Person) and o.id is not None
                  and sa_inspect(o).attrs.gender.history.has_changes()]
    if not (changed or gone or added or regendered):
        return
    before = {o.id for o in (*changed, *gone) if o.id is not None}
    connection = session.connection()
    if before:
        _apply(connection, _count(_stored(connection, _ids_where(before)), -1, {}))
    # The other nominations of a person whose gender changes move in the gender tally only.
    persons = sorted(set(_individuals_of(connection, regendered)) - before) if regendered else []
    if persons:
        _apply(connection, _count(_stored(connection, _ids_where(persons)), -1, {}, (_GENDER_SPEC,)))
    pending = session.info.setdefault(_PENDING, {"objects": [], "persons": []})
    pending["objects"].extend((*changed, *added))
    pending["persons"].extend(persons)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids = {o.id for o in pending["objects"] if o.id is not None and o not in session.deleted}
    connection = session.connection()
    if ids:
        _apply(connection, _count(_stored(connection, _ids_where(ids)), +1, {}))
    if persons := sorted(set(pending["persons"]) - ids):
        _apply(connection, _count(_stored(connection, _ids_where(persons)), +1, {}, (_GENDER_SPEC,)))


@event.listens_for(OrmSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


def _may_set(state: ORMExecuteState, column: str) -> bool:
    """Whether an UPDATE statement may set the column (its values, or the parameters it is executed with)."""
    names = {getattr(k, "key", k) for k in (getattr(state.statement, "_values", None) or {})}
    parameters = state.parameters
    for row in parameters if isinstance(parameters, list | tuple) else [parameters or {}]:
        names |= set(row)
    return column in names or not names  # values it does not show: counted as setting it


@event.listens_for(OrmSession, "do_orm_execute")
def _statement(state: ORMExecuteState):
    if not (state.is_update or state.is_delete):
        return None
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name == _PERSONS.name and state.is_update and _may_set(state, "gender"):
        return _person_statement(state)
    if name != _NOMINATIONS.name:
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


def _person_statement(state: ORMExecuteState):
    """An UPDATE of persons that may set a gender: their individual nominations move in the gender tally."""
    where = state.statement.whereclause
    parameters = state.parameters
    connection = state.session.connection()
    if where is None and isinstance(parameters, list | tuple) and all("id" in p for p in parameters):
        persons = [p["id"] for p in parameters]  # an ORM update by primary key, one parameter set per person
    else:
        persons = select(_PERSONS.c.id) if where is None else select(_PERSONS.c.id).where(where)
    ids = _individuals_of(connection, persons)
    if ids:
        _apply(connection, _count(_stored(connection, _ids_where(ids)), -1, {}, (_GENDER_SPEC,)))
    result = state.invoke_statement()
    if ids:
        _apply(connection, _count(_stored(connection, _ids_where(ids)), +1, {}, (_GENDER_SPEC,)))
    return result


def _key_columns(spec: _Spec) -> list:
    columns = [spec.sql[d]() if d in spec.sql else _NOMINATIONS.c[d] for d in spec.dims]
    return [func.coalesce(c, _BLANK[d]) if d in _BLANK else c for d, c in zip(spec.dims, columns, strict=True)]


def _fresh(spec: _Spec):
    columns = _key_columns(spec)
    source = _joined() if spec is _GENDER_SPEC else _NOMINATIONS  # only the gender is the person's
    return select(*columns, func.count()).select_from(source).where(spec.where()).group_by(*columns)


def rebuild(connection: Connection) -> None:
    """Count every tally afresh from the nomination table (after a write that bypassed the hooks)."""
    for spec in SPECS:
        connection.execute(spec.table.delete())
        connection.execute(spec.table.insert().from_select([*spec.dims, "n"], _fresh(spec)))


def differences(connection: Connection) -> dict[str, dict[tuple, tuple[int, int]]]:
    """Return, per tally, the keys whose count differs from a fresh count: key → (tally, fresh); {} when in step."""
    found = {}
    for spec in SPECS:
        fresh = {tuple(r[:-1]): int(r[-1]) for r in connection.execute(_fresh(spec))}
        kept = {tuple(r[:-1]): int(r[-1]) for r in connection.execute(
            select(*(spec.table.c[d] for d in spec.dims), spec.table.c.n).where(spec.table.c.n != 0))}
        wrong = {k: (kept.get(k, 0), fresh.get(k, 0)) for k in fresh.keys() | kept.keys()
                 if kept.get(k, 0) != fresh.get(k, 0)}
        if wrong:
            found[spec.table.name] = wrong
    return found
