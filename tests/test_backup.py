"""Backup and restore: every row of every table and the attachments' bytes go SQLite → PostgreSQL → SQLite; values of
every kind survive both engines; a backup is one snapshot; a restore verifies first, refuses data beyond the seed
unless told, refuses a newer schema, is all or nothing, upgrades an older backup, keeps the audit chain whole; the
`backup` and `restore` commands."""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlmodel import Session, select

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core import audit_chain, backup, backup_tables, units
from tdkt.core.backup_codec import decoder, encoder
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.models import AuditLog, AuthSession, Nomination, Participation, Person, Setting, Unit, User
from tdkt.core.permissions import SYSTEM
from tests import refusal_world
from tests.conftest import SECRET, sqlite_copy

ODD_TEXT = "Dòng 1\nDòng 2\tcột\\ \"trích\" ‘đơn’ – 😀 \r cuối"


def rows_of(engine: sa.Engine) -> dict[str, list[dict]]:
    """Every row of every table, by table, in id order, times as UTC instants (SQLite gives them back without zone)."""
    def plain(value):
        if isinstance(value, datetime):
            return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC))
        return value

    with engine.connect() as connection:
        return {t.name: [{k: plain(v) for k, v in row._mapping.items()}
                         for row in connection.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in backup_tables.reflect(connection)}


def backup_of(engine: sa.Engine, store: FileStore) -> io.BytesIO:
    out = io.BytesIO()
    with write_session(engine) as session:
        backup.create(session, SYSTEM, out, store=store, file_name="sao_luu.zip")
    out.seek(0)
    return out


def odd_values(engine: sa.Engine, world: refusal_world.World) -> None:
    """Text with every character COPY or JSON escapes, a float that is no short decimal, a sign-in session."""
    with write_session(engine) as session:
        person = session.get(Person, world.own.person)
        session.add(Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=person.unit_id,
                               award_id=world.award, achievements=ODD_TEXT, votes_for=0, source_row=None))
        session.add(Participation(event_id=world.event, member_id=world.member, score=0.1 + 0.2,
                                  done_on=date(2024, 2, 29)))
        session.add(AuthSession(id="phien-thu", user_id=world.user,
                                expires_at=datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)))
        session.add(Setting(key="ghi_chu", value=json.dumps({"chữ": ODD_TEXT, "số": [1, 2.5, None]})))


def same_rows(expected: dict, got: dict, *, restores: int) -> None:
    """The restored database holds every row of the backed-up one, plus the restores' audit entries at the end."""
    assert set(got) == set(expected)
    for name in sorted(set(expected) - {"audit_log", "audit_chain_head", "data_version"}):
        assert got[name] == expected[name], name
    n = len(expected["audit_log"])
    assert got["audit_log"][:n] == expected["audit_log"]
    assert [e["action"] for e in got["audit_log"][n:]] == ["khoi_phuc"] * restores
    assert got["audit_chain_head"][0]["seq"] == n + restores
    assert got["data_version"][0]["instance"] != expected["data_version"][0]["instance"]  # no cache takes it for old


def test_every_row_of_every_table_and_the_attachments_go_sqlite_postgresql_sqlite(tmp_path, sqlite_template,
                                                                                  pg_server):
    source = make_engine(sqlite_copy(sqlite_template, tmp_path))
    world = refusal_world.build(source, tmp_path / "files")
    odd_values(source, world)
    expected = rows_of(source)
    assert {"nomination", "person", "attachment", "import_batch", "submission", "sign_in_failure", "auth_session",
            "participation", "movement", "assessment"} <= {name for name, rows in expected.items() if rows}

    postgres = make_engine(pg_server.new_database(seeded=False))
    postgres_store = FileStore(tmp_path / "pg_files")
    done = backup.restore(postgres, SYSTEM, backup_of(source, world.store), store=postgres_store)
    assert (done.upgraded_from, done.replaced, done.missing_files) == (None, {}, [])
    same_rows(expected, rows_of(postgres), restores=1)

    final = make_engine(f"sqlite:///{tmp_path / 'final.db'}")
    final_store = FileStore(tmp_path / "final_files")
    backup.restore(final, SYSTEM, backup_of(postgres, postgres_store), store=final_store)
    # PostgreSQL's backup entry is written after its snapshot: the second file holds the first restore's only
    same_rows(expected, rows_of(final), restores=2)
    for row in expected["attachment"]:
        assert final_store.read(row["sha256"]) == world.store.read(row["sha256"]) == refusal_world.PDF
    for engine in (postgres, final):
        with read_session(engine) as session:
            assert audit_chain.verify(session).ok
    with write_session(postgres) as session:  # the sequences moved past the ids restored
        unit = units.add(session, SYSTEM, name="Phòng Mới", kind="phong")
        assert unit.id > max(row["id"] for row in expected["unit"])
    for engine in (source, postgres, final):
        engine.dispose()


