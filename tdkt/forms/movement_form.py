"""Biểu 0601.N/BNV-TĐKT, số phong trào thi đua: the movements launched in the form's period, by launching level, scope,
duration and way of organising (Thông tư 02/2023/TT-BNV; layout from an implementation, see docs/DESIGN.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.core.models import Movement
from tdkt.core.text import fold, format_date
from tdkt.forms.form_table import FormColumn, FormRow, FormTable, Period, add, period

CODE = "0601.N/BNV-TĐKT"
TITLE = "SỐ PHONG TRÀO THI ĐUA"
_GROUP = "Số phong trào thi đua chia theo cấp chủ trì phát động thi đua"
COLUMNS = [
    FormColumn(("Tổng số",), "1=(2+3+4)"),
    FormColumn((_GROUP, "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)"), "2"),
    FormColumn((_GROUP, "Cấp bộ, ban ngành đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương"), "3"),
    FormColumn((_GROUP, "Cơ quan, tổ chức, đơn vị"), "4"),
]
CENTRAL, SECTOR, AGENCY = 1, 2, 3  # value columns 2, 3, 4
# (code or None for a heading, label); headings are bold.
ROWS: tuple[tuple[str | None, str], ...] = (
    ("01", "Tổng số"),
    (None, "1. Chia theo phạm vi tổ chức thi đua"),
    ("02", "- Toàn quốc"),
    ("03", "- Bộ, ban, ngành đoàn thể, địa phương"),
    ("04", "- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức"),
    ("05", "- Cơ quan, tổ chức, đơn vị"),
    (None, "2. Chia theo thời hạn thi đua"),
    ("06", "- Dưới 1 năm"),
    ("07", "- 1 năm"),
    ("08", "- Từ 1 năm đến dưới 3 năm"),
    ("09", "- Từ 3 năm đến dưới 5 năm"),
    ("10", "- Từ 5 năm trở lên"),
    (None, "3. Chia theo phương thức tổ chức phong trào thi đua"),
    ("11", "- Thi đua theo chuyên đề"),
    ("12", "- Thi đua thường xuyên hàng năm"),
)
LABELS = {code: label.lstrip("- ") for code, label in ROWS if code}
LEVEL_LABELS = {CENTRAL: "Cấp Trung ương", SECTOR: "Cấp bộ, ngành, tỉnh", AGENCY: "Cơ quan, tổ chức, đơn vị"}

# Who launched a movement is the free text of "Cơ quan phát động" (folded); read in this order, the first match
# decides, an empty one is the department itself (the Office records the movements it launches without an issuer).
_CENTRAL = re.compile(
    r"\b(thu tuong|chinh phu|chu tich nuoc|quoc hoi|ban chap hanh trung uong|toan quoc"
    r"|hoi dong thi dua\W*khen thuong (trung uong|tw)|hd ?tdkt (trung uong|tw))\b"
)
_CLUSTER = re.compile(r"\b(cum|khoi) thi dua\b|\bcum (truong|[ivx]+|\d+)\b|\bkhoi (truong|[ivx]+|\d+)\b")
_SECTOR = re.compile(
    r"\b(uy ban nhan dan|ubnd|tinh uy|thanh uy|bo truong|bo(?! phan)|tong lien doan|lien doan lao dong"
    r"|hoi dong thi dua\W*khen thuong (tinh|thanh pho|bo)|hd ?tdkt (tinh|bo)|trung uong)\b"
)
_AGENCY = re.compile(
    r"\b(so|giam doc|cong doan (so|co so)|chi bo|dang uy|chi doan|doan co so|phong|trung tam|van phong|don vi"
    r"|co quan|hoi dong thi dua\W*khen thuong so)\b"
)
_PROVINCE = re.compile(r"\b(tinh|thanh pho)\b")
_REGULAR = "thuong_xuyen"


@dataclass(frozen=True, slots=True)
class Placed:
    """Where one movement is counted: its level column, scope row, duration row and way row, with the reasons."""

    level: int
    scope: str
    duration: str
    way: str
    duration_note: str


def launch_level(launched_by: str | None) -> tuple[int, bool]:
    """Return the level column a launcher's text falls in (CENTRAL, SECTOR, AGENCY) and whether it is a cluster."""
    text = fold(launched_by).replace("-", " ")
    if _CENTRAL.search(text):
        return CENTRAL, False
    if _CLUSTER.search(text):
        return AGENCY, True
    if _SECTOR.search(text):
        return SECTOR, False
    if _AGENCY.search(text) or not text.strip():
        return AGENCY, False
    return (SECTOR, False) if _PROVINCE.search(text) else (AGENCY, False)


