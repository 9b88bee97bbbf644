"""The department's units: lookup by printed label, listing, and the Office/admin's add and rename."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, select

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import UNIT_KIND_LABELS, Role, Unit, UnitKind
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, form_text

if TYPE_CHECKING:
    import pandas as pd


class UnitError(Refused):
    """A unit change was refused; the message is Vietnamese."""


def lookup(session: Session) -> dict[str, Unit]:
    """Return units keyed by folded name and short name, for matching labels as people print them."""
    found: dict[str, Unit] = {}
    for unit in session.exec(select(Unit)).all():
        found[fold(unit.name)] = unit
        if unit.short_name:
            found.setdefault(fold(unit.short_name), unit)
    return found


def get_unit(session: Session, *, unit_id: int) -> Unit | None:
    """Return the unit with this id (active or not), or None."""
    return session.get(Unit, unit_id)


def names(session: Session, *, active_only: bool = True, actor: Actor | None = None) -> list[str]:
    """Return unit names in the department's order (for a unit account's pickers: its own unit only)."""
    stmt = select(Unit.name).order_by(Unit.position, Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active)
    if actor is not None and actor.role == Role.DON_VI:
        stmt = stmt.where(Unit.id == actor.unit_id)
    return list(session.exec(stmt).all())


def table(session: Session) -> pd.DataFrame:
    """Return every unit: columns id, name, short_name, kind, kind_label, active."""
    import pandas as pd  # late: the command line's import never draws a table (pandas: 0.45 s, 80 MiB)

    rows = session.exec(select(Unit).order_by(Unit.position, Unit.name)).all()
    return pd.DataFrame(
        [{"id": u.id, "name": u.name, "short_name": u.short_name or "", "kind": u.kind,
          "kind_label": UNIT_KIND_LABELS.get(UnitKind(u.kind), u.kind), "active": u.active} for u in rows],
        columns=["id", "name", "short_name", "kind", "kind_label", "active"],
    )


def _check(session: Session, name: str, short_name: str | None, unit_id: int | None) -> tuple[str, str | None]:
    name = form_text(name, label="Tên đơn vị", column=Unit.name, error=UnitError) or ""
    short_name = form_text(short_name, label="Tên viết tắt", column=Unit.short_name, error=UnitError)
    if not name:
        raise UnitError("Nhập tên đơn vị.")
    for other in session.exec(select(Unit)).all():
        if other.id != unit_id and fold(other.name) == fold(name):
            raise UnitError(f"Đã có đơn vị “{other.name}”.")
    return name, short_name or None


def add(session: Session, actor: Actor, *, name: str, kind: UnitKind, short_name: str | None = None) -> Unit:
    """Add a unit (Office or admin)."""
    require(actor, "quan_ly_don_vi")
    name, short_name = _check(session, name, short_name, None)
    position = max([u.position for u in session.exec(select(Unit)).all()] or [0]) + 1
    unit = Unit(name=name, short_name=short_name, kind=UnitKind(kind), position=position)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "them_don_vi", "don_vi", unit.id, f"Thêm đơn vị {name}.", after=audit.snapshot(unit))
    return unit


def update(
    session: Session, actor: Actor, *, unit_id: int, name: str, kind: UnitKind, short_name: str | None, active: bool
) -> Unit:
    """Rename a unit or change its kind or active flag (Office or admin); history keeps the unit's id."""
    require(actor, "quan_ly_don_vi")
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UnitError("Không tìm thấy đơn vị.")
    name, short_name = _check(session, name, short_name, unit_id)
    before = audit.snapshot(unit)
    unit.name, unit.short_name, unit.kind, unit.active = name, short_name, UnitKind(kind), active
    session.add(unit)
    session.flush()
    audit.record(session, actor, "sua_don_vi", "don_vi", unit.id, f"Sửa đơn vị {name}.",
                 before=before, after=audit.snapshot(unit))
    return unit
