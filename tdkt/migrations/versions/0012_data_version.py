"""data version bumped by every write, for caches shared by app processes; nomination tallies kept by every write;
covering indexes for a year's and a period's counts

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
    op.execute("INSERT INTO nomination_tally (year, award_id, target, category, status, n) "
               "SELECT year, award_id, target, coalesce(category, ''), status, count(*) FROM nomination "
               "GROUP BY year, award_id, target, coalesce(category, ''), status")
    op.execute("INSERT INTO decision_tally (year, award_id, target, decision_date, n) "
               "SELECT year, award_id, target, decision_date, count(*) FROM nomination "
               "WHERE status = 'co_quyet_dinh' AND decision_date IS NOT NULL "
               "GROUP BY year, award_id, target, decision_date")
    # What is left of a page's counts reads these indexes alone instead of the rows (bench/pages.py at 1M: the unit,
    # gender and share counts of a year, a half-year's counts by award): each replaces a one- or two-column index that
    # led with the same column, so an import maintains as many indexes as before.
    op.drop_index(op.f("ix_nomination_year"), table_name="nomination")
    op.create_index("ix_nomination_year_figures", "nomination",
                    ["year", "target", "status", "unit_id", "person_id", "award_id", "category"], unique=False)
    op.drop_index(op.f("ix_nomination_received_on"), table_name="nomination")
    op.create_index("ix_nomination_received_figures", "nomination",
                    ["received_on", "award_id", "target", "category", "status", "year", "unit_id"], unique=False)
    op.drop_index("ix_nomination_status_decision_date", table_name="nomination")
    op.create_index("ix_nomination_status_decision_date", "nomination",
                    ["status", "decision_date", "award_id", "target", "category"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_nomination_status_decision_date", table_name="nomination")
    op.create_index("ix_nomination_status_decision_date", "nomination", ["status", "decision_date"], unique=False)
    op.drop_index("ix_nomination_received_figures", table_name="nomination")
    op.create_index(op.f("ix_nomination_received_on"), "nomination", ["received_on"], unique=False)
    op.drop_index("ix_nomination_year_figures", table_name="nomination")
    op.create_index(op.f("ix_nomination_year"), "nomination", ["year"], unique=False)
    op.drop_table("decision_tally")
    op.drop_table("nomination_tally")
    op.drop_table("data_version")
