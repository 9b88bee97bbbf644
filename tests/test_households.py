"""Households: read from the national layout's choice columns or from their name, and refused, with the Law's
article, any award the Law does not give a household — in the import check, in hand entry and in the rules."""

import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlmodel import Session

from tdkt.awards import catalog, eligibility, households, nominations
from tdkt.awards.rules import cases_json
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET
from tests.workbook_builders import openpyxl_book

SETTINGS = replace(Settings(), secret_key=SECRET)

# The national layout's choice columns: "Lựa chọn X" is what the user picked, "X" what a formula made of it.
HEADER = ["STT", "Tên gọi\n(Ông/Bà/Chức danh)", "Tên tập thể/cá nhân/hộ gia đình", "Chức vụ", "Đơn vị công tác",
          "Lựa chọn phân loại khen thưởng", "Phân loại khen thưởng",
          "Lựa chọn danh hiệu thi đua/hình thức khen thưởng", "Danh hiệu thi đua/Hình thức khen thưởng"]
KINDS = [["Khen thưởng cá nhân", "CANHAN"], ["Khen thưởng tập thể", "TAPTHE"],
         ["Khen thưởng hộ gia đình", "HOGIADINH"]]


def check(engine, rows, *, name="mau.xlsx"):
    data = openpyxl_book(("file nhận", [HEADER, *rows], False), ("phan loai kt", KINDS, True))
    with Session(engine) as session:
        return pipeline.check(session, data, file_name=name, settings=SETTINGS, year=2024)


def test_a_household_read_from_its_choice_column_is_refused_an_award_it_may_not_get(engine):
    report = check(engine, [
        [1, None, "Nông Văn Tài", None, "Xã Mai Pha", "HOGIADINH", None, "Lao động tiên tiến", None],
        [2, None, "Lý Thị Mai", None, "Xã Mai Pha", "HOGIADINH", None, "1672804435", None],
        [3, "Bà", "Lương Thị Hằng", "Chuyên viên", "Văn phòng Sở", "CANHAN", "Khen thưởng cá nhân", None,
         "Lao động tiên tiến"],
    ])
    assert [(r.row, r.target, r.award) for r in report.records] == [
        (2, "ho_gia_dinh", "Lao động tiên tiến"), (3, "ho_gia_dinh", "Giấy khen của Giám đốc Sở"),
        (4, "ca_nhan", "Lao động tiên tiến")]
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (2, "Danh hiệu thi đua/Hình thức khen thưởng", "award_target_mismatch")]
    message = report.errors[0].message
    assert message.startswith("Hộ gia đình không được tặng “Lao động tiên tiến” (Điều 19: danh hiệu thi đua của cá "
                              "nhân): theo Luật Thi đua, khen thưởng 2022, hộ gia đình chỉ được tặng Giấy khen "
                              "(Điều 75)")
    assert "Bằng khen cấp bộ, cấp tỉnh (Điều 74)" in message and "danh hiệu “Gia đình văn hóa” (Điều 20)" in message


def test_a_choice_that_differs_from_its_formula_column_wins_with_a_warning(engine):
    report = check(engine, [
        [1, "Ông", "Hoàng Văn Nam", "Trưởng phòng", "Thanh tra Sở", "CANHAN", "Khen thưởng tập thể",
         "Chiến sĩ thi đua cơ sở", "Lao động tiên tiến"],
        [2, "Ông", "Vi Văn Sáng", "Chuyên viên", "Thanh tra Sở", "HOGIADINH", "Khen thưởng hộ gia đình", None,
         "Giấy khen của Giám đốc Sở"],
    ])
    assert [(r.row, r.target, r.award) for r in report.records] == [(2, "ca_nhan", "Chiến sĩ thi đua cơ sở"),
                                                                   (3, "ho_gia_dinh", "Giấy khen của Giám đốc Sở")]
    differs = [(i.row, i.column, i.severity) for i in report.issues if i.code == "choice_differs"]
    assert differs == [(2, "Lựa chọn phân loại khen thưởng", "warning"),
                       (2, "Lựa chọn danh hiệu thi đua/hình thức khen thưởng", "warning")]


def test_a_household_name_makes_a_household_whatever_the_column_says(engine):
    report = check(engine, [
        [1, None, "Gia đình ông Lê Văn Hải", None, "Xã Hoàng Đồng", "CANHAN", None, "Giấy khen của Giám đốc Sở", None],
        [2, None, "Hộ bà Hoàng Thị Thu", None, "Xã Hoàng Đồng", None, None, "Giấy khen của Giám đốc Sở", None],
        [3, None, "Hồ Văn Minh", "Chuyên viên", "Văn phòng Sở", None, None, "Lao động tiên tiến", None],
    ])
    assert [(r.name, r.target) for r in report.records] == [
        ("Gia đình ông Lê Văn Hải", "ho_gia_dinh"), ("Hộ bà Hoàng Thị Thu", "ho_gia_dinh"), ("Hồ Văn Minh", "ca_nhan")]
    assert report.errors == []


