"""The statistics pages' queries cut for bench/pages.py at 1M nominations (#20) give what they gave: Hồ sơ đề nghị's
unit filter read from the tallies in one statement, the money of decisions without a date through their own index."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from tdkt.awards import dossiers
from tdkt.awards.money import decided_money
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Nomination, NominationStatus, Role, Unit
from tests.test_dossiers import add_nominations

DECIDED = NominationStatus.CO_QUYET_DINH.value


def test_the_unit_filter_names_listed_units_and_the_texts_of_unlisted_ones(engine, actors):
    office = actors[Role.VAN_PHONG]
    [_, unlisted] = add_nominations(engine, [("Tổ Tổng hợp", None), ("Đội Ong", None)], award="TTLDTT",
                                         collective=True)
    add_nominations(engine, [("Trạm Khuyến công", None)], award="TTLDTT", collective=True, year=2023)
    with write_session(engine) as session:
        first_unit = session.exec(select(Unit.name).order_by(Unit.id)).first()
        row = session.get(Nomination, unlisted)
        row.unit_id, row.unit_text = None, "Hợp tác xã Ngoài danh sách"
        session.add(row)
    with read_session(engine) as session:
        awards, units = dossiers.choices(session, year=2024, actor=office)
        _, earlier = dossiers.choices(session, year=2023, actor=office)
    assert units == sorted([first_unit, "Hợp tác xã Ngoài danh sách"]) and awards == ["Tập thể lao động tiên tiến"]
    assert earlier == [first_unit]  # no unlisted unit in 2023: its texts are not read


def test_decisions_without_a_date_are_priced_at_the_years_end_through_their_own_index(engine):
    [dated, undated] = add_nominations(engine, [("Tổ Tổng hợp", None), ("Đội Ong", None)], award="TTLDTT",
                                       collective=True)
    with write_session(engine) as session:
        for i, on in ((dated, date(2024, 12, 31)), (undated, None)):
            row = session.get(Nomination, i)
            row.status, row.decision_date = DECIDED, on
            session.add(row)
    with read_session(engine) as session:
        both = decided_money(session, year=2024)
    with write_session(engine) as session:
        session.delete(session.get(Nomination, undated))
    with read_session(engine) as session:
        one = decided_money(session, year=2024)
    indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("nomination")}
    assert one > 0 and both == 2 * one
    assert indexes["ix_nomination_undated_decisions"]["column_names"] == ["year"]
