"""Backup and restore of the whole database with the file store's attachments, in one portable file that moves data
between SQLite and PostgreSQL (`create`, `restore`; the file itself is `backup_archive`'s, the tables `backup_tables`').

A backup is read in one snapshot (REPEATABLE READ on PostgreSQL, one WAL read transaction on SQLite) while the app
goes on writing. A restore is one transaction: the schema is dropped, built again by the migrations up to the
backup's own revision, the rows are loaded as they were (audit entries included, so the chain still verifies), and
the migrations then bring it to the newest revision, exactly as an upgrade in place would have; the restore's own
audit entry goes at the end of the chain. Every checksum is verified before anything is written.
"""

from __future__ import annotations

import hashlib
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from tdkt.core import audit
from tdkt.core import backup_tables as tables
from tdkt.core.backup_archive import (
    BackupRefused,
    FileEntry,
    Manifest,
    Writer,
    file_stream,
    open_backup,
    read_manifest,
    table_lines,
    verify,
)
from tdkt.core.backup_codec import decoder, encoder
from tdkt.core.db import MIGRATIONS, read_snapshot, schema_transaction
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore, StoreError
from tdkt.core.models import utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_datetime, format_number

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy import Table

# Columns naming a file of the store by its SHA-256: the backup carries those files.
FILE_COLUMNS = {"attachment": "sha256", "generated_document": "sha256", "document_template": "sha256"}
TABLE_LABELS = {
    "nomination": "đề nghị khen thưởng", "person": "cá nhân", "import_batch": "lô nhập",
    "attachment": "tài liệu đính kèm", "assessment": "kết quả xếp loại", "discipline": "kỷ luật",
    "past_award": "khen thưởng các năm trước", "initiative": "sáng kiến", "initiative_author": "tác giả sáng kiến",
    "movement": "phong trào thi đua", "movement_unit": "đơn vị tham gia phong trào",
    "participation": "kết quả tham gia hoạt động cụm", "submission": "hồ sơ nộp của đơn vị",
    "submission_step": "bước nộp, tiếp nhận hồ sơ", "submission_deadline": "hạn nộp hồ sơ đã đặt",
    "dossier_requirement": "thành phần hồ sơ đã đặt", "unit_email": "e-mail nhận nhắc hạn",
    "reminder_sent": "thư nhắc hạn đã gửi", "generated_document": "văn bản đã tạo",
    "document_template": "mẫu văn bản của Văn phòng", "unit": "đơn vị", "app_user": "tài khoản", "plan": "kế hoạch",
    "plan_task": "nhiệm vụ kế hoạch", "plan_task_unit": "đơn vị thực hiện nhiệm vụ", "cluster": "cụm thi đua",
    "cluster_member": "thành viên cụm", "cluster_event": "hoạt động cụm",
    "award": "danh hiệu, hình thức khen thưởng", "award_alias": "cách viết khác của danh hiệu", "setting": "cài đặt",
    "audit_log": "mục nhật ký", tables.CHANGES: "thay đổi dữ liệu ghi trong nhật ký",
    "auth_session": "phiên đăng nhập", "sign_in_failure": "lần đăng nhập sai",
    "audit_chain_head": "đầu chuỗi nhật ký", "data_version": "số phiên bản dữ liệu",
    "nomination_tally": "số đếm đề nghị", "decision_tally": "số đếm quyết định", "unit_tally": "số đếm theo đơn vị",
    "gender_tally": "số đếm theo giới tính", "collective_tally": "số đếm tập thể",
}
Progress = Callable[[str], None]
TELL_ROWS = 10_000  # rows: a table this large is said on its own while a backup or a restore goes on


def table_label(name: str) -> str:
    """Return what a table holds, in Vietnamese (its name for a table the app does not know)."""
    return TABLE_LABELS.get(name, f"bảng “{name}”")


def describe(held: dict[str, int]) -> str:
    """Return row counts as Vietnamese words, the largest first: "1.234 đề nghị khen thưởng, 567 cá nhân"."""
    ordered = sorted((n, name) for name, n in held.items() if n)
    return ", ".join(f"{format_number(n)} {table_label(name)}" for n, name in reversed(ordered)) or "không có dòng nào"


