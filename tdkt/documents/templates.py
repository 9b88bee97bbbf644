"""The Office's own templates: per kind of draft and year, download the built-in one, upload an edited one back
(checked as any uploaded .docx is, then as a template: its syntax, and every field among the kind's), or go back to
the built-in one. Stored in the file store under their SHA-256, a row per kind and year; audited."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

import pandas as pd
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session, select

from tdkt.core import audit
from tdkt.core.document_tables import DocumentTemplate
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.models import utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_datetime
from tdkt.documents.builtin import builtin_template
from tdkt.documents.fields import DRAFT_KINDS, fields_of
from tdkt.documents.register import kind_label, store_of
from tdkt.submissions.attachments import FORMATS, clean_name, size_text, sniff

TEMPLATE_LIMIT = 5 * 1024 * 1024  # bytes: a letterhead's logo fits; a template is no archive of pictures
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateRefused(Refused):
    """An uploaded template that cannot be used; the message names the file and what to fix."""


def sandbox() -> SandboxedEnvironment:
    """The Jinja environment templates are parsed and rendered in: sandboxed (an uploaded template runs no code)
    and escaping what it writes into the document's XML (a name with “&” or “<” stays text)."""
    return SandboxedEnvironment(autoescape=True)


def _kind(kind: str) -> str:
    if kind not in DRAFT_KINDS:
        raise Refused(f"Không có mẫu cho loại văn bản “{kind}”: chọn một trong {', '.join(DRAFT_KINDS)}.")
    return kind


def check_template(data: bytes, *, kind: str, name: str) -> None:
    """Refuse a template whose syntax docxtpl cannot read or that uses a field the kind does not have (named)."""
    known = fields_of(_kind(kind))
    try:
        used = DocxTemplate(BytesIO(data)).get_undeclared_template_variables(jinja_env=sandbox())
    except TemplateError as error:
        line = f" (dòng {error.lineno} của nội dung mẫu)" if getattr(error, "lineno", None) else ""
        raise TemplateRefused(f"Mẫu “{name}” có trường viết sai cú pháp{line}: {error.message or error}. Kiểm tra "
                              "các cặp {{ }} và {% %} trong mẫu rồi tải lên lại.") from None
    except Exception as error:  # a .docx python-docx cannot open as a document
        raise TemplateRefused(f"Mẫu “{name}” không mở được như một tài liệu Word ({error.__class__.__name__}). "
                              "Lưu lại thành .docx trong Word rồi tải lên lại.") from None
    unknown = sorted(used - set(known))
    if unknown:
        names = ", ".join(f"“{u}”" for u in unknown)
        raise TemplateRefused(f"Mẫu “{name}” dùng trường không có trong mẫu {kind_label(kind).lower()}: {names}. "
                              "Sửa lại cho đúng tên trường (xem danh sách các trường trên trang Văn bản) rồi tải "
                              "lên lại.")


def _row(session: Session, kind: str, year: int) -> DocumentTemplate | None:
    return session.exec(select(DocumentTemplate).where(DocumentTemplate.kind == kind,
                                                       DocumentTemplate.year == year)).first()


def template_bytes(session: Session, *, kind: str, year: int, store: FileStore | None = None) -> tuple[bytes, bool]:
    """Return the template a draft of this kind and year is made from and whether it is the Office's own."""
    row = _row(session, _kind(kind), year)
    if row is None:
        return builtin_template(kind), False
    return (store or store_of()).read(row.sha256), True


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """A template to hand out: its file name and bytes."""

    file_name: str
    data: bytes
    own: bool
    media_type: str = DOCX


def download_template(session: Session, actor: Actor | None, *, kind: str, year: int,
                      builtin: bool = False, store: FileStore | None = None) -> TemplateFile:
    """Return the template in use for a kind and year (the built-in one when `builtin`), for the Office to edit."""
    require(actor, "soan_van_ban")
    if builtin:
        return TemplateFile(f"mau_{_kind(kind)}.docx", builtin_template(kind), False)
    data, own = template_bytes(session, kind=kind, year=year, store=store)
    return TemplateFile(f"mau_{kind}_{year}.docx", data, own)


def upload_template(session: Session, actor: Actor | None, *, kind: str, year: int, stream: BinaryIO,
                    file_name: str, store: FileStore | None = None) -> DocumentTemplate:
    """Keep the Office's template of a kind for a year, replacing the one before: checked by its bytes (a real
    .docx within the zip bounds, no macros) and as a template; audited."""
    require(actor, "soan_van_ban")
    _kind(kind)
    store = store or store_of()
    name = (file_name or "").strip() or "mau.docx"
    if getattr(stream, "seekable", lambda: False)():
        stream.seek(0)
    with store.receive(stream, limit=TEMPLATE_LIMIT, name=name) as incoming:
        found = sniff(incoming, name=name, limit=TEMPLATE_LIMIT)
        if found != "docx":
            raise TemplateRefused(f"Mẫu “{name}” là {FORMATS[found].label}, không phải tài liệu Word (.docx): tải "
                                  "mẫu có sẵn về, sửa trong Word rồi lưu dạng .docx.")
        check_template(incoming.path.read_bytes(), kind=kind, name=name)
        store.keep(incoming)
    row = _row(session, kind, year)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = DocumentTemplate(year=year, kind=kind, file_name="", sha256="", size=0)
    row.file_name, row.sha256, row.size = clean_name(name, "docx"), incoming.sha256, incoming.size
    row.uploaded_by = actor.id
    row.uploaded_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, "tai_len_mau_van_ban", "mau_van_ban", row.id,
                 f"Tải lên mẫu “{kind_label(kind)}” năm {year} ({row.file_name}, {size_text(row.size)}).",
                 before=before, after=audit.snapshot(row))
    return row


def reset_template(session: Session, actor: Actor | None, *, kind: str, year: int) -> bool:
    """Go back to the built-in template of a kind for a year; return False when the Office had none; audited."""
    require(actor, "soan_van_ban")
    row = _row(session, _kind(kind), year)
    if row is None:
        return False
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "bo_mau_van_ban", "mau_van_ban", row.id,
                 f"Bỏ mẫu riêng “{kind_label(kind)}” năm {year}, dùng lại mẫu có sẵn.", before=before)
    return True


def templates_of(session: Session, *, year: int) -> pd.DataFrame:
    """Return each kind of draft with the template in use for the year: kind, kind_label, own, file_name,
    uploaded_at_text."""
    rows = {r.kind: r for r in session.exec(select(DocumentTemplate).where(DocumentTemplate.year == year)).all()}
    return pd.DataFrame([{
        "kind": kind, "kind_label": kind_label(kind), "own": kind in rows,
        "file_name": rows[kind].file_name if kind in rows else "Mẫu có sẵn",
        "uploaded_at_text": format_datetime(rows[kind].uploaded_at) if kind in rows else ""}
        for kind in DRAFT_KINDS], columns=["kind", "kind_label", "own", "file_name", "uploaded_at_text"])
