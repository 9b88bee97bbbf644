"""Review reports (sơ kết / tổng kết): a period's figures beside the previous year's, and their workbook."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from tdkt.awards import checklist, personal_records
from tdkt.awards.stats import LEVEL_LABELS, NO_CATEGORY
from tdkt.clusters import clusters as clusters_module
from tdkt.core import export
from tdkt.core.errors import Refused
from tdkt.core.models import (
    TARGET_LABELS,
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    InitiativeRecord,
    Movement,
    Nomination,
    NominationStatus,
    NominationTally,
    Participation,
    PlanTask,
    Target,
    TaskStatus,
)
from tdkt.core.text import fold, format_date
from tdkt.plan import plan

PeriodKind = Literal["h1", "year"]
PERIOD_LABELS = {"h1": "6 tháng đầu năm", "year": "cả năm"}
# What the nominations and decisions of a period are counted by. The year's review is of the achievement year: a 2024
# list entered in 2026 belongs to the 2024 review. The six-month review counts what was received (and decided) in the
# half year, whatever the year of the achievements.
Basis = Literal["ngay_nhan", "nam_thanh_tich"]
BASIS_OF_PERIOD: dict[str, Basis] = {"h1": "ngay_nhan", "year": "nam_thanh_tich"}
BASIS_LABELS = {"ngay_nhan": "đề nghị theo ngày nhận, quyết định theo ngày quyết định",
                "nam_thanh_tich": "đề nghị và quyết định theo năm thành tích"}
YEAR_HAS_NO_DATES = ("Báo cáo cả năm tính đề nghị và quyết định khen thưởng theo năm thành tích, trọn năm 01/01–31/12: "
                     "không chọn ngày bắt đầu, ngày kết thúc. Muốn chọn ngày, dùng kỳ 6 tháng (h1).")
DIMENSIONS = {"award": "Hình thức", "level": "Cấp khen", "target": "Đối tượng", "category": "Phân loại đối tượng"}
TASK_COLUMNS = ["quarter", "number", "content", "due_on", "status_label", "done", "completed_on", "evidence"]
PARTICIPATION_COLUMNS = ["cluster", "kind_label", "title", "due_on", "done_on", "document", "status"]
AWARD_COLUMNS = ["dimension", "label", "nominations", "nominations_previous", "nominations_change",
                 "decisions", "decisions_previous", "decisions_change"]
SUMMARY_COLUMNS = ["indicator", "current", "previous", "change"]


class ReportError(Refused):
    """A report that cannot be built as asked (bad period, unknown cluster); the message is Vietnamese."""


def period(year: int, kind: PeriodKind = "h1", start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """Return (start, end) of a period: h1 = 01/01–30/06, either end replaceable; year = 01/01–31/12, whole (its
    nominations are those of the achievement year, which dates would not narrow)."""
    if kind not in PERIOD_LABELS:
        raise ReportError(f"Kỳ báo cáo “{kind}” không có: chọn h1 (6 tháng đầu năm) hoặc year (cả năm).")
    if kind == "year" and (start is not None or end is not None):
        raise ReportError(YEAR_HAS_NO_DATES)
    first = start or date(year, 1, 1)
    last = end or (date(year, 6, 30) if kind == "h1" else date(year, 12, 31))
    if first > last:
        raise ReportError(f"Ngày bắt đầu {format_date(first)} sau ngày kết thúc {format_date(last)}.")
    return first, last


_bounds = period  # figures() and to_xlsx_report() take a `period` argument that hides this function


def _year_before(day: date) -> date:
    """Return the same day one year earlier (29/02 becomes 28/02)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """Return the same period one year earlier."""
    return _year_before(start), _year_before(end)


def basis_of(kind: PeriodKind) -> Basis:
    """Return what a period's nominations and decisions are counted by: "nam_thanh_tich" for the year, "ngay_nhan"
    (date received, decision date) for the six months."""
    return BASIS_OF_PERIOD.get(kind, "ngay_nhan")


