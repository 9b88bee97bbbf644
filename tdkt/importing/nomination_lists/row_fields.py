"""Reading a row's target and person fields (gender, birth year or date) from the columns a list's layout found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tdkt.core.honorifics import is_household_name, join_titles, split_title, title_gender
from tdkt.importing.cells import (
    NAM,
    NU,
    TARGET_WORDS,
    birth_message,
    quick_fold,
    read_birth,
    read_gender,
    show_cell,
)
from tdkt.importing.nomination_lists.columns import Layout

Issue = Callable[[int, "str | None", str, str], None]  # (Excel row, column header, code, message)


def split_name(name: str, honorific: str | None) -> tuple[str, str | None, bool]:
    """Return (bare name, titles, whether the name is a household's) for a row's name and its honorific cell:
    "Đại tá Nguyễn Văn An" is matched and stored as "Nguyễn Văn An" with the title "Đại tá"; a household's name
    ("Gia đình ông …", "Hộ bà …") stays whole and makes the row a household whatever its columns say."""
    if name[:1] in "GgHh" and is_household_name(name):
        return name, honorific, True
    title, bare = split_title(name)
    if title is None or bare is None:
        return name, honorific, False
    return bare, join_titles(honorific, title), False


def target_of_words(folded: str) -> str | None:
    """Return the target a folded text names ("khen thuong ho gia dinh", "hogiadinh" -> household), or None."""
    for word, target in TARGET_WORDS:
        if word in folded:
            return target
    return None


_HONORIFIC_GENDER = {"Ông": NAM, "ông": NAM, "ÔNG": NAM, "Bà": NU, "bà": NU, "BÀ": NU}
_MARKS = frozenset({"x", "v", "1", "nam", "nu", "\u2713", "\u2714"})


def target_of_cell(value: Any) -> str | None:
    """Return the target a cell names, or None."""
    return target_of_words(quick_fold(show_cell(value)))


def target_reader(layout: Layout, issue: Issue) -> Callable[[list[Any], int], str | None]:
    """Return the reader of a row's own target: its "Lựa chọn phân loại khen thưởng" column (the value picked), else
    its "Phân loại khen thưởng" column, else its national target code column."""
    ix, columns = layout.index, layout.columns
    target_cols = [(layout.choices["target"], True, columns.get("target_choice"))] if "target" in layout.choices else []
    target_cols += [(ix[k], k == "target", columns.get(k)) for k in ("target", "target_code") if k in ix]
    miss = object()
    targets: dict[Any, str | None] = {}

    def read_target(row: list[Any], excel_row: int) -> str | None:
        target = None
        for t_i, is_name_column, header in target_cols:
            value = row[t_i]
            if value is None or value == "":
                continue
            target = targets.get(value, miss)
            if target is miss:
                target = targets[value] = target_of_cell(value)
            if target:
                break
            if is_name_column:
                issue(excel_row, header, "bad_target",
                      f"Phân loại khen thưởng “{show_cell(value)}” không rõ: ghi Cá nhân, Tập thể hoặc Hộ gia đình.")
        return target  # type: ignore[return-value]

    return read_target


def person_reader(layout: Layout, issue: Issue) -> Callable[[list[Any], int, str | None], tuple[Any, Any, Any]]:
    """Return the reader of a row's (gender, birth year, birth date): from a gender column, Nam | Nữ marks, a birth
    column, birth columns split by gender, or else the honorific ("Ông", "Bà")."""
    ix, columns = layout.index, layout.columns
    gender_i = ix.get("gender")
    birth_is_date = "birth_date" in ix
    birth_i = ix.get("birth_date", ix.get("birth_year"))
    gender_marks, birth_splits = layout.gender_marks, layout.birth_splits
    split_is_date = layout.birth_split_is_date
    genders: dict[Any, str] = {}
    births: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})  # by value, for year columns and date columns

    def read_person(row: list[Any], excel_row: int, honorific: str | None) -> tuple[Any, Any, Any]:
        gender = None
        gender_bad = False
        if gender_i is not None:
            value = row[gender_i]
            if value is not None and value != "":
                gender = genders.get(value)
                if gender is None:
                    gender = genders[value] = read_gender(value)
                if gender == "?":
                    gender, gender_bad = None, True
                    issue(excel_row, columns["gender"], "bad_gender",
                          f"Giới tính “{show_cell(value)}” không rõ: ghi Nam hoặc Nữ.")
        for mark_i, mark_gender in gender_marks:
            value = row[mark_i]
            if value is None or value == "":
                continue
            if gender and gender != mark_gender:
                issue(excel_row, columns.get("gender_female"), "bad_gender",
                      "Có đánh dấu ở cả cột Nam và cột Nữ: chỉ đánh dấu một cột.")
                gender, gender_bad = None, True
                break
            gender = mark_gender
        birth_value, birth_header, birth_date_col = None, None, birth_is_date
        if birth_i is not None:
            value = row[birth_i]
            if value is not None and value != "":
                birth_value, birth_header = value, columns["birth"]
        split_seen = None
        for split_i, split_gender in birth_splits:
            value = row[split_i]
            if value is None or value == "":
                continue
            header = columns["birth_male" if split_gender == NAM else "birth_female"]
            if split_seen and split_seen != split_gender:
                issue(excel_row, header, "bad_gender",
                      "Có năm sinh ở cả cột Nam và cột Nữ: chỉ ghi vào cột đúng giới tính.")
                birth_value, gender, gender_bad = None, None, True
                break
            split_seen = gender = split_gender
            if type(value) is str and len(value) <= 5 and quick_fold(value) in _MARKS:
                continue  # a mark under Nam or Nữ, not a year
            birth_value, birth_header, birth_date_col = value, header, split_is_date
        birth_year = birth_date = None
        if birth_value is not None:
            cache = births[birth_date_col]
            read = cache.get(birth_value)
            if read is None:
                read = cache[birth_value] = read_birth(birth_value, birth_date_col)
            if read[2]:
                issue(excel_row, birth_header, "bad_birth", birth_message(birth_value, read[2], birth_date_col))
            else:
                birth_year, birth_date = read[0], read[1]
        if gender is None and not gender_bad and honorific:
            # "Ông" / "Bà" say the gender (also in "Bà PGS.TS."); ranks and degrees do not
            gender = _HONORIFIC_GENDER.get(honorific) or title_gender(honorific)
        return gender, birth_year, birth_date

    return read_person

