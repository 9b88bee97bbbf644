"""The council's ballots and minutes opened again with python-docx and read on paper (LibreOffice, pdftotext): one
identical ballot page per member listing each nominee of the title once, the minutes' attendance, votes and results."""

from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO

import docx
import numpy as np
import pytest
from docx.oxml.ns import qn

from tdkt.core.errors import Refused
from tdkt.core.text import name_sort_key
from tdkt.reports.council_documents import (
    BallotNominee,
    MemberAttendance,
    MinutesData,
    NomineeResult,
    TitleResult,
    ballots_docx,
    minutes_docx,
    result_label,
    role_label,
)
from tests.test_report_pdf import nfc, to_pdf

AGENCY = "Sở Công Thương Lạng Sơn"
MEETING = date(2025, 12, 15)
INJECTED = '=HYPERLINK("http://evil.example","Bấm")'
CSTDCS = [BallotNominee("Nguyễn Văn Bình", "Phòng Quản lý thương mại", "Trưởng phòng"),
          BallotNominee("Trần Thị Ánh", "Văn phòng Sở", "Chuyên viên"),
          BallotNominee("Lê Thị Ân", "Thanh tra Sở", None),
          BallotNominee(INJECTED, None, None)]
OTHER_TITLE = [BallotNominee("Hoàng Đức Ưng", "Phòng Kế hoạch", "Phó Trưởng phòng")]
MEMBERS = [MemberAttendance("Phạm Văn Đông", "Ủy viên", "vang"),
           MemberAttendance("Đỗ Thị Hà", "Ủy viên thư ký", "co_mat"),
           MemberAttendance("Vũ Minh Khôi", "Phó Chủ tịch", "co_mat"),
           MemberAttendance("Bùi Thị Lan", "Ủy viên", "vang_bo_phieu_bang_van_ban"),
           MemberAttendance("Ngô Quang Hải", "Chủ tịch", "co_mat"),
           *(MemberAttendance(f"Ủy viên Số {i}", "Ủy viên", "co_mat") for i in range(1, 11))]  # 15 in all


def result(name: str, votes: int | None, *, threshold: int | None = 80, forecast: str | None = None,
           unit: str = "Văn phòng Sở") -> NomineeResult:
    """A nominee's tally of the 15-member council, as the council computes it."""
    share = None if votes is None else votes / 15
    passed = None if threshold is None or votes is None else votes * 100 >= threshold * 15  # forecasts too
    return NomineeResult(name, unit, votes, 15, share, passed, forecast)


MINUTES = MinutesData(
    agency=AGENCY, year=2025, meeting_date=MEETING, place="Phòng họp tầng 3, Sở Công Thương", round_no=1,
    members=MEMBERS,
    results=[
        TitleResult("Chiến sĩ thi đua cơ sở", 80, "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7",
                    [result("Trần Thị Ánh", 11), result("Nguyễn Văn Bình", 12), result(INJECTED, 15)]),
        TitleResult("Chiến sĩ thi đua cấp tỉnh", 90, "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7",
                    [result("Lê Thị Ân", 13, threshold=90, forecast="Dự báo chưa đạt ngưỡng ≥ 90% của Hội đồng Thi "
                            "đua - Khen thưởng tỉnh (86,7% phiếu đồng ý tại Hội đồng Sở)"),
                     result("Hoàng Đức Ưng", 14, threshold=90, forecast="Dự báo đạt ngưỡng ≥ 90% của Hội đồng Thi đua"
                            " - Khen thưởng tỉnh (93,3% phiếu đồng ý tại Hội đồng Sở)")]),
        TitleResult("Lao động tiên tiến", None, None, [result("Mai Văn Tú", None, threshold=None)]),
    ])


def opened(data: bytes):
    return docx.Document(BytesIO(data))


def all_runs(document):
    """Every run of the body (paragraphs and table cells, nested ones too) and of the page headers."""
    yield from document.element.body.iter(qn("w:r"))
    for section in document.sections:
        for part in (section.header, section.first_page_header):
            yield from part._element.iter(qn("w:r"))


