"""Hand-entered nominations: same validation as lists, permissions, edits while still at Đề nghị."""

import dataclasses

import pytest
from sqlmodel import Session, select

from tdkt.awards import nominations
from tdkt.core.db import write_session
from tdkt.core.models import Nomination, NominationStatus, Role, Unit
from tdkt.core.permissions import PermissionDenied

MINH = nominations.NominationInput(year=2024, target="ca_nhan", name="Nguyễn Thị Minh", award="LĐTT", gender="Nữ",
                                   birth_year=1987, position="Chuyên viên", unit="Văn phòng Sở")


def test_office_adds_a_nomination_by_hand(engine, actors):
    with write_session(engine) as session:
        added, warnings = nominations.add(session, actors[Role.VAN_PHONG], MINH)
    with Session(engine) as session:
        frame = nominations.listing(session, year=2024)
    assert warnings == []
    assert frame[["name", "award", "unit", "status_label"]].values.tolist() == [
        ["Nguyễn Thị Minh", "Lao động tiên tiến", "Văn phòng Sở", "Đề nghị"]]


def test_hand_entry_gets_the_list_checks(engine, actors):
    bad = nominations.NominationInput(year=2024, target="tap_the", name="Phòng Quản lý Công nghiệp", award="LĐTT")
    with write_session(engine) as session, pytest.raises(nominations.NominationError) as caught:
        nominations.add(session, actors[Role.VAN_PHONG], bad)
    assert "chỉ xét tặng cho cá nhân" in caught.value.problems[0]
    with write_session(engine) as session:
        nominations.add(session, actors[Role.VAN_PHONG], MINH)
    with write_session(engine) as session, pytest.raises(nominations.NominationError, match="đã được đề nghị"):
        nominations.add(session, actors[Role.VAN_PHONG], MINH)


def test_unit_user_adds_only_for_its_unit_and_sees_only_its_unit(engine, actors):
    unit_actor = actors[Role.DON_VI]
    with write_session(engine) as session:
        with pytest.raises(PermissionDenied):
            nominations.add(session, unit_actor, MINH)
        own = session.get(Unit, unit_actor.unit_id).name
        nominations.add(session, unit_actor, nominations.NominationInput(
            year=2024, target="ca_nhan", name="Hà Văn Dũng", award="CSTĐCS", gender="Nam", birth_year=1980, unit=own))
        nominations.add(session, actors[Role.VAN_PHONG], MINH)
    with Session(engine) as session:
        assert list(nominations.listing(session, year=2024, actor=unit_actor).name) == ["Hà Văn Dũng"]
        assert list(nominations.listing(session, year=2024).name) == ["Hà Văn Dũng", "Nguyễn Thị Minh"]


def test_edit_changes_the_award_until_the_nomination_moves_on(engine, actors):
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session:
        added, _ = nominations.add(session, office, MINH)
    changed = dataclasses.replace(MINH, award="Chiến sĩ thi đua cơ sở")
    with write_session(engine) as session:
        nominations.edit(session, office, nomination_id=added.id, data=changed)
    with write_session(engine) as session:
        row = session.get(Nomination, added.id)
        row.status = NominationStatus.HOI_DONG
    with write_session(engine) as session, pytest.raises(nominations.NominationError, match="Hội đồng đã xét"):
        nominations.edit(session, office, nomination_id=added.id, data=MINH)
    with Session(engine) as session:
        assert nominations.listing(session, year=2024).award.tolist() == ["Chiến sĩ thi đua cơ sở"]
        assert session.exec(select(Nomination)).one().person_id is not None
