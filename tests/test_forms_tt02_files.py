"""The forms as files and commands: the .xlsx opened again (header block, codes, totals, signatures, A4 print setup,
Times New Roman, text kept as text), `forms --json`, `forms --out` and `mau-tdkt --out` through the CLI."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tdkt.awards import mau_tdkt
from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core.db import read_session
from tdkt.forms import form_workbook, tt02
from tdkt.forms.form_table import ISSUED_UNDER, RECEIVED_ON
from tests import forms_world
from tests.conftest import SECRET


@pytest.fixture
def run(monkeypatch, db_url, engine):
    forms_world.build(engine)
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    monkeypatch.setenv("TDKT_AGENCY", "Sở Công Thương Lạng Sơn")
    click_vi.install()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def workbook(engine, form: str, *, year: int = 2024, receiver: str = "Sở Nội vụ tỉnh Lạng Sơn"):
    with read_session(engine) as session:
        table = tt02.build(session, form=form, year=year)
    data = form_workbook.to_xlsx(table, agency="Sở Công Thương Lạng Sơn", receiver=receiver, place="Lạng Sơn")
    return table, load_workbook(BytesIO(data))


def coded_rows(sheet) -> dict[str, list]:
    """Mã số → the row's cells after the fixed columns, as read back."""
    first = 4 if sheet["C10"].value == "Đơn vị tính" else 3
    return {row[1].value: [c.value for c in row[first - 1:]] for row in sheet.iter_rows(min_row=11)
            if isinstance(row[1].value, str) and row[1].value.isdigit() and len(row[1].value) == 2}


