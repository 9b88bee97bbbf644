"""One zip member inflated in bounded pieces, its real size held to the declared one, cut where no tag straddles."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from tdkt.importing.read_limits import ReadContext

_CHUNK_OUT = 1 << 20  # inflate at most 1 MiB at a time
_CHUNK_IN = 1 << 18
MAX_TAG = 1 << 20  # no tag of a real sheet (nor a cell's text) comes near 1 MiB


def inflate(data: bytes, info: zipfile.ZipInfo, ctx: ReadContext) -> Iterator[bytes]:
    """Yield a member's bytes in pieces of at most 1 MiB; refuse more bytes than declared, or fewer."""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ctx.fail("corrupt")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    start = offset + 30 + name_len + extra_len
    compressed = memoryview(data)[start : start + info.compress_size]
    if len(compressed) < info.compress_size:
        raise ctx.fail("corrupt")
    expected = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != expected:
            raise ctx.fail("corrupt")
        for i in range(0, expected, _CHUNK_OUT):
            yield bytes(compressed[i : i + _CHUNK_OUT])
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    pos = 0
    try:
        while True:
            if inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK_OUT)
            elif pos < len(compressed) and not inflater.eof:
                piece = inflater.decompress(compressed[pos : pos + _CHUNK_IN], _CHUNK_OUT)
                pos += _CHUNK_IN
            else:
                break
            if piece:
                produced += len(piece)
                if produced > expected:
                    raise ctx.fail("zip_bomb")
                yield piece
    except zlib.error:
        raise ctx.fail("corrupt") from None
    if not inflater.eof or produced != expected:
        raise ctx.fail("corrupt")


def pieces(
    data: bytes,
    info: zipfile.ZipInfo,
    ctx: ReadContext,
    boundary: bytes = b"<",
    keep: int = 0,
    max_carry: int = MAX_TAG,
) -> Iterator[tuple[bytes, int, int]]:
    """Yield (buffer, start, end) regions of a member such that no tag straddles two regions.

    A region ends `keep` bytes into a `boundary` (0: just before it); buffers are not copied except for the few
    bytes that join two inflated pieces.
    """
    carry = b""
    for piece in inflate(data, info, ctx):
        first = piece.find(boundary)
        if first < 0:
            if boundary != b"<":
                carry += piece
            elif carry.find(b">") >= 0:  # the carried tag is complete: the piece is text, yielded for its size
                yield carry, 0, len(carry)
                carry = b""
                yield piece, 0, len(piece)
            elif carry:
                carry += piece  # a tag still open across pieces
            else:
                yield piece, 0, len(piece)
        else:
            last = piece.rfind(boundary)
            if carry or first + keep:
                joined = carry + piece[: first + keep]
                yield joined, 0, len(joined)
            if last > first:
                yield piece, first + keep, last + keep
            carry = piece[last + keep :]
        if len(carry) > max_carry:
            if _RELEVANT_HEAD.match(carry):
                raise ctx.fail("corrupt")
            carry = b""  # the start of a tag that cannot matter (binary part, long text): drop it
    if carry:
        yield carry, 0, len(carry)


_RELEVANT_HEAD = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:c|row|sheetData|table:table[\w-]*)[\s/>]")
