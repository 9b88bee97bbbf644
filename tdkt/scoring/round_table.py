"""One member's round as the Chấm điểm page's table: a met/not-met criterion picked as “Đạt”/“Không đạt” in a column
of its own (not typed 1 or 0), the table to read with Vietnamese numbers, and the edited table back as entries."""

from __future__ import annotations

import pandas as pd

from tdkt.core.text import format_date
from tdkt.scoring import kinds, sheet_frames
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import ScoringError, points_text
from tdkt.scoring.sheets import CriterionSpec, SheetSpec

MET, NOT_MET = "Đạt", "Không đạt"
COLUMNS = [*sheet_frames.ENTRY_COLUMNS[:7], "met", *sheet_frames.ENTRY_COLUMNS[7:]]  # the pick just after the value


def all_or_nothing(c: CriterionSpec) -> bool:
    """Whether a criterion is met or not (a qualitative one not scored in points)."""
    return c.kind == kinds.DINH_TINH and c.rule != kinds.DIEM


def _binary(spec: SheetSpec) -> set[int]:
    return {c.id for c in spec.scored if all_or_nothing(c)}


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str)
                                                                                 and not value.strip())


def round_table(spec: SheetSpec, entries: list, *, member_id: int, round: str) -> pd.DataFrame:  # noqa: A002
    """Return `sheet_frames.entry_frame` with `met` after `value` (columns COLUMNS): “Đạt”/“Không đạt” (or None) for
    a met/not-met criterion, whose value is then blank, None for the others; the evidence dates as datetimes."""
    frame = sheet_frames.entry_frame(spec, entries, member_id=member_id, round=round)
    binary = frame["criterion_id"].isin(_binary(spec))
    met = [({1: MET, 0: NOT_MET}.get(v) if b and not pd.isna(v) else None) for v, b in zip(frame["value"], binary,
                                                                                         strict=True)]
    frame["met"] = pd.Series(met, index=frame.index, dtype="object")
    frame.loc[binary, "value"] = float("nan")
    frame["evidence_date"] = pd.to_datetime(frame["evidence_date"])
    return frame[COLUMNS]


def entries_from_table(frame: pd.DataFrame, spec: SheetSpec, *, member_id: int, round: str) -> list[EntryInput]:  # noqa: A002
    """Return the EntryInputs of an edited round table (`sheet_frames.entries_from_frame`), “Đạt” read as 1 and
    “Không đạt” as 0; a pick on a criterion that is not met/not-met is refused (its value goes in “Kết quả”)."""
    binary, codes = _binary(spec), {c.id: c.code for c in spec.scored}
    frame = frame.copy()
    for index, row in frame.iterrows():
        if _blank(row["met"]):
            continue
        if int(row["criterion_id"]) not in binary:
            raise ScoringError(f"Tiêu chí “{codes.get(int(row['criterion_id']), '')}” không chấm đạt/không đạt: ghi "
                               "kết quả ở cột “Kết quả”, để trống cột “Đạt/không đạt”.")
        frame.at[index, "value"] = 1.0 if row["met"] == MET else 0.0
    return sheet_frames.entries_from_frame(frame.drop(columns="met"), member_id=member_id, round=round)


def shown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a round table to read (no criterion_id, no met column): points and numbers the Vietnamese way (1.230,5),
    “Đạt”/“Không đạt” as the result of a met/not-met criterion, “Không giao”, dates dd/mm/yyyy, blanks empty."""
    def number(value) -> str:
        return "" if _blank(value) else points_text(float(value))

    shown = frame.drop(columns=["criterion_id", "met"]).assign(
        max_points=frame["max_points"].map(number), target=frame["target"].map(number),
        value=[met if not _blank(met) else number(v) for v, met in zip(frame["value"], frame["met"], strict=True)],
        not_assigned=frame["not_assigned"].map({True: "Không giao", False: ""}),
        evidence_date=[format_date(d.date()) if not _blank(d) else "" for d in frame["evidence_date"]])
    return shown.astype(object).where(shown.notna(), "")


def detail_value(c: CriterionSpec | None, text: str) -> str:
    """Return a value of `ranking.member_detail` as the page shows it: “Đạt”/“Không đạt” for a met/not-met one."""
    if c is not None and all_or_nothing(c) and text in ("1", "0"):
        return MET if text == "1" else NOT_MET
    return text
