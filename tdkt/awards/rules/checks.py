"""The checks behind the rules: how achievements are counted, and one function per criterion, vote or note.

Each check takes a `Context` and returns a Vietnamese failure reason, `Pending`, or None when the rule is met;
the rule table (`table`) says which check applies to which award, target and decision date.

Judgement calls in the counting (each one is also visible in the rule's basis text where it touches the law):

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
* An initiative counts once (Công văn 5007/BNV-TĐKT): one whose `used_for` names another award never satisfies
  this award. Rule SK-1 says so whenever counting it would have changed the verdict. Initiatives stand in for
  science works too (the Law treats them alike for these titles).
* Explanatory rules (SK-1, DOTXUAT-*, KYLUAT-ND152) re-run the award's criteria with the one counting restriction
  lifted and fail only when that restriction made the difference, so the user sees the article behind it.
* Collective titles are computed from the members: "LĐTT" means a title of LĐTT or above this year (CSTĐCS and
  higher CSTĐ count), "completes tasks" means a rating of HTNV or better, discipline "cảnh cáo" or above excludes.
  TTLĐXS's no-cảnh-cáo condition is taken over from TTLĐTT ([suy luận] in its basis).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from tdkt.awards import households
from tdkt.awards.rules.case import (
    KINDS,
    LEVELS,
    RATING_LABELS,
    RATINGS,
    SCOPES,
    Case,
    Context,
    Counting,
    Initiative,
    Member,
    Outcome,
    Pending,
)
from tdkt.core.text import format_percent

# Titles that include LĐTT for the collective's 70% count, and those that include CSTĐCS.
_LDTT_OR_ABOVE = frozenset({"LDTT", "CHIEN_SI_TIEN_TIEN", "CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"})
_CSTDCS_OR_ABOVE = frozenset({"CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"})
CSTD_PROVINCE = frozenset({"CSTD_TINH", "CSTD_BCT"})


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


def rating_at_least(code: str, who: str = "") -> Callable[[Context], Outcome]:
    """Return a check that the case's rating of its year is `code` or better (`who` names the subject)."""

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


def cstdcs_ldtt(ctx: Context) -> Outcome:
    """CSTĐCS: the year meets LĐTT (a good rating, or a title that includes it)."""
    case = ctx.case
    if _meets_ldtt(ctx, case.year):
        return None
    return (f"Chưa đạt tiêu chuẩn “Lao động tiên tiến” năm {case.year}: kết quả đánh giá "
            f"{_rating_text(case, case.year)}, cần “Hoàn thành tốt nhiệm vụ” trở lên.")


def cstdcs_excellence(ctx: Context) -> Outcome:
    """CSTĐCS: the year is rated excellent, or has an initiative still usable."""
    case = ctx.case
    if _rating(case, case.year) == RATINGS["HTXSNV"] or _initiatives(ctx, [case.year], "co_so"):
        return None
    return (f"Năm {case.year} không “Hoàn thành xuất sắc nhiệm vụ” (kết quả {_rating_text(case, case.year)}) và "
            f"không có sáng kiến hoặc đề tài khoa học được công nhận năm {case.year} còn dùng được.")


def cstd_province_chain(ctx: Context) -> Outcome:
    """CSTĐ cấp tỉnh/bộ: CSTĐCS in each of the three years ending at the case's year."""
    year = ctx.case.year
    wanted = [year - 2, year - 1, year]
    missing = [y for y in wanted if not _cstdcs_year(ctx, y)]
    if not missing:
        return None
    return (f"Cần 3 năm liên tục đạt “Chiến sĩ thi đua cơ sở” ({_years(wanted)}; năm {year} tính theo danh hiệu đã có "
            f"hoặc theo tiêu chuẩn đang xét); chưa đạt năm {_years(missing)}.")


def cstd_province_initiative(ctx: Context) -> Outcome:
    """CSTĐ cấp tỉnh/bộ: an initiative of provincial reach or wider in those three years."""
    year = ctx.case.year
    if _initiatives(ctx, range(year - 2, year + 1), "tinh"):
        return None
    return (f"Không có sáng kiến hoặc đề tài khoa học có phạm vi ảnh hưởng cấp tỉnh, bộ (hoặc toàn quốc) trong các năm "
            f"{year - 2}–{year} còn dùng được.")


def cstd_national_chain(ctx: Context) -> Outcome:
    """CSTĐ toàn quốc: CSTĐ cấp tỉnh/bộ in the year three years before and in the case's year."""
    year = ctx.case.year
    missing = [y for y in (year - 3, year) if not _has_title(ctx, y, CSTD_PROVINCE)]
    if not missing:
        return None
    return (f"Cần 2 lần liên tục đạt “Chiến sĩ thi đua cấp tỉnh/bộ” (năm {year - 3} và năm {year}); "
            f"chưa có năm {_years(missing)}.")


def cstd_national_initiative(ctx: Context) -> Outcome:
    """CSTĐ toàn quốc: an initiative of national reach in the six years ending at the case's."""
    year = ctx.case.year
    if _initiatives(ctx, range(year - 5, year + 1), "toan_quoc"):
        return None
    return (f"Không có sáng kiến hoặc đề tài khoa học có phạm vi ảnh hưởng toàn quốc trong các năm {year - 5}–{year} "
            f"còn dùng được.")


def _not_ldtt(members: Iterable[Member]) -> list[Member]:
    return [m for m in members if not any(t.code in _LDTT_OR_ABOVE for t in m.titles)]


