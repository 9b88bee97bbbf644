"""The demo database ("Dữ liệu minh họa"): fictional people, several years of plans, nominations and cluster work."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from tdkt import plan as plan_module
from tdkt.auth import Actor
from tdkt.config import Settings
from tdkt.db import create_schema, make_engine, write_session
from tdkt.models import (
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    Nomination,
    NominationStatus,
    Participation,
    Person,
    Plan,
    PlanTask,
    Role,
    TaskStatus,
    Unit,
    UnitKind,
)
from tdkt.options import put as set_setting
from tdkt.seed import US, seed, seed_clusters
from tdkt.text import fold

DEMO_KEY = "demo"
DEMO_LABEL = "Dữ liệu minh họa"
_ACTOR = Actor(id=None, username="minh_hoa", role=Role.VAN_PHONG)
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Vi", "Lương", "Nông", "Đặng", "Bế", "Lăng", "Triệu", "Đỗ"]
_MIDDLE_M = ["Văn", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Xuân"]
_MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Thùy"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Quân", "Sơn", "Thắng", "Tuấn", "Vinh"]
_GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Trang", "Yến"]
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
_EVENTS = [
    ("ky_ket", "Ký kết giao ước thi đua", (3, 31), False),
    ("so_ket", "Báo cáo sơ kết 6 tháng", (7, 15), False),
    ("tong_ket", "Báo cáo tổng kết năm", (12, 15), False),
    ("cham_diem", "Chấm điểm thi đua cụm", (12, 31), True),
]


class DemoError(RuntimeError):
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
                task.evidence = f"{rng.randint(10, 990)}/BC-SCT"
            session.add(task)


def _clusters(session: Session, rng: random.Random, years: list[int], today: date) -> None:
    for year in years:
        if session.exec(select(Cluster).where(Cluster.year == year)).first() is None:
            seed_clusters(session, year=year)
        for cluster in session.exec(select(Cluster).where(Cluster.year == year)).all():
            members = list(session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)).all())
            for offset, name in enumerate(_CLUSTER_MEMBERS[cluster.code]):
                role = "cum_truong" if offset == (year % len(_CLUSTER_MEMBERS[cluster.code])) else "thanh_vien"
                member = ClusterMember(cluster_id=cluster.id, name=name, role=role)
                session.add(member)
                members.append(member)
            session.flush()
            for kind, title, (month, day), scored in _EVENTS:
                event = ClusterEvent(cluster_id=cluster.id, kind=kind, title=title, due_on=date(year, month, day), scored=scored)
                session.add(event)
                session.flush()
                for member in members:
                    if event.due_on > today + timedelta(days=20) and rng.random() < 0.8:
                        continue
                    if rng.random() < 0.06:
                        session.add(Participation(event_id=event.id, member_id=member.id, not_applicable=True))
                        continue
                    if rng.random() < 0.1 and not member.is_us:
                        continue
                    done = event.due_on + timedelta(days=rng.randint(-20, 8 if not member.is_us else 2))
                    if done > today:
                        continue
                    session.add(Participation(
                        event_id=event.id, member_id=member.id, done_on=done, document=f"{rng.randint(10, 900)}/BC",
                        score=round(rng.uniform(85, 99), 1) if scored else None,
                    ))


_INDIVIDUAL = [("LDTT", 0.72), ("CSTDCS", 0.14), ("GK_GD_SO", 0.12), ("BK_CT_UBND_TINH", 0.03), ("CSTD_TINH", 0.01)]
_COLLECTIVE = [("TTLDTT", 0.7), ("TTLDXS", 0.2), ("GK_GD_SO", 0.2)]


def _nominations(session: Session, rng: random.Random, people: list[Person], years: list[int], today: date) -> int:
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
                    rows.append(dict(target="ca_nhan", person_id=person.id, unit_id=person.unit_id, award=awards[code],
                                     category=person.category))
        for unit in units:
            for code, share in _COLLECTIVE:
                if code in awards and rng.random() < share:
                    rows.append(dict(target="tap_the", collective_name=unit.name, unit_id=unit.id, award=awards[code],
                                     category="Cơ quan Hành chính" if unit.kind == UnitKind.PHONG else "Đơn vị sự nghiệp"))
        for row in rows:
            award = row.pop("award")
            status = NominationStatus.DE_NGHI
            decision = {}
            if decided:
                roll = rng.random()
                status = NominationStatus.CO_QUYET_DINH if roll < 0.9 else NominationStatus.KHONG_DUYET
                if status == NominationStatus.CO_QUYET_DINH:
                    authority = "Giám đốc Sở Công Thương" if award.level == "co_so" else "Chủ tịch UBND tỉnh Lạng Sơn"
                    decision = dict(decision_number=f"{rng.randint(5, 95)}/QĐ-{'SCT' if award.level == 'co_so' else 'UBND'}",
                                    decision_date=decision_day, decision_authority=authority)
            elif today >= received:
                status = rng.choice([NominationStatus.DE_NGHI, NominationStatus.HOI_DONG])
            session.add(Nomination(year=year, award_id=award.id, status=status, received_on=received, **row, **decision))
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
        years = [y for y in range(today.year - 3, today.year + 1)]
        with write_session(engine) as session:
            seed(session, replace(settings, database_url=f"sqlite:///{path}"))
            set_setting(session, DEMO_KEY, True)
            _plans(session, rng, [y for y in years if y != 2024], today)
            _clusters(session, rng, [y for y in years if y != 2024] + [2024], today)
            people = _people(session, rng)
            nominations = _nominations(session, rng, people, years, today)
    finally:
        engine.dispose()
    return (f"{DEMO_LABEL}: kế hoạch các năm {years[0]}–{years[-1]}, {len(people)} cá nhân hư cấu, "
            f"{nominations} đề nghị khen thưởng, cụm thi đua có thành viên và kết quả tham gia ({US} là “chúng ta”).")
