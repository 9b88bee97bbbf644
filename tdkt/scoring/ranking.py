"""A cluster's scoring result for a year: each member's points per criterion (its latest appraisal, its self-score
before any), its totals, applicable maximum, percent and rank; what the appraisal cut and why; the CLI's object."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlmodel import Session, select

from tdkt.clusters import clusters as clusters_module
from tdkt.core.models import ClusterMember
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.core.text import format_date, sort_key
from tdkt.scoring import kinds
from tdkt.scoring.entries import entries_of
from tdkt.scoring.results import ClusterResult, GroupPoints, GroupSpec, MemberResult
from tdkt.scoring.rounds import APPRAISALS, GIAI_TRINH, SCORED_ROUNDS, TU_CHAM
from tdkt.scoring.sheets import CriterionSpec, Sheet, SheetSpec, cluster_named, load

SELF_ONLY = (TU_CHAM,)


@dataclass(frozen=True)
class Scored:
    """One member's points in one view (self-score, or latest): per criterion id, None when not assigned."""

    points: dict[int, float | None]
    entries: dict[int, ScoreEntry]
    any_entry: bool

    def group(self, spec: SheetSpec, name: str) -> tuple[float, float]:
        """Return (points, applicable max) of a group."""
        leaves = [c for c in spec.scored if c.group == name]
        points = sum(self.points.get(c.id) or 0 for c in leaves if not c.is_penalty)
        gone = sum(c.max_points for c in leaves if c.id in self.points and self.points[c.id] is None)
        group = next(g for g in spec.groups if g.name == name)
        return (min(points, group.max_points) if group.is_bonus else points), group.max_points - gone


def _chosen(entries: dict[tuple[int, int, str], ScoreEntry], criterion_id: int, member_id: int,
            rounds: tuple[str, ...]) -> ScoreEntry | None:
    for round_ in rounds:
        entry = entries.get((criterion_id, member_id, round_))
        if entry is not None:
            return entry
    return None


def _points(c: CriterionSpec, entry: ScoreEntry, leader: float) -> float:
    if c.kind == kinds.DINH_LUONG:
        return kinds.dinh_luong_points(c.max_points, rule=c.rule, target=entry.target, achieved=entry.value,
                                       leader=leader)
    if c.kind == kinds.DINH_TINH:
        return kinds.dinh_tinh_points(c.max_points, rule=c.rule, value=entry.value)
    if c.kind == kinds.THEO_LAN:
        return kinds.theo_lan_points(c.max_points, points_each=c.points_each, count=entry.value)
    return kinds.cong_tru_points(points_each=c.points_each, count=entry.value)


def score_view(spec: SheetSpec, entries: list[ScoreEntry], member_ids: list[int],
               rounds: tuple[str, ...]) -> dict[int, Scored]:
    """Return every member's points per scored criterion, each criterion's entry taken from the first of `rounds`
    that has one; the over-target rule's leader is found among the same entries."""
    index = {(e.criterion_id, e.member_id, e.round): e for e in entries}
    result = {m: Scored({}, {}, False) for m in member_ids}
    for c in spec.scored:
        chosen = {m: _chosen(index, c.id, m, rounds) for m in member_ids}
        leader = kinds.leader_share((e.target, e.value) for e in chosen.values()
                                    if e is not None and not e.not_assigned and e.target and e.value is not None)
        for m, entry in chosen.items():
            if entry is None:
                continue
            scored = result[m]
            scored.entries[c.id] = entry
            scored.points[c.id] = None if entry.not_assigned else _points(c, entry, leader)
            result[m] = replace(scored, any_entry=True)
    return result


def _bonus_cap(spec: SheetSpec) -> float:
    return sum(g.max_points for g in spec.groups if g.is_bonus)


def totals(spec: SheetSpec, scored: Scored) -> tuple[float, float, float, float]:
    """Return (total, applicable max, bonus, penalty) of a member's points: the main groups' points plus the bonus
    (capped at the bonus group's maximum) minus the penalty, kept within [0, applicable max]."""
    bonus_groups = {g.name for g in spec.groups if g.is_bonus}
    main, items, not_assigned = 0.0, [], 0.0
    for c in spec.scored:
        if c.id not in scored.points:
            continue
        value = scored.points[c.id]
        if value is None:
            not_assigned += c.max_points
        elif c.is_penalty or c.group in bonus_groups:
            items.append(value)
        else:
            main += value
    bonus, penalty = kinds.bonus_and_penalty(items, bonus_cap=_bonus_cap(spec))
    applicable = spec.max_points - not_assigned
    return round(kinds.clamp_total(main + bonus - penalty, applicable), 2), applicable, round(bonus, 2), \
        round(penalty, 2)


