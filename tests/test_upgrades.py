"""Upgrades keep data: one database per engine walks the migrations from the first to the newest, taking rows in every
table at each revision (plain SQL on the tables as that revision has them); after each step every row put in before is
still there with its values, a column the step added holds its default on the old rows, and what a migration says it
changes in old rows (the audit chain of 0008, the titles of 0009, the tallies of 0012) is so."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from tdkt.core import audit_chain, backup_tables
from tdkt.core.db import MIGRATIONS, make_engine, read_session, schema_transaction
from tdkt.core.honorifics import split_title
from tdkt.core.text import collective_order, fold, name_order

CONFIG = Config()
CONFIG.set_main_option("script_location", str(MIGRATIONS))
REVISIONS = [r.revision for r in reversed(list(ScriptDirectory.from_config(CONFIG).walk_revisions()))]
# One row each, put in by their migration and moved by the app, never by a list of rows.
OWN_ROWS = {"audit_chain_head", "data_version"}
# Counts kept from other tables ("…_tally"): filled by 0012 from the nominations already there (checked against
# them), then by the rows of later revisions.
TALLY = "_tally"
# Columns a migration fills in old rows, with what it puts there (checked below), instead of a default.
FILLED = {("audit_log", "seq"), ("audit_log", "prev_hash"), ("audit_log", "hash"), ("person", "title"),
          ("person", "name_order"), ("nomination", "name_order")}
NAMES = ["Đại tá Nguyễn Văn An", "Trần Thị Bình"]  # 0009 splits the first one's rank off, leaves the second


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nang_cap.db'}"
    else:
        url = request.getfixturevalue("pg_server").new_database(seeded=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def upgrade(engine: sa.Engine, revision: str) -> list[sa.Table]:
    with schema_transaction(engine) as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    with engine.connect() as connection:
        return backup_tables.reflect(connection)


class Filler:
    """Rows of every kind of column, distinct where a unique key asks, referring to rows already in."""

    def __init__(self) -> None:
        self.counter = itertools.count(1000)
        self.ids: dict[str, list] = {}  # table → ids in, for foreign keys to pick from

    def value(self, table: sa.Table, column: sa.Column, n: int, index: int):
        foreign = next(iter(column.foreign_keys), None)
        if foreign is not None:
            # The parents put in at this revision, one each: pairs of them (unique keys) never repeat.
            choices = self.ids.get(foreign.column.table.name, [])
            return choices[-1 - index % len(choices)] if choices else None
        kind = column.type
        if isinstance(kind, sa.Boolean):
            return n % 2 == 0
        if isinstance(kind, sa.Integer):
            return n
        if isinstance(kind, sa.Float):
            return n + 0.1
        if isinstance(kind, sa.DateTime):
            return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=n, microseconds=n)
        if isinstance(kind, sa.Date):
            return date(2000, 1, 1) + timedelta(days=n)
        text = f"{n} {table.name}.{column.name} – ư"
        return text[:kind.length] if getattr(kind, "length", None) else text

    def row(self, table: sa.Table, index: int) -> dict:
        n = next(self.counter)
        row = {c.name: self.value(table, c, n, index) for c in table.columns}
        if table.name == "person":
            row.update(full_name=NAMES[index % 2], name_key=fold(NAMES[index % 2]))
        if table.name == "nomination":  # what 0012 counts: one decided, one not; a category and none
            row.update(status=("co_quyet_dinh", "de_nghi")[index % 2], target="ca_nhan",
                       category=(None, "Cán bộ")[index % 2], decision_date=date(2024, 5, 1 + index % 2))
        return row


def fill(engine: sa.Engine, tables: list[sa.Table], filler: Filler, expected: dict) -> None:
    """Two rows in every table (audit entries chained once the chain exists), as SQL valid at this revision."""
    with engine.begin() as connection:
        for table in tables:
            if table.name in OWN_ROWS:
                continue
            rows = [filler.row(table, index) for index in range(2)]
            if table.name == "audit_log" and "hash" in table.columns:
                chain(connection, table, rows)
            connection.execute(table.insert(), rows)
            keys = [c.name for c in table.primary_key.columns]
            filler.ids.setdefault(table.name, []).extend(r[keys[0]] for r in rows)
            for r in rows:
                expected.setdefault(table.name, {})[tuple(r[k] for k in keys)] = dict(r)


def chain(connection, table: sa.Table, rows: list[dict]) -> None:
    """Give audit entries their place in the chain as the app does, and move the head past them."""
    head = connection.execute(sa.text("SELECT seq, hash FROM audit_chain_head WHERE id = 1")).one()
    seq, prev = head.seq, head.hash
    for row in rows:
        seq += 1
        row.update(seq=seq, prev_hash=prev)
        row["hash"] = prev = audit_chain.entry_hash(SimpleNamespace(**row), prev)
    connection.execute(sa.text("UPDATE audit_chain_head SET seq = :seq, hash = :hash, entry_id = :id WHERE id = 1"),
                       {"seq": seq, "hash": prev, "id": rows[-1]["id"]})


def stored(engine: sa.Engine, tables: list[sa.Table]) -> dict:
    def plain(value):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)) if isinstance(value, datetime) else value

    found = {}
    with engine.connect() as connection:
        for table in tables:
            keys = [c.name for c in table.primary_key.columns]
            found[table.name] = {tuple(r[k] for k in keys): {c: plain(v) for c, v in r.items()}
                                 for r in (row._mapping for row in connection.execute(sa.select(table)))}
    return found


def default_of(column: sa.Column):
    """The value a column added with a server default gives the rows already there (None without one)."""
    if column.server_default is None:
        return None
    text = str(column.server_default.arg).split("::")[0].strip("'")
    return int(text) if text.lstrip("-").isdigit() else text


def check(engine: sa.Engine, tables: list[sa.Table], expected: dict, before: dict[str, set[str]],
          revision: str) -> None:
    """Every row put in is there; new columns hold their default; what the migration fills is as it says."""
    now = stored(engine, tables)
    by_name = {t.name: t for t in tables}
    for name, rows in expected.items():
        assert name in now, f"{revision}: bảng {name} mất"
        added = set(by_name[name].columns.keys()) - before.get(name, set())
        for key, row in rows.items():
            assert key in now[name], f"{revision}: mất dòng {key} của bảng {name}"
            got = now[name][key]
            for column in added:
                row[column] = got[column] if (name, column) in FILLED else default_of(by_name[name].columns[column])
            if name == "person" and "title" in added:  # 0009: the rank off the name
                title, bare = split_title(row["full_name"])
                if title is not None:
                    row.update(title=title, full_name=bare, name_key=fold(bare))
            if name == "nomination" and revision == "0020":  # collectives' and households' names: as written
                assert row["name_order"] != collective_order(row["collective_name"])
                row["name_order"] = collective_order(row["collective_name"])
            assert got == row, f"{revision}: dòng {key} của bảng {name} đổi"
        if not name.endswith(TALLY):
            assert set(now[name]) == set(rows), f"{revision}: bảng {name} có dòng lạ"
    if revision == "0008" and expected.get("audit_log"):  # the entries already there chained in the order of their ids
        entries = sorted(expected["audit_log"].values(), key=lambda r: r["id"])
        assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    if revision == "0009":
        assert {(r["title"], r["full_name"]) for r in expected["person"].values()} == {
            ("Đại tá", "Nguyễn Văn An"), (None, "Trần Thị Bình")}
    if revision == "0019":  # the names' sort keys (text.name_order) beside them
        for table, source in (("person", "full_name"), ("nomination", "collective_name")):
            assert [r["name_order"] for r in expected[table].values()] == [
                name_order(r[source]) for r in expected[table].values()]
            assert any(r["name_order"] for r in expected[table].values())
    if revision == "0012":  # counted from the nominations already there
        counts = Counter((r["year"], r["award_id"], r["target"], r["category"] or "", r["status"])
                         for r in expected["nomination"].values())
        tally = {(v["year"], v["award_id"], v["target"], v["category"], v["status"]): v["n"]
                 for v in now["nomination_tally"].values()}
        assert tally == dict(counts)
        for name in now:
            if name.endswith(TALLY):
                expected[name] = dict(now[name])


def test_rows_put_in_at_every_earlier_revision_are_all_there_at_the_newest(empty):
    filler, expected, before = Filler(), {}, {}
    for revision in REVISIONS:
        tables = upgrade(empty, revision)
        check(empty, tables, expected, before, revision)
        if revision != REVISIONS[-1]:
            fill(empty, tables, filler, expected)
        before = {t.name: set(t.columns.keys()) for t in tables}
    assert len(REVISIONS) >= 12 and REVISIONS[0] == "0001"
    assert sum(len(rows) for rows in expected.values()) > 400
    with read_session(empty) as session:  # the entries of every revision, old and chained, make one whole chain
        state = audit_chain.verify(session)
    assert (state.ok, state.entries) == (True, 2 * (len(REVISIONS) - 1))
