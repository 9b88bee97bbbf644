"""Engine, sessions and schema migrations (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tdkt.core import tally
from tdkt.core.errors import Refused

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
_WRITE = "tdkt_write"


def make_engine(url: str) -> Engine:
    """Return an engine; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE for writes."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A write takes the lock at once, so two writers queue instead of failing half-way.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


# Raised by every write transaction as its last statement (`tdkt.core.read_cache` keys results by it). Last, so that
# on PostgreSQL the row lock it takes lasts only until the commit right after it, not the whole transaction.
_BUMP = text("UPDATE data_version SET version = version + 1 WHERE id = 1")


@contextmanager
def write_session(engine: Engine, *, bump: bool = True) -> Iterator[Session]:
    """Yield a session inside one write transaction: committed on success, rolled back on any error.

    The transaction raises the data version with its rows, so every cached read result older than them is out of
    date in every app process. bump=False only for bookkeeping that no cached result reads (sign-in sessions and
    failures): signing in does not make every other user's figures be computed again.
    """
    with Session(engine.execution_options(**{_WRITE: True}), expire_on_commit=False) as session:
        with session.begin():
            yield session
            if bump:
                session.flush()
                session.execute(_BUMP)


# pg_advisory_xact_lock key of the writes that add people, nominations or import batches: both importers, their undo
# and hand entry. They share people and the repeat and duplicate checks, so they share one key ("tdkt" and 1).
IMPORT_LOCK = 0x7464_6B74_0001


def lock_writes(session: Session, key: int) -> None:
    """Wait until this transaction alone writes what `key` stands for; held until it commits or rolls back.

    Take it before the checks that decide what to write, so that they see the writes of the transaction before.
    PostgreSQL: pg_advisory_xact_lock, which the server also releases when the client dies; each statement after it
    sees what the previous holder committed (READ COMMITTED). SQLite: nothing more to do, as a write session began
    with BEGIN IMMEDIATE and so already holds the database's one write lock until it ends.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one read-only transaction that sees the database as it was when it began, whatever
    commits meanwhile: REPEATABLE READ on PostgreSQL; on SQLite a deferred transaction (never the write lock, even
    from a write session's engine), whose WAL snapshot is taken at its first read and kept to its end."""
    with engine.connect() as connection:
        options: dict[str, Any] = {_WRITE: False}
        if connection.dialect.name == "postgresql":
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.execution_options(**options).begin():
            yield connection


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """Yield a session for reading."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(?:None|["']([\w.-]+)["'])\s*$""", re.M)


def _newest_revision() -> str | None:
    """Return the newest migration's revision id as its file writes it (`revision = "0012"` under `down_revision =
    "0011"`), or None when the files do not plainly make one chain (Alembic then decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """Return the revision the database says it is at, or None (an empty database has no alembic_version)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no such table: a new database, which Alembic creates
        return None


def create_schema(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database).

    A database already at the newest migration, the case of every start but the first after an upgrade, is told so by
    two reads without Alembic: importing it cost each command 0.45 s and 8 MiB (python -X importtime).
    """
    head = _newest_revision()
    if head is not None and _stored_revision(engine) == head:
        return
    from alembic import command

    config = _alembic_config(engine)
    with schema_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one write transaction for changing the schema (migrations, a restore).

    SQLite: foreign keys are off inside it, and checked before it commits. A batch migration copies a table, drops it
    and renames the copy: with them on, the DROP's implicit DELETE failed on the rows referring to it (upgrading a
    filled 0001 database stopped at 0002, tests/test_upgrades.py), or would cascade to them. The pragma is ignored
    inside a transaction, so it is set on the driver's connection before the transaction begins, and set back after.
    """
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.execution_options(**{_WRITE: True}).begin():
                yield connection
                if raw is not None and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").first()):
                    raise Refused(f"Dữ liệu có dòng trỏ tới dòng không tồn tại (bảng “{broken[0]}”, dòng số "
                                  f"{broken[1]} → bảng “{broken[2]}”): không thay đổi gì.")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def schema_is_current(engine: Engine) -> bool:
    """Return True when the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


_COPY_ROWS = 10_000  # rows per piece of COPY text: bounds the memory the text takes
_COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_texts(values: tuple) -> list[str] | tuple[str, ...] | None:
    """Return one column's values in COPY's text format, or None when the column holds a type not handled here.

    psycopg's write_row adapts value by value (about 6 µs a row of 16 columns, 1.2 s per 100k-row import); a column
    of one type is written here with C-level map/join/translate instead. Text is escaped as COPY requires (backslash,
    newline, carriage return, tab), None is \\N; ints, dates and datetimes are written as str() writes them (ISO),
    which PostgreSQL reads in any DateStyle.
    """
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if kinds <= {str}:
        filled = "".join(filter(None, values))
        if "\x00" in filled:
            return None  # let psycopg refuse it with its own message
        if "\\" in filled or "\n" in filled or "\r" in filled or "\t" in filled:
            values = tuple(v.translate(_COPY_ESCAPES) if v else v for v in values)
        return [_COPY_NULL if v is None else v for v in values] if nulls else values
    if kinds == {int}:
        return [_COPY_NULL if v is None else str(v) for v in values] if nulls else list(map(str, values))
    if kinds <= {date, datetime}:
        return _each_distinct(values, str, _COPY_NULL)
    return None


def _each_distinct(values: Sequence, convert: Callable[[Any], Any], null: Any) -> list:
    """Return [null if v is None else convert(v) for v in values], calling convert once per distinct value.

    Imports repeat a handful of dates (received on, created at). Datetimes that are the same instant in different time
    zones compare equal but are written differently, so they are told apart by their zone.
    """
    keys = values
    if datetime in set(map(type, values)):
        keys = [(v, v.tzinfo) if type(v) is datetime else v for v in values]
    done: dict = {None: null}
    for key, value in zip(keys, values, strict=True):
        if key not in done:
            done[key] = convert(value)
    return list(map(done.__getitem__, keys))


def bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert many rows given as dicts (the keys of the first row name the columns); see `bulk_insert_rows`."""
    if not rows:
        return
    names = [c.name for c in table.columns if c.name in rows[0]]
    getter = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    bulk_insert_rows(connection, table, names, list(map(getter, rows)))


