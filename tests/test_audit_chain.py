"""The audit log's hash chain: changes made in the database are found and located, the database refuses them,
appends from two connections at once keep the chain, the migration chains old entries, `audit verify`'s exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from sqlmodel import select

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core import audit, audit_chain, db
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, Role

ROOT = Path(__file__).resolve().parents[1]
SQLITE_TRIGGERS = ["audit_log_no_update", "audit_log_no_delete"]


def record(engine, actor, count: int, *, text: str = "Mục thử") -> None:
    with write_session(engine) as session:
        for i in range(count):
            audit.record(session, actor, "sua_don_vi", "don_vi", i, f"{text} {i}.", before={"name": f"A{i}"},
                         after={"name": f"B{i}"})


def entries(engine) -> list[AuditLog]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditLog).order_by(AuditLog.seq)).all())


def verify(engine, **options) -> audit_chain.ChainState:
    with read_session(engine) as session:
        return audit_chain.verify(session, **options)


def behind_the_app(engine, sql, **params) -> None:
    """Run SQL on audit_log as someone with the database in hand would: past the triggers (the table's owner can
    disable them on PostgreSQL; anyone with the file can drop them on SQLite)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            conn.execute(sa.text(sql) if isinstance(sql, str) else sql, params)
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.execute(sa.text(sql) if isinstance(sql, str) else sql, params)


def where(state: audit_chain.ChainState) -> tuple:
    return (state.ok, state.broken.reason, state.broken.seq, state.broken.id)


def test_a_seeded_log_is_intact_and_each_entry_follows_the_one_before(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 3)
    rows = entries(engine)
    state = verify(engine)
    assert (state.ok, state.entries, state.head, state.head_seq) == (True, len(rows), rows[-1].hash, len(rows))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert [r.prev_hash for r in rows] == [audit_chain.GENESIS] + [r.hash for r in rows[:-1]]
    assert all(r.hash == audit_chain.entry_hash(r, r.prev_hash) for r in rows)


def test_an_update_made_in_the_database_is_found_at_its_entry(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 4)
    target = entries(engine)[-2]
    behind_the_app(engine, "UPDATE audit_log SET summary = :text WHERE id = :id", text="Sửa lén.", id=target.id)
    state = verify(engine)
    assert where(state) == (False, "content_changed", target.seq, target.id)
    assert state.entries == len(entries(engine))
    assert f"mục số {target.seq} (mã {target.id}" in state.broken.message


def test_a_changed_time_is_found_too(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 2)
    target = entries(engine)[-1]
    table = AuditLog.__table__
    behind_the_app(engine, sa.update(table).where(table.c.id == target.id).values(at=datetime(2020, 1, 1, tzinfo=UTC)))
    assert where(verify(engine)) == (False, "content_changed", target.seq, target.id)


@pytest.mark.parametrize("position", ["middle", "last"])
def test_a_delete_made_in_the_database_is_found_where_the_entry_was(engine, actors, position):
    record(engine, actors[Role.QUAN_TRI], 3)
    rows = entries(engine)
    gone = rows[-2] if position == "middle" else rows[-1]
    behind_the_app(engine, "DELETE FROM audit_log WHERE id = :id", id=gone.id)
    state = verify(engine)
    # The entry after the gap is named when there is one; the last entry's own id is kept by the chain's head.
    assert where(state) == (False, "missing", gone.seq, rows[-1].id)
    assert f"Thiếu mục số {gone.seq}" in state.broken.message


def test_a_row_inserted_in_the_database_is_found_even_with_a_correct_hash(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 2)
    last = entries(engine)[-1]
    forged = AuditLog(seq=last.seq + 1, at=datetime.now(UTC), user_id=None, username="quantri", action="sua_don_vi",
                      entity="don_vi", entity_id="1", summary="Mục giả.", before=None, after=None,
                      prev_hash=last.hash, hash="")
    forged.hash = audit_chain.entry_hash(forged, last.hash)  # whoever forges it knows the scheme
    columns = [*audit_chain.CONTENT, "prev_hash", "hash"]
    behind_the_app(engine, sa.insert(AuditLog.__table__), **{c: getattr(forged, c) for c in columns})
    forged_id = entries(engine)[-1].id
    assert where(verify(engine)) == (False, "inserted", last.seq + 1, forged_id)


