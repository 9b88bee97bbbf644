"""What a household (hộ gia đình) may be awarded under the Law, with the article: the forms of award the import check,
hand entry and the eligibility rules allow, and the refusal of any other award on its row, naming why.

Sources (docs/DESIGN.md, "Households"; quoted in the #14 report): the Law 2022 names three recipients, "cá nhân, tập
thể, hộ gia đình" (Điều 2), and its emulation titles by recipient: Điều 19 for individuals, Điều 20 for "collectives
and households" (its title as LawNet translates it) — a household's is "Gia đình văn hóa", whose criteria are Nghị
định 86/2023/NĐ-CP's (it applies to "hộ gia đình"). Of the forms of award (Điều 9), a Huân chương goes to a
collective or an individual (Điều 33) and a Huy chương to the army's and police's people and foreigners (Điều 54
khoản 1): never to a household. Giấy khen: Điều 75 (`../shared/domain.md` §1.5); NĐ 152/2025 Điều 54 pays a
household's form of award at 1.5 times an individual's. Bằng khen của Thủ tướng Chính phủ is Điều 73 (read), but
its clause for households was not read (the old NĐ 91/2017 Điều 38 had one): marked. The Bằng khen cấp bộ, cấp
tỉnh's article number (74) is inferred (between Điều 73 and 75; Bắc Ninh's QĐ 86/2025/QĐ-UBND restates it for
households): marked.
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
    HouseholdForm("Bằng khen của Thủ tướng Chính phủ", f"{LAW}, Điều 73 [chưa kiểm chứng: khoản cho hộ gia đình]",
                  ("BK_TTG",),
                  "hộ gia đình có nhiều đóng góp về công sức, đất đai, tài sản cho địa phương, xã hội (mức đóng góp "
                  "theo quy định hiện hành)"),
    HouseholdForm("danh hiệu “Gia đình văn hóa”", f"{LAW}, Điều 20", ("GD_VAN_HOA",),
                  "khung tiêu chuẩn “Gia đình văn hóa” của Nghị định 86/2023/NĐ-CP, do cấp xã xét"),
    HouseholdForm("“Bằng có công với nước”", "Pháp lệnh Ưu đãi người có công với cách mạng 2020", ("BANG_CO_CONG",),
                  "theo Pháp lệnh Ưu đãi người có công với cách mạng"),
)
# Why an award of another kind is not a household's: (how its name starts, the Law's words and article).
NOT_FOR_HOUSEHOLDS = (
    ("huân chương", "Điều 33: Huân chương chỉ tặng tập thể, cá nhân"),
    ("huy chương", "Điều 54 khoản 1: Huy chương chỉ tặng người của Quân đội, Công an nhân dân và người nước ngoài"),
    ("chiến sĩ thi đua", "Điều 19: danh hiệu thi đua của cá nhân"),
    ("lao động tiên tiến", "Điều 19: danh hiệu thi đua của cá nhân"),
    ("chiến sĩ tiên tiến", "Điều 19: danh hiệu thi đua của cá nhân"),
    ("tập thể lao động", "Điều 20: danh hiệu thi đua của tập thể"),
    ("cờ thi đua", "Điều 20: danh hiệu thi đua của tập thể"),
    ("đơn vị tiên tiến", "Điều 20: danh hiệu thi đua của tập thể"),
    ("đơn vị quyết thắng", "Điều 20: danh hiệu thi đua của tập thể"),
)
CODES = frozenset(code for form in FORMS for code in form.codes)
BASIS = f"{LAW}, Điều 20, 73, 74, 75 (danh hiệu thi đua và hình thức khen thưởng cho hộ gia đình)"
_BY_CODE = {code: form for form in FORMS for code in form.codes}


def form_of(award_code: str) -> HouseholdForm | None:
    """Return the household form an award (catalogue code) belongs to, or None when a household may not receive it."""
    return _BY_CODE.get(award_code)


_NOTE = re.compile(r"\s*\[[^\]]*\]")


def allowed_text() -> str:
    """Return the awards a household may receive, each with its article, as a message lists them."""
    return "; ".join(f"{form.label} ({_NOTE.sub('', form.basis).removeprefix(LAW + ', ')})" for form in FORMS)


def _why_not(award_name: str) -> str:
    """The Law's reason an award of another kind is not a household's ("" when its name says no kind)."""
    name = award_name.strip(" “”\"").lower()
    return next((f" ({why})" for start, why in NOT_FOR_HOUSEHOLDS if name.startswith(start)), "")


def refusal(award_name: str) -> str:
    """Return why a household may not receive an award, naming what it may receive and the articles."""
    return (f"Hộ gia đình không được tặng “{award_name}”{_why_not(award_name)}: theo {LAW}, hộ gia đình chỉ được "
            f"tặng {allowed_text()}. Chọn một trong các hình thức này, hoặc kiểm tra lại mục (cá nhân/tập thể/hộ gia "
            "đình) của dòng.")


def catalogue_matches() -> bool:
    """True when the catalogue gives households exactly the awards listed here (a test holds the two together)."""
    return {spec.code for spec in CATALOG if HOUSEHOLD in spec.targets} == set(CODES)
