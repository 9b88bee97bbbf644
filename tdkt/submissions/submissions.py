"""Units' yearly submissions: each unit's state against the deadline (`unit_states`), its history, and the steps —
a unit submits and recalls its own, the Office returns (with a reason) or accepts.

States: Chưa nộp (no row yet) → Đã nộp → Trả lại / Đã tiếp nhận / Thu hồi; from Trả lại and Thu hồi the unit submits
again. Only "Đã nộp" can be recalled, returned or accepted, so a recall after acceptance is refused. While "Đã nộp" or
"Đã tiếp nhận" the unit cannot change its nominations of the year (`tdkt.core.submission_guard`); the Office can.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from tdkt.awards import checklist
from tdkt.core import audit
from tdkt.core.db import IMPORT_LOCK, lock_writes
from tdkt.core.errors import Refused
from tdkt.core.models import UNIT_KIND_LABELS, ImportBatch, Nomination, Role, Unit, UnitTally, User, utcnow
from tdkt.core.permissions import Actor, PermissionDenied, can, require
from tdkt.core.submission_tables import (
    HELD_STATES,
    SUBMITTING_KINDS,
    Submission,
    SubmissionState,
    SubmissionStep,
)
from tdkt.core.text import VIETNAM, form_text, format_date
from tdkt.submissions.deadlines import deadline

S = SubmissionState
# Tổng quan lists the units that have not submitted from this many days before the deadline.
WATCH_DAYS = 30


class SubmissionRefused(Refused):
    """A step of a submission was refused; the message says why in Vietnamese."""


@dataclass(frozen=True, slots=True)
class UnitState:
    """One unit's submission of a year as the Office sees it: state, its date and who, lateness, nominations."""

    unit_id: int
    unit: str
    kind: str
    state: SubmissionState
    date: date | None  # of the latest step; None while "Chưa nộp"
    by: str | None  # who took the latest step (display name)
    reason: str | None  # the latest step's reason (a return's is required)
    submitted_on: date | None  # the latest "Đã nộp" step: the nominations' received date
    deadline: date
    days_late: int | None  # None when not late
    days_left: int | None  # days to the deadline while not submitted and not late yet; None otherwise
    nominations: int
    missing_documents: tuple[str, ...] = ()
    submission_id: int | None = None

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def held(self) -> bool:
        """True when the Office holds the dossier (submitted or accepted): the unit cannot change it."""
        return self.state in HELD_STATES


def vietnam_today() -> date:
    """Return today's date in Vietnam (a step late in the evening UTC is already the next day there)."""
    return datetime.now(VIETNAM).date()


def lateness(state: SubmissionState, *, submitted_on: date | None, deadline: date,
             today: date) -> tuple[int | None, int | None]:
    """Return (days late, days left). On the deadline day is on time. A dossier the Office holds is late by its
    latest submit date; one not submitted (never, returned or recalled) is late by today, else has days left."""
    if state in HELD_STATES and submitted_on is not None:
        late = (submitted_on - deadline).days
        return (late if late > 0 else None), None
    late = (today - deadline).days
    return (late, None) if late > 0 else (None, -late)


# Who took a step without an account (no user id): the name stored is the acting program's, shown as people read it.
NO_ACCOUNT_NAMES = {"minh_hoa": "Dữ liệu minh họa", "hệ thống": "Hệ thống", "dòng lệnh": "Dòng lệnh (máy chủ)"}


def _display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all())


def _shown_name(names: dict[int, str], user_id: int | None, username: str) -> str:
    """The display name of a step's account; a step without one (the demo, the command line) by what took it, never
    by a sign-in name (the accounts page alone shows those)."""
    if user_id is not None and user_id in names:
        return names[user_id]
    return NO_ACCOUNT_NAMES.get(username, username)


def _units(session: Session, *, year: int, unit_id: int | None) -> list:
    """The submitting units (id, name, kind): active ones of the kinds that submit, and any unit with a submission
    that year. Columns, not Unit objects: loading 5,000 of them took 0.15 s of Tổng quan's first view at
    bench/pages.py's 5,000 units."""
    return list(session.exec(_submitting(select(Unit.id, Unit.name, Unit.kind), year=year, unit_id=unit_id)
                             .order_by(Unit.position, Unit.name)).all())


