"""The award catalogue (danh hiệu thi đua, hình thức khen thưởng) as data, with lookup by name, alias and code."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlmodel import Session, col, select

from tdkt.core.models import Award
from tdkt.core.text import fold

DANH_HIEU = "danh_hieu"
HINH_THUC = "hinh_thuc"

_CN = ("ca_nhan",)
_TT = ("tap_the",)
_HGD = ("ho_gia_dinh",)
_CN_TT = ("ca_nhan", "tap_the")
_ALL = ("ca_nhan", "tap_the", "ho_gia_dinh")

_LAW = "Luật Thi đua, khen thưởng 2022"
_ND = "Nghị định 152/2025/NĐ-CP"
_FORMER = "Hình thức khen thưởng trước đây, không còn trong Luật Thi đua, khen thưởng 2022"
_MERIT_PEOPLE = "Pháp lệnh Ưu đãi người có công với cách mạng 2020"


@dataclass(frozen=True, slots=True)
class AwardSpec:
    """One danh hiệu thi đua or hình thức khen thưởng, with its national (HTKT) name and code."""

    code: str
    name: str
    kind: str
    level: str
    targets: tuple[str, ...]
    merit_type: str = "cong_trang"
    legal_basis: str = ""
    multiplier_individual: float | None = None
    multiplier_collective: float | None = None
    national_name: str | None = None
    national_code: str | None = None
    abbreviations: tuple[str, ...] = ()
    is_common: bool = False
    extra_national_codes: tuple[str, ...] = ()


def _national(
    code: str, name: str, national_code: str, kind: str, level: str, targets: tuple[str, ...], **extra
) -> AwardSpec:
    """Return an entry named as in the national HTKT list, which is also its national alias."""
    return AwardSpec(
        code=code, name=name, kind=kind, level=level, targets=targets,
        national_name=name, national_code=national_code, **extra,
    )


def _medal(code: str, name: str, national_code: str, individual: float | None, article: str, **extra) -> AwardSpec:
    """Return a Huân chương of the current Law: individual multiplier, collective twice that (NĐ 152 Điều 51)."""
    return _national(
        code, name, national_code, HINH_THUC, "nha_nuoc", _CN_TT,
        legal_basis=f"{_LAW}, {article}; {_ND}, Điều 51",
        multiplier_individual=individual,
        multiplier_collective=None if individual is None else individual * 2,
        **extra,
    )


def _former(code: str, name: str, national_code: str, targets: tuple[str, ...], merit_type: str) -> AwardSpec:
    """Return a medal no longer awarded under the 2022 Law, kept so old records and lists still match."""
    return _national(
        code, name, national_code, HINH_THUC, "nha_nuoc", targets, merit_type=merit_type, legal_basis=_FORMER
    )


CATALOG: tuple[AwardSpec, ...] = (
    # The department's common awards, in the order its lists use them.
    AwardSpec(
        code="LDTT", name="Lao động tiên tiến", kind=DANH_HIEU, level="co_so", targets=_CN,
        legal_basis=f"{_LAW}, Điều 24; {_ND}, Điều 50", multiplier_individual=0.3,
        national_name="Lao động tiên tiến", national_code="1647933042",
        abbreviations=("LĐTT", "LDTT", "Danh hiệu LĐTT"), is_common=True,
    ),
    AwardSpec(
        code="CSTDCS", name="Chiến sĩ thi đua cơ sở", kind=DANH_HIEU, level="co_so", targets=_CN,
        legal_basis=f"{_LAW}, Điều 23; {_ND}, Điều 50", multiplier_individual=1.0,
        national_name="Chiến sĩ thi đua cơ sở", national_code="1647933380",
        abbreviations=(
            "CSTĐCS", "CSTDCS", "CSTĐ cơ sở", "CSTĐ CS", "Chiến sỹ thi đua cơ sở", "Chiến sĩ thi đua cấp cơ sở",
        ),
        is_common=True,
    ),
    AwardSpec(
        code="CSTD_TINH", name="Chiến sĩ thi đua cấp tỉnh", kind=DANH_HIEU, level="tinh", targets=_CN,
        legal_basis=f"{_LAW}, Điều 22; {_ND}, Điều 50", multiplier_individual=3.0,
        national_name="Chiến sĩ thi đua cấp Bộ, ngành, tỉnh, đoàn thể trung ương", national_code="1647508703",
        abbreviations=("CSTĐ tỉnh", "CSTĐ cấp tỉnh", "Chiến sỹ thi đua cấp tỉnh", "CSTĐ UBND tỉnh"),
        is_common=True,
    ),
    AwardSpec(
        code="TTLDTT", name="Tập thể lao động tiên tiến", kind=DANH_HIEU, level="co_so", targets=_TT,
        legal_basis=f"{_LAW}, Điều 28; {_ND}, Điều 50", multiplier_collective=0.8,
        national_name="Tập thể lao động tiên tiến", national_code="1647933198",
        abbreviations=("TTLĐTT", "TT LĐTT", "TTLDTT", "Tập thể LĐTT"), is_common=True,
    ),
    AwardSpec(
        code="TTLDXS", name="Tập thể lao động xuất sắc", kind=DANH_HIEU, level="tinh", targets=_TT,
        legal_basis=f"{_LAW}, Điều 27; {_ND}, Điều 50", multiplier_collective=1.5,
        national_name="Tập thể lao động xuất sắc", national_code="1647933151",
        abbreviations=("TTLĐXS", "TT LĐXS", "TTLDXS", "Tập thể LĐXS"), is_common=True,
    ),
    AwardSpec(
        code="CO_UBND_TINH", name="Cờ thi đua của Ủy ban nhân dân tỉnh", kind=DANH_HIEU, level="tinh",
        targets=_TT, legal_basis=f"{_LAW}, Điều 26; {_ND}, Điều 50", multiplier_collective=8.0,
        national_name="Cờ thi đua của UBND tỉnh", national_code="1668522916",
        abbreviations=("Cờ thi đua UBND tỉnh", "Cờ UBND tỉnh", "Cờ thi đua tỉnh", "Cờ thi đua cấp tỉnh", "Cờ tỉnh"),
        is_common=True,
    ),
    AwardSpec(
        code="GK_GD_SO", name="Giấy khen của Giám đốc Sở", kind=HINH_THUC, level="co_so", targets=_ALL,
        legal_basis=f"{_LAW}, Điều 75; {_ND}, Điều 54", multiplier_individual=0.3, multiplier_collective=0.6,
        national_name="Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân cấp tỉnh",
        national_code="1672804435",
        abbreviations=(
            "GK GĐ Sở", "Giấy khen GĐ Sở", "Giấy khen Giám đốc Sở", "Giấy khen Sở", "GK Sở",
            "Giấy khen của Giám đốc Sở Công Thương", "Giấy khen Sở Công Thương",
        ),
        is_common=True,
    ),
    AwardSpec(
        code="BK_CT_UBND_TINH", name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", kind=HINH_THUC,
        level="tinh", targets=_ALL, legal_basis=f"{_LAW}, Điều 74; {_ND}, Điều 54",
        multiplier_individual=1.5, multiplier_collective=3.0,
        national_name="Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương", national_code="1650360491",
        abbreviations=(
            "BK UBND tỉnh", "Bằng khen UBND tỉnh", "Bằng khen Chủ tịch UBND tỉnh", "BK CT UBND tỉnh",
            "Bằng khen tỉnh", "Bằng khen cấp tỉnh", "BK tỉnh",
        ),
        is_common=True,
    ),
    # Shares the national code of the provincial Bằng khen; the national name stays with that one.
    AwardSpec(
        code="BK_BT_BCT", name="Bằng khen của Bộ trưởng Bộ Công Thương", kind=HINH_THUC, level="bo",
        targets=_ALL, legal_basis=f"{_LAW}, Điều 74; {_ND}, Điều 54",
        multiplier_individual=1.5, multiplier_collective=3.0, national_code="1650360491",
        abbreviations=(
            "BK Bộ Công Thương", "Bằng khen Bộ trưởng BCT", "BK BCT", "Bằng khen BCT", "BK BT BCT",
            "Bằng khen Bộ Công Thương", "Bằng khen cấp bộ", "BK Bộ",
        ),
        is_common=True,
    ),
    AwardSpec(
        code="BK_TTG", name="Bằng khen của Thủ tướng Chính phủ", kind=HINH_THUC, level="nha_nuoc",
        targets=_ALL, legal_basis=f"{_LAW}, Điều 73; {_ND}, Điều 54",
        multiplier_individual=3.5, multiplier_collective=7.0,
        national_name="Bằng khen của Thủ tướng Chính phủ", national_code="1671247716",
        abbreviations=("BK TTg", "Bằng khen Thủ tướng", "Bằng khen TTg", "BK Thủ tướng", "BK TTCP"),
        is_common=True,
    ),
    # Shares the national code of the provincial CSTĐ; the national name stays with that one.
    AwardSpec(
        code="CSTD_BCT", name="Chiến sĩ thi đua cấp Bộ Công Thương", kind=DANH_HIEU, level="bo", targets=_CN,
        legal_basis=f"{_LAW}, Điều 22; {_ND}, Điều 50", multiplier_individual=3.0, national_code="1647508703",
        abbreviations=("CSTĐ BCT", "CSTĐ Bộ Công Thương", "CSTĐ cấp bộ", "Chiến sỹ thi đua cấp Bộ Công Thương"),
        is_common=True,
    ),
    AwardSpec(
        code="CO_BCT", name="Cờ thi đua của Bộ Công Thương", kind=DANH_HIEU, level="bo", targets=_TT,
        legal_basis=f"{_LAW}, Điều 26; {_ND}, Điều 50", multiplier_collective=8.0,
        national_name="Cờ thi đua cấp Bộ, ngành, tỉnh, đoàn thể trung ương", national_code="1647933114",
        abbreviations=("Cờ thi đua BCT", "Cờ BCT", "Cờ thi đua Bộ", "Cờ thi đua cấp bộ"), is_common=True,
    ),
    AwardSpec(
        code="CSTD_TQ", name="Chiến sĩ thi đua toàn quốc", kind=DANH_HIEU, level="nha_nuoc", targets=_CN,
        legal_basis=f"{_LAW}, Điều 21; {_ND}, Điều 50", multiplier_individual=4.5,
        national_name="Chiến sĩ thi đua toàn quốc", national_code="1647933381",
        abbreviations=("CSTĐ toàn quốc", "CSTĐTQ", "CSTĐ TQ", "Chiến sỹ thi đua toàn quốc"), is_common=True,
    ),
    AwardSpec(
        code="CO_CP", name="Cờ thi đua của Chính phủ", kind=DANH_HIEU, level="nha_nuoc", targets=_TT,
        legal_basis=f"{_LAW}, Điều 25; {_ND}, Điều 50", multiplier_collective=12.0,
        national_name="Cờ thi đua của Chính phủ", national_code="1647933079",
        abbreviations=("Cờ thi đua CP", "Cờ Chính phủ", "Cờ CP"), is_common=True,
    ),
    AwardSpec(
        code="HCLD_3", name="Huân chương Lao động hạng Ba", kind=HINH_THUC, level="nha_nuoc", targets=_CN_TT,
        legal_basis=f"{_LAW}, Điều 44; {_ND}, Điều 51", multiplier_individual=4.5, multiplier_collective=9.0,
        national_name="Huân chương Lao động hạng ba", national_code="1671246455",
        abbreviations=("HCLĐ hạng Ba", "HCLĐ hạng III", "HCLĐ hạng 3"), is_common=True,
    ),
    AwardSpec(
        code="HCLD_2", name="Huân chương Lao động hạng Nhì", kind=HINH_THUC, level="nha_nuoc", targets=_CN_TT,
        legal_basis=f"{_LAW}, Điều 43; {_ND}, Điều 51", multiplier_individual=7.5, multiplier_collective=15.0,
        national_name="Huân chương Lao động hạng nhì", national_code="1671246446",
        abbreviations=("HCLĐ hạng Nhì", "HCLĐ hạng II", "HCLĐ hạng 2"), is_common=True,
    ),
    AwardSpec(
        code="HCLD_1", name="Huân chương Lao động hạng Nhất", kind=HINH_THUC, level="nha_nuoc", targets=_CN_TT,
        legal_basis=f"{_LAW}, Điều 42; {_ND}, Điều 51", multiplier_individual=9.0, multiplier_collective=18.0,
        national_name="Huân chương Lao động hạng nhất", national_code="1671246434",
        abbreviations=("HCLĐ hạng Nhất", "HCLĐ hạng I", "HCLĐ hạng 1"), is_common=True,
    ),
    # Other emulation titles of the national list.
    _national(
        "CHIEN_SI_TIEN_TIEN", "Chiến sĩ tiên tiến", "1647933054", DANH_HIEU, "co_so", _CN,
        legal_basis=f"{_LAW}, Điều 24; {_ND}, Điều 50", multiplier_individual=0.3,
        abbreviations=("Chiến sỹ tiên tiến",),
    ),
    _national(
        "DV_TIEN_TIEN", "Đơn vị tiên tiến", "1647933213", DANH_HIEU, "co_so", _TT,
        legal_basis=f"{_LAW}, Điều 28; {_ND}, Điều 50", multiplier_collective=0.8,
    ),
    _national(
        "DV_QUYET_THANG", "Đơn vị quyết thắng", "1647933178", DANH_HIEU, "bo", _TT,
        legal_basis=f"{_LAW}, Điều 27; {_ND}, Điều 50", multiplier_collective=1.5,
    ),
    _national(
        "THON_VAN_HOA", "Thôn văn hóa", "1672806150", DANH_HIEU, "co_so", _TT,
        legal_basis=f"{_LAW}, Điều 20; {_ND}, Điều 50", multiplier_collective=1.5,
        abbreviations=("Thôn, tổ dân phố văn hóa", "Tổ dân phố văn hóa"),
    ),
    _national(
        "GD_VAN_HOA", "Gia đình văn hóa", "1647933227", DANH_HIEU, "co_so", _HGD, legal_basis=f"{_LAW}, Điều 20",
    ),
    # Other Giấy khen of the national list.
    _national(
        "GK_THUOC_BO", "Giấy khen của Thủ trưởng cơ quan, đơn vị thuộc bộ, ngành, cơ quan ngang bộ, cơ quan thuộc "
        "Chính phủ", "1672804384", HINH_THUC, "co_so", _ALL,
        legal_basis=f"{_LAW}, Điều 75; {_ND}, Điều 54", multiplier_individual=0.3, multiplier_collective=0.6,
    ),
    _national(
        "GK_CT_UBND_XA", "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", "1672804473", HINH_THUC, "co_so", _ALL,
        legal_basis=f"{_LAW}, Điều 75; {_ND}, Điều 54", multiplier_individual=0.3, multiplier_collective=0.6,
        abbreviations=("Giấy khen UBND xã", "GK UBND xã", "Giấy khen Chủ tịch UBND xã"),
    ),
    _national(
        "GK_CT_UBND_HUYEN", "Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện", "1650360499", HINH_THUC, "co_so",
        _ALL, legal_basis=f"{_LAW}, Điều 75; {_ND}, Điều 54", multiplier_individual=0.3, multiplier_collective=0.6,
        abbreviations=("Giấy khen UBND huyện", "GK UBND huyện", "Giấy khen Chủ tịch UBND huyện"),
    ),
    # Huân chương of the current Law (Điều 33), highest first.
    _medal("HC_SAO_VANG", "Huân chương Sao vàng", "1650359884", 46.0, "Điều 33"),
    _medal("HC_HCM", "Huân chương Hồ Chí Minh", "1650359965", 30.5, "Điều 33"),
    _medal("HC_DOC_LAP_1", "Huân chương Độc lập hạng Nhất", "1671246141", 15.0, "Điều 33"),
    _medal("HC_DOC_LAP_2", "Huân chương Độc lập hạng Nhì", "1671246307", 12.5, "Điều 33"),
    _medal("HC_DOC_LAP_3", "Huân chương Độc lập hạng Ba", "1671246319", 10.5, "Điều 33"),
    _medal("HC_QUAN_CONG_1", "Huân chương Quân công hạng nhất", "1671246377", 15.0, "Điều 33"),
    _medal("HC_QUAN_CONG_2", "Huân chương Quân công hạng nhì", "1671246392", 12.5, "Điều 33"),
    _medal("HC_QUAN_CONG_3", "Huân chương Quân công hạng ba", "1671246400", 10.5, "Điều 33"),
    _medal("HC_BVTQ", "Huân chương Bảo vệ Tổ quốc", "1650360247", None, "Điều 33"),
    _medal("HC_BVTQ_1", "Huân chương Bảo vệ Tổ quốc hạng nhất", "1671246509", 9.0, "Điều 33"),
    _medal("HC_BVTQ_2", "Huân chương Bảo vệ Tổ quốc hạng nhì", "1671246519", 7.5, "Điều 33"),
    _medal("HC_BVTQ_3", "Huân chương Bảo vệ Tổ quốc hạng ba", "1671246527", 4.5, "Điều 33"),
    _medal("HC_CHIEN_CONG_1", "Huân chương Chiến công hạng nhất", "1671246568", 9.0, "Điều 33"),
    _medal("HC_CHIEN_CONG_2", "Huân chương Chiến công hạng nhì", "1671246576", 7.5, "Điều 33"),
    _medal("HC_CHIEN_CONG_3", "Huân chương Chiến công hạng ba", "1671246583", 4.5, "Điều 33"),
    _medal("HC_DDKDT", "Huân chương Đại đoàn kết dân tộc", "1650360214", 7.5, "Điều 33"),
    _medal("HC_DUNG_CAM", "Huân chương Dũng cảm", "1650360227", 4.5, "Điều 33"),
    _medal("HC_HUU_NGHI", "Huân chương Hữu nghị", "1650360234", None, "Điều 33", merit_type="doi_ngoai"),
    # Huy chương of the current Law (Điều 54): armed-forces service and foreign friends.
    _national(
        "HUYC_QKQT", "Huy chương Quân kỳ Quyết thắng", "1671247390", HINH_THUC, "nha_nuoc", _CN,
        merit_type="nien_han", legal_basis=f"{_LAW}, Điều 54, 55",
    ),
    _national(
        "HUYC_VANTQ", "Huy chương Vì an ninh Tổ quốc", "1671247419", HINH_THUC, "nha_nuoc", _CN,
        merit_type="nien_han", legal_basis=f"{_LAW}, Điều 54, 56",
    ),
    _national(
        "HUYC_CSVV_1", "Huy chương Chiến sĩ vẻ vang hạng nhất", "1671247111", HINH_THUC, "nha_nuoc", _CN,
        merit_type="nien_han", legal_basis=f"{_LAW}, Điều 54",
    ),
    _national(
        "HUYC_CSVV_2", "Huy chương Chiến sĩ vẻ vang hạng nhì", "1671247098", HINH_THUC, "nha_nuoc", _CN,
        merit_type="nien_han", legal_basis=f"{_LAW}, Điều 54",
    ),
    _national(
        "HUYC_CSVV_3", "Huy chương Chiến sĩ vẻ vang hạng ba", "1671247085", HINH_THUC, "nha_nuoc", _CN,
        merit_type="nien_han", legal_basis=f"{_LAW}, Điều 54",
    ),
    _national(
        "HUYC_HUU_NGHI", "Huy chương Hữu nghị", "1671247235", HINH_THUC, "nha_nuoc", _CN,
        merit_type="doi_ngoai", legal_basis=f"{_LAW}, Điều 54",
    ),
    # Danh hiệu vinh dự nhà nước (Điều 59).
    _national(
        "AH_LLVTND", "Anh hùng Lực lượng vũ trang Nhân dân", "1671247613", HINH_THUC, "nha_nuoc", _CN_TT,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=15.5, multiplier_collective=31.0,
        abbreviations=("Anh hùng LLVTND", "AHLLVTND"),
    ),
    _national(
        "AH_LD", "Anh hùng Lao động", "1650360372", HINH_THUC, "nha_nuoc", _CN_TT,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=15.5, multiplier_collective=31.0,
        abbreviations=("AHLĐ",),
    ),
    _national(
        "BA_ME_VNAH", "Bà mẹ Việt Nam anh hùng", "1671247630", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=15.5,
        abbreviations=("Mẹ Việt Nam anh hùng", "BMVNAH"),
    ),
    _national(
        "TINH_AH", "Tỉnh Anh hùng", "1671248127", HINH_THUC, "nha_nuoc", _TT, legal_basis=f"{_LAW}, Điều 59",
    ),
    _national(
        "TP_AH", "Thành phố Anh hùng", "1671248144", HINH_THUC, "nha_nuoc", _TT, legal_basis=f"{_LAW}, Điều 59",
    ),
    _national(
        "NG_ND", "Nhà giáo Nhân dân", "1671248092", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=12.5,
        abbreviations=("NGND",), extra_national_codes=("1650360387",),
    ),
    _national(
        "NG_UT", "Nhà giáo ưu tú", "1650360413", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=9.0, abbreviations=("NGƯT",),
    ),
    _national(
        "TT_ND", "Thầy thuốc Nhân dân", "1671248170", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=12.5, abbreviations=("TTND",),
    ),
    _national(
        "TT_UT", "Thầy thuốc Ưu tú", "1671248182", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=9.0, abbreviations=("TTƯT",),
    ),
    _national(
        "NS_ND", "Nghệ sĩ Nhân dân", "1671248008", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=12.5, abbreviations=("NSND",),
    ),
    _national(
        "NS_UT", "Nghệ sĩ Ưu tú", "1671248021", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=9.0, abbreviations=("NSƯT",),
    ),
    _national(
        "NN_ND", "Nghệ nhân Nhân dân", "1671248060", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=12.5, abbreviations=("NNND",),
    ),
    _national(
        "NN_UT", "Nghệ nhân Ưu tú", "1671248072", HINH_THUC, "nha_nuoc", _CN,
        legal_basis=f"{_LAW}, Điều 59; {_ND}, Điều 52", multiplier_individual=9.0, abbreviations=("NNƯT",),
    ),
    # Giải thưởng; the prize money is set by the prize's own decree, not by a multiplier here.
    _national(
        "GT_HCM", "Giải thưởng Hồ Chí Minh", "1671247920", HINH_THUC, "nha_nuoc", _CN_TT, legal_basis=_LAW,
    ),
    _national(
        "GT_NHA_NUOC", "Giải thưởng Nhà nước", "1671247953", HINH_THUC, "nha_nuoc", _CN_TT, legal_basis=_LAW,
    ),
    # Kỷ niệm chương: the money is a ceiling ("không quá"), so no multiplier.
    _national(
        "KNC_HUY_HIEU", "Kỷ niệm chương, Huy hiệu", "1671248245", HINH_THUC, "bo", _CN,
        legal_basis=f"{_LAW}; {_ND}, Điều 54", abbreviations=("Kỷ niệm chương", "Huy hiệu", "KNC"),
    ),
    _national(
        "KNC_TU_DAY", "Kỷ niệm chương chiến sĩ cách mạng bị địch bắt tù đày", "1671248221", HINH_THUC, "bo", _CN,
        legal_basis=_LAW,
    ),
    # Other honours the national list carries.
    _national(
        "BANG_CO_CONG", "Bằng có công với nước", "1671247667", HINH_THUC, "nha_nuoc", ("ca_nhan", "ho_gia_dinh"),
        legal_basis=_MERIT_PEOPLE,
    ),
    _national(
        "BANG_TQGC", "Bằng Tổ quốc ghi công", "1671247686", HINH_THUC, "nha_nuoc", _CN, legal_basis=_MERIT_PEOPLE,
    ),
    _national("BANG_VANG", "Bảng vàng danh dự", "1671247650", HINH_THUC, "tinh", _CN_TT),
    # Medals no longer awarded; old records still carry them.
    _former("HC_CSVV", "Huân chương Chiến sĩ vẻ vang", "1650360312", _CN, "nien_han"),
    _former("HC_CSVV_1", "Huân chương Chiến sĩ vẻ vang hạng nhất", "1671246672", _CN, "nien_han"),
    _former("HC_CSVV_2", "Huân chương Chiến sĩ vẻ vang hạng nhì", "1671246681", _CN, "nien_han"),
    _former("HC_CSVV_3", "Huân chương Chiến sĩ vẻ vang hạng ba", "1671246690", _CN, "nien_han"),
    _former("HC_QKQT", "Huân chương Quân kỳ quyết thắng", "1650360299", _CN_TT, "cong_trang"),
    _former("HC_VANTQ", "Huân chương Vì an ninh Tổ quốc", "1650360334", _CN_TT, "cong_trang"),
    _former("HC_CHIEN_THANG_1", "Huân chương Chiến thắng hạng nhất", "1671246759", _CN_TT, "cong_hien"),
    _former("HC_CHIEN_THANG_2", "Huân chương Chiến thắng hạng nhì", "1671246796", _CN_TT, "cong_hien"),
    _former("HC_CHIEN_THANG_3", "Huân chương Chiến thắng hạng ba", "1671246804", _CN_TT, "cong_hien"),
    _former("HC_KC_MY_1", "Huân chương Kháng chiến chống Mỹ hạng nhất", "1671246871", _CN_TT, "cong_hien"),
    _former("HC_KC_MY_2", "Huân chương Kháng chiến chống Mỹ hạng nhì", "1671246880", _CN_TT, "cong_hien"),
    _former("HC_KC_MY_3", "Huân chương Kháng chiến chống Mỹ hạng ba", "1671246889", _CN_TT, "cong_hien"),
    _former("HC_KC_PHAP_1", "Huân chương Kháng chiến chống Pháp hạng nhất", "1671246907", _CN_TT, "cong_hien"),
    _former("HC_KC_PHAP_2", "Huân chương Kháng chiến chống Pháp hạng nhì", "1671246920", _CN_TT, "cong_hien"),
    _former("HC_KC_PHAP_3", "Huân chương Kháng chiến chống Pháp hạng ba", "1671246929", _CN_TT, "cong_hien"),
    _former("HUYC_CHIEN_THANG_1", "Huy chương chiến thắng hạng nhất", "1671247176", _CN, "cong_hien"),
    _former("HUYC_CHIEN_THANG_2", "Huy chương chiến thắng hạng nhì", "1671247208", _CN, "cong_hien"),
    _former("HUYC_KC_MY_1", "Huy chương Kháng chiến chống mỹ hạng nhất", "1671247276", _CN, "cong_hien"),
    _former("HUYC_KC_MY_2", "Huy chương Kháng chiến chống mỹ hạng nhì", "1671247291", _CN, "cong_hien"),
    _former("HUYC_KC_PHAP_1", "Huy chương Kháng chiến chống Pháp hạng nhất", "1671247344", _CN, "cong_hien"),
    _former("HUYC_KC_PHAP_2", "Huy chương Kháng chiến chống Pháp hạng nhì", "1671247355", _CN, "cong_hien"),
)

# Whole-word short forms seen in real lists, expanded so that every spelling reaches one key.
_SHORT_WORDS = {
    "ubnd": "uy ban nhan dan",
    "bct": "bo cong thuong",
    "gd": "giam doc",
    "ttg": "thu tuong",
    "ttcp": "thu tuong chinh phu",
    "cp": "chinh phu",
    "ct": "chu tich",
    "bt": "bo truong",
    "bk": "bang khen",
    "gk": "giay khen",
    "hcld": "huan chuong lao dong",
    "cstd": "chien si thi dua",
    "cstdcs": "chien si thi dua co so",
    "cstdtq": "chien si thi dua toan quoc",
    "cs": "co so",
    "tq": "toan quoc",
    "td": "thi dua",
    "ld": "lao dong",
    "ldtt": "lao dong tien tien",
    "ldxs": "lao dong xuat sac",
    "xs": "xuat sac",
    "tt": "tap the",
    "ttldtt": "tap the lao dong tien tien",
    "ttldxs": "tap the lao dong xuat sac",
    "vn": "viet nam",
    "hcm": "ho chi minh",
    "llvtnd": "luc luong vu trang nhan dan",
}
# Filler words that lists add or leave out at will ("Bằng khen của…", "CSTĐ cấp tỉnh").
_FILLER = {"cua", "cap"}
_CLASS_WORDS = {"1": "nhat", "i": "nhat", "2": "nhi", "ii": "nhi", "3": "ba", "iii": "ba"}
# The same person or body written at different lengths; applied in order to the expanded text.
_PHRASES = (
    ("thu tuong chinh phu", "thu tuong"),
    ("chu tich uy ban nhan dan", "uy ban nhan dan"),
    ("bo truong bo cong thuong", "bo cong thuong"),
    ("tinh lang son", "tinh"),
    ("so cong thuong", "so"),
    ("giam doc so", "so"),
)
# A syllable of consonants and a final "y" ("sỹ", "kỷ", "Mỹ") is also written with "i" ("sĩ", "kỉ", "Mĩ").
_Y_SYLLABLE = re.compile(r"^(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)y$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CODE = re.compile(r"^\s*(\d+)(?:\.0+)?\s*$")


def normalize_award_text(text: object) -> str:
    """Return the matching key of an award name or abbreviation: folded, short words expanded, fillers dropped."""
    words = _NOT_WORD.sub(" ", fold(str(text)) if text is not None else "").split()
    expanded: list[str] = []
    for word in words:
        word = _Y_SYLLABLE.sub(lambda m: m.group(1) + "i", word)
        if expanded and expanded[-1] == "hang" and word in _CLASS_WORDS:
            word = _CLASS_WORDS[word]
        expanded.extend(_SHORT_WORDS.get(word, word).split())
    if expanded[:2] == ["danh", "hieu"]:
        expanded = expanded[2:]
    key = " " + " ".join(w for w in expanded if w not in _FILLER) + " "
    for long, short in _PHRASES:
        key = key.replace(f" {long} ", f" {short} ")
    return key.strip()


def aliases(spec: AwardSpec) -> list[str]:
    """Return the entry's other spellings (national name first), one per normalised key, the name itself left out."""
    seen: set[str] = set()
    result: list[str] = []
    name = unicodedata.normalize("NFC", spec.name).casefold()
    for alias in (spec.national_name or "", *spec.abbreviations):
        key = normalize_award_text(alias)
        if not key or key in seen or unicodedata.normalize("NFC", alias).casefold() == name:
            continue
        seen.add(key)
        result.append(alias)
    return result


