"""User text cleaned and checked the same way on every way in and on both engines: invisible format characters
removed, odd spaces made plain, control characters and text longer than its column refused on their row and column."""

from __future__ import annotations

import io
import sys
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tdkt.awards import nominations, personal_records
from tdkt.clusters import cluster_writes, clusters, movements
from tdkt.core import units
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.errors import Refused
from tdkt.core.models import (
    Assessment,
    ClusterMember,
    ImportBatch,
    Nomination,
    Person,
    PlanTask,
    Role,
    Unit,
    UnitKind,
)
from tdkt.core.permissions import COMMAND_LINE, Actor
from tdkt.core.text import TEXT_LIMIT, clean, fold, form_text, limit_of, nfc, text_problem
from tdkt.importing import cluster_sheets
from tdkt.importing.nomination_lists import pipeline
from tdkt.importing.record_lists import record_import
from tdkt.plan import plan as plan_module
from tests.conftest import SECRET

SETTINGS = replace(Settings(), secret_key=SECRET)
OFFICE = Role.VAN_PHONG
NAME = "Nguyễn Văn An"
INVISIBLE = {
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c", "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff", "left-to-right mark": "\u200e", "right-to-left mark": "\u200f",
    "LRE": "\u202a", "RLE": "\u202b", "PDF": "\u202c", "LRO": "\u202d", "right-to-left override": "\u202e",
    "LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069", "soft hyphen": "\u00ad",
    "word joiner": "\u2060", "Mongolian vowel separator": "\u180e",
}


# --- the cleaning itself -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_format_characters_are_removed(char):
    assert clean(f"{char}Nguy{char}ễn Văn{char} An{char}") == NAME


def test_every_format_character_of_unicode_is_removed():
    format_chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_chars) > 150
    assert clean("a" + "".join(format_chars) + "b") == "ab"


@pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u3000", "\u1680", "\t", "\n",
                                   "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "  \u00a0 "])
def test_every_space_and_line_break_is_one_plain_space_in_one_line_text(space):
    assert clean(f"{space}Nguyễn{space}Văn An{space}") == NAME
    assert nfc(f"Nguyễn{space}Văn An") == NAME


def test_text_is_composed_even_with_a_format_character_between_letter_and_tone_mark():
    assert clean("Nguye\u0302\u200b\u0303n Va\u0306n An") == NAME


def test_multi_line_text_keeps_its_lines_and_tabs():
    text = " Năm 2023:\u00a0 hoàn thành\u200b tốt \r\n\r\n\r\n\u2028- Năm 2024:\tđạt\n"
    assert clean(text, multiline=True) == "Năm 2023: hoàn thành tốt\n\n- Năm 2024:\tđạt"


def test_folding_for_matching_ignores_invisible_characters():
    assert fold("Nguy\u200bễn\ufeff Văn\u00a0An") == fold(NAME) == "nguyen van an"


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x7f", "U+007F"),
                                            ("\x9b", "U+009B"), ("\x1f", "U+001F"), ("\ud800", "U+D800")])
def test_control_characters_are_kept_by_cleaning_and_reported(char, code):
    text = clean(f"Nguyễn {char}Văn An")
    assert text == f"Nguyễn {char}Văn An"
    found = text_problem(text, label="Họ và tên", limit=255)
    assert found is not None and found[0] == "control_character"
    assert "“Họ và tên”" in found[1] and code in found[1] and "ký tự thứ 8" in found[1]


def test_a_tab_or_line_break_is_no_problem_in_multi_line_text():
    assert text_problem(clean("Dòng 1\n\tDòng 2", multiline=True), label="Ghi chú", limit=TEXT_LIMIT) is None


def test_text_longer_than_its_column_is_reported_with_both_lengths():
    found = text_problem("A" * 1_048_576, label="Họ và tên", limit=255)
    assert found is not None and found[0] == "too_long"
    assert "dài 1.048.576 ký tự" in found[1] and "giới hạn 255 ký tự" in found[1]
    assert text_problem("A" * 255, label="Họ và tên", limit=255) is None


