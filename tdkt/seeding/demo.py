"""The demo database ("Dữ liệu minh họa"): fictional people, several years of plans, nominations and cluster work."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from tdkt.clusters import cluster_years
from tdkt.clusters import clusters as clusters_module
from tdkt.clusters import movements as movements_module
from tdkt.core.config import Settings
from tdkt.core.db import create_schema, make_engine, write_session
from tdkt.core.errors import Refused
from tdkt.core.models import (
    Assessment,
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    DisciplineRecord,
    InitiativeAuthor,
    InitiativeRecord,
    Movement,
    MovementUnit,
    Nomination,
    NominationStatus,
    Participation,
    PastAward,
    Person,
    Plan,
    PlanTask,
    Role,
    TaskStatus,
    Unit,
    UnitKind,
)
from tdkt.core.options import put as set_setting
from tdkt.core.permissions import Actor
from tdkt.core.text import fold
from tdkt.plan import plan as plan_module
from tdkt.seeding import demo_scoring, demo_year_end
from tdkt.seeding.seed import US, seed, seed_clusters
from tdkt.submissions import deadlines as submission_deadlines
from tdkt.submissions import submissions

DEMO_KEY = "demo"
DEMO_LABEL = "Dữ liệu minh họa"
_ACTOR = Actor(id=None, username="minh_hoa", role=Role.VAN_PHONG)
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Vi", "Lương", "Nông", "Đặng", "Bế", "Lăng", "Triệu", "Đỗ"]
_MIDDLE_M = ["Văn", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Xuân"]
_MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Thùy"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Quân", "Sơn", "Thắng", "Tuấn",
            "Vinh"]
_GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo",
            "Trang", "Yến"]
_POSITIONS = [
    ("Trưởng phòng", "Các cấp lãnh đạo từ phó phòng trở lên"),
    ("Phó Trưởng phòng", "Các cấp lãnh đạo từ phó phòng trở lên"),
    ("Chuyên viên", "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
    ("Chuyên viên", "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
    ("Chuyên viên chính", "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
    ("Nhân viên", "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
]
_CLUSTER_MEMBERS = {
    "Cụm II": ["Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Tài chính", "Sở Khoa học và Công nghệ", "Sở Y tế"],
    "Cụm III": ["Sở Công Thương Cao Bằng", "Sở Công Thương Tuyên Quang", "Sở Công Thương Thái Nguyên"],
}
# A department formed in a later year by a merger: before it, a cluster lists the one it was formed from (the 2025
# reorganisation merged Sở Nông nghiệp và Phát triển nông thôn with Sở Tài nguyên và Môi trường).
FORMED = {"Sở Nông nghiệp và Môi trường": (2025, "Sở Nông nghiệp và Phát triển nông thôn")}


def member_names(code: str, year: int) -> list[str]:
    """Return the other members of a demo cluster by the names they had in that year."""
    names = []
    for name in _CLUSTER_MEMBERS.get(code, []):
        formed, before = FORMED.get(name, (year, name))
        names.append(before if year < formed else name)
    return names
_EVENTS = [
    ("ky_ket", "Ký kết giao ước thi đua", (3, 31), False),
    ("so_ket", "Báo cáo sơ kết 6 tháng", (7, 15), False),
    ("tong_ket", "Báo cáo tổng kết năm", (12, 15), False),
    ("cham_diem", "Chấm điểm thi đua cụm", (12, 31), True),
]


def _document_kind(content: str) -> str:
    """Return the document-type abbreviation a task's evidence would carry (NĐ 30: KH, HD, BC, QĐ, CV)."""
    words = content.lstrip("- ").lower()
    for start, kind in (("phát động", "KH"), ("hướng dẫn", "HD"), ("báo cáo", "BC"), ("tổng kết", "BC"),
                        ("sửa đổi", "QĐ"), ("xây dựng", "QĐ"), ("trình", "TTr")):
        if words.startswith(start):
            return kind
    return "CV"


class DemoError(Refused):
    """The demo database could not be built; the message is Vietnamese."""


