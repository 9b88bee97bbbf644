"""The Hội đồng TĐKT's papers as .docx in the NĐ 30/2020 layout: a title's secret ballots and the meeting's minutes.

Both are built from plain dataclasses (tdkt.council fills them), never from a session. A ballot names no voter: one
identical page per council member, each nominee once, in Vietnamese name order. The minutes record what NĐ 98/2023
Điều 30 khoản 7 asks: the members present, the absent ones who voted in writing, and each nominee's votes as a share
of ALL the council's members.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tdkt.core.config import Settings
from tdkt.core.errors import Refused
from tdkt.core.text import fold, format_date, format_number, format_percent, name_sort_key, nfc, sort_key
from tdkt.reports.docx_layout import (
    TABLE_PT,
    TEXT_MM,
    cell_paragraph,
    data_table,
    layout_table,
    page_setup,
    paragraph,
    run,
)
from tdkt.reports.report_docx import header, place_and_date

COUNCIL = "Hội đồng Thi đua - Khen thưởng"
# In two lines the council's name reads "HỘI ĐỒNG / THI ĐUA - KHEN THƯỞNG", never "HỘI ĐỒNG THI ĐUA / - KHEN THƯỞNG".
COUNCIL_KEEP = ("Thi đua - Khen thưởng",)
MINUTES_NUMBER = "Số: …/BB-HĐTĐKT"
BALLOT_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Đồng ý", "Không đồng ý"]
COLLECTIVE_BALLOT_HEADERS = ["STT", "Tên tập thể", "Trực thuộc", "Đồng ý", "Không đồng ý"]
ATTENDANCE_HEADERS = ["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Tham dự"]
RESULT_HEADERS = ["STT", "Họ và tên", "Đơn vị", "Đồng ý / tổng số thành viên", "Tỷ lệ", "Kết quả"]
ATTENDANCE_LABELS = {
    "co_mat": "Có mặt",
    "vang_bo_phieu_bang_van_ban": "Vắng, bỏ phiếu bằng văn bản",
    "vang": "Vắng",
}
# The roles as the council's sheet and page name them; a code (chu_tich) reads as its label.
ROLE_LABELS = {"chu_tich": "Chủ tịch", "pho_chu_tich": "Phó Chủ tịch", "uy_vien_thu_ky": "Ủy viên thư ký",
               "uy_vien": "Ủy viên"}
_ROLE_ORDER = ["chu_tich", "pho_chu_tich", "uy_vien_thu_ky", "uy_vien"]
BLANK_NAME = "……………………………"
INSTRUCTION = ("Đồng ý người nào thì đánh dấu X vào ô “Đồng ý”, không đồng ý thì đánh dấu X vào ô “Không đồng ý” "
               "ở dòng của người đó. Dòng đánh dấu cả hai ô hoặc không đánh dấu ô nào không được tính cho người đó.")


@dataclass(frozen=True)
class BallotNominee:
    """One nominee as the ballot lists them."""

    name: str
    unit: str | None
    position: str | None


@dataclass(frozen=True)
class MemberAttendance:
    """One council member at the meeting: `attendance` is "co_mat", "vang_bo_phieu_bang_van_ban" or "vang"."""

    name: str
    role: str
    attendance: str


@dataclass(frozen=True)
class NomineeResult:
    """One nominee's tally: `share` = votes_for / members (all the council's members); `passed` None when the title
    needs no vote; `forecast` the text against the higher council's threshold for a title decided higher."""

    name: str
    unit: str | None
    votes_for: int | None
    members: int
    share: float | None
    passed: bool | None
    forecast: str | None


@dataclass(frozen=True)
class TitleResult:
    """One title's results: its vote threshold (% of all members, None = no vote) and the rule's basis as worded."""

    award_name: str
    threshold: int | None
    basis: str | None
    rows: Sequence[NomineeResult]


@dataclass(frozen=True)
class MinutesData:
    """What the minutes of one council meeting record; `locality` names the date line's place (settings.place)."""

    agency: str
    year: int
    meeting_date: date
    place: str | None
    round_no: int
    members: Sequence[MemberAttendance]
    results: Sequence[TitleResult]
    locality: str | None = None


def role_label(role: str) -> str:
    """Return a council role as the documents write it: "chu_tich" or "chủ tịch" -> "Chủ tịch"."""
    key = fold(role).replace(" ", "_")
    return ROLE_LABELS.get(key, nfc(role).strip())


def _role_rank(role: str) -> int:
    key = fold(role).replace(" ", "_")
    return _ROLE_ORDER.index(key) if key in _ROLE_ORDER else len(_ROLE_ORDER)


