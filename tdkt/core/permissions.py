"""Who is acting and what each role may do: `Actor`, the permission matrix and the checks every write calls."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tdkt.core.errors import Refused
from tdkt.core.models import ROLE_LABELS, Role, User


class PermissionDenied(Refused, PermissionError):
    """The signed-in user may not do this; the message is Vietnamese and shown as is."""


# What each role may do. "cap_nhat_nhiem_vu" for a unit user is limited to its own unit's tasks.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "xem": frozenset(Role),
    "sua_ke_hoach": frozenset({Role.VAN_PHONG}),
    "cap_nhat_nhiem_vu": frozenset({Role.VAN_PHONG, Role.DON_VI}),
    "nhap_danh_sach": frozenset({Role.VAN_PHONG, Role.DON_VI}),
    "quan_ly_cum": frozenset({Role.VAN_PHONG}),
    "xu_ly_ho_so": frozenset({Role.VAN_PHONG}),
    # Tiếp nhận hồ sơ: a unit submits and recalls its own; the Office returns, accepts and sets the deadline.
    "nop_ho_so": frozenset({Role.DON_VI}),
    "tiep_nhan_ho_so": frozenset({Role.VAN_PHONG}),
    "xem_tiep_nhan": frozenset({Role.LANH_DAO, Role.VAN_PHONG, Role.QUAN_TRI, Role.DON_VI}),
    "quan_ly_don_vi": frozenset({Role.VAN_PHONG, Role.QUAN_TRI}),
    # Dossier documents: a unit attaches to its own nominations and submission; the Office sets the checklist
    # (thành phần hồ sơ) per award and year, the units' e-mail addresses, and sends the reminders.
    "dinh_kem_ho_so": frozenset({Role.VAN_PHONG, Role.DON_VI}),
    "thanh_phan_ho_so": frozenset({Role.VAN_PHONG}),
    "nhac_han": frozenset({Role.VAN_PHONG}),
    # Year end: a unit registers its own titles (đăng ký thi đua), the Office sees and changes all; the Office keeps
    # the council (members, meeting, tallies, ballots, minutes), drafts the documents it signs and scores clusters.
    "dang_ky_thi_dua": frozenset({Role.VAN_PHONG, Role.DON_VI}),
    "hoi_dong": frozenset({Role.VAN_PHONG}),
    "soan_van_ban": frozenset({Role.VAN_PHONG}),
    "cham_diem": frozenset({Role.VAN_PHONG}),
    "quan_tri": frozenset({Role.QUAN_TRI}),
    "xem_nhat_ky": frozenset({Role.QUAN_TRI}),
    # A backup carries every row (password hashes too); a restore replaces them all: the admin's alone.
    "sao_luu": frozenset({Role.QUAN_TRI}),
    "khoi_phuc": frozenset({Role.QUAN_TRI}),
}
ACTION_LABELS = {
    "xem": "xem dữ liệu",
    "sua_ke_hoach": "sửa kế hoạch",
    "cap_nhat_nhiem_vu": "cập nhật nhiệm vụ",
    "nhap_danh_sach": "nhập danh sách đề nghị khen thưởng",
    "quan_ly_cum": "quản lý cụm thi đua, giao ước và phong trào thi đua",
    "xu_ly_ho_so": "xử lý hồ sơ đề nghị khen thưởng",
    "nop_ho_so": "nộp, thu hồi hồ sơ khen thưởng của đơn vị",
    "tiep_nhan_ho_so": "trả lại, tiếp nhận hồ sơ khen thưởng của các đơn vị",
    "xem_tiep_nhan": "xem tình hình nộp hồ sơ khen thưởng",
    "quan_ly_don_vi": "thêm, sửa đơn vị",
    "dinh_kem_ho_so": "đính kèm, xóa tài liệu của hồ sơ đề nghị khen thưởng",
    "thanh_phan_ho_so": "đặt thành phần hồ sơ đề nghị khen thưởng",
    "nhac_han": "gửi e-mail nhắc hạn nộp hồ sơ",
    "dang_ky_thi_dua": "đăng ký thi đua",
    "hoi_dong": "quản lý Hội đồng Thi đua - Khen thưởng, nhập kết quả bỏ phiếu",
    "soan_van_ban": "soạn văn bản, in giấy khen, lập biểu thống kê",
    "cham_diem": "chấm điểm thi đua cụm",
    "quan_tri": "quản trị hệ thống",
    "xem_nhat_ky": "xem nhật ký",
    "sao_luu": "sao lưu toàn bộ dữ liệu",
    "khoi_phuc": "khôi phục dữ liệu từ bản sao lưu",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: enough of a User to check permissions and write the audit log."""

    id: int | None
    username: str
    role: Role
    unit_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(id=user.id, username=user.username, role=Role(user.role), unit_id=user.unit_id)


