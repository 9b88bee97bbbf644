"""nomination period indexes: nominations received, and decisions made, between two dates (sơ kết / tổng kết)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # bench/pages.py at 1M nominations: the review page's counts of one half-year read every nomination without
    # these (about 1.2 s each on SQLite); with them they read only the half-year's rows.
    op.create_index(op.f("ix_nomination_received_on"), "nomination", ["received_on"], unique=False)
    op.create_index("ix_nomination_status_decision_date", "nomination", ["status", "decision_date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_nomination_status_decision_date", table_name="nomination")
    op.drop_index(op.f("ix_nomination_received_on"), table_name="nomination")
