"""Emulation clusters and covenants: members, events, participation status and rates, ranking, links to plan tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.clusters import movements as movements_module
from tdkt.plan import plan as plan_module
from tdkt.core.permissions import Actor, require
from tdkt.core.dates import shift_years
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, Participation, PlanTask, TaskStatus, Unit, UnitKind
from tdkt.core.text import fold, format_date, format_number, format_percent, nfc, sort_key
from tdkt.core.errors import Refused

INTERNAL = "Nội bộ"  # the code of the internal covenant, kept as a cluster of the department's own units
INTERNAL_NAME = "Giao ước thi đua nội bộ Sở Công Thương"
INTERNAL_LEVEL = "Sở Công Thương"
INTERNAL_US = "Văn phòng Sở"  # organises the internal signing for the Giám đốc and is itself a signatory
US_MARK = "★"

EVENT_KINDS = {
    "ky_ket": "Ký kết giao ước",
    "so_ket": "Báo cáo sơ kết 6 tháng",
    "tong_ket": "Báo cáo tổng kết",
    "hoi_nghi": "Hội nghị",
    "cham_diem": "Chấm điểm",
}
DEFAULT_TITLES = {
    "ky_ket": "Ký kết giao ước thi đua",
    "so_ket": "Báo cáo sơ kết công tác TĐKT 6 tháng",
    "tong_ket": "Báo cáo tổng kết công tác TĐKT năm",
    "hoi_nghi": "Hội nghị cụm thi đua",
    "cham_diem": "Chấm điểm, xếp hạng thi đua",
}
ROLES = {"cum_truong": "Cụm trưởng", "cum_pho": "Cụm phó", "thanh_vien": "Thành viên"}

ON_TIME, LATE, PENDING, NOT_APPLICABLE = "Đúng hạn", "Trễ hạn", "Chưa thực hiện", "Không áp dụng"
STATUSES = [ON_TIME, LATE, PENDING, NOT_APPLICABLE]

# The plan's own cluster obligations: the task an event of a cluster carries (2024 plan as printed: Q1.2 internal
# covenant, Q1.3 covenant with Cụm II, Q3.2 / Q3.3 six-month reports to Cụm II / Cụm III). Keys are folded codes.
EVENT_TASKS: dict[tuple[str, str], plan_module.TaskRef] = {
    (fold(INTERNAL), "ky_ket"): plan_module.TaskRef(1, 2, r"giao uoc", exclude=r"\bcum\b"),
    ("cum ii", "ky_ket"): plan_module.TaskRef(1, 3, r"giao uoc.*\bcum ii\b"),
    ("cum ii", "so_ket"): plan_module.TaskRef(3, 2, r"so ket.*\bcum ii\b"),
    ("cum iii", "so_ket"): plan_module.TaskRef(3, 3, r"so ket.*\bcum iii\b"),
}

MEMBER_COLUMNS = ["id", "name", "role", "role_label", "is_us"]
EVENT_COLUMNS = ["id", "kind", "kind_label", "title", "due_on", "scored", "task_id", "task_label", "label"]
MATRIX_COLUMNS = [
    "member_id", "member", "role", "is_us", "event_id", "event", "kind", "kind_label", "due_on", "scored",
    "done_on", "document", "score", "not_applicable", "status",
]
COUNT_COLUMNS = ["on_time", "late", "pending", "not_applicable", "done", "applicable", "rate"]
RANKING_COLUMNS = ["member_id", "member", "is_us", "score", "rank"]


class ClusterError(Refused):
    """A cluster change was refused; the message is Vietnamese and says what to do."""


# --- rules -----------------------------------------------------------------------------------------------------


def participation_status(*, due_on: date, done_on: date | None, not_applicable: bool) -> str:
    """Return the status of one member for one event: done on or before the due date is on time, after it late."""
    if not_applicable:
        return NOT_APPLICABLE
    if done_on is None:
        return PENDING
    return ON_TIME if done_on <= due_on else LATE


def rate(statuses: list[str] | pd.Series) -> float | None:
    """Return the share of done (on time or late) among the applicable statuses; None when none applies."""
    applicable = [s for s in statuses if s != NOT_APPLICABLE]
    done = sum(s in (ON_TIME, LATE) for s in applicable)
    return done / len(applicable) if applicable else None


def competition_ranks(scores: list[float | None]) -> list[int | None]:
    """Return the competition rank of each score (ties share a rank: 1, 1, 3); None for no score."""
    rounded = [None if s is None or pd.isna(s) else round(float(s), 2) for s in scores]
    return [None if s is None else 1 + sum(o is not None and o > s for o in rounded) for s in rounded]


def event_label(title: str, due_on: date) -> str:
    """Return how an event is named in tables and charts: its title and due date."""
    return f"{title} (hạn {format_date(due_on)})"


# --- reading ---------------------------------------------------------------------------------------------------


def years(session: Session) -> list[int]:
    """Return the years that have clusters, newest first."""
    return list(session.exec(select(Cluster.year).distinct().order_by(col(Cluster.year).desc())).all())


def clusters_of(session: Session, *, year: int) -> list[Cluster]:
    """Return a year's clusters ordered by code the Vietnamese way (Cụm II, Cụm III, Nội bộ)."""
    return sorted(session.exec(select(Cluster).where(Cluster.year == year)).all(), key=lambda c: sort_key(c.code))


