"""A year's cluster setup: the internal covenant, the plan's obligations as events, copying a year's clusters."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tdkt.clusters.cluster_writes import check_year
from tdkt.clusters.clusters import (
    DEFAULT_TITLES,
    EVENT_TASKS,
    INTERNAL,
    ClusterError,
    clusters_of,
    suggested_task,
)
from tdkt.core import audit
from tdkt.core.dates import shift_years
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, PlanTask, Unit, UnitKind
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold
from tdkt.plan import plan as plan_module

INTERNAL_NAME = "Giao ước thi đua nội bộ Sở Công Thương"
INTERNAL_LEVEL = "Sở Công Thương"
INTERNAL_US = "Văn phòng Sở"  # organises the internal signing for the Giám đốc and is itself a signatory


def internal_units(session: Session) -> list[Unit]:
    """Return the units that sign the internal covenant: every active phòng and đơn vị trực thuộc, in order."""
    return list(session.exec(select(Unit).where(Unit.active, col(Unit.kind).in_([UnitKind.PHONG, UnitKind.TRUC_THUOC]))
                             .order_by(Unit.position, Unit.name)).all())


def ensure_internal_cluster(session: Session, *, year: int) -> Cluster | None:
    """Create the year's internal covenant (members: the phòng and đơn vị trực thuộc) unless it exists; None if it did.

    No permission check: for the seed, the demo and checked callers (copy_clusters).
    """
    if any(fold(c.code) == fold(INTERNAL) for c in clusters_of(session, year=year)):
        return None
    cluster = Cluster(year=year, code=INTERNAL, name=INTERNAL_NAME, level=INTERNAL_LEVEL)
    session.add(cluster)
    session.flush()
    for unit in internal_units(session):
        ours = fold(unit.name) == fold(INTERNAL_US) or unit.short_name == "VP"
        session.add(ClusterMember(cluster_id=cluster.id, name=unit.name, role="cum_truong" if ours else "thanh_vien",
                                  is_us=ours))
    session.flush()
    return cluster


def seed_obligations(session: Session, *, year: int) -> int:
    """Add the events the year's plan assigns to us (EVENT_TASKS) where the cluster lacks one of that kind, each
    linked to its task and due when the task is; return how many were added. No permission check (seed, demo)."""
    added = 0
    by_code = {fold(c.code): c for c in clusters_of(session, year=year)}
    for (code, kind), ref in EVENT_TASKS.items():
        cluster = by_code.get(code)
        if cluster is None or session.exec(select(ClusterEvent).where(ClusterEvent.cluster_id == cluster.id,
                                                                      ClusterEvent.kind == kind)).first():
            continue
        task = plan_module.find_task(session, year=year, ref=ref)
        if task is None:
            continue
        session.add(ClusterEvent(cluster_id=cluster.id, kind=kind, title=DEFAULT_TITLES[kind], due_on=task.due_on,
                                 scored=kind == "cham_diem", task_id=task.id))
        added += 1
    session.flush()
    return added


def _task_next_year(session: Session, old_task_id: int | None, cluster: Cluster, kind: str, shift: int) -> int | None:
    """Return the new year's task for a copied event: the same quarter and number with the same words (year
    replaced), else the plan's obligation for this cluster and kind."""
    old = session.get(PlanTask, old_task_id) if old_task_id else None
    plan = plan_module.get_plan(session, year=cluster.year)
    if old is not None and plan is not None:
        old_year = cluster.year - shift
        words = fold(old.content.replace(str(old_year), str(cluster.year)))
        for task in session.exec(select(PlanTask).where(PlanTask.plan_id == plan.id, PlanTask.quarter == old.quarter,
                                                        PlanTask.number == old.number)).all():
            if fold(task.content) == words:
                return task.id
    task = suggested_task(session, year=cluster.year, code=cluster.code, kind=kind)
    return task.id if task else None


def copy_clusters(session: Session, actor: Actor, *, from_year: int, to_year: int) -> list[Cluster]:
    """Copy a year's clusters, members (with roles) and events (due dates moved) to a new year, without
    participation; the internal covenant is created when the source has none. Events carry the new plan's tasks."""
    require(actor, "quan_ly_cum")
    check_year(to_year)
    source = clusters_of(session, year=from_year)
    if not source:
        raise ClusterError(f"Năm {from_year} chưa có cụm thi đua để sao chép.")
    if clusters_of(session, year=to_year):
        raise ClusterError(f"Năm {to_year} đã có cụm thi đua: không sao chép đè lên.")
    shift = to_year - from_year
    created = []
    for old in source:
        cluster = Cluster(year=to_year, code=old.code, name=old.name.replace(str(from_year), str(to_year)),
                          level=old.level)
        session.add(cluster)
        session.flush()
        for m in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == old.id)).all():
            session.add(ClusterMember(cluster_id=cluster.id, name=m.name, role=m.role, is_us=m.is_us))
        for e in session.exec(select(ClusterEvent).where(ClusterEvent.cluster_id == old.id)
                              .order_by(ClusterEvent.due_on, ClusterEvent.id)).all():
            session.add(ClusterEvent(
                cluster_id=cluster.id, kind=e.kind, title=e.title.replace(str(from_year), str(to_year)),
                due_on=shift_years(e.due_on, shift), scored=e.scored,
                task_id=_task_next_year(session, e.task_id, cluster, e.kind, shift)))
        created.append(cluster)
    internal = ensure_internal_cluster(session, year=to_year)
    if internal is not None:
        seed_obligations(session, year=to_year)
        created.append(internal)
    session.flush()
    audit.record(session, actor, "sao_chep_cum", "cum", None,
                 f"Sao chép {len(source)} cụm thi đua năm {from_year} sang năm {to_year}"
                 + (" (thêm giao ước nội bộ)" if internal is not None else "") + ".")
    return created
