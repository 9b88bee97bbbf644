"""data version bumped by every write, for caches shared by app processes; nomination tallies kept by every write

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row: every write transaction raises `version` (tdkt.core.db.write_session); `instance` is drawn here, once
    # per database, so a database made anew at the same URL (demo --force) is not taken for the one cached before.
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("instance", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0, "instance": secrets.token_hex(16)}])
    # Counts per achievement year that tdkt.core.tally keeps in step with every write (the statistics read them
    # instead of 100k rows a year at 1M nominations): filled here from the nominations already stored.
    op.create_table(
        "nomination_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "award_id", "target", "category", "status"),
    )
    op.create_table(
        "decision_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "award_id", "target", "decision_date"),
    )
    op.create_table(
        "unit_tally",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "unit_id", "status"),
    )
    op.execute("INSERT INTO unit_tally (year, unit_id, status, n) "
               "SELECT year, coalesce(unit_id, 0), status, count(*) FROM nomination "
               "GROUP BY year, coalesce(unit_id, 0), status")
    op.execute("INSERT INTO nomination_tally (year, award_id, target, category, status, n) "
               "SELECT year, award_id, target, coalesce(category, ''), status, count(*) FROM nomination "
               "GROUP BY year, award_id, target, coalesce(category, ''), status")
    op.execute("INSERT INTO decision_tally (year, award_id, target, decision_date, n) "
               "SELECT year, award_id, target, decision_date, count(*) FROM nomination "
               "WHERE status = 'co_quyet_dinh' AND decision_date IS NOT NULL "
               "GROUP BY year, award_id, target, decision_date")


def downgrade() -> None:
    op.drop_table("unit_tally")
    op.drop_table("decision_tally")
    op.drop_table("nomination_tally")
    op.drop_table("data_version")
