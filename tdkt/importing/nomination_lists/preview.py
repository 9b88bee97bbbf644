"""The preview the Office fixes before committing: rows as an editable table (cells edited, rows deleted), the
file's year and award answers, rows dropped in one action, problems as a table."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sqlmodel import Session

from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import TARGET_LABELS
from tdkt.core.text import nfc
from tdkt.importing.nomination_lists.pipeline import FileReport, recheck

# Editable columns: our field -> Vietnamese header.
EDITABLE = {
    "target": "Đối tượng",
    "honorific": "Danh xưng, cấp bậc, học vị",
    "name": "Họ tên / Tên tập thể",
    "gender": "Giới tính",
    "birth_year": "Năm sinh",
    "position": "Chức vụ",
    "unit": "Đơn vị",
    "award": "Danh hiệu/Hình thức",
    "category": "Phân loại đối tượng",
}
TARGET_BY_LABEL = {label: target.value for target, label in TARGET_LABELS.items()}
# The rows one action drops: another unit's rows in a unit account's list, rows already on record for the year.
OTHER_UNIT, ON_RECORD = "other_unit", "already_in_database"


def _text(value) -> str:
    """Return a cell as the preview shows it: empty for nothing (never "None" or "nan"), numbers without ".0"."""
    if type(value) is str:  # the common case, first: 900k cells for 100k rows
        return value
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_COLUMNS = ["sheet", "row", "state", "problems", "honorific", "name", "award", "award_found", "target", "gender",
            "birth_year", "position", "unit", "category", "category_inferred"]


def rows_frame(report: FileReport) -> pd.DataFrame:
    """Return the parsed rows as the page's editable table, with each row's problems and the recognised award.

    Every shown cell is text (the checkbox aside), so an empty cell is empty; the unit a row takes without writing
    one (a collective's own, a unit account's) is shown in it. Built column by column: row dicts took twice as long
    at 100k rows.
    """
    by_row: dict[tuple[str, int], list[ImportIssue]] = {}
    for issue in report.issues:
        if issue.row is not None:
            by_row.setdefault((issue.sheet, issue.row), []).append(issue)
    records = {(r.sheet, r.row): r for r in report.records}
    targets = {t.value: label for t, label in TARGET_LABELS.items()}
    columns: dict[str, list] = {name: [] for name in _COLUMNS}
    for row in report.rows:
        key = (row.sheet, row.row)
        record = records.get(key)
        found = by_row.get(key)
        columns["sheet"].append(row.sheet)
        columns["row"].append(row.row)
        columns["state"].append("Hợp lệ" if not found else "Lỗi" if any(i.severity == "error" for i in found)
                                else "Cảnh báo")
        columns["problems"].append(" | ".join(i.message for i in found) if found else "")
        columns["honorific"].append(_text(row.honorific))  # split from the name ("Đại tá", "Ông"), printed with it
        columns["name"].append(_text(row.name))
        columns["award"].append(_text(row.award or row.award_code))
        columns["award_found"].append(_text(record.award) if record else "")
        columns["target"].append(targets.get(record.target, "") if record and record.target else "")
        columns["gender"].append(_text(row.gender))
        columns["birth_year"].append(_text(row.birth_year))
        columns["position"].append(_text(row.position))
        columns["unit"].append(_text(row.unit or (record.unit if record else None)))
        columns["category"].append(_text(row.category or (record.category if record else None)))
        columns["category_inferred"].append(bool(record and record.category_inferred and not row.category))
    # What needs fixing first: the state and the problem, then the award and name people most often fix.
    frame = pd.DataFrame({name: pd.Series(values, dtype="int64" if name == "row" else bool
                                          if name == "category_inferred" else object)
                          for name, values in columns.items()}, columns=_COLUMNS)
    return frame


def _clean(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        value = nfc(value).strip()
        return value or None
    return value


def _birth(value, old: int | None) -> int | None:
    """Return a year typed in the birth year cell (text or number); what cannot be read keeps the row's old one."""
    value = _clean(value)
    if value is None:
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return old


