"""Biểu 0601, 0602, 0603 of TT 02/2023/TT-BNV counted from a hand-built year (tests/forms_world.py): each row and
column, the 01/12–30/11 period on both of its edges, the totals the forms' own sums require, what is left out."""

from __future__ import annotations

from datetime import date

import pytest

from tdkt.core.db import read_session
from tdkt.forms import movement_form, tt02
from tdkt.forms.form_table import period
from tests import forms_world


@pytest.fixture
def built(engine):
    forms_world.build(engine)
    forms = {}
    with read_session(engine) as session:
        for year in (2023, 2024, 2025):
            for form in tt02.FORMS:
                forms[form, year] = tt02.build(session, form=form, year=year)
    return forms


def by_code(table) -> dict[str, list[int]]:
    return {row.code: list(row.values) for row in table.coded()}


def column(table, *words: str) -> int:
    """The index of the one value column whose heading holds every word."""
    found = [i for i, c in enumerate(table.columns) if all(w in c.path for w in words)]
    assert len(found) == 1, (words, [c.path for c in table.columns])
    return found[0]


def test_period_runs_from_the_first_of_december_before_to_the_thirtieth_of_november():
    span = period(2024)
    assert (span.start, span.end) == (date(2023, 12, 1), date(2024, 11, 30))
    assert span.contains(date(2024, 11, 30)) and span.contains(date(2023, 12, 1))
    assert not span.contains(date(2024, 12, 1)) and not span.contains(date(2023, 11, 30))
    assert not span.contains(None)
    assert span.label == "Năm 2024 (từ 01/12/2023 đến 30/11/2024)"


def test_0601_counts_movements_by_launch_date_level_scope_duration_and_way(built):
    rows = by_code(built["0601", 2024])
    assert rows == {
        "01": [5, 1, 2, 2],
        "02": [1, 1, 0, 0], "03": [2, 0, 2, 0], "04": [1, 0, 0, 1], "05": [1, 0, 0, 1],
        "06": [2, 0, 1, 1], "07": [1, 0, 0, 1], "08": [1, 1, 0, 0], "09": [1, 0, 1, 0], "10": [0, 0, 0, 0],
        "11": [4, 1, 2, 1], "12": [1, 0, 0, 1],
    }


def test_0601_period_edges_launched_on_the_first_of_december_count_in_the_next_year(built):
    assert by_code(built["0601", 2025])["01"] == [1, 0, 0, 1]  # launched 01/12/2024
    assert by_code(built["0601", 2025])["07"] == [1, 0, 0, 1]  # regular, no end date: one year
    assert by_code(built["0601", 2023])["01"] == [1, 0, 0, 1]  # launched 30/11/2023
    names = set(built["0601", 2024].details["Tên phong trào"])
    assert "Phong trào của Thủ tướng" in names and "Chuyển đổi số toàn tỉnh" in names  # 01/12/2023, 30/11/2024
    assert "Thi đua năm 2025" not in names and "Thi đua năm 2023 của Sở" not in names


def test_0601_row_sums_hold_on_every_column(built):
    for year in (2023, 2024, 2025):
        rows = by_code(built["0601", year])
        for values in rows.values():
            assert values[0] == sum(values[1:])
        for group in (("02", "03", "04", "05"), ("06", "07", "08", "09", "10"), ("11", "12")):
            assert [sum(rows[c][i] for c in group) for i in range(4)] == rows["01"]


def test_0601_notes_say_what_was_not_counted(built):
    notes = " ".join(built["0601", 2024].notes)
    assert "Không tính 1 phong trào năm 2024 chưa có ngày phát động: Chưa phát động." in notes
    assert "1 phong trào chưa ghi ngày kết thúc" in notes


@pytest.mark.parametrize(("text", "level", "cluster"), [
    ("Thủ tướng Chính phủ", movement_form.CENTRAL, False),
    ("Hội đồng Thi đua - Khen thưởng Trung ương", movement_form.CENTRAL, False),
    ("UBND tỉnh Lạng Sơn", movement_form.SECTOR, False),
    ("Bộ Công Thương", movement_form.SECTOR, False),
    ("Tổng Liên đoàn Lao động Việt Nam", movement_form.SECTOR, False),
    ("Giám đốc Sở Công Thương tỉnh Lạng Sơn", movement_form.AGENCY, False),
    ("Cụm thi đua II", movement_form.AGENCY, True),
    ("Bộ phận một cửa", movement_form.AGENCY, False),
    ("", movement_form.AGENCY, False),
    (None, movement_form.AGENCY, False),
])
def test_launch_level_read_from_who_launched(text, level, cluster):
    assert movement_form.launch_level(text) == (level, cluster)


