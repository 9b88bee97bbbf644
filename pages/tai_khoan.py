"""Tài khoản của tôi: who am I, change my password."""

import streamlit as st

from pages._common import current_session, db_read, db_write, require_page
from tdkt.core import auth, units
from tdkt.core.errors import Refused
from tdkt.core.models import ROLE_LABELS, Role

who = require_page("xem")
st.title("Tài khoản của tôi")
with db_read() as session:
    user = auth.get_user(session, user_id=who.id)
    unit = units.get_unit(session, unit_id=user.unit_id) if user.unit_id else None
st.write(f"**{user.display_name}** — tên đăng nhập `{user.username}`, vai trò {ROLE_LABELS[Role(user.role)]}"
         + (f", đơn vị {unit.name}" if unit else ""))
with st.form("doi_mat_khau", clear_on_submit=True):
    st.subheader("Đổi mật khẩu")
    old = st.text_input("Mật khẩu hiện tại", type="password")
    new = st.text_input("Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)", type="password")
    confirm = st.text_input("Nhập lại mật khẩu mới", type="password")
    if st.form_submit_button("Đổi mật khẩu"):
        try:
            with db_write(bump=False) as session:  # no cached result reads it (auth.change_password)
                auth.change_password(session, user=auth.get_user(session, user_id=who.id), old_password=old,
                                     new_password=new, confirm=confirm, keep_session=current_session())
        except Refused as error:
            st.error(str(error))
        else:
            st.success("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản (trên máy, trình duyệt khác) đã "
                       "kết thúc; phiên này vẫn tiếp tục.")
