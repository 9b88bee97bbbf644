"""What a computed statistical form is: its period, columns (a heading path each), rows with codes, and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from tdkt.core.text import format_date, format_number

CIRCULAR = "Thông tư số 02/2023/TT-BNV ngày 23/3/2023"
ISSUED_UNDER = f"Ban hành theo {CIRCULAR}"
RECEIVED_ON = "Ngày 15 tháng 12 năm báo cáo"


def default_receiver(place: str) -> str:
    """Return the receiving unit printed when none is given: the province's Sở Nội vụ, which took over the Ban Thi
    đua - Khen thưởng's work in 2025 [inferred, unconfirmed; the Office types another on the page or with
    --receiver]."""
    return f"Sở Nội vụ tỉnh {place}"


@dataclass(frozen=True, slots=True)
class Period:
    """The form's own reporting period: 01/12 of the year before to 30/11 of the reporting year, both days in."""

    year: int
    start: date
    end: date

    def contains(self, day: date | None) -> bool:
        """Return True when the day lies in the period (a missing day never does)."""
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """Return the period as the form prints it: "Năm 2024 (từ 01/12/2023 đến 30/11/2024)"."""
        return f"Năm {self.year} (từ {format_date(self.start)} đến {format_date(self.end)})"


def period(year: int) -> Period:
    """Return the reporting period of the forms for a year (TT 02/2023: 01/12/(Y−1)–30/11/Y)."""
    return Period(year=year, start=date(year - 1, 12, 1), end=date(year, 11, 30))


@dataclass(frozen=True, slots=True)
class FormColumn:
    """One value column: its heading from the top level down (levels with the same text side by side are merged) and
    the number printed under it ("1", "2", "2.1")."""

    path: tuple[str, ...]
    number: str

    @property
    def title(self) -> str:
        """Return the heading as one line: "Chia ra – Bằng khen"."""
        return " – ".join(self.path)


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of the form: a coded row with one value a column, or a heading (no code, no values)."""

    label: str
    code: str | None = None
    unit: str | None = None  # column C, "Đơn vị tính" (0602 and 0603 only)
    values: tuple[int, ...] = ()
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class FormTable:
    """A statistical form filled in for one year: what the .xlsx, the page and `forms --json` show."""

    code: str  # "0601.N/BNV-TĐKT"
    title: str
    period: Period
    columns: list[FormColumn]
    rows: list[FormRow]
    has_unit_column: bool
    measure: str | None = None  # "Đơn vị tính: Phong trào" under the title (0601 only)
    notes: list[str] = field(default_factory=list)  # what was inferred, left out or is unconfirmed
    details: pd.DataFrame = field(default_factory=pd.DataFrame)  # what was counted, one row per item, Vietnamese

    def coded(self) -> list[FormRow]:
        """Return the rows with a code, in order."""
        return [row for row in self.rows if row.code is not None]

    def value(self, code: str, column: int = 0) -> int:
        """Return the value of the row with this code in a column (0 = Tổng số)."""
        return next(row for row in self.rows if row.code == code).values[column]

    def as_json(self) -> dict:
        """Return the form as `forms --json` prints it: form, year, columns, the coded rows (code, label, values)."""
        return {"form": self.code, "year": self.period.year, "columns": [c.title for c in self.columns],
                "rows": [{"code": r.code, "label": r.label, "values": list(r.values)} for r in self.coded()]}

    def frame(self) -> pd.DataFrame:
        """Return every row as the page shows it: label, Mã số, (Đơn vị tính,) one column a value column."""
        titles = [f"{c.number}. {c.title}" for c in self.columns]
        records = []
        for row in self.rows:
            record = {"Chỉ tiêu": row.label, "Mã số": row.code or ""}
            if self.has_unit_column:
                record["Đơn vị tính"] = row.unit or ""
            values = row.values or (None,) * len(titles)  # a heading row has no figures: blank, never "nan"
            record |= {t: "" if v is None else format_number(v) for t, v in zip(titles, values, strict=True)}
            records.append(record)
        return pd.DataFrame(records)


def add(values: list[int], columns: list[int], *, n: int = 1) -> None:
    """Count n items into the Tổng số column (0) and the given columns."""
    values[0] += n
    for column in columns:
        values[column] += n
