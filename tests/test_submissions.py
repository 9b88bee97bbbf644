"""Tiếp nhận hồ sơ on both engines: deadline arithmetic, the steps and who may take them, scoping by unit, the lock on
a submitted dossier's nominations, received dates, the deadline's source, the command and the exports."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session, select

from tdkt.awards import nominations as hand
from tdkt.awards.nomination_checks import validate
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core import auth
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Nomination, Role, Unit, User
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.core.submission_guard import SubmissionHeld
from tdkt.core.submission_tables import SubmissionState
from tdkt.importing.nomination_lists import commit
from tdkt.reports import overview
from tdkt.submissions import deadlines, submission_views, submissions
from tdkt.submissions.submissions import SubmissionRefused, lateness

S = SubmissionState
DEADLINE = date(2024, 12, 15)  # the 2024 plan's (III.1), read from its text by the seed
UNIT = "Phòng Quản lý Công nghiệp"  # the seeded unit account's
OTHER = "Thanh tra Sở"


def unit_id(engine, name: str) -> int:
    with read_session(engine) as session:
        return session.exec(select(Unit.id).where(Unit.name == name)).one()


@pytest.fixture
def other_unit_actor(engine) -> Actor:
    """A unit account of Thanh tra Sở."""
    with write_session(engine) as session:
        user = User(username="thanhtra", display_name="Cán bộ Thanh tra", role=Role.DON_VI,
                    unit_id=session.exec(select(Unit.id).where(Unit.name == OTHER)).one(),
                    password_hash=auth.hash_password("MatKhau2024"), must_change_password=False)
        session.add(user)
        session.flush()
        return Actor.of(user)


def step(engine, function, actor, **kwargs):
    with write_session(engine) as session:
        return function(session, actor, year=2024, **kwargs)


def states(engine, today: date, actor: Actor | None = None) -> dict[str, submissions.UnitState]:
    with read_session(engine) as session:
        return {s.unit: s for s in submissions.unit_states(session, year=2024, today=today, actor=actor)}


def import_list(engine, actor: Actor, names: list[str], *, unit: str = UNIT, received: date | None = None,
                sha: str = "a") -> int:
    parsed = [ParsedRow(sheet="DS", row=5 + i, target="ca_nhan", name=name, gender="Nữ", birth_year=1980 + i,
                        position="Chuyên viên", unit=unit, award="LĐTT") for i, name in enumerate(names)]
    with write_session(engine) as session:
        records, _ = validate(session, parsed, file="ds.xlsx", year=2024)
        return commit.commit_batch(session, actor, file_name="ds.xlsx", sha256=sha * 64, records=records, year=2024,
                                   sheets=["DS"], received_on=received).batch_id


def add_by_hand(engine, actor: Actor, name: str, *, unit: str = UNIT) -> int:
    with write_session(engine) as session:
        nomination, _ = hand.add(session, actor, hand.NominationInput(year=2024, target="ca_nhan", name=name,
                                                                      award="LĐTT", unit=unit, birth_year=1990))
        return nomination.id


def test_lateness_on_the_deadline_day_is_on_time():
    on_day = lateness(S.DA_NOP, submitted_on=DEADLINE, deadline=DEADLINE, today=DEADLINE + timedelta(days=9))
    day_after = lateness(S.DA_TIEP_NHAN, submitted_on=DEADLINE + timedelta(days=1), deadline=DEADLINE,
                         today=DEADLINE + timedelta(days=9))
    waiting = lateness(S.CHUA_NOP, submitted_on=None, deadline=DEADLINE, today=DEADLINE)
    returned = lateness(S.TRA_LAI, submitted_on=DEADLINE, deadline=DEADLINE, today=DEADLINE + timedelta(days=4))
    assert (on_day, day_after, waiting, returned) == ((None, None), (1, None), (None, 0), (4, None))


def test_submitted_on_the_deadline_is_on_time_the_day_after_late(engine, actors, other_unit_actor):
    step(engine, submissions.submit, actors["don_vi"], today=DEADLINE)
    step(engine, submissions.submit, other_unit_actor, today=DEADLINE + timedelta(days=1))
    found = states(engine, today=date(2025, 1, 10))
    assert [(found[u].state, found[u].date, found[u].days_late) for u in (UNIT, OTHER)] == [
        (S.DA_NOP, DEADLINE, None), (S.DA_NOP, DEADLINE + timedelta(days=1), 1)]


def test_returned_and_resubmitted_after_the_deadline_is_late(engine, actors):
    office, unit = actors["van_phong"], actors["don_vi"]
    step(engine, submissions.submit, unit, today=date(2024, 12, 10))
    step(engine, submissions.send_back, office, unit_id=unit.unit_id, reason="Thiếu biên bản họp bình xét.",
         today=date(2024, 12, 12))
    returned = states(engine, today=date(2024, 12, 17))[UNIT]
    assert (returned.state, returned.reason, returned.days_late, returned.submitted_on) == (
        S.TRA_LAI, "Thiếu biên bản họp bình xét.", 2, date(2024, 12, 10))
    step(engine, submissions.submit, unit, today=date(2024, 12, 18))
    step(engine, submissions.accept, office, unit_id=unit.unit_id, today=date(2024, 12, 20))
    accepted = states(engine, today=date(2025, 3, 1))[UNIT]
    assert (accepted.state, accepted.date, accepted.submitted_on, accepted.days_late, accepted.by) == (
        S.DA_TIEP_NHAN, date(2024, 12, 20), date(2024, 12, 18), 3, "Văn phòng Sở")


def test_a_unit_that_has_not_submitted_counts_days_late_to_today(engine):
    before, after = states(engine, today=date(2024, 12, 11)), states(engine, today=date(2024, 12, 20))
    assert (before[UNIT].state, before[UNIT].days_late, before[UNIT].days_left) == (S.CHUA_NOP, None, 4)
    assert (after[UNIT].days_late, after[UNIT].days_left, after[UNIT].date) == (5, None, None)
    assert list(after) == ["Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Năng lượng",
                           "Phòng Quản lý Thương mại", "Trung tâm Khuyến công", "Công đoàn cơ sở Sở Công Thương"]


def test_a_unit_cannot_see_or_change_another_units_submission(engine, actors, other_unit_actor):
    unit, other_id = actors["don_vi"], other_unit_actor.unit_id
    step(engine, submissions.submit, other_unit_actor, today=date(2024, 12, 1))
    assert list(states(engine, today=DEADLINE, actor=unit)) == [UNIT]
    with read_session(engine) as session:
        for look in (lambda: submissions.history(session, unit, year=2024, unit_id=other_id),
                     lambda: submission_views.unit_nominations(session, unit, year=2024, unit_id=other_id),
                     lambda: submissions.unit_states(session, year=2024, today=DEADLINE, actor=unit,
                                                     unit_id=other_id)):
            with pytest.raises(PermissionDenied):
                look()
    for function, extra in ((submissions.submit, {}), (submissions.recall, {}),
                            (submissions.accept, {}), (submissions.send_back, {"reason": "x"})):
        with pytest.raises(PermissionDenied):
            step(engine, function, unit, unit_id=other_id, **extra)
    with pytest.raises(PermissionDenied):  # nor does leadership take steps
        step(engine, submissions.accept, actors["lanh_dao"], unit_id=other_id)
    assert states(engine, today=DEADLINE)[OTHER].state == S.DA_NOP


def test_recall_only_before_acceptance(engine, actors):
    office, unit = actors["van_phong"], actors["don_vi"]
    with pytest.raises(SubmissionRefused, match="“Chưa nộp”: không thu hồi được"):
        step(engine, submissions.recall, unit)
    step(engine, submissions.submit, unit, today=date(2024, 12, 1))
    step(engine, submissions.recall, unit, reason="Bổ sung một đề nghị.", today=date(2024, 12, 2))
    assert states(engine, today=DEADLINE)[UNIT].state == S.THU_HOI
    with pytest.raises(SubmissionRefused, match="“Thu hồi”"):
        step(engine, submissions.accept, office, unit_id=unit.unit_id)
    step(engine, submissions.submit, unit, today=date(2024, 12, 3))
    step(engine, submissions.accept, office, unit_id=unit.unit_id, today=date(2024, 12, 4))
    with pytest.raises(SubmissionRefused, match="đã được Văn phòng Sở tiếp nhận ngày 04/12/2024: không thu hồi"):
        step(engine, submissions.recall, unit)
    with pytest.raises(SubmissionRefused, match="không trả lại được"):
        step(engine, submissions.send_back, office, unit_id=unit.unit_id, reason="Muộn.")
    with read_session(engine) as session:
        steps = submissions.history(session, office, year=2024, unit_id=unit.unit_id)
        logged = session.exec(select(AuditLog.action).where(AuditLog.entity == "ho_so_don_vi")
                              .order_by(AuditLog.id)).all()
    assert [(s["state"], s["date"], s["reason"]) for s in steps] == [
        ("da_nop", date(2024, 12, 1), None), ("thu_hoi", date(2024, 12, 2), "Bổ sung một đề nghị."),
        ("da_nop", date(2024, 12, 3), None), ("da_tiep_nhan", date(2024, 12, 4), None)]
    assert logged == ["nop_ho_so", "thu_hoi_ho_so", "nop_ho_so", "tiep_nhan_ho_so"]


def test_a_return_needs_a_reason(engine, actors):
    step(engine, submissions.submit, actors["don_vi"], today=date(2024, 12, 1))
    with pytest.raises(SubmissionRefused, match="Nhập lý do trả lại"):
        step(engine, submissions.send_back, actors["van_phong"], unit_id=actors["don_vi"].unit_id, reason=" \n ")
    assert states(engine, today=DEADLINE)[UNIT].state == S.DA_NOP


def test_received_dates_follow_the_latest_submit_and_the_offices_imports_keep_theirs(engine, actors):
    office, unit = actors["van_phong"], actors["don_vi"]
    import_list(engine, office, ["Lê Thị Hoa"], received=date(2024, 11, 20), sha="b")
    import_list(engine, unit, ["Nguyễn Thị Minh", "Trần Thị Lan"], received=date(2024, 11, 25))
    add_by_hand(engine, unit, "Hoàng Văn Nam")

    def dates():
        with read_session(engine) as session:
            rows = session.exec(select(Nomination.id, Nomination.received_on).order_by(Nomination.id)).all()
        return [d for _, d in rows]

    step(engine, submissions.submit, unit, today=date(2024, 12, 5))
    assert dates() == [date(2024, 11, 20), date(2024, 12, 5), date(2024, 12, 5), date(2024, 12, 5)]
    step(engine, submissions.send_back, office, unit_id=unit.unit_id, reason="Sửa chức vụ.", today=date(2024, 12, 6))
    step(engine, submissions.submit, unit, today=date(2024, 12, 16))
    assert dates() == [date(2024, 11, 20), date(2024, 12, 16), date(2024, 12, 16), date(2024, 12, 16)]
    assert states(engine, today=date(2024, 12, 20))[UNIT].nominations == 4


def test_a_submitted_dossier_cannot_be_changed_by_its_unit_but_by_the_office(engine, actors, other_unit_actor):
    office, unit = actors["van_phong"], actors["don_vi"]
    batch = import_list(engine, unit, ["Nguyễn Thị Minh"])
    mine = add_by_hand(engine, unit, "Hoàng Văn Nam")
    step(engine, submissions.submit, unit, today=date(2024, 12, 5))
    held = "đã nộp ngày 05/12/2024 và đang chờ Văn phòng Sở tiếp nhận"
    with pytest.raises(SubmissionHeld, match=held):
        add_by_hand(engine, unit, "Đỗ Văn Long")
    with pytest.raises(SubmissionHeld, match=held):
        import_list(engine, unit, ["Đỗ Văn Long"], sha="c")
    with pytest.raises(SubmissionHeld, match=held), write_session(engine) as session:
        commit.undo_batch(session, unit, batch_id=batch)
    change = hand.NominationInput(year=2024, target="ca_nhan", name="Hoàng Văn Nam", award="CSTĐCS", unit=UNIT,
                                  birth_year=1990)
    with pytest.raises(SubmissionHeld, match=held), write_session(engine) as session:
        hand.edit(session, unit, nomination_id=mine, data=change)
    with write_session(engine) as session:  # the Office may, and another unit's own list is not held
        hand.edit(session, office, nomination_id=mine, data=change)
    add_by_hand(engine, other_unit_actor, "Vũ Thị Mai", unit=OTHER)
    step(engine, submissions.accept, office, unit_id=unit.unit_id, today=date(2024, 12, 6))
    with pytest.raises(SubmissionHeld, match="đã được Văn phòng Sở tiếp nhận ngày 06/12/2024"):
        add_by_hand(engine, unit, "Đỗ Văn Long")
    add_by_hand(engine, office, "Đỗ Văn Long")
    assert states(engine, today=DEADLINE)[UNIT].nominations == 3


def test_after_a_recall_or_a_return_the_unit_changes_and_submits_again(engine, actors):
    office, unit = actors["van_phong"], actors["don_vi"]
    step(engine, submissions.submit, unit, today=date(2024, 12, 1))
    step(engine, submissions.recall, unit, today=date(2024, 12, 2))
    add_by_hand(engine, unit, "Nguyễn Thị Minh")
    step(engine, submissions.submit, unit, today=date(2024, 12, 3))
    step(engine, submissions.send_back, office, unit_id=unit.unit_id, reason="Thiếu tờ trình.",
         today=date(2024, 12, 4))
    add_by_hand(engine, unit, "Trần Văn Bình")
    step(engine, submissions.submit, unit, today=date(2024, 12, 5))
    with pytest.raises(SubmissionRefused, match="“Đã nộp” từ ngày 05/12/2024: không nộp lại được"):
        step(engine, submissions.submit, unit, today=date(2024, 12, 6))
    with read_session(engine) as session:
        steps = submissions.history(session, unit, year=2024, unit_id=unit.unit_id)
    assert [(s["state_label"], s["nominations"]) for s in steps] == [
        ("Đã nộp", 0), ("Thu hồi", 0), ("Đã nộp", 1), ("Trả lại", 1), ("Đã nộp", 2)]


def test_the_deadline_is_the_plans_the_offices_or_15_12(engine, actors):
    with read_session(engine) as session:
        assert (deadlines.deadline_of(session, year=2024).source, deadlines.deadline(session, year=2024)) == (
            "ke_hoach", DEADLINE)
        assert deadlines.deadline_of(session, year=2031) == deadlines.Deadline(2031, date(2031, 12, 15), "mac_dinh")
    with pytest.raises(PermissionDenied):
        step(engine, deadlines.set_deadline, actors["don_vi"], day=date(2024, 12, 20))
    with pytest.raises(Exception, match="phải nằm trong năm 2024 hoặc năm 2025"):
        step(engine, deadlines.set_deadline, actors["van_phong"], day=date(2023, 12, 20))
    step(engine, deadlines.set_deadline, actors["van_phong"], day=date(2024, 12, 20))
    step(engine, submissions.submit, actors["don_vi"], today=date(2024, 12, 19))
    with read_session(engine) as session:
        assert overview.dossier_deadline(session, year=2024) == date(2024, 12, 20)
    assert states(engine, today=date(2024, 12, 25))[UNIT].days_late is None
    step(engine, deadlines.set_deadline, actors["van_phong"], day=None)
    assert states(engine, today=date(2024, 12, 25))[UNIT].days_late == 4
    with read_session(engine) as session:
        logged = session.exec(select(AuditLog.summary).where(AuditLog.action == "han_nop_ho_so")).all()
    assert logged == ["Hạn nộp hồ sơ khen thưởng năm 2024: 15/12/2024 → 20/12/2024 (do Văn phòng Sở đặt).",
                      "Hạn nộp hồ sơ khen thưởng năm 2024: 20/12/2024 → 15/12/2024 (theo kế hoạch TĐKT)."]


def test_tong_quan_watches_the_units_not_submitted_from_30_days_before(engine, actors):
    step(engine, submissions.submit, actors["don_vi"], today=date(2024, 11, 20))
    with read_session(engine) as session:
        early = submissions.watch(session, year=2024, today=date(2024, 11, 14))
        watched = submissions.watch(session, year=2024, today=date(2024, 11, 15))
        own = submissions.watch(session, year=2024, today=date(2024, 11, 15), actor=actors["don_vi"])
    assert early is None
    assert len(watched) == 6 and UNIT not in [s.unit for s in watched]
    assert {s.days_left for s in watched} == {30} and own == []


def test_the_command_prints_every_unit_as_json_and_as_a_table(engine, actors, db_url, monkeypatch):
    add_by_hand(engine, actors["don_vi"], "Nguyễn Thị Minh")
    step(engine, submissions.submit, actors["don_vi"], today=date(2024, 12, 17))
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    result = CliRunner().invoke(cli, ["submissions", "--year", "2024", "--json", "--as-of", "20/12/2024"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["year"], data["deadline"], len(data["units"])) == (2024, "15/12/2024", 7)
    mine = next(u for u in data["units"] if u["unit"] == UNIT)
    thanh_tra = next(u for u in data["units"] if u["unit"] == OTHER)
    assert {k: mine[k] for k in ("state", "date", "days_late", "nominations")} == {
        "state": "Đã nộp", "date": "17/12/2024", "days_late": 2, "nominations": 1}
    assert isinstance(mine["missing_documents"], list)
    assert {k: thanh_tra[k] for k in ("state", "date", "days_late", "nominations")} == {
        "state": "Chưa nộp", "date": None, "days_late": 5, "nominations": 0}
    text = CliRunner().invoke(cli, ["submissions", "--year", "2024", "--as-of", "20/12/2024"])
    assert text.exit_code == 0
    assert "hạn nộp 15/12/2024, tính đến 20/12/2024" in text.output
    assert any(line.startswith(UNIT) and "Đã nộp" in line and "Trễ 2 ngày" in line for line in text.output.splitlines())
    assert "1/7 đơn vị đã nộp" in text.output


def test_the_lists_export_to_xlsx_with_vietnamese_headers(engine, actors):
    add_by_hand(engine, actors["don_vi"], "Nguyễn Thị Minh")
    step(engine, submissions.submit, actors["don_vi"], today=date(2024, 12, 3))
    found = list(states(engine, today=date(2024, 12, 20)).values())
    with Session(engine) as session:
        steps = submissions.history(session, actors["van_phong"], year=2024, unit_id=actors["don_vi"].unit_id)
        listed = submission_views.unit_nominations(session, actors["van_phong"], year=2024,
                                                   unit_id=actors["don_vi"].unit_id)
    sheet = load_workbook(io.BytesIO(submission_views.states_workbook(found, year=2024, deadline=DEADLINE))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tình hình nộp hồ sơ khen thưởng năm 2024 — hạn nộp 15/12/2024"
    assert rows[2][:7] == ("Đơn vị", "Loại đơn vị", "Trạng thái", "Ngày", "Người thực hiện", "Hạn nộp",
                           "Đúng hạn / trễ hạn")
    assert rows[5][:4] == (UNIT, "Phòng chuyên môn", "Đã nộp", "03/12/2024")
    book = load_workbook(io.BytesIO(submission_views.history_workbook(UNIT, 2024, steps, listed)))
    assert [list(r)[:2] for r in book["Lịch sử"].iter_rows(min_row=4, values_only=True)] == [["Đã nộp", "03/12/2024"]]
    assert [list(r)[:4] for r in book["Đề nghị"].iter_rows(min_row=4, values_only=True)] == [
        ["Nguyễn Thị Minh", "Lao động tiên tiến", "Đề nghị", "03/12/2024"]]
