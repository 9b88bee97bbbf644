"""The proof that the class of refusals is closed: every `tdkt` function that checks a permission, called by each role
and by nobody, is refused exactly what the matrix (`permissions.PERMISSIONS`) withholds, and a unit account is refused
another unit's rows (people, nominations, batches, records, initiatives' co-authors) that their owner may touch; every
page, opened by each role, is refused outside the role's menu and offers no write button beyond the role.

The lists are read from the code, so a new guarded function, a new permission or a new button of a page fails here
until it is classified (tests/refusal_world.py, WRITE_BUTTONS below).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import func
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, Role
from tdkt.core.permissions import ACTION_LABELS, PERMISSIONS, PermissionDenied
from tests.conftest import APP, ROOT, SECRET, sqlite_copy
from tests.refusal_world import WRITES, World, build

ROLES = [role.value for role in Role]
ANONYMOUS = "khach"  # nobody signed in (a page cannot call a write then, the command line or a bug could)
# Permissions no write checks: pages and reads ask them (Nhật ký, the submissions' overview, every page's "xem").
READ_ACTIONS = {"xem", "xem_nhat_ky", "xem_tiep_nhan"}
GUARDS = {"require", "require_role", "require_scope"}


def _guard_action(call: ast.Call) -> str | None:
    func_ = call.func
    name = func_.id if isinstance(func_, ast.Name) else func_.attr if isinstance(func_, ast.Attribute) else None
    if name in GUARDS and len(call.args) > 1 and isinstance(call.args[1], ast.Constant):
        return call.args[1].value
    return None


def guarded_functions(root: Path) -> dict[str, list[str]]:
    """Return "module.function" → the permissions it checks (beyond "xem"), for every public top-level function of
    tdkt that calls a check itself or through a private helper of its module; the checks' own helpers aside."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        functions = {n.name: n for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
        actions = {name: {a for c in ast.walk(node) if isinstance(c, ast.Call) and (a := _guard_action(c))}
                   for name, node in functions.items()}
        calls = {name: {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                        and c.func.id in functions} for name, node in functions.items()}
        for _ in functions:  # through helpers calling helpers
            for name in functions:
                for callee in calls[name]:
                    actions[name] |= actions[callee]
        for name in functions:
            if not name.startswith(("_", "require")) and actions[name] - READ_ACTIONS:
                found[f"{module}.{name}"] = sorted(actions[name] - READ_ACTIONS)
    return found


def test_every_function_that_checks_a_permission_is_in_the_matrix_under_that_permission():
    found = guarded_functions(ROOT / "tdkt")
    assert {name: actions for name, actions in found.items() if [WRITES.get(name, ("?",))[0]] != actions} == {}
    for name in set(WRITES) - set(found):  # the pages' entry points (task_links) call the checked ones
        module, function = name.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), function)), name


def test_every_permission_is_checked_by_a_write_of_the_matrix_or_is_a_read():
    assert set(PERMISSIONS) == {action for action, _ in WRITES.values()} | READ_ACTIONS
    assert set(ACTION_LABELS) == set(PERMISSIONS)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, sqlite_template, tmp_path_factory):
    """Both units' rows in a database of the module (each attempt below is rolled back)."""
    if request.param == "sqlite":
        url = sqlite_copy(sqlite_template, tmp_path_factory.mktemp("refusals"))
    else:
        url = request.getfixturevalue("pg_server").new_database()
    engine = make_engine(url)
    yield build(engine, tmp_path_factory.mktemp("refusal_files"))
    engine.dispose()


class _RolledBack(Exception):
    """Raised at the end of an attempt that succeeded, so that it leaves nothing behind."""


def attempt(world: World, name: str, actor, side: str) -> None:
    """Call one write in its own transaction, rolled back whatever happens; raise what the write raised."""
    call = WRITES[name][1]
    try:
        with write_session(world.engine) as session:
            call(session, actor, world, side)
            raise _RolledBack
    except _RolledBack:
        pass


