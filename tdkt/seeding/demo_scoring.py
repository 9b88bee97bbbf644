"""The demo's cluster scoring: one criteria sheet per cluster and year (950 + 50 = 1.000 points), its rounds'
deadlines, every member's self-score, the head's appraisal with its cuts, our explanation, the re-appraisal and the
published results, written through the scoring's own write functions."""

from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session, select

from tdkt.core.models import Cluster, ClusterMember
from tdkt.core.permissions import Actor
from tdkt.scoring import entries, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import CONG_TRU, DIEM, DINH_LUONG, DINH_TINH, THEO_LAN, TY_LE
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec

_G1, _G2, _G3 = "I. Thực hiện nhiệm vụ chuyên môn", "II. Công tác thi đua, khen thưởng", "III. Điểm cộng, điểm trừ"
# A sheet as the clusters' regulations print it (abridged): 700 + 250 + the bonus group's 50 = 1.000 points.
SAMPLE = SheetSpec(
    groups=(GroupSpec(_G1, 700.0), GroupSpec(_G2, 250.0), GroupSpec(_G3, 50.0, is_bonus=True)),
    criteria=(
        CriterionSpec(_G1, "1", "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội được giao", 400.0),
        CriterionSpec(_G1, "1.1", "Giá trị sản xuất công nghiệp", 150.0, DINH_LUONG, parent="1"),
        CriterionSpec(_G1, "1.2", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ", 150.0, DINH_LUONG, parent="1"),
        CriterionSpec(_G1, "1.3", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", 100.0, DINH_LUONG, TY_LE,
                      parent="1"),
        CriterionSpec(_G1, "2", "Tham mưu ban hành văn bản, chương trình, đề án", 150.0, DINH_TINH, DIEM),
        CriterionSpec(_G1, "3", "Cải cách hành chính, chuyển đổi số", 150.0, DINH_TINH, DIEM),
        CriterionSpec(_G2, "4", "Ký kết giao ước, tổ chức phong trào thi đua", 100.0, DINH_TINH),
        CriterionSpec(_G2, "5", "Báo cáo sơ kết, tổng kết gửi cụm đúng hạn", 60.0, THEO_LAN, points_each=30.0),
        CriterionSpec(_G2, "6", "Tham gia hoạt động chung của cụm", 90.0, DINH_TINH, DIEM),
        CriterionSpec(_G3, "7", "Được khen thưởng cấp trên (mỗi lần)", 30.0, CONG_TRU, points_each=5.0),
        CriterionSpec(_G3, "8", "Sáng kiến, mô hình hay được nhân rộng (mỗi mô hình)", 20.0, CONG_TRU,
                      points_each=10.0),
        CriterionSpec(_G3, "9", "Bị phê bình bằng văn bản (mỗi lần)", 0.0, CONG_TRU, points_each=-3.0),
        CriterionSpec(_G3, "10", "Không ký giao ước thi đua", 0.0, CONG_TRU, points_each=-8.0),
    ),
    total_points=1000.0,
)
_CUT = "Tài liệu kiểm chứng chưa thể hiện đủ kết quả; đoàn thẩm định chấm lại theo số liệu của Cục Thống kê."


def _value(rng: random.Random, c: CriterionSpec, strong: float) -> tuple[float | None, float | None]:
    """Return (value, target) a member self-scores for a criterion; strong in 0–1 tilts it upwards."""
    if c.kind == DINH_LUONG:
        target = float(rng.choice([100, 250, 1200, 4800]))
        return round(target * rng.uniform(0.9, 1.05 + 0.3 * strong), 1), target
    if c.kind == DINH_TINH:
        if c.rule == DIEM:
            return round(c.max_points * rng.uniform(0.8 + 0.1 * strong, 1.0) * 2) / 2, None
        return (1.0 if rng.random() < 0.85 + 0.1 * strong else 0.0), None
    if c.kind == THEO_LAN:
        return float(rng.choice([1, 2, 2])), None
    if (c.points_each or 0) < 0:
        return (1.0 if rng.random() < 0.12 else 0.0), None
    return float(rng.randint(0, 3)), None


def _self_scores(rng, spec, members, year) -> list[EntryInput]:
    items = []
    for m in members:
        strong = rng.random()
        for c in spec.scored:
            value, target = _value(rng, c, strong)
            if c.kind == DINH_LUONG and c.rule != TY_LE and rng.random() < 0.06:
                items.append(EntryInput(m.id, c.id, not_assigned=True))  # no such target for this member this year
                continue
            items.append(EntryInput(m.id, c.id, value, target, evidence_number=f"{rng.randint(10, 320)}/BC-{m.id}",
                                    evidence_date=date(year, 11, rng.randint(1, 25))))
    return items


def _appraisal(rng, spec, own: list[EntryInput]) -> list[EntryInput]:
    by_id = {c.id: c for c in spec.scored}
    items = []
    for item in own:
        c = by_id[item.criterion_id]
        if item.not_assigned or rng.random() > 0.18 or not item.value:
            items.append(item)
        elif c.kind == DINH_LUONG:
            items.append(EntryInput(item.member_id, c.id, round(item.value * 0.97, 1), item.target, comment=_CUT))
        elif c.kind == DINH_TINH and c.rule == DIEM:
            items.append(EntryInput(item.member_id, c.id, max(0.0, item.value - 5), comment=_CUT))
        elif c.kind in (THEO_LAN, CONG_TRU) and (c.points_each or 0) > 0:
            items.append(EntryInput(item.member_id, c.id, item.value - 1, comment=_CUT))
        else:
            items.append(item)
    return items


def fill(session: Session, actor: Actor, rng: random.Random, *, cluster: Cluster) -> None:
    """Give a cluster its sheet, deadlines and every round's entries (its year published)."""
    year = cluster.year
    sheet_writes.save_sheet(session, actor, cluster_id=cluster.id, spec=SAMPLE)
    sheet = sheets.load(session, cluster_id=cluster.id)
    deadlines = {rounds.TU_CHAM: date(year, 11, 30), rounds.THAM_DINH: date(year, 12, 10),
                 rounds.GIAI_TRINH: date(year, 12, 15), rounds.THAM_DINH_LAI: date(year, 12, 20)}
    for kind, day in deadlines.items():
        rounds.set_deadline(session, actor, sheet_id=sheet.id, kind=kind, deadline=day)
    members = list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)
                                .order_by(ClusterMember.id)).all())
    own = _self_scores(rng, sheet.spec, members, year)
    entries.record_entries(session, actor, own, round=rounds.TU_CHAM, reason="Thành viên tự chấm.",
                           today=deadlines[rounds.TU_CHAM])
    appraised = _appraisal(rng, sheet.spec, own)
    entries.record_entries(session, actor, appraised, round=rounds.THAM_DINH, reason="Đoàn thẩm định của cụm.",
                           today=deadlines[rounds.THAM_DINH])
    explained = [EntryInput(o.member_id, o.criterion_id, o.value, o.target, evidence_number=o.evidence_number,
                            evidence_date=o.evidence_date,
                            comment="Bổ sung báo cáo số liệu chính thức của ngành và xác nhận của cơ quan thống kê.")
                 for a, o in zip(appraised, own, strict=True) if a != o and rng.random() < 0.5]
    if explained:
        entries.record_entries(session, actor, explained, round=rounds.GIAI_TRINH, reason="Giải trình của thành viên.",
                               today=deadlines[rounds.GIAI_TRINH])
        entries.record_entries(session, actor, [EntryInput(**{**e.__dict__, "comment": "Chấp nhận giải trình."})
                                                for e in explained],
                               round=rounds.THAM_DINH_LAI, reason="Đoàn thẩm định xem xét giải trình.",
                               today=deadlines[rounds.THAM_DINH_LAI])
    rounds.publish(session, actor, sheet_id=sheet.id, today=date(year, 12, 25))
