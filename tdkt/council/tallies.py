"""The council's tallies: each round's nominees per title, their votes of all members recorded into the nominations
(`votes_for`, `council_members`), judged by the rule in force on the meeting date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards.rules.table import RULES
from tdkt.core import audit
from tdkt.core.council_tables import CouncilVote
from tdkt.core.models import NOMINATION_STATUS_LABELS, Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_date, nominee_order
from tdkt.council import verdicts
from tdkt.council.meetings import meeting, voters
from tdkt.council.members import CouncilError, member_count

S = NominationStatus
# Every title whose council vote has a threshold in some rule set (the day's rule says which one applies).
VOTE_CODES = frozenset(c for rule in RULES if rule.id.startswith("PHIEU-") and rule.awards for c in rule.awards)
COLUMNS = ["nomination_id", "award_id", "award", "award_code", "level", "target", "name", "unit", "position",
           "status", "status_label", "votes_for", "members", "share", "threshold", "passed", "verdict", "basis",
           "forecast"]
TITLES = {"name": "Họ và tên / Tập thể", "unit": "Đơn vị", "award": "Danh hiệu", "votes_for": "Số phiếu đồng ý",
          "members": "Tổng số thành viên", "share": "Tỷ lệ (%)", "verdict": "Kết quả", "forecast": "Dự báo cấp trên",
          "basis": "Căn cứ", "status_label": "Bước"}


def _nominations(session: Session, *, year: int, ids: set[int] | None = None, voting: bool = True) -> list[tuple]:
    """The year's nominations whose title needs a vote (`voting`) or not, with person, award and unit."""
    codes = col(Award.code).in_(sorted(VOTE_CODES))
    stmt = (select(Nomination, Person.full_name, Award.name, Award.code, Award.level, Unit.name)
            .join(Award, Nomination.award_id == Award.id)
            .join(Person, Nomination.person_id == Person.id, isouter=True)
            .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
            .where(Nomination.year == year, codes if voting else ~codes))
    if ids is not None:
        stmt = stmt.where(col(Nomination.id).in_(sorted(ids)))
    return list(session.exec(stmt).all())


def _votes_of(session: Session, meeting_id: int | None) -> dict[int, CouncilVote]:
    if meeting_id is None:
        return {}
    return {v.nomination_id: v for v in session.exec(select(CouncilVote).where(CouncilVote.meeting_id == meeting_id))}


def nominees(session: Session, *, year: int, round_no: int, today: date | None = None) -> pd.DataFrame:
    """Return the round's nominees of the titles that need a vote, with their votes and verdicts (columns COLUMNS),
    by title then name: round 1 every such nomination still "Đề nghị" or voted in it; round 2 those who failed round
    1 and are still "Đề nghị", or voted in round 2. Judged by the meeting's date (before it is recorded: `today`)."""
    this = meeting(session, year=year, round_no=round_no)
    first = meeting(session, year=year, round_no=1)
    votes = _votes_of(session, this.id if this else None)
    first_votes = votes if round_no == 1 else _votes_of(session, first.id if first else None)
    on = this.meeting_date if this else (today or date.today())
    size = member_count(session, year=year)
    rows = []
    for n, person, award, code, level, unit in _nominations(session, year=year):
        vote = votes.get(n.id)
        if round_no == 1:
            keep = vote is not None or n.status == S.DE_NGHI
        else:
            failed = n.id in first_votes and first_votes[n.id].passed is False
            keep = vote is not None or (failed and n.status == S.DE_NGHI)
        if not keep or (verdict := _verdict(code, level, n.target, vote, size, on)) is None:
            continue
        members = vote.members if vote else size
        rows.append({"nomination_id": n.id, "award_id": n.award_id, "award": award, "award_code": code,
                     "level": level, "target": n.target, "name": person or n.collective_name or "",
                     "unit": unit or n.unit_text, "position": n.position, "status": n.status,
                     "status_label": NOMINATION_STATUS_LABELS[S(n.status)],
                     "votes_for": vote.votes_for if vote else None, "members": members,
                     "share": verdicts.share(vote.votes_for, members) if vote else None,
                     "threshold": verdict.threshold, "passed": verdict.passed, "verdict": verdict.label,
                     "basis": verdict.basis, "forecast": verdict.forecast})
    rows.sort(key=lambda r: (r["award"], r["target"] != "tap_the",
                              nominee_order(r["name"], individual=r["target"] == "ca_nhan"), r["nomination_id"]))
    return pd.DataFrame(rows, columns=COLUMNS)


def _verdict(code: str, level: str, target: str, vote: CouncilVote | None, size: int, on: date):
    verdict = verdicts.judge(award_code=code, level=level, target=target, votes_for=vote.votes_for if vote else None,
                             members=vote.members if vote else size, on=on)
    return None if verdict.threshold is None else verdict


