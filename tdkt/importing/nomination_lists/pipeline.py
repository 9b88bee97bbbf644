"""One file through the whole import: read safely, find the lists, validate, and (unless a dry run) commit one batch."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from tdkt.awards.catalog_lookup import Catalogue
from tdkt.awards.nomination_checks import validate
from tdkt.awards.nomination_rows import ParsedRow, Record
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.permissions import Actor
from tdkt.core.text import fold
from tdkt.importing import legacy
from tdkt.importing.batches import WrittenSinceCheck
from tdkt.importing.gc_pause import paused_gc
from tdkt.importing.nomination_lists import code_lists
from tdkt.importing.nomination_lists import commit as commit_module
from tdkt.importing.nomination_lists.parse import parse_sheet
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import SheetResult, UnreadableFile


@dataclass(slots=True)
class FileReport(IssueReport):
    """Everything the page, the CLI and the error workbook show about one file."""

    file: str
    sha256: str
    year: int
    sheets: list[str] = field(default_factory=list)
    results: list[SheetResult] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    repeated: list[Any] = field(default_factory=list)
    unreadable: bool = False
    imported: int = 0
    batch_id: int | None = None
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, dict[str, str]]:
        return {r.sheet: r.columns for r in self.results}

    def exit_code(self, *, dry_run: bool, force: bool) -> int:
        """0 imported (or clean on a dry run), 1 rows with errors or a repeated file, 2 unreadable."""
        if self.unreadable:
            return 2
        if self.errors or (self.repeated and not force):
            return 1
        return 0 if (self.imported or dry_run) else 1

    def as_json(self) -> dict[str, Any]:
        """Return the CLI's JSON object for this file."""
        return {
            "file": self.file, "sheets": self.sheets, "rows": len(self.records), "imported": self.imported,
            "year": self.year, "batch_id": self.batch_id,
            "errors": [i.as_dict() for i in self.errors], "warnings": [i.as_dict() for i in self.warnings],
            "records": [r.as_dict() for r in self.records],
        }


def _year(given: int | None, results: list[SheetResult], today: date) -> int:
    if given:
        return given
    for result in results:
        if result.title_year:
            return result.title_year
    return today.year


@paused_gc()
def check(
    session: Session,
    data: bytes,
    *,
    file_name: str,
    settings: Settings,
    year: int | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> FileReport:
    """Read, parse and validate a file without writing anything."""
    today = today or date.today()
    sha = hashlib.sha256(data).hexdigest()
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        report = FileReport(file=file_name, sha256=sha, year=year or today.year, unreadable=True)
        report.issues.append(ImportIssue(file_name, "", None, None, error.code, error.message))
        return report
    results: list[SheetResult] = []
    for sheet in sheets:
        encoding = legacy.convert_sheet(sheet)
        result = parse_sheet(sheet, file=file_name)
        result.encoding = encoding
        if result.header_row is not None and (result.rows or not sheet.hidden):
            results.append(result)
    report = FileReport(file=file_name, sha256=sha, year=_year(year, results, today))
    # An instructions sheet repeats the header with made-up examples: never import it.
    lists = [r for r in results if not _is_instructions(r.sheet)]
    chosen = [r for r in lists if r.rows or r.issues]
    report.results = chosen
    report.sheets = [r.sheet for r in chosen]
    if not chosen and lists:
        where = "; ".join(f"sheet “{r.sheet}” dòng {r.header_row}" for r in lists)
        report.issues.append(ImportIssue(
            file_name, lists[0].sheet, None, None, "empty_list",
            f"Tệp “{file_name}” có dòng tiêu đề cột ({where}) nhưng chưa có dòng dữ liệu nào. Điền danh sách bên "
            "dưới dòng tiêu đề rồi tải lên lại."))
        return report
    if not chosen:
        report.unreadable = True
        report.issues.append(ImportIssue(
            file_name, "", None, None, "no_header",
            f"Không tìm thấy danh sách trong tệp “{file_name}”: không có dòng tiêu đề cột nào có “Họ và tên” (hoặc "
            "“Tên tập thể”) cùng “Danh hiệu/Hình thức khen thưởng”. Dùng mẫu danh sách của Văn phòng Sở hoặc thêm "
            "dòng tiêu đề cột."))
        return report
    for result in chosen:
        report.rows.extend(result.rows)
        report.issues.extend(result.issues)
    report.codes = code_lists.apply_code_lists(report.rows, report.issues, report.results, sheets=sheets, data=data,
                                               file=file_name)
    records, issues = check_rows(session, report, report.rows, catalogue=catalogue)
    report.records = records
    report.issues.extend(issues)
    report.repeated = commit_module.previous_batches(session, sha256=sha)
    if report.repeated:
        report.issues.append(ImportIssue(file_name, "", None, None, "repeated_file",
                                         commit_module.repeat_message(report.repeated, file=file_name), "warning"))
    return report


@paused_gc()
def check_rows(
    session: Session, report: FileReport, rows: list[ParsedRow], *, catalogue: Catalogue | None = None
) -> tuple[list[Record], list[ImportIssue]]:
    """Validate a file's rows with everything its report knows of the file: name, year, headers, its own code list.

    The first check and every re-check after the preview's edits go through here, so that none of them forgets one.
    """
    return validate(session, rows, file=report.file, year=report.year, headers=report.headers, catalogue=catalogue,
                    codes=report.codes)


def _is_instructions(sheet: str) -> bool:
    return fold(sheet) in {"huong dan", "vi du", "danh muc", "danhmuc"}


def import_file(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    file_name: str,
    settings: Settings,
    year: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    today: date | None = None,
) -> FileReport:
    """Check a file and, when it is clean (and new, or forced) and not a dry run, write it as one batch."""
    report = check(session, data, file_name=file_name, settings=settings, year=year, today=today)
    if dry_run or report.unreadable or report.errors or (report.repeated and not force):
        return report
    try:
        result = commit_module.commit_batch(
            session, actor, file_name=file_name, sha256=report.sha256, records=report.records, year=report.year,
            sheets=report.sheets, warnings=len(report.warnings), received_on=today, force=force,
            headers=report.headers,
        )
    except WrittenSinceCheck as late:  # another import got there first: report it as the check would have
        report.repeated = late.repeated or report.repeated
        report.issues.extend(late.issues)
        return report
    report.imported, report.batch_id = result.nominations, result.batch_id
    return report