def _counted(start: date, end: date, *, decided: bool, basis: Basis):
    """Return the condition that puts a nomination (or its decision) in the period, by the basis."""
    if basis == "nam_thanh_tich":
        return Nomination.year == start.year
    return col(Nomination.decision_date if decided else Nomination.received_on).between(start, end)


def figure_basis(data: dict) -> dict[str, str]:
    """Return, for each indicator of `summary_table(data)`, what it is counted by (Vietnamese, for the page and the
    workbook)."""
    by_year = data.get("basis") == "nam_thanh_tich"
    year = data["year"]
    tasks = "theo hạn của nhiệm vụ trong kỳ"
    return {
        "Nhiệm vụ kế hoạch đến hạn": tasks, "Nhiệm vụ đã hoàn thành": tasks + ", đã hoàn thành",
        "Nhiệm vụ còn lại": tasks + ", chưa hoàn thành", "Nhiệm vụ quá hạn": tasks + ", đã quá hạn mà chưa xong",
        "Phong trào thi đua phát động": "theo ngày phát động",
        "Giao ước thi đua đã ký kết": "theo ngày của hoạt động ký kết giao ước",
        "Sáng kiến được công nhận": "theo ngày quyết định công nhận",
        "Hồ sơ đề nghị nhận được": (f"theo năm thành tích {year} (nhận vào ngày nào cũng tính)" if by_year
                                    else "theo ngày nhận hồ sơ trong kỳ"),
        "Quyết định khen thưởng": (f"theo năm thành tích {year}: đề nghị đã có quyết định" if by_year
                                   else "theo ngày quyết định trong kỳ"),
    } | dict.fromkeys(("Hồ sơ đủ tài liệu", "Hồ sơ còn thiếu tài liệu"), (
        f"hồ sơ đề nghị năm thành tích {year}" if by_year else "hồ sơ nhận trong kỳ")
        + ", so với thành phần hồ sơ (trang Thành phần hồ sơ)")


def _cluster_ids(session: Session, cluster: str | None, *, year: int) -> list[int] | None:
    """Return the ids of every year's cluster with this code (None = all clusters); unknown in `year` is an error."""
    if cluster is None:
        return None
    found = [c for c in session.exec(select(Cluster)).all() if fold(c.code) == fold(cluster)]
    if not any(c.year == year for c in found):
        codes = ", ".join(c.code for c in clusters_module.clusters_of(session, year=year)) or "chưa có cụm nào"
        raise ReportError(f"Năm {year} không có cụm “{cluster}”. Các cụm của năm: {codes}.")
    return [c.id for c in found]


def _task_counts(session: Session, start: date, end: date, as_of: date) -> dict[str, int]:
    # A period holds a few dozen tasks: they are judged by the plan page's own rule (plan.is_overdue) rather than by
    # a second copy of it in SQL, which had drifted (a task due on the period's last day was never overdue here).
    judged_on = plan.period_as_of(as_of, end)
    rows = session.exec(select(PlanTask.status, PlanTask.due_on).where(col(PlanTask.due_on).between(start, end))).all()
    return {"total": len(rows), "done": sum(status == TaskStatus.XONG for status, _ in rows),
            "overdue": sum(plan.is_overdue(status, due_on, judged_on) for status, due_on in rows)}


def _movements(session: Session, start: date, end: date) -> int:
    stmt = select(func.count()).select_from(Movement).where(col(Movement.launched_on).between(start, end))
    return int(session.exec(stmt).one())


