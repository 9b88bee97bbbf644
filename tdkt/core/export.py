"""Spreadsheet export: DataFrames to a formatted .xlsx with formula injection neutralised."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """Return a value safe to put in a cell: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, list | tuple | set):
        return safe_cell("; ".join(str(v) for v in value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def to_xlsx(sheets: dict[str, pd.DataFrame], *, title: str | None = None) -> bytes:
    """Return an .xlsx with one sheet per frame: bold header, widths, dd/mm/yyyy dates, frozen header."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(name[:31])
        start = 1
        if title:
            sheet.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=13)
            start = 3
        for col, header in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=start, column=col, value=safe_cell(str(header)))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r, row in enumerate(frame.itertuples(index=False), start=start + 1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=safe_cell(value))
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
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
