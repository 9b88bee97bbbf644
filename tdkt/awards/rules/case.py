"""What a rule case is: its vocabulary (ratings, scopes, kinds, levels), its frozen parts, the award lookup, the rule.

A case is pure data, built by the reader of JSON cases (`cases_json`) or straight from the database
(`tdkt.awards.eligibility`); the checks (`checks`) and the rule table (`table`) only read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tdkt.awards.catalog import AwardSpec, by_name, match_award

RATINGS = {"KHTNV": 0, "HTNV": 1, "HTTNV": 2, "HTXSNV": 3}
RATING_LABELS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
SCOPES = {"co_so": 0, "tinh": 1, "toan_quoc": 2}
SCOPE_LABELS = {"co_so": "cơ sở", "tinh": "cấp tỉnh, bộ", "toan_quoc": "toàn quốc"}
KINDS = {"cong_trang": "công trạng", "dot_xuat": "đột xuất", "chuyen_de": "theo chuyên đề"}
# Disciplinary measures for cadres, civil servants and public employees, mildest first.
LEVELS = {
    "khien_trach": (1, "khiển trách"),
    "canh_cao": (2, "cảnh cáo"),
    "ha_bac_luong": (3, "hạ bậc lương"),
    "giang_chuc": (4, "giáng chức"),
    "cach_chuc": (5, "cách chức"),
    "buoc_thoi_viec": (6, "buộc thôi việc"),
}
TARGETS = {"ca_nhan": "cá nhân", "tap_the": "tập thể", "ho_gia_dinh": "hộ gia đình"}


@dataclass(frozen=True, slots=True)
class Pending:
    """A rule that cannot be decided yet (no council vote on record): not a failure."""

    reason: str


@dataclass(frozen=True, slots=True)
class LocalPolicy:
    """Settings the law leaves to the province for one year; everything off by default."""

    cstdcs_share_cap: float | None = None  # e.g. 0.15: CSTĐCS at most 15% of LĐTT; None = no cap (the law's)
    disciplined_not_ldtt: bool = False  # legacy rule: no LĐTT for someone disciplined in the year


@dataclass(frozen=True, slots=True)
class PastAward:
    """One award already received."""

    year: int
    award: AwardSpec
    kind: str


@dataclass(frozen=True, slots=True)
class Initiative:
    """One recognised initiative (or science work) and the award it was already used for, if any."""

    year: int
    scope: str
    used_for: AwardSpec | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Discipline:
    """One disciplinary matter: a measure taken (open=False) or being examined or investigated (open=True)."""

    year: int
    level: str | None
    open: bool


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a collective in the year: titles received, rating, discipline level."""

    name: str
    titles: tuple[AwardSpec, ...]
    rating: str | None
    discipline: str | None


@dataclass(frozen=True, slots=True)
class Votes:
    """A council's secret-ballot result: votes in favour and the council's total membership."""

    yes: int
    members: int


@dataclass(frozen=True, slots=True)
class Standing:
    """A collective's place in its emulation cluster's final ranking that year (tdkt.core.cluster_standings)."""

    cluster: str
    year: int
    rank: int
    ranked: int


@dataclass(frozen=True, slots=True)
class Case:
    """One validated nomination to judge; `standing` is its cluster rank when it was drafted from one."""

    id: Any
    target: str
    award: AwardSpec
    year: int
    decision_date: date
    kind: str
    history: tuple[PastAward, ...]
    ratings: Mapping[int, str]
    initiatives: tuple[Initiative, ...]
    discipline: tuple[Discipline, ...]
    votes: Votes | None
    members: tuple[Member, ...]
    standing: Standing | None = None


@dataclass(frozen=True, slots=True)
class Counting:
    """How achievements are counted; explanatory rules lift one restriction to show it made the difference."""

    merit_only: bool = True  # ad-hoc and theme awards left out of chains
    after_discipline: bool = False  # years up to a closed discipline left out (NĐ 152 only)
    used_initiatives: bool = False  # initiatives already used for another award counted anyway


@dataclass(frozen=True, slots=True)
class Context:
    """What a check sees: the case, how to count, the criterion rules in force for it, the local policy."""

    case: Case
    counting: Counting
    criteria: tuple[Rule, ...]
    policy: LocalPolicy


Outcome = str | Pending | None  # a Vietnamese failure reason, pending, or None when the rule is met


@dataclass(frozen=True, slots=True)
class Rule:
    """One eligibility rule: id, award codes and targets it applies to, legal basis, validity window, check."""

    id: str
    awards: frozenset[str] | None  # catalogue codes; None = every award
    targets: tuple[str, ...]
    basis: str
    valid_from: date
    valid_to: date | None
    check: Callable[[Context], Outcome]
    criterion: bool = True  # False for votes, deferral, explanations and local options
    policy_flag: str | None = None  # the LocalPolicy field that switches the rule on; None = always on

    def in_force(self, day: date) -> bool:
        """Return True when the rule applies to a decision dated `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies(self, case: Case, policy: LocalPolicy) -> bool:
        """Return True when the rule covers this case's award, target and decision date under the policy."""
        return (
            self.in_force(case.decision_date)
            and (self.awards is None or case.award.code in self.awards)
            and case.target in self.targets
            and (self.policy_flag is None or bool(getattr(policy, self.policy_flag)))
        )



def find_award(value: Any) -> AwardSpec | None:
    """Return the catalogue entry a text names (its canonical name first, then any known alias), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return by_name(value)
    except KeyError:
        return match_award(value)
