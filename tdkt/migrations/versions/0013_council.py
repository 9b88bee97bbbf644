"""Hội đồng TĐKT members, meetings, attendance, ballot rounds (issue #16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved for this session's work on the issue named above; filled before it lands


def downgrade() -> None:
    pass
