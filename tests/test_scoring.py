"""Cluster scoring on a real database (SQLite and PostgreSQL): a sheet saved and copied, every round's entries with
their checks, rounds that lock at their deadline, an explanation that reopens only its criteria, totals with a
criterion not assigned, ranks shared by ties, audit entries, the cluster ranking and a unit account refused."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, func, select

from tdkt.clusters import cluster_writes, clusters
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Cluster, ClusterMember, Role
from tdkt.core.permissions import PermissionDenied
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.scoring import entries, ranking, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import CONG_TRU, DIEM, DINH_LUONG, DINH_TINH, THEO_LAN, ScoringError
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec
from tdkt.seeding.demo_scoring import SAMPLE

OFFICE = Role.VAN_PHONG
G1, G2, G3 = "I. Chuyên môn", "II. Thi đua", "III. Điểm cộng"
SMALL = SheetSpec(
    groups=(GroupSpec(G1, 60.0), GroupSpec(G2, 30.0), GroupSpec(G3, 10.0, is_bonus=True)),
    criteria=(CriterionSpec(G1, "1", "Chỉ tiêu doanh thu", 40.0, DINH_LUONG),
              CriterionSpec(G1, "2", "Chỉ tiêu phụ", 20.0, DINH_LUONG),
              CriterionSpec(G2, "3", "Phong trào", 20.0, DINH_TINH, DIEM),
              CriterionSpec(G2, "4", "Báo cáo đúng hạn", 10.0, THEO_LAN, points_each=5.0),
              CriterionSpec(G3, "5", "Bằng khen", 10.0, CONG_TRU, points_each=5.0),
              CriterionSpec(G3, "6", "Phê bình", 0.0, CONG_TRU, points_each=-3.0)),
    total_points=100.0)
DAY = date(2024, 11, 20)


def doc(value=None, target=None, **kw) -> dict:
    return {"value": value, "target": target, "evidence_number": "12/BC", "evidence_date": date(2024, 11, 1), **kw}


@pytest.fixture
def world(engine, actors):
    """Cụm II of 2024 with three other members and the small sheet; returns ids by name."""
    office = actors[OFFICE]
    with write_session(engine) as session:
        cluster = session.exec(select(Cluster).where(Cluster.year == 2024, Cluster.code == "Cụm II")).one()
        for name in ("Sở Xây dựng", "Sở Tài chính", "Sở Y tế"):
            cluster_writes.add_member(session, office, cluster_id=cluster.id, name=name)
        sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=SMALL)
        sheet = sheets.load(session, cluster_id=cluster.id)
        members = {("us" if m.is_us else m.name): m.id for m in session.exec(
            select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)).all()}
        codes = {c.code: c.id for c in sheet.spec.criteria}
    return {"cluster": cluster.id, "sheet": sheet.id, "members": members, "codes": codes, "office": office}


def put(engine, world, member, code, round_=rounds.TU_CHAM, *, today=DAY, **values):
    item = EntryInput(world["members"][member], world["codes"][code], **values)
    with write_session(engine) as session:
        return entries.record_entry(session, world["office"], item, round=round_, reason="thử", today=today).id


def result(engine):
    with read_session(engine) as session:
        return {m.name if not m.is_us else "us": m for m in ranking.cluster_result(
            session, year=2024, cluster_code="cụm ii").members}


def test_a_saved_sheet_reads_back_and_a_wrong_one_is_refused_with_every_problem(engine, world):
    with read_session(engine) as session:
        sheet = sheets.load(session, cluster_id=world["cluster"])
    assert sheet.spec.max_points == 100 and sheets.problems(sheet.spec) == []
    wrong = SheetSpec(SMALL.groups, SMALL.criteria[1:], 100.0)
    with write_session(engine) as session, pytest.raises(ScoringError) as refused:
        sheet_writes.save_sheet(session, world["office"], cluster_id=world["cluster"], spec=wrong)
    assert refused.value.problems == ["Nhóm “I. Chuyên môn”: các tiêu chí cộng lại 20 điểm, khác điểm tối đa của "
                                      "nhóm (60)."]


def test_a_scored_criterion_cannot_be_dropped_and_a_copy_takes_last_years_sheet(engine, world, actors):
    put(engine, world, "us", "1", **doc(50, 40))
    dropped = SheetSpec(SMALL.groups, (CriterionSpec(G1, "2", "Chỉ tiêu phụ", 60.0, DINH_LUONG), *SMALL.criteria[2:]),
                        100.0)
    with write_session(engine) as session, pytest.raises(ScoringError, match="“1” đã có điểm"):
        sheet_writes.save_sheet(session, world["office"], cluster_id=world["cluster"], spec=dropped)
    with write_session(engine) as session:
        new = cluster_writes.add_cluster(session, world["office"], year=2025, code="Cụm II", name="Cụm thi đua II")
        sheet_writes.copy_previous(session, world["office"], cluster_id=new.id)
    with read_session(engine) as session:
        copied = sheets.load(session, cluster_id=new.id)
        assert [c.code for c in copied.spec.criteria] == ["1", "2", "3", "4", "5", "6"]
        assert session.exec(select(func.count()).select_from(ScoreEntry)).one() == 1  # no score copied
    with write_session(engine) as session, pytest.raises(ScoringError, match="Chưa có bảng tiêu chí"):
        other = cluster_writes.add_cluster(session, world["office"], year=2025, code="Cụm V", name="Cụm V")
        sheet_writes.copy_previous(session, world["office"], cluster_id=other.id)


def self_score_everyone(engine, world):
    """us 44/40 (10% over), Xây dựng 48/40 (20%, the leader), Tài chính 40/40, Y tế 20/40; criterion 2 not assigned
    to Y tế; points 3, counts 4 and bonus/penalty items."""
    rows = {"us": (44, 18, 18, 2, 1, 0), "Sở Xây dựng": (48, 20, 15, 2, 0, 1), "Sở Tài chính": (40, 10, 20, 1, 3, 0),
            "Sở Y tế": (20, None, 5, 0, 0, 5)}
    for member, (a1, a2, p3, n4, b5, p6) in rows.items():
        put(engine, world, member, "1", **doc(a1, 40))
        if a2 is None:
            put(engine, world, member, "2", not_assigned=True)
        else:
            put(engine, world, member, "2", **doc(a2, 20))
        put(engine, world, member, "3", **doc(p3))
        put(engine, world, member, "4", **doc(n4))
        put(engine, world, member, "5", **doc(b5))
        put(engine, world, member, "6", **doc(p6))


def test_self_scores_give_totals_with_the_leader_the_bonus_cap_a_penalty_and_a_criterion_not_assigned(engine, world):
    self_score_everyone(engine, world)
    found = result(engine)
    us, leader, even, weak = found["us"], found["Sở Xây dựng"], found["Sở Tài chính"], found["Sở Y tế"]
    # us: criterion 1 share 0.1 of the leader's 0.2 → 20 + 10 = 30; criterion 2 on its own leader (18/20 below) 9;
    # 18 + 10 + bonus 5 = 72.
    assert us.self_score == pytest.approx(30 + 9 + 18 + 10 + 5)
    assert leader.self_score == pytest.approx(40 + 10 + 15 + 10 - 3)  # 20/20 on target: 10; one criticism −3
    assert even.self_score == pytest.approx(20 + 5 + 20 + 5 + 10)  # bonus 15 capped at the group's 10
    assert (even.bonus, even.penalty) == (10, 0)
    assert weak.applicable_max == 80  # criterion 2 (20 points) not assigned
    assert weak.self_score == pytest.approx(0)  # 10 + 5 − 15 never below 0
    assert weak.percent == 0
    assert us.appraised_score is None and us.total == us.self_score
    assert [found[n].rank for n in ("us", "Sở Xây dựng", "Sở Tài chính", "Sở Y tế")] == [1, 1, 3, 4]  # 72, 72


def test_ties_share_a_rank_and_a_lower_applicable_maximum_normalises(engine, world):
    # Y tế scores 38 of its 80 applicable (criterion 2 not assigned) = 47,5 %; Tài chính 47,5 of 100 = 47,5 %.
    put(engine, world, "Sở Y tế", "1", **doc(40, 40))  # 20
    put(engine, world, "Sở Y tế", "2", not_assigned=True)
    put(engine, world, "Sở Y tế", "3", **doc(18))
    put(engine, world, "Sở Tài chính", "1", **doc(40, 40))
    put(engine, world, "Sở Tài chính", "2", **doc(19, 20))  # 9,5
    put(engine, world, "Sở Tài chính", "3", **doc(18))
    put(engine, world, "us", "3", **doc(20))
    found = result(engine)
    assert (found["Sở Y tế"].total, found["Sở Y tế"].applicable_max, found["Sở Y tế"].percent) == (38, 80, 47.5)
    assert (found["Sở Tài chính"].total, found["Sở Tài chính"].percent) == (47.5, 47.5)
    assert found["Sở Y tế"].rank == found["Sở Tài chính"].rank == 1
    assert found["us"].rank == 3 and found["Sở Xây dựng"].rank is None
    with read_session(engine) as session:
        order = [m.name for m in ranking.cluster_result(session, year=2024, cluster_code="Cụm II").members]
        frame = ranking.with_sheet_rankings(session, [clusters.view(session, cluster_id=world["cluster"])])[0].ranking
    assert order[-1] == "Sở Xây dựng"
    assert list(frame["rank"].dropna()) == [1, 1, 3]
    assert sorted(float(s) for s in frame["score"].dropna()) == [20, 38, 47.5]


def test_an_appraisal_cuts_with_a_comment_and_an_explanation_reopens_only_its_criteria(engine, world):
    self_score_everyone(engine, world)
    with write_session(engine) as session, pytest.raises(ScoringError, match="ghi nhận xét vì sao"):
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["3"], 12),
                             round=rounds.THAM_DINH, today=date(2024, 12, 5))
    put(engine, world, "us", "3", rounds.THAM_DINH, today=date(2024, 12, 5), value=12, comment="Thiếu kế hoạch.")
    put(engine, world, "us", "4", rounds.THAM_DINH, today=date(2024, 12, 5), value=1, comment="Một báo cáo trễ.")
    found = result(engine)["us"]
    assert found.self_score == pytest.approx(72) and found.appraised_score == pytest.approx(72 - 6 - 5)
    assert found.total == found.appraised_score
    with write_session(engine) as session, pytest.raises(ScoringError, match="chưa mở vòng giải trình"):
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["3"], 18,
                                                                  comment="Có kế hoạch số 5."),
                             round=rounds.GIAI_TRINH, today=date(2024, 12, 6))
    with write_session(engine) as session:
        rounds.set_deadline(session, world["office"], sheet_id=world["sheet"], kind=rounds.GIAI_TRINH,
                            deadline=date(2024, 12, 15))
    put(engine, world, "us", "3", rounds.GIAI_TRINH, today=date(2024, 12, 10), value=18, comment="Có kế hoạch số 5.")
    with write_session(engine) as session, pytest.raises(ScoringError, match="chưa được thẩm định"):
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["1"], 45,
                                                                  40, comment="Số liệu mới."),
                             round=rounds.GIAI_TRINH, today=date(2024, 12, 10))
    # The second appraisal takes the explained criterion 3 and refuses criterion 4, which was not explained.
    put(engine, world, "us", "3", rounds.THAM_DINH_LAI, today=date(2024, 12, 18), value=16,
        comment="Chấp nhận một phần.")
    with write_session(engine) as session, pytest.raises(ScoringError, match="chỉ mở lại các tiêu chí đã giải trình"):
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["4"], 2,
                                                                  comment="Sửa."),
                             round=rounds.THAM_DINH_LAI, today=date(2024, 12, 18))
    assert result(engine)["us"].total == pytest.approx(72 - 2 - 5)
    with read_session(engine) as session:
        detail = ranking.member_detail(session, year=2024, cluster_code="Cụm II", member_id=world["members"]["us"])
    row = detail.set_index("code").loc["3"]
    assert (row["self_points"], row["appraised_points"], row["cut"]) == (18, 16, 2)
    assert row["comment"] == "Chấp nhận một phần." and row["explanation"] == "Có kế hoạch số 5."
    assert detail.set_index("code").loc["1", "evidence"] == "12/BC ngày 01/11/2024"


def test_a_round_locks_after_its_deadline_and_after_publication(engine, world):
    with write_session(engine) as session:
        rounds.set_deadline(session, world["office"], sheet_id=world["sheet"], kind=rounds.TU_CHAM,
                            deadline=date(2024, 11, 30))
    put(engine, world, "us", "3", today=date(2024, 11, 30), **doc(10))  # on the deadline day: open
    with write_session(engine) as session, pytest.raises(ScoringError) as refused:
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["3"], 12,
                                                                  evidence_number="1/BC",
                                                                  evidence_date=date(2024, 11, 1)),
                             round=rounds.TU_CHAM, today=date(2024, 12, 1))
    assert str(refused.value) == ("Vòng tự chấm đã khóa: hạn là ngày 30/11/2024, hôm nay 01/12/2024. Không sửa được "
                                  "điểm của vòng này nữa.")
    with read_session(engine) as session:
        states = {s.kind: s for s in rounds.states(session, sheet_id=world["sheet"], today=date(2024, 12, 1))}
        assert not states[rounds.TU_CHAM].open and states[rounds.THAM_DINH].open
        assert session.exec(select(ScoreEntry.value)).all() == [10]
    with write_session(engine) as session:
        rounds.publish(session, world["office"], sheet_id=world["sheet"], today=date(2024, 12, 25))
    with write_session(engine) as session, pytest.raises(ScoringError, match="đã công bố ngày 25/12/2024"):
        entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"]["3"], 12,
                                                                  comment="x"),
                             round=rounds.THAM_DINH, today=date(2024, 12, 1))
    with read_session(engine) as session:
        assert ranking.cluster_result(session, year=2024, cluster_code="Cụm II").final


def test_values_unfit_for_the_kind_and_a_self_score_without_evidence_are_refused(engine, world):
    cases = [("1", {"value": 10, "target": 0, "evidence_number": "1", "evidence_date": DAY}, "lớn hơn 0"),
             ("3", {"value": 25, "evidence_number": "1", "evidence_date": DAY}, "vượt điểm tối đa"),
             ("4", {"value": 1.5, "evidence_number": "1", "evidence_date": DAY}, "số nguyên"),
             ("3", {"value": 5}, "tài liệu kiểm chứng"),
             ("3", {"value": 5, "evidence_number": "1"}, "ghi cả ngày"),
             ("5", {"not_assigned": True}, "không đánh dấu “không giao”")]
    for code, values, message in cases:
        with write_session(engine) as session, pytest.raises(ScoringError, match=message):
            entries.record_entry(session, world["office"], EntryInput(world["members"]["us"], world["codes"][code],
                                                                      **values), round=rounds.TU_CHAM, today=DAY)
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(ScoreEntry)).one() == 0


def test_every_change_is_audited_with_who_and_why(engine, world):
    put(engine, world, "us", "3", **doc(10))
    put(engine, world, "us", "3", **doc(12))
    with read_session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "cham_diem_cum")
                             .order_by(AuditLog.id.desc())).first()
    assert entry.username == world["office"].username
    assert entry.summary == "Tự chấm tiêu chí 3 của Sở Công Thương Lạng Sơn: 10 → 12. Lý do: thử"
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert before["value"] == 10 and after["value"] == 12 and after["reason"] == "thử"


def test_a_unit_account_and_a_leader_cannot_score(engine, world, actors):
    for role in (Role.DON_VI, Role.LANH_DAO):
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            entries.record_entry(session, actors[role], EntryInput(world["members"]["us"], world["codes"]["3"], 5),
                                 round=rounds.TU_CHAM, today=DAY)
        with write_session(engine) as session, pytest.raises(PermissionDenied):
            sheet_writes.save_sheet(session, actors[role], cluster_id=world["cluster"], spec=SMALL)


def test_the_sample_sheet_adds_up_to_a_thousand(engine):
    assert sheets.problems(SAMPLE) == [] and SAMPLE.max_points == 1000


def test_a_cluster_without_a_sheet_has_no_result(engine):
    with Session(engine) as session:
        assert ranking.cluster_result(session, year=2024, cluster_code="Cụm III") is None
        assert ranking.scores_object(session, year=2024, cluster_code="Cụm III") is None
