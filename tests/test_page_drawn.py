"""What Thống kê khen thưởng and Tổng quan draw once per data version (#20, bench/pages.py at 1M nominations): their
tables as the Arrow that st.dataframe sends, the same rows as the frames the .xlsx holds, and Tổng quan's figures."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from tdkt.awards import stats
from tdkt.core.db import read_session
from tdkt.core.models import Role
from tdkt.reports import overview, statistics_page
from tdkt.reports.statistics_page import SECTIONS, SHARES_TITLE
from tests.test_dossiers import add_nominations


def same(table, frame: pd.DataFrame) -> None:
    back = table.to_pandas()
    assert list(back.columns) == list(frame.columns) and len(back) == len(frame)
    for column in frame.columns:
        assert [str(v) for v in back[column]] == [str(v) for v in frame[column]], column


def test_the_statistics_tables_go_to_the_page_as_the_arrow_of_the_xlsx_frames(engine):
    add_nominations(engine, [("Nguyễn Thị Minh", None), ("Trần Văn An", None)])
    with read_session(engine) as session:
        counts = statistics_page.year_counts(session, year=2024)
        trend = stats.trend(session, first=2022, last=2024)
    drawn = statistics_page.year_charts(counts, year=2024)
    assert list(drawn.shown) == [title for title, _, _ in SECTIONS.values()] + [SHARES_TITLE]
    assert drawn.shown[SECTIONS["status"][0]].columns.tolist() == ["Trạng thái", "Đề nghị", "Có quyết định"]
    assert int(drawn.shown[SECTIONS["status"][0]]["Đề nghị"].sum()) == counts.nominations == 2
    for title, frame in drawn.shown.items():
        same(drawn.arrows[title], frame)
    assert set(drawn.figures) == {d for d, t in counts.tables.items() if t["nominations"].sum()} | {"shares"}
    shown = statistics_page.trend_chart(trend, first=2022, last=2024)
    assert shown.shown.columns.tolist() == ["Năm", "Cấp khen", "Đề nghị", "Có quyết định"]
    assert "Cấp cơ sở" in set(shown.shown["Cấp khen"])  # titled as the page shows it, not "cơ sở"
    same(shown.arrow, shown.shown)


def test_the_overview_draws_its_figures_and_the_units_not_submitted_once(engine, actors):
    add_nominations(engine, [("Nguyễn Thị Minh", None)])
    with read_session(engine) as session:
        today = overview.dossier_deadline(session, year=2024) - timedelta(days=5)
        view, waiting = overview.page_view(session, year=2024, today=today, actor=actors[Role.LANH_DAO])
        alone = overview.leadership(session, year=2024, today=today, actor=actors[Role.LANH_DAO])
    assert view.figures == alone.figures and view.awards.equals(alone.awards)
    drawn = overview.page_drawn((view, waiting), year=2024, today=today, actor=actors[Role.LANH_DAO])
    assert len(waiting.table) and waiting.shown.columns.tolist() == overview.WAITING_SHOWN
    same(drawn.waiting, waiting.shown)
    assert drawn.quarters is not None and drawn.awards is not None  # the seeded 2024 plan, one nomination
    assert drawn.awards.layout.title.text
