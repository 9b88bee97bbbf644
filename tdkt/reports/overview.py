"""Tổng quan, the leadership view: key figures, plan progress by quarter, participation in the clusters and the internal
covenant, awards by form and level with the year's money, and whether the newest plan is of an earlier year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.awards import stats
from tdkt.awards.money import decided_money
from tdkt.clusters import clusters as clusters_module
from tdkt.core import units as units_module
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    NominationStatus,
    Participation,
    Role,
)
from tdkt.core.permissions import Actor
from tdkt.core.text import fold, format_date
from tdkt.plan import plan as plan_module
from tdkt.reports import charts
from tdkt.reports.statistics_page import arrow
from tdkt.scoring import ranking as scoring_ranking
from tdkt.submissions import deadlines as submission_deadlines
from tdkt.submissions import submission_views, submissions

COVENANT_KIND = "ky_ket"
WAITING_SHOWN = ["Đơn vị", "Trạng thái", "Đúng hạn / trễ hạn", "Số đề nghị"]
LEVEL_ORDER = list(stats.LEVEL_LABELS)  # cơ sở, tỉnh, bộ, nhà nước: the order the award chart groups by
PARTICIPATION_COLUMNS = ["cluster", "whose", "on_time", "late", "pending", "not_applicable", "rate", "rank", "ranked"]
AWARD_COLUMNS = ["level", "level_label", "award", "nominations", "decisions"]
# What each figure of the page is counted by, said where it stands.
BASIS_YEAR = "theo năm thành tích {year} (nhận, quyết định vào ngày nào cũng tính)"
BASIS_TASKS = "theo hạn của từng nhiệm vụ, quá hạn tính đến {day}"
BASIS_CLUSTERS = "theo hạn của từng hoạt động cụm trong năm {year}"


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The figures leadership sees first."""

    year: int
    progress: plan_module.Progress
    deadline: date
    days_to_deadline: int
    covenants_signed: int
    covenants_total: int
    nominations: int
    money: int
    decisions: int = 0


@dataclass(frozen=True, slots=True)
class StalePlan:
    """The newest plan is of an earlier year than today's (a fresh install holds only the 2024 plan)."""

    newest: int | None  # the newest plan's year; None when there is no plan at all
    this_year: int

    @property
    def message(self) -> str:
        """Say what the page shows and why its tasks read "Quá hạn" (Vietnamese)."""
        if self.newest is None:
            return f"Chưa có kế hoạch TĐKT nào. Năm {self.this_year} cần có kế hoạch để theo dõi tiến độ."
        return (f"Kế hoạch TĐKT mới nhất là của năm {self.newest}; năm {self.this_year} chưa có kế hoạch. Các nhiệm "
                f"vụ chưa hoàn thành của năm {self.newest} đều đã qua hạn, nên hiện “Quá hạn”.")


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose award figures the page shows: the department's, or a unit account's own unit."""

    unit_id: int | None
    unit_name: str | None

    @property
    def label(self) -> str:
        return f"của {self.unit_name}" if self.unit_name else "toàn Sở"


@dataclass(frozen=True, slots=True)
class Leadership:
    """Everything Tổng quan draws, computed by one call (so that a cache can keep it per data version)."""

    figures: KeyFigures
    quarters: pd.DataFrame  # plan.by_quarter: quarter, status_label, n
    participation: pd.DataFrame  # PARTICIPATION_COLUMNS
    awards: pd.DataFrame  # AWARD_COLUMNS
    statuses: pd.DataFrame  # status, label, n
    scope: Scope
    stale: StalePlan | None
    has_plan: bool


@dataclass(frozen=True, slots=True)
class Waiting:
    """The units that have not submitted their dossier, as Tổng quan lists them and as its .xlsx holds them."""

    table: pd.DataFrame  # submission_views.states_frame: every column, Vietnamese titles; WAITING_SHOWN on the page
    deadline: date

    @property
    def shown(self) -> pd.DataFrame:
        return self.table[WAITING_SHOWN]


def waiting(session: Session, *, year: int, today: date, actor: Actor | None = None) -> Waiting | None:
    """Return `submissions.watch` as a table (None when it gives None: too early, or not for this account).

    A table, not the units' states: a read cached per data version is handed out as a deep copy, and copying 5,000
    UnitState objects took 0.2 s of every repeat view at bench/pages.py's 5,000 units (a frame's copy takes ~1 ms).
    """
    states = submissions.watch(session, year=year, today=today, actor=actor)
    if states is None:
        return None
    return Waiting(table=submission_views.states_frame(states), deadline=dossier_deadline(session, year=year))


@dataclass(frozen=True, slots=True)
class Drawn:
    """Tổng quan's figures (None where the page draws none) and the units not submitted as the Arrow table
    st.dataframe sends, built once per data version: at bench/pages.py's 1M nominations a repeat view hashed the three
    charts' frames for `pages/_cache.chart` (about 15 ms CPU) and converted the 5,000 units' table to Arrow in a pool
    of threads, 4 columns × 5,000 rows being past pyarrow's threshold (a few ms CPU, tens of ms wall under load)."""

    quarters: go.Figure | None
    clusters: go.Figure | None
    awards: go.Figure | None
    waiting: pa.Table | None


