"""Clusters, covenants and movements: status against due dates, rates, ranking with ties, copying a year, the links to
plan tasks both ways, permissions, the Excel member list / score sheet, the seed step and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.clusters import cluster_writes, cluster_years, clusters, movements, task_links
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import (
    AuditLog,
    Cluster,
    ClusterEvent,
    ClusterMember,
    Movement,
    Participation,
    PlanTask,
    Role,
    Setting,
    TaskStatus,
)
from tdkt.core.permissions import PermissionDenied
from tdkt.importing import cluster_sheets
from tdkt.plan import plan as plan_module
from tdkt.reports import charts
from tdkt.seeding.seed import COVENANTS_KEY, bootstrap

TODAY = date(2024, 12, 31)
OFFICE = Role.VAN_PHONG


def cluster_of(session, code: str, year: int = 2024) -> Cluster:
    return session.exec(select(Cluster).where(Cluster.year == year, Cluster.code == code)).one()


def us_in(session, cluster: Cluster) -> ClusterMember:
    return session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id, ClusterMember.is_us)).one()


def event_of(session, cluster: Cluster, kind: str) -> ClusterEvent:
    return session.exec(select(ClusterEvent).where(ClusterEvent.cluster_id == cluster.id,
                                                   ClusterEvent.kind == kind)).one()


def task_at(session, quarter: int, number: int, year: int = 2024) -> PlanTask:
    plan = plan_module.get_plan(session, year=year)
    return session.exec(select(PlanTask).where(PlanTask.plan_id == plan.id, PlanTask.quarter == quarter,
                                               PlanTask.number == number)).one()


def add_members(session, actor, cluster: Cluster, *names: str) -> list[ClusterMember]:
    return [cluster_writes.add_member(session, actor, cluster_id=cluster.id, name=n) for n in names]


# --- rules -----------------------------------------------------------------------------------------------------


def test_a_report_on_the_due_date_is_on_time_and_the_next_day_late():
    due = date(2024, 7, 15)
    assert [clusters.participation_status(due_on=due, done_on=d, not_applicable=False)
            for d in (date(2024, 7, 1), due, date(2024, 7, 16), None)] == ["Đúng hạn", "Đúng hạn", "Trễ hạn",
                                                                          "Chưa thực hiện"]
    assert clusters.participation_status(due_on=due, done_on=None, not_applicable=True) == "Không áp dụng"


def test_rates_leave_not_applicable_out_of_the_denominator():
    assert clusters.rate(["Đúng hạn", "Trễ hạn", "Chưa thực hiện", "Không áp dụng"]) == pytest.approx(2 / 3)
    assert clusters.rate(["Không áp dụng", "Không áp dụng"]) is None


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    assert clusters.competition_ranks([95.5, 98.0, 95.5, None, 90.0]) == [2, 1, 2, None, 4]
    assert clusters.competition_ranks([90.0, 90.0, 80.0]) == [1, 1, 3]


# --- the seed ----------------------------------------------------------------------------------------------------


def test_seed_links_the_plans_cluster_obligations_to_their_tasks(engine):
    with Session(engine) as session:
        links = session.exec(select(Cluster.code, ClusterEvent.kind, PlanTask.quarter, PlanTask.number,
                                    ClusterEvent.due_on).join(Cluster).join(PlanTask)).all()
        internal = clusters.members(session, cluster_id=cluster_of(session, "Nội bộ").id)
    assert sorted(links) == [
        ("Cụm II", "ky_ket", 1, 3, date(2024, 3, 31)), ("Cụm II", "so_ket", 3, 2, date(2024, 9, 30)),
        ("Cụm III", "so_ket", 3, 3, date(2024, 9, 30)), ("Nội bộ", "ky_ket", 1, 2, date(2024, 3, 31))]
    assert list(internal[internal.is_us].name) == ["Văn phòng Sở"]
    assert set(internal.name) == {"Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Công nghiệp",
                                  "Phòng Quản lý Năng lượng", "Phòng Quản lý Thương mại", "Trung tâm Khuyến công"}


def test_a_database_seeded_before_adds_the_internal_covenant_once(settings, engine, actors):
    with write_session(engine) as session:
        cluster_writes.remove_cluster(session, actors[OFFICE], cluster_id=cluster_of(session, "Nội bộ").id)
        session.delete(session.get(Setting, COVENANTS_KEY))
    _, result = bootstrap(settings)
    assert result.clusters_added == ["giao ước thi đua nội bộ năm 2024", "1 hoạt động cụm theo kế hoạch năm 2024"]
    with write_session(engine) as session:
        cluster_writes.remove_cluster(session, actors[OFFICE], cluster_id=cluster_of(session, "Nội bộ").id)
    _, again = bootstrap(settings)  # deleted on purpose by the Office: it stays deleted
    with Session(engine) as session:
        assert again.clusters_added == [] and [c.code for c in clusters.clusters_of(session, year=2024)] == [
            "Cụm II", "Cụm III"]


# --- participation, rates, ranking -------------------------------------------------------------------------------


def test_rates_per_cluster_member_and_event_count_status_from_due_dates(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm III")
        others = add_members(session, office, cluster, "Sở Công Thương Cao Bằng", "Sở Công Thương Tuyên Quang")
        report = event_of(session, cluster, "so_ket")  # due 30/09/2024
        record = {"event_id": report.id, "today": TODAY}
        task_links.record_participation(session, office, member_id=others[0].id, done_on=date(2024, 9, 30), **record)
        task_links.record_participation(session, office, member_id=others[1].id, done_on=date(2024, 10, 1), **record)
        task_links.record_participation(session, office, member_id=us_in(session, cluster).id, not_applicable=True,
                                      **record)
    with Session(engine) as session:
        v = clusters.view(session, cluster_id=cluster_of(session, "Cụm III").id)
    assert dict(zip(v.matrix.member, v.matrix.status, strict=False)) == {
        "Sở Công Thương Cao Bằng": "Đúng hạn", "Sở Công Thương Tuyên Quang": "Trễ hạn",
        "Sở Công Thương Lạng Sơn": "Không áp dụng"}
    assert v.rate == 1.0
    assert v.by_event[["on_time", "late", "pending", "not_applicable", "applicable", "rate"]].iloc[0].tolist() == [
        1, 1, 0, 1, 2, 1.0]
    assert v.by_member.set_index("member").rate.isna().tolist() == [False, True, False]  # N/A alone: no rate


def test_members_are_ranked_by_score_with_ties_and_the_chart_marks_us(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        a, b, c = add_members(session, office, cluster, "Sở Xây dựng", "Sở Tài chính", "Sở Y tế")
        scoring = task_links.add_event(session, office, cluster_id=cluster.id, kind="cham_diem",
                                     due_on=date(2024, 12, 20))
        for member, score in [(a, 96.5), (b, 92.0), (c, 96.5), (us_in(session, cluster), 94.0)]:
            task_links.record_participation(session, office, event_id=scoring.id, member_id=member.id, score=score,
                                          today=TODAY)
    with Session(engine) as session:
        v = clusters.view(session, cluster_id=cluster_of(session, "Cụm II").id)
    assert list(zip(v.ranking.member, v.ranking["rank"], strict=False)) == [
        ("Sở Xây dựng", 1), ("Sở Y tế", 1), ("Sở Công Thương Lạng Sơn", 3), ("Sở Tài chính", 4)]
    assert v.our_rank == 3
    figure = charts.cluster_ranking(v.ranking, title="Xếp hạng")
    assert figure.data[0].marker.color[2] == charts.US_COLOR and figure.data[0].y[2] == "★ Sở Công Thương Lạng Sơn"
    assert figure.data[0].text[2] == "94,00 điểm · hạng 3"


def test_heatmap_colours_each_cell_by_its_status(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        task_links.record_participation(session, actors[OFFICE], event_id=event_of(session, cluster, "ky_ket").id,
                                      member_id=us_in(session, cluster).id, done_on=date(2024, 4, 2),
                                      document="12/BC-SCT", today=TODAY)
    with Session(engine) as session:
        figure = charts.participation_heatmap(clusters.matrix(session, cluster_id=cluster_of(session, "Cụm II").id),
                                              title="Cụm II")
    heatmap = figure.data[0]
    assert [list(row) for row in heatmap.z] == [[1, 2]]  # Trễ hạn, Chưa thực hiện
    assert "Trễ hạn" in heatmap.customdata[0][0] and "Văn bản: 12/BC-SCT" in heatmap.customdata[0][0]
    assert list(heatmap.colorbar.ticktext) == clusters.STATUSES


def test_a_done_date_after_today_or_a_score_for_an_unscored_event_is_refused(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        kwargs = {"event_id": event_of(session, cluster, "ky_ket").id, "member_id": us_in(session, cluster).id}
        with pytest.raises(clusters.ClusterError, match="sau hôm nay"):
            task_links.record_participation(session, actors[OFFICE], done_on=date(2025, 1, 2), today=TODAY, **kwargs)
        with pytest.raises(clusters.ClusterError, match="không chấm điểm"):
            task_links.record_participation(session, actors[OFFICE], score=90, today=TODAY, **kwargs)


def test_a_new_head_takes_the_role_from_the_old_one(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        old = cluster_writes.add_member(session, actors[OFFICE], cluster_id=cluster.id, name="Sở Y tế",
                                        role="cum_truong")
        cluster_writes.add_member(session, actors[OFFICE], cluster_id=cluster.id, name="Sở Xây dựng", role="cum_truong")
        session.refresh(old)
        assert old.role == "thanh_vien"
        with pytest.raises(clusters.ClusterError, match="đơn vị ta"):
            cluster_writes.remove_member(session, actors[OFFICE], member_id=us_in(session, cluster).id)


# --- the links to plan tasks, both ways ---------------------------------------------------------------------------


def test_recording_our_participation_completes_the_linked_task(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        task_links.record_participation(session, actors[OFFICE], event_id=event_of(session, cluster, "ky_ket").id,
                                      member_id=us_in(session, cluster).id, done_on=date(2024, 3, 28),
                                      document="35/GUTĐ-CII", today=TODAY)
    with Session(engine) as session:
        task = task_at(session, 1, 3)
        actions = session.exec(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert (task.status, task.completed_on, task.evidence) == (TaskStatus.XONG, date(2024, 3, 28), "35/GUTĐ-CII")
    assert actions[-2:] == ["cap_nhat_tham_gia", "cap_nhat_nhiem_vu"]


def test_completing_the_task_records_our_participation_and_reopening_it_clears_it(engine, actors):
    with write_session(engine) as session:
        task_id = task_at(session, 3, 3).id
        task_links.update_task_status(session, actors[OFFICE], task_id=task_id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 10, 2), evidence="210/BC-SCT", today=TODAY)
    with Session(engine) as session:
        cluster = cluster_of(session, "Cụm III")
        part = session.exec(select(Participation).where(Participation.member_id == us_in(session, cluster).id)).one()
        row = clusters.matrix(session, cluster_id=cluster.id).iloc[0]
        assert (part.done_on, part.document, row.status) == (date(2024, 10, 2), "210/BC-SCT", "Trễ hạn")
    with write_session(engine) as session:
        task_links.update_task_status(session, actors[OFFICE], task_id=task_id, status=TaskStatus.DANG, today=TODAY)
    with Session(engine) as session:
        part = session.get(Participation, part.id)
        assert (part.done_on, part.document) == (None, None)
        assert session.exec(select(func.count()).select_from(AuditLog)
                            .where(AuditLog.action == "cap_nhat_tham_gia")).one() == 2


def test_clearing_our_participation_reopens_the_task(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Nội bộ")
        kwargs = {"event_id": event_of(session, cluster, "ky_ket").id, "member_id": us_in(session, cluster).id,
                  "today": TODAY}
        task_links.record_participation(session, actors[OFFICE], done_on=date(2024, 2, 20), **kwargs)
        assert task_at(session, 1, 2).status == TaskStatus.XONG
        task_links.record_participation(session, actors[OFFICE], **kwargs)
        task = task_at(session, 1, 2)
        assert (task.status, task.completed_on) == (TaskStatus.CHUA, None)


def test_another_members_participation_leaves_the_task_alone(engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Nội bộ")
        other = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id,
                                                         ClusterMember.name == "Thanh tra Sở")).one()
        task_links.record_participation(session, actors[OFFICE], event_id=event_of(session, cluster, "ky_ket").id,
                                      member_id=other.id, done_on=date(2024, 2, 20), today=TODAY)
        assert task_at(session, 1, 2).status == TaskStatus.CHUA


def test_registering_the_launched_regular_movement_completes_task_q1_1_and_vice_versa(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        movement = task_links.add_movement(session, office, year=2024, name="Thi đua hoàn thành kế hoạch năm 2024",
                                           kind="thuong_xuyen", document="05/KH-SCT", launched_on=date(2024, 1, 20),
                                           today=TODAY)
        task = task_at(session, 1, 1)
        assert (movement.task_id, task.status, task.completed_on, task.evidence) == (
            task.id, TaskStatus.XONG, date(2024, 1, 20), "05/KH-SCT")
        task_links.update_task_status(session, office, task_id=task.id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 1, 25), evidence="07/KH-SCT", today=TODAY)
        theme = task_links.add_movement(session, office, year=2024, name="Chuyển đổi số", kind="chuyen_de", today=TODAY)
        movements.close_movement(session, office, movement_id=movement.id, closed_on=date(2024, 12, 20),
                                 results="Hoàn thành 100% chỉ tiêu.", today=TODAY)
    with Session(engine) as session:
        frame = movements.movements(session, year=2024)
    assert list(zip(frame.name, frame.launched_on, frame.document, frame.status, frame.task_id.isna(),
                    strict=False)) == [
        ("Thi đua hoàn thành kế hoạch năm 2024", date(2024, 1, 25), "07/KH-SCT", "Đã tổng kết", False),
        ("Chuyển đổi số", None, None, "Chưa phát động", True)]
    assert theme.task_id is None


def test_an_event_newly_linked_to_a_finished_task_takes_its_date_and_document(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        task = task_at(session, 1, 1)
        task_links.update_task_status(session, office, task_id=task.id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 1, 18), evidence="03/KH-SCT", today=TODAY)
        cluster = cluster_of(session, "Cụm II")
        event = task_links.add_event(session, office, cluster_id=cluster.id, kind="hoi_nghi", due_on=date(2024, 6, 30),
                                     auto_link=False, today=TODAY)
        assert session.exec(select(Participation).where(Participation.event_id == event.id)).first() is None
        task_links.update_event(session, office, event_id=event.id, kind="hoi_nghi", title=event.title,
                                due_on=event.due_on, scored=False, task_id=task.id, today=TODAY)
        part = session.exec(select(Participation).where(Participation.event_id == event.id)).one()
        assert (part.member_id, part.done_on, part.document) == (us_in(session, cluster).id, date(2024, 1, 18),
                                                                 "03/KH-SCT")


def test_the_regular_movement_registered_after_its_task_is_done_takes_the_launch_from_it(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        task = task_at(session, 1, 1)
        task_links.update_task_status(session, office, task_id=task.id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 1, 18), evidence="03/KH-SCT", today=TODAY)
        movement = task_links.add_movement(session, office, year=2024, name="Thi đua hoàn thành kế hoạch năm 2024",
                                           kind="thuong_xuyen", today=TODAY)
        assert (movement.task_id, movement.launched_on, movement.document) == (task.id, date(2024, 1, 18),
                                                                               "03/KH-SCT")


@pytest.mark.parametrize("role", [Role.LANH_DAO, Role.DON_VI, Role.QUAN_TRI])
def test_only_the_office_writes_clusters_and_movements(engine, actors, role):
    with Session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        event_id, member_id = event_of(session, cluster, "ky_ket").id, us_in(session, cluster).id
    writes = [
        lambda s: task_links.record_participation(s, actors[role], event_id=event_id, member_id=member_id,
                                                done_on=date(2024, 3, 1), today=TODAY),
        lambda s: cluster_writes.add_member(s, actors[role], cluster_id=cluster.id, name="Sở Y tế"),
        lambda s: cluster_years.copy_clusters(s, actors[role], from_year=2024, to_year=2025),
        lambda s: task_links.add_movement(s, actors[role], year=2024, name="X", kind="chuyen_de", today=TODAY),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied), write_session(engine) as session:
            write(session)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Participation)).one() == 0
        assert session.exec(select(func.count()).select_from(Movement)).one() == 0


# --- copying a year ------------------------------------------------------------------------------------------------


def test_copy_to_a_new_year_keeps_members_and_events_and_links_the_new_plans_tasks(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        cluster_writes.add_member(session, office, cluster_id=cluster.id, name="Sở Xây dựng", role="cum_truong")
        task_links.record_participation(session, office, event_id=event_of(session, cluster, "ky_ket").id,
                                      member_id=us_in(session, cluster).id, done_on=date(2024, 3, 2), today=TODAY)
        plan_module.copy_plan(session, office, from_year=2024, to_year=2025)
        cluster_years.copy_clusters(session, office, from_year=2024, to_year=2025)
        with pytest.raises(clusters.ClusterError, match="đã có cụm"):
            cluster_years.copy_clusters(session, office, from_year=2024, to_year=2025)
    with Session(engine) as session:
        new = cluster_of(session, "Cụm II", 2025)
        members = clusters.members(session, cluster_id=new.id)
        links = session.exec(select(Cluster.code, ClusterEvent.kind, ClusterEvent.due_on, PlanTask.quarter,
                                    PlanTask.number).join(Cluster).join(PlanTask).where(Cluster.year == 2025)).all()
        copied_parts = session.exec(select(func.count()).select_from(Participation).join(ClusterEvent).join(Cluster)
                                    .where(Cluster.year == 2025)).one()
        assert task_at(session, 1, 3, 2025).status == TaskStatus.CHUA
    assert list(zip(members.name, members.role, members.is_us, strict=False)) == [
        ("Sở Xây dựng", "cum_truong", False), ("Sở Công Thương Lạng Sơn", "thanh_vien", True)]
    assert sorted(links) == [
        ("Cụm II", "ky_ket", date(2025, 3, 31), 1, 3), ("Cụm II", "so_ket", date(2025, 9, 30), 3, 2),
        ("Cụm III", "so_ket", date(2025, 9, 30), 3, 3), ("Nội bộ", "ky_ket", date(2025, 3, 31), 1, 2)]
    assert copied_parts == 0


def test_copy_creates_the_internal_covenant_when_the_source_year_has_none(engine, actors):
    office = actors[OFFICE]
    with write_session(engine) as session:
        cluster_writes.remove_cluster(session, office, cluster_id=cluster_of(session, "Nội bộ").id)
        created = cluster_years.copy_clusters(session, office, from_year=2024, to_year=2026)
    assert [c.code for c in created] == ["Cụm II", "Cụm III", "Nội bộ"]


# --- Excel: member list and score sheet ---------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SETTINGS = replace(Settings(), secret_key="x" * 40)


def check(session, data: bytes, mode: str, code: str = "Cụm II"):
    return cluster_sheets.check(session, data, file_name="cum.xlsx", settings=SETTINGS,
                                cluster_id=cluster_of(session, code).id, mode=mode)


def test_member_list_adds_members_and_roles_and_scores_in_one_go(engine, actors):
    data = workbook([["DANH SÁCH THÀNH VIÊN CỤM THI ĐUA II NĂM 2024"], [],
                     ["STT", "Tên cơ quan/đơn vị", "Vai trò", "Điểm", "Xếp hạng"],
                     [1, "Sở Xây dựng", "Cụm trưởng", 96.5, 1], [2, "Sở Công Thương", "Cụm phó", "95,5", 3],
                     [3, "Sở Y tế", "", 96.5, 2], [None, "Tổng cộng", None, None, None]])
    with write_session(engine) as session:
        task_links.add_event(session, actors[OFFICE], cluster_id=cluster_of(session, "Cụm II").id, kind="cham_diem",
                           due_on=date(2024, 12, 20))
        report = check(session, data, cluster_sheets.MEMBERS)
        assert [(i.row, i.column, i.code) for i in report.issues] == [(6, "Xếp hạng", "rank_mismatch")]
        assert cluster_sheets.commit(session, actors[OFFICE], report) == {"added": 2, "roles": 1, "scores": 3}
    with Session(engine) as session:
        v = clusters.view(session, cluster_id=cluster_of(session, "Cụm II").id)
    assert list(zip(v.members.name, v.members.role_label, strict=False)) == [
        ("Sở Xây dựng", "Cụm trưởng"), ("Sở Công Thương Lạng Sơn", "Cụm phó"), ("Sở Y tế", "Thành viên")]
    assert list(zip(v.ranking.member, v.ranking["rank"], strict=False)) == [
        ("Sở Xây dựng", 1), ("Sở Y tế", 1), ("Sở Công Thương Lạng Sơn", 3)]


def test_score_sheet_with_an_error_writes_nothing(engine, actors):
    data = workbook([["Tên đơn vị", "Tổng điểm"], ["Sở Công Thương Lạng Sơn", 94], ["Sở Không Có", 90],
                     ["Sở Công Thương Lạng Sơn", 91], ["Sở Tài chính", "chín mươi"]])
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        cluster_writes.add_member(session, actors[OFFICE], cluster_id=cluster.id, name="Sở Tài chính")
        task_links.add_event(session, actors[OFFICE], cluster_id=cluster.id, kind="cham_diem",
                             due_on=date(2024, 12, 20))
        report = check(session, data, cluster_sheets.SCORES)
        assert [(i.row, i.column, i.code) for i in report.issues] == [
            (3, "Tên đơn vị", "unknown_member"), (4, "Tên đơn vị", "duplicate"), (5, "Tổng điểm", "bad_score")]
        with pytest.raises(clusters.ClusterError, match="Chưa ghi gì"):
            cluster_sheets.commit(session, actors[OFFICE], report)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Participation)).one() == 0


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b"not a spreadsheet at all", "not_spreadsheet"),
    (workbook([["Họ và tên", "Danh hiệu"], ["Nguyễn Văn An", "LĐTT"]]), "no_header"),
    (workbook([["Tên cơ quan/đơn vị", "Điểm"], ["Sở Công Thương Lạng Sơn", 90]]), "no_scored_event"),
])
def test_a_file_that_is_not_a_member_list_is_refused_whole(engine, data, code):
    with read_session(engine) as session:
        report = check(session, data, cluster_sheets.SCORES if code == "no_scored_event" else cluster_sheets.MEMBERS)
    assert report.unreadable and [(i.row, i.code) for i in report.issues] == [(None, code)]


# --- the command line and the demo ----------------------------------------------------------------------------------


def test_clusters_json_is_the_agreed_object(monkeypatch, db_url, engine, actors):
    with write_session(engine) as session:
        cluster = cluster_of(session, "Cụm II")
        task_links.record_participation(session, actors[OFFICE], event_id=event_of(session, cluster, "ky_ket").id,
                                      member_id=us_in(session, cluster).id, done_on=date(2024, 3, 2), today=TODAY)
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    result = CliRunner().invoke(cli, ["clusters", "--year", "2024", "--json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert result.exit_code == 0 and set(data) == {"year", "clusters", "movements"}
    assert [c["code"] for c in data["clusters"]] == ["Cụm II", "Cụm III", "Nội bộ"]
    first = data["clusters"][0]
    assert first["members"] == [{"name": "Sở Công Thương Lạng Sơn", "role": "Thành viên", "is_us": True}]
    assert first["events"][0] == {"kind": "Ký kết giao ước", "due": "31/03/2024", "done": 1, "on_time": 1, "late": 0,
                                  "pending": 0}
    assert (first["participation_rate"], first["ranking"], data["movements"]) == (0.5, [], [])
    failed = CliRunner().invoke(cli, ["clusters", "--year", "2031"])
    assert failed.exit_code != 0 and "Năm 2031 chưa có cụm thi đua" in failed.output


def test_demo_fills_clusters_movements_and_keeps_our_part_equal_to_the_plan(tmp_path):
    from tdkt.seeding import demo

    path = tmp_path / "demo.db"
    demo.build(path, settings=replace(Settings(), secret_key="x" * 40), today=date(2025, 11, 1))
    engine = bootstrap(replace(Settings(), database_url=f"sqlite:///{path}", secret_key="x" * 40))[0]
    with Session(engine) as session:
        by_year = dict(session.exec(select(Movement.year, func.count()).group_by(Movement.year)).all())
        codes = {(c.year, c.code) for c in session.exec(select(Cluster)).all()}
        linked = session.exec(select(ClusterEvent, PlanTask).join(PlanTask)).all()
        ours = {p.event_id: p for p in session.exec(select(Participation).join(ClusterMember)
                                                    .where(ClusterMember.is_us)).all()}
        regular = session.exec(select(Movement, PlanTask).join(PlanTask)).all()
        v = clusters.view(session, cluster_id=cluster_of(session, "Cụm II", 2024).id)
    engine.dispose()
    assert by_year == {2022: 3, 2023: 3, 2024: 3}  # three whole past years
    assert {(y, c) for y in range(2022, 2025) for c in ("Cụm II", "Cụm III", "Nội bộ")} == codes
    assert len(linked) == 12  # four linked events a year
    for event, task in linked:
        part = ours.get(event.id)
        assert (part.done_on if part else None) == (task.completed_on if task.status == TaskStatus.XONG else None)
    assert all(m.launched_on == (t.completed_on if t.status == TaskStatus.XONG else None) for m, t in regular)
    assert len(v.members) == 6 and v.ranking["rank"].notna().sum() >= 4
