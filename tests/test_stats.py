"""Award statistics on a small hand-made fixture, on SQLite and PostgreSQL: counts, trend, shares, money, the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tdkt.awards import categories, stats
from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core.models import Award, Nomination, Person, Unit

DIRECT, MANAGER = categories.DIRECT_WORKER_NAME, categories.MANAGER[0]
PUBLIC, HOUSEHOLD = categories.PUBLIC_SERVICE[0], categories.HOUSEHOLD[0]
VP, QLCN, TTKC = "Văn phòng Sở", "Phòng Quản lý Công nghiệp", "Trung tâm Khuyến công"


@pytest.fixture
def ids(engine) -> dict[str, int]:
    """Insert 8 nominations (7 in 2024, 1 in 2023) and return the ids of the units and awards they use."""
    with Session(engine) as session:
        unit = {u.short_name: u.id for u in session.exec(select(Unit)).all()}
        award = {a.code: a.id for a in session.exec(select(Award)).all()}
        vp, qlcn, ttkc = unit["VP"], unit["QLCN"], unit["TT Khuyến công"]
        named = [("Nguyễn Văn An", "Nam", vp), ("Trần Thị Bình", "Nữ", vp), ("Lê Thị Chi", "Nữ", qlcn)]
        people = [Person(full_name=n, name_key=n.lower(), gender=g, unit_id=u) for n, g, u in named]
        session.add_all(people)
        session.flush()
        a, b, c = (p.id for p in people)

        def nom(year, target, code, status, unit_id=None, category=None, person_id=None, name=None, decided=None):
            return Nomination(year=year, target=target, award_id=award[code], status=status, unit_id=unit_id,
                              category=category, person_id=person_id, collective_name=name, decision_date=decided)

        session.add_all([
            nom(2024, "ca_nhan", "LDTT", "co_quyet_dinh", vp, DIRECT, a, decided=date(2024, 12, 20)),  # 0,3 × 2.340.000
            nom(2024, "ca_nhan", "LDTT", "de_nghi", vp, MANAGER, b),
            nom(2024, "ca_nhan", "CSTD_TINH", "da_trinh", qlcn, DIRECT, c),
            nom(2024, "tap_the", "BK_BT_BCT", "co_quyet_dinh", ttkc, PUBLIC, name="Tổ Kiểm tra chất lượng",
                decided=date(2024, 6, 1)),  # 3,0 × 1.800.000 (lương cơ sở trước 01/07/2024)
            nom(2024, "tap_the", "TTLDTT", "co_quyet_dinh", ttkc, PUBLIC, name="Trung tâm Khuyến công",
                decided=date(2024, 12, 20)),  # 0,8 × 2.340.000
            nom(2024, "ho_gia_dinh", "GK_GD_SO", "hoi_dong_da_xet", None, HOUSEHOLD, name="Hộ ông Hoàng Văn Dũng"),
            nom(2024, "ca_nhan", "BK_TTG", "khong_duoc_duyet", vp, DIRECT, a),
            nom(2023, "ca_nhan", "LDTT", "co_quyet_dinh", qlcn, DIRECT, c, decided=date(2023, 12, 20)),
        ])
        session.commit()
    return {"vp": vp, "ldtt": award["LDTT"]}


EXPECTED_2024 = {
    "year": 2024,
    "nominations": 7,
    "decisions": 3,
    "by_award": {"Lao động tiên tiến": 2, "Chiến sĩ thi đua cấp tỉnh": 1, "Bằng khen của Bộ trưởng Bộ Công Thương": 1,
                 "Tập thể lao động tiên tiến": 1, "Giấy khen của Giám đốc Sở": 1,
                 "Bằng khen của Thủ tướng Chính phủ": 1},
    "by_level": {"cơ sở": 4, "tỉnh": 1, "bộ": 1, "nhà nước": 1},
    "by_target": {"ca_nhan": 4, "tap_the": 2, "ho_gia_dinh": 1},
    "by_gender": {"Nam": 2, "Nữ": 2},
    "by_unit": {VP: 3, QLCN: 1, TTKC: 2, "Chưa rõ đơn vị": 1},
    "by_status": {"Đề nghị": 1, "Hội đồng đã xét": 1, "Đã trình cấp trên": 1, "Có quyết định": 3,
                  "Không được duyệt": 1},
    "by_category": {DIRECT: 3, MANAGER: 1, PUBLIC: 2, HOUSEHOLD: 1},
    "money": 702_000 + 5_400_000 + 1_872_000,
    "dossiers": {"complete": 0, "incomplete": 7, "missing": {  # no document attached: every one lacks the three
        "Tờ trình đề nghị khen thưởng": 7, "Báo cáo thành tích theo mẫu Nghị định 98/2023/NĐ-CP": 7,
        "Biên bản bình xét thi đua, họp Hội đồng Thi đua – Khen thưởng": 7,
        "Xác nhận, công nhận sáng kiến, đề tài khoa học": 1}},  # the Chiến sĩ thi đua cấp tỉnh's initiative
}


def test_summary_counts_the_years_nominations_by_every_dimension(engine, ids):
    with Session(engine) as session:
        assert stats.summary(session, year=2024) == EXPECTED_2024


def test_summary_of_one_unit_or_one_award_counts_only_those(engine, ids):
    with Session(engine) as session:
        unit = stats.summary(session, year=2024, unit_id=ids["vp"])
        award = stats.summary(session, year=2024, award_id=ids["ldtt"])
    assert (unit["nominations"], unit["decisions"], unit["by_unit"], unit["by_gender"], unit["money"]) == (
        3, 1, {VP: 3}, {"Nam": 2, "Nữ": 1}, 702_000)
    assert (award["nominations"], award["decisions"], award["money"]) == (2, 1, 702_000)


def test_counts_put_nominations_and_decisions_side_by_side(engine, ids):
    with Session(engine) as session:
        level = stats.counts(session, dimension="level", year=2024)
        award = stats.counts(session, dimension="award", year=2024)
    assert level.to_dict("records") == [
        {"key": "co_so", "label": "cơ sở", "nominations": 4, "decisions": 2},
        {"key": "tinh", "label": "tỉnh", "nominations": 1, "decisions": 0},
        {"key": "bo", "label": "bộ", "nominations": 1, "decisions": 1},
        {"key": "nha_nuoc", "label": "nhà nước", "nominations": 1, "decisions": 0},
    ]
    assert award.iloc[0].tolist() == ["Lao động tiên tiến", "Lao động tiên tiến", 2, 1]


def test_year_of_a_nomination_is_the_achievement_year_not_the_decision_date(engine, ids):
    with Session(engine) as session:
        assert stats.summary(session, year=2023)["nominations"] == 1
        assert stats.summary(session, year=2025)["nominations"] == 0


def test_trend_counts_every_year_and_level_of_the_span(engine, ids):
    with Session(engine) as session:
        frame = stats.trend(session, first=2022, last=2024)
    assert len(frame) == 12
    by_year = frame.groupby("year")[["nominations", "decisions"]].sum()
    assert by_year.to_dict("index") == {2022: {"nominations": 0, "decisions": 0},
                                        2023: {"nominations": 1, "decisions": 1},
                                        2024: {"nominations": 7, "decisions": 3}}


def test_shares_split_decided_collectives_and_individuals(engine, ids):
    with Session(engine) as session:
        frame = stats.shares(session, year=2024)
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("Tập thể", stats.SMALL_COLLECTIVE, 1, 0.5),
        ("Tập thể", stats.OTHER_COLLECTIVE, 1, 0.5),
        ("Cá nhân", stats.DIRECT_WORKER, 1, 1.0),
        ("Cá nhân", stats.LEADER, 0, 0.0),
        ("Cá nhân", stats.OTHER_INDIVIDUAL, 0, 0.0),
    ]


@pytest.mark.parametrize(("name", "kind", "small"), [
    ("Tổ Kiểm tra chất lượng", None, True), ("Tập thể Phòng Quản lý Thương mại", None, True),
    ("Trung tâm Khuyến công", "phong", False), (None, "phong", True), ("", "truc_thuoc", False),
])
def test_small_collective_by_name_else_by_unit(name, kind, small):
    assert stats.is_small_collective(name, kind) is small


def test_cli_stats_json_is_the_summary_object(engine, ids, db_url, monkeypatch):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    runner = CliRunner()
    result = runner.invoke(cli, ["stats", "--year", "2024", "--json"], catch_exceptions=False)
    assert result.exit_code == 0 and json.loads(result.output) == EXPECTED_2024
    text = runner.invoke(cli, ["stats", "--year", "2024"], catch_exceptions=False)
    assert text.exit_code == 0 and "7 hồ sơ đề nghị, 3 có quyết định" in text.output
    assert "7.974.000 đ" in text.output


def test_a_chart_of_many_labels_keeps_the_largest_and_adds_up_the_rest():
    import pandas as pd

    from tdkt.reports import charts

    counts = pd.DataFrame({"label": [f"Đơn vị {i}" for i in range(30)], "nominations": list(range(30)),
                           "decisions": [1] * 30})
    fig = charts.award_counts(counts, title="Theo đơn vị", horizontal=True, top=5)
    labels = list(fig.data[0].y)
    assert labels == ["Đơn vị 29", "Đơn vị 28", "Đơn vị 27", "Đơn vị 26", "Các mục khác (26)"]
    assert list(fig.data[0].x) == [29, 28, 27, 26, sum(range(26))] and list(fig.data[1].x) == [1, 1, 1, 1, 26]
    assert fig.layout.title.text.endswith("(4 mục nhiều đề nghị nhất)")
    assert len(charts.award_counts(counts.head(5), title="x", top=5).data[0].x) == 5
