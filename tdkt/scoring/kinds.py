"""The criterion kinds as pure functions: points of a quantitative criterion (over-target rule or proportional), a
qualitative one, one per occurrence, bonus/penalty items; a total's clamp, a percent and the rank of percents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tdkt.core.errors import Refused
from tdkt.core.text import format_number

DINH_LUONG, DINH_TINH, THEO_LAN, CONG_TRU = "dinh_luong", "dinh_tinh", "theo_lan", "cong_tru"
KINDS = {
    DINH_LUONG: "Định lượng (chỉ tiêu và kết quả)",
    DINH_TINH: "Định tính",
    THEO_LAN: "Theo số lần",
    CONG_TRU: "Điểm cộng, điểm trừ",
}
VUOT_MUC, TY_LE = "vuot_muc", "ty_le"  # dinh_luong rules
TRON, DIEM = "tron", "diem"  # dinh_tinh: all or nothing, or the appraiser's points up to the maximum
RULES = {
    DINH_LUONG: {VUOT_MUC: "Vượt chỉ tiêu: đơn vị vượt cao nhất đạt tối đa", TY_LE: "Tỷ lệ: tối đa × kết quả/chỉ tiêu"},
    DINH_TINH: {TRON: "Đạt hoặc không đạt", DIEM: "Chấm điểm đến tối đa"},
}
DEFAULT_RULES = {DINH_LUONG: VUOT_MUC, DINH_TINH: TRON}


class ScoringError(Refused):
    """A score or a criterion was refused; the message is Vietnamese and says what to do."""


def _check_quantities(max_points: float, target: float, achieved: float) -> None:
    if max_points < 0:
        raise ScoringError("Điểm tối đa của tiêu chí không được âm.")
    if target is None or target <= 0:
        raise ScoringError("Chỉ tiêu được giao phải lớn hơn 0 (tiêu chí không giao chỉ tiêu thì đánh dấu "
                           "“Không giao”).")
    if achieved is None or achieved < 0:
        raise ScoringError("Kết quả thực hiện phải là một số không âm.")


def share_over(target: float, achieved: float) -> float:
    """Return the share over target, (A − T) / T, 0 when A ≤ T; T must be above 0."""
    if target is None or target <= 0:
        raise ScoringError("Chỉ tiêu được giao phải lớn hơn 0.")
    return max(0.0, (achieved - target) / target)


def leader_share(pairs: Iterable[tuple[float, float]]) -> float:
    """Return the highest share over target among the members' (target, achieved) pairs (0 when nobody is over)."""
    return max((share_over(t, a) for t, a in pairs), default=0.0)


def dinh_luong_over_target(max_points: float, *, target: float, achieved: float, leader: float) -> float:
    """Points of the over-target rule: below target ½·MS·A/T; on target ½·MS; the member whose share over target is
    the highest (ties included) MS; another over target ½·MS + (own share ÷ the highest)·½·MS."""
    _check_quantities(max_points, target, achieved)
    half = max_points / 2
    if achieved < target:
        return half * achieved / target
    share = share_over(target, achieved)
    if share == 0:
        return half
    if leader <= 0 or share >= leader:
        return float(max_points)
    return half + share / leader * half


def dinh_luong_proportional(max_points: float, *, target: float, achieved: float) -> float:
    """Points of the proportional rule: MS·min(A/T, 1)."""
    _check_quantities(max_points, target, achieved)
    return max_points * min(achieved / target, 1.0)


def dinh_luong_points(max_points: float, *, rule: str | None, target: float, achieved: float,
                      leader: float) -> float:
    """Points of a quantitative criterion by its rule (the over-target rule unless `ty_le`)."""
    if rule == TY_LE:
        return dinh_luong_proportional(max_points, target=target, achieved=achieved)
    return dinh_luong_over_target(max_points, target=target, achieved=achieved, leader=leader)


def dinh_tinh_points(max_points: float, *, rule: str | None, value: float) -> float:
    """Points of a qualitative criterion: all or nothing (value 1 met, 0 not), or the points given up to MS."""
    if value is None or value < 0:
        raise ScoringError("Điểm định tính phải là một số không âm.")
    if rule == DIEM:
        if value > max_points:
            raise ScoringError(f"Điểm chấm ({_n(value)}) vượt điểm tối đa của tiêu chí ({_n(max_points)}).")
        return float(value)
    if value not in (0, 1):
        raise ScoringError("Tiêu chí chấm đạt/không đạt: ghi 1 (đạt) hoặc 0 (không đạt).")
    return float(max_points) if value == 1 else 0.0


def theo_lan_points(max_points: float, *, points_each: float, count: float) -> float:
    """Points per occurrence, capped at the maximum."""
    _check_count(count)
    return min(max(points_each or 0.0, 0.0) * count, max_points)


def cong_tru_points(*, points_each: float, count: float) -> float:
    """A bonus (+) or penalty (−) item's points: its value times the number of times it happened."""
    _check_count(count)
    return (points_each or 0.0) * count


def _check_count(count: float) -> None:
    if count is None or count < 0 or float(count) != int(count):
        raise ScoringError("Số lần phải là một số nguyên không âm.")


def bonus_and_penalty(item_points: Iterable[float], *, bonus_cap: float) -> tuple[float, float]:
    """Return (bonus, penalty) of a member's cộng/trừ items: the bonus summed and capped at the bonus group's
    maximum, the penalty as the positive number of points taken off."""
    values = list(item_points)
    bonus = min(sum(v for v in values if v > 0), bonus_cap)
    return bonus, -sum(v for v in values if v < 0)


def clamp_total(total: float, applicable_max: float) -> float:
    """Return a total never below 0 nor above the member's applicable maximum."""
    return min(max(total, 0.0), max(applicable_max, 0.0))


def percent(total: float, applicable_max: float) -> float:
    """Return 100 × total / applicable maximum rounded to 2 places (0 when nothing applies)."""
    return round(100 * total / applicable_max, 2) if applicable_max > 0 else 0.0


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """Rank values rounded to 2 places, highest first; ties share a rank (1, 1, 3); None stays unranked."""
    rounded = [None if v is None else round(float(v), 2) for v in values]
    return [None if v is None else 1 + sum(o is not None and o > v for o in rounded) for v in rounded]


def points_text(value: float | None) -> str:
    """Return points as Vietnamese write them, without trailing zeros: 1.000, 12,5, 0,25."""
    if value is None:
        return ""
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


_n = points_text
