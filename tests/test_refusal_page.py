"""A URL outside one's menu, or no page at all, answers in Vietnamese: our refusal and not-found pages instead of
Streamlit's English "Page not found… Running the app's main page"; and the file picker's words in Vietnamese."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from pages import _common as common
from tests.browser_support import idle, sign_in, sign_in_form
from tests.conftest import APP, sqlite_copy, streamlit_server

ENGLISH = re.compile("Page not found|Running the app's main page|does not seem to exist")


def recorded_navigation(monkeypatch) -> list:
    """Record the pages app.py hands st.navigation (a list per call)."""
    calls, navigation = [], st.navigation

    def recording(pages, **options):
        calls.append([p for section in (pages.values() if isinstance(pages, dict) else [pages]) for p in section])
        return navigation(pages, **options)

    monkeypatch.setattr(st, "navigation", recording)
    return calls


def signed_in(app_env: dict, role: str, url: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    if url:
        at.context = {"url": url}
    return at


def test_every_page_outside_the_menu_has_our_refusal_and_an_unknown_url_our_not_found_page(app_env, monkeypatch):
    calls = recorded_navigation(monkeypatch)
    at = signed_in(app_env, "don_vi", "http://127.0.0.1:8501/khong-co-trang-nay").run()
    assert not at.exception
    pages = calls[-1]
    shown = {p.url_path for p in pages if p.visibility == "visible"}
    hidden = {p.url_path: p.title for p in pages if p.visibility == "hidden"}
    # A unit's account has no Nhật ký, no Quản trị: their URLs (the file names) show the refusal, not Tổng quan.
    assert {"nhat_ky", "quan_tri"} <= set(hidden)
    # Tổng quan is served at the root ("" its path): its file name's URL is an alias that opens it there.
    assert set(hidden) == (set(common.page_paths()) - shown) | {"khong-co-trang-nay"}
    assert hidden["nhat_ky"] == "Không có quyền mở trang" and hidden["khong-co-trang-nay"] == "Không tìm thấy trang"
    assert hidden["tong_quan"] == "Tổng quan" and "" in shown


def test_the_office_has_no_refusal_for_its_own_pages(app_env, monkeypatch):
    calls = recorded_navigation(monkeypatch)
    assert not signed_in(app_env, "van_phong", "http://127.0.0.1:8501/quan_tri").run().exception
    hidden = {p.url_path for p in calls[-1] if p.visibility == "hidden"}
    assert "quan_tri" not in hidden and "nhat_ky" in hidden  # a known path of its menu is not "unknown" either


def test_signing_in_is_served_at_every_page_url_so_the_page_asked_for_opens_after(app_env, monkeypatch):
    calls = recorded_navigation(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context = {"url": "http://127.0.0.1:8501/tdkt-cu"}
    assert not at.run().exception
    assert [t.value for t in at.title] == ["TĐKT Dashboard"]
    pages = calls[-1]
    assert {p.title for p in pages} == {"Đăng nhập"}
    assert {p.url_path for p in pages if p.visibility == "hidden"} == set(common.page_paths()) | {"tdkt-cu"}


def test_a_page_file_run_alone_refuses_in_vietnamese_with_a_link_back(app_env):
    # A fresh server runs a page file alone for its URL (pages/ is an old-style page folder until app.py has run).
    at = signed_in(app_env, "don_vi")
    at.switch_page("pages/nhat_ky.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [common.REFUSAL]
    assert [link.value for link in at.get("page_link")] == ["Về trang Tổng quan"]


def test_the_path_asked_for_is_read_under_the_base_url_path_and_decoded(monkeypatch):
    class Context:
        url = "https://tdkt.example.vn/tdkt/t%E1%BB%95ng-ket/"

    monkeypatch.setattr(st, "context", Context())
    monkeypatch.setattr(st, "get_option", lambda name: "tdkt/" if name == "server.baseUrlPath" else None)
    assert common.requested_path() == "tổng-ket"
    Context.url = "https://tdkt.example.vn/tdkt"
    assert common.requested_path() == ""
    Context.url = None
    assert common.requested_path() == ""


def _pseudo(locator, part: str, pseudo: str = "::after") -> str:
    return locator.locator(part).first.evaluate(f"e => getComputedStyle(e, '{pseudo}').content")


@pytest.mark.browser
def test_in_a_browser_a_forbidden_and_an_unknown_url_answer_in_vietnamese(sqlite_template, tmp_path, page):
    url = sqlite_copy(sqlite_template, tmp_path)
    with streamlit_server(url, tmp_path) as server:
        page.goto(server)  # app.py runs once: from now on every URL goes through its st.navigation
        expect(sign_in_form(page)).to_be_visible()
        page.goto("/".join([server, "nhat_ky"]))
        expect(sign_in_form(page)).to_be_visible()  # signing in first, at the page's own URL
        idle(page)
        sign_in(page, "donvi")
        expect(page.get_by_role("heading", name="Bạn không có quyền mở trang này")).to_be_visible()
        expect(page.get_by_text(common.REFUSAL)).to_be_visible()
        assert page.url.rstrip("/").endswith("nhat_ky")
        assert not ENGLISH.search(page.locator("body").inner_text())
        page.get_by_role("link", name="Về trang Tổng quan").click()
        expect(page.get_by_role("heading", name=re.compile("^Tổng quan"))).to_be_visible()

        page.goto("/".join([server, "tong_quan"]))  # Tổng quan's file name, typed by hand: Tổng quan at the root
        expect(page.get_by_role("heading", name=re.compile("^Tổng quan"))).to_be_visible()
        idle(page)
        assert page.url.rstrip("/") == server.rstrip("/")
        assert not ENGLISH.search(page.locator("body").inner_text())

        page.goto("/".join([server, "khong-co-trang-nay"]))
        expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
        expect(page.get_by_text("“/khong-co-trang-nay”")).to_be_visible()
        idle(page)
        assert not ENGLISH.search(page.locator("body").inner_text())

        # The list picker: Streamlit's "Upload" and "20MB per file • XLSX, …" read in Vietnamese.
        page.goto("/".join([server, "tai_len"]))
        picker = page.locator(".st-key-uploads [data-testid='stFileUploaderDropzone']")
        expect(picker).to_be_visible()
        idle(page)
        assert _pseudo(picker, "[data-testid='stBaseButton-secondary'] p") == '"Chọn tệp"'
        note = _pseudo(picker, "[data-testid='stFileUploaderDropzoneInstructions'] span")
        assert note == '"Tối đa 20 MB một tệp · .xlsx, .xlsm, .xls, .ods"', note
        hidden = picker.locator("[data-testid='stFileUploaderDropzoneInstructions'] span").first
        assert hidden.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # the English text takes no room


def test_a_page_file_run_alone_for_nobody_signed_in_links_to_signing_in(app_env):
    at = AppTest.from_file(APP, default_timeout=30).switch_page("pages/tien_do.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Bạn cần đăng nhập."]
    assert [link.value for link in at.get("page_link")] == ["Về trang đăng nhập"]
