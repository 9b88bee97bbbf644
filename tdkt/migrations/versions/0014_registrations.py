"""Đăng ký thi đua, the titles units register for (issue #16)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved for this session's work on the issue named above; filled before it lands


def downgrade() -> None:
    pass
