"""A workbook's own code lists (DANHMUC, HTKT, PLDT… sheets): every list found and its meaning, and the list's
rows decoded with them before any built-in table is asked.

* A list is a code column beside a name column under a header row ("Mã số | Hình thức khen thưởng", "Mã số phân
  loại | Tên phân loại đơn vị", "mahinhthuckt | tenhinhthuckt"): several side by side on one row, or below each
  other, or one per sheet. A sheet without headers still gives a list when two columns pair codes with names on most
  rows.
* A list may also sit on the sheet of the nomination table (`_table_lists`): beside it (on its header row, past an
  empty column: `columns.find_header` leaves those columns out of the table; or anywhere right of it, headers or
  not, hidden columns alike) or in a block under its last row (a list's header is looked for in the first 300 and
  the last 1,000 rows: all of them cost a 100k-row list 6 ms, these 2 ms).
  The table's own columns are never a list: a pair of its header cells, or its header repeated further down, is
  data. A block under the table in the table's columns takes its rows out of the nominations and their problems.
* A list's meaning (award, object category, field, target), first found first:
  1. its headers ("Hình thức khen thưởng", "Tên phân loại đơn vị"), else its sheet's name (HTKT, PLDT, LVHD,
     "phan loai kt"; never the name of a sheet that holds the table);
  2. the drop-down list of a data column that picks from it (`importing.data_validations`, read only then);
  3. the codes the data columns hold (`_by_values`): a row field whose distinct codes (at least 90 % of them) occur
     in the code column of exactly one list of unknown meaning, and that list fits no other field;
  4. its names (`_by_names`): at least 80 % of them catalogue awards, national object categories, or targets.
  A list whose meaning is still unknown (a list of units, of genders…) decodes nothing and no message quotes it.
* A row's award, category, field and target are looked up in the lists of that meaning only (the list a
  drop-down of the column points at before the others): the name replaces the code, the code is kept in
  `award_code`, so the preview and the records show the name and messages can quote both
  (`tdkt.awards.file_codes.describe`). A code the list does not have stays as written (the checks then say so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from tdkt.awards import categories
from tdkt.awards.catalog import match_award
from tdkt.awards.file_codes import CodeEntry, FileCodes, code_key
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.importing.cells import cell_text, fold_words, quick_fold
from tdkt.importing.data_validations import Validation, read_validations
from tdkt.importing.headers import has
from tdkt.importing.nomination_lists.choice_columns import SheetLayout, conflicts, sheet_layouts
from tdkt.importing.nomination_lists.columns import classify, find_header, is_code_header
from tdkt.importing.nomination_lists.row_fields import target_of_words
from tdkt.importing.sheet_data import RawSheet, SheetResult

_SCAN_ROWS, _SCAN_COLS = 2000, 60
_TABLE_TOP, _TABLE_BOTTOM = 300, 1000  # a table's rows where a list's header is looked for: 6 ms at 2,000 + 2,000
_CODE_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,24}$")
_LONG_NUMBER = re.compile(r"^\d{4,12}$")
_KIND_OF = {"award": "award", "award_code": "award", "category": "category", "category_code": "category",
            "field": "field", "field_code": "field", "target": "target", "target_code": "target",
            "gender": "gender"}  # a gender list ("NAM | Giới tính Nam") decodes no field: the reader knows NAM, NU
_FIELDS = ("award", "category", "field", "target")
_STARTS = frozenset({"ma", "mã", "co", "id"})  # a code header's first letters, lower case: "Mã…", "mahinhthuckt",
# "CODE", "ID" ("Mã" decomposed starts "ma" too); most cells of a table's rows ("Chuyên viên", "Công ty") are not
_FITS_VALUES, _FITS_NAMES = 0.9, 0.8  # shares of a column's codes a list holds, of a list's names the catalogue knows


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


_is_code_header = is_code_header


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
    for r in range(start, min(len(rows), start + _SCAN_ROWS)):
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


def _headed_lists(sheet: RawSheet, rows_at: Iterable[int] | None = None, *, by_sheet_name: bool = True
                  ) -> list[CodeList]:
    """Return the lists under a code header and a name header beside it, found on the rows `rows_at` (the first
    2,000 by default); their meaning from the headers, else (`by_sheet_name`) the sheet's name."""
    found: list[CodeList] = []
    rows = sheet.rows
    for r in range(min(len(rows), _SCAN_ROWS)) if rows_at is None else rows_at:
        row = rows[r][:_SCAN_COLS]
        hits = [c for c, v in enumerate(row) if v.__class__ is str and v[:2].lower() in _STARTS]  # most rows: none
        for c in hits:
            text = _text(row[c])
            if not text or len(text) > 60 or not _is_code_header(text):
                continue
            name_col = next((n for n in (c + 1, c - 1) if 0 <= n < len(row) and (name := _text(row[n]))
                             and _is_name_header(name)), None)
            if name_col is None or any(x.code_col == c and x.first_row <= r <= x.last_row for x in found):
                continue
            entries, last = _read_entries(rows, r + 1, c, name_col, headed=True)
            if entries:
                kind = _kind_of_text(_text(row[name_col])) or _kind_of_text(text) or (
                    _sheet_kind(sheet.name) if by_sheet_name else None)
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


