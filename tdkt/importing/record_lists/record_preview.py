"""The checked rows of a record list as the page previews them: one line a row, its state and its problems."""

from __future__ import annotations

import pandas as pd

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import DISCIPLINE_LABELS, MERIT_KIND_LABELS, RATING_LABELS, SCOPE_LABELS, Rating
from tdkt.core.text import format_date
from tdkt.importing.cells import CA_NHAN, TAP_THE
from tdkt.importing.record_lists.record_rows import RecordReport

# Vietnamese titles of rows_frame's columns, for the page to show.
PREVIEW_LABELS = {
    "sheet": "Sheet", "row": "Dòng", "state": "Tình trạng", "problems": "Vấn đề", "target": "Đối tượng",
    "name": "Họ tên / Tên tập thể", "birth_year": "Năm sinh", "unit": "Đơn vị", "person": "Cá nhân", "year": "Năm",
    "rating": "Xếp loại", "level": "Hình thức kỷ luật", "open": "Đang xem xét/điều tra", "award": "Danh hiệu/Hình thức",
    "merit_kind": "Loại khen thưởng", "title": "Tên sáng kiến", "authors": "Tác giả", "scope": "Phạm vi ảnh hưởng",
    "decision": "Quyết định", "note": "Ghi chú",
}
_PREVIEW_COLUMNS = {
    "xep_loai": ["target", "name", "birth_year", "unit", "person", "year", "rating"],
    "ky_luat": ["target", "name", "birth_year", "unit", "person", "year", "level", "open", "decision"],
    "khen_truoc": ["target", "name", "birth_year", "unit", "person", "year", "award", "merit_kind", "decision"],
    "sang_kien": ["title", "authors", "unit", "year", "scope", "decision"],
}


def rows_frame(report: RecordReport) -> pd.DataFrame:
    """Return the checked rows as read (English columns; PREVIEW_LABELS titles them), each with its problems."""
    by_row: dict[tuple[str, int], list[ImportIssue]] = {}
    for issue in report.issues:
        if issue.row is not None:
            by_row.setdefault((issue.sheet, issue.row), []).append(issue)
    data = []
    for r in report.rows:
        found = by_row.get((r.sheet, r.row), [])
        decision = ", ".join(p for p in (r.decision_number and f"Số {r.decision_number}",
                                         r.decision_date and f"ngày {format_date(r.decision_date)}",
                                         r.decision_authority) if p)
        data.append({
            "sheet": r.sheet, "row": r.row,
            "state": "Lỗi" if r.errors else "Cảnh báo" if r.warnings else "Hợp lệ",
            "problems": " | ".join(i.message for i in found),
            "target": {CA_NHAN: "Cá nhân", TAP_THE: "Tập thể"}.get(r.target or ""), "name": r.name,
            "birth_year": r.birth_year, "unit": r.unit,
            "person": ("Đã có" if r.person_id else "Thêm mới") if r.target == CA_NHAN and r.name else None,
            "year": r.year, "rating": RATING_LABELS[Rating(r.rating)] if r.rating else None,
            "level": DISCIPLINE_LABELS.get(r.level or "", None), "open": "Có" if r.open else "",
            "award": r.award, "merit_kind": MERIT_KIND_LABELS.get(r.merit_kind or ""), "title": r.title,
            "authors": "; ".join(a.name + ("" if a.person_id else " (mới)") for a in r.authors),
            "scope": SCOPE_LABELS.get(r.scope or ""), "decision": decision, "note": r.note,
        })
    columns = ["sheet", "row", "state", "problems", *_PREVIEW_COLUMNS[report.kind], "note"]
    frame = pd.DataFrame(data, columns=list(PREVIEW_LABELS)).reindex(columns=columns)
    return frame.astype({c: "Int64" for c in ("birth_year", "year") if c in frame.columns})
