"""What a user's try of the council found: members' roles read from the usual spellings of a council's decision (any
other refused on its cell, nothing written), and minutes that speak of vote shares only where votes were counted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest

from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Role
from tdkt.council import members, sheet_tally
from tdkt.importing.council_sheets import MEMBERS, read_sheet, role_of
from tdkt.reports import council_papers
from tdkt.reports.council_documents import MemberAttendance, MinutesData, NomineeResult, TitleResult, minutes_docx
from tests.council_support import council, meeting, xlsx
from tests.test_dossiers import add_nominations

SHARE = "tính trên tổng số thành viên"


@pytest.mark.parametrize(("text", "role"), [
    ("Chủ tịch", "chu_tich"), ("Chủ tịch Hội đồng", "chu_tich"), ("CHỦ TỊCH HĐTĐKT", "chu_tich"),
    ("Chủ tịch HĐ TĐKT Sở", "chu_tich"), ("Ủy viên Hội đồng kiêm thư ký", "uy_vien_thu_ky"),
    ("Phó Chủ tịch thường trực", "pho_chu_tich"), ("Phó Chủ tịch Thường trực Hội đồng", "pho_chu_tich"),
    ("Pho chu tich", "pho_chu_tich"),
    ("Ủy viên thư ký", "uy_vien_thu_ky"), ("Uỷ viên - Thư ký", "uy_vien_thu_ky"), ("Thư ký", "uy_vien_thu_ky"),
    ("Thư ký kiêm ủy viên", "uy_vien_thu_ky"), ("Ủy viên thường trực kiêm Thư ký", "uy_vien_thu_ky"),
    ("Thư ký Hội đồng Thi đua - Khen thưởng", "uy_vien_thu_ky"),
    ("Ủy viên", "uy_vien"), ("Ủy viên thường trực", "uy_vien"), ("Uỷ viên Hội đồng", "uy_vien"),
    ("Thành viên", "uy_vien"),
])
def test_a_role_is_read_from_its_usual_spellings_accents_ignored(text, role):
    assert role_of(text) == role


@pytest.mark.parametrize("text", ["Chủ tịch Công đoàn", "Trưởng ban", "Phó Giám đốc", "UV", "Ủy viên dự khuyết"])
def test_any_other_role_is_not_guessed(text):
    assert role_of(text) is None


def test_a_members_sheet_with_the_usual_spellings_is_read_in_full():
    data = xlsx([["Họ và tên", "Chức vụ trong Hội đồng"], ["Hoàng Văn Chủ", "Chủ tịch Hội đồng"],
                 ["Lý Thị Phó", "Phó Chủ tịch thường trực"], ["Mai Văn Ký", "Thư ký kiêm ủy viên"],
                 ["Trịnh Thị Viên", "Ủy viên thường trực"], ["Đỗ Văn Năm", "Uỷ viên"]])
    sheet = read_sheet(data, file_name="hd.xlsx", settings=Settings(), mode=MEMBERS)
    assert sheet.issues == []
    assert [(r.row, r.name, r.role) for r in sheet.rows] == [
        (2, "Hoàng Văn Chủ", "chu_tich"), (3, "Lý Thị Phó", "pho_chu_tich"), (4, "Mai Văn Ký", "uy_vien_thu_ky"),
        (5, "Trịnh Thị Viên", "uy_vien"), (6, "Đỗ Văn Năm", "uy_vien")]


def test_an_unknown_role_is_an_error_on_its_row_and_column_naming_the_accepted_values():
    data = xlsx([["STT", "Họ và tên", "Vai trò"], [1, "Hoàng Văn Chủ", "Chủ tịch"], [2, "Lý Thị Ba", "Trưởng ban"],
                 [3, "Mai Văn Bốn", None]])
    sheet = read_sheet(data, file_name="hd.xlsx", settings=Settings(), mode=MEMBERS)
    assert [(i.row, i.column, i.code) for i in sheet.issues] == [(3, "Vai trò", "bad_role"), (4, "Vai trò", "bad_role")]
    accepted = ("Chủ tịch, Phó Chủ tịch, Ủy viên thư ký, Ủy viên (nhận cả “Phó Chủ tịch thường trực”, “Thư ký”, "
                "“Thư ký kiêm ủy viên”, “Ủy viên thường trực”, “Thành viên”).")
    assert [i.message for i in sheet.issues] == [
        f"Không hiểu chức vụ trong Hội đồng “Trưởng ban” của Lý Thị Ba: ghi một trong {accepted}",
        f"Mai Văn Bốn chưa có chức vụ trong Hội đồng: ghi một trong {accepted}"]


def test_a_members_sheet_with_one_unknown_role_writes_nothing(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    council(engine, office, size=5)
    data = xlsx([["Họ và tên", "Chức vụ trong Hội đồng"], ["Hoàng Văn Chủ", "Chủ tịch"],
                 ["Lý Thị Phó", "Phó Chủ tịch thường trực"], ["Ngô Văn Đoàn", "Chủ tịch Công đoàn"]])
    with write_session(engine) as session:
        outcome = sheet_tally.members_from_sheet(session, office, data, file_name="hd.xlsx", settings=settings,
                                                 year=2024)
    assert [(i.row, i.column, i.code) for i in outcome.issues] == [(4, "Chức vụ trong Hội đồng", "bad_role")]
    with read_session(engine) as session:
        assert [m.full_name for m in members.members(session, year=2024)][:2] == ["Thành viên số 01",
                                                                                  "Thành viên số 02"]
        assert members.member_count(session, year=2024) == 5


MEMBERS_PRESENT = [MemberAttendance("Ngô Quang Hải", "chu_tich", "co_mat"),
                   MemberAttendance("Đỗ Thị Hà", "uy_vien_thu_ky", "co_mat"),
                   MemberAttendance("Phạm Văn Đông", "uy_vien", "vang")]


def minutes_texts(results: list[TitleResult]) -> list[str]:
    data = MinutesData(agency="Sở Công Thương Lạng Sơn", year=2025, meeting_date=date(2025, 12, 15), place=None,
                       round_no=1, members=MEMBERS_PRESENT, results=results)
    document = docx.Document(BytesIO(minutes_docx(data)))
    return [p.text for p in document.paragraphs if p.text]


def test_minutes_of_titles_without_a_vote_do_not_speak_of_vote_shares():
    texts = minutes_texts([TitleResult("Lao động tiên tiến", None, None, [
        NomineeResult("Mai Văn Tú", "Văn phòng Sở", None, 3, None, None, None)])])
    assert not [t for t in texts if SHARE in t or "tham gia bỏ phiếu" in t]
    assert "III. NỘI DUNG XÉT" in texts
    assert ("Hội đồng nghe Thường trực Hội đồng báo cáo tổng hợp các trường hợp được đề nghị và thảo luận; các danh "
            "hiệu, hình thức được xét không cần bỏ phiếu. Các trường hợp được đề nghị như sau:") in texts
    assert "Tổng số thành viên Hội đồng: 3; có mặt: 2; vắng: 1." in texts


def test_minutes_before_the_tally_say_the_votes_are_not_counted_yet():
    texts = minutes_texts([TitleResult("Chiến sĩ thi đua cơ sở", 80, "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7", [
        NomineeResult("Trần Thị Ánh", "Văn phòng Sở", None, 3, None, None, None)])])
    assert not [t for t in texts if SHARE in t]
    assert ("Hội đồng nghe Thường trực Hội đồng báo cáo tổng hợp các trường hợp được đề nghị và thảo luận; các danh "
            "hiệu cần bỏ phiếu chưa có kết quả kiểm phiếu. Các trường hợp được đề nghị như sau:") in texts


def test_minutes_with_votes_counted_say_the_share_is_of_all_members():
    texts = minutes_texts([TitleResult("Chiến sĩ thi đua cơ sở", 80, None, [
        NomineeResult("Trần Thị Ánh", "Văn phòng Sở", 3, 3, 1.0, True, None)])])
    assert "III. NỘI DUNG VÀ KẾT QUẢ BỎ PHIẾU" in texts
    assert [t for t in texts if SHARE in t] == [
        "Hội đồng nghe Thường trực Hội đồng báo cáo tổng hợp các trường hợp được đề nghị, thảo luận và bỏ phiếu kín "
        "đối với các danh hiệu cần bỏ phiếu. Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng (kể cả thành "
        "viên vắng mặt). Kết quả như sau:"]
    assert ("Tổng số thành viên Hội đồng: 3; có mặt: 2; vắng: 1 (không có thành viên vắng mặt nào gửi phiếu bầu bằng "
            "văn bản). Số thành viên tham gia bỏ phiếu: 2.") in texts


def test_the_minutes_of_a_meeting_that_only_passed_titles_without_a_vote(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    council(engine, office, size=5)
    meeting(engine, office)
    add_nominations(engine, [("Ngô Văn Giang", None)])
    with read_session(engine) as session:
        data = council_papers.minutes(session, office, year=2024, round_no=1, settings=replace(settings))
    texts = [p.text for p in docx.Document(BytesIO(data)).paragraphs if p.text]
    assert not [t for t in texts if SHARE in t or "bỏ phiếu kín" in t]
    assert "- Danh hiệu “Lao động tiên tiến”: 1 trường hợp." in texts
