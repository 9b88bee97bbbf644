"""The cluster's summary table of scoring (bảng tổng hợp kết quả chấm điểm thi đua) as .xlsx and as .docx.

Both read a ClusterResult alone: one row per member in ranked order (unranked members last, "—"), the sheet's
groups as columns (the bonus group is the "Điểm cộng" column), then self-score, appraisal, bonus, penalty, total,
the applicable maximum, the percentage and the rank. The .xlsx prints on A4 landscape, one page wide, its header
rows repeated; the .docx follows NĐ 30/2020 (agency block and national motto, A4 landscape with its margins, Times New
Roman) and ends with the two signatures the cluster's regulation asks: the deputy (cụm phó) and the head (cụm trưởng),
each its agency and the title its head signs with, the name left blank for the hand when it is not known. Both are dated
by the day the final results were published (a draft by the day it is printed).
"""

from __future__ import annotations

from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.core.config import Settings
from tdkt.core.text import format_number
from tdkt.core.workbook import put, save
from tdkt.importing.template_style import BOX, write_header_row, write_title
from tdkt.reports.docx_layout import (
    LAYOUT_MARGIN_MM,
    MARGINS_MM,
    PAGE_MM,
    SLACK_MM,
    cell_paragraph,
    data_table,
    layout_table,
    page_setup,
    paragraph,
    rule,
    to_bytes,
)
from tdkt.reports.report_docx import MOTTO, MOTTO_LINE, place_and_date
from tdkt.reports.scoring_charts import points_text
from tdkt.reports.text_width import width_mm
from tdkt.scoring.outputs import Signers, signer_title, status_text
from tdkt.scoring.results import ClusterResult, MemberResult

TITLE = "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA"
FIXED_HEADERS = ["Tự chấm", "Điểm thẩm định", "Điểm cộng", "Điểm trừ", "Tổng điểm", "Điểm tối đa áp dụng",
                 "Tỷ lệ (%)", "Xếp hạng"]
NAME_HEADER = "Tên cơ quan, đơn vị"
LANDSCAPE_TEXT_MM = PAGE_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 252 mm on A4 landscape
HEADER_ROW = 6
NO_SIGNERS = Signers()  # neither the head nor the deputy named yet: the blocks keep a blank to fill
ROLES = ("CỤM PHÓ", "CỤM TRƯỞNG")  # the deputy signs on the left, the head on the right


def dated(result: ClusterResult, today: date | None = None) -> date:
    """Return the day the table is dated: the publication of the final results, else today (a draft)."""
    return result.published_on or today or date.today()


def signature_blocks(signers: Signers) -> list[tuple[str, str, str, str, str]]:
    """Return the deputy's and the head's blocks, in order: (role, agency, title, hint, name), the agency and the
    name "" when not known (a blank line to write on, never a placeholder that could be printed and signed)."""
    blocks = []
    for role, agency, name in zip(ROLES, (signers.deputy, signers.head), (signers.deputy_name, signers.head_name),
                                  strict=True):
        hint = "(Ký, đóng dấu)" if name else "(Ký, ghi rõ họ tên, đóng dấu)"
        blocks.append((role, (agency or "").upper(), signer_title(agency), hint, name or ""))
    return blocks


def group_headers(result: ClusterResult) -> list[str]:
    """Return the column headers of the sheet's groups (not the bonus group): "I. … (700 điểm)"."""
    return [f"{g.name} ({points_text(g.max_points)} điểm)" for g in result.groups if not g.is_bonus]


def headers(result: ClusterResult) -> list[str]:
    """Return every column header of the summary table, in order."""
    return ["TT", NAME_HEADER, *group_headers(result), *FIXED_HEADERS]


def _ordered(result: ClusterResult) -> list[MemberResult]:
    """Ranked members first by rank (ties in the result's order), unranked after them."""
    return sorted(result.members, key=lambda m: (m.rank is None, m.rank or 0))


def _group_value(member: MemberResult, name: str) -> float | None:
    return next((g.points for g in member.groups if g.name == name), None)


