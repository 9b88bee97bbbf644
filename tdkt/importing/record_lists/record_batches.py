"""Writing a checked record list as one batch, undoing a batch, and the history of record batches."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from tdkt.awards.nomination_rows import Record
from tdkt.awards.person_ids import people_ids
from tdkt.core import audit
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.db import IMPORT_LOCK, bulk_insert, lock_writes
from tdkt.core.models import (
    Assessment,
    AuditLog,
    DisciplineRecord,
    ImportBatch,
    InitiativeAuthor,
    InitiativeRecord,
    Nomination,
    PastAward,
    Person,
    User,
    utcnow,
)
from tdkt.core.permissions import Actor, PermissionDenied, require_role
from tdkt.core.text import fold, format_datetime
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
from tdkt.importing.cells import CA_NHAN, TAP_THE
from tdkt.importing.record_lists.record_headers import DEFAULT_HEADERS
from tdkt.importing.record_lists.record_people import AMBIGUOUS, known_people
from tdkt.importing.record_lists.record_rows import KINDS, RecordCommit, RecordReport, RecordRow

_TABLES = {"xep_loai": Assessment, "ky_luat": DisciplineRecord, "khen_truoc": PastAward, "sang_kien": InitiativeRecord}


def previous_batches(session: Session, *, sha256: str, kind: str) -> list[ImportBatch]:
    """Return earlier batches of the same file content imported as the same kind and still in force, newest first
    (an undone batch is not a repeat: undoing, fixing and importing again is the usual correction)."""
    return earlier_batches(session, sha256=sha256, kind=kind, in_force_only=True)


def repeat_message(batches: list[ImportBatch], *, file: str, kind: str) -> str:
    """Return the Vietnamese warning for a file already imported as this kind and still in force."""
    last = batches[0]
    return (f"Tệp “{file}” đã được nhập làm {KINDS[kind].lower()} lúc {format_datetime(last.created_at)} (lô số "
            f"{last.id}, {batch_state(last)}). Không nhập lại trừ khi chắc chắn (chọn “Vẫn nhập”).")


def on_record_message(row: RecordRow, *, kind: str) -> str:
    """Return the Vietnamese problem of a past award or an initiative already in the database."""
    if kind == "sang_kien":
        return f"Sáng kiến “{row.title}” năm {row.year} đã có trong cơ sở dữ liệu: xóa dòng này nếu trùng."
    return f"“{row.name}” đã có “{row.award}” năm {row.year} trong cơ sở dữ liệu: xóa dòng này nếu trùng."


def _person_record(key: tuple, row: RecordRow, name: str) -> Record:
    """Return the shape person_ids.people_ids inserts a new person from."""
    record = Record(sheet=row.sheet, row=row.row, target=CA_NHAN, name=name, gender=row.gender if name == row.name
                    else None, birth_year=key[1], position=row.position if name == row.name else None,
                    unit=row.unit, award=None, category=None, unit_id=key[2])
    record.name_key = key[0]
    return record


def commit_records(session: Session, actor: Actor, *, report: RecordReport, force: bool = False) -> RecordCommit:
    """Write every row of a checked file as one batch of its kind, adding the people not yet known; the caller
    commits (all rows or none).

    Under the import lock it first checks again what the check of the file decided on: WrittenSinceCheck, nothing
    written, when the file (unless force), a past award or an initiative of it reached the database meanwhile.
    """
    require_role(actor, "nhap_danh_sach")
    reason = report.blocked_reason(force=force)
    if reason:
        raise ImportRefused(f"Không nhập “{report.file}”: {reason.rstrip('.')}; chưa ghi gì.")
    if actor.role.value == "don_vi":
        foreign = [r for r in report.rows if r.unit_id != actor.unit_id]
        if foreign:
            rows = ", ".join(str(r.row) for r in foreign[:10])
            raise PermissionDenied(f"Tài khoản đơn vị chỉ nhập được hồ sơ của đơn vị mình; các dòng {rows} thuộc đơn "
                                   "vị khác.")
    lock_writes(session, IMPORT_LOCK)  # held to the end of the transaction: the checks below and the people lookup
    wanted = _wanted_people(report)
    known = known_people(session, set(wanted))
    if any(v == AMBIGUOUS for v in known.values()):
        raise ImportRefused("Có cá nhân trùng tên không phân biệt được (cơ sở dữ liệu vừa thay đổi): kiểm tra lại tệp "
                            "rồi nhập lại. Chưa ghi gì.")
    _refuse_written_since_check(session, report, known=known, force=force)
    years = {r.year for r in report.rows}
    batch = ImportBatch(file_name=report.file[:255], sha256=report.sha256, user_id=actor.id, rows=len(report.rows),
                        year=years.pop() if len(years) == 1 else report.year, sheets=", ".join(report.sheets)[:500],
                        warnings=len(report.warnings), kind=report.kind)
    session.add(batch)
    session.flush()
    new = [record for key, record in wanted.items() if key not in known]
    created, added = people_ids(session, new, batch_id=batch.id) if new else ({}, 0)
    replaced = _write(session, report, batch.id, known | created)
    batch.people_added = added
    session.add(batch)
    summary = (f"Nhập {KINDS[report.kind].lower()} từ “{report.file}”: {len(report.rows)} dòng, {added} cá nhân mới"
               + _replaced_text(replaced) + ".")
    audit.record(session, actor, "nhap_ho_so", "lo_nhap", batch.id, summary,
                 before={"replaced": replaced} if replaced else None,
                 after={"batch_id": batch.id, "kind": report.kind, "file": report.file, "sha256": report.sha256,
                        "rows": len(report.rows)})
    session.flush()
    return RecordCommit(batch_id=batch.id, rows=len(report.rows), people_added=added,
                        replaced=sum(1 for x in replaced if x["rating"] != x.get("new")))


def _wanted_people(report: RecordReport) -> dict[tuple, Record]:
    """Return, by key, every person the rows name (each author, for initiatives), in the shape people_ids adds."""
    wanted: dict[tuple, Record] = {}
    for row in report.rows:
        if report.kind == "sang_kien":
            for a in row.authors:
                wanted.setdefault((a.name_key, a.birth_year, row.unit_id), _person_record(
                    (a.name_key, a.birth_year, row.unit_id), row, a.name))
        elif row.target == CA_NHAN:
            wanted.setdefault(row.person_key, _person_record(row.person_key, row, row.name or ""))
    return wanted


def _refuse_written_since_check(session: Session, report: RecordReport, *, known: dict[tuple, int],
                                force: bool) -> None:
    """Refuse, as the check of the file would now, the file already imported or rows already in the database
    (`known`: the person ids of the people the rows name who are on record).

    The page checks in a read session before the user clicks, and on PostgreSQL the command line's check takes no
    lock: without this, two imports of one file at once both find it new.
    """
    if not force:
        repeated = previous_batches(session, sha256=report.sha256, kind=report.kind)
        if repeated:
            raise WrittenSinceCheck([ImportIssue(report.file, "", None, None, "repeated_file", repeat_message(
                repeated, file=report.file, kind=report.kind), "warning")], repeated=repeated)
    rows = [r for r in report.rows if r.year is not None]
    if report.kind == "sang_kien" and rows:
        titles = set(session.exec(select(InitiativeRecord.title, InitiativeRecord.year)
                                  .where(col(InitiativeRecord.year).in_(sorted({r.year for r in rows})))).all())
        on_record = {(fold(t), y) for t, y in titles}
        found = [r for r in rows if (fold(r.title), r.year) in on_record]
    elif report.kind == "khen_truoc" and rows:
        held = _past_awards_held(session, rows, known)
        found = [r for r in rows if (_subject(r, known), r.year, r.award_id) in held]
    else:
        return  # a rating replaces the one on record, under this lock; a second discipline record is only a warning
    column = "title" if report.kind == "sang_kien" else "award"
    if found:
        raise WrittenSinceCheck([ImportIssue(
            report.file, r.sheet, r.row, report.columns.get(r.sheet, {}).get(column) or DEFAULT_HEADERS[column],
            "already_in_database", on_record_message(r, kind=report.kind)) for r in found])


def _subject(row: RecordRow, known: dict[tuple, int]) -> tuple:
    """Return who a row is about, as past awards on record are keyed: a person on record, or a collective in its
    unit (a new person has none on record)."""
    if row.target == CA_NHAN:
        return "p", known.get(row.person_key)
    return "c", row.name_key, row.unit_id


def _past_awards_held(session: Session, rows: list[RecordRow], known: dict[tuple, int]) -> set[tuple]:
    """Return (subject, year, award id) of the past awards on record for these rows' subjects and years; a collective
    also under unit None, which a row without a unit matches in any unit."""
    people = sorted({known[r.person_key] for r in rows if r.target == CA_NHAN and r.person_key in known})
    collectives = sorted({r.name_key for r in rows if r.target == TAP_THE})
    held: set[tuple] = set()
    for person, key, unit, year, award in session.exec(
        select(PastAward.person_id, PastAward.collective_key, PastAward.unit_id, PastAward.year, PastAward.award_id)
        .where(col(PastAward.year).in_(sorted({r.year for r in rows})))
        .where(col(PastAward.person_id).in_(people) | col(PastAward.collective_key).in_(collectives))
    ).all():
        if person is not None:
            held.add((("p", person), year, award))
        else:
            held.update({(("c", key, unit), year, award), (("c", key, None), year, award)})
    return held


def _write(session: Session, report: RecordReport, batch_id: int, people: dict[tuple, int]) -> list[dict]:
    """Insert the rows of the batch; return the ratings replaced (their values before, for undo)."""
    rows = report.rows
    if report.kind == "sang_kien":
        items = [InitiativeRecord(year=r.year, title=r.title, scope=r.scope, unit_id=r.unit_id,
                                  decision_number=r.decision_number, decision_date=r.decision_date,
                                  decision_authority=r.decision_authority, batch_id=batch_id, note=r.note)
                 for r in rows]
        session.add_all(items)
        session.flush()
        authors = [{"initiative_id": item.id, "person_id": pid}
                   for item, r in zip(items, rows, strict=True)
                   for pid in dict.fromkeys(people[(a.name_key, a.birth_year, r.unit_id)] for a in r.authors)]
        bulk_insert(session.connection(), InitiativeAuthor.__table__, authors)
        return []

    def subject(r: RecordRow) -> dict:
        person = people[r.person_key] if r.target == CA_NHAN else None
        return {"target": r.target, "person_id": person, "collective_name": r.name if r.target == TAP_THE else None,
                "collective_key": r.name_key if r.target == TAP_THE else None, "unit_id": r.unit_id,
                "batch_id": batch_id, "note": r.note, "year": r.year}

    replaced: list[dict] = []
    if report.kind == "xep_loai":
        new = []
        on_record = _ratings_on_record(session, [subject(r) for r in rows])
        for r in rows:
            values = subject(r) | {"rating": r.rating}
            found = on_record.get(_rating_key(values))
            if found is None:
                new.append(values)
                continue
            replaced.append({"id": found.id, "rating": found.rating, "note": found.note, "batch_id": found.batch_id,
                             "new": r.rating})
            session.execute(update(Assessment).where(Assessment.id == found.id)
                            .values(rating=r.rating, note=r.note, batch_id=batch_id))
        bulk_insert(session.connection(), Assessment.__table__, new)
    elif report.kind == "ky_luat":
        bulk_insert(session.connection(), DisciplineRecord.__table__, [
            subject(r) | {"level": r.level, "open": r.open, "decided_on": r.decision_date,
                          "document": r.decision_number} for r in rows])
    else:
        bulk_insert(session.connection(), PastAward.__table__, [
            subject(r) | {"award_id": r.award_id, "kind": r.merit_kind or "cong_trang",
                          "decision_number": r.decision_number, "decision_date": r.decision_date,
                          "decision_authority": r.decision_authority} for r in rows])
    return replaced


def _rating_key(values: dict, *, any_unit: bool = False) -> tuple:
    """Return the key of a rating's subject and year (a collective in any unit when any_unit)."""
    if values["person_id"] is not None:
        return "p", values["person_id"], values["year"]
    return "c", values["collective_key"], None if any_unit else values["unit_id"], values["year"]


