"""Đăng ký thi đua: the titles each unit registers for at the start of a year (add, import, delete, list), its deadline
and the choices its form offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards import catalog
from tdkt.awards.catalog_lookup import Catalogue
from tdkt.awards.rules.table import award_problem
from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import TARGET_LABELS, Award, Person, Plan, PlanTask, Role, Target, Unit
from tdkt.core.permissions import Actor, require_role, require_scope
from tdkt.core.registration_tables import Registration
from tdkt.core.text import (
    VIETNAM,
    clean,
    contains,
    fold,
    format_date,
    limit_of,
    name_sort_key,
    nominee_order,
    text_problem,
)

# A unit registers its people and collectives; households are not registered by a unit.
TARGETS = {Target.CA_NHAN.value: "Cá nhân", Target.TAP_THE.value: "Tập thể"}
_SCOPE = "Tài khoản đơn vị chỉ xem, đăng ký và xóa đăng ký thi đua của chính đơn vị mình."
COLUMNS = ["id", "year", "unit_id", "unit", "target", "target_label", "person_id", "name", "position", "award_id",
           "award", "note", "registered_on"]


class RegistrationError(Refused):
    """A registration was refused; `problems` lists the Vietnamese messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class RegistrationInput:
    """What the form (or a row of a registration sheet) gives: who, which title, which unit, a note."""

    year: int
    target: str
    award: str
    name: str | None = None  # an individual's full name or a collective's name (the unit's own when empty)
    unit: str | None = None  # the unit's name; a unit account's own unit when empty
    person_id: int | None = None  # a person on record of the unit, chosen in the form
    position: str | None = None
    note: str | None = None


def vietnam_today() -> date:
    """Return today's date in Vietnam: the registration date and what the deadline is judged on."""
    return datetime.now(VIETNAM).date()


def deadline_of(session: Session, *, year: int) -> date | None:
    """Return the year's registration deadline: the due date of the plan's task Q1.2 (registering and signing the
    covenants), None when the year has no plan or the plan no such task."""
    stmt = (select(PlanTask.due_on).join(Plan, PlanTask.plan_id == Plan.id)
            .where(Plan.year == year, PlanTask.quarter == 1, PlanTask.number == 2))
    return session.exec(stmt).first()


def _require_open(session: Session, actor: Actor, *, year: int, today: date) -> None:
    """Refuse a unit account once the year's deadline has passed; the Office still adds a late registration."""
    due = deadline_of(session, year=year)
    if actor.role == Role.DON_VI and due is not None and today > due:
        raise RegistrationError([f"Đã quá hạn đăng ký thi đua năm {year} (hạn {format_date(due)}): đơn vị liên hệ "
                                 "Văn phòng Sở để đăng ký bổ sung hoặc xóa đăng ký."])


def allowed_awards(session: Session, *, target: str) -> dict[str, int]:
    """Return the awards a target may be registered for, name -> id (common first): those the catalogue gives that
    target and the rules do not refuse (a repealed form)."""
    stmt = select(Award).order_by(col(Award.is_common).desc(), Award.position)
    return {a.name: a.id for a in session.exec(stmt).all() if _award_refusal(a, target) is None}


def _award_refusal(award: Award, target: str) -> str | None:
    """Return why `award` cannot be registered for `target`, or None."""
    targets = award.targets.split(",")
    if target not in targets:
        allowed = ", ".join(TARGET_LABELS[Target(t)].lower() for t in targets if t in TARGET_LABELS)
        return f"“{award.name}” chỉ xét tặng cho {allowed}, không cho {TARGET_LABELS[Target(target)].lower()}."
    try:
        spec = catalog.by_code(award.code)
    except KeyError:  # an award the Office added: the catalogue's targets are all there is
        return None
    return award_problem(spec, target)


Problem = tuple[str, str]  # (field, Vietnamese message)


def _text(value: str | None, field: str, label: str, problems: list[Problem], *, limit: int = 255) -> str | None:
    """Return a field's text cleaned (None when empty), its problem added when it cannot be stored."""
    text = clean(str(value), multiline=field == "note") if value is not None else ""
    problem = text_problem(text, label=label, limit=limit)
    if problem is not None:
        problems.append((field, problem[1]))
    return text or None


