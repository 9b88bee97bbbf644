"""Moving many nominations along the path at once (Hồ sơ đề nghị's "select all"): what moves, what is refused, why.

Unlike `dossiers.advance` (all or none), a move of a selection moves every nomination that can go and refuses the
others, each with its reason, in one transaction with one audit entry (the count and the ids). A title whose council
vote has a threshold on the council's meeting date (`rules.table.vote_rule`: CSTĐ cơ sở, Cờ thi đua ≥ 80%, CSTĐ cấp
tỉnh/bộ/toàn quốc ≥ 90% of all members) goes to "Hội đồng đã xét" only when the council's tally (page Hội đồng TĐKT,
`tdkt.council`) recorded it passed, and with that tally's figures; titles without a threshold (LĐTT, Giấy khen…)
move without a vote figure, so 300 imported LĐTT rows move in one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards import dossiers
from tdkt.awards.rules.table import LAW_FROM, vote_rule
from tdkt.core import audit
from tdkt.core.council_tables import CouncilMeeting, CouncilVote
from tdkt.core.errors import Refused
from tdkt.core.models import NOMINATION_STATUS_LABELS, Award, Nomination, NominationStatus, Person
from tdkt.core.permissions import Actor, require, require_scope
from tdkt.core.text import fold, format_date, format_number, nominee_order

S = NominationStatus
_IDS_IN_SUMMARY = 50  # the audit summary names this many ids; `after` holds them all
COUNCIL_PAGE = "Hội đồng TĐKT"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A nomination of the selection that did not move, and why (Vietnamese)."""

    nomination_id: int
    name: str
    award: str
    reason: str


@dataclass(frozen=True, slots=True)
class MoveResult:
    """What one move of a selection did: the ids moved, the ones refused with their reasons."""

    to: NominationStatus
    moved: tuple[int, ...]
    refused: tuple[Refusal, ...]

    def message(self, *, limit: int = 20) -> str:
        """Return the Vietnamese summary: how many moved, and each refused nomination with its reason."""
        text = f"Đã chuyển {len(self.moved)} đề nghị sang “{NOMINATION_STATUS_LABELS[self.to]}”."
        if self.refused:
            text += f" {len(self.refused)} đề nghị chưa chuyển: " + " ".join(
                f"• {r.name} — {r.award}: {r.reason}." for r in self.refused[:limit])
            if len(self.refused) > limit:
                text += f" … và {len(self.refused) - limit} đề nghị khác."
        return text


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    name: str
    award: str
    code: str
    target: str
    status: str
    unit_id: int | None
    year: int


@dataclass(frozen=True, slots=True)
class Tally:
    """A nomination's latest council vote: its round, the meeting date, the figures and the verdict then."""

    round_no: int
    meeting_date: date
    votes_for: int
    members: int
    threshold: int | None
    passed: bool | None


def _tallies(session: Session, ids: list[int]) -> dict[int, Tally]:
    """Return each nomination's vote of its latest council round (round 2 over round 1)."""
    stmt = (select(CouncilVote, CouncilMeeting.round_no, CouncilMeeting.meeting_date)
            .join(CouncilMeeting, CouncilVote.meeting_id == CouncilMeeting.id)
            .where(col(CouncilVote.nomination_id).in_(ids)).order_by(CouncilMeeting.round_no))
    return {v.nomination_id: Tally(r, on, v.votes_for, v.members, v.threshold, v.passed)
            for v, r, on in session.exec(stmt).all()}


def _council_days(session: Session, years: set[int]) -> dict[int, date]:
    """Return the year's first council meeting date, for the years that have one."""
    stmt = select(CouncilMeeting.year, CouncilMeeting.meeting_date).where(
        col(CouncilMeeting.year).in_(sorted(years)), CouncilMeeting.round_no == 1)
    return dict(session.exec(stmt).all())


def _rule_day(row: _Row, tally: Tally | None, days: dict[int, date], today: date) -> date:
    """The day whose rule says whether the title needs a vote: its tally's meeting, else the year's council
    meeting, else today (no meeting recorded yet)."""
    if tally is not None:
        return tally.meeting_date
    return max(days.get(row.year, today), LAW_FROM)  # no rule set is encoded before the law of 2024


def needs_votes(award_code: str | None, target: str, *, on: date | None = None) -> bool:
    """Return True when the title goes to "Hội đồng đã xét" only through the council's own tally (rule of `on`)."""
    return vote_rule(award_code, target, on=max(on or date.today(), LAW_FROM)) is not None


def thresholds(session: Session, *, nomination_ids: list[int], today: date | None = None) -> dict[int, int]:
    """Return, for the nominations whose title needs its own council vote (the rule of the year's council meeting
    date, today before one), the share (%) of all members it needs."""
    if not nomination_ids:
        return {}
    today = today or date.today()
    found = _rows(session, sorted(set(nomination_ids)))
    tallies = _tallies(session, list(found))
    days = _council_days(session, {r.year for r in found.values()})
    out = {}
    for i, row in found.items():
        try:
            rule = vote_rule(row.code, row.target, on=_rule_day(row, tallies.get(i), days, today))
        except Refused:
            continue
        if rule is not None:
            out[i] = rule.threshold
    return out


