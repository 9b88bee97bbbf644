"""Workbooks built byte by byte for the reader's tests: hand-written OOXML and ODS parts, an OLE2 compound file
holding a BIFF8 stream (with a shared-string table split over CONTINUE records, as Excel writes long ones), openpyxl
books, and the zip patches that make a member lie about its size."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl


def openpyxl_book(*sheets: tuple[str, list[list], bool]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, hidden in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx(*sheets: str | tuple[str, str], before: str = "", shared: str | None = None) -> bytes:
    """A minimal hand-written .xlsx; each sheet is its <sheetData> inner XML (or (name, xml))."""
    sheets = [s if isinstance(s, tuple) else (f"Sheet{i}", s) for i, s in enumerate(sheets, 1)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1))
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships"><sheets>{entries}</sheets></workbook>')
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/sharedStrings" Target="sharedStrings.xml"/>')
            z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, (_, data) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                       f'openxmlformats.org/spreadsheetml/2006/main">{before}<sheetData>{data}</sheetData></worksheet>')
    return out.getvalue()


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def ods(*tables: tuple[str, str, bool], encrypted: bool = False) -> bytes:
    """A minimal hand-written .ods; each table is (name, rows XML, hidden)."""
    styles = (
        '<style:style style:name="shown" style:family="table"><style:table-properties table:display="true"/>'
        '</style:style><style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
    )
    body = "".join(
        f'<table:table table:name="{n}" table:style-name="{"hidden" if h else "shown"}">{rows}</table:table>'
        for n, rows, h in tables
    )
    secret = '<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x"/>' if encrypted else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                   f'manifest:media-type="text/xml">{secret}</manifest:file-entry></manifest:manifest>')
        z.writestr("content.xml", f'<?xml version="1.0"?><office:document-content {ODS_NS} office:version="1.2">'
                   f'<office:automatic-styles>{styles}</office:automatic-styles><office:body><office:spreadsheet>'
                   f"{body}</office:spreadsheet></office:body></office:document-content>")
    return out.getvalue()


def ods_text(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>'


def cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """A compound file (OLE2, version 3): streams under 4096 bytes go to the mini stream, as Excel writes them.

    Up to three streams; as many FAT sectors as the content needs (up to the 109 the header lists, ~7 MB)."""
    size = 512
    small = [(n, d) for n, d in streams if len(d) < 4096]
    mini = b"".join(d + b"\x00" * (-len(d) % 64) for _, d in small)
    minifat: list[int] = []
    mini_starts = {}
    for name, payload in small:
        count = -(-len(payload) // 64)
        mini_starts[name] = len(minifat)
        minifat += [len(minifat) + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    blobs = ([("", struct.pack(f"<{len(minifat)}I", *minifat))] if minifat else []) + ([("", mini)] if mini else [])
    blobs += [(n, d) for n, d in streams if len(d) >= 4096]
    content = 1 + sum(-(-len(d) // size) for _, d in blobs)  # the directory, then the blobs
    n_fat = 1
    while 128 * n_fat < n_fat + content:
        n_fat += 1
    assert n_fat <= 109
    fat = [0xFFFFFFFD] * n_fat + [0xFFFFFFFE]  # the FAT sectors, then the directory's one sector
    body = b""
    starts = []
    for _, payload in blobs:
        start = len(fat)
        count = -(-len(payload) // size)
        fat.extend([start + i + 1 for i in range(count - 1)] + [0xFFFFFFFE])
        body += payload + b"\x00" * (-len(payload) % size)
        starts.append(start)
    fat += [0xFFFFFFFF] * (128 * n_fat - len(fat))
    minifat_start = starts.pop(0) if minifat else 0xFFFFFFFE
    mini_start = starts.pop(0) if mini else 0xFFFFFFFE
    big = dict(zip([n for n, d in streams if len(d) >= 4096], starts, strict=True))

    def entry(name: str, kind: int, start: int, length: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, right, child)
                + b"\x00" * 36 + struct.pack("<IQ", start, length))

    directory = entry("Root Entry", 5, mini_start, len(mini), child=1 if streams else 0xFFFFFFFF)
    for i, (name, payload) in enumerate(streams, 1):
        start = mini_starts[name] if name in mini_starts else big[name]
        directory += entry(name, 2, start, len(payload), right=i + 1 if i < len(streams) else 0xFFFFFFFF)
    assert len(directory) <= size
    difat = list(range(n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6 + struct.pack("<9I", 0, n_fat, n_fat, 0, 4096, minifat_start, -(-len(minifat) // 128),
                                     0xFFFFFFFE, 0)
        + struct.pack("<109I", *difat)
    )
    return header + struct.pack(f"<{128 * n_fat}I", *fat) + directory.ljust(size, b"\x00") + body


def record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def sst_records(strings: list[str], limit: int = 8224) -> bytes:
    """The SST record of these strings and its CONTINUE records, each at most `limit` bytes of data, as Excel
    splits them: a string's 3-byte header never splits; its characters may, and the CONTINUE restates the flag."""
    records: list[bytes] = []
    data = struct.pack("<II", len(strings), len(strings))
    for text in strings:
        wide = any(ord(ch) > 0xFF for ch in text)
        raw = text.encode("utf-16-le" if wide else "latin-1")
        size = 2 if wide else 1
        if len(data) + 3 > limit:
            records.append(data)
            data = b""
        data += struct.pack("<HB", len(raw) // size, int(wide))  # characters in UTF-16 units
        while raw:
            room = (limit - len(data)) // size * size
            if room <= 0:
                records.append(data)
                data = bytes([int(wide)])
                continue
            data, raw = data + raw[:room], raw[room:]
    records.append(data)
    return b"".join(record(0x00FC if i == 0 else 0x003C, part) for i, part in enumerate(records))


def xls(
    *sheets: tuple[str, list[tuple[int, int, object]], bool], password: bool = False, pad: bool = False,
    extra: bytes = b"", shared: list[str] | None = None,
) -> bytes:
    """A BIFF8 workbook: each sheet is (name, [(row, col, value)], hidden); 0-based rows and columns.

    A value is a number, a text (a LABEL record) or ("sst", i): a LABELSST cell showing `shared[i]`. `extra` is
    raw records added to the workbook globals.
    """
    bof = lambda kind: record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 0x0600))  # noqa: E731
    streams = []
    for _, cells, _ in sheets:
        stream = bof(0x0010)
        rows = max((r for r, _, _ in cells), default=-1) + 1
        cols = max((c for _, c, _ in cells), default=-1) + 1
        stream += record(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))
        parts = []
        for r, c, value in cells:
            if isinstance(value, tuple):
                parts.append(record(0x00FD, struct.pack("<HHHI", r, c, 0, value[1])))
            elif isinstance(value, str):
                parts.append(record(0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le")))
            else:
                parts.append(record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))))
        streams.append(stream + b"".join(parts) + record(0x000A))

    def boundsheet(offset: int, name: str, hidden: bool) -> bytes:
        return record(0x0085, struct.pack("<IBBBB", offset, int(hidden), 0, len(name), 1) + name.encode("utf-16-le"))

    head = bof(0x0005) + (record(0x002F, b"\x00" * 6) if password else b"") + record(0x0042, b"\xb0\x04") + extra
    tail = (sst_records(shared) if shared is not None else b"") + record(0x000A)
    offset = len(head) + sum(len(boundsheet(0, n, h)) for n, _, h in sheets) + len(tail)
    globals_ = head
    for (name, _, hidden), stream in zip(sheets, streams, strict=True):
        globals_ += boundsheet(offset, name, hidden)
        offset += len(stream)
    book = globals_ + tail + b"".join(streams)
    if pad:
        book += b"\x00" * max(0, 4096 - len(book))  # a regular (non-mini) stream
    return cfb([("Workbook", book)])


