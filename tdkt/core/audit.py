"""The audit log: who did what and when, with the record before and after; appending (chained at commit by
`audit_chain`) and finding entries. Nothing in tdkt updates or deletes an entry."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

import pandas as pd
from sqlmodel import Session, SQLModel, col, select

from tdkt.core import audit_chain
from tdkt.core.models import AuditLog
from tdkt.core.permissions import Actor
from tdkt.core.text import fold

# Labels of the actions the log records, as shown to the user.
ACTION_LABELS = {
    "khoi_tao": "Khởi tạo dữ liệu",
    "dang_nhap": "Đăng nhập",
    "dang_xuat": "Đăng xuất",
    "dang_nhap_sai": "Đăng nhập sai mật khẩu",
    "dang_nhap_bi_tu_choi": "Đăng nhập bị từ chối",
    "go_khoa_dang_nhap": "Gỡ tạm khóa đăng nhập",
    "doi_mat_khau": "Đổi mật khẩu",
    "tao_nguoi_dung": "Tạo tài khoản",
    "sua_nguoi_dung": "Sửa tài khoản",
    "dat_lai_mat_khau": "Đặt lại mật khẩu",
    "cap_nhat_nhiem_vu": "Cập nhật nhiệm vụ",
    "them_nhiem_vu": "Thêm nhiệm vụ",
    "sua_nhiem_vu": "Sửa nhiệm vụ",
    "xoa_nhiem_vu": "Xóa nhiệm vụ",
    "sao_chep_ke_hoach": "Sao chép kế hoạch",
    "sua_ke_hoach": "Sửa thông tin kế hoạch",
    "them_don_vi": "Thêm đơn vị",
    "sua_don_vi": "Sửa đơn vị",
    "sua_cai_dat": "Sửa cài đặt",
    "nhap_danh_sach": "Nhập danh sách đề nghị",
    "hoan_tac_lo_nhap": "Hoàn tác lô nhập",
    "them_de_nghi": "Thêm đề nghị",
    "sua_de_nghi": "Sửa đề nghị",
    "xu_ly_ho_so": "Chuyển bước hồ sơ đề nghị",
    "them_cum": "Thêm cụm thi đua",
    "sua_cum": "Sửa cụm thi đua",
    "xoa_cum": "Xóa cụm thi đua",
    "them_thanh_vien_cum": "Thêm thành viên cụm",
    "sua_thanh_vien_cum": "Sửa thành viên cụm",
    "xoa_thanh_vien_cum": "Xóa thành viên cụm",
    "them_su_kien_cum": "Thêm hoạt động của cụm",
    "sua_su_kien_cum": "Sửa hoạt động của cụm",
    "xoa_su_kien_cum": "Xóa hoạt động của cụm",
    "cap_nhat_tham_gia": "Ghi nhận tham gia",
    "sao_chep_cum": "Sao chép cụm thi đua sang năm mới",
    "nhap_danh_sach_cum": "Nhập danh sách thành viên/bảng điểm cụm",
    "them_phong_trao": "Đăng ký phong trào thi đua",
    "sua_phong_trao": "Sửa phong trào thi đua",
    "tong_ket_phong_trao": "Tổng kết phong trào thi đua",
    "ghi_xep_loai": "Ghi kết quả xếp loại",
    "ghi_ky_luat": "Ghi kỷ luật",
    "ghi_khen_truoc": "Ghi khen thưởng đã có",
    "ghi_sang_kien": "Ghi sáng kiến",
    "xoa_ho_so_ca_nhan": "Xóa hồ sơ xếp loại, kỷ luật, khen thưởng, sáng kiến",
    "nhap_ho_so": "Nhập xếp loại, kỷ luật, khen thưởng đã có, sáng kiến",
    "quy_dinh_dia_phuong": "Sửa quy định khen thưởng của địa phương",
    "nop_ho_so": "Nộp hồ sơ khen thưởng của đơn vị",
    "thu_hoi_ho_so": "Thu hồi hồ sơ khen thưởng của đơn vị",
    "tra_lai_ho_so": "Trả lại hồ sơ khen thưởng của đơn vị",
    "tiep_nhan_ho_so": "Tiếp nhận hồ sơ khen thưởng của đơn vị",
    "han_nop_ho_so": "Sửa hạn nộp hồ sơ khen thưởng",
    "them_tai_lieu": "Đính kèm tài liệu hồ sơ",
    "xoa_tai_lieu": "Xóa tài liệu hồ sơ",
    "tai_tai_lieu": "Tải xuống tài liệu hồ sơ",
    "thanh_phan_ho_so": "Sửa thành phần hồ sơ",
    "email_don_vi": "Sửa e-mail nhận nhắc hạn của đơn vị",
    "gui_nhac_han": "Gửi e-mail nhắc hạn, báo trả lại hồ sơ",
}
COLUMNS = ["id", "at", "username", "action", "entity", "entity_id", "summary", "before", "after"]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """Return a row's fields as JSON-ready values (for the before/after of an audit entry)."""
    return {k: _plain(v) for k, v in row.model_dump().items() if k not in (exclude or set())}


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit entry in the caller's transaction: it is chained and written when the transaction commits
    (`audit_chain.queue`), so its id, seq and hash are set only then; a rollback drops it with the rest."""
    entry = AuditLog(
        user_id=actor.id if actor else None,
        username=actor.username if actor else "hệ thống",
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        summary=summary,
        before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
        after=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
    )
    audit_chain.queue(session, entry)
    return entry


def search(
    session: Session,
    *,
    text: str = "",
    start: date | None = None,
    end: date | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Return audit entries, newest first, filtered by dates and an accent-insensitive text."""
    stmt = select(AuditLog).order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    if start:
        stmt = stmt.where(AuditLog.at >= datetime.combine(start, time.min, tzinfo=UTC))
    if end:
        stmt = stmt.where(AuditLog.at < datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))
    needle = fold(text)
    if needle:
        # Narrow in SQL by the raw text where possible, then filter accent-insensitively in Python.
        rows = session.exec(stmt).all()
        rows = [r for r in rows if needle in fold(" ".join(filter(None, [
            r.username, r.action, ACTION_LABELS.get(r.action, ""), r.entity, r.entity_id, r.summary, r.before,
            r.after])))]
        rows = rows[:limit]
    else:
        rows = session.exec(stmt.limit(limit)).all()
    frame = pd.DataFrame([{c: getattr(r, c) for c in COLUMNS} for r in rows], columns=COLUMNS)
    frame["action_label"] = frame["action"].map(lambda a: ACTION_LABELS.get(a, a))
    return frame


