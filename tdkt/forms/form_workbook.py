"""A filled statistical form as the .xlsx the Office prints and sends: the form's header block, title, reporting time,
coded rows under a merged multi-level heading, the signatures, on A4 in Times New Roman; notes on a second sheet."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.core.workbook import add_sheet, put, save
from tdkt.forms.form_table import ISSUED_UNDER, RECEIVED_ON, FormTable
from tdkt.forms.tt02 import TT18_STATUS, UNCONFIRMED

FONT = "Times New Roman"
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADING_ROW = 10  # the first row of the column heading; rows 1–8 hold the header block and the title
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _font(*, bold: bool = False, italic: bool = False, size: float = 12) -> Font:
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _text(sheet: Worksheet, row: int, column: int, value: object, *, bold: bool = False, italic: bool = False,
          size: float = 12, align: str = "left", last: int | None = None) -> None:
    """Write a text, merged from column to last when given, in the form's font."""
    cell = put(sheet, row, column, value)
    cell.font = _font(bold=bold, italic=italic, size=size)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=last is not None)
    if last is not None and last > column:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=last)


def _right_block(form: FormTable, width: int) -> int:
    """Return the first column of the right-hand blocks (reporting units, signature): the last half of the value
    columns, three at least."""
    first = 4 if form.has_unit_column else 3
    return max(first, width - max(3, len(form.columns) // 2) + 1)


def _header_block(sheet: Worksheet, form: FormTable, *, width: int, agency: str, receiver: str) -> None:
    """Rows 1–8: Biểu số, Ban hành theo…, Ngày nhận báo cáo on the left; the reporting and receiving units on the
    right; the title, the reporting time and (0601) the unit of count."""
    right = _right_block(form, width)
    span = width - right + 1
    for row, text in ((1, f"Đơn vị báo cáo: {agency}"), (2, f"Đơn vị nhận báo cáo: {receiver}")):
        lines = _lines(text, span=span, width=_value_width(form))
        if lines > 1:
            sheet.row_dimensions[row].height = 16 * lines
    _text(sheet, 1, 1, f"Biểu số: {form.code}", bold=True)
    _text(sheet, 2, 1, ISSUED_UNDER, italic=True)
    _text(sheet, 3, 1, "Ngày nhận báo cáo:")
    _text(sheet, 4, 1, RECEIVED_ON, italic=True)
    _text(sheet, 1, right, f"Đơn vị báo cáo: {agency}", bold=True, last=width)
    _text(sheet, 2, right, f"Đơn vị nhận báo cáo: {receiver}", bold=True, last=width)
    _text(sheet, 6, 1, form.title, bold=True, size=13, align="center", last=width)
    _text(sheet, 7, 1, f"Thời điểm báo cáo: {form.period.label}", italic=True, align="center", last=width)
    if form.measure:
        _text(sheet, 8, 1, form.measure, italic=True, align="right", last=width)
    sheet.row_dimensions[6].height = 36 if len(form.title) > 60 else 20


def _boxed(sheet: Worksheet, top: int, left: int, bottom: int, right: int, value: object, *,
           bold: bool = True) -> None:
    """Write a heading cell merged over top..bottom × left..right, every cell of it bordered."""
    cell = put(sheet, top, left, value)
    cell.font = _font(bold=bold, size=11)
    cell.alignment = _CENTER
    if (top, left) != (bottom, right):
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for row in range(top, bottom + 1):
        for column in range(left, right + 1):
            sheet.cell(row=row, column=column).border = BORDER


def _value_width(form: FormTable) -> int:
    """Return the width of one value column: wide when the form has few."""
    return 16 if len(form.columns) <= 5 else 11


def _lines(text: str, *, span: int, width: int) -> int:
    """Return about how many lines a heading wraps to over span columns of this width (11 pt Times: ~1 character
    a width unit, words kept whole)."""
    room = max(1, span * width - 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _heading(sheet: Worksheet, form: FormTable, first: int) -> int:
    """Write the column heading (the fixed columns merged down, each level of the value columns' paths merged
    across equal neighbours) and the numbers row; return the row after it."""
    depth = max(len(c.path) for c in form.columns)
    bottom = HEADING_ROW + depth - 1
    fixed = ["", "Mã số", *(["Đơn vị tính"] if form.has_unit_column else [])]
    for index, title in enumerate(fixed, start=1):
        _boxed(sheet, HEADING_ROW, index, bottom, index, title)
    paths = [c.path for c in form.columns]
    heights: dict[int, int] = {}
    widths = _value_width(form)
    for level in range(depth):
        j = 0
        while j < len(paths):
            if len(paths[j]) <= level:
                j += 1
                continue
            end = j
            while end + 1 < len(paths) and paths[end + 1][: level + 1] == paths[j][: level + 1]:
                end += 1
            leaf = len(paths[j]) == level + 1 and end == j
            if not leaf or depth == level + 1:
                heights[level] = max(heights.get(level, 1), _lines(paths[j][level], span=end - j + 1,
                                                                   width=widths))
            _boxed(sheet, HEADING_ROW + level, first + j, bottom if leaf else HEADING_ROW + level, first + end,
                   paths[j][level])
            j = end + 1
    for level, lines in heights.items():
        sheet.row_dimensions[HEADING_ROW + level].height = 15 * lines + 4
    numbers = ["A", "B", *(["C"] if form.has_unit_column else []), *(c.number for c in form.columns)]
    for index, number in enumerate(numbers, start=1):
        _boxed(sheet, bottom + 1, index, bottom + 1, index, number, bold=False)
        sheet.cell(row=bottom + 1, column=index).font = _font(italic=True, size=11)
    return bottom + 2


def _body(sheet: Worksheet, form: FormTable, start: int, first: int) -> int:
    """Write the rows (headings bold without values); return the row after the last."""
    row = start
    for item in form.rows:
        indent = 2 if item.label.startswith(("+", "Trong đó")) else 1 if item.label.startswith("-") else 0
        cell = put(sheet, row, 1, item.label)
        cell.font = _font(bold=item.bold, italic=item.italic)
        cell.alignment = Alignment(vertical="center", wrap_text=True, indent=indent)
        put(sheet, row, 2, item.code).alignment = _CENTER
        if form.has_unit_column:
            put(sheet, row, 3, item.unit).alignment = _CENTER
        for offset, value in enumerate(item.values):
            put(sheet, row, first + offset, value).alignment = Alignment(horizontal="right", vertical="center")
        for column in range(1, first + len(form.columns)):
            target = sheet.cell(row=row, column=column)
            target.border = BORDER
            if column > 1:
                target.font = _font(bold=item.bold and item.code is not None)
        row += 1
    return row


def _footer(sheet: Worksheet, form: FormTable, row: int, *, width: int, place: str) -> None:
    """The place and date line, the preparer's and the unit head's signatures."""
    right = _right_block(form, width)
    _text(sheet, row + 1, right, f"{place}, ngày … tháng … năm …", italic=True, align="center", last=width)
    _text(sheet, row + 2, 1, "Người lập biểu", bold=True, align="center")
    _text(sheet, row + 3, 1, "(Ký, họ tên)", italic=True, align="center")
    _text(sheet, row + 2, right, "Thủ trưởng đơn vị", bold=True, align="center", last=width)
    _text(sheet, row + 3, right, "(Ký, họ tên, đóng dấu)", italic=True, align="center", last=width)


def _page_setup(sheet: Worksheet, form: FormTable, *, width: int, heading_end: int, last_row: int) -> None:
    """A4, landscape when the value columns are many, fit to one page wide, margins, heading rows on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(form.columns) > 5 else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{HEADING_ROW}:{heading_end}"
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 7
    if form.has_unit_column:
        sheet.column_dimensions["C"].width = 11
    first = 4 if form.has_unit_column else 3
    for index in range(first, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = _value_width(form)


def _notes_sheet(workbook: Workbook, form: FormTable) -> None:
    """The second sheet: how the figures were counted, what is unconfirmed, and what was counted item by item."""
    sheet = add_sheet(workbook, "Ghi chú")
    _text(sheet, 1, 1, f"Ghi chú biểu {form.code} — {form.period.label}", bold=True, size=13)
    row = 3
    for note in [*form.notes, UNCONFIRMED, TT18_STATUS]:
        _text(sheet, row, 1, f"- {note}")
        row += 1
    sheet.column_dimensions["A"].width = 60
    if form.details.empty:
        return
    row += 1
    _text(sheet, row, 1, "Chi tiết đã tính", bold=True)
    row += 1
    for index, title in enumerate(form.details.columns, start=1):
        _boxed(sheet, row, index, row, index, title)
        if index > 1:
            sheet.column_dimensions[get_column_letter(index)].width = 28
    for values in form.details.itertuples(index=False):
        row += 1
        for index, value in enumerate(values, start=1):
            cell = put(sheet, row, index, value)
            cell.font = _font(size=11)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(form: FormTable, *, agency: str, receiver: str, place: str) -> bytes:
    """Return the form as a printable .xlsx: sheet "Biểu 0601" (the form) and "Ghi chú" (notes and what was
    counted)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = add_sheet(workbook, f"Biểu {form.code[:4]}")
    first = 4 if form.has_unit_column else 3
    width = first + len(form.columns) - 1
    _header_block(sheet, form, width=width, agency=agency, receiver=receiver)
    start = _heading(sheet, form, first)
    end = _body(sheet, form, start, first)
    _footer(sheet, form, end, width=width, place=place)
    _page_setup(sheet, form, width=width, heading_end=start - 1, last_row=end + 6)
    sheet.freeze_panes = sheet.cell(row=start, column=first)
    _notes_sheet(workbook, form)
    return save(workbook)
