"""The dossier checklist (Law Điều 84): the documents each award needs per year, and what each nomination lacks.

A document counts as present when an attachment of its kind is on the nomination, or, for the documents that cover
a unit's whole list (tờ trình, biên bản…), on the unit's submission of that year (an attachment with no nomination).
The Office sets the kinds per award and year; an award without a setting has the built-in defaults.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.attachment_tables import Attachment, DossierRequirement
from tdkt.core.errors import Refused
from tdkt.core.models import Award, Nomination, NominationTally, utcnow
from tdkt.core.permissions import Actor, require


class ChecklistError(Refused):
    """A checklist change was refused; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of dossier document; `covers_list`: one document may serve a unit's whole list (its submission)."""

    code: str
    label: str
    covers_list: bool
    basis: str


_LAW = "Luật Thi đua, khen thưởng 2022"
DOCUMENT_KINDS: dict[str, DocumentKind] = {k.code: k for k in (
    DocumentKind("to_trinh", "Tờ trình đề nghị khen thưởng", True, f"{_LAW}, Điều 84 khoản 1 điểm a"),
    DocumentKind("bao_cao_thanh_tich", "Báo cáo thành tích", False, f"{_LAW}, Điều 84 khoản 1 điểm b"),
    DocumentKind("bien_ban", "Biên bản bình xét thi đua, họp Hội đồng Thi đua – Khen thưởng", True,
                 f"{_LAW}, Điều 84 khoản 1 điểm c"),
    DocumentKind("sang_kien", "Xác nhận, công nhận sáng kiến, đề tài khoa học", False,
                 f"{_LAW}, Điều 84 khoản 1 điểm d (danh hiệu Chiến sĩ thi đua các cấp)"),
    DocumentKind("cong_khai", "Văn bản công khai danh sách đề nghị khen thưởng", True, f"{_LAW}, Điều 84 khoản 5"),
    DocumentKind("danh_sach", "Danh sách đề nghị khen thưởng", True, "Kèm theo tờ trình"),
    DocumentKind("xep_loai", "Kết quả đánh giá, xếp loại", True, "Căn cứ xét danh hiệu thi đua"),
    DocumentKind("khac", "Tài liệu khác", False, ""),
)}
OTHER = "khac"  # may always be attached, never required
REQUIRABLE = tuple(code for code in DOCUMENT_KINDS if code != OTHER)
LIST_KINDS = frozenset(code for code, kind in DOCUMENT_KINDS.items() if kind.covers_list)
BASE_KINDS = ("to_trinh", "bao_cao_thanh_tich", "bien_ban")
# The Law asks for the initiative's certification for the Chiến sĩ thi đua titles at every level (Điều 84 k1 d).
CSTD_AWARDS = frozenset({"CSTDCS", "CSTD_TINH", "CSTD_BCT", "CSTD_TQ"})
_CHUNK = 5000  # ids per IN (…): well under SQLite's 32,766 parameters and PostgreSQL's 65,535
REQUIREMENT_COLUMNS = ["award_id", "award", "kinds", "documents", "configured"]


def decree_for(year: int) -> str:
    """The decree whose forms a year's dossiers follow: the one in force on that year's deadline (15/12)."""
    if year >= 2025:  # NĐ 152/2025 from 01/07/2025 (its Điều 59)
        return "Nghị định 152/2025/NĐ-CP"
    if year == 2024:
        return "Nghị định 98/2023/NĐ-CP"
    return "Nghị định 91/2017/NĐ-CP"


def kind_label(kind: str, *, year: int) -> str:
    """Return a document kind's Vietnamese name for a year (the achievement report names the decree of its form)."""
    found = DOCUMENT_KINDS.get(kind)
    if found is None:
        return kind
    if kind == "bao_cao_thanh_tich":
        return f"{found.label} theo mẫu {decree_for(year)}"
    return found.label


def kind_help(kind: str, *, year: int) -> str:
    """Return where a document kind comes from, for the settings page."""
    found = DOCUMENT_KINDS[kind]
    if kind == "to_trinh" and year >= 2025:
        return f"{found.basis}; Mẫu số 01, Phụ lục {decree_for(year)}"
    if kind == "bao_cao_thanh_tich" and year >= 2025:
        return f"{found.basis}; cá nhân: Mẫu số 05, Phụ lục {decree_for(year)}"
    return found.basis


