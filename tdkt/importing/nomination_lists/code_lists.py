"""A workbook's own code lists (DANHMUC, HTKT, PLDT… sheets): every list found and its meaning, and the list's
rows decoded with them before any built-in table is asked.

* A list is a code column beside a name column under a header row ("Mã số | Hình thức khen thưởng", "Mã số phân
  loại | Tên phân loại đơn vị", "mahinhthuckt | tenhinhthuckt"): several side by side on one row, or below each
  other, or one per sheet. Its meaning (award, object category, field, target) comes from its headers, else from
  its sheet's name (HTKT, PLDT, LVHD, "phan loai kt"), else from the drop-down list of a data column that picks
  from it (`importing.data_validations`, read only then). A sheet without headers still gives a list when two
  columns pair codes with names on most rows.
* A row's award, category, field and target are looked up in the lists of that meaning first (the list a
  drop-down of the column points at before the others): the name replaces the code, the code is kept in
  `award_code`, so the preview and the records show the name and messages can quote both
  (`tdkt.awards.file_codes.describe`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tdkt.awards.file_codes import CodeEntry, FileCodes, code_key
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.importing.cells import cell_text, fold_words, quick_fold
from tdkt.importing.data_validations import Validation, read_validations
from tdkt.importing.headers import has
from tdkt.importing.nomination_lists.choice_columns import SheetLayout, conflicts, sheet_layouts
from tdkt.importing.nomination_lists.columns import classify, find_header
from tdkt.importing.nomination_lists.row_fields import target_of_words
from tdkt.importing.sheet_data import RawSheet, SheetResult

_SCAN_ROWS, _SCAN_COLS = 2000, 60
_CODE_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,24}$")
_LONG_NUMBER = re.compile(r"^\d{4,12}$")
_KIND_OF = {"award": "award", "award_code": "award", "category": "category", "category_code": "category",
            "field": "field", "field_code": "field", "target": "target", "target_code": "target",
            "gender": "gender"}  # a gender list ("NAM | Giới tính Nam") decodes no field: the reader knows NAM, NU
_FIELDS = ("award", "category", "field", "target")


@dataclass(slots=True)
class CodeList:
    """One list: its sheet, code and name columns (0-based), the rows it spans, its meaning and its entries."""

    sheet: str
    code_col: int
    name_col: int
    first_row: int
    last_row: int
    kind: str | None
    entries: list[tuple[str, str]] = field(default_factory=list)  # (code, name)


def _text(value: Any) -> str:
    return cell_text(value) or "" if value is not None and not isinstance(value, bool) else ""


def _is_code_header(text: str) -> bool:
    words = fold_words(text).split()
    if not words:
        return False
    first = words[0]
    return first in ("ma", "maso", "code", "id") or (first.startswith("ma") and len(first) >= 6 and first.isalpha())


def _is_name_header(text: str) -> bool:
    key = fold_words(text)
    return bool(key) and len(text) <= 120 and any(ch.isalpha() for ch in text) and not _is_code_header(text) \
        and key not in ("stt", "tt", "so tt", "so thu tu")


def _kind_of_text(text: str) -> str | None:
    key = fold_words(text).replace(" ", "")
    if "hinhthuckt" in key or "danhhieu" in key:
        return "award"
    if "phanloaikt" in key or "phanloaikhenthuong" in key or "loaikt" in key:
        return "target"
    if "phanloai" in key:
        return "category"
    if "linhvuc" in key:
        return "field"
    return _KIND_OF.get(classify(text) or "")


def _sheet_kind(sheet: str) -> str | None:
    key = f" {fold_words(sheet)} "
    if has(key, "htkt", "dhtd", "hinh thuc", "danh hieu", "khen thuong") and not has(key, "phan loai"):
        return "award"
    if has(key, "phan loai kt", "phan loai khen thuong", "loai kt", "plkt"):
        return "target"
    if has(key, "pldt", "phan loai", "doi tuong"):
        return "category"
    if has(key, "lvhd", "linh vuc"):
        return "field"
    return None


def _is_code(value: Any, *, headed: bool) -> str | None:
    key = code_key(value)
    if key is None or not _CODE_TEXT.match(key):
        return None
    if not headed and key.isdigit() and not _LONG_NUMBER.match(key):
        return None  # without a header, 1, 2, 3 are row numbers more often than codes
    return key


def _read_entries(rows: list[list[Any]], start: int, code_col: int, name_col: int, *, headed: bool) -> tuple[
        list[tuple[str, str]], int]:
    """Return the (code, name) pairs from row `start` down to the first row with neither, and the last row read."""
    entries: list[tuple[str, str]] = []
    last = start - 1
    for r in range(start, min(len(rows), _SCAN_ROWS)):
        row = rows[r]
        code_value = row[code_col] if code_col < len(row) else None
        name = _text(row[name_col] if name_col < len(row) else None)
        if code_key(code_value) is None and not name:
            break
        if headed and isinstance(code_value, str) and _is_code_header(code_value) and _is_name_header(name):
            break  # the next list's header, right below this one
        code = _is_code(code_value, headed=headed)
        if code is not None and name and any(ch.isalpha() for ch in name) and name != code:
            entries.append((code, name))
        last = r
    return entries, last


def _headed_lists(sheet: RawSheet) -> list[CodeList]:
    found: list[CodeList] = []
    rows = sheet.rows
    for r in range(min(len(rows), _SCAN_ROWS)):
        texts = [_text(v) for v in rows[r][:_SCAN_COLS]]
        for c, text in enumerate(texts):
            if not text or text[0] not in "MmCcIi" or len(text) > 60 or not _is_code_header(text):
                continue
            name_col = next((n for n in (c + 1, c - 1) if 0 <= n < len(texts) and texts[n]
                             and _is_name_header(texts[n])), None)
            if name_col is None or any(x.code_col == c and x.first_row <= r <= x.last_row for x in found):
                continue
            entries, last = _read_entries(rows, r + 1, c, name_col, headed=True)
            if entries:
                kind = _kind_of_text(texts[name_col]) or _kind_of_text(text) or _sheet_kind(sheet.name)
                found.append(CodeList(sheet.name, c, name_col, r + 1, last, kind, entries))
    return found


def _bare_lists(sheet: RawSheet) -> list[CodeList]:
    """Return lists of a sheet without headers: two columns pairing codes with names from its first row."""
    rows = sheet.rows[:_SCAN_ROWS]
    width = min(max((len(r) for r in rows), default=0), _SCAN_COLS)
    found = []
    for c in range(width - 1):
        for code_col, name_col in ((c, c + 1), (c + 1, c)):
            head, _ = _read_entries(rows[:3], 0, code_col, name_col, headed=False)
            if len(head) < min(2, len(rows)):
                continue  # its first rows pair no code with a name: not worth reading down
            entries, last = _read_entries(rows, 0, code_col, name_col, headed=False)
            if len(entries) >= 2 and len(entries) * 5 >= (last + 1) * 4:
                found.append(CodeList(sheet.name, code_col, name_col, 0, last, _sheet_kind(sheet.name), entries))
                break
    return found


def find_lists(sheets: list[RawSheet]) -> list[CodeList]:
    """Return every code list of the sheets that hold no nomination list (a sheet shaped like one gives none)."""
    found: list[CodeList] = []
    for sheet in sheets:
        headed = _headed_lists(sheet)
        if not headed and find_header(sheet.rows) is None:
            headed = _bare_lists(sheet)
        found.extend(headed)
    return found


def _range_list(sheets: dict[str, RawSheet], v: Validation, kind: str) -> CodeList | None:
    """Return the list a drop-down's range holds: the range's codes with the names in the column beside it."""
    sheet = sheets.get(v.sheet)
    if sheet is None:
        return None
    for name_col in (v.first_col + 1, v.first_col - 1):
        if name_col < 0:
            continue
        entries, last = _read_entries(sheet.rows, v.first_row, v.first_col, name_col, headed=True)
        if entries:
            return CodeList(sheet.name, v.first_col, name_col, v.first_row, last, kind, entries)
    return None


def _kind_at(shape: SheetLayout, col: int) -> str | None:
    """Return the row field a list sheet's column holds (its kind, choice or code column alike), or None."""
    for kind, c in shape.layout.index.items():
        if c == col and kind in _KIND_OF:
            return _KIND_OF[kind]
    return next((kind for kind, c in shape.layout.choices.items() if c == col), None)


