"""Where a certificate's text goes: the fields, their boxes in millimetres on A4 landscape, the built-in layouts (the
full certificate's and a pre-printed blank's starting point) and the Office's calibrated layout per kind, saved and
audited."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace

from sqlmodel import Session, select

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import CertificateLayout, utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.text import clean

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
KINDS = {"giay_khen": "Giấy khen", "giay_chung_nhan": "Giấy chứng nhận danh hiệu thi đua"}
FIELDS = ("name", "unit", "reason", "decision", "date", "signer_title", "signer")
FIELD_LABELS = {
    "name": "Họ tên / tên tập thể",
    "unit": "Chức vụ, đơn vị",
    "reason": "Thành tích, danh hiệu",
    "decision": "Số quyết định",
    "date": "Địa danh, ngày tháng",
    "signer_title": "Chức vụ người ký",
    "signer": "Họ tên người ký",
}
# The type of each field (fpdf styles: B bold, I italic) and how many lines it may take: these are not calibrated.
STYLES = {"name": "B", "unit": "", "reason": "", "decision": "", "date": "I", "signer_title": "B", "signer": "B"}
LINES = {"reason": 3}
MIN_SIZE = 7.0  # pt: a long name shrinks to fit its box down to this, then is cut with "…"
DEFAULT_SIGNER_TITLE = "GIÁM ĐỐC"


@dataclass(frozen=True, slots=True)
class Box:
    """One field's box: top-left corner (x, y) and width in mm from the sheet's top-left corner, type size in pt."""

    x: float
    y: float
    w: float
    size: float

    def line_height(self, size: float | None = None) -> float:
        """Return the height of one line at this size (or the given one), in mm."""
        return (size or self.size) * 0.3528 * 1.3

    def height(self, lines: int) -> float:
        """Return the box's height for its number of lines, in mm."""
        return self.line_height() * lines


@dataclass(frozen=True, slots=True)
class Layout:
    """A kind's layout: each field's box, the whole sheet's shift for the printer (mm), the signer printed."""

    boxes: dict[str, Box]
    shift_x: float = 0.0
    shift_y: float = 0.0
    signer_title: str = DEFAULT_SIGNER_TITLE
    signer_name: str = ""
    saved: bool = field(default=False, compare=False)

    def placed(self, name: str) -> Box:
        """Return a field's box with the sheet's shift applied: where it is printed."""
        box = self.boxes[name]
        return replace(box, x=box.x + self.shift_x, y=box.y + self.shift_y)


# The full certificate's own layout, under the header and title the app draws (certificate_pdf.draw_frame).
FULL = {
    "name": Box(48.5, 76.0, 200.0, 26.0),
    "unit": Box(48.5, 90.0, 200.0, 15.0),
    "reason": Box(38.5, 100.0, 220.0, 15.0),
    "decision": Box(24.0, 176.0, 110.0, 12.0),
    "date": Box(160.0, 136.0, 120.0, 14.0),
    "signer_title": Box(160.0, 144.0, 120.0, 14.0),
    "signer": Box(160.0, 176.0, 120.0, 15.0),
}
# Where a typical pre-printed blank leaves room (its header, emblem and title printed): the start of calibration.
BLANK = {
    "name": Box(48.5, 92.0, 200.0, 24.0),
    "unit": Box(48.5, 106.0, 200.0, 15.0),
    "reason": Box(38.5, 116.0, 220.0, 15.0),
    "decision": Box(30.0, 176.0, 90.0, 12.0),
    "date": Box(165.0, 150.0, 115.0, 14.0),
    "signer_title": Box(165.0, 158.0, 115.0, 14.0),
    "signer": Box(165.0, 186.0, 115.0, 15.0),
}


def kind_of(kind: str) -> str:
    """Return the stored kind ("giay-khen" → "giay_khen"), or refuse one that is not a certificate."""
    stored = (kind or "").strip().lower().replace("-", "_")
    if stored not in KINDS:
        raise Refused(f"Loại giấy “{kind}” không có: chọn giay-khen (Giấy khen) hoặc giay-chung-nhan "
                      "(giấy chứng nhận Lao động tiên tiến, Chiến sĩ thi đua cơ sở).")
    return stored


