"""Tests of the award catalogue: national list coverage, unique keys, abbreviations and award money."""

from collections import defaultdict

import pytest

from tdkt.awards import catalog
from tdkt.awards.catalog import CATALOG, aliases, award_amount, by_code, by_name, match_award, normalize_award_text
from tdkt.awards.mau_tdkt import HTKT
from tdkt.core.text import fold

DEPARTMENT_NAMES = (
    "Lao động tiên tiến",
    "Chiến sĩ thi đua cơ sở",
    "Chiến sĩ thi đua cấp tỉnh",
    "Tập thể lao động tiên tiến",
    "Tập thể lao động xuất sắc",
    "Cờ thi đua của Ủy ban nhân dân tỉnh",
    "Giấy khen của Giám đốc Sở",
    "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    "Bằng khen của Bộ trưởng Bộ Công Thương",
    "Bằng khen của Thủ tướng Chính phủ",
)

ABBREVIATIONS = (
    ("lđtt", "Lao động tiên tiến"),
    ("LDTT", "Lao động tiên tiến"),
    (" Lao  động tiên tiến ", "Lao động tiên tiến"),
    ("Danh hiệu Lao động tiên tiến", "Lao động tiên tiến"),
    ("CSTĐCS", "Chiến sĩ thi đua cơ sở"),
    ("CSTĐ cơ sở", "Chiến sĩ thi đua cơ sở"),
    ("CSTĐ CS", "Chiến sĩ thi đua cơ sở"),
    ("CSTĐ-CS", "Chiến sĩ thi đua cơ sở"),
    ("Chiến sỹ thi đua cơ sở", "Chiến sĩ thi đua cơ sở"),
    ("CSTĐ tỉnh", "Chiến sĩ thi đua cấp tỉnh"),
    ("Chiến sỹ thi đua tỉnh", "Chiến sĩ thi đua cấp tỉnh"),
    ("TTLĐTT", "Tập thể lao động tiên tiến"),
    ("TT LĐTT", "Tập thể lao động tiên tiến"),
    ("TT.LĐTT", "Tập thể lao động tiên tiến"),
    ("TTLĐXS", "Tập thể lao động xuất sắc"),
    ("Tập thể LĐXS", "Tập thể lao động xuất sắc"),
    ("Cờ thi đua UBND tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
    ("Cờ UBND tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
    ("Cờ thi đua của Uỷ ban nhân dân tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
    ("GK GĐ Sở", "Giấy khen của Giám đốc Sở"),
    ("Giấy khen GĐ Sở", "Giấy khen của Giám đốc Sở"),
    ("Giấy khen Giám đốc Sở", "Giấy khen của Giám đốc Sở"),
    ("Giấy khen Sở", "Giấy khen của Giám đốc Sở"),
    ("Giấy khen của Giám đốc Sở Công Thương", "Giấy khen của Giám đốc Sở"),
    ("BK UBND tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("Bằng khen UBND tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("Bằng khen Chủ tịch UBND tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("BK CT UBND tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("Bằng khen của Chủ tịch UBND tỉnh Lạng Sơn", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("BK Bộ Công Thương", "Bằng khen của Bộ trưởng Bộ Công Thương"),
    ("Bằng khen Bộ trưởng BCT", "Bằng khen của Bộ trưởng Bộ Công Thương"),
    ("BK BCT", "Bằng khen của Bộ trưởng Bộ Công Thương"),
    ("BK TTg", "Bằng khen của Thủ tướng Chính phủ"),
    ("Bằng khen Thủ tướng", "Bằng khen của Thủ tướng Chính phủ"),
    ("CSTĐ BCT", "Chiến sĩ thi đua cấp Bộ Công Thương"),
    ("CSTĐ toàn quốc", "Chiến sĩ thi đua toàn quốc"),
    ("Cờ thi đua BCT", "Cờ thi đua của Bộ Công Thương"),
    ("HCLĐ hạng Ba", "Huân chương Lao động hạng Ba"),
    ("HCLĐ hạng III", "Huân chương Lao động hạng Ba"),
    ("Huân chương Lao động hạng 2", "Huân chương Lao động hạng Nhì"),
    ("Huy chương Kháng chiến chống Mĩ hạng nhất", "Huy chương Kháng chiến chống mỹ hạng nhất"),
)


def _national_owners(name: str, code: str) -> list[catalog.AwardSpec]:
    """Return the entries that carry this HTKT row as their national alias."""
    return [
        spec for spec in CATALOG
        if fold(spec.national_name) == fold(name) and code in (spec.national_code, *spec.extra_national_codes)
    ]


def test_htkt_list_has_89_rows_with_distinct_codes():
    assert len(HTKT) == 89
    assert len({code for _, code in HTKT}) == 89


@pytest.mark.parametrize(("name", "code"), HTKT)
def test_every_htkt_row_is_in_the_catalogue_exactly_once(name, code):
    owners = _national_owners(name, code)
    assert len(owners) == 1
    assert match_award(name) is owners[0]
    assert match_award(code) is owners[0]
    assert match_award(float(code)) is owners[0]


def test_every_national_alias_is_an_htkt_row():
    rows = {(fold(name), code) for name, code in HTKT}
    for spec in CATALOG:
        if spec.national_name:
            assert (fold(spec.national_name), spec.national_code) in rows, spec.code


def test_letter_case_duplicate_of_nha_giao_nhan_dan_is_one_entry():
    spec = match_award("Nhà giáo nhân dân")
    assert spec.name == "Nhà giáo Nhân dân"
    assert spec.national_code == "1671248092"
    assert spec.extra_national_codes == ("1650360387",)
    assert match_award("1650360387") is spec


def test_no_two_entries_share_a_normalised_key():
    owners = defaultdict(set)
    for spec in CATALOG:
        texts = (spec.name, spec.national_name or "", *spec.abbreviations, *aliases(spec))
        for key in {normalize_award_text(text) for text in texts} - {""}:
            owners[key].add(spec.code)
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}


def test_codes_and_names_are_unique():
    assert len({spec.code for spec in CATALOG}) == len(CATALOG)
    assert len({spec.name for spec in CATALOG}) == len(CATALOG)


def test_aliases_have_distinct_keys_and_leave_out_the_name():
    for spec in CATALOG:
        keys = [normalize_award_text(alias) for alias in aliases(spec)]
        assert len(keys) == len(set(keys)), spec.code
        assert spec.name not in aliases(spec)


def test_entries_are_well_formed():
    for spec in CATALOG:
        assert spec.code.isascii() and spec.code == spec.code.upper(), spec.code
        assert spec.kind in {"danh_hieu", "hinh_thuc"}
        assert spec.level in {"co_so", "tinh", "bo", "nha_nuoc"}
        assert spec.targets and set(spec.targets) <= {"ca_nhan", "tap_the", "ho_gia_dinh"}
        assert spec.merit_type in {"cong_trang", "dot_xuat", "chuyen_de", "cong_hien", "nien_han", "doi_ngoai"}


@pytest.mark.parametrize("name", DEPARTMENT_NAMES)
def test_department_name_exists_with_exact_spelling(name):
    spec = by_name(name)
    assert spec.name == name
    assert spec.is_common


def test_common_awards_come_first():
    flags = [spec.is_common for spec in CATALOG]
    assert flags == sorted(flags, reverse=True)
    assert [spec.name for spec in CATALOG[:10]] == list(DEPARTMENT_NAMES)


def test_shared_national_codes_resolve_to_the_entry_with_the_national_name():
    assert by_code("BK_BT_BCT").national_code == by_code("BK_CT_UBND_TINH").national_code == "1650360491"
    assert by_code("BK_BT_BCT").national_name is None
    assert match_award("1650360491") is by_code("BK_CT_UBND_TINH")
    assert by_code("CSTD_BCT").national_code == by_code("CSTD_TINH").national_code == "1647508703"
    assert match_award("1647508703") is by_code("CSTD_TINH")


@pytest.mark.parametrize(("text", "name"), ABBREVIATIONS)
def test_abbreviation_matches_its_award(text, name):
    assert match_award(text) is by_name(name)


@pytest.mark.parametrize(
    "text", ["", "   ", None, "xyz", "Bằng khen", "Giấy khen", "Cờ thi đua", "Huân chương Lao động", "123"]
)
def test_unknown_or_ambiguous_text_returns_none(text):
    assert match_award(text) is None


def test_numeric_code_matches_as_text_int_and_float():
    spec = by_name("Lao động tiên tiến")
    assert match_award("1647933042") is spec
    assert match_award(" 1647933042.0 ") is spec
    assert match_award(1647933042) is spec
    assert match_award(1647933042.0) is spec


def test_normalised_key_unifies_sy_si_and_uy_spellings():
    assert normalize_award_text("Chiến sỹ") == normalize_award_text("chiến sĩ") == "chien si"
    assert normalize_award_text("Uỷ ban nhân dân") == normalize_award_text("UBND") == "uy ban nhan dan"


def test_by_code_raises_for_unknown_code():
    with pytest.raises(KeyError):
        by_code("KHONG_CO")


def test_by_name_raises_for_unknown_name():
    with pytest.raises(KeyError):
        by_name("Không có")


def test_award_amount_lao_dong_tien_tien_individual():
    assert award_amount(by_code("LDTT"), "ca_nhan", 2_340_000) == 702_000


def test_award_amount_tap_the_lao_dong_tien_tien_collective():
    assert award_amount(by_code("TTLDTT"), "tap_the", 2_340_000) == 1_872_000


def test_award_amount_rounds_half_up_to_the_dong():
    assert award_amount(by_code("LDTT"), "ca_nhan", 5) == 2  # 1.5 đ
    assert award_amount(by_code("LDTT"), "ca_nhan", 15) == 5  # 4.5 đ


def test_award_amount_household_is_one_and_a_half_times_individual():
    assert award_amount(by_code("BK_CT_UBND_TINH"), "ho_gia_dinh", 2_340_000) == 5_265_000


def test_award_amount_is_none_without_multiplier_or_for_other_target():
    assert award_amount(by_code("LDTT"), "tap_the", 2_340_000) is None
    assert award_amount(by_code("GT_HCM"), "ca_nhan", 2_340_000) is None
