"""The app in Debian's chromium: sign in, see the chart, update a task, survive a reload, sign out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.conftest import PASSWORD, ROOT, SECRET, free_port, sqlite_copy, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT_MS = 30_000


def _healthy(url: str) -> bool:
    try:
        with urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except (URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def server(sqlite_template, tmp_path_factory):
    """`streamlit run app.py` on a free port over a copy of the seeded database; yields its URL."""
    port = free_port()
    directory = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "TDKT_DATABASE_URL": sqlite_copy(sqlite_template, directory), "TDKT_SECRET_KEY": SECRET}
    log = (directory / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: proc.poll() is not None or _healthy(url), timeout=30)
        assert proc.poll() is None, (directory / "streamlit.log").read_text(errors="replace")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if executable is None:
        pytest.fail("Không tìm thấy chromium của Debian: chạy ./scripts/test (cài gói chromium) rồi chạy lại.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, headless=True)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def idle(page) -> None:
    page.locator(IDLE).wait_for()


def sign_in_form(page):
    return page.get_by_label("Tên đăng nhập")


def test_office_updates_a_task_and_stays_signed_in_across_a_reload(server, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server)
    sign_in_form(page).fill("vanphong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024")).to_be_visible()
    page.locator(".js-plotly-plot").first.wait_for()
    idle(page)
    page.screenshot(path=ARTIFACTS / "tong_quan.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Tiến độ kế hoạch").click()
    expect(page.get_by_role("heading", name="Tiến độ kế hoạch TĐKT năm 2024")).to_be_visible()
    idle(page)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Lưu", exact=True))
    form.get_by_test_id("stSelectbox").filter(has_text="Trạng thái").click()
    page.get_by_role("option", name="Đang thực hiện").click()
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu nhiệm vụ 1 quý 1: Đang thực hiện.")).to_be_visible()
    idle(page)
    page.screenshot(path=ARTIFACTS / "tien_do.png", full_page=True)

    page.reload()
    expect(page.get_by_role("heading", name="Tiến độ kế hoạch TĐKT năm 2024")).to_be_visible()
    idle(page)
    expect(sign_in_form(page)).to_have_count(0)
    table = page.get_by_test_id("stDataFrame")
    expect(table).to_contain_text("Đang thực hiện")

    page.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click()
    expect(sign_in_form(page)).to_be_visible()
    idle(page)
    page.reload()
    expect(sign_in_form(page)).to_be_visible()
    expect(page.get_by_role("heading", name="TĐKT Dashboard")).to_be_visible()
