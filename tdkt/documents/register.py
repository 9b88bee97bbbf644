"""The register of generated documents: every draft, certificate or form the app made, who made it and when, its
bytes kept in the file store under their SHA-256 so that it can be downloaded again exactly as it was; audited."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.config import Settings
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.models import Role
from tdkt.core.permissions import Actor, PermissionDenied, require
from tdkt.core.text import format_datetime
from tdkt.submissions.attachments import clean_name, size_text

# The kinds of document, as the command line names them (a hyphen) and the register stores them (an underscore).
KIND_LABELS = {
    "to_trinh": "Tờ trình đề nghị khen thưởng",
    "danh_sach": "Danh sách kèm theo",
    "quyet_dinh": "Quyết định khen thưởng của Giám đốc Sở",
    "cong_khai": "Thông báo công khai danh sách đề nghị khen thưởng",
    "giay_khen": "Giấy khen",
    "giay_chung_nhan": "Giấy chứng nhận danh hiệu thi đua",
}
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = ["id", "year", "kind", "kind_label", "file_name", "size", "size_text", "created_by", "created_at",
           "created_at_text", "detail", "sha256"]
_KIND = re.compile(r"[a-z0-9_]{1,32}")


def normal_kind(kind: str) -> str:
    """Return the stored form of a kind ("to-trinh" → "to_trinh"), or refuse one that cannot be a kind."""
    stored = (kind or "").strip().lower().replace("-", "_")
    if not _KIND.fullmatch(stored):
        raise Refused(f"Loại văn bản “{kind}” không hợp lệ.")
    return stored


def kind_label(kind: str) -> str:
    """Return a kind's Vietnamese name (a kind the app does not name: its code, e.g. a form's "bieu_0601")."""
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def store_of() -> FileStore:
    """Return the file store the environment names (TDKT_FILE_STORE, else data/files)."""
    return FileStore(Settings.from_env().file_store)


def record_generated(session: Session, actor: Actor | None, *, year: int, kind: str, filename: str, content: bytes,
                     detail: str | None = None, store: FileStore | None = None) -> None:
    """Keep a generated document's bytes in the file store (the environment's unless given) and record it (year,
    kind, file name, who, when, size, SHA-256, the options it was made with) with its audit entry, in the caller's
    transaction."""
    require(actor, "soan_van_ban")
    stored_kind = normal_kind(kind)
    store = store or store_of()
    with store.receive(io.BytesIO(content), limit=max(len(content), 1), name=filename) as incoming:
        store.keep(incoming)
    ending = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    name = clean_name(filename, ending if ending in ("docx", "pdf", "xlsx") else "docx")
    row = GeneratedDocument(year=year, kind=stored_kind, file_name=name, sha256=incoming.sha256,
                            size=len(content), created_by=actor.id, created_by_name=actor.username,
                            detail=detail or None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "tao_van_ban", "van_ban", row.id,
                 f"Tạo “{kind_label(stored_kind)}” năm {year} ({row.file_name}, {size_text(row.size)}).",
                 after=audit.snapshot(row))


def may_read(actor: Actor | None) -> bool:
    """Return True when the actor may see the register (every signed-in role but a unit's account)."""
    return actor is not None and actor.role != Role.DON_VI


def _require_see(actor: Actor | None) -> None:
    require(actor, "xem")
    if not may_read(actor):
        raise PermissionDenied("Danh sách văn bản của Sở chỉ dành cho Văn phòng và Lãnh đạo Sở.")


def listing(session: Session, actor: Actor | None, *, year: int) -> pd.DataFrame:
    """Return the documents generated for a year, newest first (the Office and leadership). Columns: COLUMNS."""
    _require_see(actor)
    rows = session.exec(select(GeneratedDocument).where(GeneratedDocument.year == year)
                        .order_by(col(GeneratedDocument.created_at).desc(), col(GeneratedDocument.id).desc())).all()
    return pd.DataFrame([{
        "id": r.id, "year": r.year, "kind": r.kind, "kind_label": kind_label(r.kind), "file_name": r.file_name,
        "size": r.size, "size_text": size_text(r.size), "created_by": r.created_by_name, "created_at": r.created_at,
        "created_at_text": format_datetime(r.created_at), "detail": r.detail or "", "sha256": r.sha256}
        for r in rows], columns=COLUMNS)


@dataclass(frozen=True, slots=True)
class Download:
    """A generated document to hand back again: its name, media type and bytes."""

    file_name: str
    media_type: str
    data: bytes


def media_type(file_name: str) -> str:
    """Return the media type of a generated file by its ending."""
    ending = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return MEDIA_TYPES.get(ending, "application/octet-stream")


def download(session: Session, actor: Actor | None, *, document_id: int, store: FileStore | None = None) -> Download:
    """Return a generated document's bytes as they were made (the Office and leadership); audited."""
    _require_see(actor)
    row = session.get(GeneratedDocument, document_id)
    if row is None:
        raise Refused("Không tìm thấy văn bản này trong danh sách đã tạo.")
    data = (store or store_of()).read(row.sha256)
    audit.record(session, actor, "tai_van_ban", "van_ban", row.id,
                 f"Tải lại “{kind_label(row.kind)}” năm {row.year} ({row.file_name}).")
    return Download(row.file_name, media_type(row.file_name), data)
