"""The rule table: every rule by law and decree, with its article and validity window, and the set in force.

Every rule has an id, the article it rests on (`basis`, Vietnamese, shown to users) and a validity window; the
set in force is chosen by the case's decision date (sources: the project's domain research, §0, §1 and §6):

* Luật Thi đua, khen thưởng 06/2022/QH15 — from 01/01/2024, throughout. Decisions dated earlier fall under the
  2003 Law and Nghị định 91/2017, which are not encoded: such a case is an error, not a verdict.
* Nghị định 98/2023/NĐ-CP — 01/01/2024 to 30/06/2025: council votes (Điều 30 khoản 7: ≥80% of *all* members for
  CSTĐCS and Cờ thi đua, ≥90% for CSTĐ cấp tỉnh/bộ and toàn quốc) and deferral while discipline or an
  investigation is open.
* Nghị định 152/2025/NĐ-CP — from 01/07/2025 (Điều 59): Điều 4 khoản 3 (ad-hoc and theme awards are no basis for
  merit awards) and khoản 4 (deferral; after a disciplinary period, achievements count from its end).

Judgement calls in the table (each one is also visible in the rule's basis text where it touches the law):

* Vote thresholds after 01/07/2025: domain.md did not see NĐ 152's counterpart of NĐ 98 Điều 30 khoản 7. The rule
  is kept in the NĐ 152 window with the same thresholds and a basis saying so honestly (ids PHIEU-*-ND152).
* Deferral before 01/07/2025: the principle is older (Thông tư 08/2017/TT-BNV) but the NĐ 98 article was not
  checked, so HOAN-ND98's basis is marked [chưa kiểm chứng]. The verdict is the same on both sides.
* Bằng khen của Bộ trưởng Bộ Công Thương reuses the provincial Bằng khen chains under ids BKBCT-* ([suy luận]:
  domain.md says "same structure"; the Ministry's Thông tư in force after TT 22/2023/TT-BCT was not identified).
* Households (`tdkt.awards.households`): only the forms of award the Law gives them (Giấy khen Điều 75, Bằng khen
  cấp bộ, cấp tỉnh Điều 74, Bằng khen của Thủ tướng Điều 73 [chưa kiểm chứng], "Gia đình văn hóa", "Bằng có công
  với nước"); any other award fails HGD-1 naming them. Their criterion is a contribution the council weighs, so
  HGD-GK/BK/BKTTG stay pending.
* Local settings the law leaves to the province are a `LocalPolicy`, all off by default: a cap on CSTĐCS as a
  share of LĐTT (the old 15% of NĐ 91/2017 is repealed; `share_cap_issue`) and the legacy "no LĐTT when
  disciplined that year" rule (LDTT-KL-DP). Callers keep one policy per year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tdkt.awards import households
from tdkt.awards.catalog import AwardSpec
from tdkt.awards.rules import checks
from tdkt.awards.rules.case import TARGETS, Context, Outcome, Rule
from tdkt.core.errors import Refused
from tdkt.core.text import format_date

LAW_FROM = date(2024, 1, 1)
ND98_TO = date(2025, 6, 30)
ND152_FROM = date(2025, 7, 1)
LAW = "Luật Thi đua, khen thưởng 2022"
ND98 = "Nghị định 98/2023/NĐ-CP"
ND152 = "Nghị định 152/2025/NĐ-CP"
_BANG_KHEN = frozenset({"BK_CT_UBND_TINH", "BK_BT_BCT"})
_FLAGS = frozenset({"CO_UBND_TINH", "CO_BCT", "CO_CP"})
_FORMER_PREFIX = "Hình thức khen thưởng trước đây"

_CN = ("ca_nhan",)
_TT = ("tap_the",)
_BOTH = ("ca_nhan", "tap_the")
_HGD = ("ho_gia_dinh",)
_INFERRED_NO = "[số điều suy luận]"
# Article numbers of the Law that domain.md inferred from cross-references rather than read (its "Uncertain" §8).
_INFERRED_ARTICLES = frozenset({25, 26, 27, 28, 42, 43, 44, 73, 74})
_BK_BASIS = f"{LAW}, Điều 74 {_INFERRED_NO}"
_BK_BCT_BASIS = (f"{LAW}, Điều 74 {_INFERRED_NO}; tiêu chuẩn như Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (thông tư "
                 "hiện hành của Bộ Công Thương chưa xác định, Thông tư 22/2023/TT-BCT hết hiệu lực) [suy luận]")
_VOTE_98 = f"{ND98}, Điều 30 khoản 7"
_VOTE_152 = (f"{ND98}, Điều 30 khoản 7 (ngưỡng giữ nguyên theo thực tiễn; chưa đối chiếu văn bản {ND152})")


def _law(rule_id: str, awards: Iterable[str] | None, targets: tuple[str, ...], basis: str,
         check: Callable[[Context], Outcome], **extra: Any) -> Rule:
    return Rule(rule_id, None if awards is None else frozenset(awards), targets, basis, LAW_FROM, None, check, **extra)


def _nd98(rule_id: str, awards: Iterable[str] | None, targets: tuple[str, ...], basis: str,
          check: Callable[[Context], Outcome]) -> Rule:
    return Rule(rule_id, None if awards is None else frozenset(awards), targets, basis, LAW_FROM, ND98_TO, check,
                criterion=False)


def _nd152(rule_id: str, awards: Iterable[str] | None, targets: tuple[str, ...], basis: str,
           check: Callable[[Context], Outcome]) -> Rule:
    return Rule(rule_id, None if awards is None else frozenset(awards), targets, basis, ND152_FROM, None, check,
                criterion=False)


# The rule whose presence makes the judge count achievements only after a closed discipline.
AFTER_DISCIPLINE = "KYLUAT-ND152"
_VOTE_80 = ("CSTDCS", *sorted(_FLAGS))
_VOTE_90 = ("CSTD_TINH", "CSTD_BCT", "CSTD_TQ")

RULES: tuple[Rule, ...] = (
    # Individual titles (Law 06/2022, throughout).
    _law("LDTT-1", ["LDTT"], _CN, f"{LAW}, Điều 24 khoản 1", checks.rating_at_least("HTTNV")),
    _law("CSTDCS-1", ["CSTDCS"], _CN, f"{LAW}, Điều 23", checks.cstdcs_ldtt),
    _law("CSTDCS-2", ["CSTDCS"], _CN, f"{LAW}, Điều 23", checks.cstdcs_excellence),
    _law("CSTDT-1", checks.CSTD_PROVINCE, _CN, f"{LAW}, Điều 22", checks.cstd_province_chain),
    _law("CSTDT-2", checks.CSTD_PROVINCE, _CN, f"{LAW}, Điều 22", checks.cstd_province_initiative),
    _law("CSTDTQ-1", ["CSTD_TQ"], _CN,
         f"{LAW}, Điều 21 (“2 lần liên tục” hiểu là hai nhiệm kỳ 3 năm kề nhau) [suy luận]",
         checks.cstd_national_chain),
    _law("CSTDTQ-2", ["CSTD_TQ"], _CN, f"{LAW}, Điều 21", checks.cstd_national_initiative),
    # Collective titles, computed from the members.
    _law("TTLDTT-1", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}",
         checks.rating_at_least("HTTNV", " của tập thể")),
    _law("TTLDTT-2", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}", checks.members_ldtt),
    _law("TTLDTT-3", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}", checks.members_no_warning),
    _law("TTLDXS-1", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}",
         checks.rating_at_least("HTXSNV", " của tập thể")),
    _law("TTLDXS-2", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", checks.members_complete),
    _law("TTLDXS-3", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", checks.members_ldtt),
    _law("TTLDXS-4", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", checks.members_cstdcs),
    _law("TTLDXS-5", ["TTLDXS"], _TT,
         f"{LAW}, Điều 27 {_INFERRED_NO}; điều kiện không có thành viên bị kỷ luật từ mức cảnh cáo trở lên lấy theo "
         f"tiêu chuẩn Tập thể lao động tiên tiến (Điều 28) [suy luận]", checks.members_no_warning),
    # Forms of award.
    _law("BK-CN-1", ["BK_CT_UBND_TINH"], _CN, _BK_BASIS, checks.bang_khen_person),
    _law("BK-TT-1", ["BK_CT_UBND_TINH"], _TT, _BK_BASIS, checks.bang_khen_collective),
    _law("BKBCT-CN-1", ["BK_BT_BCT"], _CN, _BK_BCT_BASIS, checks.bang_khen_person),
    _law("BKBCT-TT-1", ["BK_BT_BCT"], _TT, _BK_BCT_BASIS, checks.bang_khen_collective),
    # Cờ thi đua: the collective leads its cluster, read from its cluster rank when one is on record
    # (tdkt.core.cluster_standings, written when the nomination is drafted from a cluster's final ranking).
    _law("CO-CUM-1", ["CO_UBND_TINH"], _TT, f"{LAW}, Điều 26 {_INFERRED_NO}: tập thể dẫn đầu cụm, khối thi đua",
         checks.cluster_leader, criterion=False),
    _law("CO-CUM-BCT", ["CO_BCT"], _TT,
         "Thông tư 22/2023/TT-BCT, Điều 6: tập thể dẫn đầu cụm, khối thi đua do Bộ tổ chức; thông tư hết hiệu lực "
         "từ 20/02/2025, văn bản thay thế chưa xác định [chưa kiểm chứng]", checks.cluster_leader, criterion=False),
    _law("GK-1", ["GK_GD_SO"], _BOTH, f"{LAW}, Điều 75", checks.rating_at_least("HTTNV")),
    # Households: the forms of award the Law gives them, any other refused with the articles; their criterion (a
    # contribution of labour, land or property) is the council's judgement, so it stays pending.
    _law("HGD-1", None, _HGD, households.BASIS, checks.household_award, criterion=False),
    _law("HGD-GK", households.FORMS[0].codes, _HGD, households.FORMS[0].basis, checks.household_criterion),
    _law("HGD-BK", households.FORMS[1].codes, _HGD, households.FORMS[1].basis, checks.household_criterion),
    _law("HGD-BKTTG", households.FORMS[2].codes, _HGD, households.FORMS[2].basis, checks.household_criterion),
    # An initiative counts once.
    _law("SK-1", ["CSTDCS", *checks.CSTD_PROVINCE, "CSTD_TQ", *_BANG_KHEN], _CN,
         f"Công văn 5007/BNV-TĐKT (2023); {LAW}, Điều 5 khoản 2 điểm c", checks.initiative_once, criterion=False),
    # Nghị định 98/2023 (01/01/2024 – 30/06/2025).
    _nd98("PHIEU-80-ND98", _VOTE_80, _BOTH, _VOTE_98, checks.vote(80)),
    _nd98("PHIEU-90-ND98", _VOTE_90, _CN, _VOTE_98, checks.vote(90)),
    _nd98("HOAN-ND98", None, _BOTH,
          "Nguyên tắc chưa khen thưởng khi đang xem xét kỷ luật, điều tra, thanh tra, kiểm tra (có từ Thông tư "
          f"08/2017/TT-BNV; điều khoản tương ứng của {ND98} chưa đối chiếu) [chưa kiểm chứng]", checks.deferral),
    _nd98("DOTXUAT-ND98", None, _BOTH,
          f"{LAW}, Điều 8 (khen thưởng công trạng, đột xuất, theo chuyên đề là các loại khác nhau): không tính đột "
          f"xuất, chuyên đề vào chuỗi công trạng [suy luận; điều khoản tương ứng của {ND98} chưa đối chiếu]",
          checks.ad_hoc),
    # Nghị định 152/2025 (from 01/07/2025).
    _nd152("PHIEU-80-ND152", _VOTE_80, _BOTH, _VOTE_152, checks.vote(80)),
    _nd152("PHIEU-90-ND152", _VOTE_90, _CN, _VOTE_152, checks.vote(90)),
    _nd152("HOAN-ND152", None, _BOTH, f"{ND152}, Điều 4 khoản 4", checks.deferral),
    _nd152("DOTXUAT-ND152", None, _BOTH, f"{ND152}, Điều 4 khoản 3", checks.ad_hoc),
    _nd152(AFTER_DISCIPLINE, None, _BOTH, f"{ND152}, Điều 4 khoản 4 (đoạn thứ hai)", checks.after_discipline),
    # Local options, off by default.
    _law("LDTT-KL-DP", ["LDTT", "CSTDCS"], _CN,
         "Quy định của địa phương (tùy chọn, mặc định tắt): không xét “Lao động tiên tiến” cho người bị kỷ luật trong "
         "năm — quy tắc cũ thời Nghị định 91/2017/NĐ-CP [chưa kiểm chứng còn áp dụng]", checks.local_discipline,
         criterion=False, policy_flag="disciplined_not_ldtt"),
)
MANUAL_RULE_ID = "THUCONG"
CAP_RULE_ID = "TRAN-CSTDCS-DP"
CAP_BASIS = ("Quy định của địa phương (tùy chọn, mặc định tắt); pháp luật không đặt trần tỷ lệ Chiến sĩ thi đua cơ sở "
             "từ 01/01/2024 (mức 15% của Nghị định 91/2017/NĐ-CP đã hết hiệu lực)")


def rules_in_force(day: date) -> tuple[Rule, ...]:
    """Return the rules that apply to a decision dated `day`, in table order."""
    return tuple(rule for rule in RULES if rule.in_force(day))


def vote_threshold(award_code: str | None, target: str) -> int | None:
    """Return the share (%) of all council members whose secret votes the title needs (PHIEU-80-*, PHIEU-90-*: NĐ 98
    Điều 30 khoản 7), None for a title or form without one: Hồ sơ đề nghị asks those votes nominee by nominee."""
    if award_code in _VOTE_90 and target in _CN:
        return 90
    if award_code in _VOTE_80 and target in _BOTH:
        return 80
    return None


@dataclass(frozen=True, slots=True)
class VoteRule:
    """The council vote a title needs on one day: the rule's id, the share (%) of all members, the basis as worded."""

    rule_id: str
    threshold: int
    basis: str

    def passed(self, votes_for: int, members: int) -> bool:
        """Return True when `votes_for` of the council's `members` (all of them, present or not) reach the share."""
        return members > 0 and votes_for * 100 >= self.threshold * members