def _our_events(start: date, end: date, cluster_ids: list[int] | None):
    """Return a select of (event, cluster code, our participation) for the events dated in the period."""
    stmt = (
        select(ClusterEvent, Cluster.code, Participation)
        .join(Cluster, ClusterEvent.cluster_id == Cluster.id)
        .join(ClusterMember, (ClusterMember.cluster_id == Cluster.id) & col(ClusterMember.is_us))
        .outerjoin(Participation, (Participation.event_id == ClusterEvent.id)
                   & (Participation.member_id == ClusterMember.id))
        .where(col(ClusterEvent.due_on).between(start, end))
    )
    return stmt.where(col(Cluster.id).in_(cluster_ids)) if cluster_ids is not None else stmt


def _covenants_signed(session: Session, start: date, end: date, cluster_ids: list[int] | None) -> int:
    stmt = _our_events(start, end, cluster_ids).where(
        ClusterEvent.kind == "ky_ket", col(Participation.done_on).is_not(None), ~col(Participation.not_applicable))
    return len(session.exec(stmt).all())


def _award_names(session: Session) -> dict[int, tuple[str, str, int]]:
    """The catalogue's (name, level, position) by award id: the counts below group by the id, which the period
    indexes hold, and are named afterwards (bench/pages.py at 1M: one award lookup per nomination otherwise)."""
    return {i: (name, level, position)
            for i, name, level, position in session.exec(select(Award.id, Award.name, Award.level, Award.position))}


def _by_award(session: Session, start: date, end: date, *, decided: bool, basis: Basis) -> dict[str, int]:
    order = {name: (position, name) for name, _, position in _award_names(session).values()}
    counted = _counts(session, start, end, decided=decided, basis=basis)["award"]
    return {name: counted[name] for name in sorted(counted, key=order.__getitem__)}


def _dossiers(session: Session, start: date, end: date, *, basis: Basis) -> dict[str, int]:
    """Complete and incomplete dossiers of the period's nominations, from the counts per year and award `_rows` has
    read (the year's: its tally), not from a statement of their own over the same rows."""
    where = _counted(start, end, decided=False, basis=basis)
    per_award: dict[tuple[int, int], int] = {}
    for year, award_id, _target, _category, n in _rows(session, start, end, decided=False, basis=basis):
        per_award[year, award_id] = per_award.get((year, award_id), 0) + n
    found = checklist.count_complete(session, where, per_award=per_award)
    return {k: n for k, n in found.items() if k != "missing"}


def _initiatives(session: Session, start: date, end: date) -> int:
    stmt = select(func.count()).select_from(InitiativeRecord).where(
        col(InitiativeRecord.decision_date).between(start, end))
    return int(session.exec(stmt).one())


def _figures(session: Session, start: date, end: date, cluster_ids: list[int] | None, as_of: date,
             basis: Basis) -> dict:
    return {
        "year": start.year,
        "period": {"start": format_date(start), "end": format_date(end)},
        "tasks": _task_counts(session, start, end, as_of),
        "movements": _movements(session, start, end),
        "covenants_signed": _covenants_signed(session, start, end, cluster_ids),
        "initiatives": _initiatives(session, start, end),
        "nominations": _by_award(session, start, end, decided=False, basis=basis),
        "decisions": _by_award(session, start, end, decided=True, basis=basis),
        "dossiers": _dossiers(session, start, end, basis=basis),
    }


def figures(session: Session, *, year: int, period: PeriodKind = "h1", start: date | None = None,
            end: date | None = None, cluster: str | None = None, as_of: date | None = None) -> dict:
    """Return the report's figures and the previous year's same period, as the CLI's --json object.

    Dating: plan tasks by due date, movements by launch date, cluster events by their date; both ends of the period
    are included. basis says how nominations and decisions (status "Có quyết định") are counted: "ngay_nhan" (h1) by
    the date received and the decision date; "nam_thanh_tich" (year) by their achievement year Y against Y−1, whenever
    they were received or decided; the year takes no start or end (ReportError).
    tasks: total = due in the period; done = status "Hoàn thành" now; overdue = due in the period, still "Chưa thực
    hiện" or "Đang thực hiện", and overdue by the plan page's rule (`plan.is_overdue`) on the day after the period end
    (or on as_of, default today, while the period runs): a task due on the period's last day and not done is overdue.
    covenants_signed: covenant-signing events ("ky_ket") dated in the period that the department ("is_us") has done.
    `cluster` (a code such as "Cụm II", accents and case ignored) narrows only the cluster figures; tasks, movements
    and awards are the department's. initiatives: recognised initiatives (sáng kiến) whose recognition decision is dated
    in the period (one without a decision date is not counted: it has no place in a period).
    """
    today = as_of or date.today()
    first, last = _bounds(year, period, start, end)
    ids = _cluster_ids(session, cluster, year=year)
    basis = basis_of(period)
    data = {"basis": basis, **_figures(session, first, last, ids, today, basis)}
    data["previous"] = _figures(session, *previous_period(first, last), ids, today, basis)
    return data


