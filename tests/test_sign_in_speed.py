"""What sign-in costs: Argon2id at OWASP's minimum, an older hash redone at the next sign-in, and signing in leaves the
data version (so every cached figure stays current)."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlmodel import select

from tdkt.core import auth
from tdkt.core.db import read_session, write_session
from tdkt.core.models import DataVersion, User
from tests.conftest import PASSWORD, SECRET


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
