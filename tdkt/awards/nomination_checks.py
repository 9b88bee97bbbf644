"""The checks of nomination rows, shared by hand entry and the list importer: against the catalogue, the units and the
database; records ready to write, and problems."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from tdkt.awards import catalog, categories
from tdkt.awards.catalogue_lookup import Catalogue
from tdkt.awards.nomination_rows import ParsedRow, Record
from tdkt.core import units as units_module
from tdkt.core.bulk_fold import fold_many
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.models import Award, AwardAlias, Nomination, Person, TARGET_LABELS, Target
from tdkt.core.text import fold

TARGETS = {t.value for t in Target}
_COLLECTIVE_START = (
    "phong ", "van phong", "thanh tra", "trung tam", "chi cuc", "ban ", "so ", "cong ty", "doanh nghiep", "hop tac xa",
    "htx", "tap the", "to ", "doi ", "tram ", "truong ", "benh vien", "cong doan", "chi bo", "dang bo", "uy ban", "ubnd",
)


@functools.lru_cache(maxsize=4096)
def _infer(target: str, text: str | None) -> str:
    """Cached category guess: lists repeat the same positions thousands of times."""
    if target == Target.CA_NHAN:
        return categories.infer(target=target, position=text)
    return categories.infer(target=target, name=text)


def _decode(value: object, codes: dict[str, str]) -> object:
    """Return the name a file's own code list gives a code cell, else the value itself."""
    if not codes or value is None:
        return value
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    return codes.get(text, value)


_MISSING = object()
def _looks_collective(name: str) -> bool:
    key = fold(name) + " "
    return key.startswith(_COLLECTIVE_START)


def _target(row: ParsedRow, award: Award | None, cat: Catalogue) -> tuple[str | None, bool]:
    """Return (target, guessed) from the row, its section, the award's targets or the name's shape."""
    if row.target in TARGETS:
        return row.target, False
    targets = award.targets.split(",") if award else []
    if len(targets) == 1:
        return targets[0], False
    if row.gender or row.birth_year or row.honorific:
        return Target.CA_NHAN.value, False
    if row.name and (cat.unit(row.name) or _looks_collective(row.name)):
        return Target.TAP_THE.value, True
    if row.name and fold(row.name).startswith("ho "):
        return Target.HO_GIA_DINH.value, True
    return Target.CA_NHAN.value, True


_FALLBACK_HEADERS = {
    "award": "Danh hiệu/Hình thức", "name": "Họ và tên", "unit": "Đơn vị", "gender": "Giới tính",
    "birth": "Năm sinh", "category": "Phân loại đối tượng",
}
_FIELDS = {"award": ("award", "award_code"), "birth": ("birth_year", "birth_date"), "gender": ("gender", "gender_male",
           "gender_female", "birth_male", "birth_female")}


def header_for(columns: dict[str, str] | None, column_field: str | None) -> str | None:
    """Return the header as the user wrote it for one of our fields (a sensible name when the list has no such column)."""
    if column_field is None:
        return None
    for name in _FIELDS.get(column_field, (column_field,)):
        if columns and columns.get(name):
            return columns[name]
    return _FALLBACK_HEADERS.get(column_field, column_field)


