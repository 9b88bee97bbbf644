"""Draft of the sơ kết / tổng kết report as a .docx in the Nghị định 30/2020/NĐ-CP layout.

The figures and tables come from tdkt.reports; the narrative parts are highlighted places for the author
("[Nội dung do người soạn bổ sung: …]"). Layout: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New
Roman everywhere (w:eastAsia too), body 14 pt, the national motto and the signature in bold; page numbers as NĐ
30/2020 Phụ lục I asks: Arabic, 13–14 pt, centred in the top margin, not shown on the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING, Literal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session

from tdkt.clusters import clusters as clusters_module
from tdkt.core.config import Settings
from tdkt.core.text import fold, format_date, format_number
from tdkt.reports import reports
from tdkt.reports.docx_layout import (
    LAYOUT_MARGIN_MM,
    SLACK_MM,
    TEXT_MM,
    caption,
    cell_paragraph,
    data_table,
    layout_table,
    page_setup,
    paragraph,
    rule,
    run,
)
from tdkt.reports.text_width import width_mm

if TYPE_CHECKING:
    import pandas as pd
    from docx.document import Document as DocxDocument

NUMBER = "Số: …/BC-SCT"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
SECTIONS = ["I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ",
            "V. KIẾN NGHỊ, ĐỀ XUẤT"]
SUMMARY_HEADERS = ["TT", "Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "Tăng/giảm"]
TASK_HEADERS = ["TT", "Nội dung nhiệm vụ", "Hạn", "Tình trạng", "Ngày hoàn thành", "Minh chứng"]
EVENT_HEADERS = ["TT", "Cụm", "Hoạt động", "Ngày", "Ngày thực hiện", "Văn bản", "Tình trạng"]
AWARD_HEADERS = ["TT", "Hình thức khen thưởng", "Đề nghị kỳ này", "Đề nghị cùng kỳ", "Tăng/giảm",
                 "Quyết định kỳ này", "Quyết định cùng kỳ", "Tăng/giảm"]
SIGNER_NAME = "[Họ và tên người ký]"
Signer = Literal["giam_doc", "pho_giam_doc"]


def place_and_date(place: str, day: date) -> str:
    """Return "Lạng Sơn, ngày 05 tháng 01 năm 2026": a leading zero for days under 10 and for months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def placeholder(what: str) -> str:
    """Return the marked place for the author's own text."""
    return f"[Nội dung do người soạn bổ sung: {what}]"


def _signed(n: int) -> str:
    return f"+{format_number(n)}" if n > 0 else format_number(n)


def _text(value) -> str:
    """Return a cell's text: "" for a missing value (None, or the NaN pandas may hold for one), never "None"/"nan"."""
    return "" if value is None or value != value else str(value)


def _then(before: int, n: int) -> str:
    """Return the comparison with the same period a year before: "(cùng kỳ năm 2024: 3)", "(… : không có)"."""
    return f"(cùng kỳ năm {before}: {format_number(n) if n else 'không có'})"


def _author(document, what: str) -> None:
    """A highlighted paragraph the author replaces with their own text."""
    run(paragraph(document), placeholder(what), highlight=True)


def _cluster_code(session: Session, cluster: str | None, year: int) -> str | None:
    """Return the cluster's code as stored (the caller may type "cum ii"); figures() has already checked it."""
    if cluster is None:
        return None
    for c in clusters_module.clusters_of(session, year=year):
        if fold(c.code) == fold(cluster):
            return c.code
    return cluster


def subject(year: int, period: reports.PeriodKind, cluster: str | None = None) -> str:
    """Return the report's subject line (trích yếu)."""
    text = (f"Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year}" if period == "h1"
            else f"Tổng kết công tác thi đua, khen thưởng năm {year}")
    return text + (f" ({cluster})" if cluster else "")


def _fits(text: str, room: float, size: float, *, bold: bool = False) -> bool:
    return width_mm(text, size, bold=bold) <= room


