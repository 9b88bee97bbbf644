"""Award money: what the decided nominations of a year cost, multiplier × the base salary on each decision date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from tdkt.awards.catalog import award_amount, by_code
from tdkt.core import options
from tdkt.core.models import Award, DecisionTally, Nomination, NominationStatus


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
    if unit_id is None:
        # The decision tally (tdkt.core.tally) holds the dated decisions by award, target and date: bench/pages.py at
        # 1M nominations read the year's 55k decided rows here. Decisions without a date are not in it (few: the
        # index on status and decision date finds them).
        tallied = (select(Award.code, DecisionTally.target, DecisionTally.decision_date, DecisionTally.n)
                   .join(Award, DecisionTally.award_id == Award.id)
                   .where(DecisionTally.year == year, DecisionTally.n != 0))
        if award_id is not None:
            tallied = tallied.where(DecisionTally.award_id == award_id)
        rows = [*session.exec(tallied).all(), *session.exec(stmt.where(Nomination.decision_date.is_(None))).all()]
    else:
        rows = session.exec(stmt).all()
    history = options.base_salaries(session)  # read once, not once per decision date
    total = 0
    for code, target, decided_on, count in rows:
        salary = options.salary_in_force(history, decided_on or date(year, 12, 31))
        try:
            amount = award_amount(by_code(code), target, salary) if salary else None
        except KeyError:  # an award the Office added outside the catalogue
            amount = None
        total += (amount or 0) * count
    return total