def audit_entries(world: World) -> int:
    with read_session(world.engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
@pytest.mark.parametrize("name", list(WRITES))
def test_each_role_is_refused_what_the_matrix_withholds_and_may_do_the_rest(world, name, role):
    action = WRITES[name][0]
    actor = world.actors.get(role)
    before = audit_entries(world)
    if actor is None or actor.role not in PERMISSIONS[action]:
        with pytest.raises(PermissionDenied) as refused:
            attempt(world, name, actor, "own")
        assert str(refused.value) in (f"Vai trò “{actor.role.label}” không có quyền {ACTION_LABELS[action]}."
                                      if actor else "Bạn cần đăng nhập để thực hiện thao tác này.",)
    else:
        attempt(world, name, actor, "own")  # the same call goes through for a role that may (then rolled back)
    assert audit_entries(world) == before  # refused or rolled back: nothing written, not even an audit entry


SCOPED = [name for name, (action, _) in WRITES.items() if Role.DON_VI in PERMISSIONS[action]]


@pytest.mark.parametrize("name", SCOPED)
def test_a_unit_account_is_refused_another_units_rows_that_the_office_or_their_unit_may_touch(world, name):
    action = WRITES[name][0]
    with pytest.raises(PermissionDenied, match="[Tt]ài khoản đơn vị chỉ"):
        attempt(world, name, world.actors["don_vi"], "other")
    owner = world.actors["van_phong"] if Role.VAN_PHONG in PERMISSIONS[action] else world.other.account
    attempt(world, name, owner, "other")


def test_the_matrix_tries_another_units_people_nominations_batches_records_and_co_authors():
    assert {"tdkt.awards.personal_records.set_rating", "tdkt.awards.nominations.edit",
            "tdkt.importing.nomination_lists.commit.undo_batch",
            "tdkt.importing.record_lists.record_batches.undo_records", "tdkt.awards.personal_records.delete_record",
            "tdkt.awards.personal_records.add_initiative"} <= set(SCOPED)


# Pages: opened by each role under AppTest, on the same world in a SQLite file.

PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
REFUSAL = "Bạn không có quyền xem trang này."
# Every button of the pages and app.py, by key (or label when it has none; "{}" stands for what an f-string fills
# in), and the permission its write needs. NO_WRITE_BUTTONS write nothing beyond the account's own sign-in and
# password, or change only what the page holds (an uploaded list's rows, a cached check).
WRITE_BUTTONS = {
    "luu_nhiem_vu": "cap_nhat_nhiem_vu",
    "them_nhiem_vu_btn": "sua_ke_hoach", "sua_nhiem_vu_btn": "sua_ke_hoach", "sao_chep_btn": "sua_ke_hoach",
    "tong_quan_copy_plan": "sua_ke_hoach",
    "luu_tham_gia": "quan_ly_cum", "them_thanh_vien_btn": "quan_ly_cum", "luu_thanh_vien": "quan_ly_cum",
    "xoa_thanh_vien": "quan_ly_cum", "them_hoat_dong_btn": "quan_ly_cum", "luu_hoat_dong": "quan_ly_cum",
    "xoa_hoat_dong": "quan_ly_cum", "them_cum_btn": "quan_ly_cum", "luu_cum": "quan_ly_cum", "xoa_cum": "quan_ly_cum",
    "sao_chep_cum_btn": "quan_ly_cum", "ghi_danh_sach_cum": "quan_ly_cum",
    "them_phong_trao_btn": "quan_ly_cum", "luu_phong_trao": "quan_ly_cum", "tong_ket_btn": "quan_ly_cum",
    "commit_{}": "nhap_danh_sach", "add_unit_{}_{}": "quan_ly_don_vi", "{}_save": "nhap_danh_sach",
    "undo_batch": "nhap_danh_sach", "records_commit_{}": "nhap_danh_sach", "records_undo": "nhap_danh_sach",
    "luu_xep_loai": "nhap_danh_sach", "luu_ky_luat": "nhap_danh_sach", "luu_khen_truoc": "nhap_danh_sach",
    "luu_sang_kien": "nhap_danh_sach", "xoa_ho_so": "nhap_danh_sach",
    "ho_so_policy_save": "xu_ly_ho_so", "ho_so_move": "xu_ly_ho_so",
    "tao_tai_khoan": "quan_tri", "luu_tai_khoan": "quan_tri", "dat_lai_mat_khau": "quan_tri",
    "luu_luong_co_so": "quan_tri", "them_don_vi_btn": "quan_ly_don_vi", "luu_don_vi": "quan_ly_don_vi",
    "go_khoa_dang_nhap": "quan_tri", "khoi_phuc_btn": "khoi_phuc",
    "tiep_nhan_submit": "nop_ho_so", "tiep_nhan_recall": "nop_ho_so", "tiep_nhan_accept": "tiep_nhan_ho_so",
    "tiep_nhan_return": "tiep_nhan_ho_so", "tiep_nhan_deadline_save": "tiep_nhan_ho_so",
    "tiep_nhan_deadline_reset": "tiep_nhan_ho_so",
    "Lưu thành phần hồ sơ": "thanh_phan_ho_so", "Về mặc định": "thanh_phan_ho_so",
    "Sao chép sang năm {}": "thanh_phan_ho_so",
    "Lưu số ngày": "nhac_han", "nh_emails_save": "nhac_han", "nh_send": "nhac_han",
    "Đính kèm": "dinh_kem_ho_so", "{}_xoa_{}": "dinh_kem_ho_so",
    "dk_add": "dang_ky_thi_dua", "dk_delete": "dang_ky_thi_dua", "dk_import": "dang_ky_thi_dua",
    "cd_luu_so_bang_khen": "cham_diem", "cd_de_nghi_cum": "cham_diem", "cd_de_nghi_so": "cham_diem",
    "cd_luu_bang_tep": "cham_diem",
    "cd_luu_bang": "cham_diem", "cd_sao_chep_bang": "cham_diem", "cd_luu_han": "cham_diem", "cd_bo_han": "cham_diem",
    "cd_luu_diem": "cham_diem", "cd_dinh_kem": "cham_diem", "cd_cong_bo": "cham_diem", "cd_huy_cong_bo": "cham_diem",
    "cd_nhap_bang": "cham_diem",
    "gk_luu_vi_tri": "soan_van_ban",
    "vb_soan_{}": "soan_van_ban", "vb_luu_mau": "soan_van_ban", "vb_bo_mau": "soan_van_ban",
    "hd_luu_thanh_vien": "hoi_dong", "hd_thay_tu_tep": "hoi_dong", "hd_luu_cuoc_hop": "hoi_dong",
    "hd_luu_phieu": "hoi_dong", "hd_ghi_tu_tep": "hoi_dong", "hd_chuyen_dat": "hoi_dong",
}
NO_WRITE_BUTTONS = {"Đăng nhập", "Đổi mật khẩu", "Đăng xuất", "dang_xuat", "drop_other_{}", "drop_on_record_{}",
                    "audit_recheck", "gk_in_thu"}
# What the richest role of a page must be offered on this world's data, so that the absences above prove something.
OFFERED = {
    ("pages/tien_do.py", "van_phong"): {"luu_nhiem_vu", "them_nhiem_vu_btn", "sua_nhiem_vu_btn", "sao_chep_btn"},
    ("pages/tien_do.py", "don_vi"): {"luu_nhiem_vu"},
    ("pages/cum_thi_dua.py", "van_phong"): {"luu_tham_gia", "them_thanh_vien_btn", "luu_thanh_vien", "them_cum_btn",
                                            "them_hoat_dong_btn", "luu_hoat_dong", "luu_cum", "sao_chep_cum_btn"},
    ("pages/phong_trao.py", "van_phong"): {"them_phong_trao_btn", "luu_phong_trao", "tong_ket_btn"},
    ("pages/tai_len.py", "van_phong"): {"{}_save", "undo_batch"},
    ("pages/tai_len.py", "don_vi"): {"{}_save", "undo_batch"},
    ("pages/nhap_ho_so.py", "van_phong"): {"records_undo"},
    ("pages/nhap_ho_so.py", "don_vi"): {"records_undo"},
    ("pages/tra_cuu.py", "van_phong"): {"luu_xep_loai", "luu_ky_luat", "luu_khen_truoc", "luu_sang_kien", "xoa_ho_so"},
    ("pages/tra_cuu.py", "don_vi"): {"luu_xep_loai", "luu_ky_luat", "luu_khen_truoc", "luu_sang_kien", "xoa_ho_so"},
    ("pages/ho_so.py", "van_phong"): {"ho_so_policy_save"},  # "ho_so_move" waits for a ticked row
    ("pages/quan_tri.py", "quan_tri"): {"tao_tai_khoan", "luu_tai_khoan", "dat_lai_mat_khau", "luu_luong_co_so",
                                        "them_don_vi_btn", "luu_don_vi"},
    ("pages/quan_tri.py", "van_phong"): {"them_don_vi_btn", "luu_don_vi"},
    ("pages/tiep_nhan.py", "don_vi"): {"tiep_nhan_submit"},  # its 2024 dossier, not submitted yet
    ("pages/tiep_nhan.py", "van_phong"): {"tiep_nhan_deadline_save"},
    ("pages/dang_ky.py", "van_phong"): {"dk_add"},  # 2024's deadline is past: the unit's form is gone
    ("pages/giay_khen.py", "van_phong"): {"gk_luu_vi_tri"},
    ("pages/van_ban.py", "van_phong"): {"vb_soan_{}", "vb_luu_mau"},  # "vb_bo_mau" waits for an own template
    ("pages/cham_diem.py", "van_phong"): {"cd_luu_bang"},  # the world's cluster has no sheet yet
    ("pages/hoi_dong.py", "van_phong"): {"hd_luu_thanh_vien"},  # the year has no council yet: its members first
}


def _pattern(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def page_buttons() -> dict[str, str]:
    """Return every button of pages/ and app.py as its key pattern (its label without a key) → where it is."""
    found = {}
    for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "button", "form_submit_button"):
                key = next((k.value for k in node.keywords if k.arg == "key"), None)
                name = _pattern(key) if key is not None else _pattern(node.args[0] if node.args else None)
                found[name or "?"] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_button_of_the_pages_is_a_classified_write_or_the_accounts_own():
    found = page_buttons()
    assert {name: where for name, where in found.items() if name not in WRITE_BUTTONS and name not in NO_WRITE_BUTTONS
            } == {}
    assert sorted(set(WRITE_BUTTONS) - set(found)) == []  # no stale entry either
    assert set(WRITE_BUTTONS.values()) <= set(PERMISSIONS)


def _regex(pattern: str) -> re.Pattern:
    return re.compile("".join(".+" if part == "{}" else re.escape(part) for part in re.split(r"(\{\})", pattern)))


MATCHERS = [(pattern, _regex(pattern)) for pattern in WRITE_BUTTONS]


def write_pattern(key: str | None) -> str | None:
    """Return the WRITE_BUTTONS pattern a rendered button's key (label without one) matches, or None (no write)."""
    if key in WRITE_BUTTONS:
        return key
    return next((pattern for pattern, regex in MATCHERS if key and regex.fullmatch(key)), None)


@pytest.fixture(scope="module")
def page_world(sqlite_template, tmp_path_factory) -> tuple[str, World]:
    """The matrix's world in a SQLite file the app under test opens (pages only read it here)."""
    url = sqlite_copy(sqlite_template, tmp_path_factory.mktemp("refusal_pages"))
    engine = make_engine(url)
    built = build(engine, tmp_path_factory.mktemp("refusal_page_files"))
    engine.dispose()
    return url, built


def signed_in(world: World, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = world.actors[role].id
    return at


@pytest.fixture(scope="module")
def menus() -> dict[str, list[str]]:
    """app.py's menu of each role, filled as the tests ask (one run of app.py per role)."""
    return {}


def menu_of(menus: dict, world: World, role: str, monkeypatch) -> list[str]:
    """Return the pages app.py puts in the role's menu, recorded from its st.navigation call."""
    if role not in menus:
        menu: list[str] = []
        navigation = st.navigation

        def recording(pages, **options):
            menu.extend(f"pages/{p._page.name}" for section in pages.values() for p in section
                        if isinstance(p._page, Path))
            return navigation(pages, **options)

        with monkeypatch.context() as patch:
            patch.setattr(st, "navigation", recording)
            assert not signed_in(world, role).run().exception
        menus[role] = menu
    return menus[role]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_a_page_is_refused_outside_the_roles_menu_and_offers_no_write_beyond_the_role(page_world, menus, monkeypatch,
                                                                                      role, page):
    url, world = page_world
    monkeypatch.setenv("TDKT_DATABASE_URL", url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    menu = menu_of(menus, world, role, monkeypatch)
    assert "pages/tong_quan.py" in menu
    at = signed_in(world, role)
    at.session_state["tra_cuu_text"] = "nguyen van an"  # Tra cứu's forms are a found person's
    for part in ("ho_so_policy_open", "ho_so_documents_open", "ho_so_findings_open"):
        at.session_state[part] = True  # Hồ sơ's lazy expanders, open: their buttons are drawn and judged too
    at.switch_page(page).run()  # AppTest runs the page file alone, as a URL to it would on a fresh server
    assert not at.exception
    errors = [e.value for e in at.error]
    offered = {write_pattern(b.key or b.label) for b in at.button} - {None}
    if page not in menu:
        assert (REFUSAL in errors, offered) == (True, set())
        return
    assert REFUSAL not in errors
    assert {p: WRITE_BUTTONS[p] for p in offered if Role(role) not in PERMISSIONS[WRITE_BUTTONS[p]]} == {}
    assert OFFERED.get((page, role), set()) <= offered


@pytest.mark.parametrize("page", PAGES)
def test_a_page_opened_by_nobody_signed_in_asks_to_sign_in_and_offers_no_write(page_world, monkeypatch, page):
    url, _ = page_world
    monkeypatch.setenv("TDKT_DATABASE_URL", url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    at = AppTest.from_file(APP, default_timeout=30).switch_page(page).run()
    assert not at.exception
    assert ([e.value for e in at.error], {write_pattern(b.key or b.label) for b in at.button} - {None}) == (
        ["Bạn cần đăng nhập."], set())
