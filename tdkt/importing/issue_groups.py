"""The problems of an uploaded list grouped by what they say: one group per unknown value, with its rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tdkt.core.cell_issues import ImportIssue, Severity
from tdkt.core.text import format_number

if TYPE_CHECKING:
    import pandas as pd

FIRST_ROWS = 5  # rows named in a group's line; the rest are counted
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
FRAME_COLUMNS = ["Sheet", "Cột", "Số dòng", "Các dòng", "Nội dung"]


@dataclass(frozen=True, slots=True)
class IssueGroup:
    """The problems of a list that say the same thing about the same column of one sheet, and the rows they are on.

    A message names the value it is about ("Đơn vị “X” chưa có…"), so one group is one value: a 100k-row list with 50
    unknown unit names gives 50 groups instead of 37,500 lines.
    """

    severity: Severity
    sheet: str
    column: str | None
    code: str
    message: str
    rows: tuple[int, ...]  # every row it is on, in the list's order; empty for a problem of the whole file or sheet

    @property
    def label(self) -> str:
        """Return "Lỗi" or "Cảnh báo"."""
        return SEVERITY_LABELS[self.severity]

    def rows_text(self, first: int = FIRST_ROWS) -> str:
        """Return the first rows it is on, "8, 9, 15, 20, 31, …" when there are more (empty for the whole file)."""
        shown = ", ".join(str(r) for r in self.rows[:first])
        return shown + (", …" if len(self.rows) > first else "")

    def where(self) -> str:
        """Return where it is, as the CLI prints it: "Danh sách, dòng 8, cột “Đơn vị”" for one row, "Danh sách, cột
        “Đơn vị”, 1.234 dòng: 8, 9, 15, 20, 31, …" for several."""
        column = f"cột “{self.column}”" if self.column else ""
        if len(self.rows) == 1:
            parts = [self.sheet, f"dòng {self.rows[0]}", column]
        elif self.rows:
            parts = [self.sheet, column, f"{format_number(len(self.rows))} dòng: {self.rows_text()}"]
        else:
            parts = [self.sheet, column]
        return ", ".join(p for p in parts if p)


def group_issues(issues: Iterable[ImportIssue]) -> list[IssueGroup]:
    """Return the problems grouped by severity, sheet, column, code and message, in the order they first appear.

    A problem of the whole file or sheet (no row) stays a group of its own.
    """
    rows: dict[tuple, list[int]] = {}
    order: list[tuple] = []
    for issue in issues:
        key = (issue.severity, issue.sheet, issue.column, issue.code, issue.message)
        found = rows.get(key)
        if found is None:
            found = rows[key] = []
            order.append(key)
        if issue.row is not None:
            found.append(issue.row)
    return [IssueGroup(*key, tuple(rows[key])) for key in order]


def groups_frame(issues: Iterable[ImportIssue]) -> pd.DataFrame:
    """Return the grouped problems as the upload page shows them (one tab for errors, one for warnings): sheet,
    column, row count, first rows, message; the groups on most rows first."""
    import pandas as pd  # only the page draws a table: the CLI prints the groups without pandas

    groups = sorted(group_issues(issues), key=lambda g: -len(g.rows))
    return pd.DataFrame([[g.sheet, g.column or "", len(g.rows), g.rows_text(10), g.message] for g in groups],
                        columns=FRAME_COLUMNS)
