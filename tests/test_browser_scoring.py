"""Chấm điểm thi đua cụm in Debian's chromium: the Office self-scores the department, appraises it with a cut,
records its explanation, re-appraises, publishes and drafts the cluster's proposal — once, a second click drafting
nothing more; the database checked after each step.

Each step waits for what the page draws when it is done (the table's heading naming its round and member, the
message of a save), then for the run to end; an edit in the round table reruns nothing (it goes with the save)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tdkt.clusters import cluster_writes
from tdkt.core import auth
from tdkt.core.db import make_engine, write_session
from tdkt.core.models import ClusterMember
from tdkt.core.permissions import COMMAND_LINE
from tdkt.scoring import entries, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tests.browser_support import ARTIFACTS, choose, idle, sign_in
from tests.conftest import sqlite_copy, streamlit_server, wait_for
from tests.test_pages_scoring import SPEC

pytestmark = pytest.mark.browser
TITLE = "Chấm điểm thi đua cụm năm 2024"
US = "Sở Công Thương Lạng Sơn"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ROW_HEIGHT = 35  # glide-data-grid rows in Streamlit (header included), as tests/test_browser_import.py
VALUE, EVIDENCE, EVIDENCE_DATE, COMMENT = 5, 8, 9, 11  # columns of the entry table (code first, "Đạt" after value)


def prepare(url: str) -> None:
    """Cụm II of 2024: us as cụm trưởng, Sở Xây dựng self-scored 95 and appraised 80, the explanation window open."""
    engine = make_engine(url)
    with write_session(engine) as session:
        cluster = sheets.cluster_named(session, year=2024, cluster_code="Cụm II")
        us = session.exec(sa.select(ClusterMember).where(ClusterMember.cluster_id == cluster.id,
                                                         ClusterMember.is_us)).scalars().one()
        cluster_writes.update_member(session, COMMAND_LINE, member_id=us.id, name=us.name, role="cum_truong",
                                     is_us=True)
        other = cluster_writes.add_member(session, COMMAND_LINE, cluster_id=cluster.id, name="Sở Xây dựng").id
        sheet = sheet_writes.save_sheet(session, COMMAND_LINE, cluster_id=cluster.id, spec=SPEC)
        criterion = sheets.load(session, cluster_id=cluster.id).spec.criteria[0].id
        for round_, value in ((rounds.TU_CHAM, 95.0), (rounds.THAM_DINH, 80.0)):
            entries.record_entries(session, COMMAND_LINE, [EntryInput(
                other, criterion, value, evidence_number="7/BC-SXD", evidence_date=date(2024, 11, 18),
                comment="Thiếu số liệu quý IV." if round_ == rounds.THAM_DINH else None)], round=round_,
                reason="Theo hồ sơ")
        rounds.set_deadline(session, COMMAND_LINE, sheet_id=sheet.id, kind=rounds.GIAI_TRINH,
                            deadline=date.today() + timedelta(days=10))
    engine.dispose()


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    """This module's own `streamlit run app.py` over a prepared copy of the seeded database; yields (URL, engine)."""
    directory = tmp_path_factory.mktemp("browser_scoring")
    db_url = sqlite_copy(sqlite_template, directory)
    prepare(db_url)
    engine = sa.create_engine(db_url)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TDKT_FILE_STORE", str(directory / "files"))  # the evidence files: not the project's data/
            with streamlit_server(db_url, directory) as url:
                yield url, engine
    finally:
        engine.dispose()


