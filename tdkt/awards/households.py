"""What a household (hộ gia đình) may be awarded under the Law, with the article: the forms of award the import check,
hand entry and the eligibility rules allow, and the refusal of any other award on its row.

Sources (see docs/DESIGN.md, "Households"): Luật Thi đua, khen thưởng 2022 Điều 75 (Giấy khen for a household's
contribution of labour, land or property — `../shared/domain.md` §1.5) and Điều 74 (Bằng khen cấp bộ, cấp tỉnh),
both restated for households by Bắc Ninh's QĐ 86/2025/QĐ-UBND (Điều 3 khoản 3 điểm d, Điều 4 khoản 3 điểm c);
Nghị định 152/2025 Điều 54 pays a household's form of award at 1.5 times an individual's. The Bằng khen của Thủ
tướng Chính phủ (Điều 73) for households was not read in a source: kept, marked [chưa kiểm chứng]. Emulation titles
other than "Gia đình văn hóa", Huân chương and honours go to individuals and collectives only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tdkt.awards.catalog import CATALOG

HOUSEHOLD = "ho_gia_dinh"
LAW = "Luật Thi đua, khen thưởng 2022"


@dataclass(frozen=True, slots=True)
class HouseholdForm:
    """A form of award a household may receive: its name in messages, its article, the catalogue codes it covers."""

    label: str
    basis: str
    codes: tuple[str, ...]
    criterion: str  # what the council weighs for a household (a judgement, not encoded)


FORMS = (
    HouseholdForm("Giấy khen", f"{LAW}, Điều 75",
                  ("GK_GD_SO", "GK_THUOC_BO", "GK_CT_UBND_XA", "GK_CT_UBND_HUYEN"),
                  "hộ gia đình gương mẫu chấp hành chủ trương, chính sách, pháp luật và có đóng góp về công sức, đất "
                  "đai, tài sản cho địa phương, xã hội, hoặc có thành tích được bình xét trong phong trào thi đua"),
    HouseholdForm("Bằng khen cấp bộ, cấp tỉnh", f"{LAW}, Điều 74 [số điều suy luận]", ("BK_CT_UBND_TINH", "BK_BT_BCT"),
                  "hộ gia đình gương mẫu chấp hành chủ trương, chính sách, pháp luật và có nhiều đóng góp về công sức, "
                  "đất đai, tài sản cho địa phương, xã hội"),
    HouseholdForm("Bằng khen của Thủ tướng Chính phủ", f"{LAW}, Điều 73 [chưa kiểm chứng]", ("BK_TTG",),
                  "hộ gia đình có nhiều đóng góp về công sức, đất đai, tài sản cho địa phương, xã hội (mức đóng góp "
                  "theo quy định hiện hành)"),
    HouseholdForm("danh hiệu “Gia đình văn hóa”", f"{LAW} [điều khoản chưa kiểm chứng]", ("GD_VAN_HOA",),
                  "tiêu chuẩn “Gia đình văn hóa” do cấp xã xét"),
    HouseholdForm("“Bằng có công với nước”", "Pháp lệnh Ưu đãi người có công với cách mạng 2020", ("BANG_CO_CONG",),
                  "theo Pháp lệnh Ưu đãi người có công với cách mạng"),
)
CODES = frozenset(code for form in FORMS for code in form.codes)
BASIS = f"{LAW}, Điều 73, 74, 75 (hình thức khen thưởng cho hộ gia đình)"
_BY_CODE = {code: form for form in FORMS for code in form.codes}


def form_of(award_code: str) -> HouseholdForm | None:
    """Return the household form an award (catalogue code) belongs to, or None when a household may not receive it."""
    return _BY_CODE.get(award_code)


_NOTE = re.compile(r"\s*\[[^\]]*\]")


def allowed_text() -> str:
    """Return the awards a household may receive, each with its article, as a message lists them."""
    return "; ".join(f"{form.label} ({_NOTE.sub('', form.basis).removeprefix(LAW + ', ')})" for form in FORMS)


def refusal(award_name: str) -> str:
    """Return why a household may not receive an award, naming what it may receive and the articles."""
    return (f"Hộ gia đình không được tặng “{award_name}”: theo {LAW}, hộ gia đình chỉ được tặng {allowed_text()}. "
            "Chọn một trong các hình thức này, hoặc kiểm tra lại mục (cá nhân/tập thể/hộ gia đình) của dòng.")


def catalogue_matches() -> bool:
    """True when the catalogue gives households exactly the awards listed here (a test holds the two together)."""
    return {spec.code for spec in CATALOG if HOUSEHOLD in spec.targets} == set(CODES)
