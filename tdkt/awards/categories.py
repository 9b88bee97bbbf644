"""National object categories (phân loại đối tượng, PLDT): names, codes, and the guess from a position or a name."""

from __future__ import annotations

import re

from tdkt.core.text import fold

# Name and national code as the national layout (MauTDKT_20231004.xlsx, sheet PLDT) gives them.
PARTY = ("Cơ quan Đảng", "1660638226")
CENTRAL = ("Cơ quan Trung Ương đóng trên địa bàn", "1660638247")
HOUSEHOLD = ("Hộ gia đình", "1660638538")
PROVINCE_LEADER = ("Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", "1660638808")
DEPARTMENT_LEADER = ("Lãnh đạo cấp vụ, sở, ngành và tương đương", "1660638843")
BUSINESS_PERSON = ("Doanh nhân", "1660638864")
MANAGER = ("Các cấp lãnh đạo từ phó phòng trở lên", "1660638930")
DIRECT_WORKER = ("Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", "1660638976")
ADMINISTRATION = ("Cơ quan Hành chính", "1668477383")
PUBLIC_SERVICE = ("Đơn vị sự nghiệp", "1668477403")
ENTERPRISE = ("Doanh nghiệp", "1668477425")
COOPERATIVE = ("Hợp tác xã", "1668477439")
OTHER = ("Đối tượng khác", "1668477463")

INDIVIDUAL = (PROVINCE_LEADER, DEPARTMENT_LEADER, BUSINESS_PERSON, MANAGER, DIRECT_WORKER)
COLLECTIVE = (PARTY, CENTRAL, ADMINISTRATION, PUBLIC_SERVICE, ENTERPRISE, COOPERATIVE, OTHER)
ALL = (*INDIVIDUAL, *COLLECTIVE, HOUSEHOLD)
NAMES = [name for name, _ in ALL]
DIRECT_WORKER_NAME = DIRECT_WORKER[0]

_BY_KEY = {fold(name): name for name, _ in ALL} | {code: name for name, code in ALL}
# Short ways people write the categories.
_BY_KEY |= {
    "truc tiep": DIRECT_WORKER[0], "nguoi truc tiep": DIRECT_WORKER[0], "nguoi lao dong truc tiep": DIRECT_WORKER[0],
    "lao dong truc tiep": DIRECT_WORKER[0], "cong chuc": DIRECT_WORKER[0], "vien chuc": DIRECT_WORKER[0],
    "lanh dao tu pho phong tro len": MANAGER[0], "lanh dao phong": MANAGER[0],
    "lanh dao so": DEPARTMENT_LEADER[0], "lanh dao cap so": DEPARTMENT_LEADER[0], "lanh dao tinh": PROVINCE_LEADER[0],
    "co quan hanh chinh": ADMINISTRATION[0], "don vi su nghiep": PUBLIC_SERVICE[0], "doanh nghiep": ENTERPRISE[0],
    "hop tac xa": COOPERATIVE[0], "htx": COOPERATIVE[0], "ho gia dinh": HOUSEHOLD[0], "khac": OTHER[0],
}
_CODE = re.compile(r"^\s*(\d{6,})(?:\.0+)?\s*$")

# Position words, folded, from the most senior down; the first that occurs decides.
_PROVINCE = re.compile(
    r"\b(chu tich ubnd tinh|pho chu tich ubnd tinh|chu tich uy ban nhan dan tinh|bi thu tinh uy|bo truong|thu truong)\b"
)
_DEPARTMENT = re.compile(r"\b((pho )?giam doc so|(pho )?giam doc$|(pho )?giam doc\s*(,|-)?\s*so)\b")
_MANAGER = re.compile(
    r"\b(truong phong|pho truong phong|pho phong|chanh van phong|pho chanh van phong|chanh thanh tra"
    r"|pho chanh thanh tra|(pho )?giam doc trung tam|(pho )?truong ban|(pho )?chi cuc truong|(pho )?truong tram"
    r"|(pho )?hat truong|(pho )?giam doc|ke toan truong|to truong|(pho )?chu tich cong doan)\b"
)
_BUSINESS = re.compile(
    r"\b(giam doc cong ty|tong giam doc|chu doanh nghiep|chu tich hdqt|chu tich hoi dong quan tri)\b"
)


def match(text: object) -> str | None:
    """Return the national category name for a name, short form or code as written; None when unknown."""
    if text is None:
        return None
    raw = str(text)
    code = _CODE.match(raw)
    if code:
        return _BY_KEY.get(code.group(1))
    return _BY_KEY.get(fold(raw).strip(" .:;-"))


def infer(*, target: str, position: str | None = None, name: str | None = None) -> str:
    """Guess the category from an individual's position or a collective's name (shown for confirmation)."""
    if target == "ho_gia_dinh":
        return HOUSEHOLD[0]
    if target == "tap_the":
        key = fold(name)
        if re.match(r"^(tap the )?(cong ty|doanh nghiep|tong cong ty|nha may|xi nghiep)\b", key):
            return ENTERPRISE[0]
        if re.match(r"^(tap the )?(hop tac xa|htx)\b", key):
            return COOPERATIVE[0]
        if re.match(r"^(tap the )?(trung tam|ban quan ly|truong|benh vien|vien|tram|doi)\b", key):
            return PUBLIC_SERVICE[0]
        if re.match(r"^(tap the )?(dang uy|chi bo|dang bo|ban tuyen giao|ban dan van)\b", key):
            return PARTY[0]
        if re.match(r"^(tap the )?(phong|van phong|thanh tra|chi cuc|so|ban|uy ban|ubnd)\b", key):
            return ADMINISTRATION[0]
        return OTHER[0]
    key = fold(position)
    if not key:
        return DIRECT_WORKER[0]
    if _PROVINCE.search(key):
        return PROVINCE_LEADER[0]
    if _BUSINESS.search(key):
        return BUSINESS_PERSON[0]
    if _DEPARTMENT.search(key) and "trung tam" not in key:
        return DEPARTMENT_LEADER[0]
    if _MANAGER.search(key):
        return MANAGER[0]
    return DIRECT_WORKER[0]
