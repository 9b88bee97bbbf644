"""The demo's latest year at its year end: units' registrations, a council that met and voted, nominations at every
step, the drafts in the register; and Hội đồng TĐKT, Đăng ký thi đua and Văn bản show them."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tdkt.core.council_tables import CouncilAttendance, CouncilMember, CouncilVote
from tdkt.core.db import make_engine
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.file_store import FileStore
from tdkt.core.models import Award, Cluster, ClusterMember, Nomination, NominationStatus
from tdkt.core.registration_tables import Registration
from tdkt.registrations import registration_stats, registrations
from tdkt.seeding import demo
from tests.conftest import APP, SECRET
from tests.demo_support import demo_app_env, demo_files

S = NominationStatus
YEAR = 2025  # the latest of the demo's full years as of DEMO_TODAY, the pages' default year


@pytest.fixture(scope="module")
def demo_engine(demo_template):
    engine = make_engine(f"sqlite:///{demo_template}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_app(demo_template, tmp_path_factory):
    """A copy of the demo with its accounts past the first sign-in; the app pointed at it and at its file store."""
    with demo_app_env(demo_template, tmp_path_factory.mktemp("year_end"), secret=SECRET, with_files=True) as (_, users):
        yield users


def _page(users: dict, page: str, role: str = "van_phong") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user_id"] = users[role]
    at.run()
    assert any("Dữ liệu minh họa" in w.value for w in at.sidebar.warning)  # app.py's sidebar, not the page's run
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_the_latest_year_has_nominations_at_every_step_and_earlier_years_are_decided(demo_engine):
    with Session(demo_engine) as session:
        steps = Counter(session.exec(select(Nomination.year, Nomination.status)).all())
    assert {status for (year, status) in steps if year == YEAR} == {S.DE_NGHI, S.HOI_DONG, S.DA_TRINH,
                                                                     S.CO_QUYET_DINH}
    assert {status for (year, status) in steps if year < YEAR} == {S.CO_QUYET_DINH, S.KHONG_DUYET}


def test_the_council_has_its_four_roles_met_with_one_absent_voting_in_writing_and_one_absent(demo_engine):
    with Session(demo_engine) as session:
        roles = Counter(session.exec(select(CouncilMember.role).where(CouncilMember.year == YEAR)).all())
        marks = Counter(session.exec(select(CouncilAttendance.attendance)).all())
        chair = session.exec(select(CouncilMember.position).where(CouncilMember.role == "chu_tich")).one()
    assert roles == {"chu_tich": 1, "pho_chu_tich": 2, "uy_vien_thu_ky": 1, "uy_vien": 7}
    assert chair == "Giám đốc Sở"
    assert marks == {"co_mat": 9, "vang_bo_phieu_bang_van_ban": 1, "vang": 1}


def test_the_tallies_pass_some_and_fail_some_and_the_steps_follow_them(demo_engine):
    with Session(demo_engine) as session:
        voted = session.exec(select(Award.code, CouncilVote.passed, Nomination.status, Nomination.votes_for,
                                    CouncilVote.votes_for).join(Nomination, CouncilVote.nomination_id == Nomination.id)
                             .join(Award, Nomination.award_id == Award.id)).all()
    assert {code for code, *_ in voted} >= {"CSTDCS", "CO_UBND_TINH"}
    assert {passed for _code, passed, *_ in voted} == {True, False}
    for code, passed, status, on_nomination, in_tally in voted:
        assert on_nomination == in_tally, code
        assert (status != S.DE_NGHI) == passed, (code, status)  # the failed stay "Đề nghị", the passed moved on
    flags = sorted((passed, status) for code, passed, status, *_ in voted if code == "CO_UBND_TINH")
    assert flags == [(False, S.DE_NGHI), (True, S.DA_TRINH)]


def test_registrations_of_several_units_come_before_the_deadline_and_are_partly_proposed_and_decided(demo_engine):
    with Session(demo_engine) as session:
        rows = session.exec(select(Registration)).all()
        deadline = {y: registrations.deadline_of(session, year=y) for y in (YEAR - 1, YEAR)}
        totals = {y: registration_stats.totals(registration_stats.progress(session, year=y, actor=None))
                  for y in (YEAR - 1, YEAR)}
    assert {r.year for r in rows} == {YEAR - 1, YEAR}
    assert all(r.registered_on <= deadline[r.year] for r in rows)
    assert 3 <= len({r.unit_id for r in rows if r.year == YEAR}) < 6  # several units, not every one
    for found in totals.values():
        assert found["registered"] > found["proposed"] > found["decided"] > 0


def test_the_drafts_made_are_in_the_register_with_their_files(demo_engine, demo_template):
    with Session(demo_engine) as session:
        documents = session.exec(select(GeneratedDocument).order_by(GeneratedDocument.id)).all()
    assert [(d.year, d.kind) for d in documents] == [(YEAR, "cong_khai"), (YEAR, "quyet_dinh"), (YEAR, "to_trinh")]
    store = FileStore(str(demo_files(demo_template)))
    assert all(store.exists(d.sha256) for d in documents)


def test_each_years_clusters_keep_that_years_names_and_the_year_before_has_decisions(demo_engine):
    with Session(demo_engine) as session:
        names = set(session.exec(select(Cluster.year, ClusterMember.name).join(
            ClusterMember, ClusterMember.cluster_id == Cluster.id)).all())
        before = session.exec(select(sa.func.count()).select_from(Nomination).where(
            Nomination.year == 2022, Nomination.status == S.CO_QUYET_DINH)).one()
    merged, (formed, old) = next(iter(demo.FORMED.items()))
    assert {year for year, name in names if name == merged} == {y for y in (2023, 2024, 2025) if y >= formed}
    assert {year for year, name in names if name == old} == {y for y in (2023, 2024, 2025) if y < formed}
    assert before > 0


def test_the_council_page_shows_its_members_meeting_and_tallies_on_the_demo(demo_app):
    at = _page(demo_app, "pages/hoi_dong.py")
    assert at.title[0].value == f"Hội đồng Thi đua - Khen thưởng năm {YEAR}"
    assert any("Hội đồng có 11 thành viên" in c and "Họp vòng 1 ngày 23/12/2025" in c for c in _texts(at, "caption"))
    assert not [i for i in _texts(at, "info") if i.startswith("Chưa")]
    assert any(len(frame.value) >= 11 for frame in at.dataframe)  # attendance (and tallies) listed


def test_the_registration_page_lists_the_years_registrations_on_the_demo(demo_app):
    at = _page(demo_app, "pages/dang_ky.py")
    assert not [i for i in _texts(at, "info") if i.startswith("Chưa có đăng ký")]
    assert any(len(frame.value) > 10 for frame in at.dataframe)


def test_the_documents_page_lists_the_register_and_has_drafts_to_make_on_the_demo(demo_app):
    at = _page(demo_app, "pages/van_ban.py")
    assert at.title[0].value == f"Văn bản năm {YEAR}"
    register = next(frame.value for frame in at.dataframe if "Loại văn bản" in frame.value.columns
                    and "Tệp" in frame.value.columns)
    assert sorted(register["Tệp"]) == ["cong_khai_2025.docx", "quyet_dinh_2025.docx", "to_trinh_tinh_2025.docx"]
    assert not any("không còn tệp" in c for c in _texts(at, "caption"))
    made = {b.key: b.disabled for b in at.button if b.key and b.key.startswith("vb_soan_")}
    assert made["vb_soan_quyet_dinh"] is False and made["vb_soan_to_trinh"] is False
