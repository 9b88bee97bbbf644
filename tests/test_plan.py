"""Plan progress, task updates with permissions and audit, adding/editing tasks, copying a plan."""

from datetime import date

import pytest
from sqlmodel import Session, func, select

from tdkt.clusters import task_links
from tdkt.core.db import write_session
from tdkt.core.models import AuditLog, PlanTask, PlanTaskUnit, Role, TaskStatus, Unit, User
from tdkt.core.permissions import PermissionDenied
from tdkt.plan import plan as plan_module


def _task(session, quarter, number, year=2024):
    frame = plan_module.tasks(session, year=year, as_of=date(year, 1, 1))
    return int(frame[(frame.quarter == quarter) & (frame.number == number)].id.iloc[0])


def test_task_overdue_when_due_date_passed(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 4, 1))
    assert frame.groupby("status_label").size().to_dict() == {"Quá hạn": 4, "Chưa thực hiện": 7}


def test_task_not_overdue_on_its_due_date(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 3, 31))
    assert not frame.overdue.any()


def test_progress_by_quarter_counts_every_quarter_and_status(engine):
    with Session(engine) as session:
        counts = plan_module.by_quarter(plan_module.tasks(session, year=2024, as_of=date(2024, 7, 1)))
    got = counts[counts.n > 0].set_index(["quarter", "status_label"]).n.to_dict()
    assert got == {(1, "Quá hạn"): 4, (2, "Quá hạn"): 1, (3, "Chưa thực hiện"): 2, (4, "Chưa thực hiện"): 4}
    assert len(counts) == 4 * len(plan_module.STATUS_ORDER)


def test_progress_by_unit_explodes_shared_tasks(engine):
    with Session(engine) as session:
        counts = plan_module.by_unit(plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1)))
    assert counts.groupby("unit").n.sum().to_dict() == {
        "Văn phòng Sở": 8, "HĐ TĐKT": 7, "Các phòng, đơn vị trực thuộc Sở": 3, "Công đoàn": 1}


def test_office_marks_a_task_done_with_date_and_evidence(engine, actors):
    with write_session(engine) as session:
        task_id = _task(session, 1, 3)
        task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=task_id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 3, 20), evidence="15/BC-SCT", today=date(2024, 4, 1))
    with Session(engine) as session:
        task = session.get(PlanTask, task_id)
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 4, 1))
        entry = session.exec(select(AuditLog).where(AuditLog.action == "cap_nhat_nhiem_vu")).one()
    assert (task.status, task.completed_on, task.evidence) == ("hoan_thanh", date(2024, 3, 20), "15/BC-SCT")
    assert plan_module.progress(frame).done == 1 and plan_module.progress(frame).overdue == 3
    assert '"status": "chua_thuc_hien"' in entry.before and '"status": "hoan_thanh"' in entry.after


def test_done_task_needs_a_completion_date_not_in_the_future(engine, actors):
    with write_session(engine) as session:
        task_id = _task(session, 1, 3)
        with pytest.raises(plan_module.PlanError, match="ngày hoàn thành"):
            task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=task_id, status=TaskStatus.XONG)
        with pytest.raises(plan_module.PlanError, match="sau hôm nay"):
            task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=task_id, status=TaskStatus.XONG,
                                          completed_on=date(2024, 5, 1), today=date(2024, 4, 1))


@pytest.mark.parametrize("role", [Role.LANH_DAO, Role.QUAN_TRI])
def test_reading_roles_cannot_update_a_task(engine, actors, role):
    with write_session(engine) as session:
        task_id = _task(session, 1, 3)
        with pytest.raises(PermissionDenied, match="không có quyền"):
            task_links.update_task_status(session, actors[role], task_id=task_id, status=TaskStatus.DANG)


def test_unit_user_updates_own_units_task_but_not_another_units(engine, actors):
    unit_actor = actors[Role.DON_VI]
    with write_session(engine) as session:
        own = _task(session, 1, 4)  # Văn phòng Sở's task
        vp = session.exec(select(Unit).where(Unit.name == "Văn phòng Sở")).one()
        user = session.get(User, unit_actor.id)
        with pytest.raises(PermissionDenied, match="chính đơn vị mình"):
            task_links.update_task_status(session, unit_actor, task_id=own, status=TaskStatus.DANG)
        user.unit_id = vp.id
        session.add(user)
    from tdkt.core.permissions import Actor

    moved = Actor(id=unit_actor.id, username=unit_actor.username, role=Role.DON_VI, unit_id=vp.id)
    with write_session(engine) as session:
        task_links.update_task_status(session, moved, task_id=own, status=TaskStatus.DANG)
        assert own in plan_module.editable_task_ids(session, moved, year=2024)
        assert _task(session, 1, 1) in plan_module.editable_task_ids(session, moved, year=2024)
        assert _task(session, 1, 2) not in plan_module.editable_task_ids(session, moved, year=2024)