def _role_order(role: str) -> int:
    return list(ROLES).index(role) if role in ROLES else len(ROLES)


def members(session: Session, *, cluster_id: int) -> pd.DataFrame:
    """Return a cluster's members, head first, then deputies, then members by name: columns MEMBER_COLUMNS."""
    rows = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)).all()
    rows = sorted(rows, key=lambda m: (_role_order(m.role), sort_key(m.name)))
    return pd.DataFrame([{"id": m.id, "name": m.name, "role": m.role, "role_label": ROLES.get(m.role, m.role),
                          "is_us": bool(m.is_us)} for m in rows], columns=MEMBER_COLUMNS)


def events(session: Session, *, cluster_id: int) -> pd.DataFrame:
    """Return a cluster's events by due date, with the plan task each carries: columns EVENT_COLUMNS."""
    rows = session.exec(select(ClusterEvent, PlanTask).join(PlanTask, isouter=True)
                        .where(ClusterEvent.cluster_id == cluster_id)
                        .order_by(ClusterEvent.due_on, ClusterEvent.id)).all()
    return pd.DataFrame([{
        "id": e.id, "kind": e.kind, "kind_label": EVENT_KINDS.get(e.kind, e.kind), "title": e.title, "due_on": e.due_on,
        "scored": bool(e.scored), "task_id": e.task_id,
        "task_label": f"Nhiệm vụ {t.number} quý {t.quarter}" if t is not None else "",
        "label": event_label(e.title, e.due_on),
    } for e, t in rows], columns=EVENT_COLUMNS)


def matrix(session: Session, *, cluster_id: int) -> pd.DataFrame:
    """Return one row per member and event with what was recorded and the computed status: columns MATRIX_COLUMNS."""
    member_frame = members(session, cluster_id=cluster_id)
    event_frame = events(session, cluster_id=cluster_id)
    recorded = {(p.member_id, p.event_id): p for p in session.exec(
        select(Participation).join(ClusterEvent).where(ClusterEvent.cluster_id == cluster_id)).all()}
    records = []
    for m in member_frame.itertuples():
        for e in event_frame.itertuples():
            p = recorded.get((m.id, e.id))
            done_on = p.done_on if p else None
            not_applicable = bool(p.not_applicable) if p else False
            records.append({
                "member_id": m.id, "member": m.name, "role": m.role, "is_us": m.is_us, "event_id": e.id,
                "event": e.label, "kind": e.kind, "kind_label": e.kind_label, "due_on": e.due_on, "scored": e.scored,
                "done_on": done_on, "document": p.document if p else None, "score": p.score if p else None,
                "not_applicable": not_applicable,
                "status": participation_status(due_on=e.due_on, done_on=done_on, not_applicable=not_applicable),
            })
    return nullable_text(pd.DataFrame(records, columns=MATRIX_COLUMNS), ["document"])


