"""Spreadsheet export: DataFrames to a formatted .xlsx (bold header, widths, dd/mm/yyyy dates, frozen header)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tdkt.core import workbook as writer


def to_xlsx(sheets: dict[str, pd.DataFrame], *, title: str | None = None) -> bytes:
    """Return an .xlsx with one sheet per frame: bold header, widths, dd/mm/yyyy dates, frozen header.

    Written through `tdkt.core.workbook`: a text such as "=HYPERLINK(…)" stays that text in a text cell."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = writer.add_sheet(book, name)
        start = 1
        if title:
            writer.put(sheet, 1, 1, title).font = Font(bold=True, size=13)
            start = 3
        for col, header in enumerate(frame.columns, start=1):
            cell = writer.put(sheet, start, col, str(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r, row in enumerate(frame.itertuples(index=False), start=start + 1):
            for c, value in enumerate(row, start=1):
                cell = writer.put(sheet, r, c, value)
                if isinstance(cell.value, datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.0"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, header in enumerate(frame.columns, start=1):
            lengths = [len(str(header))] + [len(str(v)) for v in frame.iloc[:200, col - 1].tolist()]
            sheet.column_dimensions[get_column_letter(col)].width = min(max(lengths) + 2, 60)
        sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
    return writer.save(book)
