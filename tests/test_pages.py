"""The pages under AppTest: who sees what, signing in, the first password change, plan updates, accounts, the log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tdkt.clusters import task_links
from tdkt.core import auth, permissions
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import PlanTask, TaskStatus, Unit, User
from tdkt.plan import plan as plan_module
from tests.conftest import APP, PASSWORD

ROLES = ["lanh_dao", "van_phong", "don_vi", "quan_tri"]
# Page → (title when allowed, roles allowed); the others see the refusal.
PAGES = {
    "pages/tong_quan.py": ("Tổng quan công tác thi đua, khen thưởng năm 2024", set(ROLES)),
    "pages/tien_do.py": ("Tiến độ kế hoạch TĐKT năm 2024", set(ROLES)),
    "pages/tai_khoan.py": ("Tài khoản của tôi", set(ROLES)),
    "pages/quan_tri.py": (None, {"quan_tri", "van_phong"}),
    "pages/nhat_ky.py": ("Nhật ký hoạt động", {"quan_tri"}),
}
REFUSAL = "Bạn không có quyền xem trang này."
MUST_CHANGE = "Bạn cần đổi mật khẩu trước khi dùng hệ thống: mở trang chủ để đặt mật khẩu mới."
NO_OWN_TASKS = "Đơn vị của bạn không có nhiệm vụ nào được giao trực tiếp trong kế hoạch này."


def signed_in(app_env: dict, role: str, page: str | None = None) -> AppTest:
    """Return the app run once, signed in with the seeded account of a role (on a page when given)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    if page:
        at.switch_page(page)
    return at.run()


def signed_out(app_env: dict) -> AppTest:
    """Return the app run once with nobody signed in (app_env has pointed it at its database)."""
    return AppTest.from_file(APP, default_timeout=30).run()


def submit_sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def labelled(widgets, label: str):
    """Return the first widget with this label (AppTest finds widgets by key only)."""
    return next(w for w in widgets if w.label == label)


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.fixture
def app_engine(app_env):
    """An engine on the database the app under test uses."""
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def actor(engine, user_id: int) -> permissions.Actor:
    with read_session(engine) as session:
        return permissions.Actor.of(session.get(User, user_id))


def first_task(engine, year: int = 2024):
    """Return the first task of a year's plan as a row of plan.tasks (id, unit_ids, …)."""
    with read_session(engine) as session:
        return next(plan_module.tasks(session, year=year, as_of=date.today()).itertuples())


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_runs_for_role_and_refuses_the_roles_it_is_not_for(app_env, role, page):
    at = signed_in(app_env, role, page)
    title, allowed = PAGES[page]
    assert not at.exception
    if role in allowed:
        assert REFUSAL not in [e.value for e in at.error]
        assert titles(at) == [title or {"quan_tri": "Quản trị", "van_phong": "Đơn vị"}[role]]
    else:
        assert [e.value for e in at.error] == [REFUSAL]
        assert titles(at) == []


def test_signed_out_visitor_sees_the_sign_in_form(app_env):
    at = signed_out(app_env)
    assert not at.exception
    assert titles(at) == ["TĐKT Dashboard"]
    assert [t.label for t in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]


