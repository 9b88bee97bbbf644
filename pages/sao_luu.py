"""Sao lưu & khôi phục (admin): download a backup of every table and attachment; upload one to restore it."""

import io
import math
from datetime import datetime

import streamlit as st

from pages import _backup_restore
from pages._common import db_read, db_write, require_page, settings
from tdkt.core import backup
from tdkt.core.file_store import FileStore
from tdkt.core.text import VIETNAM

who = require_page("sao_luu")
st.title("Sao lưu & khôi phục")
cfg = settings()

st.subheader("Sao lưu")
with db_read() as session:
    held = backup.inventory(session)
st.markdown(f"Một tệp .zip chứa **mọi bảng** của cơ sở dữ liệu ({backup.describe(held)}) cùng các tài liệu đính "
            "kèm, đọc trong một lần chụp nhất quán khi mọi người vẫn làm việc; khôi phục được vào SQLite hay "
            "PostgreSQL. Tệp có mật khẩu đã băm và dữ liệu cá nhân: cất giữ cẩn thận như chính cơ sở dữ liệu.")
name = f"tdkt-sao-luu-{datetime.now(VIETNAM):%Y%m%d-%H%M}.zip"


def build() -> bytes:
    """The download's data: the backup is read (and audited) only when the button is clicked."""
    out = io.BytesIO()
    with db_write() as session:
        backup.create(session, who, out, store=FileStore(cfg.file_store), file_name=name)
    return out.getvalue()


st.download_button("Tải bản sao lưu (.zip)", data=build, file_name=name, mime="application/zip", key="tai_sao_luu",
                   type="primary", icon=":material/download:", on_click="ignore")
st.caption("Cơ sở dữ liệu lớn, hoặc sao lưu theo lịch: người quản trị máy chủ chạy `python -m tdkt backup TỆP` "
           "(ghi thẳng ra đĩa, không giữ cả tệp trong bộ nhớ).")

st.subheader("Khôi phục từ bản sao lưu")
st.markdown("Chọn một tệp sao lưu (.zip) của TĐKT Dashboard. Mọi bảng và tài liệu được kiểm tra mã SHA-256 trước khi "
            "ghi; dữ liệu được thay trong một lần (trọn vẹn hoặc không gì cả); bản sao lưu của phiên bản cũ được nâng "
            "cấp lên lược đồ hiện tại.")
upload = st.file_uploader(f"Tệp sao lưu (.zip, tối đa {cfg.backup_limit_mb:g} MB)", type=["zip"], key="khoi_phuc_tep",
                          max_upload_size=max(1, math.ceil(cfg.backup_limit_mb)))
if upload is not None:
    _backup_restore.render(who, upload.getvalue(), upload.name)
