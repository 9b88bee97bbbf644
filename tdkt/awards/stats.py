"""Award statistics: nominations and decisions counted in the database by award, level, unit, target, gender, year."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import case, exists, func, or_
from sqlmodel import Session, col, select

from tdkt.awards import categories, checklist, money
from tdkt.core import tally
from tdkt.core.models import (
    NOMINATION_STATUS_LABELS,
    TARGET_LABELS,
    Award,
    CollectiveTally,
    GenderTally,
    Nomination,
    NominationStatus,
    NominationTally,
    Person,
    Target,
    Unit,
    UnitKind,
    UnitTally,
)
from tdkt.core.text import fold

LEVEL_LABELS = {"co_so": "cơ sở", "tinh": "tỉnh", "bo": "bộ", "nha_nuoc": "nhà nước"}
GENDERS = ("Nam", "Nữ")
NO_UNIT = "Chưa rõ đơn vị"
NO_CATEGORY = "Chưa phân loại"
DIMENSIONS = ("award", "level", "unit", "target", "gender", "category", "status")
COUNT_COLUMNS = ["key", "label", "nominations", "decisions"]
SHARE_COLUMNS = ["group", "part", "n", "share"]
TREND_COLUMNS = ["year", "level", "level_label", "nominations", "decisions"]

SMALL_COLLECTIVE = "Tập thể nhỏ (tổ, đội, phòng…)"
OTHER_COLLECTIVE = "Tập thể khác"
DIRECT_WORKER = "Người trực tiếp lao động"
LEADER = "Lãnh đạo, quản lý"
OTHER_INDIVIDUAL = "Cá nhân khác, chưa phân loại"
LEADER_CATEGORIES = (categories.PROVINCE_LEADER[0], categories.DEPARTMENT_LEADER[0], categories.MANAGER[0])
# A collective named as a team, group, section or workshop is a small collective (tập thể nhỏ), the grassroots
# collectives the Law and Công văn 2902/BNV-VP ask to favour; a collective without a name counts as small when its
# unit is a phòng.
_SMALL_NAME = re.compile(
    r"^(tap the )?(to|doi|phong|khoa|tram|bo phan|nhom|chi doan|chi bo|chi hoi|xuong|phan xuong)\b"
)

_DECIDED = NominationStatus.CO_QUYET_DINH.value
_KEYS = {
    "award": Award.name,
    "level": Award.level,
    "unit": Unit.name,
    "target": Nomination.target,
    "gender": Person.gender,
    "category": Nomination.category,
    "status": Nomination.status,
}
# Dimensions read from the nomination and its award alone (no outer join, no filter of their own).
_NOMINATION_ONLY = ("award", "level", "target", "category", "status")
# Dimensions with a fixed list of values keep that order and show zeros; the others are ordered by count.
_FIXED = {
    "level": LEVEL_LABELS,
    "target": {t.value: TARGET_LABELS[t] for t in Target},
    "gender": {g: g for g in GENDERS},
    "status": {s.value: NOMINATION_STATUS_LABELS[s] for s in NominationStatus},
}


def _decided_count():
    return func.coalesce(func.sum(case((Nomination.status == _DECIDED, 1), else_=0)), 0)


def _filters(stmt, *, unit_id: int | None, award_id: int | None):
    if unit_id is not None:
        stmt = stmt.where(Nomination.unit_id == unit_id)
    if award_id is not None:
        stmt = stmt.where(Nomination.award_id == award_id)
    return stmt


def _joined(*columns, unit: bool = False, person: bool = False, award: bool = True):
    # Only the tables a statement reads are joined: at 1M nominations each unused join still costs one lookup per
    # nomination on SQLite (bench/pages.py: 0.32 s against 0.14 s for one year's counts), and without them the counts
    # read ix_nomination_year_figures alone.
    stmt = select(*columns).select_from(Nomination)
    if award:
        stmt = stmt.join(Award, Nomination.award_id == Award.id)
    if unit:
        stmt = stmt.outerjoin(Unit, Nomination.unit_id == Unit.id)
    if person:
        stmt = stmt.outerjoin(Person, Nomination.person_id == Person.id)
    return stmt


def _tallied(*columns):
    # The nomination tally (tdkt.core.tally) holds the counts by year, award, target, category and step that every
    # write keeps in step: bench/pages.py at 1M nominations read 100k rows a year for each of these statements.
    return (select(*columns).select_from(NominationTally).join(Award, NominationTally.award_id == Award.id)
            .where(NominationTally.n != 0))


_TALLY_KEYS = {"award": Award.name, "level": Award.level, "target": NominationTally.target,
               "category": NominationTally.category, "status": NominationTally.status}


def _tally_counts():
    n = NominationTally.n
    return func.sum(n), func.coalesce(func.sum(case((NominationTally.status == _DECIDED, n), else_=0)), 0)


def counts(session: Session, *, dimension: str, year: int, unit_id: int | None = None,
           award_id: int | None = None) -> pd.DataFrame:
    """Return one year's nominations and decisions side by side by one dimension: columns key, label, nominations,
    decisions (gender counts individuals only)."""
    if dimension not in _KEYS:
        raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")
    key = _KEYS[dimension]
    if dimension == "unit" and award_id is None:
        # From the unit tally (tdkt.core.tally; unit 0 = none): bench/pages.py at 1M read the year's 100k nominations
        # and looked each one's unit up (0.44 s), where the tally holds a few thousand rows.
        n = UnitTally.n
        stmt = (select(Unit.name, func.sum(n), func.coalesce(func.sum(case((UnitTally.status == _DECIDED, n),
                                                                           else_=0)), 0))
                .select_from(UnitTally).outerjoin(Unit, UnitTally.unit_id == Unit.id)
                .where(UnitTally.year == year, n != 0).group_by(Unit.name))
        if unit_id is not None:
            stmt = stmt.where(UnitTally.unit_id == unit_id)
        return _count_frame(dimension, {k: (int(n), int(d)) for k, n, d in session.exec(stmt).all()})
    if dimension == "gender" and unit_id is None:
        # From the gender tally (tdkt.core.tally, which follows a person's gender too): bench/pages.py at 1M read the
        # year's 85k individuals with their persons here (0.54 s).
        n = GenderTally.n
        stmt = (select(GenderTally.gender, func.sum(n),
                       func.coalesce(func.sum(case((GenderTally.status == _DECIDED, n), else_=0)), 0))
                .where(GenderTally.year == year, col(GenderTally.gender).in_(GENDERS), n != 0)
                .group_by(GenderTally.gender))
        if award_id is not None:
            stmt = stmt.where(GenderTally.award_id == award_id)
        return _count_frame(dimension, {k: (int(n), int(d)) for k, n, d in session.exec(stmt).all()})
    stmt = (_joined(key, func.count(), _decided_count(), unit=dimension == "unit", person=dimension == "gender",
                    award=dimension in ("award", "level"))
            .where(Nomination.year == year).group_by(key))
    if dimension == "gender":
        stmt = stmt.where(Nomination.target == Target.CA_NHAN.value, Person.gender.in_(GENDERS))
    rows = {k: (int(n), int(d)) for k, n, d in session.exec(_filters(stmt, unit_id=unit_id, award_id=award_id)).all()}
    return _count_frame(dimension, rows)


def count_tables(session: Session, *, year: int, dimensions: tuple[str, ...] = DIMENSIONS, unit_id: int | None = None,
                 award_id: int | None = None) -> dict[str, pd.DataFrame]:
    """Return `counts` of several dimensions, by dimension; those read from the nomination and its award alone come
    from one statement grouped by all of them."""
    # bench/pages.py at 1M nominations: five statements over the year's nominations (about 0.17 s each on SQLite)
    # become one of about 0.2 s, returning a few thousand groups.
    shared = [d for d in dimensions if d in _NOMINATION_ONLY]
    folded: dict[str, dict] = {d: {} for d in shared}
    if shared and unit_id is None:  # the tally has no unit: a unit's counts come from its nominations
        keys = [_TALLY_KEYS[d] for d in shared]
        stmt = _tallied(*keys, *_tally_counts()).where(NominationTally.year == year).group_by(*keys)
        if award_id is not None:
            stmt = stmt.where(NominationTally.award_id == award_id)
    elif shared:
        keys = [_KEYS[d] for d in shared]
        stmt = _filters(_joined(*keys, func.count(), _decided_count()).where(Nomination.year == year).group_by(*keys),
                        unit_id=unit_id, award_id=award_id)
    for *values, n, d in session.exec(stmt).all() if shared else ():
        for dimension, value in zip(shared, values, strict=True):  # the row holds one value per key of `shared`
            value = None if dimension == "category" and value == "" else value  # the tally keeps no category as ""
            before = folded[dimension].get(value, (0, 0))
            folded[dimension][value] = (before[0] + int(n), before[1] + int(d))
    return {d: _count_frame(d, folded[d]) if d in folded
            else counts(session, dimension=d, year=year, unit_id=unit_id, award_id=award_id) for d in dimensions}


def _count_frame(dimension: str, rows: dict) -> pd.DataFrame:
    if dimension in _FIXED:
        labels = _FIXED[dimension]
        known = [(k, label, *rows.get(k, (0, 0))) for k, label in labels.items()]
        extra = [(k, str(k), n, d) for k, (n, d) in rows.items() if k not in labels]  # values outside the lists
        return pd.DataFrame(known + extra, columns=COUNT_COLUMNS)
    blank = {"unit": NO_UNIT, "category": NO_CATEGORY}.get(dimension, "")
    found = sorted(((k, k if k else blank, n, d) for k, (n, d) in rows.items()), key=lambda r: (-r[2], r[1]))
    return pd.DataFrame(found, columns=COUNT_COLUMNS)


def trend(session: Session, *, first: int, last: int, unit_id: int | None = None,
          award_id: int | None = None) -> pd.DataFrame:
    """Return nominations and decisions per year and award level over a span of years (every year and level present,
    zeros included): columns year, level, level_label, nominations, decisions."""
    if unit_id is None:  # from the tally: bench/pages.py read 500k nominations for a five-year span
        stmt = (_tallied(NominationTally.year, Award.level, *_tally_counts())
                .where(NominationTally.year >= first, NominationTally.year <= last)
                .group_by(NominationTally.year, Award.level))
        if award_id is not None:
            stmt = stmt.where(NominationTally.award_id == award_id)
    else:
        stmt = _filters(_joined(Nomination.year, Award.level, func.count(), _decided_count())
                        .where(Nomination.year >= first, Nomination.year <= last)
                        .group_by(Nomination.year, Award.level), unit_id=unit_id, award_id=award_id)
    found = session.exec(stmt).all()
    rows = {(y, lv): (int(n), int(d)) for y, lv, n, d in found}
    return pd.DataFrame(
        [(y, lv, label, *rows.get((y, lv), (0, 0)))
         for y in range(first, last + 1) for lv, label in LEVEL_LABELS.items()],
        columns=TREND_COLUMNS,
    )


def is_small_collective(name: str | None, unit_kind: str | None = None) -> bool:
    """Return True when a collective is a small one (tổ, đội, phòng, khoa, trạm…) by its name, else by its unit."""
    if not tally.unnamed(name):  # blank as the collective tally sees it, which keeps the unit of those only
        return bool(_SMALL_NAME.match(fold(name).strip()))
    return unit_kind == UnitKind.PHONG.value


def shares(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> pd.DataFrame:
    """Return how one year's decided awards split: collectives small vs other, individuals direct workers vs leaders
    and managers vs others; columns group, part, n, share (of the group, None when the group is empty)."""
    if unit_id is None:
        # From the collective tally (tdkt.core.tally): names, and the unit of a collective without one, whose kind is
        # read now; bench/pages.py at 1M read the year's decided collectives with their units here (0.22 s).
        collective = (select(CollectiveTally.name, Unit.kind, func.sum(CollectiveTally.n))
                      .select_from(CollectiveTally).outerjoin(Unit, CollectiveTally.unit_id == Unit.id)
                      .where(CollectiveTally.year == year, CollectiveTally.status == _DECIDED, CollectiveTally.n != 0)
                      .group_by(CollectiveTally.name, Unit.kind))
        if award_id is not None:
            collective = collective.where(CollectiveTally.award_id == award_id)
    else:
        collective = _filters(
            _joined(Nomination.collective_name, Unit.kind, func.count(), unit=True, award=False)
            .where(Nomination.year == year, Nomination.status == _DECIDED, Nomination.target == Target.TAP_THE.value)
            .group_by(Nomination.collective_name, Unit.kind),
            unit_id=unit_id, award_id=award_id,
        )
    small = other = 0
    for name, kind, n in session.exec(collective).all():
        if is_small_collective(name, kind):
            small += int(n)
        else:
            other += int(n)
    people = {DIRECT_WORKER: 0, LEADER: 0, OTHER_INDIVIDUAL: 0}
    for name, n in _individual_categories(session, year=year, unit_id=unit_id, award_id=award_id):
        if name == categories.DIRECT_WORKER_NAME:
            people[DIRECT_WORKER] += int(n)
        else:
            people[LEADER if name in LEADER_CATEGORIES else OTHER_INDIVIDUAL] += int(n)
    rows = []
    for group, parts in (("Tập thể", {SMALL_COLLECTIVE: small, OTHER_COLLECTIVE: other}), ("Cá nhân", people)):
        total = sum(parts.values())
        rows += [(group, part, n, n / total if total else None) for part, n in parts.items()]
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def _individual_categories(session: Session, *, year: int, unit_id: int | None,
                           award_id: int | None) -> list[tuple[str | None, int]]:
    """The year's decided individuals by category (the nomination's, else the person's): (category, n) rows."""
    category = func.coalesce(Nomination.category, Person.category)
    stmt = (_joined(category, func.count(), person=True, award=False)
            .where(Nomination.year == year, Nomination.status == _DECIDED, Nomination.target == Target.CA_NHAN.value)
            .group_by(category))
    if unit_id is not None:  # the tally has no unit
        return [(c, int(n)) for c, n in session.exec(_filters(stmt, unit_id=unit_id, award_id=award_id)).all()]
    # The categories the nominations carry come from the tally; only those without one are read with their person's
    # (bench/pages.py at 1M: the year's 100k nominations joined to their persons took 2.2 s on a loaded machine).
    tallied = (select(NominationTally.category, func.sum(NominationTally.n))
               .where(NominationTally.year == year, NominationTally.status == _DECIDED,
                      NominationTally.target == Target.CA_NHAN.value, NominationTally.n != 0)
               .group_by(NominationTally.category))
    if award_id is not None:
        tallied = tallied.where(NominationTally.award_id == award_id)
    rows = {c: int(n) for c, n in session.exec(tallied).all()}
    found = [(c, n) for c, n in rows.items() if c != "" and n]
    if rows.get("", 0):  # "" is the tally's no category (NULL, or an empty text, which coalesce keeps)
        blank = stmt.where(or_(col(Nomination.category).is_(None), Nomination.category == ""))
        found += [(c, int(n)) for c, n in session.exec(_filters(blank, unit_id=None, award_id=award_id)).all()]
    return found


