"""Award names without their issuer ("Bằng khen", "Giấy khen"): the catalogue's candidates, the likely one from a
list's title, one answer for every row that writes the text (the preview's `with_award`, the CLI's `--award-map`),
and the refusals of a wrong answer."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from tdkt.awards import generic_awards
from tdkt.awards.catalog_lookup import Catalogue
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.errors import Refused
from tdkt.core.models import Award, Nomination
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists import pipeline, preview
from tests.conftest import SECRET
from tests.test_import_command import tdkt_import

SETTINGS = replace(Settings(), secret_key=SECRET)
PROVINCIAL = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
MINISTRY = "Bằng khen của Bộ trưởng Bộ Công Thương"
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Hình thức khen thưởng"]


def generic_list(title: str, people: int = 40, award: str = "Bằng khen") -> bytes:
    """A list of `people` individuals all proposed for an award written without its issuer, and one LĐTT."""
    book = Workbook()
    sheet = book.active
    sheet.title = "DS"
    for row in [["SỞ CÔNG THƯƠNG LẠNG SƠN"], [title], [], HEADER,
                *[[i, f"Nguyễn Văn Người{i:03d}", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", award if i % 2 else
                   award.upper()] for i in range(1, people + 1)],
                [people + 1, "Lê Thị Hoa", "Nữ", 1990, "Chuyên viên", "Thanh tra Sở", "LĐTT"]]:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def awards(engine) -> list[Award]:
    with Session(engine) as session:
        return list(session.exec(select(Award)).all())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the catalogue is the same seeded data on both
def test_candidates_are_the_awards_that_begin_with_the_text(db_url, engine):
    found = awards(engine)
    assert generic_awards.candidates(found, "BẰNG KHEN") == [PROVINCIAL, MINISTRY, "Bằng khen của Thủ tướng Chính phủ"]
    assert generic_awards.candidates(found, "Cờ thi đua") == [
        "Cờ thi đua của Ủy ban nhân dân tỉnh", "Cờ thi đua của Bộ Công Thương", "Cờ thi đua của Chính phủ"]
    assert generic_awards.candidates(found, "GK")[0] == "Giấy khen của Giám đốc Sở"
    assert generic_awards.candidates(found, "Bằng") == [] == generic_awards.candidates(found, "Huy chương Olympic")


@pytest.mark.parametrize(("lines", "likely"), [
    (["DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN NĂM 2024"], PROVINCIAL),
    (["UBND TỈNH LẠNG SƠN", "SỞ CÔNG THƯƠNG", "Kính gửi: Bộ trưởng Bộ Công Thương"], MINISTRY),  # the addressee wins
    (["DANH SÁCH ĐỀ NGHỊ THỦ TƯỚNG CHÍNH PHỦ TẶNG BẰNG KHEN"], "Bằng khen của Thủ tướng Chính phủ"),
    (["(Kèm theo Tờ trình số 15/TTr-SCT)", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"], None),
])
def test_the_likely_award_is_the_one_the_title_or_addressee_names(lines, likely):
    names = [PROVINCIAL, MINISTRY, "Bằng khen của Thủ tướng Chính phủ"]
    assert generic_awards.likely("Bằng khen", names, lines) == likely


def test_giay_khen_of_the_director_is_read_from_the_title_but_not_from_a_document_number():
    names = ["Giấy khen của Giám đốc Sở", "Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện"]
    assert generic_awards.likely("Giấy khen", names, ["Giám đốc Sở tặng Giấy khen"]) == names[0]
    assert generic_awards.likely("Giấy khen", names, ["Đề nghị Chủ tịch UBND huyện tặng Giấy khen"]) == names[1]
    assert generic_awards.likely("Giấy khen", names, ["Tờ trình số 12/TTr", "Quyết định số 3"]) is None


def test_one_answer_resolves_every_row_of_the_text_and_survives_an_edit(engine):
    data = generic_list("DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN NĂM 2024")
    with Session(engine) as session:
        report = pipeline.check(session, data, file_name="bk.xlsx", settings=SETTINGS)
        assert [(g.text, g.rows, g.likely, g.chosen) for g in report.generic] == [("Bằng khen", 40, PROVINCIAL, None)]
        assert {(i.code, i.column) for i in report.errors} == {("generic_award", "Hình thức khen thưởng")}
        assert len(report.errors) == 40
        message = report.errors[0].message
        assert f"“{MINISTRY}”" in message and f"--award-map \"Bằng khen={PROVINCIAL}\"" in message
        answered = preview.with_award(session, report, "Bằng khen", PROVINCIAL)
        assert answered.errors == [] and answered.generic[0].chosen == PROVINCIAL
        assert {r.award for r in answered.records} == {PROVINCIAL, "Lao động tiên tiến"}
        frame = preview.rows_frame(answered)
        frame.loc[frame["row"] == 5, "name"] = "Nguyễn Văn Một"
        edited = preview.revalidate(session, answered, preview.apply_edits(answered, frame))
    assert edited.errors == [] and edited.award_map == {"Bằng khen": PROVINCIAL}
    assert [(r.name, r.award) for r in edited.records[:2]] == [("Nguyễn Văn Một", PROVINCIAL),
                                                               ("Nguyễn Văn Người002", PROVINCIAL)]
    assert frame["award"].tolist()[:2] == ["Bằng khen", "BẰNG KHEN"]  # the cell still as written


def test_import_file_with_an_answer_writes_every_row_with_the_chosen_award(engine):
    data = generic_list("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024", people=6)
    with write_session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, data, file_name="bk.xlsx", settings=SETTINGS,
                                      award_map={"bằng khen": MINISTRY})
    assert (report.errors, report.imported, report.generic[0].likely) == ([], 7, None)
    with Session(engine) as session:
        written = session.exec(select(Award.name).join(Nomination, Nomination.award_id == Award.id)).all()
    assert sorted(written) == sorted([MINISTRY] * 6 + ["Lao động tiên tiến"])


def test_an_answer_for_a_text_the_file_never_writes_is_an_error_and_writes_nothing(engine):
    data = generic_list("DANH SÁCH NĂM 2024", people=2)
    with write_session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, data, file_name="bk.xlsx", settings=SETTINGS,
                                      award_map={"Bằng khen": PROVINCIAL, "Giấy khen": "Giấy khen của Giám đốc Sở"})
    assert [(i.code, i.row) for i in report.errors] == [("award_map_unused", None)]
    assert "“Giấy khen=Giấy khen của Giám đốc Sở”" in report.errors[0].message and report.imported == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("entry", "says"), [
    ("Bằng khen", "ghi theo dạng"),
    ("Bằng khen=Bằng khen của Sở Tài chính", "không phải danh hiệu/hình thức khen thưởng nào trong danh mục"),
    ("LĐTT=Lao động xuất sắc", "không phải danh hiệu"),
    ("LĐTT=Chiến sĩ thi đua cơ sở", "đã là “Lao động tiên tiến” trong danh mục"),
])
def test_a_wrong_answer_is_refused_in_vietnamese(db_url, engine, entry, says):
    with Session(engine) as session, pytest.raises(Refused, match=says):
        generic_awards.parse_award_map([entry], award_named=Catalogue(session).award)


def bk_file(tmp_path):
    path = tmp_path / "bk.xlsx"
    path.write_bytes(generic_list("DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN NĂM 2024", people=3))
    return path


def test_the_command_writes_a_generic_award_answered_with_award_map(db_url, engine, tmp_path):
    answered = tdkt_import(db_url, "--json", "--award-map", f"Bằng khen={PROVINCIAL}", bk_file(tmp_path))
    assert answered.code == 0, answered
    [line] = answered.lines
    assert (line["imported"], [r["award"] for r in line["records"]]) == (4, [PROVINCIAL] * 3 + ["Lao động tiên tiến"])
    with Session(engine) as session:
        assert len(session.exec(select(Nomination.id)).all()) == 4


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # nothing is written: the same on both engines
def test_the_command_asks_on_each_row_with_the_choices(db_url, engine, tmp_path):
    asked = tdkt_import(db_url, "--json", bk_file(tmp_path))
    assert asked.code == 1
    [line] = asked.lines
    assert [(p["row"], p["code"]) for p in line["errors"]] == [(row, "generic_award") for row in (5, 6, 7)]
    assert all(f"“{MINISTRY}”" in p["message"] and f"gợi ý “{PROVINCIAL}”" in p["message"] for p in line["errors"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_command_refuses_an_answer_that_is_no_award_before_reading_any_file(db_url, engine, tmp_path):
    wrong = tdkt_import(db_url, "--award-map", "Bằng khen=Bằng khen tỉnh Cao Bằng", bk_file(tmp_path))
    assert (wrong.code, wrong.stdout) == (2, "")
    assert "--award-map" in wrong.stderr and "không phải danh hiệu/hình thức khen thưởng nào" in wrong.stderr