def rows(result: ClusterResult) -> list[list]:
    """Return the table's rows as values (numbers stay numbers, missing ones None), one per member."""
    groups = [g.name for g in result.groups if not g.is_bonus]
    found = []
    for i, m in enumerate(_ordered(result), start=1):
        found.append([i, m.name, *[_group_value(m, g) for g in groups], m.self_score, m.appraised_score, m.bonus,
                      m.penalty, m.total, m.applicable_max, m.percent if m.rank is not None else None, m.rank])
    return found


def text_rows(result: ClusterResult) -> list[list[str]]:
    """Return the table's rows as the .docx writes them: points "685,5", the percentage with 2 places, "—" missing."""
    found = []
    for values in rows(result):
        *body, percent, rank = values
        found.append([str(body[0]), body[1], *[points_text(v) for v in body[2:]],
                      "—" if percent is None else format_number(percent, 2), "—" if rank is None else str(rank)])
    return found


def title(result: ClusterResult) -> str:
    """Return the table's title line."""
    return f"{TITLE} NĂM {result.year}"


# The .xlsx


def workbook(result: ClusterResult, *, settings: Settings, signers: Signers = NO_SIGNERS, today: date | None = None
             ) -> bytes:
    """Return the summary table as .xlsx: header block, title, the table, the signatures; A4 landscape, one page
    wide, the header row repeated on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    names = headers(result)
    last = get_column_letter(len(names))
    write_title(ws, "A1", result.cluster_name.upper(), bold=False, merge="A1:C1")
    write_title(ws, "A2", (signers.head or settings.agency).upper(), merge="A2:C2")
    motto_from = get_column_letter(max(4, len(names) - 4))
    write_title(ws, f"{motto_from}1", MOTTO, merge=f"{motto_from}1:{last}1")
    write_title(ws, f"{motto_from}2", MOTTO_LINE, merge=f"{motto_from}2:{last}2")
    write_title(ws, "A3", place_and_date(settings.place, dated(result, today)), bold=False, italic=True,
                merge=f"A3:{last}3")
    ws["A3"].alignment = Alignment(horizontal="right")
    write_title(ws, "A4", f"{title(result)} — {result.cluster_name.upper()}", size=14, merge=f"A4:{last}4")
    write_title(ws, "A5", f"({status_text(result)}; tổng điểm tối đa của bảng tiêu chí: "
                f"{points_text(result.max_points)} điểm)", bold=False, italic=True, merge=f"A5:{last}5")
    widths = [("TT", 5), (NAME_HEADER, 32), *[(h, 16) for h in names[2:-8]],
              *[(h, 11) for h in FIXED_HEADERS]]
    write_header_row(ws, widths, row=HEADER_ROW)
    ws.row_dimensions[HEADER_ROW].height = 60
    _body(ws, result, len(names))
    _xlsx_signatures(ws, HEADER_ROW + len(result.members) + 2, len(names), signers)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # fitToWidth is read only with it
    ws.print_options.horizontalCentered = True
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    return save(wb)


def _body(ws: Worksheet, result: ClusterResult, width: int) -> None:
    """The members' rows, boxed; numbers typed (2 places where needed), ours in bold."""
    members = _ordered(result)
    for r, (values, member) in enumerate(zip(rows(result), members, strict=True), start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, "—" if value is None else value)
            cell.border = BOX
            cell.font = Font(name="Times New Roman", bold=member.is_us)
            cell.alignment = Alignment(horizontal="left" if c == 2 else "center", vertical="center", wrap_text=True)
            if isinstance(cell.value, float):
                cell.number_format = "0.00" if c == width - 1 else "0.##"
    if not members:
        put(ws, HEADER_ROW + 1, 2, "Chưa có thành viên nào được chấm điểm.").font = Font(name="Times New Roman",
                                                                                          italic=True)


def _xlsx_signatures(ws: Worksheet, row: int, width: int, signers: Signers) -> None:
    """The deputy's block on the left, the head's on the right: role, agency, title, hint, room to sign, name."""
    spans = (("B", "C"), (get_column_letter(max(4, width - 3)), get_column_letter(width)))
    for (first, end), (role, agency, title_line, hint, name) in zip(spans, signature_blocks(signers), strict=True):
        for offset, text in ((0, role), (1, agency), (2, title_line), (3, hint), (7, name)):
            if not text:  # an agency or a name not known: the row stays blank to write on
                continue
            write_title(ws, f"{first}{row + offset}", text, bold=offset != 3, italic=offset == 3,
                        merge=f"{first}{row + offset}:{end}{row + offset}")


