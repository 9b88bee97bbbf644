"""The .xlsx template of each record kind: title rows, header, examples, dropdowns and the instructions sheet."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from tdkt.core.models import DISCIPLINE_LABELS, MERIT_KIND_LABELS, RATING_LABELS, SCOPE_LABELS, Award, Rating
from tdkt.core.units import names as unit_names
from tdkt.core.workbook import put, save
from tdkt.importing.record_lists.record_rows import KINDS
from tdkt.importing.template_style import BOX, EXAMPLE_NOTE, text_typed, write_header_row, write_title

_WHO = [("STT", 6), ("Họ và tên (cá nhân) / Tên tập thể", 30), ("Năm sinh", 10), ("Chức vụ", 20),
        ("Đơn vị công tác", 30), ("Năm", 8)]
_TEMPLATE_HEADERS = {
    "xep_loai": _WHO + [("Kết quả đánh giá, xếp loại", 32), ("Ghi chú", 28)],
    "ky_luat": _WHO + [("Hình thức kỷ luật", 22), ("Đang xem xét/điều tra", 16), ("Số quyết định", 18),
                       ("Ngày quyết định", 14), ("Ghi chú", 28)],
    "khen_truoc": _WHO + [("Danh hiệu/Hình thức khen thưởng", 34), ("Loại khen thưởng", 16), ("Số quyết định", 18),
                          ("Ngày quyết định", 14), ("Cơ quan ban hành", 26), ("Ghi chú", 28)],
    "sang_kien": [("STT", 6), ("Tên sáng kiến", 44), ("Tác giả", 34), ("Đơn vị", 28), ("Năm", 8),
                  ("Phạm vi ảnh hưởng", 16), ("Số quyết định", 18), ("Ngày quyết định", 14), ("Cơ quan ban hành", 26),
                  ("Ghi chú", 28)],
}
_TEMPLATE_TITLES = {
    "xep_loai": "DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM {year}",
    "ky_luat": "DANH SÁCH KỶ LUẬT VÀ TRƯỜNG HỢP ĐANG XEM XÉT KỶ LUẬT, ĐIỀU TRA",
    "khen_truoc": "DANH SÁCH KHEN THƯỞNG ĐÃ ĐƯỢC TẶNG CÁC NĂM TRƯỚC",
    "sang_kien": "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM {year}",
}
_HEADER_ROW = 7
_BLANK_ROWS = 60
_Lists = dict[str, tuple[str, list[str], bool]]  # a column's header -> (list title, values, strict)


def _examples(kind: str, year: int, agency: str, unit: str) -> list[list[Any]]:
    """Return a kind's section rows and two example rows (a collective, a person), as written under the header."""
    last = year - 1
    if kind == "sang_kien":
        return [[1, "Ứng dụng phần mềm quản lý hồ sơ thi đua, khen thưởng", "Nguyễn Thị Minh (1987); Trần Văn Bình",
                 unit, year, SCOPE_LABELS["co_so"], "15/QĐ-HĐSK", date(year, 1, 15), agency, EXAMPLE_NOTE],
                [2, "Giải pháp số hóa báo cáo thống kê ngành Công Thương", "Lê Thị Hoa", unit, year,
                 SCOPE_LABELS["tinh"], "120/QĐ-UBND", date(year, 3, 20), "UBND tỉnh Lạng Sơn", EXAMPLE_NOTE]]
    shown = year if kind == "xep_loai" else last  # past awards and discipline: the years before
    who_collective = [1, "Phòng Quản lý Công nghiệp", None, None, agency, shown]
    who_person = [1, "Nguyễn Thị Minh", 1987, "Chuyên viên", unit, shown]
    if kind == "xep_loai":
        rest = ([RATING_LABELS[Rating.HTXSNV], EXAMPLE_NOTE], ["HTTNV", EXAMPLE_NOTE])
    elif kind == "ky_luat":
        rest = ([None, "x", None, None, EXAMPLE_NOTE],
                [DISCIPLINE_LABELS["khien_trach"], None, "25/QĐ-SCT", date(last, 6, 10), EXAMPLE_NOTE])
    else:
        rest = (["Tập thể lao động tiên tiến", MERIT_KIND_LABELS["cong_trang"], "05/QĐ-SCT", date(last, 12, 28),
                 agency, EXAMPLE_NOTE],
                ["Lao động tiên tiến", MERIT_KIND_LABELS["cong_trang"], "05/QĐ-SCT", date(last, 12, 28), agency,
                 EXAMPLE_NOTE])
    return [["I. TẬP THỂ"], who_collective + rest[0], ["II. CÁ NHÂN"], who_person + rest[1]]


