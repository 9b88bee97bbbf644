"""Writing a checked list as one import batch (all rows or none), the batch history, and undoing a batch."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Text, bindparam, cast, delete, func, update
from sqlmodel import Session, col, select

from tdkt.awards.nomination_checks import already_in_database
from tdkt.awards.nomination_rows import Record
from tdkt.awards.person_ids import people_ids
from tdkt.core import audit
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.db import IMPORT_LOCK, bulk_insert_rows, lock_writes
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    ImportBatch,
    Nomination,
    NominationStatus,
    Person,
    Target,
    User,
    utcnow,
)
from tdkt.core.permissions import Actor, PermissionDenied, require_role
from tdkt.core.submission_guard import require_unit_can_change
from tdkt.core.text import fold, format_date, format_datetime, parse_date
from tdkt.importing.batches import (
    BATCH_STATUS_LABELS,
    DONE,
    UNDONE,
    ImportRefused,
    WrittenSinceCheck,
    batch_state,
    earlier_batches,
    require_undo_scope,
)
from tdkt.importing.gc_pause import paused_gc

if TYPE_CHECKING:
    import pandas as pd

_NOMINATION_COLUMNS = ("target", "person_id", "collective_name", "unit_id", "award_id", "category", "achievements",
                       "position", "unit_text", "source_sheet", "source_row")


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What a commit wrote."""

    batch_id: int
    nominations: int
    people_added: int


NOMINATION_KIND = "de_nghi"  # ImportBatch.kind of a nomination list (records have their own kinds)


def previous_batches(session: Session, *, sha256: str) -> list[ImportBatch]:
    """Return earlier nomination batches of the same file content (by SHA-256), undone ones too, newest first."""
    return earlier_batches(session, sha256=sha256, kind=NOMINATION_KIND)


def repeat_message(batches: list[ImportBatch], *, file: str) -> str:
    """Return the Vietnamese warning for a file already imported."""
    last = batches[0]
    return (f"Tệp “{file}” đã được nhập lúc {format_datetime(last.created_at)} (lô số {last.id}, {batch_state(last)}). "
            "Không nhập lại trừ khi chắc chắn (chọn “Vẫn nhập” / --force).")


def check_received(day: date | str | None, *, today: date | None = None) -> date:
    """Return the date a list was received (ngày nhận): a date or dd/mm/yyyy text, today when None; refused in
    Vietnamese when malformed or after today (a list cannot be received tomorrow)."""
    today = today or date.today()
    if day is None or day == "":
        return today
    if isinstance(day, str):
        try:
            day = parse_date(day)
        except ValueError as error:
            raise ImportRefused(f"Ngày nhận danh sách: {error}") from None
    if day > today:
        raise ImportRefused(f"Ngày nhận danh sách {format_date(day)} ở sau hôm nay ({format_date(today)}): chọn ngày "
                            "Văn phòng thực nhận danh sách, không muộn hơn hôm nay.")
    return day


def _check_units(actor: Actor, records: list[Record]) -> None:
    if actor.role.value != "don_vi":
        return
    foreign = [r for r in records if r.unit_id != actor.unit_id]
    if foreign:
        rows = ", ".join(str(r.row) for r in foreign[:10])
        raise PermissionDenied(f"Tài khoản đơn vị chỉ nhập được danh sách của đơn vị mình; các dòng {rows} thuộc "
                               "đơn vị khác.")