def title_phrase(award_name: str) -> str:
    """Return "danh hiệu “Chiến sĩ thi đua cơ sở”", or the name itself when it already says "Danh hiệu …"."""
    name = nfc(award_name).strip()
    return name if fold(name).startswith("danh hieu") else f"danh hiệu “{name}”"


def is_collective_title(award_name: str) -> bool:
    """Return True for a title given to collectives ("Tập thể lao động xuất sắc", "Cờ thi đua …"): its ballot and
    results name the collective ("Tên tập thể"), with no position column."""
    name = fold(award_name)
    return name.startswith(("tap the", "co thi dua", "danh hieu tap the", "danh hieu co thi dua"))


def _order_key(award_name: str):
    """Return the sort key of a title's nominees: a person's name by given name; a collective's name as written."""
    return sort_key if is_collective_title(award_name) else name_sort_key


def _locality(locality: str | None) -> str:
    """Return the place the date line names: the one given, else the app's default (Settings.place)."""
    return nfc(locality).strip() if locality and locality.strip() else Settings().place


def _new_document(title: str, agency: str, *, page_numbers: bool):
    document = Document()
    page_setup(document)
    if not page_numbers:  # each ballot is a sheet of its own: no page number on any of them
        section = document.sections[0]
        section.different_first_page_header_footer = False
        for line in section.header.paragraphs:
            line.clear()
    core = document.core_properties
    core.title, core.author, core.language = title, agency, "vi-VN"
    return document


def _save(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _centred(document, text: str, *, bold: bool = False, italic: bool = False, before: float = 0, size: float = 14):
    return paragraph(document, text, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER,
                     indent=False, before=before)


def _heading(document, text: str, *, before: float = 6) -> None:
    """A section's heading in bold, kept on the page of what follows it."""
    paragraph(document, text, bold=True, before=before).paragraph_format.keep_with_next = True


def _row_height(table, height_mm: float) -> None:
    """Give every row but the header at least `height_mm`, room for a hand-drawn X."""
    for row in list(table.rows)[1:]:
        tr_pr = row._tr.get_or_add_trPr()
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(round(height_mm * 1440 / 25.4)))
        height.set(qn("w:hRule"), "atLeast")
        tr_pr.append(height)  # after cantSplit: CT_TrPr's order


def ballots_docx(*, agency: str, year: int, award_name: str, nominees: Sequence[BallotNominee], copies: int,
                 meeting_date: date | None, round_no: int = 1, locality: str | None = None) -> bytes:
    """Return the title's secret ballots (.docx bytes): `copies` identical pages, one per council member, each listing
    every nominee once in name order with blank "Đồng ý" / "Không đồng ý" boxes; no voter is named.

    Raises Refused when there is no nominee or fewer than one copy.
    """
    if not nominees:
        raise Refused(f"Chưa có đề nghị nào cho {title_phrase(award_name)} năm {year}: không có gì để in phiếu bầu.")
    if copies < 1:
        raise Refused("Số phiếu bầu phải ít nhất là 1 (bằng số thành viên Hội đồng): nhập thành viên Hội đồng trước.")
    place = _locality(locality)
    dated = (place_and_date(place, meeting_date) if meeting_date
             else f"{place}, ngày …… tháng …… năm ……")
    key = _order_key(award_name)
    ordered = sorted(nominees, key=lambda n: key(n.name))
    collective = is_collective_title(award_name)
    # A collective's unit is itself, or the unit it belongs to: only the latter is worth a column's words.
    rows = [[str(i), nfc(n.name), *([] if collective else [nfc(n.position or "")]),
             "" if collective and fold(n.unit) == fold(n.name) else nfc(n.unit or ""), "", ""]
            for i, n in enumerate(ordered, start=1)]
    document = _new_document(f"Phiếu bầu {title_phrase(award_name)} năm {year}", agency, page_numbers=False)
    _ballot_page(document, agency=agency, year=year, award_name=award_name, rows=rows, dated=dated, place=place,
                 round_no=round_no, collective=collective)
    # The other copies are the first page's XML copied: building each anew took 21 s for 150 nominees × 25 members
    # (fitting the columns measures every word again), copying takes a fraction of that.
    body = document.element.body
    page = [element for element in body if element.tag != qn("w:sectPr")]
    for _ in range(copies - 1):
        run(paragraph(document, indent=False, before=0), "").add_break(WD_BREAK.PAGE)
        end = body.find(qn("w:sectPr"))
        for element in page:
            end.addprevious(deepcopy(element))
    return _save(document)


