"""A filled member scoring sheet read back: the safe reader, the table found by its headers (accents ignored), every
row checked as recording it would and turned into entries, or problems naming file, sheet, row and column.

What is accepted. The realistic file is the member's own sheet coming back (`member_template.member_workbook`): one
member, named in the header block ("Đơn vị: Sở Xây dựng"), as the cluster's regulation has each member send its
self-score with its evidence and the appraisal team fill the same form per member. The head's consolidated forms are
read too: a table with an "Đơn vị" column (several members' rows), and a workbook with one such sheet per member. A
row whose cells to fill are all empty is left as it is (nothing recorded for that criterion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.models import Cluster, ClusterMember
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.core.text import fold, format_date, nfc, parse_date
from tdkt.importing.headers import SCAN_ROWS, field_of, header_key, is_numbering_row
from tdkt.importing.read import read_workbook
from tdkt.importing.report import IssueReport
from tdkt.importing.sheet_data import RawSheet, UnreadableFile
from tdkt.scoring import kinds
from tdkt.scoring.entries import EntryInput, check_value, entries_of
from tdkt.scoring.kinds import ScoringError
from tdkt.scoring.rounds import APPRAISALS, GIAI_TRINH, ROUNDS, THAM_DINH, THAM_DINH_LAI, TU_CHAM, require_open
from tdkt.scoring.sheets import CriterionSpec, Sheet, cluster_named, load, sheet_row

# The command line's round words, and the rounds a sheet can be filled for (an explanation is written on the page).
ROUND_WORDS = {"self": TU_CHAM, "appraisal": THAM_DINH}
SHEET_ROUNDS = (TU_CHAM, THAM_DINH, THAM_DINH_LAI)
TITLES = {"code": "Mã tiêu chí", "name": "Tiêu chí", "kind": "Loại", "max": "Điểm tối đa",
          "target": "Chỉ tiêu được giao", "value": "Kết quả / điểm / số lần", "not_assigned": "Không giao",
          "evidence_number": "Số văn bản kiểm chứng", "evidence_date": "Ngày văn bản",
          "comment": "Ghi chú, nhận xét", "unit": "Đơn vị"}
TO_FILL = ("target", "value", "not_assigned", "evidence_number", "evidence_date", "comment")
_HEADERS = {
    "code": ("ma tieu chi", "ma so tieu chi", "ma so", "ma"),
    "name": ("tieu chi", "noi dung tieu chi", "ten tieu chi", "noi dung"),
    "kind": ("loai tieu chi", "loai"),
    "max": ("diem toi da", "toi da", "diem chuan"),
    "target": ("chi tieu duoc giao", "chi tieu", "ke hoach duoc giao", "ke hoach"),
    "value": ("ket qua", "diem tu cham", "diem tham dinh", "diem cham", "diem dat", "so lan", "gia tri"),
    "not_assigned": ("khong giao", "khong duoc giao"),
    "evidence_number": ("so van ban kiem chung", "so van ban", "so hieu van ban", "tai lieu kiem chung",
                        "so ky hieu van ban"),
    "evidence_date": ("ngay van ban", "ngay ban hanh", "ngay ky"),
    "comment": ("ghi chu", "nhan xet", "giai trinh", "y kien"),
    "unit": ("don vi", "ten don vi", "co quan don vi", "thanh vien"),
}
_LABELS = {"cluster": ("cum thi dua", "cum"), "year": ("nam",), "unit": ("don vi", "thanh vien"),
           "round": ("vong cham", "vong"), "deadline": ("han nop", "han")}
_YES = {"x", "co", "1", "khong giao", "dung", "v"}
_MET = {"dat": 1.0, "co": 1.0, "x": 1.0, "khong dat": 0.0, "khong": 0.0, "chua dat": 0.0}


def round_kind(round: str) -> str:  # noqa: A002 - the callers' word
    """Return the stored round of "self"/"appraisal" (or a round's own key); refuse any other in Vietnamese."""
    kind = ROUND_WORDS.get(round, round)
    if kind not in SHEET_ROUNDS:
        raise ScoringError(f"Vòng “{round}” không có bảng chấm: chọn self (tự chấm) hoặc appraisal (thẩm định).")
    return kind


def scoring_sheet(session: Session, *, year: int, cluster_code: str) -> Sheet:
    """Return a cluster's criteria sheet of a year; refuse (Vietnamese) a cluster the year lacks or one without one."""
    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    if cluster is None:
        raise ScoringError(f"Năm {year} không có cụm “{cluster_code}”.")
    sheet = load(session, cluster_id=cluster.id)
    if sheet is None:
        raise ScoringError(f"{cluster.code} năm {year} chưa có bảng tiêu chí: lập bảng tiêu chí trước.")
    return sheet


def _members(session: Session, cluster_id: int) -> list[ClusterMember]:
    return list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)
                             .order_by(ClusterMember.id)).all())


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """One filled row: where it is, whose and which criterion, and the entry it becomes."""

    sheet: str
    row: int
    member: str
    code: str
    entry: EntryInput

    def as_dict(self) -> dict[str, Any]:
        """Return the row as the command line's --json prints it."""
        e = self.entry
        return {"sheet": self.sheet, "row": self.row, "member": self.member, "code": self.code, "value": e.value,
                "target": e.target, "not_assigned": e.not_assigned, "evidence_number": e.evidence_number,
                "evidence_date": format_date(e.evidence_date) if e.evidence_date else None, "comment": e.comment}