def task_table(session: Session, *, start: date, end: date, as_of: date | None = None) -> pd.DataFrame:
    """Plan tasks due in the period with status, completion date and evidence."""
    today = plan.period_as_of(as_of or date.today(), end)
    rows = session.exec(select(PlanTask).where(col(PlanTask.due_on).between(start, end))
                        .order_by(PlanTask.due_on, PlanTask.quarter, PlanTask.number)).all()
    return clusters_module.nullable_text(pd.DataFrame([{
        "quarter": t.quarter, "number": t.number, "content": t.content, "due_on": t.due_on,
        "status_label": plan.status_label(t.status, t.due_on, today), "done": t.status == TaskStatus.XONG,
        "completed_on": t.completed_on, "evidence": t.evidence,
    } for t in rows], columns=TASK_COLUMNS), ["evidence"])


def participation_table(session: Session, *, start: date, end: date, cluster: str | None = None) -> pd.DataFrame:
    """Our participation in the cluster events dated in the period: date done, document, status."""
    ids = _cluster_ids(session, cluster, year=start.year)
    rows = session.exec(_our_events(start, end, ids).order_by(ClusterEvent.due_on, Cluster.code)).all()
    return clusters_module.nullable_text(pd.DataFrame([{
        "cluster": code, "kind_label": clusters_module.EVENT_KINDS.get(e.kind, e.kind), "title": e.title,
        "due_on": e.due_on, "done_on": p.done_on if p else None, "document": p.document if p else None,
        "status": clusters_module.participation_status(due_on=e.due_on, done_on=p.done_on if p else None,
                                                       not_applicable=bool(p and p.not_applicable)),
    } for e, code, p in rows], columns=PARTICIPATION_COLUMNS), ["document"])


_LABELS = {"level": LEVEL_LABELS, "target": {t.value: TARGET_LABELS[t] for t in Target}}
_MEMO = "tdkt_review_counts"  # session.info key: a period's counts kept while `review` runs


def _rows(session: Session, start: date, end: date, *, decided: bool, basis: Basis) -> list[tuple]:
    """Return (year, award id, target, category, n) of the nominations received (or decided) in the period, or of its
    achievement year; kept in `session.info` while `review` runs, so the figures, the dossiers and the award table of
    a period read them once.

    The achievement year's come from the tally (tdkt.core.tally: a few hundred rows, not the year's 100k). A period of
    dates is counted in SQL: on SQLite the index picks the rows' ids and the rows are read in id order, not in date
    order (bench/pages.py at 1M nominations, a half-year's 50k rows spread over the table: 0.22 → 0.17 s CPU);
    PostgreSQL's bitmap scan reads them in the table's order already."""
    memo = session.info.get(_MEMO)
    if memo is not None and (start, end, decided, basis) in memo:
        return memo[start, end, decided, basis]
    if basis == "nam_thanh_tich":
        keys = (NominationTally.year, NominationTally.award_id, NominationTally.target, NominationTally.category)
        stmt = select(*keys, func.sum(NominationTally.n)).where(NominationTally.year == start.year).group_by(*keys)
        if decided:
            stmt = stmt.where(NominationTally.status == NominationStatus.CO_QUYET_DINH.value)
    else:
        keys = (Nomination.year, Nomination.award_id, Nomination.target, Nomination.category)
        where = _counted(start, end, decided=decided, basis=basis)
        if decided:
            where = (Nomination.status == NominationStatus.CO_QUYET_DINH) & where
        if session.get_bind().dialect.name == "sqlite":
            where = col(Nomination.id).in_(select(Nomination.id).where(where))
        stmt = select(*keys, func.count()).where(where).group_by(*keys)
    rows = [(year, award_id, target, category, int(n)) for year, award_id, target, category, n in session.exec(stmt)
            if n]
    if memo is not None:
        memo[start, end, decided, basis] = rows
    return rows