def vote_rule(award_code: str | None, target: str, *, on: date) -> VoteRule | None:
    """Return the vote rule (PHIEU-80-*, PHIEU-90-*) in force on `on` for the title, None for a title or form without
    a vote threshold; the council's tallies judge by the meeting's date. Raises Refused before 01/01/2024."""
    if on < LAW_FROM:
        raise Refused(f"Ngày họp {format_date(on)} trước 01/01/2024: chưa có bộ quy tắc bỏ phiếu (Luật Thi đua, khen "
                      "thưởng 2003 và Nghị định 91/2017/NĐ-CP không được mã hóa). Kiểm tra ngày họp.")
    for rule in rules_in_force(on):
        if rule.id.startswith("PHIEU-") and rule.awards and award_code in rule.awards and target in rule.targets:
            return VoteRule(rule.id, int(rule.id.split("-")[1]), rule.basis)
    return None


def manual_reason(award: AwardSpec) -> str:
    """Return why an award whose criteria are not encoded is left to the council (the pending item THUCONG)."""
    return f"Tiêu chuẩn của “{award.name}” chưa được mã hóa trong công cụ; Hội đồng xem xét hồ sơ theo điều luật."


def manual_basis(award: AwardSpec) -> str:
    """Return the award's article in the Law, tagged where domain.md only inferred the number."""
    basis = award.legal_basis.split(";")[0].strip() or LAW
    article = re.search(r"Điều (\d+)", basis)
    if basis.startswith(LAW) and article and int(article.group(1)) in _INFERRED_ARTICLES:
        basis += f" {_INFERRED_NO}"
    return basis


def award_problem(award: AwardSpec, target: str) -> str | None:
    """Return why the rules cannot judge `award` for `target` (a repealed form, or not for that target), or None."""
    if award.legal_basis.startswith(_FORMER_PREFIX):
        return f"“{award.name}” không còn trong {LAW}; không xét theo luật hiện hành."
    if target not in award.targets and target != households.HOUSEHOLD:  # a household's award: rule HGD-1 says
        return f"“{award.name}” không dành cho {TARGETS[target]}."
    return None


def date_problem(decided: date, year: int | None) -> str | None:
    """Return why no rule set covers a decision dated `decided` for achievement year `year`, or None."""
    if decided < LAW_FROM:
        return (f"ngày quyết định {format_date(decided)} trước 01/01/2024: chưa có bộ quy tắc "
                f"(Luật Thi đua, khen thưởng 2003 và Nghị định 91/2017/NĐ-CP không được mã hóa).")
    if year is not None and decided.year < year:
        return f"ngày quyết định {format_date(decided)} trước năm thành tích {year}."
    return None
