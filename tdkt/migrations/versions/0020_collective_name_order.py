"""collectives' and households' names sort as written: their stored key recomputed (#20)

0019 gave nomination.name_order the person-name key (given name first), so "Trung tâm Khuyến công" sorted under
"công"; the key of a collective's or household's name is now `text.collective_order` (the words as written).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BATCH = 20_000
NOMINATIONS = sa.table("nomination", sa.column("id", sa.Integer), sa.column("collective_name", sa.String))


def _write(bind, rows: list[tuple[int, str | None]]) -> None:
    """Store each (id, key); one statement per batch on PostgreSQL, the driver's executemany on SQLite."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("UPDATE nomination SET name_order = v.k FROM (SELECT unnest(CAST(:ids AS integer[])) AS "
                             "id, unnest(CAST(:keys AS text[])) AS k) AS v WHERE nomination.id = v.id"),
                     {"ids": [i for i, _ in rows], "keys": [k for _, k in rows]})
    else:
        bind.exec_driver_sql("UPDATE nomination SET name_order = ? WHERE id = ?", [(k, i) for i, k in rows])


def _recompute(key) -> None:
    """Store `key` of every nomination's collective_name (collectives and households: individuals have none), a
    batch of ids at a time, each distinct name computed once."""
    bind = op.get_bind()
    found: dict[str, str | None] = {}
    last = 0
    while True:
        batch = bind.execute(sa.select(NOMINATIONS.c.id, NOMINATIONS.c.collective_name)
                             .where(NOMINATIONS.c.collective_name.is_not(None), NOMINATIONS.c.id > last)
                             .order_by(NOMINATIONS.c.id).limit(BATCH)).all()
        if not batch:
            return
        _write(bind, [(i, found[n] if n in found else found.setdefault(n, key(n))) for i, n in batch])
        last = batch[-1][0]
        if len(found) > 200_000:  # bounded: a million distinct names would otherwise stay for the whole upgrade
            found.clear()


def upgrade() -> None:
    from tdkt.core.text import collective_order

    _recompute(collective_order)


def downgrade() -> None:
    from tdkt.core.text import name_order  # 0019's key: the person-name rule

    _recompute(name_order)