def _keys(spec: AwardSpec) -> set[str]:
    """Return every normalised key the entry answers to."""
    texts = (spec.name, *spec.abbreviations, spec.national_name or "")
    return {key for key in map(normalize_award_text, texts) if key}


@cache
def _lookup() -> tuple[dict[str, AwardSpec | None], dict[str, AwardSpec]]:
    """Return (normalised key -> entry, None when ambiguous) and (national code -> entry)."""
    by_key: dict[str, AwardSpec | None] = {}
    for spec in CATALOG:
        for key in _keys(spec):
            by_key[key] = spec if by_key.get(key, spec) is spec else None
    by_national: dict[str, AwardSpec] = {}
    for spec in CATALOG:
        # A shared national code belongs to the entry that also carries the national name.
        if spec.national_code and spec.national_name:
            by_national[spec.national_code] = spec
        for code in spec.extra_national_codes:
            by_national[code] = spec
    return by_key, by_national


def match_award(text: object) -> AwardSpec | None:
    """Return the entry a name, abbreviation or national code denotes, or None when unknown or ambiguous."""
    if text is None or isinstance(text, bool):
        return None
    by_key, by_national = _lookup()
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    code = _CODE.match(str(text))
    if code:
        return by_national.get(code.group(1))
    return by_key.get(normalize_award_text(text))


