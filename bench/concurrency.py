"""Benchmark: two `python -m tdkt import` processes at once, and a SIGKILL in the middle of an import.

Run: .venv/bin/python bench/concurrency.py [--rounds 20] [--rows 2000] [--shared 500] [--kill-rows 100000]
                                           [--postgres URL | --no-postgres] [--no-sqlite] [--tree PATH]
Without --postgres it starts Debian's PostgreSQL as the tests do. Each round gets a fresh seeded database and starts
two imports at the same moment, either of the same list, or of two lists that share --shared new people (with
different awards, so no row repeats). After each round it counts people, nominations and batches against what one
import of each would write. Per database and case it prints: rounds, rounds with duplicates, duplicate people and
nominations, refusals seen ("đã được nhập": exit 1 with the repeated-file warning), exit codes, "database is locked"
seen, and the time of a round. Then it starts an import of --kill-rows rows, kills it with SIGKILL once its rows are
being written (SQLite: its WAL file passed 1 MiB; PostgreSQL: its COPY runs), and prints what is left of it and the
database's check. --tree runs the `tdkt` of another checkout (e.g. `git archive HEAD` unpacked), to measure before a
change.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tdkt.core.config import Settings  # noqa: E402 -- needs ROOT on sys.path
from tdkt.seeding.seed import bootstrap  # noqa: E402 -- needs ROOT on sys.path
from tests import concurrency_support as support  # noqa: E402 -- needs ROOT on sys.path
from tests.conftest import SECRET, PostgresServer, _start_postgres, wait_for  # noqa: E402 -- the tests' own


@dataclass
class Tally:
    """What the rounds of one case on one database gave."""

    rounds: int = 0
    dirty: int = 0  # rounds with a person or nomination written twice, or a row missing
    duplicate_people: int = 0
    duplicate_nominations: int = 0
    missing: int = 0
    refusals: int = 0
    locked: int = 0
    codes: collections.Counter = field(default_factory=collections.Counter)
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # what a run that was not refused as a repeat said

    def line(self, label: str) -> str:
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(self.codes.items()))
        return (f"{label:<38} {self.rounds} rounds, {self.dirty} with duplicates or losses ({self.duplicate_people} "
                f"people, {self.duplicate_nominations} nominations twice, {self.missing} rows missing), "
                f"{self.refusals} refusals “đã được nhập”, exit codes {{{codes}}}, “database is locked” "
                f"{self.locked}×, {statistics.median(self.seconds):.2f} s a round (median)"
                + "".join(f"\n    failed: {text}" for text in self.failures[:5]))


def _round(url: str, paths: list[Path], logs: Path, expected: dict[str, int], tally: Tally) -> None:
    """Run one import per path at once on a fresh database; add what it gave to the tally."""
    engine = sa.create_engine(url)
    before = support.counts(engine)
    start = time.perf_counter()
    runs = [(support.start_import(url, path, logs / f"run{i}"), logs / f"run{i}") for i, path in enumerate(paths)]
    outcomes = [support.finish(run, log, timeout=300) for run, log in runs]
    tally.seconds.append(time.perf_counter() - start)
    after = support.counts(engine)
    engine.dispose()
    grown = {k: after[k] - before[k] for k in after}
    tally.rounds += 1
    tally.duplicate_people += grown["duplicate_people"]
    tally.duplicate_nominations += grown["duplicate_nominations"]
    tally.missing += max(0, expected["nominations"] - grown["nominations"])
    tally.dirty += grown != expected
    tally.refusals += sum(o.code == 1 and "repeated_file" in o.codes for o in outcomes)
    tally.locked += sum("database is locked" in o.text for o in outcomes)
    tally.codes.update(o.code for o in outcomes)
    for o in outcomes:
        if o.code and "repeated_file" not in o.codes:
            problems = o.report.get("errors", [])[:2]
            tally.failures.append(f"exit {o.code}: " + ("; ".join(f"{p['code']} {p['message']}" for p in problems)
                                                        if problems else o.text[-600:]))


def run_rounds(label: str, fresh, lists: dict[str, Path], args, work: Path) -> None:
    """Print the figures of both cases on one database; `fresh` returns the URL of a new seeded database."""
    rows, shared = args.rows, args.shared
    cases = {
        "same list twice": ([lists["a"], lists["a"]], {"people": rows, "nominations": rows, "batches": 1}),
        "two lists sharing people": ([lists["a"], lists["b"]],
                                     {"people": 2 * rows - shared, "nominations": 2 * rows, "batches": 2}),
    }
    for case, (paths, expected) in cases.items() if args.rounds else ():
        tally = Tally()
        for _ in range(args.rounds):
            _round(fresh(), paths, work, expected | {"duplicate_people": 0, "duplicate_nominations": 0}, tally)
        print(tally.line(f"{label}, {case}:"), flush=True)


def _writing(url: str, engine: sa.Engine) -> bool:
    """True once an import writes its rows: SQLite spills them to the WAL file, PostgreSQL runs its COPY."""
    if engine.dialect.name == "sqlite":
        wal = Path(f"{sa.engine.make_url(url).database}-wal")
        return wal.exists() and wal.stat().st_size > 1 << 20
    with engine.connect() as connection:
        return bool(connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
            "AND query LIKE 'COPY%%'").scalar_one())


def _left(engine: sa.Engine, sql: str) -> list:
    """Run one query in a transaction of its own: pg_stat_activity holds still for the length of a transaction."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(sql).all()


