"""The scoring page's tables as plain frames: a criteria sheet as two editable frames (groups, criteria) and back as a
spec, and one member's entries of a round as a frame (pre-filled from what is stored) and back as EntryInputs."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from tdkt.core.scoring_tables import ScoreEntry
from tdkt.scoring import kinds
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.rounds import GIAI_TRINH, SCORED_ROUNDS, THAM_DINH_LAI, TU_CHAM
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec

GROUP_COLUMNS = ["name", "max_points", "is_bonus"]
CRITERION_COLUMNS = ["group", "code", "name", "kind", "max_points", "rule", "points_each", "parent"]
ENTRY_COLUMNS = ["criterion_id", "code", "name", "kind", "max_points", "target", "value", "not_assigned",
                 "evidence_number", "evidence_date", "evidence_file", "comment"]
KIND_BY_LABEL = {label: kind for kind, label in kinds.KINDS.items()}
RULE_LABELS = {rule: label for rules in kinds.RULES.values() for rule, label in rules.items()}
RULE_BY_LABEL = {label: rule for rule, label in RULE_LABELS.items()}
VALUE_HINTS = {kinds.DINH_LUONG: "kết quả đạt được (cùng đơn vị với chỉ tiêu)", kinds.DINH_TINH: "1 đạt, 0 không đạt "
               "(hoặc số điểm khi chấm điểm)", kinds.THEO_LAN: "số lần", kinds.CONG_TRU: "số lần"}


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _text(value) -> str:
    return "" if _blank(value) else str(value).strip()


def _number(value) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        value = value.strip().replace(".", "").replace(",", ".") if "," in value else value.strip()
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _day(value) -> date | None:
    if _blank(value) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def group_frame(spec: SheetSpec | None) -> pd.DataFrame:
    """Return a sheet's groups as an editable frame (columns GROUP_COLUMNS)."""
    rows = [{"name": g.name, "max_points": g.max_points, "is_bonus": bool(g.is_bonus)}
            for g in (spec.groups if spec else ())]
    return pd.DataFrame(rows, columns=GROUP_COLUMNS).astype({"max_points": "float64", "is_bonus": "bool"})


def criterion_frame(spec: SheetSpec | None) -> pd.DataFrame:
    """Return a sheet's criteria as an editable frame (columns CRITERION_COLUMNS; kind and rule as their labels)."""
    rows = [{"group": c.group, "code": c.code, "name": c.name, "kind": kinds.KINDS.get(c.kind, c.kind),
             "max_points": c.max_points, "rule": RULE_LABELS.get(c.rule or "", None),
             "points_each": c.points_each, "parent": c.parent or None} for c in (spec.criteria if spec else ())]
    return pd.DataFrame(rows, columns=CRITERION_COLUMNS).astype({"max_points": "float64", "points_each": "float64"})


def spec_from_frames(groups: pd.DataFrame, criteria: pd.DataFrame, *, total_points: float | None) -> SheetSpec:
    """Return the spec the two edited frames describe (blank rows skipped; kind and rule read from their labels)."""
    found_groups = tuple(
        GroupSpec(_text(r["name"]), _number(r["max_points"]) or 0.0, bool(r["is_bonus"]) if not _blank(
            r["is_bonus"]) else False)
        for _, r in groups.iterrows() if _text(r["name"]))
    found = []
    for _, r in criteria.iterrows():
        if not (_text(r["code"]) or _text(r["name"])):
            continue
        kind_text = _text(r["kind"])
        kind = KIND_BY_LABEL.get(kind_text) or (kind_text if kind_text in kinds.KINDS else kind_text or kinds.DINH_TINH)
        rule_text = _text(r["rule"])
        rule = RULE_BY_LABEL.get(rule_text, rule_text) or None
        if rule is not None and rule not in kinds.RULES.get(kind, {}):
            rule = None  # a rule of another kind, left from before the kind was changed
        found.append(CriterionSpec(_text(r["group"]), _text(r["code"]), _text(r["name"]),
                                   _number(r["max_points"]) or 0.0, kind, rule, _number(r["points_each"]),
                                   _text(r["parent"])))
    return SheetSpec(found_groups, tuple(found), total_points)


