"""The app in Debian's chromium: sign in, see the chart, update a task, survive a reload, sign out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tdkt.core import auth
from tests.browser_support import (
    ARTIFACTS,
    choose,
    idle,
    journey_server,
    sign_in,
    sign_in_form,
    type_date,
    wait_for_cookie,
)
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def server(sqlite_template, tmp_path_factory):
    """`streamlit run app.py` on a free port over a copy of the seeded database; yields its URL."""
    with journey_server(sqlite_template, tmp_path_factory) as address:
        yield address


# First in the file: the server is fresh, the case where Streamlit still treats pages/ as an old-style page folder.
def test_fresh_server_lists_no_page_files_and_keeps_the_first_sign_in_gate_by_url(server, page):
    page.goto(server)
    expect(sign_in_form(page)).to_be_visible()
    idle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    sign_in(page, "lanhdao")
    expect(page.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    wait_for_cookie(page)
    page.goto(f"{server}/tien_do")
    expect(page.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    idle(page)
    expect(page.get_by_role("heading", name="Tiến độ kế hoạch TĐKT năm 2024")).to_have_count(0)


def test_office_updates_a_task_and_stays_signed_in_across_a_reload(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server)
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first).to_be_visible()
    wait_for_cookie(page)
    page.locator(".js-plotly-plot").first.wait_for()
    idle(page)
    page.screenshot(path=ARTIFACTS / "tong_quan.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Tiến độ kế hoạch").click()
    expect(page.get_by_role("heading", name="Tiến độ kế hoạch TĐKT năm 2024")).to_be_visible()
    idle(page)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Lưu", exact=True))
    choose(page, form.get_by_test_id("stSelectbox").filter(has_text="Trạng thái"), "Đang thực hiện")
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu nhiệm vụ 1 quý 1: Đang thực hiện.")).to_be_visible()
    idle(page)
    page.screenshot(path=ARTIFACTS / "tien_do.png", full_page=True)

    page.reload()
    expect(page.get_by_role("heading", name="Tiến độ kế hoạch TĐKT năm 2024")).to_be_visible()
    idle(page)
    expect(sign_in_form(page)).to_have_count(0)
    # Every 2024 task is past due today, so the table says "Quá hạn"; as of 01/03/2024 it shows the stored status.
    type_date(page, "Tính quá hạn đến ngày", "01032024")
    first_row = re.compile("Quý 11Đang thực hiệnPhát động[^Q]*31/03/2024")  # the grid's text, cells run together
    expect(page.get_by_test_id("stDataFrame")).to_contain_text(first_row)

    page.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click()
    expect(sign_in_form(page)).to_be_visible()
    idle(page)
    wait_for(lambda: all(c["name"] != auth.COOKIE_NAME for c in page.context.cookies()), timeout=30)  # deleted
    page.reload()
    expect(sign_in_form(page)).to_be_visible()
    expect(page.get_by_role("heading", name="TĐKT Dashboard")).to_be_visible()
