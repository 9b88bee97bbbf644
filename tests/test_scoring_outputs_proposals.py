"""Results to awards: the cluster's proposal drafted once from its final ranking (the leader's Cờ, the next ranks'
Bằng khen), the department's own nomination, refusals (a unit account, a draft ranking, not the head, a tie for
first), the Ministry's note, and the eligibility check reading the rank; SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import func, select

from tdkt.awards import eligibility
from tdkt.clusters import cluster_writes
from tdkt.core import cluster_standings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Award, ClusterMember, Nomination, Role
from tdkt.core.permissions import PermissionDenied
from tdkt.core.scoring_tables import ScoreCriterion, ScoreGroup
from tdkt.scoring import entries, proposals, rounds, sheet_writes
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import DIEM, DINH_TINH, ScoringError
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec, cluster_named

US = "Sở Công Thương Lạng Sơn"
GROUP = "I. Thực hiện nhiệm vụ chuyên môn"
SPEC = SheetSpec(groups=(GroupSpec(GROUP, 100.0),),
                 criteria=(CriterionSpec(GROUP, "1", "Kết quả thực hiện nhiệm vụ được giao", 100.0, DINH_TINH, DIEM),),
                 total_points=100.0)
POINTS = {"Sở Xây dựng": 95.0, US: 90.0, "Sở Tài chính": 90.0, "Sở Y tế": 80.0}  # ranks 1, 2, 2, 4
CO_TINH, BK_TINH = "Cờ thi đua của Ủy ban nhân dân tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def scored_cluster(engine, office, *, code: str = "Cụm II", head: bool = True, publish: bool = True,
                   points: dict[str, float] = POINTS) -> None:
    """Give the seeded 2024 cluster its members, a one-criterion sheet, every member's self-score; publish it."""
    with write_session(engine) as session:
        cluster = cluster_named(session, year=2024, cluster_code=code)
        us = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id,
                                                      ClusterMember.is_us)).one()
        cluster_writes.update_member(session, office, member_id=us.id, name=us.name,
                                     role="cum_truong" if head else "thanh_vien", is_us=True)
        ids = {us.name: us.id}
        for name in points:
            if name != US:
                ids[name] = cluster_writes.add_member(session, office, cluster_id=cluster.id, name=name,
                                                      role="thanh_vien" if head or name != "Sở Y tế"
                                                      else "cum_truong").id
        sheet = sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=SPEC)
        criterion_id = the_criterion(session, sheet.id)
        entries.record_entries(session, office, [
            EntryInput(ids[name], criterion_id, value, evidence_number=f"{i}/BC", evidence_date=date(2024, 11, 20))
            for i, (name, value) in enumerate(points.items(), start=1)], round="tu_cham", reason="Tự chấm",
            today=date(2024, 11, 25))
        if publish:
            rounds.publish(session, office, sheet_id=sheet.id, today=date(2024, 12, 20))


def the_criterion(session, sheet_id: int) -> int:
    return session.exec(select(ScoreCriterion.id).join(ScoreGroup, ScoreCriterion.group_id == ScoreGroup.id)
                        .where(ScoreGroup.sheet_id == sheet_id)).one()


def nominations_of(engine) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        return sorted(session.exec(select(Nomination.collective_name, Award.name, Nomination.status)
                                   .join(Award, Nomination.award_id == Award.id)
                                   .where(Nomination.year == 2024, Nomination.target == "tap_the")).all())


