"""Eligibility rules for emulation titles and forms of award, as dated data: a pure function of one case, no database.

Every rule has an id, the article it rests on (`basis`, Vietnamese, shown to users) and a validity window; the
set in force is chosen by the case's decision date (sources: the project's domain research, §0, §1 and §6):

* Luật Thi đua, khen thưởng 06/2022/QH15 — from 01/01/2024, throughout. Decisions dated earlier fall under the
  2003 Law and Nghị định 91/2017, which are not encoded: such a case is an error, not a verdict.
* Nghị định 98/2023/NĐ-CP — 01/01/2024 to 30/06/2025: council votes (Điều 30 khoản 7: ≥80% of *all* members for
  CSTĐCS and Cờ thi đua, ≥90% for CSTĐ cấp tỉnh/bộ and toàn quốc) and deferral while discipline or an
  investigation is open.
* Nghị định 152/2025/NĐ-CP — from 01/07/2025 (Điều 59): Điều 4 khoản 3 (ad-hoc and theme awards are no basis for
  merit awards) and khoản 4 (deferral; after a disciplinary period, achievements count from its end).

Judgement calls (each one is also visible in the rule's basis text where it touches the law):

* Vote thresholds after 01/07/2025: domain.md did not see NĐ 152's counterpart of NĐ 98 Điều 30 khoản 7. The rule
  is kept in the NĐ 152 window with the same thresholds and a basis saying so honestly (ids PHIEU-*-ND152).
* Deferral before 01/07/2025: the principle is older (Thông tư 08/2017/TT-BNV) but the NĐ 98 article was not
  checked, so HOAN-ND98's basis is marked [chưa kiểm chứng]. The verdict is the same on both sides.
* Ad-hoc and theme awards (history `kind` "dot_xuat"/"chuyen_de") never feed merit chains, on both sides of
  01/07/2025: after it by NĐ 152 Điều 4 khoản 3; before it as an inference from the Law's Điều 8 types of award
  (basis marked [suy luận]). Only history entries of kind "cong_trang" (the default) count.
* "Achievements count from the end of the discipline" exists only from 01/07/2025 (KYLUAT-ND152). Input carries
  years, not dates, so a closed discipline in year D removes years ≤ D from every count (the year being rewarded
  included). Before 01/07/2025 no such rule is applied: this is the case whose verdict differs across the date.
* "Consecutive" means consecutive achievement years ending at the case's year. CSTĐ cấp tỉnh/bộ in year Y needs
  CSTĐCS in Y-2, Y-1 and Y; the year-Y title is usually voted at the same session, so year Y also counts when
  the case itself meets the CSTĐCS criteria (LĐTT rating and HTXS or an unused initiative of year Y).
  Bằng khen (individual) accepts two consecutive CSTĐCS, or two consecutive HTXS years with two initiatives,
  ending in Y or Y-1; the collective Bằng khen two consecutive years each HTXS or TTLĐXS, ending in Y or Y-1.
  CSTĐ toàn quốc needs CSTĐ cấp tỉnh/bộ in Y-3 and Y (two adjacent three-year terms: [suy luận]).
* Bằng khen của Bộ trưởng Bộ Công Thương reuses the provincial Bằng khen chains under ids BKBCT-* ([suy luận]:
  domain.md says "same structure"; the Ministry's Thông tư in force after TT 22/2023/TT-BCT was not identified).
* An initiative counts once (Công văn 5007/BNV-TĐKT): one whose `used_for` names another award never satisfies
  this award. Rule SK-1 says so whenever counting it would have changed the verdict. Initiatives stand in for
  science works too (the Law treats them alike for these titles).
* Explanatory rules (SK-1, DOTXUAT-*, KYLUAT-ND152) re-run the award's criteria with the one counting restriction
  lifted and fail only when that restriction made the difference, so the user sees the article behind it.
* Collective titles are computed from the members: "LĐTT" means a title of LĐTT or above this year (CSTĐCS and
  higher CSTĐ count), "completes tasks" means a rating of HTNV or better, discipline "cảnh cáo" or above excludes.
  TTLĐXS's no-cảnh-cáo condition is taken over from TTLĐTT ([suy luận] in its basis).
* A missing rating is a failure, not a pending item: only a council vote with no result on record is pending.
  Awards whose criteria are not encoded (Cờ thi đua, Bằng khen Thủ tướng, Huân chương, …) get one pending item
  THUCONG citing their article, so `eligible` never claims more than was checked. A Bằng khen nominated for an
  ad-hoc or theme achievement (case `kind`) is pending too: the Law's alternatives there are judgements.
* Local settings the law leaves to the province are a `LocalPolicy`, all off by default: a cap on CSTĐCS as a
  share of LĐTT (the old 15% of NĐ 91/2017 is repealed; `share_cap_issue`) and the legacy "no LĐTT when
  disciplined that year" rule (LDTT-KL-DP). Callers keep one policy per year.
* Input is validated strictly (types, ranges, known ratings, scopes, kinds, discipline levels, award names from
  `tdkt.catalog`, dates as dd/mm/yyyy, no unknown keys so typos cannot pass silently); every problem found is
  reported in one Vietnamese message and the case gets `{"id", "eligible": false, "error"}`. Nothing raises.
"""