def _name(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice(["Nam", "Nữ"])
    middle, given = (_MIDDLE_M, _GIVEN_M) if gender == "Nam" else (_MIDDLE_F, _GIVEN_F)
    return f"{rng.choice(_FAMILY)} {rng.choice(middle)} {rng.choice(given)}", gender


def _people(session: Session, rng: random.Random) -> list[Person]:
    units = session.exec(select(Unit).where(Unit.kind.in_([UnitKind.PHONG, UnitKind.TRUC_THUOC]))).all()
    people: list[Person] = []
    seen: set[str] = set()
    for unit in units:
        for index in range(rng.randint(7, 12)):
            name, gender = _name(rng)
            while fold(name) in seen:
                name, gender = _name(rng)
            seen.add(fold(name))
            position, category = _POSITIONS[0] if index == 0 else rng.choice(_POSITIONS[1:])
            people.append(Person(full_name=name, name_key=fold(name), gender=gender, birth_year=rng.randint(1968, 1998),
                                 position=position, unit_id=unit.id, category=category))
    session.add_all(people)
    session.flush()
    return people


def _plans(session: Session, rng: random.Random, years: list[int], today: date) -> None:
    for year in years:
        if plan_module.get_plan(session, year=year) is None:
            plan_module.copy_plan(session, _ACTOR, from_year=2024, to_year=year, issued_on=date(year, 1, 12))
    for plan in session.exec(select(Plan)).all():
        for task in session.exec(select(PlanTask).where(PlanTask.plan_id == plan.id)).all():
            if task.due_on < today - timedelta(days=60):
                roll = rng.random()
                task.status = TaskStatus.XONG if roll < 0.85 else TaskStatus.DANG if roll < 0.95 else TaskStatus.KHONG
            elif task.due_on < today + timedelta(days=40):
                task.status = rng.choice([TaskStatus.XONG, TaskStatus.DANG, TaskStatus.CHUA])
            if task.status == TaskStatus.XONG:
                task.completed_on = min(task.due_on - timedelta(days=rng.randint(0, 40)), today)
                task.evidence = f"{rng.randint(10, 990)}/{_document_kind(task.content)}-SCT"
            session.add(task)


def _participation(rng: random.Random, event: ClusterEvent, member: ClusterMember, today: date) -> Participation | None:
    """A plausible record of one member for one event: mostly on time, some late, a few not applicable."""
    if event.due_on > today + timedelta(days=20) and rng.random() < 0.8:
        return None
    if rng.random() < 0.06:
        return Participation(event_id=event.id, member_id=member.id, not_applicable=True)
    if rng.random() < 0.1 and not member.is_us:
        return None
    done = event.due_on + timedelta(days=rng.randint(-20, 8 if not member.is_us else 2))
    if done > today:
        return None
    return Participation(event_id=event.id, member_id=member.id, done_on=done, document=f"{rng.randint(10, 900)}/BC",
                         score=round(rng.uniform(85, 99), 1) if event.scored else None)


def _clusters(session: Session, rng: random.Random, years: list[int], today: date) -> None:
    for year in years:
        if session.exec(select(Cluster).where(Cluster.year == year)).first() is None:
            seed_clusters(session, year=year)
        cluster_years.ensure_internal_cluster(session, year=year)
        cluster_years.seed_obligations(session, year=year)  # the plan's own obligations, linked to their tasks
        for cluster in clusters_module.clusters_of(session, year=year):
            members = list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)
                                        .order_by(ClusterMember.id)).all())
            others = member_names(cluster.code, year)
            for offset, name in enumerate(others):
                role = ("cum_truong" if offset == year % len(others)
                        else "cum_pho" if offset == (year + 1) % len(others) else "thanh_vien")
                member = ClusterMember(cluster_id=cluster.id, name=name, role=role)
                session.add(member)
                members.append(member)
            session.flush()
            kinds = set(session.exec(select(ClusterEvent.kind).where(ClusterEvent.cluster_id == cluster.id)).all())
            for kind, title, (month, day), scored in _EVENTS:
                if kind not in kinds:
                    session.add(ClusterEvent(cluster_id=cluster.id, kind=kind, title=title,
                                             due_on=date(year, month, day), scored=scored))
            session.flush()
            events = session.exec(select(ClusterEvent).where(ClusterEvent.cluster_id == cluster.id)
                                  .order_by(ClusterEvent.due_on, ClusterEvent.id)).all()
            for event in events:
                task = session.get(PlanTask, event.task_id) if event.task_id else None
                for member in members:
                    if member.is_us and task is not None:
                        # Our part of a plan obligation is the plan task itself: recorded once, shown in both places.
                        if task.status == TaskStatus.XONG:
                            session.add(Participation(event_id=event.id, member_id=member.id, done_on=task.completed_on,
                                                      document=task.evidence))
                        continue
                    record = _participation(rng, event, member, today)
                    if record is not None:
                        session.add(record)
            session.flush()