def app_version() -> str:
    """Return the app's version (pyproject.toml), written into every backup."""
    try:
        with (Path(__file__).resolve().parents[2] / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "không rõ"


def fingerprint(manifest: Manifest) -> str:
    """Return the SHA-256 of a backup's manifest, which covers every member's: the backup named in the audit log."""
    return hashlib.sha256(manifest.to_json()).hexdigest()


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f}".replace(".", ",")


def summary_of(manifest: Manifest) -> str:
    """Return what a backup holds and where it comes from, in one Vietnamese sentence."""
    files = f", {format_number(len(manifest.files))} tệp đính kèm ({_mb(manifest.file_bytes)} MB)"
    return (f"Bản sao lưu lúc {format_datetime(manifest.created_at)} từ {_engine_label(manifest.engine)}, lược đồ "
            f"phiên bản {manifest.revision}, ứng dụng {manifest.app_version}: {format_number(len(manifest.tables))} "
            f"bảng, {format_number(manifest.rows)} dòng{files}.")


def _engine_label(name: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(name, name or "không rõ")


def inventory(session: Session) -> dict[str, int]:
    """Return how many rows each table of the database holds (what a backup would carry, what a restore replaces)."""
    return tables.counts(session.connection())


def holdings(session: Session) -> dict[str, int]:
    """Return what the database holds beyond a fresh `init` (empty when a restore needs no --replace)."""
    connection = session.connection()
    return tables.beyond_seed(connection, tables.counts(connection))


def create(session: Session, actor: Actor | None, out: BinaryIO, *, store: FileStore, file_name: str = "",
           progress: Progress | None = None) -> Manifest:
    """Write a backup of every table and the attachments' files into `out`; audit it in the caller's transaction.

    The rows are read in their own snapshot, not through the caller's session, whose transaction then only appends
    the audit entry when it commits (a long read inside a write transaction would hold its locks)."""
    require(actor, "sao_luu")
    with read_snapshot(session.get_bind()) as connection:
        manifest = _dump(connection, out, store, progress or (lambda _: None))
    audit.record(session, actor, "sao_luu", "he_thong", None,
                 f"Sao lưu toàn bộ dữ liệu{f' ra tệp “{file_name}”' if file_name else ''}: "
                 f"{format_number(len(manifest.tables))} bảng, {format_number(manifest.rows)} dòng, "
                 f"{format_number(len(manifest.files))} tệp đính kèm, lược đồ phiên bản {manifest.revision}.",
                 after={"file": file_name or None, "rows": manifest.rows, "sha256": fingerprint(manifest)})
    return manifest


def _dump(connection: Connection, out: BinaryIO, store: FileStore, progress: Progress) -> Manifest:
    revision = tables.revision(connection)
    if revision is None:
        raise Refused("Cơ sở dữ liệu chưa có lược đồ của ứng dụng (chưa chạy `python -m tdkt init`): không có gì để "
                      "sao lưu.")
    writer = Writer(out)
    try:
        entries, hashes = [], set()
        for table in tables.reflect(connection):
            entries.append(writer.table(table.name, tables.columns(table), _lines(connection, table, hashes)))
            if entries[-1].rows >= TELL_ROWS:
                progress(f"Đã sao lưu {format_number(entries[-1].rows)} {table_label(table.name)}.")
        files, missing = _files(writer, store, sorted(hashes), progress)
        manifest = Manifest(revision=revision, created_at=utcnow(), app_version=app_version(),
                            engine=connection.dialect.name, tables=entries, files=files, missing_files=missing)
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest


def _lines(connection: Connection, table: Table, hashes: set[str]):
    """Yield a table's rows as JSON lines, keeping the file hashes a file column names."""
    encode = encoder([kind for _, kind in tables.columns(table)])
    watched = FILE_COLUMNS.get(table.name)
    names = list(table.columns.keys())
    index = names.index(watched) if watched in names else None
    for row in tables.rows_out(connection, table):
        if index is not None and row[index]:
            hashes.add(row[index])
        yield encode(row)


def _files(writer: Writer, store: FileStore, hashes: list[str], progress: Progress
           ) -> tuple[list[FileEntry], list[str]]:
    """Copy each file into the backup once its bytes are checked against its name; return those and the hashes the
    store lacks or holds damaged (the rows referring to them are still backed up)."""
    if hashes:
        progress(f"Đang sao lưu {format_number(len(hashes))} tệp đính kèm…")
    files, missing = [], []
    for sha in hashes:
        try:
            path = store.path_of(sha)
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                missing.append(sha)
                continue
            with path.open("rb") as handle:
                files.append(writer.file(sha, handle))
        except (OSError, StoreError):
            missing.append(sha)
    return files, missing


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the backup's manifest, the rows it replaced per table, the revision it upgraded from (None
    when the backup was already at the newest) and the attachments the backup lacked."""

    manifest: Manifest
    replaced: dict[str, int]
    upgraded_from: str | None
    missing_files: list[str]


def _scripts() -> ScriptDirectory:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _migrate(connection: Connection, revision: str) -> None:
    """Run the migrations up to `revision` on the caller's connection, inside its transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def check(source: str | BinaryIO) -> Manifest:
    """Return the manifest of a backup once every member matches it (nothing is written); refused otherwise."""
    with open_backup(source) as archive:
        manifest = read_manifest(archive)
        _check_revision(manifest)
        _check_members(archive, manifest)
    return manifest


