"""ClusterResult values built by hand for the tests of the scoring outputs (charts, summary table, proposals)."""

from __future__ import annotations

from tdkt.scoring.results import ClusterResult, GroupPoints, GroupSpec, MemberResult

GROUPS = (GroupSpec("I. Thực hiện nhiệm vụ chuyên môn", 700.0),
          GroupSpec("II. Công tác thi đua, khen thưởng", 250.0),
          GroupSpec("III. Điểm cộng", 50.0, is_bonus=True))


def member(member_id: int, name: str, points: tuple[float, float, float], *, rank: int | None, is_us: bool = False,
           penalty: float = 0.0, applicable_max: float = 1000.0, self_score: float | None = None,
           appraised: bool = True) -> MemberResult:
    """A member whose total is its groups' points less its penalty; percent as the ranking computes it."""
    total = max(0.0, min(applicable_max, sum(points) - penalty))
    groups = tuple(GroupPoints(g.name, p, g.max_points) for g, p in zip(GROUPS, points, strict=True))
    percent = round(100 * total / applicable_max, 2) if applicable_max else 0.0
    return MemberResult(member_id=member_id, name=name, is_us=is_us,
                        self_score=self_score if self_score is not None else total + 10,
                        appraised_score=total if appraised else None, bonus=points[2], penalty=penalty, total=total,
                        applicable_max=applicable_max, percent=percent, rank=rank, groups=groups)


def cluster_result(*, final: bool = True, we_are_head: bool = True, code: str = "Cụm II", year: int = 2024,
                   cluster_name: str = "Cụm thi đua II") -> ClusterResult:
    """Five members: Sở Xây dựng leads (980), then Sở Tài chính and Sở Công Thương (us) tied on 94,5%, Sở Y tế,
    and Sở Nội vụ not scored."""
    members = (
        member(1, "Sở Xây dựng", (690.0, 245.0, 45.0), rank=1),
        member(2, "Sở Tài chính", (650.0, 245.0, 50.0), rank=2),
        member(3, "Sở Công Thương", (665.0, 230.0, 50.0), rank=2, is_us=True),
        member(4, "Sở Y tế", (600.0, 200.0, 30.0), rank=4, penalty=8.0, applicable_max=900.0),
        MemberResult(member_id=5, name="Sở Nội vụ", is_us=False, self_score=None, appraised_score=None, bonus=0.0,
                     penalty=0.0, total=0.0, applicable_max=1000.0, percent=0.0, rank=None, groups=()),
    )
    return ClusterResult(year=year, cluster_code=code, cluster_name=cluster_name, max_points=1000.0, groups=GROUPS,
                         members=members, final=final, we_are_head=we_are_head)
