"""Đăng ký thi đua on both engines: a unit registers its own people and collectives only, the Office any; titles the
target may not receive, duplicates and late unit registrations are refused with nothing written; the list, its search
and scope; registered → proposed → decided per title and unit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import PermissionDenied
from tdkt.core.registration_tables import Registration
from tdkt.core.text import fold
from tdkt.registrations import registration_stats, registrations
from tdkt.registrations.registrations import RegistrationError, RegistrationInput

YEAR = 2025  # no plan: no deadline
TODAY = date(2025, 2, 10)
OTHER = "Văn phòng Sở"


def own_unit(engine, actors) -> str:
    with read_session(engine) as session:
        return session.get(Unit, actors["don_vi"].unit_id).name


def counts(engine) -> tuple[int, int]:
    with read_session(engine) as session:
        return (session.exec(select(func.count()).select_from(Registration)).one(),
                session.exec(select(func.count()).select_from(AuditLog)).one())


def rows(frame, columns: list[str]) -> list[list]:
    """The frame's cells as lists, a missing cell None (pandas holds it as NaN)."""
    return [[None if isinstance(v, float) and v != v else v for v in row] for row in frame[columns].values.tolist()]


def add(engine, actor, **fields):
    data = RegistrationInput(**{"year": YEAR, "target": "ca_nhan", "award": "Lao động tiên tiến", **fields})
    with write_session(engine) as session:
        row = registrations.add(session, actor, data, today=TODAY)
        return row.id


def test_a_unit_registers_its_own_person_and_the_unit_itself(engine, actors):
    unit = own_unit(engine, actors)
    add(engine, actors["don_vi"], name="Nguyễn Văn An", position="Chuyên viên")
    add(engine, actors["don_vi"], target="tap_the", award="Tập thể lao động tiên tiến")
    with read_session(engine) as session:
        frame = registrations.listing(session, year=YEAR, actor=actors["don_vi"])
        entry = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert rows(frame, ["unit", "target", "name", "position", "award", "registered_on"]) == [
        [unit, "tap_the", unit, None, "Tập thể lao động tiên tiến", TODAY],
        [unit, "ca_nhan", "Nguyễn Văn An", "Chuyên viên", "Lao động tiên tiến", TODAY]]
    assert (entry.action, entry.entity) == ("dang_ky_thi_dua", "dang_ky")


def test_a_unit_account_is_refused_another_units_registration_and_nothing_is_written(engine, actors):
    before = counts(engine)
    with pytest.raises(PermissionDenied, match="chính đơn vị mình"):
        add(engine, actors["don_vi"], name="Trần Văn Cường", unit=OTHER)
    office = add(engine, actors["van_phong"], name="Trần Văn Cường", unit=OTHER)
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with pytest.raises(PermissionDenied, match="chính đơn vị mình"):
        with write_session(engine) as session:
            registrations.delete(session, actors["don_vi"], registration_id=office, today=TODAY)
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with read_session(engine) as session:  # and does not see it
        assert registrations.listing(session, year=YEAR, actor=actors["don_vi"]).empty
        assert registrations.listing(session, year=YEAR, actor=actors["lanh_dao"]).name.tolist() == ["Trần Văn Cường"]
    with write_session(engine) as session:
        registrations.delete(session, actors["van_phong"], registration_id=office, today=TODAY)
    assert counts(engine) == (before[0], before[1] + 2)


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri"])
def test_leadership_and_the_admin_only_read(engine, actors, role):
    with pytest.raises(PermissionDenied):
        add(engine, actors[role], name="Nguyễn Văn An", unit=OTHER)


