"""Hồ sơ đề nghị: each nomination's way from Đề nghị through the council and submission to a decision."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    Award,
    Nomination,
    NominationStatus,
    NominationTally,
    Person,
    Unit,
    UnitTally,
)
from tdkt.core.permissions import Actor, require, require_scope
from tdkt.core.text import fold, format_date, format_number, nominee_order

S = NominationStatus
# Where a nomination may go from each step (the step back to Đề nghị is for corrections of the council's result).
NEXT: dict[NominationStatus, tuple[NominationStatus, ...]] = {
    S.DE_NGHI: (S.HOI_DONG, S.KHONG_DUYET),
    S.HOI_DONG: (S.DA_TRINH, S.KHONG_DUYET, S.DE_NGHI),
    S.DA_TRINH: (S.CO_QUYET_DINH, S.KHONG_DUYET),
    S.CO_QUYET_DINH: (),
    S.KHONG_DUYET: (),
}
COLUMNS = ["id", "target", "name", "award", "unit", "unit_id", "status", "status_label", "votes", "submitted_on",
           "decision"]


class DossierError(Refused):
    """A move along the path was refused; the message is Vietnamese and names the nominations concerned."""


def _label(status: NominationStatus | str) -> str:
    return NOMINATION_STATUS_LABELS[NominationStatus(status)]


def votes_text(votes_for: int | None, council_members: int | None) -> str:
    """Return "12/15 (80%)", or an empty string before the council has voted."""
    if not votes_for or not council_members:
        return ""
    return f"{votes_for}/{council_members} ({format_number(100 * votes_for / council_members)}%)"


def decision_text(number: str | None, on: date | None, authority: str | None) -> str:
    """Return "số 123/QĐ-UBND ngày 15/12/2024, UBND tỉnh", or an empty string without a decision."""
    if not number:
        return ""
    text = f"số {number}"
    if on:
        text += f" ngày {format_date(on)}"
    return f"{text}, {authority}" if authority else text


def _rows(session: Session, stmt) -> list[dict]:
    rows = []
    for n, person, award, unit in session.exec(stmt).all():
        rows.append({
            "id": n.id, "target": n.target, "name": person.full_name if person else n.collective_name,
            "award": award, "unit": unit or n.unit_text, "unit_id": n.unit_id, "status": n.status,
            "status_label": _label(n.status), "votes": votes_text(n.votes_for, n.council_members),
            "submitted_on": n.submitted_on,
            "decision": decision_text(n.decision_number, n.decision_date, n.decision_authority),
        })
    return rows


def _select():
    return (
        select(Nomination, Person, Award.name, Unit.name)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
    )


def _scoped(stmt, *, year: int, actor: Actor):
    stmt = stmt.where(Nomination.year == year)
    return stmt.where(Nomination.unit_id == actor.unit_id) if actor.role.value == "don_vi" else stmt


_DETAILS = (Nomination.id, Nomination.target, Person.full_name, Nomination.collective_name, Award.name, Unit.name,
            Nomination.unit_text, Nomination.unit_id, Nomination.status, Nomination.votes_for,
            Nomination.council_members, Nomination.submitted_on, Nomination.decision_number, Nomination.decision_date,
            Nomination.decision_authority)


def _detail_rows(session: Session, stmt) -> list[tuple]:
    labels = {s.value: _label(s) for s in NominationStatus}
    return [(i, target, person or collective, award, unit or unit_text, unit_id, step, labels[step],
             votes_text(votes_for, members), submitted, decision_text(number, on, authority))
            for (i, target, person, collective, award, unit, unit_text, unit_id, step, votes_for, members, submitted,
                 number, on, authority) in session.exec(stmt).all()]


def _joined(*columns):
    return (select(*columns).select_from(Nomination).join(Award, Nomination.award_id == Award.id)
            .outerjoin(Person, Nomination.person_id == Person.id).outerjoin(Unit, Nomination.unit_id == Unit.id))


def _in_order(rows: list, *, target: int, name: int) -> list:
    """The rows in `ordered`'s order (collectives first, then by the stored key, `text.nominee_order`; the rows come
    in id order)."""
    return sorted(rows, key=lambda r: (r[target] != "tap_the",
                                       nominee_order(r[name], individual=r[target] == "ca_nhan")))


def _holding(rows: list[tuple], text: str) -> list[tuple]:
    """The detail rows (`_detail_rows`) whose name, award, unit or decision holds the text, accents and case ignored
    (all of them for no text)."""
    needle = fold(text)
    if not needle:
        return rows
    return [r for r in rows if needle in fold(" ".join(filter(None, (r[2], r[3], r[4], r[10]))))]


def table(session: Session, *, year: int, actor: Actor | None, status: NominationStatus | str | None = None,
          text: str = "") -> pd.DataFrame:
    """Return the year's nominations with their step (a unit user: its own unit's), collectives first, then by name."""
    require(actor, "xem")
    # Plain columns, not ORM objects (bench/pages.py at 1M: the objects of a year's 100k rows took 4.9 s CPU).
    stmt = _scoped(_joined(*_DETAILS), year=year, actor=actor).order_by(col(Nomination.id))
    if status:
        stmt = stmt.where(Nomination.status == NominationStatus(status).value)
    return pd.DataFrame(_in_order(_holding(_detail_rows(session, stmt), text), target=1, name=2), columns=COLUMNS)


INDEX_COLUMNS = ["id", "target", "name", "award", "unit", "unit_id", "status"]


def index(session: Session, *, year: int, actor: Actor | None) -> pd.DataFrame:
    """Return `table`'s order and filter columns alone (id, target, name, award, unit, unit_id, status), for a page
    that shows a part of them with `details`: a year of 100k nominations is read without its votes and decisions."""
    require(actor, "xem")
    awards = dict(session.exec(select(Award.id, Award.name)).all())
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    stmt = _scoped(select(Nomination.id, Nomination.target, Person.full_name, Nomination.collective_name,
                          Nomination.award_id, Nomination.unit_id, Nomination.unit_text, Nomination.status)
                   .select_from(Nomination).outerjoin(Person, Nomination.person_id == Person.id),
                   year=year, actor=actor)
    rows = [(i, target, person or collective, awards.get(award_id), units.get(unit_id) or unit_text, unit_id, step)
            for i, target, person, collective, award_id, unit_id, unit_text, step in session.exec(stmt).all()]
    return pd.DataFrame(_in_order(rows, target=1, name=2), columns=INDEX_COLUMNS)


def details(session: Session, *, nomination_ids: tuple[int, ...]) -> pd.DataFrame:
    """Return `table`'s rows of these nominations, in the order given (ids not found are left out)."""
    found = {r[0]: r for r in _detail_rows(session, _joined(*_DETAILS).where(col(Nomination.id).in_(nomination_ids)))}
    return pd.DataFrame([found[i] for i in nomination_ids if i in found], columns=COLUMNS)


