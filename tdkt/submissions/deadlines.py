"""The deadline of a year's dossiers: the Office's own date for the year, else the plan's (III.1), else 15/12."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.permissions import Actor, require
from tdkt.core.submission_tables import SubmissionDeadline
from tdkt.core.text import format_date
from tdkt.plan import plan as plan_module

SOURCE_LABELS = {"van_phong": "do Văn phòng Sở đặt", "ke_hoach": "theo kế hoạch TĐKT", "mac_dinh": "mặc định 15/12"}


@dataclass(frozen=True, slots=True)
class Deadline:
    """A year's dossier deadline and where it comes from (`source`: van_phong, ke_hoach or mac_dinh)."""

    year: int
    day: date
    source: str

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


def deadline_of(session: Session, *, year: int) -> Deadline:
    """Return the year's deadline with its source."""
    own = session.get(SubmissionDeadline, year)
    if own is not None:
        return Deadline(year, own.deadline, "van_phong")
    plan = plan_module.get_plan(session, year=year)
    if plan is not None and plan.dossier_deadline is not None:
        return Deadline(year, plan.dossier_deadline, "ke_hoach")
    return Deadline(year, date(year, 12, 15), "mac_dinh")


def deadline(session: Session, *, year: int) -> date:
    """Return the date by which units send the year's dossiers to the Office."""
    return deadline_of(session, year=year).day


def set_deadline(session: Session, actor: Actor, *, year: int, day: date | None) -> Deadline:
    """Set the year's deadline (the Office); None goes back to the plan's. Audited; return the deadline now in force.

    A deadline outside the achievement year and the next is refused: dossiers of year Y are due in Y or early Y+1.
    """
    require(actor, "tiep_nhan_ho_so")
    if day is not None and not date(year, 1, 1) <= day <= date(year + 1, 12, 31):
        raise Refused(f"Hạn nộp hồ sơ năm {year} phải nằm trong năm {year} hoặc năm {year + 1} "
                      f"(đã nhập {format_date(day)}).")
    before = deadline_of(session, year=year)
    own = session.get(SubmissionDeadline, year)
    if day is None:
        if own is not None:
            session.delete(own)
    else:
        own = own or SubmissionDeadline(year=year, deadline=day)
        own.deadline, own.set_by = day, actor.id
        session.add(own)
    session.flush()
    after = deadline_of(session, year=year)
    audit.record(session, actor, "han_nop_ho_so", "han_nop_ho_so", year,
                 f"Hạn nộp hồ sơ khen thưởng năm {year}: {format_date(before.day)} → {format_date(after.day)} "
                 f"({after.source_label}).",
                 before={"deadline": before.day.isoformat(), "source": before.source},
                 after={"deadline": after.day.isoformat(), "source": after.source})
    return after
