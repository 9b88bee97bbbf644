"""The gender and collective tallies (tdkt.core.tally) follow every kind of write, a person's gender edited on its own
too, and Thống kê's counts by gender and small-collective share read from them equal those counted from the
nominations, on both engines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import event, update
from sqlmodel import Session, select

from tdkt.awards import stats
from tdkt.core import tally
from tdkt.core.db import bulk_insert_rows, read_session, write_session
from tdkt.core.models import Award, Nomination, Person, Unit, UnitKind
from tests.test_dossiers import add_nominations


def in_step(engine) -> dict:
    with engine.connect() as connection:
        return tally.differences(connection)


def tables_read(engine, compute) -> set[str]:
    """The tables the statements of compute(session) name (a unit filter aside, the nominations are not read)."""
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        with read_session(engine) as session:
            compute(session)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return {name for statement in seen for name in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement)}


def by_gender(session: Session, **filters) -> dict[str, tuple[int, int]]:
    frame = stats.counts(session, dimension="gender", year=2024, **filters)
    return {r.key: (r.nominations, r.decisions) for r in frame.itertuples()}


def collectives(session: Session, **filters) -> list[tuple[str, int]]:
    frame = stats.shares(session, year=2024, **filters)
    return [(r.part, r.n) for r in frame.itertuples() if r.group == "Tập thể"]


def test_a_persons_gender_edited_alone_moves_the_counts_by_gender(engine):
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None), ("Hà Văn Cường", None)])
    with write_session(engine) as session:
        people = [session.get(Nomination, i).person_id for i in ids]
        for person_id, gender in zip(people, ("Nam", "Nữ", None), strict=True):
            person = session.get(Person, person_id)
            person.gender = gender  # the person only: the nominations are not touched
            session.add(person)
        session.get(Nomination, ids[0]).status = "co_quyet_dinh"
    assert in_step(engine) == {}
    with read_session(engine) as session:
        assert by_gender(session) == {"Nam": (1, 1), "Nữ": (1, 0)}
    assert "nomination" not in tables_read(engine, by_gender)  # nor the persons
    with write_session(engine) as session:  # a statement on the person table, then a nomination moved to another
        session.execute(update(Person).where(Person.id == people[2]).values(gender="Nữ"))
        session.execute(update(Person).where(Person.id.in_(people[:2])).values(position="Chuyên viên"))
        session.get(Nomination, ids[1]).person_id = people[0]
    assert in_step(engine) == {}
    with read_session(engine) as session:
        unit = session.get(Nomination, ids[0]).unit_id
        assert by_gender(session) == {"Nam": (2, 1), "Nữ": (1, 0)} == by_gender(session, unit_id=unit)
    with Session(engine) as session:  # a plain session: the person's gender and a new nomination in one flush
        person = session.get(Person, people[0])
        person.gender = "Nữ"
        session.add(Nomination(year=2024, target="ca_nhan", person_id=people[0], award_id=session.get(
            Nomination, ids[0]).award_id, unit_id=unit))
        session.commit()
    assert in_step(engine) == {}
    with read_session(engine) as session:
        assert by_gender(session) == {"Nam": (0, 0), "Nữ": (4, 1)} == by_gender(session, unit_id=unit)


def test_the_small_collectives_share_follows_names_and_the_units_of_unnamed_collectives(engine):
    with read_session(engine) as session:
        award = session.exec(select(Award.id).where(Award.code == "TTLDTT")).one()
        phong = session.exec(select(Unit.id).where(Unit.kind == UnitKind.PHONG.value)).first()
    names = ["year", "target", "collective_name", "unit_id", "award_id", "status", "decision_date", "created_at"]
    made, decided = datetime(2024, 12, 31, tzinfo=UTC), date(2024, 12, 20)
    rows = [(2024, "tap_the", name, phong, award, "co_quyet_dinh", decided, made)
            for name in ("Tổ Tổng hợp", "Công ty Điện lực", None, "  ")]  # the last two: by their unit (a phòng)
    with engine.begin() as connection:  # the importer's path
        bulk_insert_rows(connection, Nomination.__table__, names, rows)
    assert in_step(engine) == {}
    with read_session(engine) as session:
        assert collectives(session) == [(stats.SMALL_COLLECTIVE, 3), (stats.OTHER_COLLECTIVE, 1)]
        assert collectives(session, unit_id=phong) == collectives(session) == collectives(session, award_id=award)
        renamed = session.exec(select(Nomination.id).where(Nomination.collective_name == "Tổ Tổng hợp")).one()
    assert "nomination" not in tables_read(engine, collectives)
    with write_session(engine) as session:  # renamed by an edit, and a name given to an unnamed one by a statement
        session.get(Nomination, renamed).collective_name = "Trung tâm Khuyến công"
        session.execute(update(Nomination).where(Nomination.collective_name.is_(None))
                        .values(collective_name="Công ty Cổ phần"))
    assert in_step(engine) == {}
    with read_session(engine) as session:
        assert collectives(session) == [(stats.SMALL_COLLECTIVE, 1), (stats.OTHER_COLLECTIVE, 3)]
        assert collectives(session, unit_id=phong) == collectives(session)
