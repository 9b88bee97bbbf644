"""A cluster's member list or score sheet from Excel: header matching, row checks, one all-or-nothing commit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from tdkt.clusters.cluster_writes import hand_over_marks
from tdkt.clusters.clusters import ROLES, ClusterError, competition_ranks
from tdkt.core import audit
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, Participation
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, format_number, limit_of, nfc, text_problem
from tdkt.importing.header_repeats import HeaderRepeats
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import RawSheet, UnreadableFile

MEMBERS, SCORES = "thanh_vien", "diem"
MODES = {MEMBERS: "Danh sách thành viên", SCORES: "Bảng điểm"}
_SCAN_ROWS = 30
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Header words per field, most specific first; for scores the order is also the preference when a sheet has
# several score columns (approved, then the cluster's, then totals; the self-assessed score last).
_HEADERS = {
    "name": ("ten co quan don vi", "ten co quan", "ten don vi", "co quan don vi", "don vi thanh vien",
             "ten thanh vien", "thanh vien", "don vi", "co quan"),
    "role": ("vai tro trong cum", "vai tro", "chuc danh trong cum", "nhiem vu trong cum", "vi tri trong cum"),
    "score": ("diem duoc duyet", "diem phe duyet", "diem cum cham", "diem cham", "tong diem", "tong so diem",
              "diem dat", "diem thi dua", "diem", "diem tu cham"),
    "rank": ("xep hang", "thu hang", "xep thu", "hang"),
}
_NAME_LIMIT = limit_of(ClusterMember.name)
_TITLES = {"name": "Tên cơ quan/đơn vị", "role": "Vai trò", "score": "Điểm", "rank": "Xếp hạng"}
_ROLE_WORDS = {"cum truong": "cum_truong", "truong cum": "cum_truong", "cum pho": "cum_pho", "pho cum": "cum_pho",
               "pho truong cum": "cum_pho", "thanh vien": "thanh_vien"}


@dataclass(slots=True)
class MemberRow:
    """One row of the list: a member's name with its role, score and rank as written."""

    sheet: str
    row: int
    name: str
    role: str | None = None
    score: float | None = None
    rank: int | None = None
    member_id: int | None = None  # the existing member it matches; None = a new member


