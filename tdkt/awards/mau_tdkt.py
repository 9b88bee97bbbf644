"""A year's award decisions in the national import layout (MauTDKT_20231004.xlsx), with the national codes filled in."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from tdkt.awards import categories
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Target, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, nominee_order
from tdkt.core.workbook import put, save

# The import sheet as the national layout has it: /work/shared/samples/other-province/MauTDKT_20231004.xlsx, sheet
# "file nhận", row 1, columns A–U (J–Q carry no header and stay empty, so the codes stay in columns R–U).
SHEET = "file nhận"
HEADERS: tuple[str | None, ...] = (
    "STT", "Tên gọi\n(Ông/Bà/Chức danh)", "Tên tập thể/cá nhân/hộ gia đình", "Chức vụ", "Đơn vị công tác",
    "Phân loại khen thưởng", "Danh hiệu thi đua/Hình thức khen thưởng", "Phân loại đối tượng", "Lĩnh vực hoạt động",
    None, None, None, None, None, None, None, None,
    "Mã Phân loại khen thưởng", "Mã Danh hiệu thi đua", "Mã phân loại loại tượng", "Mã Lĩnh vực hoạt động",
)
# Column widths of the sample's import sheet, so the file looks the same when opened.
_WIDTHS = {"A": 4.1, "B": 12.9, "C": 27.1, "D": 28.9, "E": 20.7, "F": 21.1, "G": 22.6, "H": 33.0, "I": 25.1,
           "R": 12.0, "S": 12.0, "T": 12.0, "U": 8.0}

# The sample's hidden sheet "phan loai kt": kind of award (the target) and its code.
KINDS: dict[str, tuple[str, str]] = {
    Target.CA_NHAN: ("Khen thưởng cá nhân", "CANHAN"),
    Target.TAP_THE: ("Khen thưởng tập thể", "TAPTHE"),
    Target.HO_GIA_DINH: ("Khen thưởng hộ gia đình", "HOGIADINH"),
}
# The sample's hidden sheet PLDT, in its order (names and codes live in tdkt.categories).
PLDT: tuple[tuple[str, str], ...] = (
    categories.PARTY, categories.CENTRAL, categories.HOUSEHOLD, categories.PROVINCE_LEADER,
    categories.DEPARTMENT_LEADER, categories.BUSINESS_PERSON, categories.MANAGER, categories.DIRECT_WORKER,
    categories.ADMINISTRATION, categories.PUBLIC_SERVICE, categories.ENTERPRISE, categories.COOPERATIVE,
    categories.OTHER,
)
# The sample's hidden sheets HTKT (award names and codes) and LVHD (fields of activity), row by row.
HTKT: tuple[tuple[str, str], ...] = (
    ("Anh hùng Lực lượng vũ trang Nhân dân", "1671247613"),
    ("Anh hùng Lao động", "1650360372"),
    ("Bà mẹ Việt Nam anh hùng", "1671247630"),
    ("Bảng vàng danh dự", "1671247650"),
    ("Bằng có công với nước", "1671247667"),
    ("Bằng Tổ quốc ghi công", "1671247686"),
    ("Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương", "1650360491"),
    ("Bằng khen của Thủ tướng Chính phủ", "1671247716"),
    ("Cờ thi đua của Chính phủ", "1647933079"),
    ("Cờ thi đua cấp Bộ, ngành, tỉnh, đoàn thể trung ương", "1647933114"),
    ("Cờ thi đua của UBND tỉnh", "1668522916"),
    ("Chiến sĩ thi đua cơ sở", "1647933380"),
    ("Chiến sĩ thi đua toàn quốc", "1647933381"),
    ("Chiến sĩ thi đua cấp Bộ, ngành, tỉnh, đoàn thể trung ương", "1647508703"),
    ("Chiến sĩ tiên tiến", "1647933054"),
    ("Đơn vị quyết thắng", "1647933178"),
    ("Đơn vị tiên tiến", "1647933213"),
    ("Giải thưởng Hồ Chí Minh", "1671247920"),
    ("Giải thưởng Nhà nước", "1671247953"),
    ("Gia đình văn hóa", "1647933227"),
    ("Giấy khen của Thủ trưởng cơ quan, đơn vị thuộc bộ, ngành, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
     "1672804384"),
    ("Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân cấp tỉnh",
     "1672804435"),
    ("Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", "1672804473"),
    ("Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện", "1650360499"),
    ("Huy chương Chiến sĩ vẻ vang hạng ba", "1671247085"),
    ("Huy chương Chiến sĩ vẻ vang hạng nhì", "1671247098"),
    ("Huy chương Chiến sĩ vẻ vang hạng nhất", "1671247111"),
    ("Huy chương chiến thắng hạng nhất", "1671247176"),
    ("Huy chương chiến thắng hạng nhì", "1671247208"),
    ("Huy chương Hữu nghị", "1671247235"),
    ("Huy chương Kháng chiến chống mỹ hạng nhất", "1671247276"),
    ("Huy chương Kháng chiến chống mỹ hạng nhì", "1671247291"),
    ("Huy chương Kháng chiến chống Pháp hạng nhất", "1671247344"),
    ("Huy chương Kháng chiến chống Pháp hạng nhì", "1671247355"),
    ("Huy chương Quân kỳ Quyết thắng", "1671247390"),
    ("Huy chương Vì an ninh Tổ quốc", "1671247419"),
    ("Huân chương Sao vàng", "1650359884"),
    ("Huân chương Hồ Chí Minh", "1650359965"),
    ("Huân chương Đại đoàn kết dân tộc", "1650360214"),
    ("Huân chương Dũng cảm", "1650360227"),
    ("Huân chương Hữu nghị", "1650360234"),
    ("Huân chương Bảo vệ Tổ quốc", "1650360247"),
    ("Huân chương Quân kỳ quyết thắng", "1650360299"),
    ("Huân chương Chiến sĩ vẻ vang", "1650360312"),
    ("Huân chương Vì an ninh Tổ quốc", "1650360334"),
    ("Huân chương Độc lập hạng Nhất", "1671246141"),
    ("Huân chương Độc lập hạng Nhì", "1671246307"),
    ("Huân chương Độc lập hạng Ba", "1671246319"),
    ("Huân chương Quân công hạng nhất", "1671246377"),
    ("Huân chương Quân công hạng nhì", "1671246392"),
    ("Huân chương Quân công hạng ba", "1671246400"),
    ("Huân chương Lao động hạng nhất", "1671246434"),
    ("Huân chương Lao động hạng nhì", "1671246446"),
    ("Huân chương Lao động hạng ba", "1671246455"),
    ("Huân chương Bảo vệ Tổ quốc hạng nhất", "1671246509"),
    ("Huân chương Bảo vệ Tổ quốc hạng nhì", "1671246519"),
    ("Huân chương Bảo vệ Tổ quốc hạng ba", "1671246527"),
    ("Huân chương Chiến công hạng nhất", "1671246568"),
    ("Huân chương Chiến công hạng nhì", "1671246576"),
    ("Huân chương Chiến công hạng ba", "1671246583"),
    ("Huân chương Chiến sĩ vẻ vang hạng nhất", "1671246672"),
    ("Huân chương Chiến sĩ vẻ vang hạng nhì", "1671246681"),
    ("Huân chương Chiến sĩ vẻ vang hạng ba", "1671246690"),
    ("Huân chương Chiến thắng hạng nhất", "1671246759"),
    ("Huân chương Chiến thắng hạng nhì", "1671246796"),
    ("Huân chương Chiến thắng hạng ba", "1671246804"),
    ("Huân chương Kháng chiến chống Mỹ hạng nhất", "1671246871"),
    ("Huân chương Kháng chiến chống Mỹ hạng nhì", "1671246880"),
    ("Huân chương Kháng chiến chống Mỹ hạng ba", "1671246889"),
    ("Huân chương Kháng chiến chống Pháp hạng nhất", "1671246907"),
    ("Huân chương Kháng chiến chống Pháp hạng nhì", "1671246920"),
    ("Huân chương Kháng chiến chống Pháp hạng ba", "1671246929"),
    ("Kỷ niệm chương chiến sĩ cách mạng bị địch bắt tù đày", "1671248221"),
    ("Kỷ niệm chương, Huy hiệu", "1671248245"),
    ("Nghệ sĩ Nhân dân", "1671248008"),
    ("Nghệ sĩ Ưu tú", "1671248021"),
    ("Nghệ nhân Nhân dân", "1671248060"),
    ("Nghệ nhân Ưu tú", "1671248072"),
    ("Nhà giáo Nhân dân", "1671248092"),
    ("Nhà giáo ưu tú", "1650360413"),
    ("Nhà giáo nhân dân", "1650360387"),
    ("Lao động tiên tiến", "1647933042"),
    ("Tập thể lao động xuất sắc", "1647933151"),
    ("Tập thể lao động tiên tiến", "1647933198"),
    ("Tỉnh Anh hùng", "1671248127"),
    ("Thành phố Anh hùng", "1671248144"),
    ("Thầy thuốc Nhân dân", "1671248170"),
    ("Thầy thuốc Ưu tú", "1671248182"),
    ("Thôn văn hóa", "1672806150"),
)
LVHD: tuple[tuple[str, str], ...] = (
    ("An ninh - Quốc phòng", "0001"),
    ("Báo chí - Thông tin - Truyền thông", "0009"),
    ("Bảo hiểm xã hội", "0021"),
    ("Các cơ quan, tổ chức Đảng", "0022"),
    ("Các tổ chức Hội và Đoàn thể", "0020"),
    ("Công nghiệp - Thương mại", "0002"),
    ("Cơ quan lập pháp", "0023"),
    ("Giáo dục - Đào tạo", "0003"),
    ("Giao thông vận tải", "0004"),
    ("Kế hoạch - Đầu tư", "0024"),
    ("Kinh tế - Xã hội", "0014"),
    ("Khoa học - Công nghệ", "0006"),
    ("Lao động, Thương Binh và Xã hội", "0019"),
    ("N/A", "0005"),
    ("Nông nghiệp - Nông thôn", "0007"),
    ("Ngoại giao", "0015"),
    ("Quản lý Nhà nước", "0013"),
    ("Tài chính - Ngân hàng", "0008"),
    ("Tài nguyên - Môi trường", "0018"),
    ("Tôn giáo - Tín ngưỡng", "0016"),
    ("Tư pháp - Thanh tra - Tòa án - Kiểm sát", "0017"),
    ("Văn hóa - Thể Thao - Du lịch", "0010"),
    ("Xây dựng", "0011"),
    ("Y tế", "0012"),
)
# The department's field of activity (Sở Công Thương): every row gets it, as the national list has no finer one.
DEFAULT_FIELD = "Công nghiệp - Thương mại"
_TARGET_ORDER = {Target.CA_NHAN: 0, Target.TAP_THE: 1, Target.HO_GIA_DINH: 2}
_HTKT_NAME = {code: name for name, code in reversed(HTKT)}  # a code listed twice keeps its first name
_LVHD_CODE = dict(LVHD)
_PLDT_CODE = dict(PLDT)
COLUMNS = ["title", "name", "position", "unit", "kind", "award_national", "category", "field", "kind_code",
           "award_code", "category_code", "field_code", "decision_number", "decision_date", "decision_authority",
           "award", "note"]


@dataclass(frozen=True, slots=True)
class _Lookup:
    """A hidden lookup sheet of the layout: its name, header and rows; code_as_number mirrors the sample's cells."""

    sheet: str
    header: tuple[str | None, str | None]
    rows: tuple[tuple[str, str], ...]
    code_as_number: bool = False


