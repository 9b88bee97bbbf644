"""Plan progress: tasks by quarter and unit, overdue against an "as of" date, task updates and plan copies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core import units as units_module
from tdkt.core.dates import shift_years
from tdkt.core.errors import Refused
from tdkt.core.models import OVERDUE_LABEL, TASK_STATUS_LABELS, Plan, PlanTask, PlanTaskUnit, TaskStatus, utcnow
from tdkt.core.permissions import Actor, can, require
from tdkt.core.text import fold, form_text, format_date, nfc

TASK_COLUMNS = [
    "id", "quarter", "number", "position", "content", "units", "unit_ids", "due_on", "status",
    "status_label", "overdue", "completed_on", "evidence", "note",
]
# Order of status labels in charts and tables.
STATUS_ORDER = [
    TASK_STATUS_LABELS[TaskStatus.XONG],
    TASK_STATUS_LABELS[TaskStatus.DANG],
    TASK_STATUS_LABELS[TaskStatus.CHUA],
    OVERDUE_LABEL,
    TASK_STATUS_LABELS[TaskStatus.KHONG],
]
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


class PlanError(Refused):
    """A plan change was refused; the message is Vietnamese and says what to do."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Key figures of a plan as of a date."""

    total: int
    done: int
    overdue: int
    in_progress: int
    not_started: int
    skipped: int

    @property
    def done_ratio(self) -> float | None:
        counted = self.total - self.skipped
        return self.done / counted if counted else None


def years(session: Session) -> list[int]:
    """Return the years that have a plan, newest first."""
    return list(session.exec(select(Plan.year).order_by(col(Plan.year).desc())).all())


def default_year(session: Session, *, today: date | None = None) -> int:
    """Return the latest year that has a plan (this year when there is none)."""
    found = years(session)
    return found[0] if found else (today or date.today()).year


def get_plan(session: Session, *, year: int) -> Plan | None:
    """Return the plan of a year, or None."""
    return session.exec(select(Plan).where(Plan.year == year)).first()


def quarter_end(year: int, quarter: int) -> date:
    """Return the last day of a quarter (a task's due date unless given)."""
    month, day = _QUARTER_END[quarter]
    return date(year, month, day)


OPEN_STATUSES = (TaskStatus.CHUA, TaskStatus.DANG)  # not finished, not dropped: these can be overdue


def is_overdue(status: str, due_on: date, as_of: date) -> bool:
    """Return True when a task is not finished (nor dropped) and its due date has passed: due on 30/06, it is
    overdue from 01/07 (the one rule of the plan page, Tổng quan and the review reports)."""
    return status in OPEN_STATUSES and due_on < as_of


def period_as_of(as_of: date, end: date) -> date:
    """Return the day a report period's tasks are judged overdue on: as_of while the period runs, else the day after
    its end, so that a task due on the period's last day and not done counts as overdue once the period is over, as
    the plan page counts it from that day (and a later day adds nothing the period did not hold)."""
    return min(as_of, end + timedelta(days=1))


def status_label(status: str, due_on: date, as_of: date) -> str:
    """Return the label shown for a task: "Quá hạn" when overdue, else its stored status."""
    return OVERDUE_LABEL if is_overdue(status, due_on, as_of) else TASK_STATUS_LABELS[TaskStatus(status)]


def tasks(session: Session, *, year: int, as_of: date) -> pd.DataFrame:
    """Return the year's tasks in plan order with their units and derived status (columns TASK_COLUMNS)."""
    plan = get_plan(session, year=year)
    if plan is None:
        return pd.DataFrame(columns=TASK_COLUMNS)
    rows = session.exec(
        select(PlanTask).where(PlanTask.plan_id == plan.id)
        .order_by(PlanTask.quarter, PlanTask.position, PlanTask.number)
    ).all()
    units: dict[int, list[PlanTaskUnit]] = {}
    links = session.exec(
        select(PlanTaskUnit).join(PlanTask).where(PlanTask.plan_id == plan.id).order_by(PlanTaskUnit.position)
    ).all()
    for link in links:
        units.setdefault(link.task_id, []).append(link)
    records = []
    for task in rows:
        task_units = units.get(task.id, [])
        records.append(
            {
                "id": task.id,
                "quarter": task.quarter,
                "number": task.number,
                "position": task.position,
                "content": task.content,
                "units": [u.label for u in task_units],
                "unit_ids": [u.unit_id for u in task_units if u.unit_id is not None],
                "due_on": task.due_on,
                "status": task.status,
                "status_label": status_label(task.status, task.due_on, as_of),
                "overdue": is_overdue(task.status, task.due_on, as_of),
                "completed_on": task.completed_on,
                "evidence": task.evidence,
                "note": task.note,
            }
        )
    return pd.DataFrame(records, columns=TASK_COLUMNS)


