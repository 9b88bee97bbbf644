"""The OLE2 compound-file (CFB) container and the BIFF record scan: what makes an .xls safe to hand to calamine.

Password-protected .xlsx files are OLE2 containers too (EncryptionInfo, EncryptedPackage); they are refused here.
"""

from __future__ import annotations

import struct

from tdkt.importing.read_budget import (
    DENSE_CELL,
    OFFSET_CELL,
    OFFSET_VALUE,
    STRING_CELL,
    VALUE_CELL,
    cost_of,
    utf16_text,
)
from tdkt.importing.read_limits import ReadContext

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class _Cfb:
    """A read-only compound file (OLE2) that checks every chain it follows, so that calamine never loops."""

    def __init__(self, data: bytes, ctx: ReadContext) -> None:
        self.data = data
        self.ctx = ctx
        if len(data) < 512:
            raise ctx.fail("corrupt")
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise ctx.fail("corrupt")
        self.size = 1 << shift
        n_dir, n_fat, dir_start, _, cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
            "<9I", data, 0x28
        )
        self.n_sectors = (len(data) - self.size) // self.size + (1 if (len(data) - self.size) % self.size else 0)
        if max(n_fat, n_minifat, n_difat, n_dir) > self.n_sectors or cutoff != 4096:
            raise ctx.fail("corrupt")
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per = self.size // 4
        seen: set[int] = set()
        sector = difat_start
        while sector not in (_END_OF_CHAIN, _FREE):
            if sector in seen or sector >= self.n_sectors or len(seen) > n_difat:
                raise ctx.fail("corrupt")
            seen.add(sector)
            entries = struct.unpack_from(f"<{per}I", self._sector(sector))
            difat.extend(entries[:-1])
            sector = entries[-1]
        fat_sectors = [x for x in difat if x != _FREE][:n_fat] if n_fat else [x for x in difat if x != _FREE]
        fat: list[int] = []
        for sector in fat_sectors:
            if sector >= self.n_sectors:
                raise ctx.fail("corrupt")
            fat.extend(struct.unpack_from(f"<{per}I", self._sector(sector)))
        self.fat = fat
        directory = self._chain_bytes(dir_start, self.fat, self.size, self._sector)
        self.entries: dict[str, tuple[int, int]] = {}
        for i in range(0, len(directory) - 127, 128):
            entry = directory[i : i + 128]
            name_len = struct.unpack_from("<H", entry, 0x40)[0]
            kind = entry[0x42]
            start, size = struct.unpack_from("<IQ", entry, 0x74)
            if self.size == 512:
                size &= 0xFFFFFFFF
            if kind == 0 or name_len < 2 or name_len > 64:
                continue
            name = entry[: name_len - 2].decode("utf-16-le", "replace")
            if i == 0:
                self.root = (start, size)
            if size > len(data):
                raise ctx.fail("corrupt")
            self.entries.setdefault(name, (start, size))
        if not hasattr(self, "root"):
            raise ctx.fail("corrupt")
        root_start, root_size = self.root
        mini_stream = self._chain_bytes(root_start, self.fat, self.size, self._sector) if root_size else b""
        if len(mini_stream) < root_size:
            raise ctx.fail("corrupt")
        self.mini_stream = mini_stream[:root_size]
        minifat_bytes = self._chain_bytes(minifat_start, self.fat, self.size, self._sector) if n_minifat else b""
        self.minifat = list(struct.unpack_from(f"<{len(minifat_bytes) // 4}I", minifat_bytes))

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.size
        block = self.data[start : start + self.size]
        if len(block) < self.size:
            block = block + b"\x00" * (self.size - len(block))
        return block

    def _mini_sector(self, sector: int) -> bytes:
        block = self.mini_stream[sector * 64 : sector * 64 + 64]
        if len(block) < 64:
            raise self.ctx.fail("corrupt")
        return block

    def _chain_bytes(self, start: int, table: list[int], size: int, read) -> bytes:
        parts = []
        seen: set[int] = set()
        sector = start
        while sector != _END_OF_CHAIN:
            if sector in seen or sector >= len(table):
                raise self.ctx.fail("corrupt")
            seen.add(sector)
            parts.append(read(sector))
            sector = table[sector]
        return b"".join(parts)

    def stream(self, name: str) -> bytes:
        start, size = self.entries[name]
        if size < 4096:
            raw = self._chain_bytes(start, self.minifat, 64, self._mini_sector) if size else b""
        else:
            raw = self._chain_bytes(start, self.fat, self.size, self._sector)
        if len(raw) < size:
            raise self.ctx.fail("corrupt")
        return raw[:size]


