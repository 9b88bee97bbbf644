"""A bulk insert of nominations counts by gender the genders its caller hands (the importer's, just read or inserted)
and reads back only the others'; the importer hands all of them, on both engines."""

from __future__ import annotations

from sqlmodel import select

from tdkt.core import tally
from tdkt.core.db import bulk_insert_rows, read_session
from tdkt.core.models import Award, Nomination, Person, Unit, utcnow
from tests.test_tally_people import by_gender, in_step


def test_handed_genders_are_not_read_back_and_the_others_are(engine, monkeypatch):
    with read_session(engine) as session:
        award = session.exec(select(Award.id).where(Award.code == "TTLDTT")).one()
        unit = session.exec(select(Unit.id)).first()
        start = session.exec(select(Person.id).order_by(Person.id.desc())).first() or 0
    people = [(start + 1 + i, f"Người Thứ {i}", f"nguoi thu {i}", ("Nam", "Nữ", None)[i % 3], unit) for i in range(6)]
    read: list[list[int]] = []
    real = tally._genders
    monkeypatch.setattr(tally, "_genders", lambda connection, ids: read.append(list(ids)) or real(connection, ids))
    with engine.begin() as connection:
        bulk_insert_rows(connection, Person.__table__, ("id", "full_name", "name_key", "gender", "unit_id"), people)
        rows = [(2024, "ca_nhan", p[0], unit, award) for p in people]
        handed = {p[0]: p[3] for p in people[:4]}
        bulk_insert_rows(connection, Nomination.__table__, ("year", "target", "person_id", "unit_id", "award_id"),
                         rows, constants={"status": "de_nghi", "created_at": utcnow()}, genders=handed)
    assert read == [[p[0] for p in people[4:]]]  # only the persons whose gender was not handed
    assert in_step(engine) == {}
    with read_session(engine) as session:
        counts = by_gender(session)
    assert (counts["Nam"][0], counts["Nữ"][0]) == (2, 2)
