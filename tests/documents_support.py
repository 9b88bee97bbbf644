"""A year of nominations at every step and level for the drafts' tests, and reading a .docx back as text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from sqlmodel import select

from tdkt.core.db import write_session
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.text import fold

YEAR = 2025
S = NominationStatus
# (name, target, award code, status, decision number): the council passed the first ones
PEOPLE = [
    ("Nguyễn Văn An", "ca_nhan", "LDTT", S.HOI_DONG, None),
    ("Trần Thị Bình", "ca_nhan", "LDTT", S.HOI_DONG, None),
    ('=HYPERLINK("http://x","Lê Văn Cường")', "ca_nhan", "LDTT", S.HOI_DONG, None),
    ("Hoàng <Thị> & Cúc", "ca_nhan", "LDTT", S.HOI_DONG, None),
    ("Phạm Minh Đức", "ca_nhan", "CSTDCS", S.HOI_DONG, None),
    ("Phòng Kế hoạch - Tài chính", "tap_the", "TTLDTT", S.HOI_DONG, None),
    ("Tổ {{ nam }} kỹ thuật", "tap_the", "GK_GD_SO", S.HOI_DONG, None),
    ("Gia đình ông Vũ Văn Hải", "ho_gia_dinh", "GK_GD_SO", S.HOI_DONG, None),
    ("Đỗ Thị Hoa", "ca_nhan", "BK_CT_UBND_TINH", S.HOI_DONG, None),
    ("Ngô Văn Khoa", "ca_nhan", "CSTD_TINH", S.HOI_DONG, None),
    ("Đinh Văn Minh", "ca_nhan", "BK_TTG", S.DA_TRINH, None),
    ("Bùi Thị Lan", "ca_nhan", "BK_BT_BCT", S.HOI_DONG, None),
    ("Trương Văn Nam", "ca_nhan", "LDTT", S.DE_NGHI, None),
    ("Lý Thị Oanh", "ca_nhan", "LDTT", S.CO_QUYET_DINH, "05/QĐ-SCT"),
    ("Mai Văn Phúc", "ca_nhan", "LDTT", S.KHONG_DUYET, None),
]
DIRECTOR = [p[0] for p in PEOPLE[:8]]
PROVINCE = ["Đỗ Thị Hoa", "Ngô Văn Khoa", "Đinh Văn Minh"]
MINISTRY = ["Bùi Thị Lan"]


@dataclass(frozen=True)
class Year:
    """The nominations' ids by name."""

    ids: dict[str, int]


def add_year(engine, *, year: int = YEAR) -> Year:
    """Add PEOPLE's nominations for the year (and one of the year before, which no draft of the year lists)."""
    ids = {}
    with write_session(engine) as session:
        unit = session.exec(select(Unit).order_by(Unit.id)).first()
        for name, target, code, status, decision in [*PEOPLE, ("Hồ Văn Quang", "ca_nhan", "LDTT", S.HOI_DONG, None)]:
            award = session.exec(select(Award.id).where(Award.code == code)).one()
            person = None
            if target == "ca_nhan":
                person = Person(full_name=name, name_key=fold(name), unit_id=unit.id, position="Chuyên viên")
                session.add(person)
                session.flush()
            n = Nomination(year=year if name != "Hồ Văn Quang" else year - 1, target=target, award_id=award,
                           person_id=person.id if person else None, collective_name=None if person else name,
                           unit_id=unit.id, status=status, decision_number=decision,
                           decision_date=date(year + 1, 1, 10) if decision else None)
            session.add(n)
            session.flush()
            ids[name] = n.id
    return Year(ids)


def texts(data: bytes) -> list[str]:
    """Every paragraph's text of a .docx, body and tables (cells once each, nested tables too), in order."""
    document = Document(BytesIO(data))
    found: list[str] = []

    def cells(table) -> None:
        seen: list = []  # a merged cell is met once per grid column it spans
        for row in table.rows:
            for cell in row.cells:
                if any(cell._tc is s for s in seen):
                    continue
                seen.append(cell._tc)
                found.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    cells(inner)

    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            found.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            cells(next(t for t in document.tables if t._tbl is child))
    return found


def list_rows(data: bytes) -> list[list[str]]:
    """The rows of the document's list (the table headed "STT"), each a list of cell texts."""
    table = next(t for t in Document(BytesIO(data)).tables if t.rows[0].cells[0].text == "STT")
    return [[c.text for c in row.cells] for row in table.rows]


def name_counts(data: bytes, names: list[str]) -> Counter:
    """How many cells of the list hold each name exactly."""
    cells = [c for row in list_rows(data) for c in row]
    return Counter({name: cells.count(name) for name in names})