PROBE = sa.MetaData()
sa.Table("mau_kieu", PROBE, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ngay", sa.Date),
         sa.Column("luc", sa.DateTime(timezone=True)), sa.Column("co", sa.Boolean), sa.Column("du_lieu", sa.JSON),
         sa.Column("tep", sa.LargeBinary), sa.Column("ty_le", sa.Float), sa.Column("chu", sa.Text))
VALUES = [
    # Times in UTC, as the app stores them: SQLite keeps a time's wall clock and drops its zone.
    {"id": 1, "ngay": date(2024, 2, 29), "luc": datetime(2024, 12, 31, 16, 59, 59, 999999, tzinfo=UTC),
     "co": True, "du_lieu": {"a": [1, "ư", None], "b": {"c": 2.5}}, "tep": bytes(range(256)), "ty_le": 0.1 + 0.2,
     "chu": ODD_TEXT},
    {"id": 2, "ngay": None, "luc": None, "co": None, "du_lieu": None, "tep": None, "ty_le": None, "chu": None},
    {"id": 3, "ngay": date(1, 1, 1), "luc": datetime(1970, 1, 1, tzinfo=UTC), "co": False, "du_lieu": [],
     "tep": b"", "ty_le": math.inf, "chu": ""},
    {"id": 4, "ngay": date(9999, 12, 31), "luc": datetime(2024, 6, 1, 0, 0, 0, 1, tzinfo=UTC), "co": True,
     "du_lieu": "chuỗi", "tep": b"\x00\\\n", "ty_le": -1e-300, "chu": "'; DROP TABLE x; --"},
]


