"""The official nomination list template (.xlsx) and the error workbook (the rows back with their problems)."""

from __future__ import annotations

from collections import defaultdict
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.awards import categories
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.workbook import add_sheet, cell_value, put, save
from tdkt.importing.template_style import BOX, EXAMPLE_NOTE, text_typed, write_header_row, write_title

HEADERS = [
    ("STT", 6), ("Họ và tên (cá nhân) / Tên tập thể", 30), ("Giới tính", 10), ("Năm sinh", 10), ("Chức vụ", 22),
    ("Đơn vị công tác", 30), ("Danh hiệu/Hình thức khen thưởng đề nghị", 34), ("Phân loại đối tượng", 34),
    ("Tóm tắt thành tích", 40), ("Ghi chú", 24),
]
HEADER_ROW = 7
BLANK_ROWS = 60


def template(*, year: int, agency: str, parent_agency: str, awards: list[str], units: list[str],
             filled: list[list] | None = None) -> bytes:
    """Return the list template: title rows as the official form has them, header, examples, dropdowns, instructions;
    with `filled` (section rows and rows in the header's order), those rows instead of the examples."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    _title_rows(ws, year=year, agency=agency, parent_agency=parent_agency)
    write_header_row(ws, HEADERS, row=HEADER_ROW)
    examples = _example_rows(ws, agency=agency, units=units) if filled is None else _filled_rows(ws, filled)
    first_blank, last_blank = HEADER_ROW + 1 + len(examples), HEADER_ROW + len(examples) + BLANK_ROWS
    _blank_rows_and_signatures(ws, first_blank=first_blank, last_blank=last_blank)
    columns = _lists_sheet(wb, awards=awards, units=units)
    _dropdowns(ws, columns, first=first_blank - len(examples), last=last_blank, year=year)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    _guide_sheet(wb)
    return save(wb)


def _title_rows(ws: Worksheet, *, year: int, agency: str, parent_agency: str) -> None:
    """The agencies, the national motto and the list's title, where the official form has them."""
    last = get_column_letter(len(HEADERS))
    write_title(ws, "A1", parent_agency.upper(), bold=False, merge="A1:D1")
    write_title(ws, "A2", agency.upper(), merge="A2:D2")
    write_title(ws, "F1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", merge=f"F1:{last}1")
    write_title(ws, "F2", "Độc lập - Tự do - Hạnh phúc", merge=f"F2:{last}2")
    write_title(ws, "A4", f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {year}", size=14, merge=f"A4:{last}4")
    write_title(ws, "A5", f"(Kèm theo Tờ trình số …/TTr-… ngày …/…/{year} của …)", bold=False, italic=True,
                merge=f"A5:{last}5")


def _example_rows(ws: Worksheet, *, agency: str, units: list[str]) -> list[list]:
    """Write the section rows and grey example rows under the header; return them."""
    examples = [
        ["I. TẬP THỂ"],
        [1, "Phòng Quản lý Công nghiệp", None, None, None, agency, "Tập thể lao động tiên tiến", "Cơ quan Hành chính",
         "Hoàn thành tốt nhiệm vụ năm", EXAMPLE_NOTE],
        ["II. CÁ NHÂN"],
        [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", units[0] if units else agency, "Lao động tiên tiến",
         categories.DIRECT_WORKER_NAME, "Hoàn thành tốt nhiệm vụ", EXAMPLE_NOTE],
        [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", units[0] if units else agency, "Chiến sĩ thi đua cơ sở",
         categories.MANAGER[0], "Hoàn thành xuất sắc nhiệm vụ; sáng kiến cấp cơ sở", EXAMPLE_NOTE],
    ]
    for row, values in enumerate(examples, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)  # the agency and the first unit are the database's text
            cell.border = BOX
            cell.font = Font(name="Times New Roman", bold=len(values) == 1, italic=len(values) > 1,
                             color="7F7F7F" if len(values) > 1 else None)
    return examples


def _filled_rows(ws: Worksheet, rows: list[list]) -> list[list]:
    """Write given rows under the header (a one-cell row is a section, bold); return them."""
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        for col in range(1, len(HEADERS) + 1):
            cell = put(ws, row, col, values[col - 1] if col <= len(values) else None)
            cell.border = BOX
            cell.font = Font(name="Times New Roman", bold=len(values) == 1)
    return rows


def _blank_rows_and_signatures(ws: Worksheet, *, first_blank: int, last_blank: int) -> None:
    """Boxed empty rows to fill in, the signature block under them, and the panes frozen below the header."""
    for r in range(first_blank, last_blank + 1):
        for col in range(1, len(HEADERS) + 1):
            ws.cell(row=r, column=col).border = BOX
    footer = last_blank + 2
    write_title(ws, f"B{footer}", "NGƯỜI LẬP BIỂU", merge=f"B{footer}:C{footer}")
    write_title(ws, f"G{footer}", "THỦ TRƯỞNG ĐƠN VỊ", merge=f"G{footer}:H{footer}")
    write_title(ws, f"G{footer + 1}", "(Ký, họ tên, đóng dấu)", bold=False, italic=True,
                merge=f"G{footer + 1}:H{footer + 1}")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)


