"""Validation against the catalogue, units and database; one-batch commit; duplicate flags; undo."""

import pytest
from sqlmodel import Session, func, select

from tdkt.awards.nomination_checks import validate
from tdkt.awards.nomination_rows import ParsedRow
from tdkt.core.db import write_session
from tdkt.core.models import AuditLog, ImportBatch, Nomination, NominationStatus, Person, Role
from tdkt.core.permissions import PermissionDenied
from tdkt.importing import batches
from tdkt.importing.nomination_lists import commit


def rows(*specs):
    """ParsedRows from (row, target, name, gender, birth_year, position, unit, award)."""
    return [ParsedRow(sheet="DS", row=r, target=t, name=n, gender=g, birth_year=b, position=p, unit=u, award=a)
            for r, t, n, g, b, p, u, a in specs]


CLEAN = rows(
    (5, "tap_the", "Phòng Quản lý Công nghiệp", None, None, None, None, "TTLĐTT"),
    (7, "ca_nhan", "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"),
    (8, "ca_nhan", "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "Chiến sỹ thi đua cơ sở"),
)


def check(session, parsed, year=2024):
    records, issues = validate(session, parsed, file="ds.xlsx", year=year)
    return records, [(i.row, i.column, i.code, i.severity) for i in issues]


def test_clean_rows_map_to_canonical_awards_units_and_categories(engine):
    with Session(engine) as session:
        records, issues = check(session, CLEAN)
    assert issues == []
    assert [(r.target, r.name, r.award, r.unit, r.category) for r in records] == [
        ("tap_the", "Phòng Quản lý Công nghiệp", "Tập thể lao động tiên tiến", "Phòng Quản lý Công nghiệp",
         "Cơ quan Hành chính"),
        ("ca_nhan", "Nguyễn Thị Minh", "Lao động tiên tiến", "Văn phòng Sở",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
        ("ca_nhan", "Trần Văn Bình", "Chiến sĩ thi đua cơ sở", "Thanh tra Sở", "Các cấp lãnh đạo từ phó phòng trở lên"),
    ]
    assert all(r.category_inferred for r in records)


def test_problems_point_at_row_and_column(engine):
    bad = rows(
        (4, "ca_nhan", "Lê Văn A", "Nam", 1980, None, "Văn phòng Sở", "Huy chương vàng Olympic"),
        (5, "ca_nhan", None, "Nữ", 1990, None, "Văn phòng Sở", "LĐTT"),
        (6, "tap_the", "Phòng Quản lý Năng lượng", None, None, None, None, "Lao động tiên tiến"),
        (7, "ca_nhan", "Hà Thị B", None, 2020, None, "Phòng Ma", "LĐTT"),
        (8, "ca_nhan", "Vi Văn C", "Nam", 1985, None, "Văn phòng Sở", None),
    )
    with Session(engine) as session:
        _, issues = check(session, bad)
    assert issues == [
        (4, "Danh hiệu/Hình thức", "unknown_award", "error"),
        (5, "Họ và tên", "missing_name", "error"),
        (6, "Danh hiệu/Hình thức", "award_target_mismatch", "error"),
        (7, "Đơn vị", "unknown_unit", "warning"),
        (7, "Giới tính", "missing_gender", "warning"),
        (7, "Năm sinh", "bad_birth", "error"),
        (8, "Danh hiệu/Hình thức", "missing_award", "error"),
    ]


def test_problems_name_the_users_own_header(engine):
    bad = rows((4, "ca_nhan", "Lê Văn A", "Nam", 1980, None, "Văn phòng Sở", "XYZ"))
    with Session(engine) as session:
        _, issues = validate(session, bad, file="f.xlsx", year=2024, headers={"DS": {"award": "Hình thức đề nghị"}})
    assert [(i.column, i.code) for i in issues] == [("Hình thức đề nghị", "unknown_award")]


def test_same_person_twice_in_a_file_is_an_error(engine):
    twice = CLEAN + rows((9, "ca_nhan", "NGUYEN THI MINH", "Nữ", 1987, None, "Văn phòng Sở", "Lao động tiên tiến"))
    with Session(engine) as session:
        _, issues = check(session, twice)
    assert issues == [(9, "Họ và tên", "duplicate_in_file", "error")]


def _commit(engine, actors, parsed, role=Role.VAN_PHONG, sha="a" * 64, year=2024):
    with write_session(engine) as session:
        records, _ = validate(session, parsed, file="ds.xlsx", year=year)
        return commit.commit_batch(session, actors[role], file_name="ds.xlsx", sha256=sha, records=records, year=year,
                                   sheets=["DS"])


def test_commit_writes_one_batch_with_people_and_nominations(engine, actors):
    result = _commit(engine, actors, CLEAN)
    with Session(engine) as session:
        batch = session.get(ImportBatch, result.batch_id)
        nominations = session.exec(select(Nomination).order_by(Nomination.source_row)).all()
        people = session.exec(select(Person).order_by(Person.full_name)).all()
        audit_entry = session.exec(select(AuditLog).where(AuditLog.action == "nhap_danh_sach")).one()
    assert (result.nominations, result.people_added, batch.rows, batch.year) == (3, 2, 3, 2024)
    assert [(n.source_row, n.target, n.status, n.person_id is not None) for n in nominations] == [
        (5, "tap_the", "de_nghi", False), (7, "ca_nhan", "de_nghi", True), (8, "ca_nhan", "de_nghi", True)]
    assert [p.full_name for p in people] == ["Nguyễn Thị Minh", "Trần Văn Bình"]
    by_id = {p.id: p.full_name for p in people}
    assert [by_id.get(n.person_id) for n in nominations] == [None, "Nguyễn Thị Minh", "Trần Văn Bình"]
    assert "3 đề nghị" in audit_entry.summary


def test_rows_already_in_the_database_are_flagged_before_commit(engine, actors):
    _commit(engine, actors, CLEAN)
    again = rows((3, "ca_nhan", "Nguyen Thi Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"),
                 (4, "ca_nhan", "Nguyễn Thị Minh", "Nữ", 1987, None, "Văn phòng Sở", "CSTĐCS"),
                 (5, None, "Phòng Quản lý Công nghiệp", None, None, None, None, "TTLĐTT"))
    with Session(engine) as session:
        _, issues = check(session, again)
        _, next_year = check(session, again, year=2025)
    assert issues == [(3, "Họ và tên", "already_in_database", "error"),
                      (5, "Họ và tên", "already_in_database", "error")]
    assert next_year == []


def test_a_known_person_is_matched_not_added_again(engine, actors):
    _commit(engine, actors, CLEAN)
    _commit(engine, actors, rows((3, "ca_nhan", "Lê Văn Mới", "Nam", 1990, None, "Văn phòng Sở", "LĐTT"),
                                 (4, "ca_nhan", "Trần Văn Bình", "Nam", 1979, None, "Thanh tra Sở", "LĐTT")),
            sha="c" * 64)
    with Session(engine) as session:
        pairs = session.exec(select(Person.full_name, Nomination.source_row).join(
            Nomination, Nomination.person_id == Person.id).where(Nomination.source_row.in_([3, 4]))).all()
    assert sorted(pairs) == [("Lê Văn Mới", 3), ("Trần Văn Bình", 4)]
    _commit(engine, actors, rows((3, "ca_nhan", "NGUYỄN THỊ MINH", "Nữ", 1987, None, "Văn phòng Sở", "CSTĐCS")),
            sha="b" * 64)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 3


def test_commit_with_an_error_row_writes_nothing(engine, actors):
    with pytest.raises(batches.ImportRefused, match="Còn 1 dòng có lỗi"):
        _commit(engine, actors, CLEAN + rows((9, "ca_nhan", "X Y", "Nam", 1980, None, "Văn phòng Sở", "???")))
    with Session(engine) as session:
        counts = [session.exec(select(func.count()).select_from(t)).one() for t in (ImportBatch, Nomination, Person)]
    assert counts == [0, 0, 0]


def test_leadership_cannot_import_and_a_unit_only_its_own_rows(engine, actors):
    with pytest.raises(PermissionDenied):
        _commit(engine, actors, CLEAN, role=Role.LANH_DAO)
    with pytest.raises(PermissionDenied, match="đơn vị mình"):
        _commit(engine, actors, CLEAN, role=Role.DON_VI)


def test_undo_removes_the_batch_and_the_people_it_added(engine, actors):
    result = _commit(engine, actors, CLEAN)
    with write_session(engine) as session:
        assert commit.undo_batch(session, actors[Role.VAN_PHONG], batch_id=result.batch_id) == 3
    with Session(engine) as session:
        batch = session.get(ImportBatch, result.batch_id)
        counts = [session.exec(select(func.count()).select_from(t)).one() for t in (Nomination, Person)]
        logged = session.exec(select(AuditLog.action).where(AuditLog.action == "hoan_tac_lo_nhap")).all()
        history = commit.history(session)
    assert (batch.status, counts, logged) == ("da_hoan_tac", [0, 0], ["hoan_tac_lo_nhap"])
    assert list(history.status_label) == ["Đã hoàn tác"]
    with write_session(engine) as session, pytest.raises(batches.ImportRefused, match="đã được hoàn tác"):
        commit.undo_batch(session, actors[Role.VAN_PHONG], batch_id=result.batch_id)


def test_undo_is_refused_naming_rows_that_moved_on(engine, actors):
    result = _commit(engine, actors, CLEAN)
    with write_session(engine) as session:
        moved = session.exec(select(Nomination).where(Nomination.source_row == 8)).one()
        moved.status = NominationStatus.HOI_DONG
    refused = "dòng 8 — Trần Văn Bình \\(Hội đồng đã xét\\)"
    with write_session(engine) as session, pytest.raises(batches.ImportRefused, match=refused):
        commit.undo_batch(session, actors[Role.VAN_PHONG], batch_id=result.batch_id)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Nomination)).one() == 3


