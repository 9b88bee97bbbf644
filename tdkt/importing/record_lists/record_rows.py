"""What a checked record list holds: its rows and their authors, the report on one file, what a commit wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import RECORD_KINDS, ImportBatch
from tdkt.core.text import format_date
from tdkt.importing.report import IssueReport

KINDS = RECORD_KINDS  # the four record kinds a list can be of: key -> Vietnamese name


@dataclass(slots=True)
class Author:
    """One author of an initiative as written, and the person it matched (None: a new person)."""

    name: str
    name_key: str
    birth_year: int | None = None
    person_id: int | None = None


@dataclass(slots=True)
class RecordRow:
    """One checked data row of a record list (fields of the other kinds stay None)."""

    sheet: str
    row: int
    target: str | None = None
    name: str | None = None
    name_key: str = ""
    gender: str | None = None
    birth_year: int | None = None
    position: str | None = None
    unit_text: str | None = None
    unit_id: int | None = None
    unit: str | None = None
    year: int | None = None
    rating: str | None = None
    level: str | None = None
    open: bool = False
    award_id: int | None = None
    award: str | None = None
    merit_kind: str | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    decision_authority: str | None = None
    title: str | None = None
    scope: str | None = None
    authors: list[Author] = field(default_factory=list)
    note: str | None = None
    person_id: int | None = None  # the person this row is about, when already known
    replaces: str | None = None  # the rating on record this row will replace
    errors: int = 0
    warnings: int = 0

    @property
    def person_key(self) -> tuple[str, int | None, int | None]:
        """Return what finds this row's person: (folded name, birth year, unit id)."""
        return self.name_key, self.birth_year, self.unit_id

    def as_dict(self) -> dict[str, Any]:
        """Return the row as JSON shows it (dates dd/mm/yyyy)."""
        return {"sheet": self.sheet, "row": self.row, "target": self.target, "name": self.name,
                "birth_year": self.birth_year, "unit": self.unit, "year": self.year, "rating": self.rating,
                "level": self.level, "open": self.open, "award": self.award, "merit_kind": self.merit_kind,
                "decision_number": self.decision_number, "decision_date": format_date(self.decision_date) or None,
                "decision_authority": self.decision_authority, "title": self.title, "scope": self.scope,
                "authors": [a.name for a in self.authors], "note": self.note}


@dataclass(slots=True)
class RecordReport(IssueReport):
    """Everything the page shows about one checked file of one kind."""

    kind: str
    file: str
    sha256: str
    year: int | None = None
    sheets: list[str] = field(default_factory=list)
    header_rows: dict[str, int] = field(default_factory=dict)  # sheet -> Excel row of its (last) header row
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> our field -> header as written
    encodings: dict[str, str] = field(default_factory=dict)  # sheet -> "TCVN3" | "VNI" when converted
    rows: list[RecordRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    repeated: list[ImportBatch] = field(default_factory=list)
    unreadable: bool = False
    imported: int = 0
    batch_id: int | None = None

    def blocked_reason(self, *, force: bool = False) -> str | None:
        """Return why the file cannot be written now (Vietnamese, to follow "Chưa nhập được: "), or None."""
        if self.unreadable:
            return "tệp không đọc được."
        if self.errors:
            return f"còn {len(self.errors)} lỗi, sửa trong tệp rồi tải lên lại."
        if not self.rows:
            return "tệp không có dòng nào để nhập."
        if self.repeated and not force:
            return "tệp này đã được nhập trước đó, chọn “Vẫn nhập” nếu chắc chắn."
        return None

    def json_fields(self) -> dict[str, Any]:
        """Return the report as the command line's --json prints it, its problems and rows still objects (`as_json`)."""
        return {"file": self.file, "kind": self.kind, "sheets": self.sheets, "rows": len(self.rows),
                "imported": self.imported, "batch_id": self.batch_id, "errors": self.errors,
                "warnings": self.warnings, "records": self.rows}


@dataclass(frozen=True, slots=True)
class RecordCommit:
    """What a commit wrote."""

    batch_id: int
    rows: int
    people_added: int
    replaced: int  # ratings on record whose value this batch changed (the ones the check warned about)
