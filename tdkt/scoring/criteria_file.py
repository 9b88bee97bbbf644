"""A cluster's criteria sheet (bảng tiêu chí) to and from .xlsx, as clusters' regulations print it: a header row
("STT" or "Mã", "Nội dung tiêu chí", "Điểm tối đa", and optionally "Loại", "Cách tính", "Điểm mỗi lần"), group rows
numbered with Roman numerals ("I", "II.") or left unnumbered, criteria numbered "1", "2"… with sub-criteria "1.1",
"1.2" (or "a)", "b)" under the criterion above), and a "Tổng cộng" row with the sheet's total.

What is read: the first sheet holding such a header (accents and case ignored); a group whose name says "điểm cộng"
or "điểm thưởng" is the bonus group; a criterion with no kind column is "định tính" (all or nothing), one under the
bonus group "cộng/trừ"; a criterion of a penalty ("điểm trừ", or a negative maximum / points each) gets maximum 0 and
negative points each. The result is a SheetSpec checked by `sheets.problems` like one entered on the page: the page
shows it in its tables before anything is saved, so a problem is fixed there or in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tdkt.core import workbook as books
from tdkt.core.config import Settings
from tdkt.core.text import fold, nfc
from tdkt.importing.headers import SCAN_ROWS, header_key, is_numbering_row
from tdkt.importing.read import read_workbook
from tdkt.importing.sheet_data import UnreadableFile
from tdkt.scoring import kinds
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec, kind_of_text, problems

TITLES = {"code": "STT", "name": "Nội dung tiêu chí", "max": "Điểm tối đa", "kind": "Loại tiêu chí",
          "rule": "Cách tính", "points_each": "Điểm mỗi lần"}
_HEADERS = {
    "code": ("stt", "tt", "so tt", "ma", "ma so", "ma tieu chi"),
    "name": ("noi dung tieu chi", "noi dung", "tieu chi", "ten tieu chi", "noi dung cham diem", "tieu chi cham diem"),
    "max": ("diem toi da", "toi da", "diem chuan", "thang diem", "diem"),
    "kind": ("loai tieu chi", "loai", "phuong phap cham"),
    "rule": ("cach tinh", "cach cham", "cach tinh diem"),
    "points_each": ("diem moi lan", "so diem moi lan", "diem lan"),
}
_ROMAN = re.compile(r"^[IVXL]+$")
_LETTER = re.compile(r"^[a-zđ]$")
_BONUS_WORDS = ("diem cong", "diem thuong", "cong diem", "diem cong diem tru")
_PENALTY_WORDS = ("diem tru", "tru diem", "bi tru")
_TOTAL_WORDS = {"tong cong", "tong diem", "tong so diem", "tong", "cong", "tong cong diem"}
_RULE_WORDS = {fold(label): rule for rules in kinds.RULES.values() for rule, label in rules.items()}


@dataclass
class CriteriaFile:
    """What a criteria file held: the sheet it describes, the file's own problems (unreadable, no header), and the
    sheet's problems as `sheets.problems` words them (sums, kinds, parameters)."""

    file: str
    spec: SheetSpec | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.errors + (problems(self.spec) if self.spec is not None else [])