@dataclass(slots=True)
class ClusterImport(IssueReport):
    """What a file holds for a cluster and what is wrong with it; the page, the tests and commit use it."""

    file: str
    cluster_id: int
    mode: str
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    event_id: int | None = None  # the scored event the scores go to
    rows: list[MemberRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    unreadable: bool = False

    @property
    def new_members(self) -> list[MemberRow]:
        return [r for r in self.rows if r.member_id is None]


def _key(value: Any) -> str:
    return _NON_ALNUM.sub(" ", fold(str(value))).strip() if value is not None else ""


def _field_of(header: Any) -> tuple[str, int] | None:
    """Return (field, preference) of a header cell, matching whole words from the start; None if not ours."""
    key = _key(header)
    if not key or len(key) > 60:
        return None
    best: tuple[int, str, int] | None = None
    for name, aliases in _HEADERS.items():
        for preference, alias in enumerate(aliases):
            if key == alias or key.startswith(alias + " "):
                candidate = (-len(alias), name, preference)
                best = candidate if best is None or candidate < best else best
    return (best[1], best[2]) if best else None


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """Return the header row index and field -> column of the first best header in the first rows."""
    found: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(rows[:_SCAN_ROWS]):
        columns: dict[str, tuple[int, int]] = {}
        for c, cell in enumerate(row):
            match = _field_of(cell)
            if match and (match[0] not in columns or match[1] < columns[match[0]][1]):
                columns[match[0]] = (c, match[1])
        if "name" in columns and (found is None or len(columns) > len(found[1])):
            found = (r, {k: v[0] for k, v in columns.items()})
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _number(value: Any) -> float | None:
    """Return a number written as a number or as Vietnamese text ("95,5"); raise ValueError if not one."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return float(text)


def _role(text: str) -> str | None:
    key = _key(text)
    return _ROLE_WORDS.get(key) if key else "thanh_vien"


def _us_keys(members: list[ClusterMember]) -> set[str]:
    """Other ways a list names the department: with or without "tỉnh", or plainly "Sở Công Thương" when no other
    member is a Sở Công Thương (a provincial cluster)."""
    keys = {"so cong thuong lang son", "so cong thuong tinh lang son", "sct lang son"}
    if not any(_key(m.name).startswith("so cong thuong") for m in members if not m.is_us):
        keys.add("so cong thuong")
    return keys


def check(session: Session, data: bytes, *, file_name: str, settings: Settings, cluster_id: int, mode: str,
          event_id: int | None = None) -> ClusterImport:
    """Read a member list or score sheet for a cluster and check every row, writing nothing."""
    report = ClusterImport(file=file_name, cluster_id=cluster_id, mode=mode)
    cluster = session.get(Cluster, cluster_id)
    if cluster is None:
        raise ClusterError("Không tìm thấy cụm này (có thể đã bị xóa). Tải lại trang.")
    try:
        sheets = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                               max_rows=settings.max_rows)
    except UnreadableFile as error:
        return _whole(report, error.code, error.message)
    found = _find_list(sheets, mode)
    if found is None:
        need = "“Tên cơ quan/đơn vị” và “Điểm”" if mode == SCORES else "“Tên cơ quan/đơn vị”"
        return _whole(report, "no_header", f"Không tìm thấy danh sách trong tệp “{file_name}”: cần một dòng tiêu đề "
                                           f"cột có {need} (có thể thêm “Vai trò”, “Điểm”, “Xếp hạng”). "
                                           "Thêm dòng tiêu đề rồi tải lên lại.")
    sheet, header_row, columns = found
    report.sheet = sheet.name
    report.columns = {f: _text(sheet.rows[header_row][c]) for f, c in columns.items()}
    if "score" in columns:
        report.event_id = _scored_event(session, cluster, event_id)
        if report.event_id is None:
            return _whole(report, "no_scored_event", f"{cluster.code} năm {cluster.year} chưa có hoạt động chấm "
                                                     "điểm: thêm hoạt động loại “Chấm điểm” trước khi nhập điểm.")
    issue = _issue_adder(report)
    _check_rows(session, report, cluster, sheet.rows[header_row + 1 :], header_row + 2, columns, issue,
                HeaderRepeats([sheet.rows[header_row]]))
    if not report.rows:
        return _whole(report, "no_rows", f"Danh sách trong trang “{sheet.name}” không có dòng nào dưới dòng tiêu đề.")
    _check_ranks(report, issue)
    return report


def _whole(report: ClusterImport, code: str, message: str) -> ClusterImport:
    """Mark the file unreadable with one problem about the whole file; return the report."""
    report.unreadable = True
    report.issues.append(ImportIssue(report.file, report.sheet or "", None, None, code, message))
    return report


def _find_list(sheets: list[RawSheet], mode: str) -> tuple[RawSheet, int, dict[str, int]] | None:
    """Return the first sheet (visible ones first) with a header for this mode, its header row and columns."""
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        header = _find_header(sheet.rows)
        if header and (mode != SCORES or "score" in header[1]):
            return (sheet, *header)
    return None


def _issue_adder(report: ClusterImport) -> Callable[..., None]:
    """Return issue(row, field, code, message, severity="error"), which adds a problem at a cell of the list."""

    def issue(row: int, column: str | None, code: str, message: str, severity: str = "error") -> None:
        report.issues.append(ImportIssue(report.file, report.sheet or "", row,
                                         report.columns.get(column) if column else None, code, message, severity))

    return issue


def _check_rows(session: Session, report: ClusterImport, cluster: Cluster, rows: list[list[Any]], first_row: int,
                columns: dict[str, int], issue: Callable[..., None], header: HeaderRepeats) -> None:
    """Add one MemberRow per named row (`first_row` is the Excel number of rows[0]), matched to the members; the
    header printed again (a list of several pages) is skipped."""
    existing = list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)).all())
    by_key = {_key(m.name): m for m in existing}
    us = next((m for m in existing if m.is_us), None)
    us_keys = _us_keys(existing)
    seen: dict[str, int] = {}
    head_row: int | None = None

    def cell(values: list[Any], name: str) -> Any:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    for excel_row, values in enumerate(rows, start=first_row):
        name = _text(cell(values, "name"))
        key = _key(name)
        if not re.search(r"[^\W\d_]", name) or key.startswith(("tong cong", "cong ")) or (
                key in header.keys and header.repeats(values)):
            continue  # empty rows, column numbers "(1) (2)", totals, the header again
        row = MemberRow(sheet=report.sheet or "", row=excel_row, name=name)
        problem = text_problem(name, label=report.columns.get("name") or "Tên cơ quan/đơn vị", limit=_NAME_LIMIT)
        if problem is not None:
            issue(excel_row, "name", *problem)  # the row stays, so that the list shows it; commit refuses the file
        if key in seen:
            issue(excel_row, "name", "duplicate",
                  f"“{name}” đã có ở dòng {seen[key]}: mỗi thành viên chỉ ghi một dòng.")
            continue
        seen[key] = excel_row
        member = by_key.get(key) or (us if us is not None and key in us_keys else None)
        row.member_id = member.id if member else None
        if member is None and report.mode == SCORES:
            issue(excel_row, "name", "unknown_member",
                  f"Không có “{name}” trong danh sách thành viên {cluster.code} năm {cluster.year}. Sửa tên cho giống "
                  "danh sách thành viên, hoặc nhập danh sách thành viên trước.")
        if "role" in columns:
            _read_role(row, cell(values, "role"), issue)
            if row.role == "cum_truong":
                if head_row is not None:
                    issue(excel_row, "role", "two_heads", f"Dòng {head_row} đã là cụm trưởng: một cụm chỉ có một "
                                                          "cụm trưởng.")
                head_row = excel_row
        if "score" in columns:
            _read_score(row, cell(values, "score"), report.mode, issue)
        if "rank" in columns:
            _read_rank(row, cell(values, "rank"), issue)
        report.rows.append(row)


def _read_role(row: MemberRow, value: Any, issue: Callable[..., None]) -> None:
    """Set the row's role from its cell (empty = member), or add a problem when the words are not a role."""
    role_text = _text(value)
    row.role = _role(role_text)
    if row.role is None:
        issue(row.row, "role", "bad_role",
              f"Không hiểu vai trò “{role_text}”: ghi {', '.join(ROLES.values())} (hoặc để trống = thành viên).")


def _read_score(row: MemberRow, value: Any, mode: str, issue: Callable[..., None]) -> None:
    """Set the row's score from its cell; a problem when it is not a number from 0 to 1000, or missing in a score
    sheet."""
    try:
        row.score = _number(value)
    except ValueError:
        issue(row.row, "score", "bad_score", f"Điểm “{_text(value)}” không phải là số (ví dụ 95,5).")
        return
    if row.score is not None and not 0 <= row.score <= 1000:
        issue(row.row, "score", "bad_score", f"Điểm {_text(value)} phải từ 0 đến 1000.")
    elif row.score is None and mode == SCORES:
        issue(row.row, "score", "no_score", f"“{row.name}” chưa có điểm: dòng này được bỏ qua.", "warning")


def _read_rank(row: MemberRow, value: Any, issue: Callable[..., None]) -> None:
    """Set the row's rank from its cell; a warning, and no rank, when it is not a whole number from 1."""
    try:
        rank = _number(value)
        row.rank = int(rank) if rank is not None and rank.is_integer() and rank >= 1 else None
        if rank is not None and row.rank is None:
            raise ValueError
    except ValueError:
        issue(row.row, "rank", "bad_rank",
              f"Xếp hạng “{_text(value)}” không phải số nguyên dương: bỏ qua ô này.", "warning")


def _scored_event(session: Session, cluster: Cluster, event_id: int | None) -> int | None:
    scored = session.exec(select(ClusterEvent).where(ClusterEvent.cluster_id == cluster.id, ClusterEvent.scored)
                          .order_by(ClusterEvent.due_on.desc(), ClusterEvent.id.desc())).all()
    if event_id is not None:
        return event_id if any(e.id == event_id for e in scored) else None
    return scored[0].id if scored else None


def _check_ranks(report: ClusterImport, issue: Callable[..., None]) -> None:
    """Warn where a rank written in the file is not the one its scores give (1, 1, 3 for ties)."""
    rows = [r for r in report.rows if r.score is not None]
    for row, computed in zip(rows, competition_ranks([r.score for r in rows]), strict=True):
        if row.rank is not None and row.rank != computed:
            issue(row.row, "rank", "rank_mismatch",
                  f"Xếp hạng ghi {row.rank} nhưng theo điểm {format_number(row.score, 2)} là hạng {computed}: hệ thống "
                  "xếp hạng theo điểm.", "warning")


def commit(session: Session, actor: Actor, report: ClusterImport) -> dict[str, int]:
    """Write a checked file in the caller's transaction (all rows or none): new members, roles, scores; one audit
    entry. Return the counts {"added", "roles", "scores"}."""
    require(actor, "quan_ly_cum")
    if report.unreadable or report.errors:
        raise ClusterError("Tệp còn lỗi: sửa các lỗi đã liệt kê rồi tải lên lại. Chưa ghi gì.")
    cluster = session.get(Cluster, report.cluster_id)
    if cluster is None:
        raise ClusterError("Không tìm thấy cụm này (có thể đã bị xóa). Tải lại trang.")
    counts = {"added": 0, "roles": 0, "scores": 0}
    for row in report.rows:
        member = session.get(ClusterMember, row.member_id) if row.member_id else None
        if member is None:
            if report.mode == SCORES:
                continue
            member = ClusterMember(cluster_id=cluster.id, name=row.name, role=row.role or "thanh_vien")
            session.add(member)
            session.flush()
            hand_over_marks(session, cluster.id, member)
            counts["added"] += 1
        elif row.role is not None and row.role != member.role:
            member.role = row.role
            session.add(member)
            hand_over_marks(session, cluster.id, member)
            counts["roles"] += 1
        if row.score is not None and report.event_id is not None:
            part = session.exec(select(Participation).where(Participation.event_id == report.event_id,
                                                            Participation.member_id == member.id)).first()
            part = part or Participation(event_id=report.event_id, member_id=member.id)
            if part.score != row.score or part.not_applicable:
                part.score, part.not_applicable = row.score, False
                session.add(part)
                counts["scores"] += 1
    session.flush()
    audit.record(session, actor, "nhap_danh_sach_cum", "cum", cluster.id,
                 f"Nhập {MODES[report.mode].lower()} “{report.file}” vào {cluster.code} năm {cluster.year}: "
                 f"thêm {counts['added']} thành viên, đổi {counts['roles']} vai trò, ghi {counts['scores']} điểm.",
                 after={"rows": [{"name": r.name, "role": r.role, "score": r.score} for r in report.rows]})
    return counts
