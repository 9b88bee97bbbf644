"""Sơ kết / tổng kết in Debian's chromium: the Office downloads the workbook, the draft report and the chart pack,
and each file opens with the text it should hold."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser_support import idle, sign_in, wait_for_cookie
from tests.conftest import TIMEOUT_MS, sqlite_copy, streamlit_server

pytestmark = pytest.mark.browser
TITLE = "Sơ kết / Tổng kết công tác thi đua, khen thưởng năm 2024"


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    """This module's own `streamlit run app.py` over a fresh copy of the seeded database; yields its URL."""
    directory = tmp_path_factory.mktemp("browser_so_ket")
    with streamlit_server(sqlite_copy(sqlite_template, directory), directory) as url:
        yield url


def download(page, name: str) -> tuple[str, bytes]:
    """Click a download button; return the file's suggested name and its bytes.

    The file is built on the server when the button is clicked; a rerun landing on the click can swallow it, so a
    click that starts no download within 15 s is made once more.
    """
    button = page.get_by_role("button", name=name)
    expect(button).to_be_enabled()
    for attempt in range(2):
        try:
            with page.expect_download(timeout=15_000 if attempt == 0 else TIMEOUT_MS) as info:
                button.click()
            break
        except PlaywrightTimeout:
            if attempt:
                raise
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_office_downloads_the_workbook_the_draft_and_the_chart_pack(server, page):
    page.goto(server)
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first).to_be_visible()
    wait_for_cookie(page)  # the cookie component's rerun can swallow a click made before it
    idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Sơ kết / Tổng kết").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    idle(page)

    name, data = download(page, "Tải số liệu báo cáo (.xlsx)")
    assert name == "so_ket_2024_h1.xlsx"
    book = load_workbook(io.BytesIO(data))
    assert "Tổng hợp" in book.sheetnames
    cells = {c.value for row in book["Tổng hợp"].iter_rows() for c in row}
    assert "Nhiệm vụ kế hoạch đến hạn" in cells

    name, data = download(page, "Tải dự thảo báo cáo (.docx)")
    assert name == "bao_cao_2024_h1.docx"
    assert "II. KẾT QUẢ THỰC HIỆN" in [p.text for p in Document(io.BytesIO(data)).paragraphs]

    name, data = download(page, "Tải bộ biểu đồ (.zip PNG)")
    assert name == "bieu_do_2024_h1.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pngs = [n for n in names if n.endswith(".png")]
        # The seed has no nomination: the two award charts are listed in the text file, not drawn empty.
        assert len(pngs) == 2 and pngs[0].startswith("01_nhiem_vu_ke_hoach")
        assert names[-1] == "bieu_do_khong_co_so_lieu.txt"
        assert all(archive.read(n).startswith(b"\x89PNG\r\n\x1a\n") for n in pngs)