def test_a_rewritten_entry_with_its_hash_recomputed_breaks_the_next_link(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 3)
    rows = entries(engine)
    target, after = rows[-2], rows[-1]
    target.summary = "Viết lại."
    behind_the_app(engine, "UPDATE audit_log SET summary = :s, hash = :h WHERE id = :id", s=target.summary,
                   h=audit_chain.entry_hash(target, target.prev_hash), id=target.id)
    assert where(verify(engine)) == (False, "order_broken", after.seq, after.id)


def test_the_database_refuses_to_update_or_delete_an_entry_or_move_the_head_back(engine, actors):
    record(engine, actors[Role.QUAN_TRI], 1)
    statements = ["UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                  "UPDATE audit_chain_head SET seq = seq - 1", "DELETE FROM audit_chain_head"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="chỉ (được ghi thêm|tiến lên)"):
            with engine.begin() as conn:
                conn.exec_driver_sql(statement)
    assert verify(engine).ok


def test_no_function_of_tdkt_updates_or_deletes_audit_entries():
    dml = re.compile(r"(update|delete)\(\s*(AuditLog|AuditChainHead)\b|(UPDATE|DELETE FROM)\s+audit_log\b"
                     r"|session\.delete\(\s*(entry|log)\b")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "tdkt").rglob("*.py")
                 if "migrations" not in p.parts and dml.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_rolled_back_transaction_writes_no_entry(engine, actors):
    before = len(entries(engine))
    with pytest.raises(RuntimeError):
        with write_session(engine) as session:
            audit.record(session, actors[Role.QUAN_TRI], "sua_don_vi", "don_vi", 1, "Không được ghi.")
            raise RuntimeError("bỏ")
    record(engine, actors[Role.QUAN_TRI], 1)
    assert (len(entries(engine)), verify(engine).ok) == (before + 1, True)


def test_appends_from_two_connections_at_once_keep_one_chain(engine, actors):
    before = len(entries(engine))
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(12):
                with write_session(engine) as session:
                    for j in range(3):
                        audit.record(session, actors[Role.QUAN_TRI], "sua_don_vi", "don_vi", i, f"{name} {i}.{j}")
                    time.sleep(0.002)  # the other writer queues behind this transaction meanwhile
        except BaseException as error:  # reported below: a thread's exception would be lost
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    rows = entries(engine)
    state = verify(engine)
    assert (failures, state.ok, state.entries) == ([], True, before + 72)
    assert [r.seq for r in rows] == list(range(1, before + 73))
    # A transaction's entries stay together and in the order recorded.
    mine = [r.summary for r in rows[before:]]
    assert all(mine[k].rsplit(".", 1)[0] == mine[k + 2].rsplit(".", 1)[0] for k in range(0, 72, 3))
    assert [m.rsplit(".", 1)[1] for m in mine] == ["0", "1", "2"] * 24


WRITER = """
import sys, time
from pathlib import Path
from tdkt.core import audit
from tdkt.core.db import make_engine, write_session
engine, go = make_engine(sys.argv[1]), Path(sys.argv[2])
Path(f"{go}.{sys.argv[3]}").touch()  # imported and connected: ready
while not go.exists():
    time.sleep(0.01)
for i in range(10):
    with write_session(engine) as session:
        audit.record(session, None, "sua_don_vi", "don_vi", i, f"{sys.argv[3]} {i}.0")
        audit.record(session, None, "sua_don_vi", "don_vi", i, f"{sys.argv[3]} {i}.1")
"""