def pages(document) -> list[list]:
    """The body's blocks (paragraphs and tables) split at each page break."""
    split: list[list] = [[]]
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p") and any(br.get(qn("w:type")) == "page" for br in block.iter(qn("w:br"))):
            split.append([])
        elif block.tag in (qn("w:p"), qn("w:tbl")):
            split[-1].append(block)
    return split


def block_text(block) -> str:
    return nfc("".join(t.text or "" for t in block.iter(qn("w:t"))))


def table_rows(table) -> list[list[str]]:
    """A table's cell texts row by row; `table` a python-docx Table or its w:tbl element."""
    if not isinstance(table, docx.table.Table):
        table = docx.table.Table(table, None)
    return [[nfc(cell.text) for cell in row.cells] for row in table.rows]


def tables_of(page: list) -> list:
    return [block for block in page if block.tag == qn("w:tbl")]


def ballots(copies: int = 15, **changes) -> bytes:
    kwargs = {"agency": AGENCY, "year": 2025, "award_name": "Chiến sĩ thi đua cơ sở", "nominees": CSTDCS,
              "copies": copies, "meeting_date": MEETING} | changes
    return ballots_docx(**kwargs)


def test_ballots_have_one_identical_page_per_member_with_each_nominee_once_in_name_order():
    document = opened(ballots(copies=15))
    split = pages(document)
    assert len(split) == 15
    expected = [n.name for n in sorted(CSTDCS, key=lambda n: name_sort_key(n.name))]
    # Given name first, in the Vietnamese alphabet: Ánh (a) before Ân (â) before Bình.
    assert expected[:3] == ["Trần Thị Ánh", "Lê Thị Ân", "Nguyễn Văn Bình"]
    first = [block_text(b) for b in split[0]]
    for page in split:
        assert [block_text(b) for b in page] == first
        header, nominees = tables_of(page)
        rows = table_rows(nominees)
        assert rows[0] == ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Đồng ý", "Không đồng ý"]
        assert [r[1] for r in rows[1:]] == expected
        assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
        assert all(r[4] == r[5] == "" for r in rows[1:])  # the boxes to tick are blank
        assert rows[3][2:4] == ["Trưởng phòng", "Phòng Quản lý thương mại"]
    text = "\n".join(first)
    assert "Hoàng Đức Ưng" not in text  # the other title's nominee
    assert "Vòng" not in text


def test_ballot_page_has_the_header_blocks_title_and_instruction():
    page = pages(opened(ballots(copies=2)))[0]
    header = table_rows(tables_of(page)[0])[0]
    assert header[0].split("\n")[:3] == ["SỞ CÔNG THƯƠNG LẠNG SƠN", "HỘI ĐỒNG", "THI ĐUA - KHEN THƯỞNG"]
    assert header[1].split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                                     "Lạng Sơn, ngày 15 tháng 12 năm 2025"]
    assert "Số:" not in header[0]
    texts = [block_text(b) for b in page if b.tag == qn("w:p") and block_text(b)]
    assert texts[:4] == ["PHIẾU BẦU", "Danh hiệu “Chiến sĩ thi đua cơ sở”", "năm 2025",
                         "(Phiếu bầu kín, người bầu không ghi tên)"]
    assert any(t.startswith("Đồng ý người nào thì đánh dấu X vào ô “Đồng ý”") for t in texts)
    assert "Danh sách có 4 người được đề nghị." in texts


def test_second_round_ballot_says_so_and_an_undated_one_leaves_the_date_blank():
    page = pages(opened(ballots(copies=1, round_no=2, meeting_date=None, nominees=OTHER_TITLE,
                                award_name="Chiến sĩ thi đua cấp tỉnh", locality="Cao Bằng")))[0]
    texts = [block_text(b) for b in page]
    assert "năm 2025 - Vòng 2" in texts and "Danh hiệu “Chiến sĩ thi đua cấp tỉnh”" in texts
    assert "Cao Bằng, ngày …… tháng …… năm ……" in table_rows(tables_of(page)[0])[0][1]
    assert [r[1] for r in table_rows(tables_of(page)[1])[1:]] == ["Hoàng Đức Ưng"]


