"""Reading one sheet of a nomination list: where the table starts, what each column means, what each row says."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any

from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.importing.cells import (
    CA_NHAN,
    EXCEL_ERRORS,
    HO_GIA_DINH,
    NAM,
    NU,
    TAP_THE,
    TARGET_WORDS,
    birth_message,
    cell_text,
    fold_words,
    quick_fold,
    read_birth,
    read_gender,
    show_cell,
    split_position_unit,
)
from tdkt.importing.gc_pause import paused_gc
from tdkt.importing.header_repeats import HeaderRepeats
from tdkt.importing.headers import MAX_HEADER_LEN, SCAN_ROWS, has, header_cell, is_numbering_row, title_facts
from tdkt.importing.row_labels import ENUM_TOKEN, Label, is_signature_line, is_subtotal_line, read_label
from tdkt.importing.sheet_data import RawSheet, RowCells, SheetResult

__all__ = ["parse_sheet"]

# Kinds a column can have. Kinds starting with "x_" are recognised (they help find the header) but not read.
_CODE_KINDS = {"target_code": "target", "award_code": "award", "category_code": "category", "field_code": "field"}
_BIRTH_KINDS = {"birth_year", "birth_date"}

@lru_cache(maxsize=4096)
def _classify(text: str | None) -> str | None:
    """Return the kind of column a header names, or None when it is not one we know."""
    if not text or len(text) > MAX_HEADER_LEN:
        return None
    lowered = " ".join(text.lower().split())
    if lowered in ("nam", "male"):  # "Năm" (year) keeps its breve, so it never lands here
        return "male"
    if lowered in ("nữ", "nu", "female"):
        return "female"
    key = fold_words(text)
    if not key:
        return None
    k = f" {key} "
    if key in ("stt", "tt", "so tt", "so thu tu", "thu tu", "s tt") or key.startswith("stt "):
        return "stt"
    if key.startswith("ma ") or key in ("ma", "ma so"):
        # National layout code columns (filled by VLOOKUP or typed from the DANHMUC sheet).
        if has(k, "loai khen thuong", "doi tuong khen thuong"):
            return "target_code"
        if has(k, "danh hieu", "hinh thuc", "khen thuong"):
            return "award_code"
        if has(k, "phan loai", "doi tuong", "can bo", "tap the"):
            return "category_code"
        if has(k, "linh vuc"):
            return "field_code"
        return "x_code"
    if has(k, "ten goi", "ong ba", "danh xung", "xung ho", "cap bac", "quan ham"):
        return "honorific"
    if has(k, "thanh tich", "tom tat"):
        return "achievements"
    if has(k, "ghi chu"):
        return "note"
    if has(k, "loai khen thuong", "doi tuong khen thuong") or (
        has(k, "ca nhan") and has(k, "tap the") and not has(k, "ten", "ho ten", "ho va ten")
    ):
        return "target"
    if has(k, "phan loai", "doi tuong"):
        return "category"
    if has(k, "linh vuc"):
        return "field"
    if has(k, "sang kien", "de tai", "giai phap"):
        return "x_initiative"
    if not has(k, "ho ten", "ho va ten") and (
        has(k, "danh hieu", "hinh thuc", "muc khen", "khen thuong") or key in ("de nghi", "noi dung de nghi")
    ):
        if has(k, "da dat", "da duoc", "nam truoc", "cac nam", "quyet dinh", "so qd", "ngay"):
            return "x_award_history"  # awards already received, or the decision that gave them
        return "award"
    has_position = has(k, "chuc vu", "chuc danh")
    has_unit = has(k, "don vi", "co quan", "noi cong tac", "noi lam viec")
    if has_position and has_unit:
        return "position_unit"
    if has_position or has(k, "nghe nghiep"):
        return "position"
    if has(k, "phong ban", "bo phan", "to cong tac", "khoa phong", "phong khoa", "ten phong") or key == "phong":
        return "department"
    if has(k, "nam sinh", "ngay sinh", "sinh ngay", "sinh nam", "thang nam sinh"):
        suffix = "_date" if has(k, "ngay") else ""
        last = lowered.rstrip(" )").rsplit(maxsplit=1)[-1].lstrip("(")  # diacritics kept: "năm" is not "nam"
        if last in ("nam", "nữ", "nu"):  # one column per gender written in full: "Năm sinh Nam" | "Năm sinh Nữ"
            return f"birth_{'male' if last == 'nam' else 'female'}{suffix}"
        return "birth_date" if suffix else "birth_year"
    if has(k, "gioi tinh") or key in ("gioi", "nam nu"):
        return "gender"
    if has_unit and has(k, "cong tac", "lam viec", "truc thuoc", "chu quan", "de nghi"):
        return "unit"
    if has(k, "ho ten", "ho va ten", "ten tap the", "ten ca nhan", "ten to chuc", "ten ho gia dinh", "ten nguoi",
            "ten don vi", "ten co quan") or key == "ten":
        return "name"
    if has_unit:
        return "unit"
    if has(k, "dia chi", "noi o", "que quan", "thuong tru"):
        return "x_address"
    return None


def _concepts(kind: str) -> tuple[str, ...]:
    """Return what a column kind tells about a row, for scoring header candidates."""
    if kind.startswith(("birth_male", "birth_female")):
        return ("birth", "gender")
    if kind in ("gender_male", "gender_female", "gender"):
        return ("gender",)
    if kind in _BIRTH_KINDS:
        return ("birth",)
    if kind.startswith("x_"):
        return ("extra",)
    return (kind,)


_NUMBERING = re.compile(r"^\(?\s*\d+\s*\)?$|^\(?[a-zA-Z]\)$")


def _looks_like_subheader(row: list[Any]) -> bool:
    """True when a row can be the lower half of a two-row header: short texts only, one of them a known header."""
    known = False
    for value in row:
        if value is None or value == "":
            continue
        if type(value) is not str:
            return False
        text = value.strip()
        if not text:
            continue
        if len(text) > 80 or _NUMBERING.match(text) or text in EXCEL_ERRORS:
            return False
        known = known or _classify(text) is not None
    return known


@dataclass(slots=True)
class _Candidate:
    """One way to read the header: its rows, the header text and kind of each column."""

    first_row: int  # 0-based
    last_row: int  # 0-based
    headers: list[str | None]
    kinds: list[str | None]

    def score(self) -> tuple[int, int, int] | None:
        concepts: set[str] = set()
        for kind in self.kinds:
            if kind:
                concepts.update(_concepts(kind))
        if "name" not in concepts or len(concepts) < 2:
            return None
        mapped = sum(1 for kind in self.kinds if kind)
        return len(concepts), mapped, self.first_row - self.last_row  # fewer header rows win a tie


def _single(rows: list[list[Any]], r: int, width: int) -> _Candidate:
    headers = [header_cell(rows[r], c) for c in range(width)]
    kinds = []
    for header in headers:
        kind = _classify(header)
        kinds.append({"male": "gender_male", "female": "gender_female"}.get(kind, kind) if kind else None)
    return _Candidate(r, r, headers, kinds)


def _pair(rows: list[list[Any]], r: int, width: int) -> _Candidate:
    """Read rows r and r+1 as one header: a merged group cell above its sub-columns, or a cell merged downwards."""
    top_row, sub_row = rows[r], rows[r + 1]
    headers: list[str | None] = []
    kinds: list[str | None] = []
    tops = [header_cell(top_row, c) for c in range(width)]
    subs = [header_cell(sub_row, c) for c in range(width)]
    carried: str | None = None  # a merged group header, carried right across the empty cells of its merge
    for c in range(width):
        top, sub = tops[c], subs[c]
        if top:
            # A group spans at least two sub-columns: the merge leaves the cell to its right empty. Under a
            # header that stands alone the lower cell is not a sub-header (it may be the first data row).
            group = bool(sub) and c + 1 < width and not tops[c + 1] and bool(subs[c + 1])
            carried = top if group else None
            if not group:
                sub = None
        elif sub:
            top = carried
        else:
            carried = None
        if top and sub and top != sub:
            header = f"{top} / {sub}"
            top_kind, sub_kind = _classify(top), _classify(sub)
            if sub_kind in ("male", "female"):
                if top_kind in _BIRTH_KINDS:
                    kind = f"birth_{sub_kind}" if top_kind == "birth_year" else f"birth_{sub_kind}_date"
                elif top_kind in ("gender", None):
                    kind = f"gender_{sub_kind}"
                else:
                    kind = None
            else:
                kind = sub_kind or top_kind
        else:
            header = top or sub
            kind = _classify(header)
            if kind in ("male", "female"):
                kind = f"gender_{kind}"
        headers.append(header)
        kinds.append(kind)
    return _Candidate(r, r + 1, headers, kinds)


def _find_header(rows: list[list[Any]]) -> _Candidate | None:
    """Return the best header reading among the first rows, or None when no row names a list's columns."""
    limit = min(SCAN_ROWS, len(rows))
    width = max((len(row) for row in rows[:limit + 1]), default=0)
    best: _Candidate | None = None
    best_score: tuple[int, int, int] | None = None
    for r in range(limit):
        if not any(isinstance(v, str) and v.strip() for v in rows[r]):
            continue
        candidates = [_single(rows, r, width)]
        if r + 1 < len(rows) and _looks_like_subheader(rows[r + 1]):
            candidates.append(_pair(rows, r, width))
        for candidate in candidates:
            score = candidate.score()
            if score is not None and (best_score is None or score > best_score):
                best, best_score = candidate, score
    return best


