"""Benchmark: the statistics pages' full script runs (AppTest) against the bare SQL they issue, at 1M nominations.

Run: .venv/bin/python bench/pages.py [--nominations 1000000] [--repeat 5] [--postgres URL | --no-postgres] [--rebuild]
Fills a database with --nominations nominations over --years years (ending 2024, the seeded plan's year), --units
units and --persons persons, and caches it under $TMPDIR/tdkt-bench-pages/ keyed by those numbers (SQLite file;
PostgreSQL data directory of Debian's server, started like the tests do); a cached database is brought to the newest
migration before measuring, so a new index does not need a new fill; --rebuild builds anew.
For each page (Tổng quan, Thống kê khen thưởng, Sơ kết/Tổng kết, Hồ sơ đề nghị) it records every SELECT the page's first
view sends to the database (before_cursor_execute), then prints, after one warm-up, the median of --repeat first views
(the read cache and the charts of this process dropped before each: what a view costs after any write, target ≤ 1 s), of
as many repeat views (the same view again, served from the cache of this data version: target ≤ 0.1 s) and of
re-executing exactly the first view's statements with their parameters through SQLAlchemy Core, fetching every row (the
bare-SQL baseline, also after one untimed pass; the three alternate), the ratio of first view to bare SQL and the most
rows any one statement returned (no page may read every nomination into pandas).
AppTest's script runs share one compiled script cache, as the server's runs do (AppTest alone compiles app.py and
the page anew at every run). Each page is measured as a leadership user opens it: year 2024, every widget at its
default (on Thống kê khen thưởng the toggle that judges every nomination against the law, "stats_rules", stays off,
as it is by default).
--statements also prints each recorded statement's time and rows (one pass), slowest first.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file's own folder goes off the path: its name would hide the app's pages/ package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from tdkt.awards import categories  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.config import Settings  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.db import bulk_insert, create_schema, make_engine  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.models import NominationStatus, Role, Target, UnitKind  # noqa: E402 -- needs ROOT on sys.path
from tdkt.seeding.seed import bootstrap  # noqa: E402 -- needs ROOT on sys.path

SECRET = "bench-secret-key-0123456789abcdef"
APP = str(ROOT / "app.py")
LAST_YEAR = 2024  # the seeded plan's year: the pages open on it
PAGES = {"Tổng quan": "pages/tong_quan.py", "Thống kê khen thưởng": "pages/thong_ke.py",
         "Sơ kết/Tổng kết": "pages/so_ket.py", "Hồ sơ đề nghị": "pages/ho_so.py"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Đặng", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Trang"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Nhân viên", "Phó Trưởng phòng", "Trưởng phòng"]
COLLECTIVES = ["Tổ Tổng hợp", "Đội Quản lý thị trường số {}", "Phòng Kế hoạch", "Trạm Khuyến công {}",
               "Công ty Điện lực {}", "Trung tâm Xúc tiến {}"]
STATUSES = [(NominationStatus.DE_NGHI, 15), (NominationStatus.HOI_DONG, 10), (NominationStatus.DA_TRINH, 10),
            (NominationStatus.CO_QUYET_DINH, 55), (NominationStatus.KHONG_DUYET, 10)]
CHUNK = 100_000
FIRST_VIEW, REPEAT_VIEW = 1.0, 0.1  # issue #20's targets at 1M nominations (seconds)


def cache_key(args) -> str:
    text = f"n{args.nominations}-p{args.persons}-u{args.units}-y{args.years}-s{args.seed}"
    return f"{text}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def upgrade(url: str) -> None:
    """Bring a cached database to the newest migration (as the app does when it opens one), outside the timing."""
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def fill(url: str, args) -> None:
    """Migrate and seed the database at url, then add the units, persons and nominations (driver-speed inserts)."""
    started = time.perf_counter()
    engine, _ = bootstrap(replace(Settings(), database_url=url, secret_key=SECRET))
    rng = random.Random(args.seed)
    with engine.begin() as conn:
        conn.execute(sa.update(_table("app_user")).values(must_change_password=False))
        existing = conn.execute(sa.select(sa.func.count()).select_from(_table("unit"))).scalar_one()
        kinds = [UnitKind.PHONG.value, UnitKind.TRUC_THUOC.value, UnitKind.DOAN_THE.value]
        bulk_insert(conn, _table("unit"), [
            {"name": f"Đơn vị thử nghiệm {i:05d}", "short_name": f"DV{i:05d}", "kind": rng.choice(kinds),
             "position": 1000 + i, "active": True} for i in range(args.units - existing)])
        units = [r[0] for r in conn.execute(sa.select(_table("unit").c.id))]
        awards = conn.execute(sa.select(_table("award").c.id, _table("award").c.targets,
                                        _table("award").c.is_common)).all()
        by_target = {t.value: [(i, 20 if common else 1) for i, targets, common in awards
                               if t.value in targets.split(",")]
                     for t in Target}
        # Persons with explicit ids 1..P so nominations can point at them without reading them back.
        individual = [c[0] for c in categories.INDIVIDUAL]
        first_person = 1 + (conn.execute(sa.select(sa.func.max(_table("person").c.id))).scalar() or 0)
        for start in range(0, args.persons, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, args.persons)):
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i}"
                rows.append({"id": first_person + i, "full_name": name, "name_key": name.lower(),
                             "gender": rng.choice(("Nam", "Nữ")), "birth_year": rng.randint(1965, 2000),
                             "position": rng.choice(POSITIONS), "unit_id": rng.choice(units),
                             "category": rng.choice(individual)})
            bulk_insert(conn, _table("person"), rows)
        first_year = LAST_YEAR - args.years + 1
        status_values = [s.value for s, _ in STATUSES]
        status_weights = [w for _, w in STATUSES]
        target_values = [Target.CA_NHAN.value] * 85 + [Target.TAP_THE.value] * 14 + [Target.HO_GIA_DINH.value]
        award_ids = {t: [i for i, _ in v] for t, v in by_target.items()}
        award_weights = {t: [w for _, w in v] for t, v in by_target.items()}
        collective_categories = [c[0] for c in categories.COLLECTIVE]
        created = datetime(LAST_YEAR, 12, 31, tzinfo=UTC)
        for start in range(0, args.nominations, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, args.nominations)):
                year = first_year + i % args.years
                target = rng.choice(target_values)
                status = rng.choices(status_values, status_weights)[0]
                received = date(year, 1, 1) + timedelta(days=rng.randrange(365))
                decided = status == NominationStatus.CO_QUYET_DINH.value
                person = target == Target.CA_NHAN.value
                rows.append({
                    "year": year, "target": target,
                    "person_id": first_person + rng.randrange(args.persons) if person else None,
                    "collective_name": None if person else rng.choice(COLLECTIVES).format(i % 50),
                    "unit_id": rng.choice(units),
                    "award_id": rng.choices(award_ids[target], award_weights[target])[0],
                    "category": (rng.choice(individual) if person else rng.choice(collective_categories)
                                 if target == Target.TAP_THE.value else categories.HOUSEHOLD[0]),
                    "status": status, "received_on": received,
                    "decision_number": f"{i % 900 + 1}/QĐ-SCT" if decided else None,
                    "decision_date": received + timedelta(days=rng.randrange(20, 120)) if decided else None,
                    "decision_authority": "Giám đốc Sở Công Thương" if decided else None,
                    "created_at": created,
                })
            bulk_insert(conn, _table("nomination"), rows)
            print(f"  … {start + len(rows):,} nominations", file=sys.stderr, flush=True)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person))")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # autovacuum would analyse the freshly loaded tables within a minute anyway; do it now, deterministically.
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    print(f"  filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def sqlite_database(args, cache: Path) -> str:
    path = cache / f"{cache_key(args)}.db"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        print(f"Building {path} …", file=sys.stderr)
        partial = path.with_suffix(".partial.db")
        partial.unlink(missing_ok=True)
        fill(f"sqlite:///{partial}", args)
        partial.rename(path)
    return f"sqlite:///{path}"


class CachedPostgres:
    """Debian's PostgreSQL on a data directory kept in the cache (started like tests/conftest.py, not deleted)."""

    def __init__(self, workdir: Path) -> None:
        from conftest import _pg_bindir, free_port  # the tests' own helpers

        self.bindir, self.workdir, self.port = _pg_bindir(), workdir, free_port()
        self.as_root = os.geteuid() == 0
        fresh = not (workdir / "data").exists()
        workdir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(workdir, "postgres", "postgres")
        if fresh:
            self._run("initdb", "-D", f"{workdir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
        self._run("pg_ctl", "-D", f"{workdir}/data", "-l", f"{workdir}/log", "-w", "-o",
                  f"-p {self.port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                  "start")
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *cmd: str) -> None:
        full = [str(self.bindir / tool), *cmd]
        subprocess.run((["runuser", "-u", "postgres", "--"] if self.as_root else []) + full, check=True,
                       capture_output=True)

    def close(self) -> None:
        self._run("pg_ctl", "-D", f"{self.workdir}/data", "-m", "fast", "-w", "stop")


def postgres_database(args, admin_url: str) -> str:
    name = "bench_" + cache_key(args).replace("-", "_").lower()
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name}).first()
        if exists and args.rebuild:
            conn.exec_driver_sql(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            print(f"Building PostgreSQL database {name} …", file=sys.stderr)
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_partial"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}_partial"')
            fill(url.replace(name, f"{name}_partial"), args)
            conn.exec_driver_sql(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"')
    admin.dispose()
    return url


class Recorder:
    """Collects the SELECT statements (with their parameters) that any engine sends while switched on."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, object]] = []
        sa.event.listen(sa.Engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, parameters))


class Clock:
    """Wall time and this process's CPU time (every thread: AppTest runs the page in one) of a block, in seconds.

    On the shared machine other processes stretch the wall time (5–6× under a load of 10 on 2 cores, bench/pages.py's
    own bare SQL went from 2.7 to 17.7 s between two runs), not the CPU time this process spends; PostgreSQL's server
    works in processes of its own, so its share shows in the wall time only."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def verdict(clock: Clock, target: float) -> str:
    """Say whether a median is within its target, by wall time and by CPU time."""
    return (f"≤ {target} s: wall {'ok' if clock.wall <= target else 'OVER'}, "
            f"CPU {'ok' if clock.cpu <= target else 'OVER'}")


def bare(engine: sa.Engine, statements: list[tuple[str, object]]) -> tuple[Clock, int]:
    """Time re-executing the statements in one connection, fetching every row; return (its clock, most rows of one)."""
    gc.collect()
    most = 0
    with Clock() as clock, engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(statement, parameters).all()
            most = max(most, len(rows))
    return clock, most


def explain(engine: sa.Engine, statements: list[tuple[str, object]]) -> None:
    """Print each statement's time and rows (one pass), slowest first."""
    found = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            start = time.perf_counter()
            rows = len(conn.exec_driver_sql(statement, parameters).all())
            found.append((time.perf_counter() - start, rows, " ".join(statement.split())))
    for seconds, rows, text in sorted(found, reverse=True):
        print(f"    {seconds:6.3f} s {rows:>8,} rows  {text[:160]}")


def forget() -> None:
    """Drop what this process keeps between runs: read results (per data version) and the charts built."""
    from pages import _cache as page_cache  # the module the pages import, so the cache they fill
    from tdkt.core import read_cache

    read_cache.clear()
    page_cache.chart.clear()


def share_script_cache() -> None:
    """Have AppTest compile app.py and the page once, as the server does (one ScriptCache per process), not anew on
    every run: at 1M nominations that took 16 ms CPU of app.py and up to 10 of a page at every run (Tài khoản's
    repeat view 20 → 6 ms CPU), and under load 0.1 s wall, which no user waits for."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    one = ScriptCache()
    app_test.ScriptCache = local_runner.ScriptCache = lambda: one


def run(label: str, url: str, repeat: int, recorder: Recorder, only: list[str], show: bool) -> list[tuple]:
    from streamlit import logger as streamlit_logger
    from streamlit.testing.v1 import AppTest

    share_script_cache()

    upgrade(url)
    os.environ["TDKT_DATABASE_URL"] = url
    os.environ["TDKT_SECRET_KEY"] = SECRET
    engine = make_engine(url)
    with engine.connect() as conn:
        user_id = conn.execute(sa.select(_table("app_user").c.id).where(
            _table("app_user").c.role == Role.LANH_DAO.value)).scalar_one()
        total = conn.execute(sa.select(sa.func.count()).select_from(_table("nomination"))).scalar_one()
    engine.dispose()
    print(f"{label}: {total:,} nominations")
    results = []
    for title, page in PAGES.items():
        if only and not any(o in page for o in only):
            continue
        # AppTest's bare-mode warnings ("missing ScriptRunContext") would bury the figures; a run resets the level.
        streamlit_logger.set_log_level("error")
        at = AppTest.from_file(APP, default_timeout=600)
        at.session_state["user_id"] = user_id
        at.session_state["year"] = LAST_YEAR
        at.switch_page(page)
        at.run()  # warm-up: opens the engine, imports, first run
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
        forget()
        recorder.statements.clear()
        recorder.on = True
        at.run()
        recorder.on = False
        statements = list(recorder.statements)
        # The bare statements get one untimed pass too (the page is timed warm: its pooled connection and the
        # database's caches have seen them), then first views, repeat views and bare passes alternate, so a load on
        # the shared machine falls on all three.
        baseline = make_engine(url)
        _, most = bare(baseline, statements)
        firsts, repeats, bases = [], [], []
        for _ in range(repeat):
            forget()  # a first view: nothing read or drawn in this process is kept (as after any write)
            gc.collect()
            with Clock() as first:
                at.run()
            with Clock() as again:
                at.run()  # the same view again: its reads and charts are cached for this data version
            firsts.append(first)
            repeats.append(again)
            bases.append(bare(baseline, statements)[0])
        assert not at.exception, at.exception
        f, r, b = (Clock.__new__(Clock) for _ in range(3))
        for clock, runs in ((f, firsts), (r, repeats), (b, bases)):
            clock.wall, clock.cpu = statistics.median(c.wall for c in runs), statistics.median(c.cpu for c in runs)
        results.append((label, title, f, r, b, len(statements), most))
        print(f"{label:<10} {title:<22} first view {f.wall:5.2f} s, CPU {f.cpu:5.2f} s ({verdict(f, FIRST_VIEW)}); "
              f"repeat {r.wall:5.3f} s, CPU {r.cpu:5.3f} s ({verdict(r, REPEAT_VIEW)}); bare SQL {b.wall:5.2f} s, "
              f"CPU {b.cpu:5.2f} s ({len(statements)} queries); ratio {f.wall / b.wall:4.2f}x; most rows of one "
              f"query {most:,}", flush=True)
        if show:
            explain(baseline, statements)
        baseline.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nominations", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", default="", help="comma-separated parts of page file names, e.g. thong_ke")
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases anew")
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL server's admin database to use")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--statements", action="store_true", help="print each statement's time and rows")
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "tdkt-bench-pages"
    cache.mkdir(exist_ok=True)
    only = [p for p in args.pages.split(",") if p]
    recorder = Recorder()
    if not args.no_sqlite:
        run("SQLite", sqlite_database(args, cache), args.repeat, recorder, only, args.statements)
    if args.no_postgres:
        return
    server = None if args.postgres else CachedPostgres(cache / "pg")
    try:
        url = postgres_database(args, args.postgres or server.admin_url)
        run("PostgreSQL", url, args.repeat, recorder, only, args.statements)
    finally:
        if server:
            server.close()


if __name__ == "__main__":
    main()
