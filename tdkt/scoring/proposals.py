"""Results to awards: the cluster's proposal drafted from its final ranking, and the department's own nomination.

When the department is cụm trưởng, one call drafts the cluster's proposal: the member ranked first for the
cluster's Cờ thi đua (of the provincial People's Committee for a provincial cluster, of the Ministry for the
Ministry's), the next N ranks (`bang_khen_count`, per cluster and year) for the Bằng khen of the provincial chairman or
of the Minister. When the department is among them, its own nomination as a collective is one call too, whoever heads
the cluster. Every nomination goes through hand entry (`tdkt.awards.nominations.add`: its checks, its audit entry)
and is linked to its standing (`tdkt.core.cluster_standings`), which the eligibility check reads; a second call finds
the nominations already drafted (by their link, or a nomination of the same collective, award and year) and says so.
The Ministry's Cờ and Bằng khen carry a note: their basis must be confirmed, Thông tư 22/2023/TT-BCT expired on
20/02/2025 and the text replacing it was not identified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tdkt.awards import catalog, eligibility, nominations
from tdkt.clusters.cluster_years import INTERNAL
from tdkt.core import audit, cluster_standings, options
from tdkt.core.cluster_standings import Standing
from tdkt.core.models import NOMINATION_STATUS_LABELS, Award, Cluster, Nomination, NominationStatus
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, format_date, format_number
from tdkt.scoring.kinds import ScoringError
from tdkt.scoring.ranking import cluster_result
from tdkt.scoring.results import ClusterResult, MemberResult
from tdkt.scoring.sheets import cluster_named, sheet_row

COUNT_KEY = "scoring_bang_khen_counts"  # {"2024": {"Cụm II": 2}}: how many ranks after the leader get a Bằng khen
DEFAULT_COUNT = 2
MAX_COUNT = 20
MINISTRY_NOTE = ("Ghi chú: căn cứ xét khen thưởng của Bộ Công Thương cần được xác nhận — Thông tư 22/2023/TT-BCT đã "
                 "hết hiệu lực từ ngày 20/02/2025, văn bản thay thế chưa xác định.")


@dataclass(frozen=True, slots=True)
class ClusterAwards:
    """The awards a cluster proposes: the Cờ for its leader, the Bằng khen for the next ranks, and a note to add."""

    flag: str
    merit: str
    authority: str
    note: str | None = None


PROVINCE = ClusterAwards(flag=catalog.by_code("CO_UBND_TINH").name, merit=catalog.by_code("BK_CT_UBND_TINH").name,
                         authority="Ủy ban nhân dân tỉnh")
MINISTRY = ClusterAwards(flag=catalog.by_code("CO_BCT").name, merit=catalog.by_code("BK_BT_BCT").name,
                         authority="Bộ Công Thương", note=MINISTRY_NOTE)


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """One nomination of the proposal: the member, its rank and share, the award; the nomination once drafted."""

    member_id: int
    member: str
    is_us: bool
    rank: int
    percent: float
    award: str
    nomination_id: int | None = None
    status: str | None = None  # the nomination's status label once drafted


@dataclass(frozen=True, slots=True)
class ProposalPlan:
    """What one click would draft (or has drafted): the lines, and why nothing can be drafted yet (Vietnamese)."""

    lines: tuple[ProposalLine, ...]
    problems: tuple[str, ...]
    count: int
    awards: ClusterAwards | None


@dataclass(frozen=True, slots=True)
class ProposalOutcome:
    """The nominations a click created, those it found already drafted, the eligibility findings, and a sentence."""

    created: tuple[ProposalLine, ...]
    existing: tuple[ProposalLine, ...]
    findings: tuple[eligibility.Finding, ...]
    message: str


def awards_of(cluster: Cluster) -> ClusterAwards | None:
    """Return the awards a cluster proposes: the Ministry's for a cluster the Ministry organises (its level names
    Bộ Công Thương), the province's otherwise; None for the internal covenant, which proposes none."""
    if fold(cluster.code) == fold(INTERNAL):
        return None
    return MINISTRY if "bo cong thuong" in fold(cluster.level) else PROVINCE