def ordered(session: Session, *, year: int, actor: Actor | None, status: NominationStatus | str | None = None,
            award: str | None = None, unit: str | None = None) -> tuple[int, ...]:
    """Return the ids of the year's nominations (a unit user: its own) in `table`'s order, of one step, award and
    unit (names as `table` shows them) when given: what a page of Hồ sơ đề nghị shows and "select all" takes.

    The database orders them by the names' stored `text.name_order` (bench/pages.py at 1M nominations: reading the
    year's 100k names and ordering them in Python took 2.1 s CPU of the page's 3.1 s)."""
    require(actor, "xem")
    where = [Nomination.year == year]
    if actor.role.value == "don_vi":
        where.append(Nomination.unit_id == actor.unit_id)
    if status:
        where.append(Nomination.status == NominationStatus(status).value)
    if award:
        where.append(col(Nomination.award_id).in_(select(Award.id).where(Award.name == award)))
    if unit:
        where.append(col(Nomination.unit_id).in_(select(Unit.id).where(Unit.name == unit))
                     | (col(Nomination.unit_id).is_(None) & (Nomination.unit_text == unit)))
    if session.get_bind().dialect.name == "sqlite":
        # The ids the year's index gives are looked up in id order, not in the index's (bench/pages.py at 1M:
        # 0.58 → 0.50 s CPU); PostgreSQL's bitmap scan reads the table in its order already.
        where = [col(Nomination.id).in_(select(Nomination.id).where(*where))]
    stmt = select(Nomination.id).select_from(Nomination).outerjoin(Person, Nomination.person_id == Person.id).where(
        *where)
    stmt = stmt.order_by(Nomination.target != "tap_the",
                         func.coalesce(Person.name_order, Nomination.name_order, ""), col(Nomination.id))
    # Through Core, not the ORM: the ORM's result took 0.15–0.2 s CPU more for the year's 100k ids (bench/pages.py).
    return tuple(session.connection().execute(stmt).scalars())


