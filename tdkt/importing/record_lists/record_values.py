"""What the cells of a record list say: ratings, discipline levels, merit kinds, scopes, dates, years, authors."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from tdkt.core.models import DISCIPLINE_LABELS, RATING_LABELS, Rating
from tdkt.core.text import nfc
from tdkt.importing.cells import EXCEL_EPOCH, SERIAL_MAX, SERIAL_MIN, fold_words

_RATING_CODES = {"htxsnv": Rating.HTXSNV, "htxs": Rating.HTXSNV, "httnv": Rating.HTTNV, "htt": Rating.HTTNV,
                 "htnv": Rating.HTNV, "ht": Rating.HTNV, "khtnv": Rating.KHTNV, "kht": Rating.KHTNV}
_RATING_PREFIX = re.compile(r"^(?:xep loai|ket qua|muc|loai)\s+")


def read_rating(value: Any) -> str | None:
    """Return the rating code a cell means ("HTXS NV", "Hoàn thành tốt nhiệm vụ", "httnv"…), or None."""
    key = _RATING_PREFIX.sub("", fold_words(str(value or "")))
    compact = key.replace(" ", "")
    if compact in _RATING_CODES:
        return _RATING_CODES[compact].value
    for rating, label in RATING_LABELS.items():
        words = fold_words(label)
        for tail in (words, words.removesuffix(" nhiem vu")):
            # The words alone, or after their own code: "HTXSNV - Hoàn thành xuất sắc nhiệm vụ".
            head = key[: -len(tail)].replace(" ", "")
            if key == tail or key.endswith(f" {tail}") and _RATING_CODES.get(head) == rating:
                return rating.value
    return None


_LEVEL_KEYS = {fold_words(label): level for level, label in DISCIPLINE_LABELS.items()}
_OPEN_WORDS = ("dang xem xet", "dang dieu tra", "xem xet ky luat", "dieu tra", "dang bi", "dang thi hanh")
_NO = {"khong", "k", "0", "no", "chua"}
_YES = {"x", "co", "1", "yes", "v", "dang xem xet", "dang dieu tra", "\u2713", "\u2714"}


def read_level(value: Any) -> tuple[str | None, bool] | None:
    """Return (level, open) a discipline cell means ("Kỷ luật khiển trách", "Đang điều tra"…), or None."""
    key = fold_words(str(value or ""))
    for words, level in _LEVEL_KEYS.items():
        if f" {words} " in f" {key} ":
            return level, False
    if any(w in key for w in _OPEN_WORDS):
        return None, True
    return None


def read_open(value: Any) -> bool | None:
    """Return True/False for an "Đang xem xét/điều tra" cell; None when it cannot be read."""
    if value is True or value is False:
        return value
    key = fold_words(str(value))
    if key in _NO or key.startswith("khong "):
        return False
    if key in _YES or any(w in key for w in _OPEN_WORDS) or key.startswith("co "):
        return True
    return None


def read_merit_kind(value: Any) -> str | None:
    """Return the merit kind key ("cong_trang", "dot_xuat", "chuyen_de") a cell means, or None."""
    key = fold_words(str(value or ""))
    if "dot xuat" in key:
        return "dot_xuat"
    if "chuyen de" in key or "theo dot" in key:
        return "chuyen_de"
    if "cong trang" in key or "thuong xuyen" in key or "tong ket" in key:
        return "cong_trang"
    return None


def read_scope(value: Any) -> str | None:
    """Return the scope key ("co_so", "tinh", "toan_quoc") a cell means, or None."""
    key = fold_words(str(value or ""))
    if "toan quoc" in key or "quoc gia" in key or "trung uong" in key:
        return "toan_quoc"
    if "tinh" in key.split() or "bo" in key.split() or "nganh" in key.split():
        return "tinh"
    if "co so" in key:
        return "co_so"
    return None


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")


def read_date(value: Any) -> date | None | str:
    """Return a cell's date (date, Excel serial, dd/mm/yyyy, yyyy-mm-dd), None when empty, else "bad" or "calendar"."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int | float):
        if float(value).is_integer() and SERIAL_MIN <= value <= SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(value))
        return "bad"
    text = str(value).strip()
    match = _YMD.match(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _DMY.fullmatch(text)
        if not match:
            return "bad"
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        return "calendar"


def read_year(value: Any) -> int | None | str:
    """Return the year a "Năm" cell holds (1900–2100), None when empty, or "bad" when it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    else:
        text = str(value).strip().removeprefix("Năm ").removeprefix("năm ").strip()
        if not re.fullmatch(r"\d{4}(?:\.0+)?", text):
            return "bad"
        number = int(float(text))
    return number if 1900 <= number <= 2100 else "bad"


_DECISION_NUMBER = re.compile(r"(?:số\s*)?([0-9][\w/.\-]*)", re.IGNORECASE)


def split_decision(text: str) -> tuple[str | None, date | None | str]:
    """Split "Số 12/QĐ-UBND ngày 05/3/2024" into its number and date."""
    found = _DMY.search(text)
    when: date | None | str = None
    rest = text
    if found:
        when = read_date(found[0])
        rest = text[: found.start()]
    rest = re.sub(r"(?i)\bngày\b\s*$", "", rest.strip()).strip(" ,;")
    match = _DECISION_NUMBER.search(rest)
    return (match[1].rstrip(".,;") if match else rest or None), when


_SPLIT_AUTHORS = re.compile(r"[,;\n]+")
_AUTHOR_YEAR = re.compile(r"\(\s*(?:sinh\s*(?:năm)?\s*)?(\d{4})\s*\)\s*$", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:ông|bà|anh|chị|đ/c|đc|đồng chí|ths\.?|ts\.?|ks\.?|cn\.?)\s+", re.IGNORECASE)


def read_authors(text: str) -> list[tuple[str, int | None]]:
    """Return (name, birth year) of each author in "Nguyễn Văn A (1980); Bà Trần Thị B" (commas, semicolons, lines)."""
    found = []
    for part in _SPLIT_AUTHORS.split(text):
        part = nfc(part)
        if not part:
            continue
        year = None
        match = _AUTHOR_YEAR.search(part)
        if match:
            year, part = int(match[1]), part[: match.start()].strip()
        part = re.sub(r"^\d+[.)]\s*", "", part)
        part = _HONORIFIC.sub("", part).strip(" .-–")
        if part:
            found.append((part, year))
    return found