def _stored(index: dict, criterion_id: int, member_id: int, round_: str) -> ScoreEntry | None:
    if round_ == TU_CHAM or round_ == GIAI_TRINH:
        rounds = (round_, TU_CHAM) if round_ == GIAI_TRINH else (TU_CHAM,)
    else:
        rounds = (round_, *SCORED_ROUNDS[SCORED_ROUNDS.index(round_) + 1:])  # the appraisal starts from the last
    for r in rounds:
        if (found := index.get((criterion_id, member_id, r))) is not None:
            return found
    return None


def entry_frame(spec: SheetSpec, entries: list[ScoreEntry], *, member_id: int, round: str) -> pd.DataFrame:  # noqa: A002
    """Return a member's scored criteria for a round (columns ENTRY_COLUMNS), each filled from the round's stored entry,
    else from the entry the round starts from (the self-score for an appraisal and an explanation, the appraisal for
    the second one); the second appraisal lists only the criteria explained."""
    index = {(e.criterion_id, e.member_id, e.round): e for e in entries}
    rows = []
    for c in spec.scored:
        if round == THAM_DINH_LAI and (c.id, member_id, GIAI_TRINH) not in index:
            continue
        own = index.get((c.id, member_id, round))
        base = own if own is not None else _stored(index, c.id, member_id, round)
        rows.append({
            "criterion_id": c.id, "code": c.code, "name": c.name, "kind": kinds.KINDS.get(c.kind, c.kind),
            "max_points": c.max_points,
            "target": base.target if base is not None else None,
            "value": base.value if base is not None else None,
            "not_assigned": bool(base.not_assigned) if base is not None else False,
            "evidence_number": (own.evidence_number if own is not None else None) or None,
            "evidence_date": own.evidence_date if own is not None else None,
            "evidence_file": (own.evidence_name if own is not None else None) or None,
            "comment": (own.comment if own is not None else None) or None,
        })
    frame = pd.DataFrame(rows, columns=ENTRY_COLUMNS)
    return frame.astype({"max_points": "float64", "target": "float64", "value": "float64", "not_assigned": "bool"})


def entries_from_frame(frame: pd.DataFrame, *, member_id: int, round: str) -> list[EntryInput]:  # noqa: A002
    """Return the EntryInputs of an edited entry frame: the rows with a value or marked not assigned (for an
    explanation, the rows explained: those with a comment)."""
    found = []
    for _, r in frame.iterrows():
        value, comment = _number(r["value"]), _text(r["comment"]) or None
        not_assigned = bool(r["not_assigned"]) if not _blank(r["not_assigned"]) else False
        if round == GIAI_TRINH and comment is None:
            continue
        if value is None and not not_assigned:
            continue
        found.append(EntryInput(member_id, int(r["criterion_id"]), value, _number(r["target"]), not_assigned,
                                _text(r["evidence_number"]) or None, _day(r["evidence_date"]), comment))
    return found


def changed_only(items: list[EntryInput], entries: list[ScoreEntry], *, round: str) -> list[EntryInput]:  # noqa: A002
    """Return the items that differ from what the round holds (so an unchanged row is not written again)."""
    index = {(e.criterion_id, e.member_id): e for e in entries if e.round == round}

    def same(item: EntryInput, row: ScoreEntry) -> bool:
        return (row.value, row.target, bool(row.not_assigned), row.evidence_number or None, row.evidence_date,
                row.comment or None) == (item.value, item.target, item.not_assigned, item.evidence_number,
                                         item.evidence_date, item.comment)

    return [i for i in items if (row := index.get((i.criterion_id, i.member_id))) is None or not same(i, row)]