def _submitting(stmt, *, year: int, unit_id: int | None):
    """stmt (a select from unit) limited to the submitting units of `_units`: the readers below take their ids as this
    subquery, not as a list sent back (bench/pages.py at 1M: `unit_tally … unit_id IN (4,996 ids)` took 0.75 s wall on
    PostgreSQL)."""
    with_row = select(Submission.unit_id).where(Submission.year == year)
    stmt = stmt.where(or_(
        col(Unit.kind).in_([k.value for k in SUBMITTING_KINDS]) & col(Unit.active), col(Unit.id).in_(with_row)))
    return stmt if unit_id is None else stmt.where(Unit.id == unit_id)


def _missing_by_unit(session: Session, *, year: int, unit_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The documents missing from each unit's nominations of the year (the dossier checklist's names, each once, in
    the order they are first missed)."""
    owners = dict(session.exec(select(Nomination.id, Nomination.unit_id).where(
        Nomination.year == year, col(Nomination.unit_id).in_(unit_ids))).all())
    if not owners:
        return {}
    found: dict[int, dict[str, None]] = {}
    for nomination_id, names in checklist.missing_documents(session, nomination_ids=list(owners)).items():
        found.setdefault(owners[nomination_id], {}).update(dict.fromkeys(names))
    return {unit_id: tuple(names) for unit_id, names in found.items()}


def unit_states(session: Session, *, year: int, today: date, actor: Actor | None = None,
                unit_id: int | None = None, documents: bool = True) -> list[UnitState]:
    """Return every submitting unit's state for a year in the department's order (a unit account: its own only);
    `documents=False` leaves the missing documents out (the checklist reads every nomination's attachments)."""
    if actor is not None:
        require(actor, "xem_tiep_nhan", unit_ids={actor.unit_id} if actor.unit_id else None)
        if actor.role == Role.DON_VI:
            if unit_id is not None and unit_id != actor.unit_id:
                raise PermissionDenied("Tài khoản đơn vị chỉ xem được hồ sơ của chính đơn vị mình.")
            unit_id = actor.unit_id
    units = _units(session, year=year, unit_id=unit_id)
    ids = [u.id for u in units]
    chosen = _submitting(select(Unit.id), year=year, unit_id=unit_id)
    # A unit with a row that year is a submitting unit (`_units`): the year's rows are the units' rows.
    rows = {s.unit_id: s for s in session.exec(select(Submission).where(
        Submission.year == year, *([Submission.unit_id == unit_id] if unit_id is not None else []))).all()}
    # From the unit tally (tdkt.core.tally), which every write keeps in step: bench/pages.py at 1M nominations read
    # the year's 100k rows here (0.49 s on SQLite) for what the tally holds in a few thousand.
    counts = {u: int(n) for u, n in session.exec(
        select(UnitTally.unit_id, func.sum(UnitTally.n)).where(UnitTally.year == year,
                                                               col(UnitTally.unit_id).in_(chosen))
        .group_by(UnitTally.unit_id)).all()}
    latest = _latest_steps(session, [s.id for s in rows.values()])
    names = _display_names(session, {s.state_by for s in rows.values() if s.state_by is not None})
    missing = _missing_by_unit(session, year=year, unit_ids=ids) if documents else {}
    due = deadline(session, year=year)
    states = []
    for unit in units:
        row = rows.get(unit.id)
        state = S(row.state) if row else S.CHUA_NOP
        step = latest.get(row.id) if row else None
        late, left = lateness(state, submitted_on=row.submitted_on if row else None, deadline=due, today=today)
        states.append(UnitState(
            unit_id=unit.id, unit=unit.name, kind=unit.kind, state=state, date=row.state_on if row else None,
            by=(names.get(row.state_by) or (_shown_name(names, step.user_id, step.username) if step else None))
            if row else None,
            reason=step.reason if step else None, submitted_on=row.submitted_on if row else None, deadline=due,
            days_late=late, days_left=left, nominations=int(counts.get(unit.id, 0)),
            missing_documents=missing.get(unit.id, ()), submission_id=row.id if row else None))
    return states


def _latest_steps(session: Session, submission_ids: list[int]) -> dict[int, SubmissionStep]:
    if not submission_ids:
        return {}
    steps = session.exec(select(SubmissionStep).where(col(SubmissionStep.submission_id).in_(submission_ids))
                         .order_by(SubmissionStep.id)).all()
    return {step.submission_id: step for step in steps}


def unit_state(session: Session, actor: Actor, *, year: int, unit_id: int, today: date) -> UnitState:
    """Return one unit's state (refused for a unit account asking about another unit)."""
    found = unit_states(session, year=year, today=today, actor=actor, unit_id=unit_id)
    if not found:
        raise SubmissionRefused("Đơn vị này không thuộc diện nộp hồ sơ khen thưởng (phòng, đơn vị trực thuộc, "
                                "tổ chức đoàn thể).")
    return found[0]


def watch(session: Session, *, year: int, today: date, actor: Actor | None = None) -> list[UnitState] | None:
    """Return the units that have not submitted (never, returned or recalled), from WATCH_DAYS days before the
    deadline on; None before that (Tổng quan then shows nothing), and for an account that may not see submissions."""
    if (deadline(session, year=year) - today).days > WATCH_DAYS:
        return None
    if actor is not None and not can(actor, "xem_tiep_nhan", unit_ids={actor.unit_id} if actor.unit_id else None):
        return None
    # Without the documents: Tổng quan draws on every visit (the checklist took 2.8 s for 100k nominations).
    return [s for s in unit_states(session, year=year, today=today, actor=actor, documents=False) if not s.held]


def history(session: Session, actor: Actor, *, year: int, unit_id: int) -> list[dict]:
    """Return every step of a unit's submission, oldest first: state, label, date, time, who, reason, nominations."""
    require(actor, "xem_tiep_nhan", unit_ids={unit_id})
    row = _row(session, year=year, unit_id=unit_id)
    if row is None:
        return []
    steps = session.exec(select(SubmissionStep).where(SubmissionStep.submission_id == row.id)
                         .order_by(SubmissionStep.id)).all()
    names = _display_names(session, {s.user_id for s in steps if s.user_id is not None})
    return [{"state": s.state, "state_label": S(s.state).label, "date": s.step_on, "at": s.at,
             "by": _shown_name(names, s.user_id, s.username), "reason": s.reason,
             "nominations": s.nominations} for s in steps]


def _row(session: Session, *, year: int, unit_id: int, for_update: bool = False) -> Submission | None:
    stmt = select(Submission).where(Submission.year == year, Submission.unit_id == unit_id)
    if for_update:  # PostgreSQL: two steps at once on one dossier queue here (SQLite's BEGIN IMMEDIATE already does)
        stmt = stmt.with_for_update()
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def _unit(session: Session, unit_id: int | None) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        raise SubmissionRefused("Không tìm thấy đơn vị này.")
    if unit.kind not in {k.value for k in SUBMITTING_KINDS}:
        raise SubmissionRefused(f"“{unit.name}” không thuộc diện nộp hồ sơ khen thưởng (phòng, đơn vị trực thuộc, "
                                "tổ chức đoàn thể).")
    return unit


def _count(session: Session, *, year: int, unit_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(Nomination)
                            .where(Nomination.year == year, Nomination.unit_id == unit_id)).one())