def nullable_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return the frame with these text columns as objects holding None for "missing" (pandas 3 infers a string
    dtype whose missing value is NaN, which reads as true and prints as "nan")."""
    for name in columns:
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # Counted in Python: a cluster has tens of cells, and pandas' grouped lambdas cost far more than the counting.
    groups: dict[tuple, list[str]] = {}
    for key, status in zip(zip(*(frame[k] for k in keys)), frame["status"]):
        groups.setdefault(key, []).append(status)
    rows = []
    for key, statuses in groups.items():
        on_time, late = statuses.count(ON_TIME), statuses.count(LATE)
        pending, na = statuses.count(PENDING), statuses.count(NOT_APPLICABLE)
        rows.append({**dict(zip(keys, key)), "on_time": on_time, "late": late, "pending": pending,
                     "not_applicable": na, "done": on_time + late, "applicable": on_time + late + pending,
                     "rate": rate(statuses)})
    return pd.DataFrame(rows, columns=keys + COUNT_COLUMNS)


def rates_by_member(frame: pd.DataFrame) -> pd.DataFrame:
    """Return each member's counts by status and participation rate (N/A left out): member_id, member, is_us, …"""
    return _counts(frame, ["member_id", "member", "is_us"])


def rates_by_event(frame: pd.DataFrame) -> pd.DataFrame:
    """Return each event's counts by status and participation rate (N/A left out): event_id, event, kind, due_on, …"""
    return _counts(frame, ["event_id", "event", "kind", "kind_label", "due_on"])


def ranking(session: Session, *, cluster_id: int) -> pd.DataFrame:
    """Return members ranked by their total score in the cluster's scored events (1, 1, 3 for ties); unscored last."""
    totals = dict(session.exec(
        select(Participation.member_id, func.sum(Participation.score))
        .join(ClusterEvent, Participation.event_id == ClusterEvent.id)
        .where(ClusterEvent.cluster_id == cluster_id, ClusterEvent.scored, Participation.score.is_not(None))
        .group_by(Participation.member_id)
    ).all())
    frame = members(session, cluster_id=cluster_id)
    scores = [None if totals.get(i) is None else round(float(totals[i]), 2) for i in frame["id"]]
    rows = sorted(zip(frame["id"], frame["name"], frame["is_us"], scores, competition_ranks(scores), strict=True),
                  key=lambda r: (r[4] is None, r[4] or 0, sort_key(r[1])))
    return pd.DataFrame({
        "member_id": [r[0] for r in rows], "member": [r[1] for r in rows], "is_us": [bool(r[2]) for r in rows],
        "score": pd.array([r[3] for r in rows], dtype="Float64"), "rank": pd.array([r[4] for r in rows], dtype="Int64"),
    }, columns=RANKING_COLUMNS)


@dataclass(frozen=True, slots=True)
class ClusterView:
    """Everything the page shows about one cluster in one year."""

    cluster: Cluster
    members: pd.DataFrame
    events: pd.DataFrame
    matrix: pd.DataFrame
    by_member: pd.DataFrame
    by_event: pd.DataFrame
    ranking: pd.DataFrame

    @property
    def rate(self) -> float | None:
        return rate(self.matrix["status"]) if not self.matrix.empty else None

    @property
    def our_rank(self) -> int | None:
        ours = self.ranking[self.ranking["is_us"] & self.ranking["rank"].notna()]
        return int(ours["rank"].iloc[0]) if not ours.empty else None


def view(session: Session, *, cluster_id: int) -> ClusterView:
    """Return the page's view of one cluster."""
    frame = matrix(session, cluster_id=cluster_id)
    return ClusterView(
        cluster=session.get(Cluster, cluster_id), members=members(session, cluster_id=cluster_id),
        events=events(session, cluster_id=cluster_id), matrix=frame, by_member=rates_by_member(frame),
        by_event=rates_by_event(frame), ranking=ranking(session, cluster_id=cluster_id),
    )


