"""The zip container checks (xlsx, xlsm, ods: kind, members, sizes, encryption) and the xlsx worksheet scans."""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator

from tdkt.importing.ods_checks import scan_ods_content
from tdkt.importing.read_budget import (
    DENSE_CELL,
    OFFSET_CELL,
    OFFSET_VALUE,
    SharedStrings,
    SheetTally,
    count_shared_refs,
)
from tdkt.importing.read_limits import ReadContext, column_index
from tdkt.importing.zip_members import MAX_TAG, inflate, pieces

MAX_MEMBERS = 10_000
MIN_INFLATED_BUDGET = 200 * 1024 * 1024
INFLATED_PER_UPLOAD_BYTE = 10
MAX_RATIO = 100
RATIO_CHECKED_FROM = 10 * 1024 * 1024
_WIDE_AFTER = 20_000  # cells beyond column Z in one member before switching to the bulk column scan

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_SHARED_STRINGS = "xl/sharedStrings.xml"  # calamine reads this part by name, whatever the relationships say


def check_zip(data: bytes, ctx: ReadContext) -> None:
    """Refuse a zip that is not an xlsx/xlsm/ods workbook, is encrypted or a zip bomb, or holds an oversize sheet."""
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
        # The shared strings come first, so that each sheet's cells can be charged the texts they refer to.
        sheet_names = _xlsx_sheet_names(data, archive, ctx)
        shared = SharedStrings()
        ordered = sorted(infos, key=lambda info: info.filename != _SHARED_STRINGS)
        for info in ordered:
            if info.filename == _SHARED_STRINGS:
                _scan_xlsx_member(data, info, info.filename, ctx, shared, feed_strings=True)
                ctx.charge(None, estimate=shared.table_cost(), text=sum(shared.lengths))
            else:
                _scan_xlsx_member(data, info, sheet_names.get(info.filename, info.filename), ctx, shared)
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


def _scan_xlsx_member(
    data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext, shared: SharedStrings, *,
    feed_strings: bool = False,
) -> None:
    """Refuse a worksheet part whose value cells reach beyond max_rows rows or max_cells cells, or past the budget.

    Fast path (every sheet Excel, LibreOffice or openpyxl writes): one regex finds the `<c` tags that are not
    `<c r="A1"`-shaped with a single-letter column and a row ≤ max_rows; only those few are looked at. A cell
    without a leading `r`, or a namespace-prefixed tag, sends the part to the exact scan that follows calamine's
    own positioning rules. Along the way a `SheetTally` counts the value cells and their texts, and the last value
    cell of each region gives the used block's height (checked in `_charge_sheet` when the order may matter).
    """
    max_rows = ctx.max_rows
    rows_ok = _le_pattern(max_rows)
    odd = re.compile(rb'<c(?! r="[A-Z]' + rows_ok + rb'")[\s/>]')
    odd_wide = re.compile(rb'<c(?! r="[A-Z]{1,2}' + rows_ok + rb'")[\s/>]')
    wide_cols = re.compile(rb'<c r="([A-Z]{2})' + rows_ok + rb'"[^>]*(?<!/)>')
    prefixed = re.compile(rb":(?:c|row|sheetData)[\s/>]")
    tally = SheetTally()
    max_col = last_row = letter = first_row = -1
    column_a = False
    seen_any = False
    odd_cells = 0
    wide = False
    first = True
    for buf, start, end in pieces(data, info, ctx):
        if first:
            first = False
            if b"<sst" in buf[:65536] or b":sst" in buf[:65536]:
                _check_shared_strings(buf, info.file_size, ctx)
        if feed_strings:
            shared.feed(buf, start, end)
            continue
        if buf.find(b":", start, end) >= 0 and prefixed.search(buf, start, end):  # find: a colon is rare, and 5x faster
            return _scan_xlsx_exact(data, info, sheet, ctx, shared)
        if not seen_any and buf.find(b"<c", start, end) >= 0:
            seen_any = True
        tally.feed(buf, start, end, prefixed=False)
        last_row = max(last_row, _last_value_row(buf, start, end))
        if first_row < 0:
            first_row = _first_value_row(buf, start, end)
        column_a = column_a or _VALUE_IN_A.search(buf, start, end) is not None
        known = None
        if wide or max_col >= 25:
            letter = _max_letter(buf, start, end, letter) if max_col < 25 else letter
            found = (match.start() for match in (odd_wide if wide else odd).finditer(buf, start, end))
        else:
            known = [letter]
            found = _odd_cells(buf, start, end, odd, rows_ok, known)
        if wide:
            letters = set(wide_cols.findall(buf, start, end))
            if letters:
                max_col = max(max_col, max(column_index(x) for x in letters))
        for position in found:
            cell = _cell_position(buf, position)
            if cell is None:
                continue
            if cell is _IRREGULAR:
                return _scan_xlsx_exact(data, info, sheet, ctx, shared)
            row, col = cell
            if row + 1 > max_rows:
                raise ctx.rows_exceeded(sheet)
            max_col = max(max_col, col)
            last_row = max(last_row, row)
            odd_cells += 1
        if known is not None:
            letter = known[0]
        if not wide and odd_cells > _WIDE_AFTER:
            wide = True
    if not seen_any:
        return
    _check_wide(data, info, sheet, ctx, max(max_col, 25))  # the cells the fast regex let through lie in A..Z
    tally.at_a1 = first_row == 0 and column_a
    _charge_sheet(data, info, sheet, ctx, shared, tally, last_row, max(max_col, letter), exact=False)


