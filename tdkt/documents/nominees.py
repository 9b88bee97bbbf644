"""Who a draft lists: the year's nominations each document covers, grouped tập thể / cá nhân / hộ gia đình and by
award, in Vietnamese name order, with the award money of the Director's decision.

Which document a nomination belongs to is read from the catalogue: the titles and Giấy khen the Giám đốc Sở grants
(Law Điều 80 k1: LĐTT, CSTĐCS, TTLĐTT, Giấy khen of the Giám đốc Sở) go in his decision; the awards decided by the
province's chairman (level "tinh") and the state's (level "nha_nuoc", proposed through the province) in the tờ
trình to the provincial council; the Ministry's (level "bo") in the tờ trình to the Ministry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlmodel import Session, col, select

from tdkt.awards.catalog import award_amount, by_code
from tdkt.core import options
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Target, Unit
from tdkt.core.text import name_sort_key, sort_key

DIRECTOR_GRANTS = ("LDTT", "CSTDCS", "TTLDTT", "GK_GD_SO")  # what the Giám đốc Sở decides himself (Điều 80 k1)
LEVELS_TO = {"tinh": ("tinh", "nha_nuoc"), "bo": ("bo",)}
GROUPS = ((Target.TAP_THE, "Tập thể"), (Target.CA_NHAN, "Cá nhân"), (Target.HO_GIA_DINH, "Hộ gia đình"))
UNDER_REVIEW = (NominationStatus.DE_NGHI, NominationStatus.HOI_DONG, NominationStatus.DA_TRINH)
PASSED = (NominationStatus.HOI_DONG, NominationStatus.DA_TRINH)
Stage = Literal["truoc", "sau"]
ROMAN = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True, slots=True)
class Nominee:
    """One nomination as a list prints it."""

    nomination_id: int
    target: str
    name: str
    position: str
    unit: str
    award_code: str
    award: str
    amount: int | None = None  # đồng, in the Director's decision only


@dataclass(slots=True)
class AwardGroup:
    """The nominees of one award inside a group."""

    award: str
    nominees: list[Nominee] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    """One of tập thể / cá nhân / hộ gia đình, by award."""

    target: str
    label: str
    awards: list[AwardGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(a.nominees) for a in self.awards)


@dataclass(frozen=True, slots=True)
class Selection:
    """What a document lists, grouped, with its counts and money."""

    groups: list[Group]
    salary: int | None = None  # the base salary the money was computed with

    @property
    def nominees(self) -> list[Nominee]:
        return [n for g in self.groups for a in g.awards for n in a.nominees]

    def count(self, target: str) -> int:
        return sum(g.count for g in self.groups if g.target == target)

    @property
    def total_money(self) -> int:
        return sum(n.amount or 0 for n in self.nominees)

    @property
    def award_names(self) -> list[str]:
        seen: list[str] = []
        for group in self.groups:
            seen += [a.award for a in group.awards if a.award not in seen]
        return seen


def _rows(session: Session, *, year: int, statuses: tuple[str, ...], codes: tuple[str, ...] | None = None,
          levels: tuple[str, ...] | None = None, decision: str | None = None) -> list[tuple]:
    stmt = (select(Nomination, Person, Unit.name, Award.code, Award.name)
            .join(Award, Nomination.award_id == Award.id)
            .join(Person, Nomination.person_id == Person.id, isouter=True)
            .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
            .where(Nomination.year == year))
    if codes is not None:
        stmt = stmt.where(col(Award.code).in_(codes))
    if levels is not None:
        stmt = stmt.where(col(Award.level).in_(levels), col(Award.code).not_in(DIRECTOR_GRANTS))
    chosen = col(Nomination.status).in_(statuses)
    if decision:
        chosen = chosen | ((Nomination.status == NominationStatus.CO_QUYET_DINH)
                           & (Nomination.decision_number == decision))
    return list(session.exec(stmt.where(chosen)).all())


def _nominee(row: tuple, amount: int | None) -> Nominee:
    nomination, person, unit_name, code, award = row
    if person is not None:
        name = " ".join(p for p in (person.title, person.full_name) if p)
    else:
        name = nomination.collective_name or ""
    position = nomination.position or (person.position if person is not None else None) or ""
    return Nominee(nomination_id=nomination.id, target=nomination.target, name=name, position=position,
                   unit=unit_name or nomination.unit_text or "", award_code=code, award=award, amount=amount)


def _order_key(row: tuple) -> tuple:
    nomination, person = row[0], row[1]
    if person is not None:
        return name_sort_key(person.full_name), nomination.id
    return sort_key(nomination.collective_name), nomination.id


def _group(rows: list[tuple], amounts: dict[int, int | None], award_order: dict[str, int]) -> list[Group]:
    groups = []
    for target, label in GROUPS:
        group = Group(target=str(target), label=label)
        mine = [r for r in rows if r[0].target == target]
        for code in sorted({r[3] for r in mine}, key=lambda c: award_order.get(c, 10_000)):
            of_award = sorted((r for r in mine if r[3] == code), key=_order_key)
            group.awards.append(AwardGroup(of_award[0][4], [_nominee(r, amounts.get(r[0].id)) for r in of_award]))
        if group.awards:
            groups.append(group)
    return groups


def _award_order(session: Session) -> dict[str, int]:
    return {code: i for i, code in enumerate(session.exec(select(Award.code).order_by(Award.position, Award.id)))}


def for_proposal(session: Session, *, year: int, to: Literal["tinh", "bo"]) -> Selection:
    """The nominations a tờ trình to the province or the Ministry proposes: those the council passed (or already
    sent up) whose award that level decides."""
    rows = _rows(session, year=year, statuses=PASSED, levels=LEVELS_TO[to])
    return Selection(_group(rows, {}, _award_order(session)))


def for_decision(session: Session, *, year: int, day: date, decision: str | None = None) -> Selection:
    """The nominations the Giám đốc Sở's decision grants: the council passed them (and, with `decision`, those
    already decided by that number), with each one's award money at the base salary in force on `day`."""
    rows = _rows(session, year=year, statuses=(NominationStatus.HOI_DONG,), codes=DIRECTOR_GRANTS,
                 decision=decision)
    salary = options.base_salary_on(session, day)
    amounts = {}
    for row in rows:
        try:
            amounts[row[0].id] = award_amount(by_code(row[3]), row[0].target, salary) if salary else None
        except KeyError:
            amounts[row[0].id] = None
    return Selection(_group(rows, amounts, _award_order(session)), salary=salary)


def decision_date(session: Session, *, year: int, decision: str) -> date | None:
    """The date recorded for a decision number on the year's nominations (None when none carries it): a decision
    drafted again is dated as it was signed, not on the day it is drafted."""
    return session.exec(select(Nomination.decision_date).where(
        Nomination.year == year, Nomination.decision_number == decision.strip(),
        col(Nomination.decision_date).is_not(None)).limit(1)).first()


def for_notice(session: Session, *, year: int, stage: Stage | None = None) -> tuple[Selection, Stage]:
    """The nominations a public notice lists: before the council those proposed (Đề nghị), after it those it passed;
    with no stage given, after once the council has passed any nomination of the year."""
    if stage is None:
        passed = session.exec(select(Nomination.id).where(Nomination.year == year,
                                                          col(Nomination.status).in_(PASSED)).limit(1)).first()
        stage = "sau" if passed is not None else "truoc"
    statuses = PASSED if stage == "sau" else (NominationStatus.DE_NGHI,)
    return Selection(_group(_rows(session, year=year, statuses=statuses), {}, _award_order(session))), stage
