"""honorifics and ranks split from names into a title field

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("title", sa.String(length=64), nullable=True))
    # People imported before kept "Đại tá Nguyễn Văn An" as their name, so a list naming "Nguyễn Văn An" made a
    # second person: their titles are split off the same way new rows are. On a new database the table is empty.
    from tdkt.core.honorifics import split_title
    from tdkt.core.text import fold

    bind = op.get_bind()
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                      sa.column("name_key", sa.String), sa.column("title", sa.String))
    changes = []
    for pid, full_name in bind.execute(sa.select(person.c.id, person.c.full_name)):
        title, bare = split_title(full_name)
        if title is not None and len(title) <= 64:
            changes.append({"pid": pid, "name": bare, "key": fold(bare)[:255], "t": title})
    if changes:
        bind.execute(person.update().where(person.c.id == sa.bindparam("pid")).values(
            full_name=sa.bindparam("name"), name_key=sa.bindparam("key"), title=sa.bindparam("t")), changes)


def downgrade() -> None:
    # The title goes back in front of the name, as it was stored before 0009.
    from tdkt.core.text import fold

    bind = op.get_bind()
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                      sa.column("name_key", sa.String), sa.column("title", sa.String))
    changes = [{"pid": pid, "name": f"{title} {name}"[:255], "key": fold(f"{title} {name}")[:255]}
               for pid, name, title in bind.execute(sa.select(person.c.id, person.c.full_name, person.c.title)
                                                    .where(person.c.title.is_not(None)))]
    if changes:
        bind.execute(person.update().where(person.c.id == sa.bindparam("pid")).values(
            full_name=sa.bindparam("name"), name_key=sa.bindparam("key")), changes)
    with op.batch_alter_table("person") as batch:
        batch.drop_column("title")
