"""The records the eligibility rules need, per person or collective: yearly ratings, discipline, awards received
outside the app's nominations, and recognised initiatives with their authors. Entered by hand here (imported from
Excel by tdkt.importing.records); every write is audited and scoped like the nominations (a unit user: its unit).

A *subject* is who a record is about: a person (`Person.id`) or a collective, identified by its accent-folded name
and its unit (a collective that is a unit of the department has the unit's name and id).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import delete
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.honorifics import without_typed_title
from tdkt.core.models import (
    DISCIPLINE_LABELS,
    MERIT_KIND_LABELS,
    NOMINATION_STATUS_LABELS,
    RATING_LABELS,
    SCOPE_LABELS,
    Assessment,
    Award,
    DisciplineRecord,
    InitiativeAuthor,
    InitiativeRecord,
    Nomination,
    NominationStatus,
    PastAward,
    Person,
    Rating,
    Unit,
)
from tdkt.core.permissions import Actor, require, require_role, require_scope
from tdkt.core.text import fold, form_text, format_date, limit_of, name_sort_key, sort_key


class RecordError(Refused):
    """A record was refused; the message is Vietnamese and says what to fix."""


_KEY_LIMIT = limit_of(Assessment.collective_key)


def _text(value: str | None, label: str, column) -> str | None:
    """Return a field cleaned as list cells are (None when empty); refused when it cannot be stored as typed."""
    return form_text(value, label=label, column=column, error=RecordError)


@dataclass(frozen=True, slots=True)
class Subject:
    """A person or a collective whose records are read or written."""

    target: str  # "ca_nhan" | "tap_the"
    person_id: int | None = None
    collective_name: str | None = None
    unit_id: int | None = None

    @classmethod
    def person(cls, person: Person) -> Subject:
        return cls("ca_nhan", person_id=person.id, unit_id=person.unit_id)

    @classmethod
    def collective(cls, name: str, unit_id: int | None) -> Subject:
        name = _text(name, "Tên tập thể", Assessment.collective_name)
        if not name:
            raise RecordError("Cần tên tập thể.")
        return cls("tap_the", collective_name=name, unit_id=unit_id)

    @property
    def key(self) -> str | None:
        # Cut as the importers cut it: a name of 255 letters may fold to more ("ß" -> "ss").
        return fold(self.collective_name)[:_KEY_LIMIT] if self.collective_name else None

    def columns(self) -> dict:
        """Return the subject's columns as stored on a record."""
        return {"target": self.target, "person_id": self.person_id, "collective_name": self.collective_name,
                "collective_key": self.key, "unit_id": self.unit_id}

    def where(self, model):
        """Return the SQL condition selecting this subject's rows of a record table."""
        if self.person_id is not None:
            return model.person_id == self.person_id
        condition = (model.collective_key == self.key) & (model.target == "tap_the")
        return condition & (model.unit_id == self.unit_id) if self.unit_id is not None else condition


def resolved(session: Session, subject: Subject) -> Subject:
    """Return the subject as the database has it: a person's unit is the person's own, whatever the caller said."""
    if subject.person_id is None:
        if subject.unit_id is not None and session.get(Unit, subject.unit_id) is None:
            raise RecordError("Không tìm thấy đơn vị của tập thể này.")
        return subject
    person = session.get(Person, subject.person_id)
    if person is None:
        raise RecordError("Không tìm thấy cá nhân này (có thể đã bị xóa).")
    return replace(subject, unit_id=person.unit_id)


_OWN_SUBJECTS = "Tài khoản đơn vị chỉ ghi được hồ sơ của cá nhân, tập thể thuộc đơn vị mình."


def _require(session: Session, actor: Actor, subject: Subject) -> Subject:
    """Check the actor may write this subject's records, its unit read from the database; return it so resolved."""
    require_role(actor, "nhap_danh_sach")
    subject = resolved(session, subject)
    require_scope(actor, "nhap_danh_sach", unit_ids=[subject.unit_id], message=_OWN_SUBJECTS)
    return subject


def _year(year: int) -> int:
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        raise RecordError(f"Năm {year!r} không hợp lệ: cần một năm từ 1900 đến 2100.")
    return year