def without_vote(session: Session, *, year: int, moved_too: bool = False) -> pd.DataFrame:
    """Return the year's nominations still "Đề nghị" (`moved_too`: or past it, not refused) whose title needs no vote
    (LĐTT, TTLĐTT, Giấy khen…): columns nomination_id, award, name, unit, target, status, by title then name; the
    council moves them on without a vote figure."""
    keep = {S.DE_NGHI} if not moved_too else {S.DE_NGHI, S.HOI_DONG, S.DA_TRINH, S.CO_QUYET_DINH}
    rows = [{"nomination_id": n.id, "award": award, "name": person or n.collective_name or "",
             "unit": unit or n.unit_text, "target": n.target, "status": n.status}
            for n, person, award, _code, _level, unit in _nominations(session, year=year, voting=False)
            if n.status in keep]
    rows.sort(key=lambda r: (r["award"], r["target"] != "tap_the",
                              nominee_order(r["name"], individual=r["target"] == "ca_nhan"), r["nomination_id"]))
    return pd.DataFrame(rows, columns=["nomination_id", "award", "name", "unit", "target", "status"])


def tally_problems(session: Session, *, year: int, round_no: int, votes: Mapping[int, int]) -> dict[int, str]:
    """Return, by nomination id, why its votes cannot be recorded in that round (not a nominee, moved on already, a
    figure out of range); empty when every one can."""
    size = member_count(session, year=year)
    cast = voters(session, year=year, round_no=round_no)
    frame = nominees(session, year=year, round_no=round_no).set_index("nomination_id")
    problems = {}
    for i, given in votes.items():
        if i not in frame.index:
            problems[i] = (f"không thuộc danh sách bỏ phiếu vòng {round_no} (danh hiệu không cần bỏ phiếu"
                           + (", hoặc không phải đề nghị chưa đạt ở vòng 1)" if round_no == 2 else ")"))
        elif frame.at[i, "status"] != S.DE_NGHI:
            problems[i] = (f"đã chuyển sang “{frame.at[i, 'status_label']}”: trả về “Đề nghị” trên trang Hồ sơ đề "
                           "nghị để bỏ phiếu lại")
        elif given is None or int(given) < 0:
            problems[i] = "số phiếu đồng ý phải là số nguyên không âm"
        elif int(given) > size:
            problems[i] = f"số phiếu đồng ý ({given}) lớn hơn tổng số thành viên Hội đồng ({size})"
        elif int(given) > cast:
            problems[i] = (f"số phiếu đồng ý ({given}) lớn hơn số thành viên bỏ phiếu ({cast}: có mặt và gửi phiếu "
                           "bằng văn bản)")
    return problems


def record(session: Session, actor: Actor | None, *, year: int, round_no: int, votes: Mapping[int, int],
           source: str = "trang Hội đồng TĐKT") -> pd.DataFrame:
    """Record the round's votes by nomination id, all or none, into the council's tally and the nominations' own
    `votes_for` / `council_members` (all members of the year's council); audited once. Return those nominees'
    rows (`nominees`). Failed nominees stay "Đề nghị" with their votes."""
    require(actor, "hoi_dong")
    this = meeting(session, year=year, round_no=round_no)
    if this is None:
        raise CouncilError(f"Chưa có cuộc họp vòng {round_no} của Hội đồng năm {year}: ghi ngày họp và thành phần "
                           "dự họp trước khi nhập kết quả bỏ phiếu (ngưỡng và căn cứ theo ngày họp).")
    size = member_count(session, year=year)
    votes = {int(i): (None if v is None else int(v)) for i, v in votes.items()}
    if not votes:
        raise CouncilError("Chưa nhập số phiếu nào.")
    problems = tally_problems(session, year=year, round_no=round_no, votes=votes)
    if problems:
        named = {n.id: f"{p or n.collective_name} — {a}" for n, p, a, *_ in
                 _nominations(session, year=year, ids=set(problems))}
        lines = [f"{named.get(i, f'Đề nghị số {i}')}: {why}." for i, why in problems.items()]
        raise CouncilError("Chưa ghi kết quả bỏ phiếu nào: " + " ".join(lines), problems=lines)
    stored = _votes_of(session, this.id)
    before = {str(i): stored[i].votes_for for i in votes if i in stored}
    for n, _p, _a, code, level, _u in _nominations(session, year=year, ids=set(votes)):
        verdict = verdicts.judge(award_code=code, level=level, target=n.target, votes_for=votes[n.id], members=size,
                                 on=this.meeting_date)
        vote = stored.get(n.id) or CouncilVote(meeting_id=this.id, nomination_id=n.id, votes_for=0, members=size)
        vote.votes_for, vote.members = votes[n.id], size
        vote.threshold, vote.passed, vote.basis = verdict.threshold, verdict.passed, verdict.basis
        n.votes_for, n.council_members = votes[n.id], size
        session.add_all([vote, n])
    session.flush()
    result = nominees(session, year=year, round_no=round_no)
    result = result[result.nomination_id.isin(list(votes))]
    audit.record(session, actor, "hoi_dong", "kiem_phieu", this.id,
                 f"Ghi kết quả bỏ phiếu vòng {round_no} (họp ngày {format_date(this.meeting_date)}) của "
                 f"{len(votes)} đề nghị năm {year} ({source}): đạt {int((result.passed == True).sum())}, "  # noqa: E712
                 f"chưa đạt {int((result.passed == False).sum())}; tổng số thành viên {size}.",  # noqa: E712
                 before={"votes": before}, after={"votes": {str(i): v for i, v in votes.items()}, "members": size})
    return result


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return nominees' rows with Vietnamese titles for a download: share as a percentage."""
    shown = frame.assign(share=[None if s is None or s != s else round(100 * s, 1) for s in frame.share])
    return shown[list(TITLES)].rename(columns=TITLES)
