"""Nhật ký (admin): whether the audit log is intact, each change in Vietnamese, filters, pages and the export."""

import re
from datetime import date, timedelta

import streamlit as st

from pages._common import db_read, require_page, settings
from tdkt.core import audit, audit_chain
from tdkt.core.text import format_datetime, format_number
from tdkt.reports import audit_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = "(Tất cả)"

require_page("xem_nhat_ky")
st.title("Nhật ký hoạt động")


# The walk reads every entry (4 s for 100k measured on SQLite): once a minute per database and size of the log at
# most, and again on "Kiểm tra lại".
@st.cache_data(ttl=60, show_spinner="Đang kiểm tra chuỗi mã băm của nhật ký…")
def chain_state(url: str, entries: int) -> tuple[bool, str, str]:
    with db_read() as session:
        state = audit_chain.verify(session)
    return state.ok, audit_chain.summary(state), state.head


def md(text: str) -> str:
    """Escape what Markdown would read as formatting in a value someone typed (a colon stays: "Trạng thái: …")."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<$])", r"\\\1", text)


def first_page() -> None:
    st.session_state["audit_page"] = 1


with db_read() as session:
    size, users, actions = audit_chain.count_entries(session), audit.usernames(session), audit.actions_used(session)
ok, summary, head = chain_state(settings().database_url, size)
(st.success if ok else st.error)(f"**Trạng thái nhật ký:** {md(summary)}")
state_column, button_column = st.columns([5, 1])
state_column.caption(f"Mã băm đầu chuỗi (chép lưu ở nơi khác để đối chiếu sau bằng `python -m tdkt audit verify "
                     f"--expect`): `{head}`" if ok else "Chạy `python -m tdkt audit verify` trên máy chủ để xem chi "
                     "tiết; báo ngay cho lãnh đạo Sở: nhật ký đã bị sửa ngoài ứng dụng.")
if button_column.button("Kiểm tra lại", key="audit_recheck"):
    chain_state.clear()
    st.rerun()

c1, c2, c3 = st.columns([3, 1, 1])
text = c1.text_input("Tìm (không cần gõ dấu)", placeholder="tên đăng nhập, thao tác, nội dung…", key="audit_text",
                     on_change=first_page)
start = c2.date_input("Từ ngày", date.today() - timedelta(days=30), format="DD/MM/YYYY", key="audit_start",
                      on_change=first_page)
end = c3.date_input("Đến ngày", date.today(), format="DD/MM/YYYY", key="audit_end", on_change=first_page)
c4, c5, c6 = st.columns([2, 3, 1])
user = c4.selectbox("Người thực hiện", [ALL, *users], key="audit_user", on_change=first_page)
chosen = c5.multiselect("Thao tác", actions, format_func=audit_view.action_label, key="audit_actions",
                        placeholder="Mọi thao tác", on_change=first_page)
page_size = c6.selectbox("Số mục mỗi trang", [50, 100, 200], key="audit_page_size", on_change=first_page)
if start and end and start > end:
    st.warning("“Từ ngày” ở sau “Đến ngày”: chọn lại khoảng thời gian.")
    st.stop()
filters = {"text": text, "start": start, "end": end, "username": None if user == ALL else user, "actions": chosen}
page_number = st.session_state.get("audit_page", 1)
with db_read() as session:
    page = audit_view.log_page(session, page=page_number, page_size=page_size, **filters)

if page.total == 0:
    st.info("Không có mục nào khớp với bộ lọc.")
    st.stop()
last = page.first + len(page.rows) - 1
st.caption(f"Mục {format_number(page.first)}–{format_number(last)} trong {format_number(page.total)} mục khớp "
           f"(mới nhất trước) · trang {page.page}/{page.pages}")
# Narrow who, when and what, so that the changes, the reason to open the log, show without scrolling sideways.
st.dataframe(audit_view.shown(page.rows), hide_index=True, width="stretch", column_config={
    "Số": st.column_config.NumberColumn(width=50), "Thời điểm": st.column_config.TextColumn(width=115),
    "Người thực hiện": st.column_config.TextColumn(width=90), "Thao tác": st.column_config.TextColumn(width=140),
    "Nội dung": st.column_config.TextColumn(width=200), "Thay đổi": st.column_config.TextColumn(width=460)})
if page.pages > 1:
    st.session_state["audit_page"] = page.page  # the page shown: fewer matches may have moved it back
    st.number_input("Trang", min_value=1, max_value=page.pages, step=1, key="audit_page")

seqs = list(page.rows["seq"])
by_seq = {row.seq: row for row in page.rows.itertuples()}
picked = st.selectbox("Xem chi tiết mục", seqs, key="audit_detail", format_func=lambda s: (
    f"Số {s} · {format_datetime(by_seq[s].at)} · {by_seq[s].action_label} · {by_seq[s].username}"))
if picked in by_seq:
    row = by_seq[picked]
    st.markdown(f"**{md(row.action_label)}** — {md(row.summary)}")
    st.markdown("\n".join(f"- {md(line)}" for line in row.changes) if row.changes else "Không ghi chi tiết thay đổi.")


def workbook() -> bytes:
    with db_read() as session:
        return audit_view.export_xlsx(session, **filters)


# Built when the button is clicked (a callable), with every entry the filters match, not only this page.
st.download_button("Tải về Excel (.xlsx)", data=workbook, file_name="nhat_ky.xlsx", key="audit_export", mime=XLSX,
                   on_click="ignore",
                   help=f"Mọi mục khớp bộ lọc, tối đa {format_number(audit_view.EXPORT_LIMIT)} mục mới nhất.")
