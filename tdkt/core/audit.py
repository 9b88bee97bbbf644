"""The audit log: who did what and when, with the record before and after; appending (chained at commit by
`audit_chain`) and finding entries. Nothing in tdkt updates or deletes an entry."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, SQLModel, col, select

from tdkt.core import audit_chain
from tdkt.core.models import AuditLog
from tdkt.core.permissions import Actor
from tdkt.core.text import VIETNAM, fold

if TYPE_CHECKING:
    import pandas as pd

# Labels of the actions the log records, as shown to the user.
ACTION_LABELS = {
    "khoi_tao": "Khởi tạo dữ liệu",
    "dang_nhap": "Đăng nhập",
    "dang_xuat": "Đăng xuất",
    "dang_nhap_sai": "Đăng nhập sai mật khẩu",
    "dang_nhap_bi_tu_choi": "Đăng nhập bị từ chối",
    "go_khoa_dang_nhap": "Gỡ tạm khóa đăng nhập",
    "tao_van_ban": "Tạo văn bản",
    "tai_van_ban": "Tải lại văn bản đã tạo",
    "tai_len_mau_van_ban": "Tải lên mẫu văn bản",
    "bo_mau_van_ban": "Bỏ mẫu văn bản riêng, dùng mẫu có sẵn",
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
    "bang_tieu_chi": "Lưu bảng tiêu chí chấm điểm cụm",
    "han_vong_cham": "Đặt hạn vòng chấm điểm cụm",
    "cham_diem_cum": "Chấm điểm thi đua cụm",
    "nhap_diem_cum": "Nhập bảng chấm điểm cụm",
    "cong_bo_ket_qua_cum": "Công bố kết quả chấm điểm cụm",
    "huy_cong_bo_ket_qua_cum": "Hủy công bố kết quả chấm điểm cụm",
    "so_bang_khen_cum": "Đặt số đơn vị cụm đề nghị Bằng khen",
    "de_nghi_tu_ket_qua_cum": "Đề nghị khen thưởng theo kết quả chấm điểm cụm",
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
    "sao_luu": "Sao lưu dữ liệu",
    "khoi_phuc": "Khôi phục dữ liệu từ bản sao lưu",
    "dang_ky_thi_dua": "Đăng ký thi đua",
    "xoa_dang_ky_thi_dua": "Xóa đăng ký thi đua",
    "nhap_dang_ky_thi_dua": "Nhập bảng đăng ký thi đua",
    "hoi_dong": "Hội đồng Thi đua - Khen thưởng: thành viên, cuộc họp, kết quả bỏ phiếu",
    "luu_vi_tri_in": "Lưu vị trí in giấy khen, giấy chứng nhận",
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


def _day_start(day: date) -> datetime:
    """Return the instant a day starts in Vietnam time (the dates the page's filter shows), in UTC."""
    return datetime.combine(day, time.min, tzinfo=VIETNAM).astimezone(UTC)


def _conditions(*, start: date | None, end: date | None, username: str | None,
                actions: Iterable[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if start:
        conditions.append(col(AuditLog.at) >= _day_start(start))
    if end:
        conditions.append(col(AuditLog.at) < _day_start(end + timedelta(days=1)))
    if username:
        conditions.append(col(AuditLog.username) == username)
    actions = list(actions)
    if actions:
        conditions.append(col(AuditLog.action).in_(actions))
    return conditions


def _ascii_fold(text: str) -> str:
    """Return `fold(text)` as far as an ASCII needle can tell: decomposed, then only its ASCII kept, all in C.

    str.translate with fold's table looks every character up in a dict: 13.5 s for the haystacks of 100k entries of
    1.5 kB of JSON, against 2.2 s this way (measured in one run); it gives the same text for Vietnamese, and what it
    drops besides the marks (a letter of another script, a typographic quote) could not match an ASCII needle."""
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return " ".join(decomposed.encode("ascii", "ignore").decode("ascii").casefold().split())


def _haystack(row: Any, *, ascii_needle: bool = False) -> str:
    """Return what the text filter searches in an entry, folded; stored codes ("hoi_dong_da_xet") read as words."""
    text = " ".join(filter(None, [
        row.username, row.action, ACTION_LABELS.get(row.action, ""), row.entity, row.entity_id, row.summary,
        row.before, row.after]))
    return (_ascii_fold(text) if ascii_needle else fold(text)).replace("_", " ")


@dataclass(frozen=True, slots=True)
class Found:
    """One page of audit entries (newest first) and how many entries match in all."""

    entries: Sequence[AuditLog]
    total: int


def find(
    session: Session,
    *,
    text: str = "",
    start: date | None = None,
    end: date | None = None,
    username: str | None = None,
    actions: Iterable[str] = (),
    offset: int = 0,
    limit: int | None = 50,
) -> Found:
    """Return the entries from `offset` (newest first, `limit` of them, or all when None) and how many match: days
    from `start` to `end` in Vietnam time, one user name, some actions, and an accent-insensitive text."""
    conditions = _conditions(start=start, end=end, username=username, actions=actions)
    newest = (col(AuditLog.seq).desc(), col(AuditLog.id).desc())
    needle = fold(text).replace("_", " ")
    if not needle:
        total = session.exec(select(func.count()).select_from(AuditLog).where(*conditions)).one()
        stmt = select(AuditLog).where(*conditions).order_by(*newest).offset(max(offset, 0))
        return Found(session.exec(stmt if limit is None else stmt.limit(limit)).all(), total)
    # Accent-insensitive, so folded in Python: only the searched columns are read, a chunk at a time, and only the
    # page's entries are then loaded whole.
    searched = [AuditLog.id, AuditLog.username, AuditLog.action, AuditLog.entity, AuditLog.entity_id,
                AuditLog.summary, AuditLog.before, AuditLog.after]
    rows = session.execute(select(*searched).where(*conditions).order_by(*newest).execution_options(yield_per=2000))
    plain = needle.isascii()
    ids = [row.id for row in rows if needle in _haystack(row, ascii_needle=plain)]
    chosen = ids[max(offset, 0):] if limit is None else ids[max(offset, 0):max(offset, 0) + limit]
    entries: list[AuditLog] = []
    for first in range(0, len(chosen), 1000):  # an export of every match: a bounded IN list per query
        part = chosen[first:first + 1000]
        entries += session.exec(select(AuditLog).where(col(AuditLog.id).in_(part)).order_by(*newest)).all()
    return Found(entries, len(ids))


def usernames(session: Session) -> list[str]:
    """Return the user names the log holds, sorted (the page's filter by who)."""
    names = session.exec(select(AuditLog.username).distinct()).all()
    return sorted(names, key=lambda n: fold(n))


def actions_used(session: Session) -> list[str]:
    """Return the actions the log holds, by their label (the page's filter by action)."""
    found = session.exec(select(AuditLog.action).distinct()).all()
    return sorted(found, key=lambda a: fold(ACTION_LABELS.get(a, a)))


def search(
    session: Session,
    *,
    text: str = "",
    start: date | None = None,
    end: date | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Return audit entries, newest first, filtered by dates and an accent-insensitive text (see `find`)."""
    import pandas as pd  # late: the command line's import never draws a table (pandas: 0.45 s, 80 MiB)

    rows = find(session, text=text, start=start, end=end, limit=limit).entries
    frame = pd.DataFrame([{c: getattr(r, c) for c in COLUMNS} for r in rows], columns=COLUMNS)
    frame["action_label"] = frame["action"].map(lambda a: ACTION_LABELS.get(a, a))
    return frame
