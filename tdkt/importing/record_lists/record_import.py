"""Importing the records the rules need (ratings, discipline, past awards, initiatives) from Excel: check, batch, undo.

The same safe reader, legacy-encoding conversion, problems (ImportIssue) and one-transaction commit as the nomination
lists; each file becomes one ImportBatch whose `kind` is a key of models.RECORD_KINDS.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from io import BytesIO
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from tdkt.awards.catalogue_lookup import Catalogue
from tdkt.awards.nomination_rows import Record
from tdkt.awards.person_ids import people_ids
from tdkt.core import audit

# The cell and row helpers both importers use: section rows, signature block, numbering rows, birth cells.
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.db import bulk_insert
from tdkt.core.export import safe_cell
from tdkt.core.models import (
    DISCIPLINE_LABELS,
    MERIT_KIND_LABELS,
    RATING_LABELS,
    SCOPE_LABELS,
    Assessment,
    AuditLog,
    Award,
    DisciplineRecord,
    ImportBatch,
    InitiativeAuthor,
    InitiativeRecord,
    Nomination,
    PastAward,
    Person,
    Rating,
    User,
    utcnow,
)
from tdkt.core.permissions import Actor, PermissionDenied, require
from tdkt.core.text import fold, format_date, format_datetime
from tdkt.importing import legacy
from tdkt.importing.batches import BATCH_STATUS_LABELS, DONE, UNDONE, ImportRefused
from tdkt.importing.cells import CA_NHAN, TAP_THE
from tdkt.importing.issues import UnreadableFile
from tdkt.importing.read import read_workbook
from tdkt.importing.record_lists.record_headers import DEFAULT_HEADERS, find_header, missing_header_message
from tdkt.importing.record_lists.record_rows import KINDS, Author, RecordCommit, RecordReport, RecordRow
from tdkt.importing.record_lists.record_sheet import RecordSheet
from tdkt.importing.record_lists.record_values import (
    read_authors,
    read_date,
    read_level,
    read_merit_kind,
    read_rating,
    read_scope,
)
from tdkt.importing.template_style import BOX as _BOX
from tdkt.importing.template_style import EXAMPLE_NOTE
from tdkt.importing.template_style import write_title as _title

__all__ = [
    "KINDS", "PREVIEW_LABELS", "Author", "RecordRow", "RecordReport", "RecordCommit", "check_records",
    "commit_records", "import_records", "undo_records", "record_history", "previous_batches", "rows_frame",
    "template", "template_for", "read_rating", "read_level", "read_merit_kind", "read_scope", "read_date",
    "read_authors",
]

_TABLES = {"xep_loai": Assessment, "ky_luat": DisciplineRecord, "khen_truoc": PastAward, "sang_kien": InitiativeRecord}



# ---------------------------------------------------------------------------------------------------------------
# Checking a file


def _is_instructions(sheet: str) -> bool:
    return fold(sheet) in {"huong dan", "vi du", "danh muc", "danhmuc"}


def check_records(
    session: Session,
    data: bytes,
    *,
    kind: str,
    file_name: str,
    settings: Settings,
    year: int | None = None,
    actor: Actor | None = None,
    today: date | None = None,
) -> RecordReport:
    """Read, parse and check one file of a record kind without writing anything.

    `year` applies to rows that give none (else the title's year, else the decision date's); a unit user's rows must
    be of its own unit (blank unit = its unit).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    today = today or date.today()
    report = RecordReport(kind=kind, file=file_name, sha256=hashlib.sha256(data).hexdigest(), year=year)
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        report.unreadable = True
        report.issues.append(ImportIssue(file_name, "", None, None, error.code, error.message))
        return report
    cat = Catalogue(session)
    own_unit = None
    if actor is not None and actor.role.value == "don_vi":
        own_unit = next((u for u in cat.units.values() if u.id == actor.unit_id), None)
        if own_unit is None:
            raise PermissionDenied("Tài khoản đơn vị chưa được gắn với đơn vị nào: nhờ quản trị gắn đơn vị.")
    found: list[RecordSheet] = []
    for sheet in sheets:
        if _is_instructions(sheet.name):
            continue
        encoding = legacy.convert_sheet(sheet)
        header = find_header(sheet.rows, kind)
        if header is None:
            continue
        reader = RecordSheet(sheet, header, kind=kind, file=file_name, cat=cat, given_year=year, today=today,
                        own_unit=own_unit)
        reader.read()
        if not reader.rows and sheet.hidden:
            continue
        found.append(reader)
        if encoding:
            report.encodings[sheet.name] = encoding
    with_rows = [s for s in found if s.rows]
    if not found:
        report.unreadable = True
        others = [KINDS[k] for k in KINDS if k != kind and any(find_header(s.rows, k) for s in sheets
                                                               if not _is_instructions(s.name))]
        report.issues.append(ImportIssue(file_name, "", None, None, "no_header",
                                         missing_header_message(kind, file_name, others[0] if others else None)))
        return report
    if not with_rows:
        where = "; ".join(f"sheet “{s.sheet.name}” dòng {s.header.last_row + 1}" for s in found)
        report.issues.append(ImportIssue(file_name, found[0].sheet.name, None, None, "empty_list",
                                         f"Tệp “{file_name}” có dòng tiêu đề cột ({where}) nhưng chưa có dòng dữ liệu "
                                         "nào. Điền danh sách bên dưới dòng tiêu đề rồi tải lên lại."))
    for reader in with_rows:
        report.sheets.append(reader.sheet.name)
        report.header_rows[reader.sheet.name] = reader.header.last_row + 1
        report.columns[reader.sheet.name] = reader.columns
        report.rows.extend(reader.rows)
        report.issues.extend(reader.issues)
    later: list[ImportIssue] = []
    for row in report.rows:
        if row.year is None and not any(i.row == row.row and i.sheet == row.sheet
                                        and i.code in ("bad_year", "future_year")
                                        for i in report.issues):
            _add(later, report, row, "year", "missing_year", "Thiếu năm: ghi năm vào cột “Năm”, hoặc chọn năm khi tải "
                 "lên, hoặc ghi năm trong tiêu đề danh sách (“… NĂM 2024”).")
    _match_people(session, report, later)
    _in_file_duplicates(report, later)
    _on_record(session, report, later)
    report.issues.extend(later)
    report.issues.sort(key=lambda i: (report.sheets.index(i.sheet) if i.sheet in report.sheets else -1, i.row or 0))
    report.repeated = previous_batches(session, sha256=report.sha256, kind=kind)
    if report.repeated:
        last = report.repeated[0]
        state = "đã hoàn tác" if last.status == UNDONE else "đang có trong cơ sở dữ liệu"
        report.issues.insert(0, ImportIssue(
            file_name, "", None, None, "repeated_file",
            f"Tệp “{file_name}” đã được nhập làm {KINDS[kind].lower()} lúc {format_datetime(last.created_at)} (lô số "
            f"{last.id}, {state}). Không nhập lại trừ khi chắc chắn (chọn “Vẫn nhập”).", "warning"))
    return report


