"""The Office's forms on Phong trào thi đua: register a movement, edit it, close it with its results."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages._cache import read
from pages._common import actor, db_write
from tdkt.clusters import movements, task_links
from tdkt.core import units
from tdkt.core.errors import Refused
from tdkt.plan import plan as plan_module

AUTO = "auto"  # "the plan's launch task when this is the year's regular movement"
def _done(message: str) -> None:
    st.session_state["flash_movement"] = message
    st.rerun()


def _fields(prefix: str, year: int, row, unit_names: dict[int, str], tasks: dict[int, str], *, new: bool) -> dict:
    """Draw the registration fields (inside a form) and return their values as keyword arguments."""
    kinds = list(movements.KINDS)
    values = {
        "name": st.text_input("Tên phong trào", row.name if row is not None else "", key=f"{prefix}_name"),
        "kind": st.selectbox("Loại", kinds, index=kinds.index(row.kind) if row is not None else 0,
                             format_func=movements.KINDS.get, key=f"{prefix}_kind"),
    }
    c1, c2 = st.columns(2)
    values["document"] = c1.text_input("Văn bản phát động (số, ký hiệu)",
                                       (row.document or "") if row is not None else "",
                                       placeholder="ví dụ 12/KH-SCT", key=f"{prefix}_document")
    values["launched_on"] = c2.date_input("Ngày phát động (bỏ trống nếu chưa phát động)",
                                          row.launched_on if row is not None else None, format="DD/MM/YYYY",
                                          key=f"{prefix}_launched")
    values["start_on"] = c1.date_input("Bắt đầu", row.start_on if row is not None else date(year, 1, 1),
                                       format="DD/MM/YYYY", key=f"{prefix}_start")
    values["end_on"] = c2.date_input("Kết thúc", row.end_on if row is not None else date(year, 12, 31),
                                     format="DD/MM/YYYY", key=f"{prefix}_end")
    values["launched_by"] = st.text_input("Cơ quan, người phát động",
                                          (row.launched_by or "") if row is not None else "Giám đốc Sở Công Thương",
                                          key=f"{prefix}_by")
    chosen = [i for i in (row.unit_ids if row is not None else []) if i in unit_names]
    values["unit_ids"] = st.multiselect("Đơn vị tham gia", list(unit_names), format_func=unit_names.get, default=chosen,
                                        placeholder="Chọn các đơn vị", key=f"{prefix}_units")
    values["goals"] = st.text_area("Mục tiêu", (row.goals or "") if row is not None else "", key=f"{prefix}_goals")
    choices = ([AUTO] if new else []) + [None, *tasks]
    labels = {AUTO: "Tự liên kết (phong trào thường xuyên ↔ nhiệm vụ phát động phong trào)", None: "Không liên kết",
              **tasks}
    current = None if row is None or pd.isna(row.task_id) else int(row.task_id)
    task = st.selectbox("Nhiệm vụ kế hoạch liên kết", choices, format_func=labels.get, key=f"{prefix}_task",
                        index=0 if new else choices.index(current) if current in choices else 0)
    values["task_id"] = None if task == AUTO else task
    if new:
        values["auto_link"] = task == AUTO
    return values


def render(*, year: int, frame: pd.DataFrame) -> None:
    """Draw the Office's forms; every write is checked again in tdkt."""
    # Kept per data version (pages/_cache.py): read on every run, the two took about half the page's run time.
    unit_names = {int(u.id): u.name for u in read(units.table).itertuples() if u.active and u.kind != "nhom"}
    task_frame = read(plan_module.tasks, year=year, as_of=date.today())
    tasks = {int(r.id): plan_module.task_choice_label(r) for r in task_frame.itertuples()}
    st.subheader("Quản lý phong trào (Văn phòng Sở)")
    add_tab, edit_tab, close_tab = st.tabs(["Đăng ký phong trào", "Sửa phong trào", "Tổng kết phong trào"])
    with add_tab, st.form("them_phong_trao", clear_on_submit=True):
        values = _fields("mv_new", year, None, unit_names, tasks, new=True)
        if st.form_submit_button("Đăng ký", type="primary", key="them_phong_trao_btn"):
            try:
                with db_write() as session:
                    movement = task_links.add_movement(session, actor(), year=year, **values)
            except Refused as error:
                st.error(str(error))
            else:
                _done(f"Đã đăng ký phong trào “{movement.name}”.")
    rows = {int(r.id): r for r in frame.itertuples()}
    with edit_tab:
        if not rows:
            st.info("Chưa có phong trào để sửa.")
        else:
            movement_id = st.selectbox("Phong trào", list(rows), format_func=lambda i: rows[i].name, key="mv_pick")
            with st.form(f"sua_phong_trao_{movement_id}"):
                values = _fields(f"mv_edit_{movement_id}", year, rows[movement_id], unit_names, tasks, new=False)
                if st.form_submit_button("Lưu phong trào", key="luu_phong_trao"):
                    try:
                        with db_write() as session:
                            task_links.update_movement(session, actor(), movement_id=movement_id, **values)
                    except Refused as error:
                        st.error(str(error))
                    else:
                        _done(f"Đã lưu phong trào “{values['name'].strip()}”.")
    with close_tab:
        open_rows = {i: r for i, r in rows.items() if r.status == movements.RUNNING}
        if not open_rows:
            st.info("Không có phong trào đang triển khai để tổng kết.")
            return
        movement_id = st.selectbox("Phong trào", list(open_rows), format_func=lambda i: open_rows[i].name,
                                   key="close_pick")
        with st.form(f"tong_ket_{movement_id}"):
            closed_on = st.date_input("Ngày tổng kết", date.today(), format="DD/MM/YYYY", key=f"close_on_{movement_id}")
            document = st.text_input("Văn bản tổng kết (số, ký hiệu)", key=f"close_doc_{movement_id}")
            results = st.text_area("Kết quả", key=f"close_results_{movement_id}")
            if st.form_submit_button("Tổng kết", key="tong_ket_btn"):
                try:
                    with db_write() as session:
                        movements.close_movement(session, actor(), movement_id=movement_id, closed_on=closed_on,
                                                 results=results, closing_document=document)
                except Refused as error:
                    st.error(str(error))
                else:
                    _done(f"Đã tổng kết phong trào “{open_rows[movement_id].name}”.")
