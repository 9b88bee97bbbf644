"""What Hội đồng TĐKT shows of a year, read in one call: its members, each round's meeting, attendance and nominees,
the titles passed on without a vote and the ballots left to print, as plain values that outlive their session.

The page keeps it per data version (pages/_cache.read): reading the council's parts one by one, and building its
.xlsx and .docx files on every run, took 0.9 s of CPU a run for the Office on the demo database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from tdkt.council import meetings, members, outcomes, tallies


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """A round's meeting as the page shows it (not the `CouncilMeeting` row, which belongs to its session)."""

    meeting_date: date
    place: str | None


@dataclass(frozen=True, slots=True)
class RoundView:
    """One round: its meeting (None before it is recorded), every member's attendance (`meetings.attendance`), the
    nominees of the titles that need a vote (`tallies.nominees`) and the titles with nominees still to vote on."""

    meeting: MeetingInfo | None
    attendance: pd.DataFrame
    nominees: pd.DataFrame
    ballot_titles: list[str]


@dataclass(frozen=True, slots=True)
class CouncilPage:
    """A year's council: its size, its members (`members.members_frame`), the nominations needing no vote
    (`tallies.without_vote`) and both rounds by number (the page offers round 2 once round 1 has met)."""

    size: int
    members: pd.DataFrame
    without_vote: pd.DataFrame
    rounds: dict[int, RoundView]


def council_page(session: Session, *, year: int, today: date) -> CouncilPage:
    """Return everything the page shows of the year's council, nominees judged on `today` before their meeting."""
    rounds = {}
    for round_no in meetings.ROUNDS:
        found = meetings.meeting(session, year=year, round_no=round_no)
        nominees = tallies.nominees(session, year=year, round_no=round_no, today=today)
        rounds[round_no] = RoundView(
            meeting=None if found is None else MeetingInfo(found.meeting_date, found.place),
            attendance=meetings.attendance(session, year=year, round_no=round_no), nominees=nominees,
            ballot_titles=list(outcomes.ballot_groups(nominees)))
    return CouncilPage(size=members.member_count(session, year=year),
                       members=members.members_frame(session, year=year),
                       without_vote=tallies.without_vote(session, year=year), rounds=rounds)
