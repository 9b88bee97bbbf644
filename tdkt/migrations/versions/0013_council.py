"""Hội đồng TĐKT members, meetings, attendance, ballot rounds (issue #16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only (tdkt/core/council_tables.py): no batch mode needed, both engines run the same DDL.
    op.create_table(
        "council_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=True),
        sa.Column("position", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_council_member_year"), "council_member", ["year"], unique=False)
    op.create_table(
        "council_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "round_no"),
    )
    op.create_index(op.f("ix_council_meeting_year"), "council_meeting", ["year"], unique=False)
    op.create_table(
        "council_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["council_meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["council_member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "member_id"),
    )
    op.create_table(
        "council_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["council_meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["nomination_id"], ["nomination.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "nomination_id"),
    )
    op.create_index(op.f("ix_council_vote_meeting_id"), "council_vote", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_council_vote_nomination_id"), "council_vote", ["nomination_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_council_vote_nomination_id"), table_name="council_vote")
    op.drop_index(op.f("ix_council_vote_meeting_id"), table_name="council_vote")
    op.drop_table("council_vote")
    op.drop_table("council_attendance")
    op.drop_index(op.f("ix_council_meeting_year"), table_name="council_meeting")
    op.drop_table("council_meeting")
    op.drop_index(op.f("ix_council_member_year"), table_name="council_member")
    op.drop_table("council_member")