_MOVEMENTS = [
    ("Phong trào thi đua “Ngành Công Thương Lạng Sơn thi đua hoàn thành thắng lợi nhiệm vụ năm {year}”",
     "thuong_xuyen", (1, 1), (12, 31), "Giám đốc Sở Công Thương",
     "Hoàn thành và vượt các chỉ tiêu kế hoạch được giao năm {year}."),
    ("Thi đua đẩy mạnh chuyển đổi số ngành Công Thương năm {year}", "chuyen_de", (3, 15), (11, 30),
     "Giám đốc Sở Công Thương", "100% hồ sơ thủ tục hành chính đủ điều kiện được cung cấp trực tuyến toàn trình."),
    ("Đợt thi đua cao điểm chào mừng Ngày Doanh nhân Việt Nam 13/10/{year}", "theo_dot", (8, 15), (10, 13),
     "Công đoàn cơ sở Sở Công Thương", "Hỗ trợ doanh nghiệp, đẩy mạnh xúc tiến thương mại trong tháng cao điểm."),
]


def _movements(session: Session, rng: random.Random, years: list[int], today: date) -> int:
    """Each year's movements: the regular one carries the plan's launch task (its launch is that task's completion)."""
    units = [u.id for u in cluster_years.internal_units(session)]
    count = 0
    for year in years:
        for name, kind, (m1, d1), (m2, d2), by, goals in _MOVEMENTS:
            start, end = date(year, m1, d1), date(year, m2, d2)
            task = movements_module.suggested_task(session, year=year, kind=kind)
            if task is not None:
                launched = task.completed_on if task.status == TaskStatus.XONG else None
                document = task.evidence
            else:
                launched = start - timedelta(days=rng.randint(3, 12))
                launched, document = (launched, f"{rng.randint(10, 300)}/KH-SCT") if launched <= today else (None, None)
            closed = end + timedelta(days=rng.randint(5, 25)) if launched else None
            closed = closed if closed and closed <= today else None
            movement = Movement(
                year=year, name=name.format(year=year), kind=kind, document=document, launched_on=launched,
                start_on=start, end_on=end, launched_by=by, goals=goals.format(year=year),
                results=f"{rng.randint(70, 100)}% đơn vị hoàn thành các chỉ tiêu đề ra." if closed else None,
                closed_on=closed, closing_document=f"{rng.randint(300, 900)}/BC-SCT" if closed else None,
                task_id=task.id if task else None,
            )
            session.add(movement)
            session.flush()
            chosen = units if kind != "theo_dot" else rng.sample(units, k=max(1, len(units) // 2))
            session.add_all([MovementUnit(movement_id=movement.id, unit_id=u) for u in chosen])
            count += 1
    session.flush()
    return count


_INDIVIDUAL = [("LDTT", 0.72), ("CSTDCS", 0.14), ("GK_GD_SO", 0.12), ("BK_CT_UBND_TINH", 0.03), ("CSTD_TINH", 0.01)]
_COLLECTIVE = [("TTLDTT", 0.7), ("TTLDXS", 0.2), ("GK_GD_SO", 0.2)]
_INITIATIVES = [
    "Số hóa quy trình tiếp nhận hồ sơ cấp giấy phép kinh doanh rượu",
    "Ứng dụng bảng tính theo dõi tiến độ giải ngân vốn khuyến công",
    "Giải pháp rút ngắn thời gian thẩm định thiết kế công trình điện",
    "Mô hình kết nối tiêu thụ nông sản qua sàn thương mại điện tử",
    "Cải tiến biểu mẫu báo cáo thống kê ngành Công Thương",
    "Quy trình phối hợp kiểm tra an toàn vật liệu nổ công nghiệp",
]


def _nominations(session: Session, rng: random.Random, people: list[Person], years: list[int], today: date, *,
                 open_year: int | None = None) -> int:
    """Add each year's nominations, decided for a past year but `open_year` (its year end is seeded after)."""
    awards = {a.code: a for a in session.exec(select(Award)).all()}
    units = session.exec(select(Unit).where(Unit.kind.in_([UnitKind.PHONG, UnitKind.TRUC_THUOC]))).all()
    count = 0
    for year in years:
        received = date(year, 12, rng.randint(1, 15))
        decided = year < today.year or today > date(year, 12, 31)
        decision_day = date(year + 1, 1, rng.randint(10, 25))
        rows = []
        for person in people:
            for code, share in _INDIVIDUAL:
                if code in awards and rng.random() < share:
                    rows.append({"target": "ca_nhan", "person_id": person.id, "unit_id": person.unit_id,
                                 "award": awards[code], "category": person.category})
        for unit in units:
            for code, share in _COLLECTIVE:
                if code in awards and rng.random() < share:
                    rows.append({
                        "target": "tap_the", "collective_name": unit.name, "unit_id": unit.id, "award": awards[code],
                        "category": "Cơ quan Hành chính" if unit.kind == UnitKind.PHONG else "Đơn vị sự nghiệp",
                    })
        for row in rows:
            award = row.pop("award")
            status = NominationStatus.DE_NGHI
            decision = {}
            if decided:
                roll = rng.random()
                status = NominationStatus.CO_QUYET_DINH if roll < 0.9 else NominationStatus.KHONG_DUYET
                if status == NominationStatus.CO_QUYET_DINH:
                    authority = "Giám đốc Sở Công Thương" if award.level == "co_so" else "Chủ tịch UBND tỉnh Lạng Sơn"
                    decision = {
                        "decision_number": f"{rng.randint(5, 95)}/QĐ-{'SCT' if award.level == 'co_so' else 'UBND'}",
                        "decision_date": decision_day, "decision_authority": authority,
                    }
                if year == open_year:  # drawn all the same: the other years and the records stay as they were
                    status, decision = NominationStatus.DE_NGHI, {}
            elif today >= received:
                status = rng.choice([NominationStatus.DE_NGHI, NominationStatus.HOI_DONG])
            session.add(Nomination(year=year, award_id=award.id, status=status, received_on=received, **row,
                                   **decision))
            count += 1
    return count


def _records(session: Session, rng: random.Random, people: list[Person], years: list[int]) -> int:
    """Add ratings, a discipline, awards of the years before the app and initiatives matching the nominations."""
    session.flush()
    awards = {a.code: a for a in session.exec(select(Award)).all()}
    by_person: dict[tuple[int, int], set[str]] = {}
    for person_id, year, code in session.exec(
            select(Nomination.person_id, Nomination.year, Award.code).join(Award, Nomination.award_id == Award.id)
            .where(Nomination.person_id.is_not(None))):
        by_person.setdefault((person_id, year), set()).add(code)
    earlier = [years[0] - 2, years[0] - 1]  # years: those with nominations, so these have only past awards
    initiatives = 0
    for person in people:
        for year in earlier:  # the history before the app: most people were LĐTT, some CSTĐCS
            roll = rng.random()
            code = "CSTDCS" if roll < 0.15 else "LDTT" if roll < 0.8 else None
            if code:
                session.add(PastAward(target="ca_nhan", person_id=person.id, unit_id=person.unit_id, year=year,
                                      award_id=awards[code].id, decision_number=f"{rng.randint(5, 95)}/QĐ-SCT",
                                      decision_date=date(year + 1, 1, 15),
                                      decision_authority="Giám đốc Sở Công Thương"))
            session.add(Assessment(target="ca_nhan", person_id=person.id, unit_id=person.unit_id, year=year,
                                   rating="HTXSNV" if code == "CSTDCS" else "HTTNV" if code else "HTNV"))
        for year in years:
            codes = by_person.get((person.id, year), set())
            if "CSTDCS" in codes or "CSTD_TINH" in codes:
                rating = "HTXSNV" if rng.random() < 0.8 else "HTTNV"
            elif codes:
                rating = rng.choice(["HTTNV", "HTTNV", "HTXSNV"])
            else:
                rating = rng.choice(["HTNV", "HTTNV", "KHTNV"] if rng.random() < 0.1 else ["HTNV", "HTTNV"])
            session.add(Assessment(target="ca_nhan", person_id=person.id, unit_id=person.unit_id, year=year,
                                   rating=rating))
            if codes & {"CSTDCS", "CSTD_TINH"} and rng.random() < 0.7:
                scope = "tinh" if "CSTD_TINH" in codes or rng.random() < 0.2 else "co_so"
                item = InitiativeRecord(year=year, title=rng.choice(_INITIATIVES), scope=scope, unit_id=person.unit_id,
                                        decision_number=f"{rng.randint(1, 40)}/QĐ-HĐSK",
                                        decision_date=date(year, rng.choice([5, 6, 11]), rng.randint(1, 28)),
                                        decision_authority="Hội đồng sáng kiến Sở" if scope == "co_so"
                                        else "Hội đồng sáng kiến tỉnh Lạng Sơn")
                session.add(item)
                session.flush()
                session.add(InitiativeAuthor(initiative_id=item.id, person_id=person.id))
                initiatives += 1
    units = session.exec(select(Unit).where(Unit.kind.in_([UnitKind.PHONG, UnitKind.TRUC_THUOC]))).all()
    for unit in units:
        for year in years:
            session.add(Assessment(target="tap_the", collective_name=unit.name, collective_key=fold(unit.name),
                                   unit_id=unit.id, year=year, rating=rng.choice(["HTTNV", "HTXSNV"])))
    if people:
        late = people[rng.randrange(len(people))]
        session.add(DisciplineRecord(target="ca_nhan", person_id=late.id, unit_id=late.unit_id, year=years[-1],
                                     level="khien_trach", decided_on=date(years[-1], 9, 12),
                                     document=f"{rng.randint(10, 60)}/QĐ-SCT"))
    return initiatives


def _submissions(session: Session, rng: random.Random, years: list[int], today: date) -> int:
    """Each unit's dossier of each year whose deadline has passed: submitted on the day its nominations were received
    (a few days before the deadline when it has none) and accepted by the Office a few days later, so that Tổng quan
    does not list every unit as late on a past year."""
    count = 0
    for year in years:
        deadline = submission_deadlines.deadline(session, year=year)
        if deadline >= today:
            continue
        for state in submissions.unit_states(session, year=year, today=today, documents=False):
            received = session.exec(select(func.min(Nomination.received_on)).where(
                Nomination.year == year, Nomination.unit_id == state.unit_id)).one()
            day = received or deadline - timedelta(days=rng.randint(0, 10))
            unit = Actor(id=None, username="minh_hoa", role=Role.DON_VI, unit_id=state.unit_id)
            submissions.submit(session, unit, year=year, today=day)
            submissions.accept(session, _ACTOR, year=year, unit_id=state.unit_id,
                               today=min(day + timedelta(days=rng.randint(1, 3)), today))
            count += 1
    return count


def build(path: Path, *, settings: Settings, today: date | None = None, seed_value: int = 2024) -> str:
    """Build the demo database at path (replacing it) and return a Vietnamese summary."""
    today = today or date.today()
    rng = random.Random(seed_value)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        create_schema(engine)
        # Three whole past years: the latest (the app's default year) has its decisions, so every chart is filled.
        years = list(range(today.year - 3, today.year))
        with write_session(engine) as session:
            seed(session, replace(settings, database_url=f"sqlite:///{path}"))
            set_setting(session, DEMO_KEY, True)
            _plans(session, rng, [y for y in years if y != 2024], today)
            _clusters(session, rng, [y for y in years if y != 2024] + [2024], today)
            scoring_rng = random.Random(seed_value + 18)  # its own draws: the rest of the demo stays as it was
            for cluster in session.exec(select(Cluster).where(Cluster.year < today.year).order_by(Cluster.id)).all():
                demo_scoring.fill(session, _ACTOR, scoring_rng, cluster=cluster)
            movement_count = _movements(session, rng, years, today)
            people = _people(session, rng)
            # The year before the first full one gets nominations too (no plan), so that the first year's
            # comparisons (Sơ kết's "cùng kỳ", Thống kê's trend) are not against nothing.
            nominated = [years[0] - 1, *years]
            # The latest year is at its year end: the council has met, part of it is decided (demo_year_end).
            current = years[-1] if demo_year_end.open_year(years[-1]) else None
            nominations = _nominations(session, rng, people, nominated, today, open_year=current)
            year_end_rng = random.Random(seed_value + 25)  # its own draws, as the scoring's
            if current is not None:
                nominations += demo_year_end.add_flags(session, year_end_rng, year=current)
            initiatives = _records(session, rng, people, nominated)
            dossiers = _submissions(session, rng, nominated, today)
            year_end = (demo_year_end.fill(session, _ACTOR, year_end_rng, years=years, today=today, settings=settings)
                        if current is not None else None)
    finally:
        engine.dispose()
    return (f"{DEMO_LABEL}: kế hoạch các năm {years[0]}–{years[-1]}, {len(people)} cá nhân hư cấu, "
            f"{nominations} đề nghị khen thưởng các năm {nominated[0]}–{nominated[-1]}, kết quả xếp loại, "
            f"{initiatives} sáng kiến, {dossiers} hồ sơ khen thưởng của đơn vị đã tiếp nhận, "
            f"{movement_count} phong trào thi đua, cụm thi đua và giao ước nội bộ "
            f"có thành viên, kết quả tham gia và bảng chấm điểm đã công bố ({US} là đơn vị ta)"
            + (f"; {year_end.registrations} đăng ký thi đua, Hội đồng TĐKT năm {years[-1]} ({year_end.members} "
               f"thành viên) đã họp và bỏ phiếu {year_end.votes} đề nghị, {year_end.documents} văn bản đã soạn."
               if year_end is not None else "."))