def _add(found: list[ImportIssue], report: RecordReport, row: RecordRow, column_field: str | None, code: str,
         message: str, severity: str = "error") -> None:
    column = report.columns.get(row.sheet, {}).get(column_field) if column_field else None
    if column is None and column_field:
        column = DEFAULT_HEADERS.get(column_field)
    found.append(ImportIssue(report.file, row.sheet, row.row, column, code, message, severity))
    if severity == "error":
        row.errors += 1
    else:
        row.warnings += 1


_AMBIGUOUS = -1


def _people(session: Session, keys: set[tuple[str, int | None, int | None]]) -> dict[tuple, int]:
    """Return person ids by (folded name, birth year, unit): exact, else the one person whose missing year or unit
    fits; _AMBIGUOUS when several fit. Keys not in the result are new people."""
    names = sorted({k[0] for k in keys if k[0]})
    candidates: dict[str, list[tuple[int, int | None, int | None]]] = {}
    for i in range(0, len(names), 1000):
        for pid, name_key, birth, unit in session.exec(
            select(Person.id, Person.name_key, Person.birth_year, Person.unit_id)
            .where(col(Person.name_key).in_(names[i:i + 1000])).order_by(Person.id)
        ).all():
            candidates.setdefault(name_key, []).append((pid, birth, unit))
    found: dict[tuple, int] = {}
    for key in keys:
        name, birth, unit = key
        people = candidates.get(name, [])
        exact = [p for p, b, u in people if b == birth and u == unit]
        if exact:
            found[key] = exact[0]
            continue
        fits = [p for p, b, u in people if (birth is None or b is None or b == birth)
                and (unit is None or u is None or u == unit)]
        if len(fits) == 1:
            found[key] = fits[0]
        elif len(fits) > 1:
            found[key] = _AMBIGUOUS
    return found


def _match_people(session: Session, report: RecordReport, found: list[ImportIssue]) -> None:
    keys = {r.person_key for r in report.rows if r.target == CA_NHAN and r.name and report.kind != "sang_kien"}
    keys |= {(a.name_key, a.birth_year, r.unit_id) for r in report.rows for a in r.authors}
    known = _people(session, keys)
    message = ("Có nhiều cá nhân tên “{name}” trong cơ sở dữ liệu{where}: ghi năm sinh và đơn vị để nhận đúng người.")
    for row in report.rows:
        if report.kind == "sang_kien":
            for author in row.authors:
                author.person_id = known.get((author.name_key, author.birth_year, row.unit_id))
                if author.person_id == _AMBIGUOUS:
                    author.person_id = None
                    _add(found, report, row, "authors", "ambiguous_person", message.format(
                        name=author.name, where=f" ({row.unit})" if row.unit else ""))
        elif row.target == CA_NHAN and row.name:
            row.person_id = known.get(row.person_key)
            if row.person_id == _AMBIGUOUS:
                row.person_id = None
                _add(found, report, row, "name", "ambiguous_person", message.format(
                    name=row.name, where=f" ({row.unit})" if row.unit else ""))


def _subject_key(row: RecordRow) -> tuple:
    if row.target == CA_NHAN:
        return ("p", row.person_id) if row.person_id else ("n",) + row.person_key
    return ("c", row.name_key, row.unit_id)


