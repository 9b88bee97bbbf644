"""The database side of a backup and a restore: the tables as the database has them (reflected, in foreign-key order),
their rows streamed out and bulk-loaded in, the schema dropped and rebuilt at a revision, triggers held off while the
rows go in, PostgreSQL's sequences moved past the ids loaded, and what a database holds beyond the seed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Table

from tdkt.core.backup_codec import kind_of

VERSION_TABLE = "alembic_version"  # the schema's revision: in the manifest, not a table of the backup
_BATCH = 5000  # rows per insert call and per fetch: bounds what a restore or a backup holds at once
# What a fresh `init` fills (with the app's bookkeeping): a row elsewhere is data someone entered. Tables named
# "…_tally" hold counts kept from other tables (`tdkt.core.tally`): what they count shows in those.
SEED_TABLES = frozenset({
    "unit", "plan", "plan_task", "plan_task_unit", "award", "award_alias", "cluster", "cluster_member",
    "cluster_event", "app_user", "setting", "audit_log", "audit_chain_head", "data_version", "auth_session",
    "sign_in_failure", VERSION_TABLE,
})
TALLY_SUFFIX = "_tally"
# Audited actions that enter no data: the seed itself, signing in and out, a first password, a backup taken.
SEED_ACTIONS = ("khoi_tao", "dang_nhap", "dang_xuat", "dang_nhap_sai", "dang_nhap_bi_tu_choi", "doi_mat_khau",
                "go_khoa_dang_nhap", "sao_luu")
CHANGES = "audit_log_changes"  # beyond_seed's key for the audit entries of other actions


def revision(connection: Connection) -> str | None:
    """Return the schema's Alembic revision, or None for a database without one (empty, or not the app's)."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def reflect(connection: Connection) -> list[Table]:
    """Return the database's tables as it has them, parents before the tables referring to them."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def columns(table: Table) -> list[tuple[str, str]]:
    """Return a table's columns as (name, kind of their values in a backup)."""
    return [(c.name, kind_of(c.type)) for c in table.columns]


def rows_out(connection: Connection, table: Table) -> Iterator[sa.Row]:
    """Yield a table's rows in primary-key order as the driver reads them (no type conversion: `backup_codec` reads
    SQLite's stored text), JSON as its text (psycopg would parse a JSON null into None, which is SQL's NULL),
    fetched in batches (a server-side cursor on PostgreSQL)."""
    preparer = connection.dialect.identifier_preparer
    postgres = connection.dialect.name == "postgresql"
    names = ", ".join(preparer.quote(c.name) + ("::text" if postgres and isinstance(c.type, sa.JSON) else "")
                      for c in table.columns)
    order = ", ".join(preparer.quote(c.name) for c in table.primary_key.columns) or names
    sql = f"SELECT {names} FROM {preparer.format_table(table)} ORDER BY {order}"
    yield from connection.execution_options(stream_results=True, yield_per=_BATCH).exec_driver_sql(sql)