def _counts(session: Session, start: date, end: date, *, decided: bool, basis: Basis) -> dict[str, dict[str, int]]:
    """Return {dimension: {label: n}} for the nominations received (or decided) in the period, or of its achievement
    year, from `_rows`: one statement grouped by year, form, target and category per period and kind, not sixteen
    (bench/pages.py)."""
    names = _award_names(session)
    counts: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    for _year, award_id, target, category, n in _rows(session, start, end, decided=decided, basis=basis):
        name, level, _ = names[award_id]
        for dimension, value in zip(DIMENSIONS, (name, level, target, category), strict=True):
            labels = _LABELS.get(dimension, {})
            label = labels.get(value, value) if value else NO_CATEGORY
            counts[dimension][label] = counts[dimension].get(label, 0) + n
    return counts


def award_table(session: Session, *, start: date, end: date, basis: Basis = "ngay_nhan") -> pd.DataFrame:
    """Nominations and decisions per form, level, target and category, with the previous year's same period and the
    change: by date received and decision date ("ngay_nhan"), or of the achievement year of `start`
    ("nam_thanh_tich", the year's review)."""
    before = previous_period(start, end)
    now_n, now_d = (_counts(session, start, end, decided=d, basis=basis) for d in (False, True))
    old_n, old_d = (_counts(session, *before, decided=d, basis=basis) for d in (False, True))
    rows = []
    for dimension, title in DIMENSIONS.items():
        counts = [c[dimension] for c in (now_n, now_d, old_n, old_d)]
        labels = sorted(set().union(*counts), key=lambda k: (-(counts[0].get(k, 0) + counts[1].get(k, 0)), k))
        for label in labels:
            n, d, pn, pd_ = (c.get(label, 0) for c in counts)
            rows.append([title, label, n, pn, n - pn, d, pd_, d - pd_])
    return pd.DataFrame(rows, columns=AWARD_COLUMNS)


def review(session: Session, *, year: int, period: PeriodKind = "h1", start: date | None = None,
           end: date | None = None, cluster: str | None = None, as_of: date | None = None) -> tuple[dict, pd.DataFrame]:
    """Return `figures` and `award_table` of the same period (Sơ kết / Tổng kết's page), each period's counts by award
    read once for both: bench/pages.py at 1M nominations, 4 of the page's 10 statements over 50k rows each."""
    session.info[_MEMO] = {}
    try:
        data = figures(session, year=year, period=period, start=start, end=end, cluster=cluster, as_of=as_of)
        first, last = _bounds(year, period, start, end)
        return data, award_table(session, start=first, end=last, basis=data["basis"])
    finally:
        session.info.pop(_MEMO, None)


INITIATIVE_HEADERS = ["Năm", "Sáng kiến", "Phạm vi ảnh hưởng", "Tác giả", "Quyết định công nhận"]


def initiative_table(session: Session, *, start: date, end: date) -> pd.DataFrame:
    """Return the initiatives recognised in the period (by decision date): year, title, scope, authors, decision."""
    frame = personal_records.initiatives(session, start=start, end=end)
    return frame[["year", "title", "scope_label", "authors", "decision"]].set_axis(INITIATIVE_HEADERS, axis=1)


