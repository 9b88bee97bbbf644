"""The columns of a nomination list: what each header names, where the header rows are, and the layout of the
fields a row is read from (worked out once per sheet)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tdkt.importing.cells import CA_NHAN, EXCEL_ERRORS, HO_GIA_DINH, NAM, NU, TAP_THE, fold_words
from tdkt.importing.headers import MAX_HEADER_LEN, SCAN_ROWS, has, header_cell

# Kinds a column can have. Kinds starting with "x_" are recognised (they help find the header) but not read.
CODE_KINDS = {"target_code": "target", "award_code": "award", "category_code": "category", "field_code": "field"}
BIRTH_KINDS = {"birth_year", "birth_date"}

@lru_cache(maxsize=4096)
def classify(text: str | None) -> str | None:
    """Return the kind of column a header names, or None when it is not one we know."""
    if not text or len(text) > MAX_HEADER_LEN:
        return None
    lowered = " ".join(text.lower().split())
    if lowered in ("nam", "male"):  # "Năm" (year) keeps its breve, so it never lands here
        return "male"
    if lowered in ("nữ", "nu", "female"):
        return "female"
    key = fold_words(text)
    if not key:
        return None
    k = f" {key} "
    if key in ("stt", "tt", "so tt", "so thu tu", "thu tu", "s tt") or key.startswith("stt "):
        return "stt"
    if key.startswith("ma ") or key in ("ma", "ma so"):
        # National layout code columns (filled by VLOOKUP or typed from the DANHMUC sheet).
        if has(k, "loai khen thuong", "doi tuong khen thuong"):
            return "target_code"
        if has(k, "danh hieu", "hinh thuc", "khen thuong"):
            return "award_code"
        if has(k, "phan loai", "doi tuong", "can bo", "tap the"):
            return "category_code"
        if has(k, "linh vuc"):
            return "field_code"
        return "x_code"
    if has(k, "ten goi", "ong ba", "danh xung", "xung ho", "cap bac", "quan ham"):
        return "honorific"
    if has(k, "thanh tich", "tom tat"):
        return "achievements"
    if has(k, "ghi chu"):
        return "note"
    if has(k, "loai khen thuong", "doi tuong khen thuong") or (
        has(k, "ca nhan") and has(k, "tap the") and not has(k, "ten", "ho ten", "ho va ten")
    ):
        return "target"
    if has(k, "phan loai", "doi tuong"):
        return "category"
    if has(k, "linh vuc"):
        return "field"
    if has(k, "sang kien", "de tai", "giai phap"):
        return "x_initiative"
    if not has(k, "ho ten", "ho va ten") and (
        has(k, "danh hieu", "hinh thuc", "muc khen", "khen thuong") or key in ("de nghi", "noi dung de nghi")
    ):
        if has(k, "da dat", "da duoc", "nam truoc", "cac nam", "quyet dinh", "so qd", "ngay"):
            return "x_award_history"  # awards already received, or the decision that gave them
        return "award"
    has_position = has(k, "chuc vu", "chuc danh")
    has_unit = has(k, "don vi", "co quan", "noi cong tac", "noi lam viec")
    if has_position and has_unit:
        return "position_unit"
    if has_position or has(k, "nghe nghiep"):
        return "position"
    if has(k, "phong ban", "bo phan", "to cong tac", "khoa phong", "phong khoa", "ten phong") or key == "phong":
        return "department"
    if has(k, "nam sinh", "ngay sinh", "sinh ngay", "sinh nam", "thang nam sinh"):
        suffix = "_date" if has(k, "ngay") else ""
        last = lowered.rstrip(" )").rsplit(maxsplit=1)[-1].lstrip("(")  # diacritics kept: "năm" is not "nam"
        if last in ("nam", "nữ", "nu"):  # one column per gender written in full: "Năm sinh Nam" | "Năm sinh Nữ"
            return f"birth_{'male' if last == 'nam' else 'female'}{suffix}"
        return "birth_date" if suffix else "birth_year"
    if has(k, "gioi tinh") or key in ("gioi", "nam nu"):
        return "gender"
    if has_unit and has(k, "cong tac", "lam viec", "truc thuoc", "chu quan", "de nghi"):
        return "unit"
    if has(k, "ho ten", "ho va ten", "ten tap the", "ten ca nhan", "ten to chuc", "ten ho gia dinh", "ten nguoi",
            "ten don vi", "ten co quan") or key == "ten":
        return "name"
    if has_unit:
        return "unit"
    if has(k, "dia chi", "noi o", "que quan", "thuong tru"):
        return "x_address"
    return None


def _concepts(kind: str) -> tuple[str, ...]:
    """Return what a column kind tells about a row, for scoring header candidates."""
    if kind.startswith(("birth_male", "birth_female")):
        return ("birth", "gender")
    if kind in ("gender_male", "gender_female", "gender"):
        return ("gender",)
    if kind in BIRTH_KINDS:
        return ("birth",)
    if kind.startswith("x_"):
        return ("extra",)
    return (kind,)


_NUMBERING = re.compile(r"^\(?\s*\d+\s*\)?$|^\(?[a-zA-Z]\)$")


def _looks_like_subheader(row: list[Any]) -> bool:
    """True when a row can be the lower half of a two-row header: short texts only, one of them a known header."""
    known = False
    for value in row:
        if value is None or value == "":
            continue
        if type(value) is not str:
            return False
        text = value.strip()
        if not text:
            continue
        if len(text) > 80 or _NUMBERING.match(text) or text in EXCEL_ERRORS:
            return False
        known = known or classify(text) is not None
    return known


@dataclass(slots=True)
class Candidate:
    """One way to read the header: its rows, the header text and kind of each column."""

    first_row: int  # 0-based
    last_row: int  # 0-based
    headers: list[str | None]
    kinds: list[str | None]

    def score(self) -> tuple[int, int, int] | None:
        concepts: set[str] = set()
        for kind in self.kinds:
            if kind and kind != "x_code":
                concepts.update(_concepts(kind))
        if "name" not in concepts or len(concepts) < 2:
            return None
        if concepts == {"stt", "name"} and "x_code" in self.kinds:  # "STT | Mã | Tên": a code list, not of people
            return None
        mapped = sum(1 for kind in self.kinds if kind)
        return len(concepts), mapped, self.first_row - self.last_row  # fewer header rows win a tie


def _single(rows: list[list[Any]], r: int, width: int) -> Candidate:
    headers = [header_cell(rows[r], c) for c in range(width)]
    kinds = []
    for header in headers:
        kind = classify(header)
        kinds.append({"male": "gender_male", "female": "gender_female"}.get(kind, kind) if kind else None)
    return Candidate(r, r, headers, kinds)


def _pair(rows: list[list[Any]], r: int, width: int) -> Candidate:
    """Read rows r and r+1 as one header: a merged group cell above its sub-columns, or a cell merged downwards."""
    top_row, sub_row = rows[r], rows[r + 1]
    headers: list[str | None] = []
    kinds: list[str | None] = []
    tops = [header_cell(top_row, c) for c in range(width)]
    subs = [header_cell(sub_row, c) for c in range(width)]
    carried: str | None = None  # a merged group header, carried right across the empty cells of its merge
    for c in range(width):
        top, sub = tops[c], subs[c]
        if top:
            # A group spans at least two sub-columns: the merge leaves the cell to its right empty. Under a
            # header that stands alone the lower cell is not a sub-header (it may be the first data row).
            group = bool(sub) and c + 1 < width and not tops[c + 1] and bool(subs[c + 1])
            carried = top if group else None
            if not group:
                sub = None
        elif sub:
            top = carried
        else:
            carried = None
        if top and sub and top != sub:
            header = f"{top} / {sub}"
            top_kind, sub_kind = classify(top), classify(sub)
            if sub_kind in ("male", "female"):
                if top_kind in BIRTH_KINDS:
                    kind = f"birth_{sub_kind}" if top_kind == "birth_year" else f"birth_{sub_kind}_date"
                elif top_kind in ("gender", None):
                    kind = f"gender_{sub_kind}"
                else:
                    kind = None
            else:
                kind = sub_kind or top_kind
        else:
            header = top or sub
            kind = classify(header)
            if kind in ("male", "female"):
                kind = f"gender_{kind}"
        headers.append(header)
        kinds.append(kind)
    return Candidate(r, r + 1, headers, kinds)


def is_code_header(text: str | None) -> bool:
    """True for the header of a code list's code column: "Mã", "Mã số", "Mã số phân loại", "mahinhthuckt", "CODE"."""
    words = fold_words(text or "").split()
    if not words:
        return False
    first = words[0]
    return first in ("ma", "maso", "code", "id") or (first.startswith("ma") and len(first) >= 6 and first.isalpha())


