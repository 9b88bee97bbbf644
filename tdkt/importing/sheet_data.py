"""The shapes that pass between reading and parsing a list (raw sheets, row cells, a sheet's result), and the
unreadable-file refusal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.errors import Refused


class UnreadableFile(Refused):
    """The file cannot be read at all; `message` is Vietnamese and says what to do, `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class RawSheet:
    """A sheet's cell values as read (cached values, never formulas); rows[0] is Excel row 1."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False


class RowCells(Mapping[str, Any]):
    """A data row's cells by column header as written: a read-only view on the row, so that a 100k-row list does not
    build (and hold, about 25 MiB) one dict per row. Compares equal to the dict of the same cells."""

    __slots__ = ("_columns", "_row")

    def __init__(self, columns: dict[str, int], row: list[Any]) -> None:
        self._columns = columns  # header as written -> column index in row, shared by every row of a sheet
        self._row = row

    def __getitem__(self, header: str) -> Any:
        return self._row[self._columns[header]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(slots=True)
class SheetResult:
    """What the parser found in one sheet."""

    sheet: str
    header_row: int | None  # Excel row number of the (last) header row; None = no list in this sheet
    columns: dict[str, str]  # our field name -> header as written
    rows: list[ParsedRow]
    issues: list[ImportIssue]
    title_year: int | None = None
    encoding: str | None = None  # "TCVN3" | "VNI" when legacy text was converted