def council_votes(session: Session, *, nomination_ids: list[int]) -> dict[int, Tally]:
    """Return the latest council tally of each nomination that has one (for Hồ sơ đề nghị to show before a move)."""
    return _tallies(session, sorted(set(nomination_ids))) if nomination_ids else {}


def filter_frame(frame: pd.DataFrame, *, status: str | None = None, award: str | None = None,
                 unit: str | None = None, text: str = "") -> pd.DataFrame:
    """Return the rows of `dossiers.table` that a filter shows: a step, an award, a unit (names as in the table) and
    a text found, accents ignored, in the name, award, unit or decision; the selection "select all" takes."""
    keep = pd.Series(True, index=frame.index)
    if status:
        keep &= frame["status"] == NominationStatus(status).value
    if award:
        keep &= frame["award"] == award
    if unit:
        keep &= frame["unit"] == unit
    needle = fold(text)
    if needle:
        haystack = frame[["name", "award", "unit", "decision"]].fillna("").astype(str).agg(" ".join, axis=1)
        keep &= haystack.map(fold).str.contains(needle, regex=False)
    return frame[keep]


def _form_problems(to: NominationStatus, *, council_members, submitted_on, decision_number, decision_date,
                   decision_authority, today: date) -> list[str]:
    """What the form misses for the step, whatever the nominations (these refuse the whole move)."""
    problems = []
    if to == S.HOI_DONG and council_members is not None and council_members <= 0:
        problems.append("Số thành viên Hội đồng phải lớn hơn 0.")
    return problems + dossiers.step_form_problems(to, submitted_on=submitted_on, decision_number=decision_number,
                                                  decision_date=decision_date,
                                                  decision_authority=decision_authority, today=today)


def _rows(session: Session, ids: list[int]) -> dict[int, _Row]:
    stmt = (
        select(Nomination.id, Person.full_name, Nomination.collective_name, Award.name, Award.code,
               Nomination.target, Nomination.status, Nomination.unit_id, Nomination.year)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .where(col(Nomination.id).in_(ids))
    )
    return {i: _Row(i, person or collective or "", award, code, target, status, unit, year)
            for i, person, collective, award, code, target, status, unit, year in session.exec(stmt).all()}


def _vote_reason(row: _Row, tally: Tally | None, day: date) -> str | None:
    """Why a nomination cannot go to "Hội đồng đã xét" by the council's tally and the rule in force on `day` (the
    council's meeting date), or None: a title with a vote threshold needs the council's tally recorded passed."""
    try:
        rule = vote_rule(row.code, row.target, on=day)
    except Refused as error:
        return str(error).rstrip(".")
    if rule is None:
        return None
    if tally is None:
        return (f"danh hiệu cần kết quả bỏ phiếu kín của Hội đồng cho riêng người/tập thể này (ít nhất "
                f"{rule.threshold}% tổng số thành viên đồng ý): ghi kết quả kiểm phiếu trên trang “{COUNCIL_PAGE}”, "
                "đề nghị đạt được chuyển từ đó")
    if not tally.passed:
        got = format_number(100 * tally.votes_for / tally.members, 1) if tally.members else "0"
        return (f"chưa đạt ở vòng {tally.round_no} (họp ngày {format_date(tally.meeting_date)}): {tally.votes_for}/"
                f"{tally.members} phiếu đồng ý ({got}%), cần ít nhất {rule.threshold}% tổng số thành viên; Hội đồng "
                f"có thể bỏ phiếu lại ở vòng 2 trên trang “{COUNCIL_PAGE}”")
    return None


def _refusal(row: _Row, to: NominationStatus, tally: Tally | None, day: date) -> str | None:
    here = NominationStatus(row.status)
    if to not in dossiers.NEXT[here]:
        if not dossiers.NEXT[here]:
            return f"đang ở bước “{NOMINATION_STATUS_LABELS[here]}”, đã kết thúc"
        return (f"đang ở bước “{NOMINATION_STATUS_LABELS[here]}”, chỉ chuyển được sang "
                + " hoặc ".join(f"“{NOMINATION_STATUS_LABELS[s]}”" for s in dossiers.NEXT[here]))
    return _vote_reason(row, tally, day) if to == S.HOI_DONG else None


