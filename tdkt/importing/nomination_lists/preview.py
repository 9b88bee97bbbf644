"""The preview the Office fixes before committing: rows as an editable table, edits applied, problems as a table."""

from __future__ import annotations

import dataclasses

import pandas as pd
from sqlmodel import Session

from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import TARGET_LABELS, Target
from tdkt.core.text import nfc
from tdkt.importing.nomination_lists.pipeline import FileReport, check_rows

# Editable columns: our field -> Vietnamese header.
EDITABLE = {
    "target": "Đối tượng",
    "name": "Họ tên / Tên tập thể",
    "gender": "Giới tính",
    "birth_year": "Năm sinh",
    "position": "Chức vụ",
    "unit": "Đơn vị",
    "award": "Danh hiệu/Hình thức",
    "category": "Phân loại đối tượng",
}
TARGET_BY_LABEL = {label: target.value for target, label in TARGET_LABELS.items()}


def rows_frame(report: FileReport) -> pd.DataFrame:
    """Return the parsed rows as the page's editable table, with each row's problems and the recognised award."""
    by_row: dict[tuple[str, int], list[ImportIssue]] = {}
    for issue in report.issues:
        if issue.row is not None:
            by_row.setdefault((issue.sheet, issue.row), []).append(issue)
    records = {(r.sheet, r.row): r for r in report.records}
    data = []
    for row in report.rows:
        record = records.get((row.sheet, row.row))
        found = by_row.get((row.sheet, row.row), [])
        data.append({
            "sheet": row.sheet, "row": row.row,
            "state": "Lỗi" if any(i.severity == "error" for i in found) else "Cảnh báo" if found else "Hợp lệ",
            "target": TARGET_LABELS.get(Target(record.target)) if record and record.target else None,
            "name": row.name, "gender": row.gender, "birth_year": row.birth_year, "position": row.position,
            "unit": row.unit, "award": row.award or row.award_code,
            "category": row.category or (record.category if record else None),
            "award_found": record.award if record else None,
            "category_inferred": bool(record and record.category_inferred and not row.category),
            "problems": " | ".join(i.message for i in found),
        })
    # What needs fixing first: the state and the problem, then the award and name people most often fix.
    columns = ["sheet", "row", "state", "problems", "name", "award", "award_found", "target", "gender", "birth_year",
               "position", "unit", "category", "category_inferred"]
    return pd.DataFrame(data, columns=columns)


def _clean(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        value = nfc(value)
        return value or None
    return value


def apply_edits(report: FileReport, edited: pd.DataFrame) -> list[ParsedRow]:
    """Return the report's parsed rows with the table's edits applied (rows matched by sheet and Excel row)."""
    changes = {(r["sheet"], int(r["row"])): r for r in edited.to_dict("records")}
    rows = []
    for row in report.rows:
        change = changes.get((row.sheet, row.row))
        if change is None:
            rows.append(row)
            continue
        birth = _clean(change["birth_year"])
        target = _clean(change["target"])
        rows.append(dataclasses.replace(
            row, target=TARGET_BY_LABEL.get(target, row.target) if target else None, name=_clean(change["name"]),
            gender=_clean(change["gender"]), birth_year=int(birth) if birth is not None else None,
            position=_clean(change["position"]), unit=_clean(change["unit"]), award=_clean(change["award"]),
            award_code=None if _clean(change["award"]) else row.award_code, category=_clean(change["category"]),
        ))
    return rows


def revalidate(session: Session, report: FileReport, rows: list[ParsedRow]) -> FileReport:
    """Return a copy of the report validated again after edits, as the first check did (parse problems of edited cells
    dropped; a fresh catalogue, since the Office may have added units)."""
    edited_keys = {(r.sheet, r.row) for r, old in zip(rows, report.rows, strict=True) if r != old}
    kept = [i for i in report.issues if i.code in {"repeated_file"} or (
        i.row is not None and (i.sheet, i.row) not in edited_keys and i.code in _PARSE_CODES)]
    records, issues = check_rows(session, report, rows)
    return dataclasses.replace(report, rows=rows, records=records, issues=kept + issues)


_PARSE_CODES = {"bad_birth_text", "bad_gender", "missing_name_parse", "bad_birth"}


def issues_frame(issues: list[ImportIssue]) -> pd.DataFrame:
    """Return problems as the page shows them: sheet, row, the user's column header, and what to do."""
    return pd.DataFrame(
        # A problem of the whole file or sheet has no row: an empty cell, not "None".
        [{"Sheet": i.sheet, "Dòng": "" if i.row is None else str(i.row), "Cột": i.column or "", "Nội dung": i.message}
         for i in issues],
        columns=["Sheet", "Dòng", "Cột", "Nội dung"],
    )


def edited(frame: pd.DataFrame, edited_frame: pd.DataFrame) -> bool:
    """Return True when the editable columns of the table were changed."""
    columns = list(EDITABLE)
    before = frame[columns].astype(object).where(frame[columns].notna(), None)
    after = edited_frame[columns].astype(object).where(edited_frame[columns].notna(), None)
    return not before.reset_index(drop=True).equals(after.reset_index(drop=True))
