"""The three forms of Thông tư 02/2023/TT-BNV a department fills (0601, 0602, 0603): which exist, and each built."""

from __future__ import annotations

from sqlmodel import Session

from tdkt.core.models import Role
from tdkt.core.permissions import Actor
from tdkt.forms import award_forms, movement_form
from tdkt.forms.form_table import FormTable

# Short code → (full code, title as the page lists it, builder).
FORMS = {
    "0601": (movement_form.CODE, "Số phong trào thi đua", movement_form.build),
    "0602": (award_forms.STATE_CODE, "Số lượng khen thưởng cấp nhà nước", award_forms.build_state),
    "0603": (award_forms.PROVINCE_CODE, "Số lượng khen thưởng cấp bộ, ban, ngành, đoàn thể Trung ương và tỉnh",
             award_forms.build_province),
}
# Said on the page, in the .xlsx notes and in docs/DESIGN.md ("Biểu thống kê").
UNCONFIRMED = ("Bố cục biểu (tiêu đề cột, mã số dòng) lấy theo một phần mềm đã triển khai, chưa đối chiếu được với "
               "phụ lục của Thông tư 02/2023/TT-BNV: kiểm tra lại trước khi gửi. Đã xác nhận: kỳ báo cáo 01/12 năm "
               "trước – 30/11 năm báo cáo; các dòng phạm vi (02–05) và phương thức (11–12) của biểu 0601 theo Điều 16 "
               "Luật Thi đua, khen thưởng 2022.")
TT18_STATUS = ("Thông tư 18/2025/TT-BNV ngày 08/10/2025 của Bộ Nội vụ quy định chế độ báo cáo thống kê ngành Nội vụ; "
               "chưa xác nhận được ngày hiệu lực, việc thay thế Thông tư 02/2023/TT-BNV và biểu mẫu mới về thi đua, "
               "khen thưởng. Khi áp dụng Thông tư 18/2025, đối chiếu lại biểu trước khi gửi.")


# The forms are the department's report to the province: the Office makes them, the leadership reads and signs.
READERS = frozenset({Role.VAN_PHONG, Role.LANH_DAO})


def may_read(actor: Actor | None) -> bool:
    """Return True when the actor sees the forms (the Office and the leadership)."""
    return actor is not None and actor.role in READERS


def file_name(form: str, year: int) -> str:
    """Return the .xlsx file name of a form: "Bieu_0601.N_BNV-TDKT_2024.xlsx"."""
    return f"Bieu_{form}.N_BNV-TDKT_{year}.xlsx"


def form_choices() -> dict[str, str]:
    """Return short code → "0601.N/BNV-TĐKT — Số phong trào thi đua" for a picker."""
    return {short: f"{code} — {title}" for short, (code, title, _) in FORMS.items()}


def build(session: Session, *, form: str, year: int) -> FormTable:
    """Return the form (short code "0601", "0602", "0603") filled in for a year from the database."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; one of {', '.join(FORMS)}")
    return FORMS[form][2](session, year=year)
