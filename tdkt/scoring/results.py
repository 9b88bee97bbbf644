"""What a cluster's scoring comes to, per member and group: the types the ranking returns and the outputs read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GroupSpec:
    """A group of the criteria sheet (e.g. "I. Thực hiện nhiệm vụ chuyên môn", 700 points); `is_bonus` for cộng/trừ."""

    name: str
    max_points: float
    is_bonus: bool = False


@dataclass(frozen=True)
class GroupPoints:
    """A member's points in one group (its latest appraisal, its self-score before any) and the group's maximum
    applicable to it (lower when a criterion is not assigned to the member)."""

    name: str
    points: float
    applicable_max: float


@dataclass(frozen=True)
class MemberResult:
    """One member's result: `total` is never below 0 nor above `applicable_max`; `percent` = 100 × total /
    applicable_max rounded to 2 places; `rank` is shared by ties (1, 1, 3), None while nothing is scored."""

    member_id: int
    name: str
    is_us: bool
    self_score: float | None
    appraised_score: float | None
    bonus: float
    penalty: float
    total: float
    applicable_max: float
    percent: float
    rank: int | None
    groups: tuple[GroupPoints, ...] = ()


@dataclass(frozen=True)
class ClusterResult:
    """A cluster's scoring for a year: the sheet's groups, every member's result (ranked order), whether it is final
    (published, and on which day), and who is the head (cụm trưởng) that year."""

    year: int
    cluster_code: str
    cluster_name: str
    max_points: float
    groups: tuple[GroupSpec, ...]
    members: tuple[MemberResult, ...]
    final: bool
    we_are_head: bool
    published_on: date | None = None  # the day the final results were published; None for a draft