def audit_count(engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def test_the_head_drafts_the_leader_for_the_flag_and_the_next_ranks_for_the_merit_award_once(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office)
    with write_session(engine) as session:
        outcome = proposals.propose_cluster(session, office, year=2024, cluster_code="cụm ii")
    assert [(x.member, x.rank, x.award) for x in outcome.created] == [
        ("Sở Xây dựng", 1, CO_TINH), ("Sở Công Thương Lạng Sơn", 2, BK_TINH), ("Sở Tài chính", 2, BK_TINH)]
    assert outcome.message.startswith("Đã tạo 3 đề nghị ở bước “Đề nghị”: Sở Xây dựng — " + CO_TINH)
    assert nominations_of(engine) == [("Sở Công Thương Lạng Sơn", BK_TINH, "de_nghi"),
                                      ("Sở Tài chính", BK_TINH, "de_nghi"), ("Sở Xây dựng", CO_TINH, "de_nghi")]
    with read_session(engine) as session:
        links = cluster_standings.of_cluster(session, year=2024, cluster_code="Cụm II")
        leader = session.get(Nomination, links[0].nomination_id)
        actions = session.exec(select(AuditLog.action).order_by(AuditLog.seq.desc()).limit(4)).all()
    assert [(s.member, s.rank, s.ranked, s.percent, s.award_code) for s in links] == [
        ("Sở Xây dựng", 1, 4, 95.0, "CO_UBND_TINH"), ("Sở Công Thương Lạng Sơn", 2, 4, 90.0, "BK_CT_UBND_TINH"),
        ("Sở Tài chính", 2, 4, 90.0, "BK_CT_UBND_TINH")]
    assert leader.achievements == ("Dẫn đầu Cụm thi đua II - Các cơ quan quản lý chuyên ngành năm 2024: hạng 1/4, đạt "
                                   "95,00% số điểm tối đa áp dụng (kết quả chấm điểm công bố ngày 20/12/2024).")
    assert actions == ["de_nghi_tu_ket_qua_cum", "them_de_nghi", "them_de_nghi", "them_de_nghi"]
    before = audit_count(engine)
    with write_session(engine) as session:
        again = proposals.propose_cluster(session, office, year=2024, cluster_code="Cụm II")
    assert again.created == () and [x.nomination_id for x in again.existing] == [s.nomination_id for s in links]
    assert again.message.startswith("Đề nghị khen thưởng của Cụm II năm 2024 đã được tạo trước đó, không tạo thêm: "
                                    "Sở Xây dựng — " + CO_TINH + f" (số {links[0].nomination_id}, Đề nghị)")
    assert len(nominations_of(engine)) == 3 and audit_count(engine) == before


def test_the_plan_shows_each_line_with_its_nomination_once_drafted(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office)
    with read_session(engine) as session:
        plan = proposals.plan(session, year=2024, cluster_code="Cụm II")
    assert plan.problems == () and plan.count == 2 and plan.awards == proposals.PROVINCE
    assert [(x.member, x.nomination_id) for x in plan.lines] == [
        ("Sở Xây dựng", None), (US, None), ("Sở Tài chính", None)]
    with write_session(engine) as session:
        proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")
    with read_session(engine) as session:
        plan = proposals.plan(session, year=2024, cluster_code="Cụm II")
    assert [(x.member, x.status) for x in plan.lines] == [("Sở Xây dựng", None), (US, "Đề nghị"),
                                                          ("Sở Tài chính", None)]


def test_the_number_of_merit_awards_is_set_per_cluster_and_year(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office)
    with write_session(engine) as session:
        proposals.set_bang_khen_count(session, office, year=2024, cluster_code="Cụm II", count=0)
    with read_session(engine) as session:
        assert proposals.bang_khen_count(session, year=2024, cluster_code="cum ii") == 0
        assert proposals.bang_khen_count(session, year=2025, cluster_code="Cụm II") == proposals.DEFAULT_COUNT
        assert [x.member for x in proposals.plan(session, year=2024, cluster_code="Cụm II").lines] == ["Sở Xây dựng"]
    for bad in (-1, 21, 1.5):
        with pytest.raises(ScoringError, match="số nguyên từ 0 đến 20"), write_session(engine) as session:
            proposals.set_bang_khen_count(session, office, year=2024, cluster_code="Cụm II", count=bad)


def test_a_draft_ranking_proposes_nothing(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, publish=False)
    before = audit_count(engine)
    for propose in (proposals.propose_cluster, proposals.propose_ourselves):
        with pytest.raises(ScoringError, match="chưa công bố: chỉ đề nghị khen thưởng theo kết quả chính thức"), \
                write_session(engine) as session:
            propose(session, office, year=2024, cluster_code="Cụm II")
    assert nominations_of(engine) == [] and audit_count(engine) == before


@pytest.mark.parametrize("role", [Role.DON_VI, Role.LANH_DAO, Role.QUAN_TRI])
def test_only_the_office_proposes(engine, actors, role):
    scored_cluster(engine, actors[Role.VAN_PHONG])
    for propose in (proposals.propose_cluster, proposals.propose_ourselves):
        with pytest.raises(PermissionDenied), write_session(engine) as session:
            propose(session, actors[role], year=2024, cluster_code="Cụm II")
    assert nominations_of(engine) == []


def test_a_member_records_only_its_own_nomination(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, head=False)
    with pytest.raises(ScoringError, match="Sở không là cụm trưởng Cụm II"), write_session(engine) as session:
        proposals.propose_cluster(session, office, year=2024, cluster_code="Cụm II")
    with write_session(engine) as session:
        outcome = proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")
    assert [(x.member, x.award) for x in outcome.created] == [(US, BK_TINH)]
    with write_session(engine) as session:
        again = proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")
    assert again.created == () and again.message.startswith("Đề nghị của Sở theo kết quả Cụm II năm 2024 đã được "
                                                            "tạo trước đó")
    assert nominations_of(engine) == [(US, BK_TINH, "de_nghi")]


def test_a_department_ranked_outside_the_proposal_is_told_its_rank(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, points={"Sở Xây dựng": 95.0, "Sở Tài chính": 92.0, "Sở Y tế": 91.0, US: 60.0})
    with pytest.raises(ScoringError, match="Sở xếp hạng 4 trong Cụm II năm 2024: không thuộc diện đề nghị"), \
            write_session(engine) as session:
        proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")


def test_a_tie_for_first_leaves_the_choice_to_the_cluster(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, points={"Sở Xây dựng": 95.0, US: 95.0, "Sở Tài chính": 90.0})
    with pytest.raises(ScoringError, match="2 đơn vị cùng hạng 1"), write_session(engine) as session:
        proposals.propose_cluster(session, office, year=2024, cluster_code="Cụm II")
    assert nominations_of(engine) == []


def test_the_ministry_cluster_proposes_the_ministry_awards_with_the_note_on_their_basis(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, code="Cụm III")
    with write_session(engine) as session:
        outcome = proposals.propose_cluster(session, office, year=2024, cluster_code="Cụm III")
    assert [x.award for x in outcome.created] == ["Cờ thi đua của Bộ Công Thương",
                                                  "Bằng khen của Bộ trưởng Bộ Công Thương",
                                                  "Bằng khen của Bộ trưởng Bộ Công Thương"]
    with read_session(engine) as session:
        texts = [session.get(Nomination, x.nomination_id).achievements for x in outcome.created]
    assert all(t.endswith("Thông tư 22/2023/TT-BCT đã hết hiệu lực từ ngày 20/02/2025, văn bản thay thế chưa xác "
                          "định.") for t in texts)


def test_the_eligibility_check_reads_the_rank_a_flag_was_drafted_from(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office)
    with write_session(engine) as session:
        outcome = proposals.propose_cluster(session, office, year=2024, cluster_code="Cụm II")
    leader = outcome.created[0].nomination_id
    judged = {f.nomination_id: f for f in outcome.findings}
    assert set(judged) == {x.nomination_id for x in outcome.created}
    assert not [f for f in judged[leader].failures if f["rule"].startswith("CO-CUM")]  # rank 1: the leader
    assert "THUCONG" in [p["rule"] for p in judged[leader].pending]  # the rest is the council's
    with write_session(engine) as session:  # had the flag been drafted for the second
        standing = cluster_standings.standings(session)[leader]
        cluster_standings.link(session, replace(standing, rank=2))
    with read_session(engine) as session:
        (finding,) = eligibility.judge_nominations(session, year=2024, actor=office, nomination_ids=[leader],
                                                   today=date(2025, 1, 15))
    assert [(f["rule"], f["reason"]) for f in finding.failures if f["rule"].startswith("CO-CUM")] == [
        ("CO-CUM-1", "Tập thể xếp hạng 2/4 Cụm thi đua II - Các cơ quan quản lý chuyên ngành năm 2024, không dẫn đầu "
                     "cụm: Cờ thi đua tặng tập thể dẫn đầu cụm, khối thi đua.")]


def test_a_link_to_a_deleted_nomination_is_ignored(engine, actors):
    office = actors[Role.VAN_PHONG]
    scored_cluster(engine, office, head=False)
    with write_session(engine) as session:
        outcome = proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")
        session.delete(session.get(Nomination, outcome.created[0].nomination_id))
    with write_session(engine) as session:
        assert cluster_standings.of_cluster(session, year=2024, cluster_code="Cụm II") == []
        again = proposals.propose_ourselves(session, office, year=2024, cluster_code="Cụm II")
    assert [(x.member, x.award) for x in again.created] == [(US, BK_TINH)]
