"""Where a list's table sits in a sheet: how far to look for the header, header phrases, title facts, numbering rows."""

from __future__ import annotations

import re
from typing import Any

from tdkt.core.text import fold
from tdkt.importing.cells import TARGET_WORDS, cell_text, quick_fold

SCAN_ROWS = 30  # the header is looked for in the first rows only
MAX_HEADER_LEN = 120  # longer cells are prose (titles, notes), not column headers


def has(padded: str, *phrases: str) -> bool:
    """True when one of the phrases is a whole-word part of `padded` (folded words with a space at each end)."""
    return any(f" {p} " in padded for p in phrases)


def header_cell(row: list[Any], col: int) -> str | None:
    """Return a cell of a candidate header row as text; None when empty, missing or a checkbox."""
    value = row[col] if col < len(row) else None
    if value is None or isinstance(value, bool):
        return None
    return cell_text(value)


_COLUMN_NUMBER = re.compile(r"^\s*\(?\s*(\d{1,3})\s*\)?\s*$")


def is_numbering_row(row: list[Any]) -> bool:
    """True for the "(1) (2) (3)…" row that numbers the columns under many headers."""
    numbers: list[float] = []
    for value in row:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            numbers.append(value)
            continue
        match = _COLUMN_NUMBER.match(str(value))
        if not match:
            return False
        numbers.append(int(match[1]))
    return len(numbers) >= 3 and all(0 < a < b <= 200 for a, b in zip(numbers, numbers[1:], strict=False))


_YEAR_IN_TITLE = re.compile(r"(?<!\d)(20\d\d|2100)(?!\d)")
_NAM_YEAR = re.compile(r"\bnam\s+(20\d\d|2100)(?!\d)")
_LIST_WORDS = re.compile(r"danh sach|khen thuong|thi dua")


def title_facts(rows: list[list[Any]]) -> tuple[int | None, str | None]:
    """Return (year, target) stated by the title rows above the header."""
    texts = [quick_fold(v) for row in rows for v in row if isinstance(v, str) and v.strip()]
    year: int | None = None
    # The title itself ("DANH SÁCH … NĂM 2024") first, then lines about the list ("(Kèm theo Tờ trình … Hội đồng
    # Thi đua - Khen thưởng)"), then any line; within a line "năm 2024" beats the first year (of a cited decision).
    tiers = ([t for t in texts if t.lstrip("( ").startswith("danh sach")],
             [t for t in texts if _LIST_WORDS.search(t)], texts)
    for tier in tiers:
        for text in tier:
            match = _NAM_YEAR.search(text) or _YEAR_IN_TITLE.search(text)
            if match:
                year = int(match[1])
                break
        if year:
            break
    target: str | None = None
    for text in texts:
        if "danh sach" in text:
            kinds = {t for word, t in TARGET_WORDS if word in text}
            if len(kinds) == 1:
                target = kinds.pop()
                break
    return year, target


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(value: Any) -> str:
    """Return a header cell as the sheet readers compare it: folded words ("Họ và tên\n(1)" -> "ho va ten 1")."""
    return _NON_ALNUM.sub(" ", fold(str(value))).strip() if value is not None else ""


def field_of(cell: Any, fields: dict[str, tuple[str, ...]], *, longest: int = 80) -> str | None:
    """Return the field a header cell names: the field of the longest alias the cell's key is, or starts with as a
    whole word ("ho va ten" in "ho va ten can bo"); None for an empty cell or one longer than `longest` (a title)."""
    key = header_key(cell)
    if not key or len(key) > longest:
        return None
    best = None
    for name, aliases in fields.items():
        for alias in aliases:
            if (key == alias or key.startswith(alias + " ")) and (best is None or len(alias) > best[0]):
                best = (len(alias), name)
    return best[1] if best else None
