"""Certificates drawn with fpdf2 in Liberation Serif (Times New Roman's metrics, every Vietnamese letter): the full
certificate on A4 landscape, the text alone for a pre-printed blank, and the test print with its ruler."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from tdkt.core.errors import Refused
from tdkt.documents.certificate_layout import (
    FIELD_LABELS,
    FIELDS,
    LINES,
    MIN_SIZE,
    PAGE_H,
    PAGE_W,
    STYLES,
    Box,
    Layout,
)

# Debian's fonts-liberation2 (2.1): both ./scripts/run and ./scripts/test install it. The older fonts-liberation
# (1.07) lacks letters with two marks (ế, ờ, ử…), so it is not a fallback.
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf", "I": "LiberationSerif-Italic.ttf",
              "BI": "LiberationSerif-BoldItalic.ttf"}
FAMILY = "LiberationSerif"
RED, DARK_RED, GOLD, INK = (200, 16, 46), (150, 20, 30), (218, 165, 32), (20, 20, 20)


@dataclass(frozen=True, slots=True)
class Sheet:
    """The text of one certificate, field by field (FIELDS); the title lines of a full certificate."""

    texts: dict[str, str]
    title: str  # "TẶNG GIẤY KHEN" / "CHỨNG NHẬN"
    issuer: str  # "GIÁM ĐỐC SỞ CÔNG THƯƠNG LẠNG SƠN"


def new_document(title: str, *, font_dir: Path = FONT_DIR) -> FPDF:
    """Return an empty A4 landscape document in mm with Liberation Serif loaded (subset and embedded at output)."""
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise Refused(f"Không tìm thấy phông chữ Liberation Serif ({font_dir / missing[0]}) để in chữ tiếng Việt có "
                      "dấu: cài gói Debian fonts-liberation2 (sudo apt-get install fonts-liberation2, hoặc chạy lại "
                      "./scripts/run, lệnh này tự cài) rồi in lại.")
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.c_margin = 0
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(font_dir / name))
    pdf.set_title(title)
    pdf.set_lang("vi-VN")
    pdf.set_creator("TĐKT Dashboard")
    return pdf


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Return the text broken into lines no wider than width (in the current font), word by word."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _cut(pdf: FPDF, text: str, width: float) -> str:
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1].rstrip()
    return text + "…"


def fitted(pdf: FPDF, text: str, box: Box, *, style: str, lines: int = 1) -> tuple[float, list[str]]:
    """Return the type size and lines that fit the text in the box: its size, or smaller by half points down to
    MIN_SIZE; past that the last line is cut with "…" (fpdf's string width measures each size)."""
    size = box.size
    while True:
        pdf.set_font(FAMILY, style, size)
        broken = wrap(pdf, text, box.w) if lines > 1 else [text]
        if len(broken) <= lines and all(pdf.get_string_width(line) <= box.w for line in broken):
            return size, broken
        if size - 0.5 < MIN_SIZE:
            kept = broken[:lines]
            if len(broken) > lines or pdf.get_string_width(kept[-1]) > box.w:
                kept[-1] = _cut(pdf, kept[-1] if len(broken) <= lines else f"{kept[-1]} …", box.w)
            return size, kept
        size -= 0.5


def put_text(pdf: FPDF, text: str, box: Box, *, style: str, lines: int = 1, align: str = "C") -> None:
    """Write the text inside the box, centred on each line, shrunk to fit; nothing for empty text."""
    if not text:
        return
    size, broken = fitted(pdf, text, box, style=style, lines=lines)
    pdf.set_font(FAMILY, style, size)
    height = box.line_height(size)
    for index, line in enumerate(broken):
        pdf.set_xy(box.x, box.y + index * height)
        pdf.cell(box.w, height, line, align=align)


def put_fields(pdf: FPDF, sheet: Sheet, layout: Layout) -> None:
    """Write every field of one certificate at its place in the layout."""
    pdf.set_text_color(*INK)
    for name in FIELDS:
        put_text(pdf, sheet.texts.get(name, ""), layout.placed(name), style=STYLES[name], lines=LINES.get(name, 1))


def _ornament(pdf: FPDF, x: float, y: float) -> None:
    pdf.set_fill_color(*GOLD)
    pdf.star(x, y, 1.6, 4.2, 4, style="F")
    pdf.set_fill_color(*DARK_RED)
    pdf.circle(x, y, 1.2, style="F")


def _emblem(pdf: FPDF, x: float, y: float) -> None:
    """The emblem's place, drawn (no image): a gold ring around a red disc with a gold five-pointed star."""
    pdf.set_fill_color(*GOLD)
    pdf.circle(x, y, 15, style="F")
    pdf.set_fill_color(*RED)
    pdf.circle(x, y, 12.5, style="F")
    pdf.set_fill_color(*GOLD)
    pdf.star(x, y, 2.9, 7.4, 5, rotate_degrees=-90, style="F")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.circle(x, y, 16.2)


def draw_frame(pdf: FPDF, sheet: Sheet) -> None:
    """Draw a full certificate's fixed part: the double border with its corners, the emblem, the national motto,
    the issuer and the title."""
    pdf.set_draw_color(*DARK_RED)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    for x in (11.5, PAGE_W - 11.5):
        for y in (11.5, PAGE_H - 11.5):
            _ornament(pdf, x, y)
    _emblem(pdf, 42, 40)
    pdf.set_text_color(*INK)
    put_text(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Box(58.5, 18, 180, 14), style="B")
    put_text(pdf, "Độc lập - Tự do - Hạnh phúc", Box(58.5, 24.5, 180, 14), style="B")
    pdf.set_font(FAMILY, "B", 14)
    half = pdf.get_string_width("Độc lập - Tự do - Hạnh phúc") / 2
    pdf.set_line_width(0.3)
    pdf.set_draw_color(*INK)
    pdf.line(PAGE_W / 2 - half, 31.5, PAGE_W / 2 + half, 31.5)
    put_text(pdf, sheet.issuer, Box(58.5, 40, 180, 16), style="B")
    pdf.set_text_color(*RED)
    put_text(pdf, sheet.title, Box(38.5, 52, 220, 32), style="B")
    pdf.set_text_color(*INK)


def certificates(sheets: Iterable[Sheet], layout: Layout, *, overlay: bool, title: str) -> bytes:
    """Return the PDF: one page per certificate, the full certificate or (overlay) its text alone."""
    pdf = new_document(title)
    for sheet in sheets:
        pdf.add_page()
        if not overlay:
            draw_frame(pdf, sheet)
        put_fields(pdf, sheet, layout)
    return bytes(pdf.output())


def _ruler(pdf: FPDF) -> None:
    """A millimetre ruler along the top and left edges of the sheet, numbered every centimetre."""
    pdf.set_draw_color(*INK)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 6)
    pdf.set_line_width(0.1)
    pdf.line(0, 5, PAGE_W, 5)
    pdf.line(5, 0, 5, PAGE_H)
    for mm in range(0, int(PAGE_W) + 1):
        length = 4 if mm % 10 == 0 else 2.5 if mm % 5 == 0 else 1.5
        pdf.line(mm, 5, mm, 5 + length)
        if mm % 10 == 0 and 0 < mm < PAGE_W:
            pdf.text(mm - pdf.get_string_width(str(mm)) / 2, 12, str(mm))
    for mm in range(0, int(PAGE_H) + 1):
        length = 4 if mm % 10 == 0 else 2.5 if mm % 5 == 0 else 1.5
        pdf.line(5, mm, 5 + length, mm)
        if mm % 10 == 0 and 0 < mm < PAGE_H:
            pdf.text(10.5, mm + 0.8, str(mm))


