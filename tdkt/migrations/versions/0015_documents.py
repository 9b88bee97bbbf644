"""the Office's document templates per year and the documents generated (issue #17)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved for this session's work on the issue named above; filled before it lands


def downgrade() -> None:
    pass
