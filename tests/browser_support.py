"""Helpers of the browser tests: wait for Streamlit, sign in, pick options, type dates; the journey's server.

The `browser` and `page` fixtures are tests/conftest.py's; this module imports Playwright, so only browser test
modules import it.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session

from tdkt.core import auth
from tdkt.core.db import make_engine
from tdkt.core.models import User
from tests.conftest import PASSWORD, ROOT, TIMEOUT_MS, sqlite_copy, streamlit_server, wait_for

# CI shares two cores with the app server and chromium: give each expectation time, they return as soon as met.
expect.set_options(timeout=TIMEOUT_MS)
ARTIFACTS = ROOT / "tests" / "artifacts"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@contextlib.contextmanager
def journey_server(sqlite_template, tmp_path_factory):
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