def _counts(session: Session) -> dict:
    return dict(options.get(session, COUNT_KEY, {}) or {})


def bang_khen_count(session: Session, *, year: int, cluster_code: str) -> int:
    """Return how many ranks after the leader the cluster proposes for the Bằng khen that year (DEFAULT_COUNT unset)."""
    by_code = _counts(session).get(str(year), {})
    return next((int(n) for code, n in by_code.items() if fold(code) == fold(cluster_code)), DEFAULT_COUNT)


def _cluster(session: Session, year: int, cluster_code: str) -> Cluster:
    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    if cluster is None:
        raise ScoringError(f"Không có cụm thi đua “{cluster_code}” trong năm {year}.")
    return cluster


def set_bang_khen_count(session: Session, actor: Actor, *, year: int, cluster_code: str, count: int) -> None:
    """Set how many ranks after the leader the cluster proposes for the Bằng khen that year (0–20), audited."""
    require(actor, "cham_diem")
    cluster = _cluster(session, year, cluster_code)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
        raise ScoringError(f"Số đơn vị đề nghị Bằng khen phải là số nguyên từ 0 đến {MAX_COUNT}.")
    before = bang_khen_count(session, year=year, cluster_code=cluster.code)
    counts = _counts(session)
    counts[str(year)] = {**counts.get(str(year), {}), cluster.code: count}
    options.put(session, COUNT_KEY, counts)
    audit.record(session, actor, "so_bang_khen_cum", "cum", cluster.id,
                 f"Số đơn vị {cluster.code} năm {year} đề nghị Bằng khen sau đơn vị dẫn đầu: {before} → {count}.")


def _line(m: MemberResult, award: str) -> ProposalLine:
    return ProposalLine(m.member_id, m.name, m.is_us, int(m.rank), m.percent, award)


def plan_of(result: ClusterResult, awards: ClusterAwards | None, count: int) -> ProposalPlan:
    """Return the proposal a final ranking makes: rank 1 for the Cờ, ranks 2 to count + 1 (ties included) for the
    Bằng khen; with the problems that keep it from being drafted (not final, nothing ranked, a tie for first)."""
    problems = []
    if awards is None:
        problems.append("Giao ước nội bộ không đề nghị Cờ thi đua, Bằng khen theo kết quả chấm điểm.")
    if not result.final:
        problems.append(f"Kết quả chấm điểm {result.cluster_code} năm {result.year} chưa công bố: chỉ đề nghị khen "
                        "thưởng theo kết quả chính thức.")
    ranked = [m for m in result.members if m.rank is not None]
    if not ranked:
        problems.append(f"{result.cluster_code} năm {result.year} chưa có đơn vị nào được xếp hạng.")
    first = [m for m in ranked if m.rank == 1]
    if len(first) > 1:
        problems.append(f"{len(first)} đơn vị cùng hạng 1 ({', '.join(m.name for m in first)}): Cờ thi đua tặng một "
                        "đơn vị dẫn đầu — cụm bình xét chọn một đơn vị, rồi nhập đề nghị tại trang Hồ sơ đề nghị.")
    if awards is None:
        return ProposalPlan((), tuple(problems), count, None)
    lines = [_line(m, awards.flag) for m in first] + [_line(m, awards.merit) for m in ranked
                                                      if 1 < m.rank <= count + 1]
    return ProposalPlan(tuple(lines), tuple(problems), count, awards)