def _in_file_duplicates(report: RecordReport, found: list[ImportIssue]) -> None:
    seen: dict[tuple, int] = {}
    for row in report.rows:
        if row.errors or row.year is None:
            continue
        if report.kind == "xep_loai":
            key = (_subject_key(row), row.year)
            what = "cùng người/tập thể, cùng năm"
        elif report.kind == "khen_truoc":
            key = (_subject_key(row), row.year, row.award_id)
            what = "cùng người/tập thể, cùng năm, cùng danh hiệu"
        elif report.kind == "ky_luat":
            key = (_subject_key(row), row.year, row.level, row.open, row.decision_number)
            what = "cùng người/tập thể, cùng năm, cùng hình thức kỷ luật"
        else:
            key = (fold(row.title), row.year)
            what = "cùng tên sáng kiến, cùng năm"
        if key in seen:
            _add(found, report, row, "title" if report.kind == "sang_kien" else "name", "duplicate_in_file",
                 f"Trùng với dòng {seen[key]} ({what}): xóa một trong hai dòng.")
        else:
            seen[key] = row.row


def _on_record(session: Session, report: RecordReport, found: list[ImportIssue]) -> None:
    """Flag what the database already holds: a rating to be replaced (warning), a past award or initiative (error)."""
    rows = [r for r in report.rows if not r.errors and r.year is not None]
    if not rows:
        return
    years = sorted({r.year for r in rows})
    if report.kind == "sang_kien":
        titles = {(fold(t), y) for t, y in session.exec(select(InitiativeRecord.title, InitiativeRecord.year)
                                                         .where(col(InitiativeRecord.year).in_(years))).all()}
        for row in rows:
            if (fold(row.title), row.year) in titles:
                _add(found, report, row, "title", "already_in_database",
                     f"Sáng kiến “{row.title}” năm {row.year} đã có trong cơ sở dữ liệu: xóa dòng này nếu trùng.")
        return
    model = {"xep_loai": Assessment, "khen_truoc": PastAward, "ky_luat": DisciplineRecord}[report.kind]
    people = {r.person_id for r in rows if r.person_id}
    collectives = {r.name_key for r in rows if r.target == TAP_THE}
    existing: dict[tuple, list] = {}
    for record in session.exec(select(model).where(col(model.year).in_(years), (
            col(model.person_id).in_(people) | col(model.collective_key).in_(collectives)))).all():
        subject = ("p", record.person_id) if record.person_id else ("c", record.collective_key, record.unit_id)
        existing.setdefault((subject, record.year), []).append(record)
        if record.person_id is None:
            existing.setdefault((("c", record.collective_key, None), record.year), []).append(record)
    for row in rows:
        subject = _subject_key(row)
        on_record = existing.get((subject, row.year), [])
        if report.kind == "xep_loai" and on_record:
            old = on_record[0].rating
            row.replaces = old
            if old != row.rating:
                _add(found, report, row, "rating", "rating_replaced",
                     f"Đã có xếp loại năm {row.year} của “{row.name}”: {RATING_LABELS[Rating(old)]}; khi nhập sẽ "
                     f"thay bằng {RATING_LABELS[Rating(row.rating)]}.", "warning")
        elif report.kind == "khen_truoc" and any(r.award_id == row.award_id for r in on_record):
            _add(found, report, row, "award", "already_in_database", f"“{row.name}” đã có “{row.award}” năm {row.year} "
                 "trong cơ sở dữ liệu: xóa dòng này nếu trùng.")
        elif report.kind == "ky_luat" and any(r.level == row.level and r.open == row.open for r in on_record):
            _add(found, report, row, "level", "already_in_database", f"“{row.name}” đã có hồ sơ kỷ luật này năm "
                 f"{row.year} trong cơ sở dữ liệu; nhập nữa sẽ thành hai hồ sơ.", "warning")


def previous_batches(session: Session, *, sha256: str, kind: str) -> list[ImportBatch]:
    """Return earlier batches of the same file content imported as the same kind and still in force, newest first
    (an undone batch is not a repeat: undoing, fixing and importing again is the usual correction)."""
    return list(session.exec(
        select(ImportBatch).where(ImportBatch.sha256 == sha256, ImportBatch.kind == kind,
                                  ImportBatch.status != UNDONE)
        .order_by(col(ImportBatch.created_at).desc(), col(ImportBatch.id).desc())
    ).all())


# ---------------------------------------------------------------------------------------------------------------
# Writing and undoing


def _person_record(key: tuple, row: RecordRow, name: str) -> Record:
    """Return the shape person_ids.people_ids inserts a new person from."""
    record = Record(sheet=row.sheet, row=row.row, target=CA_NHAN, name=name, gender=row.gender if name == row.name
                    else None, birth_year=key[1], position=row.position if name == row.name else None,
                    unit=row.unit, award=None, category=None, unit_id=key[2])
    record.name_key = key[0]
    return record