def template(*, kind: str, year: int, agency: str, parent_agency: str, awards: list[str], units: list[str]) -> bytes:
    """Return the .xlsx template of a record kind: title rows, header, two example rows, dropdowns, instructions."""
    headers = _TEMPLATE_HEADERS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    _title_rows(ws, kind=kind, year=year, agency=agency, parent_agency=parent_agency, width=len(headers))
    write_header_row(ws, headers, row=_HEADER_ROW)
    r = _example_rows(ws, _examples(kind, year, agency, units[0] if units else agency))
    first, end = _HEADER_ROW + 1, r + _BLANK_ROWS - 1
    _blank_rows_and_signatures(ws, first_blank=r, last_blank=end, width=len(headers))
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=3)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    names = [h for h, _ in headers]
    _dropdowns(wb, ws, _lists(kind, names, awards=awards, units=units), names, first=first, end=end)
    _year_rule(ws, names, year=year, first=first, end=end)
    _guide_sheet(wb, kind)
    return save(wb)


def _title_rows(ws: Worksheet, *, kind: str, year: int, agency: str, parent_agency: str, width: int) -> None:
    """The agencies, the national motto and the list's title, where the official forms have them."""
    last = get_column_letter(width)
    write_title(ws, "A1", parent_agency.upper(), bold=False, merge="A1:C1")
    write_title(ws, "A2", agency.upper(), merge="A2:C2")
    write_title(ws, "E1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", merge=f"E1:{last}1")
    write_title(ws, "E2", "Độc lập - Tự do - Hạnh phúc", merge=f"E2:{last}2")
    write_title(ws, "A4", _TEMPLATE_TITLES[kind].format(year=year), size=14, merge=f"A4:{last}4")
    write_title(ws, "A5", f"(Nhập vào TĐKT Dashboard: {KINDS[kind]})", bold=False, italic=True, merge=f"A5:{last}5")


def _example_rows(ws: Worksheet, examples: list[list[Any]]) -> int:
    """Write the section rows (bold) and the grey example rows under the header; return the next row."""
    r = _HEADER_ROW + 1
    for values in examples:
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.border = BOX
            cell.font = Font(name="Times New Roman", bold=len(values) == 1, italic=len(values) > 1,
                             color="7F7F7F" if len(values) > 1 else None)
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
        r += 1
    return r


def _blank_rows_and_signatures(ws: Worksheet, *, first_blank: int, last_blank: int, width: int) -> None:
    """Boxed blank rows to fill in, then the signature block under them."""
    for row in range(first_blank, last_blank + 1):
        for c in range(1, width + 1):
            ws.cell(row=row, column=c).border = BOX
    footer = last_blank + 2
    write_title(ws, f"B{footer}", "NGƯỜI LẬP BIỂU", merge=f"B{footer}:C{footer}")
    write_title(ws, f"E{footer}", "THỦ TRƯỞNG ĐƠN VỊ", merge=f"E{footer}:F{footer}")
    write_title(ws, f"E{footer + 1}", "(Ký, họ tên, đóng dấu)", bold=False, italic=True,
                merge=f"E{footer + 1}:F{footer + 1}")


