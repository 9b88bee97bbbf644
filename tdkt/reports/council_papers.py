"""The council's papers from the database: a title's ballots and a round's minutes, filled from `tdkt.council` into
the plain data of `council_documents`, and the council's lists as .xlsx."""

from __future__ import annotations

from sqlmodel import Session

from tdkt.core import export
from tdkt.core.config import Settings
from tdkt.core.errors import Refused
from tdkt.core.permissions import Actor, require
from tdkt.council import members, outcomes, tallies
from tdkt.council.meetings import attendance, meeting
from tdkt.reports import council_documents as papers


def _clean(value):
    return None if value is None or value != value else value  # NaN from pandas is no value


def ballot_titles(session: Session, *, year: int, round_no: int) -> list[str]:
    """Return the titles that have nominees still to vote on in that round (the ballots that can be printed)."""
    return list(outcomes.ballot_lists(session, year=year, round_no=round_no))


def ballots(session: Session, actor: Actor | None, *, year: int, round_no: int, award_name: str,
            settings: Settings) -> bytes:
    """Return the round's secret ballots of one title (.docx): one page per member of the year's council, listing
    exactly the title's nominees still "Đề nghị" in that round."""
    require(actor, "hoi_dong")
    lists = outcomes.ballot_lists(session, year=year, round_no=round_no)
    if award_name not in lists:
        raise Refused(f"Không còn đề nghị “{award_name}” nào chờ bỏ phiếu ở vòng {round_no} năm {year}.")
    frame = lists[award_name]
    nominees = [papers.BallotNominee(r.name, _clean(r.unit), _clean(r.position)) for r in frame.itertuples()]
    this = meeting(session, year=year, round_no=round_no)
    return papers.ballots_docx(agency=settings.agency, year=year, award_name=award_name, nominees=nominees,
                               copies=members.member_count(session, year=year),
                               meeting_date=this.meeting_date if this else None, round_no=round_no,
                               locality=settings.place)


def minutes_data(session: Session, *, year: int, round_no: int, settings: Settings) -> papers.MinutesData:
    """Return what the round's minutes record: attendance, each voted title's nominees with their votes of all
    members, share, result and forecast, then the titles the council passed on without a vote."""
    results = outcomes.round_results(session, year=year, round_no=round_no)
    people = [papers.MemberAttendance(r.full_name, r.role, r.attendance) for r in results.attendance.itertuples()]
    titles = []
    for award, group in results.voted.groupby("award", sort=True):
        first = group.iloc[0]
        titles.append(papers.TitleResult(award, int(first.threshold), _clean(first.basis), [
            papers.NomineeResult(r.name, _clean(r.unit), None if _clean(r.votes_for) is None else int(r.votes_for),
                                 int(r.members), _clean(r.share), _clean(r.passed), _clean(r.forecast))
            for r in group.itertuples()]))
    size = members.member_count(session, year=year)
    for award, group in results.without_vote.groupby("award", sort=True):
        titles.append(papers.TitleResult(award, None, None, [
            papers.NomineeResult(r.name, _clean(r.unit), None, size, None, None, None) for r in group.itertuples()]))
    return papers.MinutesData(agency=settings.agency, year=year, meeting_date=results.meeting_date,
                              place=results.place, round_no=round_no, members=people, results=titles,
                              locality=settings.place)


def minutes(session: Session, actor: Actor | None, *, year: int, round_no: int, settings: Settings) -> bytes:
    """Return the round's minutes (biên bản họp Hội đồng, .docx, NĐ 30/2020 layout)."""
    require(actor, "hoi_dong")
    return papers.minutes_docx(minutes_data(session, year=year, round_no=round_no, settings=settings))


def members_xlsx(session: Session, *, year: int) -> bytes:
    """Return the year's council members as .xlsx, headed as the members sheet reads them back."""
    frame = members.members_frame(session, year=year)
    shown = frame[list(members.TITLES)].rename(columns=members.TITLES)
    return export.to_xlsx({"Thành viên Hội đồng": shown}, title=f"Thành viên Hội đồng Thi đua - Khen thưởng năm {year}")


def tally_xlsx(session: Session, *, year: int, round_no: int) -> bytes:
    """Return the round's nominees with their votes, share, result, forecast and basis as .xlsx (one sheet)."""
    frame = tallies.nominees(session, year=year, round_no=round_no)
    return export.to_xlsx({f"Vòng {round_no}": tallies.export_frame(frame)},
                          title=f"Kết quả bỏ phiếu Hội đồng Thi đua - Khen thưởng năm {year}, vòng {round_no}")


def attendance_xlsx(session: Session, *, year: int, round_no: int) -> bytes:
    """Return the round's attendance as .xlsx."""
    frame = attendance(session, year=year, round_no=round_no)
    shown = frame[["full_name", "role_label", "unit", "attendance_label"]].rename(columns={
        "full_name": "Họ và tên", "role_label": "Chức vụ trong Hội đồng", "unit": "Đơn vị",
        "attendance_label": "Tham dự"})
    return export.to_xlsx({"Thành phần dự họp": shown}, title=f"Thành phần dự họp Hội đồng năm {year}, vòng {round_no}")

