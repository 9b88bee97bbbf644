"""The council's sheets applied: a members sheet replaces the year's council; a tally sheet's rows matched to the
year's nominations (name and title, accents ignored; the unit when given) and recorded, all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, select

from tdkt.awards.rules.case import find_award
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold
from tdkt.council import members as council_members
from tdkt.council import tallies
from tdkt.council.meetings import meeting
from tdkt.council.members import CouncilError, MemberInput, member_count
from tdkt.importing.council_sheets import MEMBERS, TALLY, CouncilSheet, read_sheet


@dataclass(slots=True)
class SheetOutcome:
    """What applying a sheet did: its problems (then nothing was written) or the rows it wrote."""

    sheet: CouncilSheet
    written: pd.DataFrame | None = None
    members: list = field(default_factory=list)

    @property
    def issues(self) -> list[ImportIssue]:
        """Return the sheet's problems (errors only block)."""
        return self.sheet.issues


def members_from_sheet(session: Session, actor: Actor | None, data: bytes, *, file_name: str, settings: Settings,
                       year: int) -> SheetOutcome:
    """Replace the year's council with a members sheet; with any problem write nothing and return them."""
    require(actor, "hoi_dong")
    sheet = read_sheet(data, file_name=file_name, settings=settings, mode=MEMBERS)
    outcome = SheetOutcome(sheet)
    if sheet.errors:
        return outcome
    given = [MemberInput(r.name, r.role, r.unit, r.position) for r in sheet.rows]
    try:
        outcome.members = council_members.replace_members(session, actor, year=year, given=given,
                                                          source=f"tệp “{file_name}”")
    except CouncilError as error:
        for problem in error.problems:
            sheet.add(None, None, "council_refused", problem)
    return outcome


def _candidates(session: Session, year: int) -> list[tuple]:
    """(id, folded name, award id, award code, folded award name, folded unit names) of the year's nominations."""
    stmt = (select(Nomination.id, Person.full_name, Nomination.collective_name, Nomination.award_id, Award.code,
                   Award.name, Unit.name, Unit.short_name, Nomination.unit_text, Nomination.status)
            .join(Award, Nomination.award_id == Award.id)
            .join(Person, Nomination.person_id == Person.id, isouter=True)
            .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
            .where(Nomination.year == year, Nomination.status != NominationStatus.KHONG_DUYET))
    return [(i, fold(person or collective), award_id, code, fold(award),
             {fold(u) for u in (unit, short, text) if u})
            for i, person, collective, award_id, code, award, unit, short, text, _s in session.exec(stmt).all()]


def _match(sheet: CouncilSheet, candidates: list[tuple], year: int) -> dict[int, int]:
    """Return the sheet row by nomination id; add a problem on each row naming none, two, or one already named."""
    where: dict[int, int] = {}
    for row in sheet.rows:
        if row.award is None or row.votes is None:
            continue
        spec = find_award(row.award)
        award_key = fold(row.award)
        found = [c for c in candidates if c[1] == fold(row.name)
                 and ((spec is not None and c[3] == spec.code) or c[4] == award_key)
                 and (row.unit is None or fold(row.unit) in c[5])]
        if not found:
            sheet.add(row.row, "name", "no_nomination",
                      f"Không có đề nghị “{row.award}” năm {year} của “{row.name}”"
                      + (f" thuộc “{row.unit}”" if row.unit else "")
                      + ": kiểm tra họ tên, danh hiệu (và đơn vị) cho giống danh sách đề nghị.")
        elif len(found) > 1:
            sheet.add(row.row, "name", "ambiguous",
                      f"Có {len(found)} đề nghị “{row.award}” năm {year} của “{row.name}”: ghi thêm cột “Đơn vị” để "
                      "phân biệt.")
        elif found[0][0] in where:
            sheet.add(row.row, "name", "duplicate", f"Đề nghị của “{row.name}” đã có ở dòng {where[found[0][0]]}: "
                                                    "mỗi người, tập thể chỉ ghi một dòng cho một danh hiệu.")
        else:
            where[found[0][0]] = row.row
    return where


def tally_from_sheet(session: Session, actor: Actor | None, data: bytes, *, file_name: str, settings: Settings,
                     year: int, round_no: int = 1) -> SheetOutcome:
    """Record a tally sheet's votes for the round, all rows or none: a row naming no nomination of the year, two, a
    title without a vote, more votes than members is a problem on its row and nothing of the sheet is written."""
    require(actor, "hoi_dong")
    sheet = read_sheet(data, file_name=file_name, settings=settings, mode=TALLY)
    outcome = SheetOutcome(sheet)
    if sheet.errors:
        return outcome
    if member_count(session, year=year) == 0:
        sheet.add(None, None, "no_council", f"Hội đồng năm {year} chưa có thành viên: nhập danh sách thành viên trước.")
        return outcome
    if meeting(session, year=year, round_no=round_no) is None:
        sheet.add(None, None, "no_meeting", f"Chưa có cuộc họp vòng {round_no} của Hội đồng năm {year}: ghi ngày họp "
                                            "và thành phần dự họp trước (ngưỡng và căn cứ theo ngày họp).")
        return outcome
    where = _match(sheet, _candidates(session, year), year)
    votes = {i: next(r.votes for r in sheet.rows if r.row == row) for i, row in where.items()}
    for i, why in tallies.tally_problems(session, year=year, round_no=round_no, votes=votes).items():
        column = "votes" if why.startswith("số phiếu") else "award"
        sheet.add(where[i], column, "refused_vote", f"{why[0].upper()}{why[1:]}.")
    if sheet.errors:
        return outcome
    try:
        outcome.written = tallies.record(session, actor, year=year, round_no=round_no, votes=votes,
                                         source=f"tệp “{file_name}”")
    except CouncilError as error:
        for problem in error.problems:
            sheet.add(None, None, "council_refused", problem)
    return outcome
