"""The report draft on paper: converted by LibreOffice and read back with pdftotext -layout, no date, document number
or agency line breaks, every caption is on its table's page, and zero figures read as sentences, not "0 hồ sơ"."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from sqlmodel import Session

from tdkt.core.db import make_engine
from tdkt.reports import report_docx, reports
from tdkt.reports.docx_layout import fit_widths, needed_mm
from tests import test_reports
from tests.demo_support import DEMO_TODAY, SETTINGS

fixture_db = test_reports.fixture_db  # the hand-counted figures of tests/test_reports.py (a pytest fixture)

DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
DOCUMENT_NUMBER = re.compile(r"\b\d+/[A-ZĐ]+(?:-[A-ZĐ]+)*\b")
# The department with a name that cannot stand on one line of the header's left block even in 12 pt.
LONG = replace(SETTINGS, agency="Sở Nông nghiệp và Môi trường Lạng Sơn", parent_agency="Ủy ban nhân dân tỉnh Lạng Sơn")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ")


def docx_texts(document: bytes) -> list[str]:
    """Every text of the draft: body paragraphs, and each table cell's (header, tables, recipients)."""
    parsed = docx.Document(BytesIO(document))
    texts = [p.text for p in parsed.paragraphs]
    texts += [cell.text for table in parsed.tables for row in table.rows for cell in row.cells]
    return [nfc(t) for t in texts]


def to_pdf(documents: dict[str, bytes], directory) -> dict[str, list[list[str]]]:
    """Convert the drafts in one LibreOffice run (about 2 s) and return each one's pages as `pdftotext -layout`
    lines (stripped, empty lines dropped)."""
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.fail("Thiếu LibreOffice Writer hoặc poppler-utils: chạy ./scripts/test (cài libreoffice-writer-nogui, "
                    "poppler-utils) rồi chạy lại.")
    for name, data in documents.items():
        (directory / f"{name}.docx").write_bytes(data)
    profile = (directory / "lo-profile").as_uri()  # its own profile: another soffice may be running
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(directory), *(str(directory / f"{name}.docx") for name in documents)],
                   check=True, timeout=120, capture_output=True)
    pages = {}
    for name in documents:
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(directory / f"{name}.pdf"), "-"],
                              check=True, capture_output=True, timeout=30).stdout.decode("utf-8")
        pages[name] = [[line.strip() for line in page.splitlines() if line.strip()]
                       for page in nfc(text).split("\f") if page.strip()]
    return pages


@pytest.fixture(scope="module")
def drafts(demo_template, tmp_path_factory) -> dict:
    """The demo's half-year 2025 report (where the issue was seen: nothing received, a caption at a page's foot),
    and the same for a department whose name needs two lines; their figures; their PDFs' pages."""
    directory = tmp_path_factory.mktemp("report_pdf")
    engine = make_engine(f"sqlite:///{demo_template}")  # only read
    try:
        with Session(engine) as session:
            documents = {
                "demo": report_docx.draft(session, year=2025, period="h1", settings=SETTINGS, today=DEMO_TODAY),
                "long": report_docx.draft(session, year=2025, period="h1", settings=LONG, today=DEMO_TODAY,
                                          cluster="Cụm II", signer="pho_giam_doc"),
            }
            data = reports.figures(session, year=2025, period="h1", as_of=DEMO_TODAY)
    finally:
        engine.dispose()
    return {"documents": documents, "figures": data, "pages": to_pdf(documents, directory)}


@pytest.mark.parametrize("name", ["demo", "long"])
def test_no_date_or_document_number_breaks_across_lines(drafts, name):
    texts = docx_texts(drafts["documents"][name])
    lines = [line for page in drafts["pages"][name] for line in page]
    for pattern in (DATE, DOCUMENT_NUMBER):
        wanted = sorted(m for t in texts for m in pattern.findall(t))
        assert len(wanted) >= 5, wanted  # the tables are filled: the check has something to find
        # Each one printed whole, as often as the draft holds it: a split one would be missing from the lines.
        assert sorted(m for line in lines for m in pattern.findall(line)) == wanted


def test_agency_and_motto_lines_stay_whole_on_the_first_page(drafts):
    first = drafts["pages"]["demo"][0]
    for text in ("UBND TỈNH LẠNG SƠN", "SỞ CÔNG THƯƠNG LẠNG SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 05 tháng 01 năm 2026"):
        assert any(text in line for line in first[:8]), (text, first[:8])
    assert not any(line.endswith(("LẠNG", "THƯƠNG")) for line in first[:8]), first[:8]


def test_a_name_too_long_for_one_line_breaks_between_words_and_keeps_the_place_whole(drafts):
    first = drafts["pages"]["long"][0][:10]
    assert any(line.startswith("ỦY BAN NHÂN DÂN") for line in first), first
    assert any("SỞ NÔNG NGHIỆP VÀ" in line for line in first), first
    assert sum("LẠNG SƠN" in line for line in first) == 2, first  # "TỈNH LẠNG SƠN", "MÔI TRƯỜNG LẠNG SƠN"
    assert not any(re.search(r"LẠNG$|LẠNG\s{2,}", line) for line in first), first
    # The draft itself says where the name breaks: two lines, even, the place on the second.
    left = docx.Document(BytesIO(drafts["documents"]["long"])).tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs[:2]] == ["ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN",
                                                     "SỞ NÔNG NGHIỆP VÀ\nMÔI TRƯỜNG LẠNG SƠN"]


