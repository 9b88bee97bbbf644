"""First-start data: the department's units, its 2024 plan (parsed from the document), clusters, catalogue, accounts."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from tdkt.awards import catalog
from tdkt.core import audit, auth
from tdkt.core.config import DATA_DIR, Settings
from tdkt.core.db import create_schema, make_engine, write_session
from tdkt.core.models import (
    Award,
    AwardAlias,
    Cluster,
    ClusterMember,
    Plan,
    PlanTask,
    PlanTaskUnit,
    Role,
    Unit,
    UnitKind,
    User,
)
from tdkt.core.options import get as get_setting
from tdkt.core.options import put as set_setting
from tdkt.core.text import fold, nfc
from tdkt.core.units import lookup as unit_lookup

SEED_DIR = DATA_DIR / "seed"
PLAN_FILES = {2024: SEED_DIR / "ke-hoach-tdkt-2024-so-cong-thuong-lang-son.txt"}
UNITS_FILE = SEED_DIR / "units.csv"
SEEDED_KEY = "seeded"
COVENANTS_KEY = "seeded_covenants"
US = "Sở Công Thương Lạng Sơn"
ALL_UNITS_GROUP = "Các phòng, đơn vị trực thuộc Sở"
BASE_SALARY = [{"from": "2023-07-01", "amount": 1_800_000}, {"from": "2024-07-01", "amount": 2_340_000}]
CLUSTERS = (
    ("Cụm II", "Cụm thi đua II - Các cơ quan quản lý chuyên ngành", "Tỉnh Lạng Sơn"),
    ("Cụm III", "Cụm thi đua III - Sở Công Thương 04 tỉnh thuộc Bộ Công Thương", "Bộ Công Thương"),
)
# One account per role; each must change its password at first sign-in.
ACCOUNTS = (
    ("quantri", "Quản trị hệ thống", Role.QUAN_TRI),
    ("vanphong", "Văn phòng Sở", Role.VAN_PHONG),
    ("lanhdao", "Lãnh đạo Sở", Role.LANH_DAO),
    ("donvi", "Cán bộ đơn vị", Role.DON_VI),
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass
class ParsedTask:
    """One row of the plan's table as printed."""

    quarter: int
    number: int
    content: str
    units: list[str]


@dataclass
class ParsedPlan:
    """The plan document: header and tasks."""

    year: int
    number: str | None
    symbol: str
    place: str
    issued_on: date
    title: str
    signer: str
    signer_title: str
    dossier_deadline: date | None
    tasks: list[ParsedTask] = field(default_factory=list)


@dataclass
class SeedResult:
    """What a seed run created; accounts holds (username, role label, initial password)."""

    created: bool
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    awards_added: int = 0
    clusters_added: list[str] = field(default_factory=list)


def split_units(cell: str, known: set[str]) -> list[str]:
    """Split a printed "units" cell into labels: bullets first, then commas unless the label is a known name."""
    cell = nfc(cell)
    parts = [p for p in re.split(r"(?:^|\s)-\s+", cell) if p.strip()] if cell.lstrip().startswith("-") else [cell]
    labels: list[str] = []
    for part in parts:
        part = part.strip().rstrip(".;,").strip()
        if not part:
            continue
        if fold(part) in known:
            labels.append(part)
        else:
            labels.extend(p.strip().rstrip(".;").strip() for p in part.split(",") if p.strip())
    return labels