def ours(engine) -> list[tuple]:
    """Our entries of criterion 1: (round, value, comment), in round order."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT e.round, e.value, e.comment FROM score_entry e JOIN cluster_member m ON m.id = e.member_id "
            "WHERE m.is_us ORDER BY e.id")).all()]


def collective_nominations(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.text(
            "SELECT n.collective_name, a.name FROM nomination n JOIN award a ON a.id = n.award_id "
            "WHERE n.target = 'tap_the' AND n.year = 2024")).all())


def edit_cell(page, grid, *, column: int, text: str) -> None:
    """Type into the first data row's cell of a column: select a cell of the row, go to its first, walk right, open the
    editor, type, commit with Enter (the table keeps the edit in the browser until the save: no rerun to wait for)."""
    grid.scroll_into_view_if_needed()
    grid.locator("canvas").first.wait_for()
    grid.click(position={"x": 20, "y": ROW_HEIGHT + ROW_HEIGHT / 2})
    page.keyboard.press("Home")  # the first column: after an edit far right the grid stays scrolled, x=20 is not it
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.get_by_test_id("portal").locator(".gdg-clip-region textarea, .gdg-clip-region input").first
    expect(editor).to_be_visible()
    editor.fill(text)
    editor.press("Enter")
    expect(editor).to_have_count(0)


def save_round(page, round_label: str, edits: list[tuple[int, str]], *, member: str | None = None) -> None:
    """Pick the round (and member), type the edits into the entry table, give the reason and save."""
    panel = page.get_by_role("tabpanel", name="Vòng chấm")
    panel.get_by_test_id("stRadio").get_by_text(round_label, exact=True).click()
    if member is not None:
        choose(page, panel.get_by_test_id("stSelectbox").filter(has_text="Thành viên"), member)
    # Drawn by the run that draws the round's table, just above it: after it, once the run ends, the table is this one.
    expect(panel.get_by_text(f"Bảng {round_label.lower()} của {US}", exact=True)).to_be_visible()
    idle(page)
    grid = panel.get_by_test_id("stDataFrame").last
    for column, text in edits:
        edit_cell(page, grid, column=column, text=text)
    page.get_by_label("Lý do thay đổi (bắt buộc, ghi vào nhật ký)").fill(f"{round_label} theo hồ sơ")
    page.get_by_role("button", name=f"Lưu điểm {round_label.lower()}").click()
    expect(page.get_by_text(f"Đã lưu {round_label.lower()} 1 tiêu chí của {US}.")).to_be_visible()
    idle(page)


def evidence_files(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT e.round, e.evidence_name FROM score_entry e JOIN cluster_member m ON m.id = e.member_id "
            "WHERE m.is_us AND e.evidence_sha256 IS NOT NULL")).all()]


def attach_evidence(page, directory) -> None:
    """Attach a PDF from the file store as the self-score's evidence of criterion 1."""
    path = directory / "bien_ban_kiem_chung.pdf"
    path.write_bytes(PDF)
    box = page.get_by_role("tabpanel", name="Vòng chấm").get_by_test_id("stExpander").filter(
        has_text="Đính kèm tệp kiểm chứng")
    box.get_by_text("Đính kèm tệp kiểm chứng cho một tiêu chí").click()
    box.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(path)
    expect(box.get_by_text(re.compile(r"^bien_ba.*chung\.pdf$"))).to_be_visible()  # its name shortened in the middle
    box.get_by_role("button", name="Đính kèm tệp").click()  # a form's button: it waits for the upload to finish
    expect(page.get_by_text(f"Đã đính kèm “{path.name}” cho tiêu chí 1 của {US}.")).to_be_visible()
    idle(page)


def test_self_score_appraise_explain_reappraise_publish_and_propose_once(server, page, tmp_path):
    url, engine = server
    page.goto(url)
    sign_in(page, "vanphong")
    expect(page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024").first).to_be_visible()
    # The cookie component reruns the page once it has written the cookie: let that pass first (30 s: under load the
    # component took more than browser_support's 10).
    wait_for(lambda: any(c["name"] == auth.COOKIE_NAME for c in page.context.cookies()), timeout=30)
    idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Chấm điểm thi đua cụm").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    idle(page)
    page.get_by_role("tab", name="Vòng chấm").click()

    save_round(page, "Tự chấm", [(VALUE, "90"), (EVIDENCE, "12/BC-SCT"), (EVIDENCE_DATE, "2024-11-20")],
               member=f"★ {US}")  # Sở Xây dựng, appraised already, leads the list
    assert ours(engine) == [("tu_cham", 90.0, None)]
    attach_evidence(page, tmp_path)
    wait_for(lambda: evidence_files(engine) == [("tu_cham", "bien_ban_kiem_chung.pdf")], timeout=15)
    save_round(page, "Thẩm định", [(VALUE, "70"), (COMMENT, "Báo cáo nộp chậm.")])
    save_round(page, "Giải trình", [(COMMENT, "Báo cáo gửi qua hệ thống ngày 05/12, kèm công văn.")])
    save_round(page, "Thẩm định lại", [(VALUE, "88"), (COMMENT, "Chấp nhận giải trình.")])
    assert [r[:2] for r in ours(engine)] == [("tu_cham", 90.0), ("tham_dinh", 70.0), ("giai_trinh", 90.0),
                                             ("tham_dinh_lai", 88.0)]

    page.get_by_text("Tôi đã kiểm tra kết quả: công bố chính thức (mọi vòng khóa lại)").click()
    idle(page)
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả chấm điểm Cụm II năm 2024.")).to_be_visible()
    idle(page)
    page.get_by_role("tab", name="Kết quả").click()
    results = page.get_by_role("tabpanel", name="Kết quả")
    expect(results.get_by_test_id("stMetric").filter(has_text="Xếp hạng của Sở")).to_contain_text("1/2")
    results.get_by_role("button", name="Lập đề nghị khen thưởng của cụm").click()
    expect(page.get_by_text("Đã tạo 2 đề nghị ở bước “Đề nghị”", exact=False)).to_be_visible()
    idle(page)
    wait_for(lambda: len(collective_nominations(engine)) == 2, timeout=15)
    assert collective_nominations(engine) == [(US, "Cờ thi đua của Ủy ban nhân dân tỉnh"),
                                              ("Sở Xây dựng", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")]
    page.get_by_role("tab", name="Kết quả").click()
    results.get_by_role("button", name="Lập đề nghị khen thưởng của cụm").click()
    expect(page.get_by_text("đã được tạo trước đó, không tạo thêm", exact=False)).to_be_visible()
    idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cham_diem.png"), full_page=True)
    assert len(collective_nominations(engine)) == 2