def test_ballots_refuse_no_nominee_and_no_copy():
    with pytest.raises(Refused, match="Chưa có đề nghị nào"):
        ballots(nominees=[])
    with pytest.raises(Refused, match="ít nhất là 1"):
        ballots(copies=0)


def test_every_run_of_both_documents_is_times_new_roman_for_every_script():
    for data in (ballots(copies=3), minutes_docx(MINUTES)):
        runs = list(all_runs(opened(data)))
        assert runs
        for r in runs:
            fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == \
                {"Times New Roman"}


def test_a_name_that_looks_like_a_formula_stays_plain_text():
    for data in (ballots(copies=1), minutes_docx(MINUTES)):
        body = opened(data).element.body
        assert not list(body.iter(qn("w:instrText"))) and not list(body.iter(qn("w:fldSimple")))
        assert not list(body.iter(qn("w:hyperlink")))
        assert INJECTED in [block_text(cell) for cell in body.iter(qn("w:tc"))]


def test_minutes_have_the_header_number_date_and_title():
    document = opened(minutes_docx(MINUTES))
    header = table_rows(document.tables[0])[0]
    assert header[0].split("\n") == ["SỞ CÔNG THƯƠNG LẠNG SƠN", "HỘI ĐỒNG", "THI ĐUA - KHEN THƯỞNG", "",
                                     "Số: …/BB-HĐTĐKT"]
    assert header[1].endswith("Lạng Sơn, ngày 15 tháng 12 năm 2025")
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert texts[:3] == ["BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng Sở Công Thương Lạng Sơn",
                         "xét danh hiệu thi đua, hình thức khen thưởng năm 2025"]
    assert "Thời gian: vào hồi …… giờ …… phút, ngày 15/12/2025." in texts
    assert "Địa điểm: Phòng họp tầng 3, Sở Công Thương." in texts


def test_minutes_record_the_attendance_absent_members_voting_in_writing_and_the_chair_and_secretary():
    document = opened(minutes_docx(MINUTES))
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert "Chủ trì: Ngô Quang Hải - Chủ tịch Hội đồng." in texts
    assert "Thư ký: Đỗ Thị Hà - Ủy viên thư ký Hội đồng." in texts
    assert ("Tổng số thành viên Hội đồng: 15; có mặt: 13; vắng: 2 (trong đó 1 thành viên gửi phiếu bầu bằng văn "
            "bản). Số thành viên tham gia bỏ phiếu: 14.") in texts
    rows = table_rows(document.tables[1])
    assert rows[0] == ["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Tham dự"]
    assert rows[1:6] == [["1", "Ngô Quang Hải", "Chủ tịch", "Có mặt"],
                         ["2", "Vũ Minh Khôi", "Phó Chủ tịch", "Có mặt"],
                         ["3", "Đỗ Thị Hà", "Ủy viên thư ký", "Có mặt"],
                         ["4", "Phạm Văn Đông", "Ủy viên", "Vắng"],
                         ["5", "Bùi Thị Lan", "Ủy viên", "Vắng, bỏ phiếu bằng văn bản"]]
    assert len(rows) == 16 and [r[0] for r in rows[1:]] == [str(i) for i in range(1, 16)]
    signatures = table_rows(document.tables[-1])[0]
    assert signatures[0].split("\n")[0] == "THƯ KÝ" and signatures[0].split("\n")[-1] == "Đỗ Thị Hà"
    assert signatures[1].split("\n")[0] == "CHỦ TỊCH" and signatures[1].split("\n")[-1] == "Ngô Quang Hải"


