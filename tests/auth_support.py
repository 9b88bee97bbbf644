"""Shared by the sign-in tests: real Argon2 at its lowest cost, for the seeded accounts too."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlmodel import update

from tdkt.core import auth
from tdkt.core.db import make_engine, write_session
from tdkt.core.models import User
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def cheap_argon2(request, monkeypatch):
    """Real Argon2 at its lowest cost for these tests: the default (64 MiB, 3 passes) took 0.55 s a check on this
    shared machine, and a test here signs in up to ten times. The seeded accounts get a hash of that cost too."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_HASHER", cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", cheap.hash("tdkt-dummy-password"))
    if "db_url" not in request.fixturenames:
        return
    engine = make_engine(request.getfixturevalue("db_url"))
    with write_session(engine) as session:
        session.exec(update(User).values(password_hash=cheap.hash(PASSWORD)))
    engine.dispose()