def bulk_insert_rows(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    rows: list[Sequence],
    *,
    constants: Mapping[str, Any] | None = None,
    genders: Mapping[int, str | None] | None = None,
) -> None:
    """Insert many rows given as tuples in the order of `names`, at driver speed: COPY on PostgreSQL, the stdlib
    executemany on SQLite. `constants` are columns with one value for every row (a batch id, a date), given once.
    `genders` (person id -> stored gender), when the caller knows those of a nomination insert's persons, spares the
    gender tally reading them back (`tally.after_bulk_insert`).

    PERF.md measured Core executemany at 40% of the stdlib's speed on SQLite and 20% of COPY on PostgreSQL; an import
    of 100k rows spends most of its time here otherwise. On SQLite each distinct value goes through its column type's
    bind processor once, so what is stored is exactly what SQLAlchemy would store; constants are processed the same
    way and written into the statement as SQL literals (when text, integer or NULL), so no row carries or binds them.
    On PostgreSQL the COPY text is written column by column (`_copy_texts`), a piece of rows at a time, constants once
    per piece. Derived columns (`_derived`) go as columns of their own beside the rows, which are not rebuilt for them.
    """
    if not rows:
        return
    constants = dict(constants or {})
    extra_names, extra = _derived(table, names, rows, constants)
    tally.after_bulk_insert(connection, table, names, rows, constants, genders=genders)  # the counts go with the rows
    names = [*names, *extra_names]
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    target = preparer.format_table(table)
    if dialect.name == "postgresql":
        quoted = ", ".join(preparer.quote(n) for n in [*names, *constants])
        raw = connection.connection.dbapi_connection
        tail = [_copy_texts((value,)) for value in constants.values()]
        end = "".join("\t" + t[0] for t in tail if t is not None) + "\n"
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            # A piece at a time: the texts of all 100k rows' columns at once took about 20 MiB more at the peak.
            for start in range(0, len(rows), _COPY_ROWS):
                stop = start + _COPY_ROWS
                piece = [*zip(*rows[start:stop], strict=False), *(e[start:stop] for e in extra)]
                texts = [_copy_texts(column) for column in piece]
                if any(t is None for t in texts + tail):  # a type the text path does not write: psycopg adapts each row
                    for row in zip(*piece, strict=True):
                        copy.write_row((*row, *constants.values()))
                    continue
                copy.write(end.join(map("\t".join, zip(*texts, strict=True))) + end)
        return
    literals = [_sqlite_literal(table, name, value, dialect) for name, value in constants.items()]
    columns: list[Sequence] | None = None
    if any(literal is None for literal in literals):  # not writable as a literal: bind it in every row
        columns = [*zip(*rows, strict=False), *extra, *([v] * len(rows) for v in constants.values())]
        names, constants, literals = [*names, *constants], {}, []
    processors = [(i, p) for i, n in enumerate(names) if (p := table.columns[n].type._cached_bind_processor(dialect))]
    values: list[Sequence] = rows
    if processors or extra or columns is not None:
        # Process each distinct value once, column by column, and rebuild the rows in C (zip) rather than assigning
        # cell by cell.
        columns = columns or [*zip(*rows, strict=False), *extra]
        for index, processor in processors:
            columns[index] = _each_distinct(columns[index], processor, None)
        values = list(zip(*columns, strict=True))
    quoted = ", ".join(preparer.quote(n) for n in [*names, *constants])
    placeholders = ", ".join(["?"] * len(names) + literals)
    # Straight to the driver's cursor: exec_driver_sql would check every row's shape again.
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {target} ({quoted}) VALUES ({placeholders})", values)
    finally:
        cursor.close()


def _derived(table: Table, names: Sequence[str], rows: list[Sequence],
             constants: dict[str, Any]) -> tuple[list[str], list[list]]:
    """Return the names and values (a list per column) of the columns derived from another one
    (`Column.info["derived"]`: (source, function), such as a name's `text.name_order`) that the rows do not give,
    each distinct source value computed once; a derived constant is added to `constants`."""
    extra_names: list[str] = []
    extra: list[list] = []
    for column in table.columns:
        source, compute = column.info.get("derived", (None, None))
        if source is None or column.name in names or column.name in constants:
            continue
        if source in constants:
            constants[column.name] = compute(constants[source])
        elif source in names:
            found: dict[Any, Any] = {}
            values = list(map(operator.itemgetter(list(names).index(source)), rows))
            extra_names.append(column.name)
            extra.append([found[v] if v in found else found.setdefault(v, compute(v)) for v in values])
    return extra_names, extra


def _sqlite_literal(table: Table, name: str, value: Any, dialect: Any) -> str | None:
    """Return a column's value, processed as a bound value would be, as an SQLite literal; None when not text,
    integer or NULL (SQLite applies the column's affinity to a literal exactly as to a bound value)."""
    processor = table.columns[name].type._cached_bind_processor(dialect)
    if processor is not None and value is not None:
        value = processor(value)
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None
