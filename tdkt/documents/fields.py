"""The named fields of each kind of draft: what a template may write between {{ }} and what each one holds.

A template the Office uploads may use these and nothing else (tdkt.documents.templates refuses an unknown one by
name); the Văn bản page lists them per kind.
"""

from __future__ import annotations

DRAFT_KINDS = ("to_trinh", "danh_sach", "quyet_dinh", "cong_khai")

COMMON = {
    "co_quan_cap_tren": "Cơ quan chủ quản, chữ in hoa (UBND TỈNH LẠNG SƠN)",
    "co_quan": "Cơ quan ban hành, chữ in hoa (SỞ CÔNG THƯƠNG LẠNG SƠN)",
    "ten_co_quan": "Tên cơ quan viết thường (Sở Công Thương Lạng Sơn)",
    "so_ky_hieu": "Số, ký hiệu văn bản (Số: …/TTr-SCT)",
    "dia_danh_ngay": "Địa danh và ngày tháng (Lạng Sơn, ngày 05 tháng 01 năm 2026)",
    "ngay": "Ngày văn bản dd/mm/yyyy",
    "nam": "Năm thành tích",
    "trich_yeu": "Trích yếu nội dung (Về việc …)",
    "can_cu": "Danh sách các dòng căn cứ (dùng trong vòng lặp {%p for c in can_cu %})",
    "noi_nhan": "Danh sách các dòng nơi nhận (vòng lặp {%p for n in noi_nhan %})",
    "chuc_vu_ky": "Các dòng chức vụ người ký (GIÁM ĐỐC; hoặc KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)",
    "nguoi_ky": "Họ và tên người ký",
    "tieu_de_danh_sach": "Tiêu đề danh sách kèm theo",
    "kem_theo": "Dòng “(Kèm theo … số … ngày …)” dưới tiêu đề danh sách",
    "dong": "Các dòng của danh sách (vòng lặp {%tr for d in dong %}); mỗi dòng có d.muc (dòng tiêu đề nhóm), "
            "d.stt, d.ten, d.chuc_vu, d.don_vi, d.so_tien",
    "tong_hop": "Số lượng theo từng danh hiệu, hình thức (vòng lặp; mỗi mục có k.dong)",
    "tong_tap_the": "Số tập thể",
    "tong_ca_nhan": "Số cá nhân",
    "tong_ho_gia_dinh": "Số hộ gia đình",
    "tong_so": "Tổng số tập thể, cá nhân, hộ gia đình",
    "dem": "Số lượng bằng chữ thường (3 tập thể, 10 cá nhân)",
}
EXTRA = {
    "to_trinh": {
        "kinh_gui": "Nơi nhận tờ trình (Kính gửi: …)",
        "cap_quyet_dinh": "Người có thẩm quyền quyết định (Chủ tịch Ủy ban nhân dân tỉnh; Bộ trưởng Bộ Công Thương)",
        "nghi_dinh": "Nghị định hướng dẫn đang có hiệu lực vào ngày văn bản",
    },
    "danh_sach": {},
    "quyet_dinh": {
        "so_quyet_dinh": "Số quyết định (…/QĐ-SCT khi chưa có số)",
        "nghi_dinh": "Nghị định hướng dẫn đang có hiệu lực vào ngày văn bản",
        "tong_tien": "Tổng số tiền thưởng (đồng)",
        "muc_luong": "Mức lương cơ sở dùng để tính tiền thưởng (đồng)",
    },
    "cong_khai": {
        "tu_ngay": "Ngày bắt đầu nhận ý kiến dd/mm/yyyy",
        "den_ngay": "Ngày hết hạn nhận ý kiến dd/mm/yyyy",
        "giai_doan": "Trước hay sau khi Hội đồng Thi đua - Khen thưởng xét",
    },
}


def fields_of(kind: str) -> dict[str, str]:
    """Return the fields a template of this kind of draft may use, name → what it holds."""
    return {**COMMON, **EXTRA[kind]}