def parse_plan(text: str, *, known_units: set[str]) -> ParsedPlan:
    """Parse the plan document's text (header, table II, deadline, signer)."""
    lines = [nfc(line) for line in text.splitlines()]
    number_match = next(re.match(r"Số:\s*(\d*)\s*/\s*(\S+)", ln) for ln in lines if ln.startswith("Số:"))
    date_line = next(ln for ln in lines if re.search(r"ngày \d+ tháng \d+ năm \d{4}", ln))
    d, m, y = (int(x) for x in re.search(r"ngày (\d+) tháng (\d+) năm (\d{4})", date_line).groups())
    title_index = next(i for i, ln in enumerate(lines) if ln.upper() == "KẾ HOẠCH")
    deadline = re.search(r"trước ngày \**(\d{1,2}/\d{1,2}/\d{4})", text)
    signature = [ln for ln in lines if ln]
    plan = ParsedPlan(
        year=y,
        number=number_match.group(1) or None,
        symbol=number_match.group(2),
        place=date_line.split(",")[0].strip(),
        issued_on=date(y, m, d),
        title=lines[title_index + 1],
        signer=signature[-1],
        signer_title=signature[-2].capitalize() if signature[-2].isupper() else signature[-2],
        dossier_deadline=_dmy(deadline.group(1)) if deadline else None,
    )
    raw_lines = text.splitlines()
    start = next(i for i, ln in enumerate(raw_lines) if ln.startswith("Thời gian thực hiện"))
    quarter = 0
    for raw in raw_lines[start + 1 :]:
        if re.match(r"^[IVX]+\.\s", raw):
            break
        cells = [nfc(c) for c in raw.split("\t")]
        if len(cells) < 4 or not cells[1].strip().isdigit():
            continue
        label = cells[0].strip()
        if label.startswith("Quý"):
            quarter = _ROMAN[label.split()[-1]]
        plan.tasks.append(
            ParsedTask(quarter=quarter, number=int(cells[1]), content=cells[2],
                       units=split_units(cells[3], known_units))
        )
    return plan


def _dmy(text: str) -> date:
    d, m, y = (int(x) for x in text.split("/"))
    return date(y, m, d)


def read_units(path: Path = UNITS_FILE) -> list[dict[str, str]]:
    """Return the department's units from the seed CSV (name, short_name, kind, source)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: nfc(v or "") for k, v in row.items()} for row in csv.DictReader(handle)]


def seed_units(session: Session) -> None:
    """Insert the department's units and the group label the plan uses."""
    rows = read_units()
    for position, row in enumerate(rows, start=1):
        session.add(
            Unit(name=row["name"], short_name=row.get("short_name") or None, kind=UnitKind(row["kind"]),
                 position=position)
        )
    session.add(Unit(name=ALL_UNITS_GROUP, short_name=None, kind=UnitKind.NHOM, position=len(rows) + 1))
    session.flush()


def seed_plan(session: Session, path: Path) -> Plan:
    """Insert one plan document with its tasks and responsible units."""
    from tdkt.plan.plan import quarter_end  # late: every command opens the database through here, pandas is not needed

    units = unit_lookup(session)
    parsed = parse_plan(path.read_text(encoding="utf-8"), known_units=set(units))
    plan = Plan(
        year=parsed.year,
        number=parsed.number,
        symbol=parsed.symbol,
        issued_on=parsed.issued_on,
        place=parsed.place,
        title=parsed.title,
        signer=parsed.signer,
        signer_title=parsed.signer_title,
        dossier_deadline=parsed.dossier_deadline,
    )
    session.add(plan)
    session.flush()
    for position, task in enumerate(parsed.tasks, start=1):
        row = PlanTask(
            plan_id=plan.id,
            quarter=task.quarter,
            number=task.number,
            position=position,
            content=task.content,
            due_on=quarter_end(parsed.year, task.quarter),
        )
        session.add(row)
        session.flush()
        for index, label in enumerate(task.units):
            unit = units.get(fold(label))
            session.add(PlanTaskUnit(task_id=row.id, unit_id=unit.id if unit else None, label=label, position=index))
    session.flush()
    return plan


def seed_clusters(session: Session, *, year: int) -> None:
    """Insert Cụm II and Cụm III for a year with the department as their only known member."""
    for code, name, level in CLUSTERS:
        cluster = Cluster(year=year, code=code, name=name, level=level)
        session.add(cluster)
        session.flush()
        session.add(ClusterMember(cluster_id=cluster.id, name=US, role="thanh_vien", is_us=True))
    session.flush()


