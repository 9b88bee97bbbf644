"""Nhập hồ sơ: ratings, discipline, past awards and initiatives from Excel — template, check, commit, history, undo."""

from datetime import date

import streamlit as st

from pages._common import actor, db_read, db_write, file_uploader, require_page, selected_year, settings
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_datetime
from tdkt.importing.batches import DONE
from tdkt.importing.nomination_lists import preview
from tdkt.importing.record_lists import record_batches, record_check, record_preview, record_rows, record_template

who = require_page()  # signed in, password changed
# The same gate as Tải lên danh sách (and app.py): the Office, or a unit user with its unit.
if not permissions.can(who, "nhap_danh_sach", unit_ids={who.unit_id} if who.unit_id else None):
    st.error("Bạn không có quyền xem trang này.")
    st.stop()
cfg = settings()
st.title("Nhập xếp loại, kỷ luật, khen thưởng đã có, sáng kiến")
if flash := st.session_state.pop("flash_records", None):
    st.success(flash)
kind = st.selectbox("Loại hồ sơ", list(record_rows.KINDS), format_func=record_rows.KINDS.get, key="records_kind")
this_year = date.today().year
year_choice = st.selectbox("Năm cho các dòng không ghi năm", ["Theo cột Năm, tiêu đề hoặc ngày quyết định",
                                                               *range(this_year, this_year - 15, -1)],
                           key="records_year", help="Cột “Năm” của từng dòng luôn được ưu tiên.")
year = None if isinstance(year_choice, str) else int(year_choice)
with db_read() as session:
    template_bytes = record_template.template_for(session, kind=kind, year=selected_year(), agency=cfg.agency,
                                          parent_agency=cfg.parent_agency)
st.download_button(f"Tải mẫu {record_rows.KINDS[kind].lower()} (.xlsx)", data=template_bytes, key="records_template",
                   file_name=f"mau_{kind}_{selected_year()}.xlsx", on_click="ignore")
uploads = file_uploader("Chọn tệp (.xlsx, .xlsm, .xls, .ods) — có thể chọn nhiều tệp",
                        ["xlsx", "xlsm", "xls", "ods"], multiple=True, key="records_uploads")
reports = st.session_state.setdefault("records_reports", {})
for upload in uploads or []:
    store = (upload.file_id, kind, year)
    if store not in reports:
        with db_read() as session:
            reports[store] = record_check.check_records(session, upload.getvalue(), kind=kind, file_name=upload.name,
                                                   settings=cfg, year=year, actor=who)
    report = reports[store]
    key = "_".join(str(k) for k in store)
    errors, warnings = report.errors, report.warnings
    icon = ":material/error:" if errors else ":material/warning:" if warnings else ":material/check_circle:"
    with st.expander(f"{report.file} — {len(report.rows)} dòng, {len(errors)} lỗi, {len(warnings)} cảnh báo",
                     expanded=True, icon=icon):
        if report.imported:
            st.success(f"Đã nhập {report.imported} dòng (lô số {report.batch_id}).")
            continue
        if report.unreadable:
            for issue in errors:
                st.error(issue.message)
            continue
        st.caption(f"{record_rows.KINDS[kind]} · đọc từ sheet: {', '.join(report.sheets) or '—'}" + "".join(
            f" · sheet {s} gõ bằng mã {e}, đã chuyển sang Unicode" for s, e in report.encodings.items()))
        err_tab, warn_tab, rows_tab = st.tabs([f"Lỗi ({len(errors)})", f"Cảnh báo ({len(warnings)})",
                                               f"Các dòng đọc được ({len(report.rows)})"])
        with err_tab:
            if errors:
                st.dataframe(preview.issues_frame(errors), hide_index=True, width="stretch")
            else:
                st.write("Không có lỗi.")
        with warn_tab:
            if warnings:
                st.dataframe(preview.issues_frame(warnings), hide_index=True, width="stretch")
            else:
                st.write("Không có cảnh báo.")
        with rows_tab:
            st.dataframe(preview.shown(record_preview.rows_frame(report)).rename(columns=record_preview.PREVIEW_LABELS),
                         hide_index=True, width="stretch")  # empty cells empty, not "None" or "<NA>"
        force = st.checkbox("Vẫn nhập dù tệp đã từng nhập", key=f"records_force_{key}") if report.repeated else False
        reason = report.blocked_reason(force=force)
        if st.button(f"Nhập {len(report.rows)} dòng", key=f"records_commit_{key}", type="primary",
                     disabled=reason is not None, help=f"Chưa nhập được: {reason}" if reason else None):
            try:
                with db_write() as session:
                    result = record_batches.commit_records(session, actor(), report=report, force=force)
            except Refused as error:
                st.error(str(error))
            else:
                report.imported, report.batch_id = result.rows, result.batch_id
                st.session_state["flash_records"] = (
                    f"Đã nhập “{report.file}”: {result.rows} dòng, {result.people_added} cá nhân mới"
                    + (f", thay {result.replaced} xếp loại đã có" if result.replaced else "")
                    + f" (lô số {result.batch_id}).")
                st.rerun()
        if reason:
            st.caption(f"Chưa nhập được: {reason}")

st.subheader("Lịch sử các lô hồ sơ đã nhập")
with db_read() as session:
    history = record_batches.record_history(session, actor=who)
if history.empty:
    st.info("Chưa có lô hồ sơ nào.")
else:
    shown = history.assign(created_at=history.created_at.map(format_datetime))
    st.dataframe(shown[["id", "kind_label", "file_name", "display_name", "created_at", "rows", "people_added",
                        "status_label"]]
                 .rename(columns={"id": "Lô số", "kind_label": "Loại hồ sơ", "file_name": "Tệp",
                                  "display_name": "Người nhập", "created_at": "Thời điểm", "rows": "Số dòng",
                                  "people_added": "Số cá nhân mới thêm", "status_label": "Trạng thái"}),
                 hide_index=True, width="stretch")
    active = history[history.status == DONE].set_index("id")
    if not active.empty:
        batch_id = st.selectbox("Hoàn tác lô", list(active.index), key="records_undo_pick",
                                format_func=lambda i: f"Lô số {i} — {active.kind_label[i]} — {active.file_name[i]}")
        sure = st.checkbox("Tôi hiểu: hoàn tác xóa mọi dòng của lô này và cá nhân chỉ lô này thêm; xếp loại bị lô "
                           "này thay được trả lại như cũ.", key="records_undo_sure")
        if st.button("Hoàn tác lô đã chọn", key="records_undo", disabled=not sure):
            try:
                with db_write() as session:
                    count = record_batches.undo_records(session, actor(), batch_id=int(batch_id))
            except Refused as error:
                st.error(str(error))
            else:
                for stale in [k for k, r in reports.items() if r.batch_id == int(batch_id)]:
                    del reports[stale]  # a file still in the uploader is checked again from scratch
                st.session_state["flash_records"] = f"Đã hoàn tác lô số {batch_id}: xóa {count} dòng."
                st.rerun()