def progress(frame: pd.DataFrame) -> Progress:
    """Return the key figures of a tasks frame."""
    labels = frame["status_label"].value_counts() if not frame.empty else pd.Series(dtype=int)
    return Progress(
        total=len(frame),
        done=int(labels.get(TASK_STATUS_LABELS[TaskStatus.XONG], 0)),
        overdue=int(labels.get(OVERDUE_LABEL, 0)),
        in_progress=int(labels.get(TASK_STATUS_LABELS[TaskStatus.DANG], 0)),
        not_started=int(labels.get(TASK_STATUS_LABELS[TaskStatus.CHUA], 0)),
        skipped=int(labels.get(TASK_STATUS_LABELS[TaskStatus.KHONG], 0)),
    )


def by_quarter(frame: pd.DataFrame) -> pd.DataFrame:
    """Return task counts per quarter and status label: columns quarter, status_label, n (all quarters 1–4)."""
    counts = frame.groupby(["quarter", "status_label"]).size() if not frame.empty else pd.Series(dtype=int)
    index = pd.MultiIndex.from_product([[1, 2, 3, 4], STATUS_ORDER], names=["quarter", "status_label"])
    return counts.reindex(index, fill_value=0).rename("n").reset_index()


def by_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """Return task counts per responsible unit label and status label: columns unit, status_label, n."""
    if frame.empty:
        return pd.DataFrame(columns=["unit", "status_label", "n"])
    exploded = frame.explode("units").dropna(subset=["units"]).rename(columns={"units": "unit"})
    counts = exploded.groupby(["unit", "status_label"]).size().rename("n").reset_index()
    totals = counts.groupby("unit")["n"].transform("sum")
    return counts.assign(total=totals).sort_values(["total", "unit"], ascending=[False, True]).drop(columns="total")


@dataclass(frozen=True, slots=True)
class ProgressView:
    """What Tiến độ kế hoạch draws of a year's plan as of a day: the tasks (`tasks`), their counts by quarter
    (`by_quarter`) and by unit (`by_unit`), and the task table (`display_table`)."""

    tasks: pd.DataFrame
    quarters: pd.DataFrame
    units: pd.DataFrame
    table: pd.DataFrame


def progress_view(session: Session, *, year: int, as_of: date) -> ProgressView:
    """Return the year's tasks and what the plan page draws of them, computed together (the page keeps it per data
    version: its counts and table took 30 ms a run on the demo database)."""
    frame = tasks(session, year=year, as_of=as_of)
    return ProgressView(tasks=frame, quarters=by_quarter(frame), units=by_unit(frame),
                        table=display_table(frame, as_of=as_of))


def plan_object(session: Session, *, year: int, as_of: date) -> dict | None:
    """Return the plan as the CLI's JSON object (None when the year has no plan)."""
    plan = get_plan(session, year=year)
    if plan is None:
        return None
    frame = tasks(session, year=year, as_of=as_of)
    return {
        "year": plan.year,
        "number": plan.number,
        "symbol": plan.symbol,
        "date": format_date(plan.issued_on) or None,
        "title": plan.title,
        "signer": plan.signer,
        "signer_title": plan.signer_title,
        "dossier_deadline": format_date(plan.dossier_deadline) or None,
        "as_of": format_date(as_of),
        "tasks": [
            {
                "quarter": int(t.quarter),
                "number": int(t.number),
                "content": t.content,
                "units": list(t.units),
                "status": t.status_label,
                "due": format_date(t.due_on),
                "completed": format_date(t.completed_on) or None,
                "evidence": t.evidence,
            }
            for t in frame.itertuples()
        ],
    }