def validate(
    session: Session,
    rows: list[ParsedRow],
    *,
    file: str,
    year: int,
    headers: dict[str, dict[str, str]] | None = None,
    catalogue: Catalogue | None = None,
    codes: dict[str, str] | None = None,
) -> tuple[list[Record], list[ImportIssue]]:
    """Check every parsed row; return one record per row (errors included) and the problems found.

    headers maps sheet name -> our field -> the header as written, so each problem names the user's column.
    """
    cat = catalogue or Catalogue(session)
    headers = headers or {}
    codes = codes or {}
    issues: list[ImportIssue] = []
    records: list[Record] = []
    seen: dict[tuple, int] = {}
    ca_nhan, tap_the = Target.CA_NHAN.value, Target.TAP_THE.value
    found: list[ImportIssue] = []
    row: ParsedRow
    # This loop runs once per row of lists with 100k rows, whose awards, units, positions and categories repeat: what
    # depends only on those texts is worked out once per distinct text (database objects read into plain tuples),
    # and the names are folded in one pass (`fold_many`).
    awards: dict[tuple, tuple] = {}  # (award, award code) as written -> award, id, name, allowed targets
    units: dict[Any, tuple] = {}  # unit text -> unit, id, name
    matched_categories: dict[Any, str | None] = {}
    inferred_categories: dict[tuple, str] = {}
    name_keys = fold_many([row.name for row in rows])

    def problem(column_field: str | None, code: str, message: str, severity: str = "error") -> None:
        found.append(ImportIssue(file, row.sheet, row.row, header_for(headers.get(row.sheet), column_field), code,
                                 message, severity))

    def award_of(written: str | None, code: str | None) -> tuple:
        award_text = written or code
        award = cat.award(_decode(award_text, codes)) if award_text else None
        if award is None and written and code:
            award = cat.award(_decode(code, codes))
        if award is None:
            return None, None, None, ()
        return award, award.id, award.name, tuple(award.targets.split(","))

    def unit_of(text: str | None) -> tuple:
        unit = cat.unit(text)
        return (unit, unit.id, unit.name) if unit is not None else (None, None, None)

    for row, name_key in zip(rows, name_keys):
        found = []
        note = row.note
        if note and "vi du" in fold(note) and "xoa" in fold(note):
            problem(None, "example_row", "Đây là dòng ví dụ của mẫu danh sách: xóa dòng này trước khi nhập.")
        award_key = (row.award, row.award_code)
        known_award = awards.get(award_key)
        if known_award is None:
            known_award = awards[award_key] = award_of(*award_key)
        award, award_id, award_name, allowed_targets = known_award
        award_text = row.award or row.award_code
        if not award_text:
            problem("award", "missing_award", "Thiếu danh hiệu/hình thức khen thưởng đề nghị. Ghi tên danh hiệu "
                    "(ví dụ “Lao động tiên tiến”) hoặc chọn trong danh mục.")
        elif award is None:
            hint = cat.award_suggestions(str(award_text))
            problem("award", "unknown_award", f"Không nhận ra danh hiệu/hình thức “{award_text}”. "
                    + (f"Có phải: {'; '.join(hint)}? " if hint else "") + "Chọn một mục trong danh mục khen thưởng.")
        target = row.target
        if target not in TARGETS:
            target, _ = _target(row, award, cat)
        if award is not None and target not in allowed_targets:
            allowed = ", ".join(TARGET_LABELS[Target(t)].lower() for t in allowed_targets)
            problem("award", "award_target_mismatch", f"“{award_name}” chỉ xét tặng cho {allowed}, không cho "
                    f"{TARGET_LABELS[Target(target)].lower()} “{row.name or ''}”. Kiểm tra lại danh hiệu hoặc mục "
                    "(tập thể/cá nhân) của dòng này.")
        if not row.name:
            problem("name", "missing_name", "Thiếu họ tên cá nhân hoặc tên tập thể.")
        unit_text = row.unit
        known_unit = units.get(unit_text)
        if known_unit is None:
            known_unit = units[unit_text] = unit_of(unit_text)
        if target == tap_the and known_unit[0] is None and row.name:
            known_unit = unit_of(row.name)
        unit, unit_id, unit_name = known_unit
        if unit_text and unit is None:
            hint = cat.unit_suggestions(unit_text)
            problem("unit", "unknown_unit", f"Đơn vị “{unit_text}” chưa có trong danh sách đơn vị. "
                    + (f"Có phải: {'; '.join(hint)}? " if hint else "")
                    + "Sửa lại tên, hoặc Văn phòng thêm đơn vị này khi xác nhận.", "warning")
        elif not unit_text and unit is None and target == ca_nhan:
            problem("unit", "missing_unit", "Thiếu đơn vị công tác của cá nhân.", "warning")
        birth_year = row.birth_year
        if target == ca_nhan:
            if row.gender is None:
                problem("gender", "missing_gender", "Thiếu giới tính (Nam/Nữ): thống kê khen thưởng cần thông tin này.",
                        "warning")
            if birth_year is not None and not 1930 <= birth_year <= year - 15:
                problem("birth", "bad_birth", f"Năm sinh {birth_year} không hợp lý cho danh sách năm {year}. "
                        "Kiểm tra lại năm sinh.")
        written_category = row.category
        category = None
        if written_category:
            category = matched_categories.get(written_category, _MISSING)
            if category is _MISSING:
                category = categories.match(_decode(written_category, codes))
                if category is None:
                    category = categories.match(written_category)
                matched_categories[written_category] = category
        inferred = False
        if written_category and category is None:
            problem("category", "unknown_category", f"Không nhận ra phân loại đối tượng “{written_category}”; đã "
                    "đoán theo chức vụ. Chọn một phân loại trong danh mục quốc gia.", "warning")
        if category is None and target:
            infer_key = (target, row.position if target == ca_nhan else row.name)
            category = inferred_categories.get(infer_key)
            if category is None:
                category = inferred_categories[infer_key] = _infer(*infer_key)
            inferred = True
        name = row.name
        record = Record(
            row.sheet, row.row, target, name, row.gender, birth_year, row.position,
            unit_name if unit is not None else unit_text, award_name, category, award_id, unit_id, unit_text, inferred,
            row.achievements, 0, 0, row.cells, name_key,
        )
        if name and award_id:
            key = (name_key, birth_year, unit_id, award_id)
            first = seen.get(key)
            if first is not None:
                problem("name", "duplicate_in_file", f"Trùng với dòng {first}: cùng người/tập thể, cùng "
                        "danh hiệu. Xóa một trong hai dòng.")
            else:
                seen[key] = row.row
        if found:
            record.errors = sum(i.severity == "error" for i in found)
            record.warnings = len(found) - record.errors
            issues.extend(found)
        records.append(record)
    issues.extend(already_in_database(session, records, file=file, year=year, headers=headers))
    return records, issues


