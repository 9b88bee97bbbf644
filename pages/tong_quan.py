"""Tổng quan, the leadership view: key figures, plan progress by quarter, participation in the clusters and the
internal covenant, awards by form and level with the year's money, each with a link to its page; the old-plan notice
(with the Office's copy to this year) and the units that have not submitted."""

from datetime import date

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from pages._cache import PLOTLY, drawn, read
from pages._common import actor, db_write, require_page, selected_year
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_date, format_money, format_percent
from tdkt.plan import plan as plan_module
from tdkt.reports import overview

FLASH = "tong_quan_flash"


def link(page: str, label: str) -> None:
    """Link to the page with the detail when the account's menu holds it (a page file opened alone has no menu)."""
    try:
        st.page_link(page, label=label, icon=":material/arrow_forward:")
    except StreamlitPageNotFoundError:
        pass


def copy_plan(source: int, target: int) -> None:
    """Copy the newest plan to this year, then show that year (a callback: it runs before the year selector)."""
    try:
        with db_write() as session:
            plan_module.copy_plan(session, actor(), from_year=source, to_year=target)
    except Refused as error:
        st.session_state[FLASH] = ("error", str(error))
    else:
        st.session_state["year"] = target
        st.session_state[FLASH] = ("success", f"Đã sao chép kế hoạch năm {source} sang năm {target}: hạn của các "
                                              "nhiệm vụ dời sang năm mới, mọi nhiệm vụ ở trạng thái “Chưa thực hiện”.")


who = require_page("xem")
year = selected_year()
today = date.today()
st.title(f"Tổng quan công tác thi đua, khen thưởng năm {year}")
if flash := st.session_state.pop(FLASH, None):
    getattr(st, flash[0])(flash[1])
# Cached per data version (pages/_cache.py): every user's first page after signing in reads it once per change; its
# figures and the units' table in Arrow are built once too (`drawn`), not hashed or converted on every run.
# Read as the account's role and unit, which are all the figures depend on (overview.scope_of, the submissions'
# permission), not as the account: a new account's first Tổng quan (the forced password change's) finds what another
# of its role has read, instead of a cache entry of its own (bench/ui.py: 0.09 s of CPU a first view at the demo).
reader = permissions.Actor(id=None, username="", role=who.role, unit_id=who.unit_id)
view, waiting = read(overview.page_view, year=year, today=today, actor=reader)
drawing = drawn(overview.page_drawn, overview.page_view, year=year, today=today, actor=reader)
figures, scope, basis = view.figures, view.scope, overview.basis(year=year, today=today)

# A fresh install holds only the 2024 plan: every task reads "Quá hạn" and the deadline long past. Say why, on the
# newest plan's year (and on this year, which has none yet), and let the Office copy it here.
stale = view.stale
if stale is not None and year >= (stale.newest or year):
    st.warning(stale.message)
    if stale.newest is not None and permissions.can(who, "sua_ke_hoach"):
        st.button(f"Sao chép kế hoạch năm {stale.newest} sang năm {stale.this_year}", key="tong_quan_copy_plan",
                  type="primary", on_click=copy_plan, args=(stale.newest, stale.this_year),
                  help=f"Giữ nội dung và đơn vị thực hiện của từng nhiệm vụ; hạn hoàn thành dời sang năm "
                       f"{stale.this_year}; trạng thái, ngày hoàn thành, văn bản để trống. Được ghi vào nhật ký.")
    elif stale.newest is not None:
        st.caption(f"Văn phòng Sở sao chép kế hoạch năm {stale.newest} sang năm {stale.this_year} để theo dõi "
                   "tiến độ của năm nay.")

p = figures.progress
cols = st.columns(3)
cols[0].metric("Nhiệm vụ hoàn thành", f"{p.done}/{p.total}",
               help=f"Tỷ lệ hoàn thành {format_percent(p.done_ratio, 0)} (không tính nhiệm vụ không thực hiện).")
cols[1].metric("Nhiệm vụ quá hạn", p.overdue, help=f"Chưa hoàn thành mà đã qua hạn, tính đến {format_date(today)}.")
cols[2].metric(f"Hạn nộp hồ sơ ({format_date(figures.deadline)})", overview.deadline_text(figures, today=today),
               help="Các phòng, đơn vị gửi hồ sơ đề nghị khen thưởng về Văn phòng Sở.")
