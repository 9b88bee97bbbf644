"""A workbook's own code lists wherever they sit (#14): beside the nomination table or in a block under it (.xlsx and
.ods), in hidden columns without headers, behind sheet names that say nothing (their meaning taken from the codes the
data columns hold, else from their names, never a list a column does not fit), and drop-downs through a sheet's own
defined name before the workbook's of the same spelling."""

from __future__ import annotations

import json
from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.importing.data_validations import Validation, read_validations
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET, sqlite_copy
from tests.test_import_command import tdkt_import
from tests.test_ods_validations import LISTS, _cell, _ods, _row, _validation
from tests.workbook_builders import ods

SETTINGS = replace(Settings(), secret_key=SECRET)
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Mã phân loại", "Mã danh hiệu"]
TITLE = [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], []]
CATEGORY = ["Lãnh đạo cấp vụ, sở, ngành và tương đương", "Các cấp lãnh đạo từ phó phòng trở lên",
            "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"]
AWARD = ["Chiến sĩ thi đua cơ sở", "Lao động tiên tiến", "Giấy khen của Giám đốc Sở"]
EXPECTED = [("Lê Thị Hoa", AWARD[1], CATEGORY[2]), ("Hoàng Văn Nam", AWARD[0], CATEGORY[1])]


@pytest.fixture(scope="module")
def lists_engine(sqlite_template, tmp_path_factory):
    """One seeded SQLite file for the module: the checks only read."""
    engine = make_engine(sqlite_copy(sqlite_template, tmp_path_factory.mktemp("code_lists")))
    yield engine
    engine.dispose()


def check(engine, data: bytes, name: str = "ds.xlsx"):
    with Session(engine) as session:
        return pipeline.check(session, data, file_name=name, settings=SETTINGS, year=2024)


