"""Tiếp nhận hồ sơ names who took each step by display name, never by sign-in name (issue #20): a step of an account
by its display name, a step taken without one (the demo's generator, the command line) by what took it."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Role, User
from tdkt.core.permissions import Actor
from tdkt.submissions import submission_views, submissions
from tests.conftest import APP
from tests.demo_support import DEMO_TODAY

PAGE = "pages/tiep_nhan.py"
WHO = "Người thực hiện"


def _page(users: dict, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user_id"] = users[role]
    at.switch_page(PAGE)
    return at.run()


def _shown(at: AppTest) -> tuple[set[str], str]:
    """Every "Người thực hiện" cell of the page's tables, and its texts with its cells (to look for sign-in names)."""
    frames = [e.value for e in at.dataframe]
    who = {str(v) for f in frames if WHO in f.columns for v in f[WHO] if v}
    texts = " ".join([m.value for m in at.markdown] + [str(v) for f in frames for v in f.to_numpy().ravel()])
    return who, texts


def test_the_demos_steps_are_shown_by_what_took_them(demo_template):
    """What the page shows of the demo (reception_view's table, dossier_view's history), read as the page reads it."""
    engine = make_engine(f"sqlite:///{demo_template}")
    with read_session(engine) as session:
        office = Actor.of(session.exec(select(User).where(User.role == Role.VAN_PHONG)).one())
        view = submission_views.reception_view(session, actor=office, year=2025, today=DEMO_TODAY)
        histories = [submission_views.dossier_view(session, actor=office, year=2025, unit_id=s.unit_id).steps_table
                     for s in view.states if s.submission_id is not None]
    engine.dispose()
    assert set(view.table[WHO]) - {""} == {"Dữ liệu minh họa"} and histories
    assert {v for h in histories for v in h[WHO]} == {"Dữ liệu minh họa"}  # the demo's generator took every step


def test_an_accounts_steps_are_shown_by_its_display_name(app_env):
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        account = session.exec(select(User).where(User.role == Role.DON_VI)).one()
        unit, unit_name = Actor.of(account), account.display_name
    with write_session(engine) as session:
        submissions.submit(session, unit, year=2024)
    engine.dispose()
    at = _page(app_env["users"], "van_phong")
    assert not at.exception
    who, texts = _shown(at)
    assert who == {unit_name}  # the units' table and the unit's history
    assert unit.username not in texts and f"({unit_name})" in texts


@pytest.mark.parametrize(("username", "shown"),
                         [("minh_hoa", "Dữ liệu minh họa"), ("dòng lệnh", "Dòng lệnh (máy chủ)")])
def test_a_step_without_an_account_is_named_for_people(engine, actors, username, shown):
    unit = actors[Role.DON_VI]
    with write_session(engine) as session:
        submissions.submit(session, Actor(id=None, username=username, role=Role.DON_VI, unit_id=unit.unit_id),
                           year=2024)
    with read_session(engine) as session:
        [step] = submissions.history(session, actors[Role.VAN_PHONG], year=2024, unit_id=unit.unit_id)
    assert step["by"] == shown
