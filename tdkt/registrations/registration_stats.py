"""What became of a year's registrations: registered → proposed (a nomination of the year for the same person or
collective and award) → decided (that nomination at "Có quyết định"), per registration, title and unit."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.core.models import Nomination, NominationStatus, Person, Target
from tdkt.core.permissions import Actor
from tdkt.core.text import fold
from tdkt.registrations.registrations import listing

STAGES = {"registered": "Đăng ký", "proposed": "Đã đề nghị", "decided": "Có quyết định"}
SUMMARY_COLUMNS = ["registered", "proposed", "decided"]


def _nomination_keys(session: Session, *, year: int, unit_ids: set[int], award_ids: set[int]) -> dict[tuple, bool]:
    """Return each nomination of the year among these units and awards as its match keys -> decided: (unit, target,
    folded name, award) and, for a person on record, ("person", id, award)."""
    stmt = (select(Nomination.unit_id, Nomination.target, Nomination.award_id, Nomination.status,
                   Nomination.person_id, Nomination.collective_name, Person.name_key)
            .join(Person, Nomination.person_id == Person.id, isouter=True)
            .where(Nomination.year == year, col(Nomination.unit_id).in_(unit_ids),
                   col(Nomination.award_id).in_(award_ids)))
    found: dict[tuple, bool] = {}
    for unit_id, target, award_id, status, person_id, collective, person_key in session.exec(stmt).all():
        decided = status == NominationStatus.CO_QUYET_DINH
        key = person_key if target == Target.CA_NHAN else fold(collective)
        keys = [(unit_id, target, key, award_id)] + ([("person", person_id, award_id)] if person_id else [])
        for k in keys:
            found[k] = found.get(k, False) or decided
    return found


def progress(session: Session, *, year: int, actor: Actor | None, unit_id: int | None = None) -> pd.DataFrame:
    """Return the year's registrations (as `listing`) with `proposed` and `decided` (booleans)."""
    frame = listing(session, year=year, actor=actor, unit_id=unit_id)
    if frame.empty:
        return frame.assign(proposed=pd.Series(dtype=bool), decided=pd.Series(dtype=bool))
    found = _nomination_keys(session, year=year, unit_ids=set(frame.unit_id.tolist()),
                             award_ids=set(frame.award_id.tolist()))
    proposed, decided = [], []
    for row in frame.itertuples(index=False):
        keys = [(row.unit_id, row.target, fold(row.name), row.award_id)]
        if pd.notna(row.person_id):
            keys.append(("person", int(row.person_id), row.award_id))
        hits = [found[k] for k in keys if k in found]
        proposed.append(bool(hits))
        decided.append(any(hits))
    return frame.assign(proposed=proposed, decided=decided)


def summary(frame: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Return counts per `by` ("award" or "unit"): registered, proposed, decided and the two rates (0–1, None
    without a registration), largest first."""
    if frame.empty:
        return pd.DataFrame(columns=[by, *SUMMARY_COLUMNS, "proposed_rate", "decided_rate"])
    grouped = frame.groupby(by, sort=False).agg(registered=("id", "size"), proposed=("proposed", "sum"),
                                                decided=("decided", "sum")).reset_index()
    grouped[SUMMARY_COLUMNS] = grouped[SUMMARY_COLUMNS].astype(int)
    grouped["proposed_rate"] = grouped.proposed / grouped.registered
    grouped["decided_rate"] = grouped.decided / grouped.registered
    return grouped.sort_values(["registered", by], ascending=[False, True], kind="stable").reset_index(drop=True)


def totals(frame: pd.DataFrame) -> dict[str, int]:
    """Return the year's registered, proposed and decided counts."""
    if frame.empty:
        return dict.fromkeys(SUMMARY_COLUMNS, 0)
    return {"registered": len(frame), "proposed": int(frame.proposed.sum()), "decided": int(frame.decided.sum())}