def page_view(session: Session, *, year: int, today: date,
              actor: Actor | None = None) -> tuple[Leadership, Waiting | None]:
    """Return `leadership` and `waiting` in one read (the page asks the data version once for both)."""
    return (leadership(session, year=year, today=today, actor=actor),
            waiting(session, year=year, today=today, actor=actor))


def page_drawn(found: tuple[Leadership, Waiting | None], *, year: int, **_arguments) -> Drawn:
    """Return the figures of `page_view`'s result as the page draws them, and the units not submitted as Arrow."""
    view, waits = found
    scope, parts = view.scope, view.participation
    has_parts = len(parts) and int(parts[["on_time", "late", "pending", "not_applicable"]].to_numpy().sum())
    return Drawn(
        quarters=charts.progress_by_quarter(view.quarters, year=year) if view.has_plan else None,
        clusters=charts.participation_overview(parts, year=year) if has_parts else None,
        awards=None if view.awards.empty else charts.awards_by_level(
            view.awards, year=year, money=view.figures.money, scope=scope.label if scope.unit_id is not None else ""),
        waiting=arrow(waits.shown) if waits is not None and len(waits.table) else None)


def waiting_workbook(found: Waiting, *, year: int) -> bytes:
    """Return the units not submitted as an .xlsx (what `submission_views.states_workbook` writes of them)."""
    return submission_views.frame_workbook(found.table, year=year, deadline=found.deadline)


def dossier_deadline(session: Session, *, year: int) -> date:
    """Return the date units' dossiers are due at the Office (the Office's date, else the plan's, else 15/12)."""
    return submission_deadlines.deadline(session, year=year)


def covenants(session: Session, *, year: int) -> tuple[int, int]:
    """Return (signed, total): covenant-signing events of the year that the department took part in, of all."""
    events = select(ClusterEvent.id).join(Cluster).where(Cluster.year == year, ClusterEvent.kind == COVENANT_KIND)
    total = session.exec(select(func.count()).select_from(events.subquery())).one()
    signed = session.exec(
        select(func.count())
        .select_from(Participation)
        .join(ClusterMember, Participation.member_id == ClusterMember.id)
        .where(ClusterMember.is_us, Participation.done_on.is_not(None), Participation.event_id.in_(events))
    ).one()
    return int(signed), int(total)


def scope_of(session: Session, actor: Actor | None) -> Scope:
    """Return whose award figures an account sees: a unit account its own unit's, everyone else the department's."""
    if actor is None or actor.role != Role.DON_VI or actor.unit_id is None:
        return Scope(unit_id=None, unit_name=None)
    unit = units_module.get_unit(session, unit_id=actor.unit_id)
    return Scope(unit_id=actor.unit_id, unit_name=unit.name if unit else None)


def nominations_by_status(session: Session, *, year: int, unit_id: int | None = None) -> pd.DataFrame:
    """Return the year's nominations (of one unit when given) counted by status, in path order: columns status,
    label, n."""
    counts = stats.count_tables(session, year=year, dimensions=("status",), unit_id=unit_id)["status"]
    found = dict(zip(counts["key"], counts["nominations"], strict=True))
    return pd.DataFrame(
        [{"status": s.value, "label": NOMINATION_STATUS_LABELS[s], "n": int(found.get(s.value, 0))}
         for s in NominationStatus],
        columns=["status", "label", "n"],
    )


def awards_by_form_and_level(session: Session, *, year: int, unit_id: int | None = None) -> pd.DataFrame:
    """Return the year's nominations and decisions (of one unit when given) per award form, grouped by level (cơ sở,
    tỉnh, bộ, nhà nước) and within a level by the catalogue's order: columns AWARD_COLUMNS."""
    counts = stats.count_tables(session, year=year, dimensions=("award",), unit_id=unit_id)["award"]
    counts = counts[counts["nominations"] > 0]
    if counts.empty:
        return pd.DataFrame(columns=AWARD_COLUMNS)
    catalogue = {name: (level, position) for name, level, position in session.exec(
        select(Award.name, Award.level, Award.position).where(col(Award.name).in_(list(counts["label"])))).all()}
    rows = []
    for label, n, d in zip(counts["label"], counts["nominations"], counts["decisions"], strict=True):
        level, position = catalogue.get(label, ("", 0))
        rows.append((LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), position,
                     level, stats.LEVEL_LABELS.get(level, level), label, int(n), int(d)))
    rows.sort(key=lambda r: (r[0], r[1], r[4]))
    return pd.DataFrame([r[2:] for r in rows], columns=AWARD_COLUMNS)


