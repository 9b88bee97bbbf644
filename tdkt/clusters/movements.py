"""Emulation movements (phong trào thi đua): registration, launch linked to the plan's task, closing with results."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.errors import Refused
from tdkt.core.models import Movement, MovementUnit, PlanTask, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.text import form_text, format_date
from tdkt.plan import plan as plan_module

KINDS = {"thuong_xuyen": "Thường xuyên", "chuyen_de": "Theo chuyên đề", "theo_dot": "Theo đợt"}
PLANNED, RUNNING, CLOSED = "Chưa phát động", "Đang triển khai", "Đã tổng kết"
STATES = [PLANNED, RUNNING, CLOSED]
# The year's regular movement is launched by the plan's first task ("Phát động phong trào thi đua…", Q1.1).
LAUNCH_TASK = plan_module.TaskRef(1, 1, r"phat dong phong trao")
COLUMNS = [
    "id", "name", "kind", "kind_label", "document", "launched_on", "start_on", "end_on", "launched_by", "units",
    "unit_ids", "goals", "results", "closed_on", "closing_document", "task_id", "task_label", "status",
]
DISPLAY_COLUMNS = {
    "name": "Tên phong trào",
    "kind_label": "Loại",
    "status": "Tình trạng",
    "document_text": "Văn bản phát động",
    "launched": "Ngày phát động",
    "period": "Thời gian thực hiện",
    "launched_by": "Cơ quan phát động",
    "units_text": "Đơn vị tham gia",
    "goals": "Mục tiêu",
    "closed": "Ngày tổng kết",
    "closing_document": "Văn bản tổng kết",
    "results": "Kết quả",
    "task_label": "Nhiệm vụ kế hoạch",
}


class MovementError(Refused):
    """A movement change was refused; the message is Vietnamese and says what to do."""


def status(*, launched_on: date | None, closed_on: date | None) -> str:
    """Return a movement's state: not launched yet, running, or closed with its results."""
    if closed_on is not None:
        return CLOSED
    return RUNNING if launched_on is not None else PLANNED


def movements(session: Session, *, year: int) -> pd.DataFrame:
    """Return the year's movements, launched first by date, with units and state: columns COLUMNS."""
    rows = session.exec(select(Movement, PlanTask).join(PlanTask, isouter=True).where(Movement.year == year)
                        .order_by(col(Movement.launched_on).is_(None), Movement.launched_on, Movement.id)).all()
    units: dict[int, list[tuple[int, str]]] = {}
    for link, unit in session.exec(select(MovementUnit, Unit).join(Unit).join(Movement)
                                   .where(Movement.year == year).order_by(Unit.position, Unit.name)).all():
        units.setdefault(link.movement_id, []).append((unit.id, unit.name))
    frame = pd.DataFrame([{
        "id": m.id, "name": m.name, "kind": m.kind, "kind_label": KINDS.get(m.kind, m.kind), "document": m.document,
        "launched_on": m.launched_on, "start_on": m.start_on, "end_on": m.end_on, "launched_by": m.launched_by,
        "units": [n for _, n in units.get(m.id, [])], "unit_ids": [i for i, _ in units.get(m.id, [])],
        "goals": m.goals, "results": m.results, "closed_on": m.closed_on, "closing_document": m.closing_document,
        "task_id": m.task_id, "task_label": f"Nhiệm vụ {t.number} quý {t.quarter}" if t is not None else "",
        "status": status(launched_on=m.launched_on, closed_on=m.closed_on),
    } for m, t in rows], columns=COLUMNS)
    # pandas 3 stores missing text as NaN: keep None so callers can test "if row.document".
    for name in ("document", "launched_by", "goals", "results", "closing_document"):
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the movements as the page and the export show them: Vietnamese headers, dd/mm/yyyy dates."""
    def period(row) -> str:
        if row.start_on is None and row.end_on is None:
            return ""
        return f"{format_date(row.start_on) or '…'} – {format_date(row.end_on) or '…'}"

    shown = frame.assign(
        document_text=frame["document"].fillna(""), launched=frame["launched_on"].map(format_date),
        period=[period(r) for r in frame.itertuples()], units_text=frame["units"].map("; ".join),
        closed=frame["closed_on"].map(format_date), launched_by=frame["launched_by"].fillna(""),
        goals=frame["goals"].fillna(""), results=frame["results"].fillna(""),
        closing_document=frame["closing_document"].fillna(""),
    )
    return shown[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def movements_object(session: Session, *, year: int) -> list[dict]:
    """Return the year's movements as the CLI prints them: name, kind, launched (dd/mm/yyyy), document, status."""
    return [{"name": m.name, "kind": m.kind_label, "launched": format_date(m.launched_on) or None,
             "document": m.document, "status": m.status} for m in movements(session, year=year).itertuples()]


