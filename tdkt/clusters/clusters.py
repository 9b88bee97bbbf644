"""Emulation clusters, the read side: status, rate and rank rules; members, events, matrix, views, tables, CLI data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.clusters import movements as movements_module
from tdkt.core.errors import Refused
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, Participation, PlanTask
from tdkt.core.text import fold, format_date, format_number, format_percent, sort_key
from tdkt.plan import plan as plan_module

INTERNAL = "Nội bộ"  # the code of the internal covenant, kept as a cluster of the department's own units
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


def suggested_task(session: Session, *, year: int, code: str, kind: str) -> PlanTask | None:
    """Return the plan task an event of this cluster and kind carries, when the plan has one."""
    ref = EVENT_TASKS.get((fold(code), kind))
    return plan_module.find_task(session, year=year, ref=ref) if ref else None



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
    return _matrix(session, cluster_id, members(session, cluster_id=cluster_id), events(session, cluster_id=cluster_id))


def _matrix(session: Session, cluster_id: int, member_frame: pd.DataFrame, event_frame: pd.DataFrame) -> pd.DataFrame:
    recorded = {(p.member_id, p.event_id): p for p in session.exec(
        select(Participation).join(ClusterEvent).where(ClusterEvent.cluster_id == cluster_id)).all()}
    records, event_rows = [], list(event_frame.itertuples())
    for m in member_frame.itertuples():
        for e in event_rows:
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
    for key, status in zip(zip(*(frame[k] for k in keys), strict=False), frame["status"], strict=False):
        groups.setdefault(key, []).append(status)
    rows = []
    for key, statuses in groups.items():
        on_time, late = statuses.count(ON_TIME), statuses.count(LATE)
        pending, na = statuses.count(PENDING), statuses.count(NOT_APPLICABLE)
        rows.append({**dict(zip(keys, key, strict=False)), "on_time": on_time, "late": late, "pending": pending,
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
    return _ranking(session, cluster_id, members(session, cluster_id=cluster_id))


def _ranking(session: Session, cluster_id: int, frame: pd.DataFrame) -> pd.DataFrame:
    totals = dict(session.exec(
        select(Participation.member_id, func.sum(Participation.score))
        .join(ClusterEvent, Participation.event_id == ClusterEvent.id)
        .where(ClusterEvent.cluster_id == cluster_id, ClusterEvent.scored, Participation.score.is_not(None))
        .group_by(Participation.member_id)
    ).all())
    scores = [None if totals.get(i) is None else round(float(totals[i]), 2) for i in frame["id"]]
    rows = sorted(zip(frame["id"], frame["name"], frame["is_us"], scores, competition_ranks(scores), strict=True),
                  key=lambda r: (r[4] is None, r[4] or 0, sort_key(r[1])))
    return pd.DataFrame({
        "member_id": [r[0] for r in rows], "member": [r[1] for r in rows], "is_us": [bool(r[2]) for r in rows],
        "score": pd.array([r[3] for r in rows], dtype="Float64"), "rank": pd.array([r[4] for r in rows], dtype="Int64"),
    }, columns=RANKING_COLUMNS)


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """A cluster's own fields as plain values: a view outlives the session that read it (the pages' read cache)."""

    id: int
    year: int
    code: str
    name: str
    level: str

    @classmethod
    def of(cls, cluster: Cluster) -> ClusterInfo:
        return cls(id=cluster.id, year=cluster.year, code=cluster.code, name=cluster.name, level=cluster.level)


@dataclass(frozen=True, slots=True)
class ClusterView:
    """Everything the page shows about one cluster in one year."""

    cluster: ClusterInfo
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
        # A loop over a few rows: a boolean mask of the frame took 0.8 ms, 30 times this, and a run asks it 6 times.
        return next((int(rank) for is_us, rank in zip(self.ranking["is_us"], self.ranking["rank"], strict=True)
                     if is_us and not pd.isna(rank)), None)


def view(session: Session, *, cluster_id: int) -> ClusterView:
    """Return the page's view of one cluster."""
    # Members and events read once here (matrix() and ranking() alone read them again: three reads of each before).
    member_frame, event_frame = members(session, cluster_id=cluster_id), events(session, cluster_id=cluster_id)
    frame = _matrix(session, cluster_id, member_frame, event_frame)
    return ClusterView(
        cluster=ClusterInfo.of(session.get(Cluster, cluster_id)), members=member_frame, events=event_frame,
        matrix=frame, by_member=rates_by_member(frame), by_event=rates_by_event(frame),
        ranking=_ranking(session, cluster_id, member_frame),
    )