from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from tdkt.awards.catalog import AwardSpec
from tdkt.awards.rules.case import (
    KINDS,
    LEVELS,
    RATING_LABELS,
    RATINGS,
    SCOPES,
    TARGETS,
    Case,
    Context,
    Counting,
    Initiative,
    Member,
    Outcome,
    Pending,
    Rule,
)
from tdkt.core.text import format_date, format_percent

LAW_FROM = date(2024, 1, 1)
ND98_TO = date(2025, 6, 30)
ND152_FROM = date(2025, 7, 1)


# Titles that include LĐTT for the collective's 70% count, and those that include CSTĐCS.
_LDTT_OR_ABOVE = frozenset({"LDTT", "CHIEN_SI_TIEN_TIEN", "CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"})
_CSTDCS_OR_ABOVE = frozenset({"CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"})
_CSTD_PROVINCE = frozenset({"CSTD_TINH", "CSTD_BCT"})
_BANG_KHEN = frozenset({"BK_CT_UBND_TINH", "BK_BT_BCT"})
_FLAGS = frozenset({"CO_UBND_TINH", "CO_BCT", "CO_CP"})
_FORMER_PREFIX = "Hình thức khen thưởng trước đây"

LAW = "Luật Thi đua, khen thưởng 2022"
ND98 = "Nghị định 98/2023/NĐ-CP"
ND152 = "Nghị định 152/2025/NĐ-CP"



# ---------------------------------------------------------------------------------------------------------------
# Counting helpers
# ---------------------------------------------------------------------------------------------------------------


def _rating(case: Case, year: int) -> int | None:
    code = case.ratings.get(year)
    return None if code is None else RATINGS[code]


def _rating_text(case: Case, year: int) -> str:
    code = case.ratings.get(year)
    return f"“{RATING_LABELS[code]}”" if code else "chưa có"


def _discipline_floor(case: Case) -> int | None:
    """Return the last year of a closed disciplinary measure, or None."""
    return max((d.year for d in case.discipline if not d.open), default=None)


def _counts(ctx: Context, year: int) -> bool:
    """Return True when achievements of `year` may count (NĐ 152: only after the disciplinary period)."""
    floor = _discipline_floor(ctx.case) if ctx.counting.after_discipline else None
    return floor is None or year > floor


def _has_title(ctx: Context, year: int, codes: frozenset[str]) -> bool:
    return _counts(ctx, year) and any(
        p.year == year and p.award.code in codes and (p.kind == "cong_trang" or not ctx.counting.merit_only)
        for p in ctx.case.history
    )


def _usable(ctx: Context, item: Initiative) -> bool:
    return item.used_for is None or item.used_for.code == ctx.case.award.code or ctx.counting.used_initiatives


def _initiatives(ctx: Context, years: Iterable[int], min_scope: str) -> list[Initiative]:
    wanted = set(years)
    return [
        i for i in ctx.case.initiatives
        if i.year in wanted and SCOPES[i.scope] >= SCOPES[min_scope] and _usable(ctx, i) and _counts(ctx, i.year)
    ]