def _label(subject: Subject, session: Session) -> str:
    if subject.person_id is not None:
        person = session.get(Person, subject.person_id)
        return person.full_name if person else f"cá nhân số {subject.person_id}"
    return subject.collective_name or ""


def set_rating(session: Session, actor: Actor, subject: Subject, *, year: int, rating: str,
               note: str | None = None) -> Assessment:
    """Record a subject's rating for a year, replacing the one on record; the caller commits."""
    subject = _require(session, actor, subject)
    _year(year)
    try:
        rating = Rating(rating).value
    except ValueError:
        raise RecordError(f"Xếp loại “{rating}” không hợp lệ; chọn một trong: {', '.join(Rating)}.") from None
    existing = session.exec(select(Assessment).where(subject.where(Assessment), Assessment.year == year)).first()
    before = audit.snapshot(existing) if existing else None
    row = existing or Assessment(year=year, rating=rating, **subject.columns())
    row.rating, row.note = rating, _text(note, "Ghi chú", Assessment.note)
    session.add(row)
    session.flush()
    audit.record(session, actor, "ghi_xep_loai", "xep_loai", row.id,
                 f"Xếp loại năm {year} của “{_label(subject, session)}”: {RATING_LABELS[Rating(rating)]}.",
                 before=before, after=audit.snapshot(row))
    return row


def add_discipline(session: Session, actor: Actor, subject: Subject, *, year: int, level: str | None,
                   open: bool = False, decided_on: date | None = None, document: str | None = None,
                   note: str | None = None) -> DisciplineRecord:
    """Record a disciplinary measure (or an open examination/investigation when `open`); the caller commits."""
    subject = _require(session, actor, subject)
    _year(year)
    if level is not None and level not in DISCIPLINE_LABELS:
        raise RecordError(f"Hình thức kỷ luật “{level}” không hợp lệ; chọn một trong: "
                          f"{', '.join(DISCIPLINE_LABELS.values())}.")
    if level is None and not open:
        raise RecordError("Kỷ luật đã quyết định cần ghi hình thức kỷ luật (khiển trách, cảnh cáo, …).")
    row = DisciplineRecord(year=year, level=level, open=open, decided_on=decided_on,
                           document=_text(document, "Số quyết định / văn bản", DisciplineRecord.document),
                           note=_text(note, "Ghi chú", DisciplineRecord.note), **subject.columns())
    session.add(row)
    session.flush()
    what = "đang xem xét kỷ luật hoặc điều tra" if open else f"kỷ luật {DISCIPLINE_LABELS[level].lower()}"
    audit.record(session, actor, "ghi_ky_luat", "ky_luat", row.id,
                 f"Năm {year}, “{_label(subject, session)}”: {what}.", after=audit.snapshot(row))
    return row


def add_past_award(session: Session, actor: Actor, subject: Subject, *, year: int, award_id: int,
                   kind: str = "cong_trang", decision_number: str | None = None, decision_date: date | None = None,
                   decision_authority: str | None = None, note: str | None = None) -> PastAward:
    """Record an award received outside the app's nominations; the caller commits."""
    subject = _require(session, actor, subject)
    _year(year)
    award = session.get(Award, award_id)
    if award is None:
        raise RecordError("Không tìm thấy danh hiệu, hình thức khen thưởng này trong danh mục.")
    if subject.target not in award.targets.split(","):
        raise RecordError(f"“{award.name}” không dành cho {'cá nhân' if subject.target == 'ca_nhan' else 'tập thể'}.")
    if kind not in MERIT_KIND_LABELS:
        raise RecordError(f"Loại khen thưởng “{kind}” không hợp lệ; chọn: {', '.join(MERIT_KIND_LABELS.values())}.")
    row = PastAward(year=year, award_id=award_id, kind=kind,
                    decision_number=_text(decision_number, "Số quyết định", PastAward.decision_number),
                    decision_date=decision_date,
                    decision_authority=_text(decision_authority, "Cơ quan ban hành", PastAward.decision_authority),
                    note=_text(note, "Ghi chú", PastAward.note), **subject.columns())
    session.add(row)
    session.flush()
    audit.record(session, actor, "ghi_khen_truoc", "khen_truoc", row.id,
                 f"Khen thưởng năm {year} của “{_label(subject, session)}”: {award.name}.", after=audit.snapshot(row))
    return row