def test_a_duplicate_is_refused_in_vietnamese_whatever_the_accents(engine, actors):
    add(engine, actors["don_vi"], name="Nguyễn Văn An")
    before = counts(engine)
    with pytest.raises(RegistrationError, match="Nguyen Van An đã đăng ký “Lao động tiên tiến” năm 2025 "
                                                r"\(ngày 10/02/2025\): không đăng ký trùng."):
        add(engine, actors["van_phong"], name="Nguyen Van An", unit=own_unit(engine, actors))
    assert counts(engine) == before
    add(engine, actors["don_vi"], name="Nguyễn Văn An", award="Chiến sĩ thi đua cơ sở")  # another title is fine


def test_a_title_the_target_may_not_receive_is_refused(engine, actors):
    with pytest.raises(RegistrationError, match="chỉ xét tặng cho tập thể, không cho cá nhân"):
        add(engine, actors["don_vi"], name="Nguyễn Văn An", award="Tập thể lao động xuất sắc")
    with pytest.raises(RegistrationError, match="Không nhận ra danh hiệu “Lao động siêu việt”"):
        add(engine, actors["don_vi"], name="Nguyễn Văn An", award="Lao động siêu việt")
    with read_session(engine) as session:
        people = registrations.allowed_awards(session, target="ca_nhan")
        groups = registrations.allowed_awards(session, target="tap_the")
    assert "Lao động tiên tiến" in people and "Tập thể lao động tiên tiến" not in people
    assert "Tập thể lao động tiên tiến" in groups and "Chiến sĩ thi đua cơ sở" not in groups


def test_an_existing_person_of_the_unit_is_linked_and_one_of_another_unit_refused(engine, actors):
    with write_session(engine) as session:
        unit_id = actors["don_vi"].unit_id
        other = session.exec(select(Unit).where(Unit.name == OTHER)).one()
        mine = Person(full_name="Lê Thị Bình", name_key="le thi binh", unit_id=unit_id, position="Phó trưởng phòng")
        theirs = Person(full_name="Đỗ Thị Dung", name_key="do thi dung", unit_id=other.id)
        session.add_all([mine, theirs])
        session.flush()
        mine_id, theirs_id = mine.id, theirs.id
    with pytest.raises(RegistrationError, match="không thuộc đơn vị đăng ký"):
        add(engine, actors["don_vi"], person_id=theirs_id)
    add(engine, actors["don_vi"], person_id=mine_id)
    add(engine, actors["don_vi"], name="Le Thi Binh", award="Chiến sĩ thi đua cơ sở")  # found by name
    with read_session(engine) as session:
        frame = registrations.listing(session, year=YEAR, actor=actors["don_vi"])
        choices = registrations.people_of_unit(session, actors["don_vi"], unit_id=other.id)
    assert sorted(rows(frame, ["person_id", "name", "position"])) == [
        [mine_id, "Le Thi Binh", "Phó trưởng phòng"], [mine_id, "Lê Thị Bình", "Phó trưởng phòng"]]
    assert choices == {}  # a unit account is offered its own people only


def test_a_unit_is_refused_after_the_plans_deadline_and_the_office_is_not(engine, actors):
    with read_session(engine) as session:
        due = registrations.deadline_of(session, year=2024)
        assert registrations.deadline_of(session, year=YEAR) is None
    assert due == date(2024, 3, 31)  # the plan's task Q1.2
    data = RegistrationInput(year=2024, target="ca_nhan", name="Nguyễn Văn An", award="Lao động tiên tiến")
    before = counts(engine)
    with pytest.raises(RegistrationError, match=r"Đã quá hạn đăng ký thi đua năm 2024 \(hạn 31/03/2024\)"):
        with write_session(engine) as session:
            registrations.add(session, actors["don_vi"], data, today=date(2024, 4, 1))
    assert counts(engine) == before
    with write_session(engine) as session:
        registrations.add(session, actors["don_vi"], data, today=date(2024, 3, 31))  # on the day is on time
        data.unit = own_unit(engine, actors)
        data.award = "Chiến sĩ thi đua cơ sở"
        registrations.add(session, actors["van_phong"], data, today=date(2024, 4, 1))