def _meets_ldtt(ctx: Context, year: int) -> bool:
    rating = _rating(ctx.case, year)
    return (rating is not None and rating >= RATINGS["HTTNV"]) or _has_title(ctx, year, _LDTT_OR_ABOVE)


def _meets_cstdcs(ctx: Context, year: int) -> bool:
    """Return True when the CSTĐCS criteria hold in `year` (LĐTT, and HTXS or an unused initiative of that year)."""
    excellent = _rating(ctx.case, year) == RATINGS["HTXSNV"] or bool(_initiatives(ctx, [year], "co_so"))
    return _meets_ldtt(ctx, year) and excellent


def _cstdcs_year(ctx: Context, year: int) -> bool:
    """Return True when `year` counts as a CSTĐCS year: the title on record, or the case's own year meeting it."""
    if _has_title(ctx, year, frozenset({"CSTDCS"})):
        return True
    return year == ctx.case.year and _counts(ctx, year) and _meets_cstdcs(ctx, year)


def _years(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in sorted(values))


def _names(members: Iterable[Member]) -> str:
    return ", ".join(m.name for m in members)


def share_text(part: int, whole: int) -> str:
    """Return part/whole as a Vietnamese percentage, or “—” when there is no whole."""
    return format_percent(part / whole) if whole else "—"


# ---------------------------------------------------------------------------------------------------------------
# Checks (each returns a Vietnamese reason, Pending, or None)
# ---------------------------------------------------------------------------------------------------------------


def _rating_at_least(code: str, who: str = "") -> Callable[[Context], Outcome]:
    def check(ctx: Context) -> Outcome:
        case = ctx.case
        rating = _rating(case, case.year)
        if rating is None:
            return f"Chưa có kết quả đánh giá, xếp loại năm {case.year}{who}."
        if rating < RATINGS[code]:
            return (f"Kết quả đánh giá năm {case.year}{who} là {_rating_text(case, case.year)}, "
                    f"chưa đạt mức “{RATING_LABELS[code]}”{'' if code == 'HTXSNV' else ' trở lên'}.")
        return None

    return check


def _check_cstdcs_ldtt(ctx: Context) -> Outcome:
    case = ctx.case
    if _meets_ldtt(ctx, case.year):
        return None
    return (f"Chưa đạt tiêu chuẩn “Lao động tiên tiến” năm {case.year}: kết quả đánh giá "
            f"{_rating_text(case, case.year)}, cần “Hoàn thành tốt nhiệm vụ” trở lên.")


def _check_cstdcs_excellence(ctx: Context) -> Outcome:
    case = ctx.case
    if _rating(case, case.year) == RATINGS["HTXSNV"] or _initiatives(ctx, [case.year], "co_so"):
        return None
    return (f"Năm {case.year} không “Hoàn thành xuất sắc nhiệm vụ” (kết quả {_rating_text(case, case.year)}) và "
            f"không có sáng kiến hoặc đề tài khoa học được công nhận năm {case.year} còn dùng được.")


def _check_cstd_province_chain(ctx: Context) -> Outcome:
    year = ctx.case.year
    wanted = [year - 2, year - 1, year]
    missing = [y for y in wanted if not _cstdcs_year(ctx, y)]
    if not missing:
        return None
    return (f"Cần 3 năm liên tục đạt “Chiến sĩ thi đua cơ sở” ({_years(wanted)}; năm {year} tính theo danh hiệu đã có "
            f"hoặc theo tiêu chuẩn đang xét); chưa đạt năm {_years(missing)}.")


def _check_cstd_province_initiative(ctx: Context) -> Outcome:
    year = ctx.case.year
    if _initiatives(ctx, range(year - 2, year + 1), "tinh"):
        return None
    return (f"Không có sáng kiến hoặc đề tài khoa học có phạm vi ảnh hưởng cấp tỉnh, bộ (hoặc toàn quốc) trong các năm "
            f"{year - 2}–{year} còn dùng được.")