def _text(value: str | None, label: str, column) -> str | None:
    """Return a field cleaned as list cells are (None when empty); refused when it cannot be stored as typed."""
    return form_text(value, label=label, column=column, error=MovementError)


def _check(session: Session, *, year: int, name: str, kind: str, launched_on: date | None, start_on: date | None,
           end_on: date | None, unit_ids: list[int], task_id: int | None, today: date) -> str:
    name = _text(name, "Tên phong trào", Movement.name) or ""
    if not name:
        raise MovementError("Nhập tên phong trào thi đua.")
    if kind not in KINDS:
        raise MovementError(f"Loại phong trào “{kind}” không có: chọn {', '.join(KINDS.values())}.")
    if launched_on is not None and launched_on > today:
        raise MovementError(f"Ngày phát động {format_date(launched_on)} ở sau hôm nay: để trống cho đến khi phát động.")
    if start_on and end_on and end_on < start_on:
        raise MovementError("Ngày kết thúc phải sau ngày bắt đầu.")
    for unit_id in unit_ids:
        if session.get(Unit, unit_id) is None:
            raise MovementError("Đơn vị tham gia đã chọn không tồn tại. Tải lại trang.")
    if task_id is not None:
        task, plan = session.get(PlanTask, task_id), plan_module.get_plan(session, year=year)
        if task is None or plan is None or task.plan_id != plan.id:
            raise MovementError(f"Nhiệm vụ liên kết phải thuộc kế hoạch năm {year}.")
    return name


def suggested_task(session: Session, *, year: int, kind: str) -> PlanTask | None:
    """Return the plan task a new regular movement's launch carries, unless another movement carries it already."""
    if kind != "thuong_xuyen":
        return None
    task = plan_module.find_task(session, year=year, ref=LAUNCH_TASK)
    if task is None or session.exec(select(Movement).where(Movement.task_id == task.id)).first():
        return None
    return task


def _set_units(session: Session, movement: Movement, unit_ids: list[int]) -> None:
    for link in session.exec(select(MovementUnit).where(MovementUnit.movement_id == movement.id)).all():
        session.delete(link)
    session.flush()
    for unit_id in dict.fromkeys(unit_ids):
        session.add(MovementUnit(movement_id=movement.id, unit_id=unit_id))
    session.flush()


def snapshot(session: Session, movement: Movement) -> dict:
    """Return a movement as the audit log keeps it: its fields and its units' ids."""
    data = audit.snapshot(movement, exclude={"created_at"})
    data["unit_ids"] = sorted(session.exec(select(MovementUnit.unit_id).where(MovementUnit.movement_id == movement.id)))
    return data


def add_movement(
    session: Session,
    actor: Actor,
    *,
    year: int,
    name: str,
    kind: str,
    document: str | None = None,
    launched_on: date | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
    launched_by: str | None = None,
    goals: str | None = None,
    unit_ids: list[int] | None = None,
    task_id: int | None = None,
    auto_link: bool = True,
    today: date | None = None,
) -> Movement:
    """Register a movement of a year; the year's regular movement carries the plan's launch task (Q1.1).

    The task and the launch are not reconciled here: callers use `tdkt.clusters.task_links.add_movement`.
    """
    require(actor, "quan_ly_cum")
    today = today or date.today()
    unit_ids = list(unit_ids or [])
    if task_id is None and auto_link:
        task = suggested_task(session, year=year, kind=kind)
        task_id = task.id if task else None
    name = _check(session, year=year, name=name, kind=kind, launched_on=launched_on, start_on=start_on, end_on=end_on,
                  unit_ids=unit_ids, task_id=task_id, today=today)
    movement = Movement(year=year, name=name, kind=kind,
                        document=_text(document, "Văn bản phát động", Movement.document), launched_on=launched_on,
                        start_on=start_on, end_on=end_on,
                        launched_by=_text(launched_by, "Cơ quan, người phát động", Movement.launched_by),
                        goals=_text(goals, "Mục tiêu", Movement.goals), task_id=task_id)
    session.add(movement)
    session.flush()
    _set_units(session, movement, unit_ids)
    audit.record(session, actor, "them_phong_trao", "phong_trao", movement.id,
                 f"Đăng ký phong trào “{name}” năm {year} ({status(launched_on=launched_on, closed_on=None)}).",
                 after=snapshot(session, movement))
    return movement