@pytest.fixture
def empty_url(request, tmp_path):
    def make(kind: str, name: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        return request.getfixturevalue("pg_server").new_database(seeded=False)
    return make


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
@pytest.mark.parametrize("origin", ["sqlite", "postgresql"])
def test_dates_times_booleans_json_bytes_floats_and_text_survive_both_engines(empty_url, origin, target):
    table = PROBE.tables["mau_kieu"]
    here, there = make_engine(empty_url(origin, "goc")), make_engine(empty_url(target, "dich"))
    PROBE.create_all(here)
    PROBE.create_all(there)
    with here.begin() as connection:
        connection.execute(table.insert(), VALUES)
    with here.connect() as connection:
        reflected = next(t for t in backup_tables.reflect(connection) if t.name == "mau_kieu")
        kinds = [kind for _, kind in backup_tables.columns(reflected)]
        encode = encoder(kinds)
        lines = [encode(row).encode() for row in backup_tables.rows_out(connection, reflected)]
    assert kinds == ["int", "date", "datetime", "bool", "json", "bytes", "float", "str"]
    with there.begin() as connection:
        goal = next(t for t in backup_tables.reflect(connection) if t.name == "mau_kieu")
        names = list(goal.columns.keys())
        decode = decoder(kinds, target=target, processors=backup_tables.processors(connection, goal, names))
        assert backup_tables.rows_in(connection, goal, names, map(decode, lines)) == 4
    with there.connect() as connection:
        got = [dict(row._mapping) for row in connection.execute(sa.select(table).order_by(table.c.id))]
        stored = connection.exec_driver_sql("SELECT * FROM mau_kieu ORDER BY id").all()
    for row, want in zip(got, VALUES, strict=True):
        if row["luc"] is not None:
            row["luc"] = row["luc"] if row["luc"].tzinfo else row["luc"].replace(tzinfo=UTC)
        assert row == want
    if target == "sqlite":  # stored as SQLAlchemy stores them itself, to the character
        reference = make_engine(empty_url("sqlite", "tham_chieu"))
        PROBE.create_all(reference)
        with reference.begin() as connection:
            connection.execute(table.insert(), VALUES)
            assert connection.exec_driver_sql("SELECT * FROM mau_kieu ORDER BY id").all() == stored
        reference.dispose()
    here.dispose()
    there.dispose()


def test_a_backup_is_one_snapshot_while_the_app_goes_on_writing(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "TELL_ROWS", 1)  # say every table, so that the write lands between two
    with read_session(engine) as session:
        before = backup.inventory(session)
    written: list[str] = []

    def meanwhile(message: str) -> None:  # after the first table: a unit added and audited, committed
        if not written:
            written.append(message)
            with write_session(engine) as session:
                units.add(session, SYSTEM, name="Phòng Giữa Chừng", kind="phong")

    out = io.BytesIO()
    with write_session(engine) as session:
        manifest = backup.create(session, SYSTEM, out, store=FileStore(tmp_path), progress=meanwhile)
    assert written and manifest.tables[0].name not in ("unit", "audit_log")  # both read after the write
    assert {t.name: t.rows for t in manifest.tables} == before
    with read_session(engine) as session:
        assert backup.inventory(session)["unit"] == before["unit"] + 1


def test_restore_refuses_data_beyond_the_seed_unless_told_to_replace_it(engine, tmp_path, sqlite_template):
    (tmp_path / "nguon").mkdir()
    source = make_engine(sqlite_copy(sqlite_template, tmp_path / "nguon"))
    world = refusal_world.build(source, tmp_path / "files")
    saved = backup_of(source, world.store)
    with write_session(engine) as session:
        units.add(session, SYSTEM, name="Phòng Đang Dùng", kind="phong")
    kept = rows_of(engine)
    with pytest.raises(Refused) as refused:
        backup.restore(engine, SYSTEM, saved, store=FileStore(tmp_path / "target"))
    assert str(refused.value) == (
        "Cơ sở dữ liệu đang có dữ liệu ngoài dữ liệu ban đầu (1 thay đổi dữ liệu ghi trong nhật ký). Khôi phục sẽ xóa "
        "toàn bộ dữ liệu này và thay bằng dữ liệu của bản sao lưu: chạy lại với --replace (trên trang: đánh dấu đồng "
        "ý thay dữ liệu) nếu đúng là muốn vậy. Chưa thay đổi gì.")
    assert rows_of(engine) == kept
    done = backup.restore(engine, SYSTEM, saved, store=FileStore(tmp_path / "target"), replace=True)
    assert done.replaced["unit"] == len(kept["unit"])
    with read_session(engine) as session:
        assert session.exec(select(Unit).where(Unit.name == "Phòng Đang Dùng")).first() is None
        assert len(session.exec(select(Nomination)).all()) == len(rows_of(source)["nomination"])
        entry = session.exec(select(AuditLog).order_by(AuditLog.seq.desc())).first()
        assert (entry.action, entry.user_id, entry.username) == ("khoi_phuc", None, "hệ thống")
        assert "Dữ liệu được thay: " in entry.summary and "12 đơn vị" in entry.summary
        assert audit_chain.verify(session).ok
    source.dispose()


def test_a_freshly_seeded_database_signed_into_takes_a_restore_without_replace(engine, tmp_path, settings):
    from tdkt.core import auth, throttle

    with write_session(engine) as session:  # the admin signs in to restore from the page: that is not data
        auth.sign_in(session, username="quantri", password="MatKhau2024", address=None, secret=SECRET, hours=1,
                     limits=throttle.Limits())
    with read_session(engine) as session:
        assert backup.holdings(session) == {}
        counts = backup.inventory(session)
    assert counts["auth_session"] == 1
    done = backup.restore(engine, SYSTEM, backup_of(engine, FileStore(tmp_path)), store=FileStore(tmp_path))
    assert done.replaced == counts | {"audit_log": counts["audit_log"] + 1}  # and the backup's own entry


def rewritten(saved: io.BytesIO, change) -> io.BytesIO:
    """Return a copy of a backup with its members passed through change(name, bytes) -> bytes | None (None: drop)."""
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    out.seek(0)
    return out


def with_manifest(saved: io.BytesIO, edit) -> io.BytesIO:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()
    return rewritten(saved, change)


@pytest.fixture(scope="module")
def world_bytes(tmp_path_factory, sqlite_template) -> bytes:
    """A backup of the refusal matrix's world (people, nominations, documents…), built once for the module."""
    directory = tmp_path_factory.mktemp("nguon")
    source = make_engine(sqlite_copy(sqlite_template, directory))
    world = refusal_world.build(source, directory / "files")
    saved = backup_of(source, world.store).getvalue()
    source.dispose()
    return saved


@pytest.fixture
def world_backup(world_bytes) -> io.BytesIO:
    return io.BytesIO(world_bytes)


@pytest.fixture
def seeded(tmp_path, sqlite_template):
    """A seeded SQLite database: the checks below come before the database is touched, whichever it is."""
    engine = make_engine(sqlite_copy(sqlite_template, tmp_path))
    yield engine
    engine.dispose()


def test_restore_refuses_a_backup_from_a_newer_schema(engine, tmp_path, world_backup):
    kept = rows_of(engine)
    newer = with_manifest(world_backup, lambda m: m.update(revision="0099"))
    with pytest.raises(Refused, match=r"lược đồ phiên bản 0099, mới hơn .* lược đồ \d{4} của phiên bản ứng dụng này"):
        backup.restore(engine, SYSTEM, newer, store=FileStore(tmp_path / "target"))
    newer_format = with_manifest(world_backup, lambda m: m.update(format_version=2))
    with pytest.raises(Refused, match="định dạng số 2, mới hơn"):
        backup.restore(engine, SYSTEM, newer_format, store=FileStore(tmp_path / "target"))
    assert rows_of(engine) == kept


@pytest.mark.parametrize("damage", ["table", "row_count", "attachment", "extra_member", "not_a_zip"])
def test_restore_checks_every_table_and_attachment_before_writing_anything(seeded, tmp_path, world_backup, damage):
    engine = seeded
    def change(name: str, data: bytes) -> bytes | None:
        if damage == "table" and name == "tables/nomination.jsonl":
            return data.replace(b"2024", b"2025", 1)
        if damage == "attachment" and name.startswith("files/"):
            return data + b" "
        return data

    if damage == "row_count":
        saved = with_manifest(world_backup, lambda m: next(t for t in m["tables"] if t["name"] == "unit").update(
            rows=3))
    elif damage == "extra_member":
        saved = rewritten(world_backup, lambda name, data: data)
        saved = io.BytesIO(saved.getvalue())
        with zipfile.ZipFile(saved, "a") as archive:
            archive.writestr("tables/them.jsonl", b"[1]\n")
        saved.seek(0)
    elif damage == "not_a_zip":
        saved = io.BytesIO(b"PK\x03\x04 not really")
    else:
        saved = rewritten(world_backup, change)
    kept, target = rows_of(engine), FileStore(tmp_path / "target")
    messages = {"table": "không khớp mã kiểm tra SHA-256", "row_count": "không khớp mã kiểm tra SHA-256",
                "attachment": "không khớp mã SHA-256 của nó", "extra_member": "không ghi trong manifest.json",
                "not_a_zip": "không phải tệp .zip"}
    with pytest.raises(Refused, match=messages[damage]):
        backup.restore(engine, SYSTEM, saved, store=target)
    assert rows_of(engine) == kept
    assert list(target.stored()) == []  # not even the attachments went in


def test_restore_is_all_or_nothing_when_a_row_cannot_go_in(engine, tmp_path, world_backup):
    def orphan(name: str, data: bytes) -> bytes:  # a nomination of a person the backup does not hold
        if name != "tables/nomination.jsonl":
            return data
        first = json.loads(data.splitlines()[0])
        first[0], first[3] = 999_999, 888_888  # id, person_id
        return data + json.dumps(first, ensure_ascii=False).encode() + b"\n"

    broken = rewritten(world_backup, orphan)
    with zipfile.ZipFile(broken) as archive:
        member = archive.read("tables/nomination.jsonl")

    def fix(manifest: dict) -> None:  # checksums that match, so that the load itself meets the bad row
        entry = next(t for t in manifest["tables"] if t["name"] == "nomination")
        entry.update(sha256=hashlib.sha256(member).hexdigest(), size=len(member), rows=entry["rows"] + 1)

    kept = rows_of(engine)
    with pytest.raises(Refused, match="không thay đổi gì"):
        backup.restore(engine, SYSTEM, with_manifest(broken, fix), store=FileStore(tmp_path / "target"),
                       replace=True)
    assert rows_of(engine) == kept
    with read_session(engine) as session:
        assert audit_chain.verify(session).ok


def test_an_older_backup_is_restored_at_its_revision_then_upgraded(engine, tmp_path, empty_url):
    """A backup taken at 0008 (before titles were split off names, before data versions and attachments)."""
    from alembic import command
    from alembic.config import Config

    from tdkt.core.db import MIGRATIONS, schema_transaction

    old = make_engine(empty_url("sqlite", "cu"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with schema_transaction(old) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.execute(sa.text("INSERT INTO unit (id, name, kind, position, active) VALUES "
                                   "(1, 'Phòng Cũ', 'phong', 1, true)"))
        connection.execute(sa.text("INSERT INTO person (id, full_name, name_key, unit_id) VALUES "
                                   "(1, 'Đại tá Nguyễn Văn An', 'dai ta nguyen van an', 1)"))
    out = io.BytesIO()
    with Session(old) as session:
        manifest = backup.create(session, SYSTEM, out, store=FileStore(tmp_path))
        session.commit()  # its audit entry, the chain's first
    assert manifest.revision == "0008" and "data_version" not in {t.name for t in manifest.tables}
    out.seek(0)
    done = backup.restore(engine, SYSTEM, out, store=FileStore(tmp_path))
    assert done.upgraded_from == "0008"
    with read_session(engine) as session:
        person = session.get(Person, 1)
        assert (person.title, person.full_name, person.name_key) == ("Đại tá", "Nguyễn Văn An", "nguyen van an")
        assert [u.name for u in session.exec(select(Unit)).all()] == ["Phòng Cũ"]
        # the backup's own entry is written after its snapshot, so only the restore's is in the chain
        assert [e.action for e in session.exec(select(AuditLog).order_by(AuditLog.seq)).all()] == ["khoi_phuc"]
        assert audit_chain.verify(session).ok
        assert backup.inventory(session)["data_version"] == 1
    old.dispose()


def run(args: list[str], url: str, files) -> object:
    click_vi.install()
    env = {"TDKT_DATABASE_URL": url, "TDKT_SECRET_KEY": SECRET, "TDKT_FILE_STORE": str(files)}
    return CliRunner().invoke(cli, args, env=env)


def test_the_backup_and_restore_commands_say_what_they_did_and_exit_0_or_1(tmp_path, sqlite_template):
    source_url = sqlite_copy(sqlite_template, tmp_path)
    source = make_engine(source_url)
    world = refusal_world.build(source, tmp_path / "files")
    target = tmp_path / "sao_luu.zip"
    done = run(["backup", str(target)], source_url, tmp_path / "files")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"Đã sao lưu vào {target} (")
    with source.connect() as connection:
        tables = len(backup_tables.reflect(connection))
    # both sides attach the same bytes; the world's generated document is the second file
    assert f"{tables} bảng" in done.stdout and "2 tệp đính kèm" in done.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    assert (target.stat().st_mode & 0o077) == 0  # holds password hashes: readable by its owner only

    again = run(["restore", str(target)], source_url, tmp_path / "files")
    assert (again.exit_code, again.stderr.splitlines()[-1]) == (1, (
        "Lỗi: Cơ sở dữ liệu đang có dữ liệu ngoài dữ liệu ban đầu (14 thay đổi dữ liệu ghi trong nhật ký, 6 cá "
        "nhân, 4 đề nghị khen thưởng, 4 lô nhập, 4 kết quả xếp loại, 2 bước nộp, tiếp nhận hồ sơ, 2 hồ sơ nộp của "
        "đơn vị, 2 tài liệu đính kèm, 1 phong trào thi đua, 1 văn bản đã tạo, 1 thành phần hồ sơ đã đặt). Khôi phục "
        "sẽ xóa toàn bộ dữ "
        "liệu này và thay bằng dữ liệu của bản sao lưu: chạy lại với --replace (trên trang: đánh dấu đồng ý thay dữ "
        "liệu) nếu đúng là muốn vậy. Chưa thay đổi gì."))
    fresh = f"sqlite:///{tmp_path / 'moi.db'}"
    restored = run(["restore", str(target)], fresh, tmp_path / "new_files")
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"Đã khôi phục từ {target} (")
    assert "Mọi người đăng nhập bằng tài khoản và mật khẩu của bản sao lưu." in restored.stdout
    assert run(["audit", "verify"], fresh, tmp_path / "new_files").exit_code == 0
    replaced = run(["restore", str(target), "--replace"], fresh, tmp_path / "new_files")
    assert replaced.exit_code == 0, replaced.output
    missing = run(["restore", str(tmp_path / "khong_co.zip")], fresh, tmp_path / "new_files")
    assert (missing.exit_code, missing.stderr.strip()) == (
        1, f"Lỗi: Không tìm thấy tệp sao lưu “{tmp_path}/khong_co.zip”.")
    with read_session(make_engine(fresh)) as session:
        assert session.exec(select(User).where(User.username == "donvi.vanphong")).first() is not None
    assert world.own.attachment
    source.dispose()


def test_a_database_that_cannot_be_reached_is_said_in_vietnamese_with_exit_1(tmp_path, sqlite_template):
    saved = tmp_path / "sao_luu.zip"
    assert run(["backup", str(saved)], sqlite_copy(sqlite_template, tmp_path), tmp_path / "files").exit_code == 0
    unreachable = "postgresql+psycopg://tdkt@127.0.0.1:1/tdkt"  # port 1: refused at once
    for args in (["backup", str(tmp_path / "khac.zip")], ["restore", str(saved)]):
        done = run(args, unreachable, tmp_path / "files")
        assert (done.exit_code, done.stderr.splitlines()[-1].startswith(
            "Lỗi: Không mở được cơ sở dữ liệu 127.0.0.1:1/tdkt: OperationalError: ")) == (1, True)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
