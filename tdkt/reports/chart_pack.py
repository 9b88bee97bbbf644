"""The sơ kết / tổng kết chart pack: the report's figures as Plotly charts, exported to PNG in one zip.

The PNGs are drawn by kaleido 1.x in Debian's chromium (found on PATH, or BROWSER_PATH); one kaleido server draws
every figure of a pack, and stays up between packs (closed after IDLE_SECONDS without a pack, and at exit). Nothing is
ever downloaded: without a browser, ChartPackUnavailable says what to install.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from sqlmodel import Session

from tdkt.core.errors import Refused
from tdkt.core.text import fold
from tdkt.reports import reports
from tdkt.reports.charts import PARTICIPATION_COLORS, house_layout

WIDTH, HEIGHT, SCALE = 1200, 675, 2
NO_BROWSER = ("Không tìm thấy trình duyệt Chromium để xuất ảnh biểu đồ. Cài gói chromium (./scripts/test hoặc "
              "apt-get install chromium) rồi thử lại.")
CURRENT_COLOR, PREVIOUS_COLOR = "#1565c0", "#b0bec5"
# A slide needs room the page does not: the axis titles and the category labels must not touch the edge.
_MARGIN = {"l": 90, "r": 40, "t": 100, "b": 90}
EMPTY_FILE = "bieu_do_khong_co_so_lieu.txt"
_LOCK = threading.Lock()  # kaleido's sync server is one per process: one pack at a time
# The browser stays warm this long after a pack: starting chromium was most of a click (a year's pack of 3 figures,
# 2 shared cores: 13 s with a browser started for it, 2–5 s in the warm one, at a load average of 20).
IDLE_SECONDS = 600
_idle_stop: list[threading.Timer] = []  # the pending close of the warm browser, at most one


class ChartPackUnavailable(Refused):
    """The PNGs cannot be drawn here (no chromium); the message is Vietnamese and says what to install."""


def _versus(title: str, labels: list[str], current: list[int], previous: list[int], *, year: int,
            horizontal: bool = False) -> go.Figure:
    """Grouped bars of this period against the same period of the previous year."""
    bars = []
    for name, values, color in ((f"Cùng kỳ {year - 1}", previous, PREVIOUS_COLOR),
                                (f"Kỳ này ({year})", current, CURRENT_COLOR)):
        x, y = (values, labels) if horizontal else (labels, values)
        bars.append(go.Bar(name=name, x=x, y=y, marker_color=color, text=values, textposition="outside",
                           orientation="h" if horizontal else "v", cliponaxis=False))
    if horizontal:
        axes = {"xaxis": {"automargin": True, "title": {"text": "Số lượng"}, "rangemode": "tozero"},
                "yaxis": {"autorange": "reversed", "automargin": True}}
    else:
        axes = {"xaxis": {"automargin": True}, "yaxis": {"title": {"text": "Số nhiệm vụ"}, "rangemode": "tozero"}}
    return go.Figure(bars, layout=_slide_layout(title, barmode="group", **axes))


def _slide_layout(title: str, **extra) -> dict:
    """Return the house layout at slide size (`charts.house_layout`) with extra's keys, for a figure's constructor:
    update_layout and update_xaxes on the built figures took 5–10 times the figures (a year's pack 152 ms)."""
    layout = house_layout(title, height=HEIGHT, width=WIDTH, margin=_MARGIN, **extra)
    return {**layout, "title": {**layout["title"], "x": 0.02}}


def _by_award(data: dict, key: str, title: str, *, year: int) -> go.Figure | None:
    now, old = data[key], data["previous"][key]
    labels = sorted(set(now) | set(old), key=lambda k: (-now.get(k, 0), -old.get(k, 0), k))
    if not labels:
        return None
    return _versus(title, labels, [now.get(k, 0) for k in labels], [old.get(k, 0) for k in labels], year=year,
                   horizontal=True)


def _participation(events, title: str) -> go.Figure | None:
    """Stacked bars: our participation in each cluster's events of the period, by status."""
    if not len(events):
        return None
    clusters = sorted(events["cluster"].unique())
    bars = []
    for status, color in PARTICIPATION_COLORS.items():
        counts = [int(((events["cluster"] == c) & (events["status"] == status)).sum()) for c in clusters]
        if sum(counts):
            bars.append(go.Bar(name=status, x=clusters, y=counts, marker_color=color, text=counts,
                               marker_line={"color": "#9e9e9e", "width": 1}))
    return go.Figure(bars, layout=_slide_layout(
        title, barmode="stack", xaxis={"automargin": True},
        yaxis={"automargin": True, "title": {"text": "Số hoạt động"}, "rangemode": "tozero", "dtick": 1}))


@dataclass(frozen=True, slots=True)
class ChartPack:
    """A report's charts: those with something to draw, by Vietnamese title, and the titles left out (nothing in the
    period), which the page and the zip list instead of drawing an empty chart."""

    figures: dict[str, go.Figure]
    empty: list[str]


def pack_of(data: dict, events, *, year: int, cluster: str | None = None) -> ChartPack:
    """Return the charts of a report's figures (`reports.figures`) and its participation table: plan tasks,
    nominations and decisions by award (each beside the same period of the previous year), our participation."""
    span = f"{data['period']['start']}–{data['period']['end']}"
    tasks, old = data["tasks"], data["previous"]["tasks"]
    labels = ["Đến hạn", "Đã hoàn thành", "Còn lại", "Quá hạn"]

    def row(t: dict) -> list[int]:
        return [t["total"], t["done"], t["total"] - t["done"], t["overdue"]]

    titles = [f"Nhiệm vụ kế hoạch {span} so với cùng kỳ {year - 1}",
              f"Hồ sơ đề nghị khen thưởng theo hình thức {span} so với cùng kỳ {year - 1}",
              f"Quyết định khen thưởng theo hình thức {span} so với cùng kỳ {year - 1}",
              f"Tham gia hoạt động cụm thi đua {span}" + (f" — {cluster}" if cluster else "")]
    drawn = {
        titles[0]: _versus(titles[0], labels, row(tasks), row(old), year=year) if tasks["total"] or old["total"]
        else None,
        titles[1]: _by_award(data, "nominations", titles[1], year=year),
        titles[2]: _by_award(data, "decisions", titles[2], year=year),
        titles[3]: _participation(events, titles[3]),
    }
    return ChartPack(figures={t: f for t, f in drawn.items() if f is not None},
                     empty=[t for t, f in drawn.items() if f is None])


def pack(session: Session, *, year: int, period: reports.PeriodKind = "h1", start: date | None = None,
         end: date | None = None, cluster: str | None = None, as_of: date | None = None) -> ChartPack:
    """Return the report's charts (`pack_of`) read from the database."""
    data = reports.figures(session, year=year, period=period, start=start, end=end, cluster=cluster, as_of=as_of)
    first, last = reports.period(year, period, start, end)
    events = reports.participation_table(session, start=first, end=last, cluster=cluster)
    return pack_of(data, events, year=year, cluster=cluster)


def figures_for(session: Session, *, year: int, period: reports.PeriodKind = "h1", start: date | None = None,
                end: date | None = None, cluster: str | None = None, as_of: date | None = None) -> dict[str, go.Figure]:
    """Return the report's charts that have something to draw, keyed by their Vietnamese titles (`pack`)."""
    return pack(session, year=year, period=period, start=start, end=end, cluster=cluster, as_of=as_of).figures


def for_page(fig: go.Figure, *, height: int = 440) -> go.Figure:
    """Return a copy of a pack's slide-sized chart (1200×675) that fits half the page: the title on two lines
    ("… so với cùng kỳ" on the second) and the legend under the plot, where it cannot run into the title."""
    # A new figure from the layout's dict, not go.Figure(fig).update_layout(…): copying the built figure's template
    # and merging into it took 150 ms for a year's four charts, this 20 ms. The pack's figures have plotly's default
    # template, which the new figure is given again.
    layout = {k: v for k, v in fig.layout.to_plotly_json().items() if k not in ("template", "width")}
    title = layout.get("title", {}).get("text") or ""
    layout.update(
        height=height, margin={"l": 10, "r": 10, "t": 70, "b": 10},
        title={**layout.get("title", {}), "x": 0,
               "text": title.replace(" so với ", "<br>so với ", 1).replace(" — ", "<br>", 1)},
        legend={**layout.get("legend", {}), "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0})
    return go.Figure(data=fig.data, layout=layout)


def empty_note(empty: list[str]) -> str:
    """Return the Vietnamese line that lists the charts left out for want of figures."""
    return "Không có số liệu trong kỳ, nên không có biểu đồ: " + "; ".join(f"“{t}”" for t in empty) + "."


def file_name(index: int, title: str) -> str:
    """Return an ASCII-safe PNG name: "01_nhiem_vu_ke_hoach.png" (accents dropped, đ -> d, at most 80 chars, cut
    between words so a date is never halved)."""
    stem = re.sub(r"[^a-z0-9]+", "_", fold(title.split(" so với ")[0].split(" — ")[0])).strip("_")
    if len(stem) > 80:
        stem = stem[:81].rsplit("_", 1)[0]
    return f"{index:02d}_{stem or 'bieu_do'}.png"


def browser_path() -> str | None:
    """Return the chromium kaleido will use (BROWSER_PATH, else chromium on PATH), or None."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium")


def png_zip(figures: dict[str, go.Figure], *, empty: list[str] | tuple[str, ...] = ()) -> bytes:
    """Return a zip of the figures as PNG (1200×675, scale 2), drawn by the process's kaleido server in Debian's
    chromium (`close_browser`), and when charts were left out for want of figures, a text file listing them
    (EMPTY_FILE).

    Raises ChartPackUnavailable (Vietnamese message) when no chromium is found; never downloads a browser.
    """
    if not browser_path():
        raise ChartPackUnavailable(NO_BROWSER)
    buffer = io.BytesIO()
    with _LOCK:
        _cancel_idle_stop()
        _start_browser()
        try:
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The kopts argument is ignored")  # plotly's, harmless
                for index, (title, fig) in enumerate(figures.items(), start=1):
                    png = fig.to_image(format="png", width=WIDTH, height=HEIGHT, scale=SCALE)
                    archive.writestr(file_name(index, title), png)
                if empty:
                    archive.writestr(EMPTY_FILE, (empty_note(list(empty)) + "\n").encode("utf-8"))
        except BaseException:  # a browser that failed once is not trusted with the next pack: a new one then
            _stop_browser()
            raise
        _schedule_idle_stop()
    return buffer.getvalue()


def _start_browser() -> None:
    """Start the process's kaleido server unless it runs (kaleido's start does nothing then; it closes it at exit).
    MathJax off: no figure has LaTeX, and kaleido would load it from a CDN into every page it draws in."""
    import kaleido

    try:
        kaleido.start_sync_server(silence_warnings=True, mathjax=False)
    except Exception as error:  # a browser that does not start is as good as none
        raise ChartPackUnavailable(f"{NO_BROWSER} ({error})") from error


def _stop_browser() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def _cancel_idle_stop() -> None:
    while _idle_stop:
        _idle_stop.pop().cancel()


def _schedule_idle_stop() -> None:
    timer = threading.Timer(IDLE_SECONDS, close_browser)
    timer.daemon = True
    timer.start()
    _idle_stop.append(timer)


def close_browser() -> None:
    """Close the warm browser now (it starts again with the next pack): IDLE_SECONDS after the last pack, or at will."""
    with _LOCK:
        _cancel_idle_stop()
        _stop_browser()
