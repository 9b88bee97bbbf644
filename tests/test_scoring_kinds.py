"""Each criterion kind's formula at and around its boundaries (A = 0, A = T, the leader, a tie for leader, T > 0), the
bonus/penalty items, the clamp of a total, the percent and the ranks of ties; the sheet's sum checks."""

from __future__ import annotations

import pytest

from tdkt.scoring import kinds
from tdkt.scoring.kinds import ScoringError
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec, kind_of_text, parse_code, problems

MS = 40.0


def over(target, achieved, leader):
    return kinds.dinh_luong_over_target(MS, target=target, achieved=achieved, leader=leader)


def test_below_target_gives_half_the_maximum_times_the_share_done():
    assert over(100, 0, 0.2) == 0
    assert over(100, 50, 0.2) == pytest.approx(10.0)
    assert over(100, 99.99, 0.2) == pytest.approx(20 * 0.9999)


def test_on_target_gives_half_the_maximum():
    assert over(100, 100, 0.2) == 20.0
    assert over(100, 100, 0.0) == 20.0


def test_the_leader_over_target_gets_the_maximum_and_the_others_their_share_of_the_other_half():
    pairs = [(100, 120), (100, 110), (50, 55), (100, 90)]
    leader = kinds.leader_share(pairs)
    assert leader == pytest.approx(0.2)
    assert over(100, 120, leader) == MS
    assert over(100, 110, leader) == pytest.approx(20 + 0.1 / 0.2 * 20)  # 30
    assert over(50, 55, leader) == pytest.approx(30.0)  # the same share over target on a smaller target
    assert over(100, 90, leader) == pytest.approx(18.0)


def test_a_tie_for_leader_gives_both_the_maximum():
    pairs = [(100, 130), (200, 260), (100, 115)]
    leader = kinds.leader_share(pairs)
    assert leader == pytest.approx(0.3)
    assert over(100, 130, leader) == MS and over(200, 260, leader) == MS
    assert over(100, 115, leader) == pytest.approx(30.0)


def test_nobody_over_target_has_no_leader():
    assert kinds.leader_share([(100, 100), (100, 80)]) == 0
    assert kinds.leader_share([]) == 0


@pytest.mark.parametrize("target", [0, -5, None])
def test_a_target_not_above_zero_is_refused(target):
    with pytest.raises(ScoringError, match="lớn hơn 0"):
        over(target, 10, 0.1)
    with pytest.raises(ScoringError, match="lớn hơn 0"):
        kinds.dinh_luong_proportional(MS, target=target, achieved=10)


def test_a_negative_achievement_is_refused():
    with pytest.raises(ScoringError, match="không âm"):
        over(100, -1, 0)


def test_the_proportional_rule_caps_at_the_maximum():
    assert kinds.dinh_luong_proportional(MS, target=100, achieved=0) == 0
    assert kinds.dinh_luong_proportional(MS, target=100, achieved=75) == 30
    assert kinds.dinh_luong_proportional(MS, target=100, achieved=100) == MS
    assert kinds.dinh_luong_proportional(MS, target=100, achieved=180) == MS
    assert kinds.dinh_luong_points(MS, rule=kinds.TY_LE, target=100, achieved=150, leader=0.9) == MS
    assert kinds.dinh_luong_points(MS, rule=kinds.VUOT_MUC, target=100, achieved=150, leader=0.9) == pytest.approx(
        20 + 0.5 / 0.9 * 20)


def test_qualitative_all_or_nothing_and_points_up_to_the_maximum():
    assert kinds.dinh_tinh_points(10, rule=kinds.TRON, value=1) == 10
    assert kinds.dinh_tinh_points(10, rule=kinds.TRON, value=0) == 0
    with pytest.raises(ScoringError, match="1 \\(đạt\\) hoặc 0"):
        kinds.dinh_tinh_points(10, rule=kinds.TRON, value=0.5)
    assert kinds.dinh_tinh_points(10, rule=kinds.DIEM, value=7.5) == 7.5
    assert kinds.dinh_tinh_points(10, rule=kinds.DIEM, value=10) == 10
    with pytest.raises(ScoringError, match="vượt điểm tối đa"):
        kinds.dinh_tinh_points(10, rule=kinds.DIEM, value=10.5)


