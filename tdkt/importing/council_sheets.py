"""The council's sheets from Excel: its members ("Họ và tên", "Chức vụ trong Hội đồng") or a tally ("Họ và tên",
"Danh hiệu", "Số phiếu đồng ý", "Đơn vị"), read by the safe reader, headers matched with accents ignored.

What is read here is only what the cells say; matching a tally row to a nomination is the council's
(`tdkt.council.sheet_tally`). Every problem is an `ImportIssue` naming the file, the row Excel shows and the header as
written; a file with any error writes nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.council_tables import COUNCIL_ROLE_LABELS, CouncilRole
from tdkt.core.text import nfc
from tdkt.importing.headers import SCAN_ROWS, field_of, header_key, is_numbering_row
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import RawSheet, UnreadableFile

MEMBERS, TALLY = "thanh_vien", "kiem_phieu"
# Header words per field; a cell matches the longest alias it equals or starts with (so "Chức vụ trong Hội đồng"
# is the role, a plain "Chức vụ" the position).
_HEADERS = {
    "name": ("ho va ten", "ho ten", "ten thanh vien", "ten ca nhan tap the", "ten ca nhan", "ten tap the"),
    "role": ("chuc vu trong hoi dong", "chuc danh trong hoi dong", "vai tro trong hoi dong", "vai tro",
             "chuc vu hoi dong"),
    "position": ("chuc vu", "chuc danh"),
    "unit": ("don vi", "co quan don vi", "noi cong tac", "co quan"),
    "award": ("danh hieu", "danh hieu thi dua", "hinh thuc khen thuong", "danh hieu hinh thuc"),
    "votes": ("so phieu dong y", "phieu dong y", "so phieu tan thanh", "dong y"),
}
_NEEDED = {MEMBERS: ("name", "role"), TALLY: ("name", "award", "votes")}
TITLES = {"name": "Họ và tên", "role": "Chức vụ trong Hội đồng", "position": "Chức vụ", "unit": "Đơn vị",
          "award": "Danh hiệu", "votes": "Số phiếu đồng ý"}


@dataclass(slots=True)
class SheetRow:
    """One row of a council sheet as its cells say: a member (role) or a nominee's votes (award, votes)."""

    row: int
    name: str
    role: CouncilRole | None = None
    position: str | None = None
    unit: str | None = None
    award: str | None = None
    votes: int | None = None


