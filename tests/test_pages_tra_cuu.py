"""Tra cứu cá nhân, tập thể under AppTest: accent-insensitive search, history, next awards, hand entry by role."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tdkt.awards import personal_records
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Assessment, Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import COMMAND_LINE
from tests.test_pages import ROLES, signed_in, titles

PAGE = "pages/tra_cuu.py"


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


@pytest.fixture
def an(app_engine) -> int:
    """Nguyễn Văn An of Phòng Quản lý Công nghiệp (the unit account's unit), LĐTT decided for 2023."""
    with write_session(app_engine) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.name == "Phòng Quản lý Công nghiệp")).one()
        person = Person(full_name="Nguyễn Văn An", name_key="nguyen van an", birth_year=1980, unit_id=unit_id)
        session.add(person)
        session.flush()
        ldtt = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        session.add(Nomination(year=2023, target="ca_nhan", person_id=person.id, unit_id=unit_id, award_id=ldtt,
                               status=NominationStatus.CO_QUYET_DINH.value, decision_number="5/QĐ-SCT"))
        personal_records.set_rating(session, COMMAND_LINE, personal_records.Subject.person(person), year=2024,
                                    rating="HTTNV")
        return person.id


def search(at, text: str):
    at.text_input(key="tra_cuu_text").input(text).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("role", ROLES)
def test_every_role_finds_a_person_without_typing_accents(app_env, an, role):
    at = search(signed_in(app_env, role, PAGE), "nguyen van an")
    assert titles(at) == ["Tra cứu cá nhân, tập thể"]
    assert at.header[0].value == "Nguyễn Văn An"
    history = at.dataframe[0].value
    assert list(zip(history["Năm"], history["Danh hiệu/Hình thức"], history["Tình trạng"], strict=True)) == [
        ("2023", "Lao động tiên tiến", "Có quyết định")]
    lines = [m.value for m in at.markdown]
    assert ":material/check_circle: **Lao động tiên tiến** — :green[Đủ điều kiện]" in lines
    assert ":material/pending: **Chiến sĩ thi đua cơ sở** — :orange[Chưa đủ điều kiện]" in lines
    assert any("Điều 23" in c.value and "hoàn thành xuất sắc" in c.value.lower() for c in at.caption)
    can_write = role in ("van_phong", "don_vi")  # the unit account's own unit
    saves = {"luu_xep_loai", "luu_ky_luat", "luu_khen_truoc", "luu_sang_kien"}
    assert saves <= {b.key for b in at.button} if can_write else not at.get("form")


def test_nothing_found_says_so(app_env, an):
    at = search(signed_in(app_env, "lanh_dao", PAGE), "khong co ai")
    assert any("Không tìm thấy" in w.value for w in at.warning)


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_records_a_rating_by_hand(app_env, app_engine, an):
    at = search(signed_in(app_env, "van_phong", PAGE), "NGUYEN VAN AN")
    form = at.get("form")
    assert form
    at.selectbox[1].select_index(0).run()  # Hoàn thành xuất sắc nhiệm vụ, for the selected year
    at.number_input[0].set_value(2023)
    at.button(key="luu_xep_loai").click().run()
    assert not at.exception
    assert "Đã lưu xếp loại năm 2023: Hoàn thành xuất sắc nhiệm vụ." in [s.value for s in at.success]
    with read_session(app_engine) as session:
        assert sorted((a.year, a.rating) for a in session.exec(select(Assessment)).all()) == [
            (2023, "HTXSNV"), (2024, "HTTNV")]


def test_the_years_initiative_register_lists_what_was_recognised(app_env, app_engine, an):
    with write_session(app_engine) as session:
        personal_records.add_initiative(session, COMMAND_LINE, year=2024, title="Số hóa hồ sơ thi đua", scope="tinh",
                               author_ids=[an])
    at = signed_in(app_env, "lanh_dao", PAGE)
    assert not at.exception
    assert at.expander[0].label == "Sổ sáng kiến được công nhận năm 2024 (1)"
    assert list(at.dataframe[0].value["Sáng kiến"]) == ["Số hóa hồ sơ thi đua"]