def _step(session: Session, actor: Actor, row: Submission, state: SubmissionState, *, day: date,
          reason: str | None, unit: Unit, action: str, summary: str) -> Submission:
    """Move a submission to a state, add its step and the audit entry (one transaction, the caller's)."""
    before = audit.snapshot(row) if row.id is not None else None
    row.state, row.state_on, row.state_at, row.state_by = state.value, day, utcnow(), actor.id
    if state == S.DA_NOP:
        row.submitted_on = day
    session.add(row)
    session.flush()
    count = _count(session, year=row.year, unit_id=row.unit_id)
    session.add(SubmissionStep(submission_id=row.id, state=state.value, step_on=day, user_id=actor.id,
                               username=actor.username, reason=reason, nominations=count))
    audit.record(session, actor, action, "ho_so_don_vi", row.id,
                 f"{summary} hồ sơ khen thưởng năm {row.year} của {unit.name} ngày {format_date(day)} "
                 f"({count} đề nghị)" + (f": {reason}" if reason else "."),
                 before=before, after=audit.snapshot(row) | ({"reason": reason} if reason else {}))
    return row


def _reason(text: str | None, *, required: bool) -> str | None:
    reason = form_text(text, label="Lý do", column=SubmissionStep.reason, multiline=True, error=SubmissionRefused)
    if required and not reason:
        raise SubmissionRefused("Nhập lý do trả lại hồ sơ, để đơn vị biết cần sửa gì.")
    return reason


