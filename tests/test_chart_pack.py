"""The sơ kết chart pack: figures from the hand-built report fixture, PNGs drawn by Debian's chromium in one zip."""

from __future__ import annotations

import io
import zipfile

import plotly.graph_objects as go
import pytest
from sqlmodel import Session

from tdkt.reports import chart_pack
from tests.conftest import sqlite_copy
from tests.test_reports import AS_OF, fixture_db  # noqa: F401

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def db_url(tmp_path, sqlite_template) -> str:
    """SQLite only here: the figures' queries are reports'; tests/test_reports.py runs them on PostgreSQL too."""
    return sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def figures(fixture_db):  # noqa: F811
    with Session(fixture_db) as session:
        return chart_pack.figures_for(session, year=2023, period="h1", as_of=AS_OF)


def bars(fig: go.Figure) -> dict[str, dict]:
    return {trace.name: dict(zip(trace.y if trace.orientation == "h" else trace.x,
                                 trace.x if trace.orientation == "h" else trace.y, strict=False)) for trace in fig.data}


def test_figures_hold_this_period_beside_last_year(figures):
    titles = list(figures)
    assert len(titles) == 4
    assert titles[0] == "Nhiệm vụ kế hoạch 01/01/2023–30/06/2023 so với cùng kỳ 2022"
    tasks = bars(figures[titles[0]])
    assert tasks["Kỳ này (2023)"] == {"Đến hạn": 3, "Đã hoàn thành": 1, "Còn lại": 2, "Quá hạn": 2}
    assert tasks["Cùng kỳ 2022"] == {"Đến hạn": 1, "Đã hoàn thành": 1, "Còn lại": 0, "Quá hạn": 0}
    nominations = bars(figures[titles[1]])
    assert nominations["Kỳ này (2023)"]["Lao động tiên tiến"] == 2
    decisions = bars(figures[titles[2]])
    assert decisions["Kỳ này (2023)"]["Lao động tiên tiến"] == 1
    assert titles[3].startswith("Tham gia hoạt động cụm thi đua")
    participation = bars(figures[titles[3]])
    assert participation["Đúng hạn"] == {"Cụm II": 1, "Cụm III": 0}
    assert participation["Trễ hạn"] == {"Cụm II": 0, "Cụm III": 1}
    assert participation["Chưa thực hiện"] == {"Cụm II": 1, "Cụm III": 1}


def test_a_cluster_narrows_only_the_participation_chart(fixture_db):  # noqa: F811
    with Session(fixture_db) as session:
        figures = chart_pack.figures_for(session, year=2023, period="h1", cluster="cum ii", as_of=AS_OF)
    last = list(figures)[-1]
    assert last.endswith("— cum ii")
    assert {c for trace in figures[last].data for c in trace.x} == {"Cụm II"}


def test_file_names_are_ascii_and_numbered():
    assert chart_pack.file_name(1, "Nhiệm vụ kế hoạch 01/01/2023–30/06/2023 so với cùng kỳ 2022") == \
        "01_nhiem_vu_ke_hoach_01_01_2023_30_06_2023.png"
    assert chart_pack.file_name(4, "Tham gia hoạt động cụm thi đua — Cụm II") == "04_tham_gia_hoat_dong_cum_thi_dua.png"


def test_zip_holds_one_valid_png_per_figure(figures):
    data = chart_pack.png_zip(figures)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 4 and all(name.isascii() and name.endswith(".png") for name in names)
        assert names[0].startswith("01_nhiem_vu_ke_hoach")
        for name in names:
            png = archive.read(name)
            assert png.startswith(PNG_MAGIC) and len(png) > 1024
            width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
            assert (width, height) == (2400, 1350)


def test_the_browser_stays_warm_between_packs_until_closed(figures):
    import kaleido

    first = dict(list(figures.items())[:1])
    chart_pack.png_zip(first)  # the test above warmed the browser: one figure more in it
    server = kaleido._global_server  # noqa: SLF001 -- kaleido's own state: is its browser up?
    assert server.is_running() and len(chart_pack._idle_stop) == 1 and chart_pack._idle_stop[0].is_alive()
    chart_pack.png_zip(first)  # a second click: the same browser, one pending close
    assert server.is_running() and len(chart_pack._idle_stop) == 1
    chart_pack.close_browser()
    assert not server.is_running() and chart_pack._idle_stop == []


def test_without_chromium_the_zip_is_refused_in_vietnamese(figures, monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(chart_pack.shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(chart_pack.ChartPackUnavailable) as error:
        chart_pack.png_zip(figures)
    assert str(error.value) == ("Không tìm thấy trình duyệt Chromium để xuất ảnh biểu đồ. Cài gói chromium "
                                "(./scripts/test hoặc apt-get install chromium) rồi thử lại.")


def test_a_long_title_is_cut_between_words_not_inside_a_date():
    name = chart_pack.file_name(2, "Đề nghị khen thưởng theo danh hiệu, hình thức khen thưởng 01/01/2025–31/12/2025")
    assert name.endswith(".png") and len(name) <= 3 + 80 + 4
    assert not name.endswith("_20.png") and name.startswith("02_de_nghi_khen_thuong_theo_danh_hieu")