class _Resolver:
    """Turns inputs into registrations, reading units, people and awards once per call (a sheet has many rows)."""

    def __init__(self, session: Session, actor: Actor, *, today: date) -> None:
        self.session, self.actor, self.today = session, actor, today
        self.catalogue = Catalogue(session)

    def unit(self, text: str | None) -> Unit | None:
        if not text and self.actor.role == Role.DON_VI and self.actor.unit_id is not None:
            return self.session.get(Unit, self.actor.unit_id)
        return self.catalogue.unit(text) if text else None

    def resolve(self, data: RegistrationInput) -> tuple[Registration | None, list[Problem]]:
        """Return the registration an input names (not added) and the problems that refuse it, each with its field
        ("target", "unit", "award", "name", "position", "note")."""
        problems: list[Problem] = []
        if data.target not in TARGETS:
            return None, [("target", "Chọn đối tượng đăng ký: cá nhân hoặc tập thể.")]
        unit = self.unit(data.unit)
        if unit is None:
            problems.append(("unit", f"Không tìm thấy đơn vị “{data.unit}”: chọn một đơn vị trong danh sách."
                             if data.unit else "Chọn đơn vị đăng ký."))
        award = self._award(data, problems)
        person = self.session.get(Person, data.person_id) if data.person_id is not None else None
        if data.person_id is not None and (person is None or unit is None or person.unit_id != unit.id):
            problems.append(("name", "Người được chọn không thuộc đơn vị đăng ký: chọn lại trong danh sách của đơn "
                                     "vị."))
        name = person.full_name if person else _text(data.name, "name", "Họ và tên / tên tập thể", problems)
        if not name and data.target == Target.TAP_THE and unit is not None:
            name = unit.name  # the unit itself registers as a collective
        if not name:
            problems.append(("name", "Ghi họ và tên cá nhân đăng ký."))
        position = _text(data.position, "position", "Chức vụ", problems)
        note = _text(data.note, "note", "Ghi chú", problems, limit=2000)
        if problems:
            return None, problems
        if person is None and data.target == Target.CA_NHAN:
            person = self._same_person(fold(name), unit.id)
        return Registration(year=data.year, unit_id=unit.id, target=data.target,
                            person_id=person.id if person else None, name=name,
                            name_key=fold(name)[:limit_of(Registration.name_key)],
                            position=position or (person.position if person else None), award_id=award.id, note=note,
                            registered_on=self.today, created_by=self.actor.id), []

    def _award(self, data: RegistrationInput, problems: list[Problem]) -> Award | None:
        """The award the input names, allowed for its target; its problem added otherwise."""
        if not data.award:
            problems.append(("award", "Chọn danh hiệu, hình thức khen thưởng đăng ký."))
            return None
        award = self.catalogue.award(data.award)
        if award is None:
            hint = self.catalogue.award_suggestions(data.award)
            guess = f"Có phải: {'; '.join(hint)}? " if hint else ""
            problems.append(("award", f"Không nhận ra danh hiệu “{data.award}”. {guess}Chọn một danh hiệu trong danh "
                                      "mục."))
        elif (refusal := _award_refusal(award, data.target)) is not None:
            problems.append(("award", refusal))
        return award

    def _same_person(self, key: str, unit_id: int) -> Person | None:
        """The unit's one person on record with this name (none when several share it: the form picks one)."""
        found = self.session.exec(select(Person).where(Person.name_key == key, Person.unit_id == unit_id)).all()
        return found[0] if len(found) == 1 else None

    def duplicate(self, row: Registration) -> str | None:
        """Say so when the same person or collective already registered this award in the year."""
        same = self.session.exec(select(Registration).where(
            Registration.year == row.year, Registration.unit_id == row.unit_id, Registration.target == row.target,
            Registration.name_key == row.name_key, Registration.award_id == row.award_id)).first()
        if same is None:
            return None
        award = self.catalogue.award_by_id[row.award_id].name
        return (f"{row.name} đã đăng ký “{award}” năm {row.year} (ngày {format_date(same.registered_on)}): "
                "không đăng ký trùng.")


def add(session: Session, actor: Actor, data: RegistrationInput, *, today: date) -> Registration:
    """Register one person or collective for one title; a unit account only for its own unit, before the deadline."""
    return add_many(session, actor, [data], today=today, source=None)[0]


def check_inputs(session: Session, actor: Actor, items: list[RegistrationInput], *, today: date
                 ) -> tuple[list[Registration | None], list[list[Problem]]]:
    """Return what each input would register (None when refused) and its problems (field, message), writing nothing:
    unknown unit or title, a title the target may not receive, a duplicate (on record or in the inputs), another
    unit's row for a unit account."""
    resolver = _Resolver(session, actor, today=today)
    rows: list[Registration | None] = []
    problems: list[list[Problem]] = []
    seen: set[tuple] = set()
    for data in items:
        row, found = resolver.resolve(data)
        if row is not None:
            key = (row.year, row.unit_id, row.target, row.name_key, row.award_id)
            if actor.role == Role.DON_VI and row.unit_id != actor.unit_id:
                found.append(("unit", _SCOPE))
            if (same := resolver.duplicate(row)) is not None:
                found.append(("name", same))
            if key in seen:
                found.append(("name", f"{row.name} được đăng ký hai lần cùng danh hiệu trong tệp."))
            seen.add(key)
        rows.append(row)
        problems.append(found)
    return rows, problems


