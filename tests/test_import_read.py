"""Reading uploaded workbooks: values as Python, and one clear refusal per kind of bad file.

Every file is generated here (openpyxl, hand-written OOXML/ODS parts, a hand-built OLE2 compound file for .xls
and password-protected workbooks). Several cases (a dense range of billions of cells) would abort the whole Python
process inside calamine without the checks read_workbook runs first (tdkt.importing.zip_checks, ods_checks,
ole_checks), so a regression here shows as a crash.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

import pytest

from tdkt.importing.read import read_workbook
from tdkt.importing.sheet_data import RawSheet, UnreadableFile
from tests.workbook_builders import (
    cfb,
    col_name,
    inline,
    ods,
    ods_text,
    openpyxl_book,
    patch_sizes,
    record,
    replace_member,
    xls,
    xlsx,
    zip_of,
)

MB = 1024 * 1024


def read(data: bytes, *, name: str = "ds.xlsx", max_rows: int = 1000, limit_bytes: int = 20 * MB, **kw):
    return read_workbook(data, filename=name, limit_bytes=limit_bytes, max_rows=max_rows, **kw)


def refusal(data: bytes, **kw) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read(data, **kw)
    return caught.value.code


# --- values ----------------------------------------------------------------------------------------------------


def test_reads_every_sheet_as_python_values_with_hidden_flag():
    data = openpyxl_book(
        ("Danh sách", [
            ["STT", "Họ và tên", "Năm sinh", "Ngày", "Giờ", "Ghi chú", None],
            [1, "  Nguye\u0302\u0303n Văn An ", 1985, dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 8, 30), True],
            [2, "Trần Thị Bình", 1990.5, dt.datetime(2024, 3, 6), None, "   "],
            [None, None, None, None, None, None, None],
        ], False),
        ("Ẩn", [["x"]], True),
    )
    assert read(data) == [
        RawSheet("Danh sách", [
            ["STT", "Họ và tên", "Năm sinh", "Ngày", "Giờ", "Ghi chú"],
            [1, "Nguyễn Văn An", 1985, dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 8, 30), True],
            [2, "Trần Thị Bình", 1990.5, dt.date(2024, 3, 6), None, None],
        ], hidden=False),
        RawSheet("Ẩn", [["x"]], hidden=True),
    ]


def test_formula_gives_cached_value_and_error_leftovers_become_none():
    data = xlsx(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="e"><f>VLOOKUP(9,D:D,1,0)</f><v>#N/A</v></c>'
        '<c r="C1" t="str"><f>"Lao động"&amp;" tiên tiến"</f><v>Lao động tiên tiến</v></c>'
        f'{inline("D1", "#N/A")}<c r="E1" t="e"><v>#REF!</v></c><c r="F1"><v>7</v></c></row>'
    )
    assert read(data)[0].rows == [[2, None, "Lao động tiên tiến", None, None, 7]]


def test_sheet_declaring_the_whole_grid_with_three_rows_reads():
    data = xlsx(
        f'<row r="1">{inline("A1", "STT")}{inline("B1", "Họ và tên")}</row>'
        f'<row r="2"><c r="A2"><v>1</v></c>{inline("B2", "An")}</row>'
        f'<row r="3"><c r="A3"><v>2</v></c>{inline("B3", "Bình")}</row>',
        before='<dimension ref="A1:XFD1048576"/>',
    )
    assert read(data, max_rows=3)[0].rows == [["STT", "Họ và tên"], [1, "An"], [2, "Bình"]]


def test_formatted_empty_rows_beyond_the_data_do_not_count():
    data = xlsx(
        f'<row r="1">{inline("A1", "An")}</row>'
        '<row r="2" s="3" customFormat="1"><c r="A2" s="3"/><c r="XFD2" s="3"/></row>'
        '<row r="999999" s="3" customFormat="1"><c r="A999999" s="3"/><c r="XFD999999" s="3"/></row>'
        '<row r="1048576" s="3" customFormat="1"/>',
        before='<dimension ref="A1:XFD1048576"/>',
    )
    assert read(data, max_rows=2)[0].rows == [["An"]]


def test_trailing_columns_that_hold_only_blanks_or_errors_are_trimmed():
    data = xlsx(f'<row r="1">{inline("A1", "An")}{inline("B1", "  ")}<c r="C1" t="e"><v>#N/A</v></c></row>'
                f'<row r="2">{inline("A2", "Bình")}</row><row r="3">{inline("C3", " ")}</row>')
    assert read(data)[0].rows == [["An"], ["Bình"]]


def test_long_list_converts_like_short_one():
    """Past 120 rows the reader converts whole columns at once; the result must not differ."""
    rows = [["DANH SÁCH", None, None, None], ["STT", "Họ và tên", "Năm sinh", "Ghi chú"]]
    rows += [[i, f" Nguye\u0302\u0303n Văn {i}" if i % 7 else f"Trần Thị {i}", 1960 + i % 40, "x" if i % 3 else None]
             for i in range(1, 301)]
    rows += [[None, "Người lập biểu", None, None], [None, "  ", 2024.5, dt.datetime(2024, 12, 1)]]
    expected = [list(r) for r in rows]
    for row in expected[2:-2]:
        row[1] = row[1].strip().replace("Nguye\u0302\u0303n", "Nguyễn")
    expected[-1] = [None, None, 2024.5, dt.date(2024, 12, 1)]
    assert read(openpyxl_book(("DS", rows, False)))[0].rows == expected


# --- limits -----------------------------------------------------------------------------------------------------


def test_refuses_more_value_rows_than_max_rows():
    rows = [["STT"]] + [[i] for i in range(1, 6)]
    assert read(openpyxl_book(("DS", rows, False)), max_rows=6)[0].rows == rows
    with pytest.raises(UnreadableFile) as caught:
        read(openpyxl_book(("DS", rows + [[6]], False)), max_rows=6)
    assert caught.value.code == "too_many_rows"
    assert caught.value.message == (
        "Trang tính “DS” trong tệp “ds.xlsx” có hơn 6 dòng, vượt giới hạn một lần nhập; "
        "chia danh sách thành nhiều tệp, mỗi tệp không quá 6 dòng."
    )


def test_refuses_a_value_far_below_the_list_without_loading_it():
    data = xlsx(f'<row r="1">{inline("A1", "An")}</row><row r="900000"><c r="B900000"><v>1</v></c></row>')
    assert refusal(data, max_rows=200_000) == "too_many_rows"


def test_refuses_two_cells_far_apart_that_would_make_a_huge_block():
    # A1 and XFD100000: calamine would ask for 100000 x 16384 cells (52 GB) and abort the process
    data = xlsx(f'<row r="1">{inline("A1", "An")}</row><row r="100000"><c r="XFD100000"><v>1</v></c></row>')
    with pytest.raises(UnreadableFile) as caught:
        read(data, max_rows=200_000)
    assert caught.value.code == "too_many_cells"
    assert "XFD100000" in caught.value.message and "Ctrl+End" in caught.value.message


def test_many_columns_within_the_cell_budget_read():
    cells = "".join(f'<c r="{col}1"><v>{i}</v></c>' for i, col in enumerate(["A", "Z", "AA", "AZ", "BA"]))
    assert read(xlsx(f"<row r=\"1\">{cells}</row>"), max_rows=1000)[0].rows == [
        [0] + [None] * 24 + [1, 2] + [None] * 24 + [3, 4]
    ]


def test_cells_without_references_are_placed_as_calamine_places_them():
    data = xlsx('<row r="1"><c><v>1</v></c><c><v>2</v></c></row><row r="300000"><c><v>3</v></c></row>')
    assert refusal(data, max_rows=200_000) == "too_many_rows"
    assert read(xlsx('<row r="2"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'))[0].rows == [
        [None, None], [1, 2], [3, None]
    ]


def test_namespace_prefixed_cells_are_checked_too():
    data = xlsx('<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1">'
                '<x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD90000"><x:v>1</x:v></x:c></x:row>')
    assert refusal(data, max_rows=200_000) == "too_many_cells"


def test_refuses_a_shared_string_table_that_claims_billions_of_entries():
    shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'count="1" uniqueCount="4000000000"><si><t>An</t></si></sst>')
    assert refusal(xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)) == "corrupt"
    fine = shared.replace("4000000000", "1")
    assert read(xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=fine))[0].rows == [["An"]]


# --- containers and formats ---------------------------------------------------------------------------------


def test_empty_file():
    with pytest.raises(UnreadableFile) as caught:
        read(b"")
    assert (caught.value.code, caught.value.message) == (
        "empty_file", "Tệp “ds.xlsx” trống (0 byte). Kiểm tra lại tệp trên máy rồi tải lên lại."
    )


def test_too_large_names_the_limit_and_suggests_splitting():
    with pytest.raises(UnreadableFile) as caught:
        read(b"PK\x03\x04" + b"\x00" * (2 * MB), limit_bytes=1 * MB)
    assert caught.value.code == "too_large"
    assert "giới hạn 1 MB" in caught.value.message and "Chia danh sách" in caught.value.message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "tài liệu Word"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "tệp PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ảnh"),
        ("STT;Họ và tên;Danh hiệu\n1;Nguyễn Văn An;LĐTT\n".encode(), "tệp văn bản (CSV/TXT)"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "trang HTML"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "bảng tính XML"),
        (zip_of({"notes.txt": b"hello"}), "tệp nén ZIP"),
        (cfb([("WordDocument", b"\x00" * 600)]), "tài liệu Word (.doc)"),
    ],
    ids=["docx", "pdf", "png", "csv", "html", "xml2003", "zip", "doc"],
)
def test_other_files_renamed_to_xlsx_are_not_spreadsheets(data, what):
    with pytest.raises(UnreadableFile) as caught:
        read(data)
    assert caught.value.code == "not_spreadsheet"
    assert f"Tệp “ds.xlsx” không phải bảng tính Excel (.xlsx, .xls) hay LibreOffice (.ods), mà là {what}" in (
        caught.value.message
    )
    assert "Lưu thành" in caught.value.message


def test_binary_workbook_xlsb_is_refused_with_save_as_advice():
    data = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})
    assert refusal(data) == "unsupported"


@pytest.mark.parametrize(
    "data",
    [
        xlsx(f'<row r="1">{inline("A1", "An")}</row>')[:400],
        xlsx(f'<row r="1">{inline("A1", "An")}</row>')[:-30],
        xlsx('<row r="1"><c r="$A$1"><v>1</v></c></row>'),  # a reference calamine cannot parse
        b"PK\x03\x04" + bytes(range(256)) * 4,
        xls(("DS", [(0, 0, "An")], False))[:1000],
    ],
    ids=["truncated-start", "truncated-end", "bad-reference", "garbage-zip", "truncated-xls"],
)
def test_corrupt_or_truncated_files(data):
    assert refusal(data) == "corrupt"


def test_password_protected_xlsx_is_encrypted():
    # Excel saves a workbook with "Encrypt with password" as an OLE2 file holding these two streams
    data = cfb([("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 200),
                ("EncryptedPackage", b"\x00" * 5000)])
    with pytest.raises(UnreadableFile) as caught:
        read(data)
    assert (caught.value.code, caught.value.message) == (
        "encrypted",
        "Tệp “ds.xlsx” được đặt mật khẩu. Gỡ mật khẩu trong Excel (Tệp → Thông tin → Bảo vệ sổ làm việc) "
        "rồi tải lên lại.",
    )


def test_password_protected_xls_and_ods_are_encrypted():
    assert refusal(xls(("DS", [(0, 0, "An")], False), password=True), name="ds.xls") == "encrypted"
    assert refusal(ods(("A", f"<table:table-row>{ods_text('x')}</table:table-row>", False), encrypted=True)) == (
        "encrypted"
    )


# --- zip bombs --------------------------------------------------------------------------------------------------


def test_member_declaring_a_huge_size_is_a_zip_bomb():
    data = xlsx(f'<row r="1">{inline("A1", "An")}</row>')
    assert refusal(patch_sizes(data, "xl/worksheets/sheet1.xml", declared=300 * MB)) == "zip_bomb"


def test_member_inflating_past_its_declared_size_is_a_zip_bomb():
    spaces = b" " * (4 * MB)
    data = xlsx(f'<row r="1">{inline("A1", "An")}</row>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                payload = payload.replace(b"<sheetData>", b"<sheetData>" + spaces)
            dst.writestr(info.filename, payload)
    assert read(out.getvalue())[0].rows == [["An"]]  # 4 MB of spaces, honestly declared, is fine
    lying = patch_sizes(out.getvalue(), "xl/worksheets/sheet1.xml", declared=2000)
    assert refusal(lying) == "zip_bomb"


def test_highly_compressed_large_member_is_a_zip_bomb():
    # 300 MB of spaces compresses to ~300 KB; the declared size alone gives it away, nothing is inflated
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = b" " * MB
    body = b"".join(compressor.compress(chunk) for _ in range(300)) + compressor.flush()
    crc = 0  # never checked: the declared size alone refuses the file before anything is inflated
    name = b"xl/worksheets/sheet1.xml"
    data = replace_member(xlsx(f'<row r="1">{inline("A1", "An")}</row>'), name.decode(), body, 300 * MB, crc)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(name.decode()).file_size == 300 * MB
    assert refusal(data) == "zip_bomb"


def test_very_compressible_member_over_the_ratio_is_a_zip_bomb():
    data = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (12 * MB)})
    assert refusal(data) == "zip_bomb"


# --- ODS and XLS --------------------------------------------------------------------------------------------


def test_reads_ods_with_repeated_cells_dates_and_hidden_tables():
    rows = (
        f"<table:table-row>{ods_text('STT')}{ods_text('Họ và tên')}</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="float" office:value="1"/>'
        f"{ods_text('An', repeat=2)}"
        '<table:table-cell office:value-type="date" office:date-value="2024-03-05"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    assert read(ods(("Danh sách", rows, False), ("Ẩn", f"<table:table-row>{ods_text('x')}</table:table-row>", True)),
                name="ds.ods") == [
        RawSheet("Danh sách", [["STT", "Họ và tên", None, None], [1, "An", "An", dt.date(2024, 3, 5)]]),
        RawSheet("Ẩn", [["x"]], hidden=True),
    ]


def test_ods_repeats_are_counted_before_calamine_expands_them():
    bomb = ('<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" '
            'office:value="1" table:number-columns-repeated="16384"/></table:table-row>')
    assert refusal(ods(("A", bomb, False)), max_rows=200_000) == "too_many_cells"
    tall = f'<table:table-row table:number-rows-repeated="300">{ods_text("x")}</table:table-row>'
    assert refusal(ods(("A", tall, False)), max_rows=200) == "too_many_rows"
    assert len(read(ods(("A", tall, False)), max_rows=300)[0].rows) == 300


def test_reads_xls_from_the_mini_stream_and_from_regular_sectors():
    sheets = (("Danh sách", [(0, 0, "STT"), (0, 1, "Họ và tên"), (1, 0, 1), (1, 1, "Nguyễn Văn An"), (2, 1, 1985)],
               False), ("Ẩn", [(0, 0, "x")], True))
    expected = [
        RawSheet("Danh sách", [["STT", "Họ và tên"], [1, "Nguyễn Văn An"], [None, 1985]]),
        RawSheet("Ẩn", [["x"]], hidden=True),
    ]
    assert read(xls(*sheets), name="ds.xls") == expected
    assert read(xls(*sheets, pad=True), name="ds.xls") == expected


def test_xls_limits_are_checked_on_the_records():
    assert refusal(xls(("DS", [(r, 0, r) for r in range(12)], False)), max_rows=11) == "too_many_rows"
    far = xls(("DS", [(0, 0, "An"), (65000, 255, 1)], False))
    assert refusal(far, max_rows=100_000, max_cells=1_000_000) == "too_many_cells"


def test_wide_list_reads_and_a_far_value_below_it_is_refused():
    # 40 columns x 1500 rows: past 20,000 cells beyond column Z the scan switches to whole-piece column search
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col_name(c)}{r}"><v>{c}</v></c>' for c in range(40)) + "</row>"
        for r in range(1, 1501)
    )
    sheet = read(xlsx(rows), max_rows=10_000, max_cells=10_000 * 20)[0]
    assert (len(sheet.rows), len(sheet.rows[0]), sheet.rows[-1][-1]) == (1500, 40, 39)
    far = rows + '<row r="9000"><c r="B9000"><v>1</v></c></row>'
    assert refusal(xlsx(far), max_rows=10_000, max_cells=10_000 * 20) == "too_many_cells"


def test_ods_table_that_never_ends_is_corrupt_not_a_hang():
    # calamine 0.37 loops forever reading a table whose end tag is missing (found by fuzzing)
    good = ods(("A", f"<table:table-row>{ods_text('x')}</table:table-row>", False))
    with zipfile.ZipFile(io.BytesIO(good)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members["content.xml"] = members["content.xml"].replace(b"</table:table>", b"</table:ta")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, payload in members.items():
            z.writestr(name, payload)
    assert refusal(out.getvalue()) == "corrupt"


def test_calamine_panic_on_a_damaged_xls_is_corrupt():
    # an empty EXTERNSHEET record makes calamine panic (pyo3 PanicException, a BaseException); found by fuzzing
    assert refusal(xls(("DS", [(0, 0, "An")], False), extra=record(0x0017))) == "corrupt"


def test_long_ods_is_measured_in_bulk_like_row_by_row():
    # past 1 MiB of content.xml the rows between table boundaries are measured a whole piece at a time
    row = f"<table:table-row>{ods_text('Nguyễn Văn An')}{ods_text('Lao động tiên tiến')}</table:table-row>"
    empty = "<table:table-row><table:table-cell/><table:table-cell/></table:table-row>"
    body = row * 6000 + empty * 50
    sheet = read(ods(("DS", body, False)), name="ds.ods", max_rows=6000)[0]
    assert (len(sheet.rows), sheet.rows[-1]) == (6000, ["Nguyễn Văn An", "Lao động tiên tiến"])
    assert refusal(ods(("DS", body, False)), max_rows=5999) == "too_many_rows"
    gap = row * 4000 + empty * 3000 + row * 2000  # empty rows inside the list count once, across pieces too
    assert len(read(ods(("DS", gap, False)), max_rows=9000)[0].rows) == 9000
    wide = f"<table:table-row>{ods_text('x') * 30}</table:table-row>"
    assert refusal(ods(("DS", row * 3000 + wide + row * 3000, False)), max_rows=7000, max_cells=7000 * 10) == (
        "too_many_cells"
    )


# --- the memory budget -------------------------------------------------------------------------------------


SST_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _shared(*texts: str) -> str:
    return f'<?xml version="1.0"?><sst {SST_NS}>' + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>"


def _uses(count: int, index: int = 0, first_row: int = 1) -> str:
    return "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{index}</v></c></row>'
                   for r in range(first_row, first_row + count))


def test_a_shared_text_is_charged_once_for_every_cell_that_shows_it():
    # one 100,000-letter text: 200 KB once calamine and Python hold it; in 50 cells, 10 MB
    shared = _shared("x" * 100_000)
    assert len(read(xlsx(_uses(5), shared=shared), memory_budget=4 * MB)[0].rows) == 5
    with pytest.raises(UnreadableFile) as caught:
        read(xlsx(_uses(50), shared=shared), name="dai.xlsx", memory_budget=4 * MB)
    assert caught.value.code == "too_much_data"
    assert caught.value.message.startswith("Tệp “dai.xlsx” chứa lượng dữ liệu quá lớn để mở an toàn (trang tính "
                                           "“Sheet1”): khoảng 50 ô có giá trị và 4,9 MB chữ")
    assert "vượt giới hạn 4 MB" in caught.value.message and "chia danh sách" in caught.value.message


def test_uses_are_counted_exactly_when_the_longest_text_times_every_cell_does_not_fit():
    # 2,000 cells of a short text and one of a long one: "every cell shows the longest" would be 400 MB
    shared = _shared("An", "y" * 100_000)
    data = xlsx(_uses(2000) + _uses(1, index=1, first_row=2001), shared=shared)
    assert len(read(data, max_rows=3000, memory_budget=8 * MB)[0].rows) == 2001
    many_long = xlsx(_uses(2000) + _uses(60, index=1, first_row=2001), shared=shared)
    assert refusal(many_long, max_rows=3000, memory_budget=8 * MB) == "too_much_data"


def test_wide_characters_cost_more_than_ascii():
    # one emoji makes Python hold the whole text at 4 bytes a character
    ascii_text, emoji_text = _shared("a" * 50_000), _shared("😀" + "a" * 50_000)
    assert read(xlsx(_uses(20), shared=ascii_text), memory_budget=4 * MB)
    assert refusal(xlsx(_uses(20), shared=emoji_text), memory_budget=4 * MB) == "too_much_data"


def test_a_block_not_starting_at_a1_is_charged_for_the_copy_calamine_makes():
    cells = lambda col: "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in col)  # noqa: E731
                                + "</row>" for r in range(1, 20_001))
    at_a1, at_b1 = xlsx(cells("ABCDEFGHIJ")), xlsx(cells("BCDEFGHIJK"))
    assert read(at_a1, max_rows=20_000, memory_budget=25 * MB)
    assert refusal(at_b1, max_rows=20_000, memory_budget=25 * MB) == "too_much_data"


def test_inline_text_longer_than_an_inflated_piece_is_counted_whole():
    data = xlsx(f'<row r="1">{inline("A1", "z" * (3 * MB))}</row>')
    assert refusal(data, memory_budget=5 * MB) == "too_much_data"
    assert read(data, memory_budget=40 * MB)[0].rows[0][0] == "z" * (3 * MB)


def test_ods_repeats_and_spaces_are_charged_as_calamine_expands_them():
    row = f"<table:table-row>{ods_text('w' * 10_000, repeat=30)}</table:table-row>"
    assert len(read(ods(("A", row, False)), name="a.ods", memory_budget=4 * MB)[0].rows[0]) == 30
    assert refusal(ods(("A", row.replace('"30"', '"300"'), False)), memory_budget=4 * MB) == "too_much_data"
    tall = f'<table:table-row table:number-rows-repeated="300">{ods_text("w" * 10_000)}</table:table-row>'
    assert refusal(ods(("A", tall, False)), memory_budget=4 * MB) == "too_much_data"
    spaces = ('<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="50000000"/>'
              "</text:p></table:table-cell></table:table-row>")
    assert refusal(ods(("A", spaces, False)), name="a.ods", memory_budget=100 * MB) == "too_much_data"


def test_xls_shared_strings_are_read_across_continue_records_and_charged_per_use():
    texts = ["An", "Nguyễn Văn Bình", "v" * 20_000, "😀" + "ễ" * 9000]
    cells = [(0, i, ("sst", i)) for i in range(4)]
    assert read(xls(("DS", cells, False), shared=texts), name="a.xls")[0].rows == [texts]
    many = [(r, 0, ("sst", 2)) for r in range(300)]
    assert refusal(xls(("DS", many, False), shared=texts), name="a.xls", memory_budget=8 * MB) == "too_much_data"
    assert len(read(xls(("DS", many[:100], False), shared=texts), name="a.xls", memory_budget=8 * MB)[0].rows) == 100
