"""Charts that read: levels capitalised, totals not hidden, shares and scores written at a readable size, axes from 0,
the trend's default range, the overview's charts, and the chart pack that leaves empty charts out and lists them."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import plotly.graph_objects as go
import pytest

from tdkt.reports import chart_pack, charts
from tests.test_overview_leadership import app_with_nominations  # noqa: F401
from tests.test_pages import signed_in

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def trend_frame() -> pd.DataFrame:
    rows = [(2023, "cơ sở", 50, 45), (2023, "tỉnh", 5, 4), (2024, "cơ sở", 58, 50), (2024, "tỉnh", 2, 2),
            (2025, "cơ sở", 0, 0), (2025, "tỉnh", 0, 0)]
    return pd.DataFrame([(y, "", label, n, d) for y, label, n, d in rows],
                        columns=["year", "level", "level_label", "nominations", "decisions"])


def test_award_levels_read_capitalised_in_the_trend():
    fig = charts.award_trend(trend_frame(), first=2023, last=2025)
    assert [t.name for t in fig.data] == ["Cấp cơ sở", "Cấp tỉnh", "Có quyết định"]
    assert "Cấp tỉnh" in fig.data[1].hovertemplate
    assert charts.level_title("nhà nước") == "Cấp nhà nước" and charts.level_title("") == "Chưa rõ cấp"


def test_trend_totals_sit_above_the_bars_and_decisions_under_their_markers():
    fig = charts.award_trend(trend_frame(), first=2023, last=2025)
    line = fig.data[-1]
    assert line.mode == "lines+markers" and line.text is None  # no figure drawn on the marker itself
    totals = [(a.x, a.y, a.text) for a in fig.layout.annotations if a.yanchor == "bottom"]
    decided = [(a.x, a.y, a.text) for a in fig.layout.annotations if a.yanchor == "top"]
    # By category position (0 = 2023): plotly would read x="2023" as the number 2023.
    assert totals == [(0, 55, "<b>55</b>"), (1, 60, "<b>60</b>")]
    assert decided == [(0, 49, "49 QĐ"), (1, 52, "52 QĐ")]
    assert all(a.yshift < 0 and a.bgcolor for a in fig.layout.annotations if a.yanchor == "top")
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] > 60  # room for the top total


@pytest.mark.parametrize(("found", "year", "span"), [
    ([2022, 2023, 2024, 2025], 2025, (2022, 2025)),  # not 2021: an empty first year reads as a fall to nothing
    (list(range(2015, 2026)), 2025, (2021, 2025)),  # at most five years
    ([], 2025, (2025, 2025)),
    ([2026], 2025, (2025, 2025)),
    ([2020, 2026], 2023, (2020, 2023)),
])
def test_trend_range_starts_at_the_first_year_with_data(found, year, span):
    assert charts.default_span(found, year) == span


def test_shares_are_written_outside_their_bars_at_a_readable_size_however_small():
    shares = pd.DataFrame([
        {"group": "Tập thể", "part": "Tập thể nhỏ (tổ, đội, phòng…)", "n": 1, "share": 0.05},
        {"group": "Tập thể", "part": "Tập thể khác", "n": 19, "share": 0.95},
        {"group": "Cá nhân", "part": "Người trực tiếp lao động", "n": 0, "share": None},
    ])
    fig = charts.award_shares(shares, year=2025)
    bar = fig.data[0]
    assert list(bar.text) == ["5% (1)", "95% (19)", "0% (0)"]
    assert bar.textposition == "outside" and bar.textfont.size >= 12 and bar.cliponaxis is False
    assert [list(level) for level in bar.y][1][0].startswith("Tập thể nhỏ")
    assert fig.layout.xaxis.range[1] > 100  # room for the text of a 95% bar


def test_cluster_ranking_starts_at_zero_and_writes_each_score_and_rank_on_its_bar():
    ranking = pd.DataFrame({"member": ["Sở Xây dựng", "Sở Công Thương", "Sở Y tế"], "is_us": [False, True, False],
                            "score": pd.array([97.4, 87.2, None], dtype="Float64"),
                            "rank": pd.array([1, 2, None], dtype="Int64")})
    fig = charts.cluster_ranking(ranking, title="Xếp hạng")
    bar = fig.data[0]
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.xaxis.range[1] > 97.4
    assert list(bar.text) == ["97,40 điểm · hạng 1", "87,20 điểm · hạng 2"] and bar.textposition == "outside"
    assert list(bar.y) == ["Sở Xây dựng", "★ Sở Công Thương"]


def test_participation_overview_names_each_cluster_with_its_counts_rate_and_our_rank():
    frame = pd.DataFrame([
        {"cluster": "Cụm II", "whose": "Sở Công Thương", "on_time": 3, "late": 0, "pending": 0, "not_applicable": 1,
         "rate": 1.0, "rank": 6, "ranked": 6},
        {"cluster": "Cụm III", "whose": "Sở Công Thương", "on_time": 2, "late": 1, "pending": 1, "not_applicable": 0,
         "rate": 0.75, "rank": None, "ranked": 0},
        {"cluster": "Nội bộ", "whose": "các phòng, đơn vị", "on_time": 11, "late": 7, "pending": 4,
         "not_applicable": 0, "rate": 18 / 22, "rank": None, "ranked": 0},
    ]).astype({"rank": "Int64"})
    fig = charts.participation_overview(frame, year=2025)
    assert [t.name for t in fig.data] == ["Đúng hạn", "Trễ hạn", "Chưa thực hiện", "Không áp dụng"]
    assert list(fig.data[0].x) == [3, 2, 11] and list(fig.data[1].text) == ["", "1", "7"]
    assert fig.data[0].y[2].startswith("<b>Giao ước nội bộ</b>")
    assert [a.text for a in fig.layout.annotations] == ["tham gia 100% · hạng 6/6", "tham gia 75%", "tham gia 82%"]
    assert fig.layout.legend.traceorder == "normal"  # the statuses in reading order, not stacked bottom-up


def test_awards_by_level_groups_the_forms_under_their_level_with_the_money():
    frame = pd.DataFrame([("co_so", "cơ sở", "Lao động tiên tiến", 39, 35),
                          ("tinh", "tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", 2, 1)],
                         columns=["level", "level_label", "award", "nominations", "decisions"])
    fig = charts.awards_by_level(frame, year=2025, money=50_076_000, scope="của Thanh tra Sở")
    assert [list(level) for level in fig.data[0].y][0] == ["Cấp cơ sở", "Cấp tỉnh"]
    assert list(fig.data[0].text) == ["39", "2"] and list(fig.data[1].text) == ["35", "1"]
    assert fig.layout.title.text == ("Khen thưởng năm 2025 của Thanh tra Sở theo hình thức và cấp khen"
                                     "<br><sup>Tiền thưởng theo quyết định: 50.076.000 đ</sup>")
    assert fig.layout.xaxis.range[0] == 0


def report_data(*, tasks: dict, nominations: dict, decisions: dict) -> dict:
    """A `reports.figures` object with only what the chart pack reads."""
    empty_tasks = {"total": 0, "done": 0, "overdue": 0}
    return {"period": {"start": "01/01/2025", "end": "30/06/2025"}, "tasks": tasks, "nominations": nominations,
            "decisions": decisions, "previous": {"tasks": empty_tasks, "nominations": {}, "decisions": {}}}


def test_chart_pack_leaves_out_the_charts_with_nothing_to_draw_and_lists_them():
    data = report_data(tasks={"total": 3, "done": 1, "overdue": 2}, nominations={"Lao động tiên tiến": 4},
                       decisions={})
    events = pd.DataFrame(columns=["cluster", "status"])
    pack = chart_pack.pack_of(data, events, year=2025)
    assert list(pack.figures) == ["Nhiệm vụ kế hoạch 01/01/2025–30/06/2025 so với cùng kỳ 2024",
                                  "Hồ sơ đề nghị khen thưởng theo hình thức 01/01/2025–30/06/2025 so với cùng kỳ 2024"]
    assert pack.empty == ["Quyết định khen thưởng theo hình thức 01/01/2025–30/06/2025 so với cùng kỳ 2024",
                          "Tham gia hoạt động cụm thi đua 01/01/2025–30/06/2025"]
    assert not any(a.text.startswith("Không có") for f in pack.figures.values() for a in f.layout.annotations)
    assert chart_pack.empty_note(pack.empty[:1]) == (
        "Không có số liệu trong kỳ, nên không có biểu đồ: “Quyết định khen thưởng theo hình thức "
        "01/01/2025–30/06/2025 so với cùng kỳ 2024”.")
    nothing = chart_pack.pack_of(report_data(tasks={"total": 0, "done": 0, "overdue": 0}, nominations={},
                                             decisions={}), events, year=2025)
    assert nothing.figures == {} and len(nothing.empty) == 4


def test_chart_pack_zip_holds_the_drawn_charts_and_the_list_of_those_left_out(monkeypatch):
    # The drawing itself is tests/test_chart_pack.py's (Debian's chromium, several seconds): here a stand-in image.
    import kaleido

    monkeypatch.setattr(kaleido, "start_sync_server", lambda **_: None)
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **_: None)
    monkeypatch.setattr(go.Figure, "to_image", lambda self, **_: PNG_MAGIC + b"stand-in")
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    data = report_data(tasks={"total": 3, "done": 1, "overdue": 2}, nominations={}, decisions={})
    pack = chart_pack.pack_of(data, pd.DataFrame(columns=["cluster", "status"]), year=2025)
    with zipfile.ZipFile(io.BytesIO(chart_pack.png_zip(pack.figures, empty=pack.empty))) as archive:
        names = archive.namelist()
        assert names == ["01_nhiem_vu_ke_hoach_01_01_2025_30_06_2025.png", chart_pack.EMPTY_FILE]
        assert archive.read(names[0]) == PNG_MAGIC + b"stand-in"
        listed = archive.read(chart_pack.EMPTY_FILE).decode("utf-8")
    assert listed == chart_pack.empty_note(pack.empty) + "\n" and len(pack.empty) == 3


def test_a_pack_chart_fits_the_page_width():
    data = report_data(tasks={"total": 3, "done": 1, "overdue": 2}, nominations={}, decisions={})
    fig = next(iter(chart_pack.pack_of(data, pd.DataFrame(columns=["cluster", "status"]), year=2025).figures.values()))
    shown = chart_pack.for_page(fig)
    assert (fig.layout.width, shown.layout.width, shown.layout.height) == (chart_pack.WIDTH, None, 440)
    assert shown.layout.title.text == "Nhiệm vụ kế hoạch 01/01/2025–30/06/2025<br>so với cùng kỳ 2024"
    assert fig.layout.title.text == "Nhiệm vụ kế hoạch 01/01/2025–30/06/2025 so với cùng kỳ 2024"  # the PNG's
    assert shown.layout.legend.y < 0  # under the plot


def column_widths(table) -> dict[str, object]:
    """Return the widths a page's st.dataframe gives its columns (by Vietnamese header)."""
    return {name: config.get("width") for name, config in json.loads(table.proto.columns or "{}").items()}


