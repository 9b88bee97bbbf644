"""One file through the whole import: read safely, find the lists, validate, and (unless a dry run) commit one batch."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from tdkt.awards import generic_awards
from tdkt.awards.catalog_lookup import Catalogue
from tdkt.awards.file_codes import describe
from tdkt.awards.nomination_checks import validate
from tdkt.awards.nomination_rows import ParsedRow, Record
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.models import Target
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.core.text import fold
from tdkt.importing import legacy
from tdkt.importing.batches import WrittenSinceCheck
from tdkt.importing.gc_pause import paused_gc
from tdkt.importing.nomination_lists import code_lists
from tdkt.importing.nomination_lists import commit as commit_module
from tdkt.importing.nomination_lists.parse import parse_sheet
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import RawSheet, SheetResult, UnreadableFile

Progress = Callable[[float, str], None]  # (share done 0-1, what is being done, in Vietnamese)


def _silent(share: float, text: str) -> None:
    """The progress callback of a caller that shows none."""


@dataclass(frozen=True, slots=True)
class GenericAward:
    """An award text of a list that names the form but not who gives it ("Bằng khen"), asked about once."""

    text: str  # as the list writes it (the first spelling met)
    rows: int  # how many rows write it
    candidates: tuple[str, ...]  # the catalogue's awards it may mean
    likely: str | None  # the one the list's title or addressee names
    chosen: str | None  # the answer given (the preview's select, --award-map), applied to every one of its rows


@dataclass(slots=True)
class FileReport(IssueReport):
    """Everything the page, the CLI and the error workbook show about one file, and what a check again carries."""

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
    people_added: int = 0
    codes: dict[str, str] = field(default_factory=dict)
    year_source: str = "given"  # "given" (chosen on upload, --year), "title" (the list's title), "default"
    received_on: date | None = None  # ngày nhận: stored on each nomination; None = the day of the commit
    award_map: dict[str, str] = field(default_factory=dict)  # award text as written -> the award chosen for it
    generic: list[GenericAward] = field(default_factory=list)
    titles: dict[str, list[str]] = field(default_factory=dict)  # sheet -> the lines above its header
    read_issues: frozenset[ImportIssue] = frozenset()  # the reader's problems (parse, code lists), kept later
    own_unit_id: int | None = None  # a unit account's unit: its rows must be of it
    own_unit: str | None = None

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

    def json_fields(self) -> dict[str, Any]:
        """Return the CLI's JSON object for this file, its problems and records still objects (`as_json`)."""
        return {
            "file": self.file, "sheets": self.sheets, "rows": len(self.records), "imported": self.imported,
            "year": self.year, "batch_id": self.batch_id, "errors": self.errors, "warnings": self.warnings,
            "records": self.records,
        }


def _year(given: int | None, results: list[SheetResult], default: int) -> tuple[int, str]:
    """Return the list's achievement year and where it came from: given, the title's, else the default."""
    if given:
        return given, "given"
    for result in results:
        if result.title_year:
            return result.title_year, "title"
    return default, "default"


@paused_gc()
def check(
    session: Session,
    data: bytes,
    *,
    file_name: str,
    settings: Settings,
    year: int | None = None,
    default_year: int | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
    actor: Actor | None = None,
    award_map: dict[str, str] | None = None,
    received_on: date | None = None,
    progress: Progress | None = None,
) -> FileReport:
    """Read, parse and validate a file without writing anything.

    `year` is the achievement year chosen for the file; without it, the title's, else `default_year` (the year
    selected on the page; the current year when None) with a warning. A unit account (`actor`) may list its own
    unit's rows only: the others are errors on their row. `award_map` answers the award texts that name no issuer
    (each must occur in the file); `received_on` is kept for the commit. `progress` hears each stage.
    """
    today = today or date.today()
    progress = progress or _silent
    sha = hashlib.sha256(data).hexdigest()
    progress(0.0, f"Đang đọc tệp “{file_name}”…")
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        report = FileReport(file=file_name, sha256=sha, year=year or default_year or today.year, unreadable=True)
        report.issues.append(ImportIssue(file_name, "", None, None, error.code, error.message))
        return report
    results: list[SheetResult] = []
    titles: dict[str, list[str]] = {}
    for index, sheet in enumerate(sheets):
        progress(0.3 + 0.25 * index / len(sheets), f"Đang tìm danh sách trong sheet “{sheet.name}”…")
        encoding = legacy.convert_sheet(sheet)
        result = parse_sheet(sheet, file=file_name)
        result.encoding = encoding
        if result.header_row is not None and (result.rows or not sheet.hidden):
            results.append(result)
            titles[result.sheet] = _title_lines(sheet, result.header_row)
    found_year, source = _year(year, results, default_year or today.year)
    report = FileReport(file=file_name, sha256=sha, year=found_year, year_source=source, received_on=received_on,
                        award_map=dict(award_map or {}))
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
    report.titles = {r.sheet: titles.get(r.sheet, []) for r in chosen}
    for result in chosen:
        report.rows.extend(result.rows)
        report.issues.extend(result.issues)
    report.codes = code_lists.apply_code_lists(report.rows, report.issues, report.results, sheets=sheets, data=data,
                                               file=file_name)
    catalogue = catalogue or Catalogue(session)
    report.own_unit_id, report.own_unit = _own_unit(catalogue, actor)
    report.repeated = commit_module.previous_batches(session, sha256=sha)
    progress(0.55, f"Đang kiểm tra {len(report.rows)} dòng…")
    checked = recheck(session, report, catalogue=catalogue, first=True)
    progress(1.0, f"Đã kiểm tra “{file_name}”.")
    return checked