def check_ole(data: bytes, ctx: ReadContext) -> None:
    """Refuse an OLE2 file that is encrypted, not a workbook, broken, or holds a sheet beyond the limits."""
    try:
        cfb = _Cfb(data, ctx)
    except struct.error:
        raise ctx.fail("corrupt") from None
    names = set(cfb.entries)
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise ctx.fail("encrypted")
    book = "Workbook" if "Workbook" in names else "Book" if "Book" in names else None
    if book is None:
        if "WordDocument" in names:
            raise ctx.fail("not_spreadsheet", what=", mà là tài liệu Word (.doc)")
        if "PowerPoint Document" in names:
            raise ctx.fail("not_spreadsheet", what=", mà là bản trình chiếu PowerPoint (.ppt)")
        raise ctx.fail("not_spreadsheet", what="")
    try:
        _scan_biff(cfb.stream(book), ctx)
    except struct.error:
        raise ctx.fail("corrupt") from None


_BIFF_CELLS = frozenset([0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006])
_BIFF_MAX_DIMENSION = 65536 * 256


def _scan_biff(stream: bytes, ctx: ReadContext) -> None:
    """Walk the xls records as calamine does: refuse encryption, oversize declarations and oversize sheets."""
    end = len(stream)
    unpack = struct.unpack_from
    if end < 4 or unpack("<H", stream, 0)[0] not in (0x0809, 0x0009, 0x0209, 0x0409):
        raise ctx.fail("corrupt")
    sheets: list[tuple[int, str]] = []
    strings: list[int] = []
    lengths: list[int] = []
    pos = 0
    while pos + 4 <= end:
        typ, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            raise ctx.fail("corrupt")
        if typ == 0x002F:
            raise ctx.fail("encrypted")
        if typ == 0x0085 and length >= 8:
            offset = unpack("<I", stream, body)[0]
            cch = stream[body + 6]
            raw = stream[body + 8 : body + 8 + cch * (2 if stream[body + 7] & 1 else 1)]
            name = raw.decode("utf-16-le" if stream[body + 7] & 1 else "latin-1", "replace")
            sheets.append((offset, name))
        elif typ == 0x00FC and length >= 8:
            unique = unpack("<i", stream, body + 4)[0]
            if unique < 0 or unique > end // 3:
                raise ctx.fail("corrupt")
            strings, lengths = _sst_costs(stream, pos - length - 4, unique)
        elif typ == 0x000A:
            break
    ctx.charge(None, estimate=sum(lengths) + 24 * len(lengths), text=sum(lengths))
    for offset, name in sheets:
        if offset >= end:
            raise ctx.fail("corrupt")
        _scan_biff_sheet(stream, offset, name, ctx, strings, lengths)


def _sst_costs(stream: bytes, pos: int, unique: int) -> tuple[list[int], list[int]]:
    """Return the estimated bytes and the UTF-8 bytes of each string of the SST record at `pos` and its CONTINUEs.

    A string's characters may run on into the next CONTINUE record, which then starts with its own 8/16-bit flag.
    """
    segments = []
    typ, length = struct.unpack_from("<HH", stream, pos)
    segments.append(stream[pos + 12 : pos + 4 + length])
    pos += 4 + length
    while pos + 4 <= len(stream) and struct.unpack_from("<H", stream, pos)[0] == 0x003C:
        length = struct.unpack_from("<H", stream, pos + 2)[0]
        segments.append(stream[pos + 4 : pos + 4 + length])
        pos += 4 + length
    reader = _Segments(segments)
    costs: list[int] = []
    lengths: list[int] = []
    for _ in range(unique):
        if reader.done():
            break
        cch = reader.take_int(2)
        flags = reader.take_int(1)
        runs = reader.take_int(2) if flags & 0x08 else 0
        ext = reader.take_int(4) if flags & 0x04 else 0
        cost, utf8 = reader.take_chars(cch, flags & 0x01)
        reader.skip(4 * runs + ext)
        costs.append(cost)
        lengths.append(utf8)
    return costs, lengths


