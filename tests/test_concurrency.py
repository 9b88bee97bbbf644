"""No list lands twice: writers at the same time (pages, `python -m tdkt import` processes) and a kill mid-import, on
SQLite and PostgreSQL. The full rounds are bench/concurrency.py; these are its short version."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
import time
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import select

from tdkt.core.db import IMPORT_LOCK, read_session, write_session
from tdkt.core.models import ImportBatch
from tdkt.importing.batches import WrittenSinceCheck
from tdkt.importing.nomination_lists import commit, pipeline
from tdkt.importing.record_lists import record_batches, record_check, record_import
from tests.concurrency_support import counts, finish, nomination_list, person, start_import, write_lists
from tests.conftest import wait_for

ROWS, SHARED = 300, 100  # per list; the time goes to starting Python, not to the rows
KILL_ROWS = 40_000  # long enough a write (about 0.5 s) to be killed in its middle, short enough for the suite


def _backend(url: str) -> str:
    return sa.engine.make_url(url).get_backend_name()


@contextlib.contextmanager
def import_lock_held(url: str):
    """Hold what an import's write waits for (SQLite: the write lock; PostgreSQL: the import lock) until the block
    ends; yields a function saying how many others wait for it (None on SQLite, which cannot tell)."""
    if _backend(url) == "sqlite":
        connection = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield lambda: None
        finally:
            connection.rollback()
            connection.close()
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                      "AND classid = :high AND objid = :low")
    with engine.connect() as holder, engine.connect() as observer:
        holder.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": IMPORT_LOCK})
        try:
            yield lambda: observer.execute(waiting, {"high": IMPORT_LOCK >> 32, "low": IMPORT_LOCK & 0xFFFF_FFFF}
                                           ).scalar_one()
        finally:
            holder.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": IMPORT_LOCK})
    engine.dispose()


def _opened(pid: int, path: str) -> bool:
    """True when process pid has the file open (Linux)."""
    with contextlib.suppress(OSError):
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == path for fd in os.listdir(f"/proc/{pid}/fd"))
    return False


def _race(url: str, tmp_path: Path, paths: list[Path]) -> list:
    """Start one import per path at once while the lock is held, until each waits for it; return their outcomes.

    On PostgreSQL both have checked their file when the lock is let go (each waits for it in its commit): without
    the checks under the lock, both would write. On SQLite they wait for the write lock (up to its busy timeout).
    """
    logs = [tmp_path / f"run{i}" for i in range(len(paths))]
    with import_lock_held(url) as waiting:
        runs = [start_import(url, path, log) for path, log in zip(paths, logs, strict=True)]
        if _backend(url) == "sqlite":
            database = str(sa.engine.make_url(url).database)
            wait_for(lambda: all(_opened(r.pid, database) for r in runs), timeout=30, interval=0.05)
            time.sleep(0.3)  # then each asks for the write lock and waits
        else:
            wait_for(lambda: waiting() == len(runs) or any(r.poll() is not None for r in runs), timeout=30,
                     interval=0.05)
    return [finish(run, log) for run, log in zip(runs, logs, strict=True)]


@pytest.fixture(scope="module")
def lists(tmp_path_factory) -> dict[str, Path]:
    return write_lists(tmp_path_factory.mktemp("lists"), rows=ROWS, shared=SHARED)


def test_the_same_list_imported_twice_at_once_lands_once_and_the_second_is_refused(db_url, engine, tmp_path, lists):
    before = counts(engine)
    outcomes = _race(db_url, tmp_path, [lists["a"], lists["a"]])
    after = counts(engine)
    assert sorted(o.code for o in outcomes) == [0, 1], [o.text[-500:] for o in outcomes]
    refused = next(o for o in outcomes if o.code == 1)
    assert "repeated_file" in refused.codes and "đã được nhập lúc" in refused.text
    assert not any("database is locked" in o.text for o in outcomes)
    assert {k: after[k] - before[k] for k in after} == {
        "people": ROWS, "nominations": ROWS, "batches": 1, "duplicate_people": 0, "duplicate_nominations": 0}


def test_two_lists_imported_at_once_add_the_people_they_share_once(db_url, engine, tmp_path, lists):
    before = counts(engine)
    outcomes = _race(db_url, tmp_path, [lists["a"], lists["b"]])
    after = counts(engine)
    assert [o.code for o in outcomes] == [0, 0], [o.text[-500:] for o in outcomes]
    assert [o.report["imported"] for o in outcomes] == [ROWS, ROWS]
    assert {k: after[k] - before[k] for k in after} == {
        "people": 2 * ROWS - SHARED, "nominations": 2 * ROWS, "batches": 2, "duplicate_people": 0,
        "duplicate_nominations": 0}


@pytest.fixture(scope="module")
def big_list(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "ds_lon.xlsx"
    path.write_bytes(nomination_list([(*person("Quốc", i), "Lao động tiên tiến") for i in range(KILL_ROWS)]))
    return path


def _writing(url: str, engine: sa.Engine) -> bool:
    """True once an import is writing its rows: SQLite spills the transaction's pages to the WAL file, PostgreSQL
    runs a COPY (people, then nominations)."""
    if _backend(url) == "sqlite":
        with contextlib.suppress(FileNotFoundError):
            return os.path.getsize(f"{sa.engine.make_url(url).database}-wal") > 1 << 20
        return False
    with engine.connect() as connection:
        return bool(connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
            "AND query LIKE 'COPY%%'").scalar_one())


def _others(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(  # client sessions only: autovacuum may be at work after a big write
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()").scalar_one()


def test_a_kill_mid_import_leaves_no_row_of_its_batch_and_a_sound_database(db_url, engine, tmp_path, big_list):
    before = counts(engine)
    run = start_import(db_url, big_list, tmp_path / "killed")
    wait_for(lambda: run.poll() is not None or _writing(db_url, engine), timeout=60, interval=0.01)
    assert run.poll() is None, "the import ended before its write could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    if _backend(db_url) == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    else:  # the server notices the dead client and rolls its transaction back, releasing its locks
        wait_for(lambda: _others(engine) == 0, timeout=20, interval=0.1)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                              ).scalar_one() == 0
    assert counts(engine) == before


# --- the page's way: checked in a read session, committed later ---------------------------------------------------

def _check(engine, settings, data: bytes, name: str = "ds.xlsx"):
    with read_session(engine) as session:
        return pipeline.check(session, data, file_name=name, settings=settings)


def _commit(engine, actor, report, **kw):
    with write_session(engine) as session:
        return commit.commit_batch(session, actor, file_name=report.file, sha256=report.sha256,
                                   records=report.records, year=report.year, sheets=report.sheets,
                                   headers=report.headers, **kw)


def test_a_list_checked_before_the_same_file_landed_is_refused_as_the_check_would_now(engine, settings, actors):
    office = actors["van_phong"]
    data = nomination_list([(*person("Văn", i), "Lao động tiên tiến") for i in range(3)])
    stale = _check(engine, settings, data)
    assert stale.issues == []
    _commit(engine, office, _check(engine, settings, data))  # another user, meanwhile
    before = counts(engine)
    fresh = _check(engine, settings, data)
    with pytest.raises(WrittenSinceCheck) as repeated:
        _commit(engine, office, stale)
    assert [i.message for i in repeated.value.issues] == [i.message for i in fresh.warnings]
    assert str(repeated.value).startswith(fresh.warnings[0].message)
    with pytest.raises(WrittenSinceCheck) as written:  # forced, the rows are still in the database
        _commit(engine, office, stale, force=True)
    assert written.value.issues == fresh.errors and len(fresh.errors) == 3
    assert all(r.errors == 0 for r in stale.records)  # the re-check leaves the records as the check made them
    assert counts(engine) == before


def test_undo_waits_for_an_import_in_progress_then_undoes(db_url, engine, settings, actors):
    office = actors["van_phong"]
    data = nomination_list([(*person("Văn", i), "Lao động tiên tiến") for i in range(2)])
    batch = _commit(engine, office, _check(engine, settings, data)).batch_id
    done: list[int] = []

    def undo() -> None:
        with write_session(engine) as session:
            done.append(commit.undo_batch(session, office, batch_id=batch))

    with import_lock_held(db_url):
        worker = threading.Thread(target=undo)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and done == []
    worker.join(10)
    assert done == [2]
    with read_session(engine) as session:
        assert session.exec(select(ImportBatch.status)).all() == ["da_hoan_tac"]


def _workbook(*rows: list) -> bytes:
    book = Workbook()
    for values in rows:
        book.active.append(values)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _records(engine, settings, data: bytes, name: str):
    with read_session(engine) as session:
        return record_check.check_records(session, data, kind="khen_truoc", file_name=name, settings=settings)


def test_a_record_list_checked_before_its_rows_or_file_landed_is_refused_as_the_check_would_now(
        engine, settings, actors):
    office = actors["van_phong"]
    header = ["Họ và tên", "Năm sinh", "Đơn vị", "Năm", "Danh hiệu"]
    row = ["Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2023, "LĐTT"]
    first, other = _workbook(header, row), _workbook(header, row, ["Trần Văn Bình", 1979, "Thanh tra Sở", 2023, "LĐTT"])
    stale_first, stale_other = _records(engine, settings, first, "a.xlsx"), _records(engine, settings, other, "b.xlsx")
    assert stale_first.issues == [] and stale_other.issues == []
    with write_session(engine) as session:
        assert record_import.import_records(session, office, first, kind="khen_truoc", file_name="a.xlsx",
                                            settings=settings).imported == 1
    for stale, name, data in ((stale_first, "a.xlsx", first), (stale_other, "b.xlsx", other)):
        fresh = _records(engine, settings, data, name)
        with pytest.raises(WrittenSinceCheck) as late, write_session(engine) as session:
            record_batches.commit_records(session, office, report=stale)
        shown = fresh.warnings if stale is stale_first else fresh.errors  # the file again; its past award again
        assert [(i.row, i.column, i.code, i.message) for i in late.value.issues] == [
            (i.row, i.column, i.code, i.message) for i in shown]
