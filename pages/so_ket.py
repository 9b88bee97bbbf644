"""Sơ kết / tổng kết: a period's headline figures beside the previous year's, the tables, the workbook."""

from datetime import date

import streamlit as st

from pages._cache import PLOTLY, drawn, read
from pages._common import db_read, require_page, selected_year, settings
from tdkt.clusters import clusters
from tdkt.core.errors import Refused
from tdkt.core.text import format_date
from tdkt.reports import chart_pack, charts, report_docx, reports, review_page

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {"h1": "Sáu tháng đầu năm", "year": "Cả năm"}
NOMINATED, DECIDED = "Hồ sơ đề nghị nhận được", "Quyết định khen thưởng"
SHORT_BASIS = {"ngay_nhan": {NOMINATED: "theo ngày nhận hồ sơ", DECIDED: "theo ngày quyết định"},
               "nam_thanh_tich": dict.fromkeys((NOMINATED, DECIDED), "theo năm thành tích")}
ALL = "Tất cả"

require_page("xem")
year = selected_year()
st.title(f"Sơ kết / Tổng kết công tác thi đua, khen thưởng năm {year}")
with db_read() as session:
    codes = [c.code for c in clusters.clusters_of(session, year=year)]
kind = st.radio("Kỳ báo cáo", list(KINDS), format_func=KINDS.get, horizontal=True, key="so_ket_kind")
first, last = reports.period(year, kind)
left, middle, right = st.columns(3)
# The dates' keys carry the period and year, so choosing another period resets them to its defaults. The year is
# whole (its nominations are those of the achievement year): its dates are shown, not chosen.
whole_year = kind == "year"
fixed = "Cả năm: đề nghị và quyết định tính theo năm thành tích, không theo ngày." if whole_year else None
start = left.date_input("Từ ngày", first, format="DD/MM/YYYY", key=f"so_ket_start_{kind}_{year}",
                        disabled=whole_year, help=fixed)
end = middle.date_input("Đến ngày", last, format="DD/MM/YYYY", key=f"so_ket_end_{kind}_{year}",
                        disabled=whole_year, help=fixed)
chosen = right.selectbox("Cụm thi đua", [ALL, *codes], key=f"so_ket_cluster_{year}")
cluster = None if chosen == ALL else chosen
chosen_days = {} if whole_year else {"start": start, "end": end}
asked = {"year": year, "period": kind, "cluster": cluster, "as_of": date.today(), **chosen_days}
try:
    start, end = reports.period(year, kind, **chosen_days)
    # Figures, tables and charts kept per data version (pages/_cache.py): another period and back, or another user's
    # view, reads and draws nothing again.
    review = read(review_page.review_page, **asked)
    drawing = drawn(review_page.charts, review_page.review_page, **asked)
except Refused as error:
    st.error(str(error))
    st.stop()
data, awards, tasks, events = review.data, review.awards, review.tasks, review.events

old = reports.previous_period(start, end)
st.caption(f"Kỳ báo cáo: {reports.PERIOD_LABELS[kind]}, từ {format_date(start)} đến {format_date(end)}"
           + (f" — {cluster}" if cluster else "")
           + f"; so với cùng kỳ năm {year - 1} ({format_date(old[0])}–{format_date(old[1])}).")
cols = st.columns(3)
basis = reports.figure_basis(data)  # what each figure is counted by, in its tooltip and the caption below
for i, row in enumerate(reports.summary_table(data).itertuples()):
    colour = "inverse" if row.indicator in {"Nhiệm vụ quá hạn", "Nhiệm vụ còn lại"} else "normal"
    # No change reads "không đổi" without an arrow (Streamlit drew "↑ +0"); the previous figure and, for the
    # nominations and decisions, what they are counted by stand beside it.
    said = SHORT_BASIS[data["basis"]].get(row.indicator)
    cols[i % 3].metric(row.indicator, row.current, delta=f"{row.change:+d}" if row.change else "không đổi",
                       delta_color="off" if row.change == 0 else colour, delta_arrow="auto" if row.change else "off",
                       delta_description=f"cùng kỳ {year - 1}: {row.previous}" + (f" · {said}" if said else ""),
                       help=f"Tính {basis[row.indicator]}.")
st.caption(("Hồ sơ đề nghị và quyết định khen thưởng tính theo năm thành tích: đề nghị của năm thành tích "
            f"{year} (so với {year - 1}), nhận hay quyết định vào ngày nào cũng tính."
            if data["basis"] == "nam_thanh_tich" else
            "Hồ sơ đề nghị tính theo ngày nhận hồ sơ, quyết định khen thưởng theo ngày quyết định, trong kỳ.")
           + " Nhiệm vụ theo hạn của nhiệm vụ, phong trào theo ngày phát động, giao ước theo ngày ký kết, sáng kiến "
           "theo ngày quyết định công nhận.")

