"""Person ids for checked rows by (folded name, birth year, unit), adding the people not yet known: shared by hand
entry and both importers."""

from __future__ import annotations

import json

from sqlalchemy import JSON, Text, bindparam, cast, func, literal
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlmodel import Session, col, select

from tdkt.awards.nomination_rows import Record
from tdkt.core.db import bulk_insert_rows
from tdkt.core.models import Person

_PERSON_COLUMNS = ("full_name", "name_key", "gender", "birth_year", "position", "unit_id", "category", "title")


def people_ids(session: Session, records: list[Record], *, batch_id: int | None,
               genders: dict[int, str | None] | None = None) -> tuple[dict[tuple, int], int]:
    """Return person ids by (folded name, birth year, unit) for the individuals, inserting those not yet known.

    Names are bare (honorifics split off into `title`); a known person whose list gives a new title (a rank moves
    up) gets it. `genders`, when given, receives the stored gender of each person read or inserted (for the gender
    tally of the nominations inserted next: `db.bulk_insert_rows(genders=…)`)."""
    wanted = {(r.name_key, r.birth_year, r.unit_id): r for r in records if r.target == "ca_nhan"}  # Record.person_key
    if not wanted:
        return {}, 0
    keys = list({k[0] for k in wanted})
    known: dict[tuple, int] = {}
    columns = select(Person.id, Person.name_key, Person.birth_year, Person.unit_id, Person.title, Person.gender)
    dialect = session.connection().dialect.name
    # The keys go as one JSON text parameter: 100k IN placeholders took SQLAlchemy about 0.2 s to compile, and a
    # PostgreSQL array of them took psycopg about 0.4 s to adapt; json.dumps takes a few milliseconds.
    keys_json = bindparam("keys", json.dumps(keys, ensure_ascii=False), type_=Text)
    if dialect == "postgresql":
        stmt = columns.where(col(Person.name_key).in_(select(func.json_array_elements_text(cast(keys_json, JSON)))))
    else:
        # A join from the keys probes the name_key index once per key; SQLite ran "IN (SELECT … json_each)" by
        # building a temporary list of them first, five times slower (0.1 s for 100k keys).
        each = func.json_each(keys_json).table_valued("value")
        stmt = columns.select_from(each).join(Person, col(Person.name_key) == each.c.value)
    titles: dict[int, str | None] = {}
    read: dict[int, str | None] = genders if genders is not None else {}
    for pid, name_key, birth, unit, title, gender in session.connection().execute(stmt):
        known.setdefault((name_key, birth, unit), pid)
        titles[pid] = title
        read[pid] = gender
    _update_titles(session, wanted, known, titles)
    fresh = [(key, r) for key, r in wanted.items() if key not in known]
    if batch_id is None:  # a hand-entered nomination: a few people at most
        for _, r in fresh:
            person = Person(full_name=r.name, name_key=r.name_key, gender=r.gender, birth_year=r.birth_year,
                            position=r.position, unit_id=r.unit_id, category=r.category, batch_id=None, title=r.title)
            session.add(person)
            session.flush()
            known[(person.name_key, person.birth_year, person.unit_id)] = person.id
            read[person.id] = person.gender
        return known, len(fresh)
    if fresh and dialect == "postgresql":
        # COPY returns no ids: take them from the sequence first (one query; nextval is safe beside other writers),
        # instead of reading 100k new rows back.
        sequence = session.connection().execute(select(func.pg_get_serial_sequence("person", "id"))).scalar_one()
        ids = session.connection().execute(
            select(func.nextval(cast(literal(sequence), REGCLASS))).select_from(func.generate_series(1, len(fresh)))
        ).scalars().all()
        bulk_insert_rows(session.connection(), Person.__table__, ("id", *_PERSON_COLUMNS), [
            (pid, r.name, r.name_key, r.gender, r.birth_year, r.position, r.unit_id, r.category, r.title)
            for pid, (_, r) in zip(ids, fresh, strict=True)
        ], constants={"batch_id": batch_id})
        known.update(zip((key for key, _ in fresh), ids, strict=True))
        read.update(zip(ids, (r.gender for _, r in fresh), strict=True))
        return known, len(fresh)
    sqlite = dialect == "sqlite"
    before = session.exec(select(func.max(Person.id))).one() or 0 if sqlite else None
    bulk_insert_rows(session.connection(), Person.__table__, _PERSON_COLUMNS, [
        (r.name, r.name_key, r.gender, r.birth_year, r.position, r.unit_id, r.category, r.title) for _, r in fresh
    ], constants={"batch_id": batch_id})
    if fresh and sqlite and session.exec(select(func.max(Person.id))).one() == before + len(fresh):
        # SQLite gives rows max(rowid)+1 in insert order, and BEGIN IMMEDIATE keeps other writers out: the new ids are
        # known without reading 100k rows back (checked by the max above; otherwise read them back below).
        known.update(zip((key for key, _ in fresh), range(before + 1, before + 1 + len(fresh)), strict=True))
    elif fresh:
        for pid, name_key, birth, unit in session.connection().execute(
            select(Person.id, Person.name_key, Person.birth_year, Person.unit_id).where(Person.batch_id == batch_id)
        ):
            known[(name_key, birth, unit)] = pid
    read.update((known[key], r.gender) for key, r in fresh)
    return known, len(fresh)


def _update_titles(session: Session, wanted: dict[tuple, Record], known: dict[tuple, int],
                   titles: dict[int, str | None]) -> None:
    """Give known people the title their row writes when it differs (a few rows of a list carry one)."""
    changes = [{"pid": known[key], "t": r.title} for key, r in wanted.items()
               if r.title and key in known and titles.get(known[key]) != r.title]
    if changes:
        table = Person.__table__
        session.connection().execute(
            table.update().where(table.c.id == bindparam("pid")).values(title=bindparam("t")), changes)