@pytest.mark.parametrize("name", ["demo", "long"])
def test_every_caption_is_on_the_page_of_its_table(drafts, name):
    captions = [t for t in docx_texts(drafts["documents"][name]) if re.match(r"Bảng \d\.", t)]
    assert [c[:7] for c in captions] == ["Bảng 1.", "Bảng 2.", "Bảng 3.", "Bảng 4."]
    for caption in captions:
        head = caption.split("\n")[0]
        found = [(n, i) for n, page in enumerate(drafts["pages"][name]) for i, line in enumerate(page)
                 if line == head]
        assert len(found) == 1, (head, found)
        n, i = found[0]
        page = drafts["pages"][name][n]
        # The table's header row ("TT …") follows the caption (one or two lines) on the same page.
        assert any(line.startswith("TT ") for line in page[i + 1:i + 4]), (head, page[i:i + 4])


ZERO_COUNT = re.compile(r"\b(đã tiếp nhận|đã phát động|đã ký kết|hoàn thành|có|thực hiện) 0\b")


def test_no_raw_value_and_no_zero_said_as_a_count(drafts):
    words = " ".join(line for page in drafts["pages"]["demo"] for line in page)
    assert not re.search(r"\b(None|nan|NaN|NaT)\b", words)
    body = docx.Document(BytesIO(drafts["documents"]["demo"])).paragraphs
    assert not ZERO_COUNT.search(" ".join(p.text for p in body))  # the sentences; the tables hold figures
    flowing = " ".join(words.split())
    data = drafts["figures"]
    if not sum(data["nominations"].values()):  # the demo's first half of 2025 received nothing: said so
        assert "chưa tiếp nhận hồ sơ đề nghị khen thưởng nào" in flowing
    else:
        assert f"đã tiếp nhận {sum(data['nominations'].values())} hồ sơ đề nghị khen thưởng" in flowing


def sentences(engine, year: int, period: str = "h1") -> str:
    with Session(engine) as session:
        document = report_docx.draft(session, year=year, period=period, settings=SETTINGS, today=date(2026, 1, 5))
    return " ".join(p.text for p in docx.Document(BytesIO(document)).paragraphs)


def test_zero_figures_read_as_sentences(fixture_db):
    # The first half of 2024 in the hand-made database: the seed's plan (5 tasks due, none done, all overdue as of
    # 2026) and its two covenant signings not done; no movement and no nomination, beside 2023's known figures.
    text = sentences(fixture_db, 2024)
    assert "Sở Công Thương Lạng Sơn chưa phát động phong trào thi đua nào (cùng kỳ năm 2023: 1)." in text
    assert ("Kế hoạch công tác thi đua, khen thưởng có 5 nhiệm vụ đến hạn trong kỳ, chưa hoàn thành nhiệm vụ nào, cả "
            "5 nhiệm vụ đều đã quá hạn (cùng kỳ năm 2023: 3 nhiệm vụ đến hạn, hoàn thành 1).") in text
    assert ("chưa ký kết giao ước thi đua nào (cùng kỳ năm 2023: 2); chưa thực hiện hoạt động nào trong 2 hoạt động "
            "của cụm thi đua dự kiến trong kỳ.") in text
    assert ("chưa tiếp nhận hồ sơ đề nghị khen thưởng nào (cùng kỳ năm 2023: 4); chưa có trường hợp nào được cấp có "
            "thẩm quyền quyết định khen thưởng (cùng kỳ năm 2023: 1).") in text
    assert not ZERO_COUNT.search(text)


def test_a_period_with_nothing_and_nothing_the_year_before(fixture_db):
    text = sentences(fixture_db, 2031)
    assert "chưa phát động phong trào thi đua nào (cùng kỳ năm 2030: không có)." in text
    assert ("Kế hoạch công tác thi đua, khen thưởng không có nhiệm vụ nào đến hạn trong kỳ (cùng kỳ năm 2030: không có "
            "nhiệm vụ nào đến hạn).") in text
    assert ("chưa ký kết giao ước thi đua nào (cùng kỳ năm 2030: không có); không có hoạt động nào của cụm thi đua "
            "dự kiến trong kỳ.") in text
    assert not ZERO_COUNT.search(text) and "0/0 hoạt động" not in text


def test_one_of_each_after_a_year_with_none(fixture_db):
    # 2022's first half: its one task done, one movement, one covenant, one nomination; 2021 has nothing at all.
    text = sentences(fixture_db, 2022)
    assert "đã phát động 1 phong trào thi đua (cùng kỳ năm 2021: không có)" in text
    assert "có 1 nhiệm vụ đến hạn trong kỳ, đã hoàn thành nhiệm vụ này (cùng kỳ năm 2021: không có nhiệm vụ nào" in text
    assert "đã tiếp nhận 1 hồ sơ đề nghị khen thưởng (cùng kỳ năm 2021: không có)" in text
    assert ": 0)" not in text


def test_columns_widen_to_their_widest_word_and_keep_the_total():
    rows = [["1", "Một nội dung dài của nhiệm vụ kế hoạch", "31/12/2025", "154/CV-SCT"]]
    widths = fit_widths([10, 95, 18, 18], ["TT", "Nội dung", "Hạn", "Văn bản"], rows)
    assert round(sum(widths), 6) == 141
    assert widths[2] >= needed_mm("31/12/2025", 12) and widths[3] >= needed_mm("154/CV-SCT", 12)
    assert needed_mm("31/12/2025", 12) > 22  # a 22 mm column broke the year of a date
    assert widths[1] < 95 and widths[0] >= needed_mm("TT", 12, bold=True)  # the room came from the text column
