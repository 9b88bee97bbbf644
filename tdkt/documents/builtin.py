"""The built-in .docx templates of the drafts, in the NĐ 30/2020 layout, with their named fields between {{ }}.

Built with python-docx and the report's layout helpers (Times New Roman on every script slot, A4, NĐ 30's margins);
the Office downloads one, edits it in Word and uploads it back (tdkt.documents.templates). Loops are docxtpl's:
`{%p for … %}` paragraphs and `{%tr for … %}` table rows, each alone in its paragraph or row.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tdkt.reports.docx_layout import (
    TABLE_PT,
    TEXT_MM,
    cell_paragraph,
    layout_table,
    page_setup,
    paragraph,
    rule,
    run,
)

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
HEADER_MM = (70.0, TEXT_MM - 70.0)
LIST_HEADERS = ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị"]
LIST_WIDTHS = [12.0, 58.0, 42.0, 53.0]
MONEY_HEADERS = ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Số tiền (đồng)"]
MONEY_WIDTHS = [12.0, 50.0, 36.0, 40.0, 27.0]
TITLES = {"to_trinh": "TỜ TRÌNH", "quyet_dinh": "QUYẾT ĐỊNH", "cong_khai": "THÔNG BÁO"}


def _header(document) -> None:
    """The agency block and the national motto side by side, the number under the agency, the date under the motto."""
    left, right = layout_table(document, list(HEADER_MM)).rows[0].cells
    cell_paragraph(left, "{{ co_quan_cap_tren }}", size=13, first=True)
    cell_paragraph(left, "{{ co_quan }}", size=13, bold=True)
    rule(left, 25, HEADER_MM[0])
    cell_paragraph(left, "{{ so_ky_hieu }}", size=13).paragraph_format.space_before = Pt(6)
    cell_paragraph(right, MOTTO, size=12, bold=True, first=True)
    cell_paragraph(right, MOTTO_LINE, size=14, bold=True)
    rule(right, 62, HEADER_MM[1])
    cell_paragraph(right, "{{ dia_danh_ngay }}", size=14, italic=True).paragraph_format.space_before = Pt(6)


def _centred(document, text: str, *, bold: bool = True, italic: bool = False, before: float = 6):
    return paragraph(document, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                     before=before)


def _loop(document, opening: str, line: str, *, indent: bool = True, italic: bool = False) -> None:
    """A paragraph repeated once per item: `{%p for … %}`, the line, `{%p endfor %}`."""
    paragraph(document, opening, indent=False, before=0)
    paragraph(document, line, indent=indent, italic=italic)
    paragraph(document, "{%p endfor %}", indent=False, before=0)


def _closing(document, *, recipients_first: str | None = None) -> None:
    """Nơi nhận on the left, a line per recipient; the signer's title and name on the right."""
    left, right = layout_table(document, [80.0, TEXT_MM - 80.0]).rows[0].cells
    cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    if recipients_first:
        cell_paragraph(left, recipients_first, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_paragraph(left, "{%p for n in noi_nhan %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_paragraph(left, "{{ n }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_paragraph(left, "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_paragraph(right, "{%p for t in chuc_vu_ky %}", size=14, first=True)
    cell_paragraph(right, "{{ t }}", size=14, bold=True)
    cell_paragraph(right, "{%p endfor %}", size=14)
    for _ in range(4):
        cell_paragraph(right, "", size=14)
    cell_paragraph(right, "{{ nguoi_ky }}", size=14, bold=True)


def _grid_row(table, texts: list[str], *, bold: bool = False, merge_from: int | None = None) -> None:
    cells = table.add_row().cells
    if merge_from is not None:
        merged = cells[merge_from].merge(cells[-1])
        cells = [*cells[:merge_from], merged]
    for i, (cell, text) in enumerate(zip(cells, texts, strict=False)):
        align = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
        cell_paragraph(cell, text, size=TABLE_PT, bold=bold, align=align, first=True)


def _list_table(document, *, money: bool) -> None:
    """The attached list: a bold header row repeated on each page, then a row per group heading or nominee."""
    headers, widths = (MONEY_HEADERS, MONEY_WIDTHS) if money else (LIST_HEADERS, LIST_WIDTHS)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_paragraph(cell, text, size=TABLE_PT, bold=True, first=True)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    data = ["{{ d.stt }}", "{{ d.ten }}", "{{ d.chuc_vu }}", "{{ d.don_vi }}"] + (["{{ d.so_tien }}"] if money else [])
    for tag in ("{%tr for d in dong %}", "{%tr if d.muc %}"):
        _grid_row(table, [tag])
    _grid_row(table, ["{{ d.stt }}", "{{ d.ten }}"], bold=True, merge_from=1)
    _grid_row(table, ["{%tr else %}"])
    _grid_row(table, data)
    for tag in ("{%tr endif %}", "{%tr endfor %}"):
        _grid_row(table, [tag])
    if money:
        _grid_row(table, ["", "Tổng cộng", "", "", "{{ tong_tien }}"], bold=True)
    table.autofit = False  # Word reads the cells' widths, LibreOffice the grid's columns
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)


def _list_part(document, *, money: bool = False, new_page: bool = True) -> None:
    """The list's own header lines, its title and the "(Kèm theo …)" line, then the table and its count."""
    if new_page:
        run(document.add_paragraph(), "").add_break(WD_BREAK.PAGE)
    _centred(document, "{{ tieu_de_danh_sach }}")
    _centred(document, "{{ kem_theo }}", bold=False, italic=True, before=0)
    _centred(document, "(Danh sách có {{ dem }})", bold=False, italic=True, before=0).paragraph_format.space_after = (
        Pt(6))
    _list_table(document, money=money)


def _to_trinh(document) -> None:
    _centred(document, "TỜ TRÌNH", before=12)
    _centred(document, "{{ trich_yeu }}", before=0)
    _centred(document, "Kính gửi: {{ kinh_gui }}.", bold=False, before=12)
    _loop(document, "{%p for c in can_cu %}", "{{ c }}", italic=True)
    paragraph(document, "{{ ten_co_quan }} kính trình {{ cap_quyet_dinh }} xem xét, khen thưởng cho {{ dem }} có "
                        "thành tích xuất sắc trong năm {{ nam }} (có danh sách kèm theo), cụ thể:")
    _loop(document, "{%p for k in tong_hop %}", "- {{ k.dong }}")
    paragraph(document, "Hồ sơ đề nghị gồm: tờ trình, danh sách, biên bản họp Hội đồng Thi đua - Khen thưởng, báo "
                        "cáo thành tích của từng tập thể, cá nhân theo quy định tại {{ nghi_dinh }}.")
    paragraph(document, "{{ ten_co_quan }} kính trình {{ kinh_gui }} xem xét, quyết định./.")
    _closing(document, recipients_first="- Như trên;")
    _list_part(document)


def _quyet_dinh(document) -> None:
    _centred(document, "QUYẾT ĐỊNH", before=12)
    _centred(document, "{{ trich_yeu }}", before=0)
    _centred(document, "GIÁM ĐỐC {{ co_quan }}", before=12)
    _loop(document, "{%p for c in can_cu %}", "{{ c }}", italic=True)
    _centred(document, "QUYẾT ĐỊNH:", before=12)
    paragraph(document, "Điều 1. Tặng danh hiệu thi đua, Giấy khen cho {{ dem }} (có danh sách kèm theo), cụ thể:")
    _loop(document, "{%p for k in tong_hop %}", "- {{ k.dong }}")
    paragraph(document, "Điều 2. Tiền thưởng kèm theo danh hiệu, Giấy khen theo quy định tại {{ nghi_dinh }}, tính "
                        "trên mức lương cơ sở {{ muc_luong }} đồng; tổng số tiền thưởng: {{ tong_tien }} đồng, chi "
                        "từ Quỹ thi đua, khen thưởng của {{ ten_co_quan }}.")
    paragraph(document, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng các phòng, "
                        "đơn vị thuộc Sở và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết "
                        "định này./.")
    _closing(document, recipients_first="- Như Điều 3;")
    _list_part(document, money=True)


def _cong_khai(document) -> None:
    _centred(document, "THÔNG BÁO", before=12)
    _centred(document, "{{ trich_yeu }}", before=0)
    paragraph(document, "Thực hiện khoản 5 Điều 84 Luật Thi đua, khen thưởng năm 2022, {{ ten_co_quan }} thông báo "
                        "công khai danh sách {{ dem }} được đề nghị khen thưởng năm {{ nam }} ({{ giai_doan }}), có "
                        "danh sách kèm theo.")
    paragraph(document, "Thời gian nhận ý kiến: từ ngày {{ tu_ngay }} đến hết ngày {{ den_ngay }}. Ý kiến góp ý gửi "
                        "về Văn phòng {{ ten_co_quan }} (Thường trực Hội đồng Thi đua - Khen thưởng) để tổng hợp, báo "
                        "cáo Hội đồng. Hết thời hạn trên, nếu không có ý kiến, Hội đồng tiếp tục xét theo quy định./.")
    _closing(document)
    _list_part(document)


def _danh_sach(document) -> None:
    _list_part(document, new_page=False)
    paragraph(document, "", before=12)
    _closing(document)


BUILDERS = {"to_trinh": _to_trinh, "danh_sach": _danh_sach, "quyet_dinh": _quyet_dinh, "cong_khai": _cong_khai}


def builtin_template(kind: str) -> bytes:
    """Return the built-in .docx template of a kind of draft."""
    document = Document()
    page_setup(document)
    _header(document)
    BUILDERS[kind](document)
    core = document.core_properties
    core.title, core.language = f"Mẫu {TITLES.get(kind, 'DANH SÁCH').lower()}", "vi-VN"
    out = BytesIO()
    document.save(out)
    return out.getvalue()
