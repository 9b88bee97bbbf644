"""The statistics page under AppTest: every role reads it; charts with their tables when the year has data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tdkt.awards import categories
from tdkt.core.db import make_engine
from tdkt.core.models import Award, Nomination, Person, Unit
from tests.test_pages import ROLES, signed_in, titles

PAGE = "pages/thong_ke.py"
TITLE = "Thống kê khen thưởng năm 2024"


@pytest.fixture
def with_nominations(app_env) -> None:
    """Add two 2024 nominations to the app's database: one decided LĐTT, one collective still proposed."""
    engine = make_engine(app_env["url"])
    with Session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.short_name == "VP")).one()
        award = {a.code: a.id for a in session.exec(select(Award)).all()}
        person = Person(full_name="Nguyễn Văn An", name_key="nguyen van an", gender="Nam", unit_id=unit.id)
        session.add(person)
        session.flush()
        session.add_all([
            Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award["LDTT"],
                       category=categories.DIRECT_WORKER_NAME, status="co_quyet_dinh",
                       decision_date=date(2024, 12, 20)),
            Nomination(year=2024, target="tap_the", collective_name="Tổ Tổng hợp", unit_id=unit.id,
                       award_id=award["TTLDTT"], status="de_nghi"),
        ])
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("role", ROLES)
def test_stats_page_draws_charts_with_their_numbers_for_every_role(app_env, with_nominations, role):
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert len(at.get("plotly_chart")) >= 3 and len(at.dataframe) == len(at.get("plotly_chart"))
    assert [m.value for m in at.metric] == ["2", "1", "702.000 đ"]
    assert not at.info


@pytest.mark.parametrize("role", ROLES)
def test_stats_page_says_so_when_the_year_has_no_nominations(app_env, role):
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert [i.value for i in at.info] == ["Chưa có hồ sơ đề nghị khen thưởng nào cho năm 2024 với bộ lọc đã chọn."]
    assert len(at.get("plotly_chart")) == 1  # only the trend, all zeros


def test_stats_page_counts_only_the_chosen_award(app_env, with_nominations):
    at = signed_in(app_env, "lanh_dao", PAGE)
    assert at.selectbox(key="stats_award").options == [
        "Tất cả danh hiệu, hình thức", "Lao động tiên tiến", "Tập thể lao động tiên tiến"]
    at.selectbox(key="stats_award").select_index(1).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "1", "702.000 đ"]


def test_stats_page_judges_the_years_nominations_when_asked(app_env, with_nominations):
    at = signed_in(app_env, "lanh_dao", PAGE)
    at.toggle(key="stats_rules").set_value(True).run()
    assert not at.exception
    assert "2 đề nghị chưa đủ điều kiện theo luật." in [w.value for w in at.warning]
    lines = [m.value for m in at.markdown]
    assert "**Nguyễn Văn An** — Lao động tiên tiến (Văn phòng Sở)" in lines
    assert "**Tổ Tổng hợp** — Tập thể lao động tiên tiến (Văn phòng Sở)" in lines
    reasons = [c.value for c in at.caption]
    assert any("Điều 24" in r for r in reasons)
    # Its one member is LĐTT: only the collective's own missing rating is held against Tổ Tổng hợp.
    assert any("Điều 28" in r and "của tập thể" in r for r in reasons)
