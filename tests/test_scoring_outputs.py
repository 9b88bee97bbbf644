"""The outputs of a cluster's scoring read from a ClusterResult: the charts' numbers and labels, the summary table
as .xlsx and .docx opened again (totals, ranks, header blocks, signatures, A4 landscape)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from tdkt.core.config import Settings
from tdkt.reports import scoring_charts, scoring_summary
from tests.scoring_results_support import cluster_result

SETTINGS = Settings(secret_key="k" * 40)
TODAY = date(2025, 1, 9)


def test_points_are_written_with_at_most_two_places_and_no_trailing_zeros():
    assert [scoring_charts.points_text(v) for v in (700.0, 685.5, 1234.567, 0.0, None)] == [
        "700", "685,5", "1.234,57", "0", "—"]


def test_group_chart_sets_our_points_beside_the_cluster_average_and_the_leader():
    fig = scoring_charts.group_comparison(cluster_result())
    assert [t.name for t in fig.data] == ["Sở Công Thương (đơn vị mình)", "Trung bình của cụm",
                                          "Dẫn đầu: Sở Xây dựng"]
    ours, average, first = fig.data
    assert list(ours.y) == [665.0, 230.0, 50.0, 0.0] and list(ours.text) == ["665", "230", "50", "0"]
    # The four ranked members (Sở Nội vụ is not scored): (690 + 650 + 665 + 600) / 4 = 651,25.
    assert list(average.y) == [651.25, 230.0, 43.75, -2.0] and average.text[0] == "651,25"
    assert list(first.y) == [690.0, 245.0, 45.0, 0.0]
    assert ours.textposition == "outside" and fig.layout.barmode == "group"
    assert ours.x[0] == "I. Thực hiện nhiệm vụ<br>chuyên môn (tối đa 700)" and ours.x[3] == "Điểm trừ"
    assert fig.layout.yaxis.range[0] < -2 and fig.layout.yaxis.range[1] > 700
    assert fig.layout.title.text == "Điểm theo nhóm tiêu chí — Cụm thi đua II, năm 2024"


def test_group_chart_leaves_the_leader_out_when_we_lead_and_says_so():
    result = cluster_result()
    ranked = [m if m.name != "Sở Công Thương" else m.__class__(**{**m.__dict__, "rank": 1}) for m in result.members]
    ranked = sorted(ranked, key=lambda m: (m.rank is None, m.rank or 0, not m.is_us))
    fig = scoring_charts.group_comparison(result.__class__(**{**result.__dict__, "members": tuple(ranked)}))
    assert [t.name for t in fig.data] == ["Sở Công Thương (đơn vị mình)", "Trung bình của cụm"]
    assert "Đơn vị mình dẫn đầu cụm" in fig.layout.title.text


def test_group_chart_of_a_draft_says_it_is_not_published():
    fig = scoring_charts.group_comparison(cluster_result(final=False))
    assert "chưa công bố chính thức" in fig.layout.title.text


def test_rank_chart_reverses_its_axis_and_writes_each_rank_with_the_members_counted():
    fig = scoring_charts.rank_over_years([(2024, 2, 5), (2022, 4, 6), (2023, None, 6)], cluster_name="Cụm II")
    line = fig.data[0]
    assert list(line.x) == [2022, 2023, 2024] and list(line.y) == [4, None, 2]
    assert list(line.text) == ["hạng 4/6", "", "hạng 2/5"] and line.connectgaps is False
    assert tuple(fig.layout.yaxis.range) == (6.5, 0.5) and fig.layout.yaxis.dtick == 1
    assert list(fig.layout.xaxis.ticktext) == ["2022", "2023", "2024"]
    assert fig.layout.title.text == "Xếp hạng của đơn vị mình qua các năm — Cụm II"


def test_percent_chart_lists_the_ranked_members_first_at_the_top_ours_marked():
    fig = scoring_charts.percent_ranking(cluster_result())
    bar = fig.data[0]
    assert list(bar.y) == ["Sở Xây dựng", "Sở Tài chính", "★ Sở Công Thương", "Sở Y tế"]
    assert list(bar.x) == [98.0, 94.5, 94.5, 91.33]
    assert list(bar.text) == ["98,00% · hạng 1", "94,50% · hạng 2", "94,50% · hạng 2", "91,33% · hạng 4"]
    assert bar.marker.color[2] == scoring_charts.US_COLOR and bar.marker.color[0] != scoring_charts.US_COLOR
    assert list(bar.customdata[3]) == ["822", "900"]
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.xaxis.range[1] > 100
    assert fig.layout.yaxis.autorange == "reversed"


def test_summary_workbook_holds_every_member_with_groups_totals_percent_and_rank():
    data = scoring_summary.workbook(cluster_result(), settings=SETTINGS,
                                    signers=scoring_summary.Signers(head="Sở Công Thương", deputy="Sở Xây dựng"),
                                    today=TODAY)
    ws = load_workbook(BytesIO(data)).active
    row = scoring_summary.HEADER_ROW
    assert [c.value for c in ws[row]] == [
        "TT", "Tên cơ quan, đơn vị", "I. Thực hiện nhiệm vụ chuyên môn (700 điểm)",
        "II. Công tác thi đua, khen thưởng (250 điểm)", "Tự chấm", "Điểm thẩm định", "Điểm cộng", "Điểm trừ",
        "Tổng điểm", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp hạng"]
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=row + 1, max_row=row + 5)]
    assert body[0] == [1, "Sở Xây dựng", 690, 245, 990, 980, 45, 0, 980, 1000, 98, 1]
    assert body[2][1] == "Sở Công Thương" and body[2][-1] == 2 and ws.cell(row + 3, 2).font.b
    assert body[3][7:] == [8, 822, 900, 91.33, 4]
    assert body[4] == [5, "Sở Nội vụ", "—", "—", "—", "—", 0, 0, 0, 1000, "—", "—"]
    assert ws["A1"].value == "CỤM THI ĐUA II" and ws["A2"].value == "SỞ CÔNG THƯƠNG"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [c.value for c in ws[1]]
    assert ws["A3"].value == "Lạng Sơn, ngày 09 tháng 01 năm 2025"
    assert ws["A4"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2024 — CỤM THI ĐUA II"
    assert ws["A5"].value.startswith("(Kết quả chính thức (đã công bố)")
    texts = [c.value for r in ws.iter_rows(min_row=row + 6) for c in r if c.value]
    assert texts == ["CỤM PHÓ", "CỤM TRƯỞNG", "SỞ XÂY DỰNG", "SỞ CÔNG THƯƠNG", "GIÁM ĐỐC", "GIÁM ĐỐC",
                     "(Ký, ghi rõ họ tên, đóng dấu)", "(Ký, ghi rõ họ tên, đóng dấu)"]  # no name known: blank
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${row}:${row}"


def test_summary_workbook_of_a_draft_says_it_is_not_final():
    ws = load_workbook(BytesIO(scoring_summary.workbook(cluster_result(final=False), settings=SETTINGS,
                                                        today=TODAY))).active
    assert "Kết quả tạm thời — chưa công bố chính thức" in ws["A5"].value
    assert ws["A2"].value == SETTINGS.agency.upper()  # no head named: the department's own name


def test_summary_document_is_a4_landscape_with_the_motto_the_table_and_two_signatures():
    data = scoring_summary.document(cluster_result(), settings=SETTINGS,
                                    signers=scoring_summary.Signers(head="Sở Công Thương", deputy="Sở Xây dựng"),
                                    today=TODAY)
    document = docx.Document(BytesIO(data))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    header, table, signatures = document.tables
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs][:2] == ["CỤM THI ĐUA II", "SỞ CÔNG THƯƠNG"]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 09 tháng 01 năm 2025"]
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:2] == ["BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2024", "CỤM THI ĐUA II"]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][-4:] == ["Tổng điểm", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp hạng"]
    assert rows[1] == ["1", "Sở Xây dựng", "690", "245", "990", "980", "45", "0", "980", "1.000", "98,00", "1"]
    assert rows[4][1:] == ["Sở Y tế", "600", "200", "832", "822", "30", "8", "822", "900", "91,33", "4"]
    assert rows[5][-2:] == ["—", "—"]
    deputy, head = signatures.rows[0].cells
    assert [p.text for p in deputy.paragraphs] == ["CỤM PHÓ", "SỞ XÂY DỰNG", "GIÁM ĐỐC",
                                                   "(Ký, ghi rõ họ tên, đóng dấu)", "", "", "", "", ""]
    assert [p.text for p in head.paragraphs][:3] == ["CỤM TRƯỞNG", "SỞ CÔNG THƯƠNG", "GIÁM ĐỐC"]
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text}
    assert fonts <= {"Times New Roman", None}
