"""A unit account's scope is read from the rows it touches, in the writing transaction: people, nominations, records,
initiatives' co-authors and import batches of another unit are refused, whatever unit the caller claims; every
picker it is offered lists its own unit's people and unit only (filtered in SQL)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, update
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.awards import nominations, personal_records
from tdkt.core import auth, units
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import (
    Assessment,
    AuditLog,
    Award,
    DisciplineRecord,
    ImportBatch,
    InitiativeRecord,
    Nomination,
    PastAward,
    Person,
    Role,
    Unit,
    User,
)
from tdkt.core.permissions import COMMAND_LINE, SYSTEM, PermissionDenied
from tdkt.core.text import fold
from tdkt.importing.batches import UNDONE
from tdkt.importing.nomination_lists import commit
from tdkt.importing.record_lists import record_batches
from tests.conftest import APP

OTHER_UNIT = "Văn phòng Sở"


@dataclass(frozen=True)
class Units:
    """The unit account's unit and another one, with a person of each (and a second of the own unit)."""

    own: int
    other: int
    own_name: str
    other_name: str
    mine: int  # a person of the own unit
    colleague: int  # another person of the own unit
    stranger: int  # a person of the other unit


def add_person(session, name: str, unit_id: int | None, birth_year: int = 1980, batch_id: int | None = None) -> int:
    person = Person(full_name=name, name_key=fold(name), birth_year=birth_year, unit_id=unit_id,
                    batch_id=batch_id)
    session.add(person)
    session.flush()
    return person.id


@pytest.fixture
def world(engine, actors) -> Units:
    with write_session(engine) as session:
        own = session.get(Unit, actors["don_vi"].unit_id)
        other = session.exec(select(Unit).where(Unit.name == OTHER_UNIT)).one()
        assert own.id != other.id
        return Units(own=own.id, other=other.id, own_name=own.name, other_name=other.name,
                     mine=add_person(session, "Nguyễn Văn An", own.id),
                     colleague=add_person(session, "Lê Thị Bình", own.id, 1985),
                     stranger=add_person(session, "Trần Văn Cường", other.id, 1975))


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def ldtt(session) -> int:
    return session.exec(select(Award.id).where(Award.code == "LDTT")).one()


RECORD_WRITES = {
    Assessment: lambda s, a, subject: personal_records.set_rating(s, a, subject, year=2024, rating="HTXSNV"),
    DisciplineRecord: lambda s, a, subject: personal_records.add_discipline(s, a, subject, year=2024,
                                                                            level="khien_trach"),
    PastAward: lambda s, a, subject: personal_records.add_past_award(s, a, subject, year=2023, award_id=ldtt(s)),
}


@pytest.mark.parametrize("model", list(RECORD_WRITES), ids=lambda m: m.__name__)
def test_a_record_for_another_units_person_is_refused_though_the_caller_claims_its_own_unit(engine, actors, world,
                                                                                            model):
    forged = personal_records.Subject("ca_nhan", person_id=world.stranger, unit_id=world.own)
    with pytest.raises(PermissionDenied, match="chỉ ghi được hồ sơ của cá nhân, tập thể thuộc đơn vị mình"), \
            write_session(engine) as session:
        RECORD_WRITES[model](session, actors["don_vi"], forged)
    assert count(engine, model) == 0


@pytest.mark.parametrize("model", list(RECORD_WRITES), ids=lambda m: m.__name__)
def test_a_record_for_its_own_person_is_kept_under_the_persons_unit_whatever_the_caller_said(engine, actors, world,
                                                                                             model):
    claimed = personal_records.Subject("ca_nhan", person_id=world.mine, unit_id=None)
    with write_session(engine) as session:
        RECORD_WRITES[model](session, actors["don_vi"], claimed)
    with read_session(engine) as session:
        assert [(r.person_id, r.unit_id) for r in session.exec(select(model)).all()] == [(world.mine, world.own)]


def test_a_collective_of_another_unit_is_refused(engine, actors, world):
    subject = personal_records.Subject.collective("Tổ Hành chính", world.other)
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        personal_records.set_rating(session, actors["don_vi"], subject, year=2024, rating="HTTNV")
    assert count(engine, Assessment) == 0


def initiative(session, actor, world: Units, *, authors: list[int], unit_id: int | None):
    return personal_records.add_initiative(session, actor, year=2024, title="Số hóa sổ thi đua", scope="co_so",
                                           author_ids=authors, unit_id=unit_id)


