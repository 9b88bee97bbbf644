"""The tables of the Hội đồng Thi đua - Khen thưởng: a year's members, its meetings (rounds), attendance and votes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import utcnow


class CouncilRole(StrEnum):
    """A member's role in the council, in the order the lists and minutes name them."""

    CHU_TICH = "chu_tich"
    PHO_CHU_TICH = "pho_chu_tich"
    UY_VIEN_THU_KY = "uy_vien_thu_ky"
    UY_VIEN = "uy_vien"

    @property
    def label(self) -> str:
        return COUNCIL_ROLE_LABELS[self]


COUNCIL_ROLE_LABELS = {
    CouncilRole.CHU_TICH: "Chủ tịch",
    CouncilRole.PHO_CHU_TICH: "Phó Chủ tịch",
    CouncilRole.UY_VIEN_THU_KY: "Ủy viên thư ký",
    CouncilRole.UY_VIEN: "Ủy viên",
}


class Attendance(StrEnum):
    """Whether a member sat in a meeting: present, absent but voting in writing (as the minutes record), absent."""

    CO_MAT = "co_mat"
    VANG_BO_PHIEU = "vang_bo_phieu_bang_van_ban"
    VANG = "vang"

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]


ATTENDANCE_LABELS = {
    Attendance.CO_MAT: "Có mặt",
    Attendance.VANG_BO_PHIEU: "Vắng, bỏ phiếu bằng văn bản",
    Attendance.VANG: "Vắng",
}


class CouncilMember(SQLModel, table=True):
    """One member of a year's council: name, role, and the unit and position printed on the minutes."""

    __tablename__ = "council_member"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    full_name: str = Field(max_length=255)
    role: str = Field(max_length=16)
    unit: str | None = Field(default=None, max_length=255)
    position: str | None = Field(default=None, max_length=255)


class CouncilMeeting(SQLModel, table=True):
    """One meeting of a year's council: its round (1, or 2 for those who failed the first), date and place."""

    __tablename__ = "council_meeting"
    __table_args__ = (UniqueConstraint("year", "round_no"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    round_no: int
    meeting_date: date
    place: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


class CouncilAttendance(SQLModel, table=True):
    """Whether one member was at one meeting (Attendance)."""

    __tablename__ = "council_attendance"
    meeting_id: int = Field(foreign_key="council_meeting.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="council_member.id", primary_key=True, ondelete="CASCADE")
    attendance: str = Field(max_length=32)


class CouncilVote(SQLModel, table=True):
    """One nominee's tally in one meeting: votes in favour of all members, and the verdict by the rule of that day."""

    __tablename__ = "council_vote"
    __table_args__ = (UniqueConstraint("meeting_id", "nomination_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="council_meeting.id", index=True, ondelete="CASCADE")
    nomination_id: int = Field(foreign_key="nomination.id", index=True, ondelete="CASCADE")
    votes_for: int
    members: int
    threshold: int | None = None
    passed: bool | None = None
    basis: str | None = Field(default=None, sa_column=Column(SAText))
    recorded_at: datetime = Field(default_factory=utcnow)
