"""Reading an uploaded workbook (.xlsx, .xlsm, .xls, .ods) into raw sheets, refusing unreadable or hostile files.

`read_workbook` is the only entry point. It decides the file type from the bytes (never the name), checks the
container before python-calamine sees it, reads every worksheet with calamine, and returns plain Python values.

Why the checks come first: calamine builds each sheet as one dense rows × columns block, and reserves memory
from counts the file declares (shared-string table size, xls DIMENSIONS/SST). Two filled cells at A1 and XFD100000,
or `uniqueCount="4000000000"`, make it ask for tens of GB and abort the whole process (measured: Rust's allocator
aborts, no Python exception). So before calamine runs, every zip member is inflated here once (bounded, the real
size compared with the declared one), each sheet's used extent is found from its XML / xls records, and anything
larger than the limits is refused with an `UnreadableFile` whose `code` is one of:

    empty_file, too_large, not_spreadsheet, unsupported, encrypted, corrupt, zip_bomb, too_many_rows, too_many_cells

Limits (keyword arguments of `read_workbook`): `limit_bytes` — upload size; `max_rows` — the last row that holds a
value, counted from Excel row 1 (trailing empty or merely formatted rows never count); `max_cells` — rows × columns
of that used block (default `CELLS_PER_ROW * max_rows`), which bounds memory. Zip limits derive from `limit_bytes`:
inflated total at most max(200 MiB, 10 × limit_bytes), any member over 10 MiB at most 100 × its compressed size,
at most 10,000 members. Callers pass `limit_bytes=int(settings.upload_limit_mb * 1024 * 1024)` and
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
import html
import io
import operator
import re
import struct
import unicodedata
import zipfile
import zlib

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from tdkt.importing.issues import RawSheet, UnreadableFile
from tdkt.importing.ods_checks import scan_ods_content
from tdkt.importing.ole_checks import check_ole
from tdkt.importing.read_limits import ReadContext, column_index, mb
from tdkt.importing.zip_members import MAX_TAG, inflate, pieces

CELLS_PER_ROW = 40  # default max_cells = 40 × max_rows: 8M cells (≈ 256 MB inside calamine) at 200,000 rows
MAX_MEMBERS = 10_000
MIN_INFLATED_BUDGET = 200 * 1024 * 1024
INFLATED_PER_UPLOAD_BYTE = 10
MAX_RATIO = 100
RATIO_CHECKED_FROM = 10 * 1024 * 1024
_WIDE_AFTER = 20_000  # cells beyond column Z in one member before switching to the bulk column scan

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
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
) -> list[RawSheet]:
    """Return every worksheet of an uploaded workbook; raise UnreadableFile (stable code, Vietnamese message)."""
    ctx = ReadContext(filename, limit_bytes, max_rows, max_cells if max_cells is not None else CELLS_PER_ROW * max_rows)
    if not data:
        raise ctx.fail("empty_file")
    if len(data) > limit_bytes:
        raise ctx.fail("too_large", size=mb(len(data)), limit=mb(limit_bytes))
    try:
        if data[:4] == b"PK\x03\x04":
            _check_zip(data, ctx)
        elif data[:8] == _OLE_MAGIC:
            check_ole(data, ctx)
        else:
            raise ctx.fail("not_spreadsheet", what=_what_is_it(data))
    except UnreadableFile:
        raise
    except (struct.error, IndexError, KeyError, ValueError, OverflowError, zlib.error, zipfile.BadZipFile):
        raise ctx.fail("corrupt") from None  # a structure cut short or out of range: the file is damaged
    return _load(data, ctx)


# --- loading with calamine -------------------------------------------------------------------------------------


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
        if not _EMPTY_TEXTS.isdisjoint(out):
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
        body = rows[_EDGE_ROWS:-_EDGE_ROWS]
        for j in range(len(rows[0])):
            converted = _converted_column(list(map(operator.itemgetter(j), body)))
            if converted is not None:
                for row, value in zip(body, converted):
                    row[j] = value
    while rows and not any(v is not None for v in rows[-1]):
        rows.pop()
    width = len(rows[0]) if rows else 0
    while width and not any(map(_is_value, map(operator.itemgetter(width - 1), rows))):
        width -= 1
    if rows and width < len(rows[0]):
        rows = [row[:width] for row in rows]
    return rows


# --- sniffing ------------------------------------------------------------------------------------------------------


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


def _le_pattern(n: int) -> bytes:
    """Return a regex matching the decimal numbers 1..n written without leading zeros."""
    s = str(max(n, 1))
    k = len(s)
    alternatives = [f"[1-9]\\d{{0,{k - 2}}}"] if k > 1 else []
    for i, ch in enumerate(s):
        low = 1 if i == 0 else 0
        if int(ch) > low:
            rest = k - i - 1
            alternatives.append(s[:i] + f"[{low}-{int(ch) - 1}]" + (f"\\d{{{rest}}}" if rest else ""))
    alternatives.append(s)
    return ("(?:" + "|".join(alternatives) + ")").encode()


# --- zip containers: xlsx, xlsm, ods ------------------------------------------------------------------------------


def _check_zip(data: bytes, ctx: ReadContext) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError (odd version), struct.error…: all broken
        raise ctx.fail("corrupt") from None
    if len(infos) > MAX_MEMBERS:
        raise ctx.fail("zip_bomb")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        raise ctx.fail("unsupported")
    elif "mimetype" in names and _read_small(archive, "mimetype", ctx).startswith(_ODS_MIME):
        kind = "ods"
    elif "word/document.xml" in names:
        raise ctx.fail("not_spreadsheet", what=", mà là tài liệu Word")
    elif "ppt/presentation.xml" in names:
        raise ctx.fail("not_spreadsheet", what=", mà là bản trình chiếu PowerPoint")
    elif "mimetype" in names:
        raise ctx.fail("not_spreadsheet", what=", mà là tài liệu OpenDocument khác")
    else:
        raise ctx.fail("not_spreadsheet", what=", mà là tệp nén ZIP")

    budget = max(MIN_INFLATED_BUDGET, INFLATED_PER_UPLOAD_BYTE * ctx.limit_bytes)
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ctx.fail("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ctx.fail("corrupt")
        declared += info.file_size
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ctx.fail("zip_bomb")
    if declared > budget:
        raise ctx.fail("zip_bomb")

    if kind == "xlsx":
        # Every part is scanned, not only xl/worksheets/*: calamine follows the relationships wherever they point.
        sheet_names = _xlsx_sheet_names(data, archive, ctx)
        for info in infos:
            _scan_xlsx_member(data, info, sheet_names.get(info.filename, info.filename), ctx)
    else:
        # calamine's format detection hides its password error behind "cannot detect file format"
        if b"encryption-data" in _read_small(archive, "META-INF/manifest.xml", ctx, limit=1 << 20):
            raise ctx.fail("encrypted")
        for info in infos:
            if info.filename == "content.xml":
                scan_ods_content(data, info, ctx)
            else:
                for _ in inflate(data, info, ctx):  # only proves the real size matches the declared one
                    pass


def _read_small(archive: zipfile.ZipFile, name: str, ctx: ReadContext, limit: int = 4096) -> bytes:
    """Return a small member's bytes (b"" when it is missing or larger than limit)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > limit:
        return b""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        raise ctx.fail("corrupt") from None


