"""The drop-down lists (data validation of type "list") of an .xlsx list: which cells pick their value from which
range of another sheet ("DANHMUC!$B$2:$B$20"), so a column's codes are read with the list they were picked from.

Only read when a code list's meaning is not written above it (see `nomination_lists.code_lists`): the validations
sit after a sheet's cells, so the whole sheet part is inflated again (bounded, in 1 MiB pieces; only the bytes from
the first validation on are kept). A file whose validations cannot be read is read without them, never refused.

A list given by a defined name ("PhanLoai") is resolved as Excel does: the name of the validation's own sheet
(`<definedName localSheetId="…">`) first, then the workbook's; another sheet's own name of that spelling never.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from tdkt.importing.ods_validations import read_ods_validations
from tdkt.importing.read_limits import ReadContext
from tdkt.importing.zip_members import inflate

_KEEP = 4 << 20  # validations of a real sheet take a few kB; more is not a drop-down list worth reading
_PARTS_LIMIT = 8 << 20


@dataclass(frozen=True, slots=True)
class Validation:
    """Cells of a sheet (0-based column ranges) whose drop-down list is a range of a sheet (0-based, inclusive)."""

    columns: tuple[tuple[int, int], ...]
    sheet: str
    first_col: int
    last_col: int
    first_row: int
    last_row: int


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_RANGE = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Za-z]{1,3}\$?\d{1,7})(?::(\$?[A-Za-z]{1,3}\$?\d{1,7}))?$")
_SCOPED_NAME = re.compile(r"^(?:'(?:[^']|'')+'|[^'!]+)!([^\W\d][\w.]*)$")
_SQREF_PART = re.compile(r"([A-Za-z]{1,3})\d*(?::([A-Za-z]{1,3})\d*)?")


Names = dict[tuple[str, str], str]  # (scope: a sheet's name, "" for the workbook; name in lower case) -> formula


def _named(names: Names, formula: str, own: str) -> str:
    """Return the formula a defined name stands for, as Excel resolves it on the sheet `own`: that sheet's own name
    (`<definedName localSheetId="…">`) first, then the workbook's; "'Danh sách'!PhanLoai" (as LibreOffice writes a
    sheet's name) that sheet's name, then the workbook's. Anything else is returned as it is."""
    scoped = _SCOPED_NAME.match(formula)
    if scoped is not None:
        sheet = formula[: scoped.start(1) - 1].strip("'").replace("''", "'")
        keys = [(unicodedata.normalize("NFC", sheet), scoped[1].lower()), ("", scoped[1].lower())]
    else:
        keys = [(own, formula.lower()), ("", formula.lower())]
    return next((names[key] for key in keys if key in names), formula)


def _target(formula: str, names: Names, own: str = "") -> tuple[str, int, int, int, int] | None:
    """Return (sheet, first col, last col, first row, last row) of a list formula, through a defined name; a range
    without a sheet ("$K$2:$K$9") is on the validation's own sheet `own`."""
    formula = _named(names, formula.strip().lstrip("="), own).lstrip("=")
    if own and "!" not in formula:
        formula = "'" + own.replace("'", "''") + "'!" + formula
    match = _RANGE.match(formula)
    if match is None:
        return None
    sheet = (match[1] or "").replace("''", "'") or (match[2] or "").strip()
    start = _CELL.fullmatch(match[3])
    end = _CELL.fullmatch(match[4] or match[3])
    if not start or not end:
        return None
    cols = sorted((_col(start[1]), _col(end[1])))
    rows = sorted((int(start[2]) - 1, int(end[2]) - 1))
    return unicodedata.normalize("NFC", sheet), cols[0], cols[1], rows[0], rows[1]


def _columns(sqref: str) -> tuple[tuple[int, int], ...]:
    found = []
    for part in sqref.split():
        match = _SQREF_PART.fullmatch(part)
        if match:
            first, last = _col(match[1]), _col(match[2] or match[1])
            found.append((min(first, last), max(first, last)))
    return tuple(found)


