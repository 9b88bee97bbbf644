"""Chấm điểm's member sheet under AppTest, on both engines: the template built for a member, filled as the member
would and uploaded on the page records its scores; a wrong one shows the Vietnamese problem at its row and column
and records nothing. AppTest uploads the file itself (`file_uploader(...).set_value`), as the browser would."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tdkt.core.db import make_engine, read_session
from tdkt.scoring import member_template
from tests.test_pages_scoring import cluster_with_sheet, open_tab, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGET, VALUE, NOT_ASSIGNED, NUMBER, DAY, COMMENT = 5, 6, 7, 8, 9, 10  # the template's columns (A = 1: the code)


def template(app_env, member_id: int) -> bytes:
    """The self-score template the head downloads for a member (the page's button builds the same bytes)."""
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        data = member_template.member_workbook(session, year=2024, cluster_code="Cụm II", member_id=member_id,
                                               round="self")
    engine.dispose()
    return data


def filled(data: bytes, cells: dict[int, object]) -> tuple[bytes, int]:
    """Fill criterion 1's row of a template as the member would in Excel; (the workbook, that row's Excel number)."""
    book = load_workbook(BytesIO(data))
    sheet = book.active
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value) == "1")
    for column, value in cells.items():
        sheet.cell(row, column).value = value
    out = BytesIO()
    book.save(out)
    return out.getvalue(), row


def recorded(app_env) -> list[tuple]:
    engine = make_engine(app_env["url"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(
            "SELECT e.round, e.value, e.evidence_number, e.evidence_date FROM score_entry e "
            "JOIN cluster_member m ON m.id = e.member_id WHERE m.is_us ORDER BY e.id")).all()]
    engine.dispose()
    return [(r[0], r[1], r[2], str(r[3])[:10] if r[3] is not None else None) for r in rows]


def upload(at, data: bytes, name: str):
    """Pick the file in the page's uploader (its tab opened; its key carries the page's edit counter) and press the
    import button."""
    open_tab(at, "Điểm theo thành viên")
    at.file_uploader(key=f"cd_nhap_tep_{at.session_state['cd_version']}").set_value((name, data, XLSX)).run()
    assert not at.exception
    return at.button(key="cd_nhap_bang").click().run()


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_a_filled_member_sheet_uploaded_on_the_page_records_its_self_scores(app_env):
    ids = cluster_with_sheet(app_env)
    data, _ = filled(template(app_env, ids["us"]), {VALUE: 90, NUMBER: "12/BC-SCT", DAY: date(2024, 11, 20)})
    at = upload(page(app_env), data, "cham_diem_so_cong_thuong.xlsx")
    assert not at.exception and not at.error
    assert at.success[0].value == "Đã nhập 1 tiêu chí từ “cham_diem_so_cong_thuong.xlsx” (Sở Công Thương Lạng Sơn)."
    assert recorded(app_env) == [("tu_cham", 90.0, "12/BC-SCT", "2024-11-20")]
    assert ("Tự chấm", "90") == (at.metric[0].label, at.metric[0].value)  # the member's tab shows it at once


@pytest.mark.both_engines  # a refusal that writes nothing: on PostgreSQL too
def test_a_member_sheet_with_a_word_for_a_number_names_its_row_and_column_and_records_nothing(app_env):
    ids = cluster_with_sheet(app_env)
    data, row = filled(template(app_env, ids["us"]), {VALUE: "chín mươi", NUMBER: "12/BC-SCT", DAY: "20/11/2024"})
    at = upload(page(app_env), data, "sai.xlsx")
    assert not at.exception
    assert [e.value for e in at.error] == ["“sai.xlsx” chưa nhập được, không ghi gì: 1 lỗi."]
    problems = next(d.value for d in at.dataframe if "Nội dung" in d.value or "Vấn đề" in d.value)
    assert problems.astype(str).values.tolist()[0][:3] == ["Bảng chấm điểm", str(row), "Kết quả / điểm / số lần"]
    assert "“chín mươi” không phải là một số" in " ".join(problems.astype(str).values.tolist()[0])
    assert recorded(app_env) == []