def year_views(session: Session, *, year: int) -> list[ClusterView]:
    """Return the views of every cluster of a year, in code order."""
    return [view(session, cluster_id=c.id) for c in clusters_of(session, year=year)]


# --- tables as shown and exported ------------------------------------------------------------------------------


def _yes(flag: bool) -> str:
    return US_MARK if flag else ""


def _cell(row) -> str:
    """Return one matrix cell as the exported table shows it: status, then date, document or score."""
    extra = [format_date(row.done_on), row.document or "",
             f"{format_number(row.score, 1)} điểm" if row.score is not None and not pd.isna(row.score) else ""]
    extra = [e for e in extra if e]
    return row.status + (f" ({', '.join(extra)})" if extra else "")


def summary_table(views: list[ClusterView]) -> pd.DataFrame:
    """Return one row per cluster: members, events, participation rate, our rank (Vietnamese headers)."""
    return pd.DataFrame([{
        "Cụm": v.cluster.code, "Tên cụm": v.cluster.name, "Cấp": v.cluster.level, "Số thành viên": len(v.members),
        "Số hoạt động": len(v.events), "Tỷ lệ tham gia": format_percent(v.rate),
        "Hạng của đơn vị ta": v.our_rank if v.our_rank is not None else "",
    } for v in views], columns=["Cụm", "Tên cụm", "Cấp", "Số thành viên", "Số hoạt động", "Tỷ lệ tham gia",
                                "Hạng của đơn vị ta"])


def _rate_table(frame: pd.DataFrame, first: dict[str, str]) -> pd.DataFrame:
    shown = frame.assign(rate=frame["rate"].map(lambda r: format_percent(None if pd.isna(r) else r)))
    columns = {**first, "on_time": ON_TIME, "late": LATE, "pending": PENDING, "not_applicable": NOT_APPLICABLE,
               "rate": "Tỷ lệ tham gia"}
    return shown[list(columns)].rename(columns=columns).reset_index(drop=True)


def display_tables(v: ClusterView) -> dict[str, pd.DataFrame]:
    """Return every table of a cluster as the page and the export show them (Vietnamese headers, dd/mm/yyyy)."""
    member_table = pd.DataFrame({"Đơn vị ta": v.members["is_us"].map(_yes), "Thành viên": v.members["name"],
                                 "Vai trò": v.members["role_label"]})
    event_table = pd.DataFrame({"Hoạt động": v.events["title"], "Loại": v.events["kind_label"],
                                "Hạn": v.events["due_on"].map(format_date),
                                "Chấm điểm": v.events["scored"].map(lambda s: "Có" if s else ""),
                                "Nhiệm vụ kế hoạch": v.events["task_label"]})
    if v.matrix.empty:
        grid = pd.DataFrame(columns=["Thành viên"])
    else:
        cells = v.matrix.assign(cell=[_cell(r) for r in v.matrix.itertuples()],
                                member=v.matrix["member"] + v.matrix["is_us"].map(lambda u: f" {US_MARK}" if u else ""))
        grid = (cells.pivot(index="member", columns="event", values="cell")
                .reindex(index=list(dict.fromkeys(cells["member"])), columns=list(dict.fromkeys(cells["event"])))
                .rename_axis(index="Thành viên", columns=None).reset_index())
    rank_table = pd.DataFrame({
        "Hạng": v.ranking["rank"].map(lambda r: "" if pd.isna(r) else int(r)),
        "Thành viên": v.ranking["member"] + v.ranking["is_us"].map(lambda u: f" {US_MARK}" if u else ""),
        "Điểm": v.ranking["score"].map(lambda s: "" if pd.isna(s) else format_number(float(s), 2)),
    })
    return {
        "Thành viên": member_table,
        "Hoạt động": event_table,
        "Tham gia": grid,
        "Theo thành viên": _rate_table(v.by_member.assign(
            member=v.by_member["member"] + v.by_member["is_us"].map(lambda u: f" {US_MARK}" if u else "")),
            {"member": "Thành viên"}),
        "Theo hoạt động": _rate_table(v.by_event.assign(due=v.by_event["due_on"].map(format_date)),
                                      {"event": "Hoạt động", "kind_label": "Loại", "due": "Hạn"}),
        "Xếp hạng": rank_table,
    }


