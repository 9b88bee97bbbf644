"""Tải lên danh sách in Debian's chromium: upload a real .xlsx, fix a bad cell in the preview grid, check again,
import the list as one batch, see it in the history, undo it — and the database after each step."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser_support import ARTIFACTS, choose, idle, sign_in, wait_for_cookie
from tests.conftest import sqlite_copy, streamlit_server, wait_for

pytestmark = pytest.mark.browser
FILE_NAME = "ds_de_nghi_phong_qlcn.xlsx"
AWARD_COLUMN = 6  # sheet, row, state, problems, honorific, name, award
ROW_HEIGHT = 35  # glide-data-grid rows in Streamlit (header included), from streamlit's own e2e helpers
ROW_MARKER = 32  # the checkbox column that selects rows to delete (glide-data-grid's width below 100 rows)


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    """A fresh `streamlit run app.py` for this module over its own copy of the seeded database; yields (URL, db)."""
    directory = tmp_path_factory.mktemp("browser_import")
    db_url = sqlite_copy(sqlite_template, directory)
    engine = sa.create_engine(db_url)
    try:
        with streamlit_server(db_url, directory) as url:
            yield url, engine
    finally:
        engine.dispose()


def department_list(path) -> None:
    """Write a unit's list as Offices send it: title rows, the header, "II. CÁ NHÂN", three people (one bad award)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in [
        ["SỞ CÔNG THƯƠNG LẠNG SƠN", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["PHÒNG QUẢN LÝ CÔNG NGHIỆP", None, None, None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"],
        [],
        ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"],
        ["II. CÁ NHÂN"],
        [1, "Hoàng Văn Nam", "Nam", 1980, "Trưởng phòng", "Phòng Quản lý Công nghiệp", "Chiến sĩ thi đua cơ sở"],
        [2, "Lương Thị Hoa", "Nữ", 1990, "Chuyên viên", "Phòng Quản lý Công nghiệp", "Huy chương Olympic"],
        [3, "Vi Văn Tùng", "Nam", 1985, "Chuyên viên", "Phòng Quản lý Công nghiệp", "Lao động tiên tiến"],
    ]:
        ws.append(row)
    wb.save(path)


def rows(engine, sql: str, **params) -> list[tuple]:
    """Run SQL on the server's database file."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params).all()]


def wait_rows(engine, sql: str, **params) -> list[tuple]:
    """Wait until the SQL finds rows (the server writes after the click), and return them."""
    wait_for(lambda: rows(engine, sql, **params), timeout=15)
    return rows(engine, sql, **params)


def edit_cell(page, grid, *, row: int, column: int, text: str) -> None:
    """Replace the text of a st.data_editor cell (the grid is a canvas, its columns sized to their content).

    Click the row's first cell, right of its delete checkbox (row 1 is the first data row, 0 the header), walk right
    with the arrow keys (the grid scrolls along), open the cell editor with Enter, fill it and commit with Enter.
    """
    grid.scroll_into_view_if_needed()
    grid.locator("canvas").first.wait_for()
    grid.click(position={"x": ROW_MARKER + 20, "y": row * ROW_HEIGHT + ROW_HEIGHT / 2})
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    # Streamlit's e2e helpers find the open cell editor the same way (get_open_cell_overlay).
    editor = page.get_by_test_id("portal").locator(".gdg-clip-region textarea").first
    expect(editor).to_be_visible()
    editor.fill(text)
    editor.press("Enter")
    expect(editor).to_have_count(0)


def test_office_uploads_fixes_imports_and_undoes_a_list(server, page, tmp_path):
    url, engine = server
    ARTIFACTS.mkdir(exist_ok=True)
    path = tmp_path / FILE_NAME
    department_list(path)
    page.goto(url)
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first).to_be_visible()
    wait_for_cookie(page)
    page.get_by_test_id("stSidebar").get_by_text("Tải lên danh sách đề nghị").click()
    expect(page.get_by_role("heading", name="Tải lên danh sách đề nghị khen thưởng")).to_be_visible()
    idle(page)

    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(path)
    expander = page.get_by_test_id("stExpander").filter(has_text=FILE_NAME)
    expect(expander.get_by_text(f"{FILE_NAME} — 3 dòng, 1 lỗi, 0 cảnh báo")).to_be_visible()
    idle(page)
    expander.get_by_role("tab", name="Xem trước và sửa").click()
    grid = expander.get_by_role("tabpanel", name="Xem trước và sửa").get_by_test_id("stDataFrame")
    # The grid is wider than the window: the award column is off to the right until the edit walks to it.
    expect(grid).to_contain_text(re.compile("Danh sách9Lỗi.*Huy chương Olympic.*Lương Thị Hoa"))
    edit_cell(page, grid, row=2, column=AWARD_COLUMN, text="Lao động tiên tiến")
    # Each edit is checked again at once: no button to press.
    expect(expander.get_by_text(f"{FILE_NAME} — 3 dòng, 0 lỗi, 0 cảnh báo")).to_be_visible()
    idle(page)
    assert rows(engine, "SELECT count(*) FROM nomination") == [(0,)]  # checking writes nothing

    expander.get_by_role("button", name="Nhập 3 đề nghị").click()
    (batch_id,), = wait_rows(engine, "SELECT id FROM import_batch WHERE file_name = :f", f=FILE_NAME)
    expect(page.get_by_text(f"Đã nhập “{FILE_NAME}”: 3 đề nghị, 3 cá nhân mới (lô số {batch_id}).")).to_be_visible()
    idle(page)
    assert rows(engine, "SELECT b.status, b.rows, b.year, u.username FROM import_batch b JOIN app_user u "
                        "ON u.id = b.user_id WHERE b.id = :b", b=batch_id) == [("da_nhap", 3, 2024, "vanphong")]
    assert rows(engine, "SELECT p.full_name, a.name, n.status, n.source_row FROM nomination n JOIN person p "
                        "ON p.id = n.person_id JOIN award a ON a.id = n.award_id WHERE n.batch_id = :b "
                        "ORDER BY n.source_row", b=batch_id) == [
        ("Hoàng Văn Nam", "Chiến sĩ thi đua cơ sở", "de_nghi", 8),
        ("Lương Thị Hoa", "Lao động tiên tiến", "de_nghi", 9),  # the cell fixed in the grid
        ("Vi Văn Tùng", "Lao động tiên tiến", "de_nghi", 10)]

    history = page.get_by_test_id("stDataFrame").filter(has_text="Người nhập")
    expect(history).to_contain_text(f"{batch_id}{FILE_NAME}Văn phòng Sở")
    page.screenshot(path=ARTIFACTS / "tai_len.png", full_page=True)
    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Hoàn tác lô"), f"Lô số {batch_id} — {FILE_NAME}")
    page.get_by_text("Tôi hiểu: hoàn tác xóa mọi đề nghị").click()
    idle(page)
    page.get_by_role("button", name="Hoàn tác lô đã chọn").click()
    expect(page.get_by_text(f"Đã hoàn tác lô số {batch_id}: xóa 3 đề nghị.")).to_be_visible()
    idle(page)
    expect(history).to_contain_text("Đã hoàn tác")
    # The file still in the uploader is checked again: its own bad cell, and a warning that it was imported once.
    expect(expander.get_by_text(f"{FILE_NAME} — 3 dòng, 1 lỗi, 1 cảnh báo")).to_be_visible()
    expect(expander.get_by_text("Đã nhập 3 đề nghị")).to_have_count(0)
    assert rows(engine, "SELECT status FROM import_batch WHERE id = :b", b=batch_id) == [("da_hoan_tac",)]
    assert rows(engine, "SELECT count(*) FROM nomination") == [(0,)]
    page.screenshot(path=ARTIFACTS / "tai_len_hoan_tac.png", full_page=True)
    assert rows(engine, "SELECT count(*) FROM person WHERE full_name IN ('Hoàng Văn Nam', 'Lương Thị Hoa', "
                        "'Vi Văn Tùng')") == [(0,)]
