"""Nhật ký under AppTest, on SQLite and PostgreSQL: the chain's state, each change readable, filters, pages."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.awards import dossiers
from tdkt.core import audit
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, Award, Nomination, NominationStatus, Person, Role, Unit, User
from tests.conftest import APP, SECRET

PAGE = "pages/nhat_ky.py"
STEP = "Trạng thái: Đề nghị → Hội đồng đã xét"


@pytest.fixture
def log_app(db_url, monkeypatch):
    """An engine on a fresh seeded database (both engines) the app under test uses, and the accounts by role."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        users = {u.role: u for u in session.exec(select(User)).all()}
    yield engine, users
    engine.dispose()


def open_log(users) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = users[Role.QUAN_TRI].id
    at.switch_page(PAGE)
    return at.run()


def move_a_nomination(engine, users) -> None:
    with write_session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Văn phòng Sở")).one()
        person = Person(full_name="Nguyễn Thị Minh", name_key="nguyen thi minh", unit_id=unit.id)
        session.add(person)
        session.flush()
        award_id = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        nomination = Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award_id)
        session.add(nomination)
        session.flush()
        from tdkt.core.permissions import Actor

        dossiers.advance(session, Actor.of(users[Role.VAN_PHONG]), nomination_ids=[nomination.id],
                         to=NominationStatus.HOI_DONG, votes_for=12, council_members=15, today=date.today())


def test_the_log_says_it_is_intact_and_shows_a_step_of_the_path_readably(log_app):
    engine, users = log_app
    move_a_nomination(engine, users)
    at = open_log(users)
    assert not at.exception
    assert at.success[0].value.startswith("**Trạng thái nhật ký:** Toàn vẹn")
    table = at.dataframe[0].value
    row = table[table["Thao tác"] == "Chuyển bước hồ sơ đề nghị"].iloc[0]
    assert row["Thay đổi"] == f"{STEP}; Số phiếu đồng ý: (trống) → 12; Số thành viên hội đồng: (trống) → 15"
    assert row["Người thực hiện"] == users[Role.VAN_PHONG].username and "{" not in " ".join(table["Thay đổi"])
    at.multiselect(key="audit_actions").select("xu_ly_ho_so").run()
    assert list(at.dataframe[0].value["Thao tác"]) == ["Chuyển bước hồ sơ đề nghị"]
    assert any(f"- {STEP}" in m.value for m in at.markdown)  # the entry's details, one change a line


def test_the_log_says_where_it_was_changed_outside_the_app(log_app):
    engine, users = log_app
    move_a_nomination(engine, users)
    with read_session(engine) as session:
        target = session.exec(select(AuditLog).order_by(AuditLog.seq.desc())).first()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.execute(sa.text("UPDATE audit_log SET summary = 'Không có gì.' WHERE id = :id"), {"id": target.id})
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    at = open_log(users)
    assert not at.exception and not at.success
    assert at.error[0].value.startswith(f"**Trạng thái nhật ký:** Bị sửa đổi tại mục số {target.seq} "
                                        "\\(nội dung bị sửa\\)")


def test_the_log_pages_and_filters_by_who(log_app):
    engine, users = log_app
    from tdkt.core.permissions import Actor

    with write_session(engine) as session:
        for i in range(55):
            audit.record(session, Actor.of(users[Role.LANH_DAO]), "sua_don_vi", "don_vi", i, f"Sửa đơn vị số {i}.")
    at = open_log(users)
    assert at.caption[1].value.startswith("Mục 1–50 trong 56 mục khớp")
    at.number_input(key="audit_page").set_value(2).run()
    assert at.caption[1].value.startswith("Mục 51–56 trong 56 mục khớp")
    assert list(at.dataframe[0].value["Nội dung"])[-1].startswith("Khởi tạo dữ liệu ban đầu")
    at.selectbox(key="audit_user").select(users[Role.LANH_DAO].username).run()
    assert at.caption[1].value.startswith("Mục 1–50 trong 55 mục khớp")
