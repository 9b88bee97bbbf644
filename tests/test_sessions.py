"""Sign-in sessions end when the credentials or the access change: every other session on a password change (this one
stays), all of them on an admin reset, a lock, or a change of role or unit; a browser is out at its next run and told
why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core import auth
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, AuthSession, Role, Unit, User, utcnow
from tests.auth_support import cheap_argon2  # noqa: F401  (autouse)
from tests.conftest import APP, PASSWORD, SECRET

NEW_PASSWORD = "MatKhauMoi2025"


def user_id(engine, username: str) -> int:
    with read_session(engine) as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def sessions(engine, username: str, n: int = 3) -> list[str]:
    """Sign the account in from n browsers at once; return their tokens."""
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return [auth.issue_token(session, user=user, secret=SECRET, hours=2)[0] for _ in range(n)]


def alive(engine, tokens: list[str]) -> list[bool]:
    with read_session(engine) as session:
        return [auth.user_from_token(session, token=t, secret=SECRET) is not None for t in tokens]


def notice(engine, token: str) -> str | None:
    with read_session(engine) as session:
        return auth.ended_notice(session, token=token, secret=SECRET)


def last_summary(engine, action: str) -> str:
    with read_session(engine) as session:
        return session.exec(select(AuditLog.summary).where(AuditLog.action == action)
                            .order_by(AuditLog.id.desc())).first()


def test_a_password_change_ends_every_other_session_and_keeps_the_current_one(engine):
    here, laptop, phone = sessions(engine, "vanphong")
    bystander = sessions(engine, "lanhdao", 1)
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == "vanphong")).one()
        auth.change_password(session, user=user, old_password=PASSWORD, new_password=NEW_PASSWORD,
                             confirm=NEW_PASSWORD, keep_session=auth.token_session(here, secret=SECRET))
    assert alive(engine, [here, laptop, phone, *bystander]) == [True, False, False, True]
    assert notice(engine, laptop) == auth.END_REASONS["doi_mat_khau"] and notice(engine, here) is None
    assert last_summary(engine, "doi_mat_khau") == "vanphong đổi mật khẩu. Kết thúc 2 phiên đăng nhập khác."


def test_an_admin_reset_ends_every_session_of_the_account(engine, actors):
    tokens = sessions(engine, "donvi")
    with write_session(engine) as session:
        auth.reset_password(session, actors[Role.QUAN_TRI], user_id=user_id(engine, "donvi"))
    assert alive(engine, tokens) == [False] * 3
    assert notice(engine, tokens[0]) == auth.END_REASONS["dat_lai_mat_khau"]
    assert last_summary(engine, "dat_lai_mat_khau") == "Đặt lại mật khẩu cho donvi. Kết thúc 3 phiên đăng nhập."


@pytest.mark.parametrize(("change", "ends"), [
    ({"active": False}, True),
    ({"role": Role.VAN_PHONG}, True),
    ({"unit": "Thanh tra Sở"}, True),
    ({"display_name": "Tên mới"}, False),
    ({}, False),
])
def test_a_lock_or_a_new_role_or_unit_ends_the_accounts_sessions_and_a_new_name_does_not(engine, actors, change,
                                                                                           ends):
    tokens = sessions(engine, "donvi", 2)
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == "donvi")).one()
        unit_id = (session.exec(select(Unit.id).where(Unit.name == change["unit"])).one() if "unit" in change
                   else user.unit_id)
        auth.update_user(session, actors[Role.QUAN_TRI], user_id=user.id,
                         display_name=change.get("display_name", user.display_name),
                         role=change.get("role", Role(user.role)), unit_id=unit_id,
                         active=change.get("active", user.active))
    assert alive(engine, tokens) == [not ends] * 2
    assert notice(engine, tokens[0]) == (auth.END_REASONS["sua_tai_khoan"] if ends else None)


def test_an_ended_session_stays_ended_when_the_account_is_unlocked_again(engine, actors):
    tokens = sessions(engine, "donvi", 1)
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == "donvi")).one()
        for active in (False, True):
            auth.update_user(session, actors[Role.QUAN_TRI], user_id=user.id, display_name=user.display_name,
                             role=Role.DON_VI, unit_id=user.unit_id, active=active)
    assert alive(engine, tokens) == [False]


def test_sign_out_and_expiry_have_their_own_notice(engine):
    signed_out, expired = sessions(engine, "vanphong", 2)
    with write_session(engine) as session:
        auth.revoke_token(session, token=signed_out, secret=SECRET)
        record = session.get(AuthSession, auth.token_session(expired, secret=SECRET))
        record.expires_at = utcnow() - timedelta(seconds=1)
        session.add(record)
    assert [notice(engine, signed_out), notice(engine, expired), notice(engine, "rác")] == [
        "Bạn đã đăng xuất.", auth.END_REASONS["het_han"], None]
    assert auth.token_session("rác", secret=SECRET) is None


@pytest.fixture
def app_db(db_url, monkeypatch):
    """Point the app under AppTest at a fresh seeded database of either engine; return an engine on it."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def signed_in_through_the_form(username: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(PASSWORD)
    return at.button[0].click().run()


def test_a_browser_is_signed_out_at_its_next_run_after_an_admin_reset_and_told_why(app_db):
    at = signed_in_through_the_form("vanphong")
    assert [t.value for t in at.title] == ["Tổng quan công tác thi đua, khen thưởng năm 2024"]
    admin = user_id(app_db, "quantri")
    with write_session(app_db) as session:
        auth.reset_password(session, auth.Actor.of(session.get(User, admin)), user_id=user_id(app_db, "vanphong"))
    token = at.session_state["token"]
    at.run()  # the menu's default page is served at "" (app.py): AppTest reruns the app's entry, as a browser does
    assert not at.exception
    assert [t.value for t in at.title] == ["TĐKT Dashboard"]
    assert [i.value for i in at.info] == [auth.END_REASONS["dat_lai_mat_khau"]] and not at.error
    # The app's entry (as a browser's next run, holding the ended token) shows the sign-in form and says why.
    again = AppTest.from_file(APP, default_timeout=30)
    again.session_state["token"] = token
    again.run()
    assert [t.value for t in again.title] == ["TĐKT Dashboard"]
    assert [i.value for i in again.info] == [auth.END_REASONS["dat_lai_mat_khau"]]
    assert "user_id" not in again.session_state


def test_changing_the_password_on_tai_khoan_keeps_this_browser_and_ends_the_others(app_db):
    at = signed_in_through_the_form("lanhdao")
    elsewhere = sessions(app_db, "lanhdao", 1)
    at.switch_page("pages/tai_khoan.py").run()
    for box, value in zip(at.text_input, [PASSWORD, NEW_PASSWORD, NEW_PASSWORD], strict=True):
        box.input(value)
    next(b for b in at.button if b.label == "Đổi mật khẩu").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản (trên máy, "
                                             "trình duyệt khác) đã kết thúc; phiên này vẫn tiếp tục."]
    at.run()
    assert [t.value for t in at.title] == ["Tài khoản của tôi"]
    assert alive(app_db, [at.session_state["token"], *elsewhere]) == [True, False]