def add_many(session: Session, actor: Actor, items: list[RegistrationInput], *, today: date,
             source: str | None) -> list[Registration]:
    """Register every input or none (an imported sheet: `source` its file name, one audit entry); raise
    RegistrationError naming each refused row's problems."""
    require_role(actor, "dang_ky_thi_dua")
    checked, found = check_inputs(session, actor, items, today=today)
    rows = [row for row in checked if row is not None]
    if rows:  # the units the rows name, read here: a unit account registers for its own only
        require_scope(actor, "dang_ky_thi_dua", unit_ids=[r.unit_id for r in rows], message=_SCOPE)
    problems = [(f"Dòng {index}: " if source is not None else "") + message
                for index, row_problems in enumerate(found, start=1) for _, message in row_problems]
    if problems:
        raise RegistrationError(problems)
    for year in sorted({r.year for r in rows}):
        _require_open(session, actor, year=year, today=today)
    session.add_all(rows)
    session.flush()
    if source is None:
        row = rows[0]
        audit.record(session, actor, "dang_ky_thi_dua", "dang_ky", row.id,
                     f"Đăng ký “{session.get(Award, row.award_id).name}” cho {row.name} năm {row.year}.",
                     after=audit.snapshot(row))
    else:
        audit.record(session, actor, "nhap_dang_ky_thi_dua", "dang_ky", None,
                     f"Nhập {len(rows)} đăng ký thi đua từ tệp “{source}”.", after={"file": source, "rows": len(rows)})
    return rows


def delete(session: Session, actor: Actor, *, registration_id: int, today: date) -> None:
    """Delete one registration; a unit account only its own unit's, before the deadline."""
    require_role(actor, "dang_ky_thi_dua")
    row = session.get(Registration, registration_id)
    if row is None:
        raise RegistrationError(["Không tìm thấy đăng ký này (có thể đã bị xóa). Tải lại trang."])
    require_scope(actor, "dang_ky_thi_dua", unit_ids=[row.unit_id], message=_SCOPE)
    _require_open(session, actor, year=row.year, today=today)
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "xoa_dang_ky_thi_dua", "dang_ky", registration_id,
                 f"Xóa đăng ký thi đua của {row.name} năm {row.year}.", before=before)


def listing(session: Session, *, year: int, actor: Actor | None, unit_id: int | None = None,
            text: str | None = None) -> pd.DataFrame:
    """Return the year's registrations (a unit account: its own unit's; `unit_id` narrows, `text` searches names,
    positions, units and titles accent-insensitively), collectives first, names sorted the Vietnamese way."""
    stmt = (select(Registration, Unit.name, Award.name).join(Unit, Registration.unit_id == Unit.id)
            .join(Award, Registration.award_id == Award.id).where(Registration.year == year))
    if actor is not None and actor.role == Role.DON_VI:
        stmt = stmt.where(Registration.unit_id == actor.unit_id)
    if unit_id is not None:
        stmt = stmt.where(Registration.unit_id == unit_id)
    rows = [{"id": r.id, "year": r.year, "unit_id": r.unit_id, "unit": unit, "target": r.target,
             "target_label": TARGETS.get(r.target, r.target), "person_id": r.person_id, "name": r.name,
             "position": r.position, "award_id": r.award_id, "award": award, "note": r.note,
             "registered_on": r.registered_on} for r, unit, award in session.exec(stmt).all()]
    if text:
        rows = [r for r in rows if any(contains(r[k], text) for k in ("name", "position", "unit", "award", "note"))]
    rows.sort(key=lambda r: (r["unit"], r["target"] != Target.TAP_THE,
                          nominee_order(r["name"], individual=r["target"] == Target.CA_NHAN), r["award"]))
    return pd.DataFrame(rows, columns=COLUMNS)


def unit_choices(session: Session, actor: Actor) -> dict[str, int]:
    """Return the units the actor may register for, name -> id: a unit account its own, the Office every active one
    (named groups of units aside)."""
    stmt = select(Unit.name, Unit.id).where(Unit.active, Unit.kind != "nhom").order_by(Unit.position, Unit.name)
    if actor.role == Role.DON_VI:
        stmt = stmt.where(Unit.id == actor.unit_id)
    return dict(session.exec(stmt).all())


def people_of_unit(session: Session, actor: Actor, *, unit_id: int) -> dict[int, str]:
    """Return the unit's people on record, id -> "name (position, birth year)", sorted by name; a unit account may
    ask for its own unit only."""
    if actor.role == Role.DON_VI and actor.unit_id != unit_id:
        return {}
    people = session.exec(select(Person).where(Person.unit_id == unit_id)).all()
    people = sorted(people, key=lambda p: name_sort_key(p.full_name))
    return {p.id: p.full_name + (f" ({', '.join(str(x) for x in (p.position, p.birth_year) if x)})"
                                 if p.position or p.birth_year else "") for p in people}