def _lists(kind: str, names: list[str], *, awards: list[str], units: list[str]) -> _Lists:
    """Return the dropdown of each column that has one: header -> (title, values, strict)."""
    lists: _Lists = {}
    if "Đơn vị công tác" in names or "Đơn vị" in names:
        lists["Đơn vị công tác" if "Đơn vị công tác" in names else "Đơn vị"] = ("Đơn vị", units, False)
    if kind == "xep_loai":
        lists["Kết quả đánh giá, xếp loại"] = ("Xếp loại", list(RATING_LABELS.values()), False)
    if kind == "ky_luat":
        lists["Hình thức kỷ luật"] = ("Hình thức kỷ luật", list(DISCIPLINE_LABELS.values()), True)
        lists["Đang xem xét/điều tra"] = ("Đang xem xét/điều tra", ["x"], False)
    if kind == "khen_truoc":
        lists["Danh hiệu/Hình thức khen thưởng"] = ("Danh hiệu/Hình thức", awards, False)
        lists["Loại khen thưởng"] = ("Loại khen thưởng", list(MERIT_KIND_LABELS.values()), True)
    if kind == "sang_kien":
        lists["Phạm vi ảnh hưởng"] = ("Phạm vi ảnh hưởng", list(SCOPE_LABELS.values()), True)
    return lists