def _title_lines(sheet: RawSheet, header_row: int) -> list[str]:
    """Return the texts above a sheet's header (title, addressee, the agency), which may say who gives the awards."""
    return [str(v).strip() for row in sheet.rows[: max(header_row - 1, 0)][:30] for v in row
            if isinstance(v, str) and v.strip()]


def _own_unit(catalogue: Catalogue, actor: Actor | None) -> tuple[int | None, str | None]:
    """Return a unit account's unit (id, name), whose rows alone it may import; (None, None) for everyone else."""
    if actor is None or actor.role.value != "don_vi":
        return None, None
    unit = next((u for u in catalogue.units.values() if u.id == actor.unit_id), None)
    if unit is None:
        raise PermissionDenied("Tài khoản đơn vị chưa được gắn với đơn vị nào: nhờ quản trị gắn đơn vị.")
    return unit.id, unit.name


@paused_gc()
def recheck(session: Session, report: FileReport, rows: list[ParsedRow] | None = None, *,
            catalogue: Catalogue | None = None, first: bool = False) -> FileReport:
    """Return the report checked again over `rows` (its own by default) with everything it carries: file name, year,
    headers, its own code list, the award answers, the unit scope, the received date.

    The first check and every check after the preview's edits go through here, so that none of them forgets one. The
    reader's problems stay on the rows left as read; an edited or deleted row loses them. On the first check an
    award answer whose text no row writes is an error (the command line's `--award-map` given for another file).
    """
    rows = report.rows if rows is None else rows
    cat = catalogue or Catalogue(session)  # a fresh one on a check again: the Office may have added units
    as_read = frozenset(report.issues) if first else report.read_issues  # first: all it holds is the reader's
    if first and rows is report.rows:  # every row and problem as read: nothing to compare or look up
        still = {(r.sheet, r.row) for r in rows}
        issues = [i for i in report.issues if i.row is None or (i.sheet, i.row) in still]
    else:
        before = {(r.sheet, r.row): r for r in report.rows}
        still = {(r.sheet, r.row) for r in rows if (old := before.get((r.sheet, r.row))) is r or old == r}
        issues = [i for i in report.issues if i in as_read and (i.row is None or (i.sheet, i.row) in still)]
    answers = generic_awards.keyed(report.award_map)
    to_check, generic, written = _prepared(rows, report, cat, answers)
    records, found = validate(session, to_check, file=report.file, year=report.year, headers=report.headers,
                              catalogue=cat, codes=report.codes)
    generic_list = _generic_list(report, generic, answers, cat)
    issues.extend(_with_generic_messages(found, generic, generic_list, report.codes))
    if report.own_unit_id is not None:
        issues.extend(_other_units(report, records))
    if first:
        issues.extend(_unused_answers(report, written))
    issues.extend(_file_notes(report))
    return dataclasses.replace(report, rows=rows, records=records, issues=issues, generic=generic_list,
                               read_issues=as_read)


