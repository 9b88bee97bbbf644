"""Plotly figures of a cluster's scoring (tdkt.scoring.results): our points by group beside the cluster's average and
the leader's, our rank over the years, the members' share of their applicable maximum. No session: a ClusterResult in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from tdkt.core.text import format_number
from tdkt.reports.charts import OTHERS_COLOR, US_COLOR, house_layout
from tdkt.scoring.results import ClusterResult, MemberResult

AVERAGE_COLOR, LEADER_COLOR = "#90a4ae", "#2e7d32"
PENALTY_GROUP = "Điểm trừ"


def points_text(value: float | None) -> str:
    """Return points as the Office writes them: 685,5 and 700 (at most 2 decimals, no trailing zeros); "—" for None."""
    if value is None:
        return "—"
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def scored(result: ClusterResult) -> list[MemberResult]:
    """Return the members with a rank (something scored), in ranked order."""
    return sorted((m for m in result.members if m.rank is not None), key=lambda m: m.rank)


def us(result: ClusterResult) -> MemberResult | None:
    """Return our member's result, or None when the department is not a member."""
    return next((m for m in result.members if m.is_us), None)


def leader(result: ClusterResult) -> MemberResult | None:
    """Return the member ranked first (the first listed of a tie), or None while nothing is scored."""
    ranked = scored(result)
    return ranked[0] if ranked else None


def _group_points(member: MemberResult, name: str) -> float:
    return next((g.points for g in member.groups if g.name == name), 0.0)


def _lost(penalty: float) -> float:
    """Return a penalty as the negative points it costs (0.0, never -0.0, for none)."""
    return 0.0 - round(penalty, 2)


def group_frame(result: ClusterResult) -> pd.DataFrame:
    """Return one row per group of the sheet: group, max_points, ours, average (of the ranked members), leader; a
    penalty row (negative) when any ranked member lost points. Points are rounded to 2 places."""
    ranked, ours, first = scored(result), us(result), leader(result)
    rows = []
    for group in result.groups:
        values = [_group_points(m, group.name) for m in ranked]
        rows.append({"group": group.name, "max_points": group.max_points,
                     "ours": round(_group_points(ours, group.name), 2) if ours and ours.rank is not None else None,
                     "average": round(sum(values) / len(values), 2) if values else None,
                     "leader": round(_group_points(first, group.name), 2) if first else None})
    if any(m.penalty for m in ranked):
        rows.append({"group": PENALTY_GROUP, "max_points": 0.0,
                     "ours": _lost(ours.penalty) if ours and ours.rank is not None else None,
                     "average": _lost(sum(m.penalty for m in ranked) / len(ranked)),
                     "leader": _lost(first.penalty)})
    return pd.DataFrame(rows, columns=["group", "max_points", "ours", "average", "leader"])