@dataclass(slots=True)
class MemberSheet(IssueReport):
    """What a filled member sheet holds (`entries`, ready for `entries.record_entries`) and what is wrong with it
    (`issues`, each naming the file, sheet, row and column); `unreadable` when the file cannot be read at all."""

    file: str
    year: int
    cluster: str
    round: str
    sheets: list[str] = field(default_factory=list)
    rows: list[SheetEntry] = field(default_factory=list)
    skipped: int = 0  # criterion rows left empty
    issues: list[ImportIssue] = field(default_factory=list)
    unreadable: bool = False
    imported: int = 0  # entries written (0 on a dry run or with errors)
    changed: int = 0  # of those, the entries whose values changed

    def as_json(self) -> dict[str, Any]:
        """Return the report as `import-scores --json` prints it."""
        word = next((w for w, kind in ROUND_WORDS.items() if kind == self.round), self.round)
        return {"file": self.file, "year": self.year, "cluster": self.cluster, "round": word,
                "sheets": self.sheets, "members": self.members, "rows": len(self.rows), "skipped": self.skipped,
                "imported": self.imported, "changed": self.changed,
                "errors": [i.as_dict() for i in self.errors], "warnings": [i.as_dict() for i in self.warnings],
                "records": [r.as_dict() for r in self.rows]}

    @property
    def entries(self) -> list[EntryInput]:
        """Return the entries to record (empty when the sheet has errors)."""
        return [] if self.errors else [r.entry for r in self.rows]

    @property
    def members(self) -> list[str]:
        """Return the members the rows are for, in the order met."""
        return list(dict.fromkeys(r.member for r in self.rows))


_key = header_key
_field_of = field_of


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return format_date(value)
    return nfc(str(value)).strip()


def _number(value: Any) -> float | None:
    """Return a number written as a number or the Vietnamese way ("95,5", "1.200"); raise ValueError if not one."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


class _Problems:
    """Adds a sheet's problems at its cells, each column named as the file writes its header."""

    def __init__(self, report: MemberSheet, sheet: str, headers: dict[str, str]) -> None:
        self.report, self.sheet, self.headers = report, sheet, headers

    def add(self, row: int | None, column: str | None, code: str, message: str,
            severity: str = "error") -> None:
        named = self.headers.get(column, TITLES.get(column)) if column else None
        self.report.issues.append(ImportIssue(self.report.file, self.sheet, row, named, code, message, severity))


