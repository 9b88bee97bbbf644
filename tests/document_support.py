"""The app under AppTest on either engine, with its own file store: for the documents, checklist and reminder pages."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import select

from tdkt.core.db import make_engine, read_session
from tdkt.core.file_store import FileStore
from tdkt.core.models import User
from tests.conftest import SECRET


def app_database(db_url: str, tmp_path, monkeypatch) -> Iterator[dict]:
    """For an `app_db` fixture: point the app at a fresh seeded database (SQLite, then PostgreSQL) and a file store
    in tmp_path; yield the engine, the user ids by role, the unit account's unit and the store."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    for name in ("TDKT_SMTP_HOST", "TDKT_SMTP_USER", "TDKT_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        users = {u.role: u.id for u in session.exec(select(User)).all()}
        unit = session.exec(select(User.unit_id).where(User.role == "don_vi")).one()
    yield {"engine": engine, "users": users, "unit": unit, "store": FileStore(tmp_path / "kho")}
    engine.dispose()