def test_appends_from_two_app_processes_at_once_keep_one_chain(engine, db_url, tmp_path):
    before = len(entries(engine))
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(go), name], cwd=ROOT)
               for name in ("P", "Q")]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{name}").exists() for name in ("P", "Q")) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()  # both past their imports: they start writing within milliseconds of each other
    assert [w.wait(60) for w in writers] == [0, 0]
    state, rows = verify(engine), entries(engine)
    assert (state.ok, state.entries, [r.seq for r in rows]) == (True, before + 40, list(range(1, before + 41)))
    assert {r.summary.split()[0] for r in rows[before:]} == {"P", "Q"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return request.getfixturevalue("pg_server").new_database(seeded=False)


def test_the_migration_chains_the_entries_written_before_it(empty_url):
    engine = make_engine(empty_url)
    config = db._alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0007")
    old = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("user_id"),
                   sa.column("username"), sa.column("action"), sa.column("entity"), sa.column("entity_id"),
                   sa.column("summary"), sa.column("before"), sa.column("after"))
    written = [
        {"at": datetime(2024, 3, 1, 2, 3, 4, 567890, tzinfo=UTC), "user_id": None, "username": "hệ thống",
         "action": "khoi_tao", "entity": "he_thong", "entity_id": None, "summary": "Khởi tạo.", "before": None,
         "after": None},
        {"at": datetime(2024, 3, 2, tzinfo=UTC), "user_id": None, "username": "vanphong", "action": "xu_ly_ho_so",
         "entity": "de_nghi", "entity_id": "7", "summary": "Chuyển đề nghị “LĐTT” của Nguyễn Thị Minh.",
         "before": json.dumps({"status": "de_nghi"}), "after": json.dumps({"status": "hoi_dong_da_xet"})},
        {"at": datetime(2024, 3, 1, 23, 59, tzinfo=UTC), "user_id": None, "username": "quantri",
         "action": "sua_don_vi", "entity": "don_vi", "entity_id": "3", "summary": "Sửa đơn vị.", "before": None,
         "after": None},
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(old), written)
    db.create_schema(engine)  # as the app does at its next start
    rows = entries(engine)
    state = verify(engine)
    assert (state.ok, state.entries, [r.seq for r in rows], [r.summary for r in rows]) == (
        True, 3, [1, 2, 3], [w["summary"] for w in written])  # id order, whatever the times say
    with pytest.raises(sa.exc.DBAPIError):
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_log")
    record(engine, None, 1)
    assert (verify(engine).ok, verify(engine).entries) == (True, 4)
    engine.dispose()


@pytest.fixture
def run(monkeypatch, db_url):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, ["audit", "verify", *args])


def test_audit_verify_exits_0_and_prints_the_head_to_keep(run, engine):
    text, as_json = run(), run("--json")
    data = json.loads(as_json.output)
    head = entries(engine)[-1]
    assert (text.exit_code, as_json.exit_code) == (0, 0)
    assert set(data) == {"ok", "entries", "head", "broken", "checkpoint"}
    assert (data["ok"], data["entries"], data["head"], data["broken"]) == (True, head.seq, head.hash, None)
    assert "Toàn vẹn: đã kiểm tra" in text.output and head.hash in text.output
    kept = run("--expect", head.hash.upper(), "--json")
    assert (kept.exit_code, json.loads(kept.output)["checkpoint"]["seq"]) == (0, head.seq)


def test_audit_verify_exits_1_naming_the_broken_entry(run, engine, actors):
    record(engine, actors[Role.QUAN_TRI], 2)
    target = entries(engine)[-1]
    behind_the_app(engine, "UPDATE audit_log SET username = 'ai_do' WHERE id = :id", id=target.id)
    text, as_json = run(), run("--json")
    data = json.loads(as_json.output)
    assert (text.exit_code, as_json.exit_code, data["ok"]) == (1, 1, False)
    assert {k: data["broken"][k] for k in ("id", "seq", "reason")} == {"id": target.id, "seq": target.seq,
                                                                       "reason": "content_changed"}
    assert datetime.fromisoformat(data["broken"]["at"]) == target.at.replace(tzinfo=target.at.tzinfo or UTC)
    assert f"Bị sửa đổi tại mục số {target.seq} (nội dung bị sửa)" in text.output


def test_audit_verify_with_a_checkpoint_the_chain_no_longer_holds_exits_1(run):
    result = run("--expect", "ab" * 32, "--json")
    assert (result.exit_code, json.loads(result.output)["broken"]["reason"]) == (1, "checkpoint_not_found")
    wrong = run("--expect", "xyz")
    assert wrong.exit_code == 2 and "64 chữ số thập lục phân" in wrong.output
