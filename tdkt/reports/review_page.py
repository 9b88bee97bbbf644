"""What Sơ kết / Tổng kết draws of a period, read in one call: its figures and tables, then its charts from them.

The page keeps both per data version (pages/_cache.py): building the chart pack and fitting its figures to the page
took 0.1 s of CPU on every run on the demo database, more than reading the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session

from tdkt.reports import chart_pack, reports


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A period's review: `reports.review`'s figures and award table, the tasks due, our cluster events and the
    initiatives recognised in it."""

    data: dict
    awards: pd.DataFrame
    tasks: pd.DataFrame
    events: pd.DataFrame
    initiatives: pd.DataFrame


@dataclass(frozen=True, slots=True)
class ReviewCharts:
    """A period's chart pack (slide-sized, for the PNG zip) and the same figures fitted to half the page."""

    pack: chart_pack.ChartPack
    shown: list[go.Figure]


def review_page(session: Session, *, year: int, period: reports.PeriodKind = "h1", cluster: str | None = None,
                start: date | None = None, end: date | None = None, as_of: date | None = None) -> ReviewPage:
    """Return everything the page shows of a period (ReportError, as `reports.review`, for a period not to be had)."""
    data, awards = reports.review(session, year=year, period=period, start=start, end=end, cluster=cluster,
                                  as_of=as_of)
    first, last = reports.period(year, period, start, end)
    return ReviewPage(
        data=data, awards=awards, tasks=reports.task_table(session, start=first, end=last, as_of=as_of),
        events=reports.participation_table(session, start=first, end=last, cluster=cluster),
        initiatives=reports.initiative_table(session, start=first, end=last))


def charts(page: ReviewPage, *, year: int, cluster: str | None = None, **_period) -> ReviewCharts:
    """Return the period's charts (`chart_pack.pack_of`); the period's own arguments are in the page already."""
    pack = chart_pack.pack_of(page.data, page.events, year=year, cluster=cluster)
    return ReviewCharts(pack=pack, shown=[chart_pack.for_page(fig) for fig in pack.figures.values()])
