"""Sao lưu & khôi phục's restore part: what an uploaded backup holds, what a restore would replace, the button."""

from __future__ import annotations

import io

import streamlit as st

from pages._common import db_read, engine, settings
from tdkt.core import backup
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.permissions import Actor

_CHECKED = "khoi_phuc_kiem_tra"  # session key: (name, size) → the backup's manifest, or why it cannot be restored


def _checked(data: bytes, name: str) -> backup.Manifest | str:
    """Check an upload once (every member's SHA-256), not on every rerun of the page."""
    key = (name, len(data), hash(data[:4096]))
    found = st.session_state.get(_CHECKED)
    if found is None or found[0] != key:
        with st.spinner("Đang kiểm tra mã SHA-256 của từng bảng và tệp đính kèm…"):
            try:
                result: backup.Manifest | str = backup.check(io.BytesIO(data))
            except Refused as error:
                result = str(error)
        found = (key, result)
        st.session_state[_CHECKED] = found
    return found[1]


def render(who: Actor, data: bytes, name: str) -> None:
    """Draw an uploaded backup: what it holds, what restoring it replaces (and the consent that needs), the button."""
    limit = settings().backup_limit_mb
    if len(data) > limit * (1 << 20):
        st.error(f"Tệp “{name}” lớn hơn giới hạn {limit:g} MB của trang: người quản trị máy chủ khôi phục bằng lệnh "
                 f"`python -m tdkt restore {name}`, hoặc đặt TDKT_BACKUP_LIMIT_MB lớn hơn.")
        return
    manifest = _checked(data, name)
    if isinstance(manifest, str):
        st.error(manifest)
        return
    st.success(f"Bản sao lưu hợp lệ (mọi mã SHA-256 đều khớp). {backup.summary_of(manifest)}")
    if manifest.missing_files:
        st.warning(f"Bản sao lưu không có {len(manifest.missing_files)} tài liệu đính kèm (đã thiếu trong kho tệp "
                   "khi sao lưu): các dòng trỏ tới chúng vẫn được khôi phục.")
    with db_read() as session:
        held, extra = backup.inventory(session), backup.holdings(session)
    agreed = False
    if extra:
        st.warning(f"**Khôi phục sẽ xóa toàn bộ dữ liệu hiện có** và thay bằng dữ liệu của bản sao lưu. Cơ sở dữ liệu "
                   f"đang có dữ liệu đã nhập ngoài dữ liệu ban đầu: {backup.describe(extra)}. Sẽ mất tất cả: "
                   f"{backup.describe(held)}. Không hoàn tác được: tải một bản sao lưu của dữ liệu hiện có trước nếu "
                   "có thể cần lại.")
        agreed = st.checkbox("Tôi hiểu và đồng ý thay toàn bộ dữ liệu hiện có bằng dữ liệu của bản sao lưu này.",
                             key="khoi_phuc_dong_y")
    else:
        st.info("Cơ sở dữ liệu chỉ có dữ liệu ban đầu: khôi phục không làm mất dữ liệu nào đã nhập.")
    st.caption("Sau khi khôi phục, mọi người (cả bạn) đăng nhập bằng tài khoản và mật khẩu có trong bản sao lưu.")
    if not st.button("Khôi phục", key="khoi_phuc_btn", type="primary", icon=":material/settings_backup_restore:",
                     disabled=bool(extra) and not agreed):
        return
    try:
        with st.spinner("Đang khôi phục: dựng lại lược đồ, nạp dữ liệu…"):
            done = backup.restore(engine(), who, io.BytesIO(data), store=FileStore(settings().file_store),
                                  replace=agreed, file_name=name)
    except Refused as error:
        st.error(str(error))
        return
    st.session_state.pop(_CHECKED, None)
    upgraded = f" Lược đồ đã được nâng cấp từ phiên bản {done.upgraded_from}." if done.upgraded_from else ""
    st.success(f"Đã khôi phục từ “{name}”. {backup.summary_of(done.manifest)}{upgraded}")
    st.info("Đăng nhập lại bằng tài khoản và mật khẩu của bản sao lưu nếu trang yêu cầu.")
