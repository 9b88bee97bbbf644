"""Cụm thi đua & giao ước and Phong trào thi đua under AppTest: every role reads, only the Office writes, and what the
Office records lands in the database and in the heatmap (the refusal itself: tests/test_clusters.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tdkt.core.db import make_engine, read_session
from tdkt.core.models import Cluster, ClusterEvent, ClusterMember, Movement, Participation, PlanTask, TaskStatus
from tests.test_pages import ROLES, signed_in, titles

PAGES = {
    "pages/cum_thi_dua.py": ("Cụm thi đua & giao ước năm 2024", "luu_tham_gia"),
    "pages/phong_trao.py": ("Phong trào thi đua năm 2024", "them_phong_trao_btn"),
}


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def heatmap_z(at, index: int = 0) -> list[list[int]]:
    """Return the status codes of a heatmap drawn on the page (0 on time, 1 late, 2 not yet, 3 not applicable)."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"][0]["z"]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_page_and_only_the_office_gets_the_forms(app_env, role, page):
    at = signed_in(app_env, role, page)
    title, save = PAGES[page]
    assert not at.exception and not at.error
    assert titles(at) == [title]
    keys = [b.key for b in at.button]
    if role == "van_phong":
        assert save in keys
    else:
        assert save not in keys and [b.label for b in at.button if b.form_id] == []
    if page == "pages/cum_thi_dua.py":
        assert [m.label for m in at.metric] == [
            "Cụm II: tỷ lệ tham gia", "Cụm III: tỷ lệ tham gia", "Nội bộ: tỷ lệ tham gia"]
        assert len(at.get("plotly_chart")) == 3  # one heatmap per cluster; nothing scored yet, so no ranking
        assert len(at.get("download_button")) == 4  # all tables, then one per cluster
    else:
        assert at.info[0].value == "Năm 2024 chưa có phong trào thi đua nào được đăng ký."


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_records_our_covenant_signing_and_the_heatmap_and_the_plan_follow(app_env, app_engine):
    at = signed_in(app_env, "van_phong", "pages/cum_thi_dua.py")
    assert heatmap_z(at) == [[2, 2]]
    event_id, member_id = at.selectbox(key="rec_event").value, at.selectbox(key="rec_member").value
    suffix = f"{event_id}_{member_id}"
    at.radio(key=f"rec_state_{suffix}").set_value("Đã thực hiện")
    at.date_input(key=f"rec_done_{suffix}").set_value(date(2024, 3, 20))
    at.text_input(key=f"rec_doc_{suffix}").input("35/GUTĐ-CII")
    at.button(key="luu_tham_gia").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Đã ghi nhận Sở Công Thương Lạng Sơn — Ký kết giao ước thi đua: Đúng hạn. "
        "Đã cập nhật nhiệm vụ 3 quý 1 của kế hoạch."]
    assert heatmap_z(at) == [[0, 2]]
    with read_session(app_engine) as session:
        part = session.exec(select(Participation).where(Participation.event_id == event_id,
                                                        Participation.member_id == member_id)).one()
        event, member = session.get(ClusterEvent, event_id), session.get(ClusterMember, member_id)
        task = session.get(PlanTask, event.task_id)
        cluster = session.get(Cluster, event.cluster_id)
    assert (cluster.code, member.is_us, part.done_on, part.document) == (
        "Cụm II", True, date(2024, 3, 20), "35/GUTĐ-CII")
    assert (task.quarter, task.number, task.status, task.evidence) == (1, 3, TaskStatus.XONG, "35/GUTĐ-CII")


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_registers_the_regular_movement_and_task_q1_1_is_done(app_env, app_engine):
    at = signed_in(app_env, "van_phong", "pages/phong_trao.py")
    at.text_input(key="mv_new_name").input("Thi đua hoàn thành thắng lợi nhiệm vụ năm 2024")
    at.text_input(key="mv_new_document").input("05/KH-SCT")
    at.date_input(key="mv_new_launched").set_value(date(2024, 1, 20))
    at.button(key="them_phong_trao_btn").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã đăng ký phong trào “Thi đua hoàn thành thắng lợi nhiệm vụ năm 2024”."]
    assert list(at.dataframe[0].value["Tình trạng"]) == ["Đang triển khai"]
    assert [m.value for m in at.metric] == ["0", "1", "0"]
    with read_session(app_engine) as session:
        movement = session.exec(select(Movement)).one()
        task = session.get(PlanTask, movement.task_id)
    assert (task.quarter, task.number, task.status, task.completed_on) == (1, 1, TaskStatus.XONG, date(2024, 1, 20))
