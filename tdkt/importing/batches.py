"""Import batches of either importer: their states, the refusal to write or undo one, earlier batches of one file."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tdkt.core.cell_issues import ImportIssue
from tdkt.core.errors import Refused
from tdkt.core.models import ImportBatch

DONE = "da_nhap"
UNDONE = "da_hoan_tac"
BATCH_STATUS_LABELS = {DONE: "Đã nhập", UNDONE: "Đã hoàn tác"}


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