def default_kinds(award_code: str) -> tuple[str, ...]:
    """Return the built-in documents of an award: tờ trình, báo cáo thành tích, biên bản, and for the Chiến sĩ thi
    đua titles the initiative's certification."""
    return BASE_KINDS + (("sang_kien",) if award_code in CSTD_AWARDS else ())


def _parse(kinds: str) -> tuple[str, ...]:
    return tuple(k for k in kinds.split(",") if k in DOCUMENT_KINDS)


def requirements(session: Session, *, year: int) -> dict[int, tuple[str, ...]]:
    """Return the documents every award needs in a year (award id → kinds): the Office's setting, else the default."""
    configured = {r.award_id: _parse(r.kinds) for r in session.exec(
        select(DossierRequirement).where(DossierRequirement.year == year)).all()}
    return {award_id: configured.get(award_id, default_kinds(code))
            for award_id, code in session.exec(select(Award.id, Award.code)).all()}


def requirement_table(session: Session, *, year: int) -> pd.DataFrame:
    """Return every award with its documents for the year: columns award_id, award, kinds (tuple), documents (the
    names joined), configured (the Office's setting rather than the default); in the catalogue's order."""
    configured = {r.award_id: _parse(r.kinds) for r in session.exec(
        select(DossierRequirement).where(DossierRequirement.year == year)).all()}
    rows = []
    for award in session.exec(select(Award).order_by(col(Award.position), col(Award.name))).all():
        kinds = configured.get(award.id, default_kinds(award.code))
        rows.append({"award_id": award.id, "award": award.name, "kinds": kinds,
                     "documents": "; ".join(kind_label(k, year=year) for k in kinds) or "Không yêu cầu",
                     "configured": award.id in configured})
    return pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)


def _award(session: Session, award_id: int) -> Award:
    award = session.get(Award, award_id)
    if award is None:
        raise ChecklistError(f"Không tìm thấy danh hiệu, hình thức khen thưởng số {award_id}.")
    return award


def _labels(kinds: Iterable[str], year: int) -> str:
    return "; ".join(kind_label(k, year=year) for k in kinds) or "không yêu cầu tài liệu nào"


def set_requirement(session: Session, actor: Actor | None, *, year: int, award_id: int, kinds: Sequence[str]) -> None:
    """Set the documents an award needs in a year (the Office); an empty list requires nothing."""
    require(actor, "thanh_phan_ho_so")
    unknown = [k for k in kinds if k not in REQUIRABLE]
    if unknown:
        raise ChecklistError("Loại tài liệu không có trong danh mục thành phần hồ sơ: " + ", ".join(unknown) + ".")
    award = _award(session, award_id)
    chosen = tuple(k for k in REQUIRABLE if k in set(kinds))  # the catalogue's order, each once
    row = session.exec(select(DossierRequirement).where(DossierRequirement.year == year,
                                                        DossierRequirement.award_id == award_id)).first()
    before = _parse(row.kinds) if row else default_kinds(award.code)
    row = row or DossierRequirement(year=year, award_id=award_id)
    row.kinds, row.updated_at = ",".join(chosen), utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, "thanh_phan_ho_so", "thanh_phan_ho_so", row.id,
                 f"Thành phần hồ sơ “{award.name}” năm {year}: {_labels(chosen, year)}.",
                 before={"kinds": list(before)}, after={"kinds": list(chosen)})


def reset_requirement(session: Session, actor: Actor | None, *, year: int, award_id: int) -> None:
    """Drop the Office's setting of an award for a year: the built-in defaults apply again."""
    require(actor, "thanh_phan_ho_so")
    award = _award(session, award_id)
    row = session.exec(select(DossierRequirement).where(DossierRequirement.year == year,
                                                        DossierRequirement.award_id == award_id)).first()
    if row is None:
        return
    before = _parse(row.kinds)
    session.delete(row)
    audit.record(session, actor, "thanh_phan_ho_so", "thanh_phan_ho_so", row.id,
                 f"Thành phần hồ sơ “{award.name}” năm {year} về mặc định: {_labels(default_kinds(award.code), year)}.",
                 before={"kinds": list(before)}, after={"kinds": list(default_kinds(award.code))})


