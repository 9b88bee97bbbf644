"""What one row of a record list records, read and checked for its kind: rating, discipline, past award, initiative."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from tdkt.awards.catalog_lookup import Catalogue
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import (
    DISCIPLINE_LABELS,
    MERIT_KIND_LABELS,
    Assessment,
    Award,
    InitiativeRecord,
    PastAward,
    Person,
)
from tdkt.core.text import fold, format_date, limit_of, nfc, text_problem
from tdkt.importing.cells import CA_NHAN, cell_text
from tdkt.importing.record_lists.record_headers import DEFAULT_HEADERS
from tdkt.importing.record_lists.record_rows import Author, RecordRow
from tdkt.importing.record_lists.record_values import (
    read_authors,
    read_date,
    read_level,
    read_merit_kind,
    read_open,
    read_rating,
    read_scope,
    split_decision,
)

KEY_LIMIT = limit_of(Person.name_key)  # a folded name is cut here: "ß" folds to "ss", so 255 letters may fold to more
# How many characters each text a record row stores as written may have: what its model column holds.
LIMITS = {"name": limit_of(Person.full_name), "position": limit_of(Person.position), "note": limit_of(Assessment.note),
          "decision_number": limit_of(PastAward.decision_number), "authority": limit_of(PastAward.decision_authority),
          "title": limit_of(InitiativeRecord.title)}


class RowChecks:
    """Reads and checks what a row of a record list records, for its kind; counts each problem on its row."""

    def __init__(self, *, sheet_name: str, file: str, kind: str, cat: Catalogue, today: date,
                 index: dict[str, int], columns: dict[str, str]) -> None:
        self.sheet_name, self.file, self.kind, self.cat, self.today = sheet_name, file, kind, cat, today
        self.index = index  # our field -> column
        self.columns = columns  # our field -> header as written, for problems
        self.bad: set[tuple[int, str]] = set()  # (row, field) read as wrong, so no "missing" follows
        self.issues: list[ImportIssue] = []

    def problem(self, row: RecordRow, column_field: str | None, code: str, message: str,
                severity: str = "error") -> None:
        """Add a problem of a row's cell (column_field None: the whole row) and count it on the row."""
        column = (self.columns.get(column_field) or DEFAULT_HEADERS.get(column_field)) if column_field else None
        self.issues.append(ImportIssue(self.file, self.sheet_name, row.row, column, code, message, severity))
        if severity == "error":
            self.bad.add((row.row, column_field or ""))
            row.errors += 1
        else:
            row.warnings += 1

    def storable(self, row: RecordRow, column_field: str, text: str | None, limit: int) -> bool:
        """Return whether a text can be stored as written in a column of `limit` characters; if not, a problem on its
        cell (a control character, or more than the column holds: the same on SQLite and PostgreSQL)."""
        if text is None or (len(text) <= limit and text.isprintable()):
            return True
        label = self.columns.get(column_field) or DEFAULT_HEADERS.get(column_field) or column_field
        problem = text_problem(text, label=label, limit=limit)
        if problem is None:
            return True
        self.problem(row, column_field, *problem)
        return False

    def value(self, cells: list[Any], name: str) -> Any:
        """Return the cell of a field in a row as read, None when the list has no such column or the cell is empty."""
        c = self.index.get(name)
        if c is None or c >= len(cells):
            return None
        value = cells[c]
        return None if value == "" else value

    def text(self, cells: list[Any], name: str) -> str | None:
        """Return the cell of a field as NFC text, None when empty."""
        found = cell_text(self.value(cells, name))
        return nfc(found) or None if found else None

    def _rating(self, row: RecordRow, cells: list[Any], group: str | None) -> None:
        """Read a rating row's result, or the one its heading gives."""
        value = self.value(cells, "rating") or group
        if value is None:
            self.problem(row, "rating", "missing_rating", "Thiếu kết quả xếp loại: ghi HTXSNV, HTTNV, HTNV hoặc KHTNV "
                         "(hoặc viết đủ, ví dụ “Hoàn thành tốt nhiệm vụ”).")
            return
        row.rating = read_rating(value)
        if row.rating is None:
            self.problem(row, "rating", "bad_rating", f"Xếp loại “{cell_text(value)}” không rõ: ghi HTXSNV, HTTNV, "
                         "HTNV hoặc KHTNV (hoặc viết đủ, ví dụ “Hoàn thành xuất sắc nhiệm vụ”).")

    def _decision(self, row: RecordRow, cells: list[Any]) -> None:
        """Read a row's decision: number and date (apart, or in one cell), and the authority; its year when none."""
        number = self.text(cells, "decision_number")
        when: date | None | str = read_date(self.value(cells, "decision_date"))
        column = "decision_date"
        combined = self.text(cells, "decision")
        if combined:
            split_number, split_date = split_decision(combined)
            number = number or split_number
            if when is None:
                when, column = split_date, "decision"
        if when in ("bad", "calendar"):
            raw = self.value(cells, column)
            self.problem(row, column, "bad_date", f"Ngày quyết định “{cell_text(raw)}” "
                         + ("không có trong lịch" if when == "calendar" else "không đọc được")
                         + ": ghi theo dạng dd/mm/yyyy, ví dụ 15/12/2024.")
            when = None
        elif when is not None and when > self.today:
            self.problem(row, column, "future_date", f"Ngày quyết định {format_date(when)} chưa tới: kiểm tra lại.")
            when = None
        if not self.storable(row, "decision_number" if "decision_number" in self.columns else "decision", number,
                             LIMITS["decision_number"]):
            number = None
        row.decision_number, row.decision_date = number, when
        authority = self.text(cells, "authority")
        row.decision_authority = authority if self.storable(row, "authority", authority, LIMITS["authority"]) else None
        if row.year is None and when is not None and (row.row, "year") not in self.bad:
            row.year = when.year
            if self.kind == "khen_truoc":  # the achievement year is often the one before the decision
                self.problem(row, "year", "year_from_decision", f"Không ghi năm: lấy năm của ngày quyết định "
                             f"({when.year}). Nếu là thành tích năm trước, ghi năm vào cột “Năm”.", "warning")

    def _discipline(self, row: RecordRow, cells: list[Any]) -> None:
        """Read a discipline row: its level, or that it is still under review or investigation, and its decision."""
        value = self.value(cells, "level")
        if value is not None:
            read = read_level(value)
            if read is None:
                self.problem(row, "level", "bad_level", f"Hình thức kỷ luật “{cell_text(value)}” không rõ: ghi một "
                             f"trong {', '.join(DISCIPLINE_LABELS.values())}; hoặc đánh dấu cột “Đang xem xét/điều "
                             "tra”.")
            else:
                row.level, row.open = read
        flag = self.value(cells, "open")
        if flag is not None:
            opened = read_open(flag)
            if opened is None:
                self.problem(row, "open", "bad_open", f"Cột đang xem xét/điều tra ghi “{cell_text(flag)}”: ghi “x” "
                             "hoặc “Có” khi đang xem xét kỷ luật hoặc điều tra, để trống khi không.")
            else:
                row.open = row.open or opened
        if value is None and not row.open and (row.row, "open") not in self.bad:
            self.problem(row, "level", "missing_level", "Thiếu hình thức kỷ luật: ghi khiển trách, cảnh cáo, cách "
                         "chức, buộc thôi việc…; hoặc đánh dấu “Đang xem xét/điều tra”.")
        self._decision(row, cells)

    def _past_award(self, row: RecordRow, cells: list[Any], group: Award | None) -> None:
        """Read a past award row: the award (or its heading's), its merit kind and its decision."""
        value = self.value(cells, "award")
        if value is None and group is not None:
            value = group.name
        award = self.cat.award(value) if value is not None else None
        if value is None:
            self.problem(row, "award", "missing_award", "Thiếu danh hiệu/hình thức khen thưởng: ghi tên (ví dụ “Lao "
                         "động tiên tiến”, “Bằng khen của Chủ tịch UBND tỉnh”).")
        elif award is None:
            hint = self.cat.award_suggestions(str(value))
            self.problem(row, "award", "unknown_award", f"Không nhận ra danh hiệu/hình thức “{cell_text(value)}”. "
                         + (f"Có phải: {'; '.join(hint)}? " if hint else "")
                         + "Ghi đúng tên trong danh mục khen thưởng.")
        elif row.target not in award.targets.split(","):
            who = "cá nhân" if row.target == CA_NHAN else "tập thể"
            self.problem(row, "award", "award_target_mismatch", f"“{award.name}” không dành cho {who}: kiểm tra lại "
                         "danh hiệu, hoặc mục (tập thể/cá nhân) của dòng này.")
        else:
            row.award_id, row.award = award.id, award.name
        self._merit_kind(row, cells, award)
        self._decision(row, cells)

    def _merit_kind(self, row: RecordRow, cells: list[Any], award: Award | None) -> None:
        """Read a past award's merit kind; without the column, the award's own kind (else "công trạng")."""
        kind_value = self.value(cells, "merit_kind")
        if kind_value is not None:
            row.merit_kind = read_merit_kind(kind_value)
            if row.merit_kind is None:
                self.problem(row, "merit_kind", "bad_merit_kind", f"Loại khen thưởng “{cell_text(kind_value)}” không "
                             "rõ: ghi Công trạng, Đột xuất hoặc Theo chuyên đề.")
        elif award is not None:
            row.merit_kind = award.merit_type if award.merit_type in MERIT_KIND_LABELS else "cong_trang"
        else:
            row.merit_kind = "cong_trang"

    def _initiative(self, row: RecordRow, cells: list[Any]) -> None:
        """Read an initiative row: title, authors and scope (its decision is read after the unit and year)."""
        row.title = self.text(cells, "title")
        row.target = CA_NHAN
        if not row.title:
            self.problem(row, "title", "missing_title", "Dòng có dữ liệu nhưng thiếu tên sáng kiến: ghi tên, hoặc xóa "
                         "dòng này.")
        else:
            self.storable(row, "title", row.title, LIMITS["title"])
        self._authors(row, cells)
        value = self.value(cells, "scope")
        row.scope = read_scope(value) if value is not None else None
        if value is None:
            self.problem(row, "scope", "missing_scope", "Thiếu phạm vi ảnh hưởng: ghi Cơ sở, Cấp tỉnh hoặc Toàn quốc.")
        elif row.scope is None:
            self.problem(row, "scope", "bad_scope", f"Phạm vi ảnh hưởng “{cell_text(value)}” không rõ: ghi Cơ sở, Cấp "
                         "tỉnh hoặc Toàn quốc.")

    def _authors(self, row: RecordRow, cells: list[Any]) -> None:
        """Read an initiative's authors, each with the birth year written after the name."""
        authors = self.text(cells, "authors")
        row.authors = [Author(name=n, name_key=fold(n)[:KEY_LIMIT], birth_year=y)
                       for n, y in read_authors(authors or "")]
        if not row.authors:
            self.problem(row, "authors", "missing_authors", "Thiếu tác giả: ghi họ tên các tác giả, cách nhau bằng dấu "
                         "phẩy hoặc chấm phẩy (có thể kèm năm sinh, ví dụ “Nguyễn Văn An (1980)”).")
        elif any(len(a.name) > LIMITS["name"] for a in row.authors):
            self.problem(row, "authors", "too_long", f"Tên tác giả dài quá {LIMITS['name']} ký tự: tách các tác giả "
                         "bằng dấu phẩy hoặc chấm phẩy.")
        else:
            for author in row.authors:
                if not self.storable(row, "authors", author.name, LIMITS["name"]):
                    break  # one problem for the cell
        seen = Counter(a.name_key for a in row.authors)
        if twice := [a.name for a in row.authors if seen[a.name_key] > 1]:
            self.problem(row, "authors", "duplicate_author", f"Tác giả “{twice[0]}” ghi hai lần: xóa bớt một lần.")
