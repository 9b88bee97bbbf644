"""The drop-down lists of an .ods list: its content validations of the kind "cell-content-is-in-list" of a range of
cells (`<table:content-validation table:condition="of:cell-content-is-in-list([$DANHMUC.$A$2:.$A$50])">`) and the
cells that use them (`table:content-validation-name` on a cell), given as the fields of the `Validation`s an .xlsx's
give (`data_validations` makes them: this module does not import it, so no cycle).

content.xml is read with a streaming parser (expat, no tree, no document type, no entity), in the bounded pieces of
`zip_members.inflate`: the validations come before the tables, so a file without any is left at its first table;
an asked sheet is read for its first 4 MiB (a drop-down covers whole columns), and the parse stops once every asked
sheet is read, unless a validation picks from a named range: the named ranges of the whole workbook are written
after the tables, a sheet's own ones (LibreOffice writes one for a sheet's print titles or print area, and a name an
.xlsx scoped to a sheet) at the end of its table, and the condition names those as "'Danh sách'.PhanLoai". A file
whose validations cannot be read is read without them.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat

from tdkt.importing.read_limits import ReadContext
from tdkt.importing.zip_members import inflate

_KEEP = 4 << 20  # the bytes before the first table (the validations) of a real list take a few kB
_MAX_VALIDATIONS = 10_000
_MAX_COLUMNS = 1 << 14  # a row's columns past this are no list's

# A drop-down: (its cells' column ranges, 0-based; the sheet, first col, last col, first row, last row it picks from).
Found = tuple[tuple[tuple[int, int], ...], str, int, int, int, int]

_SHEET = r"(?:\$?('(?:[^']|'')+'|[^\s.'\[\]:;$][^\s.'\[\]:;]*))?"
_CELL = r"\$?([A-Za-z]{1,3})\$?(\d{1,7})"
_RANGE = re.compile(rf"^\[?{_SHEET}\.{_CELL}(?::{_SHEET}\.?{_CELL})?\]?$")  # the end's dot: some writers omit it
_IN_LIST = re.compile(r"^(?:[a-z]+:)?cell-content-is-in-list\((.*)\)$", re.S)
_NAME = re.compile(r"^[^\W\d][\w.]*$")
_SHEET_NAME = re.compile(rf"^{_SHEET}\.([^\W\d][\w.]*)$")  # a sheet's own name: "'Danh sách'.PhanLoai"
_USING = "\x00"  # a range without a sheet is on the sheet whose cells use the validation (not its base cell's:
# LibreOffice may write another sheet there)
_WORKBOOK = ""  # the scope of a name of the whole workbook (a sheet's own names are scoped by the sheet)


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_name(text: str | None) -> str:
    if not text:
        return ""
    if text.startswith("'"):
        text = text[1:-1].replace("''", "'")
    return unicodedata.normalize("NFC", text)


def _range(text: str, own_sheet: str) -> tuple[str, int, int, int, int] | None:
    """Return (sheet, first col, last col, first row, last row) of "[$DM.$A$2:.$A$50]"; no sheet is `own_sheet`."""
    match = _RANGE.match(text.strip())
    if match is None:
        return None
    sheet = _sheet_name(match[1]) or own_sheet
    end_col, end_row = (match[5], match[6]) if match[5] else (match[2], match[3])
    cols = sorted((_col(match[2]), _col(end_col)))
    rows = sorted((int(match[3]) - 1, int(end_row) - 1))
    return (sheet, cols[0], cols[1], rows[0], rows[1]) if sheet else None


def _base_sheet(address: str | None) -> str:
    """The sheet of a base-cell address ("$DS.$F$2", "'Danh sách'.F2")."""
    match = _RANGE.match(address or "")
    return _sheet_name(match[1]) if match else ""


def _merged(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return tuple((a, b) for a, b in out)


class _Stop(Exception):
    """The parse has read what it needs."""


class _Scan:
    """Where the parse of content.xml stands."""

    def __init__(self, sheets: set[str], parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.asked = {unicodedata.normalize("NFC", s) for s in sheets}
        self.targets: dict[str, tuple[str, int, int, int, int]] = {}  # validation name -> its list's range
        self.by_name: dict[str, str] = {}  # validation name -> the named range it picks from, as written
        self.named: dict[tuple[str, str], tuple[str, int, int, int, int]] = {}  # (scope, name) -> range
        self.tables = 0  # open tables (a table in a cell is not a sheet)
        self.table = _WORKBOOK  # the sheet being parsed (any), whose own named ranges close its table
        self.stopped_at = 0  # the byte of content.xml the parse stopped at
        self.sheet: str | None = None  # the asked sheet being read
        self.sheet_start = 0
        self.col = 0
        self.used: dict[str, dict[str, set[tuple[int, int]]]] = {}  # sheet -> validation name -> columns
        self.left = set(self.asked)  # asked sheets not read yet
        self.started = False  # the first table began
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in ("table:table-cell", "table:covered-table-cell"):
            if self.sheet is None or self.tables != 1:
                return
            repeat = min(int(attrs.get("table:number-columns-repeated", "1") or 1), _MAX_COLUMNS)
            name = attrs.get("table:content-validation-name")
            if name and self.col < _MAX_COLUMNS and (name in self.targets or name in self.by_name):
                self.used.setdefault(self.sheet, {}).setdefault(name, set()).add((self.col, self.col + repeat - 1))
            self.col += repeat
        elif tag == "table:table-row":
            self.col = 0
            if self.sheet is not None and self.parser.CurrentByteIndex - self.sheet_start > _KEEP:
                self._done()  # a sheet's first 4 MiB show its drop-downs: they cover whole columns
        elif tag == "table:content-validation":
            self._validation(attrs)
        elif tag == "table:table":
            self.tables += 1
            if self.tables == 1:
                self.started = True
                if not self.targets and not self.by_name:
                    raise _Stop  # no drop-down list of a range: nothing to read in the tables
                name = unicodedata.normalize("NFC", attrs.get("table:name", ""))
                self.table = name
                self.sheet = name if name in self.left else None
                self.sheet_start = self.parser.CurrentByteIndex
        elif tag.startswith("table:named-"):
            self.late(tag, attrs, self.table if self.tables == 1 else _WORKBOOK)

    def late(self, tag: str, attrs: dict[str, str], scope: str = _WORKBOOK) -> None:
        """A named range of the workbook, or of the sheet `scope` (written at the end of its table)."""
        if tag == "table:named-range":
            address = attrs.get("table:cell-range-address", "")
        elif tag == "table:named-expression":
            address = re.sub(r"^[a-z]+:", "", attrs.get("table:expression", ""))
        else:
            return
        found = _range(address, _base_sheet(attrs.get("table:base-cell-address")))
        if found and attrs.get("table:name"):
            self.named[(scope, attrs["table:name"].lower())] = found

    def end(self, tag: str) -> None:
        if tag == "table:table":
            self.tables -= 1
            if self.tables == 0:
                self.table = _WORKBOOK
                if self.sheet is not None:
                    self.table = self.sheet  # the stop is at its end tag: the bytes after it start there
                    self._done()

    def _done(self) -> None:
        """The asked sheet being read is read; once all are, stop."""
        self.left.discard(self.sheet)
        self.sheet = None
        if not self.left:
            self.stopped_at = self.parser.CurrentByteIndex
            raise _Stop  # the named ranges a validation may pick from are looked for apart (`_named_ranges`)

    def _validation(self, attrs: dict[str, str]) -> None:
        name = attrs.get("table:name")
        match = _IN_LIST.match(attrs.get("table:condition", "").strip())
        if not name or match is None or len(self.targets) + len(self.by_name) >= _MAX_VALIDATIONS:
            return
        inner = match[1].strip()
        if (found := _range(inner, _USING)) is not None:
            self.targets[name] = found
        elif _NAME.match(inner) or _SHEET_NAME.match(inner):
            self.by_name[name] = inner

    def named_range(self, name: str, sheet: str) -> tuple[str, int, int, int, int] | None:
        """The range a validation used on `sheet` picks through its named range, as a spreadsheet resolves a name:
        the sheet the condition names ("'Danh sách'.PhanLoai", "DM.DanhHieu") when it names one, else the sheet it is
        used on, then the whole workbook (a sheet's own name hides the workbook's of the same spelling)."""
        inner = self.by_name[name]
        keys = [(sheet, inner.lower()), (_WORKBOOK, inner.lower())] if _NAME.match(inner) else []
        if (scoped := _SHEET_NAME.match(inner)) is not None and scoped[1]:
            keys[:0] = [(_sheet_name(scoped[1]), scoped[2].lower()), (_WORKBOOK, scoped[2].lower())]
        return next((self.named[key] for key in keys if key in self.named), None)

    def result(self) -> dict[str, list[Found]]:
        found: dict[str, list[Found]] = {}
        for sheet, names in self.used.items():
            for name, ranges in names.items():
                target = self.targets.get(name)
                if target is None and name in self.by_name:
                    target = self.named_range(name, sheet)
                if target is not None:
                    target = (sheet if target[0] == _USING else target[0], *target[1:])
                    found.setdefault(sheet, []).append((_merged(list(ranges)), *target))
        return found


def _parser(start: Callable[[str, dict[str, str]], None] | None) -> expat.XMLParserType:
    """An expat parser without namespaces that refuses a document type (so any entity) and calls `start`."""
    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise ValueError("a document type or an entity in content.xml")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    return parser


_NAMES_START, _NAMES_END = b"<table:named-expressions", b"</table:named-expressions>"
_TABLE_START, _TABLE_END = b"<table:table ", b"</table:table>"
_TABLE_NAME = re.compile(rb'\btable:name\s*=\s*"([^"]*)"')
_CARRY = 4096  # a mark or a table's start tag may straddle two pieces


def _named_ranges(rest: Iterator[bytes], scan: _Scan) -> None:
    """Read the named ranges of the rest of content.xml: its tables' starts and ends and its named-range blocks found
    as bytes (a block at the end of a table is that sheet's), only the blocks parsed (each up to 4 MiB)."""
    table = scan.table
    kept = b""
    done = 0  # the bytes of `kept` already looked at
    for piece in rest:
        kept += piece
        while True:
            marks = [(at, mark) for mark in (_NAMES_START, _TABLE_START, _TABLE_END)
                     if (at := kept.find(mark, done)) >= 0]
            if not marks:
                done = max(done, len(kept) - _CARRY)
                break
            at, mark = min(marks)
            if mark == _TABLE_END:
                table, done = _WORKBOOK, at + len(mark)
            elif mark == _TABLE_START:
                close = kept.find(b">", at)
                if close < 0:
                    done = at
                    break
                name = _TABLE_NAME.search(kept, at, close)
                table = unicodedata.normalize("NFC", html.unescape(name[1].decode("utf-8", "replace"))) if name else ""
                done = close
            else:
                end = kept.find(_NAMES_END, at)
                if end < 0:
                    if len(kept) - at > _KEEP:
                        return
                    done = at
                    break
                try:
                    _parser(lambda tag, attrs, scope=table: scan.late(tag, attrs, scope)).Parse(
                        kept[at : end + len(_NAMES_END)], True)
                except (expat.ExpatError, ValueError):
                    pass  # the ranges named directly are still read
                done = end + len(_NAMES_END)
        kept, done = kept[done:], 0


def read_ods_validations(data: bytes, *, file: str, sheets: set[str]) -> dict[str, list[Found]] | None:
    """Return, for each of `sheets`, the drop-down lists of an .ods that pick from a cell range (the fields of a
    `data_validations.Validation`); None when `data` is not an .ods, {} when its validations cannot be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "content.xml" not in names or "xl/workbook.xml" in names:
        return None
    parser = _parser(None)
    scan = _Scan(sheets, parser)
    pieces = inflate(data, archive.getinfo("content.xml"), ReadContext(file, len(data), 1, 1))
    fed = 0
    piece = b""
    try:
        try:
            for piece in pieces:
                parser.Parse(piece, False)
                fed += len(piece)
                if fed > _KEEP and not scan.started:
                    return {}  # 4 MiB before the first table: no list's validations take that
            parser.Parse(b"", True)
        except _Stop:
            if scan.by_name:  # the rest of content.xml, from the byte the parse stopped at
                _named_ranges(itertools.chain([piece[max(0, scan.stopped_at - fed) :]], pieces), scan)
    except Exception:  # noqa: BLE001 - the validations only help read codes; the file itself was read already
        return {}
    return scan.result()
