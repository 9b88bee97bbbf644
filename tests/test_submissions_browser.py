"""Tiếp nhận hồ sơ in Debian's chromium: a unit submits, the Office returns it with a reason, the unit sees the reason
and submits again, the Office accepts — two accounts in two browser contexts, the database checked after each step."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser_support import ARTIFACTS, idle, sign_in
from tests.conftest import TIMEOUT_MS, sqlite_copy, streamlit_server, wait_for

pytestmark = pytest.mark.browser
UNIT = "Phòng Quản lý Công nghiệp"  # the seeded unit account's
TITLE = "Tiếp nhận hồ sơ khen thưởng năm 2024"


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    """This module's own `streamlit run app.py` over a fresh copy of the seeded database; yields (URL, engine)."""
    directory = tmp_path_factory.mktemp("browser_submissions")
    db_url = sqlite_copy(sqlite_template, directory)
    engine = sa.create_engine(db_url)
    try:
        with streamlit_server(db_url, directory) as url:
            yield url, engine
    finally:
        engine.dispose()


def steps(engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT s.state, s.reason FROM submission_step s ORDER BY s.id")).all()]


def wait_steps(engine, count: int) -> list[tuple[str, str | None]]:
    wait_for(lambda: len(steps(engine)) >= count, timeout=15)
    return steps(engine)


def open_page(page, url: str | None = None, username: str | None = None) -> None:
    """Open Tiếp nhận hồ sơ from the sidebar (signing in first when given a URL): a new run shows the other
    account's step, in the same session (no reload, so no wait for the sign-in cookie)."""
    if url:
        page.goto(url)
        sign_in(page, username)
        home = page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024")
        expect(home.first).to_be_visible()  # a rerun under load briefly shows the stale heading beside the new
        idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    idle(page)


def office_opens_the_unit(page) -> None:
    """Open the page again: its unit picker opens on the first dossier waiting, here the unit's."""
    open_page(page)
    expect(page.get_by_role("heading", name=f"Hồ sơ của {UNIT}")).to_be_visible()


def test_a_unit_submits_the_office_returns_the_unit_resubmits_the_office_accepts(server, page, browser):
    url, engine = server
    unit = page
    office_context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    office = office_context.new_page()
    office.set_default_timeout(TIMEOUT_MS)
    try:
        open_page(unit, url, "donvi")
        unit.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
        expect(unit.get_by_text(f"Đã nộp hồ sơ năm 2024 của {UNIT} cho Văn phòng Sở.")).to_be_visible()
        assert wait_steps(engine, 1) == [("da_nop", None)]

        open_page(office, url, "vanphong")
        expect(office.get_by_role("heading", name=f"Hồ sơ của {UNIT}")).to_be_visible()  # the one waiting
        office.get_by_label("Lý do trả lại (bắt buộc)").fill("Thiếu biên bản họp bình xét của phòng.")
        office.get_by_role("button", name="Trả lại hồ sơ").click()
        expect(office.get_by_text(f"Đã trả lại hồ sơ năm 2024 của {UNIT}.")).to_be_visible()
        assert wait_steps(engine, 2)[-1] == ("tra_lai", "Thiếu biên bản họp bình xét của phòng.")

        open_page(unit)
        expect(unit.get_by_text("Thiếu biên bản họp bình xét của phòng.").first).to_be_visible()
        unit.get_by_role("button", name="Nộp lại hồ sơ").click()
        expect(unit.get_by_text(f"Đã nộp hồ sơ năm 2024 của {UNIT} cho Văn phòng Sở.")).to_be_visible()
        assert wait_steps(engine, 3)[-1] == ("da_nop", None)

        office_opens_the_unit(office)
        office.get_by_role("button", name="Tiếp nhận hồ sơ").click()
        expect(office.get_by_text(f"Đã tiếp nhận hồ sơ năm 2024 của {UNIT}.")).to_be_visible()
        assert [s for s, _ in wait_steps(engine, 4)] == ["da_nop", "tra_lai", "da_nop", "da_tiep_nhan"]
        idle(office)
        ARTIFACTS.mkdir(exist_ok=True)
        office.screenshot(path=ARTIFACTS / "tiep_nhan_ho_so.png", full_page=True)
    finally:
        office_context.close()
