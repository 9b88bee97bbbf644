"""The scan of an ODS `content.xml`: the used block of every table, repeats expanded as calamine expands them."""

from __future__ import annotations

import html
import operator
import re
import zipfile
from dataclasses import dataclass

from tdkt.importing.read_budget import (
    DENSE_CELL,
    ODS_STRING_CELL,
    ODS_VALUE_CELL,
    OFFSET_CELL,
    OFFSET_VALUE,
    texts_cost,
)
from tdkt.importing.read_limits import ReadContext
from tdkt.importing.zip_members import MAX_TAG, pieces

_ODS_TOKEN = re.compile(
    rb"<table:table-row(?=[\s/>])([^>]*?)(/?)>|<table:table(?=[\s>])([^>]*)>|</table:table>"
)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>")
_ODS_VALUE = re.compile(rb"office:[a-z-]*value|table:formula")
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated\s*=\s*"(\d+)"')
_ODS_COLS_REPEATED = re.compile(rb'number-columns-repeated\s*=\s*"(\d+)"')
_ODS_NAME = re.compile(rb'table:name\s*=\s*"([^"]*)"')
_ROW_END = b"</table:table-row>"
_ODS_TEXT = re.compile(rb">([^<]+)")
_FIRST_CELL_FILLED = re.compile(rb"\s*<table:table-cell\b[^>]*office:value-type")
_ROW_STARTS_FILLED = re.compile(rb"<table:table-row\b[^>]*>\s*<table:table-cell\b[^>]*office:value-type")
_ODS_STRING_VALUE = re.compile(rb'office:string-value\s*=\s*"([^"]*)"')
_ODS_SPACES = re.compile(rb'<text:s\b[^>]*?text:c\s*=\s*"(\d+)"')


@dataclass(slots=True)
class _OdsTable:
    """Where the scan of one ODS table stands."""

    name: str = "?"
    rows: int = 0  # rows up to the last filled one, repeats expanded
    pending: int = 0  # empty rows after it: they count only if a filled row follows
    width: int = 0
    open_tables: int = 0
    top: bool = False  # the first filled row is the table's first row
    column_a: bool = False  # some filled row starts with a filled cell
    values: int = 0  # filled cells, repeats expanded
    cost: int = 0  # estimated bytes of their values and texts (read_budget)
    text: int = 0

    def add(self, times: int, row_width: int, ctx: ReadContext) -> None:
        if row_width == 0:
            self.pending += times
            return
        if self.rows == 0:
            self.top = self.pending == 0
        self.rows += self.pending + times
        self.pending = 0
        self.width = max(self.width, row_width)
        if self.rows > ctx.max_rows:
            raise ctx.rows_exceeded(self.name)
        if self.rows * self.width > ctx.max_cells:
            raise ctx.cells_exceeded(self.name, self.rows - 1, self.width - 1)

    def count(self, times: int, usage: tuple[int, int, int], ctx: ReadContext) -> None:
        """Add (values, estimated bytes, text bytes) of a row repeated `times` times; refuse past the budget early."""
        values, cost, text = usage
        self.values += times * values
        self.cost += times * cost
        self.text += times * text
        if self.cost > ctx.footprint.budget:
            self.charge(ctx)

    def charge(self, ctx: ReadContext) -> None:
        """Charge the table's estimate to the file's budget (calamine expands every repeat it counted)."""
        if self.values or self.rows:
            estimate = self.rows * self.width * DENSE_CELL + self.cost
            if not (self.top and self.column_a):  # calamine copies a block not starting at A1 (read_budget)
                estimate += self.rows * self.width * OFFSET_CELL + self.values * OFFSET_VALUE + self.text
            ctx.charge(self.name, estimate=estimate, cells=self.values, text=self.text)
        self.values = self.cost = self.text = self.rows = self.width = self.pending = 0
        self.top = self.column_a = False


_count_cells = operator.methodcaller("count", b"<table:table-cell")
_is_row = operator.methodcaller("startswith", b"<table:table-row")


def _ods_plain(buf: bytes, start: int, stop: int) -> list[bytes] | None:
    """Return the rows of a region that holds only whole rows written out cell by cell, else None."""
    if buf.find(b"repeated", start, stop) >= 0 or buf.find(b"covered-table-cell", start, stop) >= 0:
        return None
    rows = buf[start:stop].split(_ROW_END)[:-1]
    # each piece starts a row (no table start or end, no row group between rows) and holds only that row
    if not rows or not all(map(_is_row, rows)) or buf.count(b"<table:table-row", start, stop) != len(rows):
        return None
    return rows


def scan_ods_content(data: bytes, info: zipfile.ZipInfo, ctx: ReadContext) -> None:
    """Refuse a table whose used block (repeats expanded, as calamine expands them) exceeds the limits.

    calamine repeats a filled cell `number-columns-repeated` times and a filled row `number-rows-repeated` times;
    empty rows count only when a filled row follows them. Runs of plain rows (no repeats, no table boundary) are
    measured in bulk, the rest row by row.
    """
    table = _OdsTable()
    for buf, start, stop in pieces(data, info, ctx, boundary=_ROW_END, keep=len(_ROW_END), max_carry=16 * MAX_TAG):
        rows = _ods_plain(buf, start, stop)
        if rows is not None:
            _ods_plain_rows(rows, table, ctx)
        else:
            _ods_rows(buf, start, stop, table, ctx)
    if table.open_tables:
        raise ctx.fail("corrupt")  # calamine loops forever on a table that never ends
    table.charge(ctx)


