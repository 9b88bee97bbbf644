"""cluster scoring criteria sheets, rounds, scores (issue #18)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved for this session's work on the issue named above; filled before it lands


def downgrade() -> None:
    pass
