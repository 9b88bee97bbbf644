"""Reading one sheet of a nomination list: where the table starts, what each column means, what each row says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any

from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.honorifics import worth_a_look, worth_a_second_look
from tdkt.importing.cells import EXCEL_ERRORS, HO_GIA_DINH, cell_text, quick_fold, split_position_unit
from tdkt.importing.gc_pause import paused_gc
from tdkt.importing.header_repeats import HeaderRepeats
from tdkt.importing.headers import is_numbering_row, title_facts
from tdkt.importing.nomination_lists.columns import Layout, find_header, header_target, layout_of
from tdkt.importing.nomination_lists.row_fields import (
    Issue,
    person_reader,
    split_name,
    target_reader,
)
from tdkt.importing.row_labels import ENUM_TOKEN, Label, is_signature_line, is_subtotal_line, read_label
from tdkt.importing.sheet_data import RawSheet, RowCells, SheetResult

__all__ = ["parse_sheet"]


def parse_sheet(sheet: RawSheet, *, file: str) -> SheetResult:
    """Return the header mapping, the data rows and the problems found in one sheet (no list -> header_row None)."""
    rows = sheet.rows
    candidate = find_header(rows)
    if candidate is None:
        return SheetResult(sheet=sheet.name, header_row=None, columns={}, rows=[], issues=[])
    layout = layout_of(candidate)
    title_year, title_target = title_facts(rows[: candidate.first_row])
    default_target = title_target or header_target(layout.columns.get("name"))
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
    sheet: RawSheet, file: str, rows: list[list[Any]], start: int, layout: Layout, default_target: str | None,
    header: HeaderRepeats,
) -> tuple[list[ParsedRow], list[ImportIssue]]:
    """Walk the rows under the header: sections, sub-groups, data rows, up to the signature block; lists pasted one
    after another (a title block, the header again) are read on under their repeated header."""
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
    paused: str | None = None  # _TABLE_END after a signature block, _TITLE in the title block of a list pasted below
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
        if paused is not None:
            if header.repeats(row):  # the header of the list pasted below: read on under it
                paused = section_target = group_award = None
                continue
            if paused is _TABLE_END:
                if _is_title_block(row):
                    paused = _TITLE
                continue
            if not numbered or tail_empty:
                label = _label_row(row, row[name_i], numbered=numbered, tail_empty=tail_empty, lead_limit=lead_limit,
                                   header=header)
                if not (isinstance(label, Label) and label.is_section):
                    continue
            paused = None  # a section or a numbered row under a title block: the next list, its header left out
        if not numbered or tail_empty:
            if _is_title_block(row):  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": another list's title block starts
                paused = _TITLE
                continue
            label = _label_row(row, row[name_i], numbered=numbered, tail_empty=tail_empty, lead_limit=lead_limit,
                               header=header)
            if label is _TABLE_END:
                paused = _TABLE_END
                continue
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
_TITLE = "title"
_MOTTO = ("cong hoa xa hoi chu nghia", "doc lap - tu do - hanh phuc", "doc lap tu do hanh phuc")


def _is_title_block(row: list[Any]) -> bool:
    """True for a row of a document's title block (the national name and motto), which no table row holds."""
    return any(type(v) is str and len(v) < 80 and any(m in quick_fold(v) for m in _MOTTO) for v in row)


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


def _row_reader(sheet_name: str, layout: Layout, issue: Issue) -> _RowReader:  # long: the per-row path, inlined
    """Return the reader of one data row: (row, Excel row, section or default target, sub-group award) -> ParsedRow,
    or None for a numbering row or a row without a name."""
    ix, columns = layout.index, layout.columns
    name_i, hon_i, dept_i = ix["name"], ix.get("honorific"), ix.get("department")
    award_code_cols, ach_i, note_i = layout.award_code_cols, ix.get("achievements"), ix.get("note")
    position_i, unit_i, pu_i = ix.get("position"), ix.get("unit"), ix.get("position_unit")
    splits: dict[str, tuple[str | None, str | None]] = {}
    # Where each field is read from, first filled first: a "Lựa chọn X" column holds the value the user picked, its
    # "X" column only what a formula made of it, a code column stands in when neither is filled.
    picks = layout.choices
    award_cols = [c for c in (picks.get("award"), ix.get("award")) if c is not None]
    category_cols = list(dict.fromkeys(c for c in (picks.get("category"), ix.get("category"), ix.get("category_code"))
                                       if c is not None))
    field_cols = list(dict.fromkeys(c for c in (picks.get("field"), ix.get("field"), ix.get("field_code"))
                                    if c is not None))
    cell_columns = dict(layout.cells)  # shared by every row's RowCells
    content, name_header = layout.content, columns["name"]
    read_target = target_reader(layout, issue) if "target" in ix or "target_code" in ix else None
    read_person = person_reader(layout, issue)
    make_row = _row_factory()
    miss = object()
    texts: dict[Any, str | None] = {None: None, "": None}  # cell value -> cleaned text (units, positions, awards)

    def text(value: Any) -> str | None:
        found = texts.get(value, miss)
        if found is miss:
            found = texts[value] = cell_text(value)
        return found  # type: ignore[return-value]

    def first_text(row: list[Any], cols: list[int]) -> str | None:
        if len(cols) == 1:
            return text(row[cols[0]])
        for col in cols:
            found = text(row[col])
            if found:
                return found
        return None

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
        # target: the row's own column, then its section, then the title or the name header; but a household's name
        # ("Gia đình ông …", "Hộ bà …") says it whatever the columns say
        target = read_target(row, excel_row) if read_target is not None else None
        honorific = text(row[hon_i]) if hon_i is not None else None
        first, _, rest = name_text.partition(" ")
        look = worth_a_look(first)  # a title before the name, or a household's name ("Đại tá …", "Gia đình …")
        if look or (look is None and worth_a_second_look(first, rest.partition(" ")[0])):
            name_text, honorific, household = split_name(name_text, honorific)
            if household:
                target = HO_GIA_DINH
        gender, birth_year, birth_date = read_person(row, excel_row, honorific)
        position = text(row[position_i]) if position_i is not None else None
        unit = text(row[unit_i]) if unit_i is not None else None
        if pu_i is not None:  # "Chức vụ, đơn vị công tác" in one column: each combined text split once
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
        award = text(row[award_cols[0]]) if len(award_cols) == 1 else first_text(row, award_cols) if award_cols \
            else award_code
        return make_row(
            sheet_name, excel_row, target or fallback_target, name_text, honorific, gender,
            birth_year, birth_date, position, unit, text(row[dept_i]) if dept_i is not None else None,
            award or group_award or award_code, award_code, first_text(row, category_cols) if category_cols else None,
            first_text(row, field_cols) if field_cols else None,
            cell_text(row[ach_i]) if ach_i is not None else None, text(row[note_i]) if note_i is not None else None,
            RowCells(cell_columns, row),
        )

    return read_row