def _not_in(row: Submission | None, unit: Unit, year: int, allowed: set[SubmissionState], what: str) -> None:
    state = S(row.state) if row else S.CHUA_NOP
    if state not in allowed:
        since = f" từ ngày {format_date(row.state_on)}" if row else ""
        raise SubmissionRefused(f"Hồ sơ năm {year} của {unit.name} đang ở trạng thái “{state.label}”{since}: "
                                f"không {what} được.")


def submit(session: Session, actor: Actor, *, year: int, unit_id: int | None = None, note: str | None = None,
           today: date | None = None) -> Submission:
    """A unit submits its year's dossier (first time, or again after a return or a recall). Its nominations entered by
    the unit (its own imports and hand entries) get the submit date as their received date; the Office's own
    imports keep theirs."""
    unit_id = actor.unit_id if unit_id is None else unit_id
    require(actor, "nop_ho_so", unit_ids={unit_id} if unit_id is not None else None)
    unit = _unit(session, unit_id)
    lock_writes(session, IMPORT_LOCK)  # an import of this unit at the same time lands wholly before or after
    row = _row(session, year=year, unit_id=unit.id, for_update=True)
    _not_in(row, unit, year, {S.CHUA_NOP, S.TRA_LAI, S.THU_HOI}, "nộp lại")
    day = today or vietnam_today()
    row = row or Submission(year=year, unit_id=unit.id, state=S.CHUA_NOP.value, state_on=day)
    unit_batches = select(ImportBatch.id).join(User, ImportBatch.user_id == User.id).where(User.role == Role.DON_VI)
    session.execute(update(Nomination).where(
        Nomination.year == year, Nomination.unit_id == unit.id,
        or_(col(Nomination.batch_id).is_(None), col(Nomination.batch_id).in_(unit_batches)),
    ).values(received_on=day))
    return _step(session, actor, row, S.DA_NOP, day=day, reason=_reason(note, required=False), unit=unit,
                 action="nop_ho_so", summary="Nộp")


def recall(session: Session, actor: Actor, *, year: int, unit_id: int | None = None, reason: str | None = None,
           today: date | None = None) -> Submission:
    """A unit takes back a dossier the Office has not accepted yet, to change it and submit again."""
    unit_id = actor.unit_id if unit_id is None else unit_id
    require(actor, "nop_ho_so", unit_ids={unit_id} if unit_id is not None else None)
    unit = _unit(session, unit_id)
    row = _row(session, year=year, unit_id=unit.id, for_update=True)
    if row is not None and row.state == S.DA_TIEP_NHAN:
        raise SubmissionRefused(f"Hồ sơ năm {year} của {unit.name} đã được Văn phòng Sở tiếp nhận ngày "
                                f"{format_date(row.state_on)}: không thu hồi được nữa. Cần thay đổi, xin liên hệ "
                                "Văn phòng Sở.")
    _not_in(row, unit, year, {S.DA_NOP}, "thu hồi")
    return _step(session, actor, row, S.THU_HOI, day=today or vietnam_today(),
                 reason=_reason(reason, required=False), unit=unit, action="thu_hoi_ho_so", summary="Thu hồi")


def send_back(session: Session, actor: Actor, *, year: int, unit_id: int, reason: str,
              today: date | None = None) -> Submission:
    """The Office returns a submitted dossier to its unit with the reason; the unit changes it and submits again."""
    require(actor, "tiep_nhan_ho_so")
    unit = _unit(session, unit_id)
    text = _reason(reason, required=True)
    row = _row(session, year=year, unit_id=unit.id, for_update=True)
    _not_in(row, unit, year, {S.DA_NOP}, "trả lại")
    return _step(session, actor, row, S.TRA_LAI, day=today or vietnam_today(), reason=text, unit=unit,
                 action="tra_lai_ho_so", summary="Trả lại")


def accept(session: Session, actor: Actor, *, year: int, unit_id: int, note: str | None = None,
           today: date | None = None) -> Submission:
    """The Office accepts a submitted dossier; from then on only the Office changes its nominations."""
    require(actor, "tiep_nhan_ho_so")
    unit = _unit(session, unit_id)
    row = _row(session, year=year, unit_id=unit.id, for_update=True)
    _not_in(row, unit, year, {S.DA_NOP}, "tiếp nhận")
    return _step(session, actor, row, S.DA_TIEP_NHAN, day=today or vietnam_today(),
                 reason=_reason(note, required=False), unit=unit, action="tiep_nhan_ho_so", summary="Tiếp nhận")