def _wrap(text: str, width: int = 24) -> str:
    """Break a long group name into lines of about `width` characters (plotly does not wrap axis labels)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def group_comparison(result: ClusterResult, *, our_name: str = "Sở Công Thương") -> go.Figure:
    """Grouped bars per group of the sheet: our points, the cluster's average, the leader's (left out when we lead),
    each bar with its points written above it; the axis from 0 to the largest group maximum."""
    frame, first, ours = group_frame(result), leader(result), us(result)
    labels = [_wrap(g if m == 0 else f"{g} (tối đa {points_text(m)})")
              for g, m in zip(frame["group"], frame["max_points"], strict=True)]
    series = [(f"{ours.name if ours else our_name} (đơn vị mình)", "ours", US_COLOR),
              ("Trung bình của cụm", "average", AVERAGE_COLOR)]
    we_lead = first is not None and ours is not None and first.member_id == ours.member_id
    if first is not None and not we_lead:
        series.append((f"Dẫn đầu: {first.name}", "leader", LEADER_COLOR))
    bars = []
    for name, column, color in series:
        values = [None if pd.isna(v) else float(v) for v in frame[column]]
        bars.append(go.Bar(x=labels, y=values, name=name, marker_color=color,
                           text=[points_text(v) if v is not None else "" for v in values], textposition="outside",
                           cliponaxis=False, textfont={"size": 12},
                           hovertemplate=f"{name}<br>%{{x}}: %{{y:.2f}} điểm<extra></extra>"))
    top = max([*frame["max_points"].tolist(), *[v for c in ("ours", "average", "leader")
                                                 for v in frame[c].dropna().tolist()], 1.0])
    bottom = min([0.0, *[v for c in ("ours", "average", "leader") for v in frame[c].dropna().tolist()]])
    title = f"Điểm theo nhóm tiêu chí — {result.cluster_name}, năm {result.year}"
    if we_lead:
        title += "<br><sup>Đơn vị mình dẫn đầu cụm</sup>"
    elif not result.final:
        title += "<br><sup>Kết quả chưa công bố chính thức</sup>"
    return go.Figure(bars, layout=house_layout(
        title, height=420, barmode="group", bargap=0.25, xaxis={"automargin": True},
        yaxis={"title": {"text": "Điểm"}, "gridcolor": "#eeeeee", "range": [bottom * 1.3, top * 1.12]}))


@dataclass(frozen=True, slots=True)
class YearRank:
    """Our rank in a cluster one year: None when we were not ranked; `members` counts the ranked members."""

    year: int
    rank: int | None
    members: int


def rank_over_years(history: Iterable[tuple[int, int | None, int]], *, cluster_name: str) -> go.Figure:
    """A line of our rank per year (1 at the top: the axis reversed), each point written "hạng 2/8"; a year without a
    rank leaves a gap. history: (year, rank, members) in any order."""
    points = sorted((YearRank(*h) for h in history), key=lambda p: p.year)
    years = [p.year for p in points]
    ranks = [p.rank for p in points]
    most = max([p.members for p in points] + [r for r in ranks if r is not None] + [1])
    trace = go.Scatter(
        x=years, y=ranks, mode="lines+markers+text", line={"color": US_COLOR, "width": 3},
        marker={"size": 10, "color": US_COLOR}, connectgaps=False,
        text=[f"hạng {p.rank}/{p.members}" if p.rank is not None else "" for p in points],
        textposition="top center", textfont={"size": 13}, cliponaxis=False, name="Xếp hạng",
        hovertemplate="Năm %{x}: %{text}<extra></extra>",
    )
    # Reversed: the first place at the top, as a person reads "up" as better; half a place of room at each end.
    return go.Figure(trace, layout=house_layout(
        f"Xếp hạng của đơn vị mình qua các năm — {cluster_name}", height=340, showlegend=False,
        yaxis={"title": {"text": "Xếp hạng"}, "range": [most + 0.5, 0.5], "dtick": 1, "gridcolor": "#eeeeee",
               "zeroline": False},
        xaxis={"title": {"text": "Năm"}, "tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years],
               "range": [min(years or [0]) - 0.5, max(years or [0]) + 0.5]}))


def percent_ranking(result: ClusterResult) -> go.Figure:
    """Horizontal bars of every ranked member's share of its applicable maximum, first at the top, ours in red, each
    written "97,50% · hạng 1"; the axis from 0 to past 100 so the text fits."""
    ranked = scored(result)
    labels = [f"★ {m.name}" if m.is_us else m.name for m in ranked]
    values = [m.percent for m in ranked]
    trace = go.Bar(
        y=labels, x=values, orientation="h", marker_color=[US_COLOR if m.is_us else OTHERS_COLOR for m in ranked],
        text=[f"{format_number(m.percent, 2)}% · hạng {m.rank}" for m in ranked], textposition="outside",
        cliponaxis=False, textfont={"size": 13},
        customdata=[[points_text(m.total), points_text(m.applicable_max)] for m in ranked],
        hovertemplate="%{y}: %{x:.2f}% (%{customdata[0]}/%{customdata[1]} điểm)<extra></extra>",
    )
    title = f"Xếp hạng {result.cluster_name} năm {result.year}"
    if not result.final:
        title += "<br><sup>Kết quả chưa công bố chính thức</sup>"
    return go.Figure(trace, layout=house_layout(
        title, height=max(240, 110 + 40 * len(labels)), showlegend=False,
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": "Tỷ lệ điểm đạt so với điểm tối đa áp dụng (%)"}, "gridcolor": "#eeeeee",
               "range": [0, max([100.0, *values]) * 1.3]}))
