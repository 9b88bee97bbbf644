"""Cluster writes, checked and audited: add, change and remove clusters, members and events; record participation."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.clusters.clusters import (
    DEFAULT_TITLES,
    EVENT_KINDS,
    ROLES,
    ClusterError,
    clusters_of,
    participation_status,
    suggested_task,
)
from tdkt.core import audit
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, Participation, PlanTask
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, form_text, format_date, format_number
from tdkt.plan import plan as plan_module


def _text(value: str | None, label: str, column) -> str:
    """Return a field cleaned as list cells are ("" when empty); refused when it cannot be stored as typed."""
    return form_text(value, label=label, column=column, error=ClusterError) or ""


def _get(session: Session, model, key: int | None, what: str):
    row = session.get(model, key) if key is not None else None
    if row is None:
        raise ClusterError(f"Không tìm thấy {what} này (có thể đã bị xóa). Tải lại trang.")
    return row


def check_year(year: int) -> None:
    """Refuse a cluster year outside 2000–2100."""
    if not 2000 <= year <= 2100:
        raise ClusterError("Năm phải trong khoảng 2000–2100.")


def add_cluster(session: Session, actor: Actor, *, year: int, code: str, name: str, level: str = "") -> Cluster:
    """Add a cluster (or the internal covenant, code “Nội bộ”) to a year."""
    require(actor, "quan_ly_cum")
    check_year(year)
    code, name, level = _check_cluster(session, year, code, name, level, None)
    cluster = Cluster(year=year, code=code, name=name, level=level)
    session.add(cluster)
    session.flush()
    audit.record(session, actor, "them_cum", "cum", cluster.id, f"Thêm {code} năm {year}.",
                 after=audit.snapshot(cluster))
    return cluster


def _check_cluster(session: Session, year: int, code: str, name: str, level: str, cluster_id: int | None):
    code, name = _text(code, "Mã cụm", Cluster.code), _text(name, "Tên cụm", Cluster.name)
    level = _text(level, "Cấp", Cluster.level)
    if not code or not name:
        raise ClusterError("Nhập mã cụm (ví dụ “Cụm II”) và tên cụm.")
    for other in clusters_of(session, year=year):
        if other.id != cluster_id and fold(other.code) == fold(code):
            raise ClusterError(f"Năm {year} đã có “{other.code}”.")
    return code, name, level


def update_cluster(session: Session, actor: Actor, *, cluster_id: int, code: str, name: str, level: str) -> Cluster:
    """Change a cluster's code, name or level."""
    require(actor, "quan_ly_cum")
    cluster = _get(session, Cluster, cluster_id, "cụm")
    before = audit.snapshot(cluster)
    cluster.code, cluster.name, cluster.level = _check_cluster(session, cluster.year, code, name, level, cluster.id)
    session.add(cluster)
    session.flush()
    audit.record(session, actor, "sua_cum", "cum", cluster.id, f"Sửa {cluster.code} năm {cluster.year}.",
                 before=before, after=audit.snapshot(cluster))
    return cluster


def remove_cluster(session: Session, actor: Actor, *, cluster_id: int) -> None:
    """Delete a cluster with its members, events and participation."""
    require(actor, "quan_ly_cum")
    cluster = _get(session, Cluster, cluster_id, "cụm")
    before = audit.snapshot(cluster)
    # Delete children explicitly: the ORM does not know about the database's ON DELETE CASCADE.
    event_ids = list(session.exec(select(ClusterEvent.id).where(ClusterEvent.cluster_id == cluster.id)).all())
    for row in session.exec(select(Participation).where(col(Participation.event_id).in_(event_ids))).all():
        session.delete(row)
    for model in (ClusterEvent, ClusterMember):
        for row in session.exec(select(model).where(model.cluster_id == cluster.id)).all():
            session.delete(row)
    session.flush()
    session.delete(cluster)
    session.flush()
    audit.record(session, actor, "xoa_cum", "cum", cluster_id, f"Xóa {before['code']} năm {before['year']}.",
                 before=before)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ClusterError(f"Vai trò “{role}” không có: chọn {', '.join(ROLES.values())}.")
    return role


def hand_over_marks(session: Session, cluster_id: int, member: ClusterMember) -> list[str]:
    """Give the head's role and the "us" mark to this member alone; return what changed on the others."""
    changed = []
    for other in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)).all():
        if other.id == member.id:
            continue
        if member.role == "cum_truong" and other.role == "cum_truong":
            other.role = "thanh_vien"
            changed.append(f"{other.name} chuyển thành thành viên")
        if member.is_us and other.is_us:
            other.is_us = False
            changed.append(f"{other.name} không còn là đơn vị ta")
        session.add(other)
    session.flush()
    return changed