def test_minutes_show_each_titles_votes_share_and_result():
    document = opened(minutes_docx(MINUTES))
    cstdcs, province, lao_dong = (table_rows(t) for t in document.tables[2:5])
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert cstdcs[0] == ["STT", "Họ và tên", "Đơn vị", "Đồng ý / tổng số thành viên", "Tỷ lệ", "Kết quả"]
    assert cstdcs[1:] == [["1", "Trần Thị Ánh", "Văn phòng Sở", "11/15", "73,3%", "Không đạt"],
                          ["2", "Nguyễn Văn Bình", "Văn phòng Sở", "12/15", "80,0%", "Đạt"],
                          ["3", INJECTED, "Văn phòng Sở", "15/15", "100,0%", "Đạt"]]
    assert province[1:] == [["1", "Lê Thị Ân", "Văn phòng Sở", "13/15", "86,7%", MINUTES.results[1].rows[0].forecast],
                            ["2", "Hoàng Đức Ưng", "Văn phòng Sở", "14/15", "93,3%",
                             MINUTES.results[1].rows[1].forecast]]
    assert "Dự báo: 1/2 trường hợp đạt ngưỡng của Hội đồng cấp trên." in texts
    assert lao_dong[1:] == [["1", "Mai Văn Tú", "Văn phòng Sở", "—", "—", "Không cần bỏ phiếu"]]
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert "1. Danh hiệu “Chiến sĩ thi đua cơ sở”: 3 trường hợp được đề nghị." in texts
    assert ("Yêu cầu: đạt từ 80% tổng số thành viên Hội đồng trở lên. Căn cứ: Nghị định 98/2023/NĐ-CP, Điều 30 khoản "
            "7.") in texts
    assert "Kết quả: 2/3 trường hợp đạt." in texts and "Kết quả: 1/2 trường hợp đạt." not in texts
    assert "3. Danh hiệu “Lao động tiên tiến”: 1 trường hợp được đề nghị." in texts
    assert "Danh hiệu, hình thức này không cần bỏ phiếu." in texts
    assert texts[-1].startswith("Cuộc họp kết thúc vào hồi …… giờ ……")


def test_result_labels_and_role_codes():
    assert result_label(result("A", None), 80) == "Chưa bỏ phiếu"
    assert result_label(result("A", None, threshold=None), None) == "Không cần bỏ phiếu"
    assert [role_label(r) for r in ("chu_tich", "ủy viên thư ký", "Phó Chủ tịch")] == \
        ["Chủ tịch", "Ủy viên thư ký", "Phó Chủ tịch"]


def test_minutes_of_a_second_round_without_secretary_leave_a_blank_to_sign():
    data = MinutesData(agency=AGENCY, year=2025, meeting_date=date(2026, 1, 8), place=None, round_no=2,
                       members=[MemberAttendance("Ngô Quang Hải", "chu_tich", "co_mat")], results=[])
    document = opened(minutes_docx(data))
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert "xét danh hiệu thi đua, hình thức khen thưởng năm 2025 (vòng 2)" in texts
    assert "Địa điểm: ……………." in texts and "Thư ký: …………………………… - Ủy viên thư ký Hội đồng." in texts
    assert "Không có trường hợp nào được đưa ra xét tại cuộc họp." in texts
    assert table_rows(document.tables[0])[0][1].endswith("Lạng Sơn, ngày 08 tháng 01 năm 2026")


