"""Hồ sơ đề nghị: the path of a nomination, bulk moves, refusals that write nothing, permissions, the table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tdkt.awards import dossiers
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Award, Nomination, NominationStatus, Person, Role, Unit
from tdkt.core.permissions import PermissionDenied

S = NominationStatus
TODAY = date(2025, 1, 20)


def add_nominations(engine, people: list[tuple[str, str | None]], *, award: str = "LDTT", year: int = 2024,
                    collective: bool = False) -> list[int]:
    """Insert nominations at "Đề nghị" for (name, unit name or None = first unit); return their ids."""
    ids = []
    with write_session(engine) as session:
        award_id = session.exec(select(Award.id).where(Award.code == award)).one()
        first_unit = session.exec(select(Unit).order_by(Unit.id)).first()
        for name, unit_name in people:
            unit = session.exec(select(Unit).where(Unit.name == unit_name)).one() if unit_name else first_unit
            if collective:
                n = Nomination(year=year, target="tap_the", collective_name=name, unit_id=unit.id, award_id=award_id)
            else:
                person = Person(full_name=name, name_key=name.lower(), unit_id=unit.id)
                session.add(person)
                session.flush()
                n = Nomination(year=year, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award_id)
            session.add(n)
            session.flush()
            ids.append(n.id)
    return ids


def state(engine, ids: list[int]) -> list[tuple]:
    with read_session(engine) as session:
        return [(n.status, n.votes_for, n.council_members, n.submitted_on, n.decision_number, n.decision_date,
                 n.decision_authority) for n in (session.get(Nomination, i) for i in ids)]


def audit_count(engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(AuditLog).where(AuditLog.action == "xu_ly_ho_so")).all())


def move(engine, actor, ids, to, **fields) -> int:
    with write_session(engine) as session:
        return dossiers.advance(session, actor, nomination_ids=ids, to=to, today=TODAY, **fields)


DECISION = {"decision_number": "123/QĐ-UBND", "decision_date": date(2025, 1, 15),
            "decision_authority": "UBND tỉnh Lạng Sơn"}


def test_one_nomination_goes_the_whole_path(engine, actors):
    office = actors[Role.VAN_PHONG]
    [i] = add_nominations(engine, [("Nguyễn Thị Minh", None)])
    assert move(engine, office, [i], S.HOI_DONG, votes_for=12, council_members=15) == 1
    assert state(engine, [i]) == [("hoi_dong_da_xet", 12, 15, None, None, None, None)]
    move(engine, office, [i], S.DA_TRINH, submitted_on=date(2025, 1, 5))
    move(engine, office, [i], S.CO_QUYET_DINH, **DECISION)
    assert state(engine, [i]) == [("co_quyet_dinh", 12, 15, date(2025, 1, 5), "123/QĐ-UBND", date(2025, 1, 15),
                                   "UBND tỉnh Lạng Sơn")]
    assert audit_count(engine) == 3
    with read_session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "xu_ly_ho_so").order_by(AuditLog.id)).all()[-1]
        frame = dossiers.table(session, year=2024, actor=office)
    assert '"status": "da_trinh"' in entry.before and '"status": "co_quyet_dinh"' in entry.after
    assert frame[["name", "award", "status_label", "votes", "decision"]].values.tolist() == [
        ["Nguyễn Thị Minh", "Lao động tiên tiến", "Có quyết định", "12/15 (80%)",
         "số 123/QĐ-UBND ngày 15/01/2025, UBND tỉnh Lạng Sơn"]]


def test_bulk_move_of_three_and_correction_back(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None), ("Hà Văn Cường", None)])
    assert move(engine, office, ids, S.HOI_DONG, votes_for=10, council_members=15) == 3
    assert [s[0] for s in state(engine, ids)] == ["hoi_dong_da_xet"] * 3
    assert move(engine, office, ids[:1], S.DE_NGHI) == 1
    assert state(engine, ids[:1]) == [("de_nghi", None, None, None, None, None, None)]
    assert move(engine, office, ids[1:], S.KHONG_DUYET) == 2
    assert audit_count(engine) == 6
    with read_session(engine) as session:
        assert dossiers.counts(session, year=2024, actor=office) == {
            S.DE_NGHI: 1, S.HOI_DONG: 0, S.DA_TRINH: 0, S.CO_QUYET_DINH: 0, S.KHONG_DUYET: 2}


@pytest.mark.parametrize(("setup", "to", "fields", "expected"), [
    ([], S.DA_TRINH, {}, "Trần Văn An — Lao động tiên tiến: đang ở bước “Đề nghị”"),
    ([], S.CO_QUYET_DINH, DECISION, "chỉ chuyển được sang “Hội đồng đã xét” hoặc “Không được duyệt”"),
    ([S.HOI_DONG, S.DA_TRINH], S.HOI_DONG, {"votes_for": 5, "council_members": 9}, "Lê Thị Bình — Lao động tiên tiến"),
    ([S.HOI_DONG, S.DA_TRINH], S.CO_QUYET_DINH, {**DECISION, "decision_number": " "}, "Cần nhập số quyết định."),
    ([S.HOI_DONG, S.DA_TRINH], S.CO_QUYET_DINH, {**DECISION, "decision_date": date(2025, 2, 1)}, "chưa đến"),
    ([S.HOI_DONG, S.DA_TRINH], S.CO_QUYET_DINH, {**DECISION, "decision_authority": None}, "cơ quan ban hành"),
    ([], S.HOI_DONG, {"votes_for": 16, "council_members": 15}, "không được lớn hơn số thành viên Hội đồng (15)"),
    ([], S.HOI_DONG, {"votes_for": 0, "council_members": 15}, "số phiếu đồng ý"),
])
def test_refused_moves_write_nothing_and_say_why(engine, actors, setup, to, fields, expected):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    steps = {S.HOI_DONG: {"votes_for": 9, "council_members": 9}, S.DA_TRINH: {}}
    for step in setup:
        move(engine, office, ids, step, **steps[step])
    before, logged = state(engine, ids), audit_count(engine)
    with pytest.raises(dossiers.DossierError) as caught:
        move(engine, office, ids, to, **fields)
    assert expected in str(caught.value)
    assert state(engine, ids) == before and audit_count(engine) == logged


def test_all_or_nothing_when_one_of_the_selection_cannot_move(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    move(engine, office, ids[:1], S.KHONG_DUYET)
    with pytest.raises(dossiers.DossierError) as caught:
        move(engine, office, ids, S.HOI_DONG, votes_for=8, council_members=9)
    message = str(caught.value)
    assert "Trần Văn An — Lao động tiên tiến: đang ở bước “Không được duyệt”, đã kết thúc" in message
    assert "Lê Thị Bình" not in message
    assert [s[0] for s in state(engine, ids)] == ["khong_duoc_duyet", "de_nghi"]


@pytest.mark.parametrize("role", [Role.DON_VI, Role.LANH_DAO, Role.QUAN_TRI])
def test_only_the_office_moves_nominations(engine, actors, role):
    ids = add_nominations(engine, [("Trần Văn An", None)])
    with pytest.raises(PermissionDenied):
        move(engine, actors[role], ids, S.KHONG_DUYET)
    assert state(engine, ids)[0][0] == "de_nghi" and audit_count(engine) == 0


def test_table_filters_sorts_and_limits_a_unit_user(engine, actors):
    office, unit_actor = actors[Role.VAN_PHONG], actors[Role.DON_VI]
    with Session(engine) as session:
        own = session.get(Unit, unit_actor.unit_id).name
        other = session.exec(select(Unit.name).where(Unit.id != unit_actor.unit_id).order_by(Unit.id)).first()
    ids = add_nominations(engine, [("Đặng Văn Ân", own), ("Nguyễn Thị Minh", other), ("Trần Văn Bình", own)])
    add_nominations(engine, [(own, own)], award="TTLDTT", collective=True)
    add_nominations(engine, [("Người Năm Khác", own)], year=2023)
    move(engine, office, ids[1:], S.HOI_DONG, votes_for=2, council_members=3)
    with read_session(engine) as session:
        everything = dossiers.table(session, year=2024, actor=office)
        assert list(everything.name) == [own, "Đặng Văn Ân", "Trần Văn Bình", "Nguyễn Thị Minh"]
        assert list(everything.votes) == ["", "", "2/3 (67%)", "2/3 (67%)"]
        assert list(dossiers.table(session, year=2024, actor=unit_actor).name) == [own, "Đặng Văn Ân", "Trần Văn Bình"]
        assert list(dossiers.table(session, year=2024, actor=office, status=S.HOI_DONG).name) == [
            "Trần Văn Bình", "Nguyễn Thị Minh"]
        assert list(dossiers.table(session, year=2024, actor=office, text="dang van an").name) == ["Đặng Văn Ân"]
        assert list(dossiers.table(session, year=2024, actor=unit_actor, text="minh").name) == []
        assert dossiers.counts(session, year=2024, actor=unit_actor)[S.HOI_DONG] == 1