def commit_records(session: Session, actor: Actor, *, report: RecordReport, force: bool = False) -> RecordCommit:
    """Write every row of a checked file as one batch of its kind, adding the people not yet known; the caller
    commits (all rows or none)."""
    require(actor, "nhap_danh_sach", unit_ids={actor.unit_id} if actor.unit_id else None)
    reason = report.blocked_reason(force=force)
    if reason:
        raise ImportRefused(f"Không nhập “{report.file}”: {reason.rstrip('.')}; chưa ghi gì.")
    if actor.role.value == "don_vi":
        foreign = [r for r in report.rows if r.unit_id != actor.unit_id]
        if foreign:
            rows = ", ".join(str(r.row) for r in foreign[:10])
            raise PermissionDenied(f"Tài khoản đơn vị chỉ nhập được hồ sơ của đơn vị mình; các dòng {rows} thuộc đơn "
                                   "vị khác.")
    years = {r.year for r in report.rows}
    batch = ImportBatch(file_name=report.file[:255], sha256=report.sha256, user_id=actor.id, rows=len(report.rows),
                        year=years.pop() if len(years) == 1 else report.year, sheets=", ".join(report.sheets)[:500],
                        warnings=len(report.warnings), kind=report.kind)
    session.add(batch)
    session.flush()
    people, added = _resolve_people(session, report, batch_id=batch.id)
    replaced = _write(session, report, batch.id, people)
    batch.people_added = added
    session.add(batch)
    summary = (f"Nhập {KINDS[report.kind].lower()} từ “{report.file}”: {len(report.rows)} dòng, {added} cá nhân mới"
               + _replaced_text(replaced) + ".")
    audit.record(session, actor, "nhap_ho_so", "lo_nhap", batch.id, summary,
                 before={"replaced": replaced} if replaced else None,
                 after={"batch_id": batch.id, "kind": report.kind, "file": report.file, "sha256": report.sha256,
                        "rows": len(report.rows)})
    session.flush()
    return RecordCommit(batch_id=batch.id, rows=len(report.rows), people_added=added,
                        replaced=sum(1 for x in replaced if x["rating"] != x.get("new")))


def _resolve_people(session: Session, report: RecordReport, *, batch_id: int) -> tuple[dict[tuple, int], int]:
    """Return person ids by key for every person the rows name, adding (tagged with the batch) those not known."""
    wanted: dict[tuple, Record] = {}
    for row in report.rows:
        if report.kind == "sang_kien":
            for a in row.authors:
                wanted.setdefault((a.name_key, a.birth_year, row.unit_id), _person_record(
                    (a.name_key, a.birth_year, row.unit_id), row, a.name))
        elif row.target == CA_NHAN:
            wanted.setdefault(row.person_key, _person_record(row.person_key, row, row.name or ""))
    known = _people(session, set(wanted))
    if any(v == _AMBIGUOUS for v in known.values()):
        raise ImportRefused("Có cá nhân trùng tên không phân biệt được (cơ sở dữ liệu vừa thay đổi): kiểm tra lại tệp "
                            "rồi nhập lại. Chưa ghi gì.")
    new = [record for key, record in wanted.items() if key not in known]
    created, count = people_ids(session, new, batch_id=batch_id) if new else ({}, 0)
    return known | created, count


def _write(session: Session, report: RecordReport, batch_id: int, people: dict[tuple, int]) -> list[dict]:
    """Insert the rows of the batch; return the ratings replaced (their values before, for undo)."""
    rows = report.rows
    if report.kind == "sang_kien":
        items = [InitiativeRecord(year=r.year, title=r.title, scope=r.scope, unit_id=r.unit_id,
                                  decision_number=r.decision_number, decision_date=r.decision_date,
                                  decision_authority=r.decision_authority, batch_id=batch_id, note=r.note)
                 for r in rows]
        session.add_all(items)
        session.flush()
        authors = [{"initiative_id": item.id, "person_id": pid}
                   for item, r in zip(items, rows, strict=True)
                   for pid in dict.fromkeys(people[(a.name_key, a.birth_year, r.unit_id)] for a in r.authors)]
        bulk_insert(session.connection(), InitiativeAuthor.__table__, authors)
        return []

    def subject(r: RecordRow) -> dict:
        person = people[r.person_key] if r.target == CA_NHAN else None
        return {"target": r.target, "person_id": person, "collective_name": r.name if r.target == TAP_THE else None,
                "collective_key": r.name_key if r.target == TAP_THE else None, "unit_id": r.unit_id,
                "batch_id": batch_id, "note": r.note, "year": r.year}

    replaced: list[dict] = []
    if report.kind == "xep_loai":
        new = []
        on_record = _ratings_on_record(session, [subject(r) for r in rows])
        for r in rows:
            values = subject(r) | {"rating": r.rating}
            found = on_record.get(_rating_key(values))
            if found is None:
                new.append(values)
                continue
            replaced.append({"id": found.id, "rating": found.rating, "note": found.note, "batch_id": found.batch_id,
                             "new": r.rating})
            session.execute(update(Assessment).where(Assessment.id == found.id)
                            .values(rating=r.rating, note=r.note, batch_id=batch_id))
        bulk_insert(session.connection(), Assessment.__table__, new)
    elif report.kind == "ky_luat":
        bulk_insert(session.connection(), DisciplineRecord.__table__, [
            subject(r) | {"level": r.level, "open": r.open, "decided_on": r.decision_date,
                          "document": r.decision_number} for r in rows])
    else:
        bulk_insert(session.connection(), PastAward.__table__, [
            subject(r) | {"award_id": r.award_id, "kind": r.merit_kind or "cong_trang",
                          "decision_number": r.decision_number, "decision_date": r.decision_date,
                          "decision_authority": r.decision_authority} for r in rows])
    return replaced


def _rating_key(values: dict, *, any_unit: bool = False) -> tuple:
    if values["person_id"] is not None:
        return "p", values["person_id"], values["year"]
    return "c", values["collective_key"], None if any_unit else values["unit_id"], values["year"]