def _table_lists(sheet: RawSheet, shape: SheetLayout) -> list[CodeList]:
    """Return the code lists on the sheet of a nomination table: headed ones whose header is in its first 300 or last
    1,000 rows and that are not the table's own columns, and header-less pairs right of the table (`_bare_beside`)."""
    rows = sheet.rows
    n = len(rows)
    around = chain(range(min(n, _TABLE_TOP)), range(max(_TABLE_TOP, n - _TABLE_BOTTOM), n))
    found = [x for x in _headed_lists(sheet, around, by_sheet_name=False) if not _is_table(x, shape, rows)]
    return found + _bare_beside(sheet, shape, found)


def _is_table(x: CodeList, shape: SheetLayout, rows: list[list[Any]]) -> bool:
    """True when a headed "list" found on a table's sheet is the table itself: its header cells are the table's
    (on its header rows, or its header repeated below), it sits in the table's columns above it, or its codes repeat
    as a table's data do (a list gives each code once)."""
    header_row = x.first_row - 1
    first, last = shape.header_rows
    ours = [c for c in (x.code_col, x.name_col) if c in shape.headers]
    if ours and header_row <= last:
        return True
    if ours and all(fold_words(_text(rows[header_row][c])) == fold_words(shape.headers.get(c, "")) for c in ours):
        return True
    return len({code for code, _ in x.entries}) * 10 < len(x.entries) * 9


def _bare_beside(sheet: RawSheet, shape: SheetLayout, headed: list[CodeList]) -> list[CodeList]:
    """Return header-less lists right of a table (in columns that have no header of the table: hidden helper columns,
    a pasted list): two columns pairing codes with names from their first filled row, as `_bare_lists`."""
    rows = sheet.rows[:_SCAN_ROWS]
    right = max(shape.headers, default=-1) + 1
    width = min(max((len(r) for r in rows), default=0), _SCAN_COLS)
    if width - right < 2:
        return []  # the common case: nothing right of the table
    taken = {c for x in headed for c in (x.code_col, x.name_col)}
    found: list[CodeList] = []
    for c in range(right, width - 1):
        if c in taken or c + 1 in taken:
            continue
        start = next((r for r, row in enumerate(rows) if len(row) > c + 1 and code_key(row[c]) is not None
                      and code_key(row[c + 1]) is not None), None)
        if start is None:
            continue
        for code_col, name_col in ((c, c + 1), (c + 1, c)):
            head, _ = _read_entries(rows[start:start + 3], 0, code_col, name_col, headed=False)
            if len(head) < 2:
                continue
            entries, last = _read_entries(rows, start, code_col, name_col, headed=False)
            if len(entries) >= 2 and len(entries) * 5 >= (last - start + 1) * 4:
                found.append(CodeList(sheet.name, code_col, name_col, start, last, None, entries))
                taken.update((c, c + 1))
                break
    return found


def _drop_list_rows(lists: list[CodeList], layouts: dict[str, SheetLayout], sheets: dict[str, RawSheet],
                    rows: list[ParsedRow], issues: list[ImportIssue], results: list[SheetResult]) -> None:
    """Take out of the nominations, and of the problems, the rows of a list in a block under a table in the table's
    columns (the parser read them as rows): its header, its entries, and the title lines right above it."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for x in lists:
        shape = layouts[x.sheet]
        if x.code_col in shape.headers or x.name_col in shape.headers:
            top = x.first_row - 1  # the header's 0-based row
            cells = sheets[x.sheet].rows
            while top - 1 > shape.header_rows[1] + 1 and _is_title_line(cells[top - 1]):
                top -= 1
            spans.setdefault(x.sheet, []).append((top + 1, x.last_row + 1))  # Excel rows
    if not spans:
        return

    def inside(sheet: str, row: int | None) -> bool:
        return row is not None and any(a <= row <= b for a, b in spans.get(sheet, ()))

    rows[:] = [r for r in rows if not inside(r.sheet, r.row)]
    issues[:] = [i for i in issues if not inside(i.sheet, i.row)]
    for result in results:
        if result.sheet in spans:
            result.rows = [r for r in result.rows if not inside(r.sheet, r.row)]
            result.issues = [i for i in result.issues if not inside(i.sheet, i.row)]


def _is_title_line(row: list[Any]) -> bool:
    """True for a row holding one text alone ("DANH MỤC HÌNH THỨC KHEN THƯỞNG"), the title of a list below it."""
    filled = [v for v in row if v is not None and v != ""]
    return len(filled) == 1 and isinstance(filled[0], str) and not filled[0].strip()[:1].isdigit()


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


def _code_set(values: Iterable[Any]) -> set[str]:
    """The distinct cells of a column that read as codes (names, with their spaces, are not)."""
    return {key for v in values if (key := code_key(v)) is not None and _CODE_TEXT.match(key)}


def _written_codes(rows: list[ParsedRow], layouts: dict[str, SheetLayout]) -> dict[str, set[str]]:
    """Return, for each row field, the distinct codes the list's rows write in its columns (before decoding)."""
    written = {"award": _code_set(chain((r.award for r in rows), (r.award_code for r in rows))),
               "category": _code_set(r.category for r in rows), "field": _code_set(r.field for r in rows)}
    targets: set[Any] = set()
    for sheet, shape in layouts.items():
        cols = [c for c in (shape.layout.choices.get("target"), shape.layout.index.get("target"),
                            shape.layout.index.get("target_code")) if c is not None]
        if cols:
            targets.update(shape.value(r, c) for r in rows if r.sheet == sheet for c in cols)
    written["target"] = _code_set(targets)
    return written


