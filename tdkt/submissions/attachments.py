"""Dossier documents: upload (checked by their bytes and size), list, download and delete, per nomination or per
unit's submission of a year, scoped by unit on the server and audited.

Who: the Office attaches to any nomination or unit; a unit account only to its own unit's nominations and
submission, and only while that submission is neither submitted nor accepted (`tdkt.core.submission_guard`).
Reading follows the nominations: a unit account sees its own unit's documents, everyone else all of them.
The file goes to the store first, then the row and its audit entry in the caller's transaction: a row never lacks
its file (an orphan file is swept later, `sweep`).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards.checklist import DOCUMENT_KINDS, LIST_KINDS, OTHER, kind_label
from tdkt.core import audit
from tdkt.core.attachment_tables import Attachment
from tdkt.core.config import Settings
from tdkt.core.document_tables import DocumentTemplate, GeneratedDocument
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore, Incoming
from tdkt.core.models import Nomination, Person, Role, Unit, User
from tdkt.core.permissions import ACTION_LABELS, Actor, PermissionDenied, can, require
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.core.submission_guard import SubmissionHeld, require_unit_can_change
from tdkt.core.text import format_datetime, format_number
from tdkt.importing.zip_checks import (
    INFLATED_PER_UPLOAD_BYTE,
    MAX_MEMBERS,
    MAX_RATIO,
    MIN_INFLATED_BUDGET,
    RATIO_CHECKED_FROM,
)


class AttachmentRefused(Refused):
    """A document was refused (its kind, size or bytes, or who asked); the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class FileFormat:
    """An accepted file format: what users call it, its media type and the file name endings that fit it."""

    label: str
    media_type: str
    endings: tuple[str, ...]