def _ratings_on_record(session: Session, subjects: list[dict]) -> dict[tuple, Assessment]:
    """Return the ratings on record for these subjects and years (records.Subject.where semantics: a collective
    without a unit matches the name in any unit), the first by id for each key."""
    years = sorted({v["year"] for v in subjects})
    people = sorted({v["person_id"] for v in subjects if v["person_id"] is not None})
    keys = sorted({v["collective_key"] for v in subjects if v["person_id"] is None})
    found: dict[tuple, Assessment] = {}
    stmt = (select(Assessment).where(col(Assessment.year).in_(years))
            .where(col(Assessment.person_id).in_(people)
                   | ((Assessment.target == TAP_THE) & col(Assessment.collective_key).in_(keys)))
            .order_by(Assessment.id))
    for row in session.exec(stmt).all():
        values = {"person_id": row.person_id, "collective_key": row.collective_key, "unit_id": row.unit_id,
                  "year": row.year}
        found.setdefault(_rating_key(values), row)
        if row.person_id is None:
            found.setdefault(_rating_key(values, any_unit=True), row)
    return found


def import_records(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    kind: str,
    file_name: str,
    settings: Settings,
    year: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    today: date | None = None,
) -> RecordReport:
    """Check a file and, when it is clean (and new, or forced) and not a dry run, write it as one batch."""
    report = check_records(session, data, kind=kind, file_name=file_name, settings=settings, year=year, actor=actor,
                           today=today)
    if dry_run or report.blocked_reason(force=force):
        return report
    result = commit_records(session, actor, report=report, force=force)
    report.imported, report.batch_id = result.rows, result.batch_id
    return report


def _blockers(session: Session, batch_id: int) -> list[str]:
    """Return, for the people a batch added, what outside the batch now refers to them."""
    added = select(Person.id).where(Person.batch_id == batch_id)
    names = dict(session.exec(select(Person.id, Person.full_name).where(Person.batch_id == batch_id)).all())
    found: list[str] = []
    for nid, pid in session.exec(select(Nomination.id, Nomination.person_id)
                                 .where(col(Nomination.person_id).in_(added)).order_by(Nomination.id)).all():
        found.append(f"{names[pid]}: hồ sơ đề nghị số {nid}")
    for kind, model in (("xep_loai", Assessment), ("ky_luat", DisciplineRecord), ("khen_truoc", PastAward)):
        stmt = (select(model.person_id, model.year, model.batch_id).where(col(model.person_id).in_(added))
                .where((model.batch_id != batch_id) | col(model.batch_id).is_(None)))
        for pid, year, other in session.exec(stmt).all():
            found.append(f"{names[pid]}: {KINDS[kind].lower()} năm {year}"
                         + (f" (lô số {other})" if other else " (nhập tay)"))
    stmt = (select(InitiativeAuthor.person_id, InitiativeRecord.title, InitiativeRecord.batch_id)
            .join(InitiativeRecord, InitiativeRecord.id == InitiativeAuthor.initiative_id)
            .where(col(InitiativeAuthor.person_id).in_(added))
            .where((InitiativeRecord.batch_id != batch_id) | col(InitiativeRecord.batch_id).is_(None)))
    for pid, title, other in session.exec(stmt).all():
        found.append(f"{names[pid]}: tác giả sáng kiến “{title}”" + (f" (lô số {other})" if other else " (nhập tay)"))
    return found


def undo_records(session: Session, actor: Actor, *, batch_id: int) -> int:
    """Delete a record batch's rows and the people only it added (restoring ratings it replaced); return how many rows.

    Refused, naming what refers to them, when a person the batch added is now used outside it.
    """
    require(actor, "nhap_danh_sach", unit_ids={actor.unit_id} if actor.unit_id else None)
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise ImportRefused("Không tìm thấy lô nhập này.")
    if batch.kind not in KINDS:
        raise ImportRefused(f"Lô số {batch.id} là danh sách đề nghị khen thưởng: hoàn tác ở trang “Tải lên danh sách "
                            "đề nghị”.")
    if batch.status == UNDONE:
        raise ImportRefused(f"Lô số {batch.id} đã được hoàn tác trước đó.")
    if actor.role.value == "don_vi" and batch.user_id != actor.id:
        raise PermissionDenied("Tài khoản đơn vị chỉ hoàn tác được lô do chính mình nhập.")
    blockers = _blockers(session, batch.id)
    if blockers:
        raise ImportRefused(f"Không hoàn tác được lô số {batch.id}: {len(blockers)} hồ sơ khác đang dùng cá nhân do lô "
                            f"này thêm — {'; '.join(blockers[:10])}{' …' if len(blockers) > 10 else ''}. Xóa hoặc "
                            "hoàn tác các hồ sơ đó trước.")
    model = _TABLES[batch.kind]
    if batch.kind == "xep_loai":  # ratings the batch replaced get their values back instead of being deleted
        for old in _replaced(session, batch.id):
            session.execute(update(Assessment).where(Assessment.id == old["id"], Assessment.batch_id == batch.id)
                            .values(rating=old["rating"], note=old["note"], batch_id=old["batch_id"]))
    if batch.kind == "sang_kien":
        session.execute(delete(InitiativeAuthor).where(col(InitiativeAuthor.initiative_id).in_(
            select(InitiativeRecord.id).where(InitiativeRecord.batch_id == batch.id))))
    session.execute(delete(model).where(model.batch_id == batch.id))
    session.execute(delete(Person).where(Person.batch_id == batch.id))
    batch.status, batch.undone_at, batch.undone_by = UNDONE, utcnow(), actor.id
    session.add(batch)
    audit.record(session, actor, "hoan_tac_lo_nhap", "lo_nhap", batch.id,
                 f"Hoàn tác lô số {batch.id} (“{batch.file_name}”, {KINDS[batch.kind].lower()}): "
                 f"xóa {batch.rows} dòng, {batch.people_added} cá nhân mới.",
                 before={"batch_id": batch.id, "rows": batch.rows, "status": DONE}, after={"status": UNDONE})
    session.flush()
    return batch.rows


