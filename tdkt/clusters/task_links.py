"""Plan links: a plan task and the cluster events and movements carrying it follow each other, both ways."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tdkt.clusters import cluster_writes, movements
from tdkt.clusters.clusters import ClusterError, participation_status
from tdkt.clusters.movements import MovementError
from tdkt.core import audit
from tdkt.core.models import ClusterEvent, ClusterMember, Movement, Participation, PlanTask, TaskStatus
from tdkt.core.permissions import Actor
from tdkt.plan import plan as plan_module

# One fact is recorded once: our participation in an event carrying a task (ClusterEvent.task_id) and a movement's
# launch (Movement.task_id) are that task's completion. This module sits above plan, clusters and movements, which
# do not know about each other: each public function here does one write of theirs and makes the linked records
# follow in the same transaction. The followers write only their own rows and never call back, so a change cannot
# loop. What a task makes follow is covered by the task's own permission (a unit user allowed to finish the task
# also moves our participation in it) and audited under that user.


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
    """Record a task's progress (checked, audited); our participation in the events carrying it and the movements
    carrying it follow in the same transaction."""
    task = plan_module.update_task_status(session, actor, task_id=task_id, status=status, completed_on=completed_on,
                                          evidence=evidence, note=note, today=today)
    _participation_follows(session, actor, task)
    _movements_follow(session, actor, task)
    return task


def record_participation(
    session: Session,
    actor: Actor,
    *,
    event_id: int,
    member_id: int,
    done_on: date | None = None,
    document: str | None = None,
    score: float | None = None,
    not_applicable: bool = False,
    today: date | None = None,
) -> Participation:
    """Record what a member did for an event (checked, audited); ours moves the plan task the event carries."""
    today = today or date.today()
    part = cluster_writes.record_participation(session, actor, event_id=event_id, member_id=member_id,
                                               done_on=done_on, document=document, score=score,
                                               not_applicable=not_applicable, today=today)
    event, member = session.get(ClusterEvent, part.event_id), session.get(ClusterMember, part.member_id)
    if member.is_us and event.task_id is not None:
        _task_follows_participation(session, actor, event, part, today=today)
    return part


def add_event(session: Session, actor: Actor, *, cluster_id: int, kind: str, due_on: date | None,
              title: str | None = None, scored: bool | None = None, task_id: int | None = None,
              auto_link: bool = True, today: date | None = None) -> ClusterEvent:
    """Add an event to a cluster (it carries the plan's task for this cluster and kind unless another is given),
    then reconcile the task it carries with our participation."""
    event = cluster_writes.add_event(session, actor, cluster_id=cluster_id, kind=kind, due_on=due_on, title=title,
                                     scored=scored, task_id=task_id, auto_link=auto_link)
    _reconcile_event(session, actor, event, today=today)
    return event


def update_event(session: Session, actor: Actor, *, event_id: int, kind: str, title: str, due_on: date | None,
                 scored: bool, task_id: int | None, today: date | None = None) -> ClusterEvent:
    """Change an event's kind, title, due date, scoring or task; a newly carried task is reconciled as on adding."""
    current = session.get(ClusterEvent, event_id) if event_id is not None else None
    previous_task = current.task_id if current is not None else None
    event = cluster_writes.update_event(session, actor, event_id=event_id, kind=kind, title=title, due_on=due_on,
                                        scored=scored, task_id=task_id)
    if event.task_id != previous_task:
        _reconcile_event(session, actor, event, today=today)
    return event


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
    """Register a movement (the year's regular one carries the plan's launch task, Q1.1), then reconcile that task
    with its launch."""
    today = today or date.today()
    movement = movements.add_movement(session, actor, year=year, name=name, kind=kind, document=document,
                                      launched_on=launched_on, start_on=start_on, end_on=end_on,
                                      launched_by=launched_by, goals=goals, unit_ids=unit_ids, task_id=task_id,
                                      auto_link=auto_link, today=today)
    _reconcile_movement(session, actor, movement, today=today)
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
    """Change a movement's registration; its launch date and document move the task it carries (a newly carried
    task is reconciled as on registering)."""
    today = today or date.today()
    current = session.get(Movement, movement_id) if movement_id is not None else None
    previous_task = current.task_id if current is not None else None
    movement = movements.update_movement(session, actor, movement_id=movement_id, name=name, kind=kind,
                                         document=document, launched_on=launched_on, start_on=start_on,
                                         end_on=end_on, launched_by=launched_by, goals=goals, unit_ids=unit_ids,
                                         task_id=task_id, today=today)
    if movement.task_id != previous_task:
        _reconcile_movement(session, actor, movement, today=today)
    else:
        _task_follows_movement(session, actor, movement, today=today)
    return movement


def _task_follows(session: Session, actor: Actor, *, task_id: int, done_on: date | None, document: str | None,
                  today: date) -> None:
    """Make a linked task follow a record (our participation, a movement's launch) done on a date with a document.

    Done → "Hoàn thành" with that date and document; not done → back to "Chưa thực hiện" if it was finished; a task
    already in that state is left alone (so two links never write back and forth).
    """
    task = session.get(PlanTask, task_id)
    if done_on is not None:
        evidence = document or task.evidence
        if (task.status, task.completed_on, task.evidence) == (TaskStatus.XONG, done_on, evidence):
            return
        status, completed_on = TaskStatus.XONG, done_on
    elif task.status == TaskStatus.XONG:
        status, completed_on, evidence = TaskStatus.CHUA, None, None
    else:
        return
    update_task_status(session, actor, task_id=task.id, status=status, completed_on=completed_on, evidence=evidence,
                       note=task.note, today=today)


def _task_follows_participation(session: Session, actor: Actor, event: ClusterEvent, part: Participation, *,
                                today: date) -> None:
    """Move the task our participation carries: done → Hoàn thành with its date and document; else Chưa thực hiện."""
    done_on = part.done_on if part.done_on is not None and not part.not_applicable else None
    try:
        _task_follows(session, actor, task_id=event.task_id, done_on=done_on, document=part.document, today=today)
    except plan_module.PlanError as error:
        raise ClusterError(str(error)) from None


def _task_follows_movement(session: Session, actor: Actor, movement: Movement, *, today: date) -> None:
    """Move the carried task: launched → Hoàn thành with the launch date and document; not launched → Chưa thực hiện."""
    if movement.task_id is None:
        return
    try:
        _task_follows(session, actor, task_id=movement.task_id, done_on=movement.launched_on,
                      document=movement.document, today=today)
    except plan_module.PlanError as error:
        raise MovementError(str(error)) from None


def _participation_follows(session: Session, actor: Actor, task: PlanTask) -> None:
    """Make our participation in every event carrying this task say what the task says (plan → cluster)."""
    for event in session.exec(select(ClusterEvent).where(ClusterEvent.task_id == task.id)).all():
        ours = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == event.cluster_id,
                                                        ClusterMember.is_us)).all()
        for member in ours:
            _one_participation_follows(session, actor, task, event, member)


