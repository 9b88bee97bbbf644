"""Score entries, checked and audited: a member's self-score per criterion with its evidence, the head's appraisal with
a comment, an explanation (giải trình) of an appraised criterion, the second appraisal of explained criteria only;
a recorded score changed only with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import insert
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.file_store import FileStore
from tdkt.core.models import ClusterMember, utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.scoring_tables import ScoreCriterion, ScoreEntry, ScoreGroup, ScoreSheet
from tdkt.core.text import form_text
from tdkt.scoring import kinds
from tdkt.scoring.kinds import ScoringError
from tdkt.scoring.rounds import APPRAISALS, GIAI_TRINH, ROUNDS, TU_CHAM, require_open
from tdkt.submissions.attachments import clean_name, sniff


@dataclass(frozen=True)
class EntryInput:
    """What one member gets for one criterion in a round, as a form or a sheet gives it."""

    member_id: int
    criterion_id: int
    value: float | None = None
    target: float | None = None
    not_assigned: bool = False
    evidence_number: str | None = None
    evidence_date: date | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A file the member attaches as evidence, kept in the file store."""

    store: FileStore
    stream: BinaryIO
    name: str
    limit: int


@dataclass
class _Sheet:
    """A sheet's rows one write call needs, read once: criteria, which have sub-criteria, members, entries."""

    sheet: ScoreSheet
    criteria: dict[int, ScoreCriterion]
    parents: set[int]
    members: dict[int, ClusterMember]
    index: dict[tuple[int, int, str], ScoreEntry]
    opened: set[str] = field(default_factory=set)

    def entry(self, criterion_id: int, member_id: int, round_: str) -> ScoreEntry | None:
        return self.index.get((criterion_id, member_id, round_))


def _context(session: Session, criterion_id: int) -> _Sheet:
    criterion = session.get(ScoreCriterion, criterion_id)
    if criterion is None:
        raise ScoringError("Không tìm thấy tiêu chí này (có thể đã bị xóa khỏi bảng). Tải lại trang.")
    sheet = session.get(ScoreSheet, session.get(ScoreGroup, criterion.group_id).sheet_id)
    criteria = {c.id: c for c in session.exec(select(ScoreCriterion).join(ScoreGroup).where(
        ScoreGroup.sheet_id == sheet.id)).all()}
    members = {m.id: m for m in session.exec(select(ClusterMember).where(
        ClusterMember.cluster_id == sheet.cluster_id)).all()}
    index = {(e.criterion_id, e.member_id, e.round): e for e in entries_of(session, sheet_id=sheet.id)}
    return _Sheet(sheet, criteria, {c.parent_id for c in criteria.values() if c.parent_id}, members, index)


def _load(ctx: _Sheet, item: EntryInput) -> tuple[ScoreCriterion, ClusterMember]:
    criterion = ctx.criteria.get(item.criterion_id)
    member = ctx.members.get(item.member_id)
    if criterion is None:
        raise ScoringError("Các tiêu chí phải cùng một bảng tiêu chí (một cụm, một năm).")
    if member is None:
        raise ScoringError(f"Thành viên số {item.member_id} không thuộc cụm có tiêu chí “{criterion.code}”.")
    if criterion.id in ctx.parents:
        raise ScoringError(f"Tiêu chí “{criterion.code}” có tiêu chí con: chấm từng tiêu chí con.")
    return criterion, member


def check_value(criterion: ScoreCriterion, item: EntryInput) -> None:
    """Refuse a value that the criterion's kind cannot score (a target of 0, a count that is not whole, points above
    the maximum, met written other than 1/0)."""
    if item.not_assigned:
        if criterion.kind == kinds.CONG_TRU:
            raise ScoringError(f"Mục cộng/trừ “{criterion.code}” không đánh dấu “không giao” được: ghi số lần 0.")
        return
    if item.value is None:
        raise ScoringError(f"Tiêu chí “{criterion.code}”: ghi kết quả (hoặc đánh dấu “không giao”).")
    where = f"Tiêu chí “{criterion.code}”: "
    try:
        if criterion.kind == kinds.DINH_LUONG:
            kinds.dinh_luong_points(criterion.max_points, rule=criterion.rule, target=item.target,
                                    achieved=item.value, leader=0)
        elif criterion.kind == kinds.DINH_TINH:
            kinds.dinh_tinh_points(criterion.max_points, rule=criterion.rule, value=item.value)
        elif criterion.kind == kinds.THEO_LAN:
            kinds.theo_lan_points(criterion.max_points, points_each=criterion.points_each, count=item.value)
        else:
            kinds.cong_tru_points(points_each=criterion.points_each, count=item.value)
    except ScoringError as error:
        raise ScoringError(where + str(error)) from None


