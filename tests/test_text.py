"""Vietnamese text helpers: folding, name order, dates, money."""

from datetime import UTC, date, datetime

import pytest

from tdkt.core.text import (
    contains,
    fold,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    name_sort_key,
    nfc,
    parse_date,
    sort_key,
)


@pytest.mark.parametrize(("text", "folded"), [
    ("Nguyễn Văn An", "nguyen van an"),
    ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
    ("  Lao   động tiên tiến ", "lao dong tien tien"),
    ("Nguye\u0302\u0303n", "nguyen"),  # NFD input
    (None, ""),
])
def test_fold_removes_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_search_without_accents_finds_the_name():
    assert contains("Nguyễn Văn An", "nguyen van an") and contains("Phòng Quản lý Công nghiệp", "QUAN LY")
    assert not contains("Nguyễn Văn An", "nguyen van anh")


def test_nfc_composes_decomposed_text():
    assert nfc("Nguye\u0302\u0303n  Thi\u0323") == "Nguyễn Thị"


def test_names_sort_by_given_name_then_family_then_middle():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Nguyễn Văn Ánh", "Hoàng Thị Hải", "Phạm Hưng", "Đỗ Ân"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn An", "Nguyễn Thị An", "Nguyễn Văn Ánh", "Đỗ Ân", "Trần Văn Bình", "Hoàng Thị Hải", "Phạm Hưng"]


def test_letters_follow_the_vietnamese_alphabet_and_tones_come_second():
    words = ["đa", "da", "ư", "u", "ơ", "ô", "o", "â", "ă", "a", "à", "á", "ả", "ã", "ạ", "e", "ê"]
    assert sorted(words, key=sort_key) == ["a", "à", "ả", "ã", "á", "ạ", "ă", "â", "da", "đa", "e", "ê",
                                           "o", "ô", "ơ", "u", "ư"]


def test_given_name_tone_counts_before_family_name():
    assert sorted(["Lê Thị Hạ", "Trần Thị Hà"], key=name_sort_key) == ["Trần Thị Hà", "Lê Thị Hạ"]


def test_hai_sorts_before_hung_unlike_code_points():
    assert sorted(["Hưng", "Hải"], key=sort_key) == ["Hải", "Hưng"]
    assert sorted(["Hưng", "Hải"]) == ["Hưng", "Hải"]


def test_dates_print_and_parse_as_dd_mm_yyyy():
    assert format_date(date(2024, 1, 5)) == "05/01/2024"
    assert parse_date("15/12/2024") == date(2024, 12, 15)
    assert parse_date("5-1-2024") == date(2024, 1, 5)
    assert format_date(None) == ""


@pytest.mark.parametrize("bad", ["2024-12-15", "31/02/2024", "", "15/13/2024"])
def test_bad_dates_raise_a_vietnamese_message(bad):
    with pytest.raises(ValueError, match="Ngày"):
        parse_date(bad)


def test_datetimes_show_in_vietnam_time():
    assert format_datetime(datetime(2024, 12, 31, 20, 30, tzinfo=UTC)) == "01/01/2025 03:30"


def test_money_and_numbers_use_dot_for_thousands_and_comma_for_decimals():
    assert format_money(1234567) == "1.234.567 đ"
    assert format_money(702000.4) == "702.000 đ"
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_percent(0.705) == "70,5%"
    assert format_percent(None) == "—"
