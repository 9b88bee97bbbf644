"""The Office's own templates: the built-in one downloaded, edited (a field's surrounding text changed, a field split
across runs as Word does), uploaded and used for the year; an unknown field, a bad syntax, a non-.docx, a macro file,
an oversized one refused saying what; code in a template never runs; back to the built-in one."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.document_tables import DocumentTemplate
from tdkt.core.errors import Refused
from tdkt.core.models import AuditLog
from tdkt.core.permissions import PermissionDenied
from tdkt.documents import drafts, templates
from tdkt.documents.fields import DRAFT_KINDS, fields_of
from tests.documents_support import YEAR, add_year, texts

DAY = date(2025, 12, 20)


@pytest.fixture
def office(engine, actors, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    add_year(engine)
    return actors["van_phong"]


def edited(kind: str = "quyet_dinh", *, replace: tuple[str, str] | None = None, split: str | None = None,
           extra: str | None = None) -> bytes:
    """The built-in template edited with python-docx: a paragraph's text replaced, a field cut in three runs, or a
    paragraph added."""
    document = Document(io.BytesIO(templates.builtin_template(kind)))
    for paragraph in document.paragraphs:
        if replace and replace[0] in paragraph.text:
            paragraph.runs[0].text = paragraph.text.replace(*replace)
            for extra_run in paragraph.runs[1:]:
                extra_run.text = ""
        if split and paragraph.text == split:
            first = paragraph.runs[0]
            first.text = split[:4]
            middle = paragraph.add_run(split[4:9])
            middle.bold = True  # a formatting change in the middle, as Word makes when one letter is retyped
            paragraph.add_run(split[9:])
    if extra:
        document.add_paragraph(extra)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(engine, actor, data: bytes, *, kind: str = "quyet_dinh", name: str = "mau_quyet_dinh.docx"):
    with write_session(engine) as session:
        return templates.upload_template(session, actor, kind=kind, year=YEAR, stream=io.BytesIO(data),
                                         file_name=name)


def draft(engine, actor, kind: str = "quyet-dinh") -> list[str]:
    with write_session(engine) as session:
        made = drafts.make(session, actor, drafts.request_for(kind, YEAR, DAY), settings=Settings())
    return texts(made.data)


def test_an_edited_template_with_a_field_split_across_runs_is_used_for_its_year(engine, office):
    data = edited(replace=("QUYẾT ĐỊNH:", "QUYẾT ĐỊNH (mẫu của Văn phòng):"), split="{{ tieu_de_danh_sach }}")
    runs = [r.text for p in Document(io.BytesIO(data)).paragraphs for r in p.runs if "tieu_de" in r.text or
            r.text == "{{ t"]
    assert "{{ tieu_de_danh_sach }}" not in runs  # the field is really cut in pieces
    upload(engine, office, data)
    lines = draft(engine, office)
    assert "QUYẾT ĐỊNH (mẫu của Văn phòng):" in lines
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG NĂM 2025" in lines
    with read_session(engine) as session:
        row = session.exec(select(DocumentTemplate)).one()
        assert templates.templates_of(session, year=YEAR).set_index("kind").own.to_dict() == {
            "to_trinh": False, "danh_sach": False, "quyet_dinh": True, "cong_khai": False}
        actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "mau_van_ban")).all()
    assert (row.file_name, actions) == ("mau_quyet_dinh.docx", ["tai_len_mau_van_ban"])
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Lạng Sơn." in draft(engine, office, "to-trinh")
    with write_session(engine) as session:
        assert templates.reset_template(session, office, kind="quyet_dinh", year=YEAR) is True
    assert "QUYẾT ĐỊNH:" in draft(engine, office)


def test_a_template_with_an_unknown_field_is_refused_naming_it(engine, office):
    with pytest.raises(Refused, match="“so_cmnd”") as refused:
        upload(engine, office, edited(extra="Số CMND: {{ so_cmnd }}"))
    assert "mau_quyet_dinh.docx" in str(refused.value) and "trang Văn bản" in str(refused.value)
    with read_session(engine) as session:
        assert session.exec(select(DocumentTemplate)).all() == []


def test_a_field_of_another_kind_is_unknown_here(engine, office):
    assert "tu_ngay" in fields_of("cong_khai") and "tu_ngay" not in fields_of("quyet_dinh")
    with pytest.raises(Refused, match="“tu_ngay”"):
        upload(engine, office, edited(extra="Từ ngày {{ tu_ngay }}"))


def test_a_template_that_is_no_template_or_no_docx_is_refused_saying_what(engine, office):
    with pytest.raises(Refused, match="sai cú pháp"):
        upload(engine, office, edited(extra="{% if %}"))
    with pytest.raises(Refused, match="PDF"):
        upload(engine, office, b"%PDF-1.4\n%%EOF\n", name="mau.pdf")
    with pytest.raises(Refused, match="Word"):
        upload(engine, office, b"%PDF-1.4\n%%EOF\n", name="mau.docx")
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(edited())) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/vbaProject.bin", b"\x00" * 16)
    with pytest.raises(Refused, match="macro"):
        upload(engine, office, macro.getvalue())
    with pytest.raises(Refused, match="vượt giới hạn|nặng hơn"):
        upload(engine, office, edited() + b"\x00" * (templates.TEMPLATE_LIMIT + 1))


def test_code_in_an_uploaded_template_does_not_run(engine, office):
    hostile = "{{ nam.__class__.__mro__[1].__subclasses__() }}"
    upload(engine, office, edited(extra=hostile))  # "nam" is a known field…
    with pytest.raises(Refused, match="không điền được"):  # …but the sandbox refuses reaching past it
        draft(engine, office)


def test_only_the_office_uploads_downloads_or_resets_templates(engine, actors, office):
    for role in ("lanh_dao", "don_vi", "quan_tri"):
        with pytest.raises(PermissionDenied):
            upload(engine, actors[role], edited())
        with read_session(engine) as session, pytest.raises(PermissionDenied):
            templates.download_template(session, actors[role], kind="to_trinh", year=YEAR)


def test_every_built_in_template_uses_only_its_kinds_fields(engine, office):
    for kind in DRAFT_KINDS:
        templates.check_template(templates.builtin_template(kind), kind=kind, name=f"{kind}.docx")
        with read_session(engine) as session:
            got = templates.download_template(session, office, kind=kind, year=YEAR)
        assert (got.own, got.file_name) == (False, f"mau_{kind}_{YEAR}.docx")
        # the same parts as the built-in one; not the same bytes: two builds differ in the zip's times
        assert _parts(got.data) == _parts(templates.builtin_template(kind))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