def _without_list_beside(candidate: Candidate) -> Candidate:
    """Return the candidate without a code list written beside the table on its header row.

    Past an empty header cell right of the name column, a run of headers holding a code header next to a list's name
    header ("Mã số | Hình thức khen thưởng", "tenphanloai | maphanloai") is a list, not the table's: its cells are
    left unread (`code_lists` reads the list). The table's own code columns after a gap come as a run of codes alone
    (the national layout's R:U, "Mã Phân loại khen thưởng | Mã Danh hiệu thi đua | …") and stay.
    """
    headers, kinds = candidate.headers, candidate.kinds
    if None not in headers or "name" not in kinds:
        return candidate
    block: int | None = None  # where the run of headers after a gap starts (-1: a gap, no header yet)
    for c in range(kinds.index("name") + 1, len(headers) - 1):
        if not headers[c]:
            block = -1
            continue
        if block == -1:
            block = c
        if block is None or not headers[c + 1]:
            continue
        code, other = (c, c + 1) if is_code_header(headers[c]) else (c + 1, c)
        if is_code_header(headers[code]) and not is_code_header(headers[other]) and \
                kinds[other] in (None, "name", "award", "category", "field", "target"):
            cut = len(headers) - block
            return Candidate(candidate.first_row, candidate.last_row, headers[:block] + [None] * cut,
                             kinds[:block] + [None] * cut)
    return candidate


