"""A cluster's criteria sheet (bảng tiêu chí) for a year, the read side: its groups, criteria and sub-criteria as a
spec, and the problems of a spec (each group's sum, each parent's, the sheet's total) in Vietnamese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tdkt.core.models import Cluster
from tdkt.core.scoring_tables import ScoreCriterion, ScoreGroup, ScoreRound, ScoreSheet
from tdkt.core.text import fold
from tdkt.scoring.kinds import CONG_TRU, DINH_LUONG, DINH_TINH, KINDS, RULES, THEO_LAN, ScoringError, points_text

EPSILON = 0.005  # points: sums are compared to the hundredth


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as entered: its group (by name), parent (by code, "" for a top criterion), kind and parameters."""

    group: str
    code: str
    name: str
    max_points: float
    kind: str = DINH_TINH
    rule: str | None = None
    points_each: float | None = None
    parent: str = ""
    id: int | None = None

    @property
    def is_penalty(self) -> bool:
        return self.kind == CONG_TRU and (self.points_each or 0) < 0


@dataclass(frozen=True)
class GroupSpec:
    """A group as entered: its name, maximum and whether it is the bonus (cộng/trừ) group."""

    name: str
    max_points: float
    is_bonus: bool = False
    id: int | None = None


@dataclass(frozen=True)
class SheetSpec:
    """A whole criteria sheet: the total the regulation sets (None: the groups' sum), groups and criteria in order."""

    groups: tuple[GroupSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    total_points: float | None = None

    @property
    def max_points(self) -> float:
        return round(sum(g.max_points for g in self.groups), 2)

    def children(self, code: str) -> list[CriterionSpec]:
        """Return a criterion's sub-criteria."""
        return [c for c in self.criteria if c.parent and fold(c.parent) == fold(code)]

    def top(self, group: str) -> list[CriterionSpec]:
        """Return a group's criteria (not its sub-criteria)."""
        return [c for c in self.criteria if not c.parent and c.group == group]

    @property
    def scored(self) -> list[CriterionSpec]:
        """Return the criteria that are scored: those without sub-criteria."""
        parents = {fold(c.parent) for c in self.criteria if c.parent}
        return [c for c in self.criteria if fold(c.code) not in parents]


@dataclass(frozen=True)
class Sheet:
    """A stored sheet: the cluster it belongs to and its spec (ids filled)."""

    id: int
    cluster: Cluster
    spec: SheetSpec
    published_on: object = None
    rounds: dict = field(default_factory=dict)  # kind -> deadline


_n = points_text


def _criterion_problems(c: CriterionSpec, spec: SheetSpec, groups: dict[str, GroupSpec]) -> list[str]:
    where = f"Tiêu chí “{c.code}”"
    problems = []
    if c.group not in groups:
        problems.append(f"{where}: nhóm “{c.group}” không có trong bảng; chọn một nhóm đã khai báo.")
    if c.kind not in KINDS:
        problems.append(f"{where}: loại “{c.kind}” không có; chọn {', '.join(KINDS.values())}.")
    elif c.kind in RULES and c.rule not in (None, "", *RULES[c.kind]):
        problems.append(f"{where}: cách tính “{c.rule}” không có; chọn {', '.join(RULES[c.kind].values())}.")
    if c.max_points is None or c.max_points < 0:
        problems.append(f"{where}: điểm tối đa phải là số không âm.")
    if c.kind == THEO_LAN and not (c.points_each or 0) > 0:
        problems.append(f"{where}: tiêu chí theo số lần cần số điểm mỗi lần (lớn hơn 0).")
    if c.kind == CONG_TRU and not c.points_each:
        problems.append(f"{where}: mục cộng/trừ cần số điểm mỗi lần (dương là điểm cộng, âm là điểm trừ).")
    if c.is_penalty and c.max_points:
        problems.append(f"{where}: mục điểm trừ không tính vào điểm tối đa; ghi điểm tối đa 0.")
    if c.kind == CONG_TRU and not c.is_penalty and c.group in groups and not groups[c.group].is_bonus:
        problems.append(f"{where}: mục điểm cộng thuộc nhóm điểm cộng; chuyển nó sang nhóm điểm cộng.")
    if c.parent and not any(fold(o.code) == fold(c.parent) and not o.parent for o in spec.criteria):
        problems.append(f"{where}: tiêu chí cha “{c.parent}” không có (chỉ một cấp tiêu chí con).")
    return problems


def problems(spec: SheetSpec) -> list[str]:
    """Return what is wrong with a sheet, in Vietnamese: sums that do not add up, codes, kinds and parameters."""
    found: list[str] = []
    groups = {g.name: g for g in spec.groups}
    if not spec.groups:
        found.append("Bảng tiêu chí chưa có nhóm nào.")
    if len(groups) < len(spec.groups):
        found.append("Hai nhóm trùng tên; đặt tên khác nhau.")
    if sum(g.is_bonus for g in spec.groups) > 1:
        found.append("Bảng chỉ có một nhóm điểm cộng.")
    seen: set[str] = set()
    for c in spec.criteria:
        if not c.code or not c.name:
            found.append("Mỗi tiêu chí cần mã (ví dụ “1.2”) và tên.")
        elif fold(c.code) in seen:
            found.append(f"Mã tiêu chí “{c.code}” trùng; mỗi tiêu chí một mã.")
        seen.add(fold(c.code))
        found += _criterion_problems(c, spec, groups)
    for g in spec.groups:
        if g.max_points is None or g.max_points < 0:
            found.append(f"Nhóm “{g.name}”: điểm tối đa phải là số không âm.")
            continue
        summed = sum(c.max_points or 0 for c in spec.top(g.name) if not c.is_penalty)
        if not spec.top(g.name):
            found.append(f"Nhóm “{g.name}” chưa có tiêu chí nào.")
        elif abs(summed - g.max_points) > EPSILON:
            found.append(f"Nhóm “{g.name}”: các tiêu chí cộng lại {_n(summed)} điểm, khác điểm tối đa của nhóm "
                         f"({_n(g.max_points)}).")
    for c in spec.criteria:
        kids = spec.children(c.code) if not c.parent else []
        summed = sum(k.max_points or 0 for k in kids if not k.is_penalty)
        if kids and abs(summed - (c.max_points or 0)) > EPSILON:
            found.append(f"Tiêu chí “{c.code}”: các tiêu chí con cộng lại {_n(summed)} điểm, khác điểm tối đa "
                         f"({_n(c.max_points)}).")
    if spec.total_points is not None and abs(spec.max_points - spec.total_points) > EPSILON:
        found.append(f"Các nhóm cộng lại {_n(spec.max_points)} điểm, khác tổng điểm của bảng "
                     f"({_n(spec.total_points)}).")
    return found


def check(spec: SheetSpec) -> None:
    """Refuse a sheet with problems (all of them in one refusal)."""
    found = problems(spec)
    if found:
        error = ScoringError("Bảng tiêu chí chưa đúng: " + " ".join(found))
        error.problems = found
        raise error


def cluster_named(session: Session, *, year: int, cluster_code: str) -> Cluster | None:
    """Return a year's cluster by its code, accents and case aside."""
    for cluster in session.exec(select(Cluster).where(Cluster.year == year)).all():
        if fold(cluster.code) == fold(cluster_code):
            return cluster
    return None


def sheet_row(session: Session, *, cluster_id: int) -> ScoreSheet | None:
    """Return a cluster's stored sheet row, if any."""
    return session.exec(select(ScoreSheet).where(ScoreSheet.cluster_id == cluster_id)).first()


def spec_of(session: Session, sheet: ScoreSheet) -> SheetSpec:
    """Return a stored sheet as a spec, groups and criteria in their order."""
    groups = session.exec(select(ScoreGroup).where(ScoreGroup.sheet_id == sheet.id)
                          .order_by(ScoreGroup.position, ScoreGroup.id)).all()
    names = {g.id: g.name for g in groups}
    rows = session.exec(select(ScoreCriterion).where(col(ScoreCriterion.group_id).in_(list(names)))
                        .order_by(ScoreCriterion.position, ScoreCriterion.id)).all() if names else []
    codes = {c.id: c.code for c in rows}
    return SheetSpec(
        groups=tuple(GroupSpec(g.name, g.max_points, g.is_bonus, g.id) for g in groups),
        criteria=tuple(CriterionSpec(names[c.group_id], c.code, c.name, c.max_points, c.kind, c.rule, c.points_each,
                                     codes.get(c.parent_id, ""), c.id) for c in rows),
        total_points=sheet.total_points,
    )


def load(session: Session, *, cluster_id: int) -> Sheet | None:
    """Return a cluster's sheet with its spec and round deadlines, None when it has none."""
    row = sheet_row(session, cluster_id=cluster_id)
    if row is None:
        return None
    rounds = {r.kind: r.deadline for r in session.exec(select(ScoreRound).where(ScoreRound.sheet_id == row.id)).all()}
    return Sheet(row.id, session.get(Cluster, cluster_id), spec_of(session, row), row.published_on, rounds)


def parse_code(code: str) -> tuple[str, str]:
    """Split a printed criterion code into (parent code, own code): "1.2" → ("1", "1.2"); "3" → ("", "3")."""
    code = (code or "").strip().rstrip(".")
    match = re.fullmatch(r"(.+)\.([^.]+)", code)
    return (match.group(1), code) if match else ("", code)


def kind_of_text(text: str | None) -> str | None:
    """Return a kind from what a sheet writes ("Định lượng", "dinh_luong", "theo lần"); None when unknown."""
    key = fold(text or "").replace("_", " ").strip()
    if not key:
        return DINH_TINH
    for kind, label in KINDS.items():
        if key == kind.replace("_", " ") or key == fold(label) or fold(label).startswith(key):
            return kind
    return {"cong": CONG_TRU, "tru": CONG_TRU, "cong tru": CONG_TRU, "diem cong": CONG_TRU, "diem tru": CONG_TRU,
            "dinh luong": DINH_LUONG, "theo lan": THEO_LAN}.get(key)