def choices(session: Session, *, year: int, actor: Actor | None) -> tuple[list[str], list[str]]:
    """Return the awards and the units (names, as `table` shows them, in folded order) of the year's nominations (a
    unit user: its own), for the page's filters; the year's from the tallies, not from its 100k rows."""
    require(actor, "xem")
    if actor.role.value == "don_vi":
        own = select(Nomination.award_id).where(Nomination.year == year, Nomination.unit_id == actor.unit_id)
        award_ids = set(session.exec(own.distinct()).all())
        unit_ids = {actor.unit_id} if award_ids else set()
        texts: set[str] = set()
    else:
        # The names straight from the tallies, in one statement each: bench/pages.py at 1M read the year's 5,000 unit
        # ids and sent them back as 5,000 parameters (0.17 s on PostgreSQL).
        awards = session.exec(select(Award.name).where(col(Award.id).in_(
            select(NominationTally.award_id).where(NominationTally.year == year)
            .group_by(NominationTally.award_id).having(func.sum(NominationTally.n) > 0)))).all()
        units = set(session.exec(select(Unit.name).where(col(Unit.id).in_(
            select(UnitTally.unit_id).where(UnitTally.year == year, UnitTally.unit_id != 0)
            .group_by(UnitTally.unit_id).having(func.sum(UnitTally.n) > 0)))).all())
        # The names of units not on the list are read only when the tally holds some (unit 0: no unit).
        unlisted = session.exec(select(func.sum(UnitTally.n)).where(UnitTally.year == year,
                                                                    UnitTally.unit_id == 0)).one()
        texts = set(session.exec(select(Nomination.unit_text).distinct().where(
            Nomination.year == year, col(Nomination.unit_id).is_(None), col(Nomination.unit_text).is_not(None)))
        ) if unlisted else set()
        return sorted(set(awards), key=fold), sorted(units | texts, key=fold)
    awards = session.exec(select(Award.name).where(col(Award.id).in_(award_ids))).all() if award_ids else []
    units = set(session.exec(select(Unit.name).where(col(Unit.id).in_(unit_ids))).all()) if unit_ids else set()
    return sorted(set(awards), key=fold), sorted(units | texts, key=fold)


def matching(session: Session, *, year: int, actor: Actor | None, text: str) -> tuple[int, ...]:
    """Return the ids of the year's nominations (a unit user: its own) whose name, award, unit or decision holds the
    text, accents and case ignored."""
    require(actor, "xem")
    rows = _detail_rows(session, _scoped(_joined(*_DETAILS), year=year, actor=actor))
    return tuple(r[0] for r in _holding(rows, text))


def counts(session: Session, *, year: int, actor: Actor | None) -> dict[NominationStatus, int]:
    """Return how many of the year's nominations (a unit user: its own) stand at each step."""
    require(actor, "xem")
    # From the tallies (tdkt.core.tally), not the year's rows: 100k of them at bench/pages.py's 1M.
    if actor.role.value == "don_vi":
        stmt = (select(UnitTally.status, func.sum(UnitTally.n))
                .where(UnitTally.year == year, UnitTally.unit_id == (actor.unit_id or -1)).group_by(UnitTally.status))
    else:
        stmt = (select(NominationTally.status, func.sum(NominationTally.n)).where(NominationTally.year == year)
                .group_by(NominationTally.status))
    found = {status: int(n or 0) for status, n in session.exec(stmt).all()}
    return {s: found.get(s.value, 0) for s in NominationStatus}


def _refuse(problems: list[tuple[str, str]]) -> None:
    lines = [f"{who}: {why}" for who, why in problems]
    raise DossierError(f"Không chuyển được {len(lines)} đề nghị, chưa lưu thay đổi nào. " + " ".join(
        f"• {line}." for line in lines))