def _one_participation_follows(session: Session, actor: Actor, task: PlanTask, event: ClusterEvent,
                               member: ClusterMember) -> None:
    part = session.exec(select(Participation).where(Participation.event_id == event.id,
                                                    Participation.member_id == member.id)).first()
    current = (part.done_on, part.document, bool(part.not_applicable)) if part else (None, None, False)
    if task.status == TaskStatus.XONG:
        wanted = (task.completed_on, task.evidence or current[1], False)
    elif current[0] is not None:
        wanted = (None, None, current[2])
    else:
        return
    if wanted == current:
        return
    before = audit.snapshot(part) if part else None
    part = part or Participation(event_id=event.id, member_id=member.id)
    part.done_on, part.document, part.not_applicable = wanted
    session.add(part)
    session.flush()
    status = participation_status(due_on=event.due_on, done_on=part.done_on, not_applicable=part.not_applicable)
    audit.record(session, actor, "cap_nhat_tham_gia", "tham_gia", part.id,
                 f"{cluster_writes.describe_participation(session, event, member)}: {status}, theo nhiệm vụ "
                 f"{task.number} quý {task.quarter} của kế hoạch.", before=before, after=audit.snapshot(part))


def _movements_follow(session: Session, actor: Actor, task: PlanTask) -> None:
    """Make every movement carrying this task say what the task says (plan → movement)."""
    for movement in session.exec(select(Movement).where(Movement.task_id == task.id)).all():
        current = (movement.launched_on, movement.document)
        if task.status == TaskStatus.XONG:
            wanted = (task.completed_on, task.evidence or movement.document)
        elif movement.launched_on is not None and movement.closed_on is None:
            wanted = (None, movement.document)
        else:
            continue  # a closed movement keeps its launch: its task cannot undo what was carried out
        if wanted == current:
            continue
        before = movements.snapshot(session, movement)
        movement.launched_on, movement.document = wanted
        session.add(movement)
        session.flush()
        state = movements.status(launched_on=movement.launched_on, closed_on=movement.closed_on)
        audit.record(session, actor, "sua_phong_trao", "phong_trao", movement.id,
                     f"Phong trào “{movement.name}”: {state}, theo nhiệm vụ {task.number} quý {task.quarter} "
                     "của kế hoạch.", before=before, after=movements.snapshot(session, movement))


def _reconcile_event(session: Session, actor: Actor, event: ClusterEvent, *, today: date | None) -> None:
    """On a new link, the task's completion wins when it has one; otherwise our recorded participation moves it."""
    if event.task_id is None:
        return
    task = session.get(PlanTask, event.task_id)
    if task.status == TaskStatus.XONG:
        _participation_follows(session, actor, task)
        return
    for member in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == event.cluster_id,
                                                           ClusterMember.is_us)).all():
        part = session.exec(select(Participation).where(Participation.event_id == event.id,
                                                        Participation.member_id == member.id)).first()
        if part is not None and part.done_on is not None:
            _task_follows_participation(session, actor, event, part, today=today or date.today())


def _reconcile_movement(session: Session, actor: Actor, movement: Movement, *, today: date) -> None:
    """On a new link, a task already done gives the launch; otherwise the movement's launch moves the task."""
    if movement.task_id is None:
        return
    task = session.get(PlanTask, movement.task_id)
    if task.status == TaskStatus.XONG and movement.launched_on is None:
        _movements_follow(session, actor, task)
    else:
        _task_follows_movement(session, actor, movement, today=today)
