"""The tables of dossier documents: attachments in the file store, the checklist per award and year, unit e-mails."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import utcnow


class Attachment(SQLModel, table=True):
    """A document of a dossier: on one nomination, or on a unit's submission of a year (nomination_id None).

    The bytes live in the file store under their SHA-256; `file_name` is the name the user uploaded, kept only for
    the download. `year` and `unit_id` copy the nomination's at upload (for a nomination's document) or name the
    submission; who may see or change it is read from the nomination itself when there is one.
    """

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    # Undoing an import deletes its nominations in bulk: their documents go with them (the files become orphans,
    # which the store's sweep removes).
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    sha256: str = Field(max_length=64, index=True)
    size: int
    media_type: str = Field(max_length=128)
    file_name: str = Field(max_length=255)
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)


class DossierRequirement(SQLModel, table=True):
    """The documents the Office requires for one award in one year (document kinds, comma-separated, in order).

    No row: the built-in defaults of `tdkt.awards.checklist` apply; a row with no kinds requires nothing.
    """

    __tablename__ = "dossier_requirement"
    __table_args__ = (UniqueConstraint("year", "award_id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    award_id: int = Field(foreign_key="award.id", index=True, ondelete="CASCADE")
    kinds: str = Field(default="", sa_column=Column(SAText, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class UnitEmail(SQLModel, table=True):
    """Where a unit's reminders go: one or more e-mail addresses, kept by the Office."""

    __tablename__ = "unit_email"
    unit_id: int = Field(primary_key=True, foreign_key="unit.id", ondelete="CASCADE")
    emails: str = Field(max_length=500)


class ReminderSent(SQLModel, table=True):
    """One reminder e-mail to one unit: at most one per unit, kind and day (the unique key makes it so)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "sent_on"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True, ondelete="CASCADE")
    year: int
    kind: str = Field(max_length=16)
    sent_on: date
    reference: str | None = Field(default=None, max_length=64)  # what it was about: the return step's id
    recipients: str = Field(max_length=500)
    status: str = Field(default="dang_gui", max_length=16)  # dang_gui while the server is being talked to, then da_gui
    at: datetime = Field(default_factory=utcnow)
