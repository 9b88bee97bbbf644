"""Plotly figures built from DataFrames (pure functions, no database, no streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tdkt.models import OVERDUE_LABEL, TASK_STATUS_LABELS, TaskStatus

STATUS_COLORS = {
    TASK_STATUS_LABELS[TaskStatus.XONG]: "#2e7d32",
    TASK_STATUS_LABELS[TaskStatus.DANG]: "#1976d2",
    TASK_STATUS_LABELS[TaskStatus.CHUA]: "#9e9e9e",
    OVERDUE_LABEL: "#d32f2f",
    TASK_STATUS_LABELS[TaskStatus.KHONG]: "#6d4c41",
}
NOMINATION_COLORS = ["#90a4ae", "#ffb300", "#1e88e5", "#43a047", "#e53935"]
_FONT = dict(family="Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif", size=13)


def _layout(fig: go.Figure, title: str, *, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        font=_FONT,
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        showlegend=True,
        plot_bgcolor="white",
        separators=",.",
    )
    return fig


def progress_by_quarter(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Stacked bars of tasks per quarter by status (counts: quarter, status_label, n)."""
    fig = go.Figure()
    for label, color in STATUS_COLORS.items():
        part = counts[counts["status_label"] == label]
        if part["n"].sum() == 0:
            continue
        fig.add_bar(
            x=[f"Quý {q}" for q in part["quarter"]], y=part["n"], name=label, marker_color=color,
            text=[n if n else "" for n in part["n"]], textposition="inside",
            hovertemplate="%{x}: %{y} nhiệm vụ " + label.lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=[f"Quý {q}" for q in (1, 2, 3, 4)])
    fig.update_yaxes(title_text="Số nhiệm vụ", dtick=1, gridcolor="#eeeeee", rangemode="tozero")
    return _layout(fig, f"Tiến độ kế hoạch TĐKT năm {year} theo quý")


def progress_by_unit(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Horizontal stacked bars of tasks per responsible unit by status (counts: unit, status_label, n)."""
    fig = go.Figure()
    order = list(dict.fromkeys(counts["unit"]))[::-1]
    for label, color in STATUS_COLORS.items():
        part = counts[counts["status_label"] == label]
        if part.empty:
            continue
        fig.add_bar(
            y=part["unit"], x=part["n"], name=label, orientation="h", marker_color=color,
            text=part["n"], textposition="inside",
            hovertemplate="%{y}: %{x} nhiệm vụ " + label.lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="Số nhiệm vụ", dtick=1, gridcolor="#eeeeee")
    return _layout(fig, f"Nhiệm vụ theo đơn vị tham mưu, thực hiện — năm {year}", height=max(300, 70 + 45 * len(order)))


def nominations_by_status(counts: pd.DataFrame, *, year: int) -> go.Figure:
    """Bars of the year's nominations by status along the path (counts: status, label, n)."""
    fig = go.Figure(
        go.Bar(
            x=counts["label"], y=counts["n"], marker_color=NOMINATION_COLORS[: len(counts)], text=counts["n"],
            textposition="outside", hovertemplate="%{x}: %{y} hồ sơ<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="Số hồ sơ đề nghị", gridcolor="#eeeeee", rangemode="tozero")
    return _layout(fig, f"Hồ sơ đề nghị khen thưởng năm {year} theo trạng thái", height=340)