def _sheet_for(session: Session, year: int, cluster_code: str) -> Sheet | None:
    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    return load(session, cluster_id=cluster.id) if cluster is not None else None


def cluster_result(session: Session, *, year: int, cluster_code: str) -> ClusterResult | None:
    """Return a cluster's scoring for a year, members in rank order (unscored last); None without a sheet."""
    sheet = _sheet_for(session, year, cluster_code)
    return result_of(session, sheet) if sheet is not None else None


def _members(session: Session, cluster_id: int) -> list[ClusterMember]:
    return list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster_id)).all())


def result_of(session: Session, sheet: Sheet) -> ClusterResult:
    """Return the result of a loaded sheet."""
    spec = sheet.spec
    members = _members(session, sheet.cluster.id)
    ids = [m.id for m in members]
    entries = entries_of(session, sheet_id=sheet.id)
    own, latest = score_view(spec, entries, ids, SELF_ONLY), score_view(spec, entries, ids, SCORED_ROUNDS)
    appraised = {e.member_id for e in entries if e.round in APPRAISALS}
    rows = []
    for m in members:
        total, applicable, bonus, penalty = totals(spec, latest[m.id])
        self_total = totals(spec, own[m.id])[0] if own[m.id].any_entry else None
        groups = tuple(GroupPoints(g.name, round(p, 2), a) for g in spec.groups
                       for p, a in [latest[m.id].group(spec, g.name)])
        scored = latest[m.id].any_entry
        rows.append(MemberResult(
            member_id=m.id, name=m.name, is_us=bool(m.is_us), self_score=self_total,
            appraised_score=total if m.id in appraised else None, bonus=bonus, penalty=penalty,
            total=total if scored else 0.0, applicable_max=applicable,
            percent=kinds.percent(total, applicable) if scored else 0.0, rank=None, groups=groups))
    ranks = kinds.competition_ranks([r.percent if latest[r.member_id].any_entry else None for r in rows])
    rows = [replace(r, rank=k) for r, k in zip(rows, ranks, strict=True)]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, sort_key(r.name)))
    head = any(m.is_us and m.role == "cum_truong" for m in members)
    return ClusterResult(
        year=sheet.cluster.year, cluster_code=sheet.cluster.code, cluster_name=sheet.cluster.name,
        max_points=spec.max_points, groups=tuple(GroupSpec(g.name, g.max_points, g.is_bonus) for g in spec.groups),
        members=tuple(rows), final=sheet.published_on is not None, we_are_head=head, published_on=sheet.published_on)


DETAIL_COLUMNS = ["criterion_id", "code", "name", "group", "kind", "max_points", "self_value", "self_points",
                  "appraised_value", "appraised_points", "cut", "comment", "explanation", "evidence"]


def _value(entry: ScoreEntry | None) -> str:
    if entry is None:
        return ""
    if entry.not_assigned:
        return "Không giao"
    value = f"{entry.value:g}".replace(".", ",") if entry.value is not None else ""
    return f"{value}/{entry.target:g}".replace(".", ",") if entry.target is not None else value


def _evidence(entry: ScoreEntry | None) -> str:
    if entry is None:
        return ""
    parts = [entry.evidence_name or ""]
    if entry.evidence_number:
        parts.append(f"{entry.evidence_number} ngày {format_date(entry.evidence_date)}")
    return "; ".join(p for p in parts if p)