def _check_cstd_national_chain(ctx: Context) -> Outcome:
    year = ctx.case.year
    missing = [y for y in (year - 3, year) if not _has_title(ctx, y, _CSTD_PROVINCE)]
    if not missing:
        return None
    return (f"Cần 2 lần liên tục đạt “Chiến sĩ thi đua cấp tỉnh/bộ” (năm {year - 3} và năm {year}); "
            f"chưa có năm {_years(missing)}.")


def _check_cstd_national_initiative(ctx: Context) -> Outcome:
    year = ctx.case.year
    if _initiatives(ctx, range(year - 5, year + 1), "toan_quoc"):
        return None
    return (f"Không có sáng kiến hoặc đề tài khoa học có phạm vi ảnh hưởng toàn quốc trong các năm {year - 5}–{year} "
            f"còn dùng được.")


def _not_ldtt(members: Iterable[Member]) -> list[Member]:
    return [m for m in members if not any(t.code in _LDTT_OR_ABOVE for t in m.titles)]


def _check_members_ldtt(ctx: Context) -> Outcome:
    members = ctx.case.members
    if not members:
        return "Không có danh sách thành viên để tính tỷ lệ “Lao động tiên tiến”."
    failing = _not_ldtt(members)
    ok, total = len(members) - len(failing), len(members)
    if ok * 100 >= 70 * total:
        return None
    return (f"Chỉ {ok}/{total} thành viên ({share_text(ok, total)}) đạt “Lao động tiên tiến” trở lên, cần ít nhất 70%. "
            f"Chưa đạt: {_names(failing)}.")


def _check_members_no_warning(ctx: Context) -> Outcome:
    bad = [m for m in ctx.case.members if m.discipline and LEVELS[m.discipline][0] >= LEVELS["canh_cao"][0]]
    if not bad:
        return None
    listed = ", ".join(f"{m.name} ({LEVELS[m.discipline][1]})" for m in bad if m.discipline)
    return f"Có thành viên bị kỷ luật từ mức cảnh cáo trở lên trong năm {ctx.case.year}: {listed}."


def _check_members_complete(ctx: Context) -> Outcome:
    members = ctx.case.members
    if not members:
        return "Không có danh sách thành viên để kiểm tra mức hoàn thành nhiệm vụ."
    bad = [m for m in members if m.rating is None or RATINGS[m.rating] < RATINGS["HTNV"]]
    if not bad:
        return None
    listed = ", ".join(f"{m.name} ({'chưa có kết quả' if m.rating is None else RATING_LABELS[m.rating]})" for m in bad)
    return f"Cần 100% thành viên hoàn thành nhiệm vụ trở lên; chưa đạt: {listed}."


def _check_members_cstdcs(ctx: Context) -> Outcome:
    if any(t.code in _CSTDCS_OR_ABOVE for m in ctx.case.members for t in m.titles):
        return None
    return f"Không có thành viên nào đạt “Chiến sĩ thi đua cơ sở” năm {ctx.case.year}."


def _check_bang_khen_person(ctx: Context) -> Outcome:
    case = ctx.case
    if case.kind != "cong_trang":
        return Pending(f"Khen thưởng {KINDS[case.kind]}: tiêu chuẩn chuỗi thành tích không áp dụng; Hội đồng xét thành "
                       f"tích cụ thể theo các trường hợp khác của điều luật.")
    year = case.year
    for end in (year, year - 1):
        pair = (end - 1, end)
        if all(_cstdcs_year(ctx, y) for y in pair):
            return None
        excellent = all(_rating(case, y) == RATINGS["HTXSNV"] and _counts(ctx, y) for y in pair)
        if excellent and len(_initiatives(ctx, pair, "co_so")) >= 2:
            return None
    cstdcs = [y for y in range(year - 2, year + 1) if _cstdcs_year(ctx, y)]
    excellent = [y for y in range(year - 2, year + 1) if _rating(case, y) == RATINGS["HTXSNV"] and _counts(ctx, y)]
    usable = len(_initiatives(ctx, range(year - 2, year + 1), "co_so"))
    return (f"Không có 2 năm liên tục đạt “Chiến sĩ thi đua cơ sở”, cũng không có 2 năm liên tục hoàn thành xuất sắc "
            f"nhiệm vụ kèm 2 sáng kiến, kết thúc năm {year} hoặc {year - 1}. Năm đạt CSTĐCS (năm {year} tính cả theo "
            f"tiêu chuẩn đang xét): {_years(cstdcs) or 'không'};"
            f" năm hoàn thành xuất sắc: {_years(excellent) or 'không'}; sáng kiến dùng được "
            f"({year - 2}–{year}): {usable}.")


