"""import batches: undo, provenance

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add a foreign key in place; PostgreSQL runs the same ALTERs directly.
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sheets", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("warnings", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("people_added", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("undone_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_import_batch_undone_by", "app_user", ["undone_by"], ["id"])
    with op.batch_alter_table("nomination") as batch:
        batch.add_column(sa.Column("position", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("unit_text", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("source_sheet", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("source_row", sa.Integer(), nullable=True))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.create_index("ix_person_batch_id", ["batch_id"], unique=False)
        batch.create_foreign_key("fk_person_batch_id", "import_batch", ["batch_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("fk_person_batch_id", type_="foreignkey")
        batch.drop_index("ix_person_batch_id")
        batch.drop_column("batch_id")
    with op.batch_alter_table("nomination") as batch:
        for column in ("source_row", "source_sheet", "unit_text", "position"):
            batch.drop_column(column)
    with op.batch_alter_table("import_batch") as batch:
        batch.drop_constraint("fk_import_batch_undone_by", type_="foreignkey")
        for column in ("undone_by", "undone_at", "people_added", "warnings", "sheets", "year"):
            batch.drop_column(column)