# --- the command line's object -----------------------------------------------------------------------------------


def clusters_object(session: Session, *, year: int) -> dict:
    """Return the year's clusters and movements as the CLI's JSON object (dates dd/mm/yyyy, rates 0–1)."""
    result = []
    for v in year_views(session, year=year):
        by_event = v.by_event.set_index("event_id") if not v.by_event.empty else None
        result.append({
            "code": v.cluster.code,
            "name": v.cluster.name,
            "members": [{"name": m.name, "role": m.role_label, "is_us": bool(m.is_us)} for m in v.members.itertuples()],
            "events": [{
                "kind": e.kind_label, "due": format_date(e.due_on),
                **{k: int(by_event.loc[e.id, k]) if by_event is not None else 0
                   for k in ("done", "on_time", "late", "pending")},
            } for e in v.events.itertuples()],
            "participation_rate": v.rate,
            "ranking": [{"name": r.member, "score": float(r.score), "rank": int(r.rank)}
                        for r in v.ranking.itertuples() if not pd.isna(r.rank)],
        })
    return {"year": year, "clusters": result, "movements": movements_module.movements_object(session, year=year)}


# --- writes ----------------------------------------------------------------------------------------------------


def _get(session: Session, model, key: int | None, what: str):
    row = session.get(model, key) if key is not None else None
    if row is None:
        raise ClusterError(f"Không tìm thấy {what} này (có thể đã bị xóa). Tải lại trang.")
    return row


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ClusterError("Năm phải trong khoảng 2000–2100.")


def add_cluster(session: Session, actor: Actor, *, year: int, code: str, name: str, level: str = "") -> Cluster:
    """Add a cluster (or the internal covenant, code “Nội bộ”) to a year."""
    require(actor, "quan_ly_cum")
    _check_year(year)
    code, name, level = _check_cluster(session, year, code, name, level, None)
    cluster = Cluster(year=year, code=code, name=name, level=level)
    session.add(cluster)
    session.flush()
    audit.record(session, actor, "them_cum", "cum", cluster.id, f"Thêm {code} năm {year}.",
                 after=audit.snapshot(cluster))
    return cluster


def _check_cluster(session: Session, year: int, code: str, name: str, level: str, cluster_id: int | None):
    code, name, level = nfc(code or ""), nfc(name or ""), nfc(level or "")
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
    name = nfc(name or "")
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


def suggested_task(session: Session, *, year: int, code: str, kind: str) -> PlanTask | None:
    """Return the plan task an event of this cluster and kind carries, when the plan has one."""
    ref = EVENT_TASKS.get((fold(code), kind))
    return plan_module.find_task(session, year=year, ref=ref) if ref else None


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
              auto_link: bool = True, today: date | None = None) -> ClusterEvent:
    """Add an event to a cluster; it carries the plan's task for this cluster and kind unless another is given."""
    require(actor, "quan_ly_cum")
    cluster = _get(session, Cluster, cluster_id, "cụm")
    if task_id is None and auto_link:
        task = suggested_task(session, year=cluster.year, code=cluster.code, kind=kind)
        task_id = task.id if task else None
    _check_event(session, cluster, kind, due_on, task_id)
    event = ClusterEvent(cluster_id=cluster.id, kind=kind, title=nfc(title or "") or DEFAULT_TITLES[kind],
                         due_on=due_on, scored=kind == "cham_diem" if scored is None else bool(scored), task_id=task_id)
    session.add(event)
    session.flush()
    audit.record(session, actor, "them_su_kien_cum", "su_kien_cum", event.id,
                 f"Thêm hoạt động “{event.title}” (hạn {format_date(due_on)}) của {cluster.code} năm {cluster.year}.",
                 after=audit.snapshot(event))
    _reconcile(session, actor, event, today=today)
    return event


