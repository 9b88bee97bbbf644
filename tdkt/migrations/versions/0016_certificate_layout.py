"""certificate print offsets calibrated per year (issue #17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved for this session's work on the issue named above; filled before it lands


def downgrade() -> None:
    pass
