"""The registrations' figure: registered → proposed → decided per title or unit, as grouped horizontal bars."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from tdkt.reports.charts import apply_layout

if TYPE_CHECKING:
    from tdkt.registrations.registration_page import RegistrationPage

# One colour per stage, light to dark as the path goes on.
STAGE_COLORS = {"registered": ("Đăng ký", "#b0bec5"), "proposed": ("Đã đề nghị", "#64b5f6"),
                "decided": ("Có quyết định", "#1565c0")}
_BY = {"award": "danh hiệu", "unit": "đơn vị"}


def registration_progress(summary: pd.DataFrame, *, by: str, year: int) -> go.Figure:
    """Grouped horizontal bars per title or unit (`by`: "award" or "unit"; summary: by, registered, proposed,
    decided), the largest first, each bar's count written at its end; the axis starts at 0."""
    labels = summary[by].tolist()
    fig = go.Figure()
    for stage, (label, color) in STAGE_COLORS.items():
        values = [int(v) for v in summary[stage]]
        fig.add_bar(y=labels, x=values, name=label, orientation="h", marker_color=color, text=values,
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y}: %{x} " + label.lower() + "<extra></extra>")
    top = max([int(v) for v in summary["registered"]] or [1])
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="Số đăng ký", gridcolor="#eeeeee", range=[0, top * 1.2 + 0.5], dtick=max(1, top // 8))
    return apply_layout(fig, f"Đăng ký → đề nghị → có quyết định theo {_BY[by]} — năm {year}",
                        height=max(300, 90 + 3 * 22 * len(labels)))


def page_figures(page: RegistrationPage, *, year: int, **_view) -> dict[str, go.Figure]:
    """Return Đăng ký thi đua's figures by "award" and "unit" (none without a registration); the view's other
    arguments are in the page already."""
    if page.rows.empty:
        return {}
    return {by: registration_progress(summary, by=by, year=year) for by, summary in page.summaries.items()}
