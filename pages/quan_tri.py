"""Quản trị: accounts (admin) and units (admin and the Office)."""

import pandas as pd
import streamlit as st

from pages._common import actor, db_read, db_write, require_page, settings
from tdkt.core import auth, options, permissions, throttle, units
from tdkt.core.errors import Refused
from tdkt.core.models import ROLE_LABELS, UNIT_KIND_LABELS, Role, UnitKind
from tdkt.core.text import format_datetime

who = require_page("xem")
is_admin = permissions.can(who, "quan_tri")
if not is_admin and who.role != Role.VAN_PHONG:
    st.error("Bạn không có quyền xem trang này.")
    st.stop()
st.title("Quản trị" if is_admin else "Đơn vị")
if flash := st.session_state.pop("flash_admin", None):
    st.success(flash)


def done(message: str) -> None:
    st.session_state["flash_admin"] = message
    st.rerun()


with db_read() as session:
    unit_table = units.table(session)
    unit_names = dict(zip(unit_table["id"], unit_table["name"], strict=True))
    users = auth.list_users(session) if is_admin else []

if is_admin:
    st.subheader("Người dùng")
    st.dataframe(pd.DataFrame([{
        "Tên đăng nhập": u.username, "Họ tên": u.display_name, "Vai trò": ROLE_LABELS[Role(u.role)],
        "Đơn vị": unit_names.get(u.unit_id, ""), "Hoạt động": "Có" if u.active else "Đã khóa",
        "Phải đổi mật khẩu": "Có" if u.must_change_password else "",
        "Đăng nhập gần nhất": format_datetime(u.last_login_at),
    } for u in users]), hide_index=True, width="stretch")
    new_tab, edit_tab = st.tabs(["Thêm tài khoản", "Sửa / đặt lại mật khẩu"])
    with new_tab, st.form("them_tai_khoan", clear_on_submit=True):
        username = st.text_input("Tên đăng nhập (chữ thường không dấu)")
        name = st.text_input("Họ tên")
        role = st.selectbox("Vai trò", list(Role), format_func=lambda r: ROLE_LABELS[r])
        unit_id = st.selectbox("Đơn vị (bắt buộc với vai trò Đơn vị)", [None, *unit_names],
                               format_func=lambda i: "—" if i is None else unit_names[i])
        if st.form_submit_button("Tạo tài khoản", key="tao_tai_khoan"):
            try:
                with db_write() as session:
                    created, password = auth.create_user(session, actor(), username=username, display_name=name,
                                                         role=role, unit_id=unit_id)
            except Refused as error:
                st.error(str(error))
            else:
                done(f"Đã tạo tài khoản {created.username}. Mật khẩu ban đầu: {password} "
                     "(phải đổi ở lần đăng nhập đầu).")
    with edit_tab:
        by_id = {u.id: u for u in users}
        picked = st.selectbox("Tài khoản", list(by_id), format_func=lambda i: by_id[i].username, key="user_pick")
        if picked is not None:
            u = by_id[picked]
            with st.form(f"sua_tai_khoan_{picked}"):
                name = st.text_input("Họ tên", u.display_name)
                role = st.selectbox("Vai trò", list(Role), index=list(Role).index(Role(u.role)),
                                    format_func=lambda r: ROLE_LABELS[r])
                choices = [None, *unit_names]
                unit_id = st.selectbox("Đơn vị", choices, index=choices.index(u.unit_id) if u.unit_id in choices else 0,
                                       format_func=lambda i: "—" if i is None else unit_names[i])
                active = st.checkbox("Đang hoạt động", u.active)
                save = st.form_submit_button("Lưu", key="luu_tai_khoan")
                reset = st.form_submit_button("Đặt lại mật khẩu", key="dat_lai_mat_khau")
            try:
                if save:
                    with db_write() as session:
                        auth.update_user(session, actor(), user_id=picked, display_name=name, role=role,
                                         unit_id=unit_id, active=active)
                    done(f"Đã lưu tài khoản {u.username}.")
                if reset:
                    with db_write() as session:
                        password = auth.reset_password(session, actor(), user_id=picked)
                    done(f"Mật khẩu mới của {u.username}: {password} (phải đổi ở lần đăng nhập sau). Mọi phiên "
                         "đăng nhập của tài khoản này đã kết thúc.")
            except Refused as error:
                st.error(str(error))


