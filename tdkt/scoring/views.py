"""What the Chấm điểm page shows of one cluster, read in one call as plain data (kept per data version by the page):
the sheet, its result, every entry, the rounds' states and the previous year's sheet to copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from tdkt.core.text import format_date
from tdkt.scoring import entries, ranking, rounds, sheet_writes, sheets
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
    return ClusterScoring(sheet.id, sheet.spec, sheet.published_on, ranking.result_of(session, sheet), rows,
                          tuple(rounds.states(session, sheet_id=sheet.id, today=today)), previous)


def lock_text(state: RoundState, *, published_on: date | None) -> str:
    """Return why a locked round's table is for reading only, with the day it locked (dd/mm/yyyy)."""
    name = rounds.ROUNDS[state.kind]
    if published_on is not None:
        return f"Kết quả đã công bố ngày {format_date(published_on)}: vòng {name.lower()} đã khóa, bảng chỉ để xem."
    if state.deadline is None:
        return f"Trưởng cụm chưa mở vòng {name.lower()} (chưa đặt hạn): bảng chỉ để xem."
    return (f"Vòng {name.lower()} đã khóa từ {format_date(state.deadline + timedelta(days=1))} (hạn cuối "
            f"{format_date(state.deadline)}): bảng chỉ để xem, không sửa được.")