def sync_catalog(session: Session) -> int:
    """Insert catalogue entries (and their aliases) missing from the database; return how many were added."""
    existing = set(session.exec(select(Award.code)).all())
    used_aliases = set(session.exec(select(AwardAlias.folded)).all())
    added = 0
    for position, spec in enumerate(catalog.CATALOG, start=1):
        if spec.code in existing:
            continue
        award = Award(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            level=spec.level,
            targets=",".join(spec.targets),
            merit_type=spec.merit_type,
            legal_basis=spec.legal_basis,
            multiplier_individual=spec.multiplier_individual,
            multiplier_collective=spec.multiplier_collective,
            national_code=spec.national_code,
            national_name=spec.national_name,
            is_common=spec.is_common,
            position=position,
        )
        session.add(award)
        session.flush()
        for alias in catalog.aliases(spec):
            key = catalog.normalize_award_text(alias)
            if key and key not in used_aliases:
                used_aliases.add(key)
                session.add(AwardAlias(award_id=award.id, alias=alias, folded=key))
        added += 1
    session.flush()
    return added


def seed_accounts(session: Session, settings: Settings) -> list[tuple[str, str, str]]:
    """Create one account per role (unit account on the first specialised phòng); return what was created."""
    unit = session.exec(
        select(Unit).where(Unit.kind == UnitKind.PHONG, Unit.short_name.not_in(["VP", "TTr"])).order_by(Unit.position)
    ).first()
    created = []
    for username, display, role in ACCOUNTS:
        if session.exec(select(User).where(User.username == username)).first():
            continue
        session.add(
            User(
                username=username,
                display_name=display if role != Role.DON_VI or unit is None else f"Cán bộ {unit.name}",
                role=role,
                unit_id=unit.id if role == Role.DON_VI and unit else None,
                password_hash=auth.hash_password(settings.initial_password),
                must_change_password=True,
            )
        )
        created.append((username, role.label, settings.initial_password))
    session.flush()
    return created


def seed_covenants(session: Session) -> list[str]:
    """Once per database: add each seeded plan year's internal covenant (when absent) and the cluster events the plan
    assigns to us, linked to their tasks; return what was added. A database seeded before this step gets it at its
    next start; a flag keeps a cluster the Office later deleted from coming back."""
    if get_setting(session, COVENANTS_KEY):
        return []
    from tdkt.clusters import cluster_years  # late, as quarter_end: clusters and pandas only on a first start

    added = []
    for year in PLAN_FILES:
        if session.exec(select(Plan).where(Plan.year == year)).first() is None:
            continue
        if cluster_years.ensure_internal_cluster(session, year=year) is not None:
            added.append(f"giao ước thi đua nội bộ năm {year}")
        events = cluster_years.seed_obligations(session, year=year)
        if events:
            added.append(f"{events} hoạt động cụm theo kế hoạch năm {year}")
    set_setting(session, COVENANTS_KEY, True)
    return added


def seed(session: Session, settings: Settings) -> SeedResult:
    """Fill an empty database once; later runs only add catalogue entries a newer version brings."""
    if get_setting(session, SEEDED_KEY):
        return SeedResult(created=False, awards_added=sync_catalog(session), clusters_added=seed_covenants(session))
    if session.exec(select(func.count()).select_from(Unit)).one() == 0:
        seed_units(session)
    awards_added = sync_catalog(session)
    for year, path in PLAN_FILES.items():
        if session.exec(select(Plan).where(Plan.year == year)).first() is None:
            seed_plan(session, path)
            seed_clusters(session, year=year)
    seed_covenants(session)
    set_setting(session, "base_salary", BASE_SALARY)
    set_setting(session, SEEDED_KEY, True)
    accounts = seed_accounts(session, settings)
    audit.record(session, None, "khoi_tao", "he_thong", None, "Khởi tạo dữ liệu ban đầu (kế hoạch 2024, đơn vị, "
                 "cụm thi đua và giao ước, danh mục khen thưởng, tài khoản).")
    return SeedResult(created=True, accounts=accounts, awards_added=awards_added)


def bootstrap(settings: Settings) -> tuple[Engine, SeedResult]:
    """Open the configured database, migrate it to the newest schema and seed it when empty."""
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with write_session(engine) as session:
        result = seed(session, settings)
    return engine, result