def _replaced_text(replaced: list[dict]) -> str:
    """Say how many ratings on record changed (as the check warned) and how many were written again unchanged."""
    if not replaced:
        return ""
    changed = sum(1 for x in replaced if x["rating"] != x.get("new"))
    same = len(replaced) - changed
    return (f", thay {changed} xếp loại đã có" if changed else "") + (f", {same} xếp loại giữ nguyên" if same else "")


def _replaced(session: Session, batch_id: int) -> list[dict]:
    """Return the ratings a batch replaced, as kept in its import audit entry."""
    entry = session.exec(select(AuditLog).where(AuditLog.action == "nhap_ho_so", AuditLog.entity == "lo_nhap",
                                                AuditLog.entity_id == str(batch_id))).first()
    if entry is None or not entry.before:
        return []
    return list(json.loads(entry.before).get("replaced", []))


def record_history(session: Session, *, actor: Actor | None = None, kind: str | None = None,
                   limit: int = 200) -> pd.DataFrame:
    """Return record batches, newest first (a unit user sees its own): id, kind, kind_label, file_name, who, when,
    year, rows, people_added, warnings, status, status_label, undone_at."""
    stmt = (select(ImportBatch, User.username, User.display_name)
            .join(User, ImportBatch.user_id == User.id, isouter=True)
            .where(col(ImportBatch.kind).in_([kind] if kind else list(KINDS)))
            .order_by(col(ImportBatch.created_at).desc(), col(ImportBatch.id).desc()).limit(limit))
    if actor is not None and actor.role.value == "don_vi":
        stmt = stmt.where(ImportBatch.user_id == actor.id)
    columns = ["id", "kind", "kind_label", "file_name", "username", "display_name", "created_at", "year", "rows",
               "people_added", "warnings", "status", "status_label", "undone_at"]
    return pd.DataFrame(
        [{"id": b.id, "kind": b.kind, "kind_label": KINDS.get(b.kind, b.kind), "file_name": b.file_name,
          "username": who or "", "display_name": name or "dòng lệnh", "created_at": b.created_at, "year": b.year,
          "rows": b.rows, "people_added": b.people_added, "warnings": b.warnings, "status": b.status,
          "status_label": BATCH_STATUS_LABELS.get(b.status, b.status), "undone_at": b.undone_at}
         for b, who, name in session.exec(stmt).all()],
        columns=columns)


# ---------------------------------------------------------------------------------------------------------------
# Showing rows


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


# ---------------------------------------------------------------------------------------------------------------
# Templates

_WHO = [("STT", 6), ("Họ và tên (cá nhân) / Tên tập thể", 30), ("Năm sinh", 10), ("Chức vụ", 20),
        ("Đơn vị công tác", 30), ("Năm", 8)]
_TEMPLATE_HEADERS = {
    "xep_loai": _WHO + [("Kết quả đánh giá, xếp loại", 32), ("Ghi chú", 28)],
    "ky_luat": _WHO + [("Hình thức kỷ luật", 22), ("Đang xem xét/điều tra", 16), ("Số quyết định", 18),
                       ("Ngày quyết định", 14), ("Ghi chú", 28)],
    "khen_truoc": _WHO + [("Danh hiệu/Hình thức khen thưởng", 34), ("Loại khen thưởng", 16), ("Số quyết định", 18),
                          ("Ngày quyết định", 14), ("Cơ quan ban hành", 26), ("Ghi chú", 28)],
    "sang_kien": [("STT", 6), ("Tên sáng kiến", 44), ("Tác giả", 34), ("Đơn vị", 28), ("Năm", 8),
                  ("Phạm vi ảnh hưởng", 16), ("Số quyết định", 18), ("Ngày quyết định", 14), ("Cơ quan ban hành", 26),
                  ("Ghi chú", 28)],
}
_TEMPLATE_TITLES = {
    "xep_loai": "DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM {year}",
    "ky_luat": "DANH SÁCH KỶ LUẬT VÀ TRƯỜNG HỢP ĐANG XEM XÉT KỶ LUẬT, ĐIỀU TRA",
    "khen_truoc": "DANH SÁCH KHEN THƯỞNG ĐÃ ĐƯỢC TẶNG CÁC NĂM TRƯỚC",
    "sang_kien": "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM {year}",
}
_HEADER_ROW = 7
_BLANK_ROWS = 60


