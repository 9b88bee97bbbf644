"""Tải lên danh sách under AppTest: who may open it, hand entry (good and bad), a checked file checked again, batch
history and undo; one file's award answers, other units' rows, deleted rows, year and received date, error workbook.

AppTest cannot drive st.file_uploader; uploading a file through the page is tests/test_browser_import.py's job.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.awards import nominations
from tdkt.core import permissions
from tdkt.core.config import Settings
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Award, ImportBatch, Nomination, Person, Target, User
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing import batches
from tdkt.importing.nomination_lists import pipeline, template
from tests.conftest import SECRET
from tests.test_pages import REFUSAL, labelled, signed_in, titles

PAGE = "pages/tai_len.py"
TITLE = "Tải lên danh sách đề nghị khen thưởng"


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def on_page(app_env: dict, role: str) -> AppTest:
    return signed_in(app_env, role, PAGE)


@pytest.mark.parametrize("role", ["van_phong", "don_vi"])
def test_page_offers_the_template_the_uploader_and_the_forms(app_env, role):
    at = on_page(app_env, role)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert REFUSAL not in [e.value for e in at.error]
    assert [b.label for b in at.get("download_button") if b.key == "template"] == ["Tải mẫu danh sách (.xlsx)"]
    assert [u.key for u in at.get("file_uploader")] == ["uploads"]
    assert [t.label for t in at.tabs] == ["Thêm một đề nghị", "Sửa đề nghị"]
    assert "Chưa có lô nhập nào." in [i.value for i in at.info]


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri"])
def test_page_refuses_leadership_and_the_admin(app_env, role):
    at = on_page(app_env, role)
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSAL]
    assert titles(at) == []
    assert not at.get("file_uploader") and not at.get("download_button")


def fill_hand_entry(at: AppTest, *, name: str, award: str, target=Target.CA_NHAN, gender: str = "",
                    birth: int | None = None, unit: str = "") -> AppTest:
    """Fill the "Thêm một đề nghị" form (first of its labels on the page) and submit it."""
    labelled(at.selectbox, "Đối tượng").select(target)
    labelled(at.text_input, "Họ tên / Tên tập thể").input(name)
    labelled(at.selectbox, "Danh hiệu/Hình thức khen thưởng").select(award)
    labelled(at.selectbox, "Giới tính").select(gender)
    if birth is not None:
        labelled(at.number_input, "Năm sinh").set_value(birth)
    labelled(at.selectbox, "Đơn vị").select(unit)
    return at.button(key="them_de_nghi_save").click().run()


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_adds_a_nomination_by_hand(app_env, app_engine):
    at = fill_hand_entry(on_page(app_env, "van_phong"), name="Nguyễn Thị Minh", award="Lao động tiên tiến",
                         gender="Nữ", birth=1987, unit="Văn phòng Sở")
    assert not at.exception
    assert [e.value for e in at.error] == []
    with read_session(app_engine) as session:
        frame = nominations.listing(session, year=2024)
    assert frame[["name", "gender", "birth_year", "award", "unit", "status_label", "batch_id"]].values.tolist() == [
        ["Nguyễn Thị Minh", "Nữ", 1987, "Lao động tiên tiến", "Văn phòng Sở", "Đề nghị", None]]
    assert [s.value for s in at.success] == [f"Đã lưu đề nghị số {frame.id[0]}."]
    # The edit tab now offers it.
    assert at.selectbox(key="sua_de_nghi_pick").options == ["Nguyễn Thị Minh — Lao động tiên tiến (Văn phòng Sở)"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_hand_entry_refuses_an_individual_award_for_a_collective(app_env, app_engine):
    at = fill_hand_entry(on_page(app_env, "van_phong"), name="Phòng Quản lý Công nghiệp", award="Lao động tiên tiến",
                         target=Target.TAP_THE, unit="Phòng Quản lý Công nghiệp")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "“Lao động tiên tiến” chỉ xét tặng cho cá nhân, không cho tập thể “Phòng Quản lý Công nghiệp”. "
        "Kiểm tra lại danh hiệu hoặc mục (tập thể/cá nhân) của dòng này."]
    assert [s.value for s in at.success] == []
    with read_session(app_engine) as session:
        assert session.exec(select(Nomination)).all() == []


def department_list() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    for row in [
        ["SỞ CÔNG THƯƠNG LẠNG SƠN"], ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
        ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"],
        ["II. CÁ NHÂN"],
        [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
        [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"],
    ]:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def own_codes_list() -> bytes:
    """A list whose award cells are codes that only its own DANHMUC sheet explains, with one unit not yet known."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    for row in [
        ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
        ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Mã danh hiệu"],
        [1, "Lê Thị Hoa", "Nữ", 1988, "Chuyên viên", "Phòng Kinh tế Số", "900001"],
        [2, "Hoàng Văn Nam", "Nam", 1975, "Trưởng phòng", "Thanh tra Sở", 900002],
    ]:
        ws.append(row)
    codes = wb.create_sheet("DANHMUC")
    for row in [["Mã", "Danh hiệu"], ["900001", "Lao động tiên tiến"], ["900002", "Chiến sĩ thi đua cơ sở"]]:
        codes.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def one_uploaded_file():
    """Draw one checked file as Tải lên danh sách does (AppTest cannot drive the uploader that checks it)."""
    import streamlit as st

    from pages import _import_file

    _import_file.render(st.session_state["import_reports"], ("ds_ma", None))


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_adding_a_unit_checks_the_list_again_with_its_own_award_codes(app_env, app_engine):
    data = own_codes_list()
    with read_session(app_engine) as session:
        report = pipeline.check(session, data, file_name="ds_ma.xlsx", settings=replace(Settings(), secret_key=SECRET),
                                year=2024)
    assert [(i.row, i.code) for i in report.issues] == [(4, "unknown_unit")]
    at = AppTest.from_function(one_uploaded_file, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["import_reports"] = {("ds_ma", None): (data, report)}
    at.run()
    at.button(key="add_unit_ds_ma_None_0").click().run()  # "Thêm đơn vị “Phòng Kinh tế Số”" checks the list again
    assert not at.exception
    assert [t.label for t in at.tabs][:2] == ["Lỗi (0)", "Cảnh báo (0)"]
    again = at.session_state["import_reports"][("ds_ma", None)][1]
    assert ([i.code for i in again.issues], [r.award for r in again.records]) == (
        [], ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"])


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_batch_history_lists_an_imported_batch_and_undoes_it(app_env, app_engine):
    with write_session(app_engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, department_list(), file_name="ds_phong.xlsx",
                                      settings=replace(Settings(), secret_key=SECRET))
    assert (report.imported, report.errors) == (2, [])
    at = on_page(app_env, "van_phong")
    assert not at.exception
    history = at.dataframe[-1].value
    assert history[["Lô số", "Tệp", "Năm", "Số đề nghị", "Số cá nhân mới thêm", "Trạng thái"]].values.tolist() == [
        [report.batch_id, "ds_phong.xlsx", 2024, 2, 2, "Đã nhập"]]
    pick = at.selectbox(key="undo_pick")
    assert (pick.options, pick.value) == ([f"Lô số {report.batch_id} — ds_phong.xlsx"], report.batch_id)

    assert at.button(key="undo_batch").disabled  # one click must not delete a batch: confirm first
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo_batch").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã hoàn tác lô số {report.batch_id}: xóa 2 đề nghị."]
    with read_session(app_engine) as session:
        assert session.get(ImportBatch, report.batch_id).status == batches.UNDONE == "da_hoan_tac"
        assert session.exec(select(Nomination)).all() == []
    assert list(at.dataframe[-1].value["Trạng thái"]) == ["Đã hoàn tác"]
    assert "undo_pick" not in [s.key for s in at.selectbox]  # nothing left to undo


def test_the_edit_form_opens_on_a_collective_with_no_gender_or_birth_year(app_env, app_engine):
    from tests.test_dossiers import add_nominations

    add_nominations(app_engine, [("Phòng Quản lý Thương mại", "Phòng Quản lý Thương mại")], award="TTLDTT",
                    collective=True)
    add_nominations(app_engine, [("Nguyễn Thị Minh", None)])
    with write_session(app_engine) as session:  # a gender beside the collective's none: pandas 3 stores NaN there
        person = session.exec(select(Person).where(Person.full_name == "Nguyễn Thị Minh")).one()
        person.gender, person.birth_year = "Nữ", 1987
        session.add(person)
    at = on_page(app_env, "van_phong")
    assert not at.exception
    assert len(at.selectbox(key="sua_de_nghi_pick").options) == 2
    for option in range(2):
        at.selectbox(key="sua_de_nghi_pick").select_index(option).run()
        assert not at.exception


# --- one uploaded file: award answers, other units' rows, deleted rows, year and received date ------------------

PROVINCIAL = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
MINISTRY = "Bằng khen của Bộ trưởng Bộ Công Thương"
LIST_HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Hình thức khen thưởng"]


@pytest.fixture
def both_env(db_url, monkeypatch):
    """The app pointed at a fresh seeded database on SQLite and on PostgreSQL; yields (user ids by role, engine)."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        users = {u.role: u.id for u in session.exec(select(User)).all()}
    yield users, engine
    engine.dispose()


def list_of(title: str | None, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    for row in [*([[title]] if title else []), LIST_HEADER, *rows]:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def draw_file(store_key):
    """Draw one checked file as Tải lên danh sách does, under the given key of its reports."""
    import streamlit as st

    from pages import _import_file

    _import_file.render(st.session_state["import_reports"], store_key)


def file_on_page(engine, user_id: int, data: bytes, *, actor=None, **options) -> AppTest:
    """Return AppTest drawing one file checked as the page checks an upload (AppTest cannot drive the uploader)."""
    with read_session(engine) as session:
        report = pipeline.check(session, data, file_name="ds.xlsx", settings=replace(Settings(), secret_key=SECRET),
                                actor=actor, **options)
    at = AppTest.from_function(draw_file, args=(("ds", 2024),), default_timeout=30)
    at.session_state["user_id"] = user_id
    at.session_state["import_reports"] = {("ds", 2024): (data, report)}
    return at.run()


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs][:2]


def written(engine) -> list[tuple]:
    with read_session(engine) as session:
        return sorted(session.exec(select(Nomination.source_row, Award.name, Nomination.year, Nomination.received_on,
                                          Nomination.unit_id).join(Award, Award.id == Nomination.award_id)).all())


def test_a_generic_award_is_asked_once_for_all_its_rows_and_imported_as_answered(both_env):
    users, engine = both_env
    rows = [[i, f"Nguyễn Văn Người{i:02d}", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "Bằng khen"]
            for i in range(1, 31)]
    at = file_on_page(engine, users["van_phong"], list_of("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024", rows))
    assert not at.exception
    assert tab_labels(at) == ["Lỗi (30)", "Cảnh báo (0)"]
    ask = at.selectbox(key="award_map_ds_2024_bang_khen")
    assert (ask.label, ask.value, ask.options) == ("“Bằng khen” (30 dòng) là", None,
                                                   [PROVINCIAL, MINISTRY, "Bằng khen của Thủ tướng Chính phủ"])
    assert at.button(key="commit_ds_2024").disabled
    ask.select(MINISTRY).run()
    assert not at.exception
    assert tab_labels(at) == ["Lỗi (0)", "Cảnh báo (0)"]
    assert at.selectbox(key="award_map_ds_2024_bang_khen").value == MINISTRY
    at.button(key="commit_ds_2024").click().run()
    assert not at.exception
    assert {(award, year) for _, award, year, _, _ in written(engine)} == {(MINISTRY, 2024)}
    assert len(written(engine)) == 30


def test_the_likely_award_of_the_title_is_preselected_and_applied(app_env, app_engine):
    rows = [[1, "Hoàng Văn Đức", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "Bằng khen"]]
    at = file_on_page(app_engine, app_env["users"]["van_phong"],
                      list_of("DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND TỈNH TẶNG BẰNG KHEN NĂM 2024", rows))
    assert not at.exception
    assert at.selectbox(key="award_map_ds_2024_bang_khen").value == PROVINCIAL
    assert tab_labels(at) == ["Lỗi (0)", "Cảnh báo (0)"]
    report = at.session_state["import_reports"][("ds", 2024)][1]
    assert [r.award for r in report.records] == [PROVINCIAL]


def test_a_unit_account_sees_other_units_rows_before_the_commit_and_drops_them_in_one_click(both_env):
    users, engine = both_env
    with read_session(engine) as session:
        unit_user = permissions.Actor.of(session.get(User, users["don_vi"]))
    data = list_of("DANH SÁCH NĂM 2024", [
        [1, "Hoàng Văn Nam", "Nam", 1980, "Trưởng phòng", "Phòng Quản lý Công nghiệp", "CSTĐCS"],
        [2, "Lương Thị Hoa", "Nữ", 1990, "Chuyên viên", "Thanh tra Sở", "LĐTT"],
        [3, "Vi Văn Tùng", "Nam", 1985, "Chuyên viên", "Văn phòng Sở", "LĐTT"]])
    at = file_on_page(engine, users["don_vi"], data, actor=unit_user)
    assert not at.exception
    assert tab_labels(at) == ["Lỗi (2)", "Cảnh báo (0)"]
    assert [e.value for e in at.error] == [
        "2 dòng không thuộc “Phòng Quản lý Công nghiệp”: tài khoản đơn vị chỉ nhập được đề nghị của đơn vị mình. Bỏ "
        "các dòng này, hoặc nhờ Văn phòng Sở nhập danh sách."]
    assert at.button(key="commit_ds_2024").disabled  # refused before the click, not after it
    at.button(key="drop_other_ds_2024").click().run()
    assert not at.exception
    assert (tab_labels(at), at.error.len) == (["Lỗi (0)", "Cảnh báo (0)"], 0)
    assert at.button(key="commit_ds_2024").label == "Nhập 1 đề nghị"
    at.button(key="commit_ds_2024").click().run()
    assert not at.exception
    assert [(row, unit) for row, _, _, _, unit in written(engine)] == [(3, unit_user.unit_id)]


def test_a_deleted_row_year_and_received_date_chosen_on_the_page_are_what_is_imported(both_env):
    users, engine = both_env
    data = list_of("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", [  # no year in the title: the sidebar's, with a warning
        [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
        [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "Huy chương Olympic"],
        [3, "Hoàng Văn Đức", "Nam", 1990, "Thanh tra viên", "Thanh tra Sở", "LĐTT"]])
    at = file_on_page(engine, users["van_phong"], data, default_year=2024)
    assert tab_labels(at) == ["Lỗi (1)", "Cảnh báo (1)"]
    assert at.selectbox(key="year_ds_2024").value == 2024
    at.session_state["editor_ds_2024_0"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [1]}
    at.run()  # the bad row deleted in the grid
    assert not at.exception
    assert tab_labels(at) == ["Lỗi (0)", "Cảnh báo (1)"]
    at.selectbox(key="year_ds_2024").select(2023).run()
    assert tab_labels(at) == ["Lỗi (0)", "Cảnh báo (0)"]  # a year chosen for the file: nothing left to warn of
    at.date_input(key="received_ds_2024").set_value(date(2024, 1, 15)).run()
    assert at.button(key="commit_ds_2024").label == "Nhập 2 đề nghị"
    at.button(key="commit_ds_2024").click().run()
    assert not at.exception
    assert [(row, year, day) for row, _, year, day, _ in written(engine)] == [(3, 2023, date(2024, 1, 15)),
                                                                           (5, 2023, date(2024, 1, 15))]


def test_the_error_workbook_is_built_only_when_its_button_is_clicked(app_env, app_engine, monkeypatch):
    built = []
    monkeypatch.setattr(template, "error_workbook", lambda *a, **k: built.append(1) or b"")
    rows = [[1, "Trần Văn Bình", None, None, None, "Văn phòng Sở", "Huy chương Olympic"]]
    at = file_on_page(app_engine, app_env["users"]["van_phong"], list_of("DANH SÁCH NĂM 2024", rows))
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Tải tệp báo lỗi (.xlsx)"]
    at.run()
    assert built == []  # two runs of the page, no workbook: it is made on the click (15.6 s at 100k rows)
