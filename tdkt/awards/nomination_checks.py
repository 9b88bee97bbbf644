"""The checks of nomination rows, shared by hand entry and the list importer: against the catalogue, the units and the
database; records ready to write, and problems."""

from __future__ import annotations

import functools
from typing import Any

from sqlmodel import Session, col, select

from tdkt.awards import categories, households
from tdkt.awards.catalog_lookup import Catalogue
from tdkt.awards.file_codes import FileCodes, describe
from tdkt.awards.nomination_rows import ParsedRow, Record
from tdkt.core.bulk_fold import fold_many
from tdkt.core.cell_issues import ImportIssue, Severity
from tdkt.core.honorifics import is_household_name
from tdkt.core.models import TARGET_LABELS, Award, Nomination, Person, Target
from tdkt.core.text import fold, limit_of, text_problem

TARGETS = {t.value for t in Target}
_CA_NHAN, _TAP_THE = Target.CA_NHAN.value, Target.TAP_THE.value
_COLLECTIVE_START = (
    "phong ", "van phong", "thanh tra", "trung tam", "chi cuc", "ban ", "so ", "cong ty", "doanh nghiep", "hop tac xa",
    "htx", "tap the", "to ", "doi ", "tram ", "truong ", "benh vien", "cong doan", "chi bo", "dang bo", "uy ban",
    "ubnd",
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


def _guess_target(row: ParsedRow, award: Award | None, cat: Catalogue) -> tuple[str | None, bool]:
    """Return (target, guessed) from the row, its section, the award's targets or the name's shape."""
    targets = award.targets.split(",") if award else []
    if row.target in TARGETS:
        # A "Họ và tên" list (or a "Cá nhân" cell) with a collective's row: no gender, birth or title, a name that is a
        # unit's or starts like one ("Phòng …", "Trung tâm …"), and an award only collectives get. The row is the
        # collective it names, not an individual refused the award.
        if (row.target == _CA_NHAN and targets == [_TAP_THE] and row.name
                and not (row.gender or row.birth_year or row.honorific)
                and (_looks_collective(row.name) or cat.unit(row.name))):
            return _TAP_THE, True
        return row.target, False
    if len(targets) == 1:
        return targets[0], False
    if row.gender or row.birth_year or row.honorific:
        return Target.CA_NHAN.value, False
    if row.name and (cat.unit(row.name) or _looks_collective(row.name)):
        return Target.TAP_THE.value, True
    if is_household_name(row.name):  # "Hộ ông …", "Gia đình bà …"; "Hồ Văn Minh" is a person
        return Target.HO_GIA_DINH.value, True
    return Target.CA_NHAN.value, True


_FALLBACK_HEADERS = {
    "award": "Danh hiệu/Hình thức", "name": "Họ và tên", "unit": "Đơn vị", "gender": "Giới tính",
    "birth": "Năm sinh", "category": "Phân loại đối tượng", "position": "Chức vụ", "achievements": "Tóm tắt thành tích",
}
_FIELDS = {"award": ("award", "award_code"), "birth": ("birth_year", "birth_date"), "gender": ("gender", "gender_male",
           "gender_female", "birth_male", "birth_female"), "position": ("position", "position_unit"),
           "unit": ("unit", "position_unit")}
# The texts of a row that are stored as written, with what their columns hold (the person's or the collective's
# name, the position, the unit as written; the achievements are a text column).
_NAME_LIMIT, _POSITION_LIMIT = limit_of(Person.full_name), limit_of(Nomination.position)
_UNIT_LIMIT, _ACHIEVEMENTS_LIMIT = limit_of(Nomination.unit_text), limit_of(Nomination.achievements)
_KEY_LIMIT, _TITLE_LIMIT = limit_of(Person.name_key), limit_of(Person.title)


def header_for(columns: dict[str, str] | None, column_field: str | None) -> str | None:
    """Return the header as the user wrote it for one of our fields (a sensible name when the list has none)."""
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

    headers maps sheet name -> our field -> the header as written, so each problem names the user's column; codes
    are the file's own code list (`code -> name`), read before the catalogue.
    """
    headers = headers or {}
    checks = _RowChecks(catalogue or Catalogue(session), file=file, year=year, headers=headers, codes=codes or {})
    issues: list[ImportIssue] = []
    records: list[Record] = []
    keys = fold_many([row.name for row in rows])  # the names folded in one pass
    if keys and max(map(len, keys)) > _KEY_LIMIT:  # "ß" folds to "ss": a name of 255 letters may fold to more
        keys = [key[:_KEY_LIMIT] for key in keys]
    for row, name_key in zip(rows, keys, strict=True):
        record, found = checks.check(row, name_key)
        if found:
            issues.extend(found)
        records.append(record)
    issues.extend(already_in_database(session, records, file=file, year=year, headers=headers))
    return records, issues


class _RowChecks:
    """The checks of one list's rows, a method per step; `check` runs them in the order their problems are listed.

    They run once per row of lists with 100k rows, whose awards, units, positions and categories repeat: what depends
    only on those texts is worked out once per distinct text (database objects read into plain tuples). `check` takes
    a step's common case (a text seen before, nothing to say) from those caches itself and calls the step otherwise:
    a call per step and row made the check about a fifth slower (0.34 s -> 0.41 s of CPU on 100k rows).
    """

    __slots__ = ("awards", "cat", "codes", "file", "headers", "inferred_categories", "matched_categories", "messages",
                 "seen", "stored_ok", "units", "year")

    def __init__(self, cat: Catalogue, *, file: str, year: int, headers: dict[str, dict[str, str]],
                 codes: dict[str, str]) -> None:
        self.cat, self.file, self.year, self.headers, self.codes = cat, file, year, headers, codes
        self.awards: dict[tuple, tuple] = {}  # (award, award code) as written -> award, id, name, allowed targets
        self.units: dict[Any, tuple] = {}  # unit text -> unit, id, name
        self.matched_categories: dict[Any, str | None] = {}
        self.inferred_categories: dict[tuple, str] = {}
        self.seen: dict[tuple, int] = {}  # (name key, birth year, unit id, award id) -> the first row with them
        self.stored_ok: set[str] = set()  # positions and units as written found fit to store (they repeat)
        # ("award" | "unit", text) -> the message that text is unknown, with its suggestions: worked out once per
        # distinct text (a 100k-row list named its 50 unknown units on 37,463 rows), one string shared by its rows.
        self.messages: dict[tuple[str, Any], str] = {}

    def check(self, row: ParsedRow, name_key: str) -> tuple[Record, list[ImportIssue]]:
        """Return the row's record (with its counts of errors and warnings) and its problems."""
        found: list[ImportIssue] = []
        name, position, unit_text, achievements = row.name, row.position, row.unit, row.achievements
        # Printable text that fits is the common case, looked at inline: a step call per row would cost about 20 ms
        # per 100k rows.
        if ((name is not None and (len(name) > _NAME_LIMIT or not name.isprintable()))
                or (position is not None and position not in self.stored_ok)
                or (unit_text is not None and unit_text not in self.stored_ok)
                or (achievements is not None and (len(achievements) > _ACHIEVEMENTS_LIMIT
                                                  or not achievements.isprintable()))):
            self.stored_texts(row, found)
        if row.note:
            self.example_row(row, found)
        known_award = self.awards.get((row.award, row.award_code))
        if known_award is None or known_award[0] is None:
            known_award = self.award(row, found)
        award, award_id, award_name, allowed_targets = known_award
        target = row.target
        if target not in TARGETS or (award is not None and target not in allowed_targets):
            target, _ = _guess_target(row, award, self.cat)  # a mismatch: maybe a collective in a "Họ và tên" list
        if award is not None and target not in allowed_targets:
            self.target_mismatch(row, award_name, allowed_targets, target, found)
        if not row.name:
            self.problem(found, row, "name", "missing_name", "Thiếu họ tên cá nhân hoặc tên tập thể.")
        known_unit = self.units.get(row.unit)
        if known_unit is None or known_unit[0] is None:
            known_unit = self.unit(row, target, found)
        unit, unit_id, unit_name = known_unit
        if target == _CA_NHAN:
            self.person(row, found)
        if row.category:
            category, inferred = self.written_category(row, target, found)
        else:
            key = (target, row.position if target == _CA_NHAN else row.name)
            category, inferred = self.inferred_categories.get(key) or self.inferred_category(key), True
        record = Record(
            row.sheet, row.row, target, row.name, row.gender, row.birth_year, row.position,
            unit_name if unit is not None else row.unit, award_name, category, award_id, unit_id, row.unit, inferred,
            row.achievements, 0, 0, row.cells, name_key,
        )
        if row.honorific is not None and target == _CA_NHAN:
            record.title = row.honorific if len(row.honorific) <= _TITLE_LIMIT else None
        if row.name and award_id:
            key = (name_key, row.birth_year, unit_id, award_id)
            first = self.seen.get(key)
            if first is None:
                self.seen[key] = row.row
            else:
                self.duplicate(row, first, found)
        if found:
            record.errors = sum(i.severity == "error" for i in found)
            record.warnings = len(found) - record.errors
        return record, found

    def problem(self, found: list[ImportIssue], row: ParsedRow, column_field: str | None, code: str, message: str,
                severity: Severity = "error") -> None:
        """Add a problem of the row, naming the column as the user wrote its header."""
        found.append(ImportIssue(self.file, row.sheet, row.row, header_for(self.headers.get(row.sheet), column_field),
                                 code, message, severity))

    def stored_texts(self, row: ParsedRow, found: list[ImportIssue]) -> None:
        """The texts stored as written: a control character, or more than their column holds, refuses the row (the
        same on SQLite, which would store them, and PostgreSQL, which would fail the whole list)."""
        header = self.headers.get(row.sheet)
        for field, text, limit in (("name", row.name, _NAME_LIMIT), ("position", row.position, _POSITION_LIMIT),
                                   ("unit", row.unit, _UNIT_LIMIT), ("achievements", row.achievements,
                                                                     _ACHIEVEMENTS_LIMIT)):
            problem = text_problem(text, label=header_for(header, field) or field, limit=limit)
            if problem is not None:
                self.problem(found, row, field, *problem)
            elif text is not None and field in ("position", "unit"):
                self.stored_ok.add(text)

    def example_row(self, row: ParsedRow, found: list[ImportIssue]) -> None:
        """An example row of our template, left in the list."""
        note = fold(row.note)
        if "vi du" in note and "xoa" in note:
            self.problem(found, row, None, "example_row",
                         "Đây là dòng ví dụ của mẫu danh sách: xóa dòng này trước khi nhập.")

    def award(self, row: ParsedRow, found: list[ImportIssue]) -> tuple:
        """Return the award the row names (award, id, name, allowed targets; all None when missing or unknown)."""
        key = (row.award, row.award_code)
        known = self.awards.get(key)
        if known is None:
            known = self.awards[key] = self._award_of(*key)
        award_text = row.award or row.award_code
        if not award_text:
            self.problem(found, row, "award", "missing_award", "Thiếu danh hiệu/hình thức khen thưởng đề nghị. Ghi tên "
                         "danh hiệu (ví dụ “Lao động tiên tiến”) hoặc chọn trong danh mục.")
        elif known[0] is None:
            message = self.messages.get(("award", award_text))
            if message is None:
                hint = self.cat.award_suggestions(str(award_text))
                message = self.messages["award", award_text] = (
                    f"Không nhận ra danh hiệu/hình thức {describe(self.codes, 'award', award_text)}. "
                    + (f"Có phải: {'; '.join(hint)}? " if hint else "") + "Chọn một mục trong danh mục khen thưởng.")
            self.problem(found, row, "award", "unknown_award", message)
        return known

    def _award_of(self, written: str | None, code: str | None) -> tuple:
        award_text = written or code
        award = self.cat.award(_decode(award_text, self.codes)) if award_text else None
        if award is None and written and code:
            award = self.cat.award(_decode(code, self.codes))
        if award is None:
            return None, None, None, ()
        return award, award.id, award.name, tuple(award.targets.split(","))

    def target_mismatch(self, row: ParsedRow, award_name: str, allowed_targets: tuple, target: str,
                        found: list[ImportIssue]) -> None:
        """An award the row's target (written or guessed) cannot receive."""
        if target == Target.HO_GIA_DINH.value:  # what a household may receive, with the articles
            self.problem(found, row, "award", "award_target_mismatch", households.refusal(award_name))
            return
        allowed = ", ".join(TARGET_LABELS[Target(t)].lower() for t in allowed_targets)
        self.problem(found, row, "award", "award_target_mismatch", f"“{award_name}” chỉ xét tặng cho {allowed}, "
                     f"không cho {TARGET_LABELS[Target(target)].lower()} “{row.name or ''}”. Kiểm tra lại danh hiệu "
                     "hoặc mục (tập thể/cá nhân) của dòng này.")

    def unit(self, row: ParsedRow, target: str, found: list[ImportIssue]) -> tuple:
        """Return the unit the row names (a collective's own name when its unit cell is none): unit, id, name."""
        unit_text = row.unit
        known = self.units.get(unit_text)
        if known is None:
            known = self.units[unit_text] = self._unit_of(unit_text)
        if target == _TAP_THE and known[0] is None and row.name:
            known = self._unit_of(row.name)
        if unit_text and known[0] is None:
            message = self.messages.get(("unit", unit_text))
            if message is None:
                hint = self.cat.unit_suggestions(unit_text)
                message = self.messages["unit", unit_text] = (
                    f"Đơn vị “{unit_text}” chưa có trong danh sách đơn vị. "
                    + (f"Có phải: {'; '.join(hint)}? " if hint else "")
                    + "Sửa lại tên, hoặc Văn phòng thêm đơn vị này khi xác nhận.")
            self.problem(found, row, "unit", "unknown_unit", message, "warning")
        elif not unit_text and known[0] is None and target == _CA_NHAN:
            self.problem(found, row, "unit", "missing_unit", "Thiếu đơn vị công tác của cá nhân.", "warning")
        return known

    def _unit_of(self, text: str | None) -> tuple:
        unit = self.cat.unit(text)
        return (unit, unit.id, unit.name) if unit is not None else (None, None, None)

    def person(self, row: ParsedRow, found: list[ImportIssue]) -> None:
        """An individual's gender and birth year."""
        if row.gender is None:
            self.problem(found, row, "gender", "missing_gender",
                         "Thiếu giới tính (Nam/Nữ): thống kê khen thưởng cần thông tin này.", "warning")
        birth_year = row.birth_year
        if birth_year is not None and not 1930 <= birth_year <= self.year - 15:
            self.problem(found, row, "birth", "bad_birth", f"Năm sinh {birth_year} không hợp lý cho danh sách năm "
                         f"{self.year}. Kiểm tra lại năm sinh.")

    def written_category(self, row: ParsedRow, target: str, found: list[ImportIssue]) -> tuple[str | None, bool]:
        """Return the category the row names, else the one inferred from its position or name; and whether inferred."""
        written = row.category
        category = self.matched_categories.get(written, _MISSING)
        if category is _MISSING:
            category = categories.match(_decode(written, self.codes))
            if category is None:
                category = categories.match(written)
            self.matched_categories[written] = category
        if category is not None:
            return category, False
        if isinstance(self.codes, FileCodes) and self.codes.named("category", written):
            return written, False  # the file's own list names it: what the file means, kept as written
        self.problem(found, row, "category", "unknown_category", "Không nhận ra phân loại đối tượng "
                     f"{describe(self.codes, 'category', written)}; đã "
                     "đoán theo chức vụ. Chọn một phân loại trong danh mục quốc gia.", "warning")
        if not target:
            return None, False
        key = (target, row.position if target == _CA_NHAN else row.name)
        return self.inferred_categories.get(key) or self.inferred_category(key), True

    def inferred_category(self, key: tuple[str, str | None]) -> str:
        """Return the category a (target, position or name) suggests, kept for the rows after."""
        category = self.inferred_categories[key] = _infer(*key)
        return category

    def duplicate(self, row: ParsedRow, first: int, found: list[ImportIssue]) -> None:
        """The same person or collective with the same award as an earlier row of the list."""
        self.problem(found, row, "name", "duplicate_in_file", f"Trùng với dòng {first}: cùng người/tập thể, cùng "
                     "danh hiệu. Xóa một trong hai dòng.")


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
    # A year with none of these awards on record (a first list) has nothing to compare: the loop below took about
    # 0.1 s per 100k records for no hit. A string, not the enum, compared per record (str-Enum __eq__ is slower).
    for record in records if existing_people or existing_collectives else ():
        if not record.award_id or not record.name:
            continue
        if record.target == _CA_NHAN:
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
    people = [r for r in records if r.target == _CA_NHAN and r.name_key and r.unit_id is not None]
    if not people:
        return []
    units = sorted({r.unit_id for r in people})
    known: dict[tuple[str, int], set[int | None]] = {}
    for key, birth, unit in session.exec(select(Person.name_key, Person.birth_year, Person.unit_id)
                                         .where(col(Person.unit_id).in_(units))).all():
        known.setdefault((key, unit), set()).add(birth)
    found = []
    for record in people if known else ():  # units with nobody on record yet: no one to be confused with
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

