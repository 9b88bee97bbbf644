"""The rounds of a cluster's scoring: tự chấm, thẩm định, giải trình, thẩm định lại, then công bố; each round's
deadline, its lock after that day (a Vietnamese refusal with the date) and the publication of the final results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from tdkt.core import audit
from tdkt.core.models import Cluster
from tdkt.core.permissions import Actor, require
from tdkt.core.scoring_tables import ScoreRound, ScoreSheet
from tdkt.core.text import format_date
from tdkt.scoring.kinds import ScoringError
from tdkt.submissions.submissions import vietnam_today

TU_CHAM, THAM_DINH, GIAI_TRINH, THAM_DINH_LAI = "tu_cham", "tham_dinh", "giai_trinh", "tham_dinh_lai"
ROUNDS = {TU_CHAM: "Tự chấm", THAM_DINH: "Thẩm định", GIAI_TRINH: "Giải trình", THAM_DINH_LAI: "Thẩm định lại"}
SCORED_ROUNDS = (THAM_DINH_LAI, THAM_DINH, TU_CHAM)  # latest first: the value a criterion's total takes
APPRAISALS = (THAM_DINH, THAM_DINH_LAI)
PUBLISHED = "Đã công bố"


@dataclass(frozen=True)
class RoundState:
    """A round of a sheet as the page shows it: its deadline (None: not set) and whether it still takes changes."""

    kind: str
    deadline: date | None
    open: bool
    label: str


def _sheet(session: Session, sheet_id: int) -> ScoreSheet:
    sheet = session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise ScoringError("Cụm chưa có bảng tiêu chí năm này: lập bảng tiêu chí trước.")
    return sheet


def _kind(kind: str) -> str:
    if kind not in ROUNDS:
        raise ScoringError(f"Vòng “{kind}” không có: chọn {', '.join(ROUNDS.values())}.")
    return kind


def deadline_of(session: Session, *, sheet_id: int, kind: str) -> date | None:
    """Return a round's deadline, None when it is not set."""
    row = session.exec(select(ScoreRound).where(ScoreRound.sheet_id == sheet_id, ScoreRound.kind == kind)).first()
    return row.deadline if row else None


def states(session: Session, *, sheet_id: int, today: date | None = None) -> list[RoundState]:
    """Return every round of a sheet with its deadline and whether it is open today."""
    sheet = _sheet(session, sheet_id)
    day = today or vietnam_today()
    found = {r.kind: r.deadline for r in session.exec(select(ScoreRound).where(ScoreRound.sheet_id == sheet_id)).all()}
    result = []
    for kind, name in ROUNDS.items():
        deadline = found.get(kind)
        if sheet.published_on is not None:
            result.append(RoundState(kind, deadline, False, f"{name}: đã khóa (kết quả đã công bố)"))
        elif deadline is None:
            opened = kind != GIAI_TRINH
            result.append(RoundState(kind, None, opened, f"{name}: chưa đặt hạn"
                                     + ("" if opened else " (trưởng cụm chưa mở giải trình)")))
        elif day > deadline:
            locked = format_date(deadline + timedelta(1))
            result.append(RoundState(kind, deadline, False, f"{name}: đã khóa từ {locked}"))
        else:
            result.append(RoundState(kind, deadline, True, f"{name}: đang mở đến hết {format_date(deadline)}"))
    return result


def require_open(session: Session, sheet: ScoreSheet, kind: str, *, today: date | None = None) -> None:
    """Refuse a change in a round that is locked: published results, past its deadline, or an explanation window
    the head has not opened."""
    _kind(kind)
    if sheet.published_on is not None:
        raise ScoringError(f"Kết quả chấm điểm đã công bố ngày {format_date(sheet.published_on)}: không sửa điểm được "
                           "nữa.")
    deadline = deadline_of(session, sheet_id=sheet.id, kind=kind)
    day = today or vietnam_today()
    if deadline is None and kind == GIAI_TRINH:
        raise ScoringError("Trưởng cụm chưa mở vòng giải trình: chưa ghi giải trình được.")
    if deadline is not None and day > deadline:
        raise ScoringError(f"Vòng {ROUNDS[kind].lower()} đã khóa: hạn là ngày {format_date(deadline)}, hôm nay "
                           f"{format_date(day)}. Không sửa được điểm của vòng này nữa.")


def set_deadline(session: Session, actor: Actor, *, sheet_id: int, kind: str, deadline: date | None) -> None:
    """Set (or, with None, clear) a round's deadline; setting the giải trình deadline opens the explanation."""
    require(actor, "cham_diem")
    sheet = _sheet(session, sheet_id)
    _kind(kind)
    if sheet.published_on is not None:
        raise ScoringError("Kết quả chấm điểm đã công bố: không đổi hạn các vòng được nữa.")
    row = session.exec(select(ScoreRound).where(ScoreRound.sheet_id == sheet_id, ScoreRound.kind == kind)).first()
    before = {"deadline": row.deadline.isoformat() if row else None}
    if deadline is None:
        if row is not None:
            session.delete(row)
    else:
        row = row or ScoreRound(sheet_id=sheet_id, kind=kind, deadline=deadline)
        row.deadline = deadline
        session.add(row)
    session.flush()
    cluster = session.get(Cluster, sheet.cluster_id)
    audit.record(session, actor, "han_vong_cham", "bang_tieu_chi", sheet.id,
                 f"Hạn vòng {ROUNDS[kind].lower()} của {cluster.code} năm {cluster.year}: "
                 f"{format_date(deadline) if deadline else 'bỏ hạn'}.",
                 before=before, after={"deadline": deadline.isoformat() if deadline else None})


def publish(session: Session, actor: Actor, *, sheet_id: int, today: date | None = None) -> ScoreSheet:
    """Publish the results (final): every round locks; the ranking is the final one."""
    require(actor, "cham_diem")
    sheet = _sheet(session, sheet_id)
    if sheet.published_on is not None:
        raise ScoringError(f"Kết quả đã công bố ngày {format_date(sheet.published_on)}.")
    sheet.published_on = today or vietnam_today()
    sheet.published_by = actor.id
    session.add(sheet)
    session.flush()
    cluster = session.get(Cluster, sheet.cluster_id)
    audit.record(session, actor, "cong_bo_ket_qua_cum", "bang_tieu_chi", sheet.id,
                 f"Công bố kết quả chấm điểm {cluster.code} năm {cluster.year}.",
                 after={"published_on": sheet.published_on.isoformat()})
    return sheet


def unpublish(session: Session, actor: Actor, *, sheet_id: int, reason: str) -> ScoreSheet:
    """Take a publication back (a mistake found after it), with a reason: the rounds follow their deadlines again."""
    require(actor, "cham_diem")
    sheet = _sheet(session, sheet_id)
    if sheet.published_on is None:
        raise ScoringError("Kết quả chưa công bố.")
    if not (reason or "").strip():
        raise ScoringError("Ghi lý do hủy công bố.")
    before = {"published_on": sheet.published_on.isoformat()}
    sheet.published_on, sheet.published_by = None, None
    session.add(sheet)
    session.flush()
    cluster = session.get(Cluster, sheet.cluster_id)
    audit.record(session, actor, "huy_cong_bo_ket_qua_cum", "bang_tieu_chi", sheet.id,
                 f"Hủy công bố kết quả chấm điểm {cluster.code} năm {cluster.year}. Lý do: {reason.strip()}",
                 before=before, after={"published_on": None})
    return sheet

