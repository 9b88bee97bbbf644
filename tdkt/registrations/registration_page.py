"""What Đăng ký thi đua shows of a year, read in one call: the deadline, the units an account registers for, the
registrations with what became of them and their counts per title and unit.

The page keeps it per data version (pages/_cache.read) and filters the list by the search text in memory, as
`registrations.listing` does in the database's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from tdkt.core.models import Role
from tdkt.core.permissions import Actor
from tdkt.core.text import contains
from tdkt.registrations import registration_stats, registrations

SEARCHED = ("name", "position", "unit", "award", "note")  # the columns `registrations.listing` searches


@dataclass(frozen=True, slots=True)
class RegistrationPage:
    """A year's registrations as one account sees them: the deadline, the units it registers for (name -> id), the
    rows (`registration_stats.progress`: `listing`'s columns with proposed and decided), their totals and summaries
    ("award", "unit": `registration_stats.summary`)."""

    deadline: date | None
    units: dict[str, int]
    rows: pd.DataFrame
    totals: dict[str, int]
    summaries: dict[str, pd.DataFrame]


def _reader(unit_account: bool, own_unit: int | None) -> Actor:
    # What `listing` and `unit_choices` ask of the actor: a unit account (and its unit) or not. Passing these two
    # rather than the actor keeps one entry per unit, not per user.
    return Actor(id=None, username="", role=Role.DON_VI if unit_account else Role.LANH_DAO, unit_id=own_unit)


def registration_page(session: Session, *, year: int, unit_id: int | None, unit_account: bool,
                      own_unit: int | None = None) -> RegistrationPage:
    """Return what the page shows of the year to a unit account of `own_unit` (`unit_account`) or to anyone else,
    narrowed to `unit_id` (None: every unit the account sees)."""
    reader = _reader(unit_account, own_unit)
    rows = registration_stats.progress(session, year=year, actor=reader, unit_id=unit_id)
    return RegistrationPage(
        deadline=registrations.deadline_of(session, year=year), units=registrations.unit_choices(session, reader),
        rows=rows, totals=registration_stats.totals(rows),
        summaries={by: registration_stats.summary(rows, by=by) for by in ("award", "unit")})


def people(session: Session, *, unit_id: int, unit_account: bool, own_unit: int | None = None) -> dict[int, str]:
    """Return `registrations.people_of_unit` for such an account (the form's choice of a person on record)."""
    return registrations.people_of_unit(session, _reader(unit_account, own_unit), unit_id=unit_id)


def matching(rows: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """Return the rows whose name, position, unit, title or note contains `text` accent-insensitively, in order (all
    of them without a text): what `registrations.listing(text=…)` returns."""
    if not text:
        return rows
    # A collective's position is missing as NaN, not None, in `progress`'s rows: fold() takes text only (a NaN raised).
    keep = [any(isinstance(value, str) and contains(value, text) for value in values)
            for values in zip(*(rows[c] for c in SEARCHED), strict=True)]
    return rows.loc[keep].reset_index(drop=True)
