"""The sơ kết / tổng kết page under AppTest: every role reads it; the period switches; bad dates are refused."""

from __future__ import annotations

from datetime import date

import pytest

from tdkt.reports import chart_pack
from tests.test_pages import ROLES, signed_in, titles

PAGE = "pages/so_ket.py"
TITLE = "Sơ kết / Tổng kết công tác thi đua, khen thưởng năm 2024"
INDICATORS = ["Nhiệm vụ kế hoạch đến hạn", "Nhiệm vụ đã hoàn thành", "Nhiệm vụ còn lại", "Nhiệm vụ quá hạn",
              "Phong trào thi đua phát động", "Giao ước thi đua đã ký kết", "Sáng kiến được công nhận",
              "Hồ sơ đề nghị nhận được", "Hồ sơ đủ tài liệu", "Hồ sơ còn thiếu tài liệu", "Quyết định khen thưởng"]


@pytest.fixture(autouse=True)
def chromium(monkeypatch):
    """The chart pack's button is offered when chromium is found: say it is, whatever this machine has."""
    monkeypatch.setattr(chart_pack, "browser_path", lambda: "/usr/bin/chromium")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("role", ROLES)
def test_so_ket_page_shows_the_figures_and_tables_for_every_role(app_env, role):
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert not at.error
    assert sorted(m.label for m in at.metric) == sorted(INDICATORS)
    assert all("cùng kỳ 2023" in m.proto.delta_description for m in at.metric)
    assert len(at.dataframe) == 3
    assert "từ 01/01/2024 đến 30/06/2024" in at.caption[0].value
    assert at.selectbox(key="so_ket_cluster_2024").options[0] == "Tất cả"
    assert not at.info
    assert [b.proto.label for b in at.get("download_button")] == [
        "Tải số liệu báo cáo (.xlsx)", "Tải dự thảo báo cáo (.docx)", "Tải bộ biểu đồ (.zip PNG)"]


def test_choosing_the_whole_year_changes_the_period_and_the_figures(app_env):
    at = signed_in(app_env, "lanh_dao", PAGE)
    h1 = metrics(at)
    at.radio(key="so_ket_kind").set_value("year").run()
    assert not at.exception
    assert "cả năm, từ 01/01/2024 đến 31/12/2024" in at.caption[0].value
    assert at.date_input(key="so_ket_end_year_2024").value == date(2024, 12, 31)
    assert metrics(at) != h1
    assert int(metrics(at)["Nhiệm vụ kế hoạch đến hạn"]) > int(h1["Nhiệm vụ kế hoạch đến hạn"])


def test_a_start_after_the_end_shows_the_vietnamese_error(app_env):
    at = signed_in(app_env, "van_phong", PAGE)
    at.date_input(key="so_ket_start_h1_2024").set_value(date(2024, 7, 1)).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Ngày bắt đầu 01/07/2024 sau ngày kết thúc 30/06/2024."]
    assert not at.metric and not at.dataframe


def test_a_cluster_narrows_the_report_and_the_workbook_is_offered(app_env):
    at = signed_in(app_env, "quan_tri", PAGE)
    codes = at.selectbox(key="so_ket_cluster_2024").options[1:]
    assert codes
    at.selectbox(key="so_ket_cluster_2024").set_value(codes[0]).run()
    assert not at.exception and not at.error
    assert f"— {codes[0]}" in at.caption[0].value
    assert len(at.get("download_button")) == 3


def test_without_chromium_the_chart_pack_is_replaced_by_the_vietnamese_error(app_env, monkeypatch):
    monkeypatch.setattr(chart_pack, "browser_path", lambda: None)
    at = signed_in(app_env, "van_phong", PAGE)
    assert not at.exception
    assert [e.value for e in at.error] == [chart_pack.NO_BROWSER]
    assert "Không tìm thấy trình duyệt Chromium" in chart_pack.NO_BROWSER
    assert len(at.get("download_button")) == 2 and len(at.metric) == len(INDICATORS)