def _check_revision(manifest: Manifest) -> str:
    """Return the newest revision; refuse a backup whose revision these migrations do not have (a newer app's)."""
    script = _scripts()
    known = {r.revision for r in script.walk_revisions()}
    if manifest.revision not in known:
        raise BackupRefused(f"Bản sao lưu có lược đồ phiên bản {manifest.revision}, mới hơn (hoặc khác) lược đồ "
                            f"{script.get_current_head()} của phiên bản ứng dụng này: cài phiên bản ứng dụng đã tạo "
                            f"bản sao lưu ({manifest.app_version}) hoặc mới hơn rồi khôi phục.")
    return script.get_current_head()


def _check_members(archive: Any, manifest: Manifest) -> None:
    collect = {}
    for entry in manifest.tables:
        names = [n for n, _ in entry.columns]
        if entry.name in FILE_COLUMNS and FILE_COLUMNS[entry.name] in names:
            collect[entry.name] = names.index(FILE_COLUMNS[entry.name])
    found = verify(archive, manifest, collect=collect)
    carried = {f.sha256 for f in manifest.files} | set(manifest.missing_files)
    lacking = sorted({sha for values in found.values() for sha in values if sha} - carried)
    if lacking:
        raise BackupRefused(f"Bản sao lưu thiếu {format_number(len(lacking))} tệp đính kèm mà các dòng của nó trỏ tới "
                            f"(ví dụ {lacking[0][:12]}…): tệp đã bị sửa hoặc không trọn vẹn.")


def restore(engine: Engine, actor: Actor | None, source: str | BinaryIO, *, store: FileStore, replace: bool = False,
            file_name: str = "", progress: Progress | None = None) -> Restored:
    """Replace the database's content with a backup's, in one transaction; refused, writing nothing, when a checksum
    does not match, the backup comes from a newer schema, or the database holds data beyond the seed and `replace`
    is not given.

    It takes the engine, not a session: on SQLite the transaction must begin with foreign keys off
    (`db.schema_transaction`), which a session already in a transaction cannot do."""
    require(actor, "khoi_phuc")
    say = progress or (lambda _: None)
    with open_backup(source) as archive:
        manifest = read_manifest(archive)
        head = _check_revision(manifest)
        say("Đang kiểm tra mã SHA-256 của từng bảng và tệp đính kèm…")
        _check_members(archive, manifest)
        with schema_transaction(engine) as connection:
            held = tables.counts(connection)
            extra = tables.beyond_seed(connection, held)
            if extra and not replace:
                raise Refused(replace_needed(extra))
            _keep_files(archive, manifest, store, say)
            say("Đang dựng lại lược đồ và nạp dữ liệu…")
            tables.drop_all(connection)
            _migrate(connection, manifest.revision)
            _load(connection, archive, manifest, say)
            if manifest.revision != head:
                say(f"Đang nâng cấp lược đồ từ phiên bản {manifest.revision} lên {head}…")
                _migrate(connection, "head")
            _new_instance(connection)
            _audit(connection, actor, manifest, held, file_name)
    return Restored(manifest=manifest, replaced=held, upgraded_from=manifest.revision if manifest.revision != head
                    else None, missing_files=list(manifest.missing_files))


