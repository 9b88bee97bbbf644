"""Records entered by hand: ratings, discipline, past awards, initiatives; checks, scope by unit, audit, profile."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from tdkt.awards import personal_records
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Assessment, AuditLog, Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import PermissionDenied


def unit_id(session, name: str) -> int:
    return session.exec(select(Unit.id).where(Unit.name == name)).one()


def award_id(session, code: str) -> int:
    return session.exec(select(Award.id).where(Award.code == code)).one()


@pytest.fixture
def an(engine) -> Person:
    with write_session(engine) as session:
        found = Person(full_name="Nguyễn Văn An", name_key="nguyen van an", birth_year=1980,
                       unit_id=unit_id(session, "Phòng Quản lý Công nghiệp"))
        session.add(found)
        session.flush()
        session.refresh(found)
        session.expunge(found)
        return found


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_years_rating_is_replaced_not_doubled_and_audited(engine, actors, an):
    office, subject = actors["van_phong"], personal_records.Subject.person(an)
    with write_session(engine) as session:
        personal_records.set_rating(session, office, subject, year=2024, rating="HTTNV")
    with write_session(engine) as session:
        personal_records.set_rating(session, office, subject, year=2024, rating="HTXSNV")
    with read_session(engine) as session:
        assert [(a.year, a.rating) for a in session.exec(select(Assessment)).all()] == [(2024, "HTXSNV")]
        assert len(session.exec(select(AuditLog).where(AuditLog.action == "ghi_xep_loai")).all()) == 2


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, a, subj: personal_records.set_rating(s, a, subj, year=2024, rating="TOT"),
     "Xếp loại “TOT” không hợp lệ"),
    (lambda s, a, subj: personal_records.set_rating(s, a, subj, year=1800, rating="HTNV"),
     "Năm 1800 không hợp lệ"),
    (lambda s, a, subj: personal_records.add_discipline(s, a, subj, year=2024, level=None),
     "cần ghi hình thức kỷ luật"),
    (lambda s, a, subj: personal_records.add_discipline(s, a, subj, year=2024, level="phat_tien"),
     "Hình thức kỷ luật “phat_tien” không hợp lệ"),
    (lambda s, a, subj: personal_records.add_past_award(s, a, subj, year=2023, award_id=award_id(s, "TTLDTT")),
     "không dành cho cá nhân"),
    (lambda s, a, subj: personal_records.add_initiative(s, a, year=2024, title="  ", scope="co_so",
                                                        author_ids=[subj.person_id]),
     "Cần tên sáng kiến"),
    (lambda s, a, subj: personal_records.add_initiative(s, a, year=2024, title="X", scope="co_so", author_ids=[]),
     "ít nhất một tác giả"),
])
def test_bad_records_are_refused_with_a_vietnamese_reason(engine, actors, an, call, message):
    with pytest.raises(personal_records.RecordError, match=message), write_session(engine) as session:
        call(session, actors["van_phong"], personal_records.Subject.person(an))
    assert count(engine, Assessment) == 0


def test_a_unit_user_records_for_its_own_unit_only(engine, actors, an):
    unit_user = actors["don_vi"]  # Phòng Quản lý Công nghiệp
    with write_session(engine) as session:
        personal_records.set_rating(session, unit_user, personal_records.Subject.person(an), year=2024, rating="HTNV")
        other = personal_records.Subject.collective("Văn phòng Sở", unit_id(session, "Văn phòng Sở"))
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        personal_records.set_rating(session, unit_user, other, year=2024, rating="HTNV")
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        personal_records.set_rating(session, actors["lanh_dao"], personal_records.Subject.person(an), year=2024,
                                    rating="HTNV")


def test_profile_gathers_awards_ratings_discipline_and_initiatives(engine, actors, an):
    office, subject = actors["van_phong"], personal_records.Subject.person(an)
    with write_session(engine) as session:
        personal_records.set_rating(session, office, subject, year=2023, rating="HTXSNV")
        personal_records.add_discipline(session, office, subject, year=2022, level="khien_trach",
                                        decided_on=date(2022, 5, 3))
        personal_records.add_past_award(session, office, subject, year=2021, award_id=award_id(session, "LDTT"),
                               decision_number="12/QĐ-SCT", decision_date=date(2022, 1, 10))
        personal_records.add_initiative(session, office, year=2023, title="Số hóa hồ sơ", scope="tinh",
                                        author_ids=[an.id])
        session.add(Nomination(year=2024, target="ca_nhan", person_id=an.id, unit_id=an.unit_id,
                               award_id=award_id(session, "CSTDCS"), status=NominationStatus.DE_NGHI.value))
    with read_session(engine) as session:
        found = personal_records.profile(session, subject, actor=actors["lanh_dao"])
    assert found.name == "Nguyễn Văn An" and found.unit == "Phòng Quản lý Công nghiệp"
    assert list(zip(found.awards.year, found.awards.award, found.awards.status_label, strict=True)) == [
        (2024, "Chiến sĩ thi đua cơ sở", "Đề nghị"), (2021, "Lao động tiên tiến", "Có quyết định")]
    assert found.awards.decision.iloc[1] == "Số 12/QĐ-SCT, ngày 10/01/2022"
    assert list(found.ratings.rating_label) == ["Hoàn thành xuất sắc nhiệm vụ"]
    assert list(found.discipline.level_label) == ["Khiển trách"]
    assert list(zip(found.initiatives.title, found.initiatives.scope_label, found.initiatives.authors,
                    strict=True)) == [("Số hóa hồ sơ", "Cấp tỉnh", "Nguyễn Văn An")]


def test_deleting_an_initiative_removes_its_authors_and_is_audited(engine, actors, an):
    office = actors["van_phong"]
    with write_session(engine) as session:
        item = personal_records.add_initiative(session, office, year=2023, title="Sáng kiến", scope="co_so",
                                      author_ids=[an.id])
        item_id = item.id
    with write_session(engine) as session:
        personal_records.delete_record(session, office, kind="sang_kien", record_id=item_id)
    with read_session(engine) as session:
        assert personal_records.initiatives(session, year=2023).empty
        entry = session.exec(select(AuditLog).where(AuditLog.action == "xoa_ho_so_ca_nhan")).one()
        assert entry.entity_id == str(item_id)
    with (pytest.raises(personal_records.RecordError, match="Không tìm thấy sáng kiến"),
          write_session(engine) as session):
        personal_records.delete_record(session, office, kind="sang_kien", record_id=item_id)


def test_a_unit_account_reads_and_finds_only_its_own_units_people(engine, actors, an):
    with write_session(engine) as session:
        session.add(Person(full_name="Nguyễn Văn Ánh", name_key="nguyen van anh",
                           unit_id=unit_id(session, "Văn phòng Sở")))
    with read_session(engine) as session:
        assert list(personal_records.search(session, text="nguyen van", actor=actors["lanh_dao"]).name) == [
            "Nguyễn Văn An", "Nguyễn Văn Ánh"]
        assert list(personal_records.search(session, text="nguyen van", actor=actors["don_vi"]).name) == [
            "Nguyễn Văn An"]
        other = personal_records.Subject.collective("Văn phòng Sở", unit_id(session, "Văn phòng Sở"))
        with pytest.raises(PermissionDenied, match="chính đơn vị mình"):
            personal_records.profile(session, other, actor=actors["don_vi"])


@pytest.mark.parametrize("typed", ["Ông Nguyễn Văn An", "ông nguyen van an", "Đ/c Nguyễn Văn An", "Đồng chí Văn An",
                                   "ThS. Nguyễn Văn An", "Đại tá nguyễn văn"])
def test_a_title_typed_before_the_name_finds_the_bare_name_on_record(engine, actors, an, typed):
    with read_session(engine) as session:
        assert list(personal_records.search(session, text=typed, actor=actors["lanh_dao"]).name) == ["Nguyễn Văn An"]


def test_a_name_that_is_only_a_title_word_is_searched_as_typed(engine, actors):
    with write_session(engine) as session:
        session.add(Person(full_name="Ông Văn Tùng", name_key="ong van tung", unit_id=unit_id(session, "Văn phòng Sở")))
    with read_session(engine) as session:
        found = personal_records.search(session, text="Ông", actor=actors["lanh_dao"])
        assert list(found[found.target == "ca_nhan"].name) == ["Ông Văn Tùng"]  # and collectives such as "Công đoàn…"
        assert list(personal_records.search(session, text="ông văn tùng", actor=actors["lanh_dao"]).name) == [
            "Ông Văn Tùng"]
