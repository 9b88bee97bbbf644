"""Checking a record list before anything is written: read its sheets, find its people, flag repeats and records."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlmodel import Session, col, select

from tdkt.awards.catalog_lookup import Catalogue
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.models import RATING_LABELS, Assessment, DisciplineRecord, InitiativeRecord, PastAward, Rating, Unit
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.core.text import fold
from tdkt.importing import legacy
from tdkt.importing.cells import CA_NHAN, TAP_THE
from tdkt.importing.read import read_workbook
from tdkt.importing.record_lists.record_batches import on_record_message, previous_batches, repeat_message
from tdkt.importing.record_lists.record_headers import DEFAULT_HEADERS, find_header, missing_header_message
from tdkt.importing.record_lists.record_people import AMBIGUOUS, known_people
from tdkt.importing.record_lists.record_rows import KINDS, RecordReport, RecordRow
from tdkt.importing.record_lists.record_sheet import RecordSheet
from tdkt.importing.sheet_data import RawSheet, UnreadableFile


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
    found = _read_sheets(report, sheets, cat=cat, own_unit=_own_unit(cat, actor), today=today)
    if not found:
        report.unreadable = True
        others = [KINDS[k] for k in KINDS if k != kind and any(find_header(s.rows, k) for s in sheets
                                                               if not _is_instructions(s.name))]
        report.issues.append(ImportIssue(file_name, "", None, None, "no_header",
                                         missing_header_message(kind, file_name, others[0] if others else None)))
        return report
    _gather(report, found)
    _check_file(session, report)
    _warn_if_repeated(session, report)
    return report


def _is_instructions(sheet: str) -> bool:
    """True for a template's guide, example or code-list sheet, which holds no records."""
    return fold(sheet) in {"huong dan", "vi du", "danh muc", "danhmuc"}


def _own_unit(cat: Catalogue, actor: Actor | None) -> Unit | None:
    """Return a unit account's Unit (its rows must be of it), None for everyone else."""
    if actor is None or actor.role.value != "don_vi":
        return None
    own_unit = next((u for u in cat.units.values() if u.id == actor.unit_id), None)
    if own_unit is None:
        raise PermissionDenied("Tài khoản đơn vị chưa được gắn với đơn vị nào: nhờ quản trị gắn đơn vị.")
    return own_unit


def _read_sheets(report: RecordReport, sheets: list[RawSheet], *, cat: Catalogue, own_unit: Unit | None,
                 today: date) -> list[RecordSheet]:
    """Return the sheets with a header of the report's kind, read (legacy text converted first); hidden empty ones
    are left out."""
    found: list[RecordSheet] = []
    for sheet in sheets:
        if _is_instructions(sheet.name):
            continue
        encoding = legacy.convert_sheet(sheet)
        header = find_header(sheet.rows, report.kind)
        if header is None:
            continue
        reader = RecordSheet(sheet, header, kind=report.kind, file=report.file, cat=cat, given_year=report.year,
                             today=today, own_unit=own_unit)
        reader.read()
        if not reader.rows and sheet.hidden:
            continue
        found.append(reader)
        if encoding:
            report.encodings[sheet.name] = encoding
    return found


def _gather(report: RecordReport, found: list[RecordSheet]) -> None:
    """Put the rows, columns and problems of the sheets with rows into the report; none with rows is a problem."""
    with_rows = [s for s in found if s.rows]
    if not with_rows:
        where = "; ".join(f"sheet “{s.sheet.name}” dòng {s.header.last_row + 1}" for s in found)
        report.issues.append(ImportIssue(report.file, found[0].sheet.name, None, None, "empty_list",
                                         f"Tệp “{report.file}” có dòng tiêu đề cột ({where}) nhưng chưa có dòng dữ "
                                         "liệu nào. Điền danh sách bên dưới dòng tiêu đề rồi tải lên lại."))
    for reader in with_rows:
        report.sheets.append(reader.sheet.name)
        report.header_rows[reader.sheet.name] = reader.header.last_row + 1
        report.columns[reader.sheet.name] = reader.columns
        report.rows.extend(reader.rows)
        report.issues.extend(reader.issues)


def _check_file(session: Session, report: RecordReport) -> None:
    """Add the problems of the file as a whole: missing years, people, repeats within it, what is on record."""
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


def _warn_if_repeated(session: Session, report: RecordReport) -> None:
    """Warn first when the same file was imported as the same kind before and is still in force."""
    report.repeated = previous_batches(session, sha256=report.sha256, kind=report.kind)
    if report.repeated:
        report.issues.insert(0, ImportIssue(report.file, "", None, None, "repeated_file", repeat_message(
            report.repeated, file=report.file, kind=report.kind), "warning"))


def _add(found: list[ImportIssue], report: RecordReport, row: RecordRow, column_field: str | None, code: str,
         message: str, severity: str = "error") -> None:
    """Add a problem of a row found when checking the file as a whole, and count it on the row."""
    column = report.columns.get(row.sheet, {}).get(column_field) if column_field else None
    if column is None and column_field:
        column = DEFAULT_HEADERS.get(column_field)
    found.append(ImportIssue(report.file, row.sheet, row.row, column, code, message, severity))
    if severity == "error":
        row.errors += 1
    else:
        row.warnings += 1


def _match_people(session: Session, report: RecordReport, found: list[ImportIssue]) -> None:
    """Find each row's person (each author's, for initiatives) on record; several that fit is a problem."""
    keys = {r.person_key for r in report.rows if r.target == CA_NHAN and r.name and report.kind != "sang_kien"}
    keys |= {(a.name_key, a.birth_year, r.unit_id) for r in report.rows for a in r.authors}
    known = known_people(session, keys)
    message = ("Có nhiều cá nhân tên “{name}” trong cơ sở dữ liệu{where}: ghi năm sinh và đơn vị để nhận đúng người.")
    for row in report.rows:
        if report.kind == "sang_kien":
            for author in row.authors:
                author.person_id = known.get((author.name_key, author.birth_year, row.unit_id))
                if author.person_id == AMBIGUOUS:
                    author.person_id = None
                    _add(found, report, row, "authors", "ambiguous_person", message.format(
                        name=author.name, where=f" ({row.unit})" if row.unit else ""))
        elif row.target == CA_NHAN and row.name:
            row.person_id = known.get(row.person_key)
            if row.person_id == AMBIGUOUS:
                row.person_id = None
                _add(found, report, row, "name", "ambiguous_person", message.format(
                    name=row.name, where=f" ({row.unit})" if row.unit else ""))


def _subject_key(row: RecordRow) -> tuple:
    """Return who a row is about: a known person, a new person's key, or a collective in its unit."""
    if row.target == CA_NHAN:
        return ("p", row.person_id) if row.person_id else ("n",) + row.person_key
    return ("c", row.name_key, row.unit_id)


def _in_file_duplicates(report: RecordReport, found: list[ImportIssue]) -> None:
    """Flag a row that repeats an earlier one of the file (same subject, year and what its kind records)."""
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
                _add(found, report, row, "title", "already_in_database", on_record_message(row, kind=report.kind))
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
            _add(found, report, row, "award", "already_in_database", on_record_message(row, kind=report.kind))
        elif report.kind == "ky_luat" and any(r.level == row.level and r.open == row.open for r in on_record):
            _add(found, report, row, "level", "already_in_database", f"“{row.name}” đã có hồ sơ kỷ luật này năm "
                 f"{row.year} trong cơ sở dữ liệu; nhập nữa sẽ thành hai hồ sơ.", "warning")
