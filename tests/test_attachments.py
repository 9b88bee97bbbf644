"""Dossier documents: checked by their bytes and size, stored under their SHA-256, scoped by unit, audited."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook
from sqlmodel import select

from tdkt.core.attachment_tables import Attachment
from tdkt.core.db import read_session, write_session
from tdkt.core.file_store import FileStore, TooLarge
from tdkt.core.models import AuditLog, Award, Nomination, Person, Unit, User
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.core.submission_guard import SubmissionHeld
from tdkt.core.submission_tables import Submission
from tdkt.submissions import attachments
from tests.document_support import app_database
from tests.test_pages import signed_in

# Names a browser may send: built from parts, since the repository guard refuses literal paths outside the repo.
WINDOWS_UPLOAD_NAME = "\\".join(["C:", "Hồ sơ", "Báo cáo thành tích.pdf"])
TRAVERSAL_NAME = "/".join([os.pardir, os.pardir, "etc", "passwd"])

YEAR = 2025
LIMIT = 5 * 1024 * 1024


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def docx() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Báo cáo thành tích cá nhân")
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def macro_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(xlsx_file := io.BytesIO(xlsx())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    xlsx_file.close()
    return out.getvalue()


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "kho")


@pytest.fixture
def units(engine) -> list[int]:
    with read_session(engine) as session:
        return list(session.exec(select(Unit.id).where(Unit.kind == "phong").order_by(Unit.id)).all())


def nominate(engine, unit: int) -> int:
    with write_session(engine) as session:
        person = Person(full_name="Trần Thị Bình", name_key="tran thi binh", unit_id=unit)
        session.add(person)
        session.flush()
        award = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        nomination = Nomination(year=YEAR, target="ca_nhan", person_id=person.id, unit_id=unit, award_id=award)
        session.add(nomination)
        session.flush()
        return nomination.id


def add(engine, actor, store, data: bytes, name: str, *, kind: str = "bao_cao_thanh_tich", limit: int = LIMIT,
        **where) -> int:
    with write_session(engine) as session:
        return attachments.add(session, actor, store, stream=io.BytesIO(data), file_name=name, kind=kind,
                               limit=limit, **where).id


def stored_files(store: FileStore) -> list[str]:
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


def rows(engine) -> list[tuple]:
    with read_session(engine) as session:
        return [(a.kind, a.file_name, a.media_type, a.size) for a in session.exec(select(Attachment)).all()]


@pytest.mark.parametrize(("make", "name", "media_type"), [
    (pdf, "Tờ trình.pdf", "application/pdf"),
    (docx, "bao cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx, "danh_sach.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (png, "anh.png", "image/png"),
    (jpeg, "anh.jpeg", "image/jpeg"),
])
def test_each_accepted_format_is_stored_under_its_sha256_and_given_back_by_its_name(make, name, media_type, tmp_path):
    store = FileStore(tmp_path / "kho")
    content = make()  # once: a zip's members carry the time they were written, so a second make() can differ
    with store.receive(io.BytesIO(content), limit=LIMIT, name=name) as incoming:
        found = attachments.sniff(incoming, name=name, limit=LIMIT)
        sha = store.keep(incoming)
    assert attachments.FORMATS[found].media_type == media_type
    assert store.read(sha) == content
    assert store.path_of(sha) == store.root / sha[:2] / sha[2:4] / sha
    assert not list((store.root / ".incoming").iterdir())


def test_a_unit_attaches_to_its_own_nomination_and_reads_it_back_audited(engine, actors, store, units):
    unit = actors["don_vi"].unit_id
    nomination = nominate(engine, unit)
    attachment = add(engine, actors["don_vi"], store, pdf(), WINDOWS_UPLOAD_NAME,
                     nomination_id=nomination)
    assert rows(engine) == [("bao_cao_thanh_tich", "Báo cáo thành tích.pdf", "application/pdf", len(pdf()))]
    with write_session(engine) as session:
        got = attachments.download(session, actors["don_vi"], store, attachment_id=attachment)
        listed = attachments.listing(session, actors["lanh_dao"], nomination_id=nomination)
    assert (got.file_name, got.data) == ("Báo cáo thành tích.pdf", pdf())
    assert list(listed.kind_label) == ["Báo cáo thành tích theo mẫu Nghị định 152/2025/NĐ-CP"]
    with read_session(engine) as session:
        actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "tai_lieu")).all()
    assert actions == ["them_tai_lieu", "tai_tai_lieu"]


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"MZ\x90\x00" + b"\x00" * 200, "bao_cao.pdf", "không phải PDF, Word (.docx), Excel (.xlsx) hoặc ảnh PNG, JPEG, "
                                                   "mà là chương trình chạy được (.exe)"),
    (b"<html><body>x</body></html>", "to_trinh.docx", "mà là trang HTML/XML"),
    (None, "bao_cao.pdf", "mang tên của PDF nhưng nội dung là tài liệu Word (.docx)"),
    (pdf(), "anh.png", "mang tên của ảnh PNG nhưng nội dung là PDF"),
    (pdf(), "bao_cao.exe", "mang tên của đuôi “.exe” nhưng nội dung là PDF"),
    (pdf()[:-7], "cat_ngang.pdf", "bị hỏng hoặc chưa tải lên hết"),
    (macro_workbook(), "bang.xlsx", "chứa macro"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cu.doc", "dạng cũ (.doc, .xls)"),
])
def test_a_forged_or_broken_file_is_refused_by_its_bytes_and_nothing_is_kept(engine, actors, store, data, name, says):
    nomination = nominate(engine, actors["don_vi"].unit_id)
    with pytest.raises(attachments.AttachmentRefused) as refused:
        add(engine, actors["don_vi"], store, docx() if data is None else data, name, nomination_id=nomination)
    assert str(refused.value).startswith(f"Tệp “{name}” ") and says in str(refused.value)
    assert rows(engine) == []
    assert stored_files(store) == []


class CountingStream(io.RawIOBase):
    """An endless upload that counts what is read from it (and declares no size)."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 1 << 20 if n is None or n < 0 else n
        self.read_bytes += n
        return b"%" * n


