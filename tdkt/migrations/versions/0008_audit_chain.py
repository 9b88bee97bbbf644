"""tamper-evident audit log: each entry carries the hash of the previous one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Adds audit_log.seq, prev_hash, hash and the one-row audit_chain_head; chains the entries already there in the order
they were written (their ids), and adds triggers refusing UPDATE and DELETE of an entry (and TRUNCATE on PostgreSQL)
and a head that moves back. A later migration that rebuilds audit_log on SQLite (batch mode copies the table) drops the
triggers with the old table: it must create them again (`create_triggers`); tests/test_audit_chain.py checks them.
"""

import sqlalchemy as sa
from alembic import op

from tdkt.core.audit_chain import GENESIS, entry_hash  # scheme v1, which never changes (see entry_hash)

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_CHUNK = 5000
_REFUSED = "Nhật ký hoạt động chỉ được ghi thêm: không sửa, không xóa mục đã ghi (audit_log is append-only)."
_HEAD_REFUSED = "Đầu chuỗi nhật ký chỉ tiến lên, không xóa, không lùi (audit_chain_head only moves forward)."
_PG = [  # one statement each: the driver runs a single statement per call
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_REFUSED}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    f"""CREATE FUNCTION audit_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{_HEAD_REFUSED}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward()",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_chain_head_forward ON audit_chain_head",
    "DROP FUNCTION IF EXISTS audit_chain_head_forward()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]
_SQLITE = [
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head WHEN NEW.seq < OLD.seq "
    f"BEGIN SELECT RAISE(ABORT, '{_HEAD_REFUSED}'); END",
    f"CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head "
    f"BEGIN SELECT RAISE(ABORT, '{_HEAD_REFUSED}'); END",
]
_SQLITE_TRIGGERS = ["audit_log_no_update", "audit_log_no_delete", "audit_chain_head_forward",
                    "audit_chain_head_no_delete"]


def create_triggers(connection: sa.Connection) -> None:
    """Refuse UPDATE and DELETE of audit entries, and a head that is deleted or moves back, to everyone.

    PostgreSQL: the table's owner or a superuser can still disable or drop them; SQLite: anyone who can open the file.
    What they would change then is what the chain shows (`python -m tdkt audit verify`)."""
    for statement in _PG if connection.dialect.name == "postgresql" else _SQLITE:
        connection.exec_driver_sql(statement)


def _chain_existing(connection: sa.Connection) -> tuple[int, str, int | None]:
    """Give the entries already there their seq and hashes, in id order; return the head (seq, hash, last id)."""
    # "at" typed as the model reads it (SQLite stores text), so the hash sees the time the app will see
    log = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), *(sa.column(n) for n in (
        "id", "seq", "user_id", "username", "action", "entity", "entity_id", "summary", "before", "after",
        "prev_hash", "hash")))
    seq, prev, last_id = 0, GENESIS, None
    stmt = sa.update(log).where(log.c.id == sa.bindparam("row_id")).values(
        seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    while True:  # a chunk at a time by id: a long log is never held in memory whole
        rows = connection.execute(sa.select(log).where(log.c.id > (last_id or 0)).order_by(log.c.id)
                                  .limit(_CHUNK)).all()
        if not rows:
            return seq, prev, last_id
        params = []
        for row in rows:
            seq += 1
            digest = entry_hash(_Entry(row, seq), prev)
            params.append({"row_id": row.id, "new_seq": seq, "new_prev": prev, "new_hash": digest})
            prev, last_id = digest, row.id
        connection.execute(stmt, params)


class _Entry:
    """An old row seen with its new seq, for entry_hash."""

    def __init__(self, row: sa.Row, seq: int) -> None:
        self._row, self.seq = row, seq

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    seq, head, last_id = _chain_existing(connection)
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_index("ix_audit_log_seq", ["seq"], unique=True)
    table = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "seq": seq, "hash": head, "entry_id": last_id}])
    create_triggers(connection)


def downgrade() -> None:
    connection = op.get_bind()
    drops = _PG_DROP if connection.dialect.name == "postgresql" else [
        f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    for statement in drops:
        connection.exec_driver_sql(statement)
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_seq")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
