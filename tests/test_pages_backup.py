"""Sao lưu & khôi phục, the admin's page: the download and the uploader; an uploaded backup said for what it holds,
what restoring it would replace, the consent that takes, the restore itself; a damaged or too large file refused.
AppTest cannot drive the uploader or a download: the browser journey at the end does both."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core import backup, units
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.file_store import FileStore
from tdkt.core.models import Unit
from tdkt.core.permissions import SYSTEM
from tests.conftest import APP, sqlite_copy, streamlit_server


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def saved_with(engine, tmp_path, unit: str) -> bytes:
    """A backup taken once `unit` was added."""
    with write_session(engine) as session:
        units.add(session, SYSTEM, name=unit, kind="phong")
    out = io.BytesIO()
    with write_session(engine) as session:
        backup.create(session, SYSTEM, out, store=FileStore(tmp_path / "files"))
    return out.getvalue()


def unit_names(engine) -> set[str]:
    with read_session(engine) as session:
        return set(session.exec(select(Unit.name)).all())


def test_the_admin_finds_the_download_and_the_uploader(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["quan_tri"]
    at.switch_page("pages/sao_luu.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sao lưu & khôi phục"]
    assert [b.proto.label for b in at.get("download_button")] == ["Tải bản sao lưu (.zip)"]
    assert [u.proto.label for u in at.get("file_uploader")] == ["Tệp sao lưu (.zip, tối đa 200 MB)"]
    assert "11 đơn vị" in at.markdown[0].value and "4 tài khoản" in at.markdown[0].value


def restore_part():
    """Draw an uploaded backup as the page does (AppTest cannot drive the uploader)."""
    import streamlit as st

    from pages import _backup_restore
    from pages._common import require_page

    _backup_restore.render(require_page("sao_luu"), st.session_state["upload"], "sao_luu.zip")


def on_restore(app_env, data: bytes) -> AppTest:
    at = AppTest.from_function(restore_part, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["quan_tri"]
    at.session_state["upload"] = data
    return at.run()


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_restoring_over_entered_data_says_what_is_lost_and_waits_for_consent(app_env, app_engine, tmp_path):
    data = saved_with(app_engine, tmp_path, "Phòng Trong Sao Lưu")
    with write_session(app_engine) as session:
        units.add(session, SYSTEM, name="Phòng Sau Sao Lưu", kind="phong")
    at = on_restore(app_env, data)
    assert not at.exception
    assert at.success[0].value.startswith("Bản sao lưu hợp lệ (mọi mã SHA-256 đều khớp). Bản sao lưu lúc ")
    warning = at.warning[0].value
    assert warning.startswith("**Khôi phục sẽ xóa toàn bộ dữ liệu hiện có** và thay bằng dữ liệu của bản sao lưu. "
                              "Cơ sở dữ liệu đang có dữ liệu đã nhập ngoài dữ liệu ban đầu: 2 thay đổi dữ liệu ghi "
                              "trong nhật ký. Sẽ mất tất cả: ")
    assert "13 đơn vị" in warning and "Không hoàn tác được" in warning
    assert at.button(key="khoi_phuc_btn").disabled  # one click must not replace everything: consent first
    at.checkbox(key="khoi_phuc_dong_y").check().run()
    at.button(key="khoi_phuc_btn").click().run()
    assert not at.exception
    assert at.success[-1].value.startswith("Đã khôi phục từ “sao_luu.zip”. Bản sao lưu lúc ")
    names = unit_names(app_engine)
    assert "Phòng Trong Sao Lưu" in names and "Phòng Sau Sao Lưu" not in names


def test_a_database_holding_only_the_seed_is_restored_without_consent(app_env, tmp_path, sqlite_template):
    (tmp_path / "nguon").mkdir()
    source = make_engine(sqlite_copy(sqlite_template, tmp_path / "nguon"))
    data = saved_with(source, tmp_path, "Phòng Nguồn")
    source.dispose()
    at = on_restore(app_env, data)
    assert [i.value for i in at.info] == ["Cơ sở dữ liệu chỉ có dữ liệu ban đầu: khôi phục không làm mất dữ liệu nào "
                                          "đã nhập."]
    assert not at.checkbox and not at.button(key="khoi_phuc_btn").disabled
    at.button(key="khoi_phuc_btn").click().run()
    assert not at.exception
    engine = make_engine(app_env["url"])
    assert "Phòng Nguồn" in unit_names(engine)
    engine.dispose()


def test_a_damaged_or_too_large_upload_is_refused_before_the_button(app_env, tmp_path, monkeypatch):
    engine = make_engine(app_env["url"])
    data = saved_with(engine, tmp_path, "Phòng Hỏng")
    engine.dispose()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(damaged, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name).replace("Phòng Hỏng".encode(), "Phòng Khác".encode()))
    at = on_restore(app_env, damaged.getvalue())
    assert not at.exception
    assert [e.value for e in at.error] == ["Bảng “unit” trong bản sao lưu không khớp mã kiểm tra SHA-256 (hoặc số "
                                           "dòng) ghi trong manifest.json: tệp đã bị sửa hoặc hỏng."]
    assert not at.button
    monkeypatch.setenv("TDKT_BACKUP_LIMIT_MB", "0.001")
    at = on_restore(app_env, data)
    assert [e.value for e in at.error] == [
        "Tệp “sao_luu.zip” lớn hơn giới hạn 0.001 MB của trang: người quản trị máy chủ khôi phục bằng lệnh "
        "`python -m tdkt restore sao_luu.zip`, hoặc đặt TDKT_BACKUP_LIMIT_MB lớn hơn."]
    assert not at.button


@pytest.mark.browser
def test_the_admin_downloads_a_backup_and_restores_it_over_a_later_change(page, tmp_path, sqlite_template):
    from tests.browser_support import idle, sign_in, wait_for_cookie

    url = sqlite_copy(sqlite_template, tmp_path)
    engine = make_engine(url)
    with streamlit_server(url, tmp_path) as address:
        page.goto(address)
        sign_in(page, "quantri")
        wait_for_cookie(page)
        page.get_by_role("link", name="Sao lưu & khôi phục").click()
        idle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải bản sao lưu (.zip)").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        with write_session(engine) as session:  # a change after the backup, which the restore takes back
            units.add(session, SYSTEM, name="Phòng Sau Sao Lưu", kind="phong")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(saved)
        expect(page.get_by_text("Bản sao lưu hợp lệ (mọi mã SHA-256 đều khớp).")).to_be_visible()
        expect(page.get_by_text("Khôi phục sẽ xóa toàn bộ dữ liệu hiện có")).to_be_visible()
        restore = page.get_by_role("button", name="Khôi phục")
        expect(restore).to_be_disabled()
        page.get_by_text("Tôi hiểu và đồng ý thay toàn bộ dữ liệu hiện có").click()
        expect(restore).to_be_enabled()
        restore.click()
        expect(page.get_by_text(f"Đã khôi phục từ “{saved.name}”.")).to_be_visible()
    assert saved.name.startswith("tdkt-sao-luu-") and "Phòng Sau Sao Lưu" not in unit_names(engine)
    engine.dispose()
