"""What Chấm điểm, Tiếp nhận hồ sơ and Thành phần hồ sơ read in one call per data version (#13): on the demo, the same
values as the separate functions the pages called, plain enough for the read cache, and a page's rerun reads nothing
but the signed-in user, the years and the data version."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.awards import checklist, checklist_views
from tdkt.clusters import clusters
from tdkt.clusters.cluster_years import INTERNAL
from tdkt.core import read_cache
from tdkt.core.db import make_engine, read_session
from tdkt.core.errors import Refused
from tdkt.core.models import Role, User
from tdkt.core.permissions import Actor
from tdkt.scoring import entries, outputs, proposals, ranking, round_table, rounds, sheet_frames, views
from tdkt.submissions import deadlines, reminder_views, reminders, submission_views, submissions
from tests.conftest import APP
from tests.demo_support import DEMO_TODAY, demo_app_env

YEAR = 2025  # the demo's latest plan year, whose cluster sheets are published
SECRET = "page-views-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    """A copy of the demo with its accounts past the first sign-in, the app pointed at it; yields (engine, users)."""
    with demo_app_env(demo_template, tmp_path_factory.mktemp("page_views"), secret=SECRET) as (url, users):
        engine = make_engine(url)
        yield engine, users
        engine.dispose()


def actor(session, role: Role) -> Actor:
    return Actor.of(session.exec(select(User).where(User.role == role)).first())


def test_the_scoring_view_holds_the_ranks_the_proposal_and_each_members_round_and_detail(demo):
    engine, _ = demo
    with read_session(engine) as session:
        found = read_cache.cached(session, views.cluster_choices, year=YEAR)
        assert [c.code for c in found] == [c.code for c in clusters.clusters_of(session, year=YEAR)
                                           if c.code != INTERNAL]
        for cluster in found[:1]:  # each member's views of one cluster: the ranking itself is tested elsewhere
            arguments = {"cluster_id": cluster.id, "today": DEMO_TODAY, "with_previous": True}
            view = read_cache.cached(session, views.cluster_scoring, **arguments)  # refused if it held a row
            assert view.history == tuple(outputs.our_ranks(session, cluster_code=cluster.code, year=YEAR))
            assert view.plan == proposals.plan(session, year=YEAR, cluster_code=cluster.code)
            expected = sheet_frames.criterion_frame(view.spec)
            assert list(view.criteria_table["max_points"]) == [views.points(v) for v in expected["max_points"]]
            stored = entries.entries_of(session, sheet_id=view.sheet_id)
            for member in view.result.members[:3]:
                for kind in rounds.ROUNDS:
                    shown = read_cache.cached(session, views.round_view, member_id=member.member_id, round=kind,
                                              **arguments)
                    table = round_table.round_table(view.spec, stored, member_id=member.member_id, round=kind)
                    pd.testing.assert_frame_equal(shown.table, table)
                    pd.testing.assert_frame_equal(shown.shown, round_table.shown_table(table))
                detail = read_cache.cached(session, views.member_view, member_id=member.member_id, **arguments)
                plain = ranking.member_detail(session, year=YEAR, cluster_code=cluster.code,
                                              member_id=member.member_id)
                assert list(detail.detail["self_points"]) == [views.points(v) for v in plain["self_points"]]
                assert list(detail.detail["code"]) == list(plain["code"])


def test_the_reception_views_are_the_states_and_a_units_dossier_and_a_unit_reads_only_its_own(demo):
    engine, _ = demo
    with read_session(engine) as session:
        office, unit = actor(session, Role.VAN_PHONG), actor(session, Role.DON_VI)
        view = read_cache.cached(session, submission_views.reception_view, actor=office, year=YEAR, today=DEMO_TODAY)
        assert view.deadline == deadlines.deadline_of(session, year=YEAR)
        assert list(view.states) == submissions.unit_states(session, year=YEAR, today=DEMO_TODAY, actor=office)
        assert list(view.table.columns) == [c for c in submission_views.STATE_COLUMNS.values()
                                            if c not in ("Loại đơn vị", "Hạn nộp")]
        held = next(s for s in view.states if s.nominations)
        dossier = read_cache.cached(session, submission_views.dossier_view, actor=office, year=YEAR,
                                    unit_id=held.unit_id)
        assert list(dossier.steps) == submissions.history(session, office, year=YEAR, unit_id=held.unit_id)
        pd.testing.assert_frame_equal(dossier.nominations, submission_views.unit_nominations(
            session, office, year=YEAR, unit_id=held.unit_id))
        own = read_cache.cached(session, submission_views.reception_view, actor=unit, year=YEAR, today=DEMO_TODAY)
        assert [s.unit_id for s in own.states] == [unit.unit_id]
        other = next(s.unit_id for s in view.states if s.unit_id != unit.unit_id)
        with pytest.raises(Refused):
            read_cache.cached(session, submission_views.dossier_view, actor=unit, year=YEAR, unit_id=other)


def test_the_checklist_and_reminder_views_are_the_requirements_the_addresses_and_the_days_mail(demo):
    engine, _ = demo
    with read_session(engine) as session:
        view = read_cache.cached(session, checklist_views.checklist_view, year=YEAR)
        pd.testing.assert_frame_equal(view.requirements, checklist.requirement_table(session, year=YEAR))
        assert list(view.shown["Tài liệu cần có"]) == list(view.requirements["documents"])
        assert len(view.kinds) == len(checklist.REQUIRABLE)
        mail = read_cache.cached(session, reminder_views.reminder_view, year=YEAR, today=DEMO_TODAY, agency="Sở")
        pd.testing.assert_frame_equal(mail.emails, reminders.unit_emails(session))
        assert mail.days == reminders.reminder_days(session)
        due = reminders.due_reminders(session, year=YEAR, today=DEMO_TODAY, agency="Sở")
        assert (mail.due.reminders, mail.due.skipped) == (due.reminders, due.skipped)
        assert list(mail.table["Đơn vị"]) == list(due.frame()["unit"])


# Statements a rerun may send besides the data version's: the signed-in user and the plan's years (pages/_common.py),
# and on Tiếp nhận the unit's documents (pages/_attachments.py: the unit, twice, and its attachments). Before these
# views the same reruns sent 3, 27 and 22.
ALLOWED = {"pages/cham_diem.py": 2, "pages/tiep_nhan.py": 5, "pages/thanh_phan_ho_so.py": 2}


@pytest.mark.parametrize("page", list(ALLOWED))
def test_a_rerun_of_the_page_reads_only_the_user_the_years_and_the_version(demo, page):
    engine, users = demo
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user_id"] = users["van_phong"]
    at.session_state["year"] = YEAR
    at.switch_page(page).run()
    assert not at.exception
    sa.event.listen(sa.Engine, "before_cursor_execute", seen)
    try:
        at.run()
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", seen)
    assert not at.exception
    reads = [s for s in statements if "data_version" not in s and not s.lstrip().upper().startswith(
        ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"))]
    assert len(reads) <= ALLOWED[page], reads
