"""names' sort keys stored beside them, so that the database orders Hồ sơ đề nghị (#20)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NAME_ORDER = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
CHUNK = 50_000


def _fill(table: str, source: str) -> None:
    """Put `text.name_order` of each stored name beside it (a chunk of rows at a time)."""
    from tdkt.core.text import name_order

    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Integer), sa.column(source, sa.String), sa.column("name_order", sa.Text))
    stmt = sa.select(rows.c.id, rows.c[source]).where(rows.c[source].is_not(None))
    found = [{"rid": i, "key": name_order(name)} for i, name in bind.execute(stmt)]
    update = rows.update().where(rows.c.id == sa.bindparam("rid")).values(name_order=sa.bindparam("key"))
    for start in range(0, len(found), CHUNK):
        bind.execute(update, found[start:start + CHUNK])


def upgrade() -> None:
    op.add_column("person", sa.Column("name_order", NAME_ORDER, nullable=True))
    op.add_column("nomination", sa.Column("name_order", NAME_ORDER, nullable=True))
    _fill("person", "full_name")
    _fill("nomination", "collective_name")


def downgrade() -> None:
    with op.batch_alter_table("nomination") as batch:
        batch.drop_column("name_order")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("name_order")