@dataclass(slots=True)
class CouncilSheet(IssueReport):
    """What a council sheet holds and what is wrong with it."""

    file: str
    mode: str
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    rows: list[SheetRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    # (Excel row, field) of the cells read empty that hold a formula whose value the file does not store
    formulas: set[tuple[int, str]] = field(default_factory=set)

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None:
        """Add an error at a cell (`column` our field name; shown as the header the file wrote)."""
        self.issues.append(ImportIssue(self.file, self.sheet, row,
                                       self.columns.get(column, TITLES.get(column)) if column else None, code, message))


    def formula_without_value(self, row: int, column: str) -> bool:
        """Add the error of a cell that holds a formula with no stored value, when it is one; return whether."""
        if (row, column) not in self.formulas:
            return False
        header = self.columns.get(column, TITLES.get(column))
        self.add(row, column, "formula_no_value",
                 f"Ô cột “{header}” ở dòng {row} là công thức mà tệp không lưu giá trị (tệp tạo bằng chương trình "
                 "khác, chưa tính lại, hoặc công thức báo lỗi): gõ thẳng giá trị vào ô, hoặc mở tệp bằng Excel rồi "
                 "lưu lại để giá trị được lưu, rồi tải lên lại.")
        return True


def _uncached_formulas(data: bytes, sheet: str, columns: dict[str, int], header: int,
                       rows: list[list[Any]]) -> set[tuple[int, str]]:
    """Return (Excel row, field) of the list's cells that the reader gave as empty but that hold a formula (.xlsx and
    .xlsm: the reader sees cached values only, and a file written by a program rather than Excel may store none)."""
    if data[:4] != b"PK\x03\x04":
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not any(n.startswith("xl/worksheets/") and b"<f" in archive.read(n) for n in archive.namelist()):
                return set()
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - an .ods or a file openpyxl cannot open: the reader's values are all there is
        return set()
    try:
        if sheet not in book.sheetnames:
            return set()
        found = set()
        wanted = {c: f for f, c in columns.items()}
        low, high = min(wanted) + 1, max(wanted) + 1
        for r, cells in enumerate(book[sheet].iter_rows(min_row=header + 2, max_row=len(rows), min_col=low,
                                                        max_col=high), start=header + 2):
            for cell in cells:
                name = wanted.get(getattr(cell, "column", 0) - 1)
                if name and getattr(cell, "data_type", None) == "f":
                    value = rows[r - 1][cell.column - 1] if cell.column - 1 < len(rows[r - 1]) else None
                    if value is None or value == "":
                        found.add((r, name))
        return found
    finally:
        book.close()


_key = header_key


def _field_of(cell: Any) -> str | None:
    return field_of(cell, _HEADERS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _find(sheets: list[RawSheet], mode: str) -> tuple[RawSheet, int, dict[str, int]] | None:
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        for r, row in enumerate(sheet.rows[:SCAN_ROWS]):
            columns: dict[str, int] = {}
            for c, cell in enumerate(row):
                name = _field_of(cell)
                if name and name not in columns:
                    columns[name] = c
            if all(f in columns for f in _NEEDED[mode]):
                return sheet, r, columns
    return None


# The roles' spellings a council's decision uses, folded (accents, case and punctuation ignored: "Ủy viên - Thư ký",
# "Uỷ viên thư ký", "UY VIEN THU KY" are one key), after the council's own name is taken out ("Chủ tịch Hội đồng
# Thi đua - Khen thưởng" is "chu tich"). A standing (thường trực) Phó Chủ tịch or Ủy viên sits as one; whoever keeps
# the minutes is the secretary. Anything else is refused on its cell: a prefix match once read "Chủ tịch Công đoàn"
# as the council's chair.
ROLE_ALIASES = {
    CouncilRole.CHU_TICH: ("chu tich",),
    CouncilRole.PHO_CHU_TICH: ("pho chu tich", "pho chu tich thuong truc"),
    CouncilRole.UY_VIEN_THU_KY: ("uy vien thu ky", "thu ky", "thu ky kiem uy vien", "uy vien kiem thu ky",
                                 "uy vien thuong truc kiem thu ky", "uy vien thuong truc thu ky",
                                 "thu ky uy vien"),
    CouncilRole.UY_VIEN: ("uy vien", "thanh vien", "uy vien thuong truc"),
}
_ROLE_BY_KEY = {alias: role for role, aliases in ROLE_ALIASES.items() for alias in aliases}
_COUNCIL_WORDS = re.compile(r"\b(?:(?:hoi dong|hd)(?: thi dua khen thuong| tdkt)?|hdtdkt)(?: so)?\b")
ACCEPTED_ROLES = (", ".join(COUNCIL_ROLE_LABELS.values())
                  + " (nhận cả “Phó Chủ tịch thường trực”, “Thư ký”, “Thư ký kiêm ủy viên”, “Ủy viên thường trực”, "
                    "“Thành viên”)")


def role_of(text: str) -> CouncilRole | None:
    """Return the council role a text names ("Phó Chủ tịch Hội đồng", "Thư ký kiêm ủy viên"…; ROLE_ALIASES), or
    None for any other text."""
    key = " ".join(_COUNCIL_WORDS.sub(" ", _key(text)).split())
    return _ROLE_BY_KEY.get(key)


def _votes(value: Any) -> int | None:
    """Return a whole number of votes; raise ValueError when the cell is not one."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if float(value).is_integer():
            return int(value)
        raise ValueError
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        raise ValueError
    return int(text)


def read_sheet(data: bytes, *, file_name: str, settings: Settings, mode: str) -> CouncilSheet:
    """Read a members sheet (MEMBERS) or a tally sheet (TALLY) and check every cell, writing nothing."""
    report = CouncilSheet(file=file_name, mode=mode)
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        report.add(None, None, error.code, error.message)
        return report
    found = _find(sheets, mode)
    if found is None:
        need = ", ".join(f"“{TITLES[f]}”" for f in _NEEDED[mode])
        report.add(None, None, "no_header", f"Không tìm thấy danh sách trong tệp “{file_name}”: cần một dòng tiêu đề "
                                            f"cột có {need}. Thêm dòng tiêu đề rồi tải lên lại.")
        return report
    sheet, header, columns = found
    report.sheet = sheet.name
    report.columns = {f: _text(sheet.rows[header][c]) for f, c in columns.items()}
    report.formulas = _uncached_formulas(data, sheet.name, columns, header, sheet.rows)
    for excel_row, values in enumerate(sheet.rows[header + 1:], start=header + 2):
        cells = {f: (values[c] if c < len(values) else None) for f, c in columns.items()}
        name = _text(cells.get("name"))
        if not name and report.formula_without_value(excel_row, "name"):
            continue
        if not re.search(r"[^\W\d_]", name) or is_numbering_row(values) or _field_of(name) == "name":
            continue  # empty rows, column numbers "(1) (2)", the header again
        row = SheetRow(row=excel_row, name=name, unit=_text(cells.get("unit")) or None,
                       position=_text(cells.get("position")) or None)
        (_member if mode == MEMBERS else _tally)(report, row, cells)
        report.rows.append(row)
    if not report.rows and not report.issues:
        report.add(None, None, "no_rows", f"Danh sách trong trang “{sheet.name}” không có dòng nào dưới dòng tiêu đề.")
    return report


def _member(report: CouncilSheet, row: SheetRow, cells: dict[str, Any]) -> None:
    text = _text(cells.get("role"))
    row.role = role_of(text)
    if row.role is None and not text and report.formula_without_value(row.row, "role"):
        return
    if row.role is None:
        report.add(row.row, "role", "bad_role", f"Không hiểu chức vụ trong Hội đồng “{text}” của {row.name}: ghi một "
                                                 f"trong {ACCEPTED_ROLES}." if text else
                   f"{row.name} chưa có chức vụ trong Hội đồng: ghi một trong {ACCEPTED_ROLES}.")


def _tally(report: CouncilSheet, row: SheetRow, cells: dict[str, Any]) -> None:
    row.award = _text(cells.get("award")) or None
    if row.award is None and report.formula_without_value(row.row, "award"):
        pass
    elif row.award is None:
        report.add(row.row, "award", "no_award", f"{row.name} chưa có danh hiệu: ghi danh hiệu được bỏ phiếu.")
    try:
        row.votes = _votes(cells.get("votes"))
    except ValueError:
        report.add(row.row, "votes", "bad_votes", f"Số phiếu đồng ý “{_text(cells.get('votes'))}” của {row.name} "
                                                   "không phải số nguyên không âm.")
        return
    if row.votes is None and not report.formula_without_value(row.row, "votes"):
        report.add(row.row, "votes", "no_votes", f"{row.name} chưa có số phiếu đồng ý.")