def _ballot_page(document, *, agency: str, year: int, award_name: str, rows: list[list[str]], dated: str,
                 place: str, round_no: int, collective: bool) -> None:
    """One ballot: header, title, the nominees' table with blank boxes, the instruction."""
    header(document, parent=agency, agency=COUNCIL, place=place, dated=dated, number=None, keep=COUNCIL_KEEP)
    _centred(document, "PHIẾU BẦU", bold=True, before=18)
    phrase = title_phrase(award_name)
    _centred(document, phrase[0].upper() + phrase[1:], bold=True)
    _centred(document, f"năm {year}" + (f" - Vòng {round_no}" if round_no > 1 else ""), bold=True)
    _centred(document, "(Phiếu bầu kín, người bầu không ghi tên)", italic=True, size=13)
    paragraph(document, "", before=0)
    if collective:
        table = data_table(document, COLLECTIVE_BALLOT_HEADERS, rows, [11, 66, 52, 17, 19], left_columns=(1, 2))
    else:
        table = data_table(document, BALLOT_HEADERS, rows, [11, 45, 33, 40, 17, 19], left_columns=(1, 2, 3))
    _row_height(table, 9)
    paragraph(document, INSTRUCTION, italic=True, size=13, before=8)
    who = "tập thể" if collective else "người"
    paragraph(document, f"Danh sách có {format_number(len(rows))} {who} được đề nghị.", italic=True, size=13,
              before=3)


def minutes_docx(data: MinutesData) -> bytes:
    """Return the minutes of the council's meeting (.docx bytes): header, time and place, attendance (present, absent
    voting in writing, absent), each title's nominees with votes / all members, share and result, the closing and
    the secretary's and chair's signatures."""
    place = _locality(data.locality)
    document = _new_document(f"Biên bản họp {COUNCIL} năm {data.year}", data.agency, page_numbers=True)
    header(document, parent=data.agency, agency=COUNCIL, place=place,
           dated=place_and_date(place, data.meeting_date), number=MINUTES_NUMBER, keep=COUNCIL_KEEP)
    _centred(document, "BIÊN BẢN", bold=True, before=18)
    _centred(document, f"Họp {COUNCIL} {nfc(data.agency)}", bold=True)
    _centred(document, f"xét danh hiệu thi đua, hình thức khen thưởng năm {data.year}"
             + (f" (vòng {data.round_no})" if data.round_no > 1 else ""), bold=True)
    members = sorted(data.members, key=lambda m: (_role_rank(m.role), name_sort_key(m.name)))
    _time_and_place(document, data)
    _attendance(document, members, voted=votes_counted(data.results))
    _results(document, data)
    _conclusion(document, data.results)
    _closing(document, members)
    return _save(document)


def _time_and_place(document, data: MinutesData) -> None:
    """Section I: when and where."""
    _heading(document, "I. THỜI GIAN, ĐỊA ĐIỂM", before=12)
    paragraph(document, f"Thời gian: vào hồi …… giờ …… phút, ngày {format_date(data.meeting_date)}.")
    paragraph(document, f"Địa điểm: {nfc(data.place).strip() if data.place and data.place.strip() else '……………'}.")


def _member_of(members: Sequence[MemberAttendance], role: str) -> MemberAttendance | None:
    return next((m for m in members if fold(m.role).replace(" ", "_") == role
                 or fold(role_label(m.role)) == fold(ROLE_LABELS[role])), None)


def _attendance(document, members: Sequence[MemberAttendance], *, voted: bool) -> None:
    """Section II: the chair and secretary, the counts (all, present, absent voting in writing, absent; those who
    voted when votes were counted), the table."""
    _heading(document, "II. THÀNH PHẦN")
    chair, secretary = _member_of(members, "chu_tich"), _member_of(members, "uy_vien_thu_ky")
    paragraph(document, f"Chủ trì: {nfc(chair.name) if chair else BLANK_NAME} - Chủ tịch Hội đồng.")
    paragraph(document, f"Thư ký: {nfc(secretary.name) if secretary else BLANK_NAME} - Ủy viên thư ký Hội đồng.")
    counts = {code: sum(m.attendance == code for m in members) for code in ATTENDANCE_LABELS}
    present, written, absent = counts["co_mat"], counts["vang_bo_phieu_bang_van_ban"], counts["vang"]
    away = written + absent
    text = (f"Tổng số thành viên Hội đồng: {format_number(len(members))}; có mặt: {format_number(present)}; "
            f"vắng: {format_number(away)}")
    if written:
        text += f" (trong đó {format_number(written)} thành viên gửi phiếu bầu bằng văn bản)"
    elif away and voted:
        text += " (không có thành viên vắng mặt nào gửi phiếu bầu bằng văn bản)"
    text += f". Số thành viên tham gia bỏ phiếu: {format_number(present + written)}." if voted else "."
    paragraph(document, text, after=4)
    data_table(document, ATTENDANCE_HEADERS,
               [[str(i), nfc(m.name), role_label(m.role), ATTENDANCE_LABELS.get(m.attendance, m.attendance)]
                for i, m in enumerate(members, start=1)], [12, 55, 42, 56], left_columns=(1, 2, 3))