def test_0602_counts_state_awards_decided_in_the_period_by_route_object_and_way(built):
    table = built["0602", 2024]
    rows = by_code(table)
    assert list(rows) == ["01", "02", "03", *(f"{n:02d}" for n in range(6, 22))]
    total = {code: values[0] for code, values in rows.items()}
    assert total == {"01": 5, "02": 1, "03": 4, "06": 1, "07": 1, "08": 1, "09": 3, "10": 0, "11": 1, "12": 0,
                     "13": 0, "14": 2, "15": 3, "16": 0, "17": 0, "18": 1, "19": 0, "20": 0, "21": 1}
    labour = "Huân chương Lao động hạng Ba"
    assert rows["01"][column(table, labour, "Tập thể")] == 1
    assert rows["01"][column(table, labour, "Cá nhân")] == 1
    assert rows["07"][column(table, labour, "Tập thể")] == 1
    assert rows["11"][column(table, labour, "Cá nhân")] == 1  # "Giám đốc Sở", no category stored: inferred
    assert rows["21"][column(table, "Huân chương Kháng chiến chống Mỹ hạng nhất", "Cá nhân")] == 1
    assert rows["18"][column(table, "Huy chương Hữu nghị", "Cá nhân")] == 1
    assert rows["08"][column(table, "Bằng khen của Thủ tướng Chính phủ", "Tập thể")] == 1  # a household
    assert rows["01"][column(table, "Cờ thi đua của Chính phủ")] == 0  # decided 30/11/2023: the year before


def test_0602_and_0603_sums_hold_on_every_column(built):
    ways_0602, ways_0603 = tuple(f"{n}" for n in range(15, 22)), tuple(f"{n}" for n in range(11, 18))
    identities = {  # (rows that add up, the row they add up to)
        "0602": [(("02", "03"), "01"), (("06", "08", "09"), "01"), (ways_0602, "01"),
                 (("10", "11", "12", "13", "14"), "09")],
        "0603": [(("02", "04", "05"), "01"), (ways_0603, "01"), (("06", "07", "08", "09", "10"), "05")],
    }
    for year in (2023, 2024, 2025):
        for form, groups in identities.items():
            table = built[form, year]
            rows = by_code(table)
            for values in rows.values():
                assert values[0] == sum(values[1:])
            for group, whole in groups:
                assert [sum(rows[c][i] for c in group) for i in range(len(table.columns))] == rows[whole]
            assert all(a <= b for a, b in zip(rows["07" if form == "0602" else "03"],
                                              rows["06" if form == "0602" else "02"], strict=True))


def test_0602_period_edges(built):
    assert by_code(built["0602", 2025])["01"][0] == 1  # Bằng khen Thủ tướng decided 01/12/2024
    assert by_code(built["0602", 2023])["01"][0] == 1  # Cờ thi đua của Chính phủ decided 30/11/2023


def test_0603_counts_ministry_and_province_awards_and_leaves_out_what_has_no_column(built):
    table = built["0603", 2024]
    rows = by_code(table)
    assert list(rows) == [f"{n:02d}" for n in range(1, 18)]
    assert rows["01"] == [4, 2, 0, 1, 1]
    assert rows["02"] == [2, 1, 0, 1, 0] and rows["05"] == [2, 1, 0, 0, 1]
    assert rows["06"] == [1, 0, 0, 0, 1] and rows["09"] == [1, 1, 0, 0, 0]
    assert rows["11"] == [4, 2, 0, 1, 1]
    notes = " ".join(table.notes)
    assert "Không có cột trong biểu nên không tính: Tập thể lao động xuất sắc (1)." in notes
    assert "1 hồ sơ năm 2024 “Có quyết định” chưa ghi ngày quyết định: không tính." in notes
    assert by_code(built["0603", 2025])["01"] == [1, 0, 1, 0, 0]  # CSTĐ cấp tỉnh decided 02/12/2024
    assert by_code(built["0603", 2023])["01"] == [0, 0, 0, 0, 0]


def test_json_shape_has_the_full_code_and_two_digit_codes_only_for_coded_rows(built):
    for (form, year), table in built.items():
        data = table.as_json()
        assert set(data) == {"form", "year", "columns", "rows"}
        assert data["form"] == f"{form}.N/BNV-TĐKT" and data["year"] == year
        assert data["columns"][0] == "Tổng số"
        for row in data["rows"]:
            assert set(row) == {"code", "label", "values"}
            assert isinstance(row["code"], str) and len(row["code"]) == 2 and row["code"].isdigit()
            assert len(row["values"]) == len(data["columns"])
        assert len(data["rows"]) == {"0601": 12, "0602": 19, "0603": 17}[form]
