"""The drafts the Office signs, opened again with python-docx: NĐ 30's header blocks, every nominee of the year once
in the right document, counts and money right, the decree in force on the document's date, the `docs` command."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from sqlmodel import select

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.errors import Refused
from tdkt.core.permissions import COMMAND_LINE, PermissionDenied
from tdkt.documents import drafts
from tests.conftest import SECRET
from tests.documents_support import DIRECTOR, MINISTRY, PEOPLE, PROVINCE, YEAR, add_year, list_rows, name_counts, texts

DAY = date(2025, 12, 20)
ALL = [p[0] for p in PEOPLE] + ["Hồ Văn Quang"]


@pytest.fixture
def year(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    return add_year(engine)


def make(engine, kind: str, *, day: date = DAY, **options) -> drafts.Draft:
    with write_session(engine) as session:
        return drafts.make(session, COMMAND_LINE, drafts.request_for(kind, YEAR, day, **options),
                           settings=Settings())


def test_every_nominee_the_council_passed_is_in_exactly_one_of_the_three_documents(engine, year):
    made = {name: make(engine, kind, **options).data for name, kind, options in (
        ("tinh", "to-trinh", {}), ("bo", "to-trinh", {"to": "bo"}), ("qd", "quyet-dinh", {}))}
    counts = {name: name_counts(data, ALL) for name, data in made.items()}
    assert {n for n, c in counts["tinh"].items() if c} == set(PROVINCE)
    assert {n for n, c in counts["bo"].items() if c} == set(MINISTRY)
    assert {n for n, c in counts["qd"].items() if c} == set(DIRECTOR)
    assert all(c <= 1 for found in counts.values() for c in found.values())


def test_a_draft_carries_nd30s_header_blocks_signature_and_times_new_roman_everywhere(engine, year):
    data = make(engine, "to-trinh").data
    lines = texts(data)
    for expected in ("UBND TỈNH LẠNG SƠN", "SỞ CÔNG THƯƠNG LẠNG SƠN", "Số: …/TTr-SCT",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Lạng Sơn, ngày 20 tháng 12 năm 2025", "TỜ TRÌNH", "Nơi nhận:", "- Như trên;", "GIÁM ĐỐC",
                     "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Lạng Sơn."):
        assert expected in lines, expected
    document = Document(BytesIO(data))
    fonts = [r._r.rPr.find(qn("w:rFonts")) for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert fonts and all(f is not None and {f.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
                         == {"Times New Roman"} for f in fonts)
    section = document.sections[0]
    margins = (round(section.page_width.mm), round(section.left_margin.mm), round(section.right_margin.mm))
    assert margins == (210, 30, 15)


def test_the_decision_lists_its_nominees_grouped_with_money_per_person_and_in_total(engine, year):
    data = make(engine, "quyet-dinh", decision="12/QĐ-SCT").data
    rows = list_rows(data)
    assert rows[0] == ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Số tiền (đồng)"]
    headings = [r[1] for r in rows if r[1] == r[2]]
    assert headings == ["TẬP THỂ (2)", "Tập thể lao động tiên tiến (1)", "Giấy khen của Giám đốc Sở (1)",
                        "CÁ NHÂN (5)", "Lao động tiên tiến (4)", "Chiến sĩ thi đua cơ sở (1)", "HỘ GIA ĐÌNH (1)",
                        "Giấy khen của Giám đốc Sở (1)"]
    money = {r[1]: r[4] for r in rows if r[1] != r[2]}
    # base salary 2.340.000 đ: LĐTT 0,3; CSTĐCS 1,0; TTLĐTT 0,8; Giấy khen 0,6 a collective, 0,3 × 1,5 a household
    assert money["Nguyễn Văn An"] == "702.000" and money["Phạm Minh Đức"] == "2.340.000"
    assert money["Phòng Kế hoạch - Tài chính"] == "1.872.000" and money["Tổ {{ nam }} kỹ thuật"] == "1.404.000"
    assert money["Gia đình ông Vũ Văn Hải"] == "1.053.000"
    assert rows[-1] == ["", "Tổng cộng", "", "", "9.477.000"]  # 4 × 702.000 + 2.340.000 + 1.872.000 + 1.404.000 + …
    lines = texts(data)
    assert "Số: 12/QĐ-SCT" in lines and "(Danh sách có 2 tập thể, 5 cá nhân và 1 hộ gia đình)" in lines
    assert any("tổng số tiền thưởng: 9.477.000 đồng" in line for line in lines)


def test_names_are_in_vietnamese_order_and_hostile_names_stay_text(engine, year):
    rows = list_rows(make(engine, "danh-sach", attached_to="quyet-dinh").data)
    people = [r[1] for r in rows[rows.index(next(r for r in rows if r[1] == "Lao động tiên tiến (4)")) + 1:][:4]]
    # by given name (An, Bình, Cúc, then the formula-looking one's last word), then family name
    assert people == ["Nguyễn Văn An", "Trần Thị Bình", "Hoàng <Thị> & Cúc", '=HYPERLINK("http://x","Lê Văn Cường")']
    assert "Tổ {{ nam }} kỹ thuật" in [r[1] for r in rows]  # a value is never read as a field


def test_a_decision_number_adds_the_nominations_already_decided_by_it(engine, year):
    assert name_counts(make(engine, "quyet-dinh").data, ["Lý Thị Oanh"])["Lý Thị Oanh"] == 0
    assert name_counts(make(engine, "quyet-dinh", decision="05/QĐ-SCT").data, ["Lý Thị Oanh"])["Lý Thị Oanh"] == 1


def test_a_decision_drafted_again_by_its_number_keeps_the_date_it_was_signed(engine, year):
    signed = f"10/01/{YEAR + 1}"  # as the world records 05/QĐ-SCT
    again = texts(make(engine, "quyet-dinh", day=date(2026, 12, 3), decision="05/QĐ-SCT").data)
    assert any(f"Quyết định số 05/QĐ-SCT ngày {signed}" in line for line in again), again
    fresh = texts(make(engine, "quyet-dinh", day=date(2026, 12, 3)).data)  # no number yet: the day asked
    assert any("ngày 03/12/2026" in line for line in fresh)


def test_the_public_notice_lists_the_stage_asked_with_its_comment_period(engine, year):
    after = make(engine, "cong-khai", start=date(2025, 12, 1), end=date(2025, 12, 10))
    counts = name_counts(after.data, ALL)
    assert {n for n, c in counts.items() if c} == set(DIRECTOR + PROVINCE + MINISTRY)
    assert any("từ ngày 01/12/2025 đến hết ngày 10/12/2025" in line for line in texts(after.data))
    before = make(engine, "cong-khai", stage="truoc")
    assert {n for n, c in name_counts(before.data, ALL).items() if c} == {"Trương Văn Nam"}
    with pytest.raises(Refused, match="trước ngày bắt đầu"):
        make(engine, "cong-khai", start=date(2025, 12, 10), end=date(2025, 12, 1))


def test_the_decree_named_is_the_one_in_force_on_the_documents_date(engine, year):
    assert any("Nghị định số 98/2023/NĐ-CP" in line for line in texts(make(engine, "to-trinh",
                                                                          day=date(2025, 6, 30)).data))
    assert any("Nghị định số 152/2025/NĐ-CP" in line for line in texts(make(engine, "to-trinh",
                                                                           day=date(2025, 7, 1)).data))


def test_a_draft_with_no_one_to_list_is_refused_saying_what_to_do(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    with pytest.raises(Refused, match="Hồ sơ đề nghị"):
        make(engine, "quyet-dinh")


def test_only_the_office_drafts_and_each_draft_is_in_the_register(engine, year, actors):
    for role in ("lanh_dao", "don_vi", "quan_tri"):
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            drafts.make(session, actors[role], drafts.request_for("to-trinh", YEAR, DAY), settings=Settings())
    made = make(engine, "danh-sach", attached_to="to-trinh", to="bo")
    with read_session(engine) as session:
        row = session.exec(select(GeneratedDocument)).one()
    assert (row.kind, row.file_name, row.size, made.file_name) == (
        "danh_sach", "danh_sach_to_trinh_bo_2025.docx", len(made.data), "danh_sach_to_trinh_bo_2025.docx")


@pytest.mark.parametrize(("kind", "options", "expected"), [
    ("to-trinh", ["--to", "bo"], MINISTRY), ("quyet-dinh", ["--decision", "05/QĐ-SCT"], [*DIRECTOR, "Lý Thị Oanh"]),
    ("danh-sach", ["--for", "quyet-dinh"], DIRECTOR),
    ("cong-khai", ["--from", "01/12/2025", "--to-date", "10/12/2025"], DIRECTOR + PROVINCE + MINISTRY),
])
def test_the_docs_command_writes_each_draft_and_records_it(engine, db_url, year, tmp_path, monkeypatch, kind, options,
                                                          expected):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    click_vi.install()
    out = tmp_path / f"{kind}.docx"
    done = CliRunner().invoke(cli, ["docs", "--year", str(YEAR), "--kind", kind, *options, "--out", str(out)],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert {n for n, c in name_counts(out.read_bytes(), ALL).items() if c} == set(expected)
    with read_session(engine) as session:
        row = session.exec(select(GeneratedDocument)).one()
    assert (row.created_by_name, row.size) == ("dòng lệnh", out.stat().st_size)


def test_the_docs_command_refuses_a_wrong_ending_and_an_empty_year_in_vietnamese(engine, db_url, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    click_vi.install()
    runner = CliRunner()
    wrong = runner.invoke(cli, ["docs", "--year", "2025", "--kind", "to-trinh", "--out", str(tmp_path / "a.pdf")])
    assert wrong.exit_code == 2 and "phải có đuôi .docx" in wrong.output
    empty = runner.invoke(cli, ["docs", "--year", "2025", "--kind", "quyet-dinh", "--out", str(tmp_path / "a.docx")])
    assert empty.exit_code == 1 and "chưa có đề nghị nào" in empty.output