def passed_of(row: NomineeResult) -> bool | None:
    """Return the row's pass or fail as a plain bool (a pandas frame may hand over numpy's bool), None for no vote."""
    return None if row.passed is None or row.passed != row.passed else bool(row.passed)


def result_label(row: NomineeResult, threshold: int | None) -> str:
    """Return a nominee's result as the minutes write it: the forecast of a title decided higher, "Đạt", "Không đạt",
    "Không cần bỏ phiếu" for a title without a threshold, "Chưa bỏ phiếu" before the tally."""
    if row.forecast:
        return nfc(row.forecast)
    if threshold is None:
        return "Không cần bỏ phiếu"
    passed = passed_of(row)
    if passed is None:
        return "Chưa bỏ phiếu"
    return "Đạt" if passed else "Không đạt"


def _votes(row: NomineeResult) -> str:
    if row.votes_for is None:
        return "—"
    return f"{format_number(row.votes_for)}/{format_number(row.members)}"


def votes_counted(results: Sequence[TitleResult]) -> bool:
    """Return True when the meeting counted votes: some title needing a vote has a nominee's tally."""
    return any(r.votes_for is not None for t in results if t.threshold is not None for r in t.rows)


def _opening(results: Sequence[TitleResult]) -> str:
    """Return section III's first sentence: how the share is counted only where votes were counted."""
    report = "Hội đồng nghe Thường trực Hội đồng báo cáo tổng hợp các trường hợp được đề nghị"
    if votes_counted(results):
        return (f"{report}, thảo luận và bỏ phiếu kín đối với các danh hiệu cần bỏ phiếu. Tỷ lệ phiếu đồng ý tính "
                "trên tổng số thành viên Hội đồng (kể cả thành viên vắng mặt). Kết quả như sau:")
    if any(t.threshold is not None for t in results):
        return (f"{report} và thảo luận; các danh hiệu cần bỏ phiếu chưa có kết quả kiểm phiếu. Các trường hợp được "
                "đề nghị như sau:")
    return (f"{report} và thảo luận; các danh hiệu, hình thức được xét không cần bỏ phiếu. Các trường hợp được đề "
            "nghị như sau:")


def _results(document, data: MinutesData) -> None:
    """Section III: for each title, its nominees, the threshold and basis, the table of votes and results."""
    _heading(document, "III. NỘI DUNG VÀ KẾT QUẢ BỎ PHIẾU" if votes_counted(data.results) else "III. NỘI DUNG XÉT")
    if not data.results:
        paragraph(document, "Không có trường hợp nào được đưa ra xét tại cuộc họp.", italic=True)
    else:
        paragraph(document, _opening(data.results))
    for number, title in enumerate(data.results, start=1):
        _title_section(document, number, title)


def _decided_higher(title: TitleResult) -> bool:
    """Return True for a title the Sở council only forecasts (CSTĐ cấp tỉnh, Cờ thi đua): its rows carry a forecast."""
    return title.threshold is not None and any(r.forecast for r in title.rows)