def find_header(rows: list[list[Any]]) -> Candidate | None:
    """Return the best header reading among the first rows, or None when no row names a list's columns."""
    limit = min(SCAN_ROWS, len(rows))
    width = max((len(row) for row in rows[:limit + 1]), default=0)
    best: Candidate | None = None
    best_score: tuple[int, int, int] | None = None
    for r in range(limit):
        if not any(isinstance(v, str) and v.strip() for v in rows[r]):
            continue
        candidates = [_single(rows, r, width)]
        if r + 1 < len(rows) and _looks_like_subheader(rows[r + 1]):
            candidates.append(_pair(rows, r, width))
        for candidate in map(_without_list_beside, candidates):
            score = candidate.score()
            if score is not None and (best_score is None or score > best_score):
                best, best_score = candidate, score
    return best


@dataclass(slots=True)
class Layout:
    """Where each field sits in the rows (0-based column indexes), worked out once per sheet."""

    columns: dict[str, str]  # field -> header as written
    index: dict[str, int]  # kind -> column
    award_code_cols: list[int]
    gender_marks: list[tuple[int, str]]  # "Giới tính" split into Nam | Nữ columns: (column, gender)
    birth_splits: list[tuple[int, str]]  # "Năm sinh" split into Nam | Nữ columns: (column, gender)
    birth_split_is_date: bool
    cells: list[tuple[str, int]]  # (header as written, column) for ParsedRow.cells
    content: list[int]  # columns whose values make a row a data row
    lead_limit: int  # section / sub-group rows have text only left of this column
    width: int
    choices: dict[str, int] = field(default_factory=dict)  # kind -> its "Lựa chọn …" column, beside the kind's own


# Fields the national layout lets the user pick in a "Lựa chọn X" column beside an "X" column a formula fills.
CHOICE_KINDS = frozenset({"target", "award", "category", "field"})


def is_choice_header(header: str | None) -> bool:
    """True for the header of a column where the user picks the value ("Lựa chọn phân loại khen thưởng")."""
    return fold_words(header or "").startswith(("lua chon ", "chon "))


def _prefer_person_name(candidate: Candidate) -> list[str | None]:
    """Return the kinds with "Tên đơn vị" read as the unit when the list also has "Họ và tên" (or "Tên tập thể")."""
    kinds = list(candidate.kinds)
    names = [c for c, kind in enumerate(kinds) if kind == "name"]
    if len(names) < 2:
        return kinds
    weak = [c for c in names if has(f" {fold_words(candidate.headers[c] or '')} ", "don vi", "co quan")
            and not has(f" {fold_words(candidate.headers[c] or '')} ", "ho ten", "ho va ten", "tap the", "ca nhan")]
    if weak and len(weak) < len(names) and "unit" not in kinds:
        kinds[weak[0]] = "unit"
    return kinds


