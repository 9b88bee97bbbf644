"""The dossier checklist: built-in documents per award, the Office's setting per award and year, what is missing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tdkt.awards import checklist
from tdkt.core.attachment_tables import Attachment
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Award, Nomination, Person, Unit
from tdkt.core.permissions import PermissionDenied
from tests.document_support import app_database
from tests.test_pages import signed_in

YEAR = 2025
REPORT = "Báo cáo thành tích theo mẫu Nghị định 152/2025/NĐ-CP"
COVER = "Tờ trình đề nghị khen thưởng"
MINUTES = "Biên bản bình xét thi đua, họp Hội đồng Thi đua – Khen thưởng"
INITIATIVE = "Xác nhận, công nhận sáng kiến, đề tài khoa học"


def award_id(session, code: str) -> int:
    return session.exec(select(Award.id).where(Award.code == code)).one()


def unit_ids(session) -> list[int]:
    return list(session.exec(select(Unit.id).where(Unit.kind == "phong").order_by(Unit.id)).all())


def nominate(engine, code: str, *, unit: int | None, year: int = YEAR) -> int:
    with write_session(engine) as session:
        person = Person(full_name="Nguyễn Văn An", name_key="nguyen van an", unit_id=unit)
        session.add(person)
        session.flush()
        nomination = Nomination(year=year, target="ca_nhan", person_id=person.id, unit_id=unit,
                                award_id=award_id(session, code))
        session.add(nomination)
        session.flush()
        return nomination.id


def attach(engine, kind: str, *, nomination: int | None = None, unit: int | None = None, year: int = YEAR) -> None:
    with write_session(engine) as session:
        session.add(Attachment(year=year, unit_id=unit, nomination_id=nomination, kind=kind, sha256="0" * 64, size=1,
                               media_type="application/pdf", file_name="x.pdf"))


def missing(engine, *ids: int) -> dict[int, list[str]]:
    with read_session(engine) as session:
        return checklist.missing_documents(session, nomination_ids=ids)


def test_defaults_ask_the_initiative_certificate_only_of_the_emulation_fighter_titles():
    assert checklist.default_kinds("LDTT") == ("to_trinh", "bao_cao_thanh_tich", "bien_ban")
    assert checklist.default_kinds("GK_GD_SO") == ("to_trinh", "bao_cao_thanh_tich", "bien_ban")
    for code in ("CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"):
        assert checklist.default_kinds(code)[-1] == "sang_kien"


def test_the_achievement_report_names_the_decree_in_force_on_the_years_deadline():
    assert checklist.kind_label("bao_cao_thanh_tich", year=2025) == REPORT
    assert checklist.kind_label("bao_cao_thanh_tich", year=2024).endswith("Nghị định 98/2023/NĐ-CP")
    assert "Mẫu số 05" in checklist.kind_help("bao_cao_thanh_tich", year=2026)


def test_completeness_per_award_counts_the_submissions_list_documents_for_each_of_its_nominations(engine):
    with read_session(engine) as session:
        first, second = unit_ids(session)[:2]
    ldtt = nominate(engine, "LDTT", unit=first)
    cstd = nominate(engine, "CSTDCS", unit=first)
    other_unit = nominate(engine, "LDTT", unit=second)
    assert missing(engine, ldtt, cstd) == {ldtt: [COVER, REPORT, MINUTES], cstd: [COVER, REPORT, MINUTES, INITIATIVE]}
    attach(engine, "to_trinh", unit=first)  # one cover letter and one set of minutes for the unit's whole list
    attach(engine, "bien_ban", unit=first)
    attach(engine, "bao_cao_thanh_tich", nomination=ldtt)
    attach(engine, "bao_cao_thanh_tich", nomination=cstd)
    assert missing(engine, ldtt, cstd, other_unit) == {ldtt: [], cstd: [INITIATIVE],
                                                        other_unit: [COVER, REPORT, MINUTES]}
    attach(engine, "sang_kien", nomination=cstd)
    with read_session(engine) as session:
        assert checklist.completeness(session, year=YEAR) == {
            "complete": 2, "incomplete": 1, "missing": {COVER: 1, REPORT: 1, MINUTES: 1}}
        assert checklist.completeness(session, year=YEAR, unit_id=first)["incomplete"] == 0


def test_a_report_on_the_submission_does_not_stand_for_each_nominations_own_report(engine):
    with read_session(engine) as session:
        unit = unit_ids(session)[0]
    one = nominate(engine, "LDTT", unit=unit)
    attach(engine, "bao_cao_thanh_tich", unit=unit)  # per-person documents count on the nomination only
    attach(engine, "to_trinh", unit=unit, year=YEAR - 1)  # another year's submission
    attach(engine, "bien_ban", nomination=one)  # a list document attached to the nomination itself counts
    assert missing(engine, one) == {one: [COVER, REPORT]}


def test_a_nomination_without_a_unit_counts_only_its_own_documents(engine):
    lone = nominate(engine, "LDTT", unit=None)
    attach(engine, "to_trinh", unit=None)
    assert missing(engine, lone) == {lone: [COVER, REPORT, MINUTES]}


def test_the_office_sets_an_awards_documents_per_year_and_can_go_back_to_the_defaults(engine, actors):
    with read_session(engine) as session:
        unit, ldtt = unit_ids(session)[0], award_id(session, "LDTT")
    one = nominate(engine, "LDTT", unit=unit)
    old = nominate(engine, "LDTT", unit=unit, year=YEAR - 1)
    with write_session(engine) as session:
        checklist.set_requirement(session, actors["van_phong"], year=YEAR, award_id=ldtt,
                                  kinds=["bien_ban", "to_trinh", "to_trinh"])
    assert missing(engine, one, old) == {one: [COVER, MINUTES], old: [
        COVER, "Báo cáo thành tích theo mẫu Nghị định 98/2023/NĐ-CP", MINUTES]}
    with read_session(engine) as session:
        table = checklist.requirement_table(session, year=YEAR).set_index("award_id")
        assert (table.loc[ldtt, "kinds"], table.loc[ldtt, "configured"]) == (("to_trinh", "bien_ban"), True)
        assert session.exec(select(AuditLog.summary).where(AuditLog.action == "thanh_phan_ho_so")).all() == [
            f"Thành phần hồ sơ “Lao động tiên tiến” năm {YEAR}: {COVER}; {MINUTES}."]
    with write_session(engine) as session:
        checklist.set_requirement(session, actors["van_phong"], year=YEAR, award_id=ldtt, kinds=[])
    assert missing(engine, one) == {one: []}
    with write_session(engine) as session:
        assert checklist.copy_requirements(session, actors["van_phong"], from_year=YEAR, to_year=YEAR + 1) == 1
        checklist.reset_requirement(session, actors["van_phong"], year=YEAR, award_id=ldtt)
    assert missing(engine, one) == {one: [COVER, REPORT, MINUTES]}
    with read_session(engine) as session:
        assert checklist.requirements(session, year=YEAR + 1)[ldtt] == ()


def test_only_the_office_sets_the_checklist_and_only_known_kinds(engine, actors):
    with read_session(engine) as session:
        ldtt = award_id(session, "LDTT")
    for role in ("don_vi", "lanh_dao", "quan_tri"):
        with pytest.raises(PermissionDenied), write_session(engine) as session:
            checklist.set_requirement(session, actors[role], year=YEAR, award_id=ldtt, kinds=["to_trinh"])
    with pytest.raises(checklist.ChecklistError, match="không có trong danh mục"), write_session(engine) as session:
        checklist.set_requirement(session, actors["van_phong"], year=YEAR, award_id=ldtt, kinds=["khac"])
    with read_session(engine) as session:
        assert not checklist.requirement_table(session, year=YEAR).configured.any()


# The settings page under AppTest, on both engines: everyone reads the table, the Office sets an award's documents.
PAGE = "pages/thanh_phan_ho_so.py"


@pytest.fixture
def app_db(db_url, tmp_path, monkeypatch):
    yield from app_database(db_url, tmp_path, monkeypatch)


def test_the_office_sets_an_awards_documents_on_the_page_and_goes_back_to_the_defaults(app_db):
    at = signed_in(app_db, "van_phong", PAGE)
    assert not at.exception
    assert at.title[0].value == "Thành phần hồ sơ đề nghị khen thưởng năm 2024"
    table = at.dataframe[0].value.set_index("Danh hiệu/Hình thức")
    assert table.loc["Chiến sĩ thi đua cơ sở", "Tài liệu cần có"].endswith(INITIATIVE)
    with read_session(app_db["engine"]) as session:
        ldtt = award_id(session, "LDTT")
    at.selectbox(key="tp_award").select(ldtt).run()
    at.multiselect[0].set_value(["to_trinh"])
    next(b for b in at.button if b.label == "Lưu thành phần hồ sơ").click().run()
    assert not at.exception
    assert at.success[0].value == "Đã lưu thành phần hồ sơ “Lao động tiên tiến” năm 2024."
    table = at.dataframe[0].value.set_index("Danh hiệu/Hình thức")
    assert tuple(table.loc["Lao động tiên tiến"]) == (COVER, "Văn phòng đặt")
    next(b for b in at.button if b.label == "Về mặc định").click().run()
    assert at.success[0].value == "“Lao động tiên tiến” năm 2024 dùng lại thành phần hồ sơ mặc định."
    with read_session(app_db["engine"]) as session:
        assert checklist.requirements(session, year=2024)[ldtt] == checklist.BASE_KINDS


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_the_others_read_the_checklist_without_the_form(app_env, role):
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert "Tài liệu cần có" in at.dataframe[0].value.columns
    assert not at.multiselect and not at.get("form") and not at.tabs


def test_statistics_and_the_review_report_count_complete_and_incomplete_dossiers(engine):
    from tdkt.awards import stats
    from tdkt.reports import reports

    with read_session(engine) as session:
        unit = unit_ids(session)[0]
    done = nominate(engine, "LDTT", unit=unit)
    nominate(engine, "LDTT", unit=unit)  # lacks its achievement report
    attach(engine, "to_trinh", unit=unit)
    attach(engine, "bien_ban", unit=unit)
    attach(engine, "bao_cao_thanh_tich", nomination=done)
    with read_session(engine) as session:
        assert stats.summary(session, year=YEAR)["dossiers"] == {"complete": 1, "incomplete": 1,
                                                                 "missing": {REPORT: 1}}
        data = reports.figures(session, year=YEAR, period="year")
        summary = reports.summary_table(data).set_index("indicator")
    assert data["dossiers"] == {"complete": 1, "incomplete": 1} and data["previous"]["dossiers"]["incomplete"] == 0
    assert (summary.loc["Hồ sơ đủ tài liệu", "current"], summary.loc["Hồ sơ còn thiếu tài liệu", "current"]) == (1, 1)