def _existing(session: Session, year: int, code: str, line: ProposalLine) -> tuple[int, str] | None:
    """Return (id, status label) of a nomination already drafted for the line: linked to its standing, else the same
    collective, award and year entered another way."""
    linked = {s.nomination_id for s in cluster_standings.of_cluster(session, year=year, cluster_code=code)
              if fold(s.member) == fold(line.member)}
    rows = session.exec(select(Nomination.id, Nomination.collective_name, Nomination.status, Award.name)
                        .join(Award, Nomination.award_id == Award.id)
                        .where(Nomination.year == year, Award.name == line.award,
                               col(Nomination.collective_name).is_not(None))).all()
    found = [r for r in rows if r[0] in linked] or [r for r in rows if fold(r[1]) == fold(line.member)]
    if not found:
        return None
    nomination_id, _, status, _ = min(found)
    return nomination_id, NOMINATION_STATUS_LABELS[NominationStatus(status)]


def plan(session: Session, *, year: int, cluster_code: str) -> ProposalPlan | None:
    """Return the cluster's proposal as its final ranking makes it, each line with its nomination once drafted;
    None when the cluster has no criteria sheet that year."""
    result = cluster_result(session, year=year, cluster_code=cluster_code)
    if result is None:
        return None
    cluster = _cluster(session, year, cluster_code)
    found = plan_of(result, awards_of(cluster), bang_khen_count(session, year=year, cluster_code=cluster.code))
    lines = []
    for line in found.lines:
        known = _existing(session, year, cluster.code, line)
        lines.append(line if known is None else ProposalLine(*[getattr(line, f) for f in (
            "member_id", "member", "is_us", "rank", "percent", "award")], nomination_id=known[0], status=known[1]))
    return ProposalPlan(tuple(lines), found.problems, found.count, found.awards)


def _achievements(result: ClusterResult, line: ProposalLine, awards: ClusterAwards, published: date | None) -> str:
    ranked = sum(1 for m in result.members if m.rank is not None)
    lead = "Dẫn đầu" if line.rank == 1 else "Xếp hạng " + str(line.rank)
    text = (f"{lead} {result.cluster_name} năm {result.year}: hạng {line.rank}/{ranked}, đạt "
            f"{format_number(line.percent, 2)}% số điểm tối đa áp dụng (kết quả chấm điểm công bố ngày "
            f"{format_date(published)}).")
    return text + (f" {awards.note}" if awards.note else "")


def _draft(session: Session, actor: Actor, result: ClusterResult, lines: list[ProposalLine],
           awards: ClusterAwards, cluster: Cluster) -> ProposalOutcome:
    """Create each line's nomination not drafted yet (hand entry), link it to its standing, judge the new ones."""
    published = sheet_row(session, cluster_id=cluster.id).published_on
    ranked = sum(1 for m in result.members if m.rank is not None)
    created, existing = [], []
    for line in lines:
        known = _existing(session, result.year, cluster.code, line)
        if known is not None:
            existing.append(ProposalLine(line.member_id, line.member, line.is_us, line.rank, line.percent,
                                         line.award, known[0], known[1]))
            continue
        nomination, _ = nominations.add(session, actor, nominations.NominationInput(
            year=result.year, target="tap_the", name=line.member, award=line.award,
            achievements=_achievements(result, line, awards, published)))
        cluster_standings.link(session, Standing(
            nomination_id=nomination.id, year=result.year, cluster_code=cluster.code, cluster_name=result.cluster_name,
            member=line.member, rank=line.rank, ranked=ranked, percent=line.percent,
            award_code=catalog.by_name(line.award).code))
        created.append(ProposalLine(line.member_id, line.member, line.is_us, line.rank, line.percent, line.award,
                                    nomination.id, NOMINATION_STATUS_LABELS[NominationStatus.DE_NGHI]))
    findings = tuple(eligibility.judge_nominations(session, year=result.year, actor=actor, include_passing=True,
                                                   nomination_ids=[c.nomination_id for c in created]))
    return ProposalOutcome(tuple(created), tuple(existing), findings if created else (), "")


