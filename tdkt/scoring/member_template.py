"""A member's scoring sheet as .xlsx: the template the cluster head sends to one member (its header, one row per
criterion assigned to it, the cells to fill, prefilled with what is recorded); `member_sheet` reads it back."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from tdkt.core.models import ClusterMember
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.core.text import format_date
from tdkt.core.workbook import put, save
from tdkt.importing.template_style import BOX, write_header_row, write_title
from tdkt.scoring import kinds
from tdkt.scoring.entries import entries_of
from tdkt.scoring.kinds import ScoringError, points_text
from tdkt.scoring.member_sheet import (
    ROUND_WORDS,
    TITLES,
    TO_FILL,
    MemberSheet,
    SheetEntry,
    read_member_sheet,
    round_kind,
    scoring_sheet,
)
from tdkt.scoring.rounds import ROUNDS, SCORED_ROUNDS
from tdkt.scoring.sheets import CriterionSpec, Sheet

# The page and the command line use the reader from here too, beside the template it reads.
__all__ = ["ROUND_WORDS", "MemberSheet", "SheetEntry", "member_workbook", "read_member_sheet", "round_kind"]

SHEET_NAME = "Bảng chấm điểm"
_WIDTHS = {"code": 9, "name": 48, "kind": 16, "max": 10, "target": 13, "value": 14, "not_assigned": 9,
           "evidence_number": 20, "evidence_date": 13, "comment": 34}
_COLUMNS = ("code", "name", "kind", "max", "target", "value", "not_assigned", "evidence_number", "evidence_date",
            "comment")
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
_OPEN = Protection(locked=False)
_HEADER_ROW = 9


def _latest(index: dict, criterion_id: int, member_id: int, rounds: tuple[str, ...]) -> ScoreEntry | None:
    return next((e for r in rounds if (e := index.get((criterion_id, member_id, r))) is not None), None)


def _prefill(index: dict, c: CriterionSpec, member_id: int, kind: str) -> tuple[ScoreEntry | None, ScoreEntry | None]:
    """Return (the entry whose values the row shows, the entry of this round itself): this round's own, else for an
    appraisal the round before (the self-score, or the first appraisal for the re-appraisal)."""
    own = index.get((c.id, member_id, kind))
    if own is not None:
        return own, own
    earlier = SCORED_ROUNDS[SCORED_ROUNDS.index(kind) + 1:]
    return _latest(index, c.id, member_id, earlier), None


def _what_to_fill(c: CriterionSpec) -> str:
    if c.kind == kinds.DINH_LUONG:
        return "Kết quả thực hiện so với chỉ tiêu được giao"
    if c.kind == kinds.DINH_TINH:
        return f"Điểm chấm, tối đa {points_text(c.max_points)}" if c.rule == kinds.DIEM else "1 (đạt) hoặc 0"
    if c.kind == kinds.THEO_LAN:
        return f"Số lần ({points_text(c.points_each)} điểm mỗi lần, tối đa {points_text(c.max_points)})"
    sign = "cộng" if (c.points_each or 0) > 0 else "trừ"
    return f"Số lần ({sign} {points_text(abs(c.points_each or 0))} điểm mỗi lần)"


def _kind_label(c: CriterionSpec) -> str:
    if c.kind == kinds.CONG_TRU:
        return "Điểm cộng" if (c.points_each or 0) > 0 else "Điểm trừ"
    return {kinds.DINH_LUONG: "Định lượng", kinds.DINH_TINH: "Định tính", kinds.THEO_LAN: "Theo số lần"}[c.kind]


def _check(type_: str, error: str, **kw: str) -> DataValidation:
    return DataValidation(type=type_, allow_blank=True, error=error, errorTitle="Giá trị không hợp lệ",
                          showErrorMessage=True, **kw)


@dataclass
class _Validations:
    """The drop-downs and number checks of the cells to fill, one object per kind of check."""

    met: DataValidation = field(default_factory=lambda: _check("list", "Ghi 1 (đạt) hoặc 0 (không đạt).",
                                                               formula1='"1,0"', prompt="1 = đạt, 0 = không đạt"))
    count: DataValidation = field(default_factory=lambda: _check(
        "whole", "Ghi số lần: một số nguyên không âm.", operator="greaterThanOrEqual", formula1="0"))
    amount: DataValidation = field(default_factory=lambda: _check(
        "decimal", "Ghi một số không âm.", operator="greaterThanOrEqual", formula1="0"))
    target: DataValidation = field(default_factory=lambda: _check(
        "decimal", "Chỉ tiêu được giao phải lớn hơn 0 (không giao thì ghi x ở cột “Không giao”).",
        operator="greaterThan", formula1="0"))
    flag: DataValidation = field(default_factory=lambda: _check(
        "list", "Ghi x khi đơn vị không được giao tiêu chí này.", formula1='"x"'))
    day: DataValidation = field(default_factory=lambda: _check(  # 01/01/2000 to 31/12/2100
        "date", "Ghi ngày dạng dd/mm/yyyy.", operator="between", formula1="36526", formula2="73415"))
    points: dict[float, DataValidation] = field(default_factory=dict)

    def up_to(self, maximum: float) -> DataValidation:
        if maximum not in self.points:
            self.points[maximum] = _check("decimal", f"Điểm chấm từ 0 đến {points_text(maximum)}.",
                                          operator="between", formula1="0", formula2=repr(float(maximum)))
        return self.points[maximum]

    def attach(self, ws: Worksheet) -> None:
        for dv in (self.met, self.count, self.amount, self.target, self.flag, self.day, *self.points.values()):
            if dv.sqref:
                ws.add_data_validation(dv)


def _header_block(ws: Worksheet, sheet: Sheet, member: ClusterMember, kind: str) -> None:
    width = len(_COLUMNS)
    write_title(ws, "A1", f"BẢNG CHẤM ĐIỂM THI ĐUA NĂM {sheet.cluster.year}", size=14,
                merge=f"A1:{get_column_letter(width)}1")
    deadline = sheet.rounds.get(kind)
    facts = [("Cụm thi đua:", f"{sheet.cluster.code} — {sheet.cluster.name}"), ("Năm:", sheet.cluster.year),
             ("Đơn vị:", member.name), ("Vòng chấm:", ROUNDS[kind]),
             ("Hạn nộp:", format_date(deadline) if deadline else "Chưa đặt hạn")]
    for offset, (label, value) in enumerate(facts):
        row = 3 + offset
        put(ws, row, 1, label).font = Font(bold=True)
        cell = put(ws, row, 2, value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="left")
    note = ("Ghi vào các ô nền vàng: kết quả (định lượng: kết quả thực hiện và chỉ tiêu được giao; định tính: 1 đạt, 0 "
            "không đạt, hoặc điểm chấm; theo lần, cộng, trừ: số lần), số và ngày văn bản kiểm chứng, ghi chú. "
            "Tiêu chí không được giao: ghi x ở cột “Không giao”. Không sửa mã tiêu chí và điểm tối đa.")
    cell = put(ws, 8, 1, note)
    cell.font = Font(italic=True, size=9)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=8, start_column=1, end_row=8, end_column=width)
    ws.row_dimensions[8].height = 42


def _criterion_row(ws: Worksheet, r: int, c: CriterionSpec, shown: ScoreEntry | None, own: ScoreEntry | None,
                   checks: _Validations) -> None:
    letters = {name: get_column_letter(i) for i, name in enumerate(_COLUMNS, start=1)}
    values = {"code": c.code, "name": c.name, "kind": _kind_label(c), "max": c.max_points}
    if shown is not None:
        values |= {"target": shown.target if c.kind == kinds.DINH_LUONG else None,
                   "value": shown.value, "not_assigned": "x" if shown.not_assigned else None,
                   "evidence_number": shown.evidence_number, "evidence_date": shown.evidence_date}
    if own is not None:
        values["comment"] = own.comment
    for i, name in enumerate(_COLUMNS, start=1):
        cell = put(ws, r, i, values.get(name))
        cell.border = BOX
        cell.alignment = Alignment(vertical="top", wrap_text=name in ("name", "comment"))
        fillable = name in TO_FILL and not (name == "target" and c.kind != kinds.DINH_LUONG) and not (
            name == "not_assigned" and c.kind == kinds.CONG_TRU)
        if fillable:
            cell.protection = _OPEN
            cell.fill = _INPUT_FILL
        if name in ("evidence_number", "comment"):
            cell.number_format = "@"  # typed "=…" stays text
        if name == "evidence_date":
            cell.number_format = "dd/mm/yyyy"
    put(ws, r, len(_COLUMNS) + 1, _what_to_fill(c)).font = Font(italic=True, size=9, color="666666")
    value = f"{letters['value']}{r}"
    if c.kind == kinds.DINH_LUONG:
        checks.amount.add(value)
        checks.target.add(f"{letters['target']}{r}")
    elif c.kind == kinds.DINH_TINH:
        (checks.up_to(c.max_points) if c.rule == kinds.DIEM else checks.met).add(value)
    else:
        checks.count.add(value)
    if c.kind != kinds.CONG_TRU:
        checks.flag.add(f"{letters['not_assigned']}{r}")
    checks.day.add(f"{letters['evidence_date']}{r}")


def _heading_row(ws: Worksheet, r: int, code: str, text: str, maximum: float) -> None:
    for i, name in enumerate(_COLUMNS, start=1):
        value = {"code": code, "name": text, "max": maximum}.get(name)
        cell = put(ws, r, i, value)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = BOX


def member_workbook(session: Session, *, year: int, cluster_code: str, member_id: int,
                    round: str = "self") -> bytes:  # noqa: A002 - the page's word
    """Return the .xlsx a cluster head sends one member for a round: the header (cluster, year, member, round,
    deadline), the groups as heading rows and one row per criterion assigned to it, with its code, name, kind,
    maximum and the cells to fill (prefilled with what is already recorded), checked by data validation; every other
    cell locked (the sheet protected without a password), no formula anywhere."""
    kind = round_kind(round)
    sheet = scoring_sheet(session, year=year, cluster_code=cluster_code)
    member = session.get(ClusterMember, member_id)
    if member is None or member.cluster_id != sheet.cluster.id:
        raise ScoringError(f"Thành viên số {member_id} không thuộc {sheet.cluster.code} năm {year}.")
    spec = sheet.spec
    index = {(e.criterion_id, e.member_id, e.round): e for e in entries_of(session, sheet_id=sheet.id)}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _header_block(ws, sheet, member, kind)
    write_header_row(ws, [(TITLES[name], _WIDTHS[name]) for name in _COLUMNS], row=_HEADER_ROW)
    hint = put(ws, _HEADER_ROW, len(_COLUMNS) + 1, "Cách ghi kết quả")
    hint.font = Font(italic=True, size=9, color="666666")
    ws.column_dimensions[get_column_letter(len(_COLUMNS) + 1)].width = 36
    checks, r = _Validations(), _HEADER_ROW + 1
    scored = {c.code for c in spec.scored}
    for group in spec.groups:
        _heading_row(ws, r, "", group.name, group.max_points)
        r += 1
        for top in spec.top(group.name):
            leaves = [top] if top.code in scored else spec.children(top.code)
            rows = []
            for c in leaves:
                latest = _latest(index, c.id, member.id, SCORED_ROUNDS)
                if latest is not None and latest.not_assigned:
                    continue  # not assigned to this member this year: no row to fill
                rows.append(c)
            if top.code not in scored and rows:
                _heading_row(ws, r, top.code, top.name, top.max_points)
                r += 1
            for c in rows:
                _criterion_row(ws, r, c, *_prefill(index, c, member.id, kind), checks)
                r += 1
    checks.attach(ws)
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=3)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights may still change
    return save(wb)


