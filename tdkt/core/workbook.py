"""The one writer of every .xlsx the app hands out: text stays text (never a live formula), numbers and dates typed.

A spreadsheet runs a cell whose text starts with "=" (and, once a person edits the cell, "+", "-", "@"), so a unit
named "=HYPERLINK(…)" in a list template or a report would become a formula. openpyxl turns every such string into
a formula cell when it is assigned; `save` marks every text cell of every sheet as a string cell (`t="inlineStr"`:
Excel, LibreOffice and calamine show it as written, with no apostrophe) and gives the formula-like ones Excel's
quotePrefix style, so that editing the cell keeps it text too. Every assigned value goes through `cell_value`, which
also drops what the file format cannot hold (control characters, time zones, text over Excel's 32,767 characters).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from io import BytesIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.core.text import VIETNAM

# What makes Excel or LibreOffice read typed text as a formula, with the full-width and small forms that East Asian
# input methods type and that some spreadsheets fold to the ASCII sign (OWASP's CSV-injection list, plus newline).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "−")
MAX_TEXT = 32_767  # Excel's limit per cell: a longer text makes Excel "repair" the file and drop the cell
# XML 1.0 cannot carry C0 controls other than tab, newline and carriage return, lone surrogates, U+FFFE/U+FFFF
# (openpyxl raises IllegalCharacterError on assignment; lxml refuses them when saving a loaded file).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_ISO_FORMATS = {"yyyy-mm-dd": "dd/mm/yyyy", "yyyy-mm-dd h:mm:ss": "dd/mm/yyyy hh:mm"}  # openpyxl's defaults


def is_formula_like(text: str) -> bool:
    """Return True when a spreadsheet would take this text for a formula if a person typed or edited it."""
    return text.startswith(FORMULA_START)


def clean_text(text: str) -> str:
    """Return text the file format can hold: unwritable characters dropped, cut at Excel's limit with an ellipsis."""
    text = _UNWRITABLE.sub("", text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def cell_value(value: object) -> object:
    """Return a value ready for a cell: text cleaned, a list joined with "; ", missing as empty, dates without zone.

    Numbers, booleans, dates and times keep their types; anything else is written as its text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-8", "replace"))
    if isinstance(value, list | tuple | set | frozenset):
        return clean_text("; ".join(str(v) for v in value))
    if pd.api.types.is_scalar(value) and pd.isna(value):  # None's cousins: NaN, NaT, pd.NA
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # Excel has no infinity: the file would not open
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(VIETNAM).replace(tzinfo=None)  # Excel has no time zones; the app shows Vietnam time
    if isinstance(value, int | float | Decimal | date | time | timedelta):
        return value
    return clean_text(str(value))


def put(sheet: Worksheet, row: int, column: int, value: object):
    """Write a value into a cell through `cell_value` and return the cell (text marked as text at once)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    _as_text(cell)
    return cell


def add_sheet(workbook: Workbook, name: str, index: int | None = None) -> Worksheet:
    """Add a sheet named as close to `name` as Excel allows: no []:*?/\\, no apostrophe at either end, at most 31
    characters, unique in the workbook whatever the case (a second "Cụm I" becomes "Cụm I (2)")."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", name).split()).strip("'").strip() or "Trang"
    base = base[:31].rstrip()
    taken = {title.casefold() for title in workbook.sheetnames}
    title, n = base, 1
    while title.casefold() in taken or title.casefold() == "history":  # Excel reserves "History"
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)].rstrip() + suffix
    return workbook.create_sheet(title, index)


def _as_text(cell) -> None:
    """Make a text cell a string cell (openpyxl makes "=…" a formula, "#N/A" an error) and quote-prefix a formula-like
    one; give a date the dd/mm/yyyy format where openpyxl left its ISO default."""
    value = cell.value
    if isinstance(value, str):
        if _UNWRITABLE.search(value) or len(value) > MAX_TEXT:  # a loaded file's cells skip the assignment checks
            value = cell.value = clean_text(value)
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif cell.data_type == "f":  # an array or table formula object: no live formula leaves the app
        cell.value = None
    elif cell.data_type == "d":
        if isinstance(value, datetime) and value.tzinfo is not None:
            cell.value = value.astimezone(VIETNAM).replace(tzinfo=None)
        if cell.number_format in _ISO_FORMATS:
            cell.number_format = _ISO_FORMATS[cell.number_format]


def _cells(sheet: Worksheet) -> Iterable:
    # The stored cells only: iter_rows() would create every cell of the used range, and a loaded upload may use a
    # range up to XFD1048576.
    return list(sheet._cells.values())


def save(workbook: Workbook) -> bytes:
    """Return the workbook's bytes after marking every text cell of every sheet as text (see the module's docstring);
    every spreadsheet the app writes leaves through here."""
    if not workbook.worksheets:  # openpyxl cannot save a workbook without a sheet
        workbook.create_sheet("Trang 1")
    for sheet in workbook.worksheets:
        for cell in _cells(sheet):
            _as_text(cell)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