def _ready(session: Session, year: int, cluster_code: str) -> tuple[ClusterResult, Cluster, ProposalPlan]:
    """Return the result, cluster and plan, or refuse with every reason nothing can be drafted yet."""
    result = cluster_result(session, year=year, cluster_code=cluster_code)
    if result is None:
        raise ScoringError(f"{cluster_code} năm {year} chưa có bảng tiêu chí chấm điểm.")
    cluster = _cluster(session, year, cluster_code)
    found = plan_of(result, awards_of(cluster), bang_khen_count(session, year=year, cluster_code=cluster.code))
    if found.problems:
        raise ScoringError(" ".join(found.problems))
    return result, cluster, found


def _said(outcome: ProposalOutcome, what: str) -> str:
    def names(lines):
        return "; ".join(f"{x.member} — {x.award} (số {x.nomination_id}, {x.status})" for x in lines)

    if not outcome.created:
        return f"{what} đã được tạo trước đó, không tạo thêm: {names(outcome.existing)}."
    text = f"Đã tạo {len(outcome.created)} đề nghị ở bước “Đề nghị”: {names(outcome.created)}."
    return text + (f" Đã có từ trước: {names(outcome.existing)}." if outcome.existing else "")


def propose_cluster(session: Session, actor: Actor, *, year: int, cluster_code: str) -> ProposalOutcome:
    """Draft the cluster's proposal from its final ranking (the department must be cụm trưởng that year): the leader
    for the Cờ thi đua, the next ranks for the Bằng khen; once — a second call finds them and says so."""
    require(actor, "cham_diem")
    result, cluster, found = _ready(session, year, cluster_code)
    if not result.we_are_head:
        raise ScoringError(f"Năm {year} Sở không là cụm trưởng {cluster.code}: đề nghị của cụm do cụm trưởng lập. "
                           "Nếu Sở được xếp hạng đề nghị khen thưởng, dùng “Ghi nhận đề nghị của Sở”.")
    if not found.lines:
        raise ScoringError(f"Không có đơn vị nào của {cluster.code} năm {year} trong diện đề nghị khen thưởng.")
    outcome = _draft(session, actor, result, list(found.lines), found.awards, cluster)
    message = _said(outcome, f"Đề nghị khen thưởng của {cluster.code} năm {year}")
    if outcome.created:
        audit.record(session, actor, "de_nghi_tu_ket_qua_cum", "cum", cluster.id,
                     f"Đề nghị khen thưởng của {cluster.code} năm {year} theo kết quả chấm điểm: {message}")
    return ProposalOutcome(outcome.created, outcome.existing, outcome.findings, message)


def propose_ourselves(session: Session, actor: Actor, *, year: int, cluster_code: str) -> ProposalOutcome:
    """Record the department's own nomination as a collective when its final rank puts it in the cluster's proposal
    (the Cờ for the leader, the Bằng khen for the next ranks), linked to its standing; once."""
    require(actor, "cham_diem")
    result, cluster, found = _ready(session, year, cluster_code)
    ours = [line for line in found.lines if line.is_us]
    if not ours:
        us = next((m for m in result.members if m.is_us), None)
        where = f"xếp hạng {us.rank}" if us is not None and us.rank is not None else "chưa được xếp hạng"
        raise ScoringError(f"Sở {where} trong {cluster.code} năm {year}: không thuộc diện đề nghị Cờ thi đua hay Bằng "
                           f"khen của cụm (hạng 1 và {found.count} hạng tiếp theo).")
    outcome = _draft(session, actor, result, ours, found.awards, cluster)
    message = _said(outcome, f"Đề nghị của Sở theo kết quả {cluster.code} năm {year}")
    if outcome.created:
        audit.record(session, actor, "de_nghi_tu_ket_qua_cum", "cum", cluster.id,
                     f"Ghi nhận đề nghị của Sở theo kết quả chấm điểm {cluster.code} năm {year}: {message}")
    return ProposalOutcome(outcome.created, outcome.existing, outcome.findings, message)