def _usage(chunk: bytes) -> tuple[int, int, int]:
    """Return (filled cells, estimated bytes, text bytes) of cells written out once each.

    Every text node counts (a number's displayed text too, which calamine drops: an upper bound), and so do
    `office:string-value` and `<text:s text:c="N"/>`, which calamine turns into N spaces.
    """
    values = chunk.count(b"office:value-type")
    strings = chunk.count(b'office:value-type="string"')
    texts = _ODS_TEXT.findall(chunk)
    if b"string-value" in chunk:
        texts += _ODS_STRING_VALUE.findall(chunk)
    cost, text = texts_cost(texts)
    cost += text  # calamine's ODS reader holds a second UTF-8 copy: 3.0–3.3 bytes per ASCII byte measured, not 2
    if b"<text:s" in chunk:
        spaces = sum(map(int, _ODS_SPACES.findall(chunk))) + chunk.count(b"<text:s/>")
        cost, text = cost + 9 * spaces, text + spaces  # charged as the widest text: 9 bytes a character
    return values, strings * ODS_STRING_CELL + (values - strings) * ODS_VALUE_CELL + cost, text


def _ods_plain_rows(rows: list[bytes], table: _OdsTable, ctx: ReadContext) -> None:
    """Measure rows that each hold one cell per column: width = cells, height up to the last filled row."""
    last = len(rows) - 1
    while last >= 0 and not _ODS_VALUE.search(rows[last]):
        last -= 1
    if last < 0:
        table.pending += len(rows)
        return
    table.add(last + 1, max(map(_count_cells, rows)), ctx)  # add() counts the pending empty rows first
    table.pending = len(rows) - last - 1
    chunk = b"".join(rows[: last + 1])
    table.count(1, _usage(chunk), ctx)
    table.column_a = table.column_a or _ROW_STARTS_FILLED.search(chunk) is not None


def _ods_rows(buf: bytes, start: int, stop: int, table: _OdsTable, ctx: ReadContext) -> None:
    pos = start
    batch: list[bytes] = []  # filled rows written once: their usage is counted in one go
    for token in _ODS_TOKEN.finditer(buf, start, stop):
        if token.start() < pos:
            continue  # inside a row already measured
        if token.group(3) is not None or token.group(0) == b"</table:table>":
            table.count(1, _usage(b"".join(batch)), ctx)
            batch = []
            table.charge(ctx)
        if token.group(3) is not None:
            found = _ODS_NAME.search(token.group(3))
            name = html.unescape(found.group(1).decode("utf-8", "replace")) if found else "?"
            table.name, table.rows, table.pending, table.width = name, 0, 0, 0
            table.open_tables += not token.group(3).endswith(b"/")
            continue
        if token.group(0) == b"</table:table>":
            table.open_tables -= 1
            continue
        repeated = _ODS_ROWS_REPEATED.search(token.group(1))
        times = int(repeated.group(1)) if repeated else 1
        if token.group(2):  # <table:table-row …/>: an empty row
            table.pending += times
            continue
        end = buf.find(_ROW_END, token.end(), stop)
        pos = end + len(_ROW_END) if end >= 0 else stop
        inner = buf[token.end() : pos]
        width, extra = _ods_row(inner)
        table.add(times, width, ctx)
        if not width:
            continue
        table.column_a = table.column_a or _FIRST_CELL_FILLED.match(inner) is not None
        if times == 1:
            batch.append(inner)
        else:
            extra = tuple(map(sum, zip(extra, _usage(inner), strict=True)))
        table.count(times, extra, ctx)
    table.count(1, _usage(b"".join(batch)), ctx)


def _ods_row(inner: bytes) -> tuple[int, tuple[int, int, int]]:
    """Return the columns up to the last filled cell of one row (0 = nothing filled), and the usage that its
    repeated filled cells add beyond their first copy (that one is counted with the whole row)."""
    if not _ODS_VALUE.search(inner):
        return 0, (0, 0, 0)
    if b"repeated" not in inner:
        return inner.count(b"<table:table-cell") + inner.count(b"<table:covered-table-cell"), (0, 0, 0)
    col = last = values = cost = text = 0
    cells = list(_ODS_CELL.finditer(inner))
    for i, cell in enumerate(cells):
        attrs = cell.group(1)
        repeated = _ODS_COLS_REPEATED.search(attrs)
        times = int(repeated.group(1)) if repeated else 1
        col += times
        if _ODS_VALUE.search(attrs):
            last = col
            if times > 1:
                content = inner[cell.start() : cells[i + 1].start() if i + 1 < len(cells) else len(inner)]
                one = _usage(content)
                more = times - 1
                values, cost, text = values + more * one[0], cost + more * one[1], text + more * one[2]
    return last, (values, cost, text)