def _check_round(ctx: _Sheet, criterion: ScoreCriterion, member: ClusterMember, round_: str,
                 item: EntryInput, *, has_file: bool) -> None:
    where = f"Tiêu chí “{criterion.code}” của {member.name}"
    has_evidence = bool(item.evidence_number) or has_file
    if round_ == TU_CHAM and not item.not_assigned and (item.value or 0) > 0 and not has_evidence:
        raise ScoringError(f"{where}: ghi tài liệu kiểm chứng (số và ngày văn bản) hoặc đính kèm tệp.")
    if item.evidence_number and item.evidence_date is None:
        raise ScoringError(f"{where}: ghi cả ngày của văn bản kiểm chứng {item.evidence_number}.")
    if round_ == GIAI_TRINH:
        if ctx.entry(criterion.id, member.id, APPRAISALS[0]) is None:
            raise ScoringError(f"{where} chưa được thẩm định: chỉ giải trình được tiêu chí đã thẩm định.")
        if not (item.comment or "").strip():
            raise ScoringError(f"{where}: ghi nội dung giải trình.")
    if round_ in APPRAISALS:
        if round_ == APPRAISALS[1] and ctx.entry(criterion.id, member.id, GIAI_TRINH) is None:
            raise ScoringError(f"{where} không được giải trình: vòng thẩm định lại chỉ mở lại các tiêu chí đã giải "
                               "trình.")
        own = ctx.entry(criterion.id, member.id, TU_CHAM)
        differs = own is not None and (own.value, own.target, own.not_assigned) != (item.value, item.target,
                                                                                      item.not_assigned)
        if differs and not (item.comment or "").strip():
            raise ScoringError(f"{where}: kết quả thẩm định khác kết quả tự chấm, ghi nhận xét vì sao.")


def _checked(session: Session, ctx: _Sheet, item: EntryInput, round_: str, *, today: date | None,
             has_file: bool = False) -> tuple[EntryInput, ClusterMember, ScoreCriterion, ScoreEntry | None]:
    """Return the entry cleaned and checked against its round and kind, with its member, criterion and stored row."""
    if round_ not in ROUNDS:
        raise ScoringError(f"Vòng “{round_}” không có: chọn {', '.join(ROUNDS.values())}.")
    criterion, member = _load(ctx, item)
    if round_ not in ctx.opened:
        require_open(session, ctx.sheet, round_, today=today)
        ctx.opened.add(round_)
    number = form_text(item.evidence_number, label="Số văn bản kiểm chứng", column=ScoreEntry.evidence_number,
                       error=ScoringError) or None
    comment = form_text(item.comment, label="Nhận xét, giải trình", limit=4000, multiline=True,
                        error=ScoringError) or None
    item = EntryInput(item.member_id, item.criterion_id, None if item.not_assigned else item.value,
                      None if item.not_assigned else item.target, bool(item.not_assigned), number,
                      item.evidence_date, comment)
    check_value(criterion, item)
    row = ctx.entry(criterion.id, member.id, round_)
    has_file = has_file or (row is not None and row.evidence_sha256 is not None)
    _check_round(ctx, criterion, member, round_, item, has_file=has_file)
    return item, member, criterion, row


def _fields(actor: Actor, item: EntryInput) -> dict:
    return {"target": item.target, "value": item.value, "not_assigned": item.not_assigned,
            "evidence_number": item.evidence_number, "evidence_date": item.evidence_date, "comment": item.comment,
            "updated_by": actor.id, "updated_at": utcnow()}


def _shown(row: ScoreEntry | EntryInput | None) -> str:
    if row is None:
        return "(chưa có)"
    if row.not_assigned:
        return "không giao"
    value = kinds.points_text(row.value or 0)
    return f"{value}/{kinds.points_text(row.target)}" if row.target is not None else value


def _score_of(row: ScoreEntry | EntryInput) -> tuple[float | None, float | None, bool]:
    return row.value, row.target, bool(row.not_assigned)


def _unexplained(checked: list[tuple[EntryInput, ClusterMember, ScoreCriterion, ScoreEntry | None]]) -> None:
    """Refuse, naming each criterion, a change of a score already recorded when no reason is given: the audit log
    must say why a recorded score moved (a first score needs none, its evidence or comment says where it comes from)."""
    problems = [f"Tiêu chí “{criterion.code}” của {member.name}: điểm đã ghi {_shown(row)}, sửa thành {_shown(item)}."
                for item, member, criterion, row in checked
                if row is not None and _score_of(row) != _score_of(item)]
    if problems:
        raise ScoringError("Ghi lý do thay đổi điểm (lý do được ghi vào nhật ký cùng người sửa). " + problems[0]
                           + (f" Và {len(problems) - 1} tiêu chí khác." if len(problems) > 1 else ""),
                           problems=problems)


