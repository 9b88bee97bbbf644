"""Thống kê khen thưởng: a year's nominations and decisions by award, level, unit, target, gender, category and
status; the trend over a span of years; the shares of decided awards; the money; the tables as .xlsx."""

from datetime import date

import streamlit as st

from pages._cache import PLOTLY, drawn, read
from pages._common import require_page, selected_year, show_findings
from tdkt.awards import eligibility, stats
from tdkt.core import export
from tdkt.core.text import format_money
from tdkt.reports import statistics_page
from tdkt.reports.charts import default_span
from tdkt.reports.statistics_page import SECTIONS, SHARES_TITLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_UNITS, ALL_AWARDS = "Tất cả đơn vị", "Tất cả danh hiệu, hình thức"

who = require_page("xem")
year = selected_year()
st.title(f"Thống kê khen thưởng năm {year}")
st.caption("Năm là năm thành tích của hồ sơ đề nghị, không phải năm ra quyết định.")
choices = read(statistics_page.choices)
found = read(stats.years)
left, middle, right = st.columns([2, 2, 3])
unit_name = left.selectbox("Đơn vị", [ALL_UNITS, *choices.units["name"]], key="stats_unit")
award_name = middle.selectbox("Danh hiệu, hình thức", [ALL_AWARDS, *choices.awards["name"]], key="stats_award")
unit_id = {n: int(i) for i, n in zip(choices.units["id"], choices.units["name"], strict=True)}.get(unit_name)
award_id = {n: int(i) for i, n in zip(choices.awards["id"], choices.awards["name"], strict=True)}.get(award_name)
low, high = min([*found, year - 4]), max([*found, year])
# By default from the first year with data (at most five years): a range opening on empty years read as a fall.
first, last = right.slider("Các năm so sánh", min_value=low, max_value=high, value=default_span(found, year),
                           key="stats_span")
# Read and drawn once per data version (pages/_cache.py): a filter changed back, or another user's view, reads and
# draws nothing again.
# The tables too are drawn once (their Arrow form is what st.dataframe sends) and shared, not copied: nothing here
# changes them, and the .xlsx gets copies.
filters = {"unit_id": unit_id, "award_id": award_id}
counts = read(statistics_page.year_counts, year=year, **filters)
year_drawn = drawn(statistics_page.year_charts, statistics_page.year_counts, year=year, **filters)
trend = drawn(statistics_page.trend_chart, stats.trend, first=first, last=last, **filters)
figures, arrows = year_drawn.figures, year_drawn.arrows
money, dossiers, nominations, decisions = counts.money, counts.dossiers, counts.nominations, counts.decisions
shown = dict(year_drawn.shown)
cols = st.columns(3)
by_year = f"Tính theo năm thành tích {year} (nhận, quyết định vào ngày nào cũng tính), theo bộ lọc đã chọn."
cols[0].metric("Hồ sơ đề nghị", nominations, help=by_year)
cols[1].metric("Có quyết định", decisions, help=by_year)
cols[2].metric("Tiền thưởng theo quyết định", format_money(money),
               help="Hệ số của từng danh hiệu, hình thức × lương cơ sở tại ngày quyết định.")
if nominations:
    st.caption(f"Hồ sơ đủ tài liệu theo thành phần hồ sơ: {dossiers['complete']}; còn thiếu tài liệu: "
               f"{dossiers['incomplete']}" + "".join(f" · thiếu “{name}”: {n}"
                                                     for name, n in dossiers["missing"].items()) + ".")
if nominations == 0:
    st.info(f"Chưa có hồ sơ đề nghị khen thưởng nào cho năm {year} với bộ lọc đã chọn.")
    shown.pop(SHARES_TITLE)
else:
    for dimension, (title, _, _) in SECTIONS.items():
        if dimension not in figures:  # no nomination in this dimension
            continue
        drawn_column, numbers = st.columns([3, 2])
        drawn_column.plotly_chart(figures[dimension], key=f"chart_{dimension}", **PLOTLY)
        numbers.dataframe(arrows[title], hide_index=True, width="stretch")
    st.subheader("Cơ cấu khen thưởng có quyết định")
    drawn_column, numbers = st.columns([3, 2])
    drawn_column.plotly_chart(figures["shares"], key="chart_shares", **PLOTLY)
    numbers.dataframe(arrows[SHARES_TITLE], hide_index=True, width="stretch")

st.subheader("Điều kiện khen thưởng theo luật")
cap = read(eligibility.share_cap, year=year, actor=who)
if cap:
    st.warning(f"{cap['reason']} ({cap['basis']})")
# Judging every nomination reads each one's history: done when asked, not on every view of the page.
if st.toggle("Xét từng đề nghị của năm theo luật (xếp loại, kỷ luật, thành tích, sáng kiến đã ghi nhận)",
             key="stats_rules"):
    findings = eligibility.findings_table(read(eligibility.judge_nominations, year=year, actor=who,
                                                      today=date.today()))
    if unit_id is not None:
        findings = findings[findings.unit == unit_name]
    if award_id is not None:
        findings = findings[findings.award == award_name]
    if findings.empty:
        st.success(f"Mọi đề nghị năm {year} (theo bộ lọc) đều đạt các điều kiện đã kiểm tra được.")
    else:
        st.warning(f"{len(findings)} đề nghị chưa đủ điều kiện theo luật.")
        rules_shown = findings.drop(columns=["nomination_id"]).rename(columns={
            "name": "Tên", "award": "Danh hiệu/Hình thức", "unit": "Đơn vị", "rules": "Quy tắc",
            "reasons": "Lý do, căn cứ"})
        show_findings(findings)
        shown["Chưa đủ điều kiện"] = rules_shown

st.subheader(f"Qua các năm {first}–{last}")
drawn_column, numbers = st.columns([3, 2])
drawn_column.plotly_chart(trend.figure, key="chart_trend", **PLOTLY)
numbers.dataframe(trend.arrow, hide_index=True, width="stretch")
shown["Qua các năm"] = trend.shown
# The workbook is built only when the button is clicked (a callable), not on every run of the page.
st.download_button("Tải các bảng thống kê (.xlsx)", key="export_stats", mime=XLSX,
                   data=lambda: export.to_xlsx({t: f.copy() for t, f in shown.items()},
                                               title=f"Thống kê khen thưởng năm {year}"),
                   file_name=f"thong_ke_khen_thuong_{year}.xlsx", on_click="ignore")