def _check_member_name(session: Session, cluster_id: int, name: str, member_id: int | None) -> str:
    name = _text(name, "Tên cơ quan, đơn vị", ClusterMember.name)
    if not name:
        raise ClusterError("Nhập tên cơ quan, đơn vị thành viên.")
    for other in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)).all():
        if other.id != member_id and fold(other.name) == fold(name):
            raise ClusterError(f"Cụm đã có thành viên “{other.name}”.")
    return name


def add_member(session: Session, actor: Actor, *, cluster_id: int, name: str, role: str = "thanh_vien",
               is_us: bool = False) -> ClusterMember:
    """Add a member to a cluster; a new head or "us" takes the mark from whoever had it."""
    require(actor, "quan_ly_cum")
    cluster = _get(session, Cluster, cluster_id, "cụm")
    member = ClusterMember(cluster_id=cluster.id, name=_check_member_name(session, cluster.id, name, None),
                           role=_check_role(role), is_us=bool(is_us))
    session.add(member)
    session.flush()
    changed = hand_over_marks(session, cluster.id, member)
    audit.record(session, actor, "them_thanh_vien_cum", "thanh_vien_cum", member.id,
                 f"Thêm {member.name} ({ROLES[member.role].lower()}) vào {cluster.code} năm {cluster.year}"
                 + (f"; {'; '.join(changed)}" if changed else "") + ".", after=audit.snapshot(member))
    return member


def update_member(session: Session, actor: Actor, *, member_id: int, name: str, role: str,
                  is_us: bool) -> ClusterMember:
    """Rename a member or change its role or "us" mark."""
    require(actor, "quan_ly_cum")
    member = _get(session, ClusterMember, member_id, "thành viên")
    cluster = session.get(Cluster, member.cluster_id)
    before = audit.snapshot(member)
    member.name = _check_member_name(session, cluster.id, name, member.id)
    member.role, member.is_us = _check_role(role), bool(is_us)
    session.add(member)
    changed = hand_over_marks(session, cluster.id, member)
    session.flush()
    audit.record(session, actor, "sua_thanh_vien_cum", "thanh_vien_cum", member.id,
                 f"Sửa thành viên {member.name} của {cluster.code} năm {cluster.year}"
                 + (f"; {'; '.join(changed)}" if changed else "") + ".",
                 before=before, after=audit.snapshot(member))
    return member


def remove_member(session: Session, actor: Actor, *, member_id: int) -> None:
    """Take a member out of a cluster (with what it recorded); the department itself cannot be removed."""
    require(actor, "quan_ly_cum")
    member = _get(session, ClusterMember, member_id, "thành viên")
    if member.is_us:
        raise ClusterError(f"“{member.name}” là đơn vị ta trong cụm: đánh dấu đơn vị khác là đơn vị ta trước khi xóa.")
    cluster = session.get(Cluster, member.cluster_id)
    before = audit.snapshot(member)
    for row in session.exec(select(Participation).where(Participation.member_id == member.id)).all():
        session.delete(row)
    session.flush()
    session.delete(member)
    session.flush()
    audit.record(session, actor, "xoa_thanh_vien_cum", "thanh_vien_cum", member_id,
                 f"Xóa {before['name']} khỏi {cluster.code} năm {cluster.year}.", before=before)


def _check_event(session: Session, cluster: Cluster, kind: str, due_on: date | None, task_id: int | None) -> None:
    if kind not in EVENT_KINDS:
        raise ClusterError(f"Loại hoạt động “{kind}” không có: chọn {', '.join(EVENT_KINDS.values())}.")
    if due_on is None:
        raise ClusterError("Nhập hạn của hoạt động (dd/mm/yyyy).")
    if due_on.year not in (cluster.year, cluster.year + 1):
        raise ClusterError(f"Hạn {format_date(due_on)} không thuộc năm {cluster.year} của cụm.")
    if task_id is not None:
        task = session.get(PlanTask, task_id)
        plan = plan_module.get_plan(session, year=cluster.year)
        if task is None or plan is None or task.plan_id != plan.id:
            raise ClusterError(f"Nhiệm vụ liên kết phải thuộc kế hoạch năm {cluster.year}.")


def add_event(session: Session, actor: Actor, *, cluster_id: int, kind: str, due_on: date | None,
              title: str | None = None, scored: bool | None = None, task_id: int | None = None,
              auto_link: bool = True) -> ClusterEvent:
    """Add an event to a cluster; it carries the plan's task for this cluster and kind unless another is given.

    The task and our participation are not reconciled here: callers use `tdkt.clusters.task_links.add_event`.
    """
    require(actor, "quan_ly_cum")
    cluster = _get(session, Cluster, cluster_id, "cụm")
    if task_id is None and auto_link:
        task = suggested_task(session, year=cluster.year, code=cluster.code, kind=kind)
        task_id = task.id if task else None
    _check_event(session, cluster, kind, due_on, task_id)
    event = ClusterEvent(cluster_id=cluster.id, kind=kind, title=_text(title, "Tên hoạt động", ClusterEvent.title)
                         or DEFAULT_TITLES[kind],
                         due_on=due_on, scored=kind == "cham_diem" if scored is None else bool(scored), task_id=task_id)
    session.add(event)
    session.flush()
    audit.record(session, actor, "them_su_kien_cum", "su_kien_cum", event.id,
                 f"Thêm hoạt động “{event.title}” (hạn {format_date(due_on)}) của {cluster.code} năm {cluster.year}.",
                 after=audit.snapshot(event))
    return event


