"""TĐKT Dashboard: sign-in, navigation by role, the year selector. Pages live in pages/."""

import importlib
import threading

import streamlit as st

from pages import _common as common
from tdkt.core.errors import Refused

# What the signed-in runs import and the sign-in page does not (pandas with them): imported after the gate below,
# and ahead of time by `preload` while the user types. A fresh server's sign-in page paid them (0.5–0.7 s of CPU).
# The database layer (models, auth, permissions) waits too: a browser with no sign-in cookie meets the form before
# it is imported and the database opened (`common.may_be_signed_in`, `sign_in_view`).
SIGNED_IN_MODULES = ("tdkt.council.members", "tdkt.documents.register", "tdkt.forms.tt02", "tdkt.reports.charts",
                     "tdkt.plan.plan", "tdkt.reports.overview", "pages._cache")

DEMO = "**Dữ liệu minh họa** — người và số liệu hư cấu, không phải dữ liệu thật."
REFUSED = "sign_in_refused"  # the refusal a form's callback met, shown under the form by the run it starts
WARM_UP, WARMED = "warm_up_first_page", "warmed_up"  # the hidden box's key; this tab has drawn it

st.set_page_config(page_title="TĐKT Dashboard — Sở Công Thương Lạng Sơn", page_icon=":material/military_tech:",
                   layout="wide")


def sign_in_view() -> None:
    st.title("TĐKT Dashboard")
    st.caption(f"Công tác thi đua, khen thưởng — {common.settings().agency}")
    demo = st.empty()  # filled below the form: the database opens after the form is drawn
    if ended := st.session_state.pop("session_ended", None):
        st.info(ended)
    with st.form("dang_nhap"):
        st.text_input("Tên đăng nhập", key="login_username")
        st.text_input("Mật khẩu", type="password", key="login_password")
        st.form_submit_button("Đăng nhập", type="primary", on_click=submit_sign_in)
    if refused := st.session_state.pop(REFUSED, None):
        st.error(refused)
    # A fresh server's first run opens the database here, the form on the screen: importing the database layer,
    # the migrations check and the seed check took 0.75 s of its CPU before the form (2.3–5 s of wall time under
    # load); then the imports of the first page start, and the hidden first page's drawing.
    if common.is_demo():
        demo.warning(DEMO)
    preload()
    warm_up_first_page()


def submit_sign_in() -> None:
    """Sign in from the form's values. A callback runs before the script, so the run the click starts finds the user
    signed in and draws the first page itself: no st.rerun, one run instead of two."""
    state = st.session_state
    try:
        common.sign_in(state.get("login_username", ""), state.get("login_password", ""))
    except Refused as error:
        state[REFUSED] = str(error)


def change_password_view(user) -> None:
    st.title("Đổi mật khẩu")
    st.info(f"Xin chào {user.display_name}. Đây là lần đăng nhập đầu: hãy đặt mật khẩu mới trước khi dùng hệ thống.")
    with st.form("doi_mat_khau_bat_buoc"):
        st.text_input("Mật khẩu hiện tại", type="password", key="first_old_password")
        st.text_input("Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)", type="password", key="first_new_password")
        st.text_input("Nhập lại mật khẩu mới", type="password", key="first_confirm_password")
        st.form_submit_button("Đổi mật khẩu", type="primary", on_click=submit_first_password, args=(user.id,))
    if refused := st.session_state.pop(REFUSED, None):
        st.error(refused)
    if st.button("Đăng xuất"):
        common.sign_out()
        st.rerun()
    warm_up_first_page()


def submit_first_password(user_id: int) -> None:
    """Change the password at the first sign-in (a callback, as `submit_sign_in`: the run the click starts finds the
    flag cleared and draws the first page)."""
    from tdkt.core import auth

    state = st.session_state
    try:
        with common.db_write(bump=False) as session:  # no cached result reads passwords: see change_password
            auth.change_password(session, user=auth.get_user(session, user_id=user_id),
                                 old_password=state.get("first_old_password", ""),
                                 new_password=state.get("first_new_password", ""),
                                 confirm=state.get("first_confirm_password", ""), keep_session=common.current_session())
    except Refused as error:
        state[REFUSED] = str(error)


