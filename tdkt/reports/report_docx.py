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
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from sqlmodel import Session

from tdkt.clusters import clusters as clusters_module
from tdkt.core.config import Settings
from tdkt.core.text import fold, format_date, format_number
from tdkt.reports import reports

if TYPE_CHECKING:
    import pandas as pd
    from docx.document import Document as DocxDocument

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm of writing width
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


# --- low-level formatting -------------------------------------------------------------------------------------


def _set_fonts(rpr_parent) -> None:
    """Give an element's rPr a Times New Roman rFonts for every script (ascii, hAnsi, eastAsia, cs)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _run(paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
         highlight: bool = False):
    run = paragraph.add_run(text)
    _set_fonts(run._r)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _paragraph(container, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, before: float = 6, after: float = 0):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.1
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _cell_paragraph(cell, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
                    align=WD_ALIGN_PARAGRAPH.CENTER, first: bool = False):
    """Write a line in a cell (the cell's own empty first paragraph when `first`)."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _rule(cell, width_mm: float, cell_mm: float) -> None:
    """A short centred horizontal line (a bottom border on an empty, indented paragraph)."""
    paragraph = _cell_paragraph(cell, "", size=4)
    side = Mm(max(0.0, (cell_mm - width_mm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    _run(paragraph, "", size=4)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_mm: list[float]) -> None:
    # Word reads the cell widths; LibreOffice reads the grid columns and ignores them unless autofit is off.
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _layout_table(document, widths_mm: list[float]):
    """A borderless table used to place blocks side by side (header, recipients and signature)."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, widths_mm)
    return table


def _data_table(document, headers: list[str], rows: list[list[str]], widths_mm: list[float],
                left_columns: tuple[int, ...] = (1,)):
    """A bordered table with a bold header row that repeats on each page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell_paragraph(cell, text, size=TABLE_PT, bold=True, first=True)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if i in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            _cell_paragraph(cell, text, size=TABLE_PT, align=align, first=True)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell_paragraph(merged, "Không có số liệu trong kỳ.", size=TABLE_PT, italic=True, first=True)
    _widths(table, widths_mm)
    return table


def _caption(document, text: str) -> None:
    _paragraph(document, text, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6, after=3)


def _author(document, what: str) -> None:
    """A highlighted paragraph the author replaces with their own text."""
    paragraph = _paragraph(document)
    _run(paragraph, placeholder(what), highlight=True)


def _page_number_header(section) -> None:
    """A PAGE field centred in the header from page 2 on; the first page's header stays empty."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = _run(paragraph, "", size=13)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element)
    _page_number_header(section)


# --- the report -----------------------------------------------------------------------------------------------


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


def _header(document, settings: Settings, day: date) -> None:
    widths = [66.0, TEXT_MM - 66.0]
    left, right = _layout_table(document, widths).rows[0].cells
    _cell_paragraph(left, settings.parent_agency.upper(), size=13, first=True)
    _cell_paragraph(left, settings.agency.upper(), size=13, bold=True)
    _rule(left, 25, widths[0])
    _cell_paragraph(left, NUMBER, size=13).paragraph_format.space_before = Pt(6)
    _cell_paragraph(right, MOTTO, size=12, bold=True, first=True)  # NĐ 30: 12-13 pt; 12 keeps it on one line
    _cell_paragraph(right, MOTTO_LINE, size=14, bold=True)
    _rule(right, 58, widths[1])
    _cell_paragraph(right, place_and_date(settings.place, day), size=14, italic=True).paragraph_format.space_before = \
        Pt(6)


def _closing(document, settings: Settings, cluster: str | None, signer: Signer) -> None:
    widths = [80.0, TEXT_MM - 80.0]
    left, right = _layout_table(document, widths).rows[0].cells
    _cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    lines = ["- Hội đồng TĐKT tỉnh (phòng TĐKT - Sở Nội vụ);"]
    if cluster:
        lines.append(f"- Các thành viên {cluster};")
    lines += ["- Lãnh đạo Sở;", "- Lưu: VT, VP."]
    for line in lines:
        _cell_paragraph(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    titles = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] if signer == "pho_giam_doc" else ["GIÁM ĐỐC"]
    for i, title in enumerate(titles):
        _cell_paragraph(right, title, size=14, bold=True, first=i == 0)
    for _ in range(4):
        _cell_paragraph(right, "", size=14)
    paragraph = _cell_paragraph(right, "", size=14)
    _run(paragraph, "[Họ và tên người ký]", size=14, bold=True, highlight=True)


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
    _page_setup(document)
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
    _paragraph(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18)
    _paragraph(document, subject(part.year, part.period, code), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               indent=False, before=0)
    intro = _paragraph(document, before=12)
    _run(intro, "Thực hiện ")
    _run(intro, placeholder("căn cứ, văn bản chỉ đạo, hướng dẫn của cấp trên"), highlight=True)
    _run(intro, f", {part.agency} báo cáo kết quả công tác thi đua, khen thưởng {part.label} {part.year}"
         + (f" trong {code}" if code else "") + " như sau:")


def _situation(part: _Draft) -> None:
    """Section I: the period counted and the one compared with, then the author's description."""
    data, old = part.data, part.old
    _paragraph(part.document, SECTIONS[0], bold=True, indent=True)
    _paragraph(part.document, f"Số liệu trong báo cáo tính từ ngày {data['period']['start']} đến ngày "
               f"{data['period']['end']}, so sánh với cùng kỳ năm {part.before} (từ ngày {old['period']['start']} "
               f"đến ngày {old['period']['end']}); " + reports.BASIS_LABELS[data["basis"]]
               + (f" ({part.year} so với {part.before})." if data["basis"] == "nam_thanh_tich" else "."))
    _author(part.document, "đặc điểm tình hình của cơ quan, đơn vị; thuận lợi, khó khăn trong kỳ")


def _summary(part: _Draft) -> None:
    """Section II's heading and Bảng 1, the main figures beside the same period a year before."""
    document, year, before = part.document, part.year, part.before
    _paragraph(document, SECTIONS[1], bold=True)
    _caption(document, f"Bảng 1. Số liệu chủ yếu so với cùng kỳ năm {before}")
    summary = reports.summary_table(part.data)
    _data_table(document, SUMMARY_HEADERS[:2] + [f"Kỳ này ({year})", f"Cùng kỳ {before}", "Tăng/giảm"],
                [[str(i), r.indicator, format_number(r.current), format_number(r.previous), _signed(r.change)]
                 for i, r in enumerate(summary.itertuples(), start=1)], [12, 83, 24, 24, 22])


def _leadership(part: _Draft, tasks: pd.DataFrame) -> None:
    """II.1: movements launched and plan tasks due in the period, with Bảng 2 of those tasks."""
    document, agency, before, old, t = part.document, part.agency, part.before, part.old, part.data["tasks"]
    _paragraph(document, "1. Công tác lãnh đạo, chỉ đạo và tổ chức phong trào thi đua", bold=True)
    _paragraph(document, f"Trong kỳ, {agency} đã phát động {format_number(part.data['movements'])} phong trào thi "
               f"đua (cùng kỳ năm {before}: {format_number(old['movements'])}). Kế hoạch công tác thi đua, khen "
               f"thưởng có {format_number(t['total'])} nhiệm vụ đến hạn trong kỳ, đã hoàn thành "
               f"{format_number(t['done'])}, còn lại {format_number(t['total'] - t['done'])}, trong đó "
               f"{format_number(t['overdue'])} nhiệm vụ quá hạn (cùng kỳ năm {before}: "
               f"{format_number(old['tasks']['total'])} nhiệm vụ đến hạn, hoàn thành "
               f"{format_number(old['tasks']['done'])}).")
    _author(document, "các văn bản lãnh đạo, chỉ đạo đã ban hành; nội dung, hình thức tổ chức các phong trào thi đua")
    _caption(document, "Bảng 2. Nhiệm vụ kế hoạch đến hạn trong kỳ")
    # Date columns 24 mm: a dd/mm/yyyy date in 12 pt Times with the cell margins needs ~23 mm (22 mm wrapped the year).
    _data_table(document, TASK_HEADERS,
                [[str(i), r.content, format_date(r.due_on), r.status_label,
                  format_date(r.completed_on) if r.completed_on else "", r.evidence or ""]
                 for i, r in enumerate(tasks.itertuples(), start=1)], [10, 51, 24, 26, 24, 30], (1, 5))


def _covenants(part: _Draft, events: pd.DataFrame) -> None:
    """II.2: covenants signed and cluster activities done, with Bảng 3 of our participation."""
    document, code, old = part.document, part.code, part.old
    _paragraph(document, "2. Việc thực hiện các nội dung giao ước thi đua", bold=True)
    done = int(events["status"].isin([clusters_module.ON_TIME, clusters_module.LATE]).sum())
    _paragraph(document, f"Trong kỳ, {part.agency} đã ký kết {format_number(part.data['covenants_signed'])} giao ước "
               f"thi đua (cùng kỳ năm {part.before}: {format_number(old['covenants_signed'])}); đã thực hiện "
               f"{format_number(done)}/{format_number(len(events))} hoạt động của cụm thi đua"
               + (f" {code}" if code else "") + " dự kiến trong kỳ.")
    _author(document, "kết quả thực hiện từng nội dung giao ước; phối hợp, kiểm tra chéo giữa các thành viên cụm")
    _caption(document, "Bảng 3. Tham gia hoạt động cụm thi đua")
    _data_table(document, EVENT_HEADERS,
                [[str(i), r.cluster, f"{r.kind_label}: {r.title}", format_date(r.due_on),
                  format_date(r.done_on) if r.done_on else "", r.document or "", r.status or ""]
                 for i, r in enumerate(events.itertuples(), start=1)], [10, 18, 41, 24, 24, 20, 28], (2, 5))


def _awards(part: _Draft, awards: pd.DataFrame) -> None:
    """II.3: nominations received and decided, with Bảng 4 by award form beside the year before."""
    document, data, old, before = part.document, part.data, part.old, part.before
    _paragraph(document, "3. Công tác khen thưởng", bold=True)
    nominations, decisions = sum(data["nominations"].values()), sum(data["decisions"].values())
    _paragraph(document, f"Trong kỳ, {part.agency} đã tiếp nhận {format_number(nominations)} hồ sơ đề nghị khen "
               f"thưởng (cùng kỳ năm {before}: {format_number(sum(old['nominations'].values()))}); có "
               f"{format_number(decisions)} trường hợp được cấp có thẩm quyền quyết định khen thưởng (cùng kỳ năm "
               f"{before}: {format_number(sum(old['decisions'].values()))}).")
    by_award = awards[awards["dimension"] == reports.DIMENSIONS["award"]]
    _caption(document, f"Bảng 4. Đề nghị và quyết định khen thưởng theo hình thức, so với cùng kỳ năm {before}")
    _data_table(document, AWARD_HEADERS,
                [[str(i), r.label, format_number(r.nominations), format_number(r.nominations_previous),
                  _signed(r.nominations_change), format_number(r.decisions), format_number(r.decisions_previous),
                  _signed(r.decisions_change)] for i, r in enumerate(by_award.itertuples(), start=1)],
                [10, 49, 18, 18, 17, 18, 18, 17])
    _author(document, "việc phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến; khen thưởng người trực tiếp lao động")


def _assessment_and_outlook(part: _Draft) -> None:
    """Sections III–V (assessment, the tasks ahead, proposals) and the closing sentence."""
    document, year, period, t = part.document, part.year, part.period, part.data["tasks"]
    _paragraph(document, SECTIONS[2], bold=True)
    _paragraph(document, "1. Ưu điểm", bold=True)
    _author(document, "những kết quả nổi bật")
    _paragraph(document, "2. Hạn chế và nguyên nhân", bold=True)
    _author(document, "hạn chế, tồn tại và nguyên nhân")
    ahead = f"6 THÁNG CUỐI NĂM {year}" if period == "h1" else f"NĂM {year + 1}"
    _paragraph(document, f"{SECTIONS[3]} {ahead}", bold=True)
    if period == "h1" and t["total"] - t["done"]:
        _paragraph(document, f"Tiếp tục thực hiện {format_number(t['total'] - t['done'])} nhiệm vụ kế hoạch còn lại "
                   "của 6 tháng đầu năm, trong đó ưu tiên các nhiệm vụ đã quá hạn.")
    _author(document, "các nhiệm vụ, giải pháp trọng tâm " + ("6 tháng cuối năm" if period == "h1" else "năm tới"))
    _paragraph(document, SECTIONS[4], bold=True)
    _author(document, "kiến nghị, đề xuất với Hội đồng Thi đua - Khen thưởng tỉnh và cụm thi đua")
    _paragraph(document, f"Trên đây là báo cáo {'sơ kết' if period == 'h1' else 'tổng kết'} công tác thi đua, khen "
               f"thưởng {part.label} {year} của {part.agency}./.")
    _paragraph(document, "", indent=False, before=0)
