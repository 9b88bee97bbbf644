"""What the Office's reminders tab shows, read in one call as plain data (kept per data version by the page): the
units' addresses, how many days before the deadline, and what goes out on a day, as the page's table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from tdkt.submissions import reminders


@dataclass(frozen=True, slots=True)
class ReminderView:
    """`emails` is `reminders.unit_emails`; `due` the day's `reminders.due_reminders`, `table` it as the page's
    table (Vietnamese titles)."""

    emails: pd.DataFrame
    days: int
    due: reminders.Plan
    table: pd.DataFrame


def reminder_view(session: Session, *, year: int, today: date, agency: str) -> ReminderView:
    """Return the units' addresses, the days setting and the reminders due on `today` (the day is an argument so that
    a kept view is not served the next day)."""
    days = reminders.reminder_days(session)
    due = reminders.due_reminders(session, year=year, today=today, days=days, agency=agency)
    table = due.frame()[["unit", "kind_label", "recipients", "subject", "note"]].rename(columns={
        "unit": "Đơn vị", "kind_label": "Loại thư", "recipients": "Gửi tới", "subject": "Tiêu đề",
        "note": "Không gửi vì"})
    return ReminderView(reminders.unit_emails(session), days, due, table)