def move(
    session: Session,
    actor: Actor | None,
    *,
    nomination_ids: list[int],
    to: NominationStatus,
    votes: Mapping[int, int] | None = None,
    council_members: int | None = None,
    submitted_on: date | None = None,
    decision_number: str | None = None,
    decision_date: date | None = None,
    decision_authority: str | None = None,
    today: date | None = None,
) -> MoveResult:
    """Move every selected nomination that can go to `to` and refuse the others with their reasons, in the caller's
    transaction, audited once. To "Hội đồng đã xét": a title with a council vote threshold on the council's meeting
    date moves only when the council's tally recorded it passed, with that tally's figures (`votes` and
    `council_members` are not trusted over it: the votes come from the Hội đồng TĐKT page); a title without one moves
    without a vote figure. Raises DossierError, writing nothing, when the form lacks what the step needs or none
    moves."""
    require(actor, "xu_ly_ho_so")
    to, today, votes = NominationStatus(to), today or date.today(), dict(votes or {})
    ids = sorted(set(nomination_ids))
    if not ids:
        raise dossiers.DossierError("Chưa chọn đề nghị nào.")
    problems = _form_problems(to, council_members=council_members, submitted_on=submitted_on,
                              decision_number=decision_number, decision_date=decision_date,
                              decision_authority=decision_authority, today=today)
    if problems:
        raise dossiers.DossierError(f"Chưa chuyển được sang “{NOMINATION_STATUS_LABELS[to]}”: " + " ".join(problems))
    found = _rows(session, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise dossiers.DossierError("Không tìm thấy đề nghị số " + ", ".join(map(str, missing)) + ".")
    # The units are the nominations' own, read here (the Office alone moves today).
    require_scope(actor, "xu_ly_ho_so", unit_ids=[r.unit_id for r in found.values()])
    tallies = _tallies(session, ids) if to == S.HOI_DONG else {}
    days = _council_days(session, {r.year for r in found.values()}) if to == S.HOI_DONG else {}
    refused, going, order = [], [], {}
    for i in ids:
        reason = _refusal(found[i], to, tallies.get(i), _rule_day(found[i], tallies.get(i), days, today))
        if reason:
            refused.append(Refusal(i, found[i].name, found[i].award, reason))
            order[i] = nominee_order(found[i].name, individual=found[i].target == "ca_nhan")
        else:
            going.append(i)
    refused.sort(key=lambda r: (order[r.nomination_id], r.nomination_id))  # named as the table lists them
    result = MoveResult(to=to, moved=tuple(going), refused=tuple(refused))
    # The figures written are the council's tally (passed ones), none for titles without a vote threshold.
    votes = {i: tallies[i].votes_for for i in going if i in tallies and tallies[i].passed}
    members = {i: tallies[i].members for i in votes}
    if not going:
        raise dossiers.DossierError("Không chuyển được đề nghị nào, chưa lưu thay đổi nào. " + " ".join(
            f"• {r.name} — {r.award}: {r.reason}." for r in refused[:20]))
    _write(session, actor, result, found, votes=votes, council_members=members, submitted_on=submitted_on,
           decision=(decision_number, decision_date, decision_authority), today=today)
    return result


def _write(session: Session, actor: Actor, result: MoveResult, found: dict[int, _Row], *, votes: dict[int, int],
           council_members: dict[int, int], submitted_on: date | None, decision: tuple, today: date) -> None:
    """Change the moved nominations and add the one audit entry (their ids, steps before and after)."""
    to = result.to
    number, decided_on, authority = decision
    rows = session.exec(select(Nomination).where(col(Nomination.id).in_(result.moved))).all()
    for nomination in rows:
        if to == S.HOI_DONG:
            given = votes.get(nomination.id)
            nomination.votes_for, nomination.council_members = (
                (given, council_members[nomination.id]) if given is not None else (None, None))
        elif to == S.DE_NGHI:  # a correction: the council's result is taken back
            nomination.votes_for = nomination.council_members = None
        elif to == S.DA_TRINH:
            nomination.submitted_on = submitted_on or today
        elif to == S.CO_QUYET_DINH:
            nomination.decision_number, nomination.decision_date = number.strip(), decided_on
            nomination.decision_authority = authority.strip()
        nomination.status = to.value
        session.add(nomination)
    session.flush()
    label = NOMINATION_STATUS_LABELS[to]
    named = ", ".join(map(str, result.moved[:_IDS_IN_SUMMARY]))
    more = f" và {len(result.moved) - _IDS_IN_SUMMARY} đề nghị khác" if len(result.moved) > _IDS_IN_SUMMARY else ""
    summary = f"Chuyển {len(result.moved)} đề nghị sang “{label}” trong một lần (số {named}{more})."
    if result.refused:
        summary += f" {len(result.refused)} đề nghị không chuyển được: số " + ", ".join(
            str(r.nomination_id) for r in result.refused) + "."
    audit.record(session, actor, "xu_ly_ho_so", "de_nghi", None, summary,
                 before={"ids": list(result.moved), "status": {i: found[i].status for i in result.moved}},
                 after={"ids": list(result.moved), "status": to.value,
                        "votes": {i: votes[i] for i in result.moved if i in votes},
                        "council_members": sizes[0] if len(sizes := sorted(set(council_members.values()))) == 1
                        else (sizes or None),
                        "refused": [r.nomination_id for r in result.refused]})