def add_initiative(session: Session, actor: Actor, *, year: int, title: str, scope: str, author_ids: list[int],
                   unit_id: int | None = None, decision_number: str | None = None, decision_date: date | None = None,
                   decision_authority: str | None = None, used_for_award_id: int | None = None,
                   note: str | None = None) -> InitiativeRecord:
    """Record a recognised initiative (sáng kiến) and its authors; the caller commits (a unit account: its own
    unit's, every author of its unit, as the database has them)."""
    require_role(actor, "nhap_danh_sach")
    _year(year)
    title = _text(title, "Tên sáng kiến", InitiativeRecord.title)
    if not title:
        raise RecordError("Cần tên sáng kiến.")
    if scope not in SCOPE_LABELS:
        raise RecordError(f"Phạm vi ảnh hưởng “{scope}” không hợp lệ; chọn: {', '.join(SCOPE_LABELS.values())}.")
    authors = sorted(set(author_ids))
    if not authors:
        raise RecordError("Sáng kiến cần ít nhất một tác giả.")
    found = dict(session.exec(select(Person.id, Person.unit_id).where(col(Person.id).in_(authors))).all())
    if missing := [a for a in authors if a not in found]:
        raise RecordError(f"Không tìm thấy tác giả số {', '.join(map(str, missing))}.")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise RecordError("Không tìm thấy đơn vị của sáng kiến này.")
    require_scope(actor, "nhap_danh_sach", unit_ids=[unit_id, *found.values()],
                  message="Tài khoản đơn vị chỉ ghi được sáng kiến của đơn vị mình, với mọi tác giả thuộc đơn vị mình.")
    row = InitiativeRecord(year=year, title=title, scope=scope, unit_id=unit_id,
                           decision_number=_text(decision_number, "Số quyết định công nhận",
                                                 InitiativeRecord.decision_number),
                           decision_date=decision_date,
                           decision_authority=_text(decision_authority, "Cơ quan công nhận",
                                                    InitiativeRecord.decision_authority),
                           used_for_award_id=used_for_award_id, note=_text(note, "Ghi chú", InitiativeRecord.note))
    session.add(row)
    session.flush()
    for person_id in authors:
        session.add(InitiativeAuthor(initiative_id=row.id, person_id=person_id))
    session.flush()
    audit.record(session, actor, "ghi_sang_kien", "sang_kien", row.id,
                 f"Sáng kiến năm {year} “{title}” ({SCOPE_LABELS[scope].lower()}), {len(authors)} tác giả.",
                 after=audit.snapshot(row) | {"authors": authors})
    return row


_TABLES = {"xep_loai": Assessment, "ky_luat": DisciplineRecord, "khen_truoc": PastAward, "sang_kien": InitiativeRecord}
_KIND_NAMES = {"xep_loai": "kết quả xếp loại", "ky_luat": "kỷ luật", "khen_truoc": "khen thưởng",
               "sang_kien": "sáng kiến"}


def _people_units(session: Session, kind: str, row) -> list[int | None]:
    """Return the units of the people a record is about (an initiative: its authors), as the database has them."""
    if kind == "sang_kien":
        stmt = (select(Person.unit_id).join(InitiativeAuthor, InitiativeAuthor.person_id == Person.id)
                .where(InitiativeAuthor.initiative_id == row.id))
    elif row.person_id is not None:
        stmt = select(Person.unit_id).where(Person.id == row.person_id)
    else:
        return []
    return list(session.exec(stmt).all())


def delete_record(session: Session, actor: Actor, *, kind: str, record_id: int) -> None:
    """Delete one record of a kind ("xep_loai", "ky_luat", "khen_truoc", "sang_kien"); the caller commits."""
    require_role(actor, "nhap_danh_sach")
    model = _TABLES[kind]
    row = session.get(model, record_id)
    if row is None:
        raise RecordError(f"Không tìm thấy {_KIND_NAMES[kind]} này (có thể đã bị xóa).")
    require_scope(actor, "nhap_danh_sach", unit_ids=[row.unit_id, *_people_units(session, kind, row)],
                  message=f"Tài khoản đơn vị chỉ xóa được {_KIND_NAMES[kind]} của đơn vị mình.")
    before = audit.snapshot(row)
    if kind == "sang_kien":
        session.exec(delete(InitiativeAuthor).where(InitiativeAuthor.initiative_id == record_id))
    session.delete(row)
    session.flush()
    audit.record(session, actor, "xoa_ho_so_ca_nhan", kind, record_id, f"Xóa {_KIND_NAMES[kind]} năm {row.year}.",
                 before=before)


