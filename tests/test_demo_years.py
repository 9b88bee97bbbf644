"""The demo database by year: cluster members under the names they had that year, and nominations in the year before
the first full one, so that the first year's comparisons are not against nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tdkt.awards import stats
from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.core.models import Cluster, ClusterMember, Nomination, NominationStatus, PastAward, Plan
from tdkt.core.submission_tables import SubmissionState
from tdkt.reports import charts, reports
from tdkt.seeding import demo
from tdkt.submissions import submissions

TODAY = date(2026, 12, 2)  # the demo's full years: 2023–2025


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo_years") / "demo.db"
    demo.build(path, settings=replace(Settings(), secret_key="x" * 40, file_store=str(path.parent / "files")),
               today=TODAY)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def test_each_years_clusters_name_their_members_as_they_were_named_that_year(demo_engine):
    with Session(demo_engine) as session:
        members = session.exec(select(Cluster.year, Cluster.code, ClusterMember.name).join(
            ClusterMember, ClusterMember.cluster_id == Cluster.id)).all()
    by_year = {}
    for year, _code, name in members:
        by_year.setdefault(year, set()).add(name)
    assert sorted(by_year) == [2023, 2024, 2025]
    for year, names in by_year.items():
        for formed_name, (formed, before) in demo.FORMED.items():
            assert (formed_name in names) == (year >= formed), (year, formed_name)
            assert (before in names) == (year < formed), (year, before)
    assert "Sở Nông nghiệp và Phát triển nông thôn" in by_year[2024]
    assert "Sở Nông nghiệp và Môi trường" in by_year[2025]


def test_member_names_follow_the_year_of_a_merger():
    assert "Sở Nông nghiệp và Môi trường" not in demo.member_names("Cụm II", 2024)
    assert demo.member_names("Cụm II", 2025)[1] == "Sở Nông nghiệp và Môi trường"
    assert len(demo.member_names("Cụm II", 2024)) == len(demo.member_names("Cụm II", 2025))
    assert demo.member_names("Nội bộ", 2024) == []


def test_the_year_before_the_first_full_one_has_nominations_and_decisions_but_no_plan(demo_engine):
    with Session(demo_engine) as session:
        plans = sorted(session.exec(select(Plan.year)).all())
        nominated = dict(session.exec(select(Nomination.year, func.count()).group_by(Nomination.year)).all())
        decided = session.exec(select(func.count()).select_from(Nomination).where(
            Nomination.year == 2022, Nomination.status == NominationStatus.CO_QUYET_DINH)).one()
        past = sorted(set(session.exec(select(PastAward.year)).all()))
    assert plans == [2023, 2024, 2025]
    assert sorted(nominated) == [2022, 2023, 2024, 2025] and nominated[2022] > 20 and decided > 0
    assert past == [2020, 2021]  # the history before the app stops where its nominations begin: nothing twice


def test_the_first_full_years_comparisons_have_a_previous_year(demo_engine):
    with Session(demo_engine) as session:
        whole = reports.figures(session, year=2023, period="year", as_of=TODAY)
        h1 = reports.figures(session, year=2023, period="h1", as_of=TODAY)
        found = stats.years(session)
    assert sum(whole["previous"]["nominations"].values()) > 0 and sum(whole["previous"]["decisions"].values()) > 0
    assert sum(h1["decisions"].values()) > 0  # the 2022 decisions, dated January 2023
    assert charts.default_span(found, 2023) == (2022, 2023)
    assert charts.default_span(found, 2025) == (2022, 2025)


def test_every_units_dossier_of_a_past_year_is_submitted_on_its_received_day_and_accepted(demo_engine):
    with Session(demo_engine) as session:
        states = {year: submissions.unit_states(session, year=year, today=TODAY, documents=False)
                  for year in (2022, 2025)}
        waiting = submissions.watch(session, year=2025, today=TODAY)
        received = session.exec(select(Nomination.received_on).where(Nomination.year == 2025)).all()
    assert all(s.state == SubmissionState.DA_TIEP_NHAN for found in states.values() for s in found)
    assert len(states[2025]) >= 7 and all(s.days_late is None for s in states[2025])
    assert waiting == [] or waiting is None  # Tổng quan lists no unit as late on the demo's default year
    assert {s.submitted_on for s in states[2025] if s.nominations} == set(received)
