"""Tiếp nhận hồ sơ and its Tổng quan section under AppTest: each role's view, a unit submitting and recalling, the
Office returning with a reason, accepting and setting the deadline (the writes on both engines)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Role, Unit, User
from tdkt.core.permissions import Actor
from tdkt.core.submission_tables import Submission
from tdkt.submissions import deadlines, submissions
from tests.conftest import APP, SECRET
from tests.test_pages import REFUSAL, ROLES, signed_in, titles

PAGE = "pages/tiep_nhan.py"
TITLE = "Tiếp nhận hồ sơ khen thưởng năm 2024"
UNIT = "Phòng Quản lý Công nghiệp"  # the seeded unit account's


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


@pytest.fixture
def both_env(db_url, monkeypatch):
    """The app pointed at a fresh seeded database on SQLite and on PostgreSQL; yields (env, engine)."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        users = {u.role: u.id for u in session.exec(select(User)).all()}
    yield {"url": db_url, "users": users}, engine
    engine.dispose()


def actor_of(engine, role: str) -> Actor:
    with read_session(engine) as session:
        return Actor.of(session.exec(select(User).where(User.role == role)).first())


def state_of(engine, unit: str = UNIT) -> str | None:
    with read_session(engine) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.name == unit)).one()
        row = session.exec(select(Submission).where(Submission.year == 2024, Submission.unit_id == unit_id)).first()
        return row.state if row else None


def submit(engine) -> None:
    with write_session(engine) as session:
        submissions.submit(session, actor_of(engine, Role.DON_VI), year=2024)


def unit_id(engine, unit: str = UNIT) -> int:
    with read_session(engine) as session:
        return session.exec(select(Unit.id).where(Unit.name == unit)).one()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_the_page_and_sees_what_it_may(app_env, role):
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert REFUSAL not in [e.value for e in at.error]
    buttons = {b.key for b in at.button}
    if role == "don_vi":  # its own dossier only: no table of units, no unit picker
        assert [h.value for h in at.subheader] == [f"Hồ sơ của {UNIT}"]
        assert not at.selectbox and "tiep_nhan_submit" in buttons
    else:
        states = at.dataframe[0].value
        assert len(states) == 7 and set(states["Trạng thái"]) == {"Chưa nộp"}
        assert at.selectbox(key="tiep_nhan_unit").value is not None
        assert "tiep_nhan_submit" not in buttons
    assert ("tiep_nhan_deadline_save" in buttons) == (role == "van_phong")


def test_a_unit_submits_and_recalls_its_own_on_the_page(both_env):
    env, engine = both_env
    at = signed_in(env, "don_vi", PAGE)
    at.text_area(key="tiep_nhan_note").input("Gửi kèm 3 đề nghị.")
    at.button(key="tiep_nhan_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã nộp hồ sơ năm 2024 của {UNIT} cho Văn phòng Sở."]
    assert state_of(engine) == "da_nop"
    assert "Trạng thái: **Đã nộp** ngày" in at.markdown[0].value
    assert list(at.dataframe[-1].value["Lý do"]) == ["Gửi kèm 3 đề nghị."]
    at.button(key="tiep_nhan_recall").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã thu hồi hồ sơ năm 2024 của {UNIT}."]
    assert state_of(engine) == "thu_hoi"
    assert at.button(key="tiep_nhan_submit").proto.label == "Nộp lại hồ sơ"


def test_the_office_returns_with_a_reason_then_accepts_on_the_page(both_env):
    env, engine = both_env
    submit(engine)
    at = signed_in(env, "van_phong", PAGE)
    at.selectbox(key="tiep_nhan_unit").select(unit_id(engine)).run()
    at.button(key="tiep_nhan_return").click().run()
    assert not at.exception
    assert "Nhập lý do trả lại hồ sơ, để đơn vị biết cần sửa gì." in [e.value for e in at.error]
    assert state_of(engine) == "da_nop"
    at.text_area(key="tiep_nhan_return_reason").input("Thiếu biên bản bình xét.")
    at.button(key="tiep_nhan_return").click().run()
    assert [s.value for s in at.success] == [f"Đã trả lại hồ sơ năm 2024 của {UNIT}."]
    assert state_of(engine) == "tra_lai"
    assert any("Thiếu biên bản bình xét." in w.value for w in at.warning)
    submit(engine)
    at.run()
    at.button(key="tiep_nhan_accept").click().run()
    assert not at.exception
    assert state_of(engine) == "da_tiep_nhan"
    table = at.dataframe[0].value
    assert table.loc[table["Đơn vị"] == UNIT, "Trạng thái"].tolist() == ["Đã tiếp nhận"]