def layout_of(candidate: Candidate) -> Layout:
    candidate = Candidate(candidate.first_row, candidate.last_row, candidate.headers, _prefer_person_name(candidate))
    index: dict[str, int] = {}
    columns: dict[str, str] = {}
    award_code_cols: list[int] = []
    gender_marks: list[tuple[int, str]] = []
    birth_splits: list[tuple[int, str]] = []
    birth_split_is_date = False
    cells: list[tuple[str, int]] = []
    choices: dict[str, int] = {}
    seen_headers: dict[str, int] = {}
    for col, (header, kind) in enumerate(zip(candidate.headers, candidate.kinds, strict=True)):
        if header:
            count = seen_headers.get(header, 0) + 1
            seen_headers[header] = count
            cells.append((header if count == 1 else f"{header} ({count})", col))
        if not kind:
            continue
        if kind in CHOICE_KINDS and is_choice_header(header):
            if kind not in choices:
                choices[kind] = col
                columns[f"{kind}_choice"] = header or ""
            continue
        if kind in ("gender_male", "gender_female"):
            gender_marks.append((col, NAM if kind == "gender_male" else NU))
            columns.setdefault(kind, header or "")
            continue
        if kind.startswith("birth_male") or kind.startswith("birth_female"):
            birth_splits.append((col, NAM if kind.startswith("birth_male") else NU))
            birth_split_is_date = birth_split_is_date or kind.endswith("_date")
            columns.setdefault(kind.removesuffix("_date"), header or "")
            continue
        if kind == "award_code":
            award_code_cols.append(col)
        if kind == "award" and "award" in index:
            # Prefer the column of the award being nominated ("Danh hiệu đề nghị") over any other award column.
            if "de nghi" not in fold_words(columns["award"]) and "de nghi" in fold_words(header or ""):
                index["award"] = col
                columns["award"] = header or ""
            continue
        if kind in index:
            continue
        index[kind] = col
        if kind in BIRTH_KINDS:
            columns.setdefault("birth", header or "")
            columns[kind] = header or ""
        elif not kind.startswith("x_"):
            columns[kind] = header or ""
    for kind, col in list(choices.items()):  # a choice column without its formula column is the kind's column
        if kind not in index:
            index[kind] = col
            columns[kind] = columns.pop(f"{kind}_choice")
            del choices[kind]
    # A code column stands in for its concept only when the list has no column with the name.
    for code_kind, concept in CODE_KINDS.items():
        if code_kind in index and concept not in index:
            columns[concept] = columns[code_kind]
    # Columns whose values make a row worth reading (or worth a "missing_name"): everything the user types,
    # including headers we do not know ("Địa chỉ", "Số CCCD"…), but not STT (templates come pre-numbered) and
    # not code columns that a VLOOKUP fills from a name column (they show 0 or #N/A on empty rows).
    derived = {"stt", "x_code"} | {code for code, concept in CODE_KINDS.items() if concept in index}
    content = [col for col, kind in enumerate(candidate.kinds) if kind and kind not in derived]
    content += [col for _, col in cells if candidate.kinds[col] is None]
    lead = [index[k] for k in ("stt", "honorific", "name") if k in index]
    return Layout(
        columns=columns,
        index=index,
        award_code_cols=award_code_cols,
        gender_marks=gender_marks,
        birth_splits=birth_splits,
        birth_split_is_date=birth_split_is_date,
        cells=cells,
        content=sorted(set(content)),
        lead_limit=_lead_limit(lead, candidate.kinds),
        width=len(candidate.headers),
        choices=choices,
    )


def _lead_limit(lead: list[int], kinds: list[str | None]) -> int:
    """Return the column left of which section and sub-group rows write their text (STT, Ông/Bà, name)."""
    limit = max(lead, default=0) + 1
    if limit == 1 and len(kinds) > 1 and kinds[1] is None:
        limit = 2  # no STT column: a label may spill into an unused second column
    return limit


def header_target(header: str | None) -> str | None:
    """Return the target the name column's header implies ("Tên tập thể" -> collectives), if only one."""
    key = f" {fold_words(header or '')} "
    collective = has(key, "tap the", "don vi", "to chuc", "co quan")
    person = has(key, "ho ten", "ho va ten", "ca nhan")
    household = has(key, "ho gia dinh")
    found = [t for t, yes in ((TAP_THE, collective), (CA_NHAN, person), (HO_GIA_DINH, household)) if yes]
    return found[0] if len(found) == 1 else None

