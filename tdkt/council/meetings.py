"""A council meeting of a year (round 1, or round 2 for those who failed the first): date, place, attendance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from tdkt.awards.rules.table import LAW_FROM
from tdkt.core import audit
from tdkt.core.council_tables import (
    ATTENDANCE_LABELS,
    COUNCIL_ROLE_LABELS,
    Attendance,
    CouncilAttendance,
    CouncilMeeting,
    CouncilRole,
)
from tdkt.core.permissions import Actor, require
from tdkt.core.text import form_text, format_date
from tdkt.council import verdicts
from tdkt.council.members import CouncilError, members

ROUNDS = (1, 2)
# Who casts a ballot: those present and those absent who sent theirs in writing.
VOTING = frozenset({Attendance.CO_MAT, Attendance.VANG_BO_PHIEU})


def meeting(session: Session, *, year: int, round_no: int) -> CouncilMeeting | None:
    """Return the year's meeting of that round, or None before it is recorded."""
    return session.exec(select(CouncilMeeting).where(CouncilMeeting.year == year,
                                                     CouncilMeeting.round_no == round_no)).first()


def attendance(session: Session, *, year: int, round_no: int) -> pd.DataFrame:
    """Return every member of the year's council with their attendance at that round's meeting (present until said
    otherwise): columns member_id, full_name, role_label, unit, position, attendance, attendance_label."""
    found = meeting(session, year=year, round_no=round_no)
    marks: dict[int, str] = {}
    if found is not None:
        marks = {a.member_id: a.attendance for a in session.exec(
            select(CouncilAttendance).where(CouncilAttendance.meeting_id == found.id))}
    rows = []
    for m in members(session, year=year):
        mark = Attendance(marks.get(m.id, Attendance.CO_MAT))
        rows.append({"member_id": m.id, "full_name": m.full_name, "role": m.role,
                     "role_label": COUNCIL_ROLE_LABELS[CouncilRole(m.role)], "unit": m.unit, "position": m.position,
                     "attendance": mark.value, "attendance_label": ATTENDANCE_LABELS[mark]})
    return pd.DataFrame(rows, columns=["member_id", "full_name", "role", "role_label", "unit", "position",
                                       "attendance", "attendance_label"])


def voters(session: Session, *, year: int, round_no: int) -> int:
    """Return how many members cast a ballot in that round (present, or absent voting in writing)."""
    frame = attendance(session, year=year, round_no=round_no)
    return int(frame.attendance.isin([a.value for a in VOTING]).sum())


def _check(session: Session, *, year: int, round_no: int, meeting_date: date | None, marks: dict[int, str],
           known: set[int]) -> list[str]:
    problems = []
    if round_no not in ROUNDS:
        problems.append(f"Vòng bỏ phiếu {round_no} không có; chọn vòng 1 hoặc vòng 2.")
    if not known:
        problems.append(f"Hội đồng năm {year} chưa có thành viên: nhập danh sách thành viên trước.")
    if meeting_date is None:
        problems.append("Cần nhập ngày họp.")
    elif meeting_date < LAW_FROM:
        problems.append(f"Ngày họp {format_date(meeting_date)} trước 01/01/2024: chưa có bộ quy tắc bỏ phiếu.")
    if round_no == 2:
        first = meeting(session, year=year, round_no=1)
        if first is None:
            problems.append("Chưa có cuộc họp vòng 1: ghi cuộc họp vòng 1 trước.")
        elif meeting_date is not None and meeting_date < first.meeting_date:
            problems.append(f"Ngày họp vòng 2 ({format_date(meeting_date)}) trước ngày họp vòng 1 "
                            f"({format_date(first.meeting_date)}).")
    elif round_no == 1 and meeting_date is not None:
        second = meeting(session, year=year, round_no=2)
        if second is not None and meeting_date > second.meeting_date:
            problems.append(f"Ngày họp vòng 1 ({format_date(meeting_date)}) sau ngày họp vòng 2 "
                            f"({format_date(second.meeting_date)}): sửa ngày họp vòng 2 trước.")
    for member_id, mark in marks.items():
        if member_id not in known:
            problems.append(f"Thành viên số {member_id} không thuộc Hội đồng năm {year}: tải lại trang.")
        elif mark not in {a.value for a in Attendance}:
            problems.append(f"Tình trạng dự họp “{mark}” không có.")
    return problems


def save_meeting(session: Session, actor: Actor | None, *, year: int, round_no: int, meeting_date: date | None,
                 place: str | None = None, marks: Mapping[int, str] | None = None) -> CouncilMeeting:
    """Record (or change) the year's meeting of a round and its attendance by member id (missing: present); audited.
    A changed date re-judges the votes already recorded by the rule in force on the new date."""
    require(actor, "hoi_dong")
    marks = {int(k): str(v) for k, v in (marks or {}).items()}
    known = {m.id for m in members(session, year=year)}
    place = form_text(place, label="Địa điểm", column=CouncilMeeting.place, error=CouncilError)
    problems = _check(session, year=year, round_no=round_no, meeting_date=meeting_date, marks=marks, known=known)
    if problems:
        raise CouncilError(f"Chưa lưu cuộc họp vòng {round_no}: " + " ".join(problems), problems=problems)
    found = meeting(session, year=year, round_no=round_no)
    before = None if found is None else {"meeting_date": found.meeting_date, "place": found.place}
    moved_date = found is not None and found.meeting_date != meeting_date
    if found is None:
        found = CouncilMeeting(year=year, round_no=round_no, meeting_date=meeting_date, place=place)
    found.meeting_date, found.place = meeting_date, place
    session.add(found)
    session.flush()
    stored = {a.member_id: a for a in session.exec(
        select(CouncilAttendance).where(CouncilAttendance.meeting_id == found.id))}
    final = {}
    for member_id in sorted(known):
        mark = marks.get(member_id, stored[member_id].attendance if member_id in stored else Attendance.CO_MAT.value)
        row = stored.get(member_id) or CouncilAttendance(meeting_id=found.id, member_id=member_id, attendance=mark)
        row.attendance = final[member_id] = mark
        session.add(row)
    session.flush()
    if moved_date:
        verdicts.rejudge(session, meeting=found)
    counted = {a: sum(1 for v in final.values() if v == a.value) for a in Attendance}
    audit.record(session, actor, "hoi_dong", "hop_hoi_dong", found.id,
                 f"Ghi cuộc họp Hội đồng Thi đua - Khen thưởng năm {year}, vòng {round_no}, ngày "
                 f"{format_date(meeting_date)}: " + ", ".join(f"{ATTENDANCE_LABELS[a].lower()} {n}"
                                                              for a, n in counted.items()) + ".",
                 before=before, after={"meeting_date": meeting_date, "place": place,
                                       "attendance": {str(i): v for i, v in final.items()}})
    return found