def _check_bang_khen_collective(ctx: Context) -> Outcome:
    case = ctx.case
    if case.kind != "cong_trang":
        return Pending(f"Khen thưởng {KINDS[case.kind]}: tiêu chuẩn chuỗi thành tích không áp dụng; Hội đồng xét thành "
                       f"tích cụ thể theo các trường hợp khác của điều luật.")
    year = case.year

    def good(y: int) -> bool:
        return (_rating(case, y) == RATINGS["HTXSNV"] and _counts(ctx, y)) or _has_title(ctx, y, frozenset({"TTLDXS"}))

    if any(good(end - 1) and good(end) for end in (year, year - 1)):
        return None
    found = [y for y in range(year - 2, year + 1) if good(y)]
    return (f"Cần 2 năm liên tục hoàn thành xuất sắc nhiệm vụ hoặc đạt “Tập thể lao động xuất sắc”, "
            f"kết thúc năm {year} "
            f"hoặc {year - 1}; năm đạt: {_years(found) or 'không'}.")


def _vote(threshold: int) -> Callable[[Context], Outcome]:
    def check(ctx: Context) -> Outcome:
        votes = ctx.case.votes
        if votes is None:
            return Pending(f"Chưa có kết quả bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng; cần ít nhất "
                           f"{threshold}% tổng số thành viên Hội đồng đồng ý (kể cả phiếu của thành viên vắng mặt "
                           f"gửi bằng văn bản).")
        if votes.yes * 100 >= threshold * votes.members:
            return None
        return (f"Chỉ {votes.yes}/{votes.members} thành viên Hội đồng đồng ý ({share_text(votes.yes, votes.members)}), "
                f"cần ít nhất {threshold}% tổng số thành viên.")

    return check


def _check_deferral(ctx: Context) -> Outcome:
    open_matters = [d for d in ctx.case.discipline if d.open]
    if not open_matters:
        return None
    listed = "; ".join(
        f"năm {d.year}" + (f", hình thức {LEVELS[d.level][1]}" if d.level else "") for d in open_matters
    )
    return ("Đang xem xét kỷ luật hoặc điều tra, thanh tra, kiểm tra, xác minh đơn thư "
            f"({listed}): chưa khen thưởng cho đến khi có kết luận.")


def _explain(ctx: Context, relaxed: Counting) -> bool:
    """Return True when some criterion fails as counted but passes with the `relaxed` counting."""
    lifted = replace(ctx, counting=relaxed)
    return any(
        isinstance(rule.check(ctx), str) and rule.check(lifted) is None for rule in ctx.criteria
    )


def _check_ad_hoc(ctx: Context) -> Outcome:
    skipped = [p for p in ctx.case.history if p.kind != "cong_trang"]
    if not skipped or not _explain(ctx, replace(ctx.counting, merit_only=False)):
        return None
    listed = "; ".join(f"“{p.award.name}” năm {p.year} ({KINDS[p.kind]})" for p in skipped)
    return (f"Khen thưởng đột xuất hoặc theo chuyên đề không được tính vào chuỗi thành tích công trạng: {listed}. "
            f"Chỉ tính các khen thưởng công trạng.")


def _check_after_discipline(ctx: Context) -> Outcome:
    case = ctx.case
    floor = _discipline_floor(case)
    if floor is None:
        return None
    level = next((LEVELS[d.level][1] for d in case.discipline if not d.open and d.year == floor and d.level), "")
    what = (f"Bị kỷ luật{' ' + level if level else ''} năm {floor}: thành tích chỉ được tính từ khi chấp hành xong "
            f"kỷ luật")
    if case.year <= floor:
        return f"{what}, nên thành tích năm {case.year} chưa được tính."
    if _explain(ctx, replace(ctx.counting, after_discipline=False)):
        return f"{what}, nên các năm đến {floor} không được tính vào chuỗi thành tích."
    return None