def _target_of(folded: str) -> str | None:
    for word, target in TARGET_WORDS:
        if word in folded:
            return target
    return None


_HONORIFIC_GENDER = {"Ông": NAM, "ông": NAM, "ÔNG": NAM, "Bà": NU, "bà": NU, "BÀ": NU}
_MARKS = frozenset({"x", "v", "1", "nam", "nu", "\u2713", "\u2714"})


def _read_target(value: Any) -> str | None:
    return _target_of(quick_fold(show_cell(value)))


@dataclass(slots=True)
class _Layout:
    """Where each field sits in the rows (0-based column indexes), worked out once per sheet."""

    columns: dict[str, str]  # field -> header as written
    index: dict[str, int]  # kind -> column
    award_code_cols: list[int]
    gender_marks: list[tuple[int, str]]  # "Giới tính" split into Nam | Nữ columns: (column, gender)
    birth_splits: list[tuple[int, str]]  # "Năm sinh" split into Nam | Nữ columns: (column, gender)
    birth_split_is_date: bool
    cells: list[tuple[str, int]]  # (header as written, column) for ParsedRow.cells
    content: list[int]  # columns whose values make a row a data row
    lead_limit: int  # section / sub-group rows have text only left of this column
    width: int


def _prefer_person_name(candidate: _Candidate) -> list[str | None]:
    """Return the kinds with "Tên đơn vị" read as the unit when the list also has "Họ và tên" (or "Tên tập thể")."""
    kinds = list(candidate.kinds)
    names = [c for c, kind in enumerate(kinds) if kind == "name"]
    if len(names) < 2:
        return kinds
    weak = [c for c in names if has(f" {fold_words(candidate.headers[c] or '')} ", "don vi", "co quan")
            and not has(f" {fold_words(candidate.headers[c] or '')} ", "ho ten", "ho va ten", "tap the", "ca nhan")]
    if weak and len(weak) < len(names) and "unit" not in kinds:
        kinds[weak[0]] = "unit"
    return kinds