def test_libreoffice_prints_one_ballot_per_member_and_the_minutes_with_their_diacritics(tmp_path):
    printed = to_pdf({"ballots": ballots(copies=5), "minutes": minutes_docx(MINUTES)}, tmp_path)
    assert len(printed["ballots"]) == 5
    for page in printed["ballots"]:
        text = "\n".join(page)
        assert "PHIẾU BẦU" in page and "Danh hiệu “Chiến sĩ thi đua cơ sở”" in page
        assert all(text.count(name) == 1 for name in ("Nguyễn Văn Bình", "Trần Thị Ánh", "Lê Thị Ân"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "THI ĐUA - KHEN THƯỞNG" in text and "- KHEN THƯỞNG" not in [line[:13] for line in page]
    minutes = "\n".join(line for page in printed["minutes"] for line in page)
    for expected in ("BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng Sở Công Thương Lạng Sơn", "Ngô Quang Hải",
                     "Vắng, bỏ phiếu bằng văn", "Trần Thị Ánh", "73,3%", "Không đạt", "Không cần bỏ", "CHỦ TỊCH",
                     "THƯ KÝ", "Đỗ Thị Hà"):
        assert expected in minutes, expected
    assert "Số: …/BB-HĐTĐKT" in minutes
    listing = subprocess.run(["pdffonts", str(tmp_path / "minutes.pdf")], check=True, capture_output=True,
                             timeout=30).stdout.decode()
    fonts = [line.split() for line in listing.splitlines()[2:]]
    assert fonts and all(f[0].split("+")[-1].startswith(("LiberationSerif", "TimesNewRoman")) for f in fonts), fonts


def test_minutes_conclude_with_who_the_council_sends_on():
    texts = [nfc(p.text) for p in opened(minutes_docx(MINUTES)).paragraphs if p.text]
    start = texts.index("IV. KẾT LUẬN")
    assert texts[start + 2:start + 5] == [
        f"- Danh hiệu “Chiến sĩ thi đua cơ sở”: 2 trường hợp (Nguyễn Văn Bình, {INJECTED}).",
        "- Danh hiệu “Chiến sĩ thi đua cấp tỉnh”: 1 trường hợp (Hoàng Đức Ưng), trình Hội đồng Thi đua - Khen "
        "thưởng cấp trên xét.",
        "- Danh hiệu “Lao động tiên tiến”: 1 trường hợp."]
    assert "Trần Thị Ánh" not in texts[start + 2]  # 11/15 did not pass


def test_collective_title_ballot_names_the_collective_without_a_position_column():
    nominees = [BallotNominee("Phòng Quản lý công nghiệp", "Phòng Quản lý công nghiệp", None),
                BallotNominee("Tổ Kiểm tra thị trường số 1", "Chi cục Quản lý thị trường", None)]
    page = pages(opened(ballots(copies=1, award_name="Tập thể lao động xuất sắc", nominees=nominees)))[0]
    rows = table_rows(tables_of(page)[1])
    assert rows == [["STT", "Tên tập thể", "Trực thuộc", "Đồng ý", "Không đồng ý"],
                    ["1", "Phòng Quản lý công nghiệp", "", "", ""],
                    ["2", "Tổ Kiểm tra thị trường số 1", "Chi cục Quản lý thị trường", "", ""]]
    assert "Danh sách có 2 tập thể được đề nghị." in [block_text(b) for b in page]


def test_minutes_read_numpy_bools_and_numbers_as_a_pandas_frame_hands_them_over():
    rows = [NomineeResult("Trần Thị Ánh", None, np.int64(11), 15, np.float64(11 / 15), np.False_, None),
            NomineeResult("Nguyễn Văn Bình", None, np.int64(12), 15, np.float64(0.8), np.True_, None)]
    data = MinutesData(agency=AGENCY, year=2025, meeting_date=MEETING, place=None, round_no=1, members=MEMBERS,
                       results=[TitleResult("Chiến sĩ thi đua cơ sở", 80, None, rows)])
    document = opened(minutes_docx(data))
    assert [r[3:] for r in table_rows(document.tables[2])[1:]] == [["11/15", "73,3%", "Không đạt"],
                                                                   ["12/15", "80,0%", "Đạt"]]
    texts = [nfc(p.text) for p in document.paragraphs if p.text]
    assert "- Danh hiệu “Chiến sĩ thi đua cơ sở”: 1 trường hợp (Nguyễn Văn Bình)." in texts


def test_a_long_list_runs_over_pages_each_ballot_starting_a_page_with_its_header_row_repeated(tmp_path):
    many = [BallotNominee(f"Người Đề Nghị Số {i:02d}", f"Phòng {i % 5}", "Chuyên viên") for i in range(1, 41)]
    data = ballots(copies=3, nominees=many)
    split = pages(opened(data))
    assert len(split) == 3
    for page in split:
        assert [r[1] for r in table_rows(tables_of(page)[1])[1:]] == \
            [n.name for n in sorted(many, key=lambda n: name_sort_key(n.name))]
    printed = to_pdf({"long": data}, tmp_path)["long"]
    starts = [i for i, page in enumerate(printed) if "PHIẾU BẦU" in page]
    per_ballot = len(printed) // 3
    assert per_ballot >= 2 and len(printed) == 3 * per_ballot and starts == [0, per_ballot, 2 * per_ballot]
    assert all(any(line.startswith("STT") for line in page) for page in printed)  # the header row on every page
    text = "\n".join(line for page in printed for line in page)
    assert all(text.count(n.name) == 3 for n in many)