def test_sign_in_with_wrong_password_is_refused(app_env):
    at = submit_sign_in(signed_out(app_env), "vanphong", "sai-mat-khau-1")
    assert [e.value for e in at.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    assert titles(at) == ["TĐKT Dashboard"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_sign_in_with_right_password_reaches_tong_quan(app_env):
    at = submit_sign_in(signed_out(app_env), "vanphong", PASSWORD)
    assert not at.exception
    assert titles(at) == ["Tổng quan công tác thi đua, khen thưởng năm 2024"]


@pytest.fixture
def lanhdao_must_change(app_engine) -> None:
    """Mark the lanhdao account as having to change its password at the next sign-in."""
    with Session(app_engine) as session:
        user = session.exec(select(User).where(User.username == "lanhdao")).one()
        user.must_change_password = True
        session.add(user)
        session.commit()


@pytest.fixture
def must_change(app_env, lanhdao_must_change) -> AppTest:
    """The app after signing in as lanhdao, whose account must change its password first."""
    return submit_sign_in(signed_out(app_env), "lanhdao", PASSWORD)


def change_password(at: AppTest, new: str) -> AppTest:
    old_box, new_box, confirm_box = at.text_input
    old_box.input(PASSWORD)
    new_box.input(new)
    confirm_box.input(new)
    return at.button[0].click().run()


def test_first_sign_in_shows_only_the_password_change(must_change):
    assert not must_change.exception
    assert titles(must_change) == ["Đổi mật khẩu"]
    assert not must_change.metric and not must_change.sidebar.children
    assert [b.label for b in must_change.button] == ["Đổi mật khẩu", "Đăng xuất"]



def test_first_sign_in_keeps_every_page_shut_until_the_password_is_changed(app_env, lanhdao_must_change):
    # AppTest, like a fresh server, runs a page file straight (pages/ folder mode): the page itself must refuse.
    at = signed_in(app_env, "lanh_dao", "pages/tien_do.py")
    assert titles(at) == []
    assert [e.value for e in at.error] == [MUST_CHANGE]


def test_first_sign_in_refuses_a_weak_password(must_change):
    at = change_password(must_change, "ngan1")
    assert [e.value for e in at.error] == ["Mật khẩu mới cần ít nhất 8 ký tự."]
    assert titles(at) == ["Đổi mật khẩu"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_first_sign_in_with_a_good_password_leads_to_tong_quan(must_change, app_engine):
    at = change_password(must_change, "LanhDao2025moi")
    assert not at.exception
    assert titles(at) == ["Tổng quan công tác thi đua, khen thưởng năm 2024"]
    with read_session(app_engine) as session:
        user = session.exec(select(User).where(User.username == "lanhdao")).one()
        assert auth.verify_password(user.password_hash, "LanhDao2025moi") and not user.must_change_password


def test_tong_quan_shows_metrics_and_a_chart_for_2024(app_env):
    at = signed_in(app_env, "lanh_dao")
    assert [m.label for m in at.metric] == [
        "Nhiệm vụ hoàn thành", "Nhiệm vụ quá hạn", "Hạn nộp hồ sơ (15/12/2024)", "Giao ước đã ký", "Hồ sơ đề nghị",
        "Có quyết định", "Tiền thưởng"]
    assert at.metric[0].value == "0/11"
    assert len(at.get("plotly_chart")) == 2  # the plan by quarter, the clusters; no nomination yet (one info)
    assert [i.value for i in at.info] == ["Năm 2024 chưa có hồ sơ đề nghị khen thưởng nào."]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_changes_a_task_status_from_tien_do(app_env, app_engine):
    at = signed_in(app_env, "van_phong", "pages/tien_do.py")
    task_id = at.selectbox(key="task_pick").value
    at.selectbox(key="task_status").select(TaskStatus.DANG)
    at.button(key="luu_nhiem_vu").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã lưu nhiệm vụ 1 quý 1: Đang thực hiện."]
    with read_session(app_engine) as session:
        assert session.get(PlanTask, task_id).status == TaskStatus.DANG


def test_leadership_sees_no_update_form_on_tien_do(app_env):
    at = signed_in(app_env, "lanh_dao", "pages/tien_do.py")
    assert "luu_nhiem_vu" not in [b.key for b in at.button]
    assert [b.label for b in at.button if b.form_id] == []  # at.button also lists form submit buttons
    assert "task_pick" not in [s.key for s in at.selectbox]
    assert len(at.dataframe) == 1


def test_unit_user_has_no_task_to_update_in_the_2024_seed(app_env):
    at = signed_in(app_env, "don_vi", "pages/tien_do.py")
    assert [b.label for b in at.button if b.form_id] == []
    assert [i.value for i in at.info] == [NO_OWN_TASKS]


def test_unit_user_picks_only_its_own_units_tasks(app_env, app_engine):
    office, unit_user = (actor(app_engine, app_env["users"][r]) for r in ("van_phong", "don_vi"))
    with write_session(app_engine) as session:
        unit = session.get(Unit, unit_user.unit_id)
        task_id = plan_module.add_task(session, office, year=2024, quarter=2, content="Báo cáo riêng.",
                                       units=[unit.name]).id
    at = signed_in(app_env, "don_vi", "pages/tien_do.py")
    assert at.selectbox(key="task_pick").options == ["Quý 2 · 2. Báo cáo riêng."]
    assert at.selectbox(key="task_pick").value == task_id


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi"])
def test_update_task_status_refuses_leadership_and_another_units_user(engine, actors, role):
    task = first_task(engine)
    assert actors["don_vi"].unit_id not in task.unit_ids
    with pytest.raises(permissions.PermissionDenied), write_session(engine) as session:
        task_links.update_task_status(session, actors[role], task_id=task.id, status=TaskStatus.DANG)
    with read_session(engine) as session:
        assert session.get(PlanTask, task.id).status == TaskStatus.CHUA


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_copies_the_plan_to_next_year_and_the_year_selector_offers_it(app_env):
    at = signed_in(app_env, "van_phong", "pages/tien_do.py")
    assert labelled(at.number_input, "Sang năm").value == 2025
    at.button(key="sao_chep_btn").click().run()
    assert [s.value for s in at.success] == [
        "Đã tạo kế hoạch năm 2025 từ kế hoạch năm 2024. Chọn năm 2025 ở thanh bên."]
    # A new session: AppTest drops the sidebar of app.py after switch_page (streamlit 1.67).
    year = signed_in(app_env, "van_phong").selectbox(key="year")
    assert year.options == [f"Năm {y}" for y in sorted({2025, 2024, date.today().year}, reverse=True)]
    assert year.value == 2025


def test_year_selector_defaults_to_the_latest_year_with_a_plan(app_env, app_engine):
    office = actor(app_engine, app_env["users"]["van_phong"])
    with write_session(app_engine) as session:
        plan_module.copy_plan(session, office, from_year=2024, to_year=2023)  # created last, yet older
    at = signed_in(app_env, "lanh_dao")
    assert at.selectbox(key="year").options == [f"Năm {y}" for y in sorted({2024, 2023, date.today().year},
                                                                            reverse=True)]
    assert at.selectbox(key="year").value == 2024
    at.selectbox(key="year").select(2023).run()
    assert titles(at) == ["Tổng quan công tác thi đua, khen thưởng năm 2023"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_admin_creates_an_account_and_the_log_finds_it_without_accents(app_env, app_engine):
    at = signed_in(app_env, "quan_tri", "pages/quan_tri.py")
    labelled(at.text_input, "Tên đăng nhập (chữ thường không dấu)").input("canbo.moi")
    at.button(key="tao_tai_khoan").click().run()
    message = at.success[0].value
    found = re.fullmatch(r"Đã tạo tài khoản canbo\.moi\. Mật khẩu ban đầu: (\S+) \(phải đổi ở lần đăng nhập đầu\)\.",
                         message)
    assert found, message
    with read_session(app_engine) as session:
        user = session.exec(select(User).where(User.username == "canbo.moi")).one()
        assert auth.verify_password(user.password_hash, found.group(1)) and user.must_change_password
    at.switch_page("pages/nhat_ky.py").run()
    at.text_input(key="audit_text").input("tao tai khoan").run()
    assert list(at.dataframe[0].value["Nội dung"]) == ["Tạo tài khoản canbo.moi (Lãnh đạo)."]


@pytest.mark.parametrize("page", [
    "pages/tong_quan.py", "pages/tien_do.py", "pages/cum_thi_dua.py", "pages/phong_trao.py", "pages/thong_ke.py",
    "pages/so_ket.py", "pages/ho_so.py", "pages/tra_cuu.py", "pages/tai_len.py", "pages/nhap_ho_so.py"])
def test_every_page_opens_on_this_year_before_its_plan_exists(app_env, page):
    from datetime import date

    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["year"] = date.today().year  # offered beside the plans' years (see the selector test)
    at.switch_page(page).run()
    assert not at.exception
    assert str(date.today().year) in " ".join(t.value for t in at.title) or page.endswith(("tra_cuu.py", "tai_len.py",
                                                                                          "nhap_ho_so.py"))