def _two_lines(text: str, keep: str | tuple[str, ...], room: float, size: float, *, bold: bool) -> str:
    """Break a name too long for one line between two words, the two lines as even as can be and the words of
    `keep` (the place: "LẠNG SƠN"; or several phrases) never parted: "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nLẠNG SƠN"."""
    words = text.split()
    phrases = [phrase.upper().split() for phrase in ((keep,) if isinstance(keep, str) else keep)]
    inside = {start + i for kept in phrases if kept for start in range(len(words))
              if words[start:start + len(kept)] == kept for i in range(1, len(kept))}
    cuts = [i for i in range(1, len(words)) if i not in inside]
    if not cuts:
        return text

    def longer(i: int) -> float:
        return max(width_mm(" ".join(words[:i]), size, bold=bold), width_mm(" ".join(words[i:]), size, bold=bold))

    best = min(cuts, key=longer)
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _header(document, settings: Settings, day: date) -> None:
    """The report's NĐ 30 header: the department under its parent, "Số: …/BC-SCT", the place and date."""
    header(document, parent=settings.parent_agency, agency=settings.agency, place=settings.place,
           dated=place_and_date(settings.place, day))


def header(document, *, parent: str, agency: str, place: str, dated: str, number: str | None = NUMBER,
           keep: tuple[str, ...] = ()) -> None:
    """NĐ 30's header: the agency block on the left (`parent`, then `agency` in bold, a rule, `number` unless None),
    the national motto and `dated` on the right, each line whole. The right column is as wide as its longest line
    (the motto in 12 pt bold, 88 mm); the agency names take 13 pt, or 12 pt when 13 does not fit in what is left (NĐ
    30 allows 12–13), and a name too long even then takes two lines, never parting `place` nor a phrase of `keep`."""
    extra = 2 * LAYOUT_MARGIN_MM + SLACK_MM
    right_mm = max(width_mm(MOTTO, 12, bold=True), width_mm(MOTTO_LINE, 14, bold=True),
                   width_mm(dated, 14, italic=True)) + extra
    widths = [TEXT_MM - right_mm, right_mm]
    room = widths[0] - extra
    parent, agency = parent.upper(), agency.upper()
    size = 13 if _fits(parent, room, 13) and _fits(agency, room, 13, bold=True) else 12
    lines = [text if _fits(text, room, size, bold=bold) else _two_lines(text, (place, *keep), room, size, bold=bold)
             for text, bold in ((parent, False), (agency, True))]
    left, right = layout_table(document, widths).rows[0].cells
    cell_paragraph(left, lines[0], size=size, first=True)
    cell_paragraph(left, lines[1], size=size, bold=True)
    # Under the agency a line 1/3 to 1/2 as long as its name; under the motto's second line one as long as it.
    longest = max(width_mm(line, size, bold=True) for line in lines[1].split("\n"))
    rule(left, min(room, 0.4 * longest), widths[0])
    if number is not None:
        cell_paragraph(left, number, size=13).paragraph_format.space_before = Pt(6)
    cell_paragraph(right, MOTTO, size=12, bold=True, first=True)  # NĐ 30: 12-13 pt; 12 keeps it on one line
    cell_paragraph(right, MOTTO_LINE, size=14, bold=True)
    rule(right, width_mm(MOTTO_LINE, 14, bold=True), widths[1])
    cell_paragraph(right, dated, size=14, italic=True).paragraph_format.space_before = Pt(6)