def _ratings_on_record(session: Session, subjects: list[dict]) -> dict[tuple, Assessment]:
    """Return the ratings on record for these subjects and years (records.Subject.where semantics: a collective
    without a unit matches the name in any unit), the first by id for each key."""
    years = sorted({v["year"] for v in subjects})
    people = sorted({v["person_id"] for v in subjects if v["person_id"] is not None})
    keys = sorted({v["collective_key"] for v in subjects if v["person_id"] is None})
    found: dict[tuple, Assessment] = {}
    stmt = (select(Assessment).where(col(Assessment.year).in_(years))
            .where(col(Assessment.person_id).in_(people)
                   | ((Assessment.target == TAP_THE) & col(Assessment.collective_key).in_(keys)))
            .order_by(Assessment.id).execution_options(populate_existing=True))  # not as the check read them
    for row in session.exec(stmt).all():
        values = {"person_id": row.person_id, "collective_key": row.collective_key, "unit_id": row.unit_id,
                  "year": row.year}
        found.setdefault(_rating_key(values), row)
        if row.person_id is None:
            found.setdefault(_rating_key(values, any_unit=True), row)
    return found


def _blockers(session: Session, batch_id: int) -> list[str]:
    """Return, for the people a batch added, what outside the batch now refers to them."""
    added = select(Person.id).where(Person.batch_id == batch_id)
    names = dict(session.exec(select(Person.id, Person.full_name).where(Person.batch_id == batch_id)).all())
    found: list[str] = []
    for nid, pid in session.exec(select(Nomination.id, Nomination.person_id)
                                 .where(col(Nomination.person_id).in_(added)).order_by(Nomination.id)).all():
        found.append(f"{names[pid]}: hồ sơ đề nghị số {nid}")
    for kind, model in (("xep_loai", Assessment), ("ky_luat", DisciplineRecord), ("khen_truoc", PastAward)):
        stmt = (select(model.person_id, model.year, model.batch_id).where(col(model.person_id).in_(added))
                .where((model.batch_id != batch_id) | col(model.batch_id).is_(None)))
        for pid, year, other in session.exec(stmt).all():
            found.append(f"{names[pid]}: {KINDS[kind].lower()} năm {year}"
                         + (f" (lô số {other})" if other else " (nhập tay)"))
    stmt = (select(InitiativeAuthor.person_id, InitiativeRecord.title, InitiativeRecord.batch_id)
            .join(InitiativeRecord, InitiativeRecord.id == InitiativeAuthor.initiative_id)
            .where(col(InitiativeAuthor.person_id).in_(added))
            .where((InitiativeRecord.batch_id != batch_id) | col(InitiativeRecord.batch_id).is_(None)))
    for pid, title, other in session.exec(stmt).all():
        found.append(f"{names[pid]}: tác giả sáng kiến “{title}”" + (f" (lô số {other})" if other else " (nhập tay)"))
    return found


