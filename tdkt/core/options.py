"""Settings the administrator changes in the app (stored as JSON rows): base salary history, and the like."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from tdkt.core import audit
from tdkt.core.permissions import Actor, require
from tdkt.awards.catalog import award_amount, by_code
from tdkt.core.models import Award, Nomination, NominationStatus, Setting
from tdkt.core.text import format_date, format_money
from tdkt.core.errors import Refused

BASE_SALARY = "base_salary"


class OptionError(Refused):
    """A settings change was refused; the message is Vietnamese."""


def get(session: Session, key: str, default: object = None) -> object:
    """Return a setting's value, or default."""
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)


def put(session: Session, key: str, value: object) -> None:
    """Insert or replace a setting (no permission check: for the seed and for checked callers)."""
    row = session.get(Setting, key) or Setting(key=key, value="null")
    row.value = json.dumps(value, ensure_ascii=False)
    session.add(row)


def base_salaries(session: Session) -> list[tuple[date, int]]:
    """Return the base salary (lương cơ sở) history as (from date, amount), oldest first."""
    raw = get(session, BASE_SALARY, []) or []
    return sorted((date.fromisoformat(item["from"]), int(item["amount"])) for item in raw)


def base_salary_on(session: Session, day: date) -> int | None:
    """Return the base salary in force on a day (None before the first known value)."""
    return _in_force(base_salaries(session), day)


def _in_force(history: list[tuple[date, int]], day: date) -> int | None:
    found = None
    for start, amount in history:
        if start <= day:
            found = amount
    return found


def set_base_salaries(session: Session, actor: Actor, *, entries: list[tuple[date, int]]) -> None:
    """Replace the base salary history (admin); each amount positive, dates distinct."""
    require(actor, "quan_tri")
    clean = sorted((d, int(a)) for d, a in entries if d is not None and a is not None)
    if not clean:
        raise OptionError("Nhập ít nhất một mức lương cơ sở với ngày áp dụng.")
    if len({d for d, _ in clean}) != len(clean):
        raise OptionError("Mỗi ngày áp dụng chỉ có một mức lương cơ sở.")
    if any(a <= 0 for _, a in clean):
        raise OptionError("Mức lương cơ sở phải là số dương (đồng/tháng).")
    before = get(session, BASE_SALARY)
    value = [{"from": d.isoformat(), "amount": a} for d, a in clean]
    put(session, BASE_SALARY, value)
    audit.record(session, actor, "sua_cai_dat", "cai_dat", BASE_SALARY,
                 "Sửa lương cơ sở: " + "; ".join(f"từ {format_date(d)}: {format_money(a)}" for d, a in clean) + ".",
                 before={"base_salary": before}, after={"base_salary": value})


def decided_money(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> int:
    """Return the award money (whole đồng) of the year's decided nominations (of one unit or award when given):
    multiplier × base salary on the decision date."""
    stmt = (
        select(Award.code, Nomination.target, Nomination.decision_date, func.count())
        .join(Award, Nomination.award_id == Award.id)
        .where(Nomination.year == year, Nomination.status == NominationStatus.CO_QUYET_DINH)
        .group_by(Award.code, Nomination.target, Nomination.decision_date)
    )
    if unit_id is not None:
        stmt = stmt.where(Nomination.unit_id == unit_id)
    if award_id is not None:
        stmt = stmt.where(Nomination.award_id == award_id)
    rows = session.exec(stmt).all()
    history = base_salaries(session)  # read once, not once per decision date
    total = 0
    for code, target, decided_on, count in rows:
        salary = _in_force(history, decided_on or date(year, 12, 31))
        try:
            amount = award_amount(by_code(code), target, salary) if salary else None
        except KeyError:  # an award the Office added outside the catalogue
            amount = None
        total += (amount or 0) * count
    return total
