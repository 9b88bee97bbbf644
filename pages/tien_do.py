"""Tiến độ kế hoạch: progress by quarter and unit, the task table, and the Office's/units' updates."""

from datetime import date

import streamlit as st

from pages._cache import PLOTLY, drawn, read
from pages._common import actor, db_read, db_write, require_page, selected_year
from tdkt.clusters import task_links
from tdkt.core import export, permissions
from tdkt.core.errors import Refused
from tdkt.core.models import TASK_STATUS_LABELS, TaskStatus
from tdkt.core.text import format_date
from tdkt.plan import plan as plan_module
from tdkt.reports import charts

# Widths in pixels: auto-sized, the long task text pushed "Trạng thái" out of view on a 1400 px screen and "Quá hạn
# 717 ngày" was cut to "Quá hạn…" by a column sized for its header. These give each short column its values' width
# and keep the columns up to "Hạn" (about 960 px) in view beside the sidebar; the rest scroll.
TASK_WIDTHS = {name: st.column_config.Column(width=width) for name, width in (
    ("Quý", 60), ("Số", 45), ("Trạng thái", 125), ("Quá hạn", 130), ("Nội dung công việc", 320),
    ("Đơn vị tham mưu, thực hiện", 180), ("Hạn", 95), ("Ngày hoàn thành", 120), ("Văn bản (số, ký hiệu)", 150),
    ("Ghi chú", 200))}

who = require_page("xem")
year = selected_year()
st.title(f"Tiến độ kế hoạch TĐKT năm {year}")
as_of = st.date_input("Tính quá hạn đến ngày", date.today(), format="DD/MM/YYYY", key="as_of")
with db_read() as session:
    plan = plan_module.get_plan(session, year=year)
# The tasks, their counts, the table and the two figures are kept per data version (pages/_cache.py).
view = read(plan_module.progress_view, year=year, as_of=as_of)
frame = view.tasks
editable = read(plan_module.editable_task_ids, actor=who, year=year)

if plan is None:
    st.info(f"Năm {year} chưa có kế hoạch.")
else:
    number = f"Số: {plan.number or '…'}/{plan.symbol}"
    st.caption(f"Kế hoạch {plan.title} — {number}, {plan.place or ''} ngày {format_date(plan.issued_on) or '…'}, "
               f"{plan.signer_title or ''} {plan.signer or ''}")
    left, right = st.columns(2)
    by_quarter, by_unit = drawn(charts.plan_progress, plan_module.progress_view, year=year, as_of=as_of)
    left.plotly_chart(by_quarter, key="chart_quarter", **PLOTLY)
    right.plotly_chart(by_unit, key="chart_unit", **PLOTLY)
    table = view.table
    st.dataframe(
        table.style.apply(lambda col: ["color: #c62828; font-weight: bold" if v else "" for v in col],
                          subset=["Quá hạn"]),
        hide_index=True, width="stretch",
        column_config=TASK_WIDTHS,
    )
    # Built when the button is clicked (a callable), not on every run of the page.
    st.download_button("Tải bảng nhiệm vụ (.xlsx)", lambda: export.to_xlsx({f"Kế hoạch {year}": table},
                       title=f"Tiến độ kế hoạch TĐKT năm {year} (tính đến {format_date(as_of)})"),
                       file_name=f"tien_do_ke_hoach_{year}.xlsx", key="export_tasks", on_click="ignore")

# Choosing another task reruns this part only (not the charts and the table above); a save reruns the page.
@st.fragment
def update_form() -> None:
    rows = {int(r.id): r for r in frame.itertuples() if int(r.id) in editable}
    task_id = st.selectbox("Nhiệm vụ", list(rows), format_func=lambda i: plan_module.task_choice_label(rows[i]),
                           key="task_pick")
    task = rows[task_id]
    statuses = list(TaskStatus)
    with st.form(f"cap_nhat_{task_id}"):
        status = st.selectbox("Trạng thái", statuses, index=statuses.index(TaskStatus(task.status)),
                              format_func=lambda s: TASK_STATUS_LABELS[s], key="task_status")
        done = st.date_input("Ngày hoàn thành", task.completed_on, format="DD/MM/YYYY", key="task_done")
        evidence = st.text_input("Văn bản (số, ký hiệu)", task.evidence or "", placeholder="ví dụ 125/BC-SCT")
        note = st.text_area("Ghi chú", task.note or "")
        if st.form_submit_button("Lưu", type="primary", key="luu_nhiem_vu"):
            try:
                with db_write() as session:
                    task_links.update_task_status(session, actor(), task_id=task_id, status=status,
                                                  completed_on=done, evidence=evidence, note=note)
            except Refused as error:
                st.error(str(error))
            else:
                st.session_state["flash"] = (f"Đã lưu nhiệm vụ {task.number} quý {task.quarter}: "
                                             f"{TASK_STATUS_LABELS[status]}.")
                st.rerun()


if editable:
    st.subheader("Cập nhật tiến độ nhiệm vụ")
    update_form()
elif plan is not None and who.role.value == "don_vi":
    st.info("Đơn vị của bạn không có nhiệm vụ nào được giao trực tiếp trong kế hoạch này.")
if flash := st.session_state.pop("flash", None):
    st.success(flash)

if permissions.can(who, "sua_ke_hoach"):
    from pages import _plan_admin

    _plan_admin.render(year=year, plan=plan, frame=frame)