def year_views(session: Session, *, year: int) -> list[ClusterView]:
    """Return the views of every cluster of a year, in code order."""
    return [view(session, cluster_id=c.id) for c in clusters_of(session, year=year)]


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


def _us(name: str, is_us: bool) -> str:
    return f"{name} {US_MARK}" if is_us else name


def _rate_table(frame: pd.DataFrame, first: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({**first, ON_TIME: frame["on_time"].to_numpy(), LATE: frame["late"].to_numpy(),
                         PENDING: frame["pending"].to_numpy(), NOT_APPLICABLE: frame["not_applicable"].to_numpy(),
                         "Tỷ lệ tham gia": [format_percent(None if pd.isna(r) else r) for r in frame["rate"]]})


def display_tables(v: ClusterView) -> dict[str, pd.DataFrame]:
    """Return every table of a cluster as the page and the export show them (Vietnamese headers, dd/mm/yyyy)."""
    # Built from lists, not by pandas' map and assign on frames of a few rows: the demo's three clusters took 45 ms
    # that way, 14 ms this way, the same frames.
    members, events, ranked = v.members, v.events, v.ranking
    member_table = pd.DataFrame({"Đơn vị ta": [_yes(u) for u in members["is_us"]], "Thành viên": members["name"],
                                 "Vai trò": members["role_label"]})
    event_table = pd.DataFrame({"Hoạt động": events["title"], "Loại": events["kind_label"],
                                "Hạn": [format_date(d) for d in events["due_on"]],
                                "Chấm điểm": ["Có" if s else "" for s in events["scored"]],
                                "Nhiệm vụ kế hoạch": events["task_label"]})
    if v.matrix.empty:
        grid = pd.DataFrame(columns=["Thành viên"])
    else:
        rows: dict[str, dict[str, str]] = {}
        for r in v.matrix.itertuples():
            rows.setdefault(_us(r.member, r.is_us), {})[r.event] = _cell(r)
        columns = list(dict.fromkeys(v.matrix["event"]))
        grid = pd.DataFrame({"Thành viên": list(rows), **{e: [cells.get(e) for cells in rows.values()]
                                                           for e in columns}})
    rank_table = pd.DataFrame({
        "Hạng": ranked["rank"].map(lambda r: "" if pd.isna(r) else int(r)),  # stays Int64 when every rank is there
        "Thành viên": [_us(m, u) for m, u in zip(ranked["member"], ranked["is_us"], strict=True)],
        "Điểm": ["" if pd.isna(s) else format_number(float(s), 2) for s in ranked["score"]],
    })
    by_member, by_event = v.by_member, v.by_event
    return {
        "Thành viên": member_table,
        "Hoạt động": event_table,
        "Tham gia": grid,
        "Theo thành viên": _rate_table(by_member, {"Thành viên": [
            _us(m, u) for m, u in zip(by_member["member"], by_member["is_us"], strict=True)]}),
        "Theo hoạt động": _rate_table(by_event, {"Hoạt động": by_event["event"].to_numpy(),
                                                 "Loại": by_event["kind_label"].to_numpy(),
                                                 "Hạn": [format_date(d) for d in by_event["due_on"]]}),
        "Xếp hạng": rank_table,
    }


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