def warm_up_figure() -> dict:
    """A figure with what Tổng quan's charts draw (charts.house_layout, stacked and grouped horizontal bars on a
    two-level axis, text inside and outside, a note, a two-line title): plotly compiles each part at its first use."""
    from tdkt.reports import charts  # drawn under the form, once it is on the page: see SIGNED_IN_MODULES

    axis = [["g", "g"], ["a", "b"]]
    return {"data": [{"type": "bar", "orientation": "h", "y": axis, "x": [1, 2], "name": "a", "text": [1, 2],
                      "textposition": "inside", "hovertemplate": "%{y}: %{x}<extra></extra>"},
                     {"type": "bar", "orientation": "h", "y": axis, "x": [2, 1], "name": "b", "text": [2, 1],
                      "textposition": "outside", "cliponaxis": False}],
            "layout": charts.house_layout("a<br><sup>b</sup>", height=200, barmode="stack",
                                          yaxis={"autorange": "reversed", "automargin": True},
                                          xaxis={"title": {"text": "a"}, "gridcolor": "#eeeeee"},
                                          annotations=[{"x": 3, "y": 0.5, "yref": "paper", "text": "a",
                                                        "showarrow": False, "xanchor": "left"}])}


def warm_up_first_page() -> None:
    """Draw, hidden, under the sign-in form while the user types, what the first page draws first in a browser: a
    plotly chart like Tổng quan's, a link, a select box (the sidebar's year) and a metric, once per browser tab.

    A browser loads each kind of element's code the first time one is drawn (Streamlit's PlotlyChart code is 4.7 MB)
    and plotly compiles its drawing at first use: 1.5–3.7 s of one blocked task (headless Chromium, 2 shared cores)
    that the first sign-in paid after its click until this chart took it. Importing the code alone did not take it:
    the drawing compiles lazily. Hidden with visibility (off the screen, the tab order and the accessibility tree)
    and out of the layout. Once drawn in a tab (its Streamlit session) it is not drawn again: the code stays loaded,
    so the forced password change and a sign-in after signing out do not draw it twice."""
    if st.session_state.get(WARMED):
        return
    st.session_state[WARMED] = True
    with st.container(key=WARM_UP):
        st.plotly_chart(warm_up_figure(), key="warm_up_chart", config={"displayModeBar": False})
        st.page_link("https://example.invalid/", label="a")
        st.selectbox("a", [1], key="warm_up_select", label_visibility="collapsed")
        # Tổng quan's key figures: Streamlit's Metric code and what it loads with it (number formatting, the help
        # icon), 7 files the forced password change's click waited for (bench/ui.py, 0.1–0.3 s with their parsing).
        st.metric("a", 1, help="a")
    st.html(f"<style>.st-key-{WARM_UP} {{ position: absolute; visibility: hidden; pointer-events: none; "
            "width: 400px; height: 200px; overflow: hidden; }}</style>")


@st.cache_resource(show_spinner=False)
def preload() -> threading.Thread:
    """Import SIGNED_IN_MODULES in a thread, once per process, started by the first sign-in page after its form is
    drawn: the user types meanwhile, and the first sign-in finds them imported (an import the run needs first waits
    for the thread's, as Python's import lock does between threads; the modules import one another in no cycle)."""
    thread = threading.Thread(target=lambda: [importlib.import_module(name) for name in SIGNED_IN_MODULES],
                              name="tdkt-preload", daemon=True)
    thread.start()
    return thread


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

# Signed in from here on: the modules the sign-in page does without (SIGNED_IN_MODULES).
from tdkt.core import permissions  # noqa: E402
from tdkt.core.models import ROLE_LABELS, Role  # noqa: E402
from tdkt.council import members as council  # noqa: E402
from tdkt.documents import register as documents  # noqa: E402
from tdkt.forms import tt02  # noqa: E402

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
        st.warning(DEMO)
    years = common.year_options()
    st.selectbox("Năm", years, index=years.index(common.selected_year()), key="year",
                 format_func=lambda y: f"Năm {y}")
    st.caption(f"{user.display_name} · {ROLE_LABELS[role]}")
    if st.button("Đăng xuất", key="dang_xuat"):
        common.sign_out()
        st.rerun()

navigation.run()