class _Segments:
    """The bytes of an SST record and its CONTINUE records, read across their boundaries."""

    def __init__(self, segments: list[bytes]) -> None:
        self.segments = segments
        self.index = 0
        self.pos = 0

    def done(self) -> bool:
        while self.index < len(self.segments) and self.pos >= len(self.segments[self.index]):
            self.index, self.pos = self.index + 1, 0
        return self.index >= len(self.segments)

    def take(self, n: int) -> bytes:
        parts = []
        while n > 0:
            if self.done():
                raise struct.error("SST cut short")
            segment = self.segments[self.index]
            part = segment[self.pos : self.pos + n]
            self.pos += len(part)
            n -= len(part)
            parts.append(part)
        return b"".join(parts)

    def take_int(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def skip(self, n: int) -> None:
        self.take(n)

    def take_chars(self, cch: int, wide: int) -> tuple[int, int]:
        """Read cch characters (a CONTINUE record restates 8 or 16 bits first); return (estimated, UTF-8) bytes."""
        utf8 = chars = width = 0
        while cch > 0:
            if self.index >= len(self.segments):
                raise struct.error("SST cut short")
            segment = self.segments[self.index]
            if self.pos >= len(segment):  # the characters go on in the next CONTINUE record: its flag first
                self.index, self.pos = self.index + 1, 1
                if self.index >= len(self.segments) or not self.segments[self.index]:
                    raise struct.error("SST cut short")
                wide = self.segments[self.index][0] & 1
                continue
            size = 2 if wide else 1
            count = min(cch, (len(segment) - self.pos) // size) or 1
            one_utf8, one_width, one_chars = utf16_text(self.take(count * size), wide=bool(wide))
            utf8, chars, width, cch = utf8 + one_utf8, chars + one_chars, max(width, one_width), cch - count
        return cost_of(utf8, width, chars), utf8


_BIFF_STRINGS = frozenset([0x00FD, 0x0204, 0x00D6])  # LABELSST, LABEL, RSTRING


def _scan_biff_sheet(
    stream: bytes, pos: int, sheet: str, ctx: ReadContext, strings: list[int], lengths: list[int]
) -> None:
    end = len(stream)
    unpack = struct.unpack_from
    cells = _BIFF_CELLS
    max_row = max_col = -1
    min_row = min_col = 1 << 62
    formula_at = (0, 0)
    values = texts = cost = text = 0
    while pos + 4 <= end:
        typ, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            raise ctx.fail("corrupt")
        if typ in cells or typ == 0x00D6:
            if length < 4:
                raise ctx.fail("corrupt")
            row, col = unpack("<HH", stream, body)
            values += 1
            if typ == 0x0006:
                formula_at = (row, col)
            elif typ == 0x00FD and length >= 10:  # a cell showing shared string isst: calamine copies it
                isst = unpack("<I", stream, body + 6)[0]
                texts += 1
                if isst < len(strings):
                    cost, text = cost + strings[isst], text + lengths[isst]
            elif typ in _BIFF_STRINGS:  # the text is in the record: bounded by its length (4 bytes a byte)
                texts += 1
                cost, text = cost + 4 * length, text + 3 * length // 2
        elif typ == 0x00BD:  # MULRK: one row, columns first..last
            if length < 6:
                raise ctx.fail("corrupt")
            row = unpack("<H", stream, body)[0]
            col = unpack("<H", stream, pos - 2)[0]
            values += (length - 6) // 6
        elif typ in (0x0207, 0x003C):  # STRING: the text result of the formula just before; CONTINUE: more of it
            row, col = formula_at
            texts += typ == 0x0207
            cost, text = cost + 4 * length, text + 3 * length // 2
        elif typ == 0x0200:  # DIMENSIONS: calamine reserves rows × columns from it
            _check_dimensions(stream, body, length, ctx)
            continue
        elif typ == 0x000A:
            break
        else:
            continue
        if row > max_row:
            max_row = row
            if row + 1 > ctx.max_rows:
                raise ctx.rows_exceeded(sheet)
        if col > max_col:
            max_col = col
        min_row, min_col = min(min_row, row), min(min_col, col)
    if max_row >= 0 and (max_row + 1) * (max_col + 1) > ctx.max_cells:
        raise ctx.cells_exceeded(sheet, max_row, max_col)
    if max_row >= 0:
        texts = min(texts, values)
        block = (max_row + 1) * (max_col + 1)
        estimate = block * DENSE_CELL + texts * STRING_CELL + (values - texts) * VALUE_CELL + cost
        if min_row or min_col:  # calamine copies a block not starting at A1 (read_budget)
            estimate += block * OFFSET_CELL + values * OFFSET_VALUE + text
        ctx.charge(sheet, estimate=estimate, cells=values, text=text)


def _check_dimensions(stream: bytes, body: int, length: int, ctx: ReadContext) -> None:
    """Refuse a DIMENSIONS record that is malformed or declares a block calamine would reserve too much for."""
    if length == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
    elif length == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
    else:
        raise ctx.fail("corrupt")
    if last_row and last_col:
        if first_row >= last_row or first_col >= last_col:
            raise ctx.fail("corrupt")
        if (last_row - first_row) * (last_col - first_col) > _BIFF_MAX_DIMENSION:
            raise ctx.fail("corrupt")