# The report's charts, each beside the same period of last year; those with nothing to draw are named, not drawn.
st.subheader("Biểu đồ so với cùng kỳ")
pack, shown = drawing.pack, drawing.shown
for first_index in range(0, len(shown), 2):
    for column, (index, fig) in zip(st.columns(2), enumerate(shown[first_index:first_index + 2], first_index),
                                    strict=False):
        column.plotly_chart(fig, key=f"so_ket_chart_{index}", **PLOTLY)
if pack.empty:
    st.caption(chart_pack.empty_note(pack.empty))

st.subheader("Nhiệm vụ kế hoạch đến hạn trong kỳ")
st.dataframe(tasks.set_axis(["Quý", "Số", "Nội dung", "Hạn", "Tình trạng", "Đã xong", "Ngày hoàn thành",
                             "Minh chứng"], axis=1), hide_index=True, width="stretch", placeholder="",  # not "None"
             column_config={c: st.column_config.DateColumn(format="DD/MM/YYYY") for c in ("Hạn", "Ngày hoàn thành")})
st.subheader("Tham gia hoạt động cụm thi đua")
st.dataframe(events.set_axis(["Cụm", "Loại hoạt động", "Hoạt động", "Ngày", "Ngày thực hiện", "Văn bản",
                              "Tình trạng"], axis=1), hide_index=True, width="stretch", placeholder="",
             column_config={c: st.column_config.DateColumn(format="DD/MM/YYYY") for c in ("Ngày", "Ngày thực hiện")})
st.subheader("Khen thưởng so với cùng kỳ")
awards["label"] = [charts.level_title(label) if by == "Cấp khen" else label  # "Cấp tỉnh", not "tỉnh"
                   for by, label in zip(awards["dimension"], awards["label"], strict=True)]
st.caption(f"Tính {reports.BASIS_LABELS[data['basis']]}.")
st.dataframe(awards.set_axis(["Theo", "Nội dung", "Đề nghị kỳ này", f"Đề nghị cùng kỳ {year - 1}",
                              "Đề nghị tăng/giảm", "Quyết định kỳ này", f"Quyết định cùng kỳ {year - 1}",
                              "Quyết định tăng/giảm"], axis=1), hide_index=True, width="stretch", placeholder="")

st.subheader("Sáng kiến được công nhận trong kỳ")
initiatives = review.initiatives
if initiatives.empty:
    st.caption("Không có sáng kiến nào có quyết định công nhận trong kỳ (ghi sáng kiến ở trang Tra cứu cá nhân, "
               "tập thể hoặc nhập từ Excel).")
else:
    st.dataframe(initiatives, hide_index=True, width="stretch", placeholder="")


def workbook() -> bytes:
    with db_read() as session:
        return reports.to_xlsx_report(session, year=year, period=kind, cluster=cluster, **chosen_days)


def draft() -> bytes:
    with db_read() as session:
        return report_docx.draft(session, year=year, period=kind, cluster=cluster, settings=settings(), **chosen_days)


def chart_zip() -> bytes:
    return chart_pack.png_zip(pack.figures, empty=pack.empty)


# The files are built only when a button is clicked (a callable), not on every run of the page. The chart pack
# needs Debian's chromium: without it the page says so instead of offering a button that would fail.
xlsx_column, docx_column, charts_column = st.columns(3)
xlsx_column.download_button("Tải số liệu báo cáo (.xlsx)", data=workbook, file_name=f"so_ket_{year}_{kind}.xlsx",
                            mime=XLSX, key="export_so_ket", on_click="ignore")
docx_column.download_button("Tải dự thảo báo cáo (.docx)", data=draft, file_name=f"bao_cao_{year}_{kind}.docx",
                            mime=DOCX, key="export_so_ket_docx",
                            help="Bản dự thảo theo thể thức Nghị định 30/2020/NĐ-CP; phần tô vàng do người soạn "
                                 "bổ sung.", on_click="ignore")
if chart_pack.browser_path():
    charts_column.download_button("Tải bộ biểu đồ (.zip PNG)", data=chart_zip, file_name=f"bieu_do_{year}_{kind}.zip",
                                  mime=ZIP, key="export_so_ket_charts",
                                  help="Các biểu đồ có số liệu của báo cáo (PNG 2400×1350) để chèn vào văn bản, "
                                       "trình chiếu; tệp kèm theo ghi các biểu đồ không có số liệu.", on_click="ignore")
else:
    st.error(chart_pack.NO_BROWSER)