def sign_in_waits() -> None:
    """The accounts and addresses waiting after too many wrong passwords, and the admin's lift."""
    st.subheader("Tạm khóa đăng nhập")
    limits = throttle.Limits.of(settings())
    st.caption(f"Nhập sai mật khẩu {limits.failures} lần trong {limits.window.total_seconds() / 60:g} phút thì tài "
               f"khoản phải chờ {limits.wait.total_seconds() / 60:g} phút mới đăng nhập lại được; một máy nhập sai "
               f"{limits.address_failures} lần (trên mọi tài khoản) cũng vậy. Gỡ tạm khóa khi đã rõ là chính người "
               "dùng nhập nhầm.")
    with db_read() as session:
        waiting = {f"{w.kind}|{w.key}": w for w in throttle.waits(session, limits=limits)}
    if not waiting:
        st.info("Không có tài khoản hay máy nào đang tạm khóa đăng nhập.")
        return
    st.dataframe(pd.DataFrame([{
        "Loại": throttle.KIND_LABELS[w.kind], "Tài khoản / địa chỉ máy": w.key, "Số lần nhập sai": w.failures,
        "Khóa đến": format_datetime(w.until), "Còn lại": f"{w.minutes_left()} phút",
    } for w in waiting.values()]), hide_index=True, width="stretch")
    picked = st.selectbox("Gỡ tạm khóa cho", list(waiting), key="wait_pick",
                          format_func=lambda k: f"{throttle.KIND_LABELS[waiting[k].kind]} {waiting[k].key}")
    if st.button("Gỡ tạm khóa", key="go_khoa_dang_nhap"):
        wait = waiting[picked]
        try:
            with db_write() as session:
                throttle.lift(session, actor(), kind=wait.kind, key=wait.key, limits=limits)
        except Refused as error:
            st.error(str(error))
        else:
            done(f"Đã gỡ tạm khóa đăng nhập cho {throttle.KIND_LABELS[wait.kind].lower()} {wait.key}.")


if is_admin:
    sign_in_waits()

st.subheader("Đơn vị")
st.dataframe(unit_table.drop(columns=["id", "kind"]).rename(columns={
    "name": "Tên đơn vị", "short_name": "Tên viết tắt", "kind_label": "Loại", "active": "Đang hoạt động"}),
    hide_index=True, width="stretch")
add_tab, rename_tab = st.tabs(["Thêm đơn vị", "Sửa / đổi tên đơn vị"])
with add_tab, st.form("them_don_vi", clear_on_submit=True):
    name = st.text_input("Tên đơn vị")
    short = st.text_input("Tên viết tắt (như văn bản hay ghi)")
    kind = st.selectbox("Loại", list(UnitKind), format_func=lambda k: UNIT_KIND_LABELS[k], index=1)
    if st.form_submit_button("Thêm đơn vị", key="them_don_vi_btn"):
        try:
            with db_write() as session:
                units.add(session, actor(), name=name, kind=kind, short_name=short)
        except Refused as error:
            st.error(str(error))
        else:
            done(f"Đã thêm đơn vị {name}.")
with rename_tab:
    picked = st.selectbox("Đơn vị", list(unit_names), format_func=lambda i: unit_names[i], key="unit_pick")
    with db_read() as session:
        unit = units.get_unit(session, unit_id=picked)
    with st.form(f"sua_don_vi_{picked}"):
        name = st.text_input("Tên đơn vị", unit.name)
        short = st.text_input("Tên viết tắt", unit.short_name or "")
        kinds = list(UnitKind)
        kind = st.selectbox("Loại", kinds, index=kinds.index(UnitKind(unit.kind)),
                            format_func=lambda k: UNIT_KIND_LABELS[k])
        active = st.checkbox("Đang hoạt động", unit.active)
        if st.form_submit_button("Lưu", key="luu_don_vi"):
            try:
                with db_write() as session:
                    units.update(session, actor(), unit_id=picked, name=name, kind=kind, short_name=short,
                                 active=active)
            except Refused as error:
                st.error(str(error))
            else:
                done(f"Đã lưu đơn vị {name}.")

if is_admin:
    st.subheader("Cài đặt: lương cơ sở")
    st.caption("Tiền thưởng = hệ số × lương cơ sở tại ngày quyết định khen thưởng.")
    with db_read() as session:
        salaries = options.base_salaries(session)
    edited = st.data_editor(
        pd.DataFrame(salaries, columns=["Áp dụng từ ngày", "Lương cơ sở (đồng/tháng)"]), num_rows="dynamic",
        key="base_salary_editor", hide_index=True,
        column_config={"Áp dụng từ ngày": st.column_config.DateColumn(format="DD/MM/YYYY"),
                       "Lương cơ sở (đồng/tháng)": st.column_config.NumberColumn(min_value=1, step=1000, format="%d")},
    )
    if st.button("Lưu lương cơ sở", key="luu_luong_co_so"):
        try:
            with db_write() as session:
                options.set_base_salaries(session, actor(), entries=[
                    (r[0], r[1]) for r in edited.itertuples(index=False) if pd.notna(r[0]) and pd.notna(r[1])])
        except Refused as error:
            st.error(str(error))
        else:
            done("Đã lưu lương cơ sở.")