@pytest.mark.parametrize("form", ["0601", "0602", "0603"])
def test_xlsx_has_the_header_block_title_codes_totals_and_signatures(engine, form):
    forms_world.build(engine)
    table, book = workbook(engine, form)
    assert book.sheetnames == [f"Biểu {form}", "Ghi chú"]
    sheet = book[f"Biểu {form}"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert sheet["A1"].value == f"Biểu số: {form}.N/BNV-TĐKT"
    assert sheet["A2"].value == ISSUED_UNDER == "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023"
    assert sheet["A3"].value == "Ngày nhận báo cáo:" and sheet["A4"].value == RECEIVED_ON
    assert "Đơn vị báo cáo: Sở Công Thương Lạng Sơn" in texts
    assert "Đơn vị nhận báo cáo: Sở Nội vụ tỉnh Lạng Sơn" in texts
    assert sheet["A6"].value == table.title
    assert sheet["A7"].value == "Thời điểm báo cáo: Năm 2024 (từ 01/12/2023 đến 30/11/2024)"
    assert ("Đơn vị tính: Phong trào" in texts) == (form == "0601")
    assert sheet["B10"].value == "Mã số"
    rows = coded_rows(sheet)
    assert rows == {r.code: list(r.values) for r in table.coded()}
    assert rows["01"][0] == {"0601": 5, "0602": 5, "0603": 4}[form]
    for needed in ("Người lập biểu", "(Ký, họ tên)", "Thủ trưởng đơn vị", "(Ký, họ tên, đóng dấu)",
                   "Lạng Sơn, ngày … tháng … năm …", "Tổng số"):
        assert needed in texts


@pytest.mark.parametrize(("form", "orientation"), [("0601", "portrait"), ("0602", "landscape"),
                                                   ("0603", "portrait")])
def test_xlsx_prints_on_a4_one_page_wide_with_the_heading_on_every_page_in_times_new_roman(engine, form,
                                                                                          orientation):
    _, book = workbook(engine, form)
    sheet = book[f"Biểu {form}"]
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == orientation  # 9: A4 in the file format
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.page_margins.left == pytest.approx(0.6) and sheet.page_margins.top == pytest.approx(0.6)
    depth = {"0601": 2, "0602": 3, "0603": 2}[form]
    assert sheet.print_title_rows == f"$10:${10 + depth}"  # the heading and its numbers row
    assert sheet.print_area
    total = next(row for row in sheet.iter_rows() if row[1].value == "01")
    assert {c.font.name for c in total} == {"Times New Roman"} and sheet["A1"].font.name == "Times New Roman"
    assert all(c.border.left.style == "thin" and c.border.top.style == "thin" for c in total)
    assert sheet["A6"].font.bold and sheet["A7"].font.italic


def test_xlsx_heading_merges_the_groups_of_0602(engine):
    table, book = workbook(engine, "0602")
    sheet = book["Biểu 0602"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A10:A12" in merged and "B10:B12" in merged and "C10:C12" in merged and "D10:D12" in merged
    last = 3 + len(table.columns)
    assert sheet.cell(row=10, column=5).value == "Chia ra"
    assert f"E10:{get_column_letter(last)}10" in merged
    numbers = [sheet.cell(row=13, column=c).value for c in range(1, last + 1)]
    assert numbers[:4] == ["A", "B", "C", "1=(2+...+9)"] and numbers[-1].startswith("9.")


def test_every_text_of_the_xlsx_stays_text_even_a_formula_like_name(engine):
    forms_world.build(engine)
    _, book = workbook(engine, "0601", receiver="=cmd|' /C calc'!A0")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    notes = [c for c in cells if c.value == forms_world.INJECTION]
    assert notes and all(c.data_type == "s" for c in notes)  # the movement's name, in "Chi tiết đã tính"
    assert any(c.value == "Đơn vị nhận báo cáo: =cmd|' /C calc'!A0" for c in cells)


def test_notes_sheet_says_what_is_unconfirmed_and_the_tt18_status(engine):
    forms_world.build(engine)
    _, book = workbook(engine, "0603")
    texts = " ".join(str(c.value) for row in book["Ghi chú"].iter_rows() for c in row if c.value)
    assert tt02.UNCONFIRMED in texts and tt02.TT18_STATUS in texts
    assert "Tập thể lao động xuất sắc (1)" in texts
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in texts  # what was counted, award by award


def test_forms_json_prints_the_form_year_columns_and_coded_rows(run):
    result = run("forms", "--year", "2024", "--form", "0602", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["form"] == "0602.N/BNV-TĐKT" and data["year"] == 2024
    assert [r["code"] for r in data["rows"]] == ["01", "02", "03", *(f"{n:02d}" for n in range(6, 22))]
    assert data["rows"][0] == {"code": "01", "label": "Tổng số", "values": data["rows"][0]["values"]}
    assert data["rows"][0]["values"][0] == 5 and len(data["rows"][0]["values"]) == len(data["columns"])


def test_forms_out_writes_the_xlsx_with_the_receiver_given(run, tmp_path):
    out = tmp_path / "bieu.xlsx"
    result = run("forms", "--year", "2024", "--form", "0601", "--out", str(out), "--receiver", "UBND tỉnh")
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    sheet = load_workbook(out)["Biểu 0601"]
    assert coded_rows(sheet)["01"] == [5, 1, 2, 2]
    assert any(c.value == "Đơn vị nhận báo cáo: UBND tỉnh" for row in sheet.iter_rows() for c in row)


def test_forms_needs_out_or_json_and_an_xlsx_name(run, tmp_path):
    assert "Chọn --out" in run("forms", "--year", "2024", "--form", "0601").output
    refused = run("forms", "--year", "2024", "--form", "0601", "--out", str(tmp_path / "a.csv"))
    assert refused.exit_code == 2 and ".xlsx" in refused.output
    assert run("forms", "--year", "2024", "--form", "0604", "--json").exit_code == 2


def test_mau_tdkt_writes_the_years_decisions_with_a_formula_like_name_as_text(run, tmp_path):
    out = tmp_path / "mau.xlsx"
    result = run("mau-tdkt", "--year", "2024", "--out", str(out))
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    book = load_workbook(out)
    sheet = book[mau_tdkt.SHEET]
    assert tuple(c.value for c in sheet[1]) == mau_tdkt.HEADERS
    names = [row[2] for row in sheet.iter_rows(min_row=2)]
    decided = [a for a in forms_world.AWARDS if a[7] == forms_world.DECIDED]
    assert len(names) == len(decided)
    injected = [c for c in names if c.value == forms_world.INJECTION]
    assert len(injected) == 1 and injected[0].data_type == "s"
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert run("mau-tdkt", "--year", "2024", "--out", str(tmp_path / "mau.csv")).exit_code == 2
