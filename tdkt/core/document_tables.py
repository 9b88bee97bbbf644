"""The tables of the Office's documents: its own templates per kind and year, and the register of generated ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import utcnow


class GeneratedDocument(SQLModel, table=True):
    """One document the app generated (a draft, a certificate, a form): who, when, and its bytes in the file store
    under their SHA-256, so that it can be downloaded again exactly as it was made."""

    __tablename__ = "generated_document"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    kind: str = Field(max_length=32)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_by_name: str = Field(max_length=255)  # the account's name then, or "dòng lệnh" for the command line
    created_at: datetime = Field(default_factory=utcnow, index=True)
    detail: str | None = Field(default=None, sa_column=Column(SAText))  # the options it was made with, for people


class DocumentTemplate(SQLModel, table=True):
    """The Office's own .docx template of one kind of draft for one year (none: the built-in one is used)."""

    __tablename__ = "document_template"
    __table_args__ = (UniqueConstraint("year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    kind: str = Field(max_length=32)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)
