"""Single nominations entered or edited by hand, with the same validation as the lists."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards.nomination_checks import already_in_database, validate
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.awards.person_ids import people_ids
from tdkt.core import audit
from tdkt.core.db import IMPORT_LOCK, lock_writes
from tdkt.core.errors import Refused
from tdkt.core.honorifics import split_title
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    TARGET_LABELS,
    Award,
    Nomination,
    NominationStatus,
    Person,
    Target,
    Unit,
)
from tdkt.core.permissions import Actor, require_role, require_scope
from tdkt.core.submission_guard import require_unit_can_change
from tdkt.core.text import clean, nominee_order


class NominationError(Refused):
    """A hand-entered nomination was refused; `problems` lists the Vietnamese messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class NominationInput:
    """What the hand-entry form asks for."""

    year: int
    target: str
    name: str
    award: str
    gender: str | None = None
    birth_year: int | None = None
    position: str | None = None
    unit: str | None = None
    category: str | None = None
    achievements: str | None = None


def _text(value: str | None, *, multiline: bool = False) -> str | None:
    """Return a form field cleaned as list cells are (None when empty); validate reports what cannot be stored."""
    return clean(value, multiline=multiline) or None if isinstance(value, str) else value


def _check(session: Session, data: NominationInput, *, exclude_id: int | None = None):
    name, title = _text(data.name), None
    if data.target == "ca_nhan":  # "Đại tá Nguyễn Văn An": found and stored as "Nguyễn Văn An", the rank as title
        title, name = split_title(name)
    row = ParsedRow(sheet="Nhập tay", row=1, target=data.target, name=name, honorific=title,
                    gender=data.gender or None,
                    birth_year=data.birth_year, position=_text(data.position), unit=_text(data.unit),
                    award=_text(data.award), category=_text(data.category),
                    achievements=_text(data.achievements, multiline=True))
    records, issues = validate(session, [row], file="", year=data.year)
    if exclude_id is not None:  # editing: the row itself is not a duplicate of itself
        issues = [i for i in issues if i.code != "already_in_database"] + _other_duplicates(session, records[0], data,
                                                                                            exclude_id)
    errors = [i.message for i in issues if i.severity == "error"]
    if errors:
        raise NominationError(errors)
    return records[0], [i.message for i in issues if i.severity == "warning"]


def _other_duplicates(session, record, data, exclude_id):
    others = already_in_database(session, [record], file="", year=data.year, headers={})
    if not others:
        return []
    existing = session.get(Nomination, exclude_id)
    same = existing and existing.award_id == record.award_id
    return [] if same else others


def add(session: Session, actor: Actor, data: NominationInput) -> tuple[Nomination, list[str]]:
    """Add one nomination by hand (status Đề nghị); return it with the warnings worth showing."""
    require_role(actor, "nhap_danh_sach")
    lock_writes(session, IMPORT_LOCK)  # the duplicate check and the person lookup see an import at the same time
    record, warnings = _check(session, data)  # its unit is the unit row the form's unit names, read here
    require_scope(actor, "nhap_danh_sach", unit_ids=[record.unit_id],
                  message="Tài khoản đơn vị chỉ thêm được đề nghị của đơn vị mình.")
    require_unit_can_change(session, actor, year=data.year, unit_ids=[record.unit_id])  # not while submitted
    people, _ = people_ids(session, [record], batch_id=None)
    nomination = Nomination(
        year=data.year, target=record.target,
        person_id=people.get(record.person_key) if record.target == "ca_nhan" else None,
        collective_name=record.name if record.target != "ca_nhan" else None, unit_id=record.unit_id,
        award_id=record.award_id, category=record.category, achievements=record.achievements,
        status=NominationStatus.DE_NGHI, position=record.position, unit_text=record.unit_text,
    )
    session.add(nomination)
    session.flush()
    audit.record(session, actor, "them_de_nghi", "de_nghi", nomination.id,
                 f"Thêm đề nghị “{record.award}” cho {record.name} năm {data.year}.", after=audit.snapshot(nomination))
    return nomination, warnings


