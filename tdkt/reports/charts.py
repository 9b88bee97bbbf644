"""Plotly figures built from DataFrames (pure functions, no database, no streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tdkt.core.models import OVERDUE_LABEL, TASK_STATUS_LABELS, TaskStatus
from tdkt.core.text import format_money, format_number

STATUS_COLORS = {
    TASK_STATUS_LABELS[TaskStatus.XONG]: "#2e7d32",
    TASK_STATUS_LABELS[TaskStatus.DANG]: "#1976d2",
    TASK_STATUS_LABELS[TaskStatus.CHUA]: "#9e9e9e",
    OVERDUE_LABEL: "#d32f2f",
    TASK_STATUS_LABELS[TaskStatus.KHONG]: "#6d4c41",
}
NOMINATION_COLORS = ["#90a4ae", "#ffb300", "#1e88e5", "#43a047", "#e53935"]
_FONT = {"family": "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif", "size": 13}


def apply_layout(fig: go.Figure, title: str, *, height: int = 380) -> go.Figure:
    """Give a figure the house layout (title at the left, fonts, legend on top, white plot) and return it."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font=_FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # "normal": stacked bars would list their parts bottom-up, the reverse of the colours' reading order.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1, "title_text": "",
                "traceorder": "normal"},
        showlegend=True,
        plot_bgcolor="white",
        separators=",.",
    )
    return fig


def _merged(base: dict, extra: dict) -> dict:
    """Return base with extra's keys, nested dicts merged into base's, as update_layout merges."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def house_layout(title: str, *, height: int = 380, **extra) -> dict:
    """Return `apply_layout`'s layout as a dict, with extra's keys merged in, for a figure's constructor: plotly's
    update_layout, update_xaxes… on a built figure cost 5–10 times the figure (a heatmap 23 ms against 2 ms)."""
    return _merged({
        "title": {"text": title, "x": 0, "xanchor": "left"}, "font": _FONT, "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1,
                   "title": {"text": ""}, "traceorder": "normal"},
        "showlegend": True, "plot_bgcolor": "white", "separators": ",.",
    }, extra)


def progress_by_quarter(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Stacked bars of tasks per quarter by status (counts: quarter, status_label, n)."""
    bars = []
    for label, color in STATUS_COLORS.items():
        part = counts[counts["status_label"] == label]
        if part["n"].sum() == 0:
            continue
        bars.append(go.Bar(
            x=[f"Quý {q}" for q in part["quarter"]], y=part["n"], name=label, marker_color=color,
            text=[n if n else "" for n in part["n"]], textposition="inside",
            hovertemplate="%{x}: %{y} nhiệm vụ " + label.lower() + "<extra></extra>",
        ))
    return go.Figure(bars, layout=house_layout(
        f"Tiến độ kế hoạch TĐKT năm {year} theo quý", barmode="stack",
        xaxis={"categoryorder": "array", "categoryarray": [f"Quý {q}" for q in (1, 2, 3, 4)]},
        yaxis={"title": {"text": "Số nhiệm vụ"}, "dtick": 1, "gridcolor": "#eeeeee", "rangemode": "tozero"}))


