"""What a rerun does not redo: read results per data version (`tdkt.core.read_cache`) and charts per content.

A widget change reruns the page; on the demo database a Thống kê rerun spent 33 ms reading and 280–390 ms building
its nine plotly figures (1.0 s at the first run). Reads are cached per database, data version and arguments, so a
write anywhere, in any app process, is seen at the next run; a chart is kept per its data and options (the data
comes from those reads, so new data makes a new chart).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from pages._common import db_read
from tdkt.core.read_cache import cached, shared
from tdkt.reports import charts

T = TypeVar("T")
F = TypeVar("F")


def read(compute: Callable[..., T], /, **arguments: Any) -> T:
    """Return compute(session, **arguments) for the open database, computed once per data version (a copy)."""
    with db_read() as session:
        return cached(session, compute, **arguments)


# Shared, not copied: st.plotly_chart only reads a figure (to_dict, to_json), and copying one costs more than building
# it (a pickle round trip of the nine figures of Thống kê took 730 ms).
@st.cache_resource(max_entries=512, show_spinner=False)
def chart(name: str, frame, **options: Any):
    """Return `tdkt.reports.charts.<name>(frame, **options)`, built once per frame content and options."""
    return getattr(charts, name)(frame, **options)


def drawn(draw: Callable[..., F], compute: Callable[..., T], /, **arguments: Any) -> F:
    """Return draw(compute(session, **arguments), **arguments), drawn once per data version and arguments, and shared
    between sessions, not copied: figures, which st.plotly_chart only reads. `draw` and `compute` are module-level
    functions (a new lambda every run would be a new entry every run).

    Keyed on the data version like `read`, not on the frames' content: hashing Cụm thi đua's frames for `chart` took
    0.15 s a run, more than building its figures once.
    """
    with db_read() as session:
        return shared(session, _draw, draw=draw, compute=compute, arguments=tuple(sorted(arguments.items())))


def _draw(session, *, draw: Callable[..., F], compute: Callable[..., T], arguments: tuple) -> F:
    # The page has just read compute's result: this is a hit of the read cache, then the figures are built from it.
    return draw(cached(session, compute, **dict(arguments)), **dict(arguments))


# How a page hands a figure to st.plotly_chart: the house layout as built (`charts.house_layout`, as in the PNG pack),
# not Streamlit's theme, and no mode bar. Streamlit's theme is applied in the browser to every figure at every draw:
# Thống kê's unit filter, nine charts redrawn, took 8.2 s of the browser's main thread with it and 2.1 s without it
# (bench/ui.py's Chromium, load 20 on 2 cores).
PLOTLY = {"theme": None, "config": {"displayModeBar": False}}