def _check_fields(to: NominationStatus, *, votes_for, council_members, submitted_on, decision_number, decision_date,
                  decision_authority, today: date) -> list[str]:
    problems = []
    if to == S.HOI_DONG:
        if not council_members or council_members <= 0:
            problems.append("Cần nhập số thành viên Hội đồng (lớn hơn 0).")
        if not votes_for or votes_for <= 0:
            problems.append("Cần nhập số phiếu đồng ý (lớn hơn 0).")
        elif council_members and votes_for > council_members:
            problems.append(f"Số phiếu đồng ý ({votes_for}) không được lớn hơn số thành viên Hội đồng "
                            f"({council_members}).")
    return problems + step_form_problems(to, submitted_on=submitted_on, decision_number=decision_number,
                                         decision_date=decision_date, decision_authority=decision_authority,
                                         today=today)


def step_form_problems(to: NominationStatus, *, submitted_on, decision_number, decision_date, decision_authority,
                       today: date) -> list[str]:
    """What a move to "Đã trình" or "Có quyết định" misses in its form (the submission's and decision's fields)."""
    problems = []
    if to == S.DA_TRINH and submitted_on and submitted_on > today:
        problems.append(f"Ngày trình {format_date(submitted_on)} chưa đến.")
    if to == S.CO_QUYET_DINH:
        if not (decision_number or "").strip():
            problems.append("Cần nhập số quyết định.")
        if decision_date is None:
            problems.append("Cần nhập ngày quyết định.")
        elif decision_date > today:
            problems.append(f"Ngày quyết định {format_date(decision_date)} chưa đến.")
        if not (decision_authority or "").strip():
            problems.append("Cần nhập cơ quan ban hành quyết định.")
    return problems


def advance(
    session: Session,
    actor: Actor | None,
    *,
    nomination_ids: list[int],
    to: NominationStatus,
    votes_for: int | None = None,
    council_members: int | None = None,
    submitted_on: date | None = None,
    decision_number: str | None = None,
    decision_date: date | None = None,
    decision_authority: str | None = None,
    today: date | None = None,
) -> int:
    """Move the nominations to the step `to`, all or none, recording what that step needs; return how many moved."""
    require(actor, "xu_ly_ho_so")
    to = NominationStatus(to)
    today = today or date.today()
    ids = sorted(set(nomination_ids))
    if not ids:
        raise DossierError("Chưa chọn đề nghị nào.")
    problems = _check_fields(to, votes_for=votes_for, council_members=council_members, submitted_on=submitted_on,
                             decision_number=decision_number, decision_date=decision_date,
                             decision_authority=decision_authority, today=today)
    if problems:
        raise DossierError(f"Chưa chuyển được sang “{_label(to)}”: " + " ".join(problems))
    found = {r["id"]: r for r in _rows(session, _select().where(col(Nomination.id).in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DossierError("Không tìm thấy đề nghị số " + ", ".join(map(str, missing)) + ".")
    # The Office alone moves today; should a unit role ever move, the units are the nominations' own, read here.
    require_scope(actor, "xu_ly_ho_so", unit_ids=[r["unit_id"] for r in found.values()])
    refused = []
    for i in ids:
        row = found[i]
        here = NominationStatus(row["status"])
        if to not in NEXT[here]:
            why = (f"đang ở bước “{_label(here)}”, đã kết thúc" if not NEXT[here] else
                   f"đang ở bước “{_label(here)}”, chỉ chuyển được sang "
                   + " hoặc ".join(f"“{_label(s)}”" for s in NEXT[here]))
            refused.append((f"{row['name']} — {row['award']}", why))
    if refused:
        _refuse(refused)
    for i in ids:
        nomination = session.get(Nomination, i)
        before = audit.snapshot(nomination)
        if to == S.HOI_DONG:
            nomination.votes_for, nomination.council_members = votes_for, council_members
        elif to == S.DE_NGHI:  # a correction: the council's result is taken back
            nomination.votes_for = nomination.council_members = None
        elif to == S.DA_TRINH:
            nomination.submitted_on = submitted_on or today
        elif to == S.CO_QUYET_DINH:
            nomination.decision_number = decision_number.strip()
            nomination.decision_date = decision_date
            nomination.decision_authority = decision_authority.strip()
        nomination.status = to.value
        session.add(nomination)
        session.flush()
        row = found[i]
        audit.record(session, actor, "xu_ly_ho_so", "de_nghi", i,
                     f"Chuyển đề nghị “{row['award']}” của {row['name']} từ “{_label(row['status'])}” "
                     f"sang “{_label(to)}”.", before=before, after=audit.snapshot(nomination))
    return len(ids)
