"""The page Biểu thống kê (TT 02/2023) under AppTest: the Office's and the leadership's, the form of the hand-built year
shown and switched, its notes, the download; the Office's download kept in the register of documents."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.models import AuditLog
from tdkt.forms import tt02
from tests import forms_world
from tests.conftest import APP

PAGE = "pages/bieu_thong_ke.py"
TITLE = "Biểu thống kê thi đua, khen thưởng năm 2024"


def opened(app_env: dict, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    return at.switch_page(PAGE).run()


@pytest.fixture
def world(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "files"))
    engine = make_engine(app_env["url"])
    forms_world.build(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("role", ["don_vi", "quan_tri"])
def test_the_page_is_refused_to_units_and_the_admin(app_env, role):
    at = opened(app_env, role)
    assert not at.exception
    assert [e.value for e in at.error] == ["Bạn không có quyền xem trang này."]
    assert TITLE not in [t.value for t in at.title]
    assert not at.get("download_button")


@pytest.mark.parametrize("role", ["van_phong", "lanh_dao"])
def test_the_office_and_leadership_see_the_form_its_notes_and_switch_forms(world, app_env, role):
    at = opened(app_env, role)
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    frame = at.dataframe[0].value
    assert list(frame.columns[:2]) == ["Chỉ tiêu", "Mã số"]
    total = frame[frame["Mã số"] == "01"].iloc[0]
    assert int(total["1=(2+3+4). Tổng số"]) == 5
    assert [s.value for s in at.subheader] == ["Số phong trào thi đua"]
    assert tt02.UNCONFIRMED in at.warning[0].value and tt02.TT18_STATUS in at.warning[0].value
    assert any("chưa có ngày phát động" in c.value for c in at.caption)
    at.selectbox(key="bieu_form").set_value("0603").run()
    frame = at.dataframe[0].value
    assert list(frame.columns[:3]) == ["Chỉ tiêu", "Mã số", "Đơn vị tính"]
    assert int(frame[frame["Mã số"] == "01"].iloc[0]["1=(2+3+4+5). Tổng số"]) == 4
    assert [b.proto.label for b in at.get("download_button")] == ["Tải biểu 0603 (.xlsx)"]


@pytest.mark.both_engines
def test_the_offices_download_is_kept_in_the_register_the_leaderships_is_not(world, app_env):
    at = opened(app_env, "lanh_dao")
    at.download_button(key="bieu_tai").click().run()
    assert not at.exception
    with read_session(world) as session:
        assert session.exec(select(GeneratedDocument)).all() == []
    at = opened(app_env, "van_phong")
    at.text_input(key="bieu_receiver").set_value("UBND tỉnh Lạng Sơn").run()
    at.download_button(key="bieu_tai").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã tải “Bieu_0601.N_BNV-TDKT_2024.xlsx” và ghi vào danh sách văn bản "
                                             "năm 2024."]
    with read_session(world) as session:
        [kept] = session.exec(select(GeneratedDocument)).all()
        entries = session.exec(select(AuditLog).where(AuditLog.action == "tao_van_ban")).all()
    assert (kept.year, kept.kind, kept.file_name) == (2024, "bieu_0601", "Bieu_0601.N_BNV-TDKT_2024.xlsx")
    assert kept.detail == "Biểu 0601.N/BNV-TĐKT; đơn vị nhận báo cáo: UBND tỉnh Lạng Sơn"
    assert len(entries) == 1 and kept.size > 0