def _lists_sheet(wb: Workbook, *, awards: list[str], units: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Write the hidden DanhMuc sheet the dropdowns read; return its columns: letter -> (header, values)."""
    lists = wb.create_sheet("DanhMuc")
    columns = {"A": ("Danh hiệu/Hình thức", awards), "B": ("Đơn vị", units), "C": ("Giới tính", ["Nam", "Nữ"]),
               "D": ("Phân loại đối tượng", categories.NAMES)}
    for column, (letter, (header, values)) in enumerate(columns.items(), start=1):
        lists[f"{letter}1"] = header
        for index, value in enumerate(values, start=2):
            put(lists, index, column, value)  # award and unit names are users' text: a text cell each
    lists.sheet_state = "hidden"
    return columns


def _dropdowns(ws: Worksheet, columns: dict[str, tuple[str, list[str]]], *, first: int, last: int, year: int) -> None:
    """Dropdowns from DanhMuc (award, unit, gender, category) and a birth-year check on rows first..last."""
    for letter, (column, (header, values)) in zip(["G", "F", "C", "H"], columns.items(), strict=True):
        rule = DataValidation(type="list", formula1=f"=DanhMuc!${column}$2:${column}${len(values) + 1}",
                              allow_blank=True, showErrorMessage=letter in ("C", "G"))
        rule.error = f"Chọn {header.lower()} trong danh sách."
        rule.errorTitle = "Giá trị không có trong danh mục"
        rule.prompt = f"Chọn {header.lower()} trong danh sách"
        rule.showInputMessage = True
        ws.add_data_validation(rule)
        rule.add(f"{letter}{first}:{letter}{last}")
        text_typed(ws, letter, first=first, last=last)
    year_rule = DataValidation(type="whole", operator="between", formula1="1930", formula2=str(year - 15),
                               allow_blank=True, showErrorMessage=True)
    year_rule.error = "Ghi năm sinh 4 chữ số, ví dụ 1985."
    ws.add_data_validation(year_rule)
    year_rule.add(f"D{first}:D{last}")


_GUIDE = [
    "HƯỚNG DẪN LẬP DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    "1. Mỗi dòng là một đề nghị: một cá nhân hoặc một tập thể với một danh hiệu/hình thức khen thưởng.",
    "2. Ghi dòng mục “I. TẬP THỂ”, “II. CÁ NHÂN” (và “III. HỘ GIA ĐÌNH” nếu có) phía trên các dòng thuộc mục đó.",
    "3. Cột “Danh hiệu/Hình thức khen thưởng đề nghị”: chọn trong danh sách thả xuống; chấp nhận cả cách viết tắt "
    "thường dùng (LĐTT, CSTĐCS, BK UBND tỉnh, Giấy khen GĐ Sở…).",
    "4. Cá nhân: ghi Giới tính (Nam/Nữ) và Năm sinh (4 chữ số) hoặc ngày sinh dd/mm/yyyy; Chức vụ và Đơn vị công tác.",
    "5. “Phân loại đối tượng” theo danh mục quốc gia; bỏ trống thì hệ thống đoán theo chức vụ và Văn phòng xác nhận.",
    f"6. Xóa các dòng có ghi chú “{EXAMPLE_NOTE}”. Thêm dòng bằng cách chèn dòng phía trên khối chữ ký.",
    "7. Không đổi tên các cột ở dòng tiêu đề; có thể thêm cột khác (sẽ được bỏ qua).",
    "8. Gửi tệp .xlsx cho Văn phòng Sở (hạn theo kế hoạch TĐKT, thường trước ngày 15/12).",
]


def _guide_sheet(wb: Workbook) -> None:
    """The instructions sheet."""
    guide = wb.create_sheet("Hướng dẫn")
    for index, line in enumerate(_GUIDE, start=1):
        cell = put(guide, index, 1, line)
        cell.font = Font(name="Times New Roman", bold=index == 1, size=13 if index == 1 else 12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 120


def error_workbook(data: bytes, *, file_name: str, issues: list[ImportIssue], headers: dict[str, int]) -> bytes:
    """Return the uploaded file back with a "Lỗi / cảnh báo" column on each list sheet (xlsx/xlsm), else a new sheet.

    headers maps sheet name -> the Excel row number of its header row.
    """
    by_cell: dict[tuple[str, int], list[ImportIssue]] = defaultdict(list)
    general: list[ImportIssue] = []
    for issue in issues:
        if issue.row is None:
            general.append(issue)
        else:
            by_cell[(issue.sheet, issue.row)].append(issue)
    try:
        # data_only: each formula cell comes back as the value the import read (calamine reads cached values),
        # so the file handed back carries no live formula of the sender's.
        wb = load_workbook(BytesIO(data), keep_vba=file_name.lower().endswith(".xlsm"), data_only=True)
    except Exception:  # xls, ods or damaged: give the problems as a plain list instead
        wb = None
    if wb is not None:
        red = PatternFill("solid", fgColor="F8CBAD")
        yellow = PatternFill("solid", fgColor="FFF2CC")
        for sheet_name, header_row in headers.items():
            if sheet_name not in wb.sheetnames:
                continue
            ws = wb[sheet_name]
            column = ws.max_column + 1
            head = ws.cell(row=header_row, column=column, value="Lỗi / cảnh báo")
            head.font = Font(bold=True, color="C00000")
            ws.column_dimensions[get_column_letter(column)].width = 60
            for (sheet, row), found in by_cell.items():
                if sheet != sheet_name:
                    continue
                text = "\n".join(f"{'LỖI' if i.severity == 'error' else 'Cảnh báo'}"
                                 f"{' [' + i.column + ']' if i.column else ''}: {i.message}" for i in found)
                cell = put(ws, row, column, text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.fill = red if any(i.severity == "error" for i in found) else yellow
                cell.comment = Comment(cell.value[:1000], "TĐKT Dashboard")
    else:
        wb = Workbook()
        wb.remove(wb.active)
    summary = add_sheet(wb, "Danh sách lỗi", 0)  # the upload may already have a sheet of that name
    summary.append(["Sheet", "Dòng", "Cột", "Mức", "Mã", "Nội dung"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for issue in general + [i for found in by_cell.values() for i in found]:
        summary.append([cell_value(v) for v in (issue.sheet, issue.row, issue.column,
                        "Lỗi" if issue.severity == "error" else "Cảnh báo", issue.code, issue.message)])
    for letter, width in zip("ABCDEF", (18, 8, 28, 10, 22, 100), strict=True):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = "A2"
    return save(wb)


def template_for(session, *, year: int, agency: str, parent_agency: str, filled: list[list] | None = None) -> bytes:
    """Return the template filled with the database's award names (common first) and active units (and `filled`'s
    rows instead of the examples: a list pre-filled from the registrations)."""
    from sqlmodel import select

    from tdkt.core import units
    from tdkt.core.models import Award

    awards = list(session.exec(select(Award.name).order_by(Award.is_common.desc(), Award.position)).all())
    return template(year=year, agency=agency, parent_agency=parent_agency, awards=awards,
                    units=[u for u in units.names(session) if u != "Các phòng, đơn vị trực thuộc Sở"], filled=filled)