def duration_row(*, kind: str, start: date, end: date | None) -> tuple[str, str]:
    """Return the duration row (06–10) of a movement running from start to end, and how it was decided."""
    if end is None or end < start:
        row = "07" if kind == _REGULAR else "06"
        return row, "chưa ghi ngày kết thúc: " + ("phong trào thường xuyên tính 1 năm" if row == "07"
                                                  else "tính dưới 1 năm")
    if kind == _REGULAR and start.year == end.year:
        return "07", "phong trào thường xuyên trong một năm"
    months = round(((end - start).days + 1) / 30.4375)  # whole months, so 01/01–31/12 is 12
    if months < 12:
        return "06", f"{months} tháng"
    if months == 12:
        return "07", "12 tháng"
    return ("08" if months < 36 else "09" if months < 60 else "10"), f"{months} tháng"


def place(movement: Movement) -> Placed:
    """Return where a movement launched in the period is counted."""
    level, cluster = launch_level(movement.launched_by)
    if cluster or (level == AGENCY and re.search(r"\b(cum|khoi) thi dua\b", fold(movement.name))):
        scope = "04"
    else:
        scope = {CENTRAL: "02", SECTOR: "03", AGENCY: "05"}[level]
    start = movement.start_on or movement.launched_on
    duration, note = duration_row(kind=movement.kind, start=start, end=movement.end_on)
    return Placed(level=level, scope=scope, duration=duration, way="12" if movement.kind == _REGULAR else "11",
                  duration_note=note)


def build(session: Session, *, year: int) -> FormTable:
    """Return biểu 0601 of a year: the movements whose launch date lies in 01/12/(Y−1)–30/11/Y."""
    span = period(year)
    found = session.exec(select(Movement).where(col(Movement.launched_on) >= span.start,
                                                col(Movement.launched_on) <= span.end)
                         .order_by(Movement.launched_on, Movement.id)).all()
    values = {code: [0, 0, 0, 0] for code in LABELS}
    details = []
    for movement in found:
        placed = place(movement)
        for code in ("01", placed.scope, placed.duration, placed.way):
            add(values[code], [placed.level])
        details.append({
            "Tên phong trào": movement.name, "Ngày phát động": format_date(movement.launched_on),
            "Cơ quan phát động": movement.launched_by or "", "Cấp chủ trì (cột)": LEVEL_LABELS[placed.level],
            "Phạm vi (mã)": f"{placed.scope} {LABELS[placed.scope]}",
            "Thời hạn (mã)": f"{placed.duration} {LABELS[placed.duration]} ({placed.duration_note})",
            "Phương thức (mã)": f"{placed.way} {LABELS[placed.way]}",
        })
    rows = [FormRow(label=label, code=code, values=tuple(values[code]) if code else (),
                    bold=code in (None, "01")) for code, label in ROWS]
    return FormTable(code=CODE, title=TITLE, period=span, columns=list(COLUMNS), rows=rows, has_unit_column=False,
                     measure="Đơn vị tính: Phong trào", notes=_notes(session, span, found),
                     details=pd.DataFrame(details))


def _notes(session: Session, span: Period, found: list[Movement]) -> list[str]:
    notes = ["Tính các phong trào có ngày phát động trong kỳ báo cáo. Cấp chủ trì suy ra từ “Cơ quan phát động” "
             "(để trống: Sở tự phát động, cột 4); phong trào của cụm, khối thi đua tính ở cột 4, mã 04; thời hạn "
             "tính từ ngày bắt đầu (không có thì ngày phát động) đến ngày kết thúc; “Theo chuyên đề” và “Theo đợt” "
             "tính là thi đua theo chuyên đề."]
    unlaunched = session.exec(select(Movement.name).where(col(Movement.launched_on).is_(None),
                                                          Movement.year == span.year)).all()
    if unlaunched:
        notes.append(f"Không tính {len(unlaunched)} phong trào năm {span.year} chưa có ngày phát động: "
                     + "; ".join(unlaunched[:5]) + ("…" if len(unlaunched) > 5 else "") + ".")
    no_end = sum(1 for m in found if m.end_on is None)
    if no_end:
        notes.append(f"{no_end} phong trào chưa ghi ngày kết thúc: phong trào thường xuyên tính 1 năm, phong trào "
                     "khác tính dưới 1 năm. Bổ sung ngày kết thúc ở trang Phong trào thi đua để tính đúng thời hạn.")
    return notes
