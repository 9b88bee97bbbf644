"""The look both list templates share: the official form's centred title cells, boxed cells, the example rows' note."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.core.workbook import put

EXAMPLE_NOTE = "VÍ DỤ - xóa dòng này trước khi gửi"
_THIN = Side(style="thin", color="999999")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # every cell of a list's table


def text_typed(ws: Worksheet, column: str, *, first: int, last: int) -> None:
    """Format a column's rows as Text ("@"), so that what a person types or picks from a dropdown there (a unit
    named "=…" in the list sheet) is kept as text by Excel and LibreOffice, never run as a formula."""
    for row in range(first, last + 1):
        ws[f"{column}{row}"].number_format = "@"


def write_title(ws: Worksheet, cell: str, text: str, *, bold: bool = True, italic: bool = False, size: int = 12,
                merge: str | None = None) -> None:
    """Write a centred Times New Roman title cell, merged over `merge` when given, as the official forms have them."""
    written = put(ws, *coordinate_to_tuple(cell), text)  # an agency named "=…" stays that text
    written.font = Font(name="Times New Roman", bold=bold, italic=italic, size=size)
    written.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if merge:
        ws.merge_cells(merge)


def write_header_row(ws: Worksheet, headers: list[tuple[str, int]], *, row: int) -> None:
    """Write a list's column headers on `row`, bold, shaded and boxed, and set each column's width."""
    for column, (header, width) in enumerate(headers, start=1):
        cell = put(ws, row, column, header)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = 36