def test_undo_keeps_a_person_who_has_a_later_nomination(engine, actors):
    first = _commit(engine, actors, CLEAN)
    _commit(engine, actors, rows((3, "ca_nhan", "Nguyễn Thị Minh", "Nữ", 1987, None, "Văn phòng Sở", "CSTĐCS")),
            sha="b" * 64)
    with write_session(engine) as session:
        commit.undo_batch(session, actors[Role.VAN_PHONG], batch_id=first.batch_id)
    with Session(engine) as session:
        assert [p.full_name for p in session.exec(select(Person)).all()] == ["Nguyễn Thị Minh"]


def test_same_name_in_the_same_unit_with_another_birth_year_is_a_warning(engine, actors):
    _commit(engine, actors, CLEAN)
    later = rows((3, "ca_nhan", "Nguyễn Thị Minh", "Nữ", 1988, None, "Văn phòng Sở", "CSTĐCS"),
                 (4, "ca_nhan", "Nguyễn Thị Minh", "Nữ", None, None, "Văn phòng Sở", "LĐTT"),
                 (5, "ca_nhan", "Nguyễn Thị Minh", "Nữ", 1988, None, "Thanh tra Sở", "LĐTT"),  # another unit
                 (6, "ca_nhan", "Trần Văn Bình", "Nam", 1979, None, "Thanh tra Sở", "CSTĐCS"))  # the same person
    with Session(engine) as session:
        records, issues = validate(session, later, file="ds.xlsx", year=2025)
    found = [(i.row, i.code, i.severity) for i in issues if i.code == "same_name_other_person"]
    assert found == [(3, "same_name_other_person", "warning"), (4, "same_name_other_person", "warning")]
    message = next(i.message for i in issues if i.row == 3)
    assert "đã có người tên “Nguyễn Thị Minh” (sinh 1987)" in message and "sửa năm sinh" in message
