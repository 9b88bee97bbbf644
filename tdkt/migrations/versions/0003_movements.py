"""movements: emulation movements and the units taking part

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing is altered, so no batch mode is needed (SQLite and PostgreSQL run the same DDL).
    op.create_table(
        "movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("document", sa.String(length=255), nullable=True),
        sa.Column("launched_on", sa.Date(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("launched_by", sa.String(length=255), nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closing_document", sa.String(length=255), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["plan_task.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_movement_year"), "movement", ["year"], unique=False)
    op.create_table(
        "movement_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["movement_id"], ["movement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("movement_id", "unit_id"),
    )
    op.create_index(op.f("ix_movement_unit_movement_id"), "movement_unit", ["movement_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_movement_unit_movement_id"), table_name="movement_unit")
    op.drop_table("movement_unit")
    op.drop_index(op.f("ix_movement_year"), table_name="movement")
    op.drop_table("movement")
