"""The demo database for the tests that look at what a person sees: the report on paper, every page's values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from tdkt.core.config import Settings
from tdkt.core.db import make_engine
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