def undo_records(session: Session, actor: Actor, *, batch_id: int) -> int:
    """Delete a record batch's rows and the people only it added (restoring ratings it replaced); return how many rows.

    Refused, naming what refers to them, when a person the batch added is now used outside it.
    """
    require_role(actor, "nhap_danh_sach")
    lock_writes(session, IMPORT_LOCK)  # an import at the same time may be using the people this batch added
    batch = session.get(ImportBatch, batch_id, populate_existing=True)  # as the last holder of the lock left it
    if batch is None:
        raise ImportRefused("Không tìm thấy lô nhập này.")
    if batch.kind not in KINDS:
        raise ImportRefused(f"Lô số {batch.id} là danh sách đề nghị khen thưởng: hoàn tác ở trang “Tải lên danh sách "
                            "đề nghị”.")
    require_undo_scope(session, actor, batch)  # before saying anything more of another unit's batch
    if batch.status == UNDONE:
        raise ImportRefused(f"Lô số {batch.id} đã được hoàn tác trước đó.")
    blockers = _blockers(session, batch.id)
    if blockers:
        raise ImportRefused(f"Không hoàn tác được lô số {batch.id}: {len(blockers)} hồ sơ khác đang dùng cá nhân do lô "
                            f"này thêm — {'; '.join(blockers[:10])}{' …' if len(blockers) > 10 else ''}. Xóa hoặc "
                            "hoàn tác các hồ sơ đó trước.")
    model = _TABLES[batch.kind]
    if batch.kind == "xep_loai":  # ratings the batch replaced get their values back instead of being deleted
        for old in _replaced(session, batch.id):
            session.execute(update(Assessment).where(Assessment.id == old["id"], Assessment.batch_id == batch.id)
                            .values(rating=old["rating"], note=old["note"], batch_id=old["batch_id"]))
    if batch.kind == "sang_kien":
        session.execute(delete(InitiativeAuthor).where(col(InitiativeAuthor.initiative_id).in_(
            select(InitiativeRecord.id).where(InitiativeRecord.batch_id == batch.id))))
    session.execute(delete(model).where(model.batch_id == batch.id))
    session.execute(delete(Person).where(Person.batch_id == batch.id))
    batch.status, batch.undone_at, batch.undone_by = UNDONE, utcnow(), actor.id
    session.add(batch)
    audit.record(session, actor, "hoan_tac_lo_nhap", "lo_nhap", batch.id,
                 f"Hoàn tác lô số {batch.id} (“{batch.file_name}”, {KINDS[batch.kind].lower()}): "
                 f"xóa {batch.rows} dòng, {batch.people_added} cá nhân mới.",
                 before={"batch_id": batch.id, "rows": batch.rows, "status": DONE}, after={"status": UNDONE})
    session.flush()
    return batch.rows


