"""The file being read, its limits and the refusals every container check raises; names for sheet columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from tdkt.core.text import format_number
from tdkt.importing.sheet_data import UnreadableFile

MESSAGES = {
    "empty_file": "Tệp “{file}” trống (0 byte). Kiểm tra lại tệp trên máy rồi tải lên lại.",
    "too_large": (
        "Tệp “{file}” nặng {size} MB, vượt giới hạn {limit} MB cho một lần tải lên. "
        "Chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lần lượt."
    ),
    "not_spreadsheet": (
        "Tệp “{file}” không phải bảng tính Excel (.xlsx, .xls) hay LibreOffice (.ods){what}. "
        "Mở danh sách bằng Excel, chọn Tệp → Lưu thành → Sổ làm việc Excel (*.xlsx) rồi tải lên lại."
    ),
    "unsupported": (
        "Tệp “{file}” là sổ làm việc Excel nhị phân (.xlsb), hệ thống chưa đọc định dạng này. "
        "Mở tệp bằng Excel, chọn Tệp → Lưu thành → Sổ làm việc Excel (*.xlsx) rồi tải lên lại."
    ),
    "encrypted": (
        "Tệp “{file}” được đặt mật khẩu. Gỡ mật khẩu trong Excel "
        "(Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại."
    ),
    "corrupt": (
        "Tệp “{file}” bị hỏng hoặc chưa tải lên hết nên không đọc được. "
        "Mở tệp bằng Excel để kiểm tra, lưu lại thành .xlsx rồi tải lên lại."
    ),
    "zip_bomb": (
        "Tệp “{file}” có dữ liệu nén bất thường (giải nén ra lớn hơn nhiều so với kích thước tệp) "
        "nên hệ thống không đọc. Mở tệp bằng Excel, sao chép danh sách sang một sổ làm việc mới, "
        "lưu lại rồi tải lên."
    ),
    "too_many_rows": (
        "Trang tính “{sheet}” trong tệp “{file}” có hơn {max_rows} dòng, vượt giới hạn một lần nhập; "
        "chia danh sách thành nhiều tệp, mỗi tệp không quá {max_rows} dòng."
    ),
    "too_many_cells": (
        "Trang tính “{sheet}” trong tệp “{file}” có dữ liệu trải tới ô {cell}, vùng quá lớn để đọc. "
        "Trong Excel bấm Ctrl+End để đến ô đó, xoá các hàng, cột thừa ngoài danh sách, lưu lại rồi tải lên."
    ),
    "too_much_data": (
        "Tệp “{file}” chứa lượng dữ liệu quá lớn để mở an toàn{where}: khoảng {cells} ô có giá trị và {text} MB "
        "chữ (tính cả mỗi lần một nội dung được lặp lại hay dùng chung giữa nhiều ô), ước tính cần {estimate} MB "
        "bộ nhớ khi mở, vượt giới hạn {limit} MB. Hãy xoá các ô chứa đoạn văn bản rất dài hoặc lặp lại hàng loạt, "
        "các hàng, cột thừa ngoài danh sách, hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lần lượt."
    ),
}


@dataclass(slots=True)
class Footprint:
    """The running estimate of what opening the workbook would hold in memory, in bytes, against its budget.

    The container checks add each sheet's estimate (`tdkt.importing.read_budget` says how it is made) before
    calamine sees the file; past the budget the file is refused, naming the sheet that crossed it.
    """

    budget: int
    estimate: int = 0
    cells: int = 0
    text: int = 0  # bytes of text as calamine would hold it, each use of a shared or repeated text counted


@dataclass(frozen=True, slots=True)
class ReadContext:
    """The file being read and its limits; builds the refusals."""

    filename: str
    limit_bytes: int
    max_rows: int
    max_cells: int
    footprint: Footprint = field(default_factory=lambda: Footprint(budget=1 << 62))

    def fail(self, code: str, **values: object) -> UnreadableFile:
        """Return the refusal `code` with its message filled in for this file."""
        return UnreadableFile(code, MESSAGES[code].format(file=self.filename, **values))

    def rows_exceeded(self, sheet: str) -> UnreadableFile:
        """Return the refusal of a sheet with more rows than max_rows."""
        return self.fail("too_many_rows", sheet=sheet, max_rows=format_number(self.max_rows))

    def charge(self, sheet: str | None, *, estimate: int, cells: int = 0, text: int = 0) -> None:
        """Add a sheet's (or the shared-string table's) estimated memory; refuse once the file passes the budget."""
        used = self.footprint
        used.estimate += estimate
        used.cells += cells
        used.text += text
        if used.estimate > used.budget:
            raise self.fail(
                "too_much_data", where=f" (trang tính “{sheet}”)" if sheet else "",
                cells=format_number(used.cells), text=mb(used.text), estimate=mb(used.estimate), limit=mb(used.budget),
            )

    def cells_exceeded(self, sheet: str, row: int, col: int) -> UnreadableFile:
        """Return the refusal of a sheet whose used block reaches the cell at `row`, `col` (0-based)."""
        return self.fail("too_many_cells", sheet=sheet, cell=f"{column_letters(col)}{row + 1}")


def mb(n: int) -> str:
    """Return a byte count in MB for a message, one decimal below 10 MB ("2,5", "12")."""
    value = n / (1024 * 1024)
    return format_number(value, 0 if value >= 10 or value == int(value) else 1)


def column_letters(col: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    name = ""
    col += 1
    while col > 0:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def column_index(letters: bytes) -> int:
    """b"A" -> 0, b"AA" -> 26; lower case counts as upper case, as calamine does."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col - 1
