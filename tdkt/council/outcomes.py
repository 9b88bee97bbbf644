"""What a council round ends in: the passed nominations (and those whose title needs no vote) moved to "Hội đồng đã
xét" through Hồ sơ đề nghị's move, and the round's results by title for its ballots and minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from tdkt.awards import dossier_moves
from tdkt.core.models import NominationStatus
from tdkt.core.permissions import Actor, require
from tdkt.council import tallies
from tdkt.council.meetings import attendance, meeting
from tdkt.council.members import CouncilError, member_count


@dataclass(frozen=True, slots=True)
class RoundResults:
    """One round's results: its meeting, the attendance, the voted titles' nominees, and the titles without a vote."""

    year: int
    round_no: int
    meeting_date: date
    place: str | None
    attendance: pd.DataFrame  # meetings.attendance
    voted: pd.DataFrame  # tallies.nominees
    without_vote: pd.DataFrame  # tallies.without_vote (round 1 only; empty in round 2)


def passed_ids(session: Session, *, year: int, round_no: int) -> tuple[dict[int, int], list[int]]:
    """Return (votes by id of the round's passed nominees still "Đề nghị", ids of "Đề nghị" ones needing no vote)."""
    frame = tallies.nominees(session, year=year, round_no=round_no)
    going = frame[(frame.passed == True) & (frame.status == NominationStatus.DE_NGHI)]  # noqa: E712
    votes = {int(i): int(v) for i, v in zip(going.nomination_id, going.votes_for, strict=True)}
    free = [int(i) for i in tallies.without_vote(session, year=year).nomination_id] if round_no == 1 else []
    return votes, free


def advance_passed(session: Session, actor: Actor | None, *, year: int, round_no: int,
                   today: date | None = None) -> dossier_moves.MoveResult:
    """Move the round's passed nominations, with their votes of all members, and (round 1) those whose title needs no
    vote to "Hội đồng đã xét" through `dossier_moves.move` (its checks and its audit entry); failed ones stay."""
    require(actor, "hoi_dong")
    if meeting(session, year=year, round_no=round_no) is None:
        raise CouncilError(f"Chưa có cuộc họp vòng {round_no} của Hội đồng năm {year}.")
    votes, free = passed_ids(session, year=year, round_no=round_no)
    if not votes and not free:
        raise CouncilError(f"Không có đề nghị nào đạt ở vòng {round_no} còn ở bước “Đề nghị” để chuyển.")
    return dossier_moves.move(session, actor, nomination_ids=[*votes, *free], to=NominationStatus.HOI_DONG,
                              votes=votes, council_members=member_count(session, year=year), today=today)


def round_results(session: Session, *, year: int, round_no: int) -> RoundResults:
    """Return the round's results for its minutes; raise CouncilError before its meeting is recorded."""
    this = meeting(session, year=year, round_no=round_no)
    if this is None:
        raise CouncilError(f"Chưa có cuộc họp vòng {round_no} của Hội đồng năm {year}: ghi ngày họp trước.")
    free = tallies.without_vote(session, year=year, moved_too=True)
    return RoundResults(year, round_no, this.meeting_date, this.place,
                        attendance(session, year=year, round_no=round_no),
                        tallies.nominees(session, year=year, round_no=round_no),
                        free if round_no == 1 else free.iloc[0:0])


def ballot_lists(session: Session, *, year: int, round_no: int) -> dict[str, pd.DataFrame]:
    """Return the round's nominees still to vote on ("Đề nghị"), by title name: the ballots list exactly these."""
    return ballot_groups(tallies.nominees(session, year=year, round_no=round_no))


def ballot_groups(nominees: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return a round's nominees (`tallies.nominees`) still "Đề nghị", by title name in order."""
    frame = nominees[nominees.status == NominationStatus.DE_NGHI]
    return {award: group.reset_index(drop=True) for award, group in frame.groupby("award", sort=True)}