def _examples(kind: str, year: int, agency: str, unit: str) -> list[list[Any]]:
    last = year - 1
    if kind == "sang_kien":
        return [[1, "Ứng dụng phần mềm quản lý hồ sơ thi đua, khen thưởng", "Nguyễn Thị Minh (1987); Trần Văn Bình",
                 unit, year, SCOPE_LABELS["co_so"], "15/QĐ-HĐSK", date(year, 1, 15), agency, EXAMPLE_NOTE],
                [2, "Giải pháp số hóa báo cáo thống kê ngành Công Thương", "Lê Thị Hoa", unit, year,
                 SCOPE_LABELS["tinh"], "120/QĐ-UBND", date(year, 3, 20), "UBND tỉnh Lạng Sơn", EXAMPLE_NOTE]]
    shown = year if kind == "xep_loai" else last  # past awards and discipline: the years before
    who_collective = [1, "Phòng Quản lý Công nghiệp", None, None, agency, shown]
    who_person = [1, "Nguyễn Thị Minh", 1987, "Chuyên viên", unit, shown]
    if kind == "xep_loai":
        rest = ([RATING_LABELS[Rating.HTXSNV], EXAMPLE_NOTE], ["HTTNV", EXAMPLE_NOTE])
    elif kind == "ky_luat":
        rest = ([None, "x", None, None, EXAMPLE_NOTE],
                [DISCIPLINE_LABELS["khien_trach"], None, "25/QĐ-SCT", date(last, 6, 10), EXAMPLE_NOTE])
    else:
        rest = (["Tập thể lao động tiên tiến", MERIT_KIND_LABELS["cong_trang"], "05/QĐ-SCT", date(last, 12, 28),
                 agency, EXAMPLE_NOTE],
                ["Lao động tiên tiến", MERIT_KIND_LABELS["cong_trang"], "05/QĐ-SCT", date(last, 12, 28), agency,
                 EXAMPLE_NOTE])
    return [["I. TẬP THỂ"], who_collective + rest[0], ["II. CÁ NHÂN"], who_person + rest[1]]