def test_ho_so_gives_the_decision_and_the_reasons_room_instead_of_cutting_them(app_env,
                                                                              app_with_nominations):  # noqa: F811
    at = signed_in(app_env, "lanh_dao", "pages/ho_so.py")
    assert not at.exception
    widths = column_widths(at.dataframe[0])
    assert (widths["Quyết định"], widths["Chưa đủ điều kiện theo luật"]) == ("large", "large")
    assert "số 12/QĐ-UBND ngày 15/01/2025, Chủ tịch UBND tỉnh Lạng Sơn" in set(at.dataframe[0].value["Quyết định"])


def test_so_ket_draws_its_charts_names_the_empty_ones_and_says_no_change_without_an_arrow(app_env, monkeypatch):
    monkeypatch.setattr(chart_pack, "browser_path", lambda: "/usr/bin/chromium")
    at = signed_in(app_env, "lanh_dao", "pages/so_ket.py")
    assert not at.exception
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]
    # The seed: the 2024 plan's tasks and the clusters' events of the six months; no nomination in either year.
    assert titles == ["Nhiệm vụ kế hoạch 01/01/2024–30/06/2024 so với cùng kỳ 2023",
                      "Tham gia hoạt động cụm thi đua 01/01/2024–30/06/2024"]
    assert ("Không có số liệu trong kỳ, nên không có biểu đồ: “Hồ sơ đề nghị khen thưởng theo hình thức "
            "01/01/2024–30/06/2024 so với cùng kỳ 2023”; “Quyết định khen thưởng theo hình thức 01/01/2024–30/06/2024 "
            "so với cùng kỳ 2023”.") in [c.value for c in at.caption]
    shown = {m.label: m.proto for m in at.metric}
    movements = shown["Phong trào thi đua phát động"]
    assert (movements.delta, movements.delta_description) == ("không đổi", "cùng kỳ 2023: 0")
    assert movements.direction == movements.MetricDirection.NONE  # no arrow for no change
    tasks = shown["Nhiệm vụ kế hoạch đến hạn"]
    assert tasks.delta.startswith("+") and tasks.direction == tasks.MetricDirection.UP
    assert shown["Hồ sơ đề nghị nhận được"].delta_description == "cùng kỳ 2023: 0 · theo ngày nhận hồ sơ"
    assert shown["Quyết định khen thưởng"].delta_description == "cùng kỳ 2023: 0 · theo ngày quyết định"