def _check_wide(data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext, max_col: int) -> None:
    """Refuse a part whose value cells, `max_col` + 1 columns wide, reach below the rows that max_cells allows."""
    if ctx.max_rows * (max_col + 1) <= ctx.max_cells:
        return
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


_LATER_LETTER = [re.compile(rb'<c r="[' + bytes([65 + i]) + rb'-Z]') for i in range(26)]


def _max_letter(buf: bytes, start: int, end: int, known: int) -> int:
    """Return the last single-letter column (0 = A) that a cell of the region names, or `known` if none is later."""
    while known < 25:
        found = _LATER_LETTER[known + 1].search(buf, start, end)
        if found is None:
            break
        known = buf[found.end() - 1] - 65
    return known


_NARROW: dict[tuple[int, bytes], re.Pattern[bytes]] = {}


def _odd_cells(buf: bytes, start: int, end: int, odd: re.Pattern[bytes], rows_ok: bytes, known: list[int]
               ) -> Iterator[int]:
    """Yield the start of every cell tag of the region that `odd` matches, and raise `known[0]` to the last
    single-letter column (0 = A) a cell tag names, as `_max_letter` does, in one scan of the region instead of two.

    The scan skips the cells of columns up to the known letter only; a cell of a later one stops it, raises the letter,
    and the scan goes on from there skipping that column too (at most 26 times a part). Any other cell it stops at is
    one `odd` matches: both skip exactly the tags `<c r="X…` whose row is a number up to max_rows.
    """
    pos = start
    while True:
        key = (known[0], rows_ok)
        narrow = _NARROW.get(key)
        if narrow is None:
            letters = b"[A-" + bytes([65 + known[0]]) + b"]" if known[0] >= 0 else b"(?!)"
            narrow = _NARROW[key] = re.compile(rb'<c(?! r="' + letters + rows_ok + rb'")[\s/>]')
        for match in narrow.finditer(buf, pos, end):
            at = match.start()
            first = buf[at + 6] if at + 6 < end and buf.startswith(b'<c r="', at) else 0
            if 65 + known[0] < first <= 90:  # a later letter
                known[0] = first - 65
                pos = match.end()
                if odd.match(buf, at):
                    yield at
                break
            yield at
        else:
            return


_VALUE_IN_A = re.compile(rb'<c r="A\d+"[^>]*(?<!/)>\s*<(?:v|is|f)[\s>]')


def _first_value_row(buf: bytes, start: int, end: int) -> int:
    """Return the 0-based row of the region's first cell holding a value, or -1."""
    found = [p for p in (buf.find(b"<v>", start, end), buf.find(b"<is>", start, end)) if p >= 0]
    tag = buf.rfind(b"<c ", start, min(found)) if found else -1
    cell = _cell_position(buf, tag) if tag >= 0 else None
    return cell[0] if isinstance(cell, tuple) else -1


def _last_value_row(buf: bytes, start: int, end: int) -> int:
    """Return the 0-based row of the region's last cell holding a value (Excel writes rows in order), or -1."""
    pos = max(buf.rfind(b"<v>", start, end), buf.rfind(b"<is>", start, end))
    tag = buf.rfind(b"<c ", start, pos) if pos >= 0 else -1
    cell = _cell_position(buf, tag) if tag >= 0 else None
    return cell[0] if isinstance(cell, tuple) else -1