def replace_needed(extra: dict[str, int]) -> str:
    """Return the refusal of a restore over data someone entered, naming that data."""
    return (f"Cơ sở dữ liệu đang có dữ liệu ngoài dữ liệu ban đầu ({describe(extra)}). Khôi phục sẽ xóa toàn bộ dữ "
            "liệu này và thay bằng dữ liệu của bản sao lưu: chạy lại với --replace (trên trang: đánh dấu đồng ý thay "
            "dữ liệu) nếu đúng là muốn vậy. Chưa thay đổi gì.")


def _keep_files(archive: Any, manifest: Manifest, store: FileStore, say: Progress) -> None:
    """Put the backup's files into the store before the rows that refer to them (a file without a row is an orphan
    the store's sweep removes; a row without its file would be a broken document)."""
    if manifest.files:
        say(f"Đang chép {format_number(len(manifest.files))} tệp đính kèm vào kho tệp…")
    for entry in manifest.files:
        with file_stream(archive, entry) as stream, store.receive(stream, limit=entry.size,
                                                                  name=entry.sha256) as incoming:
            if incoming.sha256 != entry.sha256:
                raise BackupRefused(f"Tệp đính kèm {entry.sha256[:12]}… không khớp mã SHA-256 của nó.")
            store.keep(incoming)


def _load(connection: Connection, archive: Any, manifest: Manifest, say: Progress) -> None:
    """Load every table's rows into the schema just built at the backup's revision, parents first."""
    target = tables.reflect(connection)
    entries = {e.name: e for e in manifest.tables}
    if {t.name for t in target} != set(entries):
        odd = sorted({t.name for t in target} ^ set(entries))
        raise BackupRefused(f"Các bảng của bản sao lưu không khớp lược đồ phiên bản {manifest.revision} (bảng "
                            f"“{odd[0]}”): tệp đã bị sửa hoặc không phải của ứng dụng này.")
    dbapi_error = connection.dialect.loaded_dbapi.Error
    with tables.triggers_off(connection, target):
        tables.clear(connection, target)
        for table in target:
            entry = entries[table.name]
            names = [n for n, _ in entry.columns]
            if set(names) != set(table.columns.keys()):
                raise BackupRefused(f"Các cột của bảng “{table.name}” trong bản sao lưu không khớp lược đồ phiên bản "
                                    f"{manifest.revision}.")
            if entry.rows >= TELL_ROWS:
                say(f"Đang nạp {format_number(entry.rows)} {table_label(table.name)}…")
            decode = decoder([k for _, k in entry.columns], target=connection.dialect.name,
                             processors=tables.processors(connection, table, names))
            try:
                tables.rows_in(connection, table, names, map(decode, table_lines(archive, entry)))
            except (ValueError, TypeError, KeyError) as error:
                raise BackupRefused(f"Một dòng của bảng “{table.name}” trong bản sao lưu không đọc được "
                                    f"({error}).") from None
            except (dbapi_error, sa.exc.DBAPIError) as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
                raise Refused(f"Không nạp được bảng “{table.name}” của bản sao lưu ({first}): không thay đổi gì.") \
                    from None
    tables.reset_sequences(connection, target)


def _new_instance(connection: Connection) -> None:
    """Draw the database a new instance and raise its data version: what any app process keeps in its read cache
    was computed on the data replaced (a backup's data version may equal one a cache holds)."""
    connection.execute(sa.text("UPDATE data_version SET version = version + 1, instance = :instance WHERE id = 1"),
                       {"instance": secrets.token_hex(16)})


def _audit(connection: Connection, actor: Actor, manifest: Manifest, held: dict[str, int], file_name: str) -> None:
    """Append the restore's entry after the restored chain, in the restore's transaction.

    The account is named but not linked: its id belongs to the database replaced, and may be no account, or
    another person's, in the one restored."""
    who = Actor(id=None, username=actor.username, role=actor.role)
    with Session(bind=connection) as session:  # joins the transaction: its commit writes the entry, not the restore
        audit.record(session, who, "khoi_phuc", "he_thong", None,
                     f"Khôi phục dữ liệu từ bản sao lưu{f' “{file_name}”' if file_name else ''} "
                     f"({summary_of(manifest).removeprefix('Bản sao lưu ')}). Dữ liệu được thay: {describe(held)}.",
                     before={"rows": sum(held.values())},
                     after={"file": file_name or None, "rows": manifest.rows, "sha256": fingerprint(manifest)})
        session.commit()