# ---------------------------------------------------------------------------------------------------------------
# Reading a subject's records
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Profile:
    """Everything on record for one subject, as tables ready to show (newest year first)."""

    subject: Subject
    name: str
    unit: str | None
    details: dict[str, object]
    awards: pd.DataFrame  # year, award, award_id, kind_label, source, status_label, decision, decided (bool), id
    ratings: pd.DataFrame  # year, rating, rating_label, id
    discipline: pd.DataFrame  # year, level_label, open, decided_on, document, id
    initiatives: pd.DataFrame  # year, title, scope, scope_label, decision, used_for, authors, id


def _decision(number: str | None, on: date | None, authority: str | None) -> str:
    parts = [p for p in (number and f"Số {number}", on and f"ngày {format_date(on)}", authority) if p]
    return ", ".join(parts)


def _award_rows(session: Session, subject: Subject) -> list[dict]:
    rows = []
    for past, award in session.exec(
        select(PastAward, Award).join(Award, PastAward.award_id == Award.id).where(subject.where(PastAward))
    ).all():
        rows.append({"year": past.year, "award": award.name, "award_id": award.id, "kind": past.kind,
                     "kind_label": MERIT_KIND_LABELS.get(past.kind, past.kind), "source": "Khen thưởng đã có",
                     "status": NominationStatus.CO_QUYET_DINH.value, "status_label": "Có quyết định",
                     "decision": _decision(past.decision_number, past.decision_date, past.decision_authority),
                     "decided": True, "decision_date": past.decision_date, "id": past.id})
    if subject.person_id is not None:
        nominated = Nomination.person_id == subject.person_id
    else:
        nominated = (Nomination.target == subject.target) & (Nomination.collective_name.is_not(None))
        if subject.unit_id is not None:
            nominated = nominated & (Nomination.unit_id == subject.unit_id)
    for n, award in session.exec(select(Nomination, Award).join(Award, Nomination.award_id == Award.id)
                                 .where(nominated)).all():
        if subject.person_id is None and fold(n.collective_name) != subject.key:
            continue
        rows.append({"year": n.year, "award": award.name, "award_id": award.id, "kind": "cong_trang",
                     "kind_label": MERIT_KIND_LABELS["cong_trang"], "source": f"Hồ sơ đề nghị số {n.id}",
                     "status": n.status, "status_label": NOMINATION_STATUS_LABELS[NominationStatus(n.status)],
                     "decision": _decision(n.decision_number, n.decision_date, n.decision_authority),
                     "decided": n.status == NominationStatus.CO_QUYET_DINH, "decision_date": n.decision_date,
                     "id": n.id})
    return sorted(rows, key=lambda r: (-r["year"], r["award"]))


def _may_read(session: Session, actor: Actor | None, subject: Subject) -> Subject:
    """Refuse a unit account another unit's people (ratings and discipline are personal records), the unit read from
    the database; return the subject so resolved."""
    require(actor, "xem")
    subject = resolved(session, subject)
    require_scope(actor, "xem", unit_ids=[subject.unit_id],
                  message="Tài khoản đơn vị chỉ xem được hồ sơ cá nhân, tập thể của chính đơn vị mình.")
    return subject


