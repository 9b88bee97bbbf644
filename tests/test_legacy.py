"""Legacy Vietnamese encodings (TCVN3/ABC and VNI): conversion tables, detection on a sheet, conversion in place."""

from __future__ import annotations

import unicodedata

import pytest

from tdkt.importing import legacy
from tdkt.importing.legacy import convert_sheet, detect, from_unicode, to_unicode
from tdkt.importing.sheet_data import RawSheet

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng
LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
ALPHABET = LETTERS + [letter.upper() for letter in LETTERS]  # 146 letters: every vowel with every tone, and đ

PHRASES = [
    "Nguyễn Văn An", "Trần Thị Hương", "ĐẶNG QUỐC TUẤN", "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở",
    "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Huân chương Lao động hạng Ba", "Phòng Tổ chức cán bộ",
    "Người ước lượng khuya", "Giường quyết", "Thủy Ỷ Ỹ Ỵ ỳ",
]


def test_sample_phrases_convert():
    assert to_unicode("NguyÔn V¨n An", "TCVN3") == "Nguyễn Văn An"
    assert to_unicode("Lao ®éng tiªn tiÕn", "TCVN3") == "Lao động tiên tiến"
    assert to_unicode("Nguyeãn Vaên An", "VNI") == "Nguyễn Văn An"
    assert to_unicode("Lao ñoäng tieân tieán", "VNI") == "Lao động tiên tiến"
    assert to_unicode("NGUYEÃN VAÊN AN, ÑOÀNG THAÙP, nöôùc", "VNI") == "NGUYỄN VĂN AN, ĐỒNG THÁP, nước"


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_whole_alphabet_round_trips(encoding):
    assert [to_unicode(from_unicode(letter, encoding), encoding) for letter in ALPHABET] == ALPHABET
    assert [to_unicode(from_unicode(p, encoding), encoding) for p in PHRASES] == PHRASES


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_every_letter_has_its_own_code(encoding):
    codes = [from_unicode(letter, encoding) for letter in ALPHABET]
    assert len(set(codes)) == len(ALPHABET)


def test_tcvn3_lower_case_letters_live_in_the_latin1_range():
    # ABC fonts (VN3) use only these codes; the capitals with tones come from the VN1 control positions
    for letter in LETTERS:
        assert all("\u00a1" <= ch <= "\u00ff" or ch.isascii() for ch in from_unicode(letter, "TCVN3")), letter


def test_result_is_nfc():
    text = to_unicode("a\u00b3", "TCVN3")  # TCVN3 also has combining tone codes: a + acute
    assert text == "á" and unicodedata.is_normalized("NFC", text)


def test_unknown_encoding_is_an_error():
    with pytest.raises(ValueError):
        to_unicode("x", "VISCII")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["NguyÔn V¨n An"], "TCVN3"),
        (["Lao ®éng tiªn tiÕn"], "TCVN3"),
        (["Nguyeãn Vaên An"], "VNI"),
        (["Lao ñoäng tieân tieán"], "VNI"),
        ([from_unicode(p, "TCVN3") for p in PHRASES], "TCVN3"),
        ([from_unicode(p, "VNI") for p in PHRASES], "VNI"),
        (PHRASES, None),
        (["Hoà Bình", "Tây Ninh", "Phú Thọ", "Cà Mau", "Hoàng Tú Bé", "Ghi chú", "Tên", "Ngày"], None),
        (["Employee of the month", "Annual report", "Total"], None),
        (["José García", "Hélène Müller", "São Paulo", "Zoë", "Ñandú", "Ångström", "café résumé naïve"], None),
        ([], None),
        ([1985, None, 2.5, "An"], None),
    ],
    ids=["tcvn3-name", "tcvn3-title", "vni-name", "vni-title", "tcvn3-phrases", "vni-phrases", "unicode",
         "unicode-latin1-accents", "english", "latin1-names", "empty", "no-text"],
)
def test_detect(texts, expected):
    assert detect(texts) == expected


def test_detect_needs_more_than_one_word():
    assert detect(["V¨n"]) is None
    assert detect(["V¨n", "Tr­êng"]) == "TCVN3"


def test_convert_sheet_converts_every_text_cell_in_place():
    rows = [["STT", "Họ và tên", "Danh hiệu", "Năm sinh"]]
    rows += [[i, from_unicode(name, "TCVN3"), from_unicode("Lao động tiên tiến", "TCVN3"), 1980 + i]
             for i, name in enumerate(["Nguyễn Văn An", "Vũ Văn Dũng", "Lê Thị Hoà", "Phạm Quốc Việt"], 1)]
    sheet = RawSheet(name=from_unicode("Danh sách", "TCVN3"), rows=rows)
    assert convert_sheet(sheet) == "TCVN3"
    assert sheet == RawSheet(name="Danh sách", rows=[
        ["STT", "Họ và tên", "Danh hiệu", "Năm sinh"],  # Unicode header (ọ, ệ, ă) left as typed
        [1, "Nguyễn Văn An", "Lao động tiên tiến", 1981],
        [2, "Vũ Văn Dũng", "Lao động tiên tiến", 1982],
        [3, "Lê Thị Hoà", "Lao động tiên tiến", 1983],
        [4, "Phạm Quốc Việt", "Lao động tiên tiến", 1984],
    ])


def test_convert_sheet_vni():
    sheet = RawSheet(name="DS", rows=[[from_unicode("Trần Thị Hương", "VNI"), from_unicode("Chiến sĩ thi đua", "VNI")]])
    assert convert_sheet(sheet) == "VNI"
    assert sheet.rows == [["Trần Thị Hương", "Chiến sĩ thi đua"]]


def test_convert_sheet_leaves_unicode_and_foreign_sheets_alone():
    rows = [["Họ và tên", "Ghi chú"], ["Nguyễn Văn An", "Hoà Bình"], ["José García", "café"]]
    sheet = RawSheet(name="DS", rows=[list(r) for r in rows])
    assert convert_sheet(sheet) is None
    assert sheet.rows == rows


def test_detection_reads_a_bounded_sample():
    # a 100k-row list costs no more than its first few thousand strings
    assert legacy._SAMPLE <= 10_000
    texts = ["Nguyễn Văn An"] * 50_000 + [from_unicode("Nguyễn Văn An", "TCVN3")] * 50_000
    assert detect(texts) is None
