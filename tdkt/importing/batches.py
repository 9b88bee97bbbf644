"""Import batches of either importer: their states, the refusal to write or undo one, earlier batches of one file."""

from __future__ import annotations

from sqlalchemy import union
from sqlmodel import Session, col, select

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.errors import Refused
from tdkt.core.models import (
    Assessment,
    DisciplineRecord,
    ImportBatch,
    InitiativeAuthor,
    InitiativeRecord,
    Nomination,
    PastAward,
    Person,
    Role,
)
from tdkt.core.permissions import Actor, PermissionDenied, require_scope

DONE = "da_nhap"
UNDONE = "da_hoan_tac"
BATCH_STATUS_LABELS = {DONE: "Đã nhập", UNDONE: "Đã hoàn tác"}
# The table of the rows each kind of batch writes ("de_nghi": a nomination list; the others: record lists).
_ROWS = {"de_nghi": Nomination, "xep_loai": Assessment, "ky_luat": DisciplineRecord, "khen_truoc": PastAward,
         "sang_kien": InitiativeRecord}


class ImportRefused(Refused):
    """The batch cannot be written or undone; the message is Vietnamese and says why and what to do."""


class WrittenSinceCheck(ImportRefused):
    """The file, or some of its rows, reached the database after the file was checked (by a writer at the same time):
    `issues` are the problems the check would find now, `repeated` the earlier batches of the file."""

    def __init__(self, issues: list[ImportIssue], *, repeated: list[ImportBatch] | None = None) -> None:
        problems = [i.message if i.row is None else f"{i.sheet}, dòng {i.row}: {i.message}" for i in issues]
        more = f" Cùng lỗi ở {len(problems) - 3} dòng khác." if len(problems) > 3 else ""
        super().__init__(f"{' '.join(problems[:3])}{more} Chưa ghi gì.", problems=problems)
        self.issues = issues
        self.repeated = repeated or []


def earlier_batches(session: Session, *, sha256: str, kind: str, in_force_only: bool = False) -> list[ImportBatch]:
    """Return earlier batches of the same file content (by SHA-256) and kind, newest first; undone ones too unless
    in_force_only."""
    stmt = select(ImportBatch).where(ImportBatch.sha256 == sha256, ImportBatch.kind == kind)
    if in_force_only:
        stmt = stmt.where(ImportBatch.status != UNDONE)
    return list(session.exec(stmt.order_by(col(ImportBatch.created_at).desc(), col(ImportBatch.id).desc())).all())


def batch_state(batch: ImportBatch) -> str:
    """Return where a batch stands, as a repeated file's warning says it: undone, or in the database."""
    return "đã hoàn tác" if batch.status == UNDONE else "đang có trong cơ sở dữ liệu"


def batch_unit_ids(session: Session, batch: ImportBatch) -> set[int | None]:
    """Return the units of what undoing the batch touches, read from the database: its rows, the people they are
    about (an initiative's authors) and the people it added (None for a row or person without a unit)."""
    model = _ROWS[batch.kind]
    parts = [select(model.unit_id).where(model.batch_id == batch.id),
             select(Person.unit_id).where(Person.batch_id == batch.id)]
    if batch.kind == "sang_kien":
        parts.append(select(Person.unit_id).join(InitiativeAuthor, InitiativeAuthor.person_id == Person.id)
                     .join(InitiativeRecord, InitiativeRecord.id == InitiativeAuthor.initiative_id)
                     .where(InitiativeRecord.batch_id == batch.id))
    else:
        parts.append(select(Person.unit_id).join(model, model.person_id == Person.id).where(model.batch_id == batch.id))
    return set(session.execute(union(*parts)).scalars().all())


def require_undo_scope(session: Session, actor: Actor, batch: ImportBatch) -> None:
    """Refuse a unit account a batch it did not import, or one that touches a row or person outside its unit (read
    from the rows now, not from who imported it: an account moved to another unit keeps its old batches)."""
    if actor.role == Role.DON_VI and batch.user_id != actor.id:
        raise PermissionDenied("Tài khoản đơn vị chỉ hoàn tác được lô do chính mình nhập.")
    units = batch_unit_ids(session, batch)
    require_scope(actor, "nhap_danh_sach", unit_ids=units or {actor.unit_id},  # an emptied batch touches no unit
                  message=f"Lô số {batch.id} có dòng thuộc đơn vị khác: tài khoản đơn vị chỉ hoàn tác được lô của "
                          "chính đơn vị mình.")