def apply_edits(report: FileReport, edited: pd.DataFrame, shown: pd.DataFrame | None = None) -> list[ParsedRow]:
    """Return the report's parsed rows with the table's edits applied (rows matched by sheet and Excel row); a row
    deleted from the table is left out, a row left as shown (`shown`: the table before the edits) stays as read.

    The changed rows are found by comparing the two tables whole (a cell by cell loop in Python took 15 s at 100k
    rows); only they are rebuilt.
    """
    shown = rows_frame(report) if shown is None else shown
    columns = list(EDITABLE)
    before = shown.set_index(["sheet", "row"])[columns]
    after = edited.assign(row=edited["row"].astype("int64")).set_index(["sheet", "row"])[columns]
    kept = before.index.isin(after.index)
    after = after.reindex(before.index[kept])
    changed = (_comparable(before[kept]) != _comparable(after)).any(axis=1)
    changes = {key: dict(zip(columns, values, strict=True))
               for key, values in zip(after.index[changed], after[changed].to_numpy(), strict=True)}
    present = set(before.index[kept])
    rows = []
    for row in report.rows:
        key = (row.sheet, row.row)
        if key not in present:
            continue  # deleted in the table
        change = changes.get(key)
        if change is None:
            rows.append(row)  # untouched: kept as read, so it keeps what the reader found
            continue
        target = _clean(change["target"])
        award = _clean(change["award"])
        rows.append(dataclasses.replace(
            row, target=TARGET_BY_LABEL.get(target, row.target) if target else None, name=_clean(change["name"]),
            honorific=_clean(change["honorific"]),
            gender=_clean(change["gender"]), birth_year=_birth(change["birth_year"], row.birth_year),
            position=_clean(change["position"]), unit=_clean(change["unit"]), award=award,
            award_code=None if award else row.award_code, category=_clean(change["category"]),
        ))
    return rows


def _comparable(frame: pd.DataFrame) -> np.ndarray:
    """Return cells as comparable values: a cleared cell ("" or None) is "" (pandas 3's string conversion of the
    whole table took 1.5 s at 100k rows; numpy compares the objects in 0.1 s)."""
    values = frame.to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values)


def revalidate(session: Session, report: FileReport, rows: list[ParsedRow]) -> FileReport:
    """Return a copy of the report validated again after edits, as the first check did (a fresh catalogue, since the
    Office may have added units; the year, award answers, unit scope and received date it carries)."""
    return recheck(session, report, rows)


def with_year(session: Session, report: FileReport, year: int) -> FileReport:
    """Return the report checked again for another achievement year, chosen for this file."""
    return recheck(session, dataclasses.replace(report, year=int(year), year_source="given"))


def with_award(session: Session, report: FileReport, text: str, award: str | None) -> FileReport:
    """Return the report checked again with `award` answering the award text `text` (None: the answer withdrawn)."""
    answers = {k: v for k, v in report.award_map.items() if k != text}
    if award:
        answers[text] = award
    return recheck(session, dataclasses.replace(report, award_map=answers))


def rows_with(report: FileReport, code: str) -> set[tuple[str, int]]:
    """Return (sheet, row) of the rows with a problem of this code."""
    return {(i.sheet, i.row) for i in report.issues if i.code == code and i.row is not None}


def drop_rows(session: Session, report: FileReport, keys: set[tuple[str, int]]) -> FileReport:
    """Return the report checked again without the rows of these (sheet, row) keys."""
    return recheck(session, report, [r for r in report.rows if (r.sheet, r.row) not in keys])


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a table as a preview shows it: every cell text, a missing one empty (never "None", "nan" or "<NA>")."""
    return pd.DataFrame({c: [_text(v) for v in frame[c].tolist()] for c in frame.columns}, columns=frame.columns,
                        dtype=object)


def issues_frame(issues: list[ImportIssue]) -> pd.DataFrame:
    """Return problems as the page shows them: sheet, row, the user's column header, and what to do."""
    return pd.DataFrame(
        # A problem of the whole file or sheet has no row: an empty cell, not "None".
        [{"Sheet": i.sheet, "Dòng": "" if i.row is None else str(i.row), "Cột": i.column or "", "Nội dung": i.message}
         for i in issues],
        columns=["Sheet", "Dòng", "Cột", "Nội dung"],
    )


def edited(frame: pd.DataFrame, edited_frame: pd.DataFrame) -> bool:
    """Return True when the editable columns of the table were changed or a row was deleted."""
    if len(frame) != len(edited_frame):
        return True
    columns = list(EDITABLE)
    return bool((_comparable(frame[columns]) != _comparable(edited_frame[columns])).any())
