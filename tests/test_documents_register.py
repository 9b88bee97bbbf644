"""The register of generated documents: bytes kept under their SHA-256, listed by year, downloaded again, audited;
the Office records, leadership reads, a unit account neither; the sweep and the backup keep their files."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from tdkt.core.db import read_session, write_session
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.errors import Refused
from tdkt.core.models import AuditLog
from tdkt.core.permissions import COMMAND_LINE, PermissionDenied
from tdkt.documents import register
from tdkt.submissions import attachments

CONTENT = b"PK\x03\x04 a generated document's bytes"


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    return register.store_of()


def test_a_recorded_document_is_listed_downloaded_again_and_audited(engine, actors, store_env):
    with write_session(engine) as session:
        register.record_generated(session, actors["van_phong"], year=2025, kind="quyet-dinh",
                                  filename="quyet_dinh_2025.docx", content=CONTENT, detail="Số 12/QĐ-SCT")
        register.record_generated(session, COMMAND_LINE, year=2024, kind="to_trinh", filename="to_trinh.docx",
                                  content=b"other")
    with read_session(engine) as session:
        listed = register.listing(session, actors["lanh_dao"], year=2025)
    assert listed[["kind", "kind_label", "file_name", "size", "created_by", "detail", "sha256"]].values.tolist() == [
        ["quyet_dinh", "Quyết định khen thưởng của Giám đốc Sở", "quyet_dinh_2025.docx", len(CONTENT),
         actors["van_phong"].username, "Số 12/QĐ-SCT", hashlib.sha256(CONTENT).hexdigest()]]
    with write_session(engine) as session:
        got = register.download(session, actors["lanh_dao"], document_id=int(listed.id[0]))
    assert (got.file_name, got.data) == ("quyet_dinh_2025.docx", CONTENT)
    assert got.media_type.endswith("wordprocessingml.document")
    with read_session(engine) as session:
        actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "van_ban")).all()
        by_cli = session.exec(select(GeneratedDocument).where(GeneratedDocument.year == 2024)).one()
    assert sorted(actions) == ["tai_van_ban", "tao_van_ban", "tao_van_ban"]
    assert (by_cli.created_by, by_cli.created_by_name) == (None, "dòng lệnh")


def test_only_the_office_records_and_a_unit_account_sees_no_register(engine, actors, store_env):
    for role in ("lanh_dao", "don_vi", "quan_tri"):
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            register.record_generated(session, actors[role], year=2025, kind="to_trinh", filename="a.docx",
                                      content=CONTENT)
    with read_session(engine) as session, pytest.raises(PermissionDenied):
        register.listing(session, actors["don_vi"], year=2025)
    assert not store_env.exists(hashlib.sha256(CONTENT).hexdigest())


def test_the_sweep_keeps_a_generated_documents_file(engine, actors, store_env):
    with write_session(engine) as session:
        register.record_generated(session, actors["van_phong"], year=2025, kind="cong_khai", filename="ck.docx",
                                  content=CONTENT)
    with read_session(engine) as session:
        removed = attachments.sweep(session, store_env, age=-1)
    assert removed == [] and store_env.exists(hashlib.sha256(CONTENT).hexdigest())


def test_a_kind_that_cannot_be_one_is_refused(engine, actors, store_env):
    with write_session(engine) as session, pytest.raises(Refused, match="không hợp lệ"):
        register.record_generated(session, actors["van_phong"], year=2025, kind="a/b", filename="a.docx",
                                  content=CONTENT)