def test_thong_ke_opens_its_trend_on_the_first_year_with_data_and_names_levels_capitalised(
        app_env, app_with_nominations):  # noqa: F811
    at = signed_in(app_env, "lanh_dao", "pages/thong_ke.py")
    assert not at.exception
    assert at.slider(key="stats_span").value == (2024, 2024)  # the seed's nominations are all of 2024
    tables = {tuple(t.value.columns): t.value for t in at.dataframe}
    levels = tables[("Cấp", "Đề nghị", "Có quyết định")]
    assert list(levels["Cấp"]) == ["Cấp cơ sở", "Cấp tỉnh", "Cấp bộ", "Cấp nhà nước"]
    trend = tables[("Năm", "Cấp khen", "Đề nghị", "Có quyết định")]
    assert set(trend["Cấp khen"]) == {"Cấp cơ sở", "Cấp tỉnh", "Cấp bộ", "Cấp nhà nước"}
    assert all("theo năm thành tích 2024" in m.help for m in at.metric[:2])


def test_tien_do_gives_the_overdue_days_the_width_of_their_text(app_env):
    at = signed_in(app_env, "lanh_dao", "pages/tien_do.py")
    assert not at.exception
    widths = column_widths(at.dataframe[0])
    late = [v for v in at.dataframe[0].value["Quá hạn"] if v]
    assert late and max(len(v) for v in late) >= len("Quá hạn 700 ngày")  # the 2024 plan, seen today
    assert widths["Quá hạn"] >= 130 and widths["Trạng thái"] >= 125 and widths["Nội dung công việc"] >= 300
