"""Rows of a list that hold no data: section and sub-group labels, notes, subtotals and the signature block."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tdkt.importing.cells import CA_NHAN, HO_GIA_DINH, TAP_THE, fold_with_index, quick_fold

# A leading enumeration cell of a label row: "I", "2", "a)", "1.2."
ENUM_TOKEN = re.compile(r"^(?:[IVXLCivxlc]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]?$")
_ENUM_PREFIX = re.compile(r"^(?:[ivxlc]+|[a-z]|\d+(?:\.\d+)*)\s*[.)]\s*|^\d+\s+")
_SECTION = re.compile(
    r"^(?:(?:danh sach|khen thuong|de nghi|doi voi|cac|khoi|phan)\s+)*"
    r"(ho gia dinh|tap the|ca nhan)(?![a-z0-9])[\s:.,;)\-–]*(.*)$"
)
# What may follow "Tập thể"/"Cá nhân" in a section row; anything else ("Tập thể Phòng Kế hoạch") is a name.
_SECTION_REST = re.compile(r"^(?:\(|\d|co\b|gom\b|thuoc\b|khoi\b|de nghi\b|duoc de nghi\b|trong\b|tai\b)")
_AWARD_WORDS = re.compile(
    r"lao dong tien tien|chien si thi dua|chien si tien tien|tap the lao dong|don vi tien tien|don vi quyet thang"
    r"|giay khen|bang khen|co thi dua|huan chuong|huy chuong|ky niem chuong|danh hieu|hinh thuc khen"
    r"|anh hung|gia dinh van hoa|hoan thanh xuat sac|khen thuong dot xuat|khen thuong chuyen de"
    r"|\b(?:ldtt|cstd|cstdcs|ttldtt|ttldxs|htxsnv)\b"
)
_AWARD_LEAD = re.compile(
    r"^(?:(?:de nghi|duoc de nghi|tang|cong nhan|xet tang|danh hieu thi dua|danh hieu|"
    r"hinh thuc khen thuong|hinh thuc)\s*[:\-–]?\s*)+"
)
_COUNT_TAIL = re.compile(r"\s*\([^()]*\d[^()]*\)\s*$")
_SUBTOTAL = re.compile(
    r"^(?:tong cong|tong so|(?:tong|cong)\s*(?:[:(]|\d|$)|\(?\s*(?:an dinh\s+)?danh sach\s+(?:nay\s+)?(?:co|gom)\b)"
)
_FOOTER = re.compile(
    r"^(?:nguoi lap bieu|nguoi lap|lap bieu|thu truong|noi nhan|xac nhan|\(?\s*ky,? (?:ghi ro )?ho ten|"
    r"(?:kt|tm|tl|ktl|q|ttl)\s*[./]\s*\S|(?:pho )?(?:giam doc|chu tich|truong ban|bi thu|truong phong)\b)"
)
_NOTE_LINE = re.compile(r"^(?:ghi chu|luu y|chu y|nguon)\s*[:\-–]")
_PLACE_DATE = re.compile(r"\bngay\b.{0,15}\bthang\b.{0,15}\bnam\b")


def is_signature_line(folded: str) -> bool:
    """True when a row's first text (folded) opens the signature block: "Người lập biểu", "Lạng Sơn, ngày … tháng"."""
    return bool(_FOOTER.match(folded) or _PLACE_DATE.search(folded))


def is_subtotal_line(folded: str) -> bool:
    """True when a row's first text (folded) is a total or a count of the list: "Tổng cộng", "Danh sách có 12 …"."""
    return bool(_SUBTOTAL.match(folded))


def _clean_award_label(text: str) -> str | None:
    """Return the award a sub-group row names: "2. Danh hiệu Chiến sĩ thi đua cơ sở:" -> "Chiến sĩ thi đua cơ sở"."""
    folded, index = fold_with_index(text)
    start = 0
    for pattern in (_ENUM_PREFIX, _AWARD_LEAD):
        match = pattern.match(folded, start)
        if match:
            start = match.end()
    cut = index[start] if start < len(index) else len(text)
    result = _COUNT_TAIL.sub("", text[cut:]).strip(" :;,.-–\t")
    return result or None


@dataclass(slots=True)
class Label:
    """What a row with text only in its first cells means."""

    target: str | None = None
    award: str | None = None
    is_section: bool = False
    is_award: bool = False
    is_note: bool = False  # "Ghi chú: …" under the table


def read_label(text: str) -> Label:
    """Classify the text of a section or sub-group row ("II. CÁ NHÂN", "1. Lao động tiên tiến")."""
    text = " ".join(text.split())
    folded = quick_fold(text)
    match = _ENUM_PREFIX.match(folded)
    body = folded[match.end():] if match else folded
    if _AWARD_WORDS.match(body) or (_AWARD_LEAD.match(body) and _AWARD_WORDS.search(body)):
        # "Tập thể lao động tiên tiến" also says the rows below are collectives
        return Label(award=_clean_award_label(text), target=TAP_THE if body.startswith("tap the") else None,
                     is_award=True)
    section = _SECTION.match(body)
    if section and (not section[2] or _SECTION_REST.match(section[2]) or _AWARD_WORDS.search(section[2])):
        target = {"ho gia dinh": HO_GIA_DINH, "tap the": TAP_THE, "ca nhan": CA_NHAN}[section[1]]
        award = None
        if section[2] and _AWARD_WORDS.search(section[2]):  # "Cá nhân đề nghị tặng Giấy khen"
            folded_full, index = fold_with_index(text)
            at = folded_full.rfind(section[2])
            award = _clean_award_label(text[index[at]:]) if at >= 0 else None
        return Label(target=target, award=award, is_section=True)
    if _NOTE_LINE.match(body):
        return Label(is_note=True)
    if _AWARD_WORDS.search(body):
        return Label(award=_clean_award_label(text), is_award=True)
    return Label()