def patch_sizes(data: bytes, member: str, *, declared: int) -> bytes:
    """Rewrite a member's uncompressed size in its local header and the central directory."""
    out = bytearray(data)
    name = member.encode()
    local = out.find(b"PK\x03\x04")  # local headers: signature, then the name at offset 30
    while local >= 0:
        if out[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", out, local + 22, declared)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        if out[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", out, central + 24, declared)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, payload in members.items():
            z.writestr(name, payload)
    return out.getvalue()


def col_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def replace_member(data: bytes, member: str, deflated: bytes, size: int, crc: int = 0) -> bytes:
    """Return the zip with `member` replaced by an already deflated body of `size` bytes, placed first."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info.filename, src.read(info))
    rest = out.getvalue()
    name = member.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(name), 0)
    head = local + name + deflated
    shift = len(head)
    end = rest.rfind(b"PK\x05\x06")
    cd_offset, = struct.unpack_from("<I", rest, end + 16)
    cd_count, = struct.unpack_from("<H", rest, end + 10)
    central = bytearray(rest[cd_offset:end])
    pos = 0
    while pos < len(central):
        n, e, c = struct.unpack_from("<HHH", central, pos + 28)
        struct.pack_into("<I", central, pos + 42, struct.unpack_from("<I", central, pos + 42)[0] + shift)
        pos += 46 + n + e + c
    ours = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated), size,
                       len(name), 0, 0, 0, 0, 0, 0) + name
    directory = ours + bytes(central)
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, cd_count + 1, cd_count + 1, len(directory),
                       shift + cd_offset, 0)
    return head + rest[:cd_offset] + directory + eocd
