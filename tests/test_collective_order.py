"""Collectives and households sort by their name as written, people by given name: `text.collective_order` compares as
`sort_key` does, every write path stores it, and the database, Hồ sơ đề nghị and Tiếp nhận hồ sơ agree on one order."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select

from tdkt.awards import dossiers
from tdkt.core.db import bulk_insert_rows, read_session, write_session
from tdkt.core.models import Nomination, NominationStatus, Person, Role
from tdkt.core.text import collective_order, nfc, nominee_order, sort_key
from tdkt.submissions import submission_views
from tests.test_dossiers import add_nominations
from tests.test_name_order import _LETTERS


def _sign(a, b) -> int:
    return (a > b) - (a < b)


def test_collective_order_compares_every_pair_as_sort_key_does():
    rng = random.Random(20)
    names = [" ".join("".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 4)))
             for _ in range(3_000)]
    names += ["Trung tâm Khuyến công", "Trung tâm", "Trung tâm Khuyến công 2", "trung TÂM khuyến Công", "Tổ A", "Tổ",
              "Đội Ô tô", "Đội Ong", "Đội O", "Gia đình ông Lê Văn Hải", "x\u0300 y"]
    names = [n for n in names if nfc(n)]
    keys = [collective_order(n) for n in names]
    assert all("\x00" not in k for k in keys)  # PostgreSQL text holds no NUL
    for _ in range(15_000):
        i, j = rng.randrange(len(names)), rng.randrange(len(names))
        assert _sign(keys[i], keys[j]) == _sign(sort_key(names[i]), sort_key(names[j])), (names[i], names[j])
    assert collective_order("") is None and collective_order(None) is None
    assert nominee_order(None, individual=False) == "" and nominee_order("Lê An", individual=True) > ""


def test_the_database_sorts_collectives_and_households_as_written_and_people_by_given_name(engine, actors):
    office = actors[Role.VAN_PHONG]
    add_nominations(engine, [("Nguyễn Văn Hải", None), ("Lê Thị Anh", None)])
    [centre, team] = add_nominations(engine, [("Trung tâm Khuyến công", None), ("Tổ A", None)], award="TTLDTT",
                                     collective=True)
    with write_session(engine) as session:
        renamed = session.get(Nomination, team)
        renamed.collective_name = "Phòng Kế hoạch - Tài chính"  # the ORM's update event
        session.add(renamed)
        award_id, unit_id = renamed.award_id, renamed.unit_id
        connection = session.connection()
        person = connection.execute(select(func.max(Person.id))).scalar_one() + 1
        bulk_insert_rows(connection, Person.__table__, ("id", "full_name", "name_key", "unit_id"),
                         [(person, "Trần Văn Giang", "tran van giang", unit_id)])
        bulk_insert_rows(connection, Nomination.__table__, ("person_id", "collective_name", "target"),
                         [(person, None, "ca_nhan"), (None, "Công ty Điện lực", "tap_the"),
                          (None, "Đội Ô tô", "tap_the"), (None, "Gia đình ông Lê Văn Hải", "ho_gia_dinh")],
                         constants={"year": 2024, "unit_id": unit_id, "award_id": award_id,
                                    "status": NominationStatus.DE_NGHI.value, "created_at": datetime.now(UTC)})
    with read_session(engine) as session:
        stored = dict(session.exec(select(Nomination.collective_name, Nomination.name_order)
                                   .where(Nomination.collective_name.is_not(None))).all())
        whole = dossiers.table(session, year=2024, actor=office)
        order = dossiers.ordered(session, year=2024, actor=office)
        dossier = submission_views.unit_nominations(session, office, year=2024, unit_id=unit_id)
    assert stored == {n: collective_order(n) for n in stored} and len(stored) == 5
    expected = ["Công ty Điện lực", "Đội Ô tô", "Phòng Kế hoạch - Tài chính", "Trung tâm Khuyến công",  # as written
                # then people by given name; a household by its first word ("Gia" before "Giang")
                "Lê Thị Anh", "Gia đình ông Lê Văn Hải", "Trần Văn Giang", "Nguyễn Văn Hải"]
    assert list(whole.name) == expected
    assert order == tuple(int(i) for i in whole.id) and centre in order
    assert list(dossier.name) == expected