def _sheet_parts(archive: zipfile.ZipFile, data: bytes, ctx: ReadContext) -> tuple[dict[str, str], Names]:
    """Return {sheet name: worksheet part} and the defined names, each in its scope: a sheet's own name
    (`localSheetId`, the sheet's place in `<sheets>`, hidden ones counted) apart from the workbook's."""
    parts = [archive.getinfo("xl/workbook.xml"), archive.getinfo("xl/_rels/workbook.xml.rels")]
    if any(part.file_size > _PARTS_LIMIT for part in parts):
        return {}, {}
    workbook, rels = (b"".join(inflate(data, part, ctx)).decode("utf-8", "replace") for part in parts)
    targets = {}
    for attrs in re.findall(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        found = dict(re.findall(r'\b(Id|Target)\s*=\s*"([^"]*)"', attrs))
        if "Id" in found and "Target" in found:
            target = html.unescape(found["Target"])
            targets[found["Id"]] = target[1:] if target.startswith("/") else (
                target if target.startswith("xl/") else "xl/" + target)
    sheets = {}
    order: list[str] = []  # every sheet in <sheets> order, as localSheetId counts them
    for attrs in re.findall(r"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        name = re.search(r'\bname\s*=\s*"([^"]*)"', attrs)
        rid = re.search(r'\b\w+:id\s*=\s*"([^"]*)"', attrs)
        order.append(unicodedata.normalize("NFC", html.unescape(name[1])) if name else "")
        if name and rid and rid[1] in targets:
            sheets[order[-1]] = targets[rid[1]]
    names: Names = {}
    for attrs, formula in re.findall(r'<(?:\w+:)?definedName\b([^>]*)>([^<]*)<', workbook):
        name = re.search(r'\bname\s*=\s*"([^"]*)"', attrs)
        local = re.search(r'\blocalSheetId\s*=\s*"(\d+)"', attrs)
        if name is None:
            continue
        scope = order[int(local[1])] if local and int(local[1]) < len(order) else ""
        if local and not scope:
            continue  # a sheet's own name of a sheet the workbook does not list: nobody's
        names[(scope, html.unescape(name[1]).lower())] = html.unescape(formula).strip()
    return sheets, names


def _tail(data: bytes, info: zipfile.ZipInfo, ctx: ReadContext) -> str:
    """Return a sheet part from its first data validation on (empty when it has none)."""
    kept: list[bytes] = []
    size = 0
    carry = b""
    for piece in inflate(data, info, ctx):
        if not kept:
            joined = carry + piece
            at = joined.find(b"ataValidation")
            if at < 0:
                carry = joined[-64:]
                continue
            piece = joined[max(0, at - 32):]
        kept.append(piece)
        size += len(piece)
        if size > _KEEP:
            break
    return b"".join(kept).decode("utf-8", "replace")


_CLASSIC = re.compile(r"<dataValidation\b([^>]*)>(.*?)</dataValidation>", re.S)
_X14 = re.compile(r"<x14:dataValidation\b([^>]*)>(.*?)</x14:dataValidation>", re.S)


def read_validations(data: bytes, *, file: str, sheets: set[str]) -> dict[str, list[Validation]]:
    """Return, for each of `sheets` (names), its drop-down lists that pick from a cell range (an .xlsx's, or an .ods's:
    `ods_validations`); {} for another file."""
    if data[:4] != b"PK\x03\x04":
        return {}
    if (ods := read_ods_validations(data, file=file, sheets=sheets)) is not None:
        return {sheet: [Validation(*fields) for fields in found] for sheet, found in ods.items()}
    ctx = ReadContext(file, len(data), 1, 1)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts, names = _sheet_parts(archive, data, ctx)
        found: dict[str, list[Validation]] = {}
        for sheet in sheets:
            part = parts.get(sheet)
            if part is None:
                continue
            text = _tail(data, archive.getinfo(part), ctx)
            for pattern, x14 in ((_CLASSIC, False), (_X14, True)):
                for attrs, body in pattern.findall(text):
                    if 'type="list"' not in attrs:
                        continue
                    formula = re.search(r"<(?:x14:)?formula1>(?:<xm:f>)?(.*?)(?:</xm:f>)?</(?:x14:)?formula1>", body,
                                        re.S)
                    sqref = re.search(r"<xm:sqref>(.*?)</xm:sqref>", body) if x14 else re.search(
                        r'\bsqref\s*=\s*"([^"]*)"', attrs)
                    target = _target(html.unescape(formula[1]), names, sheet) if formula else None
                    columns = _columns(sqref[1]) if sqref else ()
                    if target and columns:
                        found.setdefault(sheet, []).append(Validation(columns, *target))
        return found
    except Exception:  # noqa: BLE001 - the validations only help read codes; the file itself was read already
        return {}
