"""The demo database for the tests that look at what a person sees: the report on paper, every page's values."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.core.models import Role, User
from tdkt.seeding import demo

# The day the demo is built as of: its three full years are 2023–2025, the years the issue was seen on.
DEMO_TODAY = date(2026, 1, 5)
SETTINGS = Settings(secret_key="k" * 40)


def demo_files(path: Path) -> Path:
    """Return the file store beside a demo database built by build_demo (the documents its year end drafted)."""
    return path.parent / "files"


def build_demo(directory: Path) -> Path:
    """Build the demo database in directory (about 2 s) and return its file, whole (no -wal beside it to copy); the
    documents it drafts go to demo_files(file), not the repository's data/files."""
    path = directory / "demo.db"
    demo.build(path, settings=replace(SETTINGS, file_store=str(demo_files(path))), today=DEMO_TODAY)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def demo_app_env(template: Path, folder: Path, *, secret: str, with_files: bool = False) -> Iterator[tuple[str, dict]]:
    """A copy of the demo database in folder with its accounts past the first sign-in, and the app's environment
    pointed at it (and at the demo's file store when with_files); yields its URL and each role's account id."""
    from tests.conftest import sqlite_copy  # here: conftest reads this module lazily too

    url = sqlite_copy(template, folder)
    engine = make_engine(url)
    with Session(engine) as session:
        session.exec(sa.update(User).values(must_change_password=False))
        session.commit()
        users = {Role(u.role).value: u.id for u in session.exec(select(User)).all()}
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDKT_DATABASE_URL", url)
        patch.setenv("TDKT_SECRET_KEY", secret)
        if with_files:
            patch.setenv("TDKT_FILE_STORE", str(demo_files(template)))
        yield url, users