def update_event(session: Session, actor: Actor, *, event_id: int, kind: str, title: str, due_on: date | None,
                 scored: bool, task_id: int | None) -> ClusterEvent:
    """Change an event's kind, title, due date, scoring or the plan task it carries.

    A new task and our participation are not reconciled here: callers use `tdkt.clusters.task_links.update_event`.
    """
    require(actor, "quan_ly_cum")
    event = _get(session, ClusterEvent, event_id, "hoạt động")
    cluster = session.get(Cluster, event.cluster_id)
    _check_event(session, cluster, kind, due_on, task_id)
    before = audit.snapshot(event)
    title = _text(title, "Tên hoạt động", ClusterEvent.title) or DEFAULT_TITLES[kind]
    event.kind, event.title, event.due_on = kind, title, due_on
    event.scored, event.task_id = bool(scored), task_id
    session.add(event)
    session.flush()
    audit.record(session, actor, "sua_su_kien_cum", "su_kien_cum", event.id,
                 f"Sửa hoạt động “{event.title}” của {cluster.code} năm {cluster.year}.",
                 before=before, after=audit.snapshot(event))
    return event


def remove_event(session: Session, actor: Actor, *, event_id: int) -> None:
    """Delete an event with its participation (the plan task it carried is left as it is)."""
    require(actor, "quan_ly_cum")
    event = _get(session, ClusterEvent, event_id, "hoạt động")
    cluster = session.get(Cluster, event.cluster_id)
    before = audit.snapshot(event)
    for row in session.exec(select(Participation).where(Participation.event_id == event.id)).all():
        session.delete(row)
    session.flush()
    session.delete(event)
    session.flush()
    audit.record(session, actor, "xoa_su_kien_cum", "su_kien_cum", event_id,
                 f"Xóa hoạt động “{before['title']}” của {cluster.code} năm {cluster.year}.", before=before)


def describe_participation(session: Session, event: ClusterEvent, member: ClusterMember) -> str:
    """Return how the audit log names one member's part in one event: member — “event” (cluster year)."""
    cluster = session.get(Cluster, event.cluster_id)
    return f"{member.name} — “{event.title}” ({cluster.code} năm {cluster.year})"


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
    """Record what a member did for an event; the status follows from the due date.

    The plan task the event carries does not follow here: callers use `tdkt.clusters.task_links.record_participation`.
    """
    require(actor, "quan_ly_cum")
    today = today or date.today()
    event = _get(session, ClusterEvent, event_id, "hoạt động")
    member = _get(session, ClusterMember, member_id, "thành viên")
    if member.cluster_id != event.cluster_id:
        raise ClusterError(f"“{member.name}” không phải thành viên của cụm có hoạt động này.")
    document = _text(document, "Số văn bản, ký hiệu", Participation.document) or None
    if not_applicable:
        done_on, document, score = None, None, None
    if done_on is not None and done_on > today:
        raise ClusterError(f"Ngày thực hiện {format_date(done_on)} ở sau hôm nay: kiểm tra lại ngày.")
    if done_on is None and document:
        raise ClusterError("Có số văn bản thì cần ngày thực hiện (dd/mm/yyyy).")
    if score is not None:
        if not event.scored:
            raise ClusterError(f"Hoạt động “{event.title}” không chấm điểm: bỏ trống ô điểm.")
        if pd.isna(score) or not 0 <= float(score) <= 1000:
            raise ClusterError("Điểm phải là số từ 0 đến 1000.")
        score = float(score)
    part = session.exec(select(Participation).where(Participation.event_id == event.id,
                                                    Participation.member_id == member.id)).first()
    before = audit.snapshot(part) if part else None
    part = part or Participation(event_id=event.id, member_id=member.id)
    part.done_on, part.document, part.score, part.not_applicable = done_on, document, score, bool(not_applicable)
    session.add(part)
    session.flush()
    status = participation_status(due_on=event.due_on, done_on=done_on, not_applicable=part.not_applicable)
    audit.record(session, actor, "cap_nhat_tham_gia", "tham_gia", part.id,
                 f"{describe_participation(session, event, member)}: {status}"
                 + (f", văn bản {document}" if document else "")
                 + (f", {format_number(score, 2)} điểm" if score is not None else "") + ".",
                 before=before, after=audit.snapshot(part))
    return part
