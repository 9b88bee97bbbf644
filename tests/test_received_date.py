"""The date a list was received (ngày nhận) and its achievement year: chosen for the file, written on each nomination,
`--received dd/mm/yyyy` on the command line; a title without a year takes the year selected, with a warning; a check
again after an edit carries the award answers, the year, the received date and the unit scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.errors import Refused
from tdkt.core.models import ImportBatch, Nomination
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists import commit, pipeline, preview
from tests.conftest import SECRET
from tests.test_import_command import tdkt_import

SETTINGS = replace(Settings(), secret_key=SECRET)
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]
PROVINCIAL = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def xlsx(title: str | None, rows: list[list]) -> bytes:
    book = Workbook()
    book.active.title = "DS"
    for row in [*([[title]] if title else []), HEADER, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TWO = [[1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
       [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"]]


def received_dates(engine) -> list[date]:
    with Session(engine) as session:
        return sorted(set(session.exec(select(Nomination.received_on)).all()))


@pytest.mark.parametrize(("given", "says"), [
    ("31/02/2024", "không có trong lịch"),
    ("2024-12-01", "không đúng dạng dd/mm/yyyy"),
    (date.today() + timedelta(days=1), "ở sau hôm nay"),
])
def test_a_received_date_malformed_or_in_the_future_is_refused_in_vietnamese(given, says):
    with pytest.raises(Refused, match=says):
        commit.check_received(given)


def test_a_received_date_is_read_as_dd_mm_yyyy_and_defaults_to_today():
    assert commit.check_received("05/12/2024") == date(2024, 12, 5)
    assert commit.check_received(None, today=date(2026, 3, 2)) == date(2026, 3, 2)


def test_the_received_date_chosen_is_written_on_every_nomination_of_the_file(engine):
    with write_session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, xlsx("DANH SÁCH NĂM 2024", TWO), file_name="ds.xlsx",
                                      settings=SETTINGS, received_on=date(2024, 12, 5))
    assert (report.imported, report.received_on) == (2, date(2024, 12, 5))
    assert received_dates(engine) == [date(2024, 12, 5)]


def test_a_future_received_date_writes_nothing(engine):
    with write_session(engine) as session, pytest.raises(Refused, match="ở sau hôm nay"):
        pipeline.import_file(session, COMMAND_LINE, xlsx("DANH SÁCH NĂM 2024", TWO), file_name="ds.xlsx",
                             settings=SETTINGS, received_on=date.today() + timedelta(days=3))
    assert received_dates(engine) == []


def test_the_command_writes_the_received_date_it_is_given(db_url, engine, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024", TWO))
    run = tdkt_import(db_url, "--json", "--received", "05/12/2024", path)
    assert run.code == 0, run
    assert received_dates(engine) == [date(2024, 12, 5)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # refused before the database is opened
def test_the_command_refuses_a_received_date_in_the_future(db_url, engine, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx("DANH SÁCH NĂM 2024", TWO))
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    run = tdkt_import(db_url, "--received", tomorrow, path)
    assert (run.code, run.stdout) == (2, "")
    assert f"--received: Ngày nhận danh sách {tomorrow} ở sau hôm nay" in run.stderr
    with Session(engine) as session:
        assert session.exec(select(ImportBatch)).all() == []


def test_a_title_without_a_year_takes_the_year_selected_and_says_so(engine):
    data = xlsx("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", TWO)
    with Session(engine) as session:
        report = pipeline.check(session, data, file_name="ds.xlsx", settings=SETTINGS, default_year=2023)
        changed = preview.with_year(session, report, 2025)
    assert (report.year, report.year_source) == (2023, "default")
    [note] = [i for i in report.warnings if i.code == "year_not_in_title"]
    assert "năm 2023" in note.message and note.row is None
    assert (changed.year, [i.code for i in changed.issues]) == (2025, [])  # chosen for the file: nothing to say
    with Session(engine) as session:
        titled = pipeline.check(session, xlsx("DANH SÁCH NĂM 2024", TWO), file_name="ds.xlsx", settings=SETTINGS,
                                default_year=2023)
    assert (titled.year, titled.year_source, titled.issues) == (2024, "title", [])


def test_a_check_again_after_an_edit_carries_the_answers_the_year_the_received_date_and_the_scope(engine, actors):
    data = xlsx("DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN", [
        [1, "Hoàng Văn Nam", "Nam", 1980, "Trưởng phòng", None, "Bằng khen"],
        [2, "Vi Văn Tùng", "Nam", 1985, "Chuyên viên", None, "Bằng khen"],
        [3, "Lương Thị Hoa", "Nữ", 1990, "Chuyên viên", "Thanh tra Sở", "LĐTT"]])
    unit_user = actors["don_vi"]
    with Session(engine) as session:
        report = pipeline.check(session, data, file_name="ds.xlsx", settings=SETTINGS, default_year=2024,
                                actor=unit_user, received_on=date(2025, 1, 10))
        report = preview.with_award(session, report, "Bằng khen", PROVINCIAL)
        report = preview.with_year(session, report, 2025)
        frame = preview.rows_frame(report)
        frame.loc[frame["row"] == 5, "name"] = "Lương Thị Hoà"  # an edit elsewhere: everything chosen still holds
        again = preview.revalidate(session, report, preview.apply_edits(report, frame))
    assert (again.year, again.received_on, again.award_map, again.own_unit_id) == (
        2025, date(2025, 1, 10), {"Bằng khen": PROVINCIAL}, unit_user.unit_id)
    assert [(r.name, r.award, r.unit_id) for r in again.records[:2]] == [
        ("Hoàng Văn Nam", PROVINCIAL, unit_user.unit_id), ("Vi Văn Tùng", PROVINCIAL, unit_user.unit_id)]
    assert [(i.row, i.code) for i in again.errors] == [(5, "other_unit")]  # Thanh tra Sở's row, still another unit
    with Session(engine) as session:
        clean = preview.drop_rows(session, again, preview.rows_with(again, preview.OTHER_UNIT))
    with write_session(engine) as session:
        assert pipeline.commit_report(session, unit_user, clean).imported == 2
    with Session(engine) as session:
        assert session.exec(select(Nomination.year, Nomination.received_on)).all() == [
            (2025, date(2025, 1, 10))] * 2