def copy_requirements(session: Session, actor: Actor | None, *, from_year: int, to_year: int) -> int:
    """Copy the Office's settings of one year to another (replacing those there); return how many awards."""
    require(actor, "thanh_phan_ho_so")
    if from_year == to_year:
        raise ChecklistError("Chọn một năm khác năm đang xem để sao chép.")
    source = session.exec(select(DossierRequirement).where(DossierRequirement.year == from_year)).all()
    if not source:
        raise ChecklistError(f"Năm {from_year} chưa có thành phần hồ sơ nào do Văn phòng đặt (đang theo mặc định).")
    target = {r.award_id: r for r in session.exec(
        select(DossierRequirement).where(DossierRequirement.year == to_year)).all()}
    for row in source:
        copy = target.get(row.award_id) or DossierRequirement(year=to_year, award_id=row.award_id)
        copy.kinds, copy.updated_at = row.kinds, utcnow()
        session.add(copy)
    audit.record(session, actor, "thanh_phan_ho_so", "thanh_phan_ho_so", None,
                 f"Sao chép thành phần hồ sơ của {len(source)} danh hiệu, hình thức từ năm {from_year} sang năm "
                 f"{to_year}.", after={"from_year": from_year, "to_year": to_year, "awards": len(source)})
    return len(source)


@dataclass(frozen=True, slots=True)
class DossierState:
    """One nomination's documents: what its award needs, and which of those are missing (kinds, in order)."""

    nomination_id: int
    year: int
    required: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def _states(session: Session, where: ColumnElement[bool]) -> list[DossierState]:
    """The dossier state of every nomination matching `where`: three queries whatever the number (their documents are
    read through a join on the same condition, not an IN list of their ids: 10k bound ids took 0,15 s to render)."""
    rows = session.exec(select(Nomination.id, Nomination.year, Nomination.unit_id, Nomination.award_id)
                        .where(where)).all()
    if not rows:
        return []
    own: dict[int, set[str]] = {}
    for nomination_id, kind in session.exec(
            select(Attachment.nomination_id, Attachment.kind).distinct()
            .join(Nomination, Attachment.nomination_id == Nomination.id).where(where)).all():
        own.setdefault(nomination_id, set()).add(kind)
    years = sorted({r[1] for r in rows})
    listed: dict[tuple[int, int], set[str]] = {}
    for year, unit_id, kind in session.exec(
            select(Attachment.year, Attachment.unit_id, Attachment.kind).distinct()
            .where(col(Attachment.nomination_id).is_(None), col(Attachment.year).in_(years),
                   col(Attachment.kind).in_(sorted(LIST_KINDS)))).all():
        listed.setdefault((year, unit_id), set()).add(kind)
    needs = {year: requirements(session, year=year) for year in years}
    nothing: set[str] = set()
    states = []
    for nomination_id, year, unit_id, award_id in rows:
        required = needs[year].get(award_id, ())
        have = own.get(nomination_id, nothing)
        shared = listed.get((year, unit_id), nothing) if unit_id else nothing
        missing = tuple(k for k in required if k not in have and k not in shared)
        states.append(DossierState(nomination_id, year, required, missing))
    return states


def dossier_states(session: Session, *, nomination_ids: Iterable[int]) -> dict[int, DossierState]:
    """Return the dossier state of each nomination (ids not found are left out)."""
    ids = sorted(set(nomination_ids))
    found: dict[int, DossierState] = {}
    for start in range(0, len(ids), _CHUNK):
        for state in _states(session, col(Nomination.id).in_(ids[start:start + _CHUNK])):
            found[state.nomination_id] = state
    return found


def missing_documents(session: Session, *, nomination_ids: Iterable[int]) -> dict[int, list[str]]:
    """Return, for each nomination, the Vietnamese names of the documents its award needs that it lacks (an empty
    list when its dossier is complete), in the checklist's order."""
    return {i: [kind_label(k, year=s.year) for k in s.missing]
            for i, s in dossier_states(session, nomination_ids=nomination_ids).items()}


