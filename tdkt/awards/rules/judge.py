"""Judging one case: the verdict under the rules of its decision date, and the local share-cap warning.

A verdict is {"id", "eligible", "failures", "pending"}, each item {"rule", "basis", "reason"}; a case that cannot be
judged gets {"id", "eligible": false, "error"} instead.

* A missing rating is a failure, not a pending item: only a council vote with no result on record is pending.
  Awards whose criteria are not encoded (Cờ thi đua, Bằng khen Thủ tướng, Huân chương, …) get one pending item
  THUCONG citing their article, so `eligible` never claims more than was checked. A Bằng khen nominated for an
  ad-hoc or theme achievement (case `kind`) is pending too: the Law's alternatives there are judgements.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tdkt.awards.rules import table
from tdkt.awards.rules.case import Case, Context, Counting, LocalPolicy, Pending
from tdkt.awards.rules.checks import share_text
from tdkt.core.text import format_percent


def _entry(rule_id: str, basis: str, reason: str) -> dict[str, str]:
    return {"rule": rule_id, "basis": basis, "reason": reason}


def judge(case: Case, *, policy: LocalPolicy | None = None) -> dict:
    """Return {"id", "eligible", "failures", "pending"} for a validated case under the rules of its decision date."""
    policy = policy or LocalPolicy()
    applicable = tuple(rule for rule in table.RULES if rule.applies(case, policy))
    criteria = tuple(rule for rule in applicable if rule.criterion)
    counting = Counting(after_discipline=any(rule.id == table.AFTER_DISCIPLINE for rule in applicable))
    ctx = Context(case, counting, criteria, policy)
    failures: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    for rule in applicable:
        outcome = rule.check(ctx)
        if isinstance(outcome, Pending):
            pending.append(_entry(rule.id, rule.basis, outcome.reason))
        elif outcome:
            failures.append(_entry(rule.id, rule.basis, outcome))
    if not criteria and not (failures and case.target == "ho_gia_dinh"):  # an award refused a household: no more
        pending.append(_entry(table.MANUAL_RULE_ID, table.manual_basis(case.award), table.manual_reason(case.award)))
    return {"id": case.id, "eligible": not failures, "failures": failures, "pending": pending}


def judge_safely(case: Case, *, policy: LocalPolicy | None = None) -> dict:
    """Return judge's verdict, or `crashed`'s when a check raises."""
    try:
        return judge(case, policy=policy)
    except Exception as error:  # a rule must never crash a batch: report it on the case instead
        return crashed(case.id, error)


def invalid(case_id: Any, problems: list[str]) -> dict:
    """Return the verdict of a case that cannot be judged as given, its problems (Vietnamese) in one message."""
    return {"id": case_id, "eligible": False, "error": "Hồ sơ không hợp lệ: " + " ".join(problems)}


def crashed(case_id: Any, error: Exception) -> dict:
    """Return the verdict of a case whose judging raised, naming the error for the administrator."""
    return {"id": case_id, "eligible": False,
            "error": f"Lỗi khi xét hồ sơ ({error.__class__.__name__}: {error}); báo quản trị."}


def share_cap_issue(*, year: int, ldtt: int, cstdcs: int, policy: LocalPolicy | None = None) -> dict | None:
    """Return a warning {"rule", "basis", "reason"} when CSTĐCS exceed the local share cap of LĐTT, else None."""
    cap = (policy or LocalPolicy()).cstdcs_share_cap
    if cap is None:
        return None
    limit = Fraction(str(cap)) * ldtt
    if cstdcs <= limit:
        return None
    allowed = int(limit)  # floor: the cap is a ceiling on whole people
    return _entry(table.CAP_RULE_ID, table.CAP_BASIS,
                  f"Năm {year} có {cstdcs} “Chiến sĩ thi đua cơ sở” trên {ldtt} “Lao động tiên tiến” "
                  f"({share_text(cstdcs, ldtt)}), vượt mức trần {format_percent(cap)} do địa phương quy định "
                  f"(tối đa {allowed}).")