def profile(session: Session, subject: Subject, *, actor: Actor | None) -> Profile:
    """Return every record of a subject (its unit as the database has it): awards (received and nominated),
    ratings, discipline, initiatives."""
    subject = _may_read(session, actor, subject)
    unit = session.get(Unit, subject.unit_id) if subject.unit_id is not None else None
    details: dict[str, object] = {}
    if subject.person_id is not None:
        person = session.get(Person, subject.person_id)
        name = person.full_name
        details = {"Giới tính": person.gender, "Năm sinh": person.birth_year, "Chức vụ": person.position,
                   "Phân loại đối tượng": person.category}
    else:
        name = subject.collective_name or ""
    ratings = [{"year": a.year, "rating": a.rating, "rating_label": RATING_LABELS[Rating(a.rating)], "id": a.id}
               for a in session.exec(select(Assessment).where(subject.where(Assessment))).all()]
    discipline = [{"year": d.year, "level": d.level,
                   "level_label": "Đang xem xét, điều tra" if d.open and not d.level
                   else DISCIPLINE_LABELS.get(d.level or "", "") + (" (đang xem xét)" if d.open else ""),
                   "open": d.open, "decided_on": format_date(d.decided_on), "document": d.document, "id": d.id}
                  for d in session.exec(select(DisciplineRecord).where(subject.where(DisciplineRecord))).all()]
    initiatives = []
    if subject.person_id is not None:
        stmt = (select(InitiativeRecord).join(InitiativeAuthor, InitiativeAuthor.initiative_id == InitiativeRecord.id)
                .where(InitiativeAuthor.person_id == subject.person_id))
        for item in session.exec(stmt).all():
            initiatives.append(_initiative_row(session, item))
    return Profile(
        subject=subject, name=name, unit=unit.name if unit else None, details=details,
        awards=pd.DataFrame(_award_rows(session, subject), columns=[
            "year", "award", "award_id", "kind", "kind_label", "source", "status", "status_label", "decision",
            "decided", "decision_date", "id"]),
        ratings=pd.DataFrame(sorted(ratings, key=lambda r: -r["year"]), columns=[
            "year", "rating", "rating_label", "id"]),
        discipline=pd.DataFrame(sorted(discipline, key=lambda r: -r["year"]), columns=[
            "year", "level", "level_label", "open", "decided_on", "document", "id"]),
        initiatives=pd.DataFrame(sorted(initiatives, key=lambda r: -r["year"]), columns=[
            "year", "title", "scope", "scope_label", "decision", "used_for", "authors", "id"]),
    )


def _initiative_row(session: Session, item: InitiativeRecord) -> dict:
    authors = session.exec(select(Person.full_name).join(InitiativeAuthor, InitiativeAuthor.person_id == Person.id)
                           .where(InitiativeAuthor.initiative_id == item.id)).all()
    used = session.get(Award, item.used_for_award_id) if item.used_for_award_id else None
    return {"year": item.year, "title": item.title, "scope": item.scope, "scope_label": SCOPE_LABELS[item.scope],
            "decision": _decision(item.decision_number, item.decision_date, item.decision_authority),
            "used_for": used.name if used else None, "authors": ", ".join(sorted(authors, key=name_sort_key)),
            "id": item.id}


def _own_unit(actor: Actor | None) -> int | None:
    """Return the unit a unit account is limited to (-1 when it has none, which matches no row), else None."""
    if actor is None or actor.role.value != "don_vi":
        return None
    return actor.unit_id if actor.unit_id is not None else -1


def initiatives(session: Session, *, year: int | None = None, start: date | None = None, end: date | None = None,
                unit_id: int | None = None, actor: Actor | None = None) -> pd.DataFrame:
    """Return the recognised initiatives of a year (or whose decision date is in [start, end]), newest first (of a
    unit when given; a unit account given as actor: its own unit's)."""
    stmt = select(InitiativeRecord).order_by(col(InitiativeRecord.year).desc(), col(InitiativeRecord.id))
    if year is not None:
        stmt = stmt.where(InitiativeRecord.year == year)
    if start is not None:
        stmt = stmt.where(InitiativeRecord.decision_date >= start)
    if end is not None:
        stmt = stmt.where(InitiativeRecord.decision_date <= end)
    if (own := _own_unit(actor)) is not None:
        unit_id = own
    if unit_id is not None:
        stmt = stmt.where(InitiativeRecord.unit_id == unit_id)
    return pd.DataFrame([_initiative_row(session, item) for item in session.exec(stmt).all()], columns=[
        "year", "title", "scope", "scope_label", "decision", "used_for", "authors", "id"])


