"""A page's URL is the first request a freshly started server gets (a reload or a bookmark after a restart): the app
still opens through app.py, with its own menu and year selector, never the bare page file beside every file of pages/.

Each test starts its own server: the case only exists before any run of the process has called `st.navigation`.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from tdkt.core import auth
from tdkt.core.db import make_engine
from tdkt.core.models import User
from tests.browser_support import idle, sign_in
from tests.conftest import SECRET, sqlite_copy, streamlit_server

pytestmark = pytest.mark.browser
TIEN_DO = "Tiến độ kế hoạch TĐKT năm 2024"


@pytest.fixture
def fresh(sqlite_template, tmp_path):
    url = sqlite_copy(sqlite_template, tmp_path)
    with streamlit_server(url, tmp_path) as address:
        yield address, url


def _menu_is_the_apps(page) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Tiến độ kế hoạch", exact=True)).to_be_visible()
    for file_name in ("common", "cache", "tien do", "app"):  # how the old-style folder names its files
        expect(nav.get_by_text(file_name, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Năm")).to_have_count(1)


def test_a_bookmarked_page_opens_through_the_app_on_a_fresh_server(fresh, page):
    address, url = fresh
    engine = make_engine(url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "vanphong")).one()
        token, _ = auth.issue_token(session, user=user, secret=SECRET, hours=1)
        session.commit()
    engine.dispose()
    page.context.add_cookies([{"name": auth.COOKIE_NAME, "value": token, "url": address}])
    page.goto(f"{address}/tien_do")
    expect(page.get_by_role("heading", name=TIEN_DO).first).to_be_visible()
    idle(page)
    _menu_is_the_apps(page)


def test_a_page_url_first_on_a_fresh_server_asks_to_sign_in_then_opens_that_page(fresh, page):
    address, _ = fresh
    page.goto(f"{address}/tien_do")
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name=TIEN_DO).first).to_be_visible()
    idle(page)
    _menu_is_the_apps(page)