def _dropdowns(wb: Workbook, ws: Worksheet, lists: _Lists, names: list[str], *, first: int, end: int) -> None:
    """Write each list's values to the hidden DanhMuc sheet and offer them in its column's rows."""
    catalogue = wb.create_sheet("DanhMuc")
    for index, (header, (title, values, strict)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        catalogue[f"{letter}1"] = title
        for i, value in enumerate(values, start=2):
            put(catalogue, i, index, value)  # award and unit names are users' text: a text cell each
        target = get_column_letter(names.index(header) + 1)
        rule = DataValidation(type="list", formula1=f"=DanhMuc!${letter}$2:${letter}${max(len(values), 1) + 1}",
                              allow_blank=True, showErrorMessage=strict)
        rule.error = f"Chọn {title.lower()} trong danh sách."
        rule.errorTitle = "Giá trị không có trong danh mục"
        rule.prompt = f"Chọn {title.lower()} trong danh sách"
        rule.showInputMessage = True
        ws.add_data_validation(rule)
        rule.add(f"{target}{first}:{target}{end}")
        text_typed(ws, target, first=first, last=end)
    catalogue.sheet_state = "hidden"


def _year_rule(ws: Worksheet, names: list[str], *, year: int, first: int, end: int) -> None:
    """Accept only a 4-digit year up to the template's in the "Năm" column."""
    year_rule = DataValidation(type="whole", operator="between", formula1="1990", formula2=str(year),
                               allow_blank=True, showErrorMessage=True)
    year_rule.error = "Ghi năm 4 chữ số, ví dụ 2024."
    ws.add_data_validation(year_rule)
    year_column = get_column_letter(names.index("Năm") + 1)
    year_rule.add(f"{year_column}{first}:{year_column}{end}")


def _guide_sheet(wb: Workbook, kind: str) -> None:
    """The "Hướng dẫn" sheet: how to fill in a list of this kind."""
    guide = wb.create_sheet("Hướng dẫn")
    for index, line in enumerate(_guide(kind), start=1):
        cell = put(guide, index, 1, line)
        cell.font = Font(name="Times New Roman", bold=index == 1, size=13 if index == 1 else 12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 120


def _guide(kind: str) -> list[str]:
    """Return the lines of a kind's instructions sheet: its title, then numbered steps."""
    common_end = [
        f"Xóa các dòng có ghi chú “{EXAMPLE_NOTE}”. Thêm dòng bằng cách chèn dòng phía trên khối chữ ký.",
        "Không đổi tên các cột ở dòng tiêu đề; có thể thêm cột khác (sẽ được bỏ qua). Ngày ghi dd/mm/yyyy.",
        "Cả tệp được nhập trọn trong một lần hoặc không ghi gì nếu còn lỗi; có thể hoàn tác cả lô sau khi nhập.",
    ]
    who = [
        "Ghi dòng mục “I. TẬP THỂ”, “II. CÁ NHÂN” phía trên các dòng thuộc mục đó.",
        "Cá nhân: ghi Năm sinh và Đơn vị công tác để hệ thống nhận đúng người đã có (người chưa có sẽ được thêm mới).",
        "Cột “Năm”: năm của kết quả; để trống thì lấy năm chọn khi tải lên hoặc năm ghi trong tiêu đề.",
    ]
    specific = {
        "xep_loai": ["HƯỚNG DẪN LẬP DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI",
                     "Mỗi dòng là kết quả xếp loại một năm của một cá nhân hoặc tập thể.", *who,
                     "Cột “Kết quả đánh giá, xếp loại”: Hoàn thành xuất sắc nhiệm vụ (HTXSNV), Hoàn thành tốt nhiệm vụ "
                     "(HTTNV), Hoàn thành nhiệm vụ (HTNV), Không hoàn thành nhiệm vụ (KHTNV); ghi mã hoặc viết đủ.",
                     "Nếu đã có xếp loại cùng năm của cùng người/tập thể, kết quả mới thay kết quả cũ."],
        "ky_luat": ["HƯỚNG DẪN LẬP DANH SÁCH KỶ LUẬT",
                    "Mỗi dòng là một hình thức kỷ luật, hoặc một trường hợp đang bị xem xét kỷ luật, điều tra.", *who,
                    "Cột “Hình thức kỷ luật”: Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức, Buộc thôi "
                    "việc. Đang xem xét kỷ luật hoặc đang điều tra: ghi “x” ở cột “Đang xem xét/điều tra”."],
        "khen_truoc": ["HƯỚNG DẪN LẬP DANH SÁCH KHEN THƯỞNG ĐÃ CÓ (CÁC NĂM TRƯỚC)",
                       "Mỗi dòng là một danh hiệu/hình thức khen thưởng một cá nhân hoặc tập thể đã được tặng.", *who,
                       "Cột “Danh hiệu/Hình thức khen thưởng”: chọn trong danh sách; chấp nhận cách viết tắt thường "
                       "dùng (LĐTT, CSTĐCS, BK UBND tỉnh…). “Loại khen thưởng”: Công trạng, Đột xuất, Theo chuyên đề."],
        "sang_kien": ["HƯỚNG DẪN LẬP DANH SÁCH SÁNG KIẾN",
                      "Mỗi dòng là một sáng kiến đã được công nhận.",
                      "Cột “Tác giả”: họ tên các tác giả cách nhau bằng dấu chấm phẩy, dấu phẩy hoặc xuống dòng; có "
                      "thể ghi năm sinh trong ngoặc, ví dụ “Nguyễn Văn An (1980)”. Tác giả chưa có sẽ được thêm mới.",
                      "Cột “Phạm vi ảnh hưởng”: Cơ sở, Cấp tỉnh hoặc Toàn quốc.",
                      "Cột “Năm”: năm công nhận; để trống thì lấy năm của ngày quyết định."],
    }[kind]
    return [specific[0], *(f"{i}. {line}" for i, line in enumerate(specific[1:] + common_end, start=1))]


def template_for(session: Session, *, kind: str, year: int, agency: str, parent_agency: str) -> bytes:
    """Return a kind's template filled with the database's award names (common first) and active units."""
    awards = list(session.exec(select(Award.name).order_by(col(Award.is_common).desc(), Award.position)).all())
    return template(kind=kind, year=year, agency=agency, parent_agency=parent_agency, awards=awards,
                    units=[u for u in unit_names(session) if u != "Các phòng, đơn vị trực thuộc Sở"])
