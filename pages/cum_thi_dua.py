"""Cụm thi đua & giao ước: each cluster's members, events, participation heatmap, rates and ranking; Office forms."""

import streamlit as st

from pages._cache import drawn, read
from pages._common import require_page, selected_year
from tdkt.clusters import clusters
from tdkt.core import export, permissions
from tdkt.core.text import format_percent
from tdkt.reports import cluster_page

who = require_page("xem")
year = selected_year()
st.title(f"Cụm thi đua & giao ước năm {year}")
if flash := st.session_state.pop("flash_cluster", None):
    st.success(flash)
# Views, tables and figures kept per data version (pages/_cache.py): a rerun reads and draws nothing again.
page = read(cluster_page.cluster_page, year=year)
figures = drawn(cluster_page.figures, cluster_page.cluster_page, year=year)
views, shown = page.views, page.tables
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def draw(v: clusters.ClusterView) -> None:
    # The figures may be of a newer data version than the tables (a write between the two reads): one they lack is
    # built here.
    tables = shown[v.cluster.id]
    drawing = figures.get(v.cluster.id) or cluster_page.figures_of(v, year=year)
    st.caption(f"{v.cluster.name} — {v.cluster.level}")
    left, right = st.columns([2, 3])
    left.dataframe(tables["Thành viên"], hide_index=True, width="stretch")
    right.dataframe(tables["Hoạt động"], hide_index=True, width="stretch")
    if drawing.heatmap is None:
        st.info("Cụm chưa có thành viên hoặc hoạt động nào.")
        return
    st.plotly_chart(drawing.heatmap, key=f"heatmap_{v.cluster.id}")
    left, right = st.columns(2)
    left.dataframe(tables["Theo thành viên"], hide_index=True, width="stretch")
    right.dataframe(tables["Theo hoạt động"], hide_index=True, width="stretch")
    if drawing.ranking is not None:
        st.plotly_chart(drawing.ranking, key=f"ranking_{v.cluster.id}")
    # The workbook is built only when the button is clicked (a callable), not on every run of the page.
    st.download_button(f"Tải các bảng của {v.cluster.code} (.xlsx)", key=f"export_{v.cluster.id}", mime=XLSX,
                       data=lambda: export.to_xlsx(tables, title=f"{v.cluster.name} — năm {year}"),
                       file_name=f"cum_thi_dua_{year}_{v.cluster.id}.xlsx", on_click="ignore")


if not views:
    st.info(f"Năm {year} chưa có cụm thi đua. Văn phòng Sở có thể sao chép cụm thi đua của năm trước.")
else:
    st.caption("★ = đơn vị ta. Đúng hạn / trễ hạn tính từ hạn của từng hoạt động (báo cáo đúng ngày hạn là đúng hạn); "
               "tỷ lệ tham gia không tính các ô “Không áp dụng”.")
    for column, v in zip(st.columns(len(views)), views, strict=False):
        column.metric(f"{v.cluster.code}: tỷ lệ tham gia", format_percent(v.rate, 0),
                      help=f"{v.cluster.name}. Hạng của đơn vị ta: {v.our_rank or 'chưa xếp hạng'}.")
    summary = page.summary
    st.dataframe(summary, hide_index=True, width="stretch")
    every = {"Tổng hợp": summary} | {f"{v.cluster.code} - {name}": table
                                     for v in views for name, table in shown[v.cluster.id].items()}
    st.download_button("Tải tất cả các bảng (.xlsx)", key="export_clusters", mime=XLSX,
                       data=lambda: export.to_xlsx(every, title=f"Cụm thi đua & giao ước năm {year}"),
                       file_name=f"cum_thi_dua_{year}.xlsx", on_click="ignore")
    for tab, v in zip(st.tabs([v.cluster.code for v in views]), views, strict=False):
        with tab:
            draw(v)

if permissions.can(who, "quan_ly_cum"):
    from pages import _cluster_admin

    _cluster_admin.render(year=year, views=views)
