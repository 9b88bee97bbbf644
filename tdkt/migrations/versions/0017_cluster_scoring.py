"""cluster scoring criteria sheets, rounds, scores (issue #18)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only (tdkt/core/scoring_tables.py): no batch mode needed, both engines run the same DDL.
    op.create_table(
        "score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("total_points", sa.Float(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["cluster.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["published_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id"),
    )
    op.create_table(
        "score_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("is_bonus", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["sheet_id"], ["score_sheet.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_score_group_sheet_id"), "score_group", ["sheet_id"], unique=False)
    op.create_table(
        "score_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=True),
        sa.Column("points_each", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["score_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["score_criterion.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_score_criterion_group_id"), "score_criterion", ["group_id"], unique=False)
    op.create_table(
        "score_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["sheet_id"], ["score_sheet.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sheet_id", "kind"),
    )
    op.create_index(op.f("ix_score_round_sheet_id"), "score_round", ["sheet_id"], unique=False)
    op.create_table(
        "score_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("not_assigned", sa.Boolean(), nullable=False),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("evidence_name", sa.String(length=255), nullable=True),
        sa.Column("evidence_number", sa.String(length=64), nullable=True),
        sa.Column("evidence_date", sa.Date(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["criterion_id"], ["score_criterion.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["cluster_member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("criterion_id", "member_id", "round"),
    )
    op.create_index(op.f("ix_score_entry_criterion_id"), "score_entry", ["criterion_id"], unique=False)
    op.create_index(op.f("ix_score_entry_member_id"), "score_entry", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_score_entry_member_id"), table_name="score_entry")
    op.drop_index(op.f("ix_score_entry_criterion_id"), table_name="score_entry")
    op.drop_table("score_entry")
    op.drop_index(op.f("ix_score_round_sheet_id"), table_name="score_round")
    op.drop_table("score_round")
    op.drop_index(op.f("ix_score_criterion_group_id"), table_name="score_criterion")
    op.drop_table("score_criterion")
    op.drop_index(op.f("ix_score_group_sheet_id"), table_name="score_group")
    op.drop_table("score_group")
    op.drop_table("score_sheet")