def _layout(candidate: _Candidate) -> _Layout:
    candidate = _Candidate(candidate.first_row, candidate.last_row, candidate.headers, _prefer_person_name(candidate))
    index: dict[str, int] = {}
    columns: dict[str, str] = {}
    award_code_cols: list[int] = []
    gender_marks: list[tuple[int, str]] = []
    birth_splits: list[tuple[int, str]] = []
    birth_split_is_date = False
    cells: list[tuple[str, int]] = []
    seen_headers: dict[str, int] = {}
    for col, (header, kind) in enumerate(zip(candidate.headers, candidate.kinds, strict=True)):
        if header:
            count = seen_headers.get(header, 0) + 1
            seen_headers[header] = count
            cells.append((header if count == 1 else f"{header} ({count})", col))
        if not kind:
            continue
        if kind in ("gender_male", "gender_female"):
            gender_marks.append((col, NAM if kind == "gender_male" else NU))
            columns.setdefault(kind, header or "")
            continue
        if kind.startswith("birth_male") or kind.startswith("birth_female"):
            birth_splits.append((col, NAM if kind.startswith("birth_male") else NU))
            birth_split_is_date = birth_split_is_date or kind.endswith("_date")
            columns.setdefault(kind.removesuffix("_date"), header or "")
            continue
        if kind == "award_code":
            award_code_cols.append(col)
        if kind == "award" and "award" in index:
            # Prefer the column of the award being nominated ("Danh hiệu đề nghị") over any other award column.
            if "de nghi" not in fold_words(columns["award"]) and "de nghi" in fold_words(header or ""):
                index["award"] = col
                columns["award"] = header or ""
            continue
        if kind in index:
            continue
        index[kind] = col
        if kind in _BIRTH_KINDS:
            columns.setdefault("birth", header or "")
            columns[kind] = header or ""
        elif not kind.startswith("x_"):
            columns[kind] = header or ""
    # A code column stands in for its concept only when the list has no column with the name.
    for code_kind, field in _CODE_KINDS.items():
        if code_kind in index and field not in index:
            columns[field] = columns[code_kind]
    # Columns whose values make a row worth reading (or worth a "missing_name"): everything the user types,
    # including headers we do not know ("Địa chỉ", "Số CCCD"…), but not STT (templates come pre-numbered) and
    # not code columns that a VLOOKUP fills from a name column (they show 0 or #N/A on empty rows).
    derived = {"stt", "x_code"} | {code for code, field in _CODE_KINDS.items() if field in index}
    content = [col for col, kind in enumerate(candidate.kinds) if kind and kind not in derived]
    content += [col for _, col in cells if candidate.kinds[col] is None]
    lead = [index[k] for k in ("stt", "honorific", "name") if k in index]
    return _Layout(
        columns=columns,
        index=index,
        award_code_cols=award_code_cols,
        gender_marks=gender_marks,
        birth_splits=birth_splits,
        birth_split_is_date=birth_split_is_date,
        cells=cells,
        content=sorted(set(content)),
        lead_limit=_lead_limit(lead, candidate.kinds),
        width=len(candidate.headers),
    )