def test_per_occurrence_is_capped_and_counts_are_whole():
    assert kinds.theo_lan_points(10, points_each=2, count=0) == 0
    assert kinds.theo_lan_points(10, points_each=2, count=5) == 10
    assert kinds.theo_lan_points(10, points_each=2, count=6) == 10
    with pytest.raises(ScoringError, match="số nguyên"):
        kinds.theo_lan_points(10, points_each=2, count=1.5)


def test_bonus_is_capped_by_its_group_and_penalties_subtract():
    items = [kinds.cong_tru_points(points_each=3, count=10), kinds.cong_tru_points(points_each=5, count=6),
             kinds.cong_tru_points(points_each=-3, count=1), kinds.cong_tru_points(points_each=-8, count=1)]
    assert items == [30, 30, -3, -8]
    assert kinds.bonus_and_penalty(items, bonus_cap=50) == (50, 11)
    assert kinds.bonus_and_penalty([], bonus_cap=50) == (0, 0)


def test_a_total_stays_within_zero_and_the_applicable_maximum():
    assert kinds.clamp_total(-5, 1000) == 0
    assert kinds.clamp_total(1004, 1000) == 1000
    assert kinds.clamp_total(930, 960) == 930


def test_percent_rounds_to_two_places_and_ranks_share_ties():
    assert kinds.percent(945, 1000) == 94.5
    assert kinds.percent(2, 3) == 66.67
    assert kinds.percent(0, 0) == 0
    # 94,504 and 94,5 round to the same percent: they share rank 1, the next is 3rd.
    assert kinds.competition_ranks([94.504, 94.5, 90.0, None]) == [1, 1, 3, None]
    assert kinds.competition_ranks([80.0, 95.0, 95.0]) == [3, 1, 1]


def sheet(*, total=1000.0, group_one=700.0) -> SheetSpec:
    return SheetSpec(
        groups=(GroupSpec("I. Chuyên môn", group_one), GroupSpec("II. Thi đua", 250.0),
                GroupSpec("III. Điểm cộng", 50.0, is_bonus=True)),
        criteria=(CriterionSpec("I. Chuyên môn", "1", "Chỉ tiêu", 500.0, kinds.DINH_LUONG),
                  CriterionSpec("I. Chuyên môn", "2", "Nhiệm vụ", 200.0),
                  CriterionSpec("I. Chuyên môn", "2.1", "Báo cáo", 120.0, parent="2"),
                  CriterionSpec("I. Chuyên môn", "2.2", "Hội nghị", 80.0, kinds.THEO_LAN, points_each=20, parent="2"),
                  CriterionSpec("II. Thi đua", "3", "Phong trào", 250.0, kinds.DINH_TINH, kinds.DIEM),
                  CriterionSpec("III. Điểm cộng", "4", "Bằng khen", 50.0, kinds.CONG_TRU, points_each=5),
                  CriterionSpec("III. Điểm cộng", "5", "Không ký giao ước", 0.0, kinds.CONG_TRU, points_each=-8)),
        total_points=total)


def test_a_sheet_whose_sums_add_up_has_no_problem_and_a_bonus_group_counts_in_the_total():
    spec = sheet()
    assert problems(spec) == []
    assert spec.max_points == 1000
    assert [c.code for c in spec.scored] == ["1", "2.1", "2.2", "3", "4", "5"]


def test_a_group_or_a_total_that_does_not_add_up_is_named_in_vietnamese():
    found = problems(sheet(group_one=710.0, total=1000.0))
    assert "Nhóm “I. Chuyên môn”: các tiêu chí cộng lại 700 điểm, khác điểm tối đa của nhóm (710)." in found
    assert "Các nhóm cộng lại 1.010 điểm, khác tổng điểm của bảng (1.000)." in found
    spec = sheet()
    bad = SheetSpec(spec.groups, (*spec.criteria[:2], CriterionSpec("I. Chuyên môn", "2.1", "Báo cáo", 100.0,
                                                                    parent="2"), *spec.criteria[3:]), 1000.0)
    assert any("Tiêu chí “2”: các tiêu chí con cộng lại 180 điểm" in p for p in problems(bad))


def test_codes_and_kind_words_read_from_a_sheet():
    assert parse_code("1.2") == ("1", "1.2") and parse_code("3.") == ("", "3")
    assert kind_of_text("Định lượng") == kinds.DINH_LUONG and kind_of_text("") == kinds.DINH_TINH
    assert kind_of_text("theo lần") == kinds.THEO_LAN and kind_of_text("Điểm trừ") == kinds.CONG_TRU
    assert kind_of_text("gì đó") is None