def _share(codes: set[str], held: set[str]) -> float:
    return len(codes & held) / len(codes) if codes else 0.0


def _by_values(unknown: list[CodeList], known: list[CodeList], rows: list[ParsedRow],
               layouts: dict[str, SheetLayout]) -> None:
    """Give a list of unknown meaning the row field whose codes it holds (at least 90 % of the column's distinct
    codes), when it is the only such list for that field, it fits no other field, its names name no other kind
    (`_by_names`), and no list of that meaning known already holds them."""
    written = _written_codes(rows, layouts)
    codes_of = {id(x): {code for code, _ in x.entries} for x in (*unknown, *known)}
    fits: dict[int, set[str]] = {}
    for kind, codes in written.items():
        if not codes or any(x.kind == kind and _share(codes, codes_of[id(x)]) >= _FITS_VALUES for x in known):
            continue
        holding = [x for x in unknown if _share(codes, codes_of[id(x)]) >= _FITS_VALUES]
        if len(holding) == 1:
            fits.setdefault(id(holding[0]), set()).add(kind)
    for x in unknown:
        kinds = fits.get(id(x), set())
        if len(kinds) == 1 and _by_names(x) in (None, *kinds):  # its names may not say otherwise
            x.kind = kinds.pop()


def _by_names(x: CodeList) -> str | None:
    """Return the meaning a list's names give it: at least 80 % catalogue awards, national object categories or
    targets ("Khen thưởng hộ gia đình"), the largest share winning; None when no kind reaches it or two tie."""
    names = [name for _, name in x.entries]
    shares = {"award": sum(match_award(n) is not None for n in names),
              "category": sum(categories.match(n) is not None for n in names),
              "target": sum(target_of_words(quick_fold(n)) is not None for n in names)}
    best = max(shares.values())
    winners = [k for k, v in shares.items() if v == best]
    return winners[0] if len(winners) == 1 and best >= _FITS_NAMES * len(names) else None


def _infer_kinds(lists: list[CodeList], rows: list[ParsedRow], layouts: dict[str, SheetLayout]) -> None:
    """Give the lists whose headers, sheet and drop-downs say nothing a meaning from the codes the data columns hold,
    else from their names (the module's docstring, steps 3 and 4)."""
    unknown = [x for x in lists if x.kind is None]
    if not unknown:
        return
    _by_values(unknown, [x for x in lists if x.kind is not None], rows, layouts)
    for x in unknown:
        if x.kind is None:
            x.kind = _by_names(x)


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
    """Find the code lists of the file (the sheets that hold no list, and beside or under the tables of those that
    do, whose rows then leave `rows`, `issues` and `results`), give each its meaning, decode `rows` with them (see
    `decode_rows`), add a warning for each row whose choice column and its formula column disagree (a problem of
    the row as read: also in its sheet's result), and return the lists for the checks and messages."""
    list_sheets = [r.sheet for r in results]
    lists = find_lists([s for s in sheets if s.name not in list_sheets])
    layouts = sheet_layouts(sheets, list_sheets)
    by_name = {s.name: s for s in sheets}
    on_tables = [x for name, shape in layouts.items() for x in _table_lists(by_name[name], shape)]
    if on_tables:
        _drop_list_rows(on_tables, layouts, by_name, rows, issues, results)
        lists.extend(on_tables)
    if any(x.kind is None for x in lists):
        _link_validations(data, file, lists, layouts, by_name)
        _infer_kinds(lists, rows, layouts)
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
