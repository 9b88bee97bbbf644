"""Lists saved by LibreOffice Calc itself (.ods in tests/fixtures) read as their .xlsx twins are: the codes a drop-down
picks decoded with the list it picks from, choice columns, households, titles before names, a generic "Bằng khen".

How each file was made (LibreOffice 7.4.7 of Debian 12, `libreoffice-calc-nogui`): the builder of the same name below
writes the .xlsx twin (openpyxl; `national_layout` fills tests/samples/MauTDKT_20231004.xlsx by editing its sheet XML,
so that its x14 drop-downs stay), then `soffice --headless --convert-to ods` converts it: Calc reads the .xlsx's
validations into its own and writes them as content validations, recalculates the formulas and saves. Run
`python -m tests.test_ods_calc` to make them again (it needs soffice; the tests do not: the files are committed, and
each test builds the twin in memory and compares):

- calc_range.ods (`range_list`): codes picked from ranges of a hidden sheet whose headers say nothing, a merged
  title, dates of birth as dates, titles and ranks before names (Bà, Đ/c, Đại tá, PGS.TS.), a code meaning "Bằng khen".
- calc_named.ods (`named_ranges`): drop-downs through a workbook name and a sheet's own name (Calc writes the
  condition "'Danh sách (đợt 1)'.PhanLoai" and that sheet's names, with its print titles, at the end of its table),
  a list on the data sheet itself, whole columns, grouped rows, a sheet name with an apostrophe, rich text, runs of
  spaces. Before the fix the workbook's names were missed behind the sheet's own block and nothing was decoded.
- calc_choices.ods (`choices`): "Lựa chọn X" choice columns, households by choice and by name, a repeated header.
- calc_collectives.ods (`collectives`): lists side by side with their headers (TAPTHE.xlsx's shape), a generic
  "Bằng khen" code and a title naming who awards it.
- calc_national.ods (`national_layout`): the national layout filled in, its VLOOKUP columns computed by Calc.
- calc_named.xlsx: calc_named.ods saved again by Calc as .xlsx, which writes the sheet's own name in the drop-down as
  "'Danh sách (đợt 1)'!PhanLoai" (read through the sheet's name since this change).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.importing.data_validations import Validation, read_validations
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET, sqlite_copy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = Path(__file__).resolve().parent / "samples" / "MauTDKT_20231004.xlsx"
SETTINGS = replace(Settings(), secret_key=SECRET)
CATEGORIES = [[1, "Lãnh đạo cấp vụ, sở, ngành và tương đương"], [2, "Các cấp lãnh đạo từ phó phòng trở lên"],
              [3, "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"]]
AWARDS = [[1, "Chiến sĩ thi đua cơ sở"], [2, "Lao động tiên tiến"], [3, "Giấy khen của Giám đốc Sở"], [4, "Bằng khen"]]


def _saved(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _drop_down(sheet, formula: str, cells: str) -> None:
    validation = DataValidation(type="list", formula1=formula)
    sheet.add_data_validation(validation)
    validation.add(cells)


def range_list() -> bytes:
    book = Workbook()
    data = book.active
    data.title = "DS"
    for row in [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
                ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Đơn vị", "Mã phân loại", "Mã danh hiệu", "Ghi chú"],
                [1, "Bà Lê Thị Hoa", "Nữ", date(1988, 5, 12), "Văn phòng Sở", 3, 2],
                [2, "Đ/c Hoàng Văn Nam", "Nam", date(1975, 1, 3), "Thanh tra Sở", 2, 1],
                [3, "Đại tá Nông Văn Tài", "Nam", date(1970, 12, 31), "Văn phòng Sở", 2, 4],
                [4, "PGS.TS. Vi Thị Mai", "Nữ", date(1980, 2, 29), "Thanh tra Sở", 1, 4]]:
        data.append(row)
    data.merge_cells("A1:H1")
    lists = book.create_sheet("DM")
    lists.append(["Mã", "Tên", None, "Mã", "Tên"])
    for n in range(4):
        lists.append([*(CATEGORIES[n] if n < 3 else [None, None]), None, *AWARDS[n]])
    lists.sheet_state = "hidden"
    _drop_down(data, "=DM!$A$2:$A$4", "F4:F200")
    _drop_down(data, "=DM!$D$2:$D$5", "G4:G200")
    return _saved(book)


def named_ranges() -> bytes:
    book = Workbook()
    data = book.active
    data.title = "Danh sách (đợt 1)"
    data.append(["SỞ CÔNG THƯƠNG LẠNG SƠN"])
    data.append(["DANH SÁCH ĐỀ NGHỊ TẶNG DANH HIỆU NĂM 2024"])
    data.append(["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Mã phân loại", "Mã danh hiệu"])
    data.append(["I. CÁ NHÂN"])
    rich = CellRichText([TextBlock(InlineFont(b=True), "Nguyễn "), "Thị Lan"])
    people = [[1, rich, "Nữ", 1985, "Văn phòng Sở", 3, 2],
              [2, "Thượng tá  Trần Văn Bình", "Nam", 1972, "Thanh tra Sở", 1, 1],
              [3, "  Lò Văn Sáng ", "Nam", 1990, "Văn  phòng Sở", 2, 3],
              [4, "Ông Đinh Công Tráng", "Nam", 1968, "Thanh tra Sở", 3, 4]]
    for n, person in enumerate(people):  # the categories' list sits right of the list, in J:K
        data.append([*person, None, None, *(CATEGORIES[n] if n < 3 else [])])
    data.merge_cells("A2:G2")
    data.merge_cells("A4:G4")
    for row in range(5, 9):
        data.row_dimensions[row].outlineLevel = 1
    data.print_title_rows = "1:3"
    awards = book.create_sheet("DM'2")
    awards.append(["Mã", "Tên"])
    for row in AWARDS:
        awards.append(row)
    awards.sheet_state = "hidden"
    book.defined_names["DanhHieu"] = DefinedName("DanhHieu", attr_text="'DM''2'!$A$2:$A$5")
    data.defined_names["PhanLoai"] = DefinedName("PhanLoai", attr_text="'Danh sách (đợt 1)'!$J$5:$J$7")
    _drop_down(data, "PhanLoai", "F1:F1048576")
    _drop_down(data, "DanhHieu", "G1:G1048576")
    return _saved(book)


CHOICE_HEADER = ["STT", "Tên gọi\n(Ông/Bà/Chức danh)", "Tên tập thể/cá nhân/hộ gia đình", "Chức vụ", "Đơn vị công tác",
                 "Lựa chọn phân loại khen thưởng", "Phân loại khen thưởng",
                 "Lựa chọn danh hiệu thi đua/hình thức khen thưởng", "Danh hiệu thi đua/Hình thức khen thưởng"]


def choices() -> bytes:
    book = Workbook()
    data = book.active
    data.title = "file nhận"
    for row in [CHOICE_HEADER,
                [1, None, "Nông Văn Tài", None, "Xã Mai Pha", "HOGIADINH", None, "Lao động tiên tiến", None],
                [2, None, "Lý Thị Mai", None, "Xã Mai Pha", "HOGIADINH", None, "1672804435", None],
                [3, "Bà", "Lương Thị Hằng", "Chuyên viên", "Văn phòng Sở", "CANHAN", "Khen thưởng cá nhân", None,
                 "Lao động tiên tiến"],
                [4, None, "Gia đình ông Lê Văn Hải", None, "Xã Hoàng Đồng", "CANHAN", None,
                 "Giấy khen của Giám đốc Sở", None],
                [5, "Ông", "Hoàng Văn Nam", "Trưởng phòng", "Thanh tra Sở", "CANHAN", "Khen thưởng tập thể",
                 "Chiến sĩ thi đua cơ sở", "Lao động tiên tiến"],
                CHOICE_HEADER,
                [6, None, "Hộ bà Hoàng Thị Thu", None, "Xã Hoàng Đồng", None, None, "Giấy khen của Giám đốc Sở", None]]:
        data.append(row)
    kinds = book.create_sheet("phan loai kt")
    for row in [["Khen thưởng cá nhân", "CANHAN"], ["Khen thưởng tập thể", "TAPTHE"],
                ["Khen thưởng hộ gia đình", "HOGIADINH"]]:
        kinds.append(row)
    kinds.sheet_state = "hidden"
    _drop_down(data, "='phan loai kt'!$B$1:$B$3", "F2:F50")
    return _saved(book)


def collectives() -> bytes:
    book = Workbook()
    data = book.active
    data.title = "DANHSACH"
    for row in [["DANH SÁCH TẬP THỂ ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN NĂM 2024"], [],
                ["STT", "Tên đơn vị / tập thể", "Mã phân loại tập thể", "Mã hình thức khen thưởng",
                 "Mã danh hiệu thi đua\n(nếu có)"],
                [1, "Phòng Quản lý Thương mại", "1660638226", None, "1647933198"],
                [2, "Công ty Cổ phần Chợ Đông Kinh", 1660638247, "1650360491", None],
                [3, "Trung tâm Khuyến công", "1660638226", 1650360491, None],
                [4, "Phòng Quản lý Công nghiệp", "1660638226", "Bằng khen", None]]:
        data.append(row)
    lists = book.create_sheet("DANHMUC")
    for row in [["STT", "Mã số", "Hình thức khen thưởng", None, "STT", "Mã số", "Danh hiệu thi đua", None, "STT",
                 "Mã số phân loại", "Tên phân loại đơn vị"],
                [1, "1650360491", "Bằng khen", None, 1, "1647933198", "Tập thể lao động tiên tiến", None, 1,
                 "1660638226", "Cơ quan hành chính, sự nghiệp"],
                [2, "1672804435", "Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân "
                 "cấp tỉnh", None, 2, "1647933151", "Tập thể lao động xuất sắc", None, 2, "1660638247",
                 "Doanh nghiệp"]]:
        lists.append(row)
    return _saved(book)


NATIONAL_ROWS = [  # columns A:I, then the codes R:U that its VLOOKUPs give (as Excel saved them, or Calc computes)
    [1, "Bà", "Lê Thị Hoa", "Chuyên viên", "Văn phòng Sở", "Khen thưởng cá nhân", "Chiến sĩ thi đua cơ sở",
     "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", "Công nghiệp - Thương mại",
     "CANHAN", "1647933380", 1660638976, "0002"],
    [2, "Ông", "Hoàng Văn Nam", "Trưởng phòng", "Thanh tra Sở", "Khen thưởng cá nhân",
     "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương", "Các cấp lãnh đạo từ phó phòng trở lên",
     "Quản lý Nhà nước", "CANHAN", "1650360491", 1660638930, "0013"],
    [3, None, "Phòng Quản lý Công nghiệp", None, "Phòng Quản lý Công nghiệp", "Khen thưởng tập thể",
     "Tập thể lao động tiên tiến", "Cơ quan Hành chính", "Công nghiệp - Thương mại",
     "TAPTHE", "1647933198", 1668477383, "0002"],
    [4, None, "Gia đình ông Lê Văn Hải", None, "Văn phòng Sở", "Khen thưởng hộ gia đình",
     "Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân cấp tỉnh", "Hộ gia đình",
     "Nông nghiệp - Nông thôn", "HOGIADINH", "1672804435", 1660638538, "0007"],
    [5, "Đ/c", "Vi Thị Mai", "Phó Chánh Văn phòng", "Văn phòng Sở", "Khen thưởng cá nhân", "Lao động tiên tiến",
     "Các cấp lãnh đạo từ phó phòng trở lên", "Công nghiệp - Thương mại", "CANHAN", "1647933042", 1660638930, "0002"],
]


def national_layout() -> bytes:
    """The vendored national template with rows 2-6 filled in: its empty styled cells A:I given values, its formula
    cells R:U the values their VLOOKUPs give (the template holds #N/A)."""
    def cell(ref: str, value, style: str) -> str:
        if value is None:
            return f'<c r="{ref}" s="{style}"/>'
        if isinstance(value, int):
            return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    def computed(match: re.Match, value) -> str:
        kind = "" if isinstance(value, int) else ' t="str"'
        return f'<c r="{match[1]}" s="{match[2]}"{kind}><f>{match[3]}</f><v>{value}</v></c>'

    out = BytesIO()
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = part.decode()
                for n, values in enumerate(NATIONAL_ROWS, 2):
                    for col, value in zip("ABCDEFGHI", values[:9], strict=True):
                        xml, count = re.subn(rf'<c r="{col}{n}" s="(\d+)"/>',
                                             lambda m, ref=f"{col}{n}", v=value: cell(ref, v, m[1]), xml)
                        assert count == 1, (col, n)
                    for col, value in zip("RSTU", values[9:], strict=True):
                        xml, count = re.subn(rf'<c r="({col}{n})" s="(\d+)" t="e"><f>([^<]*)</f><v>#N/A</v></c>',
                                             lambda m, v=value: computed(m, v), xml)
                        assert count == 1, (col, n)
                part = xml.encode()
            target.writestr(info, part)
    return out.getvalue()


BUILDERS = {"calc_range": range_list, "calc_named": named_ranges, "calc_choices": choices,
            "calc_collectives": collectives, "calc_national": national_layout}


@pytest.fixture(scope="module")
def calc_engine(sqlite_template, tmp_path_factory):
    """One seeded SQLite file for the module: the checks only read."""
    engine = make_engine(sqlite_copy(sqlite_template, tmp_path_factory.mktemp("calc")))
    yield engine
    engine.dispose()


def check(engine, data: bytes, name: str):
    with Session(engine) as session:
        return pipeline.check(session, data, file_name=name, settings=SETTINGS, default_year=2024)


def outcome(report) -> tuple:
    """What a check of a file gives but for its name and hash: rows as read and decoded, records, problems, the
    generic awards asked about, the code lists found, the year."""
    return (report.year, report.year_source, report.sheets, report.rows, report.records,
            [replace(i, file="") for i in report.issues], report.generic, getattr(report.codes, "entries", None),
            report.titles, [(r.sheet, r.header_row, r.encoding) for r in report.results])


# What the drop-downs decode in each file, beside the rows the twin gives too: (row, name, award, category).
DECODED = {
    "calc_range": [(4, "Lê Thị Hoa", "Lao động tiên tiến", CATEGORIES[2][1]),
                   (5, "Hoàng Văn Nam", "Chiến sĩ thi đua cơ sở", CATEGORIES[1][1]),
                   (6, "Nông Văn Tài", None, CATEGORIES[1][1]), (7, "Vi Thị Mai", None, CATEGORIES[0][1])],
    "calc_named": [(5, "Nguyễn Thị Lan", "Lao động tiên tiến", CATEGORIES[2][1]),
                   (6, "Trần Văn Bình", "Chiến sĩ thi đua cơ sở", CATEGORIES[0][1]),
                   (7, "Lò Văn Sáng", "Giấy khen của Giám đốc Sở", CATEGORIES[1][1]),
                   (8, "Đinh Công Tráng", None, CATEGORIES[2][1])],
}


@pytest.mark.parametrize("name", [*BUILDERS, "calc_named.xlsx"])
def test_a_list_saved_by_calc_is_read_as_its_xlsx_twin(calc_engine, name):
    file = name if "." in name else f"{name}.ods"
    calc = (FIXTURES / file).read_bytes()
    assert len(calc) < 50_000  # kept small
    if file.endswith(".ods"):
        assert calc[30:38] == b"mimetype"  # an .ods as LibreOffice writes it
    name = file.rsplit(".", 1)[0]
    ods = check(calc_engine, calc, file)
    assert outcome(ods) == outcome(check(calc_engine, BUILDERS[name](), f"{name}.xlsx"))
    assert ods.records and not ods.unreadable
    if name in DECODED:
        assert [(r.row, r.name, r.award, r.category) for r in ods.records] == DECODED[name]


def test_calc_s_lists_keep_their_meaning(calc_engine):
    """The twins agreeing is not enough: each file's own point, read from the .ods."""
    def read(name):
        return check(calc_engine, (FIXTURES / f"{name}.ods").read_bytes(), f"{name}.ods")

    titled = read("calc_range")
    assert [(r.title, r.birth_year) for r in titled.records] == [("Bà", 1988), ("Đ/c", 1975), ("Đại tá", 1970),
                                                                  ("PGS.TS.", 1980)]
    assert [(g.text, g.rows) for g in titled.generic] == [("Bằng khen", 2)]
    assert "“Bằng khen” (mã 4 trong sheet DM)" in titled.errors[0].message
    households = read("calc_choices")
    assert [(r.row, r.target) for r in households.records] == [
        (2, "ho_gia_dinh"), (3, "ho_gia_dinh"), (4, "ca_nhan"), (5, "ho_gia_dinh"), (6, "ca_nhan"), (8, "ho_gia_dinh")]
    assert [(i.row, i.code) for i in households.errors] == [(2, "award_target_mismatch")]
    collective = read("calc_collectives")
    assert [(r.name, r.category) for r in collective.records][:2] == [
        ("Phòng Quản lý Thương mại", "Cơ quan hành chính, sự nghiệp"),
        ("Công ty Cổ phần Chợ Đông Kinh", "Doanh nghiệp")]
    assert [(g.text, g.rows, g.likely) for g in collective.generic] == [
        ("Bằng khen", 3, "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")]
    national = read("calc_national")
    assert [(r.target, r.award, p.field) for r, p in zip(national.records, national.rows, strict=True)] == [
        ("ca_nhan", "Chiến sĩ thi đua cơ sở", "Công nghiệp - Thương mại"),
        ("ca_nhan", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Quản lý Nhà nước"),
        ("tap_the", "Tập thể lao động tiên tiến", "Công nghiệp - Thương mại"),
        ("ho_gia_dinh", "Giấy khen của Giám đốc Sở", "Nông nghiệp - Nông thôn"),
        ("ca_nhan", "Lao động tiên tiến", "Công nghiệp - Thương mại")]


def test_calc_s_sheet_names_and_a_range_without_a_sheet_give_the_drop_downs_lists():
    # Calc writes the sheet's own names (PhanLoai, its print titles) at the end of its table, before the workbook's
    # (DanhHieu), and the condition of a sheet's own name as "'Danh sách (đợt 1)'.PhanLoai".
    named = (FIXTURES / "calc_named.ods").read_bytes()
    assert read_validations(named, file="x.ods", sheets={"Danh sách (đợt 1)"}) == {"Danh sách (đợt 1)": [
        Validation(((5, 5),), "Danh sách (đợt 1)", 9, 9, 4, 6), Validation(((6, 6),), "DM'2", 0, 0, 1, 4)]}
    # An .xlsx list "=$I$2:$I$4" picks from its own sheet (Calc's .ods of it says "[.$I$2:.$I$4]").
    book = Workbook()
    book.active.title = "DS"
    _drop_down(book.active, "=$I$2:$I$4", "F2:F50")
    assert read_validations(_saved(book), file="x.xlsx", sheets={"DS"}) == {
        "DS": [Validation(((5, 5),), "DS", 8, 8, 1, 3)]}


def draw_files():
    """Draw every checked file as Tải lên danh sách does (AppTest cannot drive the uploader that checks them)."""
    import streamlit as st

    from pages import _import_file

    for store_key in st.session_state["import_reports"]:
        _import_file.render(st.session_state["import_reports"], store_key)


def test_the_upload_page_shows_calc_s_file_as_its_twin_and_offers_the_error_file_only_with_problems(
        calc_engine, app_env):
    clean = Workbook()
    for row in [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"],
                ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Hình thức khen thưởng"],
                [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "Lao động tiên tiến"]]:
        clean.active.append(row)
    files = {("calc", 2024): ((FIXTURES / "calc_choices.ods").read_bytes(), "ds.ods"),
             ("twin", 2024): (choices(), "ds.xlsx"), ("clean", 2024): (_saved(clean), "sach.xlsx")}
    at = AppTest.from_function(draw_files, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["import_reports"] = {key: (data, check(calc_engine, data, name))
                                          for key, (data, name) in files.items()}
    at.run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["ds.ods — 6 dòng, 1 lỗi, 7 cảnh báo",
                                              "ds.xlsx — 6 dòng, 1 lỗi, 7 cảnh báo",
                                              "sach.xlsx — 1 dòng, 0 lỗi, 0 cảnh báo"]
    grids = [frame.value for frame in at.dataframe if "problems" in frame.value.columns]  # the previews to edit
    assert grids[0].equals(grids[1]) and list(grids[0]["name"])[:2] == ["Nông Văn Tài", "Lý Thị Mai"]
    # The error file only where there is an error or a warning to put in it: not beside "Không có lỗi.".
    assert [b.key for b in at.get("download_button")] == ["errors_calc_2024", "errors_twin_2024"]
    assert "Không có lỗi." in [m.value for m in at.markdown]
    assert not at.button(key="commit_clean_2024").disabled and at.button(key="commit_calc_2024").disabled


def make_fixtures() -> None:
    """Write each builder's .xlsx and convert it with LibreOffice Calc into tests/fixtures (needs soffice)."""
    with tempfile.TemporaryDirectory() as work:
        for name, build in BUILDERS.items():
            (Path(work) / f"{name}.xlsx").write_bytes(build())
        soffice = ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to"]
        subprocess.run([*soffice, "ods", "--outdir", str(FIXTURES), *sorted(str(p) for p in Path(work).glob("*.xlsx"))],
                       check=True)
        # calc_named.ods saved again by Calc as .xlsx: its sheet's own name written as 'Danh sách (đợt 1)'!PhanLoai
        subprocess.run([*soffice, "xlsx", "--outdir", f"{work}/saved", str(FIXTURES / "calc_named.ods")], check=True)
        (FIXTURES / "calc_named.xlsx").write_bytes((Path(work) / "saved" / "calc_named.xlsx").read_bytes())


if __name__ == "__main__":
    make_fixtures()
    sys.exit(0)
