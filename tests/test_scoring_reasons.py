"""A recorded score changes only with a reason, on SQLite and PostgreSQL: the domain refuses the change without one,
naming the criterion and the member, and writes nothing of the batch; a first score, a score sent again unchanged
and an imported file's default reason pass; the reason goes to the audit entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from tdkt.clusters import cluster_writes
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Cluster, ClusterMember, Role
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.scoring import entries, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import DIEM, DINH_TINH, ScoringError
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec

G1 = "I. Chuyên môn"
SHEET = SheetSpec(groups=(GroupSpec(G1, 100.0),),
                  criteria=(CriterionSpec(G1, "1.1", "Phong trào", 60.0, DINH_TINH, DIEM),
                            CriterionSpec(G1, "1.2", "Báo cáo", 40.0, DINH_TINH, DIEM)),
                  total_points=100.0)
DAY = date(2024, 11, 20)
PROOF = {"evidence_number": "12/BC", "evidence_date": date(2024, 11, 1)}


@pytest.fixture
def world(engine, actors):
    """Cụm II of 2024 with Sở Xây dựng added, the two-criterion sheet, and Xây dựng's self-score 50 and 30."""
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session:
        cluster = session.exec(select(Cluster).where(Cluster.year == 2024, Cluster.code == "Cụm II")).one()
        member = cluster_writes.add_member(session, office, cluster_id=cluster.id, name="Sở Xây dựng")
        sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=SHEET)
        codes = {c.code: c.id for c in sheets.load(session, cluster_id=cluster.id).spec.criteria}
        us = session.exec(select(ClusterMember.id).where(ClusterMember.cluster_id == cluster.id,
                                                         ClusterMember.is_us)).one()
        first = entries.record_entries(session, office, [EntryInput(member.id, codes["1.1"], 50, **PROOF),
                                                         EntryInput(member.id, codes["1.2"], 30, **PROOF)],
                                       round=rounds.TU_CHAM, reason="", today=DAY)  # first scores: no reason asked
    assert first == 2
    return {"office": office, "member": member.id, "us": us, "codes": codes}


def stored(engine) -> list[tuple[int, float]]:
    with read_session(engine) as session:
        return sorted((e.criterion_id, e.value) for e in session.exec(select(ScoreEntry)).all())


def audit_count(engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def test_a_table_changing_a_recorded_score_without_a_reason_is_refused_naming_it_and_nothing_is_written(engine,
                                                                                                        world):
    before, audited = stored(engine), audit_count(engine)
    codes, member = world["codes"], world["member"]
    batch = [EntryInput(world["us"], codes["1.1"], 40, **PROOF),  # a new score, before the changed one
             EntryInput(member, codes["1.1"], 50, **PROOF),     # sent again unchanged
             EntryInput(member, codes["1.2"], 35, **PROOF)]     # changed
    with write_session(engine) as session, pytest.raises(ScoringError) as refused:
        entries.record_entries(session, world["office"], batch, round=rounds.TU_CHAM, reason="   ", today=DAY)
    assert refused.value.problems == ["Tiêu chí “1.2” của Sở Xây dựng: điểm đã ghi 30, sửa thành 35."]
    assert str(refused.value) == ("Ghi lý do thay đổi điểm (lý do được ghi vào nhật ký cùng người sửa). Tiêu chí "
                                  "“1.2” của Sở Xây dựng: điểm đã ghi 30, sửa thành 35.")
    assert stored(engine) == before and audit_count(engine) == audited


def test_every_criterion_changed_without_a_reason_is_named(engine, world):
    codes, member = world["codes"], world["member"]
    batch = [EntryInput(member, codes["1.1"], not_assigned=True), EntryInput(member, codes["1.2"], 20, **PROOF)]
    with write_session(engine) as session, pytest.raises(ScoringError) as refused:
        entries.record_entries(session, world["office"], batch, round=rounds.TU_CHAM, reason="", today=DAY)
    assert refused.value.problems == ["Tiêu chí “1.1” của Sở Xây dựng: điểm đã ghi 50, sửa thành không giao.",
                                      "Tiêu chí “1.2” của Sở Xây dựng: điểm đã ghi 30, sửa thành 20."]
    assert str(refused.value).endswith("Và 1 tiêu chí khác.")


def test_one_entry_changed_without_a_reason_is_refused_and_with_one_it_is_audited(engine, world):
    item = EntryInput(world["member"], world["codes"]["1.1"], 45, **PROOF)
    with write_session(engine) as session, pytest.raises(ScoringError, match="“1.1” của Sở Xây dựng"):
        entries.record_entry(session, world["office"], item, round=rounds.TU_CHAM, today=DAY)
    with write_session(engine) as session:
        entries.record_entry(session, world["office"], item, round=rounds.TU_CHAM, reason="Sửa theo văn bản 5/BC",
                             today=DAY)
    with read_session(engine) as session:
        last = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.summary == "Tự chấm tiêu chí 1.1 của Sở Xây dựng: 50 → 45. Lý do: Sửa theo văn bản 5/BC"


def test_a_score_sent_again_unchanged_with_new_evidence_needs_no_reason(engine, world):
    item = EntryInput(world["member"], world["codes"]["1.1"], 50, evidence_number="13/BC",
                      evidence_date=date(2024, 11, 2))
    with write_session(engine) as session:
        assert entries.record_entries(session, world["office"], [item], round=rounds.TU_CHAM, reason="",
                                      today=DAY) == 1
    with read_session(engine) as session:
        last = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.summary == "Tự chấm: 1 tiêu chí thay đổi của Sở Xây dựng."


def test_an_imported_file_changes_scores_under_its_default_reason(engine, world):
    """The page and `import-scores` pass "Nhập từ tệp <name>" (the CLI's --reason replaces it): the file is the why."""
    batch = [EntryInput(world["member"], world["codes"]["1.2"], 36, **PROOF)]
    with write_session(engine) as session:
        entries.record_entries(session, world["office"], batch, round=rounds.TU_CHAM,
                               reason="Nhập từ tệp cham_diem_xay_dung.xlsx", today=DAY)
    with read_session(engine) as session:
        last = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.summary == ("Tự chấm: 1 tiêu chí thay đổi của Sở Xây dựng. Lý do: Nhập từ tệp "
                            "cham_diem_xay_dung.xlsx")
    assert (world["codes"]["1.2"], 36.0) in stored(engine)
