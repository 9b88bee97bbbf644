"""Rule findings gathered by what they say: a list of 300 Lao động tiên tiến rows that all lack the year's rating
reads as one entry with its rows, not 300 copies of the same sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUP_FROM = 11  # up to ten findings are read one by one; more are gathered by award and reasons


@dataclass(slots=True)
class FindingGroup:
    """The findings with one award and the same reasons: who (name, unit) and, for a list, which rows."""

    award: str
    reasons: str
    names: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # a list's row numbers; empty for nominations on record


def group_findings(frame) -> list[FindingGroup]:
    """Return the findings of `frame` (name, award, reasons, and row or unit) gathered by award and reasons, the
    largest group first, then in the order of their first finding."""
    groups: dict[tuple[str, str], FindingGroup] = {}
    has_row, has_unit = "row" in frame.columns, "unit" in frame.columns
    for record in frame.itertuples(index=False):
        group = groups.setdefault((record.award, record.reasons), FindingGroup(record.award, record.reasons))
        unit = getattr(record, "unit", None) if has_unit else None
        group.names.append(f"{record.name} ({unit})" if unit else str(record.name))
        if has_row and record.row is not None:
            group.rows.append(record.row)
    return sorted(groups.values(), key=lambda g: -len(g.names))  # stable: equal sizes keep their first-seen order


def listing(items: list, *, noun: str = "đề nghị", limit: int = 8) -> str:
    """Return the first `limit` items joined by commas, with how many more ("…, 9 và 12 dòng khác")."""
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" và {len(items) - limit} {noun} khác" if len(items) > limit else "")