def _link_validations(data: bytes, file: str, lists: list[CodeList], layouts: dict[str, SheetLayout],
                      sheets: dict[str, RawSheet]) -> None:
    """Give lists their meaning from the drop-downs that pick from them, and each column the lists it picks from."""
    for sheet, validations in read_validations(data, file=file, sheets=set(layouts)).items():
        shape = layouts[sheet]
        for v in validations:
            kinds = {k for first, last in v.columns for c in range(first, last + 1) if (k := _kind_at(shape, c))}
            if len(kinds) != 1:
                continue
            kind = kinds.pop()
            picked = [x for x in lists if x.sheet == v.sheet and v.first_col <= x.code_col <= v.last_col
                      and x.first_row <= v.last_row and v.first_row <= x.last_row]
            if not picked and (made := _range_list(sheets, v, kind)) is not None:
                lists.append(made)
                picked = [made]
            for x in picked:
                x.kind = x.kind or kind
            shape.picked.setdefault(kind, []).extend(picked)


def _entries(lists: list[CodeList]) -> list[CodeEntry]:
    return [CodeEntry(code, name, x.sheet, x.kind) for x in lists for code, name in x.entries]


def _lookup(codes: FileCodes, picked: dict[str, FileCodes], kind: str, value: Any) -> CodeEntry | None:
    own = picked.get(kind)
    return (own.entry(kind, value) if own else None) or codes.entry(kind, value)


