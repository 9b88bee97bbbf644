"""A unit's nomination list for year Y pre-filled from its registrations of Y: the standard import template with the
registered people and collectives, their positions, unit and titles, for the unit to complete and upload."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tdkt.core.errors import Refused
from tdkt.core.models import Person, Target, Unit
from tdkt.core.permissions import Actor, require_scope
from tdkt.importing.nomination_lists.template import template_for
from tdkt.registrations.registrations import listing


def prefilled_rows(session: Session, actor: Actor, *, year: int, unit_id: int) -> list[list]:
    """Return the template's rows for a unit's registrations of the year: "I. TẬP THỂ" and its collectives, then
    "II. CÁ NHÂN" and its people (gender, birth year and category from the person on record, when linked)."""
    require_scope(actor, "xem", unit_ids=[unit_id],
                  message="Tài khoản đơn vị chỉ lập danh sách đề nghị của chính đơn vị mình.")
    frame = listing(session, year=year, actor=actor, unit_id=unit_id)
    ids = {int(i) for i in frame.person_id.dropna().tolist()}
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids))).all()} if ids else {}
    rows: list[list] = []
    for target, section in ((Target.TAP_THE, "I. TẬP THỂ"), (Target.CA_NHAN, "II. CÁ NHÂN")):
        part = frame[frame.target == target]
        if part.empty:
            continue
        rows.append([section])
        for number, reg in enumerate(part.itertuples(index=False), start=1):
            person = people.get(int(reg.person_id)) if reg.person_id == reg.person_id and reg.person_id else None
            rows.append([number, reg.name, person.gender if person else None, person.birth_year if person else None,
                         reg.position if isinstance(reg.position, str) else None, reg.unit, reg.award,
                         person.category if person else None, None, reg.note if isinstance(reg.note, str) else None])
    return rows


def prefilled_list(session: Session, actor: Actor, *, year: int, unit_id: int, agency: str, parent_agency: str
                   ) -> bytes:
    """Return the unit's nomination list template of the year pre-filled from its registrations (an empty list,
    with no examples, when it registered nothing)."""
    if session.get(Unit, unit_id) is None:
        raise Refused("Không tìm thấy đơn vị này. Tải lại trang.")
    rows = prefilled_rows(session, actor, year=year, unit_id=unit_id)
    return template_for(session, year=year, agency=agency, parent_agency=parent_agency, filled=rows)
