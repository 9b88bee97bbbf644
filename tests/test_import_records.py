"""Importing ratings, discipline, past awards and initiatives from Excel: headers, kinds, problems, one batch, undo."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from tdkt.awards import personal_records as hand
from tdkt.core.db import read_session, write_session
from tdkt.core.models import (
    Assessment,
    AuditLog,
    DisciplineRecord,
    ImportBatch,
    InitiativeAuthor,
    InitiativeRecord,
    PastAward,
    Person,
    Unit,
)
from tdkt.core.permissions import PermissionDenied
from tdkt.importing import legacy
from tdkt.importing.batches import ImportRefused
from tdkt.importing.record_lists import (
    record_batches,
    record_check,
    record_headers,
    record_import,
    record_preview,
    record_rows,
    record_template,
    record_values,
)

TODAY = date(2025, 6, 1)
TITLE = ["SỞ CÔNG THƯƠNG LẠNG SƠN"], [], ["DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM 2024"], []
RATING_HEADER = ["STT", "Họ và tên", "Năm sinh", "Đơn vị công tác", "Xếp loại"]
FOOTER = [], [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"], [None, "Nguyễn Văn Ký"]


def workbook(*rows, sheet: str = "Danh sách") -> bytes:
    """Return an .xlsx with one sheet holding these rows from A1 ([] is a blank row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


RATINGS = workbook(
    *TITLE, RATING_HEADER,
    ["I. TẬP THỂ"],
    [1, "Phòng Quản lý Công nghiệp", None, None, "HTXSNV"],
    [],
    ["II. CÁ NHÂN"],
    [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "Hoàn thành tốt nhiệm vụ"],
    [2, "Trần Văn Bình", 1979, "Thanh tra Sở", "HTXS NV"],
    *FOOTER,
)


def check(session, data, kind="xep_loai", **kw):
    kw.setdefault("today", TODAY)
    return record_check.check_records(session, data, kind=kind, file_name=f"{kind}.xlsx", **kw)


def problems(report) -> list[tuple]:
    return [(i.row, i.column, i.code) for i in report.issues]


def counts(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {m.__name__: session.exec(select(func.count()).select_from(m)).one()
                for m in (Assessment, DisciplineRecord, PastAward, InitiativeRecord, InitiativeAuthor, Person,
                          ImportBatch)}


def unit_id(session, name: str) -> int:
    return session.exec(select(Unit.id).where(Unit.name == name)).one()


def do_import(engine, settings, actor, data, kind="xep_loai", **kw):
    with write_session(engine) as session:
        return record_import.import_records(session, actor, data, kind=kind,
                                            file_name=kw.pop("file_name", f"{kind}.xlsx"), settings=settings,
                                            today=TODAY, **kw)


# --- reading -----------------------------------------------------------------------------------------------------


def test_ratings_are_read_with_sections_codes_and_words_up_to_the_signature(engine, settings):
    with read_session(engine) as session:
        report = check(session, RATINGS, settings=settings)
    assert problems(report) == []
    assert [(r.row, r.target, r.name, r.birth_year, r.unit, r.year, r.rating) for r in report.rows] == [
        (7, "tap_the", "Phòng Quản lý Công nghiệp", None, "Phòng Quản lý Công nghiệp", 2024, "HTXSNV"),
        (10, "ca_nhan", "Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2024, "HTTNV"),
        (11, "ca_nhan", "Trần Văn Bình", 1979, "Thanh tra Sở", 2024, "HTXSNV"),
    ]
    assert report.header_rows == {"Danh sách": 5}


def test_header_is_found_anywhere_in_the_first_rows_without_diacritics_in_any_order(engine, settings):
    data = workbook(*[[f"dòng tiêu đề {i}"] for i in range(12)],
                    ["XEP LOAI", "nam", "HO VA TEN", "don vi cong tac", "Nam sinh"],
                    ["Hoàn thành nhiệm vụ", 2023, "Lê Thị Hoa", "Văn phòng Sở", 1990])
    with read_session(engine) as session:
        report = check(session, data, settings=settings)
    assert report.columns["Danh sách"] == {"rating": "XEP LOAI", "year": "nam", "name": "HO VA TEN",
                                           "unit": "don vi cong tac", "birth_year": "Nam sinh"}
    assert [(r.row, r.name, r.year, r.rating) for r in report.rows] == [(14, "Lê Thị Hoa", 2023, "HTNV")]
    assert problems(report) == []


def test_synonyms_of_each_kind_are_recognised():
    assert [record_headers.classify(h, "ky_luat") for h in (
        "Họ tên", "Tên tập thể", "Đơn vị", "Kết quả đánh giá, xếp loại", "Hình thức kỷ luật",
        "Đang xem xét/điều tra", "Số QĐ", "Ngày ban hành", "Số, ngày quyết định", "Cơ quan ban hành")] == [
        "name", "name", "unit", "rating", "level", "open", "decision_number", "decision_date", "decision", "authority"]
    assert [record_headers.classify(h, "khen_truoc") for h in (
        "Danh hiệu/Hình thức khen thưởng", "Loại khen thưởng", "Tên sáng kiến", "Tác giả", "Phạm vi ảnh hưởng")] == [
        "award", "merit_kind", "title", "authors", "scope"]


def test_a_group_header_above_its_sub_columns_is_read_as_one(engine, settings):
    data = workbook(["Họ và tên", "Đơn vị", "Năm", "Quyết định", None, "Danh hiệu"],
                    [None, None, None, "Số", "Ngày", None],
                    ["Nguyễn Thị Minh", "Văn phòng Sở", 2022, "12/QĐ-SCT", "28/12/2022", "LĐTT"])
    with read_session(engine) as session:
        report = check(session, data, kind="khen_truoc", settings=settings)
    assert report.columns["Danh sách"]["decision_number"] == "Quyết định / Số"
    assert [(r.row, r.award, r.decision_number, r.decision_date) for r in report.rows] == [
        (3, "Lao động tiên tiến", "12/QĐ-SCT", date(2022, 12, 28))]


def test_a_heading_row_naming_a_rating_gives_it_to_the_rows_below(engine, settings):
    data = workbook(RATING_HEADER + ["Năm"], ["1. Hoàn thành xuất sắc nhiệm vụ"],
                    [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", None, 2024], ["2. Hoàn thành tốt nhiệm vụ"],
                    [1, "Trần Văn Bình", 1979, "Thanh tra Sở", None, 2024])
    with read_session(engine) as session:
        report = check(session, data, settings=settings)
    assert problems(report) == []
    assert [(r.row, r.name, r.rating) for r in report.rows] == [(3, "Nguyễn Thị Minh", "HTXSNV"),
                                                                 (5, "Trần Văn Bình", "HTTNV")]


def test_an_award_heading_names_the_award_of_the_rows_below_and_other_headings_name_none(engine, settings):
    data = workbook(["STT", "Họ và tên", "Đơn vị", "Năm", "Danh hiệu"], ["1. Lao động tiên tiến"],
                    [1, "Nguyễn Thị Minh", "Văn phòng Sở", 2022, None], ["Khối cơ quan Sở"],
                    [1, "Trần Văn Bình", "Thanh tra Sở", 2022, None])
    with read_session(engine) as session:
        report = check(session, data, kind="khen_truoc", settings=settings)
    assert [(r.row, r.award) for r in report.rows] == [(3, "Lao động tiên tiến"), (5, None)]
    assert problems(report) == [(5, "Danh hiệu", "missing_award")]


@pytest.mark.parametrize("text, code", [
    ("HTXSNV", "HTXSNV"), ("htxs nv", "HTXSNV"), ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"), ("HTTNV", "HTTNV"),
    ("Hoàn thành tốt", "HTTNV"), ("HTNV - Hoàn thành nhiệm vụ", "HTNV"), ("Không hoàn thành nhiệm vụ", "KHTNV"),
    ("Xuất sắc", None), ("HTXSNV - Không hoàn thành nhiệm vụ", None),
])
def test_rating_cells_accept_codes_and_full_words(text, code):
    assert record_values.read_rating(text) == code


def test_discipline_rows_read_level_open_flag_and_dates_in_every_form(engine, settings):
    data = workbook(
        ["STT", "Họ và tên", "Năm sinh", "Đơn vị", "Năm", "Hình thức kỷ luật", "Đang xem xét/điều tra",
         "Số quyết định", "Ngày quyết định"],
        [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2023, "Kỷ luật khiển trách", None, "25/QĐ-SCT", "10/06/2023"],
        [2, "Trần Văn Bình", 1979, "Thanh tra Sở", 2024, None, "x", None, None],
        [3, "Lê Văn Cường", 1980, "Thanh tra Sở", 2022, "Cảnh cáo", None, "7/QĐ-SCT", datetime(2022, 3, 5)],
        [4, "Hà Thị Dung", 1985, "Văn phòng Sở", None, "Cách chức", None, "9/QĐ-UBND", 45000],
    )
    with read_session(engine) as session:
        report = check(session, data, kind="ky_luat", settings=settings)
    assert problems(report) == []
    assert [(r.name, r.year, r.level, r.open, r.decision_number, r.decision_date) for r in report.rows] == [
        ("Nguyễn Thị Minh", 2023, "khien_trach", False, "25/QĐ-SCT", date(2023, 6, 10)),
        ("Trần Văn Bình", 2024, None, True, None, None),
        ("Lê Văn Cường", 2022, "canh_cao", False, "7/QĐ-SCT", date(2022, 3, 5)),
        ("Hà Thị Dung", 2023, "cach_chuc", False, "9/QĐ-UBND", date(2023, 3, 15)),
    ]


def test_past_awards_match_the_catalogue_by_abbreviation_and_read_kind_and_decision(engine, settings):
    data = workbook(
        ["TT", "Họ tên", "Đơn vị công tác", "Năm", "Danh hiệu/Hình thức khen thưởng", "Loại khen thưởng",
         "Số, ngày quyết định", "Cơ quan ban hành"],
        ["I", "TẬP THỂ"],
        [1, "Phòng Quản lý Công nghiệp", None, 2022, "TTLĐXS", None, "Số 12/QĐ-SCT ngày 28/12/2022", "Sở Công Thương"],
        ["II", "CÁ NHÂN"],
        [1, "Nguyễn Thị Minh", "Văn phòng Sở", 2021, "BK UBND tỉnh", "Đột xuất", "45/QĐ-UBND ngày 3/5/2021",
         "UBND tỉnh Lạng Sơn"],
    )
    with read_session(engine) as session:
        report = check(session, data, kind="khen_truoc", settings=settings)
    assert problems(report) == []
    assert [(r.target, r.name, r.year, r.award, r.merit_kind, r.decision_number, r.decision_date,
             r.decision_authority) for r in report.rows] == [
        ("tap_the", "Phòng Quản lý Công nghiệp", 2022, "Tập thể lao động xuất sắc", "cong_trang", "12/QĐ-SCT",
         date(2022, 12, 28), "Sở Công Thương"),
        ("ca_nhan", "Nguyễn Thị Minh", 2021, "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "dot_xuat", "45/QĐ-UBND",
         date(2021, 5, 3), "UBND tỉnh Lạng Sơn"),
    ]


def test_initiatives_split_authors_and_read_the_scope(engine, settings):
    data = workbook(
        ["STT", "Tên sáng kiến", "Tác giả", "Đơn vị", "Phạm vi ảnh hưởng", "Ngày quyết định"],
        [1, "Số hóa hồ sơ thi đua", "Nguyễn Thị Minh (1987); Ông Trần Văn Bình,\nLê Thị Hoa", "Văn phòng Sở",
         "Cấp tỉnh", "15/01/2024"],
        [2, "Phần mềm báo cáo", "Lê Thị Hoa", "Văn phòng Sở", "co so", "20/03/2024"],
    )
    with read_session(engine) as session:
        report = check(session, data, kind="sang_kien", settings=settings)
    assert problems(report) == []
    assert [(r.title, [(a.name, a.birth_year) for a in r.authors], r.scope, r.year) for r in report.rows] == [
        ("Số hóa hồ sơ thi đua", [("Nguyễn Thị Minh", 1987), ("Trần Văn Bình", None), ("Lê Thị Hoa", None)],
         "tinh", 2024),
        ("Phần mềm báo cáo", [("Lê Thị Hoa", None)], "co_so", 2024),
    ]


def test_legacy_tcvn3_text_is_converted_before_reading(engine, settings):
    tcvn3 = [[legacy.from_unicode(v, "TCVN3") if isinstance(v, str) else v for v in row] for row in (
        RATING_HEADER, [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "Hoàn thành tốt nhiệm vụ"],
        [2, "Trần Văn Bình", 1979, "Thanh tra Sở", "Hoàn thành xuất sắc nhiệm vụ"])]
    with read_session(engine) as session:
        report = check(session, workbook(*tcvn3, sheet="DS"), settings=settings, year=2024)
    assert report.encodings == {"DS": "TCVN3"}
    assert [(r.name, r.rating) for r in report.rows] == [("Nguyễn Thị Minh", "HTTNV"), ("Trần Văn Bình", "HTXSNV")]


# --- problems ----------------------------------------------------------------------------------------------------


def test_bad_cells_are_reported_with_row_column_and_code(engine, settings):
    rating = workbook(RATING_HEADER + ["Năm"],
                      [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "Giỏi", 2024],
                      [2, "Trần Văn Bình", 1979, "Phòng Ma", "HTTNV", "năm ngoái"],
                      [3, None, 1979, "Thanh tra Sở", "HTTNV", 2024],
                      [4, "Lê Văn Cường", 1980, "Thanh tra Sở", None, 2030])
    discipline = workbook(["Họ và tên", "Đơn vị", "Năm", "Hình thức kỷ luật", "Ngày quyết định"],
                          ["Nguyễn Thị Minh", "Văn phòng Sở", 2023, "Phạt tiền", "31/02/2023"],
                          ["Trần Văn Bình", "Thanh tra Sở", 2023, None, "hôm qua"])
    award = workbook(["Họ và tên", "Đơn vị", "Năm", "Danh hiệu", "Loại khen thưởng"],
                     ["Nguyễn Thị Minh", "Văn phòng Sở", 2023, "Huy chương Olympic", None],
                     ["Trần Văn Bình", "Thanh tra Sở", 2023, "Tập thể lao động tiên tiến", "Thường niên"])
    initiative = workbook(["Tên sáng kiến", "Tác giả", "Đơn vị", "Năm", "Phạm vi"],
                          ["Số hóa", "Nguyễn Thị Minh", "Văn phòng Sở", 2024, "Cấp huyện"],
                          ["Phần mềm", None, "Văn phòng Sở", 2024, "Cơ sở"])
    with read_session(engine) as session:
        found = {kind: problems(check(session, data, kind=kind, settings=settings)) for kind, data in (
            ("xep_loai", rating), ("ky_luat", discipline), ("khen_truoc", award), ("sang_kien", initiative))}
    assert found == {
        "xep_loai": [(2, "Xếp loại", "bad_rating"), (3, "Đơn vị công tác", "unknown_unit"), (3, "Năm", "bad_year"),
                     (4, "Họ và tên", "missing_name"), (5, "Năm", "future_year"), (5, "Xếp loại", "missing_rating")],
        "ky_luat": [(2, "Hình thức kỷ luật", "bad_level"), (2, "Ngày quyết định", "bad_date"),
                    (3, "Hình thức kỷ luật", "missing_level"), (3, "Ngày quyết định", "bad_date")],
        "khen_truoc": [(2, "Danh hiệu", "unknown_award"), (3, "Danh hiệu", "award_target_mismatch"),
                       (3, "Loại khen thưởng", "bad_merit_kind")],
        "sang_kien": [(2, "Phạm vi", "bad_scope"), (3, "Tác giả", "missing_authors")],
    }


def test_a_row_without_any_year_asks_for_one(engine, settings):
    data = workbook(RATING_HEADER, [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "HTTNV"])
    with read_session(engine) as session:
        assert problems(check(session, data, settings=settings)) == [(2, "Năm", "missing_year")]
        assert problems(check(session, data, settings=settings, year=2024)) == []


def test_same_subject_twice_in_a_file_is_an_error(engine, settings):
    data = workbook(RATING_HEADER + ["Năm"], [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "HTTNV", 2024],
                    [2, "NGUYEN THI MINH", 1987, "Văn phòng Sở", "HTNV", 2024])
    with read_session(engine) as session:
        assert problems(check(session, data, settings=settings)) == [(3, "Họ và tên", "duplicate_in_file")]


def test_people_are_matched_by_birth_year_and_unit_and_an_ambiguous_name_asks_for_the_year(engine, settings):
    with write_session(engine) as session:
        office = unit_id(session, "Văn phòng Sở")
        twins = [Person(full_name="Nguyễn Thị Minh", name_key="nguyen thi minh", birth_year=year, unit_id=office)
                 for year in (1980, 1990)]
        session.add_all(twins)
        session.flush()
        ids = [p.id for p in twins]
    data = workbook(RATING_HEADER + ["Năm"], [1, "Nguyễn Thị Minh", 1990, "Văn phòng Sở", "HTTNV", 2024],
                    [2, "Nguyễn Thị Minh", None, "Văn phòng Sở", "HTTNV", 2023])
    with read_session(engine) as session:
        report = check(session, data, settings=settings)
    assert [r.person_id for r in report.rows] == [ids[1], None]
    assert problems(report) == [(3, "Họ và tên", "ambiguous_person")]


def test_a_file_of_another_kind_is_refused_with_a_hint(engine, settings):
    with read_session(engine) as session:
        report = check(session, RATINGS, kind="sang_kien", settings=settings)
    assert report.unreadable and problems(report) == [(None, None, "no_header")]
    assert "Kết quả xếp loại" in report.issues[0].message


def test_an_unreadable_file_gives_the_readers_message(engine, settings):
    with read_session(engine) as session:
        report = check(session, b"day khong phai bang tinh", settings=settings)
    assert report.unreadable and [i.code for i in report.issues] == ["not_spreadsheet"]


# --- writing -----------------------------------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing(engine, settings, actors):
    bad = workbook(*TITLE, RATING_HEADER, [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "HTTNV"],
                   [2, "Trần Văn Bình", 1979, "Thanh tra Sở", "Tốt"])
    before = counts(engine)
    report = do_import(engine, settings, actors["van_phong"], bad)
    assert report.imported == 0 and problems(report) == [(7, "Xếp loại", "bad_rating")]
    assert counts(engine) == before
    with pytest.raises(ImportRefused), write_session(engine) as session:
        record_batches.commit_records(session, actors["van_phong"], report=report)
    assert counts(engine) == before


def test_the_commit_lands_whole_as_one_audited_batch_with_new_people_tagged(engine, settings, actors):
    before = counts(engine)
    report = do_import(engine, settings, actors["van_phong"], RATINGS)
    assert report.imported == 3
    after = counts(engine)
    assert {k: after[k] - before[k] for k in after} == {
        "Assessment": 3, "DisciplineRecord": 0, "PastAward": 0, "InitiativeRecord": 0, "InitiativeAuthor": 0,
        "Person": 2, "ImportBatch": 1}
    with read_session(engine) as session:
        batch = session.get(ImportBatch, report.batch_id)
        assert (batch.kind, batch.rows, batch.people_added, batch.year) == ("xep_loai", 3, 2, 2024)
        people = session.exec(select(Person.full_name).where(Person.batch_id == batch.id)).all()
        assert sorted(people) == ["Nguyễn Thị Minh", "Trần Văn Bình"]
        entry = session.exec(select(AuditLog).where(AuditLog.action == "nhap_ho_so")).one()
        assert entry.entity_id == str(batch.id)
        collective = session.exec(select(Assessment).where(Assessment.target == "tap_the")).one()
        assert (collective.collective_name, collective.rating, collective.unit_id) == (
            "Phòng Quản lý Công nghiệp", "HTXSNV", unit_id(session, "Phòng Quản lý Công nghiệp"))


def test_every_kind_commits_its_rows(engine, settings, actors):
    office = actors["van_phong"]
    do_import(engine, settings, office, RATINGS)
    discipline = workbook(["Họ và tên", "Năm sinh", "Đơn vị", "Năm", "Hình thức kỷ luật", "Số quyết định"],
                          ["Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2023, "Khiển trách", "25/QĐ-SCT"])
    award = workbook(["Họ và tên", "Năm sinh", "Đơn vị", "Năm", "Danh hiệu"],
                     ["Nguyễn Thị Minh", 1987, "Văn phòng Sở", 2023, "LĐTT"])
    initiative = workbook(["Tên sáng kiến", "Tác giả", "Đơn vị", "Năm", "Phạm vi"],
                          ["Số hóa hồ sơ", "Nguyễn Thị Minh (1987); Lê Thị Hoa", "Văn phòng Sở", 2024, "Cơ sở"])
    for kind, data in (("ky_luat", discipline), ("khen_truoc", award), ("sang_kien", initiative)):
        assert do_import(engine, settings, office, data, kind=kind).imported == 1
    with read_session(engine) as session:
        minh = session.exec(select(Person).where(Person.name_key == "nguyen thi minh")).one()  # matched, never twice
        profile = hand.profile(session, hand.Subject.person(minh), actor=office)
        assert list(profile.ratings.rating) == ["HTTNV"]
        assert list(profile.discipline.level_label) == ["Khiển trách"]
        assert list(profile.awards.award) == ["Lao động tiên tiến"]
        assert list(profile.initiatives.authors) == ["Lê Thị Hoa, Nguyễn Thị Minh"]


def test_a_rating_on_record_is_flagged_then_replaced_and_undo_restores_it(engine, settings, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        person = Person(full_name="Nguyễn Thị Minh", name_key="nguyen thi minh", birth_year=1987,
                        unit_id=unit_id(session, "Văn phòng Sở"))
        session.add(person)
        session.flush()
        hand.set_rating(session, office, hand.Subject.person(person), year=2024, rating="HTNV")
        person_id = person.id
    with read_session(engine) as session:
        report = check(session, RATINGS, settings=settings)
    assert [(i.row, i.code, i.severity) for i in report.issues] == [(10, "rating_replaced", "warning")]
    report = do_import(engine, settings, office, RATINGS)
    with read_session(engine) as session:
        ratings = session.exec(select(Assessment.rating).where(Assessment.person_id == person_id)).all()
        assert ratings == ["HTTNV"]
    with write_session(engine) as session:
        record_batches.undo_records(session, office, batch_id=report.batch_id)
    with read_session(engine) as session:
        rows = session.exec(select(Assessment.rating, Assessment.batch_id)).all()
        assert rows == [("HTNV", None)]


def test_a_repeated_file_is_flagged_and_refused_unless_forced(engine, settings, actors):
    office = actors["van_phong"]
    first = do_import(engine, settings, office, RATINGS)
    again = do_import(engine, settings, office, RATINGS)
    assert again.imported == 0 and "repeated_file" in [i.code for i in again.warnings]
    assert again.blocked_reason() and not again.blocked_reason(force=True)
    with read_session(engine) as session:  # the same bytes as another kind is another matter
        assert not check(session, RATINGS, settings=settings, kind="khen_truoc").repeated
    with write_session(engine) as session:
        record_batches.undo_records(session, office, batch_id=first.batch_id)
    forced = do_import(engine, settings, office, RATINGS, force=True)
    assert forced.imported == 3


def test_undo_removes_everything_of_the_batch_and_only_that(engine, settings, actors):
    office = actors["van_phong"]
    before = counts(engine)
    kept = do_import(engine, settings, office, workbook(
        ["Tên sáng kiến", "Tác giả", "Đơn vị", "Năm", "Phạm vi"],
        ["Số hóa hồ sơ", "Nguyễn Thị Minh (1987); Lê Thị Hoa", "Văn phòng Sở", 2024, "Cơ sở"]), kind="sang_kien")
    middle = counts(engine)
    undone = do_import(engine, settings, office, workbook(
        ["Tên sáng kiến", "Tác giả", "Đơn vị", "Năm", "Phạm vi"],
        ["Phần mềm báo cáo", "Lê Thị Hoa; Vi Văn Sơn", "Văn phòng Sở", 2024, "Cấp tỉnh"],
        ["Bản đồ số", "Vi Văn Sơn", "Văn phòng Sở", 2024, "Cơ sở"]), kind="sang_kien")
    assert undone.imported == 2
    with write_session(engine) as session:
        assert record_batches.undo_records(session, office, batch_id=undone.batch_id) == 2
    after = counts(engine)
    assert {k: v for k, v in after.items() if k != "ImportBatch"} == {
        k: v for k, v in middle.items() if k != "ImportBatch"}
    assert after["Person"] == before["Person"] + 2
    with read_session(engine) as session:
        assert session.get(ImportBatch, undone.batch_id).status == "da_hoan_tac"
        assert session.get(ImportBatch, kept.batch_id).status == "da_nhap"
        assert session.exec(select(AuditLog).where(AuditLog.action == "hoan_tac_lo_nhap")).one().entity_id == str(
            undone.batch_id)
        history = record_batches.record_history(session)
    assert [(h.id, h.kind, h.rows, h.status_label) for h in history.itertuples()] == [
        (undone.batch_id, "sang_kien", 2, "Đã hoàn tác"), (kept.batch_id, "sang_kien", 1, "Đã nhập")]
    with pytest.raises(ImportRefused, match="đã được hoàn tác"), write_session(engine) as session:
        record_batches.undo_records(session, office, batch_id=undone.batch_id)


def test_undo_is_refused_naming_what_uses_a_person_the_batch_added(engine, settings, actors):
    office = actors["van_phong"]
    report = do_import(engine, settings, office, RATINGS)
    with write_session(engine) as session:
        minh = session.exec(select(Person).where(Person.name_key == "nguyen thi minh")).one()
        hand.add_discipline(session, office, hand.Subject.person(minh), year=2023, level="canh_cao")
    with pytest.raises(ImportRefused, match="Nguyễn Thị Minh: kỷ luật năm 2023"), write_session(engine) as session:
        record_batches.undo_records(session, office, batch_id=report.batch_id)
    with read_session(engine) as session:
        assert session.get(ImportBatch, report.batch_id).status == "da_nhap"


def test_leadership_may_neither_import_nor_undo(engine, settings, actors):
    with read_session(engine) as session:
        report = check(session, RATINGS, settings=settings)
    before = counts(engine)
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        record_batches.commit_records(session, actors["lanh_dao"], report=report)
    assert counts(engine) == before
    batch = do_import(engine, settings, actors["van_phong"], RATINGS).batch_id
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        record_batches.undo_records(session, actors["lanh_dao"], batch_id=batch)


def test_a_unit_user_imports_its_own_unit_only(engine, settings, actors):
    unit_user = actors["don_vi"]
    data = workbook(RATING_HEADER + ["Năm"], [1, "Đỗ Văn Hải", 1990, None, "HTTNV", 2024],
                    [2, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "HTTNV", 2024])
    with read_session(engine) as session:
        report = check(session, data, settings=settings, actor=unit_user)
        own = session.get(Unit, unit_user.unit_id).name
    assert [(r.name, r.unit) for r in report.rows] == [("Đỗ Văn Hải", own), ("Nguyễn Thị Minh", "Văn phòng Sở")]
    assert problems(report) == [(3, "Đơn vị công tác", "other_unit")]
    with pytest.raises(ImportRefused), write_session(engine) as session:
        record_batches.commit_records(session, unit_user, report=report)
    mine = do_import(engine, settings, unit_user, workbook(RATING_HEADER + ["Năm"],
                                                            [1, "Đỗ Văn Hải", 1990, None, "HTTNV", 2024]))
    assert mine.imported == 1


# --- templates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(record_rows.KINDS))
def test_each_template_reads_back_with_only_its_example_rows_flagged(engine, settings, kind):
    with read_session(engine) as session:
        data = record_template.template_for(session, kind=kind, year=2024, agency=settings.agency,
                                    parent_agency=settings.parent_agency)
        report = check(session, data, kind=kind, settings=settings)
    assert len(report.rows) == 2
    assert {i.code for i in report.issues} == {"example_row"}
    wb = load_workbook(BytesIO(data))
    assert wb.sheetnames == ["Danh sách", "DanhMuc", "Hướng dẫn"]
    assert wb["Danh sách"].data_validations.dataValidation


def test_template_neutralises_formulas_in_names_it_writes():
    data = record_template.template(kind="khen_truoc", year=2024, agency="Sở", parent_agency="UBND",
                            awards=["=HYPERLINK(\"http://x\")"], units=["+Đơn vị"])
    wb = load_workbook(BytesIO(data))
    assert (wb["DanhMuc"]["B2"].value, wb["DanhMuc"]["B2"].data_type) == ("=HYPERLINK(\"http://x\")", "s")
    assert (wb["DanhMuc"]["A2"].value, wb["DanhMuc"]["A2"].data_type) == ("+Đơn vị", "s")


def test_rows_frame_shows_each_row_with_its_problems(engine, settings):
    data = workbook(RATING_HEADER + ["Năm"], [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "Giỏi", 2024])
    with read_session(engine) as session:
        frame = record_preview.rows_frame(check(session, data, settings=settings))
    assert list(frame.columns) == ["sheet", "row", "state", "problems", "target", "name", "birth_year", "unit",
                                   "person", "year", "rating", "note"]
    assert frame.iloc[0][["row", "state", "person"]].tolist() == [2, "Lỗi", "Thêm mới"]


def test_import_records_command_writes_a_batch_and_prints_json_lines(db_url, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from conftest import SECRET

    from tdkt.cli.program import cli

    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    good, bad = tmp_path / "xep_loai.xlsx", tmp_path / "loi.xlsx"
    good.write_bytes(RATINGS)
    bad.write_bytes(workbook(*TITLE, RATING_HEADER, [1, "Nguyễn Thị Minh", 1987, "Văn phòng Sở", "Giỏi"]))
    dry = CliRunner().invoke(cli, ["import-records", "--kind", "xep_loai", "--dry-run", "--json", str(good)])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["imported"] == 0
    result = CliRunner().invoke(cli, ["import-records", "--kind", "xep_loai", "--json", str(good), str(bad)])
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert result.exit_code == 1
    assert (first["rows"], first["imported"], first["errors"]) == (3, 3, [])
    assert [(e["row"], e["column"], e["code"]) for e in second["errors"]] == [(6, "Xếp loại", "bad_rating")]
    again = CliRunner().invoke(cli, ["import-records", "--kind", "xep_loai", str(good)])
    assert again.exit_code == 1 and "đã được nhập trước đó" in again.output


def test_a_record_batch_stays_out_of_the_nomination_history_and_its_undo(engine, settings, actors):
    from tdkt.importing.nomination_lists import commit as nomination_commit

    report = do_import(engine, settings, actors["van_phong"], RATINGS)
    with read_session(engine) as session:
        assert report.batch_id not in set(nomination_commit.history(session, actor=actors["van_phong"]).id)
        assert nomination_commit.previous_batches(session, sha256=report.sha256) == []
    with pytest.raises(ImportRefused, match="Không tìm thấy lô nhập danh sách đề nghị"), \
            write_session(engine) as session:
        nomination_commit.undo_batch(session, actors["van_phong"], batch_id=report.batch_id)


def test_a_rating_written_again_unchanged_is_not_counted_as_replaced(engine, settings, actors):
    from tdkt.core.text import fold as text_fold

    office = actors["van_phong"]
    with write_session(engine) as session:
        for name, birth, unit, rating in (("Nguyễn Thị Minh", 1987, "Văn phòng Sở", "HTNV"),
                                          ("Trần Văn Bình", 1979, "Thanh tra Sở", "HTXSNV")):
            person = Person(full_name=name, name_key=text_fold(name), birth_year=birth, unit_id=unit_id(session, unit))
            session.add(person)
            session.flush()
            hand.set_rating(session, office, hand.Subject.person(person), year=2024, rating=rating)
    with read_session(engine) as session:
        report = check(session, RATINGS, settings=settings)
    assert [(i.row, i.code) for i in report.issues] == [(10, "rating_replaced")]  # Bình's HTXSNV stays as it was
    with write_session(engine) as session:
        result = record_batches.commit_records(session, office, report=report)
    assert result.replaced == 1
    with read_session(engine) as session:
        summary = session.exec(select(AuditLog.summary).where(AuditLog.action == "nhap_ho_so")).one()
    assert summary.endswith("thay 1 xếp loại đã có, 1 xếp loại giữ nguyên.")