def _check_initiative_once(ctx: Context) -> Outcome:
    case = ctx.case
    used = [i for i in case.initiatives if i.used_for is not None and i.used_for.code != case.award.code]
    if not used or not _explain(ctx, replace(ctx.counting, used_initiatives=True)):
        return None
    listed = "; ".join(
        f"sáng kiến{' “' + i.name + '”' if i.name else ''} năm {i.year} đã dùng cho “{i.used_for.name}”"
        for i in used if i.used_for
    )
    return f"Mỗi sáng kiến chỉ được tính một lần: {listed}."


def _check_local_discipline(ctx: Context) -> Outcome:
    case = ctx.case
    hits = [d for d in case.discipline if d.year == case.year and d.level]
    if not hits:
        return None
    measure = LEVELS[hits[0].level][1] if hits[0].level else ""
    return (f"Bị kỷ luật {measure} năm {case.year}: theo quy định của địa phương, không xét "
            f"“Lao động tiên tiến”.")


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


# ---------------------------------------------------------------------------------------------------------------
# The rule table
# ---------------------------------------------------------------------------------------------------------------

_CN = ("ca_nhan",)
_TT = ("tap_the",)
_BOTH = ("ca_nhan", "tap_the")
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
    _law("LDTT-1", ["LDTT"], _CN, f"{LAW}, Điều 24 khoản 1", _rating_at_least("HTTNV")),
    _law("CSTDCS-1", ["CSTDCS"], _CN, f"{LAW}, Điều 23", _check_cstdcs_ldtt),
    _law("CSTDCS-2", ["CSTDCS"], _CN, f"{LAW}, Điều 23", _check_cstdcs_excellence),
    _law("CSTDT-1", _CSTD_PROVINCE, _CN, f"{LAW}, Điều 22", _check_cstd_province_chain),
    _law("CSTDT-2", _CSTD_PROVINCE, _CN, f"{LAW}, Điều 22", _check_cstd_province_initiative),
    _law("CSTDTQ-1", ["CSTD_TQ"], _CN,
         f"{LAW}, Điều 21 (“2 lần liên tục” hiểu là hai nhiệm kỳ 3 năm kề nhau) [suy luận]",
         _check_cstd_national_chain),
    _law("CSTDTQ-2", ["CSTD_TQ"], _CN, f"{LAW}, Điều 21", _check_cstd_national_initiative),
    # Collective titles, computed from the members.
    _law("TTLDTT-1", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}", _rating_at_least("HTTNV", " của tập thể")),
    _law("TTLDTT-2", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}", _check_members_ldtt),
    _law("TTLDTT-3", ["TTLDTT"], _TT, f"{LAW}, Điều 28 {_INFERRED_NO}", _check_members_no_warning),
    _law("TTLDXS-1", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", _rating_at_least("HTXSNV", " của tập thể")),
    _law("TTLDXS-2", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", _check_members_complete),
    _law("TTLDXS-3", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", _check_members_ldtt),
    _law("TTLDXS-4", ["TTLDXS"], _TT, f"{LAW}, Điều 27 {_INFERRED_NO}", _check_members_cstdcs),
    _law("TTLDXS-5", ["TTLDXS"], _TT,
         f"{LAW}, Điều 27 {_INFERRED_NO}; điều kiện không có thành viên bị kỷ luật từ mức cảnh cáo trở lên lấy theo "
         f"tiêu chuẩn Tập thể lao động tiên tiến (Điều 28) [suy luận]", _check_members_no_warning),
    # Forms of award.
    _law("BK-CN-1", ["BK_CT_UBND_TINH"], _CN, _BK_BASIS, _check_bang_khen_person),
    _law("BK-TT-1", ["BK_CT_UBND_TINH"], _TT, _BK_BASIS, _check_bang_khen_collective),
    _law("BKBCT-CN-1", ["BK_BT_BCT"], _CN, _BK_BCT_BASIS, _check_bang_khen_person),
    _law("BKBCT-TT-1", ["BK_BT_BCT"], _TT, _BK_BCT_BASIS, _check_bang_khen_collective),
    _law("GK-1", ["GK_GD_SO"], _BOTH, f"{LAW}, Điều 75", _rating_at_least("HTTNV")),
    # An initiative counts once.
    _law("SK-1", ["CSTDCS", *_CSTD_PROVINCE, "CSTD_TQ", *_BANG_KHEN], _CN,
         f"Công văn 5007/BNV-TĐKT (2023); {LAW}, Điều 5 khoản 2 điểm c", _check_initiative_once, criterion=False),
    # Nghị định 98/2023 (01/01/2024 – 30/06/2025).
    _nd98("PHIEU-80-ND98", _VOTE_80, _BOTH, _VOTE_98, _vote(80)),
    _nd98("PHIEU-90-ND98", _VOTE_90, _CN, _VOTE_98, _vote(90)),
    _nd98("HOAN-ND98", None, _BOTH,
          "Nguyên tắc chưa khen thưởng khi đang xem xét kỷ luật, điều tra, thanh tra, kiểm tra (có từ Thông tư "
          f"08/2017/TT-BNV; điều khoản tương ứng của {ND98} chưa đối chiếu) [chưa kiểm chứng]", _check_deferral),
    _nd98("DOTXUAT-ND98", None, _BOTH,
          f"{LAW}, Điều 8 (khen thưởng công trạng, đột xuất, theo chuyên đề là các loại khác nhau): không tính đột "
          f"xuất, chuyên đề vào chuỗi công trạng [suy luận; điều khoản tương ứng của {ND98} chưa đối chiếu]",
          _check_ad_hoc),
    # Nghị định 152/2025 (from 01/07/2025).
    _nd152("PHIEU-80-ND152", _VOTE_80, _BOTH, _VOTE_152, _vote(80)),
    _nd152("PHIEU-90-ND152", _VOTE_90, _CN, _VOTE_152, _vote(90)),
    _nd152("HOAN-ND152", None, _BOTH, f"{ND152}, Điều 4 khoản 4", _check_deferral),
    _nd152("DOTXUAT-ND152", None, _BOTH, f"{ND152}, Điều 4 khoản 3", _check_ad_hoc),
    _nd152(AFTER_DISCIPLINE, None, _BOTH, f"{ND152}, Điều 4 khoản 4 (đoạn thứ hai)", _check_after_discipline),
    # Local options, off by default.
    _law("LDTT-KL-DP", ["LDTT", "CSTDCS"], _CN,
         "Quy định của địa phương (tùy chọn, mặc định tắt): không xét “Lao động tiên tiến” cho người bị kỷ luật trong "
         "năm — quy tắc cũ thời Nghị định 91/2017/NĐ-CP [chưa kiểm chứng còn áp dụng]", _check_local_discipline,
         criterion=False, policy_flag="disciplined_not_ldtt"),
)
MANUAL_RULE_ID = "THUCONG"
CAP_RULE_ID = "TRAN-CSTDCS-DP"
CAP_BASIS = ("Quy định của địa phương (tùy chọn, mặc định tắt); pháp luật không đặt trần tỷ lệ Chiến sĩ thi đua cơ sở "
             "từ 01/01/2024 (mức 15% của Nghị định 91/2017/NĐ-CP đã hết hiệu lực)")


def rules_in_force(day: date) -> tuple[Rule, ...]:
    """Return the rules that apply to a decision dated `day`, in table order."""
    return tuple(rule for rule in RULES if rule.in_force(day))







def award_problem(award: AwardSpec, target: str) -> str | None:
    """Return why the rules cannot judge `award` for `target` (a repealed form, or not for that target), or None."""
    if award.legal_basis.startswith(_FORMER_PREFIX):
        return f"“{award.name}” không còn trong {LAW}; không xét theo luật hiện hành."
    if target not in award.targets:
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
