"""What the Chấm điểm page shows of one cluster, read in one call as plain data (kept per data version by the page):
the sheet, its result, every entry, the rounds' states, our rank over the years, the proposal, the criteria table to
read and the previous year's sheet to copy; and, per pick, one member's round table and detail, drawn ready."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from tdkt.clusters import clusters
from tdkt.clusters.cluster_years import INTERNAL
from tdkt.core import read_cache
from tdkt.core.text import format_date
from tdkt.scoring import (
    entries,
    kinds,
    outputs,
    proposals,
    ranking,
    round_table,
    rounds,
    sheet_frames,
    sheet_writes,
    sheets,
)
from tdkt.scoring.proposals import ProposalPlan
from tdkt.scoring.results import ClusterResult
from tdkt.scoring.rounds import RoundState
from tdkt.scoring.sheets import SheetSpec


@dataclass(frozen=True, slots=True)
class EntryRow:
    """A stored entry as plain data (a ScoreEntry row belongs to the session that read it)."""

    criterion_id: int
    member_id: int
    round: str
    target: float | None
    value: float | None
    not_assigned: bool
    evidence_sha256: str | None
    evidence_name: str | None
    evidence_number: str | None
    evidence_date: date | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class ClusterScoring:
    """A cluster's scoring as the page draws it; `sheet_id` None (and the rest empty) when it has no sheet yet."""

    sheet_id: int | None
    spec: SheetSpec | None
    published_on: date | None
    result: ClusterResult | None
    entries: tuple[EntryRow, ...]
    states: tuple[RoundState, ...]
    previous: tuple[int, SheetSpec] | None  # (year, spec) of the latest earlier sheet, when asked for
    history: tuple[tuple[int, int | None, int], ...] = ()  # `outputs.our_ranks`: (year, our rank, members ranked)
    plan: ProposalPlan | None = None  # `proposals.plan`
    criteria_table: pd.DataFrame | None = None  # the criteria to read: `sheet_frames.criterion_frame`, points as text


@dataclass(frozen=True, slots=True)
class MemberView:
    """One member's criteria as the page reads them (`ranking.member_detail`, points as text, met/not-met named) and
    the line naming what was cut."""

    detail: pd.DataFrame
    cut: str | None


@dataclass(frozen=True, slots=True)
class RoundView:
    """One member's round: the table to edit (`round_table.round_table`) and the same to read (`shown_table`)."""

    table: pd.DataFrame
    shown: pd.DataFrame


def cluster_choices(session: Session, *, year: int) -> tuple[clusters.ClusterInfo, ...]:
    """Return the year's clusters the page scores (not the internal covenant), as plain values."""
    return tuple(clusters.ClusterInfo.of(c) for c in clusters.clusters_of(session, year=year) if c.code != INTERNAL)


def points(value) -> str:
    """Return points as the page writes them (1.230,5), blank for none."""
    return kinds.points_text(value) if value is not None and not pd.isna(value) else ""


def criteria_table(spec: SheetSpec) -> pd.DataFrame:
    """Return a sheet's criteria to read: `sheet_frames.criterion_frame` with its points as text, blanks empty."""
    frame = sheet_frames.criterion_frame(spec)
    frame["max_points"] = frame["max_points"].map(points)
    frame["points_each"] = frame["points_each"].map(points)
    return frame.fillna("")


def cluster_scoring(session: Session, *, cluster_id: int, today: date, with_previous: bool) -> ClusterScoring:
    """Return a cluster's sheet, result, entries and round states as of `today` (a round locks the day after its
    deadline: the day is an argument so that a kept result is not served the next day), and the previous sheet."""
    previous = sheet_writes.previous_sheet(session, cluster_id=cluster_id) if with_previous else None
    sheet = sheets.load(session, cluster_id=cluster_id)
    if sheet is None:
        return ClusterScoring(None, None, None, None, (), (), previous)
    rows = tuple(EntryRow(e.criterion_id, e.member_id, e.round, e.target, e.value, bool(e.not_assigned),
                          e.evidence_sha256, e.evidence_name, e.evidence_number, e.evidence_date, e.comment)
                 for e in entries.entries_of(session, sheet_id=sheet.id))
    cluster, result = sheet.cluster, ranking.result_of(session, sheet)
    # This year's rank from the result just computed; the earlier years' from theirs (outputs.our_ranks would rank
    # this year again).
    earlier = outputs.our_ranks(session, cluster_code=cluster.code, year=cluster.year - 1, span=outputs.SPAN - 1)
    ours = next((m for m in result.members if m.is_us), None)
    history = (*earlier, (cluster.year, ours.rank if ours is not None else None,
                          sum(m.rank is not None for m in result.members)))
    return ClusterScoring(sheet.id, sheet.spec, sheet.published_on, result, rows,
                          tuple(rounds.states(session, sheet_id=sheet.id, today=today)), previous, history,
                          proposals.plan(session, year=cluster.year, cluster_code=cluster.code),
                          criteria_table(sheet.spec))


# The two views below start from the kept `cluster_scoring` of the same arguments (the page has just read it), shared,
# not copied, and only read: the sheet is not loaded again for each member and round picked.
def round_view(session: Session, *, member_id: int, round: str, **scoring: object) -> RoundView:  # noqa: A002
    """Return one member's table of a round, to edit and to read (`scoring`: the arguments of `cluster_scoring`)."""
    found = read_cache.shared(session, cluster_scoring, **scoring)
    table = round_table.round_table(found.spec, list(found.entries), member_id=member_id, round=round)
    return RoundView(table, round_table.shown_table(table))


def member_view(session: Session, *, member_id: int, **scoring: object) -> MemberView:
    """Return one member's criteria, self-score against the appraisal, as the page shows them (`scoring`: the
    arguments of `cluster_scoring`)."""
    found = read_cache.shared(session, cluster_scoring, **scoring)
    detail = ranking.member_detail(session, year=found.result.year, cluster_code=found.result.cluster_code,
                                   member_id=member_id)
    for column in ("max_points", "self_points", "appraised_points", "cut"):
        detail[column] = detail[column].map(points)
    criteria = {c.id: c for c in found.spec.scored}
    for column in ("self_value", "appraised_value"):
        detail[column] = [round_table.detail_value(criteria.get(i), v)
                          for i, v in zip(detail["criterion_id"], detail[column], strict=True)]
    cut = detail[(detail["cut"].astype(str).str.len() > 0) & (detail["cut"] != "0")]
    line = "; ".join(f"{r.code} ({r.cut} điểm" + (f": {r.comment}" if r.comment else "") + ")"
                     for r in cut.itertuples())
    return MemberView(detail, f"Bị trừ: {line}" if line else None)


def lock_text(state: RoundState, *, published_on: date | None) -> str:
    """Return why a locked round's table is for reading only, with the day it locked (dd/mm/yyyy)."""
    name = rounds.ROUNDS[state.kind]
    if published_on is not None:
        return f"Kết quả đã công bố ngày {format_date(published_on)}: vòng {name.lower()} đã khóa, bảng chỉ để xem."
    if state.deadline is None:
        return f"Trưởng cụm chưa mở vòng {name.lower()} (chưa đặt hạn): bảng chỉ để xem."
    return (f"Vòng {name.lower()} đã khóa từ {format_date(state.deadline + timedelta(days=1))} (hạn cuối "
            f"{format_date(state.deadline)}): bảng chỉ để xem, không sửa được.")