def _prepared(rows: list[ParsedRow], report: FileReport, cat: Catalogue, answers: dict[str, str]
              ) -> tuple[list[ParsedRow], dict[str, list], set[str]]:
    """Return the rows as they are validated (award answers applied, a unit account's unit where a row names none),
    the award texts that name no issuer (key -> [text as written, its rows]), and the keys of every award text
    written."""
    known: dict[tuple, tuple[str, str | None, bool]] = {}  # (award, code) -> (key, answer, names no issuer)
    generic: dict[str, list] = {}
    written: set[str] = set()
    own = report.own_unit
    out: list[ParsedRow] = []
    for row in rows:
        pair = (row.award, row.award_code)
        seen = known.get(pair)
        if seen is None:  # lists repeat a handful of award texts: each is looked at once
            seen = known[pair] = _award_answer(row, report, cat, answers)
        key, answer, is_generic = seen
        written.add(key)
        if is_generic:
            generic.setdefault(key, [_award_text(row, report.codes), []])[1].append(row)
        if answer is not None:  # a copy: the row stays as written for the preview (0.39 s per 50k rows answered)
            row = dataclasses.replace(row, award=answer, award_code=None)
        if own is not None and not row.unit and not (row.target == Target.TAP_THE.value and cat.unit(row.name)):
            row = dataclasses.replace(row, unit=own)  # a unit's own list often has no unit column
        out.append(row)
    return out, generic, written


def _award_text(row: ParsedRow, codes: dict[str, str], text: Any = None) -> Any:
    """Return a row's award as written (or `text`), a code through the file's own list."""
    text = text if text is not None else row.award or row.award_code
    if codes and text is not None:
        code = str(int(text)) if isinstance(text, float) and text.is_integer() else str(text).strip()
        return codes.get(code, text)
    return text


def _award_answer(row: ParsedRow, report: FileReport, cat: Catalogue, answers: dict[str, str]
                  ) -> tuple[str, str | None, bool]:
    """Return the key of a row's award text, the award answered for it when it needs one, and whether it names no
    issuer (the catalogue knows neither its text nor its code, as validate looks, and awards begin with its words).
    An answer also applies to a text no award begins with ("Bằng khen Sở Tài chính"), given on the command line."""
    text = _award_text(row, report.codes)
    key = generic_awards.award_key(text) if text is not None else ""
    if not key or any(cat.award(_award_text(row, report.codes, t)) for t in (row.award, row.award_code) if t):
        return key, None, False
    is_generic = bool(generic_awards.candidates(cat.awards.values(), text))
    return key, answers.get(key), is_generic


def _generic_list(report: FileReport, generic: dict[str, list], answers: dict[str, str],
                  cat: Catalogue) -> list[GenericAward]:
    """Return the award texts that name no issuer, answered or not, each with its candidates and the likely one."""
    found: list[GenericAward] = []
    for key, (text, rows) in generic.items():
        names = generic_awards.candidates(cat.awards.values(), text)
        found.append(GenericAward(str(text), len(rows), tuple(names),
                                  generic_awards.likely(text, names, report.titles.get(rows[0].sheet, [])),
                                  answers.get(key)))
    return found


def _with_generic_messages(found: list[ImportIssue], generic: dict[str, list],
                           listed: list[GenericAward], codes: Any = None) -> list[ImportIssue]:
    """Return the check's problems, each row's "unknown award" for a text that names no issuer said as a question
    with its choices (the page asks it once per text; the command line answers it with --award-map)."""
    if not generic:
        return found
    by_text = {generic_awards.award_key(g.text): g for g in listed}
    messages = {}
    for key in generic:
        item = by_text[key]
        if item.chosen:
            continue
        hint = item.likely or item.candidates[0]
        messages.update({(r.sheet, r.row): _generic_message(item, hint, codes) for r in generic[key][1]})
    return [dataclasses.replace(i, code="generic_award", message=messages[(i.sheet, i.row)])
            if i.code == "unknown_award" and (i.sheet, i.row) in messages else i for i in found]


def _generic_message(item: GenericAward, hint: str, codes: Any = None) -> str:
    # describe: “Bằng khen” (mã 1650360491 trong sheet DANHMUC) when the file's own list gave the name
    return (f"{describe(codes, 'award', item.text)} chưa ghi rõ cấp nào tặng nên chưa xếp được vào danh mục: "
            "là một trong "
            + "; ".join(f"“{c}”" for c in item.candidates)
            + (f" (tiêu đề danh sách gợi ý “{item.likely}”)" if item.likely else "")
            + f". Chọn một lần cho mọi dòng ghi “{item.text}” ở mục “Danh hiệu chưa rõ cấp khen” trên trang, hoặc "
            f"dòng lệnh --award-map \"{item.text}={hint}\".")


