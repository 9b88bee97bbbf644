"""A password change (the forced first one, or on Tài khoản của tôi) leaves the data version alone, so no other user's
cached figures are read again, and the accounts page still shows the account as it now is (issue #20)."""

from __future__ import annotations

import pytest
from sqlmodel import select, update
from streamlit.testing.v1 import AppTest

from tdkt.core import auth, read_cache
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import User
from tests.conftest import PASSWORD
from tests.test_pages import change_password, signed_in

MUST = "Phải đổi mật khẩu"


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def _version(engine) -> tuple[str, int] | None:
    with read_session(engine) as session:
        return read_cache.version(session)


def _must_change_shown(at: AppTest, username: str = "lanhdao") -> str:
    [users] = [e.value for e in at.dataframe if "Tên đăng nhập" in e.value.columns]
    return users.set_index("Tên đăng nhập").loc[username, MUST]


def test_the_first_password_change_keeps_the_data_version_and_the_accounts_page_is_fresh(app_env, app_engine):
    with write_session(app_engine) as session:  # raises the version, as a reset by the admin does
        session.exec(update(User).where(User.username == "lanhdao").values(must_change_password=True))
    admin = signed_in(app_env, "quan_tri", "pages/quan_tri.py")
    assert _must_change_shown(admin) == "Có"
    first = signed_in(app_env, "lanh_dao")
    assert [t.value for t in first.title] == ["Đổi mật khẩu"]
    before = _version(app_engine)
    at = change_password(first, "LanhDao2025moi")
    assert not at.exception and not at.error
    assert _version(app_engine) == before
    assert _must_change_shown(admin.run()) == ""  # the same admin session's next run
    with read_session(app_engine) as session:
        user = session.exec(select(User).where(User.username == "lanhdao")).one()
    assert auth.verify_password(user.password_hash, "LanhDao2025moi") and not user.must_change_password


def test_a_change_on_tai_khoan_keeps_the_data_version(app_env, app_engine):
    at = signed_in(app_env, "lanh_dao", "pages/tai_khoan.py")
    before = _version(app_engine)
    old, new, confirm = at.text_input
    old.input(PASSWORD)
    new.input("LanhDao2025moi")
    confirm.input("LanhDao2025moi")
    at = at.button[0].click().run()
    assert [s.value for s in at.success][:1] == [
        "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản (trên máy, trình duyệt khác) đã kết thúc; phiên này "
        "vẫn tiếp tục."]
    assert _version(app_engine) == before is not None
    with read_session(app_engine) as session:
        user = session.exec(select(User).where(User.username == "lanhdao")).one()
    assert auth.verify_password(user.password_hash, "LanhDao2025moi")
