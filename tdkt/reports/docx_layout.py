"""The report draft's .docx building blocks: Times New Roman runs, paragraphs, side-by-side blocks, data tables.

A data table's columns are sized to what they hold (tdkt.reports.text_width): a date, a document number or a figure
never breaks inside, a word never breaks; the room comes from the widest column of running text. A caption is kept
on the page of its table, and each row on one page. Layout: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm
(NĐ 30/2020), so 165 mm of writing width.
"""

from __future__ import annotations

from io import BytesIO

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tdkt.reports.text_width import width_mm

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
CAPTION_PT = 13
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm of writing width
# Cell margins set on every table, so that the widths below are computed on known room (Word's default is 1.9 mm a
# side; a dd/mm/yyyy date in 12 pt is 19.3 mm, and in a 22 mm column with the default LibreOffice wrapped its year).
LAYOUT_MARGIN_MM = 1.0
TABLE_MARGIN_MM = 1.5
# Room left over in a fitted column: Word and LibreOffice round widths to twips and may kern less than they could.
SLACK_MM = 1.2
LONGEST_WORD_MM = 50.0  # a longer "word" (a link, a run of characters) may break rather than squeeze the others


def set_fonts(rpr_parent) -> None:
    """Give an element's rPr a Times New Roman rFonts for every script (ascii, hAnsi, eastAsia, cs)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def run(paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
        highlight: bool = False):
    """Add a run in Times New Roman; a "\\n" in the text is a line break inside the paragraph."""
    lines = text.split("\n")
    added = paragraph.add_run(lines[0])
    for line in lines[1:]:
        added.add_break()
        added.add_text(line)
    set_fonts(added._r)
    added.font.size = Pt(size)
    added.font.bold = bold or None
    added.font.italic = italic or None
    if highlight:
        added.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return added


def paragraph(container, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
              align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, before: float = 6, after: float = 0):
    """Add a body paragraph (justified, first line indented 10 mm, line spacing 1.1)."""
    added = container.add_paragraph()
    fmt = added.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.1
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        run(added, text, size=size, bold=bold, italic=italic)
    return added


def cell_paragraph(cell, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
                   align=WD_ALIGN_PARAGRAPH.CENTER, first: bool = False):
    """Write a line in a cell (the cell's own empty first paragraph when `first`)."""
    added = cell.paragraphs[0] if first else cell.add_paragraph()
    fmt = added.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if text:
        run(added, text, size=size, bold=bold, italic=italic)
    return added


def rule(cell, width: float, cell_mm: float, *, margin: float = LAYOUT_MARGIN_MM) -> None:
    """A centred horizontal line `width` mm long (a bottom border on an empty paragraph indented from both sides)."""
    added = cell_paragraph(cell, "", size=4)
    side = Mm(max(0.0, (cell_mm - 2 * margin - width) / 2))
    added.paragraph_format.left_indent = added.paragraph_format.right_indent = side
    run(added, "", size=4)
    ppr = added._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


# The order tblPr's children must keep (ECMA-376 CT_TblPr): Word refuses a file whose table properties are out of it.
_TBL_PR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
                 "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]


def _put_table_property(table, element) -> None:
    """Insert a tblPr child where the schema's order puts it."""
    tbl_pr = table._tbl.tblPr
    later = {qn(f"w:{n}") for n in _TBL_PR_ORDER[_TBL_PR_ORDER.index(element.tag.split("}")[1]) + 1:]}
    following = next((child for child in tbl_pr if child.tag in later), None)
    if following is None:
        tbl_pr.append(element)
    else:
        following.addprevious(element)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _put_table_property(table, borders)


def _cell_margins(table, side_mm: float) -> None:
    """Set the left and right cell margins of the whole table (top and bottom stay 0)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(side_mm * 1440 / 25.4)))  # twips
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _put_table_property(table, margins)


def _widths(table, widths_mm: list[float]) -> None:
    # Word reads the cell widths; LibreOffice reads the grid columns and ignores them unless autofit is off.
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def layout_table(document, widths_mm: list[float]):
    """A borderless table used to place blocks side by side (header, recipients and signature)."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _cell_margins(table, LAYOUT_MARGIN_MM)
    _widths(table, widths_mm)
    return table


def needed_mm(text: str, size: float, *, bold: bool = False, italic: bool = False, header: bool = False,
              margin: float = TABLE_MARGIN_MM) -> float:
    """Return the width a cell needs so that `text` breaks only between words: a date, a document number ("154/CV-SCT")
    is one word. A header may also break after a slash ("Tăng/ giảm"); a word past LONGEST_WORD_MM may break."""
    words = text.replace("/", "/ ").split() if header else text.split()
    widest = max((width_mm(w, size, bold=bold, italic=italic) for w in words), default=0.0)
    return min(widest, LONGEST_WORD_MM) + 2 * margin + SLACK_MM


def fit_widths(widths_mm: list[float], headers: list[str], rows: list[list[str]]) -> list[float]:
    """Return the column widths, each widened to hold its widest word on a line (`needed_mm`), the room taken from
    the others in proportion to what they can spare; the total stays the same unless the table cannot hold its words
    at all."""
    need = [max([needed_mm(h, TABLE_PT, bold=True, header=True)] + [needed_mm(r[i], TABLE_PT) for r in rows])
            for i, h in enumerate(headers)]
    widths = [max(w, n) for w, n in zip(widths_mm, need, strict=True)]
    excess = sum(widths) - sum(widths_mm)
    spare = [w - n for w, n in zip(widths, need, strict=True)]
    if excess > 0 and sum(spare) > 0:  # shared out by what each column can spare, so no one column is squeezed
        share = min(1.0, excess / sum(spare))
        widths = [w - s * share for w, s in zip(widths, spare, strict=True)]
    return widths


def data_table(document, headers: list[str], rows: list[list[str]], widths_mm: list[float],
               left_columns: tuple[int, ...] = (1,)):
    """A bordered table with a bold header row that repeats on each page and stays with the first row; no row splits
    across pages; columns fitted to their texts (`fit_widths`)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table, TABLE_MARGIN_MM)
    header = table.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell_paragraph(cell, text, size=TABLE_PT, bold=True, first=True).paragraph_format.keep_with_next = True
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if i in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            cell_paragraph(cell, text, size=TABLE_PT, align=align, first=True)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        cell_paragraph(merged, "Không có số liệu trong kỳ.", size=TABLE_PT, italic=True, first=True)
    for row in table.rows:
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))  # first: CT_TrPr's order
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.trPr.append(repeat)  # after cantSplit
    _widths(table, fit_widths(widths_mm, headers, rows))
    return table


def caption(document, text: str) -> None:
    """A table's caption, centred in bold, kept on the page of its table (keep with next). Too long for one line, it
    breaks after its last comma that leaves a first line which fits, rather than leaving a word or a year alone."""
    room = TEXT_MM - SLACK_MM
    if width_mm(text, CAPTION_PT, bold=True) > room:
        cuts = [i for i, c in enumerate(text) if c == "," and width_mm(text[:i + 1], CAPTION_PT, bold=True) <= room]
        if cuts:
            text = text[:cuts[-1] + 1] + "\n" + text[cuts[-1] + 1:].lstrip()
    added = paragraph(document, text, size=CAPTION_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                      before=6, after=3)
    added.paragraph_format.keep_with_next = True


def _page_number_header(section) -> None:
    """A PAGE field centred in the header from page 2 on; the first page's header stays empty."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    line = header.paragraphs[0]
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        added = run(line, "", size=13)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            added._r.append(field)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            added._r.append(instr)
        else:
            added.text = text


def to_bytes(document) -> bytes:
    """Return the document's .docx bytes."""
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page_setup(document) -> None:
    """A4 portrait, NĐ 30's margins, Times New Roman 14 pt, page numbers in the top margin from page 2 on."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element)
    _page_number_header(section)
