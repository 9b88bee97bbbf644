"""The Office's plan forms on Tiến độ kế hoạch: add a task, edit a task, copy a plan to a new year."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages._common import actor, db_read, db_write
from tdkt.core import units
from tdkt.core.errors import Refused
from tdkt.core.models import Plan
from tdkt.plan import plan as plan_module


def _units_input(label: str, current: list[str], options: list[str], key: str) -> list[str]:
    chosen = st.multiselect(label, options + [c for c in current if c not in options],
                            default=current, key=key, accept_new_options=True, placeholder="Chọn hoặc gõ thêm đơn vị",
                            help="Chọn đơn vị trong danh sách, hoặc gõ đúng cách kế hoạch ghi (ví dụ “HĐ TĐKT”).")
    return chosen


def _done(message: str) -> None:
    st.session_state["flash"] = message
    st.rerun()


def render(*, year: int, plan: Plan | None, frame: pd.DataFrame) -> None:
    """Draw the Office's forms; every write is checked again in tdkt."""
    with db_read() as session:
        options = units.names(session)
    st.subheader("Quản lý kế hoạch (Văn phòng Sở)")
    add_tab, edit_tab, copy_tab = st.tabs(["Thêm nhiệm vụ", "Sửa nhiệm vụ", "Sao chép sang năm mới"])
    with add_tab:
        if plan is None:
            st.info(f"Năm {year} chưa có kế hoạch: sao chép kế hoạch một năm trước ở thẻ bên cạnh.")
        else:
            with st.form("them_nhiem_vu", clear_on_submit=True):
                quarter = st.selectbox("Quý", [1, 2, 3, 4], format_func=lambda q: f"Quý {q}", key="add_quarter")
                content = st.text_area("Nội dung công việc", key="add_content")
                chosen = _units_input("Đơn vị tham mưu, thực hiện", [], options, "add_units")
                due = st.date_input("Hạn (bỏ trống = cuối quý)", None, format="DD/MM/YYYY", key="add_due")
                if st.form_submit_button("Thêm nhiệm vụ", key="them_nhiem_vu_btn"):
                    try:
                        with db_write() as session:
                            task = plan_module.add_task(session, actor(), year=year, quarter=quarter, content=content,
                                                        units=chosen, due_on=due)
                    except Refused as error:
                        st.error(str(error))
                    else:
                        _done(f"Đã thêm nhiệm vụ {task.number} quý {task.quarter}.")
    with edit_tab:
        if frame.empty:
            st.info("Chưa có nhiệm vụ để sửa.")
        else:
            rows = {int(r.id): r for r in frame.itertuples()}
            task_id = st.selectbox("Nhiệm vụ", list(rows), key="edit_pick",
                                   format_func=lambda i: plan_module.task_choice_label(rows[i]))
            row = rows[task_id]
            with st.form(f"sua_nhiem_vu_{task_id}"):
                c1, c2 = st.columns(2)
                quarter = c1.selectbox("Quý", [1, 2, 3, 4], index=int(row.quarter) - 1,
                                       format_func=lambda q: f"Quý {q}")
                number = c2.number_input("Số thứ tự (như kế hoạch in)", min_value=1, value=int(row.number), step=1)
                content = st.text_area("Nội dung công việc", row.content)
                chosen = _units_input("Đơn vị tham mưu, thực hiện", list(row.units), options, f"edit_units_{task_id}")
                due = st.date_input("Hạn", row.due_on, format="DD/MM/YYYY")
                if st.form_submit_button("Lưu thay đổi", key="sua_nhiem_vu_btn"):
                    try:
                        with db_write() as session:
                            plan_module.edit_task(session, actor(), task_id=task_id, quarter=quarter,
                                                  number=int(number), content=content, units=chosen, due_on=due)
                    except Refused as error:
                        st.error(str(error))
                    else:
                        _done(f"Đã sửa nhiệm vụ {int(number)} quý {quarter}.")
    with copy_tab:
        with db_read() as session:
            years = plan_module.years(session)
        with st.form("sao_chep_ke_hoach"):
            source = st.selectbox("Sao chép kế hoạch năm", years, key="copy_from")
            target = st.number_input("Sang năm", min_value=2000, max_value=2100, value=max(years or [year]) + 1, step=1)
            st.caption("Mọi nhiệm vụ được chép với trạng thái “Chưa thực hiện” và hạn dời sang năm mới.")
            if st.form_submit_button("Sao chép", key="sao_chep_btn"):
                try:
                    with db_write() as session:
                        plan_module.copy_plan(session, actor(), from_year=int(source), to_year=int(target))
                except Refused as error:
                    st.error(str(error))
                else:
                    _done(f"Đã tạo kế hoạch năm {int(target)} từ kế hoạch năm {int(source)}. "
                          f"Chọn năm {int(target)} ở thanh bên.")