@paused_gc()
def commit_batch(
    session: Session,
    actor: Actor,
    *,
    file_name: str,
    sha256: str,
    records: list[Record],
    year: int,
    sheets: list[str],
    warnings: int = 0,
    received_on: date | None = None,
    force: bool = False,
    headers: dict[str, dict[str, str]] | None = None,
    today: date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> CommitResult:
    """Write every record as a nomination of one new batch, adding the people not yet known; the caller commits.

    Under the import lock it first checks again what the check of the file decided on (WrittenSinceCheck when the
    file, unless force, or one of its rows reached the database meanwhile); `headers` name the columns in its issues.
    `received_on` (ngày nhận, today when None) may not be after today; `progress` hears each stage.
    """
    require_role(actor, "nhap_danh_sach")  # nobody signed in is refused too, not an AttributeError
    received_on = check_received(received_on, today=today)
    progress = progress or (lambda share, text: None)
    if not records:
        raise ImportRefused(f"Tệp “{file_name}” không có dòng nào để nhập.")
    blocked = [r for r in records if r.errors or r.award_id is None or not r.name or r.target is None]
    if blocked:
        rows = ", ".join(f"{r.sheet}!{r.row}" for r in blocked[:10])
        raise ImportRefused(f"Còn {len(blocked)} dòng có lỗi (ví dụ {rows}). Sửa hết lỗi rồi mới nhập; chưa ghi gì.")
    _check_units(actor, records)
    progress(0.1, f"Đang kiểm tra lại “{file_name}” trước khi ghi…")
    lock_writes(session, IMPORT_LOCK)  # held to the end of the transaction: the checks below and the people lookup
    require_unit_can_change(session, actor, year=year, unit_ids=[actor.unit_id])  # not into a submitted dossier
    _refuse_written_since_check(session, file_name=file_name, sha256=sha256, records=records, year=year, force=force,
                                headers=headers or {})
    batch = ImportBatch(file_name=file_name, sha256=sha256, user_id=actor.id, rows=len(records), year=year,
                        sheets=", ".join(sheets)[:500], warnings=warnings)
    session.add(batch)
    session.flush()
    progress(0.4, "Đang tìm và thêm các cá nhân…")
    genders: dict[int, str | None] = {}  # the persons' stored genders, for the gender tally: no need to read them back
    people, added = people_ids(session, records, batch_id=batch.id, genders=genders)
    progress(0.7, f"Đang ghi {len(records)} đề nghị…")
    # One batch, one moment: every nomination of it has the same year, status, dates and batch, written once.
    individual = Target.CA_NHAN.value
    rows = [
        (r.target, people.get((r.name_key, r.birth_year, r.unit_id)) if r.target == individual else None,
         r.name if r.target != individual else None, r.unit_id, r.award_id, r.category, r.achievements, r.position,
         r.unit_text, r.sheet, r.row)
        for r in records
    ]
    bulk_insert_rows(session.connection(), Nomination.__table__, _NOMINATION_COLUMNS, rows, constants={
        "year": year, "status": NominationStatus.DE_NGHI.value, "received_on": received_on, "batch_id": batch.id,
        "created_at": utcnow(),
    }, genders=genders)
    batch.people_added = added
    session.add(batch)
    audit.record(session, actor, "nhap_danh_sach", "lo_nhap", batch.id,
                 f"Nhập danh sách “{file_name}” năm {year}, nhận ngày {format_date(received_on)}: {len(records)} đề "
                 f"nghị, {added} cá nhân mới.",
                 after={"batch_id": batch.id, "file": file_name, "sha256": sha256, "rows": len(records),
                        "received_on": received_on.isoformat()})
    progress(1.0, f"Đã ghi {len(records)} đề nghị.")
    return CommitResult(batch_id=batch.id, nominations=len(records), people_added=added)


def _refuse_written_since_check(session: Session, *, file_name: str, sha256: str, records: list[Record], year: int,
                                force: bool, headers: dict[str, dict[str, str]]) -> None:
    """Refuse, as the check of the file would now, the file already imported or rows already in the database.

    The page checks in a read session before the user clicks, and on PostgreSQL the command line's check takes no
    lock: two imports of one 2,000-row file at once both found it new and both wrote it in 13 of 20 rounds before
    (bench/concurrency.py); two lists sharing 500 new people added them twice in 10 of 20.
    """
    if not force:
        repeated = previous_batches(session, sha256=sha256)
        if repeated:
            raise WrittenSinceCheck([ImportIssue(file_name, "", None, None, "repeated_file",
                                                 repeat_message(repeated, file=file_name), "warning")],
                                    repeated=repeated)
    hits = _on_record(session, records, year=year)
    if not hits:
        return
    # The check's own function gives the same messages; it counts each problem on its record, which stays as the check
    # of the file left it.
    counts = [(r.errors, r.warnings) for r in hits]
    found = already_in_database(session, hits, file=file_name, year=year, headers=headers)
    for record, (errors, warnings) in zip(hits, counts, strict=True):
        record.errors, record.warnings = errors, warnings
    if duplicates := [i for i in found if i.code == "already_in_database"]:
        raise WrittenSinceCheck(duplicates)


def _on_record(session: Session, records: list[Record], *, year: int) -> list[Record]:
    """Return the records whose person (folded name, birth year, unit) or collective already has their award for the
    year, as already_in_database finds them.

    Narrowed to these records' own names (one JSON parameter, as person_ids passes them): already_in_database reads
    every nomination of the year with these awards, then the people of their units, 2.5 s for 100k rows beside 200k
    on record; this took 0.2-0.4 s (SQLite) and 0.3-0.65 s (PostgreSQL) for 100k beside none or 100k others. An import
    pays the full check once, before it waits for the lock.
    """
    award_ids = sorted({r.award_id for r in records if r.award_id})
    if not award_ids:
        return []
    on_record = select(Nomination.id).where(Nomination.year == year, col(Nomination.award_id).in_(award_ids)).limit(1)
    if session.connection().execute(on_record).first() is None:
        return []  # a year without any of these awards yet, as for a first list: 0.25 s of the 100k keys saved
    individual = Target.CA_NHAN.value  # an enum's .value per record cost 0.1 s per 100k
    keys = bindparam("keys", json.dumps(sorted({r.name_key for r in records if r.target == individual}),
                                        ensure_ascii=False), type_=Text)
    stmt = (select(Person.name_key, Person.birth_year, Person.unit_id, Nomination.award_id)
            .join(Nomination, Nomination.person_id == Person.id)
            .where(Nomination.year == year, col(Nomination.award_id).in_(award_ids)))
    # The planners need opposite shapes. SQLite, given a join, went through the year's nominations scanning the JSON
    # keys for each (a quarter of an hour for 100k beside 100k); with IN it looks each up in a temporary index.
    # PostgreSQL, given IN, on tables not yet analysed (as right after an import) ran the JSON function once per
    # person (48 s for 10k beside 10k); from a FROM item it hashes the keys (35 ms).
    if session.connection().dialect.name == "postgresql":
        names = func.json_array_elements_text(cast(keys, JSON)).table_valued("value")
        stmt = stmt.join(names, col(Person.name_key) == names.c.value)
    else:
        stmt = stmt.where(col(Person.name_key).in_(select(func.json_each(keys).table_valued("value").c.value)))
    people = set(session.connection().execute(stmt).all())
    collectives = {(fold(name), award) for name, award in session.exec(
        select(Nomination.collective_name, Nomination.award_id)
        .where(Nomination.year == year, col(Nomination.award_id).in_(award_ids),
               col(Nomination.collective_name).is_not(None))).all()}
    return [r for r in records if r.award_id and r.name and (
        (r.name_key, r.birth_year, r.unit_id, r.award_id) in people if r.target == individual
        else (r.name_key, r.award_id) in collectives)]


def undo_batch(session: Session, actor: Actor, *, batch_id: int) -> int:
    """Delete a batch's nominations (and the people it added who have no other nomination); return how many.

    Refused, naming the rows, when any nomination of the batch has moved on from "Đề nghị".
    """
    require_role(actor, "nhap_danh_sach")  # nobody signed in is refused too, not an AttributeError
    lock_writes(session, IMPORT_LOCK)  # an import at the same time may be giving its nominations to this batch's people
    batch = session.get(ImportBatch, batch_id, populate_existing=True)  # as the last holder of the lock left it
    if batch is None or batch.kind != NOMINATION_KIND:  # record batches are undone by tdkt.importing.records
        raise ImportRefused("Không tìm thấy lô nhập danh sách đề nghị này.")
    require_undo_scope(session, actor, batch)  # the units of its rows, read now
    if batch.status == UNDONE:
        raise ImportRefused(f"Lô số {batch.id} đã được hoàn tác trước đó.")
    require_unit_can_change(session, actor, year=batch.year, unit_ids=[actor.unit_id])
    moved = session.exec(
        select(Nomination.source_sheet, Nomination.source_row, Nomination.status,
               func.coalesce(Person.full_name, Nomination.collective_name))
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .where(Nomination.batch_id == batch_id, Nomination.status != NominationStatus.DE_NGHI)
        .order_by(Nomination.source_row)
    ).all()
    if moved:
        listed = "; ".join(f"dòng {row} — {name} ({NOMINATION_STATUS_LABELS[NominationStatus(status)]})"
                           for _, row, status, name in moved[:10])
        raise ImportRefused(f"Không hoàn tác được lô số {batch.id}: {len(moved)} đề nghị đã được xử lý tiếp — "
                            f"{listed}. Đưa các đề nghị này về “Đề nghị” trước, hoặc sửa từng hồ sơ.")
    count = session.exec(select(func.count()).select_from(Nomination).where(Nomination.batch_id == batch_id)).one()
    # Only those still at "Đề nghị": moving a dossier on does not take the import lock, so one may move meanwhile.
    deleted = session.execute(delete(Nomination).where(Nomination.batch_id == batch_id,
                                                       Nomination.status == NominationStatus.DE_NGHI)).rowcount
    if deleted != count:  # the caller rolls the transaction back: nothing is deleted
        raise ImportRefused(f"Không hoàn tác được lô số {batch.id}: có đề nghị của lô vừa được xử lý tiếp trong lúc "
                            "hoàn tác. Tải lại trang để xem, rồi thử lại; chưa xóa gì.")
    orphans = select(Person.id).where(Person.batch_id == batch_id).where(
        ~select(Nomination.id).where(Nomination.person_id == Person.id).exists())
    session.execute(delete(Person).where(Person.id.in_(orphans.scalar_subquery())))
    session.execute(update(Person).where(Person.batch_id == batch_id).values(batch_id=None))
    batch.status, batch.undone_at, batch.undone_by = UNDONE, utcnow(), actor.id
    session.add(batch)
    audit.record(session, actor, "hoan_tac_lo_nhap", "lo_nhap", batch.id,
                 f"Hoàn tác lô số {batch.id} (“{batch.file_name}”): xóa {count} đề nghị.",
                 before={"batch_id": batch.id, "rows": int(count), "status": DONE}, after={"status": UNDONE})
    return int(count)


def history(session: Session, *, actor: Actor | None = None, limit: int = 200) -> pd.DataFrame:
    """Return nomination import batches, newest first (a unit user sees its own): id, file, who, when, rows…"""
    import pandas as pd  # late: the command line's import never draws a table (pandas: 0.45 s, 80 MiB)

    stmt = (
        select(ImportBatch, User.username, User.display_name)
        .join(User, ImportBatch.user_id == User.id, isouter=True)
        .where(ImportBatch.kind == NOMINATION_KIND)
        .order_by(col(ImportBatch.created_at).desc(), col(ImportBatch.id).desc())
        .limit(limit)
    )
    if actor is not None and actor.role.value == "don_vi":
        stmt = stmt.where(ImportBatch.user_id == actor.id)
    rows = session.exec(stmt).all()
    columns = ["id", "file_name", "username", "display_name", "created_at", "year", "rows", "people_added", "warnings",
               "status", "status_label", "sheets", "sha256", "undone_at"]
    return pd.DataFrame(
        [{"id": b.id, "file_name": b.file_name, "username": who or "", "display_name": name or "dòng lệnh",
          "created_at": b.created_at, "year": b.year,
          "rows": b.rows, "people_added": b.people_added, "warnings": b.warnings, "status": b.status,
          "status_label": BATCH_STATUS_LABELS.get(b.status, b.status), "sheets": b.sheets or "", "sha256": b.sha256,
          "undone_at": b.undone_at} for b, who, name in rows],
        columns=columns,
    )
