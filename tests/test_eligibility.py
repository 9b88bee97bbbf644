"""Eligibility from the database: each nomination's case built from the records on file, then judged by the rules."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import SECRET
from sqlmodel import select

from tdkt.awards import eligibility, personal_records
from tdkt.awards.rules import table
from tdkt.awards.rules.case import LocalPolicy
from tdkt.cli.program import cli
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.permissions import PermissionDenied
from tdkt.core.text import fold

TODAY = date(2025, 3, 1)  # NĐ 98/2023 in force
S = NominationStatus


def unit_id(session, name: str = "Văn phòng Sở") -> int:
    return session.exec(select(Unit.id).where(Unit.name == name)).one()


def award_id(session, code: str) -> int:
    return session.exec(select(Award.id).where(Award.code == code)).one()


def person(session, name: str, unit: str = "Văn phòng Sở") -> Person:
    found = Person(full_name=name, name_key=fold(name), unit_id=unit_id(session, unit))
    session.add(found)
    session.flush()
    return found


def nominate(session, who: Person | str, code: str, *, year: int = 2024, unit: str = "Văn phòng Sở",
             status: S = S.DE_NGHI, decided: date | None = None, votes: tuple[int, int] | None = None) -> int:
    kwargs = {"target": "ca_nhan", "person_id": who.id} if isinstance(who, Person) else {
        "target": "tap_the", "collective_name": who}
    n = Nomination(year=year, unit_id=unit_id(session, unit), award_id=award_id(session, code), status=status.value,
                   decision_date=decided, decision_number="1/QĐ" if decided else None,
                   votes_for=votes[0] if votes else None, council_members=votes[1] if votes else None, **kwargs)
    session.add(n)
    session.flush()
    return n.id


def findings(engine, actor, year: int = 2024) -> dict[int, list[str]]:
    with read_session(engine) as session:
        return {f.nomination_id: [x["rule"] for x in f.failures]
                for f in eligibility.judge_nominations(session, year=year, actor=actor, today=TODAY)}


def test_ldtt_needs_a_rating_of_good_or_better_on_record(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        an, binh, chi = (person(session, n) for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Chi"))
        ids = [nominate(session, p, "LDTT") for p in (an, binh, chi)]
        personal_records.set_rating(session, office, personal_records.Subject.person(an), year=2024, rating="HTTNV")
        personal_records.set_rating(session, office, personal_records.Subject.person(binh), year=2024, rating="HTNV")
    assert findings(engine, office) == {ids[1]: ["LDTT-1"], ids[2]: ["LDTT-1"]}


def test_provincial_cstd_counts_past_awards_decided_nominations_and_a_provincial_initiative(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An")
        subject = personal_records.Subject.person(an)
        personal_records.add_past_award(session, office, subject, year=2022, award_id=award_id(session, "CSTDCS"))
        nominate(session, an, "CSTDCS", year=2023, status=S.CO_QUYET_DINH, decided=date(2024, 1, 20))
        for year in (2022, 2023, 2024):
            personal_records.set_rating(session, office, subject, year=year, rating="HTXSNV")
        target = nominate(session, an, "CSTD_TINH", votes=(14, 15))
    assert findings(engine, office) == {target: ["CSTDT-2"]}  # no initiative of provincial reach yet
    with write_session(engine) as session:
        personal_records.add_initiative(session, office, year=2024, title="Số hóa hồ sơ thi đua", scope="tinh",
                               author_ids=[an.id])
    assert findings(engine, office) == {}


def test_an_initiative_already_used_for_another_award_does_not_count_again(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An")
        personal_records.set_rating(session, office, personal_records.Subject.person(an), year=2024, rating="HTTNV")
        personal_records.add_initiative(session, office, year=2024, title="Sáng kiến A", scope="co_so",
                                        author_ids=[an.id], used_for_award_id=award_id(session, "BK_CT_UBND_TINH"))
        target = nominate(session, an, "CSTDCS", votes=(15, 15))
    assert findings(engine, office) == {target: ["CSTDCS-2", "SK-1"]}


def test_collective_lists_the_members_below_lao_dong_tien_tien(engine, actors):
    office = actors["van_phong"]
    unit = "Phòng Quản lý Công nghiệp"
    with write_session(engine) as session:
        people = [person(session, n, unit) for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Chi")]
        for p in people:
            personal_records.set_rating(session, office, personal_records.Subject.person(p), year=2024, rating="HTTNV")
        nominate(session, people[0], "LDTT", unit=unit)
        target = nominate(session, unit, "TTLDTT", unit=unit)
        collective = personal_records.Subject.collective(unit, unit_id(session, unit))
        personal_records.set_rating(session, office, collective, year=2024, rating="HTTNV")
    with read_session(engine) as session:
        found = eligibility.judge_nominations(session, year=2024, actor=office, today=TODAY,
                                              nomination_ids=[target])
    assert [f["rule"] for f in found[0].failures] == ["TTLDTT-2"]
    assert "Trần Thị Bình" in found[0].failures[0]["reason"] and "Lê Văn Chi" in found[0].failures[0]["reason"]
    with write_session(engine) as session:
        for p in people[1:]:
            nominate(session, p, "LDTT", unit=unit)
    assert target not in findings(engine, office)


def test_decisions_before_the_2022_law_took_effect_are_not_checked(engine, actors):
    with write_session(engine) as session:
        old = nominate(session, person(session, "Nguyễn Văn An"), "LDTT", year=2023, status=S.CO_QUYET_DINH,
                       decided=date(2023, 12, 20))
    assert old not in findings(engine, actors["van_phong"], year=2023)


def test_a_unit_user_sees_only_its_own_units_findings(engine, actors):
    with write_session(engine) as session:
        own = nominate(session, person(session, "Nguyễn Văn An", "Phòng Quản lý Công nghiệp"), "LDTT",
                       unit="Phòng Quản lý Công nghiệp")
        nominate(session, person(session, "Trần Thị Bình"), "LDTT")
    assert list(findings(engine, actors["don_vi"])) == [own]


def test_local_share_cap_is_off_until_the_office_sets_it(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        for i in range(4):
            nominate(session, person(session, f"Người {i}"), "LDTT")
        nominate(session, person(session, "Người 9"), "CSTDCS")
    with read_session(engine) as session:
        assert eligibility.share_cap(session, year=2024, actor=office) is None
    with write_session(engine) as session:
        eligibility.set_policy(session, office, year=2024, policy=LocalPolicy(cstdcs_share_cap=0.15))
    with read_session(engine) as session:
        issue = eligibility.share_cap(session, year=2024, actor=office)
        assert eligibility.policy_for(session, year=2025) == LocalPolicy()
    assert issue["rule"] == table.CAP_RULE_ID and "1 “Chiến sĩ thi đua cơ sở” trên 5" in issue["reason"]


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi", "quan_tri"])
def test_only_the_office_sets_the_local_policy(engine, actors, role):
    with write_session(engine) as session, pytest.raises(PermissionDenied):
        eligibility.set_policy(session, actors[role], year=2024, policy=LocalPolicy(cstdcs_share_cap=0.2))


def test_policy_cap_out_of_range_is_refused(engine, actors):
    with write_session(engine) as session, pytest.raises(eligibility.PolicyError, match="từ 1% đến 100%"):
        eligibility.set_policy(session, actors["van_phong"], year=2024, policy=LocalPolicy(cstdcs_share_cap=2))


def test_next_awards_say_what_is_missing_and_what_is_reachable(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An")
        subject = personal_records.Subject.person(an)
        for year in (2023, 2024):
            personal_records.add_past_award(session, office, subject, year=year, award_id=award_id(session, "CSTDCS"))
            personal_records.set_rating(session, office, subject, year=year, rating="HTXSNV")
    with read_session(engine) as session:
        steps = {s.award: s for s in eligibility.next_awards(session, target="ca_nhan", year=2024, person_id=an.id,
                                                             today=TODAY)}
    assert "Chiến sĩ thi đua cơ sở" not in steps  # already received for 2024
    assert steps["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"].eligible
    cstd = steps["Chiến sĩ thi đua cấp tỉnh"]
    assert not cstd.eligible and {f["rule"] for f in cstd.failures} == {"CSTDT-1", "CSTDT-2"}


def test_check_command_prints_the_agreed_json(engine, actors, db_url, monkeypatch):
    with write_session(engine) as session:
        target = nominate(session, person(session, "Nguyễn Văn An"), "LDTT")
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    result = CliRunner().invoke(cli, ["check", "--year", "2024", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["nomination_id"], d["name"], d["award"]) for d in data] == [(target, "Nguyễn Văn An",
                                                                           "Lao động tiên tiến")]
    assert set(data[0]["failures"][0]) == {"rule", "basis", "reason"}
    assert data[0]["failures"][0]["rule"] == "LDTT-1"


def _list_bytes(rows: list[list]) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [],
                ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"], *rows]:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_list_is_judged_before_import_with_its_own_people_as_members(engine, actors, settings):
    from tdkt.importing.nomination_lists import pipeline

    office, unit = actors["van_phong"], "Phòng Quản lý Công nghiệp"
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An", unit)
        an.birth_year = 1980
        personal_records.set_rating(session, office, personal_records.Subject.person(an), year=2024, rating="HTTNV")
        collective = personal_records.Subject.collective(unit, unit_id(session, unit))
        personal_records.set_rating(session, office, collective, year=2024, rating="HTXSNV")
    data = _list_bytes([["I. TẬP THỂ"], [1, unit, None, None, unit, "Tập thể lao động tiên tiến"],
                        ["II. CÁ NHÂN"], [1, "Nguyễn Văn An", 1980, "Chuyên viên", unit, "LĐTT"],
                        [2, "Trần Thị Bình", 1990, "Chuyên viên", unit, "LĐTT"]])
    with read_session(engine) as session:
        report = pipeline.check(session, data, file_name="ds.xlsx", settings=settings, year=2024)
        assert not report.errors
        found = eligibility.judge_rows(session, year=2024, rows=report.records, today=TODAY)
    # An has a rating on record; Bình is new, so nothing is known of her year; the collective's two members are
    # both proposed for LĐTT in this very list, so its 70% holds.
    assert list(zip(found.row, found.name, found.rules, strict=True)) == [(8, "Trần Thị Bình", "LDTT-1")]


def test_next_awards_say_when_the_year_already_has_a_nomination_or_a_refusal(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An")
        personal_records.set_rating(session, office, personal_records.Subject.person(an), year=2024, rating="HTXSNV")
        nominate(session, an, "CSTDCS", status=S.KHONG_DUYET)
        nominate(session, an, "LDTT", status=S.HOI_DONG, votes=(9, 10))
    with read_session(engine) as session:
        table = eligibility.next_table(eligibility.next_awards(session, target="ca_nhan", year=2024,
                                                               person_id=an.id, today=TODAY))
    verdicts = dict(zip(table.award, table.verdict, strict=True))
    assert verdicts["Lao động tiên tiến"] == "Đã đề nghị (bước “Hội đồng đã xét”); đủ điều kiện"
    assert verdicts["Chiến sĩ thi đua cơ sở"].startswith("Đề nghị năm nay không được duyệt; nếu đề nghị lại: ")


def test_research_notes_in_a_basis_become_one_plain_hint_for_the_clerk():
    assert eligibility.plain_basis("Luật Thi đua, khen thưởng 2022, Điều 74 [số điều suy luận]") == (
        "Luật Thi đua, khen thưởng 2022, Điều 74 (cần đối chiếu văn bản)")
    assert eligibility.plain_basis("Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1") == (
        "Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1")
    assert all("[" not in eligibility.plain_basis(rule.basis) and "chưa đối chiếu" not in eligibility.plain_basis(
        rule.basis) for rule in table.RULES)


def _award_outside_the_catalogue(session) -> None:
    session.add(Award(code="KHAC_CD", name="Giấy khen của Công đoàn cơ sở", kind="hinh_thuc", level="co_so",
                      targets="ca_nhan"))
    session.flush()


def test_a_nomination_for_an_award_outside_the_catalogue_is_a_data_problem(engine, actors):
    with write_session(engine) as session:
        _award_outside_the_catalogue(session)
        target = nominate(session, person(session, "Nguyễn Văn An"), "KHAC_CD")
    with read_session(engine) as session:
        found = eligibility.judge_nominations(session, year=2024, actor=actors["van_phong"], today=TODAY)
    assert [(f.nomination_id, [x["rule"] for x in f.failures]) for f in found] == [(target, ["DU-LIEU"])]
    assert "Giấy khen của Công đoàn cơ sở" in found[0].failures[0]["reason"]


def test_a_past_award_outside_the_catalogue_makes_every_nomination_of_the_person_a_data_problem(engine, actors):
    office = actors["van_phong"]
    with write_session(engine) as session:
        _award_outside_the_catalogue(session)
        an = person(session, "Nguyễn Văn An")
        subject = personal_records.Subject.person(an)
        personal_records.add_past_award(session, office, subject, year=2023, award_id=award_id(session, "KHAC_CD"))
        personal_records.set_rating(session, office, subject, year=2024, rating="HTTNV")
        target = nominate(session, an, "LDTT")
    assert findings(engine, office) == {target: ["DU-LIEU"]}


def test_a_decision_dated_before_its_achievement_year_is_a_data_problem(engine, actors):
    with write_session(engine) as session:
        an = person(session, "Nguyễn Văn An")
        target = nominate(session, an, "GK_GD_SO", year=2025, status=S.CO_QUYET_DINH, decided=date(2024, 12, 20))
    with read_session(engine) as session:
        found = eligibility.judge_nominations(session, year=2025, actor=actors["van_phong"], today=TODAY)
    assert [(f.nomination_id, [x["rule"] for x in f.failures]) for f in found] == [(target, ["DU-LIEU"])]
    assert "trước năm thành tích 2025" in found[0].failures[0]["reason"]


def test_a_collective_for_an_individual_title_is_a_data_problem(engine, actors):
    unit = "Phòng Quản lý Công nghiệp"
    with write_session(engine) as session:
        target = nominate(session, unit, "LDTT", unit=unit)
    assert findings(engine, actors["van_phong"]) == {target: ["DU-LIEU"]}
