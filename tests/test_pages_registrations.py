"""Đăng ký thi đua under AppTest: every role opens it (a unit its own rows, the Office every unit's with a filter,
the leadership and the admin read only); a unit adds and deletes its registrations, the Office imports a sheet, the
statistics and the downloads are there (the writes on both engines)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlmodel import select

from tdkt.core import read_cache
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Unit, User
from tdkt.core.permissions import Actor
from tdkt.core.registration_tables import Registration
from tdkt.registrations import registration_page, registration_stats, registrations
from tests.test_pages import REFUSAL, ROLES, signed_in
from tests.test_pages_council import statements_during

PAGE = "pages/dang_ky.py"
YEAR = date.today().year  # offered by the year selector, and no plan: no deadline
UNIT = "Phòng Quản lý Công nghiệp"  # the seeded unit account's
OTHER = "Văn phòng Sở"
WRITE_KEYS = {"dk_add", "dk_delete", "dk_import"}


def opened(app_env, role: str):
    at = signed_in(app_env, role)
    at.selectbox(key="year").set_value(YEAR)  # the widget, not session_state: later runs send the widget's value
    at.switch_page(PAGE)
    return at.run()


def again(at):
    """Run once more on YEAR: under AppTest the page runs without app.py's year selector, so Streamlit drops the
    "year" key after a run that drew no widget of that key; a browser keeps it (the selector is always drawn)."""
    at.session_state["year"] = YEAR
    return at.run()


def tab(at, label: str):
    """Open the tab `label` as a click on it does (the tabs are lazy: only the open one runs)."""
    at.session_state["dang_ky_tab"] = label
    return again(at)


def seed(url: str) -> None:
    """One registration of each unit, made by the Office."""
    engine = make_engine(url)
    with write_session(engine) as session:
        office = Actor.of(session.exec(select(User).where(User.role == "van_phong")).one())
        for unit, name in ((UNIT, "Nguyễn Văn An"), (OTHER, "Trần Thị Hoa")):
            registrations.add(session, office, registrations.RegistrationInput(
                year=YEAR, target="ca_nhan", name=name, award="Lao động tiên tiến", unit=unit), today=date.today())
    engine.dispose()


def stored(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.exec(select(Unit.name, Registration.name).join(Unit, Registration.unit_id == Unit.id)).all()
    engine.dispose()
    return sorted(rows)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_the_page_and_sees_what_it_may(app_env, role):
    seed(app_env["url"])
    at = opened(app_env, role)
    assert not at.exception
    assert [t.value for t in at.title] == [f"Đăng ký thi đua năm {YEAR}"]
    assert REFUSAL not in [e.value for e in at.error]
    names = sorted(at.dataframe[0].value["Họ và tên / Tên tập thể"])
    keys = {b.key for b in at.button}
    if role == "don_vi":
        assert names == ["Nguyễn Văn An"]
        assert "dk_unit" not in [s.key for s in at.selectbox]
        assert {"dk_add", "dk_delete"} <= keys
    else:
        assert names == ["Nguyễn Văn An", "Trần Thị Hoa"]
        assert at.selectbox(key="dk_unit").value is None  # all units
        assert ({"dk_add", "dk_delete"} <= keys) == (role == "van_phong")
        if role != "van_phong":
            assert not keys & WRITE_KEYS
    assert not at.metric and not at.get("plotly_chart")  # Thống kê waits for its click
    tab(at, "Thống kê")
    assert not at.exception and not [d for d in at.dataframe if "Họ và tên / Tên tập thể" in d.value.columns]
    assert [m.label for m in at.metric] == ["Đăng ký", "Đã đề nghị", "Có quyết định"]
    assert [m.value for m in at.metric][0] == ("1" if role == "don_vi" else "2")
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.both_engines
def test_a_unit_adds_and_deletes_its_own_registration_on_the_page(app_env):
    at = opened(app_env, "don_vi")
    at.selectbox(key="dk_award_ca_nhan").set_value("Chiến sĩ thi đua cơ sở")
    at.text_input(key="dk_name").input("Lê Thị Bình")
    at.text_input(key="dk_position").input("Chuyên viên")
    at.button(key="dk_add").click()
    again(at)
    assert not at.exception and not at.error
    assert stored(app_env["url"]) == [(UNIT, "Lê Thị Bình")]
    assert [s.value for s in at.success] == ["Đã đăng ký “Chiến sĩ thi đua cơ sở” cho Lê Thị Bình."]
    at.button(key="dk_add").click()
    again(at)  # the same again: refused, nothing written
    assert [e.value for e in at.error] == [
        f"Lê Thị Bình đã đăng ký “Chiến sĩ thi đua cơ sở” năm {YEAR} (ngày {date.today():%d/%m/%Y}): không đăng ký "
        "trùng."]
    assert stored(app_env["url"]) == [(UNIT, "Lê Thị Bình")]
    at.multiselect(key="dk_delete_pick").set_value([_only_id(app_env["url"])])
    again(at)
    at.button(key="dk_delete").click()
    again(at)
    assert not at.exception and stored(app_env["url"]) == []


def _only_id(url: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.exec(select(Registration.id)).one()
    engine.dispose()
    return found


@pytest.mark.both_engines
def test_the_office_imports_a_sheet_for_several_units(app_env):
    wb = Workbook()
    for row in (["Họ và tên", "Chức vụ", "Danh hiệu đăng ký", "Đơn vị"],
                ["Nguyễn Văn An", "Chuyên viên", "LĐTT", UNIT], ["Trần Thị Hoa", None, "CSTĐCS", OTHER]):
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    at = tab(opened(app_env, "van_phong"), "Tải lên bảng đăng ký")
    at.file_uploader(key="dk_upload").set_value(("dang_ky.xlsx", buffer.getvalue(), "application/octet-stream"))
    again(at)
    assert [m.value for m in at.success] == ["Tệp “dang_ky.xlsx” hợp lệ: 2 đăng ký."]
    at.button(key="dk_import").click()
    again(at)
    assert not at.exception and not [e.value for e in at.error]
    assert stored(app_env["url"]) == [(UNIT, "Nguyễn Văn An"), (OTHER, "Trần Thị Hoa")]
    tab(at, "Danh sách đăng ký")
    assert sorted(at.dataframe[0].value["Họ và tên / Tên tập thể"]) == ["Nguyễn Văn An", "Trần Thị Hoa"]
    at.text_input(key="dk_search").input("hoa")
    again(at)
    tab(at, "Thống kê")  # the search is the list's: it holds across a visit to another tab
    tab(at, "Danh sách đăng ký")
    assert at.text_input(key="dk_search").value == "hoa"
    assert list(at.dataframe[0].value["Họ và tên / Tên tập thể"]) == ["Trần Thị Hoa"]
    at.text_input(key="dk_search").input("")
    at.selectbox(key="dk_unit").set_value(_unit_id(app_env["url"], OTHER))
    again(at)
    assert list(at.dataframe[0].value["Họ và tên / Tên tập thể"]) == ["Trần Thị Hoa"]
    assert "dk_prefill" in [b.key for b in at.get("download_button")]


def _unit_id(url: str, name: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.exec(select(Unit.id).where(Unit.name == name)).one()
    engine.dispose()
    return found


@pytest.mark.parametrize("role", ["van_phong", "don_vi"])
def test_a_repeat_run_reads_the_data_version_not_the_registrations_nor_builds_a_file(app_env, role):
    seed(app_env["url"])
    at = opened(app_env, role)
    statements = statements_during(lambda: again(at))
    assert not at.exception and len(at.dataframe[0].value) == (1 if role == "don_vi" else 2)
    assert "data_version" in " ".join(statements)
    assert [s for s in statements if "registration" in s or "nomination" in s or "plan_task" in s] == []
    downloads = at.get("download_button")
    assert downloads and all(b.proto.deferred_file_id and not b.proto.url for b in downloads)  # built on click


def test_the_registration_view_holds_what_listing_and_progress_read_for_each_account(app_env):
    seed(app_env["url"])
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        users = {u.role: Actor.of(u) for u in session.exec(select(User)).all()}
        for actor, unit_id in ((users["van_phong"], None), (users["van_phong"], _unit_id(app_env["url"], OTHER)),
                               (users["don_vi"], users["don_vi"].unit_id)):
            unit = actor.role == "don_vi"
            view = read_cache.cached(session, registration_page.registration_page, year=YEAR, unit_id=unit_id,
                                     unit_account=unit, own_unit=actor.unit_id if unit else None)
            progress = registration_stats.progress(session, year=YEAR, actor=actor, unit_id=unit_id)
            pd.testing.assert_frame_equal(view.rows, progress)
            assert view.units == registrations.unit_choices(session, actor) and view.deadline is None
            assert view.totals == registration_stats.totals(progress)
            pd.testing.assert_frame_equal(view.summaries["unit"], registration_stats.summary(progress, by="unit"))
            for text in (None, "nguyen van", "hoa", "không có ai"):
                found = registration_page.matching(view.rows, text)[registrations.COLUMNS]
                expected = registrations.listing(session, year=YEAR, actor=actor, unit_id=unit_id, text=text)
                assert found.to_dict("records") == expected.to_dict("records")  # an empty one: no dtype to agree
    engine.dispose()


def test_the_search_skips_a_missing_value_as_pandas_holds_it():
    # The demo's collectives have no position: NaN in `listing`'s frame, where fold() raised (Đăng ký's search broke).
    rows = pd.DataFrame({"name": ["Văn phòng Sở", "Nguyễn Văn An"], "position": [float("nan"), "Chuyên viên"],
                         "unit": ["Văn phòng Sở", "Thanh tra Sở"], "award": ["Tập thể lao động tiên tiến", "LĐTT"],
                         "note": [None, None]})
    assert list(registration_page.matching(rows, "nguyen").name) == ["Nguyễn Văn An"]
    assert list(registration_page.matching(rows, "van phong").name) == ["Văn phòng Sở"]