def test_office_adds_a_task_numbered_after_the_quarters_last(engine, actors):
    with write_session(engine) as session:
        task = plan_module.add_task(session, actors[Role.VAN_PHONG], year=2024, quarter=3,
                                    content="Kiểm tra hồ sơ khen thưởng.", units=["Văn phòng Sở", "Tổ công tác mới"])
        links = session.exec(select(PlanTaskUnit).where(PlanTaskUnit.task_id == task.id)).all()
    assert (task.number, task.due_on) == (4, date(2024, 9, 30))
    assert [(link.label, link.unit_id is not None) for link in links] == [
        ("Văn phòng Sở", True), ("Tổ công tác mới", False)]


def test_adding_a_task_without_units_is_refused_and_writes_nothing(engine, actors):
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(PlanTask)).one()
    with pytest.raises(plan_module.PlanError, match="đơn vị"):
        with write_session(engine) as session:
            plan_module.add_task(session, actors[Role.VAN_PHONG], year=2024, quarter=1, content="X", units=[])
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(PlanTask)).one() == before


def test_office_edits_a_task_and_the_audit_keeps_before_and_after(engine, actors):
    with write_session(engine) as session:
        task_id = _task(session, 2, 1)
        plan_module.edit_task(session, actors[Role.VAN_PHONG], task_id=task_id, quarter=2, number=1,
                              content="Sửa đổi quy chế làm việc của Hội đồng TĐKT.", units=["HĐ TĐKT"],
                              due_on=date(2024, 5, 31))
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1))
        entry = session.exec(select(AuditLog).where(AuditLog.action == "sua_nhiem_vu")).one()
    row = frame[frame.id == task_id].iloc[0]
    assert (row.content, row.units, row.due_on) == ("Sửa đổi quy chế làm việc của Hội đồng TĐKT.", ["HĐ TĐKT"],
                                                    date(2024, 5, 31))
    assert "Văn phòng Sở" in entry.before and "Văn phòng Sở" not in entry.after


def test_unit_user_cannot_add_or_edit_tasks(engine, actors):
    with write_session(engine) as session:
        with pytest.raises(PermissionDenied):
            plan_module.add_task(session, actors[Role.DON_VI], year=2024, quarter=1, content="X", units=["VP"])


def test_copy_plan_to_new_year_resets_status_and_shifts_dates(engine, actors):
    with write_session(engine) as session:
        task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=_task(session, 1, 1),
                                      status=TaskStatus.DANG)
        plan_module.copy_plan(session, actors[Role.VAN_PHONG], from_year=2024, to_year=2025)
    with Session(engine) as session:
        new = plan_module.tasks(session, year=2025, as_of=date(2025, 1, 1))
        old = plan_module.tasks(session, year=2024, as_of=date(2025, 1, 1))
        assert plan_module.years(session) == [2025, 2024] and plan_module.default_year(session) == 2025
        assert plan_module.get_plan(session, year=2025).title == "Công tác thi đua, khen thưởng năm 2025"
    assert list(new.quarter) == list(old.quarter) and list(new.number) == list(old.number)
    assert set(new.status) == {"chua_thuc_hien"}
    assert new.due_on.iloc[0] == date(2025, 3, 31)
    assert new.content.iloc[1] == "Tổ chức ký kết giao ước thi đua năm 2025."
    assert list(new.units) == list(old.units)


def test_copy_plan_onto_an_existing_year_is_refused(engine, actors):
    with write_session(engine) as session:
        with pytest.raises(plan_module.PlanError, match="đã có kế hoạch"):
            plan_module.copy_plan(session, actors[Role.VAN_PHONG], from_year=2024, to_year=2024)


def test_plan_object_matches_the_cli_contract(engine):
    with Session(engine) as session:
        data = plan_module.plan_object(session, year=2024, as_of=date(2024, 4, 1))
    assert (data["year"], data["number"], data["date"], data["title"], data["signer"]) == (
        2024, None, "12/01/2024", "Công tác thi đua, khen thưởng năm 2024", "Nguyễn Đình Đại")
    assert data["tasks"][0] == {
        "quarter": 1, "number": 1,
        "content": "Phát động phong trào thi đua trong ngành phần đầu hoàn thành các chỉ tiêu kế hoạch được giao "
                   "năm 2024.",
        "units": ["Công đoàn", "Văn phòng Sở"], "status": "Quá hạn", "due": "31/03/2024", "completed": None,
        "evidence": None,
    }
    assert [t["number"] for t in data["tasks"] if t["quarter"] == 3] == [2, 3]
