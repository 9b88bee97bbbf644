"""Văn bản in Debian's chromium: the Office signs in, drafts the Giám đốc Sở's decision, downloads it (a .docx naming
a nominee the council passed), finds it in the list of generated documents and downloads it again from there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tdkt.core.db import make_engine
from tests.browser_support import idle, sign_in, wait_for_cookie
from tests.conftest import sqlite_copy, streamlit_server
from tests.documents_support import DIRECTOR, add_year, name_counts
from tests.test_browser_so_ket import download

pytestmark = pytest.mark.browser
TITLE = "Văn bản năm 2024"


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    """This module's own `streamlit run app.py` over a seeded copy with the year's nominations (some passed by the
    council) and a file store of its own; yields its URL."""
    directory = tmp_path_factory.mktemp("browser_van_ban")
    url = sqlite_copy(sqlite_template, directory)
    engine = make_engine(url)
    add_year(engine, year=2024)
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDKT_FILE_STORE", str(directory / "kho"))
        with streamlit_server(url, directory) as address:
            yield address


def test_office_drafts_the_decision_downloads_it_and_finds_it_in_the_list(server, page):
    page.goto(server)
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first).to_be_visible()
    wait_for_cookie(page)  # the cookie component's rerun can swallow a click made before it
    idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Văn bản", exact=True).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    idle(page)

    page.get_by_role("button", name="Soạn quyết định").click()
    expect(page.get_by_text("Đã soạn “quyet_dinh_2024.docx”")).to_be_visible()
    name, data = download(page, "Tải quyet_dinh_2024.docx")
    assert name == "quyet_dinh_2024.docx"
    assert name_counts(data, ["Nguyễn Văn An", "Phòng Kế hoạch - Tài chính"]) == {
        "Nguyễn Văn An": 1, "Phòng Kế hoạch - Tài chính": 1}
    assert "Nguyễn Văn An" in DIRECTOR  # a nomination the council passed, the Director's to grant

    page.get_by_role("tab", name="Văn bản đã tạo").click()
    listed = page.get_by_role("combobox", name="Văn bản cần tải lại")
    expect(listed).to_have_value(re.compile(r"^Quyết định khen thưởng của Giám đốc Sở — quyet_dinh_2024\.docx — "
                                            r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} — vanphong$"))
    again, same = download(page, "Tải lại quyet_dinh_2024.docx")
    assert (again, same) == (name, data)
