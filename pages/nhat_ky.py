"""Nhật ký (admin): the audit log, searchable and exportable."""

from datetime import date, timedelta

import streamlit as st

from pages._common import db_read, require_page
from tdkt.core import audit, export
from tdkt.core.text import format_datetime

require_page("xem_nhat_ky")
st.title("Nhật ký hoạt động")
c1, c2, c3 = st.columns([3, 1, 1])
text = c1.text_input("Tìm (không cần gõ dấu)", placeholder="tên đăng nhập, thao tác, nội dung…", key="audit_text")
start = c2.date_input("Từ ngày", date.today() - timedelta(days=30), format="DD/MM/YYYY", key="audit_start")
end = c3.date_input("Đến ngày", date.today(), format="DD/MM/YYYY", key="audit_end")
with db_read() as session:
    frame = audit.search(session, text=text, start=start, end=end)
shown = frame.assign(at=frame["at"].map(format_datetime))[
    ["at", "username", "action_label", "summary", "before", "after"]
].rename(columns={"at": "Thời điểm", "username": "Người thực hiện", "action_label": "Thao tác",
                  "summary": "Nội dung", "before": "Trước", "after": "Sau"})
st.caption(f"{len(shown)} mục")
st.dataframe(shown, hide_index=True, width="stretch")
st.download_button("Tải về Excel (.xlsx)", export.to_xlsx({"Nhật ký": shown}, title="Nhật ký hoạt động"),
                   file_name="nhat_ky.xlsx", key="audit_export",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
