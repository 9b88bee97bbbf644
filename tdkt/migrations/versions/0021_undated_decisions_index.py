"""decided nominations without a decision date, indexed by year (award money, #20)

`money.decided_money` prices the year's dated decisions from the decision tally and reads the decided nominations
without a date from the table. PostgreSQL took those for a quarter of the year's rows (55% decided × 45% undated, as
if independent: in fact none at bench/pages.py's 1M nominations) and read the year's 100k rows through the year
index, 0.25–2.2 s per view of Tổng quan and Thống kê; SQLite's planner took the status and decision date index. A
partial index holds those rows only (none, or a few, so an import pays nothing for it) and both planners use it:
0.06 ms.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

WHERE = sa.text("status = 'co_quyet_dinh' AND decision_date IS NULL")


def upgrade() -> None:
    op.create_index("ix_nomination_undated_decisions", "nomination", ["year"], unique=False,
                    sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_nomination_undated_decisions", table_name="nomination")
