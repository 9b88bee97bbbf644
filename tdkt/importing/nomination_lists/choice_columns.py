"""The national layout's choice columns: "Lựa chọn X" holds the value the user picked, "X" what a formula made of it
(or nothing). The parser reads the choice first (`columns.Layout.choices`); here a row whose two cells mean different
things gets a warning, the choice kept. Meanings are compared, not texts: "HOGIADINH" and "Khen thưởng hộ gia đình"
agree, as do a code and the name the file's own list (or the catalogue) gives it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tdkt.awards import categories
from tdkt.awards.catalog import match_award
from tdkt.awards.file_codes import CodeEntry, FileCodes, describe
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.text import fold
from tdkt.importing.cells import show_cell
from tdkt.importing.nomination_lists.columns import Layout, find_header, layout_of
from tdkt.importing.nomination_lists.row_fields import target_of_words
from tdkt.importing.sheet_data import RawSheet

Lookup = Callable[[str, str, Any], "CodeEntry | None"]  # (sheet, kind, cell) -> the file's list entry


@dataclass(slots=True)
class SheetLayout:
    """A list sheet's layout, the cell keys (`ParsedRow.cells`) of its columns, and the code lists its drop-downs
    pick from (by row field)."""

    layout: Layout
    keys: dict[int, str]
    picked: dict[str, list] = field(default_factory=dict)
    header_rows: tuple[int, int] = (0, 0)  # the table's header rows (0-based, inclusive)
    headers: dict[int, str] = field(default_factory=dict)  # the table's columns: column -> header as written

    def value(self, row: ParsedRow, col: int | None) -> Any:
        """Return a row's raw cell in a column of this sheet (None when empty or not a column)."""
        key = self.keys.get(col) if col is not None else None
        value = row.cells.get(key) if key is not None else None
        return None if value == "" else value


def sheet_layouts(sheets: list[RawSheet], names: list[str]) -> dict[str, SheetLayout]:
    """Return the layout of each list sheet among `sheets` (found again from its first rows: cheap)."""
    found = {}
    for sheet in sheets:
        if sheet.name in names:
            candidate = find_header(sheet.rows)
            if candidate is not None:
                layout = layout_of(candidate)
                found[sheet.name] = SheetLayout(layout, {c: k for k, c in layout.cells},
                                                header_rows=(candidate.first_row, candidate.last_row),
                                                headers={c: h for c, h in enumerate(candidate.headers) if h})
    return found


def _meaning(kind: str, value: Any, entry: CodeEntry | None) -> str:
    name = entry.name if entry is not None else show_cell(value)
    key = fold(name)
    if kind == "target":
        return target_of_words(key) or key
    if kind == "award":
        spec = match_award(name)
        return spec.code if spec is not None else key
    if kind == "category":
        return categories.match(name) or key
    return key


def conflicts(rows: list[ParsedRow], layouts: dict[str, SheetLayout], codes: FileCodes, lookup: Lookup, *,
              file: str) -> list[ImportIssue]:
    """Return a warning for each row whose "Lựa chọn X" cell and "X" cell mean different things."""
    pairs = {sheet: [(kind, col, shape.layout.index[kind]) for kind, col in shape.layout.choices.items()
                     if kind in shape.layout.index] for sheet, shape in layouts.items()}
    if not any(pairs.values()):
        return []
    found = []
    seen: dict[tuple, bool] = {}
    for row in rows:
        shape = layouts.get(row.sheet)
        for kind, pick_col, main_col in pairs.get(row.sheet, ()):
            picked, written = shape.value(row, pick_col), shape.value(row, main_col)
            if picked is None or written is None:
                continue
            key = (row.sheet, kind, picked, written)
            if key not in seen:
                seen[key] = _meaning(kind, picked, lookup(row.sheet, kind, picked)) != _meaning(
                    kind, written, lookup(row.sheet, kind, written))
            if seen[key]:
                columns = shape.layout.columns
                pick_header, main_header = columns.get(f"{kind}_choice", ""), columns.get(kind, "")
                found.append(ImportIssue(
                    file, row.sheet, row.row, pick_header, "choice_differs",
                    f"Cột “{pick_header}” chọn {describe(codes, kind, picked)} nhưng cột “{main_header}” ghi "
                    f"{describe(codes, kind, written)}: đã lấy giá trị đã chọn. Sửa một trong hai cột cho khớp.",
                    "warning"))
    return found
