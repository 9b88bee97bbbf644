"""Benchmark: `python -m tdkt import FILE --json` as a whole process against a bare read + insert process.

Run: .venv/bin/python bench/import.py [--sizes 10000,100000] [--cases known,unknown] [--repeat 3] [--postgres URL]
Without --postgres it starts Debian's PostgreSQL like the tests do (skip it with --no-postgres).

Each run is a new process over a new copy of the seeded database, as a clerk runs the command: the import process
(`python -m tdkt import FILE --json`, its JSON written to a file) against the baseline process (this file with
--baseline: python-calamine reads the same file, one SQLAlchemy Core executemany inserts its rows). Cases: `known`,
every unit in the database; `unknown`, 37.5% of the rows naming one of 50 units the database does not have (each a
warning with suggestions, the common case of a first list from a new unit). Prints per database, case and size the
medians of --repeat runs, the ratio import / baseline (target <= 2x at 100k rows; lower is the goal) in wall time and
in CPU time (user + system: on a shared machine the other processes' load stretches the wall time, not the CPU's) and
the peak RSS of each process (target <= 300 MiB for the import).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Đặng", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Trang"]
UNITS = ["Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Thương mại",
         "Phòng Quản lý Năng lượng", "Trung tâm Khuyến công"]
DISTRICTS = ["Cao Lộc", "Lộc Bình", "Đình Lập", "Hữu Lũng", "Chi Lăng", "Văn Quan", "Bình Gia", "Bắc Sơn",
             "Tràng Định", "Văn Lãng"]
UNKNOWN_UNITS = [f"Chi nhánh Điện lực {d} số {k}" for d in DISTRICTS for k in range(1, 6)]  # not in the seed
UNKNOWN_SHARE = 0.375  # the list: 37,500 of 100,000 rows named a unit not yet in the database
AWARDS = ["Lao động tiên tiến", "LĐTT", "Chiến sĩ thi đua cơ sở", "CSTĐCS", "Giấy khen của Giám đốc Sở"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Nhân viên", "Phó Trưởng phòng", "Trưởng phòng"]
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị", "Ghi chú"]
SECRET = "bench-secret-key-for-this-run-only-0123456789"
GNU_TIME = "/usr/bin/time"  # Debian's package "time"


def make_list(rows: int, *, unknown: bool, seed: int = 1) -> bytes:
    """Return an .xlsx nomination list of `rows` individuals with unique people, 8 columns, under title rows."""
    from openpyxl import Workbook

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
        unit = rng.choice(UNKNOWN_UNITS) if unknown and rng.random() < UNKNOWN_SHARE else rng.choice(UNITS)
        ws.append([i, name, rng.choice(["Nam", "Nữ"]), rng.randint(1965, 2000), rng.choice(POSITIONS), unit,
                   rng.choice(AWARDS), None])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def baseline_process(path: str, url: str) -> None:
    """The baseline, run in its own process: a bare calamine read of the file plus one Core executemany insert."""
    import sqlalchemy as sa
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    body = [r for r in rows[5:] if r and r[0] != ""]
    table = sa.table("bench_rows", *[sa.column(f"c{i}") for i in range(8)])
    params = [{f"c{i}": (str(v) if v != "" else None) for i, v in enumerate(r[:8])} for r in body]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_rows (c0 TEXT, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, "
                             "c5 TEXT, c6 TEXT, c7 TEXT)")
        conn.execute(sa.insert(table), params)
    engine.dispose()


def timed(command: list[str], env: dict[str, str], out: Path) -> tuple[float, float, float]:
    """Run a process to its end under GNU time; return (seconds, CPU seconds, peak RSS in MiB) of that process alone.

    GNU time, a small process, starts it: a child forked from this one would count this process's pages in its own
    peak (Linux keeps the high-water mark across exec).
    """
    report = out.with_suffix(".time")
    with out.open("wb") as sink:
        done = subprocess.run([GNU_TIME, "-f", "%e %U %S %M", "-o", str(report), *command], cwd=ROOT, env=env,
                              stdout=sink, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-2000:]}\n"
                         f"{out.read_text(encoding='utf-8')[:2000]}")
    seconds, user, system, kib = report.read_text().split()[-4:]
    return float(seconds), float(user) + float(system), int(kib) / 1024


class Databases:
    """Fresh copies of a seeded database: a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL."""

    def __init__(self, label: str, tmp: Path, server=None) -> None:
        self.label, self.tmp, self.server = label, tmp, server
        self.count = 0
        if server is None:
            from tdkt.core.config import Settings
            from tdkt.seeding.seed import bootstrap

            self.template = tmp / "template.db"
            engine, _ = bootstrap(replace(Settings(), database_url=f"sqlite:///{self.template}", secret_key=SECRET))
            engine.dispose()

    def fresh(self) -> str:
        self.count += 1
        if self.server is not None:
            return self.server.new_database(seeded=True)
        copy = self.tmp / f"run{self.count}.db"
        shutil.copyfile(self.template, copy)
        return f"sqlite:///{copy}"


def run(databases: Databases, cases: list[str], sizes: list[int], repeat: int, tmp: Path) -> list[str]:
    """Bench every case and size on one database; return the printed lines."""
    lines = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env |= {"TDKT_SECRET_KEY": SECRET, "TDKT_MAX_ROWS": "1000000", "TDKT_UPLOAD_LIMIT_MB": "200"}
    for case in cases:
        for size in sizes:
            path = tmp / f"{case}_{size}.xlsx"
            if not path.exists():
                path.write_bytes(make_list(size, unknown=case == "unknown"))
            imports, bases = [], []
            for _ in range(repeat):
                bases.append(timed([sys.executable, __file__, "--baseline", str(path), databases.fresh()], env,
                                   tmp / "baseline.out"))
                url = databases.fresh()
                imports.append(timed([sys.executable, "-m", "tdkt", "import", str(path), "--json"],
                                     env | {"TDKT_DATABASE_URL": url}, tmp / "import.json"))
            (e2e, cpu, rss), (base, base_cpu, base_rss) = (
                (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), max(r[2] for r in runs))
                for runs in (imports, bases))
            line = (f"{databases.label:<10} {case:<8} {size:>7} rows: import {e2e:6.2f} s, baseline {base:6.2f} s, "
                    f"ratio {e2e / base:4.2f}x (CPU {cpu:5.2f} s / {base_cpu:5.2f} s = {cpu / base_cpu:4.2f}x); "
                    f"peak RSS import {rss:4.0f} MiB, baseline {base_rss:4.0f} MiB")
            print(line, flush=True)
            lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--cases", default="known,unknown")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL server database to use")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--baseline", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline_process(*args.baseline)
        return
    sys.path.insert(0, str(ROOT))
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = args.cases.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="tdkt-bench-"))
    try:
        run(Databases("SQLite", tmp), cases, sizes, args.repeat, tmp)
        if args.no_postgres:
            return
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import PostgresServer, _start_postgres  # the tests' own PostgreSQL starter

        server = PostgresServer(args.postgres) if args.postgres else _start_postgres()
        try:
            run(Databases("PostgreSQL", tmp, server), cases, sizes, args.repeat, tmp)
        finally:
            server.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