FORMATS = {
    "pdf": FileFormat("PDF", "application/pdf", (".pdf",)),
    "docx": FileFormat("tài liệu Word (.docx)",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": FileFormat("bảng tính Excel (.xlsx)",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "png": FileFormat("ảnh PNG", "image/png", (".png",)),
    "jpeg": FileFormat("ảnh JPEG", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
}
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx) hoặc ảnh PNG, JPEG"
UPLOAD_TYPES = sorted({e.lstrip(".") for f in FORMATS.values() for e in f.endings})  # for the page's uploader
_MAIN_PART = {  # the content type of the main part each accepted Office format declares in [Content_Types].xml
    "docx": ("word/document.xml", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_CONTENT_TYPES_LIMIT = 1 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
COLUMNS = ["id", "kind", "kind_label", "file_name", "size", "size_text", "uploaded_at", "uploaded_at_text",
           "uploaded_by", "nomination_id", "year", "unit_id", "on_submission"]


def store_of(settings: Settings) -> FileStore:
    """Return the file store the settings name (TDKT_FILE_STORE, else data/files)."""
    return FileStore(settings.file_store)


def limit_of(settings: Settings) -> int:
    """Return the largest document accepted, in bytes (TDKT_ATTACHMENT_LIMIT_MB)."""
    return int(settings.attachment_limit_mb * 1024 * 1024)


def _refuse(name: str, why: str) -> AttachmentRefused:
    return AttachmentRefused(f"Tệp “{name}” {why}")


def _what_else(head: bytes) -> str:
    """Name what a refused file looks like, for the message ("" when unknown)."""
    kinds = [(head.startswith(b"MZ"), "chương trình chạy được (.exe)"), (head.startswith(b"\x7fELF"), "chương trình"),
             (head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")), "tệp nén"),
             (head.startswith((b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")), "ảnh không thuộc PNG, JPEG"),
             (head.startswith(b"{\\rtf"), "văn bản RTF")]
    lowered = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    kinds.append((lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")), "trang HTML/XML"))
    return next((f", mà là {kind}" for hit, kind in kinds if hit), "")


def _check_zip(incoming: Incoming, name: str, limit: int) -> str:
    """Return "docx" or "xlsx" for a zip that is one (the main part declared and present, no macros, no password,
    sizes within the same bounds as an imported workbook's), or refuse it."""
    corrupt = _refuse(name, "bị hỏng hoặc chưa tải lên hết. Mở tệp trên máy để kiểm tra, lưu lại rồi tải lên lại.")
    try:
        with zipfile.ZipFile(incoming.path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > max(
                    MIN_INFLATED_BUDGET, INFLATED_PER_UPLOAD_BYTE * limit) or any(
                    i.file_size > RATIO_CHECKED_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1)
                    for i in infos):
                raise _refuse(name, "có dữ liệu nén bất thường (giải nén ra lớn hơn nhiều so với tệp) nên không "
                                    "được nhận. Lưu lại tài liệu thành PDF rồi tải lên.")
            if any(i.flag_bits & 0x1 for i in infos):
                raise _refuse(name, "được đặt mật khẩu. Gỡ mật khẩu rồi tải lên lại.")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise _refuse(name, "chứa macro (.docm, .xlsm) nên không được nhận. Lưu lại thành .docx, .xlsx "
                                    "hoặc PDF rồi tải lên.")
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > _CONTENT_TYPES_LIMIT:
                raise corrupt
            declared = archive.read(types)
    except AttachmentRefused:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise corrupt from None
    for kind, (part, content_type) in _MAIN_PART.items():
        if part in names and content_type in declared:
            return kind
    if b"macroEnabled" in declared:
        raise _refuse(name, "chứa macro (.docm, .xlsm) nên không được nhận. Lưu lại thành .docx, .xlsx hoặc PDF.")
    what = ", mà là bản trình chiếu PowerPoint" if "ppt/presentation.xml" in names else (
        ", mà là tài liệu OpenDocument" if "mimetype" in names else ", mà là tệp nén ZIP")
    raise _refuse(name, f"không phải {ACCEPTED}{what}. Lưu lại thành PDF hoặc .docx, .xlsx rồi tải lên.")


def sniff(incoming: Incoming, *, name: str, limit: int) -> str:
    """Return the format of a received file ("pdf", "docx", "xlsx", "png", "jpeg") read from its bytes, or refuse it
    (not one of them, damaged or cut short, macros, a password, a name ending that says another format)."""
    if incoming.size == 0:
        raise _refuse(name, "trống (0 byte). Kiểm tra lại tệp trên máy rồi tải lên lại.")
    head, tail = incoming.head(), incoming.tail(4096)
    cut = _refuse(name, "bị hỏng hoặc chưa tải lên hết. Mở tệp trên máy để kiểm tra, lưu lại rồi tải lên lại.")
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in tail:  # every PDF ends with it (a few bytes may follow): else it was cut short
            raise cut
        found = "pdf"
    elif head.startswith(_PNG):
        if head[12:16] != b"IHDR" or _PNG_END not in tail:
            raise cut
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        if b"\xff\xd9" not in tail:
            raise cut
        found = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        found = _check_zip(incoming, name, limit)
    elif head.startswith(_OLE):
        raise _refuse(name, "là tài liệu Office dạng cũ (.doc, .xls) hoặc được đặt mật khẩu. Gỡ mật khẩu, lưu lại "
                            "thành .docx, .xlsx hoặc PDF rồi tải lên.")
    else:
        raise _refuse(name, f"không phải {ACCEPTED}{_what_else(head)}.")
    ending = _ending(name)
    owner = next((k for k, f in FORMATS.items() if ending in f.endings), None)
    if ending and owner != found:
        said = FORMATS[owner].label if owner else f"đuôi “{ending}”"
        raise _refuse(name, f"mang tên của {said} nhưng nội dung là {FORMATS[found].label}: đuôi tệp không khớp "
                            f"nội dung. Đổi tên tệp cho đúng (đuôi {FORMATS[found].endings[0]}) rồi tải lên lại.")
    return found


def _ending(name: str) -> str:
    stem, dot, ending = name.rpartition(".")
    return f".{ending.lower()}" if dot and stem and " " not in ending and len(ending) <= 5 else ""


def clean_name(raw: str | None, fmt: str) -> str:
    """Return the user's file name fit to keep and offer back: no folders, no control characters, NFC, at most 255
    characters, ending as its format does."""
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", raw or "")[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .") or "tai_lieu"
    if not _ending(name):
        name += FORMATS[fmt].endings[0]
    stem, _, ending = name.rpartition(".")
    return f"{stem[:250 - len(ending)]}.{ending}" if len(name) > 255 else name


@dataclass(frozen=True, slots=True)
class _Target:
    year: int
    unit_id: int | None
    nomination_id: int | None
    label: str  # "đề nghị “LĐTT” của Nguyễn Văn An" or "hồ sơ năm 2025 của Phòng X"


def _nomination_target(session: Session, nomination_id: int) -> _Target:
    found = session.exec(select(Nomination, Person.full_name, Unit.name)
                         .join(Person, Nomination.person_id == Person.id, isouter=True)
                         .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
                         .where(Nomination.id == nomination_id)).first()
    if found is None:
        raise AttachmentRefused(f"Không tìm thấy đề nghị số {nomination_id}.")
    nomination, person, _unit = found
    return _Target(nomination.year, nomination.unit_id, nomination.id,
                   f"đề nghị số {nomination.id} ({person or nomination.collective_name or 'không tên'})")


def _submission_target(session: Session, year: int | None, unit_id: int | None) -> _Target:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None or year is None:
        raise AttachmentRefused("Chọn đơn vị và năm của hồ sơ cần đính kèm tài liệu.")
    return _Target(year, unit.id, None, f"hồ sơ năm {year} của {unit.name}")


def _target(session: Session, nomination_id: int | None, year: int | None, unit_id: int | None) -> _Target:
    if nomination_id is not None:
        return _nomination_target(session, nomination_id)
    return _submission_target(session, year, unit_id)


def _require_change(session: Session, actor: Actor | None, target: _Target) -> None:
    """Refuse unless the actor may change the target's documents now (unit scope, then the submission's state)."""
    require(actor, "dinh_kem_ho_so", unit_ids={target.unit_id} if target.unit_id is not None else set())
    require_unit_can_change(session, actor, year=target.year, unit_ids=[target.unit_id])


def change_refusal(session: Session, actor: Actor | None, *, nomination_id: int | None = None,
                   year: int | None = None, unit_id: int | None = None) -> str | None:
    """Return why the actor may not attach or delete documents here now (None when it may), for the page to say so
    instead of offering buttons the server would refuse (`add` and `delete` check the same, and refuse)."""
    target = _target(session, nomination_id, year, unit_id)
    if actor is None:
        return "Bạn cần đăng nhập để thực hiện thao tác này."
    if not can(actor, "dinh_kem_ho_so", unit_ids={target.unit_id} if target.unit_id is not None else set()):
        return ("Tài khoản đơn vị chỉ đính kèm, xóa được tài liệu của chính đơn vị mình." if actor.role == Role.DON_VI
                else f"Vai trò “{actor.role.label}” không có quyền {ACTION_LABELS['dinh_kem_ho_so']}.")
    try:
        require_unit_can_change(session, actor, year=target.year, unit_ids=[target.unit_id])
    except SubmissionHeld as held:
        return str(held)
    return None


def _require_see(actor: Actor | None, unit_id: int | None) -> None:
    require(actor, "xem")
    if actor.role == Role.DON_VI and (actor.unit_id is None or unit_id != actor.unit_id):
        raise PermissionDenied("Tài khoản đơn vị chỉ xem, tải được tài liệu của chính đơn vị mình.")


def add(session: Session, actor: Actor | None, store: FileStore, *, stream: BinaryIO, file_name: str, kind: str,
        limit: int, nomination_id: int | None = None, year: int | None = None,
        unit_id: int | None = None) -> Attachment:
    """Attach a document of `kind` to a nomination, or (no nomination) to a unit's submission of a year: checked by
    its bytes and size, stored under its SHA-256, then recorded and audited in the caller's transaction."""
    if kind not in DOCUMENT_KINDS:
        raise AttachmentRefused(f"Loại tài liệu “{kind}” không có trong thành phần hồ sơ.")
    target = _target(session, nomination_id, year, unit_id)
    if target.nomination_id is None and kind not in LIST_KINDS | {OTHER}:
        raise AttachmentRefused(f"“{kind_label(kind, year=target.year)}” là tài liệu của từng đề nghị: đính kèm vào "
                                "đề nghị đó, không vào hồ sơ chung của đơn vị.")
    _require_change(session, actor, target)  # before a byte of the file is read
    name = (file_name or "").strip() or "tai_lieu"
    if getattr(stream, "seekable", lambda: False)():  # Streamlit's upload may be read already by a rerun
        stream.seek(0)
    with store.receive(stream, limit=limit, name=name) as incoming:
        fmt = sniff(incoming, name=name, limit=limit)
        store.keep(incoming)
    row = Attachment(year=target.year, unit_id=target.unit_id, nomination_id=target.nomination_id, kind=kind,
                     sha256=incoming.sha256, size=incoming.size, media_type=FORMATS[fmt].media_type,
                     file_name=clean_name(name, fmt), uploaded_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "them_tai_lieu", "tai_lieu", row.id,
                 f"Đính kèm “{kind_label(kind, year=target.year)}” ({row.file_name}, {size_text(row.size)}) vào "
                 f"{target.label}.", after=audit.snapshot(row))
    return row


def size_text(size: int) -> str:
    """Return a file size for people: "850 KB", "1,2 MB"."""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def listing(session: Session, actor: Actor | None, *, nomination_id: int | None = None, year: int | None = None,
            unit_id: int | None = None) -> pd.DataFrame:
    """Return the documents of a nomination, or of a unit's submission of a year (those on no nomination), newest
    first; a unit account only its own unit's. Columns: COLUMNS."""
    target = _target(session, nomination_id, year, unit_id)
    _require_see(actor, target.unit_id)
    stmt = select(Attachment, User.display_name).join(User, Attachment.uploaded_by == User.id, isouter=True)
    if target.nomination_id is not None:
        stmt = stmt.where(Attachment.nomination_id == target.nomination_id)
    else:
        stmt = stmt.where(Attachment.year == target.year, Attachment.unit_id == target.unit_id,
                          col(Attachment.nomination_id).is_(None))
    rows = session.exec(stmt.order_by(col(Attachment.uploaded_at).desc(), col(Attachment.id).desc())).all()
    return pd.DataFrame([{
        "id": a.id, "kind": a.kind, "kind_label": kind_label(a.kind, year=a.year), "file_name": a.file_name,
        "size": a.size, "size_text": size_text(a.size), "uploaded_at": a.uploaded_at,
        "uploaded_at_text": format_datetime(a.uploaded_at), "uploaded_by": by or "", "nomination_id": a.nomination_id,
        "year": a.year, "unit_id": a.unit_id, "on_submission": a.nomination_id is None} for a, by in rows],
        columns=COLUMNS)


def _attachment(session: Session, attachment_id: int) -> tuple[Attachment, _Target]:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise AttachmentRefused("Không tìm thấy tài liệu này (có thể đã bị xóa).")
    # Who may see or change it follows the nomination as it is now (its unit read from the row), not the copy.
    return row, _target(session, row.nomination_id, row.year, row.unit_id)


@dataclass(frozen=True, slots=True)
class Download:
    """A document to hand back: the name it was uploaded with, its media type and bytes."""

    file_name: str
    media_type: str
    data: bytes


def download(session: Session, actor: Actor | None, store: FileStore, *, attachment_id: int) -> Download:
    """Return a document's bytes to someone allowed to see its nomination (or submission); audited."""
    row, target = _attachment(session, attachment_id)
    _require_see(actor, target.unit_id)
    data = store.read(row.sha256)
    audit.record(session, actor, "tai_tai_lieu", "tai_lieu", row.id,
                 f"Tải xuống “{row.file_name}” ({kind_label(row.kind, year=row.year)}) của {target.label}.")
    return Download(row.file_name, row.media_type, data)


def delete(session: Session, actor: Actor | None, *, attachment_id: int) -> None:
    """Delete a document (whoever may change its nomination or submission now); audited. The file stays in the
    store until `sweep` finds no row refers to it."""
    row, target = _attachment(session, attachment_id)
    _require_change(session, actor, target)
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "xoa_tai_lieu", "tai_lieu", row.id,
                 f"Xóa “{kind_label(row.kind, year=row.year)}” ({row.file_name}) khỏi {target.label}.", before=before)


def referenced(session: Session) -> set[str]:
    """Return the SHA-256 of every file a row refers to: attachments, the Office's templates, generated documents."""
    found = set(session.exec(select(Attachment.sha256).distinct()).all())
    for table in (DocumentTemplate, GeneratedDocument):
        found |= set(session.exec(select(table.sha256).distinct()).all())
    found |= set(session.exec(select(ScoreEntry.evidence_sha256).where(  # cluster scoring's evidence
        col(ScoreEntry.evidence_sha256).is_not(None)).distinct()).all())
    return found


def sweep(session: Session, store: FileStore, *, dry_run: bool = False, age: float | None = None) -> list[str]:
    """Remove the store's files no attachment refers to (older than a day by default); return their hashes."""
    keep = referenced(session)
    return store.sweep(keep, dry_run=dry_run) if age is None else store.sweep(keep, dry_run=dry_run, age=age)
