"""The scoring outputs' section under AppTest (the section as pages/cham_diem.py draws it): every role reads our
rank, the charts and the downloads; only the Office gets the proposal's buttons, and its click drafts once."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session
from tdkt.core.models import Nomination, User
from tdkt.core.permissions import Actor
from tests.test_pages import ROLES
from tests.test_scoring_outputs_proposals import scored_cluster

BUTTONS = {"cd_luu_so_bang_khen", "cd_de_nghi_cum", "cd_de_nghi_so"}


def section() -> None:
    """The section as the Chấm điểm page calls it, for Cụm II of 2024 (run by AppTest as a script of its own)."""
    from pages import _scoring_results
    from pages._cache import read
    from pages._common import db_read, require_page
    from tdkt.core.permissions import can
    from tdkt.scoring import views
    from tdkt.scoring.sheets import cluster_named
    from tdkt.submissions.submissions import vietnam_today

    who = require_page("xem")
    with db_read() as session:
        cluster_id = cluster_named(session, year=2024, cluster_code="Cụm II").id
    arguments = {"cluster_id": cluster_id, "today": vietnam_today(), "with_previous": can(who, "cham_diem")}
    _scoring_results.render(read(views.cluster_scoring, **arguments), actor=who, year=2024, cluster_code="Cụm II",
                            arguments=arguments)


def scored(app_env, **kwargs) -> None:
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        office = Actor.of(session.get(User, app_env["users"]["van_phong"]))
    scored_cluster(engine, office, **kwargs)
    engine.dispose()


def run(app_env, role: str) -> AppTest:
    at = AppTest.from_function(section, default_timeout=60)
    at.session_state["user_id"] = app_env["users"][role]
    return at.run()


def nominations(app_env) -> list[str]:
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        found = sorted(session.exec(select(Nomination.collective_name).where(Nomination.target == "tap_the")).all())
    engine.dispose()
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_rank_charts_and_downloads_and_only_the_office_may_propose(app_env, role):
    scored(app_env)
    at = run(app_env, role)
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric] == [("Xếp hạng của Sở", "2/4"), ("Tổng điểm", "90"),
                                                      ("Tỷ lệ đạt", "90,00%")]
    assert len(at.get("plotly_chart")) == 3  # the ranking, our groups, our rank over the years
    assert len(at.get("download_button")) == 2
    offered = {b.key for b in at.button} & BUTTONS
    assert offered == (BUTTONS if role == "van_phong" else set())
    table = at.dataframe[0].value
    assert list(table["Đơn vị"]) == ["Sở Xây dựng", "★ Sở Công Thương Lạng Sơn", "Sở Tài chính"]
    assert list(table["Đã tạo"]) == ["Chưa", "Chưa", "Chưa"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_the_office_drafts_the_cluster_proposal_once_from_the_page(app_env):
    scored(app_env)
    at = run(app_env, "van_phong")
    at.button(key="cd_de_nghi_cum").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Đã tạo 3 đề nghị ở bước “Đề nghị”: Sở Xây dựng — Cờ thi đua của Ủy ban")
    assert nominations(app_env) == ["Sở Công Thương Lạng Sơn", "Sở Tài chính", "Sở Xây dựng"]
    assert [s.startswith("Số ") for s in at.dataframe[0].value["Đã tạo"]] == [True, True, True]
    at.button(key="cd_de_nghi_cum").click().run()
    assert at.info[-1].value.startswith("Đề nghị khen thưởng của Cụm II năm 2024 đã được tạo trước đó")
    assert len(nominations(app_env)) == 3


def test_a_draft_ranking_says_why_nothing_can_be_proposed_and_disables_the_buttons(app_env):
    scored(app_env, publish=False)
    at = run(app_env, "van_phong")
    assert not at.exception
    assert any("chưa công bố: chỉ đề nghị khen thưởng theo kết quả chính thức" in w.value for w in at.warning)
    assert at.button(key="cd_de_nghi_cum").disabled and at.button(key="cd_de_nghi_so").disabled
    assert "Kết quả tạm thời — chưa công bố chính thức" in [c.value for c in at.caption]
