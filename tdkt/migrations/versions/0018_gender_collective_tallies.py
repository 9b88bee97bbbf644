"""gender and collective tallies kept by every write, for Thống kê's counts by gender and small-collective share (#20)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Counts that tdkt.core.tally keeps in step with every write (at 1M nominations the year's 100k nominations were
    # read with their persons and units for these): filled here from the nominations already stored.
    op.create_table(
        "gender_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "award_id", "status", "gender"),
    )
    op.create_table(
        "collective_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "award_id", "status", "name", "unit_id"),
    )
    op.execute("INSERT INTO gender_tally (year, award_id, status, gender, n) "
               "SELECT nomination.year, nomination.award_id, nomination.status, coalesce(person.gender, ''), count(*) "
               "FROM nomination LEFT OUTER JOIN person ON person.id = nomination.person_id "
               "WHERE nomination.target = 'ca_nhan' "
               "GROUP BY nomination.year, nomination.award_id, nomination.status, coalesce(person.gender, '')")
    unit = "CASE WHEN trim(coalesce(collective_name, '')) = '' THEN coalesce(unit_id, 0) ELSE 0 END"
    op.execute("INSERT INTO collective_tally (year, award_id, status, name, unit_id, n) "
               f"SELECT year, award_id, status, coalesce(collective_name, ''), {unit}, count(*) FROM nomination "
               f"WHERE target = 'tap_the' GROUP BY year, award_id, status, coalesce(collective_name, ''), {unit}")


def downgrade() -> None:
    op.drop_table("collective_tally")
    op.drop_table("gender_tally")
