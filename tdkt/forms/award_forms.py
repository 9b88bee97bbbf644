"""Biểu 0602.N (khen thưởng cấp nhà nước) and 0603.N (khen thưởng cấp bộ, tỉnh) of Thông tư 02/2023/TT-BNV: the decided
awards whose decision date lies in the form's period, by award column, object, category and way of awarding."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.awards import categories
from tdkt.core.models import TARGET_LABELS, Award, Nomination, NominationStatus, Person, Target
from tdkt.core.text import fold
from tdkt.forms.form_table import FormColumn, FormRow, FormTable, Period, add, period

STATE_CODE = "0602.N/BNV-TĐKT"
STATE_TITLE = "SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC"
PROVINCE_CODE = "0603.N/BNV-TĐKT"
PROVINCE_TITLE = ("SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, THÀNH PHỐ TRỰC THUỘC "
                  "TRUNG ƯƠNG")
SPLIT = "Chia ra"
COLLECTIVE, INDIVIDUAL = "Tập thể", "Cá nhân"
_DECIDED = NominationStatus.CO_QUYET_DINH.value

# The object rows shared by both forms: (key, label, unit), keys told apart in `_object_keys`.
OBJECT_ROWS = (
    ("tap_the", "- Tập thể", "Tập thể"),
    ("doanh_nghiep", "Trong đó: Doanh nghiệp", "Doanh nghiệp"),
    ("ho_gia_dinh", "- Hộ gia đình", "Hộ"),
    ("ca_nhan", "- Cá nhân", "Người"),
    (categories.PROVINCE_LEADER[0], "+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", "Người"),
    (categories.DEPARTMENT_LEADER[0], "+ Lãnh đạo cấp vụ, sở, ngành và tương đương", "Người"),
    (categories.BUSINESS_PERSON[0], "+ Doanh nhân", "Người"),
    (categories.MANAGER[0], "+ Các cấp lãnh đạo khác từ phó phòng trở lên", "Người"),
    (categories.DIRECT_WORKER[0], "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu "
                                  "(công nhân, nông dân,...)", "Người"),
)
WAY_ROWS = (
    ("thuong_xuyen", "- Thường xuyên (công trạng, thành tích)"),
    ("chuyen_de", "- Chuyên đề (theo đợt)"),
    ("dot_xuat", "- Đột xuất"),
    ("doi_ngoai", "- Đối ngoại"),
    ("cong_hien", "- Cống hiến. (quá trình cống hiến)"),
    ("nien_han", "- Niên hạn"),
    ("khang_chien", "- Kháng chiến"),
)
# The award's type (Award.merit_type) → the way row; the catalogue's "cong_hien" entries are the resistance and
# victory medals of earlier laws (tdkt.awards.catalog._former), so they count as Kháng chiến.
_WAY_OF_MERIT = {"cong_trang": "thuong_xuyen", "chuyen_de": "chuyen_de", "dot_xuat": "dot_xuat",
                 "doi_ngoai": "doi_ngoai", "nien_han": "nien_han", "cong_hien": "khang_chien"}
_HONOURS = ("anh hung", "ba me viet nam anh hung", "tinh anh hung", "thanh pho anh hung", "nha giao", "thay thuoc",
            "nghe si", "nghe nhan")
_MINISTRY = re.compile(r"\b(bo truong|bo(?! phan)|nganh)\b")


@dataclass(frozen=True, slots=True)
class Awarded:
    """One group of decided nominations counted alike: award, target, category, how many."""

    award_id: int
    award_code: str
    award_name: str
    position: int
    merit_type: str
    target: str
    category: str | None  # the national object category, stored or inferred
    inferred: bool
    ministry_route: bool  # the decision's authority text names a ministry (0602 rows 02/03)
    n: int


def _category(target: str, stored: str | None, person_category: str | None, position: str | None,
              name: str | None) -> tuple[str, bool]:
    """Return the object category of one awardee (the stored one, else the person's, else inferred) and whether it
    was inferred."""
    allowed = {Target.CA_NHAN.value: categories.INDIVIDUAL, Target.TAP_THE.value: categories.COLLECTIVE}.get(target)
    for text in (stored, person_category):
        found = categories.match(text)
        if found is not None and (allowed is None or found in [c for c, _ in allowed]):
            return found, False
    return categories.infer(target=target, position=position, name=name), True


def decided_in(session: Session, *, span: Period, levels: tuple[str, ...]) -> list[Awarded]:
    """Return the nominations decided in the period for awards of these levels, grouped as the forms count them."""
    position = func.coalesce(Nomination.position, Person.position)
    keys = (Award.id, Award.code, Award.name, Award.position, Award.merit_type, Nomination.target, Nomination.category,
            Person.category, position, Nomination.collective_name, Nomination.decision_authority)
    stmt = (select(*keys, func.count()).select_from(Nomination)
            .join(Award, Nomination.award_id == Award.id)
            .outerjoin(Person, Nomination.person_id == Person.id)
            .where(Nomination.status == _DECIDED, col(Nomination.decision_date) >= span.start,
                   col(Nomination.decision_date) <= span.end, col(Award.level).in_(levels))
            .group_by(*keys))
    found: Counter = Counter()
    for award_id, code, name, order, merit, target, stored, person_category, where, collective, authority, n in (
            session.exec(stmt).all()):
        category, inferred = _category(target, stored, person_category, where, collective)
        key = (award_id, code, name, order, merit, target, category, inferred,
               bool(_MINISTRY.search(fold(authority))))
        found[key] += int(n)
    return [Awarded(*key, n=n) for key, n in sorted(
        found.items(), key=lambda kv: (kv[0][3], kv[0][0], kv[0][5], kv[0][6] or ""))]


def _object_keys(item: Awarded) -> list[str]:
    """Return the object rows one awarded group counts in."""
    if item.target == Target.TAP_THE.value:
        return ["tap_the", *(["doanh_nghiep"] if item.category == categories.ENTERPRISE[0] else [])]
    if item.target == Target.HO_GIA_DINH.value:
        return ["ho_gia_dinh"]
    return ["ca_nhan", item.category or categories.DIRECT_WORKER[0]]


def _state_group(item: Awarded) -> str:
    """Return the 0602 column group (2–9) of a state-level award."""
    name = fold(item.award_name)
    if name.startswith(("huan chuong", "huy chuong")):
        return "2"
    if item.award_code == "GT_HCM":
        return "3"
    if item.award_code == "GT_NHA_NUOC":
        return "4"
    if name.startswith(_HONOURS):
        return "5"
    return {"CO_CP": "6", "BK_TTG": "7", "CSTD_TQ": "8"}.get(item.award_code, "9")


def _province_group(item: Awarded) -> str | None:
    """Return the 0603 column (2–5) of a ministry- or province-level award, None for one outside the form."""
    name = fold(item.award_name)
    if name.startswith("bang khen"):
        return "2"
    if name.startswith("chien si thi dua"):
        return "3"
    if name.startswith("co thi dua"):
        return "4"
    if name.startswith(("ky niem chuong", "huy hieu")):
        return "5"
    return None


_STATE_GROUPS = {
    "2": ("Các loại huân chương, huy chương", "pairs"),
    "3": ("Giải thưởng Hồ Chí Minh", "one"),
    "4": ("Giải thưởng Nhà nước", "one"),
    "5": ("Danh hiệu vinh dự nhà nước", "pairs"),
    "6": ("Cờ thi đua của Chính phủ", "one"),
    "7": ("Bằng khen của Thủ tướng Chính phủ", "pair"),
    "8": ("Chiến sĩ thi đua Toàn quốc", "one"),
    "9": ("Các hình thức khen thưởng khác", "pairs"),
}
_PROVINCE_COLUMNS = {
    "2": "Bằng khen",
    "3": "Chiến sĩ thi đua cấp bộ, cấp tỉnh",
    "4": "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
    "5": "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
}


def _side(item: Awarded) -> str:
    # A household is no individual: it is counted beside the collectives where a column splits the two.
    return INDIVIDUAL if item.target == Target.CA_NHAN.value else COLLECTIVE


def _state_columns(items: list[Awarded]) -> tuple[list[FormColumn], dict[tuple, int]]:
    """Return 0602's columns (sub-columns of 2, 5 and 9 per award found, a Tập thể/Cá nhân pair each; a group of
    one column is numbered as the group, sub-columns group.1, group.2, …) and the index of each (group, award id or
    None, side)."""
    columns = [FormColumn(("Tổng số",), "1=(2+...+9)")]
    where: dict[tuple, int] = {}
    for group, (title, shape) in _STATE_GROUPS.items():
        if shape == "one":
            where[(group, None, None)] = len(columns)
            columns.append(FormColumn((SPLIT, title), group))
            continue
        awards = [(None, None)] if shape == "pair" else list(dict.fromkeys(
            (i.award_id, i.award_name) for i in items if _state_group(i) == group)) or [(None, None)]
        number = 0
        for award_id, name in awards:
            for side in (COLLECTIVE, INDIVIDUAL):
                where[(group, award_id, side)] = len(columns)
                number += 1
                path = (SPLIT, title, name, side) if name else (SPLIT, title, side)
                columns.append(FormColumn(path, f"{group}.{number}"))
    return columns, where


def _state_index(item: Awarded, where: dict[tuple, int]) -> int:
    group = _state_group(item)
    if (group, None, None) in where:
        return where[(group, None, None)]
    return where.get((group, item.award_id, _side(item))) or where[(group, None, _side(item))]


def _rows(items: list[tuple[Awarded, int]], width: int, *, routes: bool, way_heading: str) -> list[FormRow]:
    """Return the rows of 0602 (routes=True: rows 02–03 and codes up to 21) or 0603, counted from (item, column)."""
    keys = ["total", *(["route_bo", "route_tinh"] if routes else [])]
    keys += [key for key, _, _ in OBJECT_ROWS] + [key for key, _ in WAY_ROWS]
    values = {key: [0] * width for key in keys}
    for item, column in items:
        counted = ["total", *_object_keys(item), _WAY_OF_MERIT.get(item.merit_type, "thuong_xuyen")]
        if routes:
            counted.append("route_bo" if item.ministry_route else "route_tinh")
        for key in counted:
            add(values[key], [column], n=item.n)
    numbers = iter(f"{n:02d}" for n in (range(1, 22) if routes else range(1, 18)))
    codes: dict[str, str] = {}
    for key in keys:
        codes[key] = next(numbers)
        if routes and key == "route_tinh":
            next(numbers), next(numbers)  # 0602 has no rows 04 and 05
    rows = [FormRow(label="Tổng số", code=codes["total"], values=tuple(values["total"]), bold=True)]
    if routes:
        rows += [FormRow(label="1. Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng", bold=True),
                 FormRow(label="- Bộ, ban, ngành, đoàn thể Trung ương", code=codes["route_bo"], unit="Bộ, ngành",
                         values=tuple(values["route_bo"])),
                 FormRow(label="- Tỉnh, thành phố trực thuộc Trung ương", code=codes["route_tinh"], unit="Tỉnh, TP",
                         values=tuple(values["route_tinh"]))]
    rows.append(FormRow(label=("2." if routes else "1.") + " Chia theo đối tượng khen thưởng:", bold=True))
    rows += [FormRow(label=label, code=codes[key], unit=unit, values=tuple(values[key]),
                     italic=key == "doanh_nghiep") for key, label, unit in OBJECT_ROWS]
    rows.append(FormRow(label=way_heading, bold=True))
    rows += [FormRow(label=label, code=codes[key], values=tuple(values[key])) for key, label in WAY_ROWS]
    return rows


def _details(items: list[tuple[Awarded, str]]) -> pd.DataFrame:
    """Return what was counted: award, column, object, category, number (the page shows it below the form)."""
    return pd.DataFrame([{"Danh hiệu, hình thức": i.award_name, "Cột": column,
                          "Đối tượng": TARGET_LABELS.get(Target(i.target), i.target),
                          "Phân loại đối tượng": (i.category or "") + (" (suy ra)" if i.inferred else ""),
                          "Số lượng": i.n} for i, column in items])


def _common_notes(session: Session, span: Period, items: list[Awarded]) -> list[str]:
    notes = ["Tính các hồ sơ “Có quyết định” có ngày quyết định trong kỳ báo cáo, mỗi tập thể, hộ gia đình, cá nhân "
             "một lần cho mỗi quyết định."]
    inferred = sum(i.n for i in items if i.inferred and i.target != Target.HO_GIA_DINH.value)
    if inferred:
        notes.append(f"{inferred} hồ sơ chưa ghi phân loại đối tượng: đã suy ra từ chức vụ hoặc tên tập thể, cần "
                     "kiểm tra lại (cột “Phân loại đối tượng” bên dưới).")
    undated = session.exec(select(func.count()).select_from(Nomination).where(
        Nomination.status == _DECIDED, col(Nomination.decision_date).is_(None), Nomination.year == span.year)).one()
    if undated:
        notes.append(f"{undated} hồ sơ năm {span.year} “Có quyết định” chưa ghi ngày quyết định: không tính.")
    if any(i.target == Target.HO_GIA_DINH.value for i in items):
        notes.append("Hộ gia đình tính vào cột “Tập thể” ở các cột chia tập thể/cá nhân.")
    return notes


def build_state(session: Session, *, year: int) -> FormTable:
    """Return biểu 0602 of a year: state-level awards decided in 01/12/(Y−1)–30/11/Y."""
    span = period(year)
    items = decided_in(session, span=span, levels=("nha_nuoc",))
    columns, where = _state_columns(items)
    placed = [(i, _state_index(i, where)) for i in items]
    rows = _rows(placed, len(columns), routes=True,
                 way_heading="3. Chia theo phương thức khen thưởng")
    notes = _common_notes(session, span, items)
    routed = sum(i.n for i in items if not i.ministry_route)
    if routed:
        notes.append(f"Chưa ghi đơn vị trình Thủ tướng Chính phủ: {routed} khen thưởng tính theo tờ trình của tỉnh "
                     "(mã 03), trừ khi cơ quan quyết định ghi tên bộ, ngành (mã 02).")
    return FormTable(code=STATE_CODE, title=STATE_TITLE, period=span, columns=columns, rows=rows,
                     has_unit_column=True, notes=notes,
                     details=_details([(i, columns[c].number) for i, c in placed]))


def build_province(session: Session, *, year: int) -> FormTable:
    """Return biểu 0603 of a year: ministry- and province-level awards decided in 01/12/(Y−1)–30/11/Y."""
    span = period(year)
    items = decided_in(session, span=span, levels=("tinh", "bo"))
    columns = [FormColumn(("Tổng số",), "1=(2+3+4+5)")]
    columns += [FormColumn((SPLIT, title), number) for number, title in _PROVINCE_COLUMNS.items()]
    counted = [(i, int(g) - 1) for i in items if (g := _province_group(i)) is not None]  # column "2" is index 1
    left_out = Counter()
    for i in items:
        if _province_group(i) is None:
            left_out[i.award_name] += i.n
    rows = _rows(counted, len(columns), routes=False,
                 way_heading="2. Chia theo phương thức khen thưởng")
    notes = _common_notes(session, span, [i for i, _ in counted])
    if left_out:
        notes.append("Không có cột trong biểu nên không tính: " + "; ".join(
            f"{name} ({n})" for name, n in left_out.items()) + ".")
    return FormTable(code=PROVINCE_CODE, title=PROVINCE_TITLE, period=span, columns=columns, rows=rows,
                     has_unit_column=True, notes=notes, details=_details([(i, columns[c].number) for i, c in counted]))