def test_an_oversize_file_is_refused_before_it_is_read_whole(engine, actors, store):
    nomination = nominate(engine, actors["don_vi"].unit_id)
    stream = CountingStream()
    with pytest.raises(TooLarge, match="vượt giới hạn"), write_session(engine) as session:
        attachments.add(session, actors["don_vi"], store, stream=stream, file_name="lon.pdf", kind="bao_cao_thanh_tich",
                        limit=1000, nomination_id=nomination)
    assert stream.read_bytes == 1001
    declared = io.BytesIO(pdf())
    declared.size = 30 * 1024 * 1024  # what Streamlit's UploadedFile says of itself
    with pytest.raises(TooLarge, match="nặng 30 MB, vượt giới hạn 5 MB"), write_session(engine) as session:
        attachments.add(session, actors["don_vi"], store, stream=declared, file_name="lon.pdf", kind="to_trinh",
                        limit=LIMIT, nomination_id=nomination)
    assert declared.tell() == 0
    assert rows(engine) == [] and stored_files(store) == []


def test_a_zip_that_inflates_far_beyond_its_size_is_refused(engine, actors, store):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (11 * 1024 * 1024))
    nomination = nominate(engine, actors["don_vi"].unit_id)
    with pytest.raises(attachments.AttachmentRefused, match="nén bất thường"):
        add(engine, actors["don_vi"], store, out.getvalue(), "bom.docx", nomination_id=nomination)


def test_another_unit_cannot_see_download_attach_or_delete(engine, actors, store, units):
    own = actors["don_vi"].unit_id
    other = next(u for u in units if u != own)
    theirs = nominate(engine, other)
    attachment = add(engine, actors["van_phong"], store, pdf(), "bc.pdf", nomination_id=theirs)
    unit_user = actors["don_vi"]
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        attachments.download(session, unit_user, store, attachment_id=attachment)
    with pytest.raises(PermissionDenied), read_session(engine) as session:
        attachments.listing(session, unit_user, nomination_id=theirs)
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        attachments.delete(session, unit_user, attachment_id=attachment)
    with pytest.raises(PermissionDenied):
        add(engine, unit_user, store, pdf(), "x.pdf", kind="to_trinh", year=YEAR, unit_id=other)
    with pytest.raises(PermissionDenied):
        add(engine, actors["lanh_dao"], store, pdf(), "x.pdf", nomination_id=theirs)
    assert len(rows(engine)) == 1