def _crosshair(pdf: FPDF, name: str, box: Box, lines: int) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.15)
    pdf.line(box.x - 4, box.y, box.x + 4, box.y)
    pdf.line(box.x, box.y - 4, box.x, box.y + 4)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(box.x, box.y, box.w, box.height(lines))
    pdf.set_dash_pattern()
    pdf.set_text_color(*RED)
    pdf.set_font(FAMILY, "", 7)
    pdf.text(box.x + 1, box.y - 1, f"{FIELD_LABELS[name]} ({box.x:g}; {box.y:g}) mm, rộng {box.w:g} mm")


def calibration_print(layout: Layout, sample: Sheet, *, title: str) -> bytes:
    """Return the test print: the ruler, a crosshair and dashed box at each field's place (the sheet's shift
    applied), and a sample text in each box, to lay over the blank against the light and measure."""
    pdf = new_document(title)
    pdf.add_page()
    _ruler(pdf)
    pdf.set_text_color(110, 110, 110)
    put_text(pdf, "BẢN IN THỬ: đặt lên phôi, soi đèn, đo độ lệch bằng thước (mm) rồi sửa vị trí từng ô.",
             Box(30, 16, 240, 10), style="I")
    for name in FIELDS:
        box = layout.placed(name)
        _crosshair(pdf, name, box, LINES.get(name, 1))
        pdf.set_text_color(90, 90, 90)
        put_text(pdf, sample.texts.get(name, ""), box, style=STYLES[name], lines=LINES.get(name, 1))
    return bytes(pdf.output())
