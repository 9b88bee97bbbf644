"""A hand-built year for the TT 02/2023 forms: movements and decided awards on both sides of 01/12 and 30/11, each
with the row and column it must land in (tests/test_forms_tt02*.py)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tdkt.awards import categories
from tdkt.core.db import write_session
from tdkt.core.models import Award, Movement, Nomination, NominationStatus, Person, Unit

DECIDED = NominationStatus.CO_QUYET_DINH.value
INJECTION = '=HYPERLINK("http://x.example","bấm")'

# name, launched_on, launched_by, kind, start, end. Expected for 2024 in the comments: level column, rows.
MOVEMENTS = (
    ("Chuyển đổi số toàn tỉnh", date(2024, 11, 30), "UBND tỉnh Lạng Sơn", "chuyen_de",
     date(2024, 1, 1), date(2026, 12, 31)),  # 2024: col 3; 03, 09 (36 months), 11
    ("Thi đua năm 2025", date(2024, 12, 1), None, "thuong_xuyen", None, None),  # 2025: col 4; 05, 07, 12
    ("Phong trào của Thủ tướng", date(2023, 12, 1), "Thủ tướng Chính phủ", "chuyen_de",
     date(2023, 12, 1), date(2024, 12, 31)),  # 2024: col 2; 02, 08 (13 months), 11
    ("Thi đua năm 2023 của Sở", date(2023, 11, 30), "Giám đốc Sở Công Thương", "thuong_xuyen",
     date(2023, 1, 1), date(2023, 12, 31)),  # 2023
    (INJECTION, date(2024, 2, 15), None, "thuong_xuyen", date(2024, 2, 15), date(2024, 12, 31)),  # 2024: col 4; 05,
    # 07 (regular within one year), 12
    ("Thi đua sáu tháng", date(2024, 3, 10), "Cụm thi đua II", "theo_dot",
     date(2024, 3, 10), date(2024, 6, 30)),  # 2024: col 4; 04, 06, 11
    ("Chưa phát động", None, None, "chuyen_de", None, None),  # never counted; a note
    ("Phong trào của Bộ", date(2024, 5, 5), "Bộ Công Thương", "chuyen_de", date(2024, 5, 5), None),  # 2024: col 3;
    # 03, 06 (no end), 11
)

# award code, target, name, decision date, authority, stored category, position, status. 2024 comments.
AWARDS = (
    ("HCLD_3", "ca_nhan", "Nguyễn Văn An", date(2024, 11, 30), "Chủ tịch nước", None, "Giám đốc Sở", DECIDED),
    ("HCLD_3", "tap_the", "Công ty Cổ phần Cơ khí Lạng Sơn", date(2023, 12, 1), "Chủ tịch nước (Bộ Công Thương trình)",
     categories.ENTERPRISE[0], None, DECIDED),  # 2024, rows 02 (ministry) and 07
    ("BK_TTG", "ca_nhan", "Hoàng Thị Mai", date(2024, 12, 1), "Thủ tướng Chính phủ", categories.DIRECT_WORKER[0],
     None, DECIDED),  # 2025
    ("BK_TTG", "ho_gia_dinh", "Hộ ông Lò Văn Bảo", date(2024, 6, 15), "Thủ tướng Chính phủ", None, None, DECIDED),
    ("CO_CP", "tap_the", "Phòng Quản lý Công nghiệp", date(2023, 11, 30), "Thủ tướng Chính phủ", None, None,
     DECIDED),  # 2023
    ("HC_KC_MY_1", "ca_nhan", INJECTION, date(2024, 3, 1), "Chủ tịch nước", None, None, DECIDED),  # row 21
    ("HCLD_3", "ca_nhan", "Đang Trình", date(2024, 5, 1), None, None, None,
     NominationStatus.DA_TRINH.value),  # not decided
    ("HUYC_HUU_NGHI", "ca_nhan", "Vũ Văn Hữu", date(2024, 8, 8), "Chủ tịch nước", None, None, DECIDED),  # row 18
    ("BK_CT_UBND_TINH", "ca_nhan", "Trần Văn Bình", date(2024, 11, 30), "Chủ tịch UBND tỉnh", categories.MANAGER[0],
     None, DECIDED),
    ("BK_BT_BCT", "tap_the", "Phòng Kế hoạch - Tài chính", date(2023, 12, 1), "Bộ trưởng Bộ Công Thương", None,
     None, DECIDED),
    ("CSTD_TINH", "ca_nhan", "Lê Thị Chi", date(2024, 12, 2), "Chủ tịch UBND tỉnh", None, None, DECIDED),  # 2025
    ("CO_UBND_TINH", "tap_the", "Văn phòng Sở", date(2024, 10, 10), "Chủ tịch UBND tỉnh", None, None, DECIDED),
    ("KNC_HUY_HIEU", "ca_nhan", "Phạm Văn Dũng", date(2024, 4, 4), "Bộ trưởng Bộ Công Thương",
     categories.PROVINCE_LEADER[0], None, DECIDED),
    ("TTLDXS", "tap_the", "Phòng Quản lý Thương mại", date(2024, 7, 1), "Chủ tịch UBND tỉnh", None, None,
     DECIDED),  # no column in 0603: left out, noted
    ("LDTT", "ca_nhan", "Đỗ Văn Em", date(2024, 7, 1), "Giám đốc Sở", None, None, DECIDED),  # in no form
    ("BK_CT_UBND_TINH", "ca_nhan", "Chưa Có Ngày", None, "Chủ tịch UBND tỉnh", None, None, DECIDED),  # noted
)


def build(engine) -> None:
    """Write the movements and the nominations above into a seeded database."""
    with write_session(engine) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.name == "Văn phòng Sở")).one()
        for name, launched, by, kind, start, end in MOVEMENTS:
            session.add(Movement(year=(launched or date(2024, 1, 1)).year, name=name, kind=kind, launched_on=launched,
                                 launched_by=by, start_on=start, end_on=end))
        for code, target, name, on, authority, category, position, status in AWARDS:
            award_id = session.exec(select(Award.id).where(Award.code == code)).one()
            person_id = None
            if target == "ca_nhan":
                person = Person(full_name=name, name_key=name.lower(), unit_id=unit_id, position=position)
                session.add(person)
                session.flush()
                person_id = person.id
            session.add(Nomination(
                year=2024, target=target, person_id=person_id, collective_name=None if person_id else name,
                unit_id=unit_id, award_id=award_id, status=status, decision_number="1/QĐ" if on else None,
                decision_date=on, decision_authority=authority, category=category, position=position))
