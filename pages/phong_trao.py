"""Phong trào thi đua: the year's movements with their state; the Office registers, edits and closes them."""

import streamlit as st

from pages._cache import read
from pages._common import require_page, selected_year
from tdkt.clusters import movements
from tdkt.core import export, permissions

who = require_page("xem")
year = selected_year()
st.title(f"Phong trào thi đua năm {year}")
if flash := st.session_state.pop("flash_movement", None):
    st.success(flash)
frame = read(movements.movements, year=year)  # kept per data version (pages/_cache.py)

if frame.empty:
    st.info(f"Năm {year} chưa có phong trào thi đua nào được đăng ký.")
else:
    counts = frame["status"].value_counts()
    for column, state in zip(st.columns(len(movements.STATES)), movements.STATES, strict=False):
        column.metric(state, int(counts.get(state, 0)))
    table = movements.display_table(frame)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Tên phong trào": st.column_config.TextColumn(width="large")})
    st.caption("Phong trào thường xuyên của năm gắn với nhiệm vụ “Phát động phong trào thi đua” của kế hoạch: ghi ngày "
               "phát động ở đây là hoàn thành nhiệm vụ đó, và ngược lại.")
    # Built when the button is clicked (a callable), not on every run of the page (13 ms each on the demo).
    st.download_button("Tải bảng phong trào (.xlsx)", key="export_movements",
                       data=lambda: export.to_xlsx({f"Phong trào {year}": table},
                                                   title=f"Phong trào thi đua năm {year}"),
                       file_name=f"phong_trao_thi_dua_{year}.xlsx", on_click="ignore")

if permissions.can(who, "quan_ly_cum"):
    from pages import _movement_admin

    _movement_admin.render(year=year, frame=frame)
