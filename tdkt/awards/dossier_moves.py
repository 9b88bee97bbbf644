"""Moving many nominations along the path at once (Hồ sơ đề nghị's "select all"): what moves, what is refused, why.

Unlike `dossiers.advance` (all or none), a move of a selection moves every nomination that can go and refuses the
others, each with its reason, in one transaction with one audit entry (the count and the ids). A title whose council
vote has a threshold (`rules.table.vote_threshold`: CSTĐ cơ sở, Cờ thi đua ≥ 80%, CSTĐ cấp tỉnh/bộ/toàn quốc ≥ 90%
of all members) goes to "Hội đồng đã xét" only with its own vote figure; titles without a threshold (LĐTT, Giấy khen…)
need none, so 300 imported LĐTT rows move in one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards import dossiers
from tdkt.awards.rules.table import vote_threshold
from tdkt.core import audit
from tdkt.core.models import NOMINATION_STATUS_LABELS, Award, Nomination, NominationStatus, Person
from tdkt.core.permissions import Actor, require, require_scope
from tdkt.core.text import fold, name_sort_key

S = NominationStatus
_IDS_IN_SUMMARY = 50  # the audit summary names this many ids; `after` holds them all


@dataclass(frozen=True, slots=True)
class Refusal:
    """A nomination of the selection that did not move, and why (Vietnamese)."""

    nomination_id: int
    name: str
    award: str
    reason: str


@dataclass(frozen=True, slots=True)
class MoveResult:
    """What one move of a selection did: the ids moved, the ones refused with their reasons."""

    to: NominationStatus
    moved: tuple[int, ...]
    refused: tuple[Refusal, ...]

    def message(self, *, limit: int = 20) -> str:
        """Return the Vietnamese summary: how many moved, and each refused nomination with its reason."""
        text = f"Đã chuyển {len(self.moved)} đề nghị sang “{NOMINATION_STATUS_LABELS[self.to]}”."
        if self.refused:
            text += f" {len(self.refused)} đề nghị chưa chuyển: " + " ".join(
                f"• {r.name} — {r.award}: {r.reason}." for r in self.refused[:limit])
            if len(self.refused) > limit:
                text += f" … và {len(self.refused) - limit} đề nghị khác."
        return text


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    name: str
    award: str
    code: str
    target: str
    status: str
    unit_id: int | None


def needs_votes(award_code: str | None, target: str) -> bool:
    """Return True when the title goes to "Hội đồng đã xét" only with its own council vote figure."""
    return vote_threshold(award_code, target) is not None


def thresholds(session: Session, *, nomination_ids: list[int]) -> dict[int, int]:
    """Return, for the nominations whose title needs its own council vote, the share (%) of all members it needs."""
    if not nomination_ids:
        return {}
    stmt = (select(Nomination.id, Award.code, Nomination.target).join(Award, Nomination.award_id == Award.id)
            .where(col(Nomination.id).in_(sorted(set(nomination_ids)))))
    return {i: share for i, code, target in session.exec(stmt).all()
            if (share := vote_threshold(code, target)) is not None}


def filter_frame(frame: pd.DataFrame, *, status: str | None = None, award: str | None = None,
                 unit: str | None = None, text: str = "") -> pd.DataFrame:
    """Return the rows of `dossiers.table` that a filter shows: a step, an award, a unit (names as in the table) and
    a text found, accents ignored, in the name, award, unit or decision; the selection "select all" takes."""
    keep = pd.Series(True, index=frame.index)
    if status:
        keep &= frame["status"] == NominationStatus(status).value
    if award:
        keep &= frame["award"] == award
    if unit:
        keep &= frame["unit"] == unit
    needle = fold(text)
    if needle:
        haystack = frame[["name", "award", "unit", "decision"]].fillna("").astype(str).agg(" ".join, axis=1)
        keep &= haystack.map(fold).str.contains(needle, regex=False)
    return frame[keep]


def _form_problems(to: NominationStatus, *, council_members, submitted_on, decision_number, decision_date,
                   decision_authority, today: date) -> list[str]:
    """What the form misses for the step, whatever the nominations (these refuse the whole move)."""
    problems = []
    if to == S.HOI_DONG and council_members is not None and council_members <= 0:
        problems.append("Số thành viên Hội đồng phải lớn hơn 0.")
    return problems + dossiers.step_form_problems(to, submitted_on=submitted_on, decision_number=decision_number,
                                                  decision_date=decision_date,
                                                  decision_authority=decision_authority, today=today)


def _rows(session: Session, ids: list[int]) -> dict[int, _Row]:
    stmt = (
        select(Nomination.id, Person.full_name, Nomination.collective_name, Award.name, Award.code,
               Nomination.target, Nomination.status, Nomination.unit_id)
        .join(Award, Nomination.award_id == Award.id)
        .join(Person, Nomination.person_id == Person.id, isouter=True)
        .where(col(Nomination.id).in_(ids))
    )
    return {i: _Row(i, person or collective or "", award, code, target, status, unit)
            for i, person, collective, award, code, target, status, unit in session.exec(stmt).all()}


def _vote_reason(row: _Row, votes: int | None, council_members: int | None) -> str | None:
    """Why a nomination cannot go to "Hội đồng đã xét" with these figures, or None."""
    threshold = vote_threshold(row.code, row.target)
    if threshold is None and votes is None:
        return None
    if votes is None:
        return (f"danh hiệu cần kết quả bỏ phiếu kín của Hội đồng cho riêng người/tập thể này (ít nhất {threshold}% "
                "tổng số thành viên đồng ý): nhập số phiếu đồng ý của đề nghị")
    if not council_members:
        return "cần nhập số thành viên Hội đồng để ghi số phiếu"
    if votes <= 0:
        return "số phiếu đồng ý phải lớn hơn 0"
    if votes > council_members:
        return f"số phiếu đồng ý ({votes}) lớn hơn số thành viên Hội đồng ({council_members})"
    return None


def _refusal(row: _Row, to: NominationStatus, votes: int | None, council_members: int | None) -> str | None:
    here = NominationStatus(row.status)
    if to not in dossiers.NEXT[here]:
        if not dossiers.NEXT[here]:
            return f"đang ở bước “{NOMINATION_STATUS_LABELS[here]}”, đã kết thúc"
        return (f"đang ở bước “{NOMINATION_STATUS_LABELS[here]}”, chỉ chuyển được sang "
                + " hoặc ".join(f"“{NOMINATION_STATUS_LABELS[s]}”" for s in dossiers.NEXT[here]))
    return _vote_reason(row, votes, council_members) if to == S.HOI_DONG else None


def move(
    session: Session,
    actor: Actor | None,
    *,
    nomination_ids: list[int],
    to: NominationStatus,
    votes: Mapping[int, int] | None = None,
    council_members: int | None = None,
    submitted_on: date | None = None,
    decision_number: str | None = None,
    decision_date: date | None = None,
    decision_authority: str | None = None,
    today: date | None = None,
) -> MoveResult:
    """Move every selected nomination that can go to `to` and refuse the others with their reasons, in the caller's
    transaction, audited once; `votes` gives votes in favour by nomination id (with `council_members`, the council's
    whole membership). Raises DossierError, writing nothing, when the form lacks what the step needs or none moves."""
    require(actor, "xu_ly_ho_so")
    to, today, votes = NominationStatus(to), today or date.today(), dict(votes or {})
    ids = sorted(set(nomination_ids))
    if not ids:
        raise dossiers.DossierError("Chưa chọn đề nghị nào.")
    problems = _form_problems(to, council_members=council_members, submitted_on=submitted_on,
                              decision_number=decision_number, decision_date=decision_date,
                              decision_authority=decision_authority, today=today)
    if problems:
        raise dossiers.DossierError(f"Chưa chuyển được sang “{NOMINATION_STATUS_LABELS[to]}”: " + " ".join(problems))
    found = _rows(session, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise dossiers.DossierError("Không tìm thấy đề nghị số " + ", ".join(map(str, missing)) + ".")
    # The units are the nominations' own, read here (the Office alone moves today).
    require_scope(actor, "xu_ly_ho_so", unit_ids=[r.unit_id for r in found.values()])
    refused, going = [], []
    for i in ids:
        reason = _refusal(found[i], to, votes.get(i), council_members)
        if reason:
            refused.append(Refusal(i, found[i].name, found[i].award, reason))
        else:
            going.append(i)
    refused.sort(key=lambda r: (name_sort_key(r.name), r.nomination_id))  # named as the table lists them
    result = MoveResult(to=to, moved=tuple(going), refused=tuple(refused))
    if not going:
        raise dossiers.DossierError("Không chuyển được đề nghị nào, chưa lưu thay đổi nào. " + " ".join(
            f"• {r.name} — {r.award}: {r.reason}." for r in refused[:20]))
    _write(session, actor, result, found, votes=votes, council_members=council_members, submitted_on=submitted_on,
           decision=(decision_number, decision_date, decision_authority), today=today)
    return result


def _write(session: Session, actor: Actor, result: MoveResult, found: dict[int, _Row], *, votes: dict[int, int],
           council_members: int | None, submitted_on: date | None, decision: tuple, today: date) -> None:
    """Change the moved nominations and add the one audit entry (their ids, steps before and after)."""
    to = result.to
    number, decided_on, authority = decision
    rows = session.exec(select(Nomination).where(col(Nomination.id).in_(result.moved))).all()
    for nomination in rows:
        if to == S.HOI_DONG:
            given = votes.get(nomination.id)
            nomination.votes_for, nomination.council_members = (given, council_members) if given else (None, None)
        elif to == S.DE_NGHI:  # a correction: the council's result is taken back
            nomination.votes_for = nomination.council_members = None
        elif to == S.DA_TRINH:
            nomination.submitted_on = submitted_on or today
        elif to == S.CO_QUYET_DINH:
            nomination.decision_number, nomination.decision_date = number.strip(), decided_on
            nomination.decision_authority = authority.strip()
        nomination.status = to.value
        session.add(nomination)
    session.flush()
    label = NOMINATION_STATUS_LABELS[to]
    named = ", ".join(map(str, result.moved[:_IDS_IN_SUMMARY]))
    more = f" và {len(result.moved) - _IDS_IN_SUMMARY} đề nghị khác" if len(result.moved) > _IDS_IN_SUMMARY else ""
    summary = f"Chuyển {len(result.moved)} đề nghị sang “{label}” trong một lần (số {named}{more})."
    if result.refused:
        summary += f" {len(result.refused)} đề nghị không chuyển được: số " + ", ".join(
            str(r.nomination_id) for r in result.refused) + "."
    audit.record(session, actor, "xu_ly_ho_so", "de_nghi", None, summary,
                 before={"ids": list(result.moved), "status": {i: found[i].status for i in result.moved}},
                 after={"ids": list(result.moved), "status": to.value,
                        "votes": {i: votes[i] for i in result.moved if i in votes},
                        "council_members": council_members, "refused": [r.nomination_id for r in result.refused]})
