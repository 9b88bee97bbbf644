"""Tổng quan: the year's key figures (plan progress, deadline, covenants, nominations by status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from tdkt.awards.money import decided_money
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    Cluster,
    ClusterEvent,
    ClusterMember,
    Nomination,
    NominationStatus,
    Participation,
)
from tdkt.plan import plan as plan_module
from tdkt.submissions import deadlines as submission_deadlines

COVENANT_KIND = "ky_ket"


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The figures leadership sees first."""

    year: int
    progress: plan_module.Progress
    deadline: date
    days_to_deadline: int
    covenants_signed: int
    covenants_total: int
    nominations: int
    money: int


def dossier_deadline(session: Session, *, year: int) -> date:
    """Return the date units' dossiers are due at the Office (the Office's date, else the plan's, else 15/12)."""
    return submission_deadlines.deadline(session, year=year)


def covenants(session: Session, *, year: int) -> tuple[int, int]:
    """Return (signed, total): covenant-signing events of the year that the department took part in, of all."""
    events = select(ClusterEvent.id).join(Cluster).where(Cluster.year == year, ClusterEvent.kind == COVENANT_KIND)
    total = session.exec(select(func.count()).select_from(events.subquery())).one()
    signed = session.exec(
        select(func.count())
        .select_from(Participation)
        .join(ClusterMember, Participation.member_id == ClusterMember.id)
        .where(ClusterMember.is_us, Participation.done_on.is_not(None), Participation.event_id.in_(events))
    ).one()
    return int(signed), int(total)


def nominations_by_status(session: Session, *, year: int) -> pd.DataFrame:
    """Return the year's nominations counted by status, in path order: columns status, label, n."""
    counts = dict(
        session.exec(select(Nomination.status, func.count()).where(Nomination.year == year)
                     .group_by(Nomination.status)).all()
    )
    return pd.DataFrame(
        [{"status": s.value, "label": NOMINATION_STATUS_LABELS[s], "n": int(counts.get(s.value, 0))}
         for s in NominationStatus],
        columns=["status", "label", "n"],
    )


def key_figures(session: Session, *, year: int, as_of: date, today: date | None = None) -> KeyFigures:
    """Return the key figures of a year, overdue counted as of a date."""
    today = today or date.today()
    frame = plan_module.tasks(session, year=year, as_of=as_of)
    deadline = dossier_deadline(session, year=year)
    signed, total = covenants(session, year=year)
    nominations = session.exec(select(func.count()).select_from(Nomination).where(Nomination.year == year)).one()
    return KeyFigures(
        year=year,
        progress=plan_module.progress(frame),
        deadline=deadline,
        days_to_deadline=(deadline - today).days,
        covenants_signed=signed,
        covenants_total=total,
        nominations=int(nominations),
        money=decided_money(session, year=year),
    )
