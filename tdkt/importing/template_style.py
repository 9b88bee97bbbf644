"""The look both list templates share: the official form's centred title cells, boxed cells, the example rows' note."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

EXAMPLE_NOTE = "VÍ DỤ - xóa dòng này trước khi gửi"
_THIN = Side(style="thin", color="999999")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # every cell of a list's table


def write_title(ws: Worksheet, cell: str, text: str, *, bold: bool = True, italic: bool = False, size: int = 12,
                merge: str | None = None) -> None:
    """Write a centred Times New Roman title cell, merged over `merge` when given, as the official forms have them."""
    ws[cell] = text
    ws[cell].font = Font(name="Times New Roman", bold=bold, italic=italic, size=size)
    ws[cell].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if merge:
        ws.merge_cells(merge)