def test_limits_come_from_the_models():
    assert (limit_of(Person.full_name), limit_of(Unit.short_name), limit_of(Nomination.achievements)) == (
        255, 64, TEXT_LIMIT)


def test_a_form_field_is_cleaned_or_refused_naming_it():
    assert form_text(" Văn\u00a0phòng\u200b Sở ", label="Tên đơn vị", column=Unit.name) == "Văn phòng Sở"
    assert form_text("\u200b \u00a0", label="Tên đơn vị", column=Unit.name) is None
    with pytest.raises(Refused, match="“Tên viết tắt” dài 65 ký tự"):
        form_text("x" * 65, label="Tên viết tắt", column=Unit.short_name)


# --- uploaded lists ----------------------------------------------------------------------------------------------


def xlsx(rows: list[list], **cells: str) -> bytes:
    """Return an .xlsx of these rows; each keyword's name, written in a cell, becomes its text in the file as
    Excel escapes it ("_x0000_" for NUL: openpyxl refuses to write control characters)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            for placeholder, text in cells.items():
                data = data.replace(placeholder.encode(), text.encode())
            target.writestr(item, data)
    return out.getvalue()


HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]
TITLE = ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"]


def nomination_list(*people: list) -> list[list]:
    return [TITLE, [], HEADER, *([i, *p] for i, p in enumerate(people, start=1))]


def run(engine, data: bytes, *, year: int = 2024):
    with write_session(engine) as session:
        return pipeline.import_file(session, COMMAND_LINE, data, file_name="ds.xlsx", settings=SETTINGS, year=year)


def counts(engine) -> list[int]:
    with Session(engine) as session:
        return [session.exec(select(func.count()).select_from(t)).one() for t in (ImportBatch, Nomination, Person)]


def test_invisible_characters_in_a_list_do_not_make_one_person_two(engine):
    person = [NAME, "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "Lao động tiên tiến"]
    assert run(engine, xlsx(nomination_list(person)), year=2023).imported == 1
    report = run(engine, xlsx(nomination_list(["ZWSP", "Nam", 1980, "Chuyên\u00a0viên", "Văn phòng Sở", "LĐTT"]),
                              ZWSP="\ufeffNguyễn\u200b Văn\u00a0\u00a0An\u202e"))
    assert (report.errors, report.imported, counts(engine)) == ([], 1, [2, 2, 1])
    with Session(engine) as session:
        assert session.exec(select(Person.full_name, Person.name_key, Person.position)).all() == [
            (NAME, "nguyen van an", "Chuyên viên")]
        assert session.exec(select(Nomination.position).order_by(Nomination.year)).all() == [
            "Chuyên viên", "Chuyên viên"]


def test_control_characters_and_over_long_texts_refuse_their_rows_and_nothing_is_written(engine):
    data = xlsx(nomination_list(
        ["NUL", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
        ["Trần Thị Bình", "Nữ", 1985, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
        ["LONG", "Nam", 1981, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
        ["Lê Văn Cường", "Nam", 1982, "P" * 300, "Văn phòng Sở", "LĐTT"],
        ["Phạm Thị Dung", "Nữ", 1983, "Chuyên viên", "ESC", "LĐTT"],
    ), NUL="Nguyễn_x0000_Văn An", ESC="Văn phòng Sở_x001B_", LONG="A" * 1_048_576)  # openpyxl cuts at 32,767
    report = run(engine, data)
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (4, "Họ và tên", "control_character"), (6, "Họ và tên", "too_long"), (7, "Chức vụ", "too_long"),
        (8, "Đơn vị", "control_character")]
    assert "dài 1.048.576 ký tự" in report.errors[1].message and "U+0000" in report.errors[0].message
    assert (report.imported, report.exit_code(dry_run=False, force=False), counts(engine)) == (0, 1, [0, 0, 0])


def test_a_record_list_refuses_control_characters_and_over_long_texts_on_their_cells(engine, settings, actors):
    data = xlsx([["DANH SÁCH KẾT QUẢ XẾP LOẠI NĂM 2024"], [],
                 ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Đơn vị công tác", "Xếp loại", "Ghi chú"],
                 [1, "NUL", 1980, "Chuyên viên", "Văn phòng Sở", "HTTNV", None],
                 [2, "Trần Thị Bình", 1985, "P" * 256, "Văn phòng Sở", "HTTNV", "G" * 501],
                 [3, "Lê\u200b Văn\u00a0Cường", 1982, "Chuyên viên", "Văn phòng Sở", "HTTNV", None]],
                NUL="Nguyễn Văn_x0000_ An")
    with write_session(engine) as session:
        report = record_import.import_records(session, actors["van_phong"], data, kind="xep_loai",
                                              file_name="xl.xlsx", settings=settings, today=date(2025, 1, 15))
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (4, "Họ và tên", "control_character"), (5, "Chức vụ", "too_long"), (5, "Ghi chú", "too_long")]
    assert report.rows[2].name == "Lê Văn Cường" and report.imported == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 0


def test_a_cluster_member_list_refuses_a_control_character_and_cleans_invisible_ones(engine, actors):
    data = xlsx([["STT", "Tên cơ quan/đơn vị", "Vai trò"], [1, "Sở\u200b Xây\u00a0dựng", ""], [2, "BAD", ""]],
                BAD="Sở Y tế_x0007_")
    with write_session(engine) as session:
        cluster = next(c for c in clusters.clusters_of(session, year=2024) if c.code == "Cụm II")
        report = cluster_sheets.check(session, data, file_name="cum.xlsx", settings=SETTINGS, cluster_id=cluster.id,
                                      mode=cluster_sheets.MEMBERS)
        assert [(i.row, i.column, i.code) for i in report.issues] == [(3, "Tên cơ quan/đơn vị", "control_character")]
        assert [r.name for r in report.rows][0] == "Sở Xây dựng"
        with pytest.raises(clusters.ClusterError):
            cluster_sheets.commit(session, actors[OFFICE], report)
    with Session(engine) as session:
        assert session.exec(select(ClusterMember).where(ClusterMember.name.like("%Y tế%"))).all() == []


# --- hand entry and the other writes -----------------------------------------------------------------------------


def test_a_hand_entered_nomination_is_cleaned_or_refused_naming_the_field(engine, actors):
    entry = nominations.NominationInput(year=2024, target="ca_nhan", name="Nguyễn\u200b Văn\u00a0An", award="LĐTT",
                                        gender="Nam", birth_year=1980, position="Chuyên viên", unit="Văn phòng Sở",
                                        achievements="Năm 2024:\r\n\u200bhoàn thành tốt")
    for bad, message in ((replace(entry, name="Nguyễn\x00Văn An"), "“Họ và tên” có ký tự điều khiển"),
                         (replace(entry, name="A" * 1_048_576), "“Họ và tên” dài 1.048.576 ký tự"),
                         (replace(entry, position="P" * 256), "“Chức vụ” dài 256 ký tự")):
        with write_session(engine) as session, pytest.raises(nominations.NominationError, match=message):
            nominations.add(session, actors[OFFICE], bad)
    with write_session(engine) as session:
        nominations.add(session, actors[OFFICE], entry)
    with Session(engine) as session:
        assert session.exec(select(Person.full_name)).all() == [NAME]
        assert session.exec(select(Nomination.achievements)).all() == ["Năm 2024:\nhoàn thành tốt"]


def test_records_entered_by_hand_are_cleaned_or_refused(engine, actors):
    office = actors["van_phong"]
    with pytest.raises(personal_records.RecordError, match="“Tên tập thể” có ký tự điều khiển"):
        personal_records.Subject.collective("Phòng\x00 Quản lý", None)
    subject = personal_records.Subject.collective("Phòng\u200b Quản lý\u00a0Công nghiệp", None)
    assert (subject.collective_name, subject.key) == ("Phòng Quản lý Công nghiệp", "phong quan ly cong nghiep")
    with write_session(engine) as session, pytest.raises(personal_records.RecordError, match="“Ghi chú” dài 501"):
        personal_records.set_rating(session, office, subject, year=2024, rating="HTTNV", note="G" * 501)
    with write_session(engine) as session, pytest.raises(personal_records.RecordError, match="“Tên sáng kiến”"):
        personal_records.add_initiative(session, office, year=2024, title="T" * 501, scope="co_so", author_ids=[1])
    with write_session(engine) as session:
        personal_records.set_rating(session, office, subject, year=2024, rating="HTTNV", note="Ghi\u00a0chú\u200b")
    with Session(engine) as session:
        assert session.exec(select(Assessment.collective_name, Assessment.note)).all() == [
            ("Phòng Quản lý Công nghiệp", "Ghi chú")]


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, a: units.add(s, a, name="Phòng\x00Mới", kind=UnitKind.PHONG), "“Tên đơn vị” có ký tự điều khiển"),
    (lambda s, a: units.add(s, a, name="Phòng Mới", kind=UnitKind.PHONG, short_name="P" * 65), "“Tên viết tắt”"),
    (lambda s, a: cluster_writes.add_cluster(s, a, year=2024, code="Cụm\x1bX", name="Cụm X"), "“Mã cụm”"),
    (lambda s, a: cluster_writes.add_member(s, a, cluster_id=1, name="S" * 256), "“Tên cơ quan, đơn vị” dài 256"),
    (lambda s, a: plan_module.add_task(s, a, year=2024, quarter=1, content="Việc\x00", units=["Văn phòng Sở"]),
     "“Nội dung công việc”"),
    (lambda s, a: plan_module.add_task(s, a, year=2024, quarter=1, content="Việc", units=["V" * 256]),
     "“Đơn vị tham mưu, thực hiện” dài 256"),
    (lambda s, a: movements.add_movement(s, a, year=2024, name="P" * 501, kind="chuyen_de"), "“Tên phong trào”"),
])
def test_other_writes_refuse_control_characters_and_over_long_texts_naming_the_field(engine, actors, call, message):
    with write_session(engine) as session, pytest.raises(Refused, match=message):
        call(session, actors[OFFICE])


def test_other_writes_store_cleaned_text(engine, actors):
    with write_session(engine) as session:
        unit = units.add(session, actors[OFFICE], name="Phòng\u200b\u00a0Mới\ufeff", kind=UnitKind.PHONG)
        task = plan_module.add_task(session, actors[OFFICE], year=2024, quarter=1, content="Việc\u2060 mới",
                                    units=["Văn\u00a0phòng Sở"])
        unit_id, task_id = unit.id, task.id
    with Session(engine) as session:
        assert session.get(Unit, unit_id).name == "Phòng Mới"
        assert session.get(PlanTask, task_id).content == "Việc mới"


def test_account_display_names_are_cleaned_and_control_characters_refused(engine):
    from tdkt.core import auth

    admin = Actor(id=None, username="quantri-test", role=Role.QUAN_TRI)
    with write_session(engine) as session:
        user, _ = auth.create_user(session, admin, username="nguoimoi", display_name="Nguyễn\u200b Văn\u00a0 An",
                                   role=Role.LANH_DAO, password="MatKhau2025")
        assert user.display_name == "Nguyễn Văn An"
        with pytest.raises(auth.AuthError, match="Họ tên hiển thị"):
            auth.update_user(session, admin, user_id=user.id, display_name="An\x00", role=Role.LANH_DAO,
                             unit_id=None, active=True)