def _find_table(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            name = _field_of(cell, _HEADERS) if isinstance(cell, str) else None
            if name and name not in columns:
                columns[name] = c
        if "code" in columns and len(columns) >= 2:
            return r, columns
    return None


def _header_facts(rows: list[list[Any]]) -> dict[str, tuple[int, str]]:
    """Return the header block's facts above the table: field -> (Excel row, value as written), a label ending
    with ":" followed by its value in the next filled cell."""
    facts: dict[str, tuple[int, str]] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or ":" not in cell:
                continue
            label, _, rest = cell.partition(":")
            name = _field_of(label, _LABELS)
            if name is None or name in facts or _key(label) not in _LABELS[name]:
                continue
            value = rest.strip() or next((_text(v) for v in row[c + 1:] if _text(v)), "")
            if value:
                facts[name] = (r + 1, value)
    return facts


def _member_named(members: list[ClusterMember], text: str) -> ClusterMember | None:
    key = _key(text)
    found = [m for m in members if _key(m.name) == key]
    if not found and key in {"so cong thuong lang son", "so cong thuong tinh lang son", "so cong thuong"}:
        found = [m for m in members if m.is_us]
    return found[0] if len(found) == 1 else None


@dataclass
class _Context:
    """What checking every row of one file needs, read once."""

    sheet: Sheet
    kind: str
    members: list[ClusterMember]
    criteria: dict[str, CriterionSpec]  # folded code -> criterion
    parents: set[str]
    index: dict[tuple[int, int, str], ScoreEntry]
    other_clusters: list[str] = field(default_factory=list)  # the year's other cluster codes
    seen: dict[tuple[int, int], tuple[str, int]] = field(default_factory=dict)


def _check_header(ctx: _Context, facts: dict[str, tuple[int, str]], at: _Problems) -> None:
    cluster = ctx.sheet.cluster
    if "cluster" in facts:
        row, text = facts["cluster"]
        written = _key(text)
        def names(code: str) -> bool:
            return written == _key(code) or written.startswith(_key(code) + " ")

        if not names(cluster.code) and any(names(code) for code in ctx.other_clusters):
            at.add(row, None, "other_cluster", f"Tệp ghi cụm “{text}”, nhưng đang nhập vào {cluster.code}: chọn "
                                               "đúng cụm hoặc đúng tệp.")
    if "year" in facts:
        row, text = facts["year"]
        if text.strip().isdigit() and int(text) != cluster.year:
            at.add(row, None, "other_year", f"Tệp ghi năm {text}, nhưng đang nhập vào năm {cluster.year}: chọn "
                                            "đúng năm hoặc đúng tệp.")
    if "round" in facts:
        row, text = facts["round"]
        named = next((k for k, label in ROUNDS.items() if _key(label) == _key(text)), None)
        if named is not None and named != ctx.kind:
            at.add(row, None, "other_round", f"Tệp là bảng vòng “{text}” nhưng được nhập vào vòng "
                                             f"“{ROUNDS[ctx.kind]}”: kiểm tra lại vòng trước khi ghi.", "warning")


def _cell(values: list[Any], columns: dict[str, int], name: str) -> Any:
    c = columns.get(name)
    return values[c] if c is not None and c < len(values) else None


def _read_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    return parse_date(text) if text else None


def _read_value(c: CriterionSpec, raw: Any) -> float | None:
    """Return the value cell as a number; a met/not-met criterion also takes "Đạt"/"Không đạt"."""
    if c.kind == kinds.DINH_TINH and c.rule != kinds.DIEM and isinstance(raw, str) and _key(raw) in _MET:
        return _MET[_key(raw)]
    return _number(raw)


def _row(ctx: _Context, at: _Problems, sheet: str, excel_row: int, values: list[Any], columns: dict[str, int],
         member: ClusterMember) -> SheetEntry | None:
    """Return one criterion row's entry, or None with its problems added (or nothing to record)."""
    code = _text(_cell(values, columns, "code")).rstrip(".")
    filled = {name: _cell(values, columns, name) for name in TO_FILL}
    if not any(_text(v) for v in filled.values()):
        return None
    c = ctx.criteria.get(fold(code))
    if c is None:
        at.add(excel_row, "code", "unknown_criterion", f"Mã tiêu chí “{code}” không có trong bảng tiêu chí của "
                                                       f"{ctx.sheet.cluster.code} năm {ctx.sheet.cluster.year}: "
                                                       "sửa lại mã theo bảng tiêu chí (tải lại mẫu nếu cần).")
        return None
    if fold(code) in ctx.parents:
        at.add(excel_row, "value", "parent_criterion", f"Tiêu chí “{c.code}” có tiêu chí con: ghi kết quả ở từng "
                                                       "tiêu chí con, để trống dòng này.")
        return None
    errors = len(at.report.errors)
    numbers: dict[str, float | None] = {}
    for name in ("target", "value"):
        try:
            numbers[name] = _read_value(c, filled[name]) if name == "value" else _number(filled[name])
        except ValueError:
            at.add(excel_row, name, "not_a_number", f"Tiêu chí “{c.code}”: “{_text(filled[name])}” không phải là "
                                                    "một số. Ghi số (ví dụ 95 hoặc 95,5).")
    try:
        evidence_date = _read_date(filled["evidence_date"])
    except ValueError as error:
        at.add(excel_row, "evidence_date", "bad_date", f"Tiêu chí “{c.code}”: {error}")
        evidence_date = None
    flag = _key(filled["not_assigned"])
    not_assigned = bool(flag) and flag in _YES
    if flag and not not_assigned and flag not in {"0", "khong"}:
        at.add(excel_row, "not_assigned", "bad_flag", f"Tiêu chí “{c.code}”: cột “Không giao” ghi x hoặc để trống.")
    if len(at.report.errors) > errors:
        return None
    if not_assigned and numbers.get("value") is not None:
        at.add(excel_row, "not_assigned", "assigned_and_not", f"Tiêu chí “{c.code}” vừa có kết quả vừa đánh dấu "
                                                              "“Không giao”: xóa một trong hai.")
        return None
    number = _text(filled["evidence_number"]) or None
    item = EntryInput(member.id, c.id, None if not_assigned else numbers.get("value"),
                      None if not_assigned else numbers.get("target"), not_assigned, number, evidence_date,
                      _text(filled["comment"]) or None)
    if not _row_fits(ctx, at, excel_row, c, member, item):
        return None
    seen = ctx.seen.get((c.id, member.id))
    if seen is not None:
        at.add(excel_row, "code", "duplicate", f"Tiêu chí “{c.code}” của {member.name} đã có ở dòng {seen[1]} "
                                               f"(trang “{seen[0]}”): giữ một dòng.")
        return None
    ctx.seen[(c.id, member.id)] = (sheet, excel_row)
    return SheetEntry(sheet, excel_row, member.name, c.code, item)


def _row_fits(ctx: _Context, at: _Problems, excel_row: int, c: CriterionSpec, member: ClusterMember,
              item: EntryInput) -> bool:
    """Check a row as recording it will (the kind's value, the evidence, a comment where an appraisal differs), each
    refusal placed at the cell to fix."""
    if item.not_assigned and c.kind == kinds.CONG_TRU:
        at.add(excel_row, "not_assigned", "cannot_unassign", f"Mục cộng/trừ “{c.code}” không đánh dấu “Không giao” "
                                                             "được: ghi số lần 0.")
        return False
    if not item.not_assigned:
        column = "value"
        if item.value is None:
            at.add(excel_row, "value", "no_value", f"Tiêu chí “{c.code}”: ghi kết quả (hoặc x ở cột “Không giao”).")
            return False
        if c.kind == kinds.DINH_LUONG and (item.target is None or item.target <= 0):
            column = "target"
        try:
            check_value(c, item)
        except ScoringError as error:
            at.add(excel_row, column, "bad_value", str(error))
            return False
    stored = ctx.index.get((c.id, member.id, ctx.kind))
    has_file = stored is not None and stored.evidence_sha256 is not None
    if ctx.kind == TU_CHAM and not item.not_assigned and (item.value or 0) > 0 and not item.evidence_number \
            and not has_file:
        at.add(excel_row, "evidence_number", "no_evidence", f"Tiêu chí “{c.code}”: ghi số văn bản kiểm chứng (và "
                                                            "ngày) cho kết quả tự chấm.")
        return False
    if item.evidence_number and item.evidence_date is None:
        at.add(excel_row, "evidence_date", "no_evidence_date", f"Tiêu chí “{c.code}”: ghi ngày của văn bản kiểm "
                                                               f"chứng {item.evidence_number} (dd/mm/yyyy).")
        return False
    if ctx.kind in APPRAISALS:
        own = ctx.index.get((c.id, member.id, TU_CHAM))
        differs = own is not None and (own.value, own.target, own.not_assigned) != (
            item.value, item.target, item.not_assigned)
        if differs and not item.comment:
            at.add(excel_row, "comment", "no_comment", f"Tiêu chí “{c.code}”: kết quả thẩm định khác kết quả tự "
                                                       "chấm, ghi nhận xét vì sao.")
            return False
        if ctx.kind == THAM_DINH_LAI and ctx.index.get((c.id, member.id, GIAI_TRINH)) is None:
            at.add(excel_row, "code", "not_explained", f"Tiêu chí “{c.code}” của {member.name} không được giải "
                                                       "trình: vòng thẩm định lại chỉ chấm các tiêu chí đã giải trình.")
            return False
    return True


def _read_sheet(ctx: _Context, report: MemberSheet, raw: RawSheet, found: tuple[int, dict[str, int]]) -> None:
    header, columns = found
    headers = {name: _text(raw.rows[header][c]) for name, c in columns.items()}
    at = _Problems(report, raw.name, headers)
    report.sheets.append(raw.name)
    if "value" not in columns:
        at.add(header + 1, "value", "missing_column", f"Trang “{raw.name}” thiếu cột “{TITLES['value']}”: thêm cột "
                                                      "này (tải lại mẫu nếu cần) rồi nhập lại.")
        return
    facts = _header_facts(raw.rows[:header])
    _check_header(ctx, facts, at)
    member = None
    if "unit" not in columns:
        if "unit" not in facts:
            at.add(None, None, "no_member", f"Trang “{raw.name}” không ghi đơn vị: ghi “Đơn vị: tên đơn vị” ở phần "
                                            "đầu, hoặc thêm cột “Đơn vị” cho từng dòng.")
            return
        row, name = facts["unit"]
        member = _member_named(ctx.members, name)
        if member is None:
            at.add(row, None, "unknown_member", f"“{name}” không phải thành viên của {ctx.sheet.cluster.code} năm "
                                                f"{ctx.sheet.cluster.year}: ghi đúng tên đơn vị như trong danh sách "
                                                "thành viên cụm.")
            return
    for excel_row, values in enumerate(raw.rows[header + 1:], start=header + 2):
        code = _text(_cell(values, columns, "code"))
        if not code or is_numbering_row(values) or _field_of(code, _HEADERS) == "code":
            continue  # group headings, empty rows, column numbers, the header repeated
        whose = member
        if whose is None:
            unit = _text(_cell(values, columns, "unit"))
            whose = _member_named(ctx.members, unit) if unit else None
            if whose is None:
                if any(_text(_cell(values, columns, n)) for n in TO_FILL):
                    at.add(excel_row, "unit", "unknown_member",
                           f"“{unit}” không phải thành viên của {ctx.sheet.cluster.code} năm {ctx.sheet.cluster.year}:"
                           " ghi đúng tên đơn vị như trong danh sách thành viên cụm." if unit else
                           "Dòng chưa ghi đơn vị: ghi tên đơn vị thành viên.")
                continue
        entry = _row(ctx, at, raw.name, excel_row, values, columns, whose)
        if entry is not None:
            report.rows.append(entry)
        elif fold(code.rstrip(".")) in ctx.criteria and fold(code.rstrip(".")) not in ctx.parents \
                and not any(_text(_cell(values, columns, n)) for n in TO_FILL):
            report.skipped += 1


def read_member_sheet(session: Session, data: bytes, *, file_name: str, year: int, cluster_code: str,
                      round: str, settings: Settings | None = None) -> MemberSheet:  # noqa: A002 - the page's word
    """Read a filled member sheet (or the head's consolidated one) through the safe reader and check every row as
    recording it would, writing nothing: a MemberSheet whose `entries` go to `entries.record_entries` when it has no
    `errors`; a locked round, an unknown member or criterion, a value the kind cannot take are errors at their cell."""
    kind = round_kind(round)
    sheet = scoring_sheet(session, year=year, cluster_code=cluster_code)
    settings = settings or Settings.from_env()
    report = MemberSheet(file=file_name, year=sheet.cluster.year, cluster=sheet.cluster.code, round=kind)
    whole = _Problems(report, "", {})
    try:
        raws = read_workbook(data, filename=file_name, limit_bytes=int(settings.upload_limit_mb * 1024 * 1024),
                             max_rows=settings.max_rows)
    except UnreadableFile as error:
        report.unreadable = True
        whole.add(None, None, error.code, error.message)
        return report
    tables = [(raw, found) for raw in sorted(raws, key=lambda s: s.hidden) if (found := _find_table(raw.rows))]
    if not tables:
        report.unreadable = True
        whole.add(None, None, "no_header", f"Không tìm thấy bảng chấm điểm trong tệp “{file_name}”: cần một dòng "
                                           f"tiêu đề cột có “{TITLES['code']}” và “{TITLES['value']}”. Dùng mẫu "
                                           "bảng chấm điểm của cụm.")
        return report
    try:
        require_open(session, sheet_row(session, cluster_id=sheet.cluster.id), kind)
    except ScoringError as error:
        whole.add(None, None, "round_locked", str(error))
    spec = sheet.spec
    ctx = _Context(sheet, kind, _members(session, sheet.cluster.id), {fold(c.code): c for c in spec.criteria},
                   {fold(c.parent) for c in spec.criteria if c.parent},
                   {(e.criterion_id, e.member_id, e.round): e for e in entries_of(session, sheet_id=sheet.id)})
    ctx.other_clusters = [c.code for c in session.exec(select(Cluster).where(
        Cluster.year == sheet.cluster.year, Cluster.id != sheet.cluster.id)).all()]
    for raw, found in tables:
        _read_sheet(ctx, report, raw, found)
    if not report.rows and not report.errors:
        whole.add(None, None, "no_rows", f"Tệp “{file_name}” chưa ghi kết quả nào: điền các ô nền vàng rồi nhập lại.")
    return report
