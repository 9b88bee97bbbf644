"""The tables of units' yearly submissions (Tiếp nhận hồ sơ): one per unit and year, its steps, the year's deadline."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import UnitKind, utcnow


class SubmissionState(StrEnum):
    """Where a unit's submission of a year stands; "Chưa nộp" is also what a unit without a row is in."""

    CHUA_NOP = "chua_nop"
    DA_NOP = "da_nop"
    TRA_LAI = "tra_lai"
    DA_TIEP_NHAN = "da_tiep_nhan"
    THU_HOI = "thu_hoi"

    @property
    def label(self) -> str:
        return SUBMISSION_STATE_LABELS[self]


SUBMISSION_STATE_LABELS = {
    SubmissionState.CHUA_NOP: "Chưa nộp",
    SubmissionState.DA_NOP: "Đã nộp",
    SubmissionState.TRA_LAI: "Trả lại",
    SubmissionState.DA_TIEP_NHAN: "Đã tiếp nhận",
    SubmissionState.THU_HOI: "Thu hồi",
}
# States in which the Office holds the dossier: the unit cannot change its nominations of that year.
HELD_STATES = frozenset({SubmissionState.DA_NOP, SubmissionState.DA_TIEP_NHAN})
# The kinds of unit that send a yearly dossier to the Office (plan III.1: "các phòng, đơn vị trực thuộc", the unions).
SUBMITTING_KINDS = (UnitKind.PHONG, UnitKind.TRUC_THUOC, UnitKind.DOAN_THE)


class Submission(SQLModel, table=True):
    """One unit's dossier for one achievement year: its current state, the latest step and the latest submit date."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("year", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id")
    state: str = Field(max_length=16)
    state_on: date
    state_at: datetime = Field(default_factory=utcnow)
    state_by: int | None = Field(default=None, foreign_key="app_user.id")
    # The date of the latest "Đã nộp" step: the received date of the unit's nominations and the base of lateness.
    submitted_on: date | None = None


class SubmissionStep(SQLModel, table=True):
    """One step of a submission (nộp, trả lại, tiếp nhận, thu hồi) with who took it, when and why."""

    __tablename__ = "submission_step"
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    state: str = Field(max_length=16)
    step_on: date
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    username: str = Field(max_length=64)
    reason: str | None = Field(default=None, sa_column=Column(SAText))
    nominations: int = 0


class SubmissionDeadline(SQLModel, table=True):
    """The Office's deadline for a year's dossiers, when it differs from the plan's (else the plan's, else 15/12)."""

    __tablename__ = "submission_deadline"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    deadline: date
    set_by: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = Field(default_factory=utcnow)