def template(*, kind: str, year: int, agency: str, parent_agency: str, awards: list[str], units: list[str]) -> bytes:
    """Return the .xlsx template of a record kind: title rows, header, two example rows, dropdowns, instructions."""
    headers = _TEMPLATE_HEADERS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    last = get_column_letter(len(headers))
    _title(ws, "A1", safe_cell(parent_agency.upper()), bold=False, merge="A1:C1")
    _title(ws, "A2", safe_cell(agency.upper()), merge="A2:C2")
    _title(ws, "E1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", merge=f"E1:{last}1")
    _title(ws, "E2", "Độc lập - Tự do - Hạnh phúc", merge=f"E2:{last}2")
    _title(ws, "A4", _TEMPLATE_TITLES[kind].format(year=year), size=14, merge=f"A4:{last}4")
    _title(ws, "A5", f"(Nhập vào TĐKT Dashboard: {KINDS[kind]})", bold=False, italic=True, merge=f"A5:{last}5")
    for c, (header, width) in enumerate(headers, start=1):
        cell = ws.cell(row=_HEADER_ROW, column=c, value=header)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[_HEADER_ROW].height = 36
    examples = _examples(kind, year, agency, units[0] if units else agency)
    r = _HEADER_ROW + 1
    for values in examples:
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=safe_cell(value))
            cell.border = _BOX
            cell.font = Font(name="Times New Roman", bold=len(values) == 1, italic=len(values) > 1,
                             color="7F7F7F" if len(values) > 1 else None)
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
        r += 1
    first, end = _HEADER_ROW + 1, r + _BLANK_ROWS - 1
    for row in range(r, end + 1):
        for c in range(1, len(headers) + 1):
            ws.cell(row=row, column=c).border = _BOX
    footer = end + 2
    _title(ws, f"B{footer}", "NGƯỜI LẬP BIỂU", merge=f"B{footer}:C{footer}")
    _title(ws, f"E{footer}", "THỦ TRƯỞNG ĐƠN VỊ", merge=f"E{footer}:F{footer}")
    _title(ws, f"E{footer + 1}", "(Ký, họ tên, đóng dấu)", bold=False, italic=True,
           merge=f"E{footer + 1}:F{footer + 1}")
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=3)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1

    names = [h for h, _ in headers]
    lists: dict[str, tuple[str, list[str], bool]] = {}  # header -> (title, values, strict)
    if "Đơn vị công tác" in names or "Đơn vị" in names:
        lists["Đơn vị công tác" if "Đơn vị công tác" in names else "Đơn vị"] = ("Đơn vị", units, False)
    if kind == "xep_loai":
        lists["Kết quả đánh giá, xếp loại"] = ("Xếp loại", list(RATING_LABELS.values()), False)
    if kind == "ky_luat":
        lists["Hình thức kỷ luật"] = ("Hình thức kỷ luật", list(DISCIPLINE_LABELS.values()), True)
        lists["Đang xem xét/điều tra"] = ("Đang xem xét/điều tra", ["x"], False)
    if kind == "khen_truoc":
        lists["Danh hiệu/Hình thức khen thưởng"] = ("Danh hiệu/Hình thức", awards, False)
        lists["Loại khen thưởng"] = ("Loại khen thưởng", list(MERIT_KIND_LABELS.values()), True)
    if kind == "sang_kien":
        lists["Phạm vi ảnh hưởng"] = ("Phạm vi ảnh hưởng", list(SCOPE_LABELS.values()), True)
    catalogue = wb.create_sheet("DanhMuc")
    for index, (header, (title, values, strict)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        catalogue[f"{letter}1"] = title
        for i, value in enumerate(values, start=2):
            catalogue[f"{letter}{i}"] = safe_cell(value)
        target = get_column_letter(names.index(header) + 1)
        rule = DataValidation(type="list", formula1=f"=DanhMuc!${letter}$2:${letter}${max(len(values), 1) + 1}",
                              allow_blank=True, showErrorMessage=strict)
        rule.error = f"Chọn {title.lower()} trong danh sách."
        rule.errorTitle = "Giá trị không có trong danh mục"
        rule.prompt = f"Chọn {title.lower()} trong danh sách"
        rule.showInputMessage = True
        ws.add_data_validation(rule)
        rule.add(f"{target}{first}:{target}{end}")
    catalogue.sheet_state = "hidden"
    year_rule = DataValidation(type="whole", operator="between", formula1="1990", formula2=str(year),
                               allow_blank=True, showErrorMessage=True)
    year_rule.error = "Ghi năm 4 chữ số, ví dụ 2024."
    ws.add_data_validation(year_rule)
    year_column = get_column_letter(names.index("Năm") + 1)
    year_rule.add(f"{year_column}{first}:{year_column}{end}")

    guide = wb.create_sheet("Hướng dẫn")
    for index, line in enumerate(_guide(kind), start=1):
        cell = guide.cell(row=index, column=1, value=safe_cell(line))
        cell.font = Font(name="Times New Roman", bold=index == 1, size=13 if index == 1 else 12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 120
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _guide(kind: str) -> list[str]:
    common_end = [
        f"Xóa các dòng có ghi chú “{EXAMPLE_NOTE}”. Thêm dòng bằng cách chèn dòng phía trên khối chữ ký.",
        "Không đổi tên các cột ở dòng tiêu đề; có thể thêm cột khác (sẽ được bỏ qua). Ngày ghi dd/mm/yyyy.",
        "Cả tệp được nhập trọn trong một lần hoặc không ghi gì nếu còn lỗi; có thể hoàn tác cả lô sau khi nhập.",
    ]
    who = [
        "Ghi dòng mục “I. TẬP THỂ”, “II. CÁ NHÂN” phía trên các dòng thuộc mục đó.",
        "Cá nhân: ghi Năm sinh và Đơn vị công tác để hệ thống nhận đúng người đã có (người chưa có sẽ được thêm mới).",
        "Cột “Năm”: năm của kết quả; để trống thì lấy năm chọn khi tải lên hoặc năm ghi trong tiêu đề.",
    ]
    specific = {
        "xep_loai": ["HƯỚNG DẪN LẬP DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI",
                     "Mỗi dòng là kết quả xếp loại một năm của một cá nhân hoặc tập thể.", *who,
                     "Cột “Kết quả đánh giá, xếp loại”: Hoàn thành xuất sắc nhiệm vụ (HTXSNV), Hoàn thành tốt nhiệm vụ "
                     "(HTTNV), Hoàn thành nhiệm vụ (HTNV), Không hoàn thành nhiệm vụ (KHTNV); ghi mã hoặc viết đủ.",
                     "Nếu đã có xếp loại cùng năm của cùng người/tập thể, kết quả mới thay kết quả cũ."],
        "ky_luat": ["HƯỚNG DẪN LẬP DANH SÁCH KỶ LUẬT",
                    "Mỗi dòng là một hình thức kỷ luật, hoặc một trường hợp đang bị xem xét kỷ luật, điều tra.", *who,
                    "Cột “Hình thức kỷ luật”: Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức, Buộc thôi "
                    "việc. Đang xem xét kỷ luật hoặc đang điều tra: ghi “x” ở cột “Đang xem xét/điều tra”."],
        "khen_truoc": ["HƯỚNG DẪN LẬP DANH SÁCH KHEN THƯỞNG ĐÃ CÓ (CÁC NĂM TRƯỚC)",
                       "Mỗi dòng là một danh hiệu/hình thức khen thưởng một cá nhân hoặc tập thể đã được tặng.", *who,
                       "Cột “Danh hiệu/Hình thức khen thưởng”: chọn trong danh sách; chấp nhận cách viết tắt thường "
                       "dùng (LĐTT, CSTĐCS, BK UBND tỉnh…). “Loại khen thưởng”: Công trạng, Đột xuất, Theo chuyên đề."],
        "sang_kien": ["HƯỚNG DẪN LẬP DANH SÁCH SÁNG KIẾN",
                      "Mỗi dòng là một sáng kiến đã được công nhận.",
                      "Cột “Tác giả”: họ tên các tác giả cách nhau bằng dấu chấm phẩy, dấu phẩy hoặc xuống dòng; có "
                      "thể ghi năm sinh trong ngoặc, ví dụ “Nguyễn Văn An (1980)”. Tác giả chưa có sẽ được thêm mới.",
                      "Cột “Phạm vi ảnh hưởng”: Cơ sở, Cấp tỉnh hoặc Toàn quốc.",
                      "Cột “Năm”: năm công nhận; để trống thì lấy năm của ngày quyết định."],
    }[kind]
    return [specific[0], *(f"{i}. {line}" for i, line in enumerate(specific[1:] + common_end, start=1))]


def template_for(session: Session, *, kind: str, year: int, agency: str, parent_agency: str) -> bytes:
    """Return a kind's template filled with the database's award names (common first) and active units."""
    from tdkt.core import units

    awards = list(session.exec(select(Award.name).order_by(col(Award.is_common).desc(), Award.position)).all())
    return template(kind=kind, year=year, agency=agency, parent_agency=parent_agency, awards=awards,
                    units=[u for u in units.names(session) if u != "Các phòng, đơn vị trực thuộc Sở"])