def count_complete(session: Session, where: ColumnElement[bool], *,
                   per_award: dict[tuple[int, int], int] | None = None) -> dict:
    """Return how many nominations matching `where` have a complete dossier and how many lack a document:
    {"complete": n, "incomplete": n, "missing": {document name: nominations lacking it}} (names of the first year).
    `per_award`, when the caller has counted them already, is how many match `where` per (year, award id)."""
    if _no_list_documents(session):
        return _by_award(session, where, per_award=per_award)
    states = _states(session, where)
    lacking = Counter(kind for s in states for kind in s.missing)
    year = min((s.year for s in states), default=0)
    missing = {kind_label(kind, year=year): lacking[kind] for kind in REQUIRABLE if lacking[kind]}
    complete = sum(s.complete for s in states)
    return {"complete": complete, "incomplete": len(states) - complete, "missing": missing}


def _by_award(session: Session, where: ColumnElement[bool], *, year: int | None = None,
              per_award: dict[tuple[int, int], int] | None = None) -> dict:
    """`count_complete` when no unit holds a list document: a nomination's state then depends on its year's award
    alone, unless it has documents of its own, so only those are read one by one; the others are counted by year and
    award in SQL, or taken from the tally for a whole year (`year`; tdkt.core.tally). bench/pages.py at 1M nominations:
    the 100k rows of a year (50k of a half-year) went to Python one by one, 0.5 s CPU."""
    if per_award is not None:
        counts = None
    elif year is not None:
        counts = (select(NominationTally.year, NominationTally.award_id, func.sum(NominationTally.n))
                  .where(NominationTally.year == year, NominationTally.n != 0)
                  .group_by(NominationTally.year, NominationTally.award_id))
    else:
        counts = (select(Nomination.year, Nomination.award_id, func.count()).where(where)
                  .group_by(Nomination.year, Nomination.award_id))
    if counts is not None:
        per_award = {(y, a): int(n) for y, a, n in session.exec(counts).all()}
    own: dict[int, set[str]] = {}
    keys: dict[int, tuple[int, int]] = {}
    for nomination_id, y, award, kind in session.exec(
            select(Nomination.id, Nomination.year, Nomination.award_id, Attachment.kind).distinct()
            .join(Nomination, Attachment.nomination_id == Nomination.id).where(where)).all():
        own.setdefault(nomination_id, set()).add(kind)
        keys[nomination_id] = (y, award)
    needs = {y: requirements(session, year=y) for y in sorted({y for y, _ in per_award})}
    lacking: Counter = Counter()
    complete = 0
    with_documents = Counter(keys.values())
    for (y, award), n in per_award.items():
        required = needs[y].get(award, ())
        alone = n - with_documents[(y, award)]  # the award's nominations without documents of their own
        complete += alone if not required else 0
        lacking.update(dict.fromkeys(required, alone))
    for nomination_id, have in own.items():
        y, award = keys[nomination_id]
        missing = [k for k in needs[y].get(award, ()) if k not in have]
        complete += not missing
        lacking.update(missing)
    first = min(needs, default=0)
    missing = {kind_label(kind, year=first): lacking[kind] for kind in REQUIRABLE if lacking[kind]}
    return {"complete": complete, "incomplete": sum(per_award.values()) - complete, "missing": missing}


def _no_list_documents(session: Session) -> bool:
    """True when no unit holds a list document (tờ trình, biên bản… for the whole list) of any year."""
    stmt = select(Attachment.id).where(col(Attachment.nomination_id).is_(None),
                                       col(Attachment.kind).in_(sorted(LIST_KINDS)))
    return session.exec(stmt.limit(1)).first() is None


def completeness(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> dict:
    """Return `count_complete` of the year's nominations (of one unit, of one award)."""
    conditions = [Nomination.year == year]
    if unit_id is not None:
        conditions.append(Nomination.unit_id == unit_id)
    if award_id is not None:
        conditions.append(Nomination.award_id == award_id)
    if unit_id is None and _no_list_documents(session):
        return _by_award(session, and_(*conditions), year=year if award_id is None else None)
    return count_complete(session, and_(*conditions))
