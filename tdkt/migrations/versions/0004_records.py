"""records the eligibility rules need: ratings, discipline, past awards, initiatives and their authors

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SUBJECT_INDEXES = ("person_id", "collective_key", "unit_id", "batch_id", "year")


def _subject_columns() -> list[sa.Column]:
    return [
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_name", sa.String(length=255), nullable=True),
        sa.Column("collective_key", sa.String(length=255), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
    ]


def _subject_keys() -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
    ]


def _indexes(table: str, columns) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="de_nghi"))
    op.create_table(
        "assessment",
        *_subject_columns(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        *_subject_keys(),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("assessment", _SUBJECT_INDEXES)
    op.create_table(
        "discipline",
        *_subject_columns(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("document", sa.String(length=255), nullable=True),
        *_subject_keys(),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("discipline", _SUBJECT_INDEXES)
    op.create_table(
        "past_award",
        *_subject_columns(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_authority", sa.String(length=255), nullable=True),
        *_subject_keys(),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("past_award", (*_SUBJECT_INDEXES, "award_id"))
    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_authority", sa.String(length=255), nullable=True),
        sa.Column("used_for_award_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["used_for_award_id"], ["award.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("initiative", ("year", "unit_id", "batch_id"))
    op.create_table(
        "initiative_author",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("initiative_id", "person_id"),
    )
    _indexes("initiative_author", ("initiative_id", "person_id"))


def downgrade() -> None:
    for column in ("initiative_id", "person_id"):
        op.drop_index(op.f(f"ix_initiative_author_{column}"), table_name="initiative_author")
    op.drop_table("initiative_author")
    for column in ("year", "unit_id", "batch_id"):
        op.drop_index(op.f(f"ix_initiative_{column}"), table_name="initiative")
    op.drop_table("initiative")
    for table, columns in (("past_award", (*_SUBJECT_INDEXES, "award_id")), ("discipline", _SUBJECT_INDEXES),
                           ("assessment", _SUBJECT_INDEXES)):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("import_batch") as batch:
        batch.drop_column("kind")