def test_an_initiative_with_another_units_co_author_is_refused_and_nothing_is_saved(engine, actors, world):
    audits = count(engine, AuditLog)
    with pytest.raises(PermissionDenied, match="mọi tác giả thuộc đơn vị mình"), write_session(engine) as session:
        initiative(session, actors["don_vi"], world, authors=[world.mine, world.stranger], unit_id=world.own)
    assert (count(engine, InitiativeRecord), count(engine, AuditLog)) == (0, audits)


def test_an_initiative_of_another_unit_is_refused_even_with_its_own_authors(engine, actors, world):
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        initiative(session, actors["don_vi"], world, authors=[world.mine], unit_id=world.other)
    assert count(engine, InitiativeRecord) == 0


def test_an_initiative_of_its_own_unit_and_authors_is_saved(engine, actors, world):
    with write_session(engine) as session:
        initiative(session, actors["don_vi"], world, authors=[world.mine, world.colleague], unit_id=world.own)
    with read_session(engine) as session:
        register = personal_records.initiatives(session, year=2024, actor=actors["don_vi"])
    assert list(zip(register.title, register.authors, strict=True)) == [("Số hóa sổ thi đua",
                                                                        "Nguyễn Văn An, Lê Thị Bình")]


def test_the_office_may_give_an_initiative_a_co_author_of_another_unit(engine, actors, world):
    with write_session(engine) as session:
        initiative(session, actors["van_phong"], world, authors=[world.mine, world.stranger], unit_id=world.own)
    assert count(engine, InitiativeRecord) == 1


def test_deleting_a_record_is_refused_when_its_person_or_an_author_is_of_another_unit(engine, actors, world):
    office, unit = actors["van_phong"], actors["don_vi"]
    with write_session(engine) as session:
        theirs = personal_records.Subject("ca_nhan", person_id=world.stranger)
        rating = personal_records.set_rating(session, office, theirs, year=2024, rating="HTNV").id
        shared = initiative(session, office, world, authors=[world.mine, world.stranger], unit_id=world.own).id
    for kind, record_id in (("xep_loai", rating), ("sang_kien", shared)):
        with pytest.raises(PermissionDenied, match="chỉ xóa được"), write_session(engine) as session:
            personal_records.delete_record(session, unit, kind=kind, record_id=record_id)
    assert (count(engine, Assessment), count(engine, InitiativeRecord)) == (1, 1)


def test_the_profile_of_another_units_person_is_refused_whatever_unit_the_caller_claims(engine, actors, world):
    forged = personal_records.Subject("ca_nhan", person_id=world.stranger, unit_id=world.own)
    with read_session(engine) as session:
        with pytest.raises(PermissionDenied, match="chỉ xem được hồ sơ"):
            personal_records.profile(session, forged, actor=actors["don_vi"])
        mine = personal_records.profile(session, replace(forged, person_id=world.mine, unit_id=None),
                                        actor=actors["don_vi"])
    assert (mine.name, mine.subject.unit_id) == ("Nguyễn Văn An", world.own)


def hand_entry(world: Units, unit: str, name: str = "Nguyễn Văn An", birth_year: int = 1980):
    return nominations.NominationInput(year=2024, target="ca_nhan", name=name, award="Lao động tiên tiến",
                                       birth_year=birth_year, unit=unit)


def test_a_hand_entered_nomination_for_another_unit_is_refused(engine, actors, world):
    with pytest.raises(PermissionDenied, match="chỉ thêm được đề nghị của đơn vị mình"), \
            write_session(engine) as session:
        nominations.add(session, actors["don_vi"], hand_entry(world, world.other_name, "Trần Văn Cường", 1975))
    assert count(engine, Nomination) == 0


def test_editing_a_nomination_is_refused_when_it_or_its_person_is_of_another_unit(engine, actors, world):
    office, unit = actors["van_phong"], actors["don_vi"]
    with write_session(engine) as session:
        theirs, _ = nominations.add(session, office, hand_entry(world, world.other_name, "Trần Văn Cường", 1975))
        mine, _ = nominations.add(session, office, hand_entry(world, world.own_name))
        theirs_id, mine_id = theirs.id, mine.id
    with pytest.raises(PermissionDenied, match="chỉ sửa được"), write_session(engine) as session:
        nominations.edit(session, unit, nomination_id=theirs_id, data=hand_entry(world, world.own_name))
    with pytest.raises(PermissionDenied, match="chỉ sửa được"), write_session(engine) as session:  # moved out
        nominations.edit(session, unit, nomination_id=mine_id, data=hand_entry(world, world.other_name))
    with write_session(engine) as session:  # a nomination of the own unit whose person belongs to another
        session.exec(update(Nomination).where(Nomination.id == theirs_id).values(unit_id=world.own))
    with pytest.raises(PermissionDenied, match="chỉ sửa được"), write_session(engine) as session:
        nominations.edit(session, unit, nomination_id=theirs_id, data=hand_entry(world, world.own_name))
    with read_session(engine) as session:
        assert [(n.id, n.person_id) for n in session.exec(select(Nomination).order_by(Nomination.id)).all()] == [
            (theirs_id, world.stranger), (mine_id, world.mine)]


