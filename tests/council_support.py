"""Helpers of the council tests: a year's council of N members, a meeting, sheets written as .xlsx."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook

from tdkt.core.db import write_session
from tdkt.council import meetings, members
from tdkt.council.members import MemberInput

MEETING = date(2025, 1, 20)  # the 2024 council meets in January 2025: NĐ 98/2023 in force


def council(engine, actor, *, year: int = 2024, size: int = 15) -> list[int]:
    """Give the year a council of `size` members (a Chủ tịch, a Phó Chủ tịch, a thư ký, Ủy viên); return their ids."""
    roles = ["chu_tich", "pho_chu_tich", "uy_vien_thu_ky"] + ["uy_vien"] * (size - 3)
    with write_session(engine) as session:
        found = members.replace_members(session, actor, year=year, given=[
            MemberInput(f"Thành viên số {i + 1:02d}", role, "Văn phòng Sở") for i, role in enumerate(roles)])
        return [m.id for m in found]


def meeting(engine, actor, *, year: int = 2024, round_no: int = 1, on: date = MEETING, marks=None) -> None:
    with write_session(engine) as session:
        meetings.save_meeting(session, actor, year=year, round_no=round_no, meeting_date=on, place="Phòng họp số 1",
                              marks=marks or {})


def xlsx(rows: list[list]) -> bytes:
    """Return a one-sheet workbook holding `rows` (the first is the header)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