def _soundness(engine: sa.Engine) -> str:
    """Return the database's own check after the kill: SQLite's integrity and foreign keys, PostgreSQL's leftovers."""
    if engine.dialect.name == "sqlite":
        integrity = _left(engine, "PRAGMA integrity_check")[0][0]
        return f"integrity_check {integrity}, {len(_left(engine, 'PRAGMA foreign_key_check'))} foreign keys broken"
    others = ("SELECT pid, state, left(query, 40) FROM pg_stat_activity WHERE datname = current_database() "
              "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")  # not autovacuum, which may run
    start = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        wait_for(lambda: not _left(engine, others), timeout=60, interval=0.1)
    left = _left(engine, others)
    locks = _left(engine, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0][0]
    gone = f"still there after 60 s: {left}" if left else f"gone after {time.perf_counter() - start:.1f} s"
    return f"the killed session is {gone}, {locks} advisory locks held"


def kill_mid_import(label: str, url: str, path: Path, work: Path) -> None:
    """Kill an import once its rows are being written; print what is left of it and the database's check."""
    engine = sa.create_engine(url)
    before = support.counts(engine)
    start = time.perf_counter()
    run = support.start_import(url, path, work / "killed")
    wait_for(lambda: run.poll() is not None or _writing(url, engine), timeout=600, interval=0.01)
    if run.poll() is not None:
        print(f"{label}, kill: the import ended (exit {run.returncode}) before its write could be killed")
        return
    killed_at = time.perf_counter() - start
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    sound = _soundness(engine)
    left = {k: v - before[k] for k, v in support.counts(engine).items() if v != before[k]}
    engine.dispose()
    print(f"{label + ', SIGKILL mid-import:':<38} killed {killed_at:.1f} s after the start, while writing; rows left: "
          f"{left or 'none'}; {sound}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rows", type=int, default=2000, help="rows of each list")
    parser.add_argument("--shared", type=int, default=500, help="new people the two lists share")
    parser.add_argument("--kill-rows", type=int, default=100_000, help="rows of the list killed mid-import (0: none)")
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL server database to use")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--tree", type=Path, default=None, help="run the tdkt of this checkout instead")
    args = parser.parse_args()
    if args.tree:
        support.ROOT = args.tree.resolve()
    work = Path(tempfile.mkdtemp(prefix="tdkt-bench-concurrency-"))
    lists = support.write_lists(work, rows=args.rows, shared=args.shared)
    big = work / "ds_lon.xlsx"
    if args.kill_rows:
        big.write_bytes(support.nomination_list([(*support.person("Quốc", i), support.LIST_AWARD)
                                                 for i in range(args.kill_rows)]))
    template = work / "template.db"
    engine, _ = bootstrap(replace(Settings(), database_url=f"sqlite:///{template}", secret_key=SECRET))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    counter = iter(range(1_000_000))

    def fresh_sqlite() -> str:
        target = work / f"r{next(counter)}.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"

    print(f"{args.rows} rows a list, {args.shared} people shared, on {os.cpu_count()} cores", flush=True)
    if not args.no_sqlite:
        run_rounds("SQLite", fresh_sqlite, lists, args, work)
        if args.kill_rows:
            kill_mid_import("SQLite", fresh_sqlite(), big, work)
    if not args.no_postgres:
        server = PostgresServer(args.postgres) if args.postgres else _start_postgres()
        try:
            run_rounds("PostgreSQL", server.new_database, lists, args, work)
            if args.kill_rows:
                kill_mid_import("PostgreSQL", server.new_database(), big, work)
        finally:
            server.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
