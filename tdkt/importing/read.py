"""Reading an uploaded workbook (.xlsx, .xlsm, .xls, .ods) into raw sheets, refusing unreadable or hostile files.

`read_workbook` is the only entry point. It decides the file type from the bytes (never the name), checks the
container before python-calamine sees it, reads every worksheet with calamine, and returns plain Python values.

Why the checks come first: calamine builds each sheet as one dense rows × columns block, and reserves memory
from counts the file declares (shared-string table size, xls DIMENSIONS/SST). Two filled cells at A1 and XFD100000,
or `uniqueCount="4000000000"`, make it ask for tens of GB and abort the whole process (measured: Rust's allocator
aborts, no Python exception). So before calamine runs, every zip member is inflated once (bounded, the real
size compared with the declared one), each sheet's used extent is found from its XML / xls records, and anything
larger than the limits is refused with an `UnreadableFile` whose `code` is one of:

    empty_file, too_large, not_spreadsheet, unsupported, encrypted, corrupt, zip_bomb, too_many_rows, too_many_cells,
    too_much_data

The row and cell limits bound a sheet's shape, not what its cells hold: one long shared string in thousands of
cells, or an ODS cell repeated thousands of times, passes them and still makes calamine copy the text into every
cell (measured: a 1.5 MB file asked for 20 GB). So the checks also estimate the bytes calamine and this reader
would hold — used block, value cells, and every text once per cell it lands in — and refuse past
`memory_budget` (`too_much_data`); `read_budget` holds the estimate, its constants and the measurements.

The checks live beside this module: `zip_checks` (xlsx, xlsm and ods containers, the xlsx sheet scans),
`ods_checks` (an ods `content.xml`), `zip_members` (inflating one member), `ole_checks` (.xls and encrypted
workbooks); `read_limits` holds what they share: the file with its limits (`ReadContext`) and the messages.

Limits (keyword arguments of `read_workbook`): `limit_bytes` — upload size; `max_rows` — the last row that holds a
value, counted from Excel row 1 (trailing empty or merely formatted rows never count); `max_cells` — rows × columns
of that used block (default `CELLS_PER_ROW * max_rows`); `memory_budget` — the estimate above. Zip limits derive
from `limit_bytes`: inflated total at most max(200 MiB, 10 × limit_bytes), any member over 10 MiB at most 100 × its
compressed size, at most 10,000 members. Callers pass `limit_bytes=int(settings.upload_limit_mb * 1024 * 1024)` and
`max_rows=settings.max_rows`.

What comes back: one RawSheet per worksheet (chart, dialog and macro sheets are skipped), `hidden` for hidden and
very hidden sheets. `rows[0]` is Excel row 1; rows are rectangular, trailing empty rows and columns trimmed. Cells:
None for empty cells and error results ("#N/A" left by VLOOKUP…), a formula's cached value, int for whole numbers
(calamine gives 1985.0), float, bool, str (NFC, stripped; inner line breaks kept), datetime.date (a date-time at
midnight too), datetime.datetime, datetime.time, datetime.timedelta.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import functools
import io
import operator
import struct
import unicodedata
import zipfile
import zlib

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from tdkt.importing.ole_checks import check_ole
from tdkt.importing.read_budget import MEMORY_BUDGET
from tdkt.importing.read_limits import Footprint, ReadContext, mb
from tdkt.importing.sheet_data import RawSheet, UnreadableFile
from tdkt.importing.zip_checks import check_zip

CELLS_PER_ROW = 40  # default max_cells = 40 × max_rows: 8M cells (≈ 256 MB inside calamine) at 200,000 rows

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Cached results of formulas that failed; VLOOKUP leftovers ("#N/A") are the common case.
_EMPTY_TEXTS = frozenset(
    ["", "#N/A", "#N/A!", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA", "#SPILL!",
     "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"]
)


def read_workbook(
    data: bytes,
    *,
    filename: str,
    limit_bytes: int,
    max_rows: int,
    max_cells: int | None = None,
    memory_budget: int = MEMORY_BUDGET,
) -> list[RawSheet]:
    """Return every worksheet of an uploaded workbook; raise UnreadableFile (stable code, Vietnamese message)."""
    ctx = ReadContext(filename, limit_bytes, max_rows, max_cells if max_cells is not None else CELLS_PER_ROW * max_rows,
                      Footprint(budget=memory_budget))
    if not data:
        raise ctx.fail("empty_file")
    if len(data) > limit_bytes:
        raise ctx.fail("too_large", size=mb(len(data)), limit=mb(limit_bytes))
    try:
        if data[:4] == b"PK\x03\x04":
            check_zip(data, ctx)
        elif data[:8] == _OLE_MAGIC:
            check_ole(data, ctx)
        else:
            raise ctx.fail("not_spreadsheet", what=_what_is_it(data))
    except UnreadableFile:
        raise
    except (struct.error, IndexError, KeyError, ValueError, OverflowError, zlib.error, zipfile.BadZipFile):
        raise ctx.fail("corrupt") from None  # a structure cut short or out of range: the file is damaged
    return _load(data, ctx)


def _load(data: bytes, ctx: ReadContext) -> list[RawSheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart, dialog and macro sheets hold no list
            name = unicodedata.normalize("NFC", meta.name)
            rows = _convert(book.get_sheet_by_index(index).to_python(skip_empty_area=False))
            if len(rows) > ctx.max_rows:  # the scans above already guarantee this; kept as the plain rule
                raise ctx.rows_exceeded(name)
            sheets.append(RawSheet(name=name, rows=rows, hidden=meta.visible != SheetVisibleEnum.Visible))
        book.close()
        return sheets
    except UnreadableFile:
        raise
    except PasswordError:
        raise ctx.fail("encrypted") from None
    except Exception:  # noqa: BLE001 - any calamine failure (XmlError, ZipError, CalamineError, …) means a broken file
        raise ctx.fail("corrupt") from None
    except BaseException as error:  # a Rust panic inside calamine reaches Python as pyo3's PanicException
        if type(error).__name__ == "PanicException":
            raise ctx.fail("corrupt") from None
        raise


def _date_or_datetime(value: object) -> object:
    if type(value) is _dt.datetime and not (value.hour or value.minute or value.second or value.microsecond):
        return value.date()
    return value


_NONE_FOR = dict.fromkeys(_EMPTY_TEXTS)
_KEPT_TYPES = frozenset([_dt.date, _dt.time, _dt.timedelta, bool, int])
_is_value = functools.partial(operator.is_not, None)
_EDGE_ROWS = 40  # title rows above and signature rows below a list mix types; they take the cell-by-cell path
_SAMPLE = 1000  # the first cells of a column that tell whether its texts repeat


def _convert_cells(values: list) -> list:
    """Return values as plain Python: None for empty/error cells, int for whole floats, NFC stripped text."""
    norm = unicodedata.normalize
    empty = _EMPTY_TEXTS
    other = _date_or_datetime
    return [
        (None if (s := norm("NFC", v.strip())) in empty else s) if (t := type(v)) is str
        else (int(v) if v.is_integer() else v) if t is float
        else other(v)
        for v in values
    ]


def _converted_column(column: list) -> list | None:
    """Return a converted copy of one column of the list body, or None when it needs no change.

    Uses whole-column C-level operations (join, map, is_normalized) when the column holds one kind of value,
    which is most of a 100k-row list; several times cheaper than converting cell by cell.
    """
    try:
        joined = "\x00".join(column)  # TypeError unless every cell is text
    except TypeError:
        joined = None
    if joined is not None:
        out = list(map(str.strip, column))
        if not unicodedata.is_normalized("NFC", joined):
            out = [unicodedata.normalize("NFC", v) for v in out]
        elif out == column:
            out = column
        # calamine makes a str per cell: a column of units or awards held 100k copies of a few texts, one kept each
        # (35 MiB less at a 100k-row list's peak, 10 ms a column). A column whose first cells are all different
        # (names) is not worth the dict (35 ms for 100k names); only which copy is kept depends on it, never a value.
        unique = None
        if len(set(out[:_SAMPLE])) * 2 < min(len(out), _SAMPLE):
            unique = dict(zip(out, out, strict=True))
            if len(unique) * 2 < len(out):
                out = list(map(unique.__getitem__, out))
        if not _EMPTY_TEXTS.isdisjoint(out if unique is None else unique):
            out = list(map(_NONE_FOR.get, out, out))
        return None if out is column else out
    try:
        if all(map(float.is_integer, column)):  # TypeError on the first cell that is not a float
            return list(map(int, column))
    except TypeError:
        if set(map(type, column)) <= _KEPT_TYPES:
            return None
    return _convert_cells(column)


def _convert(rows: list[list]) -> list[list]:
    """Convert calamine rows in place (see `_convert_cells`); trim trailing empty rows and columns."""
    if len(rows) <= 3 * _EDGE_ROWS or not rows[0]:
        rows = [_convert_cells(row) for row in rows]
    else:
        edges = rows[:_EDGE_ROWS] + rows[-_EDGE_ROWS:]
        for row in edges:
            row[:] = _convert_cells(row)
        # Column by column, then the rows rebuilt in C (zip): assigning the converted cells back one by one took
        # 0.1 s per 100k rows. calamine's rows all have the sheet's width.
        columns: list = list(zip(*rows[_EDGE_ROWS:-_EDGE_ROWS], strict=True))
        changed = False
        for j, column in enumerate(columns):
            converted = _converted_column(list(column))
            if converted is not None:
                columns[j], changed = converted, True
        if changed:
            rows[_EDGE_ROWS:-_EDGE_ROWS] = map(list, zip(*columns, strict=True))
    while rows and not any(v is not None for v in rows[-1]):
        rows.pop()
    width = len(rows[0]) if rows else 0
    while width and not any(map(_is_value, map(operator.itemgetter(width - 1), rows))):
        width -= 1
    if rows and width < len(rows[0]):
        rows = [row[:width] for row in rows]
    return rows


def _what_is_it(data: bytes) -> str:
    """Return ", mà là …" naming what a non-spreadsheet upload looks like, or "" when unknown."""
    head = data[:4096]
    kinds = [
        (head.startswith(b"%PDF"), "tệp PDF"),
        (head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")), "ảnh"),
        (head.startswith(b"{\\rtf"), "văn bản RTF"),
        (head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")), "tệp nén"),
    ]
    for hit, kind in kinds:
        if hit:
            return f", mà là {kind}"
    text = _as_text(head)
    if text is None:
        return ""
    start = text.lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return ", mà là bảng tính XML 2003"
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in start[:1024]:
        return ", mà là trang HTML"
    if start.startswith("<?xml"):
        return ", mà là tệp XML"
    return ", mà là tệp văn bản (CSV/TXT)"


def _as_text(head: bytes) -> str | None:
    """Return the start of the file as text when it reads as text (UTF-8/16, or an 8-bit code page)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        text = head.decode("cp1252", "replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\x0c")
    return text if controls <= len(text) // 100 else None
