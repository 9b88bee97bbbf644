"""What the page, the command and the .xlsx show of submissions: the units' table, a history, a unit's nominations;
and the Tiếp nhận hồ sơ page's two reads (kept per data version by the page): the year's units, one unit's dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards import checklist
from tdkt.core import export
from tdkt.core.models import NOMINATION_STATUS_LABELS, Award, ImportBatch, Nomination, Person
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_date, format_datetime, nominee_order
from tdkt.submissions import deadlines, submissions
from tdkt.submissions.deadlines import Deadline
from tdkt.submissions.submissions import UnitState

STATE_COLUMNS = {"unit": "Đơn vị", "kind": "Loại đơn vị", "state": "Trạng thái", "date": "Ngày",
                 "by": "Người thực hiện", "due": "Hạn nộp", "timing": "Đúng hạn / trễ hạn", "nominations": "Số đề nghị",
                 "missing": "Giấy tờ còn thiếu", "reason": "Lý do (bước gần nhất)"}
HISTORY_COLUMNS = {"state_label": "Bước", "date": "Ngày", "at": "Lúc", "by": "Người thực hiện", "reason": "Lý do",
                   "nominations": "Số đề nghị lúc đó"}
NOMINATION_COLUMNS = {"name": "Tên cá nhân/tập thể", "award": "Danh hiệu/Hình thức", "status": "Bước",
                      "received": "Ngày nhận", "source": "Nguồn", "missing": "Giấy tờ còn thiếu"}


def timing(state: UnitState) -> str:
    """Return the lateness in words: "Trễ 3 ngày", "Đúng hạn", "Còn 5 ngày", "Hôm nay là hạn cuối"."""
    if state.days_late is not None:
        return f"Trễ {state.days_late} ngày"
    if state.held:
        return "Đúng hạn"
    if state.days_left == 0:
        return "Hôm nay là hạn cuối"
    return f"Còn {state.days_left} ngày"


def states_frame(states: list[UnitState]) -> pd.DataFrame:
    """Return the units' table with Vietnamese column titles, dates as dd/mm/yyyy (what the page and .xlsx show)."""
    rows = [{"unit": s.unit, "kind": s.kind_label, "state": s.state_label, "date": format_date(s.date),
             "by": s.by or "", "due": format_date(s.deadline), "timing": timing(s), "nominations": s.nominations,
             "missing": "; ".join(s.missing_documents), "reason": s.reason or ""} for s in states]
    return pd.DataFrame(rows, columns=list(STATE_COLUMNS)).rename(columns=STATE_COLUMNS)


def history_frame(steps: list[dict]) -> pd.DataFrame:
    """Return a submission's steps with Vietnamese column titles, oldest first."""
    rows = [{**s, "date": format_date(s["date"]), "at": format_datetime(s["at"]), "reason": s["reason"] or ""}
            for s in steps]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS)).rename(columns=HISTORY_COLUMNS)


def unit_nominations(session: Session, actor: Actor, *, year: int, unit_id: int) -> pd.DataFrame:
    """Return a unit's nominations of the year (what its dossier holds), collectives first, then names sorted as Hồ sơ
    đề nghị sorts them (`text.nominee_order`: a person by given name, a collective or household as written), with where
    each came from and the documents it lacks; refused for a unit account asking about another unit."""
    require(actor, "xem_tiep_nhan", unit_ids={unit_id})
    rows = session.exec(
        select(Nomination.id, Nomination.target, Nomination.collective_name, Person.full_name, Award.name,
               Nomination.status, Nomination.received_on, ImportBatch.id, ImportBatch.file_name)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .join(ImportBatch, Nomination.batch_id == ImportBatch.id, isouter=True)
        .where(Nomination.year == year, Nomination.unit_id == unit_id).order_by(col(Nomination.id))
    ).all()
    missing = checklist.missing_documents(session, nomination_ids=[r[0] for r in rows]) if rows else {}
    records = [{"id": i, "target": target, "name": person or collective or "", "award": award,
                "status": NOMINATION_STATUS_LABELS.get(status, status), "received": format_date(received),
                "source": f"Tải lên “{file_name}” (lô số {batch_id})" if batch_id else "Nhập tay",
                "missing": "; ".join(missing.get(i, []))}
               for i, target, collective, person, award, status, received, batch_id, file_name in rows]
    records.sort(key=lambda r: (r["target"] != "tap_the",
                                nominee_order(r["name"], individual=r["target"] == "ca_nhan")))
    frame = pd.DataFrame(records, columns=["id", *NOMINATION_COLUMNS])
    return frame