def test_a_unit_sees_the_return_reason_and_no_recall_after_acceptance(both_env):
    app_env, app_engine = both_env
    submit(app_engine)
    with write_session(app_engine) as session:
        submissions.send_back(session, actor_of(app_engine, Role.VAN_PHONG), year=2024, unit_id=unit_id(app_engine),
                              reason="Sửa chức vụ của người thứ hai.")
    at = signed_in(app_env, "don_vi", PAGE)
    assert any("Văn phòng Sở đã trả lại hồ sơ ngày" in w.value and "Sửa chức vụ của người thứ hai." in w.value
               for w in at.warning)
    at.button(key="tiep_nhan_submit").click().run()
    with write_session(app_engine) as session:
        submissions.accept(session, actor_of(app_engine, Role.VAN_PHONG), year=2024, unit_id=unit_id(app_engine))
    at.run()
    assert not at.exception
    assert "tiep_nhan_recall" not in {b.key for b in at.button}
    assert any("Văn phòng Sở đã tiếp nhận hồ sơ" in i.value for i in at.info)


def test_the_office_sets_the_deadline_on_the_page(both_env):
    app_env, app_engine = both_env
    at = signed_in(app_env, "van_phong", PAGE)
    assert "Hạn nộp hồ sơ về Văn phòng Sở: **15/12/2024** (theo kế hoạch TĐKT)" in at.caption[0].value
    at.date_input(key="tiep_nhan_deadline_day").set_value(date(2024, 12, 20))
    at.button(key="tiep_nhan_deadline_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã lưu hạn nộp hồ sơ năm 2024."]
    assert "**20/12/2024** (do Văn phòng Sở đặt)" in at.caption[0].value
    with read_session(app_engine) as session:
        assert deadlines.deadline(session, year=2024) == date(2024, 12, 20)
    at.button(key="tiep_nhan_deadline_reset").click().run()
    assert "**15/12/2024** (theo kế hoạch TĐKT)" in at.caption[0].value


def test_tong_quan_lists_the_units_not_submitted_once_the_deadline_is_near(app_env, app_engine):
    submit(app_engine)
    at = signed_in(app_env, "lanh_dao")  # 2024's deadline has passed: every unit not submitted is late
    heading = "Đơn vị chưa nộp hồ sơ khen thưởng (hạn 15/12/2024)"
    assert heading in [h.value for h in at.subheader]
    waiting = at.dataframe[-1].value
    assert len(waiting) == 6 and UNIT not in list(waiting["Đơn vị"])
    assert all(t.startswith("Trễ ") for t in waiting["Đúng hạn / trễ hạn"])
    assert "Tải danh sách đơn vị chưa nộp (.xlsx)" in [b.proto.label for b in at.get("download_button")]
    this_year = date.today().year
    with write_session(app_engine) as session:
        deadlines.set_deadline(session, actor_of(app_engine, Role.VAN_PHONG), year=this_year,
                               day=date.today() + timedelta(days=31))
    later = AppTest.from_file(APP, default_timeout=30)
    later.session_state["user_id"] = app_env["users"]["lanh_dao"]
    later.session_state["year"] = this_year
    later.run()
    assert not later.exception
    assert not [h.value for h in later.subheader if h.value.startswith("Đơn vị chưa nộp")]


def test_a_unit_account_of_a_council_is_told_it_does_not_submit(app_env, app_engine):
    with write_session(app_engine) as session:
        council = session.exec(select(Unit).where(Unit.kind == "hoi_dong")).first()
        user = User(username="hoidong", display_name="Thư ký Hội đồng", role=Role.DON_VI, unit_id=council.id,
                    password_hash="x", must_change_password=False)
        session.add(user)
        session.flush()
        user_id = user.id
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = user_id
    at.switch_page(PAGE).run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Đơn vị của bạn không thuộc diện nộp hồ sơ khen thưởng về Văn phòng Sở "
                                          "(phòng, đơn vị trực thuộc, tổ chức đoàn thể)."]
    assert not at.button


def test_the_page_opens_on_this_year_before_its_plan_exists(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["year"] = date.today().year
    at.switch_page(PAGE).run()
    assert not at.exception
    assert titles(at) == [f"Tiếp nhận hồ sơ khen thưởng năm {date.today().year}"]
    assert f"**15/12/{date.today().year}** (mặc định 15/12)" in at.caption[0].value
