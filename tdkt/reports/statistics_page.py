"""What Thống kê khen thưởng draws of a year, read in one call (count tables, shares, money, dossiers), and its charts
built from it; the trend over a span of years on its own, as the span has a slider of its own.

The page keeps both per data version (pages/_cache.py `read` and `drawn`): at bench/pages.py's 1M nominations a repeat
view spent 50 ms hashing its nine chart frames for `chart` (4–12 ms each, even of two rows) and 26 ms copying the
5,000 units of its filter as (id, name) tuples.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session

from tdkt.awards import checklist, stats
from tdkt.awards.money import decided_money
from tdkt.reports import charts

# dimension → (section title, first column title, horizontal bars)
SECTIONS = {
    "award": ("Theo danh hiệu, hình thức khen thưởng", "Danh hiệu, hình thức", True),
    "level": ("Theo cấp khen thưởng", "Cấp", False),
    "unit": ("Theo đơn vị", "Đơn vị", True),
    "target": ("Theo đối tượng", "Đối tượng", False),
    "gender": ("Cá nhân theo giới tính", "Giới tính", False),
    "category": ("Theo phân loại đối tượng", "Phân loại đối tượng", True),
    "status": ("Theo trạng thái hồ sơ", "Trạng thái", False),
}


@dataclass(frozen=True, slots=True)
class YearCounts:
    """A year's figures under the page's filters: `stats.count_tables` by SECTIONS (levels titled "Cấp tỉnh"),
    `stats.shares`, the decided money, `checklist.completeness` and the totals."""

    tables: dict[str, pd.DataFrame]
    shares: pd.DataFrame
    money: int
    dossiers: dict
    nominations: int
    decisions: int


@dataclass(frozen=True, slots=True)
class Choices:
    """The page's filters: units and awards that appear in nominations, each a frame of id, name in the order shown."""

    units: pd.DataFrame
    awards: pd.DataFrame


def choices(session: Session) -> Choices:
    """Return `stats.filter_choices` as frames (a cached frame is copied in about a millisecond).

    The names are Python strings (object dtype), not pandas' Arrow strings: the page iterates them on every run, for
    the selectbox and the name → id map, and iterating 5,000 Arrow strings twice took 9 ms a run (0.7 ms as objects)."""
    units, awards = stats.filter_choices(session)
    return Choices(units=_frame(units), awards=_frame(awards))


def _frame(rows: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame({"id": pd.Series([i for i, _ in rows], dtype="int64"),
                         "name": pd.Series([n for _, n in rows], dtype=object)})


def year_counts(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> YearCounts:
    """Return the year's figures under the filters (one read, kept per data version by the page)."""
    filters = {"unit_id": unit_id, "award_id": award_id}
    tables = stats.count_tables(session, year=year, dimensions=tuple(SECTIONS), **filters)
    tables["level"]["label"] = tables["level"]["label"].map(charts.level_title)  # "Cấp tỉnh", not "tỉnh"
    # The totals come from the status table already counted, not from stats.summary, which would count every
    # dimension a second time (bench/pages.py: seven statements over the year's nominations).
    nominations, decisions = (int(tables["status"][c].sum()) for c in ("nominations", "decisions"))
    return YearCounts(tables=tables, shares=stats.shares(session, year=year, **filters),
                      money=decided_money(session, year=year, **filters),
                      dossiers=checklist.completeness(session, year=year, **filters),
                      nominations=nominations, decisions=decisions)


def year_charts(counts: YearCounts, *, year: int, **_filters) -> dict[str, go.Figure]:
    """Return the figures of the year's counts by dimension (those with nominations only) and of the shares."""
    drawn = {dimension: charts.award_counts(frame, title=f"{SECTIONS[dimension][0]} — năm {year}",
                                            horizontal=SECTIONS[dimension][2])
             for dimension, frame in counts.tables.items() if frame["nominations"].sum()}
    return drawn | {"shares": charts.award_shares(counts.shares, year=year)}


def trend_chart(trend: pd.DataFrame, *, first: int, last: int, **_filters) -> go.Figure:
    """Return the figure of `stats.trend` over the span."""
    return charts.award_trend(trend, first=first, last=last)
