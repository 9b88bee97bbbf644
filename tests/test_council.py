"""Hội đồng TĐKT's domain on both engines: members, meeting, tallies against all members by the rule of the meeting
date, the higher titles' forecast, the move of the passed, a second round, and the sheets (all rows or none)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tdkt.core.council_tables import CouncilAttendance, CouncilVote
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Nomination, NominationStatus, Role
from tdkt.core.permissions import PermissionDenied
from tdkt.council import meetings, members, outcomes, sheet_tally, tallies
from tdkt.council.members import CouncilError, MemberInput
from tests.council_support import MEETING, council, meeting, xlsx
from tests.test_dossiers import add_nominations

S = NominationStatus
ND98 = "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"
ND152 = ("Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7 (ngưỡng giữ nguyên theo thực tiễn; chưa đối chiếu văn bản "
         "Nghị định 152/2025/NĐ-CP)")


def record(engine, actor, votes, *, round_no=1):
    with write_session(engine) as session:
        return tallies.record(session, actor, year=2024, round_no=round_no, votes=votes)


def nominees(engine, round_no=1):
    with read_session(engine) as session:
        return tallies.nominees(session, year=2024, round_no=round_no)


def state(engine, ids):
    with read_session(engine) as session:
        return [(n.status, n.votes_for, n.council_members) for n in (session.get(Nomination, i) for i in ids)]


def stored_votes(engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(CouncilVote)).all())


def test_cstdcs_fails_at_11_of_15_and_passes_at_12_of_15(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    rows = record(engine, office, {low: 11, high: 12}).set_index("nomination_id")
    assert [(rows.at[i, "votes_for"], rows.at[i, "members"], rows.at[i, "passed"], rows.at[i, "threshold"],
             rows.at[i, "basis"], rows.at[i, "forecast"]) for i in (low, high)] == [
        (11, 15, False, 80, ND98, None), (12, 15, True, 80, ND98, None)]
    assert rows.at[low, "share"] == pytest.approx(11 / 15)
    assert state(engine, [low, high]) == [("de_nghi", 11, 15), ("de_nghi", 12, 15)]


def test_a_title_decided_higher_shows_the_sos_vote_against_90_percent_as_a_forecast(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Phạm Văn Cường", None), ("Đỗ Thị Dung", None)], award="CSTD_TINH")
    rows = record(engine, office, {low: 13, high: 14}).set_index("nomination_id")
    assert [(rows.at[i, "passed"], rows.at[i, "threshold"]) for i in (low, high)] == [(False, 90), (True, 90)]
    assert rows.at[low, "forecast"] == ("Dự báo chưa đạt ngưỡng ≥ 90% của Hội đồng Thi đua - Khen thưởng tỉnh "
                                        "(86,7% phiếu đồng ý tại Hội đồng Sở)")
    assert rows.at[high, "forecast"] == ("Dự báo đạt ngưỡng ≥ 90% của Hội đồng Thi đua - Khen thưởng tỉnh "
                                         "(93,3% phiếu đồng ý tại Hội đồng Sở)")


@pytest.mark.parametrize(("on", "basis", "rule"), [(date(2025, 6, 30), ND98, "PHIEU-80-ND98"),
                                                    (date(2025, 7, 1), ND152, "PHIEU-80-ND152")])
def test_the_vote_rule_is_the_one_in_force_on_the_meeting_date(engine, actors, on, basis, rule):
    from tdkt.awards.rules.table import vote_rule

    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office, on=on)
    [n] = add_nominations(engine, [("Vũ Văn Em", None)], award="CSTDCS")
    assert record(engine, office, {n: 12}).basis.tolist() == [basis]
    assert vote_rule("CSTDCS", "ca_nhan", on=on).rule_id == rule


def test_changing_the_meeting_date_judges_the_recorded_votes_by_the_new_dates_rule(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office, on=date(2025, 6, 30))
    [n] = add_nominations(engine, [("Vũ Văn Em", None)], award="CSTDCS")
    record(engine, office, {n: 12})
    meeting(engine, office, on=date(2025, 7, 2))
    assert nominees(engine).basis.tolist() == [ND152]


def test_the_passed_and_the_titles_without_a_vote_move_the_failed_stay_with_their_votes(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    ldtt = add_nominations(engine, [("Ngô Văn Giang", None), ("Hà Thị Hoa", None)])
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    record(engine, office, {low: 11, high: 12})
    with write_session(engine) as session:
        result = outcomes.advance_passed(session, office, year=2024, round_no=1, today=MEETING)
    assert sorted(result.moved) == sorted([*ldtt, high]) and result.refused == ()
    assert state(engine, [*ldtt, high, low]) == [("hoi_dong_da_xet", None, None)] * 2 + [
        ("hoi_dong_da_xet", 12, 15), ("de_nghi", 11, 15)]
    with read_session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "xu_ly_ho_so")).one()
    assert json.loads(entry.after)["votes"] == {str(high): 12} and json.loads(entry.after)["council_members"] == 15


def test_a_second_round_votes_again_on_the_failed_only(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    record(engine, office, {low: 11, high: 12})
    with write_session(engine) as session:
        outcomes.advance_passed(session, office, year=2024, round_no=1, today=MEETING)
    meeting(engine, office, round_no=2)
    assert nominees(engine, 2).nomination_id.tolist() == [low]
    with pytest.raises(CouncilError, match="không thuộc danh sách bỏ phiếu vòng 2"):
        record(engine, office, {high: 13}, round_no=2)
    assert record(engine, office, {low: 13}, round_no=2).passed.tolist() == [True]
    with write_session(engine) as session:
        assert outcomes.advance_passed(session, office, year=2024, round_no=2, today=MEETING).moved == (low,)
    assert state(engine, [low]) == [("hoi_dong_da_xet", 13, 15)]
    assert nominees(engine, 1).set_index("nomination_id").passed.to_dict() == {low: False, high: True}


def test_votes_beyond_the_members_or_those_who_voted_record_nothing(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = council(engine, office)
    meeting(engine, office, marks={ids[-1]: "vang", ids[-2]: "vang_bo_phieu_bang_van_ban"})
    good, bad = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    with pytest.raises(CouncilError) as refused:
        record(engine, office, {good: 12, bad: 16})
    assert refused.value.problems == ["Trần Thị Bình — Chiến sĩ thi đua cơ sở: số phiếu đồng ý (16) lớn hơn tổng số "
                                      "thành viên Hội đồng (15)."]
    with pytest.raises(CouncilError, match=r"lớn hơn số thành viên bỏ phiếu \(14"):
        record(engine, office, {good: 15})
    assert stored_votes(engine) == 0 and state(engine, [good, bad]) == [("de_nghi", None, None)] * 2


def test_a_tally_needs_its_meeting_and_a_nomination_moved_on_is_not_voted_again(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    [n] = add_nominations(engine, [("Lê Văn An", None)], award="CSTDCS")
    with pytest.raises(CouncilError, match="Chưa có cuộc họp vòng 1"):
        record(engine, office, {n: 12})
    meeting(engine, office)
    record(engine, office, {n: 12})
    with write_session(engine) as session:
        outcomes.advance_passed(session, office, year=2024, round_no=1, today=MEETING)
    with pytest.raises(CouncilError, match="đã chuyển sang “Hội đồng đã xét”"):
        record(engine, office, {n: 13})


def test_unit_and_leadership_cannot_change_the_council(engine, actors):
    for role in (Role.DON_VI, Role.LANH_DAO, Role.QUAN_TRI):
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            members.replace_members(session, actors[role], year=2024, given=[MemberInput("A", "chu_tich")])
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            meetings.save_meeting(session, actors[role], year=2024, round_no=1, meeting_date=MEETING)
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            tallies.record(session, actors[role], year=2024, round_no=1, votes={1: 1})


def test_members_need_one_chair_and_their_number_is_kept_once_votes_are_recorded(engine, actors):
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session, pytest.raises(CouncilError) as refused:
        members.replace_members(session, office, year=2024, given=[
            MemberInput("Nguyễn Văn A", "uy_vien"), MemberInput("nguyen van a", "uy_vien"), MemberInput("", "uy_vien")])
    assert refused.value.problems == ["nguyen van a có hai lần trong danh sách (thứ 1 và thứ 2).",
                                      "Thành viên thứ 3: chưa có họ và tên.", "Hội đồng cần đúng một Chủ tịch."]
    ids = council(engine, office)
    meeting(engine, office, marks={ids[-1]: "vang"})
    [n] = add_nominations(engine, [("Lê Văn An", None)], award="CSTDCS")
    record(engine, office, {n: 12})
    with write_session(engine) as session, pytest.raises(CouncilError, match="không đổi được số thành viên"):
        members.replace_members(session, office, year=2024, given=[MemberInput("Nguyễn Văn A", "chu_tich")])
    renamed = [MemberInput(f"Thành viên số {i + 1:02d}", "uy_vien") for i in range(15)]
    renamed[0] = MemberInput("Thành viên số 01", "chu_tich", "Ban Giám đốc", "Giám đốc Sở")
    with write_session(engine) as session:
        members.replace_members(session, office, year=2024, given=renamed)
    with read_session(engine) as session:
        frame = meetings.attendance(session, year=2024, round_no=1)
        assert len(session.exec(select(CouncilAttendance)).all()) == 15
    assert frame.attendance.tolist().count("vang") == 1  # kept by name
    assert frame.iloc[0][["full_name", "role_label", "position"]].tolist() == [
        "Thành viên số 01", "Chủ tịch", "Giám đốc Sở"]


def test_a_members_sheet_replaces_the_council_and_a_bad_role_writes_nothing(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    good = xlsx([["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Đơn vị"], [1, "Hoàng Văn Chủ", "Chủ tịch Hội đồng",
                 "Ban Giám đốc"], [2, "Lý Thị Phó", "Phó Chủ tịch", None], [3, "Mai Văn Ký", "Ủy viên thư ký", None],
                 [4, "Trịnh Thị Viên", "Ủy viên", None]])
    with write_session(engine) as session:
        outcome = sheet_tally.members_from_sheet(session, office, good, file_name="hd.xlsx", settings=settings,
                                                 year=2024)
    assert outcome.issues == [] and [m.role for m in outcome.members] == [
        "chu_tich", "pho_chu_tich", "uy_vien_thu_ky", "uy_vien"]
    bad = xlsx([["ho va ten", "chuc vu trong hoi dong"], ["Người Mới", "Trưởng ban"]])
    with write_session(engine) as session:
        outcome = sheet_tally.members_from_sheet(session, office, bad, file_name="sai.xlsx", settings=settings,
                                                 year=2024)
    assert [(i.file, i.row, i.column, i.code) for i in outcome.issues] == [
        ("sai.xlsx", 2, "chuc vu trong hoi dong", "bad_role")]
    with read_session(engine) as session:
        assert members.member_count(session, year=2024) == 4


def test_a_bad_tally_sheet_records_nothing_and_names_each_row(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    an, binh = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    add_nominations(engine, [("Trần Thị Bình", None)], award="CSTD_TINH")
    add_nominations(engine, [("Ngô Văn Giang", None)])
    sheet = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Le Van An", "Chiến sĩ thi đua cơ sở", 12],
                  ["Người Lạ", "CSTĐCS", 12], ["Trần Thị Bình", "Chiến sĩ thi đua cơ sở", 16],
                  ["Ngô Văn Giang", "Lao động tiên tiến", 10], ["Lê Văn An", "CSTĐCS", "mười"]])
    with write_session(engine) as session:
        outcome = sheet_tally.tally_from_sheet(session, office, sheet, file_name="phieu.xlsx", settings=settings,
                                               year=2024)
    assert [(i.row, i.column, i.code) for i in outcome.issues] == [
        (6, "Số phiếu đồng ý", "bad_votes")]  # unreadable cells first: nothing is matched before they are fixed
    sheet = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Le Van An", "Chiến sĩ thi đua cơ sở", 12],
                  ["Người Lạ", "CSTĐCS", 12], ["Trần Thị Bình", "Chiến sĩ thi đua cơ sở", 16],
                  ["Ngô Văn Giang", "Lao động tiên tiến", 10]])
    with write_session(engine) as session:
        outcome = sheet_tally.tally_from_sheet(session, office, sheet, file_name="phieu.xlsx", settings=settings,
                                               year=2024)
    assert [(i.row, i.column, i.code) for i in outcome.issues] == [
        (3, "Họ và tên", "no_nomination"), (4, "Số phiếu đồng ý", "refused_vote"), (5, "Danh hiệu", "refused_vote")]
    assert outcome.written is None and stored_votes(engine) == 0
    assert state(engine, [an, binh]) == [("de_nghi", None, None)] * 2


def test_a_tally_sheet_matches_name_and_title_without_accents_and_the_unit_when_two_share_a_name(engine, actors,
                                                                                                  settings):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    with read_session(engine) as session:
        from tdkt.core.models import Unit

        first, second = [u.name for u in session.exec(select(Unit).order_by(Unit.id)).all()[:2]]
    one, two = add_nominations(engine, [("Lê Văn An", first), ("Lê Văn An", second)], award="CSTDCS")
    ambiguous = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["le van an", "chien si thi dua co so", 12]])
    with write_session(engine) as session:
        outcome = sheet_tally.tally_from_sheet(session, office, ambiguous, file_name="a.xlsx", settings=settings,
                                               year=2024)
    assert [(i.row, i.code) for i in outcome.issues] == [(2, "ambiguous")]
    named = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý", "Đơn vị"], ["le van an", "CSTĐCS", 12, second]])
    with write_session(engine) as session:
        outcome = sheet_tally.tally_from_sheet(session, office, named, file_name="b.xlsx", settings=settings,
                                               year=2024)
    assert outcome.issues == [] and outcome.written.nomination_id.tolist() == [two]
    assert state(engine, [one, two]) == [("de_nghi", None, None), ("de_nghi", 12, 15)]
