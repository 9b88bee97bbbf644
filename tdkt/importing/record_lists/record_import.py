"""Importing a record list in one call (the command line's): check the file, then write it when it is clean.

A record list holds the records the rules need: ratings, discipline, past awards or initiatives, one kind a file
(`record_rows.KINDS`). Its steps are modules of this folder: record_headers and record_values read headers and cells,
record_sheet reads a sheet, record_check checks a file, record_batches writes, undoes and lists batches,
record_preview and record_template serve the page.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tdkt.core.config import Settings
from tdkt.core.permissions import Actor
from tdkt.importing.batches import WrittenSinceCheck
from tdkt.importing.record_lists.record_batches import commit_records
from tdkt.importing.record_lists.record_check import check_records
from tdkt.importing.record_lists.record_rows import RecordReport


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
    try:
        result = commit_records(session, actor, report=report, force=force)
    except WrittenSinceCheck as late:  # another import got there first: report it as the check would have
        report.repeated = late.repeated or report.repeated
        report.issues.extend(late.issues)
        return report
    report.imported, report.batch_id = result.rows, result.batch_id
    return report