def _xlsx_sheet_names(data: bytes, archive: zipfile.ZipFile, ctx: ReadContext) -> dict[str, str]:
    """Map each worksheet part (e.g. "xl/worksheets/sheet1.xml") to its sheet name, for messages."""
    try:
        parts = [archive.getinfo("xl/workbook.xml"), archive.getinfo("xl/_rels/workbook.xml.rels")]
    except KeyError:
        return {}
    if any(part.file_size > MAX_TAG * 8 for part in parts):
        return {}  # names only serve the messages; not worth holding an outsized part in memory
    workbook, rels = (b"".join(inflate(data, part, ctx)) for part in parts)
    targets = {}
    for attrs in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        found = dict(re.findall(rb'\b(Id|Target)\s*=\s*"([^"]*)"', attrs))
        if b"Id" in found and b"Target" in found:
            target = html.unescape(found[b"Target"].decode("utf-8", "replace"))
            if target.startswith("/"):
                target = target[1:]
            elif not target.startswith("xl/"):
                target = "xl/" + target
            targets[found[b"Id"]] = target
    names = {}
    for attrs in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        name = re.search(rb'\bname\s*=\s*"([^"]*)"', attrs)
        rid = re.search(rb'\b\w+:id\s*=\s*"([^"]*)"', attrs)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = unicodedata.normalize(
                "NFC", html.unescape(name.group(1).decode("utf-8", "replace"))
            )
    return names


def _check_shared_strings(head: bytes, declared_size: int, ctx: ReadContext) -> None:
    """Refuse a shared-string table whose declared count would make calamine reserve more than the part holds."""
    sst = re.search(rb"<(?:\w+:)?sst\b([^>]*)>", head[:65536])
    unique = re.search(rb'\buniqueCount\s*=\s*"\s*(\d+)', sst.group(1)) if sst else None
    # an entry is at least "<si/>" (5 bytes); calamine reserves uniqueCount entries up front
    if unique and int(unique.group(1)) > declared_size // 5 + 1000:
        raise ctx.fail("corrupt")


