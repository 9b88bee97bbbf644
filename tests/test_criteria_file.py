"""A cluster's criteria sheet from a file as regulations print it (Roman group rows, "1.1" and "a)" sub-criteria, a
bonus and a penalty group, a total row), its round trip through the app's own .xlsx, and files it cannot take."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook

from tdkt.core.config import Settings
from tdkt.scoring import criteria_file, kinds
from tdkt.seeding.demo_scoring import SAMPLE

SETTINGS = Settings(database_url="sqlite://", secret_key="x" * 32)


def book(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


REGULATION = [
    ["BẢNG CHẤM ĐIỂM THI ĐUA CỤM II NĂM 2025"],
    [],
    ["TT", "Nội dung chấm điểm", "Điểm chuẩn"],
    ["(1)", "(2)", "(3)"],
    ["I", "THỰC HIỆN NHIỆM VỤ CHUYÊN MÔN", 60],
    ["1", "Kết quả thực hiện chỉ tiêu được giao", 40],
    ["a)", "Chỉ tiêu thứ nhất", 25],
    ["b)", "Chỉ tiêu thứ hai", 15],
    ["2", "Cải cách hành chính", 20],
    ["II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG", 30],
    ["3", "Tổ chức phong trào thi đua", 30],
    ["III", "ĐIỂM THƯỞNG", 10],
    ["4", "Được khen thưởng cấp trên", 10],
    ["IV", "ĐIỂM TRỪ", None],
    ["5", "Bị phê bình bằng văn bản (mỗi lần trừ 3 điểm)", -3],
    [None, "Tổng cộng", 100],
]


def test_a_sheet_as_a_regulation_prints_it_is_read_into_groups_criteria_and_kinds():
    found = criteria_file.read_criteria_file(book(REGULATION), file_name="bang_diem.xlsx", settings=SETTINGS)
    assert found.problems == []
    spec = found.spec
    assert [(g.name, g.max_points, g.is_bonus) for g in spec.groups] == [
        ("I. THỰC HIỆN NHIỆM VỤ CHUYÊN MÔN", 60, False), ("II. CÔNG TÁC THI ĐUA, KHEN THƯỞNG", 30, False),
        ("III. ĐIỂM THƯỞNG", 10, True)]
    assert spec.total_points == 100 and spec.max_points == 100
    by_code = {c.code: c for c in spec.criteria}
    assert [(c.code, c.parent) for c in spec.criteria][:4] == [("1", ""), ("1.a", "1"), ("1.b", "1"), ("2", "")]
    assert by_code["2"].kind == kinds.DINH_TINH
    assert (by_code["4"].kind, by_code["4"].points_each, by_code["4"].group) == (kinds.CONG_TRU, 10, "III. ĐIỂM THƯỞNG")
    penalty = by_code["5"]  # "Điểm trừ" joins the one bonus group: its items subtract, its maximum is 0
    assert (penalty.kind, penalty.max_points, penalty.points_each, penalty.group) == (
        kinds.CONG_TRU, 0, -3, "III. ĐIỂM THƯỞNG")


def test_the_apps_own_workbook_reads_back_to_the_same_sheet():
    data = criteria_file.criteria_workbook(SAMPLE, cluster_code="Cụm II", year=2025)
    found = criteria_file.read_criteria_file(data, file_name="cum_ii.xlsx", settings=SETTINGS)
    assert found.problems == [] and found.spec == SAMPLE


def test_an_empty_sheets_workbook_is_the_layout_to_fill():
    data = criteria_file.criteria_workbook(None, cluster_code="Cụm III", year=2026)
    found = criteria_file.read_criteria_file(data, file_name="mau.xlsx", settings=SETTINGS)
    assert found.spec is not None and [g.name for g in found.spec.groups] == ["I. Thực hiện nhiệm vụ chuyên môn"]
    assert "Nhóm “I. Thực hiện nhiệm vụ chuyên môn” chưa có tiêu chí nào." in found.problems


@pytest.mark.parametrize(("rows", "said"), [
    ([["Họ và tên", "Đơn vị"], ["An", "Văn phòng"]], "Không tìm thấy bảng tiêu chí trong tệp “x.xlsx”"),
    ([["STT", "Nội dung tiêu chí", "Điểm tối đa"], ["1", "Trước mọi nhóm", 10]], "đứng trước mọi nhóm"),
    ([["STT", "Nội dung tiêu chí", "Điểm tối đa"], ["I", "Nhóm", 10], ["1", "Thiếu điểm", None]],
     "dòng 3, cột “Điểm tối đa”: tiêu chí “1” chưa có điểm tối đa"),
    ([["STT", "Nội dung tiêu chí", "Điểm tối đa"], ["I", "Nhóm", 50], ["1", "Một", 20], ["2", "Hai", 20]],
     "Nhóm “I. Nhóm”: các tiêu chí cộng lại 40 điểm, khác điểm tối đa của nhóm (50)"),
    ([["STT", "Nội dung tiêu chí", "Điểm tối đa", "Loại"], ["I", "Nhóm", 10], ["1", "Một", 10, "bí ẩn"]],
     "loại “bí ẩn” không rõ"),
])
def test_a_file_it_cannot_take_says_where_and_what_to_do(rows, said):
    found = criteria_file.read_criteria_file(book(rows), file_name="x.xlsx", settings=SETTINGS)
    assert any(said in p for p in found.problems), found.problems


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese():
    found = criteria_file.read_criteria_file(b"%PDF-1.7 not a workbook", file_name="x.xlsx", settings=SETTINGS)
    assert found.spec is None and found.problems and "x.xlsx" in found.problems[0]
