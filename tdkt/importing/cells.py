"""One cell of an uploaded list: its text, its folded forms, and what a birth, gender or position cell says."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from tdkt.core.text import FORMAT_RANGES, clean, fold

CA_NHAN, TAP_THE, HO_GIA_DINH = "ca_nhan", "tap_the", "ho_gia_dinh"
NAM, NU = "Nam", "Nữ"

# Values Excel leaves behind when a formula (VLOOKUP in the national layout) has nothing to look up.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#N/A!"})

# Folded words that name a target (individual, collective, household), longest first.
TARGET_WORDS = (("ho gia dinh", HO_GIA_DINH), ("hogiadinh", HO_GIA_DINH), ("tap the", TAP_THE),
                ("tapthe", TAP_THE), ("ca nhan", CA_NHAN), ("canhan", CA_NHAN))

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 3654, 73050  # 1910-01-01 .. 2099-12-31 as Excel serial numbers


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str | None]:
    """Return a str.translate table that drops Vietnamese diacritics from NFC text (fast per-row fold)."""
    table: dict[int, str | None] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            folded = fold(chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    for code in range(0x0300, 0x0370):  # stray combining marks (NFD input)
        table[code] = None
    for first, last in FORMAT_RANGES:  # invisible format characters (zero-width space, BOM…)
        table.update(dict.fromkeys(range(first, last + 1)))
    return table


def quick_fold(text: str) -> str:
    """Return lower-case text without diacritics, whitespace collapsed; cheaper than text.fold for row checks."""
    return " ".join(text.translate(_fold_table()).lower().split())


def fold_with_index(text: str) -> tuple[str, list[int]]:
    """Return the folded text and, for each folded character, its index in the original text."""
    table = _fold_table()
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = ch.translate(table).lower()
        if len(folded) == 1:
            chars.append(folded)
            index.append(i)
    return "".join(chars), index


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_words(text: str) -> str:
    """Return text folded to words: "Tên đơn vị/tập thể\ncông tác" -> "ten don vi tap the cong tac"."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def cell_text(value: Any) -> str | None:
    """Return a cell as one-line text cleaned as `text.clean` does (None when empty): no invisible format characters,
    one plain space between words (line breaks too); control characters stay, for the checks to report. Whole
    floats lose their ".0" (codes, years)."""
    if value is None:
        return None
    if type(value) is str:
        # The reader gives NFC text; printable text (no line break, control, format or odd space character) only
        # needs its spaces looked at. This runs for every name of a 100k-row list.
        if value.isprintable():
            text = value.strip() if "  " not in value else " ".join(value.split())
        else:
            text = clean(value)
        return text or None
    if type(value) is float:
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def show_cell(value: Any) -> str:
    """Return a cell value the way a message quotes it."""
    return cell_text(value) or ""


_YEAR_TEXT = re.compile(r"^(\d{4})(?:\.0+)?$")
_DMY_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MY_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _year_ok(year: int) -> bool:
    return _YEAR_MIN <= year <= _YEAR_MAX


def read_birth(value: Any, is_date_column: bool) -> tuple[int | None, date | None, str | None]:
    """Return (year, date, problem) for a birth cell; problem is None when the cell was read."""
    if isinstance(value, bool):
        return None, None, "unreadable"
    if isinstance(value, datetime):
        return value.year, value.date(), None
    if isinstance(value, date):
        return value.year, value, None
    if isinstance(value, float):
        if not value.is_integer():
            if is_date_column and SERIAL_MIN <= value <= SERIAL_MAX:
                day = EXCEL_EPOCH + timedelta(days=int(value))
                return day.year, day, None
            return None, None, "unreadable"
        value = int(value)
    if isinstance(value, int):
        if _year_ok(value):
            return value, None, None
        if is_date_column and SERIAL_MIN <= value <= SERIAL_MAX:
            day = EXCEL_EPOCH + timedelta(days=value)
            return day.year, day, None
        return None, None, "unreadable"
    if not isinstance(value, str):
        return None, None, "unreadable"
    text = value.strip()
    match = _YEAR_TEXT.match(text)
    if match:
        year = int(match[1])
        return (year, None, None) if _year_ok(year) else (None, None, "unreadable")
    match = _DMY_TEXT.match(text)
    if match:
        day_, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _YMD_TEXT.match(text)
        if match:
            year, month, day_ = int(match[1]), int(match[2]), int(match[3])
        else:
            match = _MY_TEXT.match(text)
            if match and 1 <= int(match[1]) <= 12 and _year_ok(int(match[2])):
                return int(match[2]), None, None
            if is_date_column and text.isdigit() and SERIAL_MIN <= int(text) <= SERIAL_MAX:
                day = EXCEL_EPOCH + timedelta(days=int(text))
                return day.year, day, None
            return None, None, "unreadable"
    if not _year_ok(year):
        return None, None, "unreadable"
    try:
        return year, date(year, month, day_), None
    except ValueError:
        return None, None, "not_in_calendar"


def birth_message(value: Any, problem: str, is_date_column: bool) -> str:
    """Return the Vietnamese message for a birth cell that read_birth could not read."""
    label = "Ngày sinh" if is_date_column else "Năm sinh"
    if problem == "not_in_calendar":
        return f"{label} “{show_cell(value)}” không có trong lịch: sửa lại theo dạng dd/mm/yyyy."
    return f"{label} “{show_cell(value)}” không đọc được: ghi năm (ví dụ 1985) hoặc ngày dd/mm/yyyy."


def read_gender(value: Any) -> str | None:
    """Return "Nam"/"Nữ" for a gender cell, or "?" when it cannot be read."""
    text = quick_fold(show_cell(value))
    if text in ("nam", "nam gioi", "male", "m", "ong"):
        return NAM
    if text in ("nu", "nu gioi", "female", "f", "ba"):
        return NU
    return "?"


_SPLIT_UNIT = re.compile(
    r"^(?:văn phòng|phòng|sở|chi cục|cục|tổng cục|trung tâm|ban|công ty|tổng công ty|ubnd|ủy ban|uỷ ban|"
    r"hội đồng|bộ|trường|bệnh viện|viện|hội|liên đoàn|đoàn|khoa|tổ|đội|trạm|xí nghiệp|nhà máy|hợp tác xã|htx|"
    r"chi nhánh|đảng ủy|đảng uỷ|đảng bộ|chi bộ|công đoàn|huyện|xã|phường|thị trấn|thành phố|tp\.?|tỉnh|quỹ|"
    r"kho bạc|ngân hàng|thanh tra|cửa khẩu|ban quản lý|báo|đài|tạp chí|doanh nghiệp|cơ quan|đơn vị|"
    r"ubmttq|mặt trận|tỉnh đoàn|huyện đoàn|thành đoàn)(?=\s|$)(?!\s+(?:trưởng|phó|viên)\b)",
)


def split_position_unit(text: str) -> tuple[str | None, str | None]:
    """Split "Chức vụ, đơn vị công tác": at the first comma followed by a unit word, else at the last comma."""
    parts = text.split(",")
    if len(parts) == 1:
        if _SPLIT_UNIT.match(text.lower()):
            return None, text  # a collective's row names only its unit
        return text, None
    for i in range(1, len(parts)):
        if _SPLIT_UNIT.match(parts[i].strip().lower()):
            break
    else:
        i = len(parts) - 1
    position = ",".join(parts[:i]).strip() or None
    unit = ",".join(parts[i:]).strip() or None
    return position, unit
