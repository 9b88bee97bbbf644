"""The app in Debian's chromium: sign in, see the chart, update a task, survive a reload, sign out."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session

from tdkt.core import auth
from tdkt.core.db import make_engine
from tdkt.core.models import User
from tests.conftest import PASSWORD, ROOT, shared_browser, sqlite_copy, streamlit_server, wait_for

pytestmark = pytest.mark.browser
# CI shares two cores with the app server and chromium: give each expectation time, they return as soon as met.
expect.set_options(timeout=30_000)
ARTIFACTS = ROOT / "tests" / "artifacts"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def server(sqlite_template, tmp_path_factory):
    """`streamlit run app.py` on a free port over a copy of the seeded database; yields its URL."""
    directory = tmp_path_factory.mktemp("browser")
    url = sqlite_copy(sqlite_template, directory)
    engine = make_engine(url)
    with Session(engine) as session:  # lanhdao signs in for the first time; vanphong does the journey
        session.exec(sa.update(User).where(User.username == "lanhdao").values(must_change_password=True))
        session.commit()
    engine.dispose()
    with streamlit_server(url, directory) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    # Other browser modules import this fixture; they all get the session's one chromium (see shared_browser).
    return shared_browser()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def idle(page) -> None:
    page.locator(IDLE).wait_for()


def choose(page, select, option: str) -> None:
    """Pick an option of a Streamlit selectbox (a react-aria combobox): open its list, click the option."""
    select.scroll_into_view_if_needed()
    listbox = page.get_by_role("listbox")
    for _ in range(2):  # a rerun landing on the click can swallow it; one more click opens the list
        select.get_by_role("button", name="Open").click()
        try:
            listbox.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    listbox.get_by_role("option", name=option, exact=True).click()
    listbox.wait_for(state="hidden")


def type_date(page, label: str, digits: str) -> None:
    """Type ddmmyyyy into a Streamlit date input; it sends the value when it loses focus."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(digits)
    page.get_by_role("heading").first.click()


def wait_for_cookie(page) -> None:
    """Wait until the browser holds the sign-in cookie (a component writes it just after signing in)."""
    wait_for(lambda: any(c["name"] == auth.COOKIE_NAME for c in page.context.cookies()), timeout=10)


def sign_in_form(page):
    return page.get_by_label("Tên đăng nhập")


def sign_in(page, username: str) -> None:
    sign_in_form(page).fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


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
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024")).to_be_visible()
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
    page.reload()
    expect(sign_in_form(page)).to_be_visible()
    expect(page.get_by_role("heading", name="TĐKT Dashboard")).to_be_visible()