_LOOKUPS = (
    _Lookup("HTKT", ("tenhinhthuckt", "mahinhthuckt"), HTKT),
    _Lookup("PLDT", ("tenphanloai", "maphanloai"), PLDT, code_as_number=True),
    _Lookup("LVHD", ("NAME", "CODE"), LVHD),
    _Lookup("phan loai kt", (None, None), tuple(KINDS.values())),
)
# Which import column picks from which lookup sheet (the sample's list validations and VLOOKUPs).
_PICKS = {"F": "phan loai kt", "G": "HTKT", "H": "PLDT", "I": "LVHD"}


def _title(gender: str | None) -> str | None:
    key = fold(gender)
    return {"nam": "Ông", "nu": "Bà"}.get(key)


def decision_rows(session: Session, *, year: int, actor: Actor | None, field: str = DEFAULT_FIELD) -> pd.DataFrame:
    """Return the year's decided nominations (a unit user: its own unit's) as the layout's rows, codes filled in.

    Rows go by decision (date, number), then individuals, collectives, households, each by name. `note` says what
    the file could not fill (an award without a national code) or had to guess (an object category missing)."""
    require(actor, "xem")
    if field not in _LVHD_CODE:
        raise ValueError(f"Lĩnh vực hoạt động “{field}” không có trong danh mục LVHD của mẫu quốc gia.")
    stmt = (
        select(Nomination, Person, Award, Unit.name)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
        .where(Nomination.year == year, Nomination.status == NominationStatus.CO_QUYET_DINH.value)
    )
    if actor.role.value == "don_vi":
        stmt = stmt.where(Nomination.unit_id == actor.unit_id)
    rows = []
    for n, person, award, unit in session.exec(stmt).all():
        target = Target(n.target)
        name = person.full_name if person else n.collective_name
        position = (n.position or (person.position if person else None)) if target == Target.CA_NHAN else None
        unit_name = unit or n.unit_text
        if target != Target.CA_NHAN and fold(unit_name) == fold(name):
            unit_name = None
        notes = []
        award_name = _HTKT_NAME.get((award.national_code or "").strip())
        if award_name is None:
            notes.append(f"Danh hiệu/hình thức “{award.name}” chưa có mã trong danh mục HTKT quốc gia: "
                         "chọn mã khi nhập vào hệ thống quốc gia.")
        category = categories.match(n.category) or categories.match(person.category if person else None)
        if target == Target.HO_GIA_DINH:
            category = categories.HOUSEHOLD[0]
        elif category is None:
            category = categories.infer(target=target.value, position=position, name=name)
            notes.append(f"Chưa ghi phân loại đối tượng; đã suy ra “{category}”, cần kiểm tra lại.")
        kind, kind_code = KINDS[target]
        rows.append({
            "title": (person.title or _title(person.gender)) if person else None, "name": name, "position": position,
            "unit": unit_name, "kind": kind, "award_national": award_name or award.name, "category": category,
            "field": field, "kind_code": kind_code, "award_code": award.national_code if award_name else None,
            "category_code": int(_PLDT_CODE[category]), "field_code": _LVHD_CODE[field],
            "decision_number": n.decision_number, "decision_date": n.decision_date,
            "decision_authority": n.decision_authority, "award": award.name, "note": " ".join(notes) or None,
            "_order": (n.decision_date is None, n.decision_date, n.decision_number or "", _TARGET_ORDER[target],
                       nominee_order(name, individual=target == Target.CA_NHAN)),
        })
    rows.sort(key=lambda r: r.pop("_order"))
    return pd.DataFrame(rows, columns=COLUMNS)