_key = header_key


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    text = text.replace(".", "").replace(",", ".") if "," in text else text
    try:
        return float(text)
    except ValueError:
        return None


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """Return (index of the header row, column of each field) for the first row naming a criterion and a maximum."""
    for index, row in enumerate(rows[:SCAN_ROWS]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = _key(cell)
            for name, words in _HEADERS.items():
                if name not in columns and key in words:
                    columns[name] = col
                    break
        if "name" in columns and "max" in columns:
            return index, columns
    return None


def _cell(row: list[Any], columns: dict[str, int], name: str) -> Any:
    col = columns.get(name)
    return row[col] if col is not None and col < len(row) else None


def _group_code(code: str) -> bool:
    return bool(_ROMAN.match(code.rstrip(".").upper())) and code.rstrip(".").isupper()


def _kind(text: str, *, bonus: bool, penalty: bool, where: str, errors: list[str]) -> str:
    if not text:
        return kinds.CONG_TRU if bonus or penalty else kinds.DINH_TINH
    found = kind_of_text(text)
    if found is None:
        errors.append(f"{where}: loại “{text}” không rõ; ghi {', '.join(kinds.KINDS.values())}.")
        return kinds.DINH_TINH
    return found


def _rule(text: str, kind: str) -> str | None:
    if not text:
        return None
    rule = _RULE_WORDS.get(fold(text)) or (text if text in kinds.RULES.get(kind, {}) else None)
    return rule if rule in kinds.RULES.get(kind, {}) else None


def _parse(rows: list[list[Any]], start: int, columns: dict[str, int], sheet: str,
           errors: list[str]) -> SheetSpec:
    groups: list[GroupSpec] = []
    criteria: list[CriterionSpec] = []
    total: float | None = None
    group: GroupSpec | None = None
    top = ""  # the last top criterion's code: "a)" rows under it are its sub-criteria
    for offset, row in enumerate(rows[start + 1:], start=start + 2):
        code, name = _text(_cell(row, columns, "code")), _text(_cell(row, columns, "name"))
        maximum = _number(_cell(row, columns, "max"))
        if not (code or name) or is_numbering_row(row) or _key(name) in _HEADERS["name"]:
            continue
        where = f"Sheet “{sheet}”, dòng {offset}"
        if not code and _key(name) in _TOTAL_WORDS:
            total = maximum
            continue
        if _group_code(code) or not code:
            words = _key(name)
            special = any(w in words for w in _BONUS_WORDS + _PENALTY_WORDS)
            bonus_group = next((g for g in groups if g.is_bonus), None)
            top = ""
            if special and bonus_group is not None:
                group = bonus_group  # "Điểm trừ" after "Điểm cộng": one bonus group holds both in the model
                continue
            group = GroupSpec(f"{code.rstrip('.')}. {name}" if code else name, maximum or 0.0, is_bonus=special)
            groups.append(group)
            continue
        if group is None:
            errors.append(f"{where}: tiêu chí “{code} {name}” đứng trước mọi nhóm; thêm dòng nhóm (I, II, …) ở trên.")
            continue
        own = code.rstrip(".)").strip()
        parent = ""
        if "." in own:
            parent = own.rsplit(".", 1)[0]
        elif _LETTER.match(fold(own)) and top:
            parent, own = top, f"{top}.{own}"
        else:
            top = own
        penalty = (maximum is not None and maximum < 0) or any(w in _key(name) for w in _PENALTY_WORDS)
        each = _number(_cell(row, columns, "points_each"))
        kind = _kind(_text(_cell(row, columns, "kind")), bonus=group.is_bonus, penalty=penalty, where=where,
                     errors=errors)
        if kind == kinds.CONG_TRU and penalty:
            each = -abs(each if each is not None else abs(maximum or 0))
            maximum = 0.0
        elif kind == kinds.CONG_TRU and each is None and maximum:
            each = maximum  # "Được khen thưởng cấp trên: 5 điểm" written as its maximum alone
        if maximum is None:
            errors.append(f"{where}, cột “{TITLES['max']}”: tiêu chí “{own}” chưa có điểm tối đa; ghi một số (0 cho "
                          "mục điểm trừ).")
            maximum = 0.0
        criteria.append(CriterionSpec(group.name, own, name, maximum, kind,
                                      _rule(_text(_cell(row, columns, "rule")), kind), each, parent))
    return SheetSpec(tuple(groups), tuple(criteria), total)


def read_criteria_file(data: bytes, *, file_name: str, settings: Settings | None = None) -> CriteriaFile:
    """Read a criteria sheet through the safe reader; the spec (None when the file holds no such table) and its
    problems. Nothing is written: the caller saves the spec with `sheet_writes.save_sheet` once it has no problem."""
    settings = settings or Settings.from_env()
    report = CriteriaFile(file=file_name)
    try:
        raws = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                             max_rows=settings.max_rows)
    except UnreadableFile as error:
        report.errors.append(error.message)
        return report
    for raw in sorted(raws, key=lambda s: s.hidden):
        found = _header(raw.rows)
        if found is not None:
            report.spec = _parse(raw.rows, found[0], found[1], raw.name, report.errors)
            return report
    report.errors.append(f"Không tìm thấy bảng tiêu chí trong tệp “{file_name}”: cần một dòng tiêu đề cột có "
                         f"“{TITLES['name']}” và “{TITLES['max']}” (tải mẫu bảng tiêu chí để xem cách ghi).")
    return report


def criteria_workbook(spec: SheetSpec | None, *, cluster_code: str, year: int) -> bytes:
    """Return the sheet as .xlsx in the layout `read_criteria_file` reads (an empty sheet: the layout with an example
    group), so the Office can edit it in Excel and load it back, or keep it as the cluster's printed sheet."""
    book = Workbook()
    ws = book.active
    ws.title = "Bảng tiêu chí"
    books.put(ws, 1, 1, f"BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA {cluster_code.upper()} NĂM {year}")
    ws.cell(1, 1).font = Font(name="Times New Roman", bold=True, size=13)
    titles = list(TITLES.values())
    for col, title in enumerate(titles, start=1):
        books.put(ws, 3, col, title)
        ws.cell(3, col).font = Font(name="Times New Roman", bold=True)
        ws.cell(3, col).alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    row = 4
    groups = spec.groups if spec else (GroupSpec("I. Thực hiện nhiệm vụ chuyên môn", 0.0),)
    for g in groups:
        code, _, name = g.name.partition(". ")
        if not _group_code(code):
            code, name = "", g.name
        for col, value in enumerate((code, name, g.max_points), start=1):
            books.put(ws, row, col, value)
            ws.cell(row, col).font = Font(name="Times New Roman", bold=True)
        row += 1
        for c in (spec.criteria if spec else ()):
            if c.group != g.name:
                continue
            each = c.points_each
            values = (c.code, c.name, c.max_points, kinds.KINDS.get(c.kind, c.kind),
                      kinds.RULES.get(c.kind, {}).get(c.rule or "", ""), each)
            for col, value in enumerate(values, start=1):
                books.put(ws, row, col, value)
                ws.cell(row, col).font = Font(name="Times New Roman")
            row += 1
    books.put(ws, row, 2, "Tổng cộng")
    books.put(ws, row, 3, spec.total_points or spec.max_points if spec else None)
    for col in (2, 3):
        ws.cell(row, col).font = Font(name="Times New Roman", bold=True)
    for letter, width in zip("ABCDEF", (8, 60, 12, 16, 22, 14), strict=True):
        ws.column_dimensions[letter].width = width
    for line in ws.iter_rows(min_row=4, max_row=row):
        line[1].alignment = Alignment(wrap_text=True, vertical="top")
    return books.save(book)
