"""Tải lên danh sách đề nghị: template, upload, preview with problems, fixes, one-batch commit, history, undo."""

import streamlit as st

from pages import _import_file, _nomination_form
from pages._common import actor, db_read, db_write, file_uploader, require_page, selected_year, settings
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_datetime
from tdkt.importing import batches
from tdkt.importing.nomination_lists import commit, pipeline, template

who = require_page()  # signed in, password changed
# A unit user may import for its own unit only: permissions.can refuses "nhap_danh_sach" to it without its unit
# (as app.py).
if not permissions.can(who, "nhap_danh_sach", unit_ids={who.unit_id} if who.unit_id else None):
    st.error("Bạn không có quyền xem trang này.")
    st.stop()
cfg = settings()
st.title("Tải lên danh sách đề nghị khen thưởng")
if flash := st.session_state.pop("flash_import", None):
    st.success(flash)
with db_read() as session:
    template_bytes = template.template_for(session, year=selected_year(), agency=cfg.agency,
                                           parent_agency=cfg.parent_agency)
st.download_button("Tải mẫu danh sách (.xlsx)", data=template_bytes, key="template",
                   file_name=f"mau_danh_sach_de_nghi_{selected_year()}.xlsx", on_click="ignore")
uploads = file_uploader("Chọn tệp danh sách (.xlsx, .xlsm, .xls, .ods) — có thể chọn nhiều tệp",
                        ["xlsx", "xlsm", "xls", "ods"], multiple=True, key="uploads")
# A file whose title gives no year takes the year selected in the sidebar (each file's year can be changed below).
year = selected_year()
reports = st.session_state.setdefault("import_reports", {})
waiting = [u for u in uploads or [] if (u.file_id, year) not in reports]
if waiting:
    bar, said = _import_file.progress_bar("Đang đọc và kiểm tra…")
    for index, upload in enumerate(waiting):
        def progress(share, text, index=index):  # this file's share of all the files being checked
            said((index + share) / len(waiting), f"Tệp {index + 1}/{len(waiting)}: {text}")

        data = upload.getvalue()
        try:
            with db_read() as session:
                reports[(upload.file_id, year)] = (data, pipeline.check(
                    session, data, file_name=upload.name, settings=cfg, default_year=year, actor=who,
                    progress=progress))
        except Refused as error:
            st.error(str(error))
    bar.empty()
for upload in uploads or []:
    if (upload.file_id, year) in reports:
        _import_file.render(reports, (upload.file_id, year))

st.subheader("Lịch sử các lô đã nhập")
with db_read() as session:
    history = commit.history(session, actor=who)
if history.empty:
    st.info("Chưa có lô nhập nào.")
else:
    shown = history.assign(created_at=history.created_at.map(format_datetime))
    st.dataframe(shown[["id", "file_name", "display_name", "created_at", "year", "rows", "people_added",
                        "status_label"]]
                 .rename(columns={"id": "Lô số", "file_name": "Tệp", "display_name": "Người nhập",
                                  "created_at": "Thời điểm", "year": "Năm", "rows": "Số đề nghị",
                                  "people_added": "Số cá nhân mới thêm", "status_label": "Trạng thái"}),
                 hide_index=True, width="stretch")
    active = history[history.status == batches.DONE]
    if not active.empty:
        batch_id = st.selectbox("Hoàn tác lô", list(active.id), key="undo_pick",
                                format_func=lambda i: f"Lô số {i} — {active.set_index('id').file_name[i]}")
        sure = st.checkbox("Tôi hiểu: hoàn tác xóa mọi đề nghị của lô này (và cá nhân chỉ có trong lô này).",
                           key="undo_sure")
        if st.button("Hoàn tác lô đã chọn", key="undo_batch", disabled=not sure):
            try:
                with db_write() as session:
                    count = commit.undo_batch(session, actor(), batch_id=int(batch_id))
            except Refused as error:
                st.error(str(error))
            else:
                # A file still in the uploader must not keep saying "Đã nhập …": check it again from scratch.
                for key in [k for k, (_, r) in reports.items() if r.batch_id == int(batch_id)]:
                    del reports[key]
                st.session_state["flash_import"] = f"Đã hoàn tác lô số {batch_id}: xóa {count} đề nghị."
                st.rerun()

st.subheader("Nhập hoặc sửa từng đề nghị")
_nomination_form.render(year=selected_year())
