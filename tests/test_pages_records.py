"""Nhập xếp loại, kỷ luật, khen thưởng đã có, sáng kiến under AppTest: who may open it, templates, history and undo.

AppTest cannot drive st.file_uploader: checking and committing a file is tested on tdkt.importing.record_lists.
"""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.config import Settings
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Assessment, ImportBatch
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.record_lists import record_import, record_rows
from tests.conftest import SECRET
from tests.test_pages import REFUSAL, signed_in, titles

PAGE = "pages/nhap_ho_so.py"
TITLE = "Nhập xếp loại, kỷ luật, khen thưởng đã có, sáng kiến"


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def on_page(app_env: dict, role: str) -> AppTest:
    return signed_in(app_env, role, PAGE)


@pytest.mark.parametrize("role", ["van_phong", "don_vi"])
def test_page_offers_the_kinds_the_template_and_the_uploader(app_env, role):
    at = on_page(app_env, role)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert REFUSAL not in [e.value for e in at.error]
    kinds = at.selectbox(key="records_kind")
    assert [kinds.format_func(k) for k in record_rows.KINDS] == [
        "Kết quả xếp loại", "Kỷ luật", "Khen thưởng các năm trước", "Sáng kiến"]
    assert [b.label for b in at.get("download_button") if b.key == "records_template"] == [
        "Tải mẫu kết quả xếp loại (.xlsx)"]
    assert [u.key for u in at.get("file_uploader")] == ["records_uploads"]
    assert "Chưa có lô hồ sơ nào." in [i.value for i in at.info]


def test_choosing_a_kind_offers_its_template(app_env):
    at = on_page(app_env, "van_phong")
    at.selectbox(key="records_kind").select("sang_kien").run()
    assert not at.exception
    [button] = [b for b in at.get("download_button") if b.key == "records_template"]
    assert button.label == "Tải mẫu sáng kiến (.xlsx)"


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri"])
def test_page_refuses_leadership_and_the_admin(app_env, role):
    at = on_page(app_env, role)
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSAL]
    assert titles(at) == []
    assert not at.get("file_uploader") and not at.get("download_button")


def ratings_file() -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in (["STT", "Họ và tên", "Năm sinh", "Đơn vị công tác", "Năm", "Xếp loại"],
                [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2024, "HTTNV"],
                [2, "Trần Văn Bình", 1979, "Thanh tra Sở", 2024, "HTXSNV"]):
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_history_lists_a_record_batch_and_undoes_it_after_confirmation(app_env, app_engine):
    with write_session(app_engine) as session:
        report = record_import.import_records(session, COMMAND_LINE, ratings_file(), kind="xep_loai",
                                        file_name="xep_loai.xlsx", settings=replace(Settings(), secret_key=SECRET))
    assert (report.imported, report.errors) == (2, [])
    at = on_page(app_env, "van_phong")
    assert not at.exception
    history = at.dataframe[-1].value
    assert history[["Lô số", "Loại hồ sơ", "Tệp", "Số dòng", "Số cá nhân mới thêm", "Trạng thái"]].values.tolist() == [
        [report.batch_id, "Kết quả xếp loại", "xep_loai.xlsx", 2, 2, "Đã nhập"]]
    pick = at.selectbox(key="records_undo_pick")
    assert pick.options == [f"Lô số {report.batch_id} — Kết quả xếp loại — xep_loai.xlsx"]

    assert at.button(key="records_undo").disabled  # one click must not delete a batch: confirm first
    at.checkbox(key="records_undo_sure").check().run()
    at.button(key="records_undo").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã hoàn tác lô số {report.batch_id}: xóa 2 dòng."]
    with read_session(app_engine) as session:
        assert session.get(ImportBatch, report.batch_id).status == "da_hoan_tac"
        assert session.exec(select(Assessment)).all() == []
    assert list(at.dataframe[-1].value["Trạng thái"]) == ["Đã hoàn tác"]
    assert "records_undo_pick" not in [s.key for s in at.selectbox]

