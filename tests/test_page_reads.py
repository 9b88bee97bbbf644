"""What the cluster, plan and review pages read in one call per data version (#20): the same tables as the separate
functions, plain values that outlive their session, and figures kept and handed out as they are."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tdkt.clusters import clusters
from tdkt.core import read_cache
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Unit
from tdkt.plan import plan
from tdkt.reports import chart_pack, cluster_page, reports, review_page
from tdkt.scoring import ranking

AS_OF = date(2024, 8, 1)


def test_shared_hands_out_the_kept_value_itself_and_computes_again_after_a_write(engine):
    calls: list[int] = []

    def compute(session, *, year: int) -> dict:
        calls.append(year)
        return {"year": year}

    with read_session(engine) as session:
        first, again = (read_cache.shared(session, compute, year=2024) for _ in range(2))
    assert first is again and calls == [2024]
    with write_session(engine) as session:
        session.add(Unit(name="Phòng Thử nghiệm", kind="phong"))
    with read_session(engine) as session:
        assert read_cache.shared(session, compute, year=2024) is not first and calls == [2024, 2024]


def test_the_cluster_page_holds_every_clusters_tables_as_plain_values_and_a_heatmap_each(engine):
    with read_session(engine) as session:
        page = read_cache.cached(session, cluster_page.cluster_page, year=2024)  # refused if it held a row
        views = ranking.year_views(session, year=2024)
    assert [v.cluster.code for v in page.views] == ["Cụm II", "Cụm III", "Nội bộ"]
    assert all(isinstance(v.cluster, clusters.ClusterInfo) for v in page.views)
    for v in views:
        expected = clusters.display_tables(v)
        assert list(page.tables[v.cluster.id]) == list(expected)
        for name, table in expected.items():
            pd.testing.assert_frame_equal(page.tables[v.cluster.id][name], table)
    pd.testing.assert_frame_equal(page.summary, clusters.summary_table(views))
    figures = cluster_page.figures(page, year=2024)
    assert [(f.heatmap.layout.title.text, f.ranking) for f in figures.values()] == [
        (f"Tình hình tham gia — {code} năm 2024", None) for code in ("Cụm II", "Cụm III", "Nội bộ")]


def test_the_progress_view_is_the_tasks_their_counts_and_their_table(engine):
    with read_session(engine) as session:
        view = plan.progress_view(session, year=2024, as_of=AS_OF)
        tasks = plan.tasks(session, year=2024, as_of=AS_OF)
    pd.testing.assert_frame_equal(view.tasks, tasks)
    pd.testing.assert_frame_equal(view.quarters, plan.by_quarter(tasks))
    pd.testing.assert_frame_equal(view.units, plan.by_unit(tasks))
    pd.testing.assert_frame_equal(view.table, plan.display_table(tasks, as_of=AS_OF))


def test_the_review_page_is_the_reports_tables_and_its_charts_fit_the_page(engine):
    with read_session(engine) as session:
        page = review_page.review_page(session, year=2024, period="h1", as_of=AS_OF)
        data, awards = reports.review(session, year=2024, period="h1", as_of=AS_OF)
        tasks = reports.task_table(session, start=date(2024, 1, 1), end=date(2024, 6, 30), as_of=AS_OF)
        events = reports.participation_table(session, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert page.data == data
    for got, expected in ((page.awards, awards), (page.tasks, tasks), (page.events, events)):
        pd.testing.assert_frame_equal(got, expected)
    drawn = review_page.charts(page, year=2024, period="h1", as_of=AS_OF)
    assert drawn.pack.empty == chart_pack.pack_of(data, events, year=2024).empty
    assert [f.layout.height for f in drawn.shown] == [440] * len(drawn.pack.figures)  # half the page, not a slide
