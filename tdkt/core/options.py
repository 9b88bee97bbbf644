"""Settings the administrator changes in the app (stored as JSON rows): base salary history, and the like."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import Setting
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_date, format_money

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
    return salary_in_force(base_salaries(session), day)


def salary_in_force(history: list[tuple[date, int]], day: date) -> int | None:
    """Return the amount of a base salary history (as `base_salaries` returns it) in force on a day, or None."""
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
