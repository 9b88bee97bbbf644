"""Benchmark: the dossier checklist's counts over many nominations, and one document's upload into the file store.

Run: .venv/bin/python bench/documents.py [--nominations 10000] [--repeat 5] [--upload-mb 20]
On a fresh seeded SQLite file in a temporary folder: --nominations nominations of 2025 over the phòng, each with a
report attached to half of them, and every unit's cover letter and minutes; then the median of --repeat runs of
`checklist.completeness` (the Thống kê caption, stats --json, the review report) and of `missing_documents` for every
nomination (Hồ sơ đề nghị's column, the submissions command). Then the median time to add one --upload-mb PDF through
`attachments.add` (read, hash, fsync, rename, row, audit), and the bytes an oversize upload has read when refused.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from tdkt.awards import checklist  # noqa: E402
from tdkt.core.attachment_tables import Attachment  # noqa: E402
from tdkt.core.config import Settings  # noqa: E402
from tdkt.core.db import read_session, write_session  # noqa: E402
from tdkt.core.file_store import FileStore, TooLarge  # noqa: E402
from tdkt.core.models import Award, Nomination, Person, Unit, User  # noqa: E402
from tdkt.core.permissions import Actor  # noqa: E402
from tdkt.seeding.seed import bootstrap  # noqa: E402
from tdkt.submissions import attachments  # noqa: E402

YEAR = 2025


def fill(engine, n: int) -> list[int]:
    with write_session(engine) as session:
        units = list(session.exec(select(Unit.id).where(Unit.kind == "phong")).all())
        awards = list(session.exec(select(Award.id).where(Award.code.in_(["LDTT", "CSTDCS", "GK_GD_SO"]))).all())
        people = [Person(full_name=f"Người {i}", name_key=f"nguoi {i}", unit_id=units[i % len(units)])
                  for i in range(n)]
        session.add_all(people)
        session.flush()
        rows = [Nomination(year=YEAR, target="ca_nhan", person_id=p.id, unit_id=p.unit_id,
                           award_id=awards[i % len(awards)]) for i, p in enumerate(people)]
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
        session.add_all([Attachment(year=YEAR, unit_id=r.unit_id, nomination_id=r.id, kind="bao_cao_thanh_tich",
                                    sha256="0" * 64, size=1, media_type="application/pdf", file_name="bc.pdf")
                         for r in rows[::2]])
        session.add_all([Attachment(year=YEAR, unit_id=u, kind=k, sha256="0" * 64, size=1,
                                    media_type="application/pdf", file_name="x.pdf")
                         for u in units for k in ("to_trinh", "bien_ban")])
    return ids


def median(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Endless(io.RawIOBase):
    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 1 << 20 if n is None or n < 0 else n
        self.read_bytes += n
        return b"%" * n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--upload-mb", type=float, default=20.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tdkt-bench-documents-"))
    engine, _ = bootstrap(replace(Settings(), database_url=f"sqlite:///{folder / 'tdkt.db'}", secret_key="b" * 40))
    ids = fill(engine, args.nominations)
    with read_session(engine) as session:
        complete = median(args.repeat, lambda: checklist.completeness(session, year=YEAR))
        missing = median(args.repeat, lambda: checklist.missing_documents(session, nomination_ids=ids))
        counts = checklist.completeness(session, year=YEAR)
        office = Actor.of(session.exec(select(User).where(User.role == "van_phong")).one())
    print(f"{args.nominations} nominations: completeness {complete * 1000:.0f} ms, missing_documents of all "
          f"{missing * 1000:.0f} ms (complete {counts['complete']}, incomplete {counts['incomplete']})")
    store = FileStore(folder / "kho")
    size = int(args.upload_mb * 1024 * 1024)
    body = b"%PDF-1.7\n" + b"0" * (size - 20) + b"\n%%EOF\n"
    limit = size + 1024

    def upload() -> None:
        with write_session(engine) as session:
            attachments.add(session, office, store, stream=io.BytesIO(body + str(time.perf_counter()).encode()),
                            file_name="ho_so.pdf", kind="to_trinh", limit=limit, year=YEAR, unit_id=units[0])

    with read_session(engine) as session:
        units = list(session.exec(select(Unit.id).where(Unit.kind == "phong")).all())
    took = median(args.repeat, upload)
    endless = Endless()
    try:
        with write_session(engine) as session:
            attachments.add(session, office, store, stream=endless, file_name="lon.pdf", kind="to_trinh",
                            limit=limit, year=YEAR, unit_id=units[0])
    except TooLarge:
        pass
    print(f"upload of {args.upload_mb:g} MB: {took * 1000:.0f} ms; oversize refused after reading "
          f"{endless.read_bytes} bytes (limit {limit})")


if __name__ == "__main__":
    main()