def _closing(document, settings: Settings, cluster: str | None, signer: Signer) -> None:
    """Recipients (Nơi nhận) on the left, each on one line where the page allows; the signature on the right."""
    lines = ["- Hội đồng TĐKT tỉnh (phòng TĐKT - Sở Nội vụ);"]
    if cluster:
        lines.append(f"- Các thành viên {cluster};")
    lines += ["- Lãnh đạo Sở;", "- Lưu: VT, VP."]
    titles = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] if signer == "pho_giam_doc" else ["GIÁM ĐỐC"]
    extra = 2 * LAYOUT_MARGIN_MM + SLACK_MM
    right_mm = max(width_mm(t, 14, bold=True) for t in [*titles, SIGNER_NAME]) + extra
    left_mm = min(TEXT_MM - right_mm, max(80.0, max(width_mm(line, 11) for line in lines) + extra))
    left, right = layout_table(document, [left_mm, TEXT_MM - left_mm]).rows[0].cells
    cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for line in lines:
        cell_paragraph(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, title in enumerate(titles):
        cell_paragraph(right, title, size=14, bold=True, first=i == 0)
    for _ in range(4):
        cell_paragraph(right, "", size=14)
    run(cell_paragraph(right, "", size=14), SIGNER_NAME, size=14, bold=True, highlight=True)


@dataclass(frozen=True, slots=True)
class _Draft:
    """What each part of the report reads: the document being written and the period's figures."""

    document: DocxDocument
    data: dict        # reports.figures() of the period
    year: int
    period: reports.PeriodKind
    code: str | None  # the cluster's code as stored; None for the whole department
    agency: str

    @property
    def old(self) -> dict:
        """Return the figures of the same period a year before."""
        return self.data["previous"]

    @property
    def before(self) -> int:
        """Return the year compared with."""
        return self.year - 1

    @property
    def label(self) -> str:
        """Return the period as the text names it: "6 tháng đầu năm" or "năm"."""
        return "6 tháng đầu năm" if self.period == "h1" else "năm"


def draft(session: Session, *, year: int, period: reports.PeriodKind = "h1", start: date | None = None,
          end: date | None = None, cluster: str | None = None, settings: Settings, today: date | None = None,
          signer: Signer = "giam_doc") -> bytes:
    """Return the draft report (.docx bytes) of a period: header, sections I–V with the figures and tables filled
    in, recipients and signature. `today` dates the report (and is the as-of day of the overdue count).

    Raises reports.ReportError for a bad period or an unknown cluster, as reports.figures() does.
    """
    day = today or date.today()
    data = reports.figures(session, year=year, period=period, start=start, end=end, cluster=cluster, as_of=day)
    first, last = reports.period(year, period, start, end)
    code = _cluster_code(session, cluster, year)
    tasks = reports.task_table(session, start=first, end=last, as_of=day)
    events = reports.participation_table(session, start=first, end=last, cluster=cluster)
    awards = reports.award_table(session, start=first, end=last, basis=data["basis"])

    document = Document()
    page_setup(document)
    core = document.core_properties
    core.title, core.author, core.language = subject(year, period, code), settings.agency, "vi-VN"
    part = _Draft(document, data, year, period, code, settings.agency)
    _header(document, settings, day)
    _title_and_intro(part)
    _situation(part)
    _summary(part)
    _leadership(part, tasks)
    _covenants(part, events)
    _awards(part, awards)
    _assessment_and_outlook(part)
    _closing(document, settings, code, signer)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _title_and_intro(part: _Draft) -> None:
    """The title "BÁO CÁO", the subject line and the opening sentence."""
    document, code = part.document, part.code
    paragraph(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18)
    paragraph(document, subject(part.year, part.period, code), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              indent=False, before=0)
    intro = paragraph(document, before=12)
    run(intro, "Thực hiện ")
    run(intro, placeholder("căn cứ, văn bản chỉ đạo, hướng dẫn của cấp trên"), highlight=True)
    run(intro, f", {part.agency} báo cáo kết quả công tác thi đua, khen thưởng {part.label} {part.year}"
        + (f" trong {code}" if code else "") + " như sau:")


def _situation(part: _Draft) -> None:
    """Section I: the period counted and the one compared with, then the author's description."""
    data, old = part.data, part.old
    paragraph(part.document, SECTIONS[0], bold=True, indent=True)
    paragraph(part.document, f"Số liệu trong báo cáo tính từ ngày {data['period']['start']} đến ngày "
              f"{data['period']['end']}, so sánh với cùng kỳ năm {part.before} (từ ngày {old['period']['start']} "
              f"đến ngày {old['period']['end']}); " + reports.BASIS_LABELS[data["basis"]]
              + (f" ({part.year} so với {part.before})." if data["basis"] == "nam_thanh_tich" else "."))
    _author(part.document, "đặc điểm tình hình của cơ quan, đơn vị; thuận lợi, khó khăn trong kỳ")


def _summary(part: _Draft) -> None:
    """Section II's heading and Bảng 1, the main figures beside the same period a year before."""
    document, year, before = part.document, part.year, part.before
    paragraph(document, SECTIONS[1], bold=True)
    caption(document, f"Bảng 1. Số liệu chủ yếu so với cùng kỳ năm {before}")
    summary = reports.summary_table(part.data)
    data_table(document, SUMMARY_HEADERS[:2] + [f"Kỳ này ({year})", f"Cùng kỳ {before}", "Tăng/giảm"],
               [[str(i), r.indicator, format_number(r.current), format_number(r.previous), _signed(r.change)]
                for i, r in enumerate(summary.itertuples(), start=1)], [12, 83, 24, 24, 22])


def _tasks_sentence(tasks: dict, old: dict, before: int) -> str:
    """Return the plan tasks due in the period said as a person would: "có 3 nhiệm vụ đến hạn trong kỳ, đã hoàn thành
    1, còn lại 2, trong đó 1 nhiệm vụ quá hạn", "không có nhiệm vụ nào đến hạn trong kỳ", "đã hoàn thành cả 5"."""
    total, done, overdue = tasks["total"], tasks["done"], tasks["overdue"]
    left = total - done
    text = "Kế hoạch công tác thi đua, khen thưởng "
    if not total:
        text += "không có nhiệm vụ nào đến hạn trong kỳ"
    else:
        text += f"có {format_number(total)} nhiệm vụ đến hạn trong kỳ, "
        if not left:
            text += f"đã hoàn thành cả {format_number(total)} nhiệm vụ" if total > 1 else "đã hoàn thành nhiệm vụ này"
        elif done:
            text += f"đã hoàn thành {format_number(done)}, còn lại {format_number(left)}, " + (
                f"trong đó {format_number(overdue)} nhiệm vụ quá hạn" if overdue else "chưa có nhiệm vụ nào quá hạn")
        else:
            text += "chưa hoàn thành nhiệm vụ nào, " + (
                "chưa có nhiệm vụ nào quá hạn" if not overdue
                else ("nhiệm vụ này đã quá hạn" if total == 1 else f"cả {format_number(total)} nhiệm vụ đều đã quá hạn")
                if overdue == total else f"trong đó {format_number(overdue)} nhiệm vụ đã quá hạn")
    was_total, was_done = old["total"], old["done"]
    return text + (f" (cùng kỳ năm {before}: không có nhiệm vụ nào đến hạn)" if not was_total
                   else f" (cùng kỳ năm {before}: {format_number(was_total)} nhiệm vụ đến hạn, chưa hoàn thành nhiệm "
                        "vụ nào)" if not was_done
                   else f" (cùng kỳ năm {before}: {format_number(was_total)} nhiệm vụ đến hạn, hoàn thành "
                        f"{format_number(was_done)})")


def _leadership(part: _Draft, tasks: pd.DataFrame) -> None:
    """II.1: movements launched and plan tasks due in the period, with Bảng 2 of those tasks."""
    document, agency, before, old, t = part.document, part.agency, part.before, part.old, part.data["tasks"]
    paragraph(document, "1. Công tác lãnh đạo, chỉ đạo và tổ chức phong trào thi đua", bold=True)
    movements = part.data["movements"]
    launched = (f"đã phát động {format_number(movements)} phong trào thi đua" if movements
                else "chưa phát động phong trào thi đua nào")
    paragraph(document, f"Trong kỳ, {agency} {launched} {_then(before, old['movements'])}. "
              f"{_tasks_sentence(t, old['tasks'], before)}.")
    _author(document, "các văn bản lãnh đạo, chỉ đạo đã ban hành; nội dung, hình thức tổ chức các phong trào thi đua")
    caption(document, "Bảng 2. Nhiệm vụ kế hoạch đến hạn trong kỳ")
    # The date and evidence columns widen to their texts (docx_layout.fit_widths): 22 mm wrapped a date's year.
    data_table(document, TASK_HEADERS,
               [[str(i), r.content, format_date(r.due_on), r.status_label,
                 format_date(r.completed_on) if _text(r.completed_on) else "", _text(r.evidence)]
                for i, r in enumerate(tasks.itertuples(), start=1)], [10, 51, 24, 26, 24, 30], (1, 5))


def _covenants(part: _Draft, events: pd.DataFrame) -> None:
    """II.2: covenants signed and cluster activities done, with Bảng 3 of our participation."""
    document, code, old = part.document, part.code, part.old
    paragraph(document, "2. Việc thực hiện các nội dung giao ước thi đua", bold=True)
    done = int(events["status"].isin([clusters_module.ON_TIME, clusters_module.LATE]).sum())
    signed, planned = part.data["covenants_signed"], len(events)
    where = "của cụm thi đua" + (f" {code}" if code else "") + " dự kiến trong kỳ"
    activities = (f"không có hoạt động nào {where}" if not planned
                  else f"chưa thực hiện hoạt động nào trong {format_number(planned)} hoạt động {where}" if not done
                  else f"đã thực hiện {format_number(done)}/{format_number(planned)} hoạt động {where}")
    signed_text = (f"đã ký kết {format_number(signed)} giao ước thi đua" if signed
                   else "chưa ký kết giao ước thi đua nào")
    paragraph(document, f"Trong kỳ, {part.agency} {signed_text} {_then(part.before, old['covenants_signed'])}; "
              f"{activities}.")
    _author(document, "kết quả thực hiện từng nội dung giao ước; phối hợp, kiểm tra chéo giữa các thành viên cụm")
    caption(document, "Bảng 3. Tham gia hoạt động cụm thi đua")
    data_table(document, EVENT_HEADERS,
               [[str(i), r.cluster, f"{r.kind_label}: {r.title}", format_date(r.due_on),
                 format_date(r.done_on) if _text(r.done_on) else "", _text(r.document), _text(r.status)]
                for i, r in enumerate(events.itertuples(), start=1)], [10, 18, 41, 24, 24, 20, 28], (2, 5))


def _awards(part: _Draft, awards: pd.DataFrame) -> None:
    """II.3: nominations received and decided, with Bảng 4 by award form beside the year before."""
    document, data, old, before = part.document, part.data, part.old, part.before
    paragraph(document, "3. Công tác khen thưởng", bold=True)
    nominations, decisions = sum(data["nominations"].values()), sum(data["decisions"].values())
    received = (f"đã tiếp nhận {format_number(nominations)} hồ sơ đề nghị khen thưởng" if nominations
                else "chưa tiếp nhận hồ sơ đề nghị khen thưởng nào")
    decided = (f"có {format_number(decisions)} trường hợp được cấp có thẩm quyền quyết định khen thưởng" if decisions
               else "chưa có trường hợp nào được cấp có thẩm quyền quyết định khen thưởng")
    paragraph(document, f"Trong kỳ, {part.agency} {received} {_then(before, sum(old['nominations'].values()))}; "
              f"{decided} {_then(before, sum(old['decisions'].values()))}.")
    by_award = awards[awards["dimension"] == reports.DIMENSIONS["award"]]
    caption(document, f"Bảng 4. Đề nghị và quyết định khen thưởng theo hình thức, so với cùng kỳ năm {before}")
    data_table(document, AWARD_HEADERS,
               [[str(i), r.label, format_number(r.nominations), format_number(r.nominations_previous),
                 _signed(r.nominations_change), format_number(r.decisions), format_number(r.decisions_previous),
                 _signed(r.decisions_change)] for i, r in enumerate(by_award.itertuples(), start=1)],
               [10, 49, 18, 18, 17, 18, 18, 17])
    _author(document, "việc phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến; khen thưởng người trực tiếp lao động")


def _assessment_and_outlook(part: _Draft) -> None:
    """Sections III–V (assessment, the tasks ahead, proposals) and the closing sentence."""
    document, year, period, t = part.document, part.year, part.period, part.data["tasks"]
    paragraph(document, SECTIONS[2], bold=True)
    paragraph(document, "1. Ưu điểm", bold=True)
    _author(document, "những kết quả nổi bật")
    paragraph(document, "2. Hạn chế và nguyên nhân", bold=True)
    _author(document, "hạn chế, tồn tại và nguyên nhân")
    ahead = f"6 THÁNG CUỐI NĂM {year}" if period == "h1" else f"NĂM {year + 1}"
    paragraph(document, f"{SECTIONS[3]} {ahead}", bold=True)
    if period == "h1" and t["total"] - t["done"]:
        paragraph(document, f"Tiếp tục thực hiện {format_number(t['total'] - t['done'])} nhiệm vụ kế hoạch còn lại "
                  "của 6 tháng đầu năm" + (", trong đó ưu tiên các nhiệm vụ đã quá hạn." if t["overdue"] else "."))
    _author(document, "các nhiệm vụ, giải pháp trọng tâm " + ("6 tháng cuối năm" if period == "h1" else "năm tới"))
    paragraph(document, SECTIONS[4], bold=True)
    _author(document, "kiến nghị, đề xuất với Hội đồng Thi đua - Khen thưởng tỉnh và cụm thi đua")
    paragraph(document, f"Trên đây là báo cáo {'sơ kết' if period == 'h1' else 'tổng kết'} công tác thi đua, khen "
              f"thưởng {part.label} {year} của {part.agency}./.")
    paragraph(document, "", indent=False, before=0)