def _picked(layouts: dict[str, SheetLayout]) -> dict[str, dict[str, FileCodes]]:
    return {sheet: {k: FileCodes(_entries(v)) for k, v in shape.picked.items()} for sheet, shape in layouts.items()}


def decode_rows(rows: list[ParsedRow], codes: FileCodes, layouts: dict[str, SheetLayout],
                issues: list[ImportIssue]) -> None:
    """Replace the codes of rows' award, category and field by the names the file's lists give them, and read a
    target code the parser could not (dropping its "bad_target" problem)."""
    picked = _picked(layouts)
    unread = {(i.sheet, i.row) for i in issues if i.code == "bad_target"}
    fixed: set[tuple[str, int]] = set()
    seen: dict[tuple, CodeEntry | None] = {}  # (sheet, kind, cell) -> entry: a 100k-row list repeats a few values

    def entry(sheet: str, kind: str, value: Any) -> CodeEntry | None:
        key = (sheet, kind, value)
        if key not in seen:
            seen[key] = _lookup(codes, picked.get(sheet, {}), kind, value)
        return seen[key]

    for row in rows:
        sheet = row.sheet
        if row.award is not None and (found := entry(sheet, "award", row.award)) is not None:
            row.award_code, row.award = row.award_code or found.code, found.name
        if row.category is not None and (found := entry(sheet, "category", row.category)) is not None:
            row.category = found.name
        if row.field is not None and (found := entry(sheet, "field", row.field)) is not None:
            row.field = found.name
        if (sheet, row.row) in unread and (shape := layouts.get(sheet)) is not None and _decode_target(
                row, codes, picked.get(sheet, {}), shape):
            fixed.add((sheet, row.row))
    if fixed:
        issues[:] = [i for i in issues if not (i.code == "bad_target" and (i.sheet, i.row) in fixed)]


def _decode_target(row: ParsedRow, codes: FileCodes, own: dict[str, FileCodes], shape: SheetLayout) -> bool:
    """Set the row's target from a target code of the file's list; True when that made an unreadable cell readable."""
    layout = shape.layout
    for col in (layout.choices.get("target"), layout.index.get("target"), layout.index.get("target_code")):
        value = shape.value(row, col)
        if value is None:
            continue
        if target_of_words(quick_fold(_text(value))):
            return False  # the parser read this cell itself
        found = _lookup(codes, own, "target", value)
        target = target_of_words(quick_fold(found.name)) if found is not None else None
        if target is not None:
            row.target = target
            return True
        return False
    return False


def apply_code_lists(rows: list[ParsedRow], issues: list[ImportIssue], results: list[SheetResult], *,
                     sheets: list[RawSheet], data: bytes, file: str) -> FileCodes:
    """Find the code lists of the sheets that hold no list (`results`), decode `rows` with them (see `decode_rows`),
    add a warning for each row whose choice column and its formula column disagree (a problem of the row as read:
    also in its sheet's result), and return the lists for the checks and messages."""
    list_sheets = [r.sheet for r in results]
    lists = find_lists([s for s in sheets if s.name not in list_sheets])
    layouts = sheet_layouts(sheets, list_sheets)
    if any(x.kind is None for x in lists):
        _link_validations(data, file, lists, layouts, {s.name: s for s in sheets})
    codes = FileCodes(_entries(lists))
    picked = _picked(layouts)
    if codes:
        decode_rows(rows, codes, layouts, issues)
    found = conflicts(rows, layouts, codes, lambda sheet, kind, value: _lookup(codes, picked.get(sheet, {}), kind,
                                                                               value), file=file)
    by_sheet = {r.sheet: r for r in results}
    for issue in found:
        by_sheet[issue.sheet].issues.append(issue)
    issues.extend(found)
    return codes


__all__ = ["CodeList", "apply_code_lists", "decode_rows", "find_lists"]