def edit(session: Session, actor: Actor, *, nomination_id: int, data: NominationInput) -> tuple[Nomination, list[str]]:
    """Change a nomination still at "Đề nghị" (award, person or collective details); same checks as a new one."""
    require_role(actor, "nhap_danh_sach")
    lock_writes(session, IMPORT_LOCK)  # as add
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NominationError(["Không tìm thấy đề nghị này."])
    person = session.get(Person, nomination.person_id) if nomination.person_id is not None else None
    require_scope(actor, "nhap_danh_sach", unit_ids=[nomination.unit_id] + ([person.unit_id] if person else []),
                  message="Tài khoản đơn vị chỉ sửa được đề nghị của đơn vị mình.")
    if nomination.status != NominationStatus.DE_NGHI:
        label = NOMINATION_STATUS_LABELS[NominationStatus(nomination.status)]
        raise NominationError([f"Đề nghị đang ở bước “{label}”: chỉ sửa được khi còn ở bước “Đề nghị”."])
    record, warnings = _check(session, data, exclude_id=nomination_id)
    require_scope(actor, "nhap_danh_sach", unit_ids=[record.unit_id],  # and where the change would put it
                  message="Tài khoản đơn vị chỉ sửa được đề nghị của đơn vị mình.")
    require_unit_can_change(session, actor, year=nomination.year, unit_ids=[nomination.unit_id])  # as it is,
    require_unit_can_change(session, actor, year=data.year, unit_ids=[record.unit_id])  # and as it would be
    before = audit.snapshot(nomination)
    if record.target == Target.CA_NHAN:
        people, _ = people_ids(session, [record], batch_id=None)
        nomination.person_id, nomination.collective_name = people.get(record.person_key), None
        person = session.get(Person, nomination.person_id)
        person.gender, person.position, person.category = record.gender, record.position, record.category
        session.add(person)
    else:
        nomination.person_id, nomination.collective_name = None, record.name
    nomination.year, nomination.target, nomination.unit_id, nomination.award_id = (
        data.year, record.target, record.unit_id, record.award_id)
    nomination.category, nomination.achievements, nomination.position, nomination.unit_text = (
        record.category, record.achievements, record.position, record.unit_text)
    session.add(nomination)
    session.flush()
    audit.record(session, actor, "sua_de_nghi", "de_nghi", nomination.id, f"Sửa đề nghị số {nomination.id}.",
                 before=before, after=audit.snapshot(nomination))
    return nomination, warnings


def listing(session: Session, *, year: int, actor: Actor | None = None) -> pd.DataFrame:
    """Return the year's nominations (a unit user: its own unit's), names sorted the Vietnamese way."""
    stmt = (
        select(Nomination, Person, Award.name, Unit.name)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
        .where(Nomination.year == year)
        .order_by(col(Nomination.id))
    )
    if actor is not None and actor.role.value == "don_vi":
        stmt = stmt.where(Nomination.unit_id == actor.unit_id)
    rows = []
    for n, person, award, unit in session.exec(stmt).all():
        rows.append({
            "id": n.id, "target": n.target, "target_label": TARGET_LABELS.get(Target(n.target), n.target),
            "name": person.full_name if person else n.collective_name, "gender": person.gender if person else None,
            "birth_year": person.birth_year if person else None, "position": n.position, "unit": unit or n.unit_text,
            "award": award, "category": n.category, "status": n.status,
            "status_label": NOMINATION_STATUS_LABELS.get(NominationStatus(n.status), n.status),
            "achievements": n.achievements, "batch_id": n.batch_id,
        })
    columns = ["id", "target", "target_label", "name", "gender", "birth_year", "position", "unit", "award", "category",
               "status", "status_label", "achievements", "batch_id"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    order = sorted(range(len(frame)),
                   key=lambda i: (frame.target.iloc[i] != "tap_the",
                                  nominee_order(frame.name.iloc[i], individual=frame.target.iloc[i] == "ca_nhan")))
    return frame.iloc[order].reset_index(drop=True)