def _lead_limit(lead: list[int], kinds: list[str | None]) -> int:
    """Return the column left of which section and sub-group rows write their text (STT, Ông/Bà, name)."""
    limit = max(lead, default=0) + 1
    if limit == 1 and len(kinds) > 1 and kinds[1] is None:
        limit = 2  # no STT column: a label may spill into an unused second column
    return limit


def _header_target(header: str | None) -> str | None:
    """Return the target the name column's header implies ("Tên tập thể" -> collectives), if only one."""
    key = f" {fold_words(header or '')} "
    collective = has(key, "tap the", "don vi", "to chuc", "co quan")
    person = has(key, "ho ten", "ho va ten", "ca nhan")
    household = has(key, "ho gia dinh")
    found = [t for t, yes in ((TAP_THE, collective), (CA_NHAN, person), (HO_GIA_DINH, household)) if yes]
    return found[0] if len(found) == 1 else None


def parse_sheet(sheet: RawSheet, *, file: str) -> SheetResult:
    """Return the header mapping, the data rows and the problems found in one sheet (no list -> header_row None)."""
    rows = sheet.rows
    candidate = _find_header(rows)
    if candidate is None:
        return SheetResult(sheet=sheet.name, header_row=None, columns={}, rows=[], issues=[])
    layout = _layout(candidate)
    title_year, title_target = title_facts(rows[: candidate.first_row])
    default_target = title_target or _header_target(layout.columns.get("name"))
    # The rows built here hold no reference cycles; the cyclic collector walking 100k fresh objects again and
    # again costs about a third of the time, so it is paused for the loop.
    with paused_gc():
        parsed, issues = _read_rows(sheet, file, rows, candidate.last_row + 1, layout, default_target,
                                    HeaderRepeats(rows[candidate.first_row : candidate.last_row + 1]))
    return SheetResult(
        sheet=sheet.name,
        header_row=candidate.last_row + 1,
        columns=layout.columns,
        rows=parsed,
        issues=issues,
        title_year=title_year,
    )


_ROW_FIELDS = ("sheet", "row", "target", "name", "honorific", "gender", "birth_year", "birth_date", "position",
               "unit", "department", "award", "award_code", "category", "field", "achievements", "note", "cells")


