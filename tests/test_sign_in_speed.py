"""What sign-in costs: Argon2id at OWASP's minimum, an older hash redone at the next sign-in, and signing in leaves the
data version (so every cached figure stays current), and what the browser spends drawing the first page is
drawn while the sign-in form is on the screen."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core import auth
from tdkt.core.db import read_session, write_session
from tdkt.core.models import DataVersion, User
from tests.conftest import APP, PASSWORD, SECRET


def test_passwords_are_hashed_with_owasp_s_argon2id_minimum():
    assert auth.hash_password("MatKhau2024").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_other_parameters_is_redone_at_the_next_sign_in_and_signing_in_keeps_the_data_version(engine):
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)  # as argon2-cffi's default would be
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == "lanhdao")).one()
        user.password_hash = old
    with read_session(engine) as session:
        version = session.get(DataVersion, 1).version
    with write_session(engine, bump=False) as session:  # as pages/_common.sign_in opens it
        result = auth.sign_in(session, username="lanhdao", password=PASSWORD, address=None, secret=SECRET, hours=1)
    assert result.refusal is None
    with read_session(engine) as session:
        hashed = session.exec(select(User.password_hash).where(User.username == "lanhdao")).one()
        assert session.get(DataVersion, 1).version == version
    assert hashed != old and hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert auth.verify_password(hashed, PASSWORD)


def test_the_sign_in_page_draws_the_first_page_s_chart_hidden_and_once_per_tab(app_env):
    # A browser compiles plotly's drawing at its first chart: drawn here while the user types, not after the click.
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert len(at.get("plotly_chart")) == 1
    assert any(".st-key-warm_up_first_page { position: absolute; visibility: hidden;" in h.proto.body
               for h in at.get("html"))
    at.text_input(key="login_username").input("lanhdao")
    at.text_input(key="login_password").input("sai-mat-khau-1")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [auth.WRONG_CREDENTIALS]
    assert not at.get("plotly_chart")  # this tab has the code already
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Tổng quan công tác thi đua, khen thưởng năm 2024"]