def _task_unit_ids(session: Session, task_id: int) -> set[int]:
    rows = session.exec(select(PlanTaskUnit.unit_id).where(PlanTaskUnit.task_id == task_id)).all()
    return {r for r in rows if r is not None}


def _task_snapshot(session: Session, task: PlanTask) -> dict:
    data = audit.snapshot(task, exclude={"updated_at"})
    data["units"] = [u.label for u in session.exec(
        select(PlanTaskUnit).where(PlanTaskUnit.task_id == task.id).order_by(PlanTaskUnit.position))]
    return data


def _describe(task: PlanTask) -> str:
    return f"nhiệm vụ {task.number} quý {task.quarter}"


def update_task_status(
    session: Session,
    actor: Actor,
    *,
    task_id: int,
    status: TaskStatus,
    completed_on: date | None = None,
    evidence: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> PlanTask:
    """Record a task's own progress (status, completion date, evidence document, note); checked and audited.

    The cluster events and movements carrying this task do not follow here: callers use
    `tdkt.clusters.task_links.update_task_status`, which does both in the same transaction.
    """
    task = session.get(PlanTask, task_id)
    if task is None:
        raise PlanError("Không tìm thấy nhiệm vụ này (có thể đã bị xóa). Tải lại trang.")
    require(actor, "cap_nhat_nhiem_vu", unit_ids=_task_unit_ids(session, task_id))
    status = TaskStatus(status)
    today = today or date.today()
    evidence = form_text(evidence, label="Văn bản (số, ký hiệu)", column=PlanTask.evidence, error=PlanError)
    note = form_text(note, label="Ghi chú", column=PlanTask.note, error=PlanError)
    if status == TaskStatus.XONG:
        if completed_on is None:
            raise PlanError("Nhiệm vụ hoàn thành cần có ngày hoàn thành (dd/mm/yyyy).")
        if completed_on > today:
            raise PlanError(f"Ngày hoàn thành {format_date(completed_on)} ở sau hôm nay: kiểm tra lại ngày.")
    else:
        completed_on = None
    before = _task_snapshot(session, task)
    task.status, task.completed_on, task.evidence = status, completed_on, evidence
    task.note = nfc(note) if note else None
    task.updated_at = utcnow()
    session.add(task)
    session.flush()
    audit.record(
        session, actor, "cap_nhat_nhiem_vu", "nhiem_vu", task.id,
        f"Cập nhật {_describe(task)}: {status.label}" + (f", văn bản {evidence}" if evidence else "") + ".",
        before=before, after=_task_snapshot(session, task),
    )
    return task


@dataclass(frozen=True, slots=True)
class TaskRef:
    """How a record points at a task of any year's plan: its printed quarter and number, confirmed by its words."""

    quarter: int
    number: int
    pattern: str  # regular expression on the accent-folded task text
    exclude: str | None = None

    def matches(self, content: str) -> bool:
        text = fold(content)
        return bool(re.search(self.pattern, text)) and not (self.exclude and re.search(self.exclude, text))


def find_task(session: Session, *, year: int, ref: TaskRef) -> PlanTask | None:
    """Return the year's task a reference names: the one at its quarter and number if its words match, else the
    only task whose words match (the Office may have renumbered); None when neither is found."""
    plan = get_plan(session, year=year)
    if plan is None:
        return None
    found = [t for t in session.exec(select(PlanTask).where(PlanTask.plan_id == plan.id).order_by(PlanTask.position))
             if ref.matches(t.content)]
    numbered = [t for t in found if (t.quarter, t.number) == (ref.quarter, ref.number)]
    if numbered:
        return numbered[0]
    return found[0] if len(found) == 1 else None


def _resolve_units(session: Session, labels: list[str]) -> list[tuple[str, int | None]]:
    lookup = units_module.lookup(session)
    resolved = []
    for label in labels:
        label = nfc(label).rstrip(".;,").strip()
        if label:
            unit = lookup.get(fold(label))
            resolved.append((label, unit.id if unit else None))
    return resolved


def _check_task_fields(quarter: int, number: int, content: str, units: list[str], due_on: date, year: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise PlanError("Quý phải là 1, 2, 3 hoặc 4.")
    if number < 1:
        raise PlanError("Số thứ tự nhiệm vụ phải là số nguyên dương.")
    if not form_text(content, label="Nội dung công việc", column=PlanTask.content, error=PlanError):
        raise PlanError("Nhập nội dung công việc.")
    if not [u for u in units if form_text(u, label="Đơn vị tham mưu, thực hiện", column=PlanTaskUnit.label,
                                          error=PlanError)]:
        raise PlanError("Chọn hoặc nhập ít nhất một đơn vị tham mưu, thực hiện.")
    if due_on.year not in (year, year + 1):
        raise PlanError(f"Hạn hoàn thành {format_date(due_on)} không thuộc năm kế hoạch {year}.")


def add_task(
    session: Session,
    actor: Actor,
    *,
    year: int,
    quarter: int,
    content: str,
    units: list[str],
    number: int | None = None,
    due_on: date | None = None,
) -> PlanTask:
    """Add a task to a year's plan (numbered after the quarter's last unless given; due at quarter end unless given)."""
    require(actor, "sua_ke_hoach")
    plan = get_plan(session, year=year)
    if plan is None:
        raise PlanError(f"Năm {year} chưa có kế hoạch. Sao chép kế hoạch năm trước hoặc tạo kế hoạch mới.")
    last = session.exec(
        select(func.max(PlanTask.number)).where(PlanTask.plan_id == plan.id, PlanTask.quarter == quarter)
    ).one()
    number = number or (last or 0) + 1
    due_on = due_on or quarter_end(year, quarter)
    _check_task_fields(quarter, number, content, units, due_on, year)
    position = (session.exec(select(func.max(PlanTask.position)).where(PlanTask.plan_id == plan.id)).one() or 0) + 1
    task = PlanTask(plan_id=plan.id, quarter=quarter, number=number, position=position, content=nfc(content),
                    due_on=due_on)
    session.add(task)
    session.flush()
    for index, (label, unit_id) in enumerate(_resolve_units(session, units)):
        session.add(PlanTaskUnit(task_id=task.id, unit_id=unit_id, label=label, position=index))
    session.flush()
    audit.record(session, actor, "them_nhiem_vu", "nhiem_vu", task.id, f"Thêm {_describe(task)} năm {year}.",
                 after=_task_snapshot(session, task))
    return task


def edit_task(
    session: Session,
    actor: Actor,
    *,
    task_id: int,
    quarter: int,
    number: int,
    content: str,
    units: list[str],
    due_on: date,
) -> PlanTask:
    """Change a task's quarter, number, content, responsible units or due date."""
    require(actor, "sua_ke_hoach")
    task = session.get(PlanTask, task_id)
    if task is None:
        raise PlanError("Không tìm thấy nhiệm vụ này (có thể đã bị xóa). Tải lại trang.")
    plan = session.get(Plan, task.plan_id)
    _check_task_fields(quarter, number, content, units, due_on, plan.year)
    before = _task_snapshot(session, task)
    task.quarter, task.number, task.content, task.due_on = quarter, number, nfc(content), due_on
    task.updated_at = utcnow()
    for link in session.exec(select(PlanTaskUnit).where(PlanTaskUnit.task_id == task.id)).all():
        session.delete(link)
    session.flush()
    for index, (label, unit_id) in enumerate(_resolve_units(session, units)):
        session.add(PlanTaskUnit(task_id=task.id, unit_id=unit_id, label=label, position=index))
    session.add(task)
    session.flush()
    audit.record(session, actor, "sua_nhiem_vu", "nhiem_vu", task.id, f"Sửa {_describe(task)} năm {plan.year}.",
                 before=before, after=_task_snapshot(session, task))
    return task


def copy_plan(session: Session, actor: Actor, *, from_year: int, to_year: int, issued_on: date | None = None) -> Plan:
    """Copy a plan's tasks and units to a new year, every task not yet started and due in the same quarter."""
    require(actor, "sua_ke_hoach")
    source = get_plan(session, year=from_year)
    if source is None:
        raise PlanError(f"Năm {from_year} chưa có kế hoạch để sao chép.")
    if get_plan(session, year=to_year) is not None:
        raise PlanError(f"Năm {to_year} đã có kế hoạch: không sao chép đè lên.")
    if not 2000 <= to_year <= 2100:
        raise PlanError("Năm kế hoạch phải trong khoảng 2000–2100.")
    shift = to_year - from_year
    title = source.title.replace(str(from_year), str(to_year))
    plan = Plan(
        year=to_year, number=None, symbol=source.symbol, issued_on=issued_on, place=source.place, title=title,
        signer=source.signer, signer_title=source.signer_title,
        dossier_deadline=shift_years(source.dossier_deadline, shift) if source.dossier_deadline else None,
    )
    session.add(plan)
    session.flush()
    old_tasks = session.exec(select(PlanTask).where(PlanTask.plan_id == source.id).order_by(PlanTask.position)).all()
    for old in old_tasks:
        task = PlanTask(
            plan_id=plan.id, quarter=old.quarter, number=old.number, position=old.position,
            content=old.content.replace(str(from_year), str(to_year)), due_on=shift_years(old.due_on, shift),
        )
        session.add(task)
        session.flush()
        for link in session.exec(select(PlanTaskUnit).where(PlanTaskUnit.task_id == old.id)).all():
            session.add(PlanTaskUnit(task_id=task.id, unit_id=link.unit_id, label=link.label, position=link.position))
    session.flush()
    audit.record(session, actor, "sao_chep_ke_hoach", "ke_hoach", plan.id,
                 f"Sao chép kế hoạch năm {from_year} sang năm {to_year} ({len(old_tasks)} nhiệm vụ).",
                 after=audit.snapshot(plan))
    return plan


def editable_task_ids(session: Session, actor: Actor, *, year: int) -> set[int]:
    """Return the ids of the year's tasks the actor may update (all for the Office; own unit's for a unit user)."""
    plan = get_plan(session, year=year)
    if plan is None:
        return set()
    task_ids = session.exec(select(PlanTask.id).where(PlanTask.plan_id == plan.id))
    units: dict[int, set[int]] = {i: set() for i in task_ids}
    for task_id, unit_id in session.exec(  # one query for every task's units, not one per task
        select(PlanTaskUnit.task_id, PlanTaskUnit.unit_id).join(PlanTask).where(PlanTask.plan_id == plan.id)
    ):
        if unit_id is not None:
            units[task_id].add(unit_id)
    return {i for i, unit_ids in units.items() if can(actor, "cap_nhat_nhiem_vu", unit_ids=unit_ids)}



DISPLAY_COLUMNS = {
    "quarter": "Quý",
    "number": "Số",
    "stored_label": "Trạng thái",
    "late": "Quá hạn",
    "content": "Nội dung công việc",
    "units_text": "Đơn vị tham mưu, thực hiện",
    "due": "Hạn",
    "completed": "Ngày hoàn thành",
    "evidence": "Văn bản (số, ký hiệu)",
    "note": "Ghi chú",
}


def display_table(frame: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Return the tasks as the page and the export show them: Vietnamese headers, dd/mm/yyyy dates.

    "Trạng thái" is what was recorded; "Quá hạn" says by how many days an unfinished task is late as of the date.
    """
    shown = frame.assign(
        stored_label=frame["status"].map(lambda s: TASK_STATUS_LABELS[TaskStatus(s)]),
        late=[f"Quá hạn {(as_of - due).days} ngày" if overdue else "" for due, overdue in zip(
            frame["due_on"], frame["overdue"], strict=True)],
        units_text=frame["units"].map("; ".join),
        due=frame["due_on"].map(format_date),
        completed=frame["completed_on"].map(format_date),
        quarter=frame["quarter"].map(lambda q: f"Quý {q}"),
        evidence=frame["evidence"].fillna(""),
        note=frame["note"].fillna(""),
    )
    return shown[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def task_choice_label(row) -> str:
    """Return how a task is named in a picker: "Quý 1 · 2. Tổ chức ký kết…"."""
    content = row.content if len(row.content) <= 90 else row.content[:87] + "…"
    return f"Quý {row.quarter} · {row.number}. {content}"
