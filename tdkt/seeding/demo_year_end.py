"""The demo's year end of its latest year, through the domain functions the pages call: units' registrations, the
council (members, a meeting, the tallies), the nominations moved on as far as December goes, and the drafts made."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.awards import dossier_moves
from tdkt.awards.rules.table import LAW_FROM
from tdkt.core.config import Settings
from tdkt.core.council_tables import Attendance, CouncilMember, CouncilRole
from tdkt.core.file_store import FileStore
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Role, Target, Unit, UnitKind
from tdkt.core.permissions import Actor
from tdkt.council import meetings, members, outcomes, tallies
from tdkt.documents import drafts
from tdkt.documents.nominees import DIRECTOR_GRANTS, LEVELS_TO
from tdkt.registrations import registrations

S = NominationStatus
MEETING = (12, 23)  # the council meets once the units' lists are in (received by the 15th)
PLACE = "Phòng họp tầng 3, Sở Công Thương Lạng Sơn"
DIRECTOR = "Giám đốc Sở Công Thương"
# The leadership is not among the demo's people (they work in the departments): fictional names of their own.
LEADERS = [("Hoàng Văn Khánh", CouncilRole.CHU_TICH, "Giám đốc Sở"),
           ("Nông Thị Hồng Nhung", CouncilRole.PHO_CHU_TICH, "Phó Giám đốc Sở"),
           ("Lương Quốc Việt", CouncilRole.PHO_CHU_TICH, "Phó Giám đốc Sở")]
UNION = ("Triệu Thị Thu Hiền", "Chủ tịch Công đoàn cơ sở")
# Two collectives' flags (Cờ thi đua) go before the council each year end: the province's and the Ministry's.
FLAGS = ("CO_UBND_TINH", "CO_UBND_TINH", "CO_BCT")


@dataclass(frozen=True, slots=True)
class YearEnd:
    """What the year end seeded: registrations (all years), council members, tallies, documents drafted."""

    registrations: int
    members: int
    votes: int
    documents: int


def open_year(year: int) -> bool:
    """Return True when the year's council can meet in the demo (the voting rules start with the law of 2024)."""
    return date(year, *MEETING) >= LAW_FROM


def _units(session: Session) -> list[Unit]:
    stmt = select(Unit).where(col(Unit.kind).in_([UnitKind.PHONG, UnitKind.TRUC_THUOC])).order_by(Unit.position,
                                                                                                    Unit.id)
    return list(session.exec(stmt).all())


def add_flags(session: Session, rng: random.Random, *, year: int) -> int:
    """Add the year's nominations of collectives for a Cờ thi đua, received with the year's lists; return how many."""
    awards = {a.code: a for a in session.exec(select(Award).where(col(Award.code).in_(FLAGS))).all()}
    received = session.exec(select(func.min(Nomination.received_on)).where(Nomination.year == year)).one()
    units = rng.sample(_units(session), k=len(FLAGS))
    for code, unit in zip(FLAGS, units, strict=True):
        session.add(Nomination(
            year=year, target=Target.TAP_THE, collective_name=unit.name, unit_id=unit.id, award_id=awards[code].id,
            category="Cơ quan Hành chính" if unit.kind == UnitKind.PHONG else "Đơn vị sự nghiệp",
            status=S.DE_NGHI, received_on=received))
    session.flush()
    return len(FLAGS)


