"""The check every unit-account write of a year's nominations (and their attachments) calls: not while submitted.

It sits in core so that the writers below `tdkt.submissions` (hand entry, the list importer and its undo, the
attachments) can call it; the states themselves are moved by `tdkt.submissions.submissions`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from tdkt.core.errors import Refused
from tdkt.core.models import Role, Unit
from tdkt.core.permissions import Actor
from tdkt.core.submission_tables import HELD_STATES, Submission, SubmissionState
from tdkt.core.text import format_date


class SubmissionHeld(Refused):
    """A unit account tried to change nominations of a dossier it has submitted; the message says what to do."""


def held_message(unit: str, year: int, state: str, on: object) -> str:
    """Return the Vietnamese refusal for a change to a submitted or accepted dossier."""
    if state == SubmissionState.DA_TIEP_NHAN:
        return (f"Hồ sơ khen thưởng năm {year} của {unit} đã được Văn phòng Sở tiếp nhận ngày {format_date(on)}: "
                "đơn vị không sửa được nữa. Cần thay đổi, xin liên hệ Văn phòng Sở.")
    return (f"Hồ sơ khen thưởng năm {year} của {unit} đã nộp ngày {format_date(on)} và đang chờ Văn phòng Sở tiếp "
            "nhận: đơn vị không sửa được. Muốn sửa, thu hồi hồ sơ ở trang “Tiếp nhận hồ sơ” rồi nộp lại.")


def require_unit_can_change(session: Session, actor: Actor | None, *, year: int | None,
                            unit_ids: Iterable[int | None]) -> None:
    """Raise SubmissionHeld when a unit account would change a year's nominations of a unit whose dossier of that
    year is submitted ("Đã nộp") or accepted ("Đã tiếp nhận"). The Office and everyone else pass: they may."""
    ids = {i for i in unit_ids if i is not None}
    if actor is None or actor.role != Role.DON_VI or year is None or not ids:
        return
    held = session.exec(
        select(Unit.name, Submission.state, Submission.submitted_on, Submission.state_on)
        .join(Unit, Submission.unit_id == Unit.id)
        .where(Submission.year == year, col(Submission.unit_id).in_(ids),
               col(Submission.state).in_([s.value for s in HELD_STATES]))
    ).first()
    if held is not None:
        name, state, submitted_on, state_on = held
        raise SubmissionHeld(held_message(name, year, state, state_on if state == SubmissionState.DA_TIEP_NHAN
                                          else submitted_on))
