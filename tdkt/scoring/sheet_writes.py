"""Criteria sheet writes, checked and audited: save a sheet as entered or imported (groups by name, criteria by
code, a criterion already scored never dropped), and copy the previous year's sheet of the same cluster."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from tdkt.core import audit
from tdkt.core.models import Cluster
from tdkt.core.permissions import Actor, require
from tdkt.core.scoring_tables import ScoreCriterion, ScoreEntry, ScoreGroup, ScoreSheet
from tdkt.core.text import fold
from tdkt.scoring.kinds import DEFAULT_RULES, ScoringError
from tdkt.scoring.sheets import SheetSpec, check, cluster_named, sheet_row, spec_of


def _cluster(session: Session, cluster_id: int) -> Cluster:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None:
        raise ScoringError("Không tìm thấy cụm thi đua này (có thể đã bị xóa). Tải lại trang.")
    return cluster


def _refuse_published(sheet: ScoreSheet | None) -> None:
    if sheet is not None and sheet.published_on is not None:
        raise ScoringError("Kết quả chấm điểm đã công bố: không sửa được bảng tiêu chí nữa.")


def save_sheet(session: Session, actor: Actor, *, cluster_id: int, spec: SheetSpec, reason: str = "") -> ScoreSheet:
    """Store a cluster's criteria sheet as the spec says (checked first: every sum must add up); groups are matched
    by name and criteria by code, so entries already made stay on their criterion; one audit entry."""
    require(actor, "cham_diem")
    cluster = _cluster(session, cluster_id)
    check(spec)
    sheet = sheet_row(session, cluster_id=cluster_id)
    _refuse_published(sheet)
    before = _summary(session, sheet)
    if sheet is None:
        sheet = ScoreSheet(cluster_id=cluster_id)
    sheet.total_points = spec.total_points
    session.add(sheet)
    session.flush()
    groups = {fold(g.name): g for g in session.exec(select(ScoreGroup).where(ScoreGroup.sheet_id == sheet.id)).all()}
    criteria = {fold(c.code): c for c in session.exec(
        select(ScoreCriterion).where(col(ScoreCriterion.group_id).in_([g.id for g in groups.values()]))).all()}
    _refuse_scored_removal(session, spec, criteria)
    kept_groups = {}
    for position, g in enumerate(spec.groups):
        row = groups.pop(fold(g.name), None) or ScoreGroup(sheet_id=sheet.id)
        row.position, row.name, row.max_points, row.is_bonus = position, g.name, float(g.max_points), bool(g.is_bonus)
        session.add(row)
        kept_groups[g.name] = row
    session.flush()
    kept = {}
    for position, c in enumerate(spec.criteria):
        row = criteria.pop(fold(c.code), None) or ScoreCriterion(group_id=0, code=c.code, name=c.name, kind=c.kind)
        row.group_id, row.position, row.code, row.name = kept_groups[c.group].id, position, c.code, c.name
        row.max_points, row.kind = float(c.max_points), c.kind
        row.rule = c.rule or DEFAULT_RULES.get(c.kind)
        row.points_each, row.parent_id = c.points_each, None
        session.add(row)
        kept[fold(c.code)] = row
    session.flush()
    for c in spec.criteria:
        if c.parent:
            kept[fold(c.code)].parent_id = kept[fold(c.parent)].id
    for row in [*criteria.values(), *groups.values()]:
        session.delete(row)
    session.flush()
    after = _summary(session, sheet)
    audit.record(session, actor, "bang_tieu_chi", "bang_tieu_chi", sheet.id,
                 f"Lưu bảng tiêu chí {cluster.code} năm {cluster.year}: {after['groups']} nhóm, {after['criteria']} "
                 f"tiêu chí, {after['max_points']:g} điểm." + (f" Lý do: {reason}" if reason else ""),
                 before=before, after=after)
    return sheet


def _refuse_scored_removal(session: Session, spec: SheetSpec, criteria: dict[str, ScoreCriterion]) -> None:
    wanted = {fold(c.code) for c in spec.criteria}
    gone = [c for key, c in criteria.items() if key not in wanted]
    if not gone:
        return
    scored = set(session.exec(select(ScoreEntry.criterion_id).where(
        col(ScoreEntry.criterion_id).in_([c.id for c in gone])).distinct()).all())
    names = [f"“{c.code}”" for c in gone if c.id in scored]
    if names:
        raise ScoringError(f"Tiêu chí {', '.join(names)} đã có điểm của thành viên: không bỏ khỏi bảng được "
                           "(sửa tên, điểm tối đa hoặc loại thì được).")


def _summary(session: Session, sheet: ScoreSheet | None) -> dict | None:
    if sheet is None or sheet.id is None:
        return None
    spec = spec_of(session, sheet)
    return {"groups": len(spec.groups), "criteria": len(spec.criteria), "max_points": spec.max_points,
            "total_points": spec.total_points}


def previous_sheet(session: Session, *, cluster_id: int) -> tuple[int, SheetSpec] | None:
    """Return (year, spec) of the latest earlier year's sheet of the cluster with the same code, if any."""
    cluster = _cluster(session, cluster_id)
    earlier = session.exec(select(Cluster.year).join(ScoreSheet, ScoreSheet.cluster_id == Cluster.id)
                           .where(Cluster.year < cluster.year).order_by(col(Cluster.year).desc())).all()
    for year in dict.fromkeys(earlier):
        other = cluster_named(session, year=year, cluster_code=cluster.code)
        row = sheet_row(session, cluster_id=other.id) if other is not None else None
        if row is not None:
            return year, spec_of(session, row)
    return None


def copy_previous(session: Session, actor: Actor, *, cluster_id: int) -> ScoreSheet:
    """Copy the latest earlier year's sheet of the same cluster (groups and criteria; no scores, no deadlines)."""
    require(actor, "cham_diem")
    found = previous_sheet(session, cluster_id=cluster_id)
    cluster = _cluster(session, cluster_id)
    if found is None:
        raise ScoringError(f"Chưa có bảng tiêu chí của {cluster.code} năm nào trước {cluster.year} để sao chép.")
    year, spec = found
    clean = SheetSpec(
        groups=tuple(type(g)(g.name, g.max_points, g.is_bonus) for g in spec.groups),
        criteria=tuple(type(c)(c.group, c.code, c.name, c.max_points, c.kind, c.rule, c.points_each, c.parent)
                       for c in spec.criteria),
        total_points=spec.total_points)
    return save_sheet(session, actor, cluster_id=cluster_id, spec=clean, reason=f"sao chép từ năm {year}")


def entry_count(session: Session, *, sheet_id: int) -> int:
    """Return how many entries the sheet's criteria hold."""
    return session.exec(select(func.count()).select_from(ScoreEntry)
                        .join(ScoreCriterion, ScoreEntry.criterion_id == ScoreCriterion.id)
                        .join(ScoreGroup, ScoreCriterion.group_id == ScoreGroup.id)
                        .where(ScoreGroup.sheet_id == sheet_id)).one()