def update_movement(
    session: Session,
    actor: Actor,
    *,
    movement_id: int,
    name: str,
    kind: str,
    document: str | None,
    launched_on: date | None,
    start_on: date | None,
    end_on: date | None,
    launched_by: str | None,
    goals: str | None,
    unit_ids: list[int],
    task_id: int | None,
    today: date | None = None,
) -> Movement:
    """Change a movement's registration (name, kind, launch, period, units, goals, the task it carries).

    The task does not follow the launch here: callers use `tdkt.clusters.task_links.update_movement`.
    """
    require(actor, "quan_ly_cum")
    today = today or date.today()
    movement = _get(session, movement_id)
    name = _check(session, year=movement.year, name=name, kind=kind, launched_on=launched_on, start_on=start_on,
                  end_on=end_on, unit_ids=list(unit_ids), task_id=task_id, today=today)
    if launched_on is None and movement.closed_on is not None:
        raise MovementError("Phong trào đã tổng kết phải có ngày phát động.")
    before = snapshot(session, movement)
    document = _text(document, "Văn bản phát động", Movement.document)
    launched_by = _text(launched_by, "Cơ quan, người phát động", Movement.launched_by)
    goals = _text(goals, "Mục tiêu", Movement.goals)
    movement.name, movement.kind, movement.document = name, kind, document
    movement.launched_on, movement.start_on, movement.end_on = launched_on, start_on, end_on
    movement.launched_by, movement.goals = launched_by, goals
    movement.task_id = task_id
    session.add(movement)
    session.flush()
    _set_units(session, movement, list(unit_ids))
    audit.record(session, actor, "sua_phong_trao", "phong_trao", movement.id, f"Sửa phong trào “{name}”.",
                 before=before, after=snapshot(session, movement))
    return movement


def close_movement(session: Session, actor: Actor, *, movement_id: int, closed_on: date | None, results: str,
                   closing_document: str | None = None, today: date | None = None) -> Movement:
    """Close a launched movement with its results (and the closing report's number)."""
    require(actor, "quan_ly_cum")
    today = today or date.today()
    movement = _get(session, movement_id)
    if movement.launched_on is None:
        raise MovementError("Phong trào chưa phát động: ghi ngày phát động trước khi tổng kết.")
    if closed_on is None:
        raise MovementError("Nhập ngày tổng kết (dd/mm/yyyy).")
    if closed_on < movement.launched_on or closed_on > today:
        raise MovementError(f"Ngày tổng kết phải từ ngày phát động {format_date(movement.launched_on)} đến hôm nay.")
    results = _text(results, "Kết quả", Movement.results)
    if not results:
        raise MovementError("Nhập kết quả của phong trào.")
    closing_document = _text(closing_document, "Văn bản tổng kết", Movement.closing_document)
    before = snapshot(session, movement)
    movement.closed_on, movement.results, movement.closing_document = closed_on, results, closing_document
    session.add(movement)
    session.flush()
    audit.record(session, actor, "tong_ket_phong_trao", "phong_trao", movement.id,
                 f"Tổng kết phong trào “{movement.name}” ngày {format_date(closed_on)}.",
                 before=before, after=snapshot(session, movement))
    return movement


def _get(session: Session, movement_id: int) -> Movement:
    movement = session.get(Movement, movement_id)
    if movement is None:
        raise MovementError("Không tìm thấy phong trào này (có thể đã bị xóa). Tải lại trang.")
    return movement
