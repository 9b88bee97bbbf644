"""The shapes that pass between reading and parsing a list (raw sheets, row cells, a sheet's result), the
unreadable-file refusal, and the collector pause of a large import."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block that builds many objects without reference cycles.

    A 100k-row import builds about a million rows, records, dicts and tuples; each time enough of them pile up the
    collector walks all of them again, which measured about 2 s of an 8 s import. Reference counting still frees
    everything as usual; only cycles wait until the block ends. Restored only by the block that paused it.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            # What the block built goes straight to the oldest generation (freeze, then unfreeze): re-enabled as it
            # was, the collector would first walk every one of those objects as "young" (0.14 s at 10k rows).
            gc.freeze()
            gc.enable()
            gc.unfreeze()