@lru_cache(maxsize=1)
def _row_factory() -> Callable[..., ParsedRow]:
    """Return a ParsedRow maker taking _ROW_FIELDS positionally (about 1.5 µs a row cheaper than keywords)."""
    if tuple(f.name for f in dataclass_fields(ParsedRow))[: len(_ROW_FIELDS)] == _ROW_FIELDS:
        return ParsedRow
    return lambda *values: ParsedRow(**dict(zip(_ROW_FIELDS, values, strict=True)))  # model changed order: stay correct


def _read_rows(
    sheet: RawSheet, file: str, rows: list[list[Any]], start: int, layout: _Layout, default_target: str | None,
    header: HeaderRepeats,
) -> tuple[list[ParsedRow], list[ImportIssue]]:
    """Walk the rows under the header: sections, sub-groups, data rows, up to the signature block."""
    # This loop runs once per row of files with 100k rows: a numbered row filled to the right goes straight to
    # `read_row` (column indexes looked up once, repeating texts cleaned once); only the other rows are folded and
    # looked at as labels, subtotals or the signature block (`_label_row`).
    parsed: list[ParsedRow] = []
    issues: list[ImportIssue] = []
    sheet_name = sheet.name

    def issue(excel_row: int, column: str | None, code: str, message: str) -> None:
        issues.append(ImportIssue(file, sheet_name, excel_row, column, code, message))

    read_row = _row_reader(sheet_name, layout, issue)
    width, errors = layout.width, EXCEL_ERRORS
    pad = [None] * width
    stt_i, name_i, lead_limit = layout.index.get("stt"), layout.index["name"], layout.lead_limit
    section_target: str | None = None
    group_award: str | None = None
    for r in range(start, len(rows)):
        row = rows[r]
        if not any(row):
            continue
        if not errors.isdisjoint(row):
            row = [None if (type(v) is str and v.strip() in errors) else v for v in row]
            if not any(row):
                continue
        if len(row) < width:
            row = list(row) + pad[: width - len(row)]
        stt = row[stt_i] if stt_i is not None else None
        kind = type(stt)
        numbered = kind is int or kind is float or (kind is str and stt.strip().rstrip(".").isdigit())
        tail_empty = not any(row[lead_limit:])
        if not numbered or tail_empty:
            label = _label_row(row, row[name_i], numbered=numbered, tail_empty=tail_empty, lead_limit=lead_limit,
                               header=header)
            if label is _TABLE_END:
                break
            if label is _NOT_DATA:
                continue
            if label is not None:
                if label.is_section:
                    section_target, group_award = label.target, label.award
                else:  # a sub-group row: its award for the rows below ("Tập thể lao động…" also says collectives)
                    group_award = label.award
                    if label.target:
                        section_target = label.target
                continue
        found = read_row(row, r + 1, section_target or default_target, group_award)
        if found is not None:
            parsed.append(found)
    return parsed, issues


_TABLE_END, _NOT_DATA = "table_end", "not_data"  # what _label_row says of a row that is no label and no data


def _label_row(
    row: list[Any], name: Any, *, numbered: bool, tail_empty: bool, lead_limit: int, header: HeaderRepeats
) -> Label | str | None:
    """Return what a row that may hold no data is: _TABLE_END (the signature block), _NOT_DATA (a subtotal, a
    grouping line, a note, the header printed again), the section or sub-group Label it is, or None for a data row."""
    filled = len(row) - row.count(None) - row.count("")
    if not numbered:
        first = next((v for v in row if type(v) is str and v.strip()), None)
        if first is not None:
            folded = quick_fold(first)
            if is_signature_line(folded) and (name is None or name == "" or name is first) and filled <= 3:
                return _TABLE_END
            if is_subtotal_line(folded):
                return _NOT_DATA
            # The header printed again: its first text or its name cell is a header's text (one fold, mostly none).
            if (folded in header.keys or (name is not first and type(name) is str
                                          and quick_fold(name) in header.keys)) and header.repeats(row):
                return _NOT_DATA
    if not ((tail_empty and filled <= 2) or (not numbered and (name is None or name == ""))):
        return None  # "I. TẬP THỂ | | 05 | 12" (counts on the right) is a label too: its name cell is empty
    label_texts = [t for v in row[:lead_limit] if v is not None and not isinstance(v, bool)
                   for t in (str(v).strip(),) if t]
    if len(label_texts) >= 2 and ENUM_TOKEN.match(label_texts[0]):
        label_texts = label_texts[1:]
    name_text = name.strip() if type(name) is str else ""
    if label_texts and (not numbered or (name_text and label_texts == [name_text])):
        label = read_label(" ".join(label_texts))
        if label.is_section or label.is_award:
            return label
        if tail_empty and (not name_text or label.is_note):
            return _NOT_DATA  # a grouping line ("Khối cơ quan Sở"), a note, or an unlabeled heading
    return None


