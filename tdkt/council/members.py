"""A year's council members: the list in its order (Chủ tịch first), and replacing it from a sheet or the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, func, select

from tdkt.core import audit
from tdkt.core.council_tables import (
    COUNCIL_ROLE_LABELS,
    CouncilAttendance,
    CouncilMeeting,
    CouncilMember,
    CouncilRole,
    CouncilVote,
)
from tdkt.core.errors import Refused
from tdkt.core.models import Role
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, form_text, name_sort_key

_ROLE_ORDER = {role: i for i, role in enumerate(CouncilRole)}
# Who sees the council's page: every role reads it ("xem"), the Office keeps it (permission "hoi_dong"). The tallies
# (each nominee's secret-ballot result) are read by the Office, the leadership and the admin; a unit sees its own
# nominees' votes on Hồ sơ đề nghị, not the other units'.
READERS = frozenset(Role)
TALLY_READERS = frozenset({Role.VAN_PHONG, Role.LANH_DAO, Role.QUAN_TRI})
COLUMNS = ["id", "full_name", "role", "role_label", "unit", "position"]
TITLES = {"full_name": "Họ và tên", "role_label": "Chức vụ trong Hội đồng", "unit": "Đơn vị", "position": "Chức vụ"}


class CouncilError(Refused):
    """A change to the council, its meeting or its tallies was refused; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class MemberInput:
    """One member as a sheet or the page gives it: name, role, and optionally unit and position."""

    full_name: str
    role: CouncilRole | str
    unit: str | None = None
    position: str | None = None


def may_read(actor: Actor | None) -> bool:
    """Return True when the actor sees the Hội đồng TĐKT page (its members and meetings: every signed-in role)."""
    return actor is not None and actor.role in READERS


def may_read_tallies(actor: Actor | None) -> bool:
    """Return True when the actor sees every nominee's tally on that page (not a unit: its own are on Hồ sơ)."""
    return actor is not None and actor.role in TALLY_READERS


def members(session: Session, *, year: int) -> list[CouncilMember]:
    """Return the year's council members: Chủ tịch, Phó Chủ tịch, Ủy viên thư ký, Ủy viên, each by name."""
    rows = session.exec(select(CouncilMember).where(CouncilMember.year == year)).all()
    return sorted(rows, key=lambda m: (_ROLE_ORDER.get(CouncilRole(m.role), 9), name_sort_key(m.full_name), m.id))


def member_count(session: Session, *, year: int) -> int:
    """Return how many members the year's council has (the denominator of every vote share)."""
    return int(session.exec(select(func.count()).select_from(CouncilMember).where(CouncilMember.year == year)).one())


def members_frame(session: Session, *, year: int) -> pd.DataFrame:
    """Return the year's members in order: columns id, full_name, role, role_label, unit, position."""
    return pd.DataFrame([{"id": m.id, "full_name": m.full_name, "role": m.role,
                          "role_label": COUNCIL_ROLE_LABELS[CouncilRole(m.role)], "unit": m.unit,
                          "position": m.position} for m in members(session, year=year)], columns=COLUMNS)


def _checked(given: Sequence[MemberInput]) -> list[MemberInput]:
    """Return the members cleaned; raise CouncilError naming every problem (no name, bad role, twice, no Chủ tịch)."""
    problems, seen, out = [], {}, []
    for n, member in enumerate(given, start=1):
        try:
            name = form_text(member.full_name, label="Họ và tên", column=CouncilMember.full_name, error=CouncilError)
            unit = form_text(member.unit, label="Đơn vị", column=CouncilMember.unit, error=CouncilError)
            position = form_text(member.position, label="Chức vụ", column=CouncilMember.position, error=CouncilError)
        except CouncilError as error:
            problems.append(f"Thành viên thứ {n}: {error}")
            continue
        if not name:
            problems.append(f"Thành viên thứ {n}: chưa có họ và tên.")
            continue
        try:
            role = CouncilRole(member.role)
        except ValueError:
            problems.append(f"{name}: chức vụ trong Hội đồng “{member.role}” không có; chọn Chủ tịch, Phó Chủ tịch, "
                            "Ủy viên thư ký hoặc Ủy viên.")
            continue
        if fold(name) in seen:
            problems.append(f"{name} có hai lần trong danh sách (thứ {seen[fold(name)]} và thứ {n}).")
            continue
        seen[fold(name)] = n
        out.append(MemberInput(name, role, unit, position))
    chairs = sum(1 for m in out if m.role == CouncilRole.CHU_TICH)
    if out and chairs != 1:
        problems.append("Hội đồng cần đúng một Chủ tịch" + (f" (danh sách có {chairs})." if chairs else "."))
    if not given:
        problems.append("Danh sách thành viên trống: Hội đồng cần ít nhất Chủ tịch và các ủy viên.")
    if problems:
        raise CouncilError("Chưa lưu danh sách thành viên Hội đồng: " + " ".join(problems), problems=problems)
    return out


def _votes_recorded(session: Session, year: int) -> int:
    stmt = (select(func.count()).select_from(CouncilVote)
            .join(CouncilMeeting, CouncilVote.meeting_id == CouncilMeeting.id).where(CouncilMeeting.year == year))
    return int(session.exec(stmt).one())


def replace_members(session: Session, actor: Actor | None, *, year: int, given: Sequence[MemberInput],
                    source: str = "trang Hội đồng TĐKT") -> list[CouncilMember]:
    """Replace the year's council with `given`, keeping each meeting's attendance of a member kept by name; audited.
    Once votes are recorded the number of members (every share's denominator) cannot change."""
    require(actor, "hoi_dong")
    checked = _checked(given)
    old = members(session, year=year)
    if len(checked) != len(old) and _votes_recorded(session, year):
        raise CouncilError(f"Hội đồng năm {year} đã có kết quả bỏ phiếu tính trên {len(old)} thành viên: chỉ sửa được "
                           f"tên, chức vụ, đơn vị, không đổi được số thành viên (danh sách mới có {len(checked)}).")
    meetings = session.exec(select(CouncilMeeting.id).where(CouncilMeeting.year == year)).all()
    kept: dict[tuple[int, str], str] = {}
    if old:
        by_id = {m.id: fold(m.full_name) for m in old}
        for a in session.exec(select(CouncilAttendance).where(col(CouncilAttendance.member_id).in_(list(by_id)))):
            kept[(a.meeting_id, by_id[a.member_id])] = a.attendance
            session.delete(a)
        session.flush()
    before = [{"full_name": m.full_name, "role": m.role, "unit": m.unit, "position": m.position} for m in old]
    for m in old:
        session.delete(m)
    session.flush()
    new = [CouncilMember(year=year, full_name=m.full_name, role=CouncilRole(m.role).value, unit=m.unit,
                         position=m.position) for m in checked]
    session.add_all(new)
    session.flush()
    for meeting_id in meetings:
        for m in new:
            if (meeting_id, fold(m.full_name)) in kept:
                session.add(CouncilAttendance(meeting_id=meeting_id, member_id=m.id,
                                              attendance=kept[(meeting_id, fold(m.full_name))]))
    session.flush()
    audit.record(session, actor, "hoi_dong", "hoi_dong", year,
                 f"Thay danh sách Hội đồng Thi đua - Khen thưởng năm {year}: {len(new)} thành viên ({source}).",
                 before={"members": before},
                 after={"members": [{"full_name": m.full_name, "role": m.role, "unit": m.unit,
                                     "position": m.position} for m in new]})
    return members(session, year=year)
