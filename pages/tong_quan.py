"""Tổng quan: the year's key figures and progress charts."""

from datetime import date

import streamlit as st

from pages._common import db_read, require_page, selected_year
from tdkt.core.text import format_date, format_money, format_percent
from tdkt.plan import plan as plan_module
from tdkt.reports import charts, overview
from tdkt.submissions import submission_views, submissions

who = require_page("xem")
year = selected_year()
today = date.today()
st.title(f"Tổng quan công tác thi đua, khen thưởng năm {year}")
with db_read() as session:
    figures = overview.key_figures(session, year=year, as_of=today, today=today)
    frame = plan_module.tasks(session, year=year, as_of=today)
    statuses = overview.nominations_by_status(session, year=year)
    waiting = submissions.watch(session, year=year, today=today, actor=who)

p = figures.progress
cols = st.columns(3) + st.columns(3)
cols[0].metric("Nhiệm vụ hoàn thành", f"{p.done}/{p.total}",
               help=f"Tỷ lệ hoàn thành {format_percent(p.done_ratio, 0)} (không tính nhiệm vụ không thực hiện).")
cols[1].metric("Nhiệm vụ quá hạn", p.overdue, help=f"Chưa hoàn thành mà đã qua hạn, tính đến {format_date(today)}.")
days = figures.days_to_deadline
cols[2].metric(f"Hạn nộp hồ sơ ({format_date(figures.deadline)})",
               f"còn {days} ngày" if days > 0 else "hôm nay" if days == 0 else f"đã qua {-days} ngày",
               help="Các phòng, đơn vị gửi hồ sơ đề nghị khen thưởng về Văn phòng Sở.")
cols[3].metric("Giao ước đã ký", f"{figures.covenants_signed}/{figures.covenants_total}",
               help="Số lần ký kết giao ước thi đua của cụm mà Sở đã tham gia, trên tổng số.")
cols[4].metric("Hồ sơ đề nghị", figures.nominations)
cols[5].metric("Tiền thưởng theo quyết định", format_money(figures.money),
               help="Hệ số của từng danh hiệu, hình thức × lương cơ sở tại ngày quyết định (Nghị định 152/2025/NĐ-CP).")

if frame.empty:
    st.info(f"Năm {year} chưa có kế hoạch TĐKT. "
            "Văn phòng Sở có thể sao chép kế hoạch năm trước ở trang Tiến độ kế hoạch.")
else:
    st.plotly_chart(charts.progress_by_quarter(plan_module.by_quarter(frame), year=year), key="chart_quarter")
if statuses["n"].sum():
    st.plotly_chart(charts.nominations_by_status(statuses, year=year), key="chart_nominations")
else:
    st.info(f"Chưa có hồ sơ đề nghị khen thưởng nào cho năm {year}.")
# From 30 days before the deadline: the units whose dossier the Office does not hold (Tiếp nhận hồ sơ has the rest).
if waiting:
    st.subheader(f"Đơn vị chưa nộp hồ sơ khen thưởng (hạn {format_date(figures.deadline)})")
    st.dataframe(submission_views.states_frame(waiting)[["Đơn vị", "Trạng thái", "Đúng hạn / trễ hạn", "Số đề nghị"]],
                 hide_index=True, width="stretch")
    st.download_button("Tải danh sách đơn vị chưa nộp (.xlsx)", key="tong_quan_waiting_xlsx",
                       data=lambda: submission_views.states_workbook(waiting, year=year, deadline=figures.deadline),
                       file_name=f"don_vi_chua_nop_ho_so_{year}.xlsx")
elif waiting is not None:
    st.success(f"Mọi đơn vị đã nộp hồ sơ khen thưởng năm {year}.")
