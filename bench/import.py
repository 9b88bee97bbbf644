"""Benchmark: end-to-end import of generated lists against a bare calamine read + one Core executemany insert.

Run: .venv/bin/python bench/import.py [--sizes 1000,10000,100000] [--postgres URL]
Without --postgres it starts Debian's PostgreSQL like the tests do (skip it with --no-postgres).
Prints, per size and database, the median of --repeat runs and the ratio end-to-end / baseline (target <= 2x at
10k and 100k rows), and the peak memory of the 100k-row import.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from tdkt.core.config import Settings  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.db import write_session  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.permissions import COMMAND_LINE  # noqa: E402 -- needs ROOT on sys.path
from tdkt.importing.nomination_lists.pipeline import import_file  # noqa: E402 -- needs ROOT on sys.path
from tdkt.seeding.seed import bootstrap  # noqa: E402 -- needs ROOT on sys.path

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Đặng", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Trang"]
UNITS = ["Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Thương mại",
         "Phòng Quản lý Năng lượng", "Trung tâm Khuyến công"]
AWARDS = ["Lao động tiên tiến", "LĐTT", "Chiến sĩ thi đua cơ sở", "CSTĐCS", "Giấy khen của Giám đốc Sở"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Nhân viên", "Phó Trưởng phòng", "Trưởng phòng"]
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị", "Ghi chú"]


def make_list(rows: int, seed: int = 1) -> bytes:
    """Return an .xlsx nomination list of `rows` individuals with unique people, 8 columns, under title rows."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["SỞ CÔNG THƯƠNG LẠNG SƠN"])
    ws.append(["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"])
    ws.append([])
    ws.append(HEADER)
    ws.append(["II. CÁ NHÂN"])
    for i in range(1, rows + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i}"
        ws.append([i, name, rng.choice(["Nam", "Nữ"]), rng.randint(1965, 2000), rng.choice(POSITIONS),
                   rng.choice(UNITS), rng.choice(AWARDS), None])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def baseline(data: bytes, engine: sa.Engine) -> float:
    """Bare calamine read of the same file plus one Core executemany insert of its rows."""
    start = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(BytesIO(data)).get_sheet_by_index(0).to_python()
    body = [r for r in rows[5:] if r and r[0] != ""]
    table = sa.table("bench_rows", *[sa.column(f"c{i}") for i in range(8)])
    params = [{f"c{i}": (str(v) if v != "" else None) for i, v in enumerate(r[:8])} for r in body]
    with engine.begin() as conn:
        conn.execute(sa.insert(table), params)
    return time.perf_counter() - start


def end_to_end(data: bytes, engine: sa.Engine, settings: Settings) -> tuple[float, int]:
    start = time.perf_counter()
    with write_session(engine) as session:
        report = import_file(session, COMMAND_LINE, data, file_name="bench.xlsx", settings=settings, year=2024,
                             force=True)
    elapsed = time.perf_counter() - start
    if report.errors or report.unreadable:
        raise SystemExit(f"bench list did not import: {report.errors[:3]}")
    return elapsed, report.imported


def fresh(url_factory) -> tuple[sa.Engine, Settings]:
    url = url_factory()
    settings = replace(Settings(), database_url=url, secret_key="b" * 40, max_rows=1_000_000, upload_limit_mb=200)
    engine, _ = bootstrap(settings)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bench_rows (c0 TEXT, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, "
                             "c7 TEXT)")
    return engine, settings


def run(label: str, url_factory, sizes: list[int], repeat: int) -> None:
    for size in sizes:
        data = make_list(size)
        e2e, base = [], []
        for _ in range(repeat):
            engine, settings = fresh(url_factory)
            gc.collect()
            base.append(baseline(data, engine))
            gc.collect()
            seconds, imported = end_to_end(data, engine, settings)
            assert imported == size
            e2e.append(seconds)
            engine.dispose()
        b, e = statistics.median(base), statistics.median(e2e)
        print(f"{label:<10} {size:>7} rows: end-to-end {e:6.2f} s, baseline {b:6.2f} s, ratio {e / b:4.2f}x")
    if max(sizes) >= 100_000:
        engine, settings = fresh(url_factory)
        data = make_list(max(sizes))
        tracemalloc.start()
        end_to_end(data, engine, settings)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        engine.dispose()
        print(f"{label:<10} peak Python memory at {max(sizes)} rows: {peak / 2**20:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL server database to use")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="tdkt-bench-"))
    counter = iter(range(10_000))
    run("SQLite", lambda: f"sqlite:///{tmp / f'b{next(counter)}.db'}", sizes, args.repeat)
    if args.no_postgres:
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import PostgresServer, _start_postgres  # the tests' own PostgreSQL starter

    server = PostgresServer(args.postgres) if args.postgres else _start_postgres()
    try:
        run("PostgreSQL", lambda: server.new_database(seeded=False), sizes, args.repeat)
    finally:
        server.close()


if __name__ == "__main__":
    main()
