"""A registration sheet through the safe reader on both engines: its template reads back, a good sheet registers
every row, a bad one nothing (problems at row and column), a unit only its own; the list pre-filled from the
registrations goes through the ordinary import and gives exactly those nominations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Nomination, Unit
from tdkt.core.permissions import PermissionDenied
from tdkt.core.registration_tables import Registration
from tdkt.importing import registration_prefill, registration_sheets
from tdkt.importing.nomination_lists import pipeline
from tdkt.importing.nomination_lists.template import HEADER_ROW
from tdkt.registrations import registrations
from tdkt.registrations.registrations import RegistrationError, RegistrationInput

YEAR, TODAY = 2025, date(2025, 2, 10)
SETTINGS = replace(Settings(), upload_limit_mb=5)
OTHER = "Văn phòng Sở"


def book(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def own_unit(engine, actors) -> str:
    with read_session(engine) as session:
        return session.get(Unit, actors["don_vi"].unit_id).name


def counts(engine) -> tuple[int, int]:
    with read_session(engine) as session:
        return (session.exec(select(func.count()).select_from(Registration)).one(),
                session.exec(select(func.count()).select_from(AuditLog)).one())


def run(engine, actor, data: bytes, *, name="dang_ky.xlsx"):
    with write_session(engine) as session:
        report = registration_sheets.check(session, actor, data, file_name=name, settings=SETTINGS, year=YEAR,
                                           today=TODAY)
        if not report.errors:
            registration_sheets.commit(session, actor, report, today=TODAY)
        return report


HEADER = ["STT", "Họ và tên", "Tên tập thể", "Chức vụ", "Danh hiệu đăng ký", "Đơn vị"]


def test_the_offices_sheet_registers_every_row_of_several_units_in_one_entry(engine, actors):
    unit = own_unit(engine, actors)
    before = counts(engine)
    report = run(engine, actors["van_phong"], book([
        ["BẢNG ĐĂNG KÝ THI ĐUA NĂM 2025"], [], HEADER,
        [1, "Nguyễn Văn An", None, "Chuyên viên", "LĐTT", unit],
        [2, None, unit, None, "Tập thể lao động tiên tiến", unit],
        [3, "Trần Thị Hoa", None, "Kế toán", "Chiến sĩ thi đua cơ sở", OTHER], []]))
    assert (report.errors, report.registered) == ([], 3)
    assert counts(engine) == (before[0] + 3, before[1] + 1)
    with read_session(engine) as session:
        frame = registrations.listing(session, year=YEAR, actor=actors["van_phong"])
    assert sorted(frame[["unit", "target", "name", "award"]].values.tolist()) == sorted([
        [unit, "ca_nhan", "Nguyễn Văn An", "Lao động tiên tiến"], [unit, "tap_the", unit, "Tập thể lao động tiên tiến"],
        [OTHER, "ca_nhan", "Trần Thị Hoa", "Chiến sĩ thi đua cơ sở"]])


def test_a_bad_sheet_registers_nothing_and_names_each_row_and_column(engine, actors):
    unit = own_unit(engine, actors)
    with write_session(engine) as session:
        registrations.add(session, actors["don_vi"], RegistrationInput(
            year=YEAR, target="ca_nhan", name="Lê Thị Bình", award="Lao động tiên tiến"), today=TODAY)
    before = counts(engine)
    report = run(engine, actors["don_vi"], book([HEADER,
        [1, "Nguyễn Văn An", None, "Chuyên viên", "LĐTT", unit],
        [2, "Nguyễn Văn An", None, None, "Tập thể lao động xuất sắc", unit],
        [3, "Lê Thị Bình", None, None, "Lao động tiên tiến", unit],
        [4, "Phạm Văn Cường", "Tổ kỹ thuật", None, "LĐTT", unit],
        [5, "Đỗ Văn Dũng", None, None, "Lao động siêu việt", unit],
        [6, "Vũ Thị Em", None, None, "LĐTT", OTHER]]), name="sai.xlsx")
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (5, "Họ và tên", "person_and_collective"), (3, "Danh hiệu đăng ký", "registration_award"),
        (4, "Họ và tên", "registration_name"), (6, "Danh hiệu đăng ký", "registration_award"),
        (7, "Đơn vị", "registration_unit")]
    assert all(i.file == "sai.xlsx" and i.sheet == "Sheet" for i in report.errors)
    assert "Lê Thị Bình đã đăng ký “Lao động tiên tiến” năm 2025" in report.errors[2].message
    assert counts(engine) == before
    with write_session(engine) as session, pytest.raises(RegistrationError, match="còn 5 lỗi"):
        registration_sheets.commit(session, actors["don_vi"], report, today=TODAY)
    assert counts(engine) == before


def test_a_unit_account_committing_another_units_rows_is_refused_and_nothing_is_written(engine, actors):
    before = counts(engine)
    report = registration_sheets.RegistrationSheet(file="x.xlsx", year=YEAR, rows=[
        (2, RegistrationInput(year=YEAR, target="ca_nhan", name="Vũ Thị Em", award="LĐTT", unit=OTHER))])
    with write_session(engine) as session, pytest.raises(PermissionDenied):
        registration_sheets.commit(session, actors["don_vi"], report, today=TODAY)
    assert counts(engine) == before


def test_a_file_that_is_no_sheet_or_has_no_header_is_one_problem_about_the_file(engine, actors):
    assert [i.code for i in run(engine, actors["don_vi"], b"not a workbook").issues] == ["not_spreadsheet"]
    assert [i.code for i in run(engine, actors["don_vi"], book([["Tên", "Điểm"], ["A", 1]])).issues] == ["no_header"]


def test_the_template_reads_back_as_a_sheet_with_no_rows(engine, actors):
    with read_session(engine) as session:
        data = registration_sheets.template_for(session, actors["don_vi"], year=YEAR, agency="Sở Công Thương")
    sheet = load_workbook(BytesIO(data))["Đăng ký"]
    assert [c.value for c in sheet[registration_sheets.HEADER_ROW]] == [
        "STT", "Họ và tên", "Tên tập thể", "Chức vụ", "Danh hiệu đăng ký", "Đơn vị", "Ghi chú"]
    filled = load_workbook(BytesIO(data))
    filled["Đăng ký"]["B6"], filled["Đăng ký"]["E6"] = "Nguyễn Văn An", "Lao động tiên tiến"
    buffer = BytesIO()
    filled.save(buffer)
    report = run(engine, actors["don_vi"], buffer.getvalue())
    assert (report.errors, report.registered) == ([], 1)  # the unit is written on every row of its own template


def test_the_prefilled_list_imports_as_exactly_the_registered_nominations(engine, actors):
    unit = own_unit(engine, actors)
    for target, name, position, award in (("ca_nhan", "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến"),
                                          ("ca_nhan", "Lê Thị Bình", "Trưởng phòng", "Chiến sĩ thi đua cơ sở"),
                                          ("tap_the", None, None, "Tập thể lao động tiên tiến")):
        with write_session(engine) as session:
            registrations.add(session, actors["don_vi"], RegistrationInput(
                year=YEAR, target=target, name=name, position=position, award=award), today=TODAY)
    with write_session(engine) as session:  # another unit's: not in this unit's list
        registrations.add(session, actors["van_phong"], RegistrationInput(
            year=YEAR, target="ca_nhan", name="Trần Thị Hoa", award="Lao động tiên tiến", unit=OTHER), today=TODAY)
    with read_session(engine) as session:
        data = registration_prefill.prefilled_list(session, actors["don_vi"], year=YEAR,
                                                   unit_id=actors["don_vi"].unit_id, agency="Sở Công Thương Lạng Sơn",
                                                   parent_agency="UBND tỉnh Lạng Sơn")
        with pytest.raises(PermissionDenied):
            other = session.exec(select(Unit.id).where(Unit.name == OTHER)).one()
            registration_prefill.prefilled_rows(session, actors["don_vi"], year=YEAR, unit_id=other)
    wb = load_workbook(BytesIO(data))
    sheet = wb["Danh sách"]
    written = [[c.value for c in row][:7] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 5)]
    assert written == [["I. TẬP THỂ", None, None, None, None, None, None],
                       [1, unit, None, None, None, unit, "Tập thể lao động tiên tiến"],
                       ["II. CÁ NHÂN", None, None, None, None, None, None],
                       [1, "Nguyễn Văn An", None, None, "Chuyên viên", unit, "Lao động tiên tiến"],
                       [2, "Lê Thị Bình", None, None, "Trưởng phòng", unit, "Chiến sĩ thi đua cơ sở"]]  # by given name
    for row, gender, born in ((HEADER_ROW + 4, "Nam", 1985), (HEADER_ROW + 5, "Nữ", 1980)):  # the unit completes
        sheet.cell(row=row, column=3, value=gender)
        sheet.cell(row=row, column=4, value=born)
    for row in range(HEADER_ROW + 2, HEADER_ROW + 6):
        sheet.cell(row=row, column=9, value="Hoàn thành xuất sắc nhiệm vụ năm 2025")
    buffer = BytesIO()
    wb.save(buffer)
    with write_session(engine) as session:
        report = pipeline.import_file(session, actors["don_vi"], buffer.getvalue(), file_name="de_nghi.xlsx",
                                      settings=SETTINGS, year=YEAR, today=TODAY)
    assert (report.errors, report.imported) == ([], 3)
    with read_session(engine) as session:
        from tdkt.awards import nominations

        made = nominations.listing(session, year=YEAR, actor=actors["van_phong"])
    assert sorted(made[["target", "name", "position", "unit", "award"]].astype(object).where(
        made[["target", "name", "position", "unit", "award"]].notna(), None).values.tolist()) == sorted([
        ["tap_the", unit, None, unit, "Tập thể lao động tiên tiến"],
        ["ca_nhan", "Lê Thị Bình", "Trưởng phòng", unit, "Chiến sĩ thi đua cơ sở"],
        ["ca_nhan", "Nguyễn Văn An", "Chuyên viên", unit, "Lao động tiên tiến"]])
    with read_session(engine) as session:
        from tdkt.registrations import registration_stats

        assert registration_stats.totals(registration_stats.progress(session, year=YEAR, actor=actors["don_vi"])) == {
            "registered": 3, "proposed": 3, "decided": 0}
        assert session.exec(select(func.count()).select_from(Nomination)).one() == 3