# The .docx


def _landscape(document) -> None:
    """A4 landscape with NĐ 30's margins (page_setup's portrait turned)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[1]), Mm(PAGE_MM[0])


def _docx_header(document, result: ClusterResult, settings: Settings, signers: Signers, day: date) -> None:
    """The cluster and the head's agency on the left, the national motto and the date on the right (NĐ 30)."""
    extra = 2 * LAYOUT_MARGIN_MM + SLACK_MM
    dated = place_and_date(settings.place, day)
    right_mm = max(width_mm(MOTTO, 13, bold=True), width_mm(dated, 14, italic=True)) + extra
    widths = [LANDSCAPE_TEXT_MM - right_mm, right_mm]
    left, right = layout_table(document, widths).rows[0].cells
    agency = (signers.head or settings.agency).upper()
    cell_paragraph(left, result.cluster_name.upper(), size=13, first=True)
    cell_paragraph(left, agency, size=13, bold=True)
    rule(left, min(widths[0] - extra, 0.4 * width_mm(agency, 13, bold=True)), widths[0])
    cell_paragraph(right, MOTTO, size=13, bold=True, first=True)
    cell_paragraph(right, MOTTO_LINE, size=14, bold=True)
    rule(right, width_mm(MOTTO_LINE, 14, bold=True), widths[1])
    cell_paragraph(right, dated, size=14, italic=True).paragraph_format.space_before = Pt(6)


def _docx_signatures(document, signers: Signers) -> None:
    """Two blocks side by side: the deputy (cụm phó) on the left, the head (cụm trưởng) on the right, each its role,
    agency, the title its head signs with, room to sign and the name (an empty line when not known)."""
    half = LANDSCAPE_TEXT_MM / 2
    cells = layout_table(document, [half, half]).rows[0].cells
    for cell, (role, agency, title_line, hint, name) in zip(cells, signature_blocks(signers), strict=True):
        cell_paragraph(cell, role, size=14, bold=True, first=True)
        cell_paragraph(cell, agency, size=13, bold=True)
        cell_paragraph(cell, title_line, size=14, bold=True)
        cell_paragraph(cell, hint, size=13, italic=True)
        for _ in range(4):
            cell_paragraph(cell, "", size=14)
        cell_paragraph(cell, name, size=14, bold=True)


def document(result: ClusterResult, *, settings: Settings, signers: Signers = NO_SIGNERS, today: date | None = None
             ) -> bytes:
    """Return the summary table as .docx in the NĐ 30/2020 layout, for the head and the deputy to sign."""
    day = dated(result, today)
    doc = Document()
    page_setup(doc)
    _landscape(doc)
    core = doc.core_properties
    core.title, core.author, core.language = f"{title(result)} — {result.cluster_name}", settings.agency, "vi-VN"
    _docx_header(doc, result, settings, signers, day)
    paragraph(doc, title(result), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18)
    paragraph(doc, result.cluster_name.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)
    paragraph(doc, f"({status_text(result)}; tổng điểm tối đa của bảng tiêu chí: "
              f"{points_text(result.max_points)} điểm)", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              indent=False, before=0, after=6)
    names = headers(result)
    n_groups = len(names) - 10
    rest = LANDSCAPE_TEXT_MM - 10 - 52 - 8 * 18
    widths = [10.0, 52.0, *[rest / n_groups] * n_groups, *[18.0] * 8] if n_groups else [10.0, 52.0 + rest,
                                                                                       *[18.0] * 8]
    data_table(doc, names, text_rows(result), widths)
    paragraph(doc, "Tỷ lệ (%) = 100 × tổng điểm ÷ điểm tối đa áp dụng (làm tròn 2 chữ số thập phân); đơn vị bằng "
              "tỷ lệ thì cùng hạng.", size=12, italic=True, indent=False, before=6, after=12)
    _docx_signatures(doc, signers)
    return to_bytes(doc)  # python-docx's save; the workbooks above leave through tdkt.core.workbook
