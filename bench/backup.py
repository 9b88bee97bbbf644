"""Benchmark: `python -m tdkt backup` and `restore` of the demo database and of larger ones, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/backup.py [--rows 100000,300000] [--postgres URL | --no-postgres]
It builds the demo database, then copies of it grown to each --rows total (its nominations repeated), and for each
runs the real commands in a child process: backup from SQLite, restore into a new SQLite file, restore into a new
PostgreSQL database, backup from that PostgreSQL database. Per run it prints the wall time, the child's peak resident
memory (wait4's ru_maxrss) and the backup's size. Streamed reading and writing show as a peak that stays flat while
the rows grow. Without --postgres it starts Debian's PostgreSQL as the tests do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tdkt.core import tally  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.config import Settings  # noqa: E402
from tdkt.seeding import demo  # noqa: E402
from tests.conftest import SECRET, PostgresServer, _start_postgres  # noqa: E402 -- the tests' own server

COPIED = ("year", "target", "person_id", "collective_name", "unit_id", "award_id", "category", "achievements",
          "status", "received_on", "votes_for", "council_members", "submitted_on", "decision_number", "decision_date",
          "decision_authority", "created_at", "position", "unit_text")


def total_rows(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = [n for n in sa.inspect(connection).get_table_names() if n != "alembic_version"]
        total = sum(connection.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one() for n in names)
    engine.dispose()
    return total


def grow(source: Path, target: Path, rows: int) -> int:
    """Copy the demo database and repeat its nominations until the database holds `rows` rows; return the total."""
    shutil.copy(source, target)
    engine = sa.create_engine(f"sqlite:///{target}")
    columns = ", ".join(COPIED)
    while (have := total_rows(f"sqlite:///{target}")) < rows:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"INSERT INTO nomination ({columns}) SELECT {columns} FROM nomination "
                                       f"LIMIT {rows - have}")
    with engine.begin() as connection:
        tally.rebuild(connection)  # the raw SQL above went past the tallies' hooks
    engine.dispose()
    return total_rows(f"sqlite:///{target}")


def command(args: list[str], url: str, files: Path) -> tuple[float, float]:
    """Run one `python -m tdkt` command; return its wall time (s) and its peak resident memory (MiB)."""
    env = {**os.environ, "TDKT_DATABASE_URL": url, "TDKT_SECRET_KEY": SECRET, "TDKT_FILE_STORE": str(files)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "tdkt", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    out, err = child.stdout.read().decode(), child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(label: str, database: Path, work: Path, server: PostgresServer | None) -> None:
    rows = total_rows(f"sqlite:///{database}")
    saved = work / f"{database.stem}.zip"
    saved.unlink(missing_ok=True)
    results = [("backup SQLite", *command(["backup", str(saved)], f"sqlite:///{database}", work / "files"))]
    size = saved.stat().st_size / (1 << 20)
    target = work / f"{database.stem}-restored.db"
    results.append(("restore → SQLite", *command(["restore", str(saved)], f"sqlite:///{target}", work / "files2")))
    if server is not None:
        url = server.new_database(seeded=False)
        results.append(("restore → PostgreSQL", *command(["restore", str(saved)], url, work / "files3")))
        again = work / f"{database.stem}-pg.zip"
        again.unlink(missing_ok=True)
        results.append(("backup PostgreSQL", *command(["backup", str(again)], url, work / "files3")))
        server.drop(url)
    print(f"{label}: {rows:,} rows, backup {size:.1f} MiB", flush=True)
    for name, seconds, peak in results:
        print(f"  {name:<22} {seconds:6.2f} s   peak {peak:6.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="100000,300000", help="totals of rows to grow the demo to, comma-separated")
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL server database to use")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tdkt-bench-backup-"))
    server = None if args.no_postgres else PostgresServer(args.postgres) if args.postgres else _start_postgres()
    try:
        source = work / "demo.db"
        demo.build(source, settings=replace(Settings(), database_url=f"sqlite:///{source}", secret_key=SECRET,
                                            file_store=str(work / "files")))
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        measure("demo", source, work, server)
        for rows in (int(r) for r in args.rows.split(",") if r):
            grown = work / f"demo-{rows}.db"
            grow(source, grown, rows)
            measure(f"demo grown to {rows:,}", grown, work, server)
    finally:
        if server is not None:
            server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