def full_layout(session: Session, *, kind: str) -> Layout:
    """Return the full certificate's layout, with the signer the Office saved for the kind."""
    saved = layout_for(session, kind=kind)
    return Layout(boxes=dict(FULL), signer_title=saved.signer_title, signer_name=saved.signer_name)


def layout_for(session: Session, *, kind: str) -> Layout:
    """Return the Office's calibrated layout of a kind, or the blank's starting layout when none is saved."""
    row = session.exec(select(CertificateLayout).where(CertificateLayout.kind == kind_of(kind))).first()
    if row is None:
        return Layout(boxes=dict(BLANK))
    stored = json.loads(row.fields)
    boxes = {name: Box(**stored[name]) if name in stored else BLANK[name] for name in FIELDS}
    return Layout(boxes=boxes, shift_x=row.shift_x, shift_y=row.shift_y, signer_title=row.signer_title,
                  signer_name=row.signer_name, saved=True)


def _checked_box(name: str, box: Box) -> Box:
    label = FIELD_LABELS[name]
    values = (box.x, box.y, box.w, box.size)
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        raise Refused(f"Ô “{label}”: vị trí, bề rộng và cỡ chữ phải là số.")
    if not (0 <= box.x < PAGE_W and 0 <= box.y < PAGE_H):
        raise Refused(f"Ô “{label}”: vị trí ({box.x:g}; {box.y:g}) mm nằm ngoài khổ A4 ngang "
                      f"({PAGE_W:g} × {PAGE_H:g} mm).")
    if not 10 <= box.w <= PAGE_W - box.x:
        raise Refused(f"Ô “{label}”: bề rộng {box.w:g} mm phải từ 10 mm và không vượt mép giấy "
                      f"(tối đa {PAGE_W - box.x:g} mm từ vị trí {box.x:g} mm).")
    if not MIN_SIZE <= box.size <= 60:
        raise Refused(f"Ô “{label}”: cỡ chữ {box.size:g} phải từ {MIN_SIZE:g} đến 60.")
    return Box(*(round(float(v), 1) for v in values))


def check_layout(layout: Layout) -> Layout:
    """Return the layout with its numbers rounded to 0.1 mm, or refuse it naming the field that is wrong."""
    if set(layout.boxes) != set(FIELDS):
        raise Refused("Bố cục phải có đủ các ô: " + ", ".join(FIELD_LABELS.values()) + ".")
    for value, label in ((layout.shift_x, "ngang"), (layout.shift_y, "dọc")):
        if not (isinstance(value, int | float) and math.isfinite(value) and abs(value) <= 30):
            raise Refused(f"Độ dịch {label} của cả trang phải là số từ -30 đến 30 mm.")
    title = clean(layout.signer_title)
    name = clean(layout.signer_name)
    for text, label in ((title, "Chức vụ người ký"), (name, "Họ tên người ký")):
        if len(text) > 255:
            raise Refused(f"“{label}” dài quá 255 ký tự.")
    boxes = {name_: _checked_box(name_, layout.boxes[name_]) for name_ in FIELDS}
    return Layout(boxes=boxes, shift_x=round(float(layout.shift_x), 1), shift_y=round(float(layout.shift_y), 1),
                  signer_title=title, signer_name=name)


def save_layout(session: Session, actor: Actor | None, *, kind: str, layout: Layout) -> Layout:
    """Save the Office's calibrated layout of a kind (one row per kind), with its audit entry; return it as saved."""
    require(actor, "soan_van_ban")
    stored_kind = kind_of(kind)
    checked = check_layout(layout)
    row = session.exec(select(CertificateLayout).where(CertificateLayout.kind == stored_kind)).first()
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = CertificateLayout(kind=stored_kind, fields="{}")
    row.fields = json.dumps({name: asdict(box) for name, box in checked.boxes.items()}, ensure_ascii=False)
    row.shift_x, row.shift_y = checked.shift_x, checked.shift_y
    row.signer_title, row.signer_name = checked.signer_title, checked.signer_name
    row.updated_at, row.updated_by = utcnow(), actor.id
    session.add(row)
    session.flush()
    audit.record(session, actor, "luu_vi_tri_in", "certificate_layout", row.id,
                 f"Lưu vị trí in trên phôi “{KINDS[stored_kind]}”.", before=before, after=audit.snapshot(row))
    return replace(checked, saved=True)
