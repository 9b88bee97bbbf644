"""The cluster rank kept beside a nomination (tdkt.core.cluster_standings) and the Cờ thi đua's rule that reads it:
leading the cluster passes, a lower rank fails with the rank said, no rank on record leaves it to the council."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tdkt.awards import eligibility, nominations
from tdkt.awards.rules import table
from tdkt.core import cluster_standings
from tdkt.core.cluster_standings import Standing
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Nomination, Role

CO_TINH, CO_BCT = "Cờ thi đua của Ủy ban nhân dân tỉnh", "Cờ thi đua của Bộ Công Thương"


def flag(engine, office, name: str, award: str = CO_TINH) -> int:
    with write_session(engine) as session:
        nomination, _ = nominations.add(session, office, nominations.NominationInput(
            year=2024, target="tap_the", name=name, award=award))
        return nomination.id


def standing(nomination_id: int, rank: int, code: str = "Cụm II") -> Standing:
    return Standing(nomination_id=nomination_id, year=2024, cluster_code=code, cluster_name=f"Cụm thi đua {code[4:]}",
                    member="Sở Xây dựng", rank=rank, ranked=6, percent=97.5, award_code="CO_UBND_TINH")


def cluster_failures(engine, office, nomination_id: int) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        (finding,) = eligibility.judge_nominations(session, year=2024, actor=office, nomination_ids=[nomination_id],
                                                   include_passing=True, today=date(2025, 1, 15))
    return [(f["rule"], f["reason"]) for f in finding.failures if f["rule"].startswith("CO-CUM")]


@pytest.mark.parametrize(("award", "rule"), [(CO_TINH, "CO-CUM-1"), (CO_BCT, "CO-CUM-BCT")])
def test_a_flag_fails_on_a_rank_below_the_first_and_passes_on_the_first(engine, actors, award, rule):
    office = actors[Role.VAN_PHONG]
    second, first = flag(engine, office, "Sở Xây dựng", award), flag(engine, office, "Sở Tài chính", award)
    with write_session(engine) as session:
        cluster_standings.link(session, standing(second, 2))
        cluster_standings.link(session, standing(first, 1))
    assert cluster_failures(engine, office, second) == [
        (rule, "Tập thể xếp hạng 2/6 Cụm thi đua II năm 2024, không dẫn đầu cụm: Cờ thi đua tặng tập thể dẫn đầu "
               "cụm, khối thi đua.")]
    assert cluster_failures(engine, office, first) == []


def test_a_flag_without_a_rank_on_record_is_left_to_the_council(engine, actors):
    office = actors[Role.VAN_PHONG]
    nomination_id = flag(engine, office, "Sở Xây dựng")
    assert cluster_failures(engine, office, nomination_id) == []
    with read_session(engine) as session:
        (finding,) = eligibility.judge_nominations(session, year=2024, actor=office, nomination_ids=[nomination_id],
                                                   include_passing=True, today=date(2025, 1, 15))
    assert table.MANUAL_RULE_ID in [p["rule"] for p in finding.pending]


def test_a_link_is_replaced_and_one_to_a_deleted_nomination_dropped(engine, actors):
    office = actors[Role.VAN_PHONG]
    kept, gone = flag(engine, office, "Sở Xây dựng"), flag(engine, office, "Sở Tài chính")
    with write_session(engine) as session:
        cluster_standings.link(session, standing(kept, 3))
        cluster_standings.link(session, standing(gone, 2))
        cluster_standings.link(session, standing(kept, 1))  # drafted again: the latest rank stands
        session.delete(session.exec(select(Nomination).where(Nomination.id == gone)).one())
    with read_session(engine) as session:
        assert [(s.nomination_id, s.rank) for s in cluster_standings.of_cluster(session, year=2024,
                                                                              cluster_code="Cụm II")] == [(kept, 1)]
        assert cluster_standings.standings(session, nomination_ids=[gone]) == {}
    assert standing(kept, 1).text() == "xếp hạng 1/6 Cụm thi đua II năm 2024 (97,50% số điểm tối đa áp dụng)"


def test_the_cluster_page_ranks_a_cluster_with_a_sheet_by_the_sheets_totals(demo_template):
    """The demo fills a criteria sheet for each cluster and year: the views Cụm thi đua draws take its ranking."""
    from tdkt.clusters import clusters as clusters_module
    from tdkt.core.db import make_engine, read_session
    from tdkt.scoring import ranking

    engine = make_engine(f"sqlite:///{demo_template}")
    with read_session(engine) as session:
        views = ranking.year_views(session, year=2025)
        plain = {v.cluster.code: v for v in clusters_module.year_views(session, year=2025)}
        checked = 0
        for v in views:
            result = ranking.cluster_result(session, year=2025, cluster_code=v.cluster.code)
            if result is None:
                assert v.ranking.equals(plain[v.cluster.code].ranking)  # no sheet: the scored events' ranking
                continue
            ranked = {m.name: (m.total, m.rank) for m in result.members if m.rank is not None}
            shown = {r.member: (float(r.score), int(r.rank)) for r in v.ranking.dropna(subset=["rank"]).itertuples()}
            assert shown == ranked and ranked
            checked += 1
    engine.dispose()
    assert checked >= 2  # Cụm II and Cụm III
