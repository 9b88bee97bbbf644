"""The page In giấy khen, giấy chứng nhận under AppTest: the Office's alone, what it offers to print, the calibration
saved (on SQLite and PostgreSQL) and its test print; printing keeps the PDF in the register of documents."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session
from tdkt.core.models import CertificateLayout
from tdkt.documents.certificate_layout import layout_for
from tests.certificate_support import add_many
from tests.conftest import APP

PAGE = "pages/giay_khen.py"
TITLE = "In giấy khen, giấy chứng nhận"


def opened(app_env: dict, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    return at.switch_page(PAGE).run()


def _engine(app_env):
    return make_engine(app_env["url"])


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi", "quan_tri"])
def test_the_page_is_refused_to_everyone_but_the_office(app_env, role):
    at = opened(app_env, role)
    assert not at.exception
    assert [e.value for e in at.error] == ["Bạn không có quyền xem trang này."]
    assert TITLE not in [t.value for t in at.title]


def test_the_office_sees_why_nothing_prints_then_the_decided_nominations(app_env):
    at = opened(app_env, "van_phong")
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    assert [i.value for i in at.info] == ["Năm 2024 chưa có đề nghị Giấy khen của Giám đốc Sở nào: không có giấy "
                                          "khen để in."]
    engine = _engine(app_env)
    add_many(engine, [{"name": "Nguyễn Thị Hường", "award_code": "GK_GD_SO"},
                      {"name": "Lê Văn Bình", "award_code": "GK_GD_SO", "gender": "Nam", "decision": "130/QĐ-SCT"}])
    engine.dispose()
    at = opened(app_env, "van_phong")
    [table] = at.dataframe
    assert sorted(table.value["Tên"]) == ["Bà Nguyễn Thị Hường", "Ông Lê Văn Bình"]
    assert [b.proto.label for b in at.get("download_button")] == ["Tải 2 trang PDF"]
    at.radio(key="gk_scope_giay_khen").set_value("quyet_dinh").run()
    at.selectbox(key="gk_decision_giay_khen").set_value("130/QĐ-SCT").run()
    assert list(at.dataframe[0].value["Tên"]) == ["Ông Lê Văn Bình"]
    assert [b.proto.label for b in at.get("download_button")] == ["Tải 1 trang PDF"]


@pytest.mark.both_engines
def test_the_office_saves_a_calibration_and_gets_its_test_print(app_env):
    at = opened(app_env, "van_phong")
    at.number_input(key="gk_giay_khen_name_x").set_value(52.5)
    at.number_input(key="gk_giay_khen_shift_y").set_value(-2.0)
    at.text_input(key="gk_giay_khen_signer_name").input("Hoàng Văn Tư")
    at.button(key="gk_luu_vi_tri").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Đã lưu vị trí in trên phôi “Giấy khen”."]
    assert "gk_trial_pdf_giay_khen" in [b.key for b in at.get("download_button")]
    assert at.session_state["gk_trial_giay_khen"].startswith(b"%PDF-")
    engine = _engine(app_env)
    with read_session(engine) as session:
        saved = layout_for(session, kind="giay_khen")
        assert (saved.boxes["name"].x, saved.shift_y, saved.signer_name) == (52.5, -2.0, "Hoàng Văn Tư")
        assert session.exec(select(CertificateLayout.kind)).all() == ["giay_khen"]
    engine.dispose()


def test_a_box_past_the_sheets_edge_is_refused_on_the_page_and_nothing_saved(app_env):
    at = opened(app_env, "van_phong")
    at.number_input(key="gk_giay_khen_date_x").set_value(250.0)
    at.button(key="gk_luu_vi_tri").click().run()
    assert [e.value for e in at.error] == ["Ô “Địa danh, ngày tháng”: bề rộng 115 mm phải từ 10 mm và không vượt mép "
                                           "giấy (tối đa 47 mm từ vị trí 250 mm)."]
    engine = _engine(app_env)
    with read_session(engine) as session:
        assert session.exec(select(CertificateLayout)).all() == []
    engine.dispose()
