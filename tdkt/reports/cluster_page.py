"""What Cụm thi đua & giao ước draws, read in one call: the year's cluster views, their tables and their figures.

The page keeps both per data version (pages/_cache.py): on the demo database its views, sheet rankings and tables
took 0.2–0.4 s of CPU on every run, and the chart cache's keys (a hash of each frame) 0.15 s more.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session

from tdkt.clusters import clusters
from tdkt.reports import charts
from tdkt.scoring import ranking


@dataclass(frozen=True, slots=True)
class ClusterPage:
    """A year's clusters as the page shows them: views (ranked by the criteria sheet where a cluster has one), each
    cluster's display tables by cluster id, and the one-row-per-cluster summary."""

    views: list[clusters.ClusterView]
    tables: dict[int, dict[str, pd.DataFrame]]
    summary: pd.DataFrame


@dataclass(frozen=True, slots=True)
class ClusterFigures:
    """One cluster's figures: the participation heatmap (None without members or events) and the ranking (None when
    nobody has a score)."""

    heatmap: go.Figure | None
    ranking: go.Figure | None


def cluster_page(session: Session, *, year: int) -> ClusterPage:
    """Return the year's clusters as the page shows them."""
    views = ranking.year_views(session, year=year)
    return ClusterPage(views=views, tables={v.cluster.id: clusters.display_tables(v) for v in views},
                       summary=clusters.summary_table(views))


def ranking_title(view: clusters.ClusterView) -> str:
    """Return a cluster ranking's title, which says our place."""
    rank = f"đơn vị ta xếp hạng {view.our_rank}" if view.our_rank else "đơn vị ta chưa có điểm"
    return f"Xếp hạng thi đua {view.cluster.code} năm {view.cluster.year} — {rank}"


def figures_of(view: clusters.ClusterView, *, year: int) -> ClusterFigures:
    """Return one cluster's figures."""
    return ClusterFigures(
        heatmap=None if view.matrix.empty else charts.participation_heatmap(
            view.matrix, title=f"Tình hình tham gia — {view.cluster.code} năm {year}"),
        ranking=charts.cluster_ranking(view.ranking, title=ranking_title(view)) if view.ranking["rank"].notna().any()
        else None)


def figures(page: ClusterPage, *, year: int) -> dict[int, ClusterFigures]:
    """Return each cluster's figures by cluster id."""
    return {v.cluster.id: figures_of(v, year=year) for v in page.views}
