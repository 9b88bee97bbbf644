"""What the Thành phần hồ sơ page shows of a year's documents, read in one call as plain data (kept per data version
by the page): every award's documents, the same as the table to read and export, and the kinds with their basis."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from tdkt.awards import checklist


@dataclass(frozen=True, slots=True)
class ChecklistView:
    """A year's documents per award: `requirements` is `checklist.requirement_table`; `shown` and `kinds` are the
    tables the page draws (Vietnamese titles), `decree` the form the achievement reports follow."""

    requirements: pd.DataFrame
    shown: pd.DataFrame
    kinds: pd.DataFrame
    decree: str


def checklist_view(session: Session, *, year: int) -> ChecklistView:
    """Return the documents every award needs in the year, to read and to set."""
    table = checklist.requirement_table(session, year=year)
    shown = pd.DataFrame({"Danh hiệu/Hình thức": table.award, "Tài liệu cần có": table.documents,
                          "Nguồn": table.configured.map({True: "Văn phòng đặt", False: "Mặc định"})})
    kinds = pd.DataFrame([{
        "Tài liệu": checklist.kind_label(k, year=year), "Căn cứ": checklist.kind_help(k, year=year),
        "Một bản cho cả danh sách": "Có" if k in checklist.LIST_KINDS else "Không"} for k in checklist.REQUIRABLE])
    return ChecklistView(table, shown, kinds, checklist.decree_for(year))
