"""Award money: what the decided nominations of a year cost, multiplier × the base salary on each decision date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from tdkt.awards.catalog import award_amount, by_code
from tdkt.core import options
from tdkt.core.models import Award, DecisionTally, Nomination, NominationStatus


def _salary_period(day, history: list[tuple[date, int]]):
    """SQL: which base salary of `history` was in force on `day` (1 = the first; 0 = before any)."""
    if not history:
        return literal(0)
    return case(*((day >= start, i) for i, (start, _) in reversed(list(enumerate(history, 1)))), else_=0)


def _summed(session: Session, stmt) -> list[tuple]:
    """(code, target, period, n) rows summed per code, target and period (grouped outside: PostgreSQL does not take
    a CASE with parameters in GROUP BY for the same CASE in the SELECT, whose parameters are others)."""
    rows = stmt.subquery()
    return session.exec(select(rows.c.code, rows.c.target, rows.c.period, func.sum(rows.c.n))
                        .group_by(rows.c.code, rows.c.target, rows.c.period)).all()


def decided_money(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> int:
    """Return the award money (whole đồng) of the year's decided nominations (of one unit or award when given):
    multiplier × base salary on the decision date."""
    history = options.base_salaries(session)  # read once, not once per decision date
    # Counted per award, target and base salary in force, not per decision date: bench/pages.py at 1M nominations
    # fetched 19k (award, target, date) rows of the decision tally and priced each one (0.35 s of Tổng quan's CPU).
    decided_on = func.coalesce(Nomination.decision_date, date(year, 12, 31))  # undated: the year's salary at its end
    stmt = (
        select(Award.code, Nomination.target, _salary_period(decided_on, history).label("period"),
               literal(1).label("n"))
        .join(Award, Nomination.award_id == Award.id)
        .where(Nomination.year == year, Nomination.status == NominationStatus.CO_QUYET_DINH)
    )
    if unit_id is not None:
        stmt = stmt.where(Nomination.unit_id == unit_id)
    if award_id is not None:
        stmt = stmt.where(Nomination.award_id == award_id)
    if unit_id is None:
        # The decision tally (tdkt.core.tally) holds the dated decisions by award, target and date: bench/pages.py at
        # 1M nominations read the year's 55k decided rows here. Decisions without a date are not in it (few: the
        # index on status and decision date finds them).
        tallied = (select(Award.code, DecisionTally.target,
                          _salary_period(DecisionTally.decision_date, history).label("period"), DecisionTally.n)
                   .join(Award, DecisionTally.award_id == Award.id)
                   .where(DecisionTally.year == year, DecisionTally.n != 0))
        if award_id is not None:
            tallied = tallied.where(DecisionTally.award_id == award_id)
        rows = [*_summed(session, tallied), *_summed(session, stmt.where(Nomination.decision_date.is_(None)))]
    else:
        rows = _summed(session, stmt)
    total = 0
    for code, target, salary_index, count in rows:
        salary = history[salary_index - 1][1] if salary_index else None
        try:
            amount = award_amount(by_code(code), target, salary) if salary else None
        except KeyError:  # an award the Office added outside the catalogue
            amount = None
        total += (amount or 0) * int(count)
    return total
