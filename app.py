"""TĐKT Dashboard: sign-in, navigation by role, the year selector. Pages live in pages/."""

import streamlit as st

from pages import _common as common
from tdkt.core import auth, permissions
from tdkt.core.errors import Refused
from tdkt.core.models import ROLE_LABELS, Role
from tdkt.council import members as council
from tdkt.documents import register as documents
from tdkt.forms import tt02

st.set_page_config(page_title="TĐKT Dashboard — Sở Công Thương Lạng Sơn", page_icon=":material/military_tech:",
                   layout="wide")


def sign_in_view() -> None:
    st.title("TĐKT Dashboard")
    st.caption(f"Công tác thi đua, khen thưởng — {common.settings().agency}")
    if common.is_demo():
        st.warning("**Dữ liệu minh họa** — người và số liệu hư cấu, không phải dữ liệu thật.")
    if ended := st.session_state.pop("session_ended", None):
        st.info(ended)
    with st.form("dang_nhap"):
        username = st.text_input("Tên đăng nhập", key="login_username")
        password = st.text_input("Mật khẩu", type="password", key="login_password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        try:
            common.sign_in(username, password)
        except Refused as error:
            st.error(str(error))
        else:
            st.rerun()


def change_password_view(user) -> None:
    st.title("Đổi mật khẩu")
    st.info(f"Xin chào {user.display_name}. Đây là lần đăng nhập đầu: hãy đặt mật khẩu mới trước khi dùng hệ thống.")
    with st.form("doi_mat_khau_bat_buoc"):
        old = st.text_input("Mật khẩu hiện tại", type="password")
        new = st.text_input("Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)", type="password")
        confirm = st.text_input("Nhập lại mật khẩu mới", type="password")
        submitted = st.form_submit_button("Đổi mật khẩu", type="primary")
    if submitted:
        try:
            with common.db_write() as session:
                auth.change_password(session, user=auth.get_user(session, user_id=user.id), old_password=old,
                                     new_password=new, confirm=confirm, keep_session=common.current_session())
        except Refused as error:
            st.error(str(error))
        else:
            st.rerun()
    if st.button("Đăng xuất"):
        common.sign_out()
        st.rerun()


def config_error_view() -> None:
    common.show_config_error(problem)


# A bad setting (a short TDKT_SECRET_KEY, a number that is not one) is said once, on a page of its own: no traceback,
# and the navigation is built so that the sidebar does not list the files of pages/ (see the gate below).
if (problem := common.config_error()) is not None:
    st.navigation([st.Page(config_error_view, title="Thiết lập chưa đúng")], position="hidden").run()
    st.stop()

user = common.current_user()
common.flush_cookie()
if user is None or user.must_change_password:
    # These views go through st.navigation too: until a run calls it, Streamlit treats pages/ as an old-style
    # multipage folder, lists every file in it in the sidebar and opens a URL such as /tien_do past this gate.
    # Served at every page's URL too (common.gate_pages): no English "Page not found", and the page asked for opens
    # once signed in.
    gate = (common.gate_pages(sign_in_view, "Đăng nhập") if user is None
            else common.gate_pages(lambda: change_password_view(user), "Đổi mật khẩu", url_path="doi_mat_khau"))
    st.navigation(gate, position="hidden").run()
    st.stop()

role = Role(user.role)
pages = {
    "Theo dõi": [
        st.Page("pages/tong_quan.py", title="Tổng quan", icon=":material/dashboard:", default=True, url_path=""),
        st.Page("pages/tien_do.py", title="Tiến độ kế hoạch", icon=":material/event_note:"),
        st.Page("pages/cum_thi_dua.py", title="Cụm thi đua & giao ước", icon=":material/groups:"),
        st.Page("pages/phong_trao.py", title="Phong trào thi đua", icon=":material/campaign:"),
        st.Page("pages/thong_ke.py", title="Thống kê khen thưởng", icon=":material/bar_chart:"),
        st.Page("pages/so_ket.py", title="Sơ kết / Tổng kết", icon=":material/summarize:"),
    ],
    "Tài khoản": [st.Page("pages/tai_khoan.py", title="Tài khoản của tôi", icon=":material/person:")],
}
if tt02.may_read(permissions.Actor.of(user)):  # the Office and the leadership: the forms the province asks for
    pages["Theo dõi"].insert(5, st.Page("pages/bieu_thong_ke.py", title="Biểu thống kê (TT 02/2023)",
                                        icon=":material/table_view:"))
# Next to Cụm thi đua, after the forms' insert above (which counts its place without this page).
pages["Theo dõi"].insert(3, st.Page("pages/cham_diem.py", title="Chấm điểm thi đua cụm", icon=":material/scoreboard:"))
pages["Khen thưởng"] = [st.Page("pages/ho_so.py", title="Hồ sơ đề nghị", icon=":material/fact_check:"),
                        st.Page("pages/tra_cuu.py", title="Tra cứu cá nhân, tập thể", icon=":material/person_search:")]
if council.may_read(permissions.Actor.of(user)):  # every role reads it, the Office keeps it
    pages["Khen thưởng"].append(st.Page("pages/hoi_dong.py", title="Hội đồng TĐKT", icon=":material/how_to_vote:"))
pages["Khen thưởng"].append(st.Page("pages/thanh_phan_ho_so.py", icon=":material/checklist:", title=(
    "Thành phần hồ sơ, nhắc hạn" if permissions.can(permissions.Actor.of(user), "nhac_han") else "Thành phần hồ sơ")))
if permissions.can(permissions.Actor.of(user), "nhap_danh_sach", unit_ids={user.unit_id}):
    pages["Khen thưởng"].insert(0, st.Page("pages/tai_len.py", title="Tải lên danh sách đề nghị",
                                           icon=":material/upload_file:"))
    pages["Khen thưởng"].insert(1, st.Page("pages/nhap_ho_so.py", title="Nhập xếp loại, kỷ luật, sáng kiến",
                                           icon=":material/history_edu:"))
if permissions.can(permissions.Actor.of(user), "xem_tiep_nhan", unit_ids={user.unit_id}):
    pages["Khen thưởng"].append(st.Page("pages/tiep_nhan.py", title="Tiếp nhận hồ sơ", icon=":material/inbox:"))
if documents.may_read(permissions.Actor.of(user)):  # the Office drafts; the leadership and the admin read
    pages["Khen thưởng"].append(st.Page("pages/van_ban.py", title="Văn bản", icon=":material/description:"))
if permissions.can(permissions.Actor.of(user), "soan_van_ban"):
    pages["Khen thưởng"].append(st.Page("pages/giay_khen.py", title="In giấy khen, giấy chứng nhận",
                                        icon=":material/workspace_premium:"))
pages["Khen thưởng"].append(st.Page("pages/dang_ky.py", title="Đăng ký thi đua", icon=":material/how_to_reg:"))
pages = {k: pages[k] for k in ("Theo dõi", "Khen thưởng", "Tài khoản")}
if role == Role.QUAN_TRI:
    pages["Quản trị"] = [
        st.Page("pages/quan_tri.py", title="Người dùng & đơn vị", icon=":material/settings:"),
        st.Page("pages/nhat_ky.py", title="Nhật ký", icon=":material/history:"),
        st.Page("pages/sao_luu.py", title="Sao lưu & khôi phục", icon=":material/backup:"),
    ]
elif role == Role.VAN_PHONG:
    pages["Quản trị"] = [st.Page("pages/quan_tri.py", title="Đơn vị", icon=":material/settings:")]
# Every page listed: collapsed (the default shows 10), the Office's Tiếp nhận hồ sơ and Đơn vị hid behind "View more".
# A page outside the menu, or no page at all, opened by its URL: our Vietnamese refusal or not-found page, hidden.
navigation = st.navigation(common.with_refusals(pages), expanded=True)

with st.sidebar:
    if common.is_demo():
        st.warning("**Dữ liệu minh họa** — người và số liệu hư cấu, không phải dữ liệu thật.")
    years = common.year_options()
    st.selectbox("Năm", years, index=years.index(common.selected_year()), key="year",
                 format_func=lambda y: f"Năm {y}")
    st.caption(f"{user.display_name} · {ROLE_LABELS[role]}")
    if st.button("Đăng xuất", key="dang_xuat"):
        common.sign_out()
        st.rerun()

navigation.run()
