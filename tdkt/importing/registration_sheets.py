"""A unit's registration sheet (bảng đăng ký thi đua, .xlsx): its template, its check (through the safe reader,
problems at file, row and column) and its commit, all rows or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.permissions import Actor
from tdkt.core.registration_tables import Registration
from tdkt.core.text import fold, nfc
from tdkt.core.workbook import put, save
from tdkt.importing.headers import field_of, header_key
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import RawSheet, UnreadableFile
from tdkt.importing.template_style import BOX, text_typed, write_header_row, write_title
from tdkt.registrations.registrations import (
    RegistrationError,
    RegistrationInput,
    add_many,
    allowed_awards,
    check_inputs,
    unit_choices,
)

_SCAN_ROWS = 30
# Header words per field (folded, whole words from the start), most specific first.
_HEADERS = {
    "collective": ("ten tap the", "tap the"),
    "person": ("ho va ten", "ho ten", "ten ca nhan"),
    "position": ("chuc vu", "chuc danh"),
    "award": ("danh hieu dang ky", "danh hieu hinh thuc dang ky", "danh hieu thi dua dang ky", "danh hieu",
              "hinh thuc khen thuong"),
    "unit": ("don vi", "ten don vi", "don vi cong tac"),
    "note": ("ghi chu",),
}
TITLES = {"person": "Họ và tên", "collective": "Tên tập thể", "position": "Chức vụ", "award": "Danh hiệu đăng ký",
          "unit": "Đơn vị", "note": "Ghi chú"}
_FIELD_COLUMN = {"target": "person", "name": "person", "unit": "unit", "award": "award", "position": "position",
                 "note": "note"}
HEADER_ROW = 5
BLANK_ROWS = 40


@dataclass(slots=True)
class RegistrationSheet(IssueReport):
    """What a registration sheet holds and what is wrong with it: the page, the command and the tests read it."""

    file: str
    year: int
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    rows: list[tuple[int, RegistrationInput]] = field(default_factory=list)  # (Excel row, input)
    issues: list[ImportIssue] = field(default_factory=list)
    unreadable: bool = False
    registered: int = 0


def _find_header(sheets: list[RawSheet]) -> tuple[RawSheet, int, dict[str, int]] | None:
    """Return the first sheet (visible first) with a header naming a person or collective and a title."""
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        for r, row in enumerate(sheet.rows[:_SCAN_ROWS]):
            columns: dict[str, int] = {}
            for c, cell in enumerate(row):
                name = field_of(cell, _HEADERS, longest=60)
                if name and name not in columns:
                    columns[name] = c
            if "award" in columns and ({"person", "collective"} & set(columns)):
                return sheet, r, columns
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def check(session: Session, actor: Actor, data: bytes, *, file_name: str, settings: Settings, year: int,
          today: date) -> RegistrationSheet:
    """Read a registration sheet and check every row against the units, the catalogue and what is on record,
    writing nothing; a unit account's rows are its own unit's ("Đơn vị" is for the Office)."""
    report = RegistrationSheet(file=file_name, year=year)
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        return _whole(report, error.code, error.message)
    found = _find_header(sheets)
    if found is None:
        return _whole(report, "no_header", f"Không tìm thấy bảng đăng ký trong tệp “{file_name}”: cần một dòng tiêu "
                                           "đề có “Họ và tên” (hoặc “Tên tập thể”) và “Danh hiệu đăng ký”. Tải mẫu "
                                           "bảng đăng ký, chép dữ liệu vào rồi tải lên lại.")
    sheet, header_row, columns = found
    report.sheet = sheet.name
    report.columns = {f: _text(sheet.rows[header_row][c]) for f, c in columns.items()}
    _read_rows(report, sheet.rows[header_row + 1:], header_row + 2, columns)
    if not report.rows and not report.issues:
        return _whole(report, "no_rows", f"Bảng đăng ký trong trang “{sheet.name}” không có dòng nào dưới dòng tiêu "
                                         "đề.")
    _, problems = check_inputs(session, actor, [data for _, data in report.rows], today=today)
    for (excel_row, _), found_problems in zip(report.rows, problems, strict=True):
        for field_name, message in found_problems:
            column = _FIELD_COLUMN.get(field_name, "person")
            if column == "person" and "person" not in report.columns:
                column = "collective"
            report.issues.append(ImportIssue(file_name, sheet.name, excel_row, report.columns.get(column),
                                             f"registration_{field_name}", message))
    return report


def _read_rows(report: RegistrationSheet, rows: list[list[Any]], first_row: int, columns: dict[str, int]) -> None:
    """Add one input per filled row (`first_row` is the Excel number of rows[0]); a row naming both a person and a
    collective, or a title and no one, is a problem on its row."""

    def cell(values: list[Any], name: str) -> str:
        index = columns.get(name)
        return _text(values[index]) if index is not None and index < len(values) else ""

    for excel_row, values in enumerate(rows, start=first_row):
        person, collective, award = cell(values, "person"), cell(values, "collective"), cell(values, "award")
        if not re.search(r"[^\W\d_]", person + collective + award):
            continue  # empty rows and the column numbers "(1) (2)"
        if fold(person) in ("ho va ten", "ho ten") or header_key(award).startswith("danh hieu"):
            continue  # the header printed again
        if person and collective:
            report.issues.append(ImportIssue(report.file, report.sheet or "", excel_row, report.columns.get("person"),
                                             "person_and_collective", "Mỗi dòng đăng ký cho một cá nhân hoặc một tập "
                                             "thể: để trống một trong hai cột “Họ và tên”, “Tên tập thể”."))
            continue
        target = "tap_the" if collective or (not person and "collective" in columns) else "ca_nhan"
        report.rows.append((excel_row, RegistrationInput(
            year=report.year, target=target, award=award, name=collective or person or None,
            unit=cell(values, "unit") or None, position=cell(values, "position") or None,
            note=cell(values, "note") or None)))


def _whole(report: RegistrationSheet, code: str, message: str) -> RegistrationSheet:
    """Mark the file unreadable with one problem about the whole file; return the report."""
    report.unreadable = True
    report.issues.append(ImportIssue(report.file, report.sheet or "", None, None, code, message))
    return report


def commit(session: Session, actor: Actor, report: RegistrationSheet, *, today: date) -> list[Registration]:
    """Register every row of a checked sheet, or none (a problem left, or one found since the check, refuses all),
    with one audit entry."""
    if report.errors or report.unreadable:
        raise RegistrationError([f"Tệp “{report.file}” còn {len(report.errors)} lỗi: sửa rồi tải lên lại."])
    rows = add_many(session, actor, [data for _, data in report.rows], today=today, source=report.file)
    report.registered = len(rows)
    return rows


def template(*, year: int, agency: str, awards: list[str], units: list[str], unit: str | None = None) -> bytes:
    """Return the registration sheet to fill in: title, header, example-free boxed rows, dropdowns of titles and
    units ("Đơn vị" prefilled with `unit` for a unit's own sheet), and a short guide."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Đăng ký"
    headers = [("STT", 6), ("Họ và tên", 28), ("Tên tập thể", 30), ("Chức vụ", 22), ("Danh hiệu đăng ký", 34),
               ("Đơn vị", 30), ("Ghi chú", 24)]
    write_title(ws, "A1", agency.upper(), merge="A1:C1")
    write_title(ws, "A3", f"BẢNG ĐĂNG KÝ THI ĐUA NĂM {year}", size=14, merge="A3:G3")
    write_header_row(ws, headers, row=HEADER_ROW)
    first, last = HEADER_ROW + 1, HEADER_ROW + BLANK_ROWS
    for r in range(first, last + 1):
        for c in range(1, len(headers) + 1):
            ws.cell(row=r, column=c).border = BOX
        if unit:
            put(ws, r, 6, unit)
    lists = wb.create_sheet("DanhMuc")
    for column, (header, values) in enumerate((("Danh hiệu", awards), ("Đơn vị", units)), start=1):
        put(lists, 1, column, header)
        for index, value in enumerate(values, start=2):
            put(lists, index, column, value)
    lists.sheet_state = "hidden"
    for letter, source, count in (("E", "A", len(awards)), ("F", "B", len(units))):
        rule = DataValidation(type="list", formula1=f"=DanhMuc!${source}$2:${source}${count + 1}", allow_blank=True,
                              showErrorMessage=letter == "E")
        rule.error, rule.errorTitle = "Chọn danh hiệu trong danh sách.", "Giá trị không có trong danh mục"
        ws.add_data_validation(rule)
        rule.add(f"{letter}{first}:{letter}{last}")
        text_typed(ws, letter, first=first, last=last)
    ws.freeze_panes = ws.cell(row=first, column=2)
    guide = wb.create_sheet("Hướng dẫn")
    for index, line in enumerate(_GUIDE, start=1):
        put(guide, index, 1, line)
    guide.column_dimensions["A"].width = 110
    return save(wb)


def template_for(session: Session, actor: Actor, *, year: int, agency: str) -> bytes:
    """Return the template with every title a person or a collective may register and the units the actor may
    register for (a unit account: its own, written on every row)."""
    awards = list(dict.fromkeys([*allowed_awards(session, target="tap_the"),
                                 *allowed_awards(session, target="ca_nhan")]))
    units = list(unit_choices(session, actor))
    own = units[0] if actor.role.value == "don_vi" and units else None
    return template(year=year, agency=agency, awards=awards, units=units, unit=own)


_GUIDE = [
    "HƯỚNG DẪN LẬP BẢNG ĐĂNG KÝ THI ĐUA",
    "1. Mỗi dòng là một đăng ký: một cá nhân (cột “Họ và tên”, “Chức vụ”) hoặc một tập thể (cột “Tên tập thể”) với "
    "một danh hiệu.",
    "2. Đơn vị đăng ký danh hiệu tập thể cho chính mình: ghi tên đơn vị vào cột “Tên tập thể”.",
    "3. Cột “Danh hiệu đăng ký”: chọn trong danh sách thả xuống (chấp nhận cách viết tắt thường dùng: LĐTT, CSTĐCS…).",
    "4. Cột “Đơn vị” dành cho Văn phòng Sở khi nhập bảng của nhiều đơn vị; tài khoản đơn vị chỉ đăng ký cho đơn vị "
    "mình.",
    "5. Một cá nhân hay tập thể không đăng ký hai lần cùng một danh hiệu trong năm.",
]