_RowReader = Callable[[list[Any], int, "str | None", "str | None"], "ParsedRow | None"]
_Issue = Callable[[int, "str | None", str, str], None]


def _row_reader(sheet_name: str, layout: _Layout, issue: _Issue) -> _RowReader:
    """Return the reader of one data row: (row, Excel row, section or default target, sub-group award) -> ParsedRow,
    or None for a numbering row or a row without a name."""
    ix, columns = layout.index, layout.columns
    name_i, hon_i, dept_i = ix["name"], ix.get("honorific"), ix.get("department")
    position_i, unit_i, pu_i = ix.get("position"), ix.get("unit"), ix.get("position_unit")
    award_i, award_code_cols = ix.get("award"), layout.award_code_cols
    category_i, category_code_i = ix.get("category", ix.get("category_code")), ix.get("category_code")
    field_i, field_code_i = ix.get("field", ix.get("field_code")), ix.get("field_code")
    ach_i, note_i = ix.get("achievements"), ix.get("note")
    cell_columns = dict(layout.cells)  # shared by every row's RowCells
    content, name_header = layout.content, columns["name"]
    read_target = _target_reader(layout, issue) if "target" in ix or "target_code" in ix else None
    read_person = _person_reader(layout, issue)
    make_row = _row_factory()
    miss = object()
    texts: dict[Any, str | None] = {None: None, "": None}  # cell value -> cleaned text (units, positions, awards)
    splits: dict[str, tuple[str | None, str | None]] = {}

    def text(value: Any) -> str | None:
        found = texts.get(value, miss)
        if found is miss:
            found = texts[value] = cell_text(value)
        return found  # type: ignore[return-value]

    def read_row(row: list[Any], excel_row: int, fallback_target: str | None, group_award: str | None):
        name = row[name_i]
        if type(name) is str:
            name_text = name.strip()
            if "  " in name_text or not name_text.isprintable():  # line breaks, invisible or odd characters
                name_text = cell_text(name_text) or ""
            if (name_text[:1] == "(" or name_text[:1].isdigit()) and is_numbering_row(row):
                return None
        else:
            if is_numbering_row(row):
                return None
            name_text = cell_text(name)
        if not name_text:
            if any(row[c] is not None and row[c] != "" for c in content):
                issue(excel_row, name_header, "missing_name",
                      f"Dòng có dữ liệu nhưng không có tên ở cột “{name_header}”: "
                      "ghi họ tên cá nhân hoặc tên tập thể, hoặc xóa dòng này.")
            return None
        # target: the row's own column, then its section, then the title or the name header
        target = read_target(row, excel_row) if read_target is not None else None
        honorific = text(row[hon_i]) if hon_i is not None else None
        gender, birth_year, birth_date = read_person(row, excel_row, honorific)
        position = text(row[position_i]) if position_i is not None else None
        unit = text(row[unit_i]) if unit_i is not None else None
        if pu_i is not None:
            combined = text(row[pu_i])
            if combined:
                split = splits.get(combined)
                if split is None:
                    split = splits[combined] = split_position_unit(combined)
                position = position or split[0]
                unit = unit or split[1]
        award_code = None
        for code_i in award_code_cols:
            award_code = text(row[code_i])
            if award_code:
                break
        award = text(row[award_i]) if award_i is not None else award_code
        category = text(row[category_i]) if category_i is not None else None
        if category is None and category_code_i is not None:
            category = text(row[category_code_i])
        field = text(row[field_i]) if field_i is not None else None
        if field is None and field_code_i is not None:
            field = text(row[field_code_i])
        return make_row(
            sheet_name, excel_row, target or fallback_target, name_text, honorific, gender,
            birth_year, birth_date, position, unit, text(row[dept_i]) if dept_i is not None else None,
            award or group_award or award_code, award_code, category, field,
            cell_text(row[ach_i]) if ach_i is not None else None, text(row[note_i]) if note_i is not None else None,
            RowCells(cell_columns, row),
        )

    return read_row