def other_unit_account(session, world: Units) -> int:
    user, _ = auth.create_user(session, SYSTEM, username="donvi.khac", display_name="Cán bộ Văn phòng",
                               role=Role.DON_VI, unit_id=world.other)
    return user.id


def nomination_batch(session, *, user_id: int, unit_id: int, name: str) -> int:
    """A nomination batch of one person it added, at "Đề nghị" (what commit_batch writes, built by hand)."""
    batch = ImportBatch(file_name="ds.xlsx", sha256=f"{user_id}{unit_id}".ljust(64, "0"), user_id=user_id, rows=1,
                        year=2024, people_added=1)
    session.add(batch)
    session.flush()
    person = add_person(session, name, unit_id, batch_id=batch.id)
    session.add(Nomination(year=2024, target="ca_nhan", person_id=person, unit_id=unit_id, award_id=ldtt(session),
                           batch_id=batch.id))
    return batch.id


def record_batch(session, *, user_id: int, unit_id: int, person_id: int) -> int:
    """A rating batch of one row about a person on record."""
    batch = ImportBatch(file_name="xl.xlsx", sha256=f"r{user_id}{unit_id}".ljust(64, "0"), user_id=user_id, rows=1,
                        year=2024, kind="xep_loai")
    session.add(batch)
    session.flush()
    session.add(Assessment(target="ca_nhan", person_id=person_id, unit_id=unit_id, year=2024, rating="HTTNV",
                           batch_id=batch.id))
    return batch.id


UNDO = {"de_nghi": commit.undo_batch, "xep_loai": record_batches.undo_records}


def batch_of(session, kind: str, *, user_id: int, unit_id: int, world: Units) -> int:
    if kind == "de_nghi":
        return nomination_batch(session, user_id=user_id, unit_id=unit_id, name=f"Người lô {user_id}-{unit_id}")
    person = world.mine if unit_id == world.own else world.stranger
    return record_batch(session, user_id=user_id, unit_id=unit_id, person_id=person)


def status(engine, batch_id: int) -> str:
    with read_session(engine) as session:
        return session.get(ImportBatch, batch_id).status


@pytest.mark.parametrize("kind", list(UNDO))
def test_a_unit_account_undoing_another_units_batch_is_refused(engine, actors, world, kind):
    with write_session(engine) as session:
        batch = batch_of(session, kind, user_id=other_unit_account(session, world), unit_id=world.other, world=world)
    with pytest.raises(PermissionDenied, match="chỉ hoàn tác được lô do chính mình nhập"), \
            write_session(engine) as session:
        UNDO[kind](session, actors["don_vi"], batch_id=batch)
    assert status(engine, batch) == "da_nhap"


@pytest.mark.parametrize("kind", list(UNDO))
def test_a_batch_it_imported_whose_rows_are_of_another_unit_is_refused(engine, actors, world, kind):
    """The account imported the batch for the unit it belonged to then; it has moved since: the rows decide."""
    unit = actors["don_vi"]
    with write_session(engine) as session:
        batch = batch_of(session, kind, user_id=unit.id, unit_id=world.other, world=world)
    with pytest.raises(PermissionDenied, match=f"Lô số {batch} có dòng thuộc đơn vị khác"), \
            write_session(engine) as session:
        UNDO[kind](session, unit, batch_id=batch)
    assert status(engine, batch) == "da_nhap"


@pytest.mark.parametrize("kind", list(UNDO))
def test_a_unit_account_undoes_its_own_units_batch(engine, actors, world, kind):
    unit = actors["don_vi"]
    with write_session(engine) as session:
        batch = batch_of(session, kind, user_id=unit.id, unit_id=world.own, world=world)
    with write_session(engine) as session:
        assert UNDO[kind](session, unit, batch_id=batch) == 1
    assert status(engine, batch) == UNDONE