SYSTEM = Actor(id=None, username="hệ thống", role=Role.QUAN_TRI)
# The command line acts for the Office (it runs on the server, by whoever may run commands there).
COMMAND_LINE = Actor(id=None, username="dòng lệnh", role=Role.VAN_PHONG)


def can(actor: Actor | None, action: str, *, unit_ids: set[int] | None = None) -> bool:
    """Return True when the actor may do the action (for a unit user, only when its unit is among unit_ids: a plan
    task shared by several units is each one's; records, whose rows each belong to one unit, use require_scope)."""
    if actor is None or actor.role not in PERMISSIONS[action]:
        return False
    if actor.role == Role.DON_VI and action != "xem":
        return actor.unit_id is not None and unit_ids is not None and actor.unit_id in unit_ids
    return True


def require(actor: Actor | None, action: str, *, unit_ids: set[int] | None = None) -> None:
    """Raise PermissionDenied unless the actor may do the action."""
    if actor is None:
        raise PermissionDenied("Bạn cần đăng nhập để thực hiện thao tác này.")
    if not can(actor, action, unit_ids=unit_ids):
        if actor.role == Role.DON_VI and actor.role in PERMISSIONS[action]:
            raise PermissionDenied("Tài khoản đơn vị chỉ được sửa dữ liệu của chính đơn vị mình.")
        raise PermissionDenied(
            f"Vai trò “{ROLE_LABELS[actor.role]}” không có quyền {ACTION_LABELS[action]}."
        )


def require_role(actor: Actor | None, action: str) -> None:
    """Raise PermissionDenied unless the actor's role may do the action at all (a unit account: with a unit of its
    own); the scope of the rows is checked once they are read (require_scope)."""
    require(actor, action, unit_ids={actor.unit_id} if actor is not None and actor.unit_id is not None else None)


def in_scope(actor: Actor | None, unit_ids: Iterable[int | None]) -> bool:
    """Return True when every unit is the actor's own, or the actor is not a unit account (which sees every unit)."""
    if actor is None:
        return False
    if actor.role != Role.DON_VI:
        return True
    units = set(unit_ids)
    return actor.unit_id is not None and units == {actor.unit_id}


def require_scope(actor: Actor | None, action: str, *, unit_ids: Iterable[int | None], message: str | None = None
                  ) -> None:
    """Raise PermissionDenied unless the actor may do the action on rows of these units; a unit account only when
    every one is its own (no unit, or no row at all, is not its own).

    The caller reads unit_ids from the rows the action touches (the person's unit, the nomination's, the batch's
    rows'), in the transaction that writes, never from what the caller was given: a unit id passed in by a page
    is only a claim.
    """
    units = list(unit_ids)
    if actor is not None and actor.role == Role.DON_VI and actor.role in PERMISSIONS[action]:
        if not in_scope(actor, units):
            raise PermissionDenied(message or "Tài khoản đơn vị chỉ được xem, sửa dữ liệu của chính đơn vị mình.")
        require(actor, action, unit_ids={actor.unit_id})
        return
    require(actor, action)