def _scan_xlsx_member(data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext) -> None:
    """Refuse a worksheet part whose value cells reach beyond max_rows rows or max_cells cells.

    Fast path (every sheet Excel, LibreOffice or openpyxl writes): one regex finds the `<c` tags that are not
    `<c r="A1"`-shaped with a single-letter column and a row ≤ max_rows; only those few are looked at. A cell
    without a leading `r`, or a namespace-prefixed tag, sends the part to the exact scan that follows calamine's
    own positioning rules.
    """
    max_rows = ctx.max_rows
    rows_ok = _le_pattern(max_rows)
    odd = re.compile(rb'<c(?! r="[A-Z]' + rows_ok + rb'")[\s/>]')
    odd_wide = re.compile(rb'<c(?! r="[A-Z]{1,2}' + rows_ok + rb'")[\s/>]')
    wide_cols = re.compile(rb'<c r="([A-Z]{2})' + rows_ok + rb'"[^>]*(?<!/)>')
    prefixed = re.compile(rb":(?:c|row|sheetData)[\s/>]")
    max_col = -1
    seen_any = False
    odd_cells = 0
    wide = False
    first = True
    for buf, start, end in pieces(data, info, ctx):
        if first:
            first = False
            if b"<sst" in buf[:65536] or b":sst" in buf[:65536]:
                _check_shared_strings(buf, info.file_size, ctx)
        if prefixed.search(buf, start, end):
            return _scan_xlsx_exact(data, info, sheet, ctx)
        if not seen_any and buf.find(b"<c", start, end) >= 0:
            seen_any = True
        if wide:
            letters = set(wide_cols.findall(buf, start, end))
            if letters:
                max_col = max(max_col, max(column_index(x) for x in letters))
        for match in (odd_wide if wide else odd).finditer(buf, start, end):
            cell = _cell_position(buf, match.start())
            if cell is None:
                continue
            if cell is _IRREGULAR:
                return _scan_xlsx_exact(data, info, sheet, ctx)
            row, col = cell
            if row + 1 > max_rows:
                raise ctx.rows_exceeded(sheet)
            max_col = max(max_col, col)
            odd_cells += 1
        if not wide and odd_cells > _WIDE_AFTER:
            wide = True
    if not seen_any:
        return
    max_col = max(max_col, 25)  # the cells the fast regex let through lie in columns A..Z
    if max_rows * (max_col + 1) <= ctx.max_cells:
        return
    # Wide: the rows may still fit the cell budget. Find any value cell below the last row the budget allows.
    row_limit = ctx.max_cells // (max_col + 1)
    beyond = re.compile(rb'<c(?! r="[A-Z]{1,3}' + _le_pattern(row_limit) + rb'")[\s/>]')
    for buf, start, end in pieces(data, info, ctx):
        for match in beyond.finditer(buf, start, end):
            cell = _cell_position(buf, match.start())
            if cell is None or cell is _IRREGULAR:
                continue
            row, col = cell
            if row + 1 > row_limit or (row + 1) * (max_col + 1) > ctx.max_cells:
                raise ctx.cells_exceeded(sheet, row, max(col, max_col))


_IRREGULAR = object()
_C_TAG = re.compile(rb"<c([^>]*?)(/?)>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,7})(\d{1,12})["']""")
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d{1,12})["']""")


def _cell_position(buf: bytes, pos: int) -> tuple[int, int] | object | None:
    """Return (row, col), 0-based, of the value cell whose tag starts at pos; None if it holds no value."""
    tag = _C_TAG.match(buf, pos)
    if tag is None:
        return _IRREGULAR
    if tag.group(2):
        return None  # <c …/>: calamine keeps no value for it
    ref = _REF.search(tag.group(1))
    if ref is None:
        return _IRREGULAR
    row = int(ref.group(2)) - 1
    if row < 0:
        return _IRREGULAR
    return row, column_index(ref.group(1))


_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|sheetData)(?=[\s/>])([^>]*?)(/?)>")


def _scan_xlsx_exact(data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext) -> None:
    """Follow calamine's rules (rows and cells without `r` continue from the previous one) over every tag."""
    in_data = False
    row_index = col_index = 0
    max_row = max_col = -1
    done = False
    for buf, start, end in pieces(data, info, ctx):
        if done:
            continue  # read on only to prove the part's real size
        for closing, name, attrs, empty in _TOKEN.findall(buf, start, end):
            if name == b"sheetData":
                if not closing and not empty:
                    in_data = True
                elif closing and in_data:
                    done = True
                    break
                continue
            if not in_data:
                continue
            if name == b"row":
                if closing:
                    row_index += 1
                    col_index = 0
                    continue
                r = _ROW_R.search(attrs)
                if r:
                    row_index = int(r.group(1)) - 1
                if empty:
                    row_index += 1
                    col_index = 0
                continue
            if closing:
                continue
            ref = _REF.search(attrs)
            if ref:
                row, col = int(ref.group(2)) - 1, column_index(ref.group(1))
            elif re.search(rb"""\sr\s*=""", attrs):
                raise ctx.fail("corrupt")
            else:
                row, col = row_index, col_index
            col_index = col + 1
            if empty:
                continue
            if row + 1 > ctx.max_rows:
                raise ctx.rows_exceeded(sheet)
            max_row = max(max_row, row)
            max_col = max(max_col, col)
            if (max_row + 1) * (max_col + 1) > ctx.max_cells:
                raise ctx.cells_exceeded(sheet, max_row, max_col)
