"""A workbook's own code lists win over the built-in tables: lists side by side, below each other, one per sheet,
or known only from a drop-down that picks from them; messages quote a code with the name its list gives it."""

from dataclasses import replace
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from tdkt.awards.file_codes import CodeEntry, FileCodes, describe
from tdkt.core.config import Settings
from tdkt.importing.nomination_lists import pipeline
from tdkt.importing.nomination_lists.code_lists import find_lists
from tdkt.importing.sheet_data import RawSheet
from tests.conftest import SECRET
from tests.workbook_builders import openpyxl_book

SETTINGS = replace(Settings(), secret_key=SECRET)

# Quảng Bình's TAPTHE.xlsx: three lists side by side on DANHMUC; its category codes are not the national ones
# (1660638226 is "Cơ quan Đảng" in the national PLDT list, "Cơ quan hành chính, sự nghiệp" in this file).
DANHMUC = [
    ["STT", "Mã số", "Hình thức khen thưởng", None, "STT", "Mã số", "Danh hiệu thi đua", None, "STT",
     "Mã số phân loại", "Tên phân loại đơn vị"],
    [1, "1650360491", "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương", None, 1, "1647933198",
     "Tập thể lao động tiên tiến", None, 1, "1660638226", "Cơ quan hành chính, sự nghiệp"],
    [2, "1672804435", "Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân cấp tỉnh",
     None, 2, "1647933151", "Tập thể lao động xuất sắc", None, 2, "1660638247", "Doanh nghiệp"],
    [3, "900005", "Giải thưởng Tuổi trẻ Sáng tạo", None, None, None, None, None, 3, "1660638538", "Hộ gia đình"],
]
COLLECTIVES = [
    ["DANH SÁCH TẬP THỂ ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
    ["STT", "Tên đơn vị / tập thể", "Mã phân loại tập thể", "Mã hình thức khen thưởng",
     "Mã danh hiệu thi đua\n(nếu có)"],
    [1, "Phòng Quản lý Thương mại", "1660638226", None, "1647933198"],
    [2, "Công ty Cổ phần Chợ Đông Kinh", 1660638247, "1650360491", None],
    [3, "Trung tâm Khuyến công", "1660638226", "900005", None],
]


def check(engine, data):
    with Session(engine) as session:
        return pipeline.check(session, data, file_name="tapthe.xlsx", settings=SETTINGS, year=2024)


def test_side_by_side_lists_of_the_file_decide_what_a_code_means(engine):
    report = check(engine, openpyxl_book(("DANHSACH", COLLECTIVES, False), ("DANHMUC", DANHMUC, False)))
    assert [(r.name, r.award, r.category) for r in report.records] == [
        ("Phòng Quản lý Thương mại", "Tập thể lao động tiên tiến", "Cơ quan hành chính, sự nghiệp"),
        ("Công ty Cổ phần Chợ Đông Kinh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Doanh nghiệp"),
        ("Trung tâm Khuyến công", None, "Cơ quan hành chính, sự nghiệp")]
    # The preview shows the names, never the bare codes.
    assert [r.award for r in report.rows] == ["Tập thể lao động tiên tiến",
                                              "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương",
                                              "Giải thưởng Tuổi trẻ Sáng tạo"]
    assert [(i.row, i.code) for i in report.errors] == [(6, "unknown_award")]
    assert "“Giải thưởng Tuổi trẻ Sáng tạo” (mã 900005 trong sheet DANHMUC)" in report.errors[0].message


def test_lists_below_each_other_and_one_list_per_sheet_are_all_found():
    below = RawSheet("DM", [["Mã", "Danh hiệu"], [900001, "Lao động tiên tiến"], [900002, "Chiến sĩ thi đua cơ sở"],
                            [], ["Mã phân loại", "Phân loại đối tượng"], ["A1", "Doanh nghiệp"], ["A2", "Hợp tác xã"]])
    per_sheet = RawSheet("LVHD", [["NAME", "CODE"], ["Công nghiệp - Thương mại", "0002"], ["Quản lý Nhà nước", "0014"]])
    bare = RawSheet("phan loai kt", [["Khen thưởng cá nhân", "CANHAN"], ["Khen thưởng hộ gia đình", "HOGIADINH"]])
    found = find_lists([below, per_sheet, bare])
    assert [(x.sheet, x.kind, x.entries) for x in found] == [
        ("DM", "award", [("900001", "Lao động tiên tiến"), ("900002", "Chiến sĩ thi đua cơ sở")]),
        ("DM", "category", [("A1", "Doanh nghiệp"), ("A2", "Hợp tác xã")]),
        ("LVHD", "field", [("0002", "Công nghiệp - Thương mại"), ("0014", "Quản lý Nhà nước")]),
        ("phan loai kt", "target", [("CANHAN", "Khen thưởng cá nhân"), ("HOGIADINH", "Khen thưởng hộ gia đình")])]


def _validated_book() -> bytes:
    """Two lists with the same codes 1-3 on one sheet whose headers say nothing: only the drop-downs of the list's
    columns tell that A holds object categories and D awards."""
    book = Workbook()
    data = book.active
    data.title = "DS"
    for row in [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Mã phân loại", "Mã danh hiệu"],
                [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 3, 2],
                [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 2, 1]]:
        data.append(row)
    lists = book.create_sheet("DM")
    for row in [["Mã", "Tên", None, "Mã", "Tên"],
                [1, "Lãnh đạo cấp vụ, sở, ngành và tương đương", None, 1, "Chiến sĩ thi đua cơ sở"],
                [2, "Các cấp lãnh đạo từ phó phòng trở lên", None, 2, "Lao động tiên tiến"],
                [3, "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", None, 3,
                 "Giấy khen của Giám đốc Sở"]]:
        lists.append(row)
    for formula, cells in (("=DM!$A$2:$A$4", "F2:F100"), ("=DM!$D$2:$D$4", "G2:G100")):
        validation = DataValidation(type="list", formula1=formula)
        data.add_data_validation(validation)
        validation.add(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_drop_down_tells_which_list_a_column_reads_its_codes_from(engine):
    report = check(engine, _validated_book())
    assert [(r.name, r.award, r.category) for r in report.records] == [
        ("Lê Thị Hoa", "Lao động tiên tiến",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
        ("Hoàng Văn Nam", "Chiến sĩ thi đua cơ sở", "Các cấp lãnh đạo từ phó phòng trở lên")]
    assert report.errors == []


def test_a_file_without_code_lists_keeps_the_national_codes(engine):
    rows = [row[:3] + [row[3] or "1672804435"] + row[4:] for row in COLLECTIVES[3:5]]
    report = check(engine, openpyxl_book(("DANHSACH", COLLECTIVES[:3] + rows, False)))
    assert [(r.award, r.category) for r in report.records] == [
        ("Giấy khen của Giám đốc Sở", "Cơ quan Đảng"),  # what the national PLDT list says, with no list of its own
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Cơ quan Trung Ương đóng trên địa bàn")]


def test_a_code_is_quoted_with_its_name_and_a_bare_unknown_number_says_so():
    codes = FileCodes([CodeEntry("1650360491", "Bằng khen", "DANHMUC", "award")])
    assert describe(codes, "award", 1650360491) == "“Bằng khen” (mã 1650360491 trong sheet DANHMUC)"
    assert describe(codes, "award", "bằng khen") == "“Bằng khen” (mã 1650360491 trong sheet DANHMUC)"
    assert describe(codes, "category", "1650360491") == "mã “1650360491” (không có trong danh mục của tệp)"
    assert describe(FileCodes(), "award", "Huy chương Olympic") == "“Huy chương Olympic”"


def test_the_real_canhan_template_s_code_for_bang_khen_is_asked_about_with_its_name(engine):
    # CANHAN.xlsx (tests/samples) lists 1650360491 as plain "Bằng khen" in DANHMUC, a gender list below its
    # titles; a row picking that code gets the question about a Bằng khen with no issuer, the code beside the name.
    book = load_workbook(Path(__file__).parent / "samples" / "CANHAN.xlsx")
    for col, value in enumerate([1, "Lê Thị Hoa", "NU", "12/05/1988", "Chuyên viên", "Văn phòng", "Sở Công Thương",
                                 "Lạng Sơn", "1660638976", "1650360491"], start=1):
        book["DANHSACH"].cell(row=4, column=col, value=value)
    out = BytesIO()
    book.save(out)
    report = check(engine, out.getvalue())
    assert [(r.name, r.gender, r.award) for r in report.rows] == [("Lê Thị Hoa", "Nữ", "Bằng khen")]
    assert [(i.row, i.code) for i in report.errors] == [(4, "generic_award")]
    assert report.errors[0].message.startswith("“Bằng khen” (mã 1650360491 trong sheet DANHMUC) chưa ghi rõ")