def test_a_unit_changes_its_documents_only_while_its_submission_is_not_held(engine, actors, store):
    unit_user = actors["don_vi"]
    nomination = nominate(engine, unit_user.unit_id)
    cover = add(engine, unit_user, store, pdf(), "tt.pdf", kind="to_trinh", year=YEAR, unit_id=unit_user.unit_id)
    with write_session(engine) as session:
        session.add(Submission(year=YEAR, unit_id=unit_user.unit_id, state="da_nop", state_on=date(2025, 12, 10),
                               submitted_on=date(2025, 12, 10)))
    with pytest.raises(SubmissionHeld, match="thu hồi hồ sơ"), write_session(engine) as session:
        attachments.delete(session, unit_user, attachment_id=cover)
    with read_session(engine) as session:  # what the page says instead of offering the buttons
        assert "thu hồi hồ sơ" in attachments.change_refusal(session, unit_user, nomination_id=nomination)
        assert attachments.change_refusal(session, actors["van_phong"], nomination_id=nomination) is None
        assert attachments.change_refusal(session, actors["lanh_dao"], nomination_id=nomination) == (
            "Vai trò “Lãnh đạo” không có quyền đính kèm, xóa tài liệu của hồ sơ đề nghị khen thưởng.")
    with pytest.raises(SubmissionHeld):
        add(engine, unit_user, store, pdf(), "bc.pdf", nomination_id=nomination)
    with write_session(engine) as session:  # the Office still may
        attachments.delete(session, actors["van_phong"], attachment_id=cover)
        listed = attachments.listing(session, unit_user, year=YEAR, unit_id=unit_user.unit_id)
    assert listed.empty


def test_a_per_nomination_document_is_not_taken_on_the_submission(engine, actors, store):
    unit = actors["don_vi"].unit_id
    with pytest.raises(attachments.AttachmentRefused, match="tài liệu của từng đề nghị"):
        add(engine, actors["don_vi"], store, pdf(), "bc.pdf", kind="bao_cao_thanh_tich", year=YEAR, unit_id=unit)
    add(engine, actors["don_vi"], store, pdf(), "bb.pdf", kind="bien_ban", year=YEAR, unit_id=unit)
    with read_session(engine) as session:
        frame = attachments.listing(session, actors["don_vi"], year=YEAR, unit_id=unit)
    assert list(frame.file_name) == ["bb.pdf"] and frame.on_submission.all()


def test_deleting_a_nomination_takes_its_documents_and_the_sweep_removes_the_orphan_file(engine, actors, store):
    nomination = nominate(engine, actors["don_vi"].unit_id)
    add(engine, actors["don_vi"], store, png(), "anh.png", kind="khac", nomination_id=nomination)
    kept = add(engine, actors["don_vi"], store, pdf(), "tt.pdf", kind="to_trinh", year=YEAR,
               unit_id=actors["don_vi"].unit_id)
    with write_session(engine) as session:
        session.delete(session.get(Nomination, nomination))
    assert [r[1] for r in rows(engine)] == ["tt.pdf"]
    with read_session(engine) as session:
        assert attachments.sweep(session, store, age=3600) == []  # too young: an upload may still count on it
        removed = attachments.sweep(session, store, age=-1)
        sha = session.get(Attachment, kept).sha256
    assert len(removed) == 1 and stored_files(store) == [sha]


def test_file_names_lose_folders_and_control_characters_and_gain_the_formats_ending():
    assert attachments.clean_name(TRAVERSAL_NAME, "pdf") == "passwd.pdf"
    assert attachments.clean_name("a\x00b<c>.docx", "docx") == "abc.docx"
    assert attachments.clean_name("", "jpeg") == "tai_lieu.jpg"
    long = attachments.clean_name("x" * 400 + ".pdf", "pdf")
    assert len(long) <= 255 and long.endswith("x.pdf")


# The attachments section under AppTest, on both engines: a unit attaches, is refused a forged file, deletes; a
# reader downloads only.
PAGE = "pages/ho_so.py"
PAGE_YEAR = 2024  # the seeded plan's year, which the page opens on