def _header(sheet, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = put(sheet, 1, col, value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _import_sheet(sheet, frame: pd.DataFrame) -> None:
    _header(sheet, HEADERS)
    sheet.row_dimensions[1].height = 79.5
    for letter, width in _WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    fields = ["title", "name", "position", "unit", "kind", "award_national", "category", "field"]
    codes = ["kind_code", "award_code", "category_code", "field_code"]
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        put(sheet, r, 1, r - 1)
        for c, key in enumerate(fields, start=2):
            put(sheet, r, c, getattr(row, key))  # names, positions and units are users' text: a text cell each
        for c, key in enumerate(codes, start=18):
            cell = put(sheet, r, c, getattr(row, key))
            if isinstance(cell.value, str):
                cell.number_format = "@"
    sizes = {lookup.sheet: len(lookup.rows) for lookup in _LOOKUPS}
    for letter, source in _PICKS.items():
        quoted = f"'{source}'" if " " in source else source
        check = DataValidation(type="list", formula1=f"{quoted}!$A$2:$A${sizes[source] + 1}", allow_blank=True)
        check.add(f"{letter}2:{letter}{max(len(frame) + 1, 2) + 500}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"


def _decisions_sheet(sheet, frame: pd.DataFrame) -> None:
    _header(sheet, ["Số quyết định", "Ngày quyết định", "Cơ quan ban hành", "Số dòng", "Từ STT", "Đến STT"])
    r = 1
    keys = list(zip(frame.decision_number, frame.decision_date, frame.decision_authority, strict=True))
    start = 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] == keys[start]:
            continue
        number, on, authority = keys[start]
        r += 1
        values = [number, on, authority, i - start, start + 1, i]
        for c, value in enumerate(values, start=1):
            cell = put(sheet, r, c, value)
            if c == 2 and cell.value is not None:
                cell.number_format = "dd/mm/yyyy"
        start = i
    for letter, width in zip("ABCDEF", (22, 16, 40, 10, 8, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _notes_sheet(sheet, frame: pd.DataFrame) -> None:
    _header(sheet, ["STT", "Tên tập thể/cá nhân/hộ gia đình", "Danh hiệu/Hình thức (danh mục của Sở)", "Ghi chú"])
    r = 1
    for stt, row in enumerate(frame.itertuples(index=False), start=1):
        if isinstance(row.note, str) and row.note:  # a missing note may come back as NaN
            r += 1
            for c, value in enumerate([stt, row.name, row.award, row.note], start=1):
                put(sheet, r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (6, 30, 40, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _lookup_sheet(sheet, lookup: _Lookup) -> None:
    if any(lookup.header):
        for col, value in enumerate(lookup.header, start=1):
            put(sheet, 1, col, value)
    for r, (name, code) in enumerate(lookup.rows, start=2):
        put(sheet, r, 1, name)
        cell = put(sheet, r, 2, int(code) if lookup.code_as_number else code)
        if not lookup.code_as_number:
            cell.number_format = "@"
    sheet.column_dimensions["A"].width = max(len(name) for name, _ in lookup.rows) * 0.9
    sheet.column_dimensions["B"].width = 14
    sheet.sheet_state = "hidden"


def export_decisions(session: Session, *, year: int, actor: Actor | None, field: str = DEFAULT_FIELD) -> bytes:
    """Return an .xlsx of the year's decisions in the national import layout: sheet "file nhận" with the sample's
    columns and the codes as values; "Quyết định" (number, date, authority, which rows); "Ghi chú" when some row
    lacks a national code or had its object category guessed; the hidden lookup sheets HTKT, PLDT, LVHD and
    "phan loai kt" as in the sample."""
    frame = decision_rows(session, year=year, actor=actor, field=field)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    _import_sheet(sheet, frame)
    _decisions_sheet(workbook.create_sheet("Quyết định"), frame)
    if frame.note.notna().any():
        _notes_sheet(workbook.create_sheet("Ghi chú"), frame)
    for lookup in _LOOKUPS:
        _lookup_sheet(workbook.create_sheet(lookup.sheet), lookup)
    return save(workbook)
