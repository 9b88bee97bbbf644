"""Whole files through the import: department lists, national layouts with code lists, legacy encodings, the
template, repeated files, the error workbook, and bad files leaving the database unchanged."""

from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, func, select

from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.models import ImportBatch, Nomination, Person
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing import legacy, template_style
from tdkt.importing.nomination_lists import pipeline, preview, template
from tests.conftest import SECRET

SETTINGS = replace(Settings(), secret_key=SECRET)


def xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


DEPARTMENT = xlsx(("DS", [
    ["SỞ CÔNG THƯƠNG LẠNG SƠN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2023"], [],
    ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"],
    ["I. TẬP THỂ"], [1, "Phòng Quản lý Thương mại", None, None, None, None, "TTLĐTT"],
    ["II. CÁ NHÂN"], [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
    [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"], [],
    [None, "Người lập biểu", None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"],
]))


def run(engine, data, *, name="ds.xlsx", dry_run=False, force=False, year=None, settings=SETTINGS):
    with write_session(engine) as session:
        return pipeline.import_file(session, COMMAND_LINE, data, file_name=name, settings=settings, year=year,
                                    dry_run=dry_run, force=force)


def counts(engine):
    with Session(engine) as session:
        return [session.exec(select(func.count()).select_from(t)).one() for t in (ImportBatch, Nomination, Person)]


def test_department_list_imports_with_the_year_of_its_title(engine):
    report = run(engine, DEPARTMENT)
    assert (report.year, report.sheets, report.imported, report.exit_code(dry_run=False, force=False)) == (
        2023, ["DS"], 3, 0)
    assert [(r.target, r.name, r.award) for r in report.records] == [
        ("tap_the", "Phòng Quản lý Thương mại", "Tập thể lao động tiên tiến"),
        ("ca_nhan", "Nguyễn Thị Minh", "Lao động tiên tiến"),
        ("ca_nhan", "Trần Văn Bình", "Chiến sĩ thi đua cơ sở")]
    assert counts(engine) == [1, 3, 2]


def test_dry_run_writes_nothing(engine):
    report = run(engine, DEPARTMENT, dry_run=True, year=2024)
    assert (report.imported, report.year, report.exit_code(dry_run=True, force=False), counts(engine)) == (
        0, 2024, 0, [0, 0, 0])


def test_a_repeated_file_is_flagged_and_only_forced_in(engine):
    run(engine, DEPARTMENT)
    again = run(engine, DEPARTMENT)
    assert [i.code for i in again.issues].count("repeated_file") == 1
    assert (again.imported, again.exit_code(dry_run=False, force=False)) == (0, 1)
    # Forced, the same rows are still refused one by one: they are already in the database.
    forced = run(engine, DEPARTMENT, force=True)
    assert {i.code for i in forced.errors} == {"already_in_database"} and counts(engine) == [1, 3, 2]


CODES = [["STT", "Mã số", "Hình thức khen thưởng", "", "STT", "Mã số", "Danh hiệu thi đua", "", "STT",
          "Mã phân loại cán bộ", "Phân loại cán bộ"],
         [1, "1650360491", "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương", "", 1, "1647933042",
          "Lao động tiên tiến", "", 1, "1660638976",
          "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"],
         [2, "1650360184", "Huân chương Lao động", "", 2, "1647933380", "Chiến sĩ thi đua cơ sở", "", 2, "1660638930",
          "Các cấp lãnh đạo từ phó phòng trở lên"]]


def test_individual_list_with_code_columns_uses_the_files_own_code_list(engine):
    data = xlsx(("DANHSACH", [
        ["DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG"], [],
        ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Tên phòng ban/ khối, tổ \ncông tác",
         "Tên đơn vị/tập thể\ncông tác", "Địa chỉ / Nơi ở", "Mã phân loại cán bộ", "Mã hình thức khen thưởng",
         "Mã danh hiệu thi đua\n(nếu có)"],
        [1, "Lê Thị Hoa", "Nữ", "12/05/1988", "Chuyên viên", "Phòng Quản lý Công nghiệp", "Sở Công Thương", "Lạng Sơn",
         "1660638976", None, "1647933042"],
        [2, "Hoàng Văn Nam", "Nam", "01/02/1975", "Trưởng phòng", "Thanh tra Sở", "Sở Công Thương", "Lạng Sơn",
         1660638930, None, 1647933380],
    ]), ("DANHMUC", CODES))
    report = run(engine, data, dry_run=True, year=2024)
    assert [(r.name, r.gender, r.birth_year, r.award, r.category) for r in report.records] == [
        ("Lê Thị Hoa", "Nữ", 1988, "Lao động tiên tiến",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
        ("Hoàng Văn Nam", "Nam", 1975, "Chiến sĩ thi đua cơ sở", "Các cấp lãnh đạo từ phó phòng trở lên")]
    assert report.errors == []


# Codes the catalogue does not know: only the file's own DANHMUC sheet says what they mean.
OWN_CODES = xlsx(("DS", [
    ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
    ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Mã danh hiệu"],
    [1, "Lê Thị Hoa", "Nữ", 1988, "Chuyên viên", "Văn phòng Sở", "900001"],
    [2, "Hoàng Văn Nam", "Nam", 1975, "Trưởng phòng", "Thanh tra Sở", 900002],
]), ("DANHMUC", [["Mã", "Danh hiệu"], ["900001", "Lao động tiên tiến"], ["900002", "Chiến sĩ thi đua cơ sở"]]))


def test_a_list_with_its_own_award_codes_stays_clean_after_a_cell_is_edited(engine):
    with Session(engine) as session:
        report = pipeline.check(session, OWN_CODES, file_name="ds.xlsx", settings=SETTINGS, year=2024)
        frame = preview.rows_frame(report)
        frame.loc[frame["row"] == 4, "name"] = "Lê Thị Hoa Mai"
        again = preview.revalidate(session, report, preview.apply_edits(report, frame))
    assert report.issues == [] and again.issues == []
    assert [(r.name, r.award) for r in again.records] == [("Lê Thị Hoa Mai", "Lao động tiên tiến"),
                                                          ("Hoàng Văn Nam", "Chiến sĩ thi đua cơ sở")]


def test_national_layout_reads_its_kind_column_and_ignores_na_leftovers(engine):
    header = ["STT", "Tên gọi\n(Ông/Bà/Chức danh)", "Tên tập thể/cá nhân/hộ gia đình", "Chức vụ", "Đơn vị công tác",
              "Phân loại khen thưởng\n(cá nhân/tập thể/hộ gia đình)", "Danh hiệu thi đua/Hình thức khen thưởng",
              "Phân loại đối tượng", "Lĩnh vực hoạt động", "Mã hình thức", "Mã phân loại", "Mã lĩnh vực", "Mã kt"]
    data = xlsx(("file nhận", [
        header,
        [1, "Bà", "Vi Thị Lan", "Kế toán", "Văn phòng Sở", "Khen thưởng cá nhân", "Lao động tiên tiến",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", "Công nghiệp - Thương mại",
         "1647933042", "1660638976", "0002", "CANHAN"],
        [2, None, "Trung tâm Khuyến công", None, None, "Khen thưởng tập thể", "Tập thể lao động xuất sắc",
         "Đơn vị sự nghiệp", "Công nghiệp - Thương mại", "1647933151", "1668477403", "0002", "TAPTHE"],
        *[[None] * 9 + ["#N/A"] * 4 for _ in range(30)],
    ]), ("Hướng dẫn", [header, [1, "Ông", "Nguyễn Anh Đại", "Phó Giám đốc", "Sở Tài Chính", "Khen thưởng cá nhân",
                               "Bằng khen"]]))
    report = run(engine, data, dry_run=True, year=2024)
    assert report.sheets == ["file nhận"]
    assert [(r.row, r.target, r.name, r.gender, r.award, r.category) for r in report.records] == [
        (2, "ca_nhan", "Vi Thị Lan", "Nữ", "Lao động tiên tiến",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
        (3, "tap_the", "Trung tâm Khuyến công", None, "Tập thể lao động xuất sắc", "Đơn vị sự nghiệp")]
    assert report.errors == []


def test_legacy_tcvn3_list_is_converted(engine):
    rows = [[legacy.from_unicode(v, "TCVN3") if isinstance(v, str) else v for v in row] for row in [
        ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"],
        ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"],
        [1, "Nguyễn Văn Đức", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "Lao động tiên tiến"],
        [2, "Lương Thị Hằng", "Nữ", 1990, "Chuyên viên", "Thanh tra Sở", "Chiến sĩ thi đua cơ sở"]]]
    report = run(engine, xlsx(("DS", rows)), dry_run=True)
    assert [r.encoding for r in report.results] == ["TCVN3"]
    assert [(r.name, r.award) for r in report.records] == [("Nguyễn Văn Đức", "Lao động tiên tiến"),
                                                           ("Lương Thị Hằng", "Chiến sĩ thi đua cơ sở")]


def test_the_template_reads_back_and_its_examples_must_be_deleted(engine):
    with Session(engine) as session:
        made = template.template_for(session, year=2024, agency="Sở Công Thương Lạng Sơn",
                                     parent_agency="UBND tỉnh Lạng Sơn")
    report = run(engine, made, dry_run=True)
    assert (report.year, {i.code for i in report.errors}) == (2024, {"example_row"})
    wb = load_workbook(BytesIO(made))
    ws = wb["Danh sách"]
    for row in ws.iter_rows(min_row=8, max_row=12):
        if row[9].value == template_style.EXAMPLE_NOTE:
            row[9].value = None
    buffer = BytesIO()
    wb.save(buffer)
    clean = run(engine, buffer.getvalue())
    assert (clean.errors, clean.imported) == ([], 3)
    assert [dv.sqref for dv in ws.data_validations.dataValidation][:1] and "DanhMuc" in wb.sheetnames


def test_error_workbook_puts_each_problem_on_its_row(engine):
    data = xlsx(("DS", [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Hình thức đề nghị"],
                        [1, "Nguyễn Văn A", "Nam", 1980, "Văn phòng Sở", "Huy chương Olympic"],
                        [2, "Lê Thị B", "Nữ", 1985, "Văn phòng Sở", "LĐTT"]]))
    report = run(engine, data, dry_run=True, year=2024)  # a year given: no warning about the title's
    book = load_workbook(BytesIO(template.error_workbook(data, file_name="ds.xlsx", issues=report.issues,
                                                         headers={r.sheet: r.header_row for r in report.results})))
    sheet = book["DS"]
    assert sheet["G1"].value == "Lỗi / cảnh báo"
    assert "Không nhận ra danh hiệu/hình thức “Huy chương Olympic”" in sheet["G2"].value and sheet["G3"].value is None
    assert [c.value for c in book["Danh sách lỗi"][2]][:5] == ["DS", 2, "Hình thức đề nghị", "Lỗi", "unknown_award"]


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b"%PDF-1.7 renamed", "not_spreadsheet"),
    (b"PK\x03\x04 broken zip", "corrupt"),
    (b"x" * 2048, "too_large"),
])
def test_bad_files_get_one_clear_error_and_leave_the_database_unchanged(engine, data, code):
    small = replace(SETTINGS, upload_limit_mb=1 / 1024)
    report = run(engine, data, settings=small)
    assert report.unreadable and [i.code for i in report.issues] == [code]
    assert report.issues[0].message and "“ds.xlsx”" in report.issues[0].message
    assert report.exit_code(dry_run=False, force=False) == 2 and counts(engine) == [0, 0, 0]


def test_a_sheet_without_a_list_is_reported(engine):
    report = run(engine, xlsx(("Ghi chú", [["Không có gì ở đây"], ["chỉ là văn bản"]])))
    assert ([i.code for i in report.issues], report.exit_code(dry_run=False, force=False)) == (["no_header"], 2)