def member_detail(session: Session, *, year: int, cluster_code: str, member_id: int) -> pd.DataFrame:
    """Return one member's criteria: self-score against the appraisal, what was cut and the appraiser's comment, the
    explanation and the evidence (columns DETAIL_COLUMNS)."""
    sheet = _sheet_for(session, year, cluster_code)
    if sheet is None:
        return pd.DataFrame(columns=DETAIL_COLUMNS)
    spec = sheet.spec
    ids = [m.id for m in _members(session, sheet.cluster.id)]
    entries = entries_of(session, sheet_id=sheet.id)
    index = {(e.criterion_id, e.member_id, e.round): e for e in entries}
    own = score_view(spec, entries, ids, SELF_ONLY)[member_id]
    latest = score_view(spec, entries, ids, SCORED_ROUNDS)[member_id]
    rows = []
    for c in spec.scored:
        mine, theirs = own.entries.get(c.id), latest.entries.get(c.id)
        appraised = theirs if theirs is not None and theirs.round != TU_CHAM else None
        self_points = own.points.get(c.id) if mine is not None else None
        app_points = latest.points.get(c.id) if appraised is not None else None
        cut = (self_points - app_points) if self_points is not None and app_points is not None else None
        explanation = index.get((c.id, member_id, GIAI_TRINH))
        rows.append({
            "criterion_id": c.id, "code": c.code, "name": c.name, "group": c.group, "kind": kinds.KINDS[c.kind],
            "max_points": c.max_points, "self_value": _value(mine), "self_points": self_points,
            "appraised_value": _value(appraised), "appraised_points": app_points,
            "cut": round(cut, 2) if cut is not None else None,
            "comment": (appraised.comment if appraised is not None else None) or "",
            "explanation": explanation.comment if explanation is not None else "",
            "evidence": _evidence(mine),
        })
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)


def scores_object(session: Session, *, year: int, cluster_code: str) -> dict | None:
    """Return the `scores --json` object of a cluster's year (None without a sheet)."""
    sheet = _sheet_for(session, year, cluster_code)
    if sheet is None:
        return None
    result = result_of(session, sheet)
    spec = sheet.spec
    return {
        "year": result.year, "cluster": result.cluster_code, "max_points": result.max_points,
        "groups": [{"name": g.name, "max_points": g.max_points, "criteria": [
            {"code": c.code, "name": c.name, "kind": c.kind, "max_points": c.max_points,
             **({"sub_criteria": [{"code": k.code, "name": k.name, "kind": k.kind, "max_points": k.max_points}
                                  for k in spec.children(c.code)]} if spec.children(c.code) else {})}
            for c in spec.top(g.name)]} for g in spec.groups],
        "members": [{"name": m.name, "is_us": m.is_us, "self_score": m.self_score,
                     "appraised_score": m.appraised_score, "bonus": m.bonus, "penalty": m.penalty, "total": m.total,
                     "applicable_max": m.applicable_max, "percent": m.percent, "rank": m.rank}
                    for m in result.members],
        "final": result.final,
    }


def ranking_frame(result: ClusterResult) -> pd.DataFrame:
    """Return a result as the cluster page's ranking (clusters.RANKING_COLUMNS): score = the sheet's total."""
    ranked = list(result.members)
    return pd.DataFrame({
        "member_id": [m.member_id for m in ranked], "member": [m.name for m in ranked],
        "is_us": [m.is_us for m in ranked],
        "score": pd.array([m.total if m.rank is not None else None for m in ranked], dtype="Float64"),
        "rank": pd.array([m.rank for m in ranked], dtype="Int64"),
    }, columns=clusters_module.RANKING_COLUMNS)


def cluster_ranking(session: Session, *, cluster_id: int) -> pd.DataFrame:
    """Return a cluster's ranking (clusters.RANKING_COLUMNS) as Cụm thi đua, `clusters --json` and Tổng quan show it:
    by its sheet's totals when it has a criteria sheet, by its scored events otherwise."""
    sheet = load(session, cluster_id=cluster_id)
    if sheet is None:
        return clusters_module.ranking(session, cluster_id=cluster_id)
    return ranking_frame(result_of(session, sheet))


def with_sheet_rankings(session: Session, views: list[clusters_module.ClusterView]) -> list:
    """Return the cluster views with each ranking taken from the cluster's sheet when it has one."""
    result = []
    for v in views:
        sheet = load(session, cluster_id=v.cluster.id)
        result.append(replace(v, ranking=ranking_frame(result_of(session, sheet))) if sheet is not None else v)
    return result


def year_views(session: Session, *, year: int) -> list:
    """Return the year's cluster views as the Cụm thi đua page draws them: ranked by the sheet's totals where a cluster
    has a criteria sheet, by its scored events otherwise."""
    return with_sheet_rankings(session, clusters_module.year_views(session, year=year))


def patch_clusters_object(session: Session, data: dict) -> dict:
    """Return `clusters --json`'s object with each cluster's ranking from its sheet's totals when it has one."""
    for cluster in data["clusters"]:
        result = cluster_result(session, year=data["year"], cluster_code=cluster["code"])
        if result is not None:
            cluster["ranking"] = [{"name": m.name, "score": m.total, "rank": m.rank}
                                  for m in result.members if m.rank is not None]
    return data