def test_the_list_searches_without_accents_and_narrows_to_a_unit(engine, actors):
    unit = own_unit(engine, actors)
    add(engine, actors["van_phong"], name="Nguyễn Văn An", unit=unit)
    add(engine, actors["van_phong"], name="Trần Thị Hoa", unit=OTHER, position="Kế toán")
    with read_session(engine) as session:
        found = registrations.listing(session, year=YEAR, actor=actors["van_phong"], text="ke TOAN")
        narrowed = registrations.listing(session, year=YEAR, actor=actors["van_phong"],
                                         unit_id=actors["don_vi"].unit_id)
    assert found.name.tolist() == ["Trần Thị Hoa"]
    assert narrowed.name.tolist() == ["Nguyễn Văn An"]


def _nomination(session, *, unit_id: int, award: str, name: str, status: str, target: str = "ca_nhan") -> None:
    award_id = session.exec(select(Award.id).where(Award.name == award)).one()
    person_id = None
    if target == "ca_nhan":
        person = Person(full_name=name, name_key=fold(name), unit_id=unit_id)
        session.add(person)
        session.flush()
        person_id = person.id
    session.add(Nomination(year=YEAR, target=target, person_id=person_id, unit_id=unit_id, award_id=award_id,
                           collective_name=name if target != "ca_nhan" else None, status=status))


def test_statistics_count_registered_proposed_and_decided_per_title_and_unit(engine, actors):
    unit = own_unit(engine, actors)
    for name in ("Nguyễn Văn An", "Lê Thị Bình", "Phạm Văn Cường"):
        add(engine, actors["van_phong"], name=name, unit=unit)
    add(engine, actors["van_phong"], name="Nguyễn Văn An", unit=unit, award="Chiến sĩ thi đua cơ sở")
    add(engine, actors["van_phong"], name="Trần Thị Hoa", unit=OTHER)
    add(engine, actors["van_phong"], target="tap_the", unit=OTHER, award="Tập thể lao động tiên tiến")
    with write_session(engine) as session:
        mine = actors["don_vi"].unit_id
        other = session.exec(select(Unit.id).where(Unit.name == OTHER)).one()
        _nomination(session, unit_id=mine, award="Lao động tiên tiến", name="Nguyen Van An",
                    status=NominationStatus.CO_QUYET_DINH)
        _nomination(session, unit_id=mine, award="Lao động tiên tiến", name="Lê Thị Bình",
                    status=NominationStatus.DE_NGHI)
        _nomination(session, unit_id=other, award="Lao động tiên tiến", name="Phạm Văn Cường",  # another unit's
                    status=NominationStatus.CO_QUYET_DINH)
        _nomination(session, unit_id=mine, award="Chiến sĩ thi đua cơ sở", name="Lê Thị Bình",  # not registered
                    status=NominationStatus.CO_QUYET_DINH)
        _nomination(session, unit_id=other, award="Tập thể lao động tiên tiến", name=OTHER, target="tap_the",
                    status=NominationStatus.CO_QUYET_DINH)
    with read_session(engine) as session:
        frame = registration_stats.progress(session, year=YEAR, actor=actors["lanh_dao"])
        own = registration_stats.progress(session, year=YEAR, actor=actors["don_vi"])
    by_award = registration_stats.summary(frame, by="award")
    by_unit = registration_stats.summary(frame, by="unit")
    assert by_award[["award", "registered", "proposed", "decided"]].values.tolist() == [
        ["Lao động tiên tiến", 4, 2, 1], ["Chiến sĩ thi đua cơ sở", 1, 0, 0], ["Tập thể lao động tiên tiến", 1, 1, 1]]
    assert sorted(by_unit[["unit", "registered", "proposed", "decided"]].values.tolist()) == sorted([
        [unit, 4, 2, 1], [OTHER, 2, 1, 1]])
    assert registration_stats.totals(frame) == {"registered": 6, "proposed": 3, "decided": 2}
    assert registration_stats.totals(own) == {"registered": 4, "proposed": 2, "decided": 1}