def test_the_co_author_picker_of_a_unit_account_lists_its_own_units_people_only(engine, actors, world):
    with read_session(engine) as session:
        unit = [pid for pid, _ in personal_records.person_choices(session, actor=actors["don_vi"])]
        office = [pid for pid, _ in personal_records.person_choices(session, actor=actors["van_phong"])]
    assert (unit, office) == ([world.mine, world.colleague], [world.mine, world.colleague, world.stranger])


def test_search_finds_a_unit_accounts_own_person_behind_many_of_other_units(engine, actors, world):
    """Filtered in SQL: 250 namesakes of another unit no longer crowd the own unit's one out of the first 200."""
    with write_session(engine) as session:
        for i in range(250):
            add_person(session, f"Nguyễn Văn An {i:03d}", world.other, 1990)
        late = add_person(session, "Nguyễn Văn Anh", world.own, 1995)
    with read_session(engine) as session:
        found = personal_records.search(session, text="nguyen van an", actor=actors["don_vi"])
        office = personal_records.search(session, text="nguyen van an", actor=actors["van_phong"])
    assert list(zip(found.person_id, found.unit_id, strict=True)) == [(world.mine, world.own), (late, world.own)]
    assert len(office) == 50


def test_unit_and_initiative_pickers_of_a_unit_account_hold_its_own_unit_only(engine, actors, world):
    with write_session(engine) as session:
        initiative(session, COMMAND_LINE, world, authors=[world.stranger], unit_id=world.other)
    with read_session(engine) as session:
        assert units.names(session, actor=actors["don_vi"]) == [world.own_name]
        assert world.other_name in units.names(session, actor=actors["van_phong"])
        assert personal_records.initiatives(session, year=2024, actor=actors["don_vi"]).empty
        assert len(personal_records.initiatives(session, year=2024, actor=actors["lanh_dao"])) == 1


# Pages: what the unit account is offered (SQLite; the domain above runs on both engines).

@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


@pytest.fixture
def app_units(app_env, app_engine) -> tuple[str, int]:
    """The unit account's unit name, with two of its people and one of another unit in the app's database; return
    the name and the id of its second person (Lê Thị Bình)."""
    with write_session(app_engine) as session:
        own = session.get(Unit, session.get(User, app_env["users"]["don_vi"]).unit_id)
        other = session.exec(select(Unit.id).where(Unit.name == OTHER_UNIT)).one()
        add_person(session, "Nguyễn Văn An", own.id)
        add_person(session, "Trần Văn Cường", other, 1975)
        return own.name, add_person(session, "Lê Thị Bình", own.id, 1985)


def signed_in(app_env, role: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    return at.switch_page(page).run()


def test_tra_cuu_offers_a_unit_account_co_authors_of_its_own_unit_only(app_env, app_units):
    unit_name, colleague = app_units
    at = signed_in(app_env, "don_vi", "pages/tra_cuu.py")
    at.text_input(key="tra_cuu_text").input("nguyen van an").run()
    assert not at.exception
    assert at.header[0].value == "Nguyễn Văn An"
    co_authors = next(m for m in at.multiselect if m.label == "Đồng tác giả khác")
    assert co_authors.options == [f"Lê Thị Bình (sinh 1985, {unit_name})"]
    at.text_input(key="tra_cuu_text").input("tran van cuong").run()
    assert [w.value for w in at.warning] == ["Không tìm thấy cá nhân hay tập thể nào có tên chứa “tran van cuong” "
                                             "trong đơn vị của bạn."]
    office = signed_in(app_env, "van_phong", "pages/tra_cuu.py")
    office.text_input(key="tra_cuu_text").input("nguyen van an").run()
    assert len(next(m for m in office.multiselect if m.label == "Đồng tác giả khác").options) == 2
    assert colleague


def test_the_hand_entry_form_offers_a_unit_account_its_own_unit_only(app_env, app_units):
    unit_name, _ = app_units
    own = next(s for s in signed_in(app_env, "don_vi", "pages/tai_len.py").selectbox if s.label == "Đơn vị")
    assert (own.options, own.value) == ([unit_name], unit_name)
    office = next(s for s in signed_in(app_env, "van_phong", "pages/tai_len.py").selectbox if s.label == "Đơn vị")
    assert office.options[0] == "—" and unit_name in office.options and OTHER_UNIT in office.options
