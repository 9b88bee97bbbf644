"""Hội đồng TĐKT in Debian's chromium: the Office loads the council's members, records the meeting, enters the tally
from a sheet; Hồ sơ đề nghị shows the nominations' votes; the minutes download and open in python-docx."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from playwright.sync_api import expect

from tdkt.core.db import make_engine
from tests.browser_support import idle, sign_in, type_date, wait_for_cookie
from tests.conftest import sqlite_copy, streamlit_server
from tests.council_support import xlsx
from tests.test_browser_so_ket import download
from tests.test_dossiers import add_nominations

pytestmark = pytest.mark.browser
TITLE = "Hội đồng Thi đua - Khen thưởng năm 2024"
MEMBERS = [["Họ và tên", "Chức vụ trong Hội đồng"], ["Hoàng Văn Chủ", "Chủ tịch"], ["Lý Thị Phó", "Phó Chủ tịch"],
           ["Nông Văn Thư", "Ủy viên thư ký"], *[[f"Ủy viên Số {i:02d}", "Ủy viên"] for i in range(4, 16)]]
TALLY = [["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Lê Văn An", "CSTĐCS", 11], ["Trần Thị Bình", "CSTĐCS", 12]]


def upload(page, tab: str, path) -> None:
    page.get_by_role("tabpanel", name=tab).locator("[data-testid='stFileUploader'] input[type='file']") \
        .set_input_files(str(path))


def test_members_meeting_tally_the_nominations_show_their_votes_and_the_minutes_download(sqlite_template, tmp_path,
                                                                                         page):
    url = sqlite_copy(sqlite_template, tmp_path)
    engine = make_engine(url)
    add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    engine.dispose()
    (tmp_path / "hoi_dong.xlsx").write_bytes(xlsx(MEMBERS))
    (tmp_path / "kiem_phieu.xlsx").write_bytes(xlsx(TALLY))
    with streamlit_server(url, tmp_path) as server:
        page.goto(server)
        sign_in(page, "vanphong")
        expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first) \
            .to_be_visible()
        wait_for_cookie(page)
        idle(page)
        page.get_by_test_id("stSidebar").get_by_text("Hội đồng TĐKT").click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
        idle(page)

        # Members from the sheet.
        upload(page, "Thành viên", tmp_path / "hoi_dong.xlsx")
        page.get_by_role("button", name="Thay Hội đồng bằng tệp này").click()
        expect(page.get_by_text("Đã thay Hội đồng năm 2024 bằng “hoi_dong.xlsx”: 15 thành viên.")).to_be_visible()
        idle(page)

        # The meeting.
        page.get_by_role("tab", name="Cuộc họp").click()
        type_date(page, "Ngày họp", "20012025")
        page.get_by_role("button", name="Lưu cuộc họp").click()
        expect(page.get_by_text("Đã lưu cuộc họp vòng 1 ngày 20/01/2025.")).to_be_visible()
        idle(page)

        # The tally from a sheet.
        page.get_by_role("tab", name="Bỏ phiếu").click()
        upload(page, "Bỏ phiếu", tmp_path / "kiem_phieu.xlsx")
        page.get_by_role("button", name="Ghi kết quả từ tệp").click()
        expect(page.get_by_text("Đã ghi kết quả bỏ phiếu từ “kiem_phieu.xlsx”: 2 đề nghị, đạt 1, chưa đạt 1.")) \
            .to_be_visible()
        idle(page)

        # Hồ sơ đề nghị shows the votes recorded into the nominations.
        page.get_by_test_id("stSidebar").get_by_text("Hồ sơ đề nghị").click()
        expect(page.get_by_role("heading", name="Hồ sơ đề nghị khen thưởng năm 2024")).to_be_visible()
        idle(page)
        table = page.get_by_test_id("stDataFrame").filter(has_text="Trần Thị Bình").first
        expect(table).to_contain_text("12/15")
        expect(table).to_contain_text("11/15")

        # The minutes, back on the council's page.
        page.get_by_test_id("stSidebar").get_by_text("Hội đồng TĐKT").click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
        idle(page)
        page.get_by_role("tab", name="Phiếu bầu, biên bản").click()
        name, data = download(page, "Biên bản họp Hội đồng vòng 1 (.docx)")
        assert name == "bien_ban_hoi_dong_2024_vong_1.docx"
        minutes = docx.Document(BytesIO(data))
        cells = {c.text for t in minutes.tables for r in t.rows for c in r.cells}
        assert {"Lê Văn An", "Trần Thị Bình", "11/15", "12/15"} <= cells
