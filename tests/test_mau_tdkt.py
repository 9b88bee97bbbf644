"""A year's decisions in the national import layout (MauTDKT), read back: columns, codes, order, notes, scope."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tdkt.awards import mau_tdkt
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Unit

SAMPLE = Path(__file__).resolve().parent / "samples" / "MauTDKT_20231004.xlsx"  # vendored, see its README
DECIDED = NominationStatus.CO_QUYET_DINH.value


def add(session, *, code: str, name: str, target: str = "ca_nhan", gender: str | None = None,
        unit: str = "Văn phòng Sở", status: str = DECIDED, number: str = "10/QĐ-SCT", on=date(2025, 1, 20),
        category: str | None = None, position: str | None = None) -> None:
    unit_id = session.exec(select(Unit.id).where(Unit.name == unit)).one()
    award_id = session.exec(select(Award.id).where(Award.code == code)).one()
    person_id = None
    if target == "ca_nhan":
        person = Person(full_name=name, name_key=name.lower(), gender=gender, unit_id=unit_id, position=position)
        session.add(person)
        session.flush()
        person_id = person.id
    session.add(Nomination(year=2024, target=target, person_id=person_id,
                           collective_name=name if target != "ca_nhan" else None, unit_id=unit_id, award_id=award_id,
                           status=status, decision_number=number, decision_date=on, category=category,
                           position=position, decision_authority="Giám đốc Sở Công Thương"))


@pytest.fixture
def decided(engine):
    with write_session(engine) as session:
        add(session, code="LDTT", name="Trần Văn Bình", gender="Nam", position="Chuyên viên",
            category="Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu")
        add(session, code="LDTT", name="Lê Thị An", gender="Nữ", position="Trưởng phòng")
        add(session, code="TTLDTT", name="Phòng Quản lý Công nghiệp", target="tap_the",
            unit="Phòng Quản lý Công nghiệp")
        add(session, code="CSTDCS", name="Nguyễn Văn Chi", gender="Nam", number="2/QĐ-SCT", on=date(2025, 1, 5))
        add(session, code="LDTT", name="Không Được Duyệt", status=NominationStatus.KHONG_DUYET.value, number=None)
        add(session, code="LDTT", name="Người Khác Đơn Vị", gender="Nam", unit="Phòng Quản lý Công nghiệp")


def read_back(data: bytes):
    return load_workbook(BytesIO(data))


def test_export_has_the_national_columns_and_codes_in_decision_order(engine, actors, decided):
    with read_session(engine) as session:
        book = read_back(mau_tdkt.export_decisions(session, year=2024, actor=actors["van_phong"]))
    sheet = book[mau_tdkt.SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == mau_tdkt.HEADERS
    body = [(r[0], r[1], r[2], r[5], r[6], r[17], r[18]) for r in rows[1:]]
    assert body == [
        (1, "Ông", "Nguyễn Văn Chi", "Khen thưởng cá nhân", "Chiến sĩ thi đua cơ sở", "CANHAN", "1647933380"),
        (2, "Bà", "Lê Thị An", "Khen thưởng cá nhân", "Lao động tiên tiến", "CANHAN", "1647933042"),
        (3, "Ông", "Trần Văn Bình", "Khen thưởng cá nhân", "Lao động tiên tiến", "CANHAN", "1647933042"),
        (4, "Ông", "Người Khác Đơn Vị", "Khen thưởng cá nhân", "Lao động tiên tiến", "CANHAN", "1647933042"),
        (5, None, "Phòng Quản lý Công nghiệp", "Khen thưởng tập thể", "Tập thể lao động tiên tiến", "TAPTHE",
         "1647933198"),
    ]
    # The category code is the PLDT sheet's, the field of activity the department's.
    pldt = {r[0].value: r[1].value for r in book["PLDT"].iter_rows(min_row=2)}
    assert rows[3][7] == "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"
    assert rows[3][19] == pldt[rows[3][7]] and rows[3][8] == "Công nghiệp - Thương mại" and rows[3][20] == "0002"
    assert [r[0].value for r in book["Quyết định"].iter_rows(min_row=2)] == ["2/QĐ-SCT", "10/QĐ-SCT"]
    notes = [r[1].value for r in book["Ghi chú"].iter_rows(min_row=2)]
    assert "Lê Thị An" in notes and "Trần Văn Bình" not in notes  # a guessed category is flagged for checking
    assert all(book[name].sheet_state == "hidden" for name in ("HTKT", "PLDT", "LVHD", "phan loai kt"))


def test_a_unit_user_exports_its_own_units_decisions_only(engine, actors, decided):
    with read_session(engine) as session:
        frame = mau_tdkt.decision_rows(session, year=2024, actor=actors["don_vi"])
    assert list(frame.name) == ["Người Khác Đơn Vị", "Phòng Quản lý Công nghiệp"]


def test_layout_matches_the_national_sample():
    book = load_workbook(SAMPLE, read_only=True)
    sheet = book[mau_tdkt.SHEET]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    assert tuple(header[:len(mau_tdkt.HEADERS)]) == mau_tdkt.HEADERS
    htkt = [r for r in book["HTKT"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert [(str(n).strip(), str(c)) for n, c, *_ in htkt] == [(n, c) for n, c in mau_tdkt.HTKT]
