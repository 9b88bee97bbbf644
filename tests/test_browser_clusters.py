"""Cụm thi đua & giao ước in Debian's chromium: the Office records our covenant signing and the heatmap cell turns
from "Chưa thực hiện" to "Đúng hạn"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import ARTIFACTS, idle, journey_server, sign_in, type_date, wait_for_cookie
from tests.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser
STATUS_CODES = {0: "Đúng hạn", 1: "Trễ hạn", 2: "Chưa thực hiện", 3: "Không áp dụng"}
READ_HEATMAP = """code => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => p.data && p.data[0].type === 'heatmap' && p.layout.title.text.includes(code));
    return {y: plot.data[0].y, z: plot.data[0].z, hover: plot.data[0].customdata};
}"""


# Session-scoped as tests/test_browser.py's `server`, but this module's own: a second server over its own database.
@pytest.fixture(scope="session")
def server(sqlite_template, tmp_path_factory):
    """`streamlit run app.py` on a free port over a copy of the seeded database; yields its URL."""
    with journey_server(sqlite_template, tmp_path_factory) as address:
        yield address


def our_cell(page, code: str) -> tuple[str, str]:
    """Return (status, hover text) of our row's first event in a cluster's heatmap, read from the drawn figure."""
    data = page.evaluate(READ_HEATMAP, code)
    row = next(i for i, name in enumerate(data["y"]) if name.startswith("★"))
    return STATUS_CODES[data["z"][row][0]], data["hover"][row][0]


def test_office_records_our_signing_and_the_heatmap_cell_changes_colour(server, page):
    page.goto(server)
    sign_in(page, "vanphong")
    home = page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first
    expect(home).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_cookie(page)  # the cookie component's rerun can swallow a click made before it
    page.locator(".js-plotly-plot").first.wait_for()
    idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Cụm thi đua & giao ước").click()
    expect(page.get_by_role("heading", name="Cụm thi đua & giao ước năm 2024")).to_be_visible(timeout=TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for()
    idle(page)
    assert our_cell(page, "Cụm II")[0] == "Chưa thực hiện"

    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Lưu", exact=True))
    form.get_by_text("Đã thực hiện", exact=True).click()
    type_date(page, "Ngày thực hiện", "20032024")
    form.get_by_label("Số văn bản, ký hiệu").fill("35/GUTĐ-CII")
    form.get_by_role("button", name="Lưu", exact=True).click()
    saved = page.get_by_text("Đã ghi nhận Sở Công Thương Lạng Sơn — Ký kết giao ước thi đua: Đúng hạn.")
    expect(saved).to_be_visible(timeout=TIMEOUT_MS)
    idle(page)
    # The figure is redrawn in the browser after the run: wait until our cell has changed, then read it.
    page.wait_for_function(f"() => ({READ_HEATMAP})('Cụm II').z.some(row => row[0] !== 2)", timeout=TIMEOUT_MS)
    status, hover = our_cell(page, "Cụm II")
    assert status == "Đúng hạn"
    assert "Ngày thực hiện: 20/03/2024" in hover and "Văn bản: 35/GUTĐ-CII" in hover
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "cum_thi_dua.png", full_page=True)