@pytest.fixture
def app_db(db_url, tmp_path, monkeypatch):
    yield from app_database(db_url, tmp_path, monkeypatch)


def page_nomination(app_db) -> int:
    with write_session(app_db["engine"]) as session:
        person = Person(full_name="Lê Văn Cường", name_key="le van cuong", unit_id=app_db["unit"])
        session.add(person)
        session.flush()
        award = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        nomination = Nomination(year=PAGE_YEAR, target="ca_nhan", person_id=person.id, unit_id=app_db["unit"],
                                award_id=award)
        session.add(nomination)
        session.flush()
        return nomination.id


def attach_through_the_page(at, nomination: int, name: str, data: bytes, kind: str, round_: int = 0):
    at.radio(key=f"tai_lieu_{nomination}_kind_{round_}").set_value(kind)
    at.file_uploader(key=f"tai_lieu_{nomination}_file_{round_}").set_value((name, data, "application/octet-stream"))
    return next(b for b in at.button if b.label == "Đính kèm").click().run()


def test_a_unit_attaches_is_refused_a_forged_file_and_deletes_through_the_page(app_db):
    nomination = page_nomination(app_db)
    at = signed_in(app_db, "don_vi", PAGE)
    assert not at.exception
    assert any(w.value.startswith("Hồ sơ còn thiếu: Tờ trình đề nghị khen thưởng; Báo cáo thành tích theo mẫu "
                                  "Nghị định 98/2023/NĐ-CP") for w in at.warning)
    at = attach_through_the_page(at, nomination, "bao_cao.pdf", b"MZ" + b"\x00" * 100, "bao_cao_thanh_tich")
    assert not at.exception
    assert any("Tệp “bao_cao.pdf” không phải PDF" in e.value for e in at.error)
    at = attach_through_the_page(at, nomination, "bao_cao.pdf", pdf(), "bao_cao_thanh_tich")
    assert not at.exception
    assert "Đã đính kèm “bao_cao.pdf”." in [s.value for s in at.success]
    assert rows(app_db["engine"]) == [("bao_cao_thanh_tich", "bao_cao.pdf", "application/pdf", len(pdf()))]
    assert len(stored_files(app_db["store"])) == 1
    assert [d.label for d in at.get("download_button")][-1] == "Tải xuống"
    with read_session(app_db["engine"]) as session:
        attachment = session.exec(select(Attachment.id)).one()
    at.button(key=f"tai_lieu_{nomination}_xoa_{attachment}").click().run()
    assert not at.exception
    assert "Đã xóa “bao_cao.pdf”." in [s.value for s in at.success]
    assert rows(app_db["engine"]) == []


def test_a_reader_sees_and_downloads_the_documents_but_cannot_change_them(app_db, tmp_path):
    nomination = page_nomination(app_db)
    with write_session(app_db["engine"]) as session:
        office = session.get(User, app_db["users"]["van_phong"])
        attachments.add(session, Actor.of(office), app_db["store"], stream=io.BytesIO(pdf()), file_name="tt.pdf",
                        kind="to_trinh", limit=LIMIT, nomination_id=nomination)
    at = signed_in(app_db, "lanh_dao", PAGE)
    assert not at.exception
    assert [d.label for d in at.get("download_button")][-1:] == ["Tải xuống"]
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.label in ("Xóa", "Đính kèm")]


def test_a_unit_attaches_its_cover_letter_on_tiep_nhan_and_no_more_once_submitted(app_db):
    key = f"tiep_nhan_tai_lieu_{app_db['unit']}_{PAGE_YEAR}"
    at = signed_in(app_db, "don_vi", "pages/tiep_nhan.py")
    assert not at.exception
    at.radio(key=f"{key}_kind_0").set_value("to_trinh")
    at.file_uploader(key=f"{key}_file_0").set_value(("To trinh.pdf", pdf(), "application/pdf"))
    next(b for b in at.button if b.label == "Đính kèm").click().run()
    assert "Đã đính kèm “To trinh.pdf”." in [s.value for s in at.success]
    assert rows(app_db["engine"]) == [("to_trinh", "To trinh.pdf", "application/pdf", len(pdf()))]
    at.button(key="tiep_nhan_submit").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.label in ("Đính kèm", "Xóa")]
    assert any("thu hồi hồ sơ" in i.value for i in at.info)