def _other_units(report: FileReport, records: list[Record]) -> list[ImportIssue]:
    """Flag, on their row, the rows of a unit account's list that belong to another unit (or to none it knows)."""
    found = []
    header = None
    for record in records:
        if record.unit_id == report.own_unit_id:
            continue
        header = header or (report.headers.get(record.sheet) or {}).get("unit") or "Đơn vị"
        where = (f"thuộc “{record.unit}”" if record.unit_id is not None
                 else f"ghi đơn vị “{record.unit_text}”, chưa có trong danh sách đơn vị" if record.unit_text
                 else "không thuộc đơn vị nào")
        record.errors += 1
        found.append(ImportIssue(
            report.file, record.sheet, record.row, header, "other_unit",
            f"Tài khoản đơn vị chỉ nhập được đề nghị của “{report.own_unit}”; dòng này {where}. Bỏ dòng này (nút "
            "“Bỏ các dòng của đơn vị khác”) hoặc nhờ Văn phòng Sở nhập."))
    return found


def _unused_answers(report: FileReport, written: set[str]) -> list[ImportIssue]:
    """An award answer whose text no row of the file writes: a typo, or an answer meant for another file."""
    if not report.award_map:
        return []  # the texts below took 0.1 s per 100k rows, for a message about no answer
    texts = sorted({str(_award_text(r, report.codes)) for r in report.rows if r.award or r.award_code})
    return [ImportIssue(
        report.file, "", None, None, "award_map_unused",
        f"--award-map “{written_text}={chosen}”: không dòng nào của tệp “{report.file}” ghi danh hiệu “{written_text}”"
        + (f" (tệp ghi: {', '.join(f'“{t}”' for t in texts[:8])}{'…' if len(texts) > 8 else ''})" if texts else "")
        + ". Sửa vế trái cho đúng chữ trong tệp, hoặc bỏ lựa chọn này; chưa ghi gì.")
        for written_text, chosen in report.award_map.items() if generic_awards.award_key(written_text) not in written]


def _file_notes(report: FileReport) -> list[ImportIssue]:
    """The warnings about the whole file: its year taken from no title, the file imported before."""
    notes = []
    if report.year_source == "default":
        notes.append(ImportIssue(
            report.file, report.sheets[0] if report.sheets else "", None, None, "year_not_in_title",
            f"Tiêu đề danh sách không ghi năm thành tích (như “… NĂM {report.year}”): các đề nghị được tính cho năm "
            f"{report.year}, năm đang chọn. Nếu không đúng, đổi năm thành tích của tệp (trên trang) hoặc dùng --year "
            "(dòng lệnh) trước khi nhập.", "warning"))
    if report.repeated:
        notes.append(ImportIssue(report.file, "", None, None, "repeated_file",
                                 commit_module.repeat_message(report.repeated, file=report.file), "warning"))
    return notes


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
    award_map: dict[str, str] | None = None,
    received_on: date | None = None,
    progress: Progress | None = None,
) -> FileReport:
    """Check a file and, when it is clean (and new, or forced) and not a dry run, write it as one batch."""
    report = check(session, data, file_name=file_name, settings=settings, year=year, today=today, actor=actor,
                   award_map=award_map, received_on=received_on, progress=progress)
    if dry_run or report.unreadable or report.errors or (report.repeated and not force):
        return report
    return commit_report(session, actor, report, force=force, today=today, progress=progress)


def commit_report(session: Session, actor: Actor, report: FileReport, *, force: bool = False,
                  today: date | None = None, progress: Progress | None = None) -> FileReport:
    """Write a checked report as one batch with what it carries (year, received date); return it with what was
    written, or with the problems another import meanwhile caused. Refusals (errors left, another unit) raise."""
    try:
        result = commit_module.commit_batch(
            session, actor, file_name=report.file, sha256=report.sha256, records=report.records, year=report.year,
            sheets=report.sheets, warnings=len(report.warnings), received_on=report.received_on or today,
            force=force, headers=report.headers, today=today, progress=progress,
        )
    except WrittenSinceCheck as late:  # another import got there first: report it as the check would have
        report.repeated = late.repeated or report.repeated
        report.issues.extend(late.issues)
        return report
    report.imported, report.batch_id, report.people_added = result.nominations, result.batch_id, result.people_added
    return report
