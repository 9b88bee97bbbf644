"""Reading nomination-list sheets: header detection, sections, values and problems (tdkt.importing.parse)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
import python_calamine
from openpyxl import Workbook

from tdkt.clusters import clusters
from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.importing import cluster_sheets
from tdkt.importing.nomination_lists.parse import parse_sheet
from tdkt.importing.record_lists import record_check
from tdkt.importing.sheet_data import RawSheet

SAMPLES = Path(__file__).resolve().parent / "samples"  # vendored public templates (see its README)
N = None


def parse(rows, name="DS"):
    return parse_sheet(RawSheet(name=name, rows=rows), file="ds.xlsx")


def people(result):
    return [(r.row, r.target, r.name, r.award) for r in result.rows]


def problems(result):
    return [(i.row, i.column, i.code) for i in result.issues]


TITLE_ROWS = [
    ["UBND TỈNH LẠNG SƠN", N, N, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", N],
    ["SỞ CÔNG THƯƠNG", N, N, "Độc lập - Tự do - Hạnh phúc", N],
    [N, N, N, N, N],
    ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024", N, N, N, N],
    ["(Kèm theo Tờ trình số 15/TTr-SCT ngày 10/12/2023 của Sở Công Thương)", N, N, N, N],
    [N, N, N, N, N],
    [N, N, N, N, N],
]


# --- where the header is ---------------------------------------------------------------------------------------


def test_header_in_first_row():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        [1, "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến"],
    ])
    assert (result.header_row, result.columns) == (
        1, {"stt": "STT", "name": "Họ và tên", "position": "Chức vụ", "award": "Danh hiệu đề nghị"})
    assert [(r.row, r.name, r.position, r.award) for r in result.rows] == [
        (2, "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến")]


def test_header_in_row_8_under_title_rows_and_year_from_title():
    result = parse(TITLE_ROWS + [
        ["TT", "Họ và tên", "Năm sinh", "Đơn vị công tác", "Hình thức khen thưởng"],
        [1, "Trần Thị Bình", 1985, "Phòng Quản lý Công nghiệp", "Giấy khen"],
    ])
    assert (result.header_row, result.title_year) == (8, 2024)
    assert [(r.row, r.name, r.birth_year, r.unit, r.award) for r in result.rows] == [
        (9, "Trần Thị Bình", 1985, "Phòng Quản lý Công nghiệp", "Giấy khen")]


def test_title_year_taken_from_any_title_row_when_no_list_title_has_one():
    result = parse([
        ["Kèm theo Tờ trình năm 2025", N],
        ["Họ và tên", "Chức vụ"],
        ["Nguyễn Văn An", "Kế toán"],
    ])
    assert (result.header_row, result.title_year) == (2, 2025)


def test_sheet_without_header_gives_nothing():
    code_list = [
        ["STT", "Mã số", "Hình thức khen thưởng", N, "STT", "Mã số", "Danh hiệu thi đua"],
        [1.0, "1650359884", "Huân chương Sao vàng", N, 1.0, "1647933380", "Chiến sĩ thi đua cơ sở"],
    ]
    for rows in (code_list, [], [[N, N]], [["Hướng dẫn điền danh sách"], ["Ghi họ tên đầy đủ, có dấu."]]):
        result = parse(rows)
        assert (result.header_row, result.columns, result.rows, result.issues) == (None, {}, [], [])


def test_header_needs_a_name_column_and_one_more():
    assert parse([["Họ và tên", "Cột lạ"], ["Nguyễn Văn An", "x"]]).header_row is None
    assert parse([["Họ và tên", "Ghi chú"], ["Nguyễn Văn An", "x"]]).header_row == 1


# --- what the columns are called ------------------------------------------------------------------------------


def test_synonyms_without_diacritics_in_caps_any_order():
    result = parse([
        ["DANH HIEU DE NGHI", "DON VI CONG TAC", "HO VA TEN", "NAM SINH", "GIOI TINH", "CHUC VU", "SO TT"],
        ["Lao động tiên tiến", "Văn phòng Sở", "Lê Văn Cường", 1979, "nam", "Chánh Văn phòng", 1],
    ])
    assert result.columns == {
        "award": "DANH HIEU DE NGHI", "unit": "DON VI CONG TAC", "name": "HO VA TEN", "birth": "NAM SINH",
        "birth_year": "NAM SINH", "gender": "GIOI TINH", "position": "CHUC VU", "stt": "SO TT"}
    row = result.rows[0]
    assert (row.name, row.birth_year, row.gender, row.position, row.unit, row.award) == (
        "Lê Văn Cường", 1979, "Nam", "Chánh Văn phòng", "Văn phòng Sở", "Lao động tiên tiến")


@pytest.mark.parametrize("header, field", [
    ("Họ tên", "name"),
    ("Họ và tên cá nhân/Tên tập thể", "name"),
    ("Tên tập thể/cá nhân/hộ gia đình", "name"),
    ("Tên đơn vị/tập thể", "name"),
    ("Danh hiệu thi đua/Hình thức khen thưởng", "award"),
    ("Hình thức đề nghị", "award"),
    ("Tên đơn vị/tập thể\ncông tác", "unit"),
    ("Đơn vị", "unit"),
    ("Tên phòng ban/ khối, tổ \ncông tác", "department"),
    ("Ngày, tháng, năm sinh", "birth"),
    ("Phân loại đối tượng", "category"),
    ("Mã phân loại cán bộ", "category"),
    ("Phân loại khen thưởng (cá nhân/tập thể/hộ gia đình)", "target"),
    ("Lĩnh vực hoạt động", "field"),
    ("Tóm tắt thành tích", "achievements"),
    ("Thành tích", "achievements"),
    ("Ghi chú", "note"),
    ("Tên gọi\n(Ông/Bà/Chức danh)", "honorific"),
    ("Mã danh hiệu thi đua\n(nếu có)", "award_code"),
])
def test_header_synonyms(header, field):
    result = parse([["STT", "Họ và tên" if field != "name" else header, header if field != "name" else "Chức vụ"]])
    assert result.columns[field] == " ".join(header.split())


def test_award_column_of_the_nomination_wins_over_award_history():
    result = parse([
        ["Họ và tên", "Danh hiệu đã đạt", "Hình thức khen thưởng", "Danh hiệu đề nghị"],
        ["Nguyễn Văn An", "LĐTT 2023", "Giấy khen", "Chiến sĩ thi đua cơ sở"],
    ])
    assert (result.columns["award"], result.rows[0].award) == ("Danh hiệu đề nghị", "Chiến sĩ thi đua cơ sở")


# --- headers over two rows ------------------------------------------------------------------------------------


def test_two_row_header_with_birth_year_under_nam_and_nu():
    result = parse([
        ["STT", "Họ và tên", "Năm sinh", N, "Chức vụ", "Danh hiệu đề nghị"],
        [N, N, "Nam", "Nữ", N, N],
        [1, "Nguyễn Văn An", 1980, N, "Giám đốc", "Chiến sĩ thi đua cơ sở"],
        [2, "Hoàng Thị Dung", N, "12/05/1985", "Kế toán", "Lao động tiên tiến"],
        [3, "Phạm Thị Hoa", N, "x", "Văn thư", "Lao động tiên tiến"],
    ])
    assert result.header_row == 2
    assert (result.columns["birth_male"], result.columns["birth_female"]) == ("Năm sinh / Nam", "Năm sinh / Nữ")
    assert [(r.row, r.name, r.gender, r.birth_year, r.birth_date, r.position) for r in result.rows] == [
        (3, "Nguyễn Văn An", "Nam", 1980, None, "Giám đốc"),
        (4, "Hoàng Thị Dung", "Nữ", 1985, date(1985, 5, 12), "Kế toán"),
        (5, "Phạm Thị Hoa", "Nữ", None, None, "Văn thư"),
    ]
    assert result.issues == []


def test_birth_in_both_nam_and_nu_columns_is_reported():
    result = parse([
        ["STT", "Họ và tên", "Năm sinh", N],
        [N, N, "Nam", "Nữ"],
        [1, "Nguyễn Văn An", 1980, 1981],
    ])
    assert problems(result) == [(3, "Năm sinh / Nữ", "bad_gender")]
    assert (result.rows[0].gender, result.rows[0].birth_year) == (None, None)


def test_merged_group_header_carried_across_its_empty_cells():
    result = parse([
        ["TT", "Họ và tên", "Chức vụ, đơn vị công tác", N, "Ghi chú"],
        [N, N, "Chức vụ", "Đơn vị", N],
        [1, "Nguyễn Văn An", "Trưởng phòng", "Phòng Kế hoạch - Tài chính", "Mới"],
    ])
    assert result.header_row == 2
    assert result.columns == {
        "stt": "TT", "name": "Họ và tên", "position": "Chức vụ, đơn vị công tác / Chức vụ",
        "unit": "Chức vụ, đơn vị công tác / Đơn vị", "note": "Ghi chú"}
    assert [(r.name, r.position, r.unit, r.note) for r in result.rows] == [
        ("Nguyễn Văn An", "Trưởng phòng", "Phòng Kế hoạch - Tài chính", "Mới")]


def test_gender_split_into_marked_nam_and_nu_columns():
    result = parse([
        ["STT", "Họ và tên", "Giới tính", N, "Chức vụ"],
        [N, N, "Nam", "Nữ", N],
        [1, "Nguyễn Văn An", "x", N, "Giám đốc"],
        [2, "Hoàng Thị Dung", N, "X", "Kế toán"],
        [3, "Lý Văn Em", "x", "x", "Lái xe"],
    ])
    assert [(r.row, r.gender) for r in result.rows] == [(3, "Nam"), (4, "Nữ"), (5, None)]
    assert problems(result) == [(5, "Giới tính / Nữ", "bad_gender")]


def test_title_row_above_header_is_not_read_as_a_group_header():
    result = parse([
        ["DANH SÁCH CÁ NHÂN ĐỀ NGHỊ TẶNG DANH HIỆU LAO ĐỘNG TIÊN TIẾN NĂM 2024", N, N],
        ["STT", "Họ và tên", "Chức vụ"],
        [1, "Nguyễn Văn An", "Giám đốc"],
    ])
    assert (result.header_row, result.columns["name"], result.title_year) == (2, "Họ và tên", 2024)
    assert people(result) == [(3, "ca_nhan", "Nguyễn Văn An", None)]


@pytest.mark.parametrize("numbers", [["(1)", "(2)", "(3)", "(4)"], [1, 2, 3, 4], ["1", "2", "3", "4"]])
def test_column_number_row_under_header_is_skipped(numbers):
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        numbers,
        [1, "Nguyễn Văn An", "Giám đốc", "Chiến sĩ thi đua cơ sở"],
    ])
    assert (result.header_row, people(result), result.issues) == (1, [(3, "ca_nhan", "Nguyễn Văn An",
                                                                        "Chiến sĩ thi đua cơ sở")], [])


# --- the combined "Chức vụ, đơn vị công tác" column -----------------------------------------------------------


def test_combined_position_and_unit_column_is_split():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ, đơn vị công tác"],
        [1, "A", "Phó Giám đốc, Sở Công Thương"],
        [2, "B", "Phó Chánh Văn phòng, Văn phòng Sở, Sở Công Thương"],
        [3, "C", "Phó Trưởng phòng, phụ trách kế toán, Trung tâm Khuyến công"],
        [4, "D", "Chuyên viên"],
        [5, "E", "Chi cục Quản lý thị trường"],
        [6, "F", "Tổ trưởng, tổ bảo vệ"],
    ])
    assert result.columns["position_unit"] == "Chức vụ, đơn vị công tác"
    assert [(r.position, r.unit) for r in result.rows] == [
        ("Phó Giám đốc", "Sở Công Thương"),
        ("Phó Chánh Văn phòng", "Văn phòng Sở, Sở Công Thương"),
        ("Phó Trưởng phòng, phụ trách kế toán", "Trung tâm Khuyến công"),
        ("Chuyên viên", None),
        (None, "Chi cục Quản lý thị trường"),
        ("Tổ trưởng", "tổ bảo vệ"),
    ]


# --- sections, sub-groups, end of table -----------------------------------------------------------------------


def test_section_rows_set_the_target_of_rows_below():
    result = parse([
        ["STT", "Họ và tên", "Danh hiệu đề nghị"],
        ["I", "TẬP THỂ", N],
        [1, "Phòng Quản lý Thương mại", "Tập thể lao động tiên tiến"],
        ["II. CÁ NHÂN", N, N],
        [1, "Nguyễn Văn An", "Lao động tiên tiến"],
        ["III.", "HỘ GIA ĐÌNH", N],
        [1, "Hộ ông Lường Văn Sáu", "Giấy khen"],
        ["A. Cá nhân", N, N],
        ["Tập thể:", N, N],
        [1, "Văn phòng Sở", "Giấy khen"],
    ])
    assert people(result) == [
        (3, "tap_the", "Phòng Quản lý Thương mại", "Tập thể lao động tiên tiến"),
        (5, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến"),
        (7, "ho_gia_dinh", "Hộ ông Lường Văn Sáu", "Giấy khen"),
        (10, "tap_the", "Văn phòng Sở", "Giấy khen"),
    ]
    assert result.issues == []


def test_sub_group_rows_give_the_award_when_the_award_column_is_empty():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        ["II. CÁ NHÂN", N, N, N],
        ["1. Lao động tiên tiến (03 người)", N, N, N],
        [1, "Nguyễn Văn An", "Chuyên viên", N],
        [2, "Trần Thị Bình", "Kế toán", "Chiến sĩ thi đua cơ sở"],
        [N, "Danh hiệu Chiến sĩ thi đua cơ sở:", N, N],
        [1, "Lê Văn Cường", "Giám đốc", N],
        [2, "Giấy khen của Giám đốc Sở", N, N],
        [1, "Phạm Văn Dũng", "Lái xe", N],
        ["I. TẬP THỂ", N, N, N],
        [1, "Phòng Kế hoạch", N, N],
    ])
    assert people(result) == [
        (4, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến"),
        (5, "ca_nhan", "Trần Thị Bình", "Chiến sĩ thi đua cơ sở"),
        (7, "ca_nhan", "Lê Văn Cường", "Chiến sĩ thi đua cơ sở"),
        (9, "ca_nhan", "Phạm Văn Dũng", "Giấy khen của Giám đốc Sở"),
        (11, "tap_the", "Phòng Kế hoạch", None),
    ]


def test_section_naming_an_award_sets_both():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ"],
        ["B. Cá nhân đề nghị tặng Giấy khen", N, N],
        [1, "Nguyễn Văn An", "Chuyên viên"],
        ["Tập thể lao động tiên tiến", N, N],
        [1, "Phòng Kế hoạch", N],
    ])
    assert people(result) == [(3, "ca_nhan", "Nguyễn Văn An", "Giấy khen"),
                              (5, "tap_the", "Phòng Kế hoạch", "Tập thể lao động tiên tiến")]


def test_grouping_line_without_target_or_award_is_skipped():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ"],
        ["Khối cơ quan Văn phòng Sở", N, N],
        [1, "Nguyễn Văn An", "Chuyên viên"],
        ["I. TẬP THỂ", N, N],
        [1, "Tập thể Phòng Kế hoạch", N],
        [2, "Lao động tiên tiến", N],
        [N, "Cá nhân thuộc Văn phòng Sở", N],
        [1, "Trần Thị Bình", N],
    ])
    assert people(result) == [(3, "ca_nhan", "Nguyễn Văn An", None),
                              (5, "tap_the", "Tập thể Phòng Kế hoạch", None),
                              (8, "ca_nhan", "Trần Thị Bình", None)]  # a new section forgets the sub-group


@pytest.mark.parametrize("footer", [
    ["NGƯỜI LẬP BIỂU", N, N, "GIÁM ĐỐC"],
    [N, "Người lập biểu", N, N],
    [N, N, N, "KT. GIÁM ĐỐC"],
    [N, N, "Lạng Sơn, ngày 15 tháng 12 năm 2024", N],
    ["Nơi nhận:", N, N, N],
    [N, N, "THỦ TRƯỞNG ĐƠN VỊ", N],
])
def test_table_ends_at_signature_block(footer):
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        [1, "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến"],
        [N, N, N, N],
        footer,
        [N, "Nguyễn Thị Lập", N, "Hoàng Văn Giám"],
        [N, "Phó phòng", N, N],
    ])
    assert (people(result), result.issues) == ([(2, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến")], [])


def test_position_giam_doc_in_a_data_row_does_not_end_the_table():
    result = parse([
        ["Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        ["Nguyễn Văn An", "Giám đốc", "Chiến sĩ thi đua cơ sở"],
        ["Trần Thị Bình", "Phó Giám đốc", "Lao động tiên tiến"],
    ])
    assert [r.name for r in result.rows] == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_subtotal_and_count_lines_are_skipped():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        [1, "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến"],
        ["Tổng cộng", N, 1, N],
        ["Cộng: 01 người", N, N, N],
        ["(Danh sách có 05 tập thể, 12 cá nhân)", N, N, N],
        [N, "(Ấn định danh sách có 01 cá nhân)", N, N],
    ])
    assert (people(result), result.issues) == ([(2, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến")], [])


def test_blank_rows_na_leftovers_and_numbered_empty_rows_are_skipped():
    result = parse([
        ["STT", "Họ và tên", "Danh hiệu thi đua/Hình thức khen thưởng", "Mã Danh hiệu thi đua"],
        [1, "Nguyễn Văn An", "Lao động tiên tiến", "1647933042"],
        [],
        [N, N, N, N],
        ["", "", "", ""],
        [N, N, N, "#N/A"],
        ["#N/A", "#N/A", "#N/A", "#N/A"],
        [2, N, N, "#N/A"],
        [3, "", "", 0],
    ])
    assert (people(result), result.issues) == ([(2, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến")], [])


# --- national layout (MauTDKT) --------------------------------------------------------------------------------

NATIONAL_HEADER = ["STT", "Tên gọi\n(Ông/Bà/Chức danh)", "Tên tập thể/cá nhân/hộ gia đình", "Chức vụ",
                   "Đơn vị công tác", "Phân loại khen thưởng", "Danh hiệu thi đua/Hình thức khen thưởng",
                   "Phân loại đối tượng", "Lĩnh vực hoạt động", "Mã Phân loại khen thưởng", "Mã Danh hiệu thi đua",
                   "Mã phân loại loại tượng", "Mã Lĩnh vực hoạt động"]


def test_national_layout_target_column_and_code_columns():
    result = parse([
        NATIONAL_HEADER,
        ["I. TẬP THỂ", N, N, N, N, N, N, N, N, N, N, N, N],
        [1, "Bà", "Hoàng Thị Dung", "Kế toán", "Sở Công Thương", "Khen thưởng cá nhân", "Bằng khen",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", "Công nghiệp - Thương mại",
         "CANHAN", "1650360491", 1660638976.0, "0002"],
        [2, N, "Phòng Kỹ thuật", N, "Sở Công Thương", "TAPTHE", N, N, N, "TAPTHE", "1647933198", "#N/A", "#N/A"],
        [3, "Ông", "Lê Văn Cường", N, N, N, "Giấy khen", N, N, "CANHAN", "#N/A", 1660638976.0, "0002"],
        [4, N, "Hộ ông Sáu", N, N, "Khen thưởng hộ gia đình", "Giấy khen", N, N, "HOGIADINH", N, N, N],
    ])
    assert [(r.row, r.target, r.honorific, r.gender, r.name, r.award, r.award_code, r.category, r.field)
            for r in result.rows] == [
        (3, "ca_nhan", "Bà", "Nữ", "Hoàng Thị Dung", "Bằng khen", "1650360491",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", "Công nghiệp - Thương mại"),
        (4, "tap_the", None, None, "Phòng Kỹ thuật", "1647933198", "1647933198", None, None),
        (5, "ca_nhan", "Ông", "Nam", "Lê Văn Cường", "Giấy khen", None, "1660638976", "0002"),
        (6, "ho_gia_dinh", None, None, "Hộ ông Sáu", "Giấy khen", None, None, None),
    ]
    assert (result.columns["award"], result.columns["award_code"], result.columns["category"]) == (
        "Danh hiệu thi đua/Hình thức khen thưởng", "Mã Danh hiệu thi đua", "Phân loại đối tượng")
    assert result.issues == []


def test_code_columns_stand_in_when_the_list_has_no_name_columns():
    result = parse([
        ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Mã phân loại cán bộ", "Mã hình thức khen thưởng",
         "Mã danh hiệu thi đua\n(nếu có)"],
        [1, "Nguyễn Văn An", "Nam", date(1980, 1, 2), "1660638976", "1650360491", N],
        [2, "Trần Thị Bình", "Nữ", "03/04/1990", "1660638930", N, "1647933380"],
        [3, N, N, N, "1660638930", N, N],
    ])
    assert [(r.name, r.award, r.award_code, r.category, r.birth_date) for r in result.rows] == [
        ("Nguyễn Văn An", "1650360491", "1650360491", "1660638976", date(1980, 1, 2)),
        ("Trần Thị Bình", "1647933380", "1647933380", "1660638930", date(1990, 4, 3)),
    ]
    assert (result.columns["award"], result.columns["category"]) == ("Mã hình thức khen thưởng",
                                                                     "Mã phân loại cán bộ")
    assert problems(result) == [(4, "Họ và tên", "missing_name")]


@pytest.mark.parametrize("value, target", [
    ("Khen thưởng cá nhân", "ca_nhan"), ("CANHAN", "ca_nhan"), ("Cá nhân", "ca_nhan"), ("ca nhan", "ca_nhan"),
    ("TAPTHE", "tap_the"), ("Tập thể", "tap_the"), ("HOGIADINH", "ho_gia_dinh"), ("Hộ gia đình", "ho_gia_dinh"),
])
def test_target_column_values(value, target):
    result = parse([["Họ và tên", "Phân loại khen thưởng"], ["X", value]])
    assert [r.target for r in result.rows] == [target]


def test_target_column_overrides_section_and_unknown_value_is_reported():
    result = parse([
        ["STT", "Họ và tên", "Phân loại khen thưởng"],
        ["I. TẬP THỂ", N, N],
        [1, "Nguyễn Văn An", "CANHAN"],
        [2, "Phòng Kế hoạch", "đơn vị"],
        [3, "Phòng Kỹ thuật", N],
    ])
    assert [(r.row, r.target) for r in result.rows] == [(3, "ca_nhan"), (4, "tap_the"), (5, "tap_the")]
    assert problems(result) == [(4, "Phân loại khen thưởng", "bad_target")]


def test_target_from_title_or_name_header():
    collectives = parse([["DANH SÁCH TẬP THỂ ĐỀ NGHỊ KHEN THƯỞNG"], [],
                         ["STT", "Tên đơn vị / tập thể", "Mã hình thức khen thưởng"], [1, "Phòng Kế hoạch", "1"]])
    units = parse([["STT", "Tên đơn vị", "Hình thức khen thưởng"], [1, "Phòng Kế hoạch", "Giấy khen"]])
    mixed = parse([["STT", "Tên tập thể/cá nhân", "Hình thức khen thưởng"], [1, "Phòng Kế hoạch", "Giấy khen"]])
    assert [r.target for r in collectives.rows + units.rows + mixed.rows] == ["tap_the", "tap_the", None]


# --- values ---------------------------------------------------------------------------------------------------


def test_birth_values_of_every_shape():
    result = parse([
        ["STT", "Họ và tên", "Ngày sinh", "Năm sinh"],
        [1, "A", 1985, N],
        [2, "B", 1985.0, N],
        [3, "C", "1985", N],
        [4, "D", date(1985, 5, 12), N],
        [5, "E", datetime(1985, 5, 12, 0, 0), N],
        [6, "F", "12/05/1985", N],
        [7, "G", 31123, N],
        [8, "H", 31123.0, N],
        [9, "I", "5-12-1985", N],
        [10, "J", "1985-05-12", N],
        [11, "K", "05/1985", N],
    ])
    assert [(r.name, r.birth_year, r.birth_date) for r in result.rows] == [
        ("A", 1985, None), ("B", 1985, None), ("C", 1985, None), ("D", 1985, date(1985, 5, 12)),
        ("E", 1985, date(1985, 5, 12)), ("F", 1985, date(1985, 5, 12)), ("G", 1985, date(1985, 3, 17)),
        ("H", 1985, date(1985, 3, 17)), ("I", 1985, date(1985, 12, 5)), ("J", 1985, date(1985, 5, 12)),
        ("K", 1985, None),
    ]
    assert result.issues == []


def test_unreadable_birth_is_reported_with_what_to_write():
    result = parse([
        ["STT", "Họ và tên", "Năm sinh"],
        [1, "A", "abc"],
        [2, "B", 31123],
        [3, "C", "31/02/1985"],
        [4, "D", 1850],
        [5, "E", True],
    ])
    assert problems(result) == [(2, "Năm sinh", "bad_birth"), (3, "Năm sinh", "bad_birth"),
                                (4, "Năm sinh", "bad_birth"), (5, "Năm sinh", "bad_birth"),
                                (6, "Năm sinh", "bad_birth")]
    assert result.issues[0].message == "Năm sinh “abc” không đọc được: ghi năm (ví dụ 1985) hoặc ngày dd/mm/yyyy."
    assert [(r.name, r.birth_year) for r in result.rows] == [("A", None), ("B", None), ("C", None), ("D", None),
                                                             ("E", None)]


def test_gender_values():
    result = parse([
        ["Họ và tên", "Giới tính"],
        ["A", "Nam"], ["B", "Nữ"], ["C", "nữ"], ["D", "NỮ"], ["E", "nu"], ["F", "NAM"], ["G", "x"], ["H", N],
    ])
    assert [(r.name, r.gender) for r in result.rows] == [
        ("A", "Nam"), ("B", "Nữ"), ("C", "Nữ"), ("D", "Nữ"), ("E", "Nữ"), ("F", "Nam"), ("G", None), ("H", None)]
    assert problems(result) == [(8, "Giới tính", "bad_gender")]
    assert result.issues[0].message == "Giới tính “x” không rõ: ghi Nam hoặc Nữ."


def test_honorific_hints_gender_only_when_no_gender_given():
    result = parse([
        ["Tên gọi (Ông/Bà/Chức danh)", "Họ và tên", "Giới tính"],
        ["Ông", "A", N], ["Bà", "B", N], ["Thượng tá", "C", N], ["Ông", "D", "Nữ"],
    ])
    assert [(r.honorific, r.gender) for r in result.rows] == [("Ông", "Nam"), ("Bà", "Nữ"), ("Thượng tá", None),
                                                              ("Ông", "Nữ")]


def test_missing_name_is_reported_and_row_left_out():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"],
        [1, N, "Chuyên viên", "Lao động tiên tiến"],
        [2, "Nguyễn Văn An", "Kế toán", N],
    ])
    assert (problems(result), [r.row for r in result.rows]) == ([(2, "Họ và tên", "missing_name")], [3])
    assert result.issues[0].file == "ds.xlsx" and result.issues[0].sheet == "DS"


def test_texts_are_stripped_and_cells_keep_the_row_as_written():
    result = parse([
        ["STT", "Họ và tên", "Đơn vị\ncông tác", N, "Ghi chú"],
        [1.0, "  Nguyễn  Văn\nAn ", "Sở Công Thương", "lề", N],
    ])
    row = result.rows[0]
    assert (row.name, row.unit) == ("Nguyễn Văn An", "Sở Công Thương")
    assert row.cells == {"STT": 1.0, "Họ và tên": "  Nguyễn  Văn\nAn ", "Đơn vị công tác": "Sở Công Thương",
                         "Ghi chú": None}


def test_short_rows_are_padded():
    result = parse([["STT", "Họ và tên", "Chức vụ", "Ghi chú"], [1, "Nguyễn Văn An"]])
    assert [(r.name, r.position, r.note) for r in result.rows] == [("Nguyễn Văn An", None, None)]


# --- the real sample files ------------------------------------------------------------------------------------


def _sample(name: str, sheet: str) -> RawSheet:
    book = python_calamine.CalamineWorkbook.from_path(str(SAMPLES / name))  # a missing file fails the test
    return RawSheet(name=sheet, rows=book.get_sheet_by_name(sheet).to_python())


def test_sample_canhan():
    result = parse_sheet(_sample("CANHAN.xlsx", "DANHSACH"), file="CANHAN.xlsx")
    assert (result.header_row, result.rows, result.issues) == (3, [], [])
    assert result.columns == {
        "stt": "STT", "name": "Họ và tên", "gender": "Giới tính", "birth": "Ngày sinh", "birth_date": "Ngày sinh",
        "position": "Chức vụ",
        "department": "Tên phòng ban/ khối, tổ công tác", "unit": "Tên đơn vị/tập thể công tác",
        "category_code": "Mã phân loại cán bộ", "award_code": "Mã hình thức khen thưởng",
        "award": "Mã hình thức khen thưởng", "category": "Mã phân loại cán bộ"}
    assert parse_sheet(_sample("CANHAN.xlsx", "DANHMUC"), file="CANHAN.xlsx").header_row is None


def test_sample_tapthe():
    sheet = _sample("TAPTHE.xlsx", "DANHSACH")
    result = parse_sheet(sheet, file="TAPTHE.xlsx")
    assert (result.header_row, result.columns["name"], result.columns["category"]) == (
        3, "Tên đơn vị / tập thể", "Mã phân loại tập thể")
    sheet.rows.append([1.0, "Phòng Kế hoạch", "1660638226", "1650360491", ""])
    assert people(parse_sheet(sheet, file="TAPTHE.xlsx")) == [(4, "tap_the", "Phòng Kế hoạch", "1650360491")]
    assert parse_sheet(_sample("TAPTHE.xlsx", "DANHMUC"), file="TAPTHE.xlsx").header_row is None


def test_sample_national_layout_and_its_worked_examples():
    empty = parse_sheet(_sample("MauTDKT_20231004.xlsx", "file nhận"), file="MauTDKT.xlsx")
    assert (empty.header_row, empty.rows, empty.issues) == (1, [], [])
    assert empty.columns["award_code"] == "Mã Danh hiệu thi đua"
    guide = parse_sheet(_sample("MauTDKT_20231004.xlsx", "Hướng dẫn"), file="MauTDKT.xlsx")
    assert [(r.row, r.target, r.honorific, r.name, r.position, r.unit, r.award) for r in guide.rows[:3]] == [
        (2, "ca_nhan", "Ông", "Nguyễn Anh Đại", "Phó Giám đốc", "Sở Tài Chính", "Bằng khen"),
        (3, "ca_nhan", "Thượng tá", "Nguyễn Anh Ba", "Phó công an", "Huyện Quảng Trạch", "Bằng khen"),
        (4, "tap_the", None, "Sở Tư pháp", None, None, "Bằng khen"),
    ]
    assert [r.target for r in guide.rows[3:]] == ["tap_the", "ho_gia_dinh"]
    for sheet in ("HTKT", "PLDT", "LVHD", "phan loai kt"):
        assert parse_sheet(_sample("MauTDKT_20231004.xlsx", sheet), file="MauTDKT.xlsx").header_row is None


# --- more header shapes ---------------------------------------------------------------------------------------


def test_birth_columns_per_gender_in_one_header_row():
    result = parse([
        ["STT", "Họ và tên", "Năm sinh Nam", "Năm sinh Nữ", "Chức vụ"],
        [1, "Nguyễn Văn An", 1980, N, "Giám đốc"],
        [2, "Hoàng Thị Dung", N, 1985, "Kế toán"],
    ])
    assert [(r.name, r.gender, r.birth_year) for r in result.rows] == [("Nguyễn Văn An", "Nam", 1980),
                                                                      ("Hoàng Thị Dung", "Nữ", 1985)]


def test_first_data_row_of_texts_is_not_read_as_a_second_header_row():
    result = parse([
        ["Họ và tên", "Phân loại đối tượng", "Danh hiệu đề nghị"],
        ["Phòng Kế hoạch", "Đơn vị sự nghiệp", "Tập thể lao động tiên tiến"],
    ])
    assert (result.header_row, result.columns["category"]) == (1, "Phân loại đối tượng")
    assert [(r.row, r.name, r.category) for r in result.rows] == [(2, "Phòng Kế hoạch", "Đơn vị sự nghiệp")]


def test_note_line_under_the_table_is_skipped():
    result = parse([
        ["Họ và tên", "Chức vụ"],
        ["Nguyễn Văn An", "Kế toán"],
        ["Ghi chú: danh sách đã được Hội đồng thông qua.", N],
    ])
    assert [r.name for r in result.rows] == ["Nguyễn Văn An"]


def test_ten_don_vi_is_the_unit_when_the_list_also_has_ho_va_ten():
    result = parse([
        ["STT", "Tên đơn vị", "Họ và tên", "Chức vụ"],
        [1, "Phòng Kế hoạch", "Nguyễn Văn An", "Chuyên viên"],
    ])
    assert (result.columns["name"], result.columns["unit"]) == ("Họ và tên", "Tên đơn vị")
    assert [(r.name, r.unit) for r in result.rows] == [("Nguyễn Văn An", "Phòng Kế hoạch")]


def test_section_row_with_counts_on_the_right():
    result = parse([
        ["STT", "Họ và tên", "Chức vụ", "Số lượng"],
        ["I. TẬP THỂ", N, N, 1],
        [1, "Phòng Kế hoạch", N, N],
        ["II. CÁ NHÂN", N, N, "01"],
        [1, "Nguyễn Văn An", "Kế toán", N],
        [N, N, "Kế toán", N],
    ])
    assert people(result) == [(3, "tap_the", "Phòng Kế hoạch", None), (5, "ca_nhan", "Nguyễn Văn An", None)]
    assert problems(result) == [(6, "Họ và tên", "missing_name")]


def test_title_year_prefers_the_list_title_and_its_nam():
    result = parse([
        ["(Kèm theo Tờ trình số 15/TTr-HĐTĐKT ngày 05/01/2025 của Hội đồng Thi đua - Khen thưởng)", N],
        ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG THEO QUYẾT ĐỊNH 12/2023/QĐ-UBND NĂM 2024", N],
        ["Họ và tên", "Chức vụ"],
    ])
    assert result.title_year == 2024


# --- the header printed again inside the table ----------------------------------------------------------------


def _pages(header: list[list], body: list[list], pages: int = 3) -> list[list]:
    """Return a generated list put together from pages that each start with the header rows."""
    rows = [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], []]
    for page in range(pages):
        rows += header + [[page * len(body) + i + 1, *values] for i, values in enumerate(body)]
    return rows


BODY = [["Nguyễn Văn An", "Nam", 1980, "Lao động tiên tiến"], ["Trần Thị Bình", "Nữ", 1985, "Lao động tiên tiến"]]


@pytest.mark.parametrize("repeated", [
    [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Danh hiệu đề nghị"]],
    [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Danh hiệu đề nghị"], ["(1)", "(2)", "(3)", "(4)", "(5)"]],
    [["TT", "HỌ VÀ TÊN", "GIOI TINH", "Năm  sinh", "Danh hiệu\nđề nghị"]],  # retyped: case, accents, spacing
    [["STT", "Họ và tên", "Giới tính", "Năm sinh", None]],  # most of it
])
def test_a_header_repeated_on_each_page_is_skipped(repeated):
    header = [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Danh hiệu đề nghị"]]
    rows = _pages(header, BODY)
    for page in (2, 1):  # the first page's header is the table's own; the last first, as rows may be added
        at = 2 + page * (len(header) + len(BODY))
        rows[at : at + 1] = [list(r) for r in repeated]
    result = parse(rows)
    assert problems(result) == []
    assert [(r.name, r.gender) for r in result.rows] == [(n, g) for n, g, *_ in BODY] * 3


def test_a_repeated_two_row_header_is_skipped_both_rows():
    header = [["STT", "Họ và tên", "Giới tính", N, "Danh hiệu đề nghị"], [N, N, "Nam", "Nữ", N]]
    body = [["Nguyễn Văn An", "x", N, "Lao động tiên tiến"], ["Trần Thị Bình", N, "x", "Lao động tiên tiến"]]
    result = parse(_pages(header, body))
    assert problems(result) == []
    assert [(r.row, r.name, r.gender) for r in result.rows] == [
        (5, "Nguyễn Văn An", "Nam"), (6, "Trần Thị Bình", "Nữ"), (9, "Nguyễn Văn An", "Nam"),
        (10, "Trần Thị Bình", "Nữ"), (13, "Nguyễn Văn An", "Nam"), (14, "Trần Thị Bình", "Nữ")]


def test_a_list_without_stt_skips_its_repeated_header_and_keeps_a_person_named_like_a_header_word():
    header = [["Họ và tên", "Giới tính", "Danh hiệu đề nghị"]]
    body = [["Nguyễn Văn An", "Nam", "Lao động tiên tiến"], ["Giới Tính", "Nữ", "Lao động tiên tiến"]]
    rows = [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], *header, *body, *header, *body]
    result = parse(rows)
    assert problems(result) == []
    assert [(r.row, r.name) for r in result.rows] == [(3, "Nguyễn Văn An"), (4, "Giới Tính"), (6, "Nguyễn Văn An"),
                                                      (7, "Giới Tính")]


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_record_list_skips_its_header_repeated_on_each_page(engine):
    header = [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị công tác", "Xếp loại"], ["(1)", "(2)", "(3)",
                                                                                           "(4)", "(5)", "(6)"]]
    rows = [["DANH SÁCH KẾT QUẢ XẾP LOẠI NĂM 2024"], [], *header,
            [1, "Nguyễn Văn An", "Nam", 1980, "Văn phòng Sở", "HTTNV"],
            [2, "Trần Thị Bình", "Nữ", 1985, "Thanh tra Sở", "HTXSNV"],
            ["TT", "HỌ VÀ TÊN", "Giới tính", "Năm sinh", "Đơn vị công tác", "Xếp loại"], header[1],  # page 2
            [3, "Lê Văn Cường", "Nam", 1981, "Văn phòng Sở", "HTTNV"],
            [4, "Phạm Thị Dung", "Nữ", 1986, "Thanh tra Sở", "HTXSNV"]]
    with read_session(engine) as session:
        report = record_check.check_records(session, _xlsx(rows), kind="xep_loai", file_name="xl.xlsx",
                                            settings=replace(Settings(), secret_key="x" * 40), today=date(2025, 1, 1))
    assert [(i.row, i.column, i.code) for i in report.issues if i.severity == "error"] == []
    assert [(r.row, r.name, r.gender, r.rating) for r in report.rows] == [
        (5, "Nguyễn Văn An", "Nam", "HTTNV"), (6, "Trần Thị Bình", "Nữ", "HTXSNV"),
        (9, "Lê Văn Cường", "Nam", "HTTNV"), (10, "Phạm Thị Dung", "Nữ", "HTXSNV")]


def test_a_cluster_member_list_skips_its_repeated_header(engine):
    header = ["STT", "Tên cơ quan/đơn vị", "Vai trò"]
    rows = [header, [1, "Sở Xây dựng", "Cụm trưởng"], ["STT", "TÊN CƠ QUAN/ĐƠN VỊ", "Vai trò"], [2, "Sở Y tế", ""]]
    with read_session(engine) as session:
        cluster = next(c for c in clusters.clusters_of(session, year=2024) if c.code == "Cụm II")
        report = cluster_sheets.check(session, _xlsx(rows), file_name="cum.xlsx", cluster_id=cluster.id,
                                      settings=replace(Settings(), secret_key="x" * 40), mode=cluster_sheets.MEMBERS)
    assert (report.issues, [(r.row, r.name, r.role) for r in report.rows]) == (
        [], [(2, "Sở Xây dựng", "cum_truong"), (4, "Sở Y tế", "thanh_vien")])