def _replaced_text(replaced: list[dict]) -> str:
    """Say how many ratings on record changed (as the check warned) and how many were written again unchanged."""
    if not replaced:
        return ""
    changed = sum(1 for x in replaced if x["rating"] != x.get("new"))
    same = len(replaced) - changed
    return (f", thay {changed} xếp loại đã có" if changed else "") + (f", {same} xếp loại giữ nguyên" if same else "")


def _replaced(session: Session, batch_id: int) -> list[dict]:
    """Return the ratings a batch replaced, as kept in its import audit entry."""
    entry = session.exec(select(AuditLog).where(AuditLog.action == "nhap_ho_so", AuditLog.entity == "lo_nhap",
                                                AuditLog.entity_id == str(batch_id))).first()
    if entry is None or not entry.before:
        return []
    return list(json.loads(entry.before).get("replaced", []))


def record_history(session: Session, *, actor: Actor | None = None, kind: str | None = None,
                   limit: int = 200) -> pd.DataFrame:
    """Return record batches, newest first (a unit user sees its own): id, kind, kind_label, file_name, who, when,
    year, rows, people_added, warnings, status, status_label, undone_at."""
    stmt = (select(ImportBatch, User.username, User.display_name)
            .join(User, ImportBatch.user_id == User.id, isouter=True)
            .where(col(ImportBatch.kind).in_([kind] if kind else list(KINDS)))
            .order_by(col(ImportBatch.created_at).desc(), col(ImportBatch.id).desc()).limit(limit))
    if actor is not None and actor.role.value == "don_vi":
        stmt = stmt.where(ImportBatch.user_id == actor.id)
    columns = ["id", "kind", "kind_label", "file_name", "username", "display_name", "created_at", "year", "rows",
               "people_added", "warnings", "status", "status_label", "undone_at"]
    return pd.DataFrame(
        [{"id": b.id, "kind": b.kind, "kind_label": KINDS.get(b.kind, b.kind), "file_name": b.file_name,
          "username": who or "", "display_name": name or "dòng lệnh", "created_at": b.created_at, "year": b.year,
          "rows": b.rows, "people_added": b.people_added, "warnings": b.warnings, "status": b.status,
          "status_label": BATCH_STATUS_LABELS.get(b.status, b.status), "undone_at": b.undone_at}
         for b, who, name in session.exec(stmt).all()],
        columns=columns)