def xlsx(*sheets: tuple[str, list[list]], hidden_cols: str = "", hidden: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    for col in hidden_cols:
        book.worksheets[0].column_dimensions[col].hidden = True
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def ods_of(*sheets: tuple[str, list[list]]) -> bytes:
    return ods(*((name, "".join(_row([_cell(v) for v in row]) for row in rows), False) for name, rows in sheets))


def outcome(report) -> list[tuple]:
    return [(r.name, r.award, r.category) for r in report.records]


# Two lists beside the table on its header row, past an empty column, each longer than the table: before, the
# parser read "Hình thức khen thưởng" as the table's award column and the list's rows below it as rows without a name.
BESIDE = [*TITLE, HEADER + [None, "Mã số", "Hình thức khen thưởng", None, "Mã số phân loại", "Tên phân loại đối tượng"],
          [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", "PL3", "HT2", None, "HT1", AWARD[0], None, "PL1", CATEGORY[0]],
          [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", "PL2", "HT1", None, "HT2", AWARD[1], None, "PL2",
           CATEGORY[1]],
          [None] * 8 + ["HT3", AWARD[2], None, "PL3", CATEGORY[2]],
          [None] * 8 + ["HT4", "Bằng khen"]]
# A block under the table's last row, in the table's own columns, under a title line: its rows are no nominations.
UNDER = [*TITLE, HEADER,
         [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", "PL3", 900002],
         [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", "PL2", 900001],
         [], ["DANH MỤC MÃ DANH HIỆU, PHÂN LOẠI"],
         ["Mã số", "Danh hiệu thi đua", None, "Mã phân loại", "Phân loại đối tượng"],
         [900001, AWARD[0], None, "PL1", CATEGORY[0]], [900002, AWARD[1], None, "PL2", CATEGORY[1]],
         [900003, AWARD[2], None, "PL3", CATEGORY[2]]]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@pytest.mark.parametrize("rows", [BESIDE, UNDER], ids=["beside", "under"])
def test_a_list_on_the_table_s_own_sheet_is_found_and_its_rows_are_no_nominations(lists_engine, kind, rows):
    data = xlsx(("DS", rows)) if kind == "xlsx" else ods_of(("DS", rows))
    report = check(lists_engine, data, f"ds.{kind}")
    assert outcome(report) == EXPECTED
    assert report.issues == [] and len(report.rows) == 2
    # The lists found are the two the file writes, not the table's "Đơn vị | Mã phân loại" read as a pair.
    assert sorted({(e.kind, e.code) for e in report.codes.entries}) == sorted(
        {("award", code) for code in ({"HT1", "HT2", "HT3", "HT4"} if rows is BESIDE else {"900001", "900002",
                                                                                             "900003"})}
        | {("category", code) for code in ("PL1", "PL2", "PL3")})
    assert report.headers["DS"]["award"] == "Mã danh hiệu"  # the list's "Hình thức khen thưởng" is not the table's


def test_the_table_s_own_code_columns_and_its_repeated_header_are_not_lists(lists_engine):
    rows = [*TITLE, ["STT", "Tên đơn vị / tập thể", "Mã phân loại tập thể", "Hình thức khen thưởng"],
            [1, "Phòng Quản lý Thương mại", "1660638226", "Tập thể lao động tiên tiến"],
            ["STT", "Tên đơn vị / tập thể", "Mã phân loại tập thể", "Hình thức khen thưởng"],
            [2, "Trung tâm Khuyến công", "1660638247", "Tập thể lao động tiên tiến"]]
    report = check(lists_engine, xlsx(("DS", rows)))
    assert report.codes.entries == []
    assert [(r.name, r.category) for r in report.records] == [
        ("Phòng Quản lý Thương mại", "Cơ quan Đảng"), ("Trung tâm Khuyến công", "Cơ quan Trung Ương đóng trên địa bàn")]


def test_a_header_less_list_in_hidden_columns_right_of_the_table_takes_its_meaning_from_the_codes(lists_engine):
    rows = [*TITLE, HEADER[:5] + ["Mã danh hiệu"],
            [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", "HTKT02", None, None, None, None, "HTKT01", AWARD[0]],
            [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", "HTKT01", None, None, None, None, "HTKT02", AWARD[1]],
            [None] * 10 + ["HTKT03", AWARD[2]]]
    report = check(lists_engine, xlsx(("DS", rows), hidden_cols="KL"))
    assert [(r.name, r.award) for r in report.records] == [(n, a) for n, a, _ in EXPECTED]
    assert report.issues == []
    assert {(e.sheet, e.kind) for e in report.codes.entries} == {("DS", "award")}


def test_lists_behind_sheet_names_that_say_nothing_get_their_meaning_from_the_codes_then_their_names(lists_engine):
    people = [*TITLE, HEADER + ["Lĩnh vực"],
              [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 3, 2, "0002"],
              [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 2, 1, "0014"]]
    fields = [["0002", "Công nghiệp - Thương mại"], ["0014", "Quản lý Nhà nước"], ["0021", "Bảo hiểm xã hội"]]
    # The same codes 1-3 in both lists, no drop-downs: the codes fit both columns, the names tell which is which;
    # the fields' list (names the catalogue has no table for) is known by the codes of "Lĩnh vực" alone.
    data = xlsx(("DS", people), ("Data", [["Mã", "Tên"], *([n, c] for n, c in enumerate(CATEGORY, 1))]),
                ("Trang tính2", [["Mã", "Tên"], *([n, a] for n, a in enumerate(AWARD, 1))]), ("Sheet3", fields),
                hidden=("Trang tính2", "Sheet3"))
    report = check(lists_engine, data)
    assert outcome(report) == EXPECTED and report.errors == []
    assert [r.field for r in report.rows] == ["Công nghiệp - Thương mại", "Quản lý Nhà nước"]
    assert sorted({(e.sheet, e.kind) for e in report.codes.entries}) == [
        ("Data", "category"), ("Sheet3", "field"), ("Trang tính2", "award")]


def test_a_list_a_column_does_not_fit_decodes_nothing(lists_engine):
    # Sheet2's codes are two of the three the award column writes, and its names are units: its meaning stays
    # unknown, so no row's code becomes a unit's name (before, any list of unknown meaning decoded every field).
    people = [*TITLE, HEADER[:5] + ["Mã danh hiệu"], [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 7001],
              [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 7002],
              [3, "Vi Thị Mai", "Nữ", 1980, "Văn phòng Sở", 7005]]
    units = [[7001, "Văn phòng Sở"], [7002, "Thanh tra Sở"], [7003, "Phòng Quản lý Công nghiệp"]]
    report = check(lists_engine, xlsx(("DS", people), ("Sheet2", units)))
    assert [r.award for r in report.rows] == ["7001", "7002", "7005"]
    assert [(i.row, i.code) for i in report.errors] == [(4, "unknown_award"), (5, "unknown_award"),
                                                         (6, "unknown_award")]
    assert "mã “7001” (không có trong danh mục của tệp)" in report.errors[0].message
    assert {e.kind for e in report.codes.entries} == {None}


def _local_names_book() -> bytes:
    """DS's drop-down "PhanLoai" means DS's own name (the categories, A2:A4), not the workbook's nor DM's own name of
    the same spelling (the awards, D2:D4), which openpyxl writes after DS's."""
    book = Workbook()
    data = book.active
    data.title = "DS"
    for row in [HEADER, [1, "Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 3, 2],
                [2, "Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 2, 1]]:
        data.append(row)
    lists = book.create_sheet("DM")
    for row in [["Mã", "Tên", None, "Mã", "Tên"], *LISTS]:
        lists.append(row)
    book.defined_names["PhanLoai"] = DefinedName("PhanLoai", attr_text="DM!$D$2:$D$4")
    data.defined_names["PhanLoai"] = DefinedName("PhanLoai", attr_text="DM!$A$2:$A$4")
    lists.defined_names["PhanLoai"] = DefinedName("PhanLoai", attr_text="DM!$D$2:$D$4")
    book.defined_names["DanhHieu"] = DefinedName("DanhHieu", attr_text="DM!$D$2:$D$4")
    for formula, cells in (("PhanLoai", "F2:F100"), ("DanhHieu", "G2:G100")):
        validation = DataValidation(type="list", formula1=formula)
        data.add_data_validation(validation)
        validation.add(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_s_own_defined_name_comes_before_the_workbook_s_and_another_sheet_s(lists_engine):
    data = _local_names_book()
    assert read_validations(data, file="x.xlsx", sheets={"DS"}) == {"DS": [
        Validation(((5, 5),), "DM", 0, 0, 1, 3), Validation(((6, 6),), "DM", 3, 3, 1, 3)]}
    report = check(lists_engine, data)
    assert outcome(report) == EXPECTED and report.errors == []


def test_an_ods_sheet_s_own_named_range_comes_before_the_workbook_s(lists_engine):
    head = _row([_cell(v) for v in HEADER])
    people = "".join(_row([_cell(n), _cell(name), _cell(g), _cell(y), _cell(u), _cell(c, validation="val1"),
                           _cell(a, validation="val2")]) for n, (name, g, y, u, c, a) in enumerate(
        [("Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 3, 2), ("Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 2, 1)], 1))
    own = ('<table:named-expressions><table:named-range table:name="PhanLoai" table:base-cell-address="$DS.$A$1" '
           'table:cell-range-address="$DM.$A$2:.$A$4"/></table:named-expressions>')
    tables = f'<table:table table:name="DS">{head}{people}{own}</table:table><table:table table:name="DM">' + "".join(
        _row([_cell(v) for v in row]) for row in [["Mã", "Tên", None, "Mã", "Tên"], *LISTS]) + "</table:table>"
    workbook = ('<table:named-expressions><table:named-range table:name="PhanLoai" table:base-cell-address="$DM.$A$1" '
                'table:cell-range-address="$DM.$D$2:.$D$4"/></table:named-expressions>')
    data = _ods(_validation("val1", "PhanLoai") + _validation("val2", "[$DM.$D$2:.$D$4]"), tables, workbook)
    assert read_validations(data, file="x.ods", sheets={"DS"})["DS"][0] == Validation(((5, 5),), "DM", 0, 0, 1, 3)
    assert outcome(check(lists_engine, data, "ds.ods")) == EXPECTED


def test_the_import_command_reads_a_list_under_the_table(tmp_path, sqlite_template):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(("DS", UNDER)))
    done = tdkt_import(sqlite_copy(sqlite_template, tmp_path), path, "--dry-run", "--json")
    assert done.code == 0, done.stdout
    line = json.loads(done.stdout.splitlines()[0])
    assert (line["rows"], line["errors"]) == (2, [])
    assert [(r["name"], r["award"]) for r in line["records"]] == [(n, a) for n, a, _ in EXPECTED]
