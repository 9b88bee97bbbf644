"""Tổng quan as the leadership view: the overdue rule shared with the review report, the figures, the old-plan notice
and its copy, and the page's three charts by role."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, select

from tdkt.core import permissions
from tdkt.core.db import make_engine, write_session
from tdkt.core.models import AuditLog, Award, Nomination, Role, TaskStatus, Unit, User
from tdkt.plan import plan as plan_module
from tdkt.reports import overview, reports
from tests.test_pages import signed_in, titles


def h1_overdue_on_both(session: Session, as_of: date) -> tuple[int, int]:
    """Return (the plan page's overdue tasks due in H1 2024, the six-month report's) as of a day."""
    frame = plan_module.tasks(session, year=2024, as_of=as_of)
    page = int(frame[frame["due_on"] <= date(2024, 6, 30)]["overdue"].sum())
    return page, reports.figures(session, year=2024, period="h1", as_of=as_of)["tasks"]["overdue"]


def test_a_task_due_on_the_periods_last_day_is_overdue_the_next_day_on_the_plan_page_and_in_the_report(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 7, 1))
        due_last_day = int((frame["due_on"] == date(2024, 6, 30)).sum())
        on_the_day = h1_overdue_on_both(session, date(2024, 6, 30))
        next_day = h1_overdue_on_both(session, date(2024, 7, 1))
        long_after = h1_overdue_on_both(session, date(2026, 12, 2))
        table = reports.task_table(session, start=date(2024, 1, 1), end=date(2024, 6, 30), as_of=date(2026, 12, 2))
    assert due_last_day >= 1  # the seeded plan's quarter II tasks fall due on 30/06
    assert on_the_day[0] == on_the_day[1]
    assert next_day == (on_the_day[0] + due_last_day,) * 2
    assert long_after == next_day  # a later day adds nothing the period did not hold
    assert set(table[table["due_on"] == date(2024, 6, 30)]["status_label"]) == {"Quá hạn"}


@pytest.mark.parametrize(("status", "due", "as_of", "overdue"), [
    (TaskStatus.CHUA, date(2024, 6, 30), date(2024, 6, 30), False),
    (TaskStatus.CHUA, date(2024, 6, 30), date(2024, 7, 1), True),
    (TaskStatus.DANG, date(2024, 6, 30), date(2024, 7, 1), True),
    (TaskStatus.XONG, date(2024, 6, 30), date(2024, 7, 1), False),
    (TaskStatus.KHONG, date(2024, 6, 30), date(2024, 7, 1), False),
])
def test_overdue_rule_at_the_due_date(status, due, as_of, overdue):
    assert plan_module.is_overdue(status, due, as_of) is overdue


def test_a_report_period_is_judged_on_the_day_after_its_end_or_earlier_while_it_runs():
    assert plan_module.period_as_of(date(2026, 12, 2), date(2024, 6, 30)) == date(2024, 7, 1)
    assert plan_module.period_as_of(date(2024, 6, 30), date(2024, 6, 30)) == date(2024, 6, 30)
    assert plan_module.period_as_of(date(2024, 5, 2), date(2024, 6, 30)) == date(2024, 5, 2)


# --- the figures (tdkt.reports.overview), on both engines ----------------------------------------------------------

def add_nominations(session: Session, unit_user: permissions.Actor) -> dict[str, int]:
    """Add 2024 nominations: three of the unit account's unit (two decided, TTLĐTT and a provincial Bằng khen), two of
    Văn phòng Sở (one decided); return the unit ids by name."""
    office = session.exec(select(Unit).where(Unit.short_name == "VP")).one()
    own = session.get(Unit, unit_user.unit_id)
    award = {a.code: a.id for a in session.exec(select(Award)).all()}

    def nominated(unit: Unit, code: str, status: str = "de_nghi") -> Nomination:
        decided = {"decision_date": date(2025, 1, 15), "decision_number": "12/QĐ-UBND",
                   "decision_authority": "Chủ tịch UBND tỉnh Lạng Sơn"} if status == "co_quyet_dinh" else {}
        return Nomination(year=2024, target="tap_the", collective_name=f"Tổ {code}", unit_id=unit.id,
                          award_id=award[code], status=status, received_on=date(2024, 12, 5), **decided)

    session.add_all([nominated(own, "TTLDTT", "co_quyet_dinh"), nominated(own, "BK_CT_UBND_TINH", "co_quyet_dinh"),
                     nominated(own, "GK_GD_SO"), nominated(office, "TTLDTT", "co_quyet_dinh"),
                     nominated(office, "TTLDTT")])
    session.flush()
    assert own.id != office.id
    return {"own": own.name, "office": office.name}


def test_award_figures_group_forms_by_level_and_a_unit_account_sees_its_own(engine, actors):
    with write_session(engine) as session:
        add_nominations(session, actors["don_vi"])
    with Session(engine) as session:
        whole = overview.leadership(session, year=2024, today=date(2026, 12, 2), actor=actors[Role.LANH_DAO])
        own = overview.leadership(session, year=2024, today=date(2026, 12, 2), actor=actors["don_vi"])
    assert (whole.figures.nominations, whole.figures.decisions, whole.scope.label) == (5, 3, "toàn Sở")
    assert (own.figures.nominations, own.figures.decisions) == (3, 2)
    assert own.scope.label == f"của {own.scope.unit_name}" and own.scope.unit_id == actors["don_vi"].unit_id
    assert whole.awards[["level_label", "award", "nominations", "decisions"]].values.tolist() == [
        ["cơ sở", "Tập thể lao động tiên tiến", 3, 2],
        ["cơ sở", "Giấy khen của Giám đốc Sở", 1, 0],
        ["tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", 1, 1],
    ]
    assert list(own.awards["nominations"]) == [1, 1, 1]
    assert whole.figures.money > own.figures.money > 0
    # The plan and the clusters stay the department's for every account.
    assert own.figures.progress == whole.figures.progress
    assert own.participation.equals(whole.participation)


def test_participation_is_the_departments_part_in_each_cluster_and_the_units_in_the_covenant(engine, actors):
    with Session(engine) as session:
        frame = overview.participation(session, year=2024)
    # The seed: Cụm II (covenant, six-month report), Cụm III (six-month report), Nội bộ (covenant); nothing done.
    assert frame[["cluster", "on_time", "late", "pending", "not_applicable"]].values.tolist()[:2] == [
        ["Cụm II", 0, 0, 2, 0], ["Cụm III", 0, 0, 1, 0]]
    assert frame.cluster.iloc[2] == "Nội bộ" and frame.pending.iloc[2] >= 2  # every unit's, not only its "us"
    assert frame.whose.iloc[2] == "các phòng, đơn vị" and frame.whose.iloc[0] != frame.whose.iloc[2]
    assert list(frame["rate"]) == [0.0, 0.0, 0.0] and frame["rank"].isna().all()


def test_a_fresh_install_says_its_newest_plan_is_of_an_earlier_year_until_it_is_copied(engine, actors):
    today = date(2026, 12, 2)
    with Session(engine) as session:
        stale = overview.stale_plan(session, today=today)
        figures = overview.leadership(session, year=2024, today=today).figures
    assert (stale.newest, stale.this_year) == (2024, 2026)
    assert "mới nhất là của năm 2024; năm 2026 chưa có kế hoạch" in stale.message
    assert (figures.progress.overdue, figures.progress.total) == (11, 11)
    assert overview.deadline_text(figures, today=today) == "đã qua"  # not "đã qua 717 ngày"
    with write_session(engine) as session:
        plan_module.copy_plan(session, actors[Role.VAN_PHONG], from_year=2024, to_year=2026)
    with Session(engine) as session:
        assert overview.stale_plan(session, today=today) is None


@pytest.mark.parametrize(("days", "deadline", "text"), [
    (13, date(2026, 12, 15), "còn 13 ngày"), (0, date(2026, 12, 2), "hôm nay"),
    (-5, date(2026, 11, 27), "đã qua 5 ngày"), (-352, date(2025, 12, 15), "đã qua")])
def test_deadline_text_counts_days_only_within_this_year(days, deadline, text):
    figures = overview.KeyFigures(year=deadline.year, progress=plan_module.progress(pd.DataFrame(
        columns=plan_module.TASK_COLUMNS)), deadline=deadline, days_to_deadline=days, covenants_signed=0,
        covenants_total=0, nominations=0, money=0)
    assert overview.deadline_text(figures, today=date(2026, 12, 2)) == text


# --- the page, under AppTest ---------------------------------------------------------------------------------------

CHARTS = {"Tiến độ kế hoạch TĐKT năm 2024 theo quý", "Tham gia cụm thi đua và giao ước nội bộ năm 2024",
          "Khen thưởng năm 2024 theo hình thức và cấp khen"}
LINKS = ["Xem từng nhiệm vụ ở trang Tiến độ kế hoạch",
         "Xem từng cụm, hoạt động, xếp hạng ở trang Cụm thi đua & giao ước",
         "Xem thống kê theo đơn vị, đối tượng, qua các năm ở trang Thống kê khen thưởng",
         "Xem, xử lý từng hồ sơ ở trang Hồ sơ đề nghị"]
STALE = ("Kế hoạch TĐKT mới nhất là của năm 2024; năm {this} chưa có kế hoạch. Các nhiệm vụ chưa hoàn thành của năm "
         "2024 đều đã qua hạn, nên hiện “Quá hạn”.")


@pytest.fixture
def app_with_nominations(app_env) -> dict[str, str]:
    """Add add_nominations' 2024 nominations to the app's database; return the units' names."""
    engine = make_engine(app_env["url"])
    with write_session(engine) as session:
        names = add_nominations(session, permissions.Actor.of(session.get(User, app_env["users"]["don_vi"])))
    engine.dispose()
    return names


