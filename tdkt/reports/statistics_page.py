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
import pyarrow as pa
from sqlmodel import Session

from tdkt.awards import checklist, stats
from tdkt.awards.money import decided_money
from tdkt.core.text import format_percent
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
NUMBERS = {"nominations": "Đề nghị", "decisions": "Có quyết định"}
SHARES_TITLE = "Cơ cấu có quyết định"


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


def arrow(frame: pd.DataFrame) -> pa.Table:
    """Return a frame as the Arrow table st.dataframe sends (given a table, Streamlit serialises it as it is), built
    once per data version by the pages' `drawn`: converting it on every run took 0.2–1 ms a frame, and past 100 rows a
    column pyarrow converts in a pool of threads (Thống kê's 5,000 units: tens of ms wall under load)."""
    return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)


@dataclass(frozen=True, slots=True)
class YearDrawn:
    """What the page draws of `YearCounts`: the figures by dimension (those with nominations only) and of the shares,
    the tables with their Vietnamese titles by section title (for the .xlsx) and the same as Arrow (for the page)."""

    figures: dict[str, go.Figure]
    shown: dict[str, pd.DataFrame]
    arrows: dict[str, pa.Table]


def year_charts(counts: YearCounts, *, year: int, **_filters) -> YearDrawn:
    """Return the figures and tables of the year's counts as the page draws them."""
    drawn = {dimension: charts.award_counts(frame, title=f"{SECTIONS[dimension][0]} — năm {year}",
                                            horizontal=SECTIONS[dimension][2])
             for dimension, frame in counts.tables.items() if frame["nominations"].sum()}
    shown = {SECTIONS[d][0]: t[["label", *NUMBERS]].rename(columns={"label": SECTIONS[d][1], **NUMBERS})
             for d, t in counts.tables.items()}
    shares = counts.shares
    shown[SHARES_TITLE] = shares.assign(share=[format_percent(s, 1) for s in shares["share"]]).rename(
        columns={"group": "Nhóm", "part": "Đối tượng", "n": "Số có quyết định", "share": "Tỷ lệ trong nhóm"})
    return YearDrawn(figures=drawn | {"shares": charts.award_shares(shares, year=year)}, shown=shown,
                     arrows={title: arrow(frame) for title, frame in shown.items()})


@dataclass(frozen=True, slots=True)
class TrendDrawn:
    """The trend's figure, its table with Vietnamese titles (for the .xlsx) and the same as Arrow (for the page)."""

    figure: go.Figure
    shown: pd.DataFrame
    arrow: pa.Table


def trend_chart(trend: pd.DataFrame, *, first: int, last: int, **_filters) -> TrendDrawn:
    """Return the figure and the table of `stats.trend` over the span."""
    shown = trend[["year", "level_label", *NUMBERS]].assign(level_label=trend["level_label"].map(charts.level_title))
    shown = shown.rename(columns={"year": "Năm", "level_label": "Cấp khen", **NUMBERS})
    return TrendDrawn(figure=charts.award_trend(trend, first=first, last=last), shown=shown, arrow=arrow(shown))