def _title_section(document, number: int, title: TitleResult) -> None:
    """One title: "1. Danh hiệu “…”: 3 trường hợp được đề nghị", the rule, the table, how many passed."""
    key = _order_key(title.award_name)
    rows = sorted(title.rows, key=lambda r: key(r.name))
    phrase = title_phrase(title.award_name)
    paragraph(document, f"{number}. {phrase[0].upper() + phrase[1:]}: {format_number(len(rows))} trường hợp được "
              "đề nghị.", bold=True).paragraph_format.keep_with_next = True
    if title.threshold is None:
        rule = "Danh hiệu, hình thức này không cần bỏ phiếu."
    elif _decided_higher(title):
        rule = (f"Danh hiệu do cấp trên quyết định: Hội đồng Thi đua - Khen thưởng cấp trên xét, cần từ "
                f"{title.threshold}% tổng số thành viên Hội đồng cấp trên đồng ý; kết quả bỏ phiếu của Hội đồng dưới "
                "đây được đối chiếu với ngưỡng đó để dự báo.")
    else:
        rule = f"Yêu cầu: đạt từ {title.threshold}% tổng số thành viên Hội đồng trở lên."
    if title.basis:
        rule += f" Căn cứ: {nfc(title.basis).rstrip('.')}."
    added = paragraph(document, rule, after=4)
    added.paragraph_format.keep_with_next = True
    headers = RESULT_HEADERS if not is_collective_title(title.award_name) else ["STT", "Tên tập thể",
                                                                               *RESULT_HEADERS[2:]]
    higher = _decided_higher(title)
    # A forecast is a sentence ("Dự báo đạt ngưỡng ≥ 90% của Hội đồng … tỉnh (93,3% …)"): its column takes the room.
    data_table(document, headers,
               [[str(i), nfc(r.name), nfc(r.unit or ""), _votes(r), format_percent(r.share),
                 result_label(r, title.threshold)] for i, r in enumerate(rows, start=1)],
               [10, 36, 28, 22, 17, 52] if higher else [11, 42, 38, 28, 18, 28], left_columns=(1, 2, 5) if higher
               else (1, 2))
    voted = [r for r in rows if passed_of(r) is not None]
    if title.threshold is not None and voted:
        passed = sum(passed_of(r) for r in voted)
        paragraph(document, (f"Dự báo: {format_number(passed)}/{format_number(len(rows))} trường hợp đạt ngưỡng của "
                             "Hội đồng cấp trên." if higher else
                             f"Kết quả: {format_number(passed)}/{format_number(len(rows))} trường hợp đạt."))


def _moving_on(title: TitleResult) -> list[NomineeResult]:
    """Return the nominees the council sends on: those who passed (for a title decided higher, the higher council's
    threshold as forecast: the Sở proposes only those it would pass); all of a title without a vote."""
    if title.threshold is None:
        return list(title.rows)
    return [r for r in title.rows if passed_of(r)]


def _conclusion(document, results: Sequence[TitleResult]) -> None:
    """Section IV: what the council agrees to send on, per title (names where it voted, a count where it did not)."""
    _heading(document, "IV. KẾT LUẬN")
    paragraph(document, "Hội đồng thống nhất kết quả nêu trên và giao Thường trực Hội đồng hoàn thiện hồ sơ, trình cấp "
              "có thẩm quyền xem xét, quyết định đối với các trường hợp sau:" if results else
              "Hội đồng thống nhất nội dung nêu trên.")
    for title in results:
        key = _order_key(title.award_name)
        chosen = sorted(_moving_on(title), key=lambda r: key(r.name))
        phrase = title_phrase(title.award_name)
        text = f"- {phrase[0].upper() + phrase[1:]}: "
        if not chosen:
            text += "không có trường hợp nào."
        elif title.threshold is None:
            text += f"{format_number(len(chosen))} trường hợp."
        else:
            text += f"{format_number(len(chosen))} trường hợp ({', '.join(nfc(r.name) for r in chosen)})"
            text += ", trình Hội đồng Thi đua - Khen thưởng cấp trên xét." if _decided_higher(title) else "."
        paragraph(document, text, before=3)


def _closing(document, members: Sequence[MemberAttendance]) -> None:
    """The closing sentences and the secretary's (left) and chair's (right) signatures."""
    paragraph(document, "Cuộc họp kết thúc vào hồi …… giờ …… cùng ngày. Biên bản đã được thông qua trước Hội đồng, "
              "các thành viên dự họp nhất trí với nội dung biên bản.", before=12).paragraph_format.keep_with_next = True
    chair, secretary = _member_of(members, "chu_tich"), _member_of(members, "uy_vien_thu_ky")
    half = TEXT_MM / 2
    left, right = layout_table(document, [half, half]).rows[0].cells
    for cell, title, who in ((left, "THƯ KÝ", secretary), (right, "CHỦ TỊCH", chair)):
        cell_paragraph(cell, title, size=14, bold=True, first=True).paragraph_format.space_before = Pt(12)
        cell_paragraph(cell, "(Ký, ghi rõ họ tên)", size=TABLE_PT + 1, italic=True)
        for _ in range(4):
            cell_paragraph(cell, "", size=14)
        cell_paragraph(cell, nfc(who.name) if who else BLANK_NAME, size=14, bold=True)
