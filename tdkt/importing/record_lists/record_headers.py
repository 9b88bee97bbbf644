"""The header of a record list: which of our fields each column names, per kind, and where the header row is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tdkt.importing.cells import CA_NHAN, TAP_THE, fold_words
from tdkt.importing.headers import MAX_HEADER_LEN, SCAN_ROWS, has, header_cell

# Columns a list of each kind cannot do without (any one of a tuple).
_REQUIRED = {
    "xep_loai": (("name",), ("rating",)),
    "ky_luat": (("name",), ("level", "open")),
    "khen_truoc": (("name",), ("award",)),
    "sang_kien": (("title",), ("authors",)),
}
_REQUIRED_WORDS = {
    "xep_loai": "“Họ và tên” (hoặc “Tên tập thể”) và “Xếp loại”",
    "ky_luat": "“Họ và tên” (hoặc “Tên tập thể”) và “Hình thức kỷ luật” (hoặc “Đang xem xét/điều tra”)",
    "khen_truoc": "“Họ và tên” (hoặc “Tên tập thể”) và “Danh hiệu/Hình thức khen thưởng”",
    "sang_kien": "“Tên sáng kiến” và “Tác giả”",
}
_KIND_OBJECT = {"xep_loai": "kết quả xếp loại", "ky_luat": "kỷ luật", "khen_truoc": "khen thưởng đã có",
                "sang_kien": "sáng kiến"}
# The header a problem names when the list has no column for its field.
DEFAULT_HEADERS = {"name": "Họ và tên", "unit": "Đơn vị", "year": "Năm", "rating": "Xếp loại",
                   "level": "Hình thức kỷ luật", "open": "Đang xem xét/điều tra",
                   "award": "Danh hiệu/Hình thức khen thưởng", "title": "Tên sáng kiến", "authors": "Tác giả",
                   "scope": "Phạm vi ảnh hưởng", "note": "Ghi chú"}


def classify(text: str | None, kind: str) -> str | None:
    """Return which of our fields a header names for a list of this kind, or None."""
    if not text or len(text) > MAX_HEADER_LEN:
        return None
    key = fold_words(text)
    if not key:
        return None
    k = f" {key} "
    if key in ("stt", "tt", "so tt", "so thu tu", "thu tu") or key.startswith("stt "):
        return "stt"
    if has(k, "ghi chu"):
        return "note"
    if has(k, "tac gia", "dong tac gia", "nguoi thuc hien", "chu nhiem"):
        return "authors"
    if has(k, "dang xem xet", "dang dieu tra", "dieu tra", "xem xet ky luat", "dang bi xem xet", "dang thi hanh"):
        return "open"
    if has(k, "nam sinh", "ngay sinh", "sinh ngay", "sinh nam", "thang nam sinh"):
        return "birth_date" if has(k, "ngay") else "birth_year"
    if has(k, "gioi tinh") or key == "gioi":
        return "gender"
    if has(k, "co quan ban hanh", "co quan quyet dinh", "cap quyet dinh", "co quan cong nhan", "don vi ban hanh",
            "cap ban hanh", "noi ban hanh", "co quan khen thuong", "cap khen", "nguoi ky", "tham quyen"):
        return "authority"
    if key.startswith("nam") and key.split()[0] == "nam":
        return "year"
    decision = has(k, "quyet dinh", "qd", "van ban", "ky hieu")
    if has(k, "so") and has(k, "ngay"):
        return "decision"  # "Số, ngày quyết định": both in one cell
    if key.startswith("so ") and decision or key in ("so", "so hieu") or has(k, "quyet dinh so", "qd so"):
        return "decision_number"
    if key.startswith("ngay") or (has(k, "ngay") and decision):
        return "decision_date"
    if key in ("quyet dinh", "qd", "so ngay quyet dinh", "quyet dinh cong nhan", "quyet dinh khen thuong",
               "quyet dinh ky luat"):
        return "decision"
    if has(k, "xep loai", "danh gia", "muc do hoan thanh", "ket qua phan loai") or key == "ket qua":
        return "rating"
    if has(k, "ky luat"):
        return "level"
    if kind == "ky_luat" and has(k, "hinh thuc", "muc") and not has(k, "khen", "danh hieu"):
        return "level"
    if has(k, "pham vi", "muc anh huong", "cap do anh huong"):
        return "scope"
    if has(k, "sang kien", "de tai", "giai phap", "cong trinh"):
        return "title"
    if has(k, "loai khen", "loai hinh khen"):
        return "merit_kind" if kind == "khen_truoc" else "target"
    if has(k, "danh hieu", "hinh thuc", "khen thuong", "muc khen"):
        return "award"
    if has(k, "doi tuong") and not has(k, "phan loai"):
        return "target"
    if has(k, "ca nhan") and has(k, "tap the") and not has(k, "ten", "ho ten", "ho va ten"):
        return "target"
    has_position = has(k, "chuc vu", "chuc danh")
    has_unit = has(k, "don vi", "co quan", "noi cong tac", "noi lam viec", "phong ban")
    if has_position and has_unit:
        return "position_unit"
    if has_position:
        return "position"
    if has(k, "ho ten", "ho va ten", "ten tap the", "ten ca nhan", "ten to chuc", "ten nguoi") or key == "ten":
        return "name"
    if has_unit:
        return "unit"
    return None


@dataclass(slots=True)
class Header:
    """One reading of a sheet's header: its rows (0-based) and, per column, the header as written and our field."""

    first_row: int
    last_row: int
    headers: list[str | None]
    fields: list[str | None]

    def index(self) -> dict[str, int]:
        """Return the column of each field (the first, when two columns name one)."""
        found: dict[str, int] = {}
        for c, name in enumerate(self.fields):
            if name and name not in found:
                found[name] = c
        return found

    def score(self, kind: str) -> tuple[int, int] | None:
        """Return how well this fits a list of the kind (higher wins); None when a required column is missing."""
        present = {f for f in self.fields if f}
        if any(not present.intersection(group) for group in _REQUIRED[kind]):
            return None
        return len(present), self.first_row - self.last_row


