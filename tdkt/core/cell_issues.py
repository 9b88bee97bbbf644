"""The problem-with-a-cell type every check of an uploaded list or a form returns: data, collected, never raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem in an uploaded list, pointing at the cell to fix."""

    file: str
    sheet: str
    row: int | None  # the row number Excel shows; None = the whole file or sheet
    column: str | None  # header as the user wrote it; None = whole row
    code: str  # stable id, e.g. "unknown_award"
    message: str  # Vietnamese: what is wrong, what to do
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as the CLI's JSON shows it."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "code": self.code, "message": self.message}