def drawn(at) -> dict[str, dict]:
    """Return the page's plotly figures by title (its first line: the awards chart adds the money under it)."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {f["layout"]["title"]["text"].split("<br>")[0].replace("  ", " "): f for f in figures}


@pytest.mark.parametrize("role", ["lanh_dao", "van_phong", "don_vi", "quan_tri"])
def test_overview_draws_three_charts_with_their_numbers_links_and_bases_for_every_role(app_env, app_with_nominations,
                                                                                       role):
    at = signed_in(app_env, role)
    assert not at.exception
    assert titles(at) == ["Tổng quan công tác thi đua, khen thưởng năm 2024"]
    figures = drawn(at)
    unit = app_with_nominations["own"]
    awards_title = f"Khen thưởng năm 2024 của {unit} theo hình thức và cấp khen" if role == "don_vi" else None
    assert set(figures) == (CHARTS - {"Khen thưởng năm 2024 theo hình thức và cấp khen"} | {awards_title}
                            if awards_title else CHARTS)
    awards = figures[awards_title or "Khen thưởng năm 2024 theo hình thức và cấp khen"]
    bars = {t["name"]: t for t in awards["data"]}
    assert bars["Đề nghị"]["y"][0][:2] == ["Cấp cơ sở", "Cấp cơ sở"] and bars["Đề nghị"]["y"][0][-1] == "Cấp tỉnh"
    assert bars["Đề nghị"]["text"] == (["1", "1", "1"] if role == "don_vi" else ["3", "1", "1"])  # on the bars
    assert "Tiền thưởng theo quyết định: " in awards["layout"]["title"]["text"]
    assert [link.proto.label for link in at.get("page_link")] == LINKS
    metrics = {m.label: m.value for m in at.metric}
    if role == "don_vi":  # its own unit's figures, labelled so
        assert (metrics["Hồ sơ đề nghị của đơn vị"], metrics["Có quyết định của đơn vị"]) == ("3", "2")
        assert any(f"tiền thưởng của {unit}: theo năm thành tích 2024" in c.value for c in at.caption)
    else:
        assert (metrics["Hồ sơ đề nghị"], metrics["Có quyết định"]) == ("5", "3")
        assert any("tiền thưởng toàn Sở: theo năm thành tích 2024" in c.value for c in at.caption)
    assert metrics["Hạn nộp hồ sơ (15/12/2024)"] == "đã qua"  # a past year's deadline, not "đã qua 717 ngày"


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi", "quan_tri"])
def test_only_the_office_is_offered_to_copy_an_old_plan_to_this_year(app_env, role):
    at = signed_in(app_env, role)
    assert not at.exception
    assert STALE.format(this=date.today().year) in [w.value for w in at.warning]
    assert "tong_quan_copy_plan" not in [b.key for b in at.button]
    assert f"Văn phòng Sở sao chép kế hoạch năm 2024 sang năm {date.today().year} để theo dõi tiến độ của năm nay." \
        in [c.value for c in at.caption]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_copies_the_old_plan_to_this_year_from_the_overview_and_sees_it(app_env):
    this = date.today().year
    at = signed_in(app_env, "van_phong")
    assert STALE.format(this=this) in [w.value for w in at.warning]
    at.button(key="tong_quan_copy_plan").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        f"Đã sao chép kế hoạch năm 2024 sang năm {this}: hạn của các nhiệm vụ dời sang năm mới, mọi nhiệm vụ ở trạng "
        "thái “Chưa thực hiện”."]
    assert titles(at) == [f"Tổng quan công tác thi đua, khen thưởng năm {this}"]  # the new year is shown
    assert "tong_quan_copy_plan" not in [b.key for b in at.button] and not at.warning
    engine = make_engine(app_env["url"])
    with Session(engine) as session:
        old = plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1))
        new = plan_module.tasks(session, year=this, as_of=date(this, 1, 1))
        logged = session.exec(select(AuditLog).where(AuditLog.action == "sao_chep_ke_hoach")).all()
    engine.dispose()
    assert len(new) == len(old) == 11 and set(new["status"]) == {TaskStatus.CHUA}
    assert [d.year for d in new["due_on"]] == [this] * 11
    assert [(d.month, d.day) for d in new["due_on"]] == [(d.month, d.day) for d in old["due_on"]]
    assert new["completed_on"].isna().all() and [e.username for e in logged] == ["vanphong"]