def progress_by_unit(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Horizontal stacked bars of tasks per responsible unit by status (counts: unit, status_label, n)."""
    bars, order = [], list(dict.fromkeys(counts["unit"]))[::-1]
    for label, color in STATUS_COLORS.items():
        part = counts[counts["status_label"] == label]
        if part.empty:
            continue
        bars.append(go.Bar(
            y=part["unit"], x=part["n"], name=label, orientation="h", marker_color=color,
            text=part["n"], textposition="inside",
            hovertemplate="%{y}: %{x} nhiệm vụ " + label.lower() + "<extra></extra>",
        ))
    return go.Figure(bars, layout=house_layout(
        f"Nhiệm vụ theo đơn vị tham mưu, thực hiện — năm {year}", height=max(300, 70 + 45 * len(order)),
        barmode="stack", yaxis={"categoryorder": "array", "categoryarray": order, "automargin": True},
        xaxis={"title": {"text": "Số nhiệm vụ"}, "dtick": 1, "gridcolor": "#eeeeee"}))


def plan_progress(view, *, year: int, as_of=None) -> tuple[go.Figure, go.Figure]:
    """Return Tiến độ kế hoạch's two figures of a `plan.ProgressView`: by quarter and by unit (as_of is the view's
    day, which the counts already hold: taken so that pages/_cache.drawn can pass the read's arguments)."""
    return progress_by_quarter(view.quarters, year=year), progress_by_unit(view.units, year=year)


def nominations_by_status(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Bars of the year's nominations by status along the path (counts: status, label, n)."""
    fig = go.Figure(
        go.Bar(
            x=counts["label"], y=counts["n"], marker_color=NOMINATION_COLORS[: len(counts)], text=counts["n"],
            textposition="outside", hovertemplate="%{x}: %{y} hồ sơ<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="Số hồ sơ đề nghị", gridcolor="#eeeeee", rangemode="tozero")
    return apply_layout(fig, f"Hồ sơ đề nghị khen thưởng năm {year} theo trạng thái", height=340).update_layout(
        showlegend=False)


# Participation in cluster events: one colour per computed status (tdkt.clusters.STATUSES, in that order).
PARTICIPATION_COLORS = {
    "Đúng hạn": "#2e7d32",
    "Trễ hạn": "#ef6c00",
    "Chưa thực hiện": "#9e9e9e",
    "Không áp dụng": "#f4f4f4",
}
US_COLOR, OTHERS_COLOR = "#c62828", "#90a4ae"


def _member_label(name: str, is_us: bool) -> str:
    return f"★ {name}" if is_us else name


def _wrap(text: str, width: int = 22) -> str:
    """Break a long axis label into lines of about `width` characters (plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def participation_heatmap(matrix: pd.DataFrame, *, title: str) -> go.Figure:
    """Members × events coloured by participation status, hover with date, document and score.

    matrix: one row per member and event with member, is_us, event, due_on, done_on, document, score, status
    (tdkt.clusters.matrix); rows keep the members' order, columns the events'.
    """
    statuses = list(PARTICIPATION_COLORS)
    members = list(dict.fromkeys(zip(matrix["member"], matrix["is_us"], strict=True)))
    events = list(dict.fromkeys(matrix["event"]))
    y = [_member_label(name, us) for name, us in members]
    x = [_wrap(e) for e in events]
    cells = {(r.member, r.event): r for r in matrix.itertuples()}
    z, text, hover = [], [], []
    for name, _ in members:
        z_row, text_row, hover_row = [], [], []
        for event in events:
            r = cells[(name, event)]
            z_row.append(statuses.index(r.status))
            done = r.done_on.strftime("%d/%m/%Y") if r.done_on is not None else ""
            text_row.append(done[:5] if done else ("—" if r.status == "Không áp dụng" else ""))
            details = [f"Hạn: {r.due_on.strftime('%d/%m/%Y')}"]
            if done:
                details.append(f"Ngày thực hiện: {done}")
            if r.document:
                details.append(f"Văn bản: {r.document}")
            if r.score is not None and not pd.isna(r.score):
                details.append(f"Điểm: {r.score:.2f}".replace(".", ","))
            hover_row.append(f"<b>{name}</b><br>{event}<br><b>{r.status}</b><br>" + "<br>".join(details))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    n = len(statuses)
    scale = []
    for index, color in enumerate(PARTICIPATION_COLORS.values()):
        scale += [[index / n, color], [(index + 1) / n, color]]
    return go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=text, customdata=hover, texttemplate="%{text}", textfont={"size": 11},
        hovertemplate="%{customdata}<extra></extra>", colorscale=scale, zmin=-0.5, zmax=n - 0.5, xgap=3, ygap=3,
        colorbar={"tickvals": list(range(n)), "ticktext": statuses, "title": {"text": ""}, "thickness": 14, "len": 0.9},
    ), layout=house_layout(title, height=max(260, 140 + 38 * len(y)), showlegend=False,
                           margin={"l": 10, "r": 10, "t": 120, "b": 10},
                           yaxis={"autorange": "reversed", "automargin": True},
                           xaxis={"side": "top", "automargin": True}))


def cluster_ranking(ranking: pd.DataFrame, *, title: str) -> go.Figure:
    """Horizontal bars of members' scores, best at the top, ours in red, each with its score and rank written at its
    end; the axis starts at 0 (ranking: member, is_us, score, rank; unscored members left out)."""
    scored = ranking[ranking["rank"].notna()]
    labels = [_member_label(m, us) for m, us in zip(scored["member"], scored["is_us"], strict=True)]
    values = [float(s) for s in scored["score"]]
    return go.Figure(go.Bar(
        y=labels, x=values, orientation="h",
        marker_color=[US_COLOR if us else OTHERS_COLOR for us in scored["is_us"]],
        text=[f"{format_number(s, 2)} điểm · hạng {int(r)}" for r, s in zip(scored["rank"], values, strict=True)],
        textposition="outside", cliponaxis=False, textfont={"size": 13},
        hovertemplate="%{y}: %{x:.2f} điểm<extra></extra>",
    ), layout=house_layout(
        title, height=max(240, 90 + 40 * len(labels)), showlegend=False,
        yaxis={"autorange": "reversed", "automargin": True},
        # From 0, as a bar's length must be (an axis from 77 made 85 look twice 81); the room on the right holds
        # the text.
        xaxis={"title": {"text": "Tổng điểm"}, "gridcolor": "#eeeeee", "range": [0, max(values or [1.0]) * 1.3]}))


# Award statistics (tdkt.stats): nominations beside decisions, the trend by level, the shares of decided awards.
NOMINATED_COLOR, DECIDED_COLOR = "#90caf9", "#1565c0"
LEVEL_COLORS = {"cơ sở": "#90caf9", "tỉnh": "#43a047", "bộ": "#ffb300", "nhà nước": "#e53935"}
SHARE_COLORS = ["#1565c0", "#90a4ae", "#cfd8dc"]


def level_title(label: str) -> str:
    """Return an award level as a heading or legend names it: "tỉnh" -> "Cấp tỉnh" (stats.LEVEL_LABELS are the
    lower-case words that go inside a sentence)."""
    return f"Cấp {label}" if label else "Chưa rõ cấp"


def default_span(years_with_data: list[int], year: int, *, longest: int = 5) -> tuple[int, int]:
    """Return the trend's default range of years: up to `longest` years ending at `year`, starting no earlier than
    the first year with data (a range that opens on empty years reads as a fall to nothing)."""
    first = max(year - longest + 1, min([y for y in years_with_data if y <= year], default=year))
    return first, year


def top_rows(counts: pd.DataFrame, *, top: int) -> pd.DataFrame:
    """Return the `top` - 1 labels with the most nominations and one row adding up the rest, when there are more."""
    if len(counts) <= top:
        return counts
    ranked = counts.sort_values(["nominations", "decisions"], ascending=False, kind="stable")
    head, rest = ranked.iloc[:top - 1], ranked.iloc[top - 1:]
    other = pd.DataFrame([{"label": f"Các mục khác ({len(rest)})", "nominations": int(rest["nominations"].sum()),
                           "decisions": int(rest["decisions"].sum())}])
    return pd.concat([head[["label", "nominations", "decisions"]], other], ignore_index=True)


def award_counts(counts: pd.DataFrame, *, title: str, horizontal: bool = False, top: int = 25) -> go.Figure:
    """Grouped bars of nominations beside decisions per label (counts: label, nominations, decisions); beyond `top`
    labels, the largest ones and the rest added up, so a chart of 5,000 units stays readable (the table has all)."""
    if len(counts) > top:
        title = f"{title} ({top - 1} mục nhiều đề nghị nhất)"
        counts = top_rows(counts, top=top)
    fig = go.Figure()
    labels = [_wrap(str(label), 26) for label in counts["label"]]
    series = (("nominations", "Đề nghị", NOMINATED_COLOR), ("decisions", "Có quyết định", DECIDED_COLOR))
    for column, name, color in series:
        values = [int(v) for v in counts[column]]
        axes = {"y": labels, "x": values, "orientation": "h"} if horizontal else {"x": labels, "y": values}
        hover = ("%{y}: %{x} " if horizontal else "%{x}: %{y} ") + name.lower() + "<extra></extra>"
        fig.add_bar(**axes, name=name, marker_color=color, text=values, textposition="outside", hovertemplate=hover)
    fig.update_layout(barmode="group")
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
        fig.update_xaxes(title_text="Số hồ sơ", gridcolor="#eeeeee", rangemode="tozero")
        return apply_layout(fig, title, height=max(300, 90 + 52 * len(labels)))
    fig.update_yaxes(title_text="Số hồ sơ", gridcolor="#eeeeee", rangemode="tozero")
    return apply_layout(fig, title, height=380)


def award_trend(trend: pd.DataFrame, *, first: int, last: int) -> go.Figure:
    """Stacked bars of nominations per year by award level with each year's total above its bar, and the decisions
    per year as a line whose figures sit under its markers on a white label, so that no figure hides another
    (trend: year, level_label, nominations, decisions)."""
    fig = go.Figure()
    years = [str(y) for y in range(first, last + 1)]
    for label, color in LEVEL_COLORS.items():
        part = trend[trend["level_label"] == label]
        if part["nominations"].sum() == 0:
            continue
        name = level_title(label)
        fig.add_bar(x=[str(y) for y in part["year"]], y=part["nominations"], name=name, marker_color=color,
                    hovertemplate="Năm %{x} — " + name + ": %{y} đề nghị<extra></extra>")
    totals = trend.groupby("year", as_index=False)[["nominations", "decisions"]].sum()
    fig.add_scatter(x=[str(y) for y in totals["year"]], y=totals["decisions"], name="Có quyết định",
                    mode="lines+markers", line={"color": "#212121", "width": 2}, marker={"size": 7},
                    hovertemplate="Năm %{x}: %{y} có quyết định<extra></extra>")
    for year, nominated, decided in zip(totals["year"], totals["nominations"], totals["decisions"], strict=True):
        # By the category's position: plotly reads an annotation's x of "2023" as the number 2023 on this axis.
        at = years.index(str(year)) if str(year) in years else None
        if nominated and at is not None:
            fig.add_annotation(x=at, y=int(nominated), text=f"<b>{int(nominated)}</b>", showarrow=False,
                               yanchor="bottom", yshift=4, font={"size": 13})
        if decided and at is not None:
            fig.add_annotation(x=at, y=int(decided), text=f"{int(decided)} QĐ", showarrow=False,
                               yanchor="top", yshift=-8, font={"size": 12, "color": "#212121"},
                               bgcolor="rgba(255,255,255,0.85)", borderpad=2)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    top = int(totals["nominations"].max()) if len(totals) else 0
    fig.update_yaxes(title_text="Số hồ sơ đề nghị", gridcolor="#eeeeee", range=[0, max(top, 1) * 1.18])
    return apply_layout(fig, f"Khen thưởng qua các năm {first}–{last} theo cấp khen (số trên cột: tổng đề nghị)")


def award_shares(shares: pd.DataFrame, *, year: int) -> go.Figure:
    """Horizontal bars, one per part of each group, of decided collectives (small / other) and individuals (direct
    workers / leaders / others), each with its share and count written beside it at a readable size, whatever the
    share (a 100% stacked bar shrank the text of a 5% segment to nothing) (shares: group, part, n, share)."""
    groups = list(dict.fromkeys(shares["group"]))
    y_groups, y_parts, values, texts, colors = [], [], [], [], []
    for group in groups:
        part = shares[shares["group"] == group]
        for index, row in enumerate(part.itertuples()):
            share = 0.0 if row.share is None or pd.isna(row.share) else float(row.share)
            y_groups.append(_wrap(group, 18))
            y_parts.append(_wrap(row.part, 24))
            values.append(share * 100)
            texts.append(f"{format_number(share * 100, 0)}% ({int(row.n)})")
            colors.append(SHARE_COLORS[index % len(SHARE_COLORS)])
    fig = go.Figure(go.Bar(
        y=[y_groups, y_parts], x=values, orientation="h", marker_color=colors, text=texts, textposition="outside",
        cliponaxis=False, textfont={"size": 13}, hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(title_text="Tỷ lệ trong nhóm (%)", range=[0, 118], gridcolor="#eeeeee",
                     tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 13})
    fig = apply_layout(fig, f"Cơ cấu khen thưởng có quyết định năm {year}", height=max(300, 110 + 44 * len(values)))
    fig.update_layout(showlegend=False)
    return fig


# Tổng quan (tdkt.reports.overview): the department's part in each cluster, the awards by form and level.
PARTICIPATION_PARTS = (("on_time", "Đúng hạn"), ("late", "Trễ hạn"), ("pending", "Chưa thực hiện"),
                       ("not_applicable", "Không áp dụng"))


def _cluster_label(row) -> str:
    name = "Giao ước nội bộ" if row.whose == "các phòng, đơn vị" else row.cluster
    return f"<b>{name}</b><br>({_wrap(str(row.whose), 26)})"


def _rate_note(row) -> str:
    rate = "—" if row.rate is None or pd.isna(row.rate) else f"{format_number(float(row.rate) * 100, 0)}%"
    rank = "" if row.rank is None or pd.isna(row.rank) else f" · hạng {int(row.rank)}/{int(row.ranked)}"
    return f"tham gia {rate}{rank}"


def participation_overview(frame: pd.DataFrame, *, year: int) -> go.Figure:
    """Horizontal stacked bars, one per cluster: the department's own part in its events by status (the internal
    covenant: its units' part), the count in each segment and the rate and our rank after the bar
    (frame: overview.participation)."""
    fig = go.Figure()
    labels = [_cluster_label(r) for r in frame.itertuples()]
    for column, status in PARTICIPATION_PARTS:
        values = [int(v) for v in frame[column]]
        if not sum(values):
            continue
        fig.add_bar(y=labels, x=values, name=status, orientation="h", marker_color=PARTICIPATION_COLORS[status],
                    marker_line={"color": "#9e9e9e", "width": 1}, text=[v or "" for v in values],
                    textposition="inside", insidetextanchor="middle", textfont={"size": 13},
                    hovertemplate="%{y}<br>" + status + ": %{x}<extra></extra>")
    totals = [int(sum(int(getattr(r, c)) for c, _ in PARTICIPATION_PARTS)) for r in frame.itertuples()]
    for label, total, row in zip(labels, totals, frame.itertuples(), strict=True):
        fig.add_annotation(y=label, x=total, text=_rate_note(row), showarrow=False, xanchor="left", xshift=6,
                           font={"size": 13})
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="Số lượt (mỗi hoạt động của mỗi đơn vị)", gridcolor="#eeeeee",
                     range=[0, max(totals or [1]) * 1.45], dtick=max(1, max(totals or [1]) // 8))
    fig = apply_layout(fig, f"Tham gia cụm thi đua và giao ước nội bộ năm {year}",
                       height=max(300, 150 + 70 * len(labels)))
    # The legend under the plot: on half a page, above it, it ran into the title.
    fig.update_layout(legend={"yanchor": "top", "y": -0.28, "xanchor": "left", "x": 0})
    return fig


def awards_by_level(frame: pd.DataFrame, *, year: int, money: int, scope: str = "") -> go.Figure:
    """Horizontal bars of nominations beside decisions per award form, grouped under their level (Cấp cơ sở, Cấp
    tỉnh…), each with its figure, and the year's money in the title (frame: overview.awards_by_form_and_level)."""
    groups = [level_title(label) for label in frame["level_label"]]
    forms = [_wrap(str(a), 30) for a in frame["award"]]
    fig = go.Figure()
    for column, name, color in (("nominations", "Đề nghị", NOMINATED_COLOR), ("decisions", "Có quyết định",
                                                                              DECIDED_COLOR)):
        values = [int(v) for v in frame[column]]
        fig.add_bar(y=[groups, forms], x=values, name=name, orientation="h", marker_color=color, text=values,
                    textposition="outside", cliponaxis=False, textfont={"size": 13},
                    hovertemplate="%{y}: %{x} " + name.lower() + "<extra></extra>")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True)
    top = int(frame["nominations"].max()) if len(frame) else 0
    fig.update_xaxes(title_text="Số hồ sơ", gridcolor="#eeeeee", range=[0, max(top, 1) * 1.15], tickformat="d")
    title = (f"Khen thưởng năm {year} {scope} theo hình thức và cấp khen".replace("  ", " ")
             + f"<br><sup>Tiền thưởng theo quyết định: {format_money(money)}</sup>")
    fig = apply_layout(fig, title, height=max(300, 120 + 48 * len(forms)))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig
