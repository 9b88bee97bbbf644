"""The table of Đăng ký thi đua: the titles each unit registers for at the start of a year, one row per target."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import utcnow


class Registration(SQLModel, table=True):
    """One registered title: a unit's person (one on record, or a name with a position) or collective (the unit or a
    named part of it) aiming for one award in one year."""

    __tablename__ = "registration"
    # The same person or collective registered twice for one award in one year is refused; the key is the folded name
    # within the unit, so "Nguyễn Văn An" and "nguyen van an" are one.
    __table_args__ = (UniqueConstraint("year", "unit_id", "target", "name_key", "award_id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    target: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    name: str = Field(max_length=255)
    name_key: str = Field(max_length=255)
    position: str | None = Field(default=None, max_length=255)
    award_id: int = Field(foreign_key="award.id", index=True)
    note: str | None = Field(default=None, sa_column=Column(SAText))
    registered_on: date
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
