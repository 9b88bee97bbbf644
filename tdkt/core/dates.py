"""Date arithmetic shared by the plan and the clusters: moving a date by whole years."""

from __future__ import annotations

from datetime import date


def shift_years(day: date, years: int) -> date:
    """Return the same day and month `years` later (earlier when negative); 29/02 into a common year gives 28/02."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 into a common year
        return day.replace(year=day.year + years, day=28)
