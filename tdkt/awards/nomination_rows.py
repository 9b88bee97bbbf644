"""A nomination row in its two shapes: as written (`ParsedRow`, from a list or the hand-entry form), and checked
(`Record`, ready to write)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ParsedRow:
    """One data row of a list as found by the header mapping, before validation (texts NFC, stripped)."""

    sheet: str
    row: int  # Excel row number
    target: str | None = None  # "ca_nhan" | "tap_the" | "ho_gia_dinh" | None (from the section or the row)
    name: str | None = None
    honorific: str | None = None  # "Ông", "Bà", a rank…
    gender: str | None = None  # "Nam" | "Nữ" | None
    birth_year: int | None = None
    birth_date: Any = None  # datetime.date when the list gives a full date
    position: str | None = None
    unit: str | None = None
    department: str | None = None  # phòng/ban/tổ inside the unit, when a separate column
    award: str | None = None  # as written (title or form, or its national code)
    award_code: str | None = None  # a national HTKT code column, when present
    category: str | None = None  # phân loại đối tượng as written (name or national code)
    field: str | None = None  # lĩnh vực hoạt động
    achievements: str | None = None
    note: str | None = None
    cells: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # column header as written -> cell value


@dataclass(slots=True)
class Record:
    """A row ready to be written: canonical award, matched unit, category, person key."""

    sheet: str
    row: int
    target: str | None
    name: str | None
    gender: str | None
    birth_year: int | None
    position: str | None
    unit: str | None  # the unit's name when matched, else as written
    award: str | None  # the catalogue's canonical name, None when not recognised
    category: str | None
    award_id: int | None = None
    unit_id: int | None = None
    unit_text: str | None = None
    category_inferred: bool = False
    achievements: str | None = None
    errors: int = 0
    warnings: int = 0
    cells: Mapping[str, Any] = field(default_factory=dict)
    name_key: str = ""
    title: str | None = None  # an individual's honorifics, rank or degree ("Đại tá", "PGS.TS."), kept apart from name

    def as_dict(self) -> dict[str, Any]:
        """Return the record as the CLI's JSON shows it."""
        return {"row": self.row, "sheet": self.sheet, "target": self.target, "name": self.name, "gender": self.gender,
                "birth_year": self.birth_year, "position": self.position, "unit": self.unit, "award": self.award,
                "category": self.category}

    @property
    def person_key(self) -> tuple[str, int | None, int | None]:
        """Return the key a person is found by: (folded name, birth year, unit id)."""
        return self.name_key, self.birth_year, self.unit_id