def _fields(headers: list[str | None], kind: str) -> list[str | None]:
    """Return our field of each header, "Tên đơn vị" read as the name in a list of collectives without "Họ và tên"."""
    fields = [classify(h, kind) for h in headers]
    if "name" not in fields and kind != "sang_kien":
        # A collectives' list names them in "Tên đơn vị" / "Tên cơ quan".
        for c, header in enumerate(headers):
            if fields[c] == "unit" and header and fold_words(header).startswith("ten "):
                fields[c] = "name"
                break
    return fields


def find_header(rows: list[list[Any]], kind: str) -> Header | None:
    """Return the best header among the first rows (one row, or a group row above its sub-columns), or None."""
    limit = min(SCAN_ROWS, len(rows))
    width = max((len(r) for r in rows[: limit + 1]), default=0)
    best: Header | None = None
    best_score: tuple[int, int] | None = None
    for r in range(limit):
        if not any(isinstance(v, str) and v.strip() for v in rows[r]):
            continue
        headers = [header_cell(rows[r], c) for c in range(width)]
        candidates = [Header(r, r, headers, _fields(headers, kind))]
        if r + 1 < len(rows):
            subs = [header_cell(rows[r + 1], c) for c in range(width)]
            if any(subs) and all(s is None or (len(s) <= 60 and not s.isdigit() and not s.startswith("("))
                                 for s in subs):
                combined: list[str | None] = []
                carried = None
                for c in range(width):
                    top, sub = headers[c], subs[c]
                    carried = top if top else carried if sub else None
                    combined.append(f"{carried} / {sub}" if carried and sub and carried != sub else top or sub)
                fields = _fields([h.replace(" / ", " ") if h else h for h in combined], kind)
                candidates.append(Header(r, r + 1, combined, fields))
        for candidate in candidates:
            score = candidate.score(kind)
            if score is not None and (best_score is None or score > best_score):
                best, best_score = candidate, score
    return best


def header_target(header: str | None) -> str | None:
    """Return the target the name column's header implies ("Tên tập thể" -> collectives), if only one."""
    key = f" {fold_words(header or '')} "
    collective = has(key, "tap the", "don vi", "co quan", "to chuc")
    person = has(key, "ho ten", "ho va ten", "ca nhan")
    if collective != person:
        return TAP_THE if collective else CA_NHAN
    return None


def missing_header_message(kind: str, file_name: str, look_alike: str | None) -> str:
    """Return the refusal of a file without a header of this kind, naming the kind its header fits when another."""
    return (f"Không tìm thấy danh sách {_KIND_OBJECT[kind]} trong tệp “{file_name}”: cần một dòng tiêu đề cột có "
            f"{_REQUIRED_WORDS[kind]} trong 30 dòng đầu. "
            + (f"Tệp này giống danh sách “{look_alike}”: chọn đúng loại hồ sơ. " if look_alike else "")
            + "Dùng mẫu của loại hồ sơ này hoặc thêm dòng tiêu đề cột.")