def nominations_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a unit_nominations frame with Vietnamese column titles (no id)."""
    return frame.drop(columns="id").rename(columns=NOMINATION_COLUMNS)


def states_workbook(states: list[UnitState], *, year: int, deadline: date) -> bytes:
    """Return the units' table as an .xlsx."""
    return frame_workbook(states_frame(states), year=year, deadline=deadline)


def frame_workbook(frame: pd.DataFrame, *, year: int, deadline: date) -> bytes:
    """Return a `states_frame` table as the units' .xlsx."""
    return export.to_xlsx({"Tiếp nhận hồ sơ": frame},
                          title=f"Tình hình nộp hồ sơ khen thưởng năm {year} — hạn nộp {format_date(deadline)}")


def history_workbook(unit: str, year: int, steps: list[dict], nominations: pd.DataFrame) -> bytes:
    """Return one unit's dossier as an .xlsx: its steps and its nominations."""
    return export.to_xlsx({"Lịch sử": history_frame(steps), "Đề nghị": nominations_frame(nominations)},
                          title=f"Hồ sơ khen thưởng năm {year} của {unit}")


def json_object(states: list[UnitState], *, year: int, deadline: date) -> dict:
    """Return the command's JSON: year, deadline and one entry per unit (state labels, dd/mm/yyyy, null when none)."""
    return {"year": year, "deadline": format_date(deadline), "units": [{
        "unit": s.unit, "kind": s.kind_label, "state": s.state_label, "date": format_date(s.date) or None,
        "by": s.by, "submitted": format_date(s.submitted_on) or None, "days_late": s.days_late,
        "days_left": s.days_left, "nominations": s.nominations, "missing_documents": list(s.missing_documents),
        "reason": s.reason,
    } for s in states]}


@dataclass(frozen=True, slots=True)
class ReceptionView:
    """The year's deadline and every submitting unit's state an actor may see (a unit account: its own), with the
    units' table as the page shows it (no kind and deadline: the same on every row, said above it)."""

    deadline: Deadline
    states: tuple[UnitState, ...]
    table: pd.DataFrame


@dataclass(frozen=True, slots=True)
class DossierView:
    """One unit's dossier of the year: its steps (`submissions.history`) and nominations (`unit_nominations`), and
    both as the page's tables."""

    steps: tuple[dict, ...]
    nominations: pd.DataFrame
    steps_table: pd.DataFrame
    nominations_table: pd.DataFrame


def reception_view(session: Session, *, actor: Actor, year: int, today: date) -> ReceptionView:
    """Return the deadline and the units' states as of `today` (an argument, so that a kept view is not served the
    next day); refused for an account that may not see submissions."""
    states = tuple(submissions.unit_states(session, year=year, today=today, actor=actor))
    return ReceptionView(deadlines.deadline_of(session, year=year), states,
                         states_frame(list(states)).drop(columns=["Loại đơn vị", "Hạn nộp"]))


def dossier_view(session: Session, *, actor: Actor, year: int, unit_id: int) -> DossierView:
    """Return a unit's steps and nominations of the year; refused for a unit account asking about another unit."""
    steps = tuple(submissions.history(session, actor, year=year, unit_id=unit_id))
    nominations = unit_nominations(session, actor, year=year, unit_id=unit_id)
    return DossierView(steps, nominations, history_frame(list(steps)), nominations_frame(nominations))