def participation(session: Session, *, year: int) -> pd.DataFrame:
    """Return, per cluster of the year, the department's own part in its events by status (for the internal covenant,
    every phòng and đơn vị's, since its members are the department's units), the rate and our rank (by the criteria
    sheet's totals where the cluster has one, else by its scored events): columns PARTICIPATION_COLUMNS (rank None
    when unranked; ranked = how many members have a score)."""
    rows = []
    # The matrix and the ranking only, not the page's whole views with their per-member and per-event tables: on the
    # demo database 37 ms against 45 ms (best of 15, two cores under load).
    for cluster in clusters_module.clusters_of(session, year=year):
        internal = fold(cluster.code) == fold(clusters_module.INTERNAL)
        matrix = clusters_module.matrix(session, cluster_id=cluster.id)
        cells = matrix if internal or matrix.empty else matrix[matrix["is_us"]]
        statuses = list(cells["status"])
        ranking = scoring_ranking.cluster_ranking(session, cluster_id=cluster.id)  # the sheet's, as Cụm thi đua
        ours = ranking[ranking["is_us"] & ranking["rank"].notna()]["rank"]
        us = matrix[matrix["is_us"]]["member"] if not matrix.empty else []
        rows.append({
            "cluster": cluster.code,
            "whose": "các phòng, đơn vị" if internal else (us.iloc[0] if len(us) else "đơn vị ta"),
            "on_time": statuses.count(clusters_module.ON_TIME), "late": statuses.count(clusters_module.LATE),
            "pending": statuses.count(clusters_module.PENDING),
            "not_applicable": statuses.count(clusters_module.NOT_APPLICABLE),
            "rate": clusters_module.rate(statuses),
            "rank": None if internal or ours.empty else int(ours.iloc[0]),
            "ranked": int(ranking["rank"].notna().sum()),
        })
    frame = pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS)
    return frame.astype({"rank": "Int64", "ranked": int})


def stale_plan(session: Session, *, today: date) -> StalePlan | None:
    """Return what to say when the newest plan is of an earlier year than today's (or there is none); else None."""
    found = plan_module.years(session)
    if found and found[0] >= today.year:
        return None
    return StalePlan(newest=found[0] if found else None, this_year=today.year)


def key_figures(session: Session, *, year: int, as_of: date, today: date | None = None,
                unit_id: int | None = None, statuses: pd.DataFrame | None = None,
                frame: pd.DataFrame | None = None) -> KeyFigures:
    """Return the key figures of a year, overdue counted as of a date; nominations, decisions and money of one unit
    when given (the plan and the covenants are the department's)."""
    today = today or date.today()
    frame = frame if frame is not None else plan_module.tasks(session, year=year, as_of=as_of)
    deadline = dossier_deadline(session, year=year)
    signed, total = covenants(session, year=year)
    statuses = statuses if statuses is not None else nominations_by_status(session, year=year, unit_id=unit_id)
    by_status = dict(zip(statuses["status"], statuses["n"], strict=True))
    return KeyFigures(
        year=year,
        progress=plan_module.progress(frame),
        deadline=deadline,
        days_to_deadline=(deadline - today).days,
        covenants_signed=signed,
        covenants_total=total,
        nominations=int(statuses["n"].sum()),
        money=decided_money(session, year=year, unit_id=unit_id),
        decisions=int(by_status.get(NominationStatus.CO_QUYET_DINH.value, 0)),
    )


def leadership(session: Session, *, year: int, today: date, actor: Actor | None = None) -> Leadership:
    """Return everything Tổng quan draws for a year as of today, the award figures in the actor's scope."""
    scope = scope_of(session, actor)
    statuses = nominations_by_status(session, year=year, unit_id=scope.unit_id)
    frame = plan_module.tasks(session, year=year, as_of=today)
    return Leadership(
        figures=key_figures(session, year=year, as_of=today, today=today, unit_id=scope.unit_id, statuses=statuses,
                            frame=frame),
        quarters=plan_module.by_quarter(frame),
        participation=participation(session, year=year),
        awards=awards_by_form_and_level(session, year=year, unit_id=scope.unit_id),
        statuses=statuses,
        scope=scope,
        stale=stale_plan(session, today=today),
        has_plan=not frame.empty,
    )


def deadline_text(figures: KeyFigures, *, today: date) -> str:
    """Return the dossier deadline as the page's figure: "còn 13 ngày", "hôm nay", "đã qua 5 ngày", or for a past
    year's deadline "đã qua" alone (a count of 717 days says nothing)."""
    days = figures.days_to_deadline
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay"
    return "đã qua" if figures.deadline.year < today.year else f"đã qua {-days} ngày"


def basis(*, year: int, today: date) -> dict[str, str]:
    """Return what each group of the page's figures is counted by (Vietnamese), keyed tasks, clusters, awards."""
    return {"tasks": BASIS_TASKS.format(day=format_date(today)), "clusters": BASIS_CLUSTERS.format(year=year),
            "awards": BASIS_YEAR.format(year=year)}
