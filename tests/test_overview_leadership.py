"""Tổng quan as the leadership view: the overdue rule shared with the review report, the figures, the old-plan notice
and its copy, and the page's three charts by role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from tdkt.core.models import TaskStatus
from tdkt.plan import plan as plan_module
from tdkt.reports import reports


def h1_overdue_on_both(session: Session, as_of: date) -> tuple[int, int]:
    """Return (the plan page's overdue tasks due in H1 2024, the six-month report's) as of a day."""
    frame = plan_module.tasks(session, year=2024, as_of=as_of)
    page = int(frame[frame["due_on"] <= date(2024, 6, 30)]["overdue"].sum())
    return page, reports.figures(session, year=2024, period="h1", as_of=as_of)["tasks"]["overdue"]


def test_a_task_due_on_the_periods_last_day_is_overdue_the_next_day_on_the_plan_page_and_in_the_report(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 7, 1))
        due_last_day = int((frame["due_on"] == date(2024, 6, 30)).sum())
        on_the_day = h1_overdue_on_both(session, date(2024, 6, 30))
        next_day = h1_overdue_on_both(session, date(2024, 7, 1))
        long_after = h1_overdue_on_both(session, date(2026, 12, 2))
        table = reports.task_table(session, start=date(2024, 1, 1), end=date(2024, 6, 30), as_of=date(2026, 12, 2))
    assert due_last_day >= 1  # the seeded plan's quarter II tasks fall due on 30/06
    assert on_the_day[0] == on_the_day[1]
    assert next_day == (on_the_day[0] + due_last_day,) * 2
    assert long_after == next_day  # a later day adds nothing the period did not hold
    assert set(table[table["due_on"] == date(2024, 6, 30)]["status_label"]) == {"Quá hạn"}


@pytest.mark.parametrize(("status", "due", "as_of", "overdue"), [
    (TaskStatus.CHUA, date(2024, 6, 30), date(2024, 6, 30), False),
    (TaskStatus.CHUA, date(2024, 6, 30), date(2024, 7, 1), True),
    (TaskStatus.DANG, date(2024, 6, 30), date(2024, 7, 1), True),
    (TaskStatus.XONG, date(2024, 6, 30), date(2024, 7, 1), False),
    (TaskStatus.KHONG, date(2024, 6, 30), date(2024, 7, 1), False),
])
def test_overdue_rule_at_the_due_date(status, due, as_of, overdue):
    assert plan_module.is_overdue(status, due, as_of) is overdue


def test_a_report_period_is_judged_on_the_day_after_its_end_or_earlier_while_it_runs():
    assert plan_module.period_as_of(date(2026, 12, 2), date(2024, 6, 30)) == date(2024, 7, 1)
    assert plan_module.period_as_of(date(2024, 6, 30), date(2024, 6, 30)) == date(2024, 6, 30)
    assert plan_module.period_as_of(date(2024, 5, 2), date(2024, 6, 30)) == date(2024, 5, 2)