@cache
def _by_code() -> dict[str, AwardSpec]:
    """Return code -> entry."""
    return {spec.code: spec for spec in CATALOG}


@cache
def _by_name() -> dict[str, AwardSpec]:
    """Return canonical name (NFC) -> entry."""
    return {spec.name: spec for spec in CATALOG}


def by_code(code: str) -> AwardSpec:
    """Return the entry with this code; raise KeyError if there is none."""
    return _by_code()[code]


def by_name(name: str) -> AwardSpec:
    """Return the entry with exactly this canonical name; raise KeyError if there is none."""
    return _by_name()[unicodedata.normalize("NFC", name).strip()]


def award_amount(spec: AwardSpec, target: str, base_salary: int | float | Decimal) -> int | None:
    """Return the award money in whole đồng (multiplier × lương cơ sở, half up), or None without a multiplier."""
    if target == "tap_the":
        multiplier = spec.multiplier_collective
    elif target == "ca_nhan":
        multiplier = spec.multiplier_individual
    elif target == "ho_gia_dinh" and spec.multiplier_individual is not None:
        # NĐ 152/2025: a household receives 1.5 times the amount for an individual.
        multiplier = Decimal(str(spec.multiplier_individual)) * Decimal("1.5")
    else:
        multiplier = None
    if multiplier is None or target not in spec.targets:
        return None
    amount = Decimal(str(multiplier)) * Decimal(str(base_salary))
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def award_choices(session: Session, *, target: str | None = None) -> dict[str, int]:
    """Return the stored awards a form offers, name -> id, common ones first, then in catalogue order; only those
    given to `target` (ca_nhan, tap_the, ho_gia_dinh) when one is named."""
    stmt = select(Award.name, Award.id, Award.targets).order_by(col(Award.is_common).desc(), Award.position)
    return {name: award_id for name, award_id, targets in session.exec(stmt).all()
            if target is None or target in targets.split(",")}