def processors(connection: Connection, table: Table, names: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """Return each column's bind processor on this database (what SQLAlchemy does to a value before storing it)."""
    dialect = connection.dialect
    return [table.columns[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]


def counts(connection: Connection) -> dict[str, int]:
    """Return how many rows each table holds (the version table aside)."""
    preparer = connection.dialect.identifier_preparer
    found = {}
    for name in sa.inspect(connection).get_table_names():
        if name != VERSION_TABLE:
            found[name] = connection.exec_driver_sql(f"SELECT count(*) FROM {preparer.quote(name)}").scalar_one()
    return found


def beyond_seed(connection: Connection, held: dict[str, int]) -> dict[str, int]:
    """Return what the database holds that a fresh `init` does not: rows of tables the seed leaves empty (`held` is
    `counts`), and audit entries of actions that change data (key CHANGES), such as a renamed unit or a user added,
    which the seed's own tables would not show."""
    found = {name: n for name, n in held.items() if n and name not in SEED_TABLES and not name.endswith(TALLY_SUFFIX)}
    if held.get("audit_log"):
        log = sa.table("audit_log", sa.column("action"))
        changes = connection.execute(sa.select(sa.func.count()).select_from(log).where(
            log.c.action.not_in(SEED_ACTIONS))).scalar_one()
        if changes:
            found[CHANGES] = changes
    return found


def drop_all(connection: Connection) -> None:
    """Drop every table of the database (its default schema) with its indexes, triggers and sequences; on PostgreSQL
    also the functions those triggers ran, which a migration creates again."""
    names = sa.inspect(connection).get_table_names()
    preparer = connection.dialect.identifier_preparer
    if connection.dialect.name != "postgresql":
        for name in names:  # the caller's transaction has foreign keys off: no order needed
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {preparer.quote(name)}")
        return
    functions = connection.exec_driver_sql(
        "SELECT DISTINCT t.tgfoid::regprocedure::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
    ).scalars().all()
    if names:
        connection.exec_driver_sql("DROP TABLE IF EXISTS " + ", ".join(preparer.quote(n) for n in names) + " CASCADE")
    for function in functions:
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")


@contextlib.contextmanager
def triggers_off(connection: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Hold the tables' triggers off inside the block (the audit log's refuse deleting the rows a migration put in a
    new schema), and put them back as they were."""
    preparer = connection.dialect.identifier_preparer
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} DISABLE TRIGGER USER")
        yield
        for table in tables:
            connection.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ENABLE TRIGGER USER")
        return
    saved = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL").all()
    for name, _ in saved:
        connection.exec_driver_sql(f"DROP TRIGGER {preparer.quote(name)}")
    yield
    for _, sql in saved:
        connection.exec_driver_sql(sql)


def clear(connection: Connection, tables: Sequence[Table]) -> None:
    """Delete every row of the tables (those a migration put in: the audit chain's head, the data version)."""
    for table in reversed(tables):
        connection.execute(table.delete())


def rows_in(connection: Connection, table: Table, names: Sequence[str], rows: Iterable[list[Any]]) -> int:
    """Insert rows (values in the order of `names`, as `backup_codec.decoder` gives them for this database) at the
    driver's speed, a batch at a time: COPY on PostgreSQL, executemany on SQLite; return how many."""
    count = 0
    batch: list[Any] = []
    write = _copier(connection, table, names) if connection.dialect.name == "postgresql" else \
        _executemany(connection, table, names)
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            write(batch)
            count += len(batch)
            batch = []
    if batch:
        write(batch)
        count += len(batch)
    return count


def _copier(connection: Connection, table: Table, names: Sequence[str]) -> Callable[[list[Any]], None]:
    preparer = connection.dialect.identifier_preparer
    target = f"{preparer.format_table(table)} ({', '.join(preparer.quote(n) for n in names)})"
    # COPY's text format: psycopg writes each value as its type's text, PostgreSQL reads it as the column's type.
    raw = connection.connection.dbapi_connection

    def write(batch: list[Any]) -> None:
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)

    return write


def _executemany(connection: Connection, table: Table, names: Sequence[str]) -> Callable[[list[Any]], None]:
    preparer = connection.dialect.identifier_preparer
    sql = (f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    raw = connection.connection.dbapi_connection

    def write(batch: list[Any]) -> None:
        cursor = raw.cursor()
        try:
            cursor.executemany(sql, batch)
        finally:
            cursor.close()

    return write


def reset_sequences(connection: Connection, tables: Sequence[Table]) -> None:
    """Move each PostgreSQL sequence behind an integer id past the largest id loaded, so the next row gets a new one
    (SQLite takes the largest rowid + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        key, name = preparer.quote(keys[0].name), preparer.format_table(table)
        connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                                   f"coalesce(max({key}), 0) + 1, false) FROM {name}"),
                           {"table": name, "column": keys[0].name})