def test_hand_entry_refuses_a_household_an_award_it_may_not_get(engine, actors):
    entered = nominations.NominationInput(year=2024, target="ho_gia_dinh", name="Gia đình ông Lê Văn Hải",
                                          award="Chiến sĩ thi đua cơ sở", unit="Văn phòng Sở")
    with write_session(engine) as session, pytest.raises(nominations.NominationError) as refused:
        nominations.add(session, actors["van_phong"], entered)
    assert "Hộ gia đình không được tặng “Chiến sĩ thi đua cơ sở”" in str(refused.value)
    with write_session(engine) as session:
        nomination, _ = nominations.add(session, actors["van_phong"], replace(entered, award="Giấy khen Sở"))
        assert nomination.target == "ho_gia_dinh"


def test_the_rules_give_a_household_only_its_forms_of_award_with_the_article():
    verdicts = cases_json.evaluate_all([
        {"id": 1, "target": "ho_gia_dinh", "award": "Lao động tiên tiến", "year": 2024, "decision_date": "10/01/2025"},
        {"id": 2, "target": "ho_gia_dinh", "award": "Giấy khen của Giám đốc Sở", "year": 2024,
         "decision_date": "10/01/2025"},
        {"id": 3, "target": "ho_gia_dinh", "award": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "year": 2024,
         "decision_date": "10/01/2025"},
    ])
    assert [(v["eligible"], [f["rule"] for f in v["failures"]], [p["rule"] for p in v["pending"]])
            for v in verdicts] == [(False, ["HGD-1"], []), (True, [], ["HGD-GK"]), (True, [], ["HGD-BK"])]
    assert verdicts[0]["failures"][0]["basis"].startswith("Luật Thi đua, khen thưởng 2022, Điều 20, 73, 74, 75")
    assert verdicts[1]["pending"][0]["basis"] == "Luật Thi đua, khen thưởng 2022, Điều 75"


def test_a_listed_household_is_judged_before_import(engine):
    rows = [SimpleNamespace(sheet="DS", row=5, target="ho_gia_dinh", name="Hộ ông Lý Văn Sơn", name_key="",
                            birth_year=None, unit_id=None, award="Tập thể lao động tiên tiến")]
    with Session(engine) as session:
        found = eligibility.judge_rows(session, year=2024, rows=rows)
    assert found[["row", "rules"]].values.tolist() == [[5, "HGD-1"]]
    assert "Hộ gia đình không được tặng “Tập thể lao động tiên tiến”" in found["reasons"][0]


def test_the_household_list_is_the_catalogue_s():
    assert households.catalogue_matches()


def test_each_household_form_carries_the_article_read_in_the_law_and_marks_only_what_was_not_read():
    # Read: Điều 20 (titles of collectives and households: "Gia đình văn hóa"), Điều 73 (Bằng khen của Thủ tướng),
    # Điều 75 (Giấy khen). Not read: Bằng khen cấp bộ/tỉnh's number, and Điều 73's clause for households.
    assert [(form.label, form.basis) for form in households.FORMS] == [
        ("Giấy khen", "Luật Thi đua, khen thưởng 2022, Điều 75"),
        ("Bằng khen cấp bộ, cấp tỉnh", "Luật Thi đua, khen thưởng 2022, Điều 74 [số điều suy luận]"),
        ("Bằng khen của Thủ tướng Chính phủ",
         "Luật Thi đua, khen thưởng 2022, Điều 73 [chưa kiểm chứng: khoản cho hộ gia đình]"),
        ("danh hiệu “Gia đình văn hóa”", "Luật Thi đua, khen thưởng 2022, Điều 20"),
        ("“Bằng có công với nước”", "Pháp lệnh Ưu đãi người có công với cách mạng 2020")]
    assert "Nghị định 86/2023/NĐ-CP" in households.form_of("GD_VAN_HOA").criterion
    # The catalogue cites the same articles for the same awards.
    for form in households.FORMS[:4]:
        article = form.basis.split("[")[0].strip()
        assert all(catalog.by_code(code).legal_basis.startswith(article) for code in form.codes), form.label


def test_a_household_refused_an_award_of_another_kind_is_told_the_article_that_gives_it_to_others():
    def article(award: str) -> str:
        return re.match(r"Hộ gia đình không được tặng “[^”]*” \((Điều [^:]*):", households.refusal(award))[1]

    assert [article(award) for award in ["Huân chương Lao động hạng Ba", "Huy chương Chiến sĩ vẻ vang hạng Ba",
                                         "Chiến sĩ thi đua cơ sở", "Tập thể lao động xuất sắc",
                                         "Cờ thi đua của Ủy ban nhân dân tỉnh"]] == [
        "Điều 33", "Điều 54 khoản 1", "Điều 19", "Điều 20", "Điều 20"]
    assert "(Điều 33: Huân chương chỉ tặng tập thể, cá nhân): theo" in households.refusal("Huân chương Lao động")
    assert households.refusal("Giải thưởng Tuổi trẻ Sáng tạo").startswith(
        "Hộ gia đình không được tặng “Giải thưởng Tuổi trẻ Sáng tạo”: theo")