def summary_table(data: dict) -> pd.DataFrame:
    """The headline figures of `figures()` beside the previous year's, with the change."""
    old = data["previous"]
    pairs = [
        ("Nhiệm vụ kế hoạch đến hạn", data["tasks"]["total"], old["tasks"]["total"]),
        ("Nhiệm vụ đã hoàn thành", data["tasks"]["done"], old["tasks"]["done"]),
        ("Nhiệm vụ còn lại", data["tasks"]["total"] - data["tasks"]["done"],
         old["tasks"]["total"] - old["tasks"]["done"]),
        ("Nhiệm vụ quá hạn", data["tasks"]["overdue"], old["tasks"]["overdue"]),
        ("Phong trào thi đua phát động", data["movements"], old["movements"]),
        ("Giao ước thi đua đã ký kết", data["covenants_signed"], old["covenants_signed"]),
        ("Sáng kiến được công nhận", data["initiatives"], old["initiatives"]),
        ("Hồ sơ đề nghị nhận được", sum(data["nominations"].values()), sum(old["nominations"].values())),
        ("Hồ sơ đủ tài liệu", data["dossiers"]["complete"], old["dossiers"]["complete"]),
        ("Hồ sơ còn thiếu tài liệu", data["dossiers"]["incomplete"], old["dossiers"]["incomplete"]),
        ("Quyết định khen thưởng", sum(data["decisions"].values()), sum(old["decisions"].values())),
    ]
    return pd.DataFrame([[label, a, b, a - b] for label, a, b in pairs], columns=SUMMARY_COLUMNS)


def to_xlsx_report(session: Session, *, year: int, period: PeriodKind = "h1", start: date | None = None,
                   end: date | None = None, cluster: str | None = None, as_of: date | None = None) -> bytes:
    """Return the report workbook: one formatted sheet per table, Vietnamese headers."""
    data = figures(session, year=year, period=period, start=start, end=end, cluster=cluster, as_of=as_of)
    first, last = _bounds(year, period, start, end)
    old = data["previous"]["period"]
    tasks = task_table(session, start=first, end=last, as_of=as_of)
    tasks["done"] = tasks["done"].map({True: "Đã xong", False: "Còn lại"})
    title = (f"Báo cáo {'sơ kết' if period == 'h1' else 'tổng kết'} công tác thi đua, khen thưởng "
             f"từ {data['period']['start']} đến {data['period']['end']}"
             + (f" — {cluster}" if cluster else "") + f" (so với {old['start']}–{old['end']}); "
             + BASIS_LABELS[data["basis"]])
    sheets = {
        "Tổng hợp": summary_table(data).set_axis(["Chỉ tiêu", f"Kỳ này ({year})", f"Cùng kỳ {year - 1}",
                                                 "Tăng/giảm"], axis=1),
        "Nhiệm vụ": tasks.set_axis(["Quý", "Số", "Nội dung", "Hạn", "Tình trạng", "Kết quả", "Ngày hoàn thành",
                                    "Minh chứng"], axis=1),
        "Hoạt động cụm": participation_table(session, start=first, end=last, cluster=cluster).set_axis(
            ["Cụm", "Loại hoạt động", "Hoạt động", "Ngày", "Ngày thực hiện", "Văn bản", "Tình trạng"], axis=1),
        "Khen thưởng": award_table(session, start=first, end=last, basis=data["basis"]).set_axis(
            ["Theo", "Nội dung", "Đề nghị kỳ này", f"Đề nghị cùng kỳ {year - 1}", "Đề nghị tăng/giảm",
             "Quyết định kỳ này", f"Quyết định cùng kỳ {year - 1}", "Quyết định tăng/giảm"], axis=1),
        "Sáng kiến": initiative_table(session, start=first, end=last),
    }
    return export.to_xlsx(sheets, title=title)
