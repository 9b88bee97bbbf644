"""The draft report (.docx): NĐ 30/2020 layout, the figures of tdkt.reports, the CLI; SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from io import BytesIO

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from sqlmodel import Session

from tdkt.cli.program import cli
from tdkt.core.config import Settings
from tdkt.reports import report_docx, reports
from tests import test_reports
from tests.test_reports import LDTT

fixture_db = test_reports.fixture_db  # the same seeded database as the figures' tests (a pytest fixture)

SETTINGS = Settings(secret_key="k" * 40)
TODAY = date(2026, 1, 5)


def build(engine, **kwargs) -> docx.document.Document:
    args = {"year": 2023, "period": "h1", "settings": SETTINGS, "today": TODAY} | kwargs
    with Session(engine) as session:
        return docx.Document(BytesIO(report_docx.draft(session, **args)))


def body_text(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def all_runs(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs
    for paragraph in document.sections[0].header.paragraphs:
        yield from paragraph.runs


def test_place_and_date_has_leading_zeros_for_small_days_and_months_one_and_two():
    assert report_docx.place_and_date("Lạng Sơn", date(2026, 1, 5)) == "Lạng Sơn, ngày 05 tháng 01 năm 2026"
    assert report_docx.place_and_date("Lạng Sơn", date(2026, 2, 28)) == "Lạng Sơn, ngày 28 tháng 02 năm 2026"
    assert report_docx.place_and_date("Lạng Sơn", date(2026, 7, 9)) == "Lạng Sơn, ngày 09 tháng 7 năm 2026"
    assert report_docx.place_and_date("Lạng Sơn", date(2026, 12, 15)) == "Lạng Sơn, ngày 15 tháng 12 năm 2026"


def test_header_blocks_title_and_subject(fixture_db):
    document = build(fixture_db)
    left, right = document.tables[0].rows[0].cells
    lines = [p.text for p in left.paragraphs if p.text]
    assert lines == ["UBND TỈNH LẠNG SƠN", "SỞ CÔNG THƯƠNG LẠNG SƠN", "Số: …/BC-SCT"]
    assert [r.bold for r in left.paragraphs[1].runs] == [True]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 05 tháng 01 năm 2026"]
    motto, line = right.paragraphs[0], right.paragraphs[1]
    assert all(r.bold for r in motto.runs + line.runs)
    date_runs = [p for p in right.paragraphs if p.text.startswith("Lạng Sơn")][0].runs
    assert all(r.italic for r in date_runs)
    # The header table has no borders; the rule under the names is a paragraph border.
    assert document.tables[0]._tbl.tblPr.find(qn("w:tblBorders")) is not None
    assert left.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
    text = body_text(document)
    title = text.index("BÁO CÁO")
    assert text[title + 1] == "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2023"
    assert all(r.bold for r in document.paragraphs[title].runs + document.paragraphs[title + 1].runs)


def test_sections_figures_and_author_places(fixture_db):
    document = build(fixture_db)
    text = body_text(document)
    headings = [t for t in text if t[:3] in {"I. ", "II.", "III", "IV.", "V. "}]
    assert [h.split(" ", 1)[0] for h in headings] == ["I.", "II.", "III.", "IV.", "V."]
    assert headings[0] == "I. ĐẶC ĐIỂM TÌNH HÌNH" and headings[1].startswith("II. KẾT QUẢ")
    assert headings[3] == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023"
    assert headings[4] == "V. KIẾN NGHỊ, ĐỀ XUẤT"
    for sub in ("1. Công tác lãnh đạo, chỉ đạo và tổ chức phong trào thi đua",
                "2. Việc thực hiện các nội dung giao ước thi đua", "3. Công tác khen thưởng"):
        assert sub in text
    whole = "\n".join(text)
    with Session(fixture_db) as session:
        data = reports.figures(session, year=2023, period="h1", as_of=TODAY)
    # The hand-counted figures of tests/test_reports.py: 3 tasks due, 1 done, 2 overdue; 1 movement; 2 covenants.
    assert (f"phát động {data['movements']} phong trào thi đua" in whole and
            "có 3 nhiệm vụ đến hạn trong kỳ, đã hoàn thành 1, còn lại 2, trong đó 2 nhiệm vụ quá hạn" in whole)
    assert f"đã ký kết {data['covenants_signed']} giao ước thi đua (cùng kỳ năm 2022: 1)" in whole
    assert "đã tiếp nhận 4 hồ sơ đề nghị khen thưởng (cùng kỳ năm 2022: 1)" in whole
    places = [r for p in document.paragraphs for r in p.runs if r.text.startswith("[Nội dung do người soạn bổ sung")]
    assert len(places) >= 5 and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in places)


def test_tables_have_bold_headers_and_the_figures(fixture_db):
    document = build(fixture_db)
    heads = {tuple(c.text for c in t.rows[0].cells): t for t in document.tables[1:-1]}
    summary = heads[("TT", "Chỉ tiêu", "Kỳ này (2023)", "Cùng kỳ 2022", "Tăng/giảm")]
    tasks = heads[tuple(report_docx.TASK_HEADERS)]
    events = heads[tuple(report_docx.EVENT_HEADERS)]
    awards = heads[tuple(report_docx.AWARD_HEADERS)]
    for table in (summary, tasks, events, awards):
        assert all(r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in summary.rows[1:]}
    assert rows["Hồ sơ đề nghị nhận được"] == ["4", "1", "+3"]
    assert rows["Quyết định khen thưởng"] == ["1", "1", "0"]
    assert [c.text for c in tasks.rows[1].cells] == ["1", "Nhiệm vụ 1", "31/03/2023", "Hoàn thành", "20/03/2023",
                                                     "Văn bản 12/SCT"]
    assert len(tasks.rows) == 4
    award_rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in awards.rows[1:]}
    assert award_rows[LDTT] == ["2", "1", "+1", "1", "1", "0"]


def test_fonts_page_setup_and_page_number(fixture_db):
    document = build(fixture_db)
    runs = list(all_runs(document))
    assert runs and {r.font.name for r in runs} == {"Times New Roman"}
    assert all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman" for r in runs)
    body = [r for p in document.paragraphs for r in p.runs if r.text]
    assert {r.font.size.pt for r in body} <= {13, 14}
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    # NĐ 30/2020 Phụ lục I: page numbers centred in the top margin, none on the first page.
    header = section.header.paragraphs[0]
    assert [i.text.strip() for i in header._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    assert not any(True for p in section.footer.paragraphs for _ in p._p.iter(qn("w:instrText")))


def test_recipients_signature_cluster_and_year(fixture_db):
    document = build(fixture_db, period="year", cluster="cum ii", signer="pho_giam_doc")
    text = body_text(document)
    assert text[text.index("BÁO CÁO") + 1] == "Tổng kết công tác thi đua, khen thưởng năm 2023 (Cụm II)"
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024" in text
    left, right = document.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:", "- Hội đồng TĐKT tỉnh (phòng TĐKT - Sở Nội vụ);", "- Các thành viên Cụm II;", "- Lãnh đạo Sở;",
        "- Lưu: VT, VP."]
    label = left.paragraphs[0].runs[0]
    assert label.bold and label.italic
    signature = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signature[:2]] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert all(r.bold for p in signature for r in p.runs)
    # Only Cụm II's events are listed.
    events = [t for t in document.tables if t.rows[0].cells[0].text == "TT" and t.rows[0].cells[1].text == "Cụm"][0]
    assert {r.cells[1].text for r in events.rows[1:]} == {"Cụm II"}


def test_plain_director_signature_and_no_cluster_line(fixture_db):
    document = build(fixture_db)
    left, right = document.tables[-1].rows[0].cells
    assert not any("Các thành viên" in p.text for p in left.paragraphs)
    assert [p.text for p in right.paragraphs if p.text][0] == "GIÁM ĐỐC"


def test_unknown_cluster_is_refused(fixture_db):
    with Session(fixture_db) as session, pytest.raises(reports.ReportError, match="không có cụm"):
        report_docx.draft(session, year=2023, cluster="Cụm IX", settings=SETTINGS, today=TODAY)


def test_cli_report_writes_docx_and_prints_its_path(fixture_db, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    out = tmp_path / "bao-cao.docx"
    result = CliRunner().invoke(cli, ["report", "--year", "2023", "--cluster", "Cụm II", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    text = [p.text for p in docx.Document(out).paragraphs]
    assert "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2023 (Cụm II)" in text


def pdf_of(document: bytes, directory) -> bytes:
    """Convert a .docx with Debian's LibreOffice Writer (./scripts/test installs it) and return the PDF."""
    (directory / "bc.docx").write_bytes(document)
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.fail("Thiếu LibreOffice Writer hoặc poppler-utils: chạy ./scripts/test (cài libreoffice-writer-nogui, "
                    "poppler-utils) rồi chạy lại.")
    # Its own profile: two conversions at once with one profile hand the file to the first soffice, or fail.
    # A fresh profile costs about 0.6 s (2.5 s instead of 1.9 s for this draft, 2 cores, measured).
    profile = (directory / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(directory), str(directory / "bc.docx")], check=True, timeout=120, capture_output=True)
    return (directory / "bc.pdf").read_bytes()


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Return each page's non-empty text lines, as pdftotext reads them (NFC, so diacritics compare as written)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True, capture_output=True,
                          timeout=30).stdout.decode("utf-8")
    pages = unicodedata.normalize("NFC", text).split("\f")
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages if page.strip()]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the .docx itself is checked on both engines above
def test_libreoffice_turns_the_draft_into_a_pdf_with_its_text_fonts_and_page_numbers(fixture_db, tmp_path):
    with Session(fixture_db) as session:
        document = report_docx.draft(session, year=2023, settings=SETTINGS, today=TODAY)
    pdf = pdf_of(document, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2, pages  # the page-number rule below needs a second page
    first = pages[0]
    # The two header blocks sit side by side, so pdftotext may read them line by line in either order.
    assert {"UBND TỈNH LẠNG SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"} <= set(first[:4])
    assert "Độc lập - Tự do - Hạnh phúc" in first and "Lạng Sơn, ngày 05 tháng 01 năm 2026" in first
    title = first.index("BÁO CÁO")
    assert first[title + 1] == "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2023"
    # NĐ 30/2020 Phụ lục I: the number in the top margin from page 2 on, none on page 1, none at the foot.
    assert [page[0] for page in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]
    assert not first[0].isdigit()
    assert all(page[-1] != str(n) for n, page in enumerate(pages, start=1))
    # A figure, in its sentence, whichever line it wraps on.
    words = " ".join(" ".join(page) for page in pages).split()
    flowing = " ".join(words)
    assert "đã tiếp nhận 4 hồ sơ đề nghị khen thưởng (cùng kỳ năm 2022: 1)" in flowing
    assert "có 3 nhiệm vụ đến hạn trong kỳ, đã hoàn thành 1, còn lại 2, trong đó 2 nhiệm vụ quá hạn" in flowing
    # Every word of the body reaches the PDF with its marks (ở, ữ, ệ … carry two), none lost to a missing glyph.
    paragraphs = docx.Document(BytesIO(document)).paragraphs
    assert {w for p in paragraphs for w in unicodedata.normalize("NFC", p.text).split()} - set(words) == set()
    # Times New Roman, or its metric twin Liberation Serif (fonts-liberation2), embedded: with fonts-liberation 1.07
    # only, letters with two marks fall back to DejaVu Serif and the lines break elsewhere.
    listing = subprocess.run(["pdffonts", "-"], input=pdf, check=True, capture_output=True, timeout=30)
    fonts = [line.split() for line in listing.stdout.decode().splitlines()[2:]]
    assert fonts and all(f[0].split("+")[-1].startswith(("LiberationSerif", "TimesNewRoman")) for f in fonts), fonts
    assert all(f[-5] == "yes" for f in fonts), fonts  # emb
