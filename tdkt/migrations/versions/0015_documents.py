"""the Office's document templates per year and the documents generated (issue #17)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only (tdkt/core/document_tables.py): no batch mode needed, both engines run the same DDL.
    op.create_table(
        "generated_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("year", "sha256", "created_at"):
        op.create_index(op.f(f"ix_generated_document_{column}"), "generated_document", [column], unique=False)
    op.create_table(
        "document_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "kind"),
    )
    for column in ("year", "sha256"):
        op.create_index(op.f(f"ix_document_template_{column}"), "document_template", [column], unique=False)


def downgrade() -> None:
    for column in ("year", "sha256"):
        op.drop_index(op.f(f"ix_document_template_{column}"), table_name="document_template")
    op.drop_table("document_template")
    for column in ("year", "sha256", "created_at"):
        op.drop_index(op.f(f"ix_generated_document_{column}"), table_name="generated_document")
    op.drop_table("generated_document")