def _registrations(session: Session, rng: random.Random, *, year: int) -> int:
    """Several units register their people and themselves before the plan's deadline (task Q1.2): most of what they
    later propose, and a few CSTĐ cơ sở or collective titles they do not propose in the end."""
    due = registrations.deadline_of(session, year=year)
    if due is None:
        return 0
    awards = {a.id: a for a in session.exec(select(Award)).all()}
    by_code = {a.code: a for a in awards.values()}
    units = _units(session)
    count = 0
    for unit in sorted(rng.sample(units, k=max(1, len(units) - 2)), key=lambda u: u.id):
        stmt = (select(Nomination, Person).join(Person, Nomination.person_id == Person.id, isouter=True)
                .where(Nomination.year == year, Nomination.unit_id == unit.id).order_by(Nomination.id))
        items, seen = [], set()
        for nomination, person in session.exec(stmt).all():
            award = awards[nomination.award_id]
            # A flag is proposed, never registered in Q1; a third of the LĐTT are registered by name, to keep the
            # seeding quick (136 registrations took 5.8 s of a profiled build at load 16; the 52 kept take 0.3 s).
            if award.code in FLAGS or rng.random() < (0.7 if award.code == "LDTT" else 0.15):
                continue
            key = (person.id if person else None, award.id)
            if key not in seen:
                seen.add(key)
                items.append(registrations.RegistrationInput(
                    year=year, target=nomination.target, award=award.name, unit=unit.name,
                    person_id=person.id if person else None))
        people = session.exec(select(Person).where(Person.unit_id == unit.id).order_by(Person.id)).all()
        for person in rng.sample(list(people), k=min(2, len(people))):  # aimed higher than proposed in the end
            if (person.id, by_code["CSTDCS"].id) not in seen:
                items.append(registrations.RegistrationInput(year=year, target=Target.CA_NHAN,
                                                             award=by_code["CSTDCS"].name, unit=unit.name,
                                                             person_id=person.id))
        if (None, by_code["TTLDXS"].id) not in seen and rng.random() < 0.5:
            items.append(registrations.RegistrationInput(year=year, target=Target.TAP_THE, award=by_code["TTLDXS"].name,
                                                         unit=unit.name))
        if not items:
            continue
        actor = Actor(id=None, username="minh_hoa", role=Role.DON_VI, unit_id=unit.id)
        day = date.fromordinal(due.toordinal() - rng.randint(3, 45))
        count += len(registrations.add_many(session, actor, items, today=day, source=f"dang_ky_{year}.xlsx"))
    return count


def _council(session: Session, actor: Actor, *, year: int) -> list[CouncilMember]:
    """The year's council: the Giám đốc chairs, his deputies, the Chánh Văn phòng as secretary, the heads of the
    departments, the union's chair and the Phó Chánh Văn phòng (eleven: one absent still lets 90% titles pass)."""
    given = [members.MemberInput(name, role, "Ban Giám đốc", position) for name, role, position in LEADERS]
    for unit in _units(session):
        people = session.exec(select(Person).where(Person.unit_id == unit.id).order_by(Person.id)).all()
        head = people[0]  # the demo's first person of a unit is its head
        office = unit.name == "Văn phòng Sở"
        position = ("Chánh Văn phòng" if office else "Chánh Thanh tra Sở" if unit.name == "Thanh tra Sở"
                    else f"Giám đốc {unit.name}" if unit.kind == UnitKind.TRUC_THUOC else head.position)
        given.append(members.MemberInput(head.full_name, CouncilRole.UY_VIEN_THU_KY if office else CouncilRole.UY_VIEN,
                                         unit.name, position))
        if office:
            deputy = next((p for p in people[1:] if p.position == "Phó Trưởng phòng"), people[1])
            given.append(members.MemberInput(deputy.full_name, CouncilRole.UY_VIEN, unit.name, "Phó Chánh Văn phòng"))
    given.append(members.MemberInput(UNION[0], CouncilRole.UY_VIEN, "Công đoàn cơ sở Sở Công Thương", UNION[1]))
    return members.replace_members(session, actor, year=year, given=given, source="dữ liệu minh họa")


