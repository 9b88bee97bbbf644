"""Reading one sheet of a record list under its header: headings, sections, and who each data row is about."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tdkt.awards.catalog_lookup import Catalogue
from tdkt.core.honorifics import split_title
from tdkt.core.models import Unit
from tdkt.core.text import fold
from tdkt.importing.cells import (
    CA_NHAN,
    HO_GIA_DINH,
    TAP_THE,
    birth_message,
    cell_text,
    fold_words,
    read_birth,
    read_gender,
    split_position_unit,
)
from tdkt.importing.header_repeats import HeaderRepeats
from tdkt.importing.headers import is_numbering_row, title_facts
from tdkt.importing.record_lists.record_headers import Header, header_target
from tdkt.importing.record_lists.record_kinds import KEY_LIMIT, LIMITS, RowChecks
from tdkt.importing.record_lists.record_rows import RecordRow
from tdkt.importing.record_lists.record_values import read_rating, read_year
from tdkt.importing.row_labels import ENUM_TOKEN, is_signature_line, is_subtotal_line, read_label
from tdkt.importing.sheet_data import RawSheet

# How the names of collectives start (folded), for a row that says neither "Cá nhân" nor "Tập thể".
_COLLECTIVE_START = ("tap the ", "phong ", "van phong", "thanh tra", "trung tam", "chi cuc", "ban ", "to ", "doi ",
                     "tram ", "cong doan", "chi bo", "dang bo", "doan thanh nien", "chi doan", "hoi dong", "so ")


def _section_target(text: str) -> str | None:
    """Return the target a section row ("I. TẬP THỂ", "II. CÁ NHÂN") sets for the rows below, else None."""
    label = read_label(text)
    if label.is_section and label.target in (CA_NHAN, TAP_THE, HO_GIA_DINH):
        return label.target
    return None


class RecordSheet(RowChecks):
    """Walks one sheet's rows under its header and turns each data row into a RecordRow with its problems."""

    def __init__(self, sheet: RawSheet, header: Header, *, kind: str, file: str, cat: Catalogue,
                 given_year: int | None, today: date, own_unit: Unit | None) -> None:
        index = header.index()
        columns = {f: header.headers[c] or f for f, c in index.items()}
        if "unit" not in columns and "position_unit" in columns:
            columns["unit"] = columns["position_unit"]
        super().__init__(sheet_name=sheet.name, file=file, kind=kind, cat=cat, today=today, index=index,
                         columns=columns)
        self.sheet, self.header = sheet, header
        self.own_unit = own_unit  # a unit user's Unit: its rows must be of it
        title_year, title_target = title_facts(sheet.rows[: header.first_row])
        self.year = given_year or title_year
        name_header = self.columns.get("name")
        self.default_target = title_target if title_target in (CA_NHAN, TAP_THE) else header_target(name_header)
        # Headings write their text left of this column; the main column is the name (the title for initiatives).
        self.lead = max((self.index[f] for f in ("stt", "name", "title") if f in self.index), default=0) + 1
        self.main = self.index.get("title" if kind == "sang_kien" else "name")
        self.rows: list[RecordRow] = []
        self.repeats = HeaderRepeats(sheet.rows[header.first_row : header.last_row + 1])

    def read(self) -> None:
        """Read every row under the header, up to the signature block, into self.rows and self.issues."""
        rows = self.sheet.rows
        section: str | None = None
        group: Any = None  # the rating or award a heading ("1. Hoàn thành xuất sắc nhiệm vụ") gives the rows below
        for r in range(self.header.last_row + 1, len(rows)):
            cells = [None if (isinstance(v, str) and not v.strip()) else v for v in rows[r]]
            filled = [v for v in cells if v is not None]
            if not filled:
                continue
            stt = self.value(cells, "stt")
            numbered = isinstance(stt, int | float) and not isinstance(stt, bool) or (
                isinstance(stt, str) and stt.strip().rstrip(".").isdigit())
            main_value = cells[self.main] if self.main is not None and self.main < len(cells) else None
            if not numbered:
                first = next((v for v in cells if isinstance(v, str)), None)
                if first is not None:
                    folded = " ".join(fold(first).split())
                    if is_signature_line(folded) and (main_value is None or main_value is first) and len(filled) <= 3:
                        break  # the signature block: the table is over
                    if is_subtotal_line(folded):
                        continue
                    if self._repeats_header(cells, folded, first, main_value):
                        continue  # the header printed again (a list of several pages)
            if is_numbering_row(cells):
                continue
            if not numbered and len(filled) <= 2 and not any(cells[self.lead:]):
                heading = self._heading(cells, stt, main_value)
                if heading is not None:
                    if heading[0] == "section":
                        section, group = heading[1], None
                    else:
                        group = heading[1]
                    continue
            self.rows.append(self._row(r + 1, cells, section, group))

    def _repeats_header(self, cells: list[Any], folded: str, first: str, main_value: Any) -> bool:
        """True for the header printed again: its first text or its main cell is a header's text (one fold, for most
        rows none), and most of its cells are the header's."""
        key_text = folded in self.repeats.keys or (
            main_value is not first and isinstance(main_value, str) and fold(main_value) in self.repeats.keys)
        return key_text and self.repeats.repeats(cells)

    def _heading(self, cells: list[Any], stt: Any, main_value: Any) -> tuple[str, Any] | None:
        """Return ("section", target) or ("group", rating or award) for a heading row with text only on its left,
        None when the row is data after all."""
        texts = [str(v).strip() for v in cells[: self.lead] if v is not None]
        if len(texts) >= 2 and ENUM_TOKEN.match(texts[0]):
            texts = texts[1:]
        label = " ".join(texts)
        target = _section_target(label)
        if target:
            return "section", target
        if texts and (main_value is None or ENUM_TOKEN.match(str(stt or "")) and self._group_value(label) is not None):
            return "group", self._group_value(label)  # "Khối cơ quan Sở", "1. Hoàn thành tốt nhiệm vụ"
        return None

    def _group_value(self, label: str) -> Any:
        """Return the rating code (ratings) or Award (past awards) a heading names, else None."""
        text = re.sub(r"^\s*[\dIVXivx]+[.)]\s*", "", label)
        if self.kind == "xep_loai":
            return read_rating(text)
        if self.kind == "khen_truoc":
            return self.cat.award(text)
        return None

    def _row(self, excel_row: int, cells: list[Any], section: str | None, group: Any) -> RecordRow:
        """Return one data row read and checked: who it is about, its unit and year, then what its kind records."""
        row = RecordRow(sheet=self.sheet.name, row=excel_row)
        row.note = self.text(cells, "note")
        if row.note and "vi du" in fold(row.note) and "xoa" in fold(row.note):
            self.problem(row, "note", "example_row", "Đây là dòng ví dụ của mẫu: xóa dòng này trước khi nhập.")
        if self.kind == "sang_kien":
            self._initiative(row, cells)
        else:
            self._subject(row, cells, section)
        self._unit(row, cells)
        self._year(row, cells)
        if self.kind == "xep_loai":
            self._rating(row, cells, group)
        elif self.kind == "ky_luat":
            self._discipline(row, cells)
        elif self.kind == "khen_truoc":
            self._past_award(row, cells, group)
        else:
            self._decision(row, cells)
        self.storable(row, "note", row.note, LIMITS["note"])
        return row

    def _subject(self, row: RecordRow, cells: list[Any], section: str | None) -> None:
        """Read who a row is about: name, position and unit as written, target, birth year and gender."""
        row.name = split_title(self.text(cells, "name"))[1]  # "Đại tá Nguyễn Văn An" is found as "Nguyễn Văn An"
        if not row.name:
            self.problem(row, "name", "missing_name", "Dòng có dữ liệu nhưng thiếu họ tên cá nhân hoặc tên tập thể: "
                         "ghi tên, hoặc xóa dòng này.")
        else:
            self.storable(row, "name", row.name, LIMITS["name"])
        row.name_key = fold(row.name)[:KEY_LIMIT]
        position = self.text(cells, "position")
        combined = self.text(cells, "position_unit")
        unit = None
        if combined:
            position_part, unit = split_position_unit(combined)
            position = position or position_part
        self.storable(row, "position" if "position" in self.columns else "position_unit", position, LIMITS["position"])
        row.position, row.unit_text = position, self.text(cells, "unit") or unit
        target = self._target_cell(row, cells) or section or self.default_target
        self._birth_and_gender(row, cells)
        if target is None:
            if row.birth_year or row.gender or row.position:
                target = CA_NHAN
            elif row.name and (self.cat.unit(row.name) or (row.name_key + " ").startswith(_COLLECTIVE_START)):
                target = TAP_THE
            else:
                target = CA_NHAN
        if target == HO_GIA_DINH:
            self.problem(row, "name", "bad_target", "Hồ sơ này chỉ nhập cho cá nhân hoặc tập thể, không cho hộ gia "
                         "đình: chuyển dòng này sang mục cá nhân hoặc tập thể.")
            target = CA_NHAN
        row.target = target

    def _target_cell(self, row: RecordRow, cells: list[Any]) -> str | None:
        """Return the target a row's own "Đối tượng" cell says, None when empty or unclear (a problem)."""
        value = self.value(cells, "target")
        if value is None:
            return None
        key = fold_words(str(value))
        target = TAP_THE if "tap the" in key else CA_NHAN if "ca nhan" in key else None
        if target is None:
            self.problem(row, "target", "bad_target", f"Đối tượng “{cell_text(value)}” không rõ: ghi Cá nhân "
                         "hoặc Tập thể.")
        return target

    def _birth_and_gender(self, row: RecordRow, cells: list[Any]) -> None:
        """Read a row's birth year (from a year or a date column) and gender, with a problem for each unreadable."""
        birth = self.value(cells, "birth_date") if "birth_date" in self.index else self.value(cells, "birth_year")
        if birth is not None:
            is_date = "birth_date" in self.index
            year, _, bad = read_birth(birth, is_date)
            column = "birth_date" if is_date else "birth_year"
            if bad:
                self.problem(row, column, "bad_birth", birth_message(birth, bad, is_date))
            elif not 1920 <= year <= self.today.year - 15:
                self.problem(row, column, "bad_birth", f"Năm sinh {year} không hợp lý: kiểm tra lại.")
            else:
                row.birth_year = year
        gender = self.value(cells, "gender")
        if gender is not None:
            read = read_gender(gender)
            if read == "?":
                self.problem(row, "gender", "bad_gender", f"Giới tính “{cell_text(gender)}” không rõ: ghi Nam hoặc "
                             "Nữ.")
            else:
                row.gender = read

    def _unit(self, row: RecordRow, cells: list[Any]) -> None:
        """Match a row's unit to the department's units; a unit account's rows take its unit, and only its unit."""
        if self.kind == "sang_kien":
            row.unit_text = self.text(cells, "unit")
        unit = self.cat.unit(row.unit_text)
        if unit is None and row.target == TAP_THE and row.name:
            unit = self.cat.unit(row.name)  # a collective that is itself a unit of the department
        if row.unit_text and unit is None:
            hint = self.cat.unit_suggestions(row.unit_text)
            self.problem(row, "unit", "unknown_unit", f"Đơn vị “{row.unit_text}” chưa có trong danh sách đơn vị. "
                         + (f"Có phải: {'; '.join(hint)}? " if hint else "")
                         + "Sửa lại tên, hoặc Văn phòng thêm đơn vị này (Quản trị → Đơn vị) rồi tải lên lại.",
                         "warning")
        elif unit is None and row.target == CA_NHAN and self.own_unit is None:
            self.problem(row, "unit", "missing_unit", "Thiếu đơn vị công tác: ghi đơn vị để nhận đúng người.",
                         "warning")
        if unit is None and self.own_unit is not None and not row.unit_text:
            unit = self.own_unit
        if unit is not None:
            row.unit_id, row.unit = unit.id, unit.name
        else:
            row.unit = row.unit_text
        if self.own_unit is not None and row.unit_id != self.own_unit.id:
            self.problem(row, "unit", "other_unit", "Tài khoản đơn vị chỉ nhập được hồ sơ của đơn vị mình: xóa dòng "
                         "này hoặc nhờ Văn phòng Sở nhập.")

    def _year(self, row: RecordRow, cells: list[Any]) -> None:
        """Read a row's "Năm" cell; without one the row takes the year given on upload or the title's."""
        value = self.value(cells, "year")
        year = read_year(value)
        if year == "bad":
            self.problem(row, "year", "bad_year", f"Năm “{cell_text(value)}” không đọc được: ghi năm 4 chữ số, ví dụ "
                         f"{self.today.year - 1}.")
            return
        if year is not None and year > self.today.year:
            self.problem(row, "year", "future_year", f"Năm {year} chưa tới: kiểm tra lại.")
            return
        row.year = year or self.year