def _charge_sheet(
    data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext, shared: SharedStrings, tally: SheetTally,
    last_row: int, max_col: int, *, exact: bool,
) -> None:
    """Charge one part's estimate to the file's budget: its used block, value cells, own texts and shared strings.

    First with two bounds that cost nothing (every value cell may name the longest shared string; the rows may
    reach max_rows when the fast scan took the region's last value cell for its lowest); only when those do not
    fit the budget, a second pass counts the uses of each shared string and finds the true lowest value row.
    A used block that does not start at A1 is charged once more: calamine copies it whole to pad it to A1
    (measured: +60 B a short text cell).
    """
    width = max_col + 1
    block = DENSE_CELL + (0 if tally.at_a1 else OFFSET_CELL)
    own = tally.estimate() + (0 if tally.at_a1 else tally.values * OFFSET_VALUE + tally.text)
    again = 0 if tally.at_a1 else 1  # the copy holds each shared text's UTF-8 bytes once more
    rows = last_row + 1
    widest = max(shared.costs, default=0) + again * max(shared.lengths, default=0)
    bound = own + tally.values * widest + (rows if exact else ctx.max_rows) * width * block
    used = ctx.footprint
    if used.estimate + bound <= used.budget:
        ctx.charge(sheet, estimate=bound, cells=tally.values, text=tally.text)
        return
    floor = own + tally.values * block  # every value cell lies in the block: refused without a second pass
    if used.estimate + floor > used.budget:
        ctx.charge(sheet, estimate=floor, cells=tally.values, text=tally.text)
    counts: Counter[bytes] = Counter()
    below = re.compile(rb'<c(?! r="[A-Z]{1,3}' + _le_pattern(rows) + rb'")[\s/>]')
    for buf, start, end in pieces(data, info, ctx):
        if widest:
            count_shared_refs(buf, start, end, counts)
        if not exact:
            for match in below.finditer(buf, start, end):
                cell = _cell_position(buf, match.start())
                if isinstance(cell, tuple):
                    rows = max(rows, cell[0] + 1)
    cost, text = shared.refs_cost(counts)
    ctx.charge(sheet, estimate=own + cost + again * text + rows * width * block, cells=tally.values,
               text=tally.text + text)


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


_PREFIXED_VALUE = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|v|is|t)[\s/>]")
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|sheetData)(?=[\s/>])([^>]*?)(/?)>")


def _scan_xlsx_exact(data: bytes, info: zipfile.ZipInfo, sheet: str, ctx: ReadContext, shared: SharedStrings) -> None:
    """Follow calamine's rules (rows and cells without `r` continue from the previous one) over every tag.

    The walk costs ~3 µs a tag (8M cells took 31 s), so the part's value cells are counted first in bulk and a part
    that could not fit the budget whatever its shape is refused before the walk; the walk itself stops past
    max_cells + max_rows tags, more than any list that the limits let through has.
    """
    tally = SheetTally()
    for buf, start, end in pieces(data, info, ctx):
        tally.feed(buf, start, end, prefixed=_PREFIXED_VALUE.search(buf, start, end) is not None)
    floor = tally.estimate() + tally.values * DENSE_CELL
    if ctx.footprint.estimate + floor > ctx.footprint.budget:
        ctx.charge(sheet, estimate=floor, cells=tally.values, text=tally.text)
    in_data = False
    row_index = col_index = 0
    max_row = max_col = -1
    done = False
    min_row = min_col = 1 << 62
    tags = ctx.max_cells + ctx.max_rows
    for buf, start, end in pieces(data, info, ctx):
        if done:
            continue  # read on only to prove the part's real size
        found = _TOKEN.findall(buf, start, end)
        tags -= len(found)
        if tags < 0:
            raise ctx.cells_exceeded(sheet, row_index, col_index)
        for closing, name, attrs, empty in found:
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
            min_row, min_col = min(min_row, row), min(min_col, col)
            if (max_row + 1) * (max_col + 1) > ctx.max_cells:
                raise ctx.cells_exceeded(sheet, max_row, max_col)
    tally.at_a1 = min_row == 0 and min_col == 0
    if tally.values:
        _charge_sheet(data, info, sheet, ctx, shared, tally, max_row, max_col, exact=True)


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