def _votes(rng: random.Random, frame: pd.DataFrame, *, size: int, cast: int) -> dict[int, int]:
    """Each nominee's votes in favour: of each title's nominees (in the ballot's order) the second, fifth… fall short
    of its threshold of all members, the others reach it."""
    votes = {}
    for _award, group in frame.groupby("award", sort=False):
        for index, row in enumerate(group.itertuples()):
            needed = -(-row.threshold * size // 100)  # the fewest votes reaching the threshold
            votes[int(row.nomination_id)] = (rng.randint(needed - 3, needed - 1) if index % 3 == 1
                                             else rng.randint(needed, cast))
    return votes


def _ids(session: Session, *, year: int, status: S, codes: tuple[str, ...] | None = None,
         levels: tuple[str, ...] | None = None, free: bool | None = None) -> list[int]:
    stmt = (select(Nomination.id).join(Award, Nomination.award_id == Award.id)
            .where(Nomination.year == year, Nomination.status == status).order_by(Nomination.id))
    if codes is not None:
        stmt = stmt.where(col(Award.code).in_(codes))
    if levels is not None:
        stmt = stmt.where(col(Award.level).in_(levels))
    if free is not None:
        voting = col(Award.code).in_(sorted(tallies.VOTE_CODES))
        stmt = stmt.where(~voting if free else voting)
    return list(session.exec(stmt).all())


def fill(session: Session, actor: Actor, rng: random.Random, *, years: list[int], today: date,
         settings: Settings) -> YearEnd:
    """Seed the last two years' registrations, and the last year's council and the steps after it, as of `today`."""
    year = years[-1]
    registered = sum(_registrations(session, rng, year=y) for y in years[-2:])
    store = FileStore(settings.file_store)
    made = 0

    def draft(kind: str, day: date, **options) -> None:
        nonlocal made
        drafts.make(session, actor, drafts.request_for(kind, year, day, **options), settings=settings, store=store)
        made += 1

    received = session.exec(select(func.max(Nomination.received_on)).where(Nomination.year == year)).one()
    draft("cong_khai", date.fromordinal(received.toordinal() + 1), stage="truoc",
          start=date.fromordinal(received.toordinal() + 1), end=date(year, 12, 22))
    council = _council(session, actor, year=year)
    day = date(year, *MEETING)
    union = next(m for m in council if m.full_name == UNION[0])
    away = rng.choice([m for m in council if m.role == CouncilRole.UY_VIEN and m.id != union.id])
    meetings.save_meeting(session, actor, year=year, round_no=1, meeting_date=day, place=PLACE,
                          marks={union.id: Attendance.VANG_BO_PHIEU.value, away.id: Attendance.VANG.value})
    frame = tallies.nominees(session, year=year, round_no=1)
    votes = _votes(rng, frame, size=len(council), cast=meetings.voters(session, year=year, round_no=1))
    tallies.record(session, actor, year=year, round_no=1, votes=votes, source="dữ liệu minh họa")
    # The Giám đốc's own titles without a vote (LĐTT, TTLĐTT, Giấy khen) are decided before the year is out; the
    # CSTĐ cơ sở passed wait for his second decision, the province's and the Ministry's titles for their tờ trình.
    decision, signed, sent = f"{rng.randint(150, 190)}/QĐ-SCT", date(year, 12, 29), date(year, 12, 26)
    plain = _ids(session, year=year, status=S.DE_NGHI, codes=DIRECTOR_GRANTS, free=True)
    dossier_moves.move(session, actor, nomination_ids=plain, to=S.HOI_DONG, today=today)
    draft("quyet_dinh", signed, decision=decision)
    dossier_moves.move(session, actor, nomination_ids=plain, to=S.DA_TRINH, submitted_on=sent, today=today)
    dossier_moves.move(session, actor, nomination_ids=plain, to=S.CO_QUYET_DINH, decision_number=decision,
                       decision_date=signed, decision_authority=DIRECTOR, today=today)
    outcomes.advance_passed(session, actor, year=year, round_no=1, today=today)
    draft("to_trinh", sent, to="tinh")
    provincial = _ids(session, year=year, status=S.HOI_DONG, levels=LEVELS_TO["tinh"])
    dossier_moves.move(session, actor, nomination_ids=provincial, to=S.DA_TRINH, submitted_on=sent, today=today)
    return YearEnd(registered, len(council), len(votes), made)