def _people_named(session: Session, needle: str, units: dict, *, own_unit: int | None, limit: int) -> list[dict]:
    """Return people whose folded name contains the needle (of own_unit only when given), filtered in SQL."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (select(Person.id, Person.full_name, Person.unit_id, Person.birth_year)
            .where(col(Person.name_key).like(f"%{escaped}%", escape="\\")).limit(limit))
    if own_unit is not None:
        stmt = stmt.where(Person.unit_id == own_unit)
    return [{"target": "ca_nhan", "person_id": pid, "name": name, "unit_id": unit_id, "unit": units.get(unit_id),
             "birth_year": birth} for pid, name, unit_id, birth in session.exec(stmt).all()]


def _collectives_named(session: Session, needle: str, units: dict, *, own_unit: int | None) -> list[dict]:
    """Return the units themselves and the collectives named in nominations or records (a small set) whose folded
    name contains the needle (of own_unit only when given)."""
    stmt = select(Unit.id, Unit.name).where(Unit.kind != "nhom")
    named = [(name, unit_id) for unit_id, name in session.exec(
        stmt if own_unit is None else stmt.where(Unit.id == own_unit)).all()]
    for model in (Nomination, Assessment, DisciplineRecord, PastAward):
        stmt = select(model.collective_name, model.unit_id).where(col(model.collective_name).is_not(None)).distinct()
        named += session.exec(stmt if own_unit is None else stmt.where(model.unit_id == own_unit)).all()
    seen: set[tuple[str, int | None]] = set()
    rows = []
    for name, unit_id in named:
        key = (fold(name), unit_id)
        if needle in key[0] and key not in seen:
            seen.add(key)
            rows.append({"target": "tap_the", "person_id": None, "name": name, "unit_id": unit_id,
                         "unit": units.get(unit_id), "birth_year": None})
    return rows


def search(session: Session, *, text: str, actor: Actor | None, limit: int = 50) -> pd.DataFrame:
    """Return people and collectives whose name contains the text, accents and case ignored, sorted the Vietnamese way
    (a unit account: its own unit's only, filtered in SQL).

    Columns: target ("ca_nhan" | "tap_the"), person_id, name, unit_id, unit, birth_year, label (for a picker)."""
    require(actor, "xem")
    own_unit = _own_unit(actor)
    needle = fold(without_typed_title(text))  # names are stored without "Ông", "Đ/c", "Đại tá"…
    if not needle:
        return pd.DataFrame(columns=["target", "person_id", "name", "unit_id", "unit", "birth_year", "label"])
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    rows = (_people_named(session, needle, units, own_unit=own_unit, limit=limit * 4)
            + _collectives_named(session, needle, units, own_unit=own_unit))
    # People by given name first (the Vietnamese way); collectives by their whole name.
    rows.sort(key=lambda r: (r["target"] != "ca_nhan", name_sort_key(r["name"]) if r["target"] == "ca_nhan"
                             else sort_key(r["name"]), r["unit"] or ""))
    rows = rows[:limit]
    for r in rows:
        unit = r["unit"] if fold(r["unit"]) != fold(r["name"]) else None
        extra = [x for x in (r["birth_year"] and f"sinh {r['birth_year']}", unit) if x]
        kind = "Cá nhân" if r["target"] == "ca_nhan" else "Tập thể"
        r["label"] = f"{kind}: {r['name']}" + (f" ({', '.join(extra)})" if extra else "")
    return pd.DataFrame(rows, columns=["target", "person_id", "name", "unit_id", "unit", "birth_year", "label"])


def person_choices(session: Session, *, actor: Actor | None, limit: int = 5000) -> list[tuple[int, str]]:
    """Return (person id, "Name (sinh YYYY, unit)") for pickers, sorted the Vietnamese way (a unit account: its own
    unit's people only, filtered in SQL)."""
    require(actor, "xem")
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    stmt = select(Person.id, Person.full_name, Person.birth_year, Person.unit_id).limit(limit)
    if (own := _own_unit(actor)) is not None:
        stmt = stmt.where(Person.unit_id == own)
    rows = sorted(session.exec(stmt).all(), key=lambda r: name_sort_key(r[1]))
    return [(pid, name + (f" ({', '.join(x for x in (birth and f'sinh {birth}', units.get(unit)) if x)})"
                          if birth or unit in units else "")) for pid, name, birth, unit in rows]