own = " của đơn vị" if scope.unit_id is not None else ""
cols = st.columns(4)
cols[0].metric("Giao ước đã ký", f"{figures.covenants_signed}/{figures.covenants_total}",
               help="Số lần ký kết giao ước thi đua của cụm mà Sở đã tham gia, trên tổng số.")
cols[1].metric(f"Hồ sơ đề nghị{own}", figures.nominations, help=f"Tính {basis['awards']}.")
cols[2].metric(f"Có quyết định{own}", figures.decisions, help=f"Tính {basis['awards']}.")
cols[3].metric(f"Tiền thưởng{own}", format_money(figures.money),
               help="Theo quyết định: hệ số của từng danh hiệu, hình thức × lương cơ sở tại ngày quyết định "
                    "(Nghị định 152/2025/NĐ-CP).")
st.caption(f"Nhiệm vụ: {basis['tasks']}. Hồ sơ đề nghị, quyết định, tiền thưởng {scope.label}: {basis['awards']}."
           + (" Tài khoản đơn vị thấy số liệu khen thưởng của đơn vị mình; kế hoạch và cụm thi đua là của toàn Sở."
              if scope.unit_id is not None else ""))

# The plan and the clusters side by side, so that the year reads at a glance; the awards below, full width.
plan_column, cluster_column = st.columns(2)
with plan_column:
    st.subheader("Tiến độ kế hoạch theo quý")
    if view.has_plan:
        st.plotly_chart(drawing.quarters, key="chart_quarter", **PLOTLY)
        st.caption(f"Số nhiệm vụ của mỗi quý theo tình trạng, {basis['tasks']}.")
    else:
        st.info(f"Năm {year} chưa có kế hoạch TĐKT.")
    link("pages/tien_do.py", "Xem từng nhiệm vụ ở trang Tiến độ kế hoạch")
with cluster_column:
    st.subheader("Tham gia cụm thi đua và giao ước nội bộ")
    if drawing.clusters is not None:
        st.plotly_chart(drawing.clusters, key="chart_clusters", **PLOTLY)
        st.caption("Cụm II, Cụm III: phần của Sở trong các hoạt động của cụm; giao ước nội bộ: của các phòng, đơn "
                   f"vị. Tính {basis['clusters']}; tỷ lệ không tính “Không áp dụng”.")
    else:
        st.info(f"Năm {year} chưa có cụm thi đua hay hoạt động cụm nào.")
    link("pages/cum_thi_dua.py", "Xem từng cụm, hoạt động, xếp hạng ở trang Cụm thi đua & giao ước")

st.subheader("Khen thưởng theo hình thức và cấp khen" + (f" — {scope.unit_name}" if scope.unit_name else ""))
if view.awards.empty:
    st.info(f"Năm {year} chưa có hồ sơ đề nghị khen thưởng nào"
            + (f" của {scope.unit_name}." if scope.unit_name else "."))
else:
    st.plotly_chart(drawing.awards, key="chart_awards", **PLOTLY)
    steps = " · ".join(f"{r.label}: {r.n}" for r in view.statuses.itertuples())
    st.caption(f"Tính {basis['awards']}. Theo bước xử lý — {steps}.")
link("pages/thong_ke.py", "Xem thống kê theo đơn vị, đối tượng, qua các năm ở trang Thống kê khen thưởng")
link("pages/ho_so.py", "Xem, xử lý từng hồ sơ ở trang Hồ sơ đề nghị")

# From 30 days before the deadline: the units whose dossier the Office does not hold (Tiếp nhận hồ sơ has the rest).
if waiting is not None and len(waiting.table):
    st.subheader(f"Đơn vị chưa nộp hồ sơ khen thưởng (hạn {format_date(figures.deadline)})")
    st.dataframe(drawing.waiting, hide_index=True, width="stretch")
    st.download_button("Tải danh sách đơn vị chưa nộp (.xlsx)", key="tong_quan_waiting_xlsx",
                       data=lambda: overview.waiting_workbook(waiting, year=year),
                       file_name=f"don_vi_chua_nop_ho_so_{year}.xlsx", on_click="ignore")
elif waiting is not None:
    st.success(f"Mọi đơn vị đã nộp hồ sơ khen thưởng năm {year}.")