def _target_reader(layout: _Layout, issue: _Issue) -> Callable[[list[Any], int], str | None]:
    """Return the reader of a row's own target: its "Phân loại" column, else its national target code column."""
    ix = layout.index
    target_cols = [(ix[k], k == "target") for k in ("target", "target_code") if k in ix]
    header = layout.columns.get("target")
    miss = object()
    targets: dict[Any, str | None] = {}

    def read_target(row: list[Any], excel_row: int) -> str | None:
        target = None
        for t_i, is_name_column in target_cols:
            value = row[t_i]
            if value is None or value == "":
                continue
            target = targets.get(value, miss)
            if target is miss:
                target = targets[value] = _read_target(value)
            if target:
                break
            if is_name_column:
                issue(excel_row, header, "bad_target",
                      f"Phân loại khen thưởng “{show_cell(value)}” không rõ: ghi Cá nhân, Tập thể hoặc Hộ gia đình.")
        return target  # type: ignore[return-value]

    return read_target


def _person_reader(layout: _Layout, issue: _Issue) -> Callable[[list[Any], int, str | None], tuple[Any, Any, Any]]:
    """Return the reader of a row's (gender, birth year, birth date): from a gender column, Nam | Nữ marks, a birth
    column, birth columns split by gender, or else the honorific ("Ông", "Bà")."""
    ix, columns = layout.index, layout.columns
    gender_i = ix.get("gender")
    birth_is_date = "birth_date" in ix
    birth_i = ix.get("birth_date", ix.get("birth_year"))
    gender_marks, birth_splits = layout.gender_marks, layout.birth_splits
    split_is_date = layout.birth_split_is_date
    genders: dict[Any, str] = {}
    births: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})  # by value, for year columns and date columns

    def read_person(row: list[Any], excel_row: int, honorific: str | None) -> tuple[Any, Any, Any]:
        gender = None
        gender_bad = False
        if gender_i is not None:
            value = row[gender_i]
            if value is not None and value != "":
                gender = genders.get(value)
                if gender is None:
                    gender = genders[value] = read_gender(value)
                if gender == "?":
                    gender, gender_bad = None, True
                    issue(excel_row, columns["gender"], "bad_gender",
                          f"Giới tính “{show_cell(value)}” không rõ: ghi Nam hoặc Nữ.")
        for mark_i, mark_gender in gender_marks:
            value = row[mark_i]
            if value is None or value == "":
                continue
            if gender and gender != mark_gender:
                issue(excel_row, columns.get("gender_female"), "bad_gender",
                      "Có đánh dấu ở cả cột Nam và cột Nữ: chỉ đánh dấu một cột.")
                gender, gender_bad = None, True
                break
            gender = mark_gender
        birth_value, birth_header, birth_date_col = None, None, birth_is_date
        if birth_i is not None:
            value = row[birth_i]
            if value is not None and value != "":
                birth_value, birth_header = value, columns["birth"]
        split_seen = None
        for split_i, split_gender in birth_splits:
            value = row[split_i]
            if value is None or value == "":
                continue
            header = columns["birth_male" if split_gender == NAM else "birth_female"]
            if split_seen and split_seen != split_gender:
                issue(excel_row, header, "bad_gender",
                      "Có năm sinh ở cả cột Nam và cột Nữ: chỉ ghi vào cột đúng giới tính.")
                birth_value, gender, gender_bad = None, None, True
                break
            split_seen = gender = split_gender
            if type(value) is str and len(value) <= 5 and quick_fold(value) in _MARKS:
                continue  # a mark under Nam or Nữ, not a year
            birth_value, birth_header, birth_date_col = value, header, split_is_date
        birth_year = birth_date = None
        if birth_value is not None:
            cache = births[birth_date_col]
            read = cache.get(birth_value)
            if read is None:
                read = cache[birth_value] = read_birth(birth_value, birth_date_col)
            if read[2]:
                issue(excel_row, birth_header, "bad_birth", birth_message(birth_value, read[2], birth_date_col))
            else:
                birth_year, birth_date = read[0], read[1]
        if gender is None and not gender_bad and honorific:
            gender = _HONORIFIC_GENDER.get(honorific)  # "Ông" / "Bà" say the gender; ranks and titles do not
        return gender, birth_year, birth_date

    return read_person