def members_ldtt(ctx: Context) -> Outcome:
    """Collective: at least 70% of the members hold LĐTT or a title that includes it."""
    members = ctx.case.members
    if not members:
        return "Không có danh sách thành viên để tính tỷ lệ “Lao động tiên tiến”."
    failing = _not_ldtt(members)
    ok, total = len(members) - len(failing), len(members)
    if ok * 100 >= 70 * total:
        return None
    return (f"Chỉ {ok}/{total} thành viên ({share_text(ok, total)}) đạt “Lao động tiên tiến” trở lên, cần ít nhất 70%. "
            f"Chưa đạt: {_names(failing)}.")


def members_no_warning(ctx: Context) -> Outcome:
    """Collective: no member disciplined with a warning (cảnh cáo) or heavier in the year."""
    bad = [m for m in ctx.case.members if m.discipline and LEVELS[m.discipline][0] >= LEVELS["canh_cao"][0]]
    if not bad:
        return None
    listed = ", ".join(f"{m.name} ({LEVELS[m.discipline][1]})" for m in bad if m.discipline)
    return f"Có thành viên bị kỷ luật từ mức cảnh cáo trở lên trong năm {ctx.case.year}: {listed}."


def members_complete(ctx: Context) -> Outcome:
    """Collective: every member rated as completing the tasks (HTNV) or better."""
    members = ctx.case.members
    if not members:
        return "Không có danh sách thành viên để kiểm tra mức hoàn thành nhiệm vụ."
    bad = [m for m in members if m.rating is None or RATINGS[m.rating] < RATINGS["HTNV"]]
    if not bad:
        return None
    listed = ", ".join(f"{m.name} ({'chưa có kết quả' if m.rating is None else RATING_LABELS[m.rating]})" for m in bad)
    return f"Cần 100% thành viên hoàn thành nhiệm vụ trở lên; chưa đạt: {listed}."


def members_cstdcs(ctx: Context) -> Outcome:
    """Collective: at least one member holds CSTĐCS or a higher CSTĐ."""
    if any(t.code in _CSTDCS_OR_ABOVE for m in ctx.case.members for t in m.titles):
        return None
    return f"Không có thành viên nào đạt “Chiến sĩ thi đua cơ sở” năm {ctx.case.year}."


def bang_khen_person(ctx: Context) -> Outcome:
    """Bằng khen for an individual: two consecutive CSTĐCS, or two excellent years with two initiatives."""
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


def bang_khen_collective(ctx: Context) -> Outcome:
    """Bằng khen for a collective: two consecutive years rated excellent or TTLĐXS."""
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


def cluster_leader(ctx: Context) -> Outcome:
    """Cờ thi đua: the collective leads its cluster (rank 1 of its final ranking) when a cluster rank is on record;
    without one the council checks it (THUCONG)."""
    standing = ctx.case.standing
    if standing is None or standing.rank == 1:
        return None
    return (f"Tập thể xếp hạng {standing.rank}/{standing.ranked} {standing.cluster} năm {standing.year}, không dẫn "
            f"đầu cụm: Cờ thi đua tặng tập thể dẫn đầu cụm, khối thi đua.")


def vote(threshold: int) -> Callable[[Context], Outcome]:
    """Return a check that at least `threshold`% of all council members voted in favour (pending without votes)."""

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


def deferral(ctx: Context) -> Outcome:
    """No award while a disciplinary matter or an investigation is open."""
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


def ad_hoc(ctx: Context) -> Outcome:
    """Explain a failure caused by leaving ad-hoc and theme awards out of the merit chains."""
    skipped = [p for p in ctx.case.history if p.kind != "cong_trang"]
    if not skipped or not _explain(ctx, replace(ctx.counting, merit_only=False)):
        return None
    listed = "; ".join(f"“{p.award.name}” năm {p.year} ({KINDS[p.kind]})" for p in skipped)
    return (f"Khen thưởng đột xuất hoặc theo chuyên đề không được tính vào chuỗi thành tích công trạng: {listed}. "
            f"Chỉ tính các khen thưởng công trạng.")


def after_discipline(ctx: Context) -> Outcome:
    """NĐ 152: achievements count only after a disciplinary period; explain a failure it caused."""
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


def initiative_once(ctx: Context) -> Outcome:
    """Explain a failure caused by an initiative already used for another award."""
    case = ctx.case
    used = [i for i in case.initiatives if i.used_for is not None and i.used_for.code != case.award.code]
    if not used or not _explain(ctx, replace(ctx.counting, used_initiatives=True)):
        return None
    listed = "; ".join(
        f"sáng kiến{' “' + i.name + '”' if i.name else ''} năm {i.year} đã dùng cho “{i.used_for.name}”"
        for i in used if i.used_for
    )
    return f"Mỗi sáng kiến chỉ được tính một lần: {listed}."


def local_discipline(ctx: Context) -> Outcome:
    """Local option: no LĐTT for someone disciplined in the year."""
    case = ctx.case
    hits = [d for d in case.discipline if d.year == case.year and d.level]
    if not hits:
        return None
    measure = LEVELS[hits[0].level][1] if hits[0].level else ""
    return (f"Bị kỷ luật {measure} năm {case.year}: theo quy định của địa phương, không xét "
            f"“Lao động tiên tiến”.")



def household_award(ctx: Context) -> Outcome:
    """Household: only the forms of award the Law gives households (Giấy khen, Bằng khen…), with the article."""
    if households.form_of(ctx.case.award.code) is None:
        return households.refusal(ctx.case.award.name)
    return None


def household_criterion(ctx: Context) -> Outcome:
    """Household: what the council weighs for this form of award (a judgement, so pending)."""
    form = households.form_of(ctx.case.award.code)
    return Pending(f"Hộ gia đình: Hội đồng xét {form.criterion}.") if form is not None else None