def already_in_database(
    session: Session, records: list[Record], *, file: str, year: int, headers: dict[str, dict[str, str]]
) -> list[ImportIssue]:
    """Flag rows whose person (folded name, birth year, unit) or collective already has this award for this year."""
    award_ids = {r.award_id for r in records if r.award_id}
    if not award_ids:
        return []
    existing_people = {
        (p_key, birth, unit, award)
        for p_key, birth, unit, award in session.exec(
            select(Person.name_key, Person.birth_year, Person.unit_id, Nomination.award_id)
            .join(Nomination, Nomination.person_id == Person.id)
            .where(Nomination.year == year, Nomination.award_id.in_(award_ids))
        ).all()
    }
    existing_collectives = {
        (fold(name), award)
        for name, award in session.exec(
            select(Nomination.collective_name, Nomination.award_id)
            .where(Nomination.year == year, Nomination.award_id.in_(award_ids), Nomination.collective_name.is_not(None))
        ).all()
    }
    found = []
    for record in records:
        if not record.award_id or not record.name:
            continue
        if record.target == Target.CA_NHAN:
            duplicate = (record.name_key, record.birth_year, record.unit_id, record.award_id) in existing_people
        else:
            duplicate = (record.name_key, record.award_id) in existing_collectives
        if duplicate:
            record.errors += 1
            found.append(ImportIssue(file, record.sheet, record.row, header_for(headers.get(record.sheet), "name"),
                                     "already_in_database",
                                     f"“{record.name}” đã được đề nghị “{record.award}” năm {year} (có trong cơ sở dữ "
                                     "liệu). Xóa dòng này nếu là đề nghị trùng."))
    found.extend(_same_name_other_birth_year(session, records, file=file, headers=headers))
    return found


def _same_name_other_birth_year(session: Session, records: list[Record], *, file: str,
                                headers: dict[str, dict[str, str]]) -> list[ImportIssue]:
    """Warn when a unit already has someone of the same name with another (or no) birth year: importing would create
    a second person, and the eligibility checks would not see the first one's history."""
    people = [r for r in records if r.target == Target.CA_NHAN and r.name_key and r.unit_id is not None]
    if not people:
        return []
    units = sorted({r.unit_id for r in people})
    known: dict[tuple[str, int], set[int | None]] = {}
    for key, birth, unit in session.exec(select(Person.name_key, Person.birth_year, Person.unit_id)
                                         .where(col(Person.unit_id).in_(units))).all():
        known.setdefault((key, unit), set()).add(birth)
    found = []
    for record in people:
        births = known.get((record.name_key, record.unit_id))
        if not births or record.birth_year in births:
            continue
        listed = ", ".join(f"sinh {b}" if b else "chưa ghi năm sinh" for b in sorted(births, key=lambda b: b or 0))
        record.warnings += 1
        found.append(ImportIssue(
            file, record.sheet, record.row, header_for(headers.get(record.sheet), "birth_year")
            or header_for(headers.get(record.sheet), "name"), "same_name_other_person",
            f"Đơn vị “{record.unit}” đã có người tên “{record.name}” ({listed}). Nếu là cùng một người, sửa năm sinh "
            "cho khớp để không tạo hồ sơ trùng (và để xét điều kiện theo đúng quá trình của người đó); nếu là người "
            "khác, bỏ qua cảnh báo này.", severity="warning"))
    return found