def summary(session: Session, *, year: int, unit_id: int | None = None, award_id: int | None = None) -> dict:
    """Return the year's figures as the CLI's JSON object: counts by award, level, target, gender, unit, status and
    category, decisions, the decided money in whole đồng, and the dossiers complete or lacking a document."""
    tables = count_tables(session, year=year, unit_id=unit_id, award_id=award_id)

    def by(dimension: str, *, keys: bool = False, keep_zeros: bool = True) -> dict[str, int]:
        frame = tables[dimension]
        rows = zip(frame["key"], frame["label"], frame["nominations"], strict=True)
        return {(k if keys else label): int(n) for k, label, n in rows if keep_zeros or n}

    status = by("status")
    return {
        "year": year,
        "nominations": sum(status.values()),
        "decisions": status[NOMINATION_STATUS_LABELS[NominationStatus.CO_QUYET_DINH]],
        "by_award": by("award"),
        "by_level": by("level"),
        "by_target": by("target", keys=True),
        "by_gender": by("gender"),
        "by_unit": by("unit"),
        "by_status": status,
        "by_category": by("category"),
        "money": money.decided_money(session, year=year, unit_id=unit_id, award_id=award_id),
        "dossiers": checklist.completeness(session, year=year, unit_id=unit_id, award_id=award_id),
    }


def years(session: Session) -> list[int]:
    """Return the years that have nominations, oldest first."""
    stmt = select(NominationTally.year).where(NominationTally.n != 0).distinct().order_by(NominationTally.year)
    return [int(y) for y in session.exec(stmt).all()]


def filter_choices(session: Session) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Return (units, awards) that appear in nominations, as (id, name) sorted by name, for the page's filters."""
    # A unit is looked up in the nomination index per unit (a few thousand probes), not by a DISTINCT over every
    # nomination (1M at bench/pages.py); the awards come from the tally.
    units = session.exec(
        select(Unit.id, Unit.name).where(exists().where(Nomination.unit_id == Unit.id)).order_by(Unit.name)
    ).all()
    awards = session.exec(
        select(Award.id, Award.name).where(Award.id.in_(select(NominationTally.award_id).where(NominationTally.n != 0)))
        .order_by(Award.position, Award.name)
    ).all()
    return [(int(i), n) for i, n in units], [(int(i), n) for i, n in awards]