def update_event(session: Session, actor: Actor, *, event_id: int, kind: str, title: str, due_on: date | None,
                 scored: bool, task_id: int | None, today: date | None = None) -> ClusterEvent:
    """Change an event's kind, title, due date, scoring or the plan task it carries."""
    require(actor, "quan_ly_cum")
    event = _get(session, ClusterEvent, event_id, "hoạt động")
    cluster = session.get(Cluster, event.cluster_id)
    _check_event(session, cluster, kind, due_on, task_id)
    before = audit.snapshot(event)
    relinked = task_id != event.task_id
    event.kind, event.title, event.due_on = kind, nfc(title or "") or DEFAULT_TITLES[kind], due_on
    event.scored, event.task_id = bool(scored), task_id
    session.add(event)
    session.flush()
    audit.record(session, actor, "sua_su_kien_cum", "su_kien_cum", event.id,
                 f"Sửa hoạt động “{event.title}” của {cluster.code} năm {cluster.year}.",
                 before=before, after=audit.snapshot(event))
    if relinked:
        _reconcile(session, actor, event, today=today)
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


def _describe(session: Session, event: ClusterEvent, member: ClusterMember) -> str:
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
    """Record what a member did for an event; the status follows from the due date. Ours moves the linked task."""
    require(actor, "quan_ly_cum")
    today = today or date.today()
    event = _get(session, ClusterEvent, event_id, "hoạt động")
    member = _get(session, ClusterMember, member_id, "thành viên")
    if member.cluster_id != event.cluster_id:
        raise ClusterError(f"“{member.name}” không phải thành viên của cụm có hoạt động này.")
    document = nfc(document) if document else None
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
                 f"{_describe(session, event, member)}: {status}" + (f", văn bản {document}" if document else "")
                 + (f", {format_number(score, 2)} điểm" if score is not None else "") + ".",
                 before=before, after=audit.snapshot(part))
    if member.is_us and event.task_id is not None:
        _push_to_task(session, actor, event, part, today=today)
    return part


def _push_to_task(session: Session, actor: Actor, event: ClusterEvent, part: Participation, *, today: date) -> None:
    """Move the task our participation carries: done → Hoàn thành with its date and document; else Chưa thực hiện."""
    done_on = part.done_on if part.done_on is not None and not part.not_applicable else None
    try:
        plan_module.follow_record(session, actor, task_id=event.task_id, done_on=done_on, document=part.document,
                                  today=today)
    except plan_module.PlanError as error:
        raise ClusterError(str(error)) from None


def mirror_task(session: Session, actor: Actor, task: PlanTask) -> None:
    """Make our participation in every event carrying this task say what the task says (plan → cluster).

    Called by plan.update_task_status; writes only through the internal setter below, never back to the plan.
    """
    linked = session.exec(select(ClusterEvent).where(ClusterEvent.task_id == task.id)).all()
    for event in linked:
        ours = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == event.cluster_id,
                                                        ClusterMember.is_us)).all()
        for member in ours:
            _mirror_one(session, actor, task, event, member)


def _mirror_one(session: Session, actor: Actor, task: PlanTask, event: ClusterEvent, member: ClusterMember) -> None:
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
                 f"{_describe(session, event, member)}: {status}, theo nhiệm vụ {task.number} quý {task.quarter} "
                 "của kế hoạch.", before=before, after=audit.snapshot(part))


def _reconcile(session: Session, actor: Actor, event: ClusterEvent, *, today: date | None) -> None:
    """On a new link, the task's completion wins when it has one; otherwise our recorded participation moves it."""
    if event.task_id is None:
        return
    task = session.get(PlanTask, event.task_id)
    if task.status == TaskStatus.XONG:
        mirror_task(session, actor, task)
        return
    for member in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == event.cluster_id,
                                                           ClusterMember.is_us)).all():
        part = session.exec(select(Participation).where(Participation.event_id == event.id,
                                                        Participation.member_id == member.id)).first()
        if part is not None and part.done_on is not None:
            _push_to_task(session, actor, event, part, today=today or date.today())


# --- the internal covenant, plan obligations, copying a year -----------------------------------------------------


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
    _check_year(to_year)
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
