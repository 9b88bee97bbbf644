"""A nominee's council vote judged by the rule in force on the meeting date: passed, failed, or a forecast for a
title decided higher (the Sở's vote set against the higher council's threshold); no vote for titles without one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tdkt.awards.rules.table import vote_rule
from tdkt.core.council_tables import CouncilMeeting, CouncilVote
from tdkt.core.models import Award, Nomination
from tdkt.core.text import format_number

# Who decides a title above the Sở (the catalogue's level): its council's threshold is what the Sở's vote forecasts.
HIGHER_COUNCILS = {
    "tinh": "Hội đồng Thi đua - Khen thưởng tỉnh",
    "bo": "Hội đồng Thi đua - Khen thưởng Bộ Công Thương",
    "nha_nuoc": "Hội đồng Thi đua - Khen thưởng Trung ương",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a vote gives: the share needed (None: no vote needed), passed, the basis, a forecast for higher titles."""

    threshold: int | None
    passed: bool | None
    basis: str | None
    forecast: str | None = None

    @property
    def label(self) -> str:
        """Return "Đạt", "Chưa đạt", "Không cần bỏ phiếu" or "Chưa bỏ phiếu" (Vietnamese, for tables)."""
        if self.threshold is None:
            return "Không cần bỏ phiếu"
        if self.passed is None:
            return "Chưa bỏ phiếu"
        return "Đạt" if self.passed else "Chưa đạt"


def share(votes_for: int | None, members: int | None) -> float | None:
    """Return votes_for / members (0–1), None without a vote."""
    if votes_for is None or not members:
        return None
    return votes_for / members


def needs_vote(award_code: str, target: str, *, on: date) -> bool:
    """Return True when the title needs the council's secret vote on that day."""
    return vote_rule(award_code, target, on=on) is not None


def judge(*, award_code: str, level: str, target: str, votes_for: int | None, members: int, on: date) -> Verdict:
    """Return the verdict of `votes_for` of all `members` for the title by the rule in force on `on`.

    A title the Sở decides (Chiến sĩ thi đua cơ sở) passes or fails; one decided higher (CSTĐ cấp tỉnh, Cờ thi đua)
    is judged against that council's threshold and also says so as a forecast: the Sở proposes only those it would
    pass."""
    rule = vote_rule(award_code, target, on=on)
    if rule is None:
        return Verdict(None, None, None)
    if votes_for is None:
        return Verdict(rule.threshold, None, rule.basis)
    passed = rule.passed(votes_for, members)
    forecast = None
    if level in HIGHER_COUNCILS:
        got = format_number(100 * votes_for / members, 1) if members else "0"
        forecast = (f"Dự báo {'đạt' if passed else 'chưa đạt'} ngưỡng ≥ {rule.threshold}% của "
                    f"{HIGHER_COUNCILS[level]} ({got}% phiếu đồng ý tại Hội đồng Sở)")
    return Verdict(rule.threshold, passed, rule.basis, forecast)


def rejudge(session: Session, *, meeting: CouncilMeeting) -> int:
    """Judge the meeting's recorded votes again by the rule in force on its (changed) date; return how many."""
    stmt = (select(CouncilVote, Award.code, Award.level, Nomination.target)
            .join(Nomination, CouncilVote.nomination_id == Nomination.id)
            .join(Award, Nomination.award_id == Award.id).where(CouncilVote.meeting_id == meeting.id))
    n = 0
    for vote, code, level, target in session.exec(stmt).all():
        verdict = judge(award_code=code, level=level, target=target, votes_for=vote.votes_for, members=vote.members,
                        on=meeting.meeting_date)
        vote.threshold, vote.passed, vote.basis = verdict.threshold, verdict.passed, verdict.basis
        session.add(vote)
        n += 1
    session.flush()
    return n