def record_entry(session: Session, actor: Actor, item: EntryInput, *, round: str, reason: str = "",  # noqa: A002
                 evidence: Evidence | None = None, today: date | None = None) -> ScoreEntry:
    """Record one member's entry for one criterion in a round (checked: the round open, the value fit for the kind,
    evidence for a self-score, a comment where the appraisal differs, a reason where a recorded score changes), with
    an audit entry saying who and why."""
    require(actor, "cham_diem")
    ctx = _context(session, item.criterion_id)
    _load(ctx, item)
    kept = _keep(evidence) if evidence is not None else None  # read only for a criterion and member that exist
    item, member, criterion, row = _checked(session, ctx, item, round, today=today, has_file=kept is not None)
    why = (reason or "").strip()
    if not why:
        _unexplained([(item, member, criterion, row)])
    old_text, before = _shown(row), audit.snapshot(row) if row is not None else None
    row = row or ScoreEntry(criterion_id=criterion.id, member_id=member.id, round=round)
    for name, value in _fields(actor, item).items():
        setattr(row, name, value)
    if kept is not None:
        row.evidence_sha256, row.evidence_name = kept
    session.add(row)
    session.flush()
    audit.record(session, actor, "cham_diem_cum", "diem_cum", row.id,
                 f"{ROUNDS[round]} tiêu chí {criterion.code} của {member.name}: {old_text} → {_shown(row)}."
                 + (f" Lý do: {why}" if why else ""),
                 before=before, after=audit.snapshot(row) | {"reason": why or None})
    return row


def _keep(evidence: Evidence) -> tuple[str, str]:
    name = (evidence.name or "").strip() or "tai_lieu"
    if getattr(evidence.stream, "seekable", lambda: False)():
        evidence.stream.seek(0)
    with evidence.store.receive(evidence.stream, limit=evidence.limit, name=name) as incoming:
        fmt = sniff(incoming, name=name, limit=evidence.limit)
        evidence.store.keep(incoming)
    return incoming.sha256, clean_name(name, fmt)


def record_entries(session: Session, actor: Actor, items: list[EntryInput], *, round: str,  # noqa: A002
                   reason: str, today: date | None = None) -> int:
    """Record many entries of one round at once (an imported sheet, a page's whole table): all or nothing, a change of
    a recorded score only with a reason, one audit entry naming the round, the members and how many entries changed;
    return that number."""
    require(actor, "cham_diem")
    if not items:
        return 0
    ctx = _context(session, items[0].criterion_id)
    why = (reason or "").strip()
    checked, seen = [], set()
    for item in items:  # every row checked before any is touched: a refusal leaves the session as it was
        item, member, criterion, row = _checked(session, ctx, item, round, today=today)
        if (criterion.id, member.id) in seen:
            raise ScoringError(f"Tiêu chí “{criterion.code}” của {member.name} được ghi hai lần: giữ một dòng.")
        seen.add((criterion.id, member.id))
        checked.append((item, member, criterion, row))
    if not why:
        _unexplained(checked)
    changed, members, fresh = 0, set(), []
    for item, member, criterion, row in checked:
        members.add(member.name)
        fields = _fields(actor, item)
        if row is None:
            # New rows in one executemany: building 1.200 ScoreEntry objects was most of the demo's scoring time.
            fresh.append({"criterion_id": criterion.id, "member_id": member.id, "round": round, **fields})
            changed += 1
            continue
        before = (row.value, row.target, row.not_assigned, row.comment, row.evidence_number)
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)
        changed += before != (row.value, row.target, row.not_assigned, row.comment, row.evidence_number)
    session.flush()
    if fresh:
        session.execute(insert(ScoreEntry), fresh)
    audit.record(session, actor, "cham_diem_cum", "bang_tieu_chi", ctx.sheet.id,
                 f"{ROUNDS[round]}: {changed} tiêu chí thay đổi của {', '.join(sorted(members))}."
                 + (f" Lý do: {why}" if why else ""),
                 after={"round": round, "rows": len(items), "changed": changed, "reason": why or None})
    return changed


def entries_of(session: Session, *, sheet_id: int) -> list[ScoreEntry]:
    """Return every entry of a sheet's criteria."""
    ids = select(ScoreCriterion.id).join(ScoreGroup, ScoreCriterion.group_id == ScoreGroup.id).where(
        ScoreGroup.sheet_id == sheet_id)
    return list(session.exec(select(ScoreEntry).where(col(ScoreEntry.criterion_id).in_(ids))).all())
