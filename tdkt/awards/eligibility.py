"""Eligibility of what is on record: rule cases built from the database in bulk and judged; the local policy per year.

How the database becomes a case (`tdkt.awards.rules` documents the rules themselves):

* History: awards received outside the app (`PastAward`, with their kind) and the subject's other nominations that
  reached a decision ("Có quyết định"), any year; the nomination being judged is never its own history.
* Ratings, discipline and initiatives (through `InitiativeAuthor`) of a person; a collective's own ratings and
  discipline are stored under its accent-folded name and unit.
* Council votes: the nomination's votes and council size once the council has voted, else none on record (pending).
* A collective's members are the people on record in its unit (`Person.unit_id`): their titles in the year are
  their nominations of that year that were not refused (the council votes individuals and collectives together)
  plus awards on record for that year; their rating and heaviest decided discipline of the year.
* The decision date chooses the rule set: the nomination's decision date when decided, else `today` (the date it
  would be decided now). Decisions before 01/01/2024 fall under the repealed 2003 Law: not checked.
* Cases are built as `tdkt.awards.rules.case` objects (dates stay dates), award names on record looked up in the
  catalogue as the JSON reader does. What the rules cannot take makes the case a data problem (rule "DU-LIEU"): an
  award outside the catalogue, an award for the other target or a repealed one, a decision dated before its year,
  impossible votes. Ratings, kinds, scopes and discipline levels are checked when they are written
  (`personal_records`, the records import), so they are not checked again here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tdkt.awards.catalog import AwardSpec
from tdkt.awards.rules import case as rules_case
from tdkt.awards.rules import judge, table
from tdkt.core import audit, cluster_standings, options
from tdkt.core.errors import Refused
from tdkt.core.models import (
    Assessment,
    Award,
    DisciplineRecord,
    InitiativeAuthor,
    InitiativeRecord,
    Nomination,
    NominationStatus,
    PastAward,
    Person,
    Unit,
)
from tdkt.core.permissions import Actor, require
from tdkt.core.text import fold, format_percent

S = NominationStatus
POLICY_KEY = "local_policy"  # one JSON object {year: {"cstdcs_share_cap": float|None, "disciplined_not_ldtt": bool}}
# What a person or collective can be proposed for next, in the order the Tra cứu page lists them.
CANDIDATES = {
    "ca_nhan": ("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh",
                "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Bằng khen của Bộ trưởng Bộ Công Thương"),
    "tap_the": ("Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc",
                "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Bằng khen của Bộ trưởng Bộ Công Thương"),
}
# A title received makes the lesser ones moot for the same year (a CSTĐCS is also counted as LĐTT).
_INCLUDED_IN = {
    "Lao động tiên tiến": {"Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua toàn quốc"},
    "Chiến sĩ thi đua cơ sở": {"Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua toàn quốc"},
    "Tập thể lao động tiên tiến": {"Tập thể lao động xuất sắc"},
}


class PolicyError(Refused):
    """A local policy change was refused; the message is Vietnamese."""


# Local policy per year


def policy_for(session: Session, *, year: int) -> rules_case.LocalPolicy:
    """Return the local policy of an achievement year (everything off unless the Office set it)."""
    raw = (options.get(session, POLICY_KEY, {}) or {}).get(str(year))
    if not raw:
        return rules_case.LocalPolicy()
    cap = raw.get("cstdcs_share_cap")
    return rules_case.LocalPolicy(cstdcs_share_cap=None if cap is None else float(cap),
                                  disciplined_not_ldtt=bool(raw.get("disciplined_not_ldtt", False)))


def set_policy(session: Session, actor: Actor | None, *, year: int, policy: rules_case.LocalPolicy) -> None:
    """Store the local policy of a year (the Office); audited; the caller commits."""
    require(actor, "xu_ly_ho_so")
    cap = policy.cstdcs_share_cap
    if cap is not None and not 0 < cap <= 1:
        raise PolicyError(f"Mức trần {cap!r} không hợp lệ: nhập tỷ lệ từ 1% đến 100%, hoặc bỏ trống để không đặt trần.")
    stored = dict(options.get(session, POLICY_KEY, {}) or {})
    before = stored.get(str(year))
    stored[str(year)] = asdict(policy)
    options.put(session, POLICY_KEY, stored)
    session.flush()
    cap_text = "không đặt trần" if cap is None else f"trần CSTĐCS {format_percent(cap)} số LĐTT"
    legacy = "có" if policy.disciplined_not_ldtt else "không"
    audit.record(session, actor, "quy_dinh_dia_phuong", "cai_dat", None,
                 f"Quy định khen thưởng của địa phương năm {year}: {cap_text}; {legacy} áp dụng quy tắc không xét "
                 f"LĐTT cho người bị kỷ luật trong năm.", before=before, after=asdict(policy))


# Facts on record, loaded in bulk


@dataclass(frozen=True, slots=True)
class _Past:
    """An award on record, by name; `nomination` is the decided nomination it comes from (None: a past award)."""

    year: int
    award: str | None
    kind: str
    nomination: int | None


@dataclass(frozen=True, slots=True)
class _Work:
    """An initiative of a subject: year, scope, the award (by name) it was already used for, title."""

    year: int
    scope: str
    used_for: str | None
    title: str | None


@dataclass(slots=True)
class _Facts:
    """One subject's records; awards stay names until a case is built (each case leaves out its own nomination)."""

    history: list[_Past] = field(default_factory=list)
    ratings: dict[int, str] = field(default_factory=dict)
    initiatives: list[_Work] = field(default_factory=list)
    discipline: list[rules_case.Discipline] = field(default_factory=list)

    def add_initiative(self, year: int, scope: str, used_for: str | None, title: str | None) -> None:
        """Keep an initiative whose scope the rules know."""
        if scope in rules_case.SCOPES:
            self.initiatives.append(_Work(year, scope, used_for, title))

    def add_discipline(self, year: int, level: str | None, is_open: bool) -> None:
        """Keep a disciplinary matter the rules can weigh: a known measure, or an open matter without one."""
        if level in rules_case.LEVELS or (level is None and is_open):
            self.discipline.append(rules_case.Discipline(year, level, is_open))


@dataclass(slots=True)
class _Member:
    """A collective's member as of a year: name, titles (award names), rating, heaviest decided discipline."""

    name: str
    titles: list[str]
    rating: str | None = None
    discipline: str | None = None


def _chunks(values: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Store:
    """Records of many people and collectives, read with a few queries per chunk of subjects."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.people: dict[int, _Facts] = defaultdict(_Facts)
        self.collectives: dict[tuple[str, int | None], _Facts] = defaultdict(_Facts)
        self._award_names = dict(session.exec(select(Award.id, Award.name)).all())
        self._specs: dict[str, AwardSpec | None] = {}

    def award(self, award_id: int | None) -> str | None:
        return self._award_names.get(award_id) if award_id is not None else None

    def spec(self, name: str) -> AwardSpec | None:
        """Return the catalogue entry of an award name on record (None: outside the catalogue), looked up once."""
        if name not in self._specs:
            self._specs[name] = rules_case.find_award(name)
        return self._specs[name]

    def load_people(self, person_ids: Iterable[int]) -> None:
        ids = sorted({i for i in person_ids if i is not None} - set(self.people))
        for part in _chunks(ids):
            for i in part:
                self.people[i]  # noqa: B018 — an empty record set is a fact too
            s = self.session
            for pid, year, award_id, kind in s.exec(select(PastAward.person_id, PastAward.year, PastAward.award_id,
                                                           PastAward.kind).where(col(PastAward.person_id).in_(part))):
                self.people[pid].history.append(_Past(year, self.award(award_id), kind, None))
            for nid, pid, year, award_id in s.exec(
                    select(Nomination.id, Nomination.person_id, Nomination.year, Nomination.award_id)
                    .where(col(Nomination.person_id).in_(part), Nomination.status == S.CO_QUYET_DINH.value)):
                self.people[pid].history.append(_Past(year, self.award(award_id), "cong_trang", nid))
            for pid, year, rating in s.exec(select(Assessment.person_id, Assessment.year, Assessment.rating)
                                            .where(col(Assessment.person_id).in_(part))):
                self.people[pid].ratings[year] = rating
            for pid, year, level, is_open in s.exec(
                    select(DisciplineRecord.person_id, DisciplineRecord.year, DisciplineRecord.level,
                           DisciplineRecord.open).where(col(DisciplineRecord.person_id).in_(part))):
                self.people[pid].add_discipline(year, level, bool(is_open))
            for pid, year, scope, used, title in s.exec(
                    select(InitiativeAuthor.person_id, InitiativeRecord.year, InitiativeRecord.scope,
                           InitiativeRecord.used_for_award_id, InitiativeRecord.title)
                    .join(InitiativeRecord, InitiativeRecord.id == InitiativeAuthor.initiative_id)
                    .where(col(InitiativeAuthor.person_id).in_(part))):
                self.people[pid].add_initiative(year, scope, self.award(used), title)

    def load_collectives(self, keys: Iterable[tuple[str, int | None]]) -> None:
        wanted = {k for k in keys if k[0]} - set(self.collectives)
        if not wanted:
            return
        names = sorted({k for k, _ in wanted})
        for key in wanted:
            self.collectives[key]  # noqa: B018
        s = self.session

        def subject(name_key: str, unit_id: int | None) -> _Facts | None:
            if (name_key, unit_id) in wanted:
                return self.collectives[(name_key, unit_id)]
            return None

        for part in _chunks(names):
            for key, unit_id, year, award_id, kind in s.exec(
                    select(PastAward.collective_key, PastAward.unit_id, PastAward.year, PastAward.award_id,
                           PastAward.kind).where(col(PastAward.collective_key).in_(part))):
                if (facts := subject(key, unit_id)) is not None:
                    facts.history.append(_Past(year, self.award(award_id), kind, None))
            for key, unit_id, year, rating in s.exec(
                    select(Assessment.collective_key, Assessment.unit_id, Assessment.year, Assessment.rating)
                    .where(col(Assessment.collective_key).in_(part))):
                if (facts := subject(key, unit_id)) is not None:
                    facts.ratings[year] = rating
            for key, unit_id, year, level, is_open in s.exec(
                    select(DisciplineRecord.collective_key, DisciplineRecord.unit_id, DisciplineRecord.year,
                           DisciplineRecord.level, DisciplineRecord.open)
                    .where(col(DisciplineRecord.collective_key).in_(part))):
                if (facts := subject(key, unit_id)) is not None:
                    facts.add_discipline(year, level, bool(is_open))
        # Decided nominations of collectives: matched on the folded name in Python (no folded column on nominations).
        units = sorted({u for _, u in wanted if u is not None})
        stmt = select(Nomination.id, Nomination.collective_name, Nomination.unit_id, Nomination.year,
                      Nomination.award_id).where(Nomination.target == "tap_the",
                                                 Nomination.status == S.CO_QUYET_DINH.value)
        if units and all(u is not None for _, u in wanted):
            stmt = stmt.where(col(Nomination.unit_id).in_(units))
        for nid, name, unit_id, year, award_id in s.exec(stmt):
            if (facts := subject(fold(name), unit_id)) is not None:
                facts.history.append(_Past(year, self.award(award_id), "cong_trang", nid))

    def members(self, unit_id: int | None, year: int) -> list[_Member]:
        """Return the members of a collective: the people on record in its unit, as of a year."""
        return list(self.member_map(unit_id, year).values())

    def member_map(self, unit_id: int | None, year: int) -> dict[Any, _Member]:
        """Return {person id: member} for the people on record in a unit, as of a year."""
        if unit_id is None:
            return {}
        s = self.session
        people = s.exec(select(Person.id, Person.full_name).where(Person.unit_id == unit_id)).all()
        if not people:
            return {}
        ids = [pid for pid, _ in people]
        titles: dict[int, list[str]] = defaultdict(list)
        ratings: dict[int, str] = {}
        worst: dict[int, str] = {}
        levels = rules_case.LEVELS
        for part in _chunks(ids):
            for pid, award_id in s.exec(select(Nomination.person_id, Nomination.award_id).where(
                    col(Nomination.person_id).in_(part), Nomination.year == year,
                    Nomination.status != S.KHONG_DUYET.value)):
                titles[pid].append(self.award(award_id))
            for pid, award_id in s.exec(select(PastAward.person_id, PastAward.award_id).where(
                    col(PastAward.person_id).in_(part), PastAward.year == year)):
                titles[pid].append(self.award(award_id))
            for pid, rating in s.exec(select(Assessment.person_id, Assessment.rating).where(
                    col(Assessment.person_id).in_(part), Assessment.year == year)):
                ratings[pid] = rating
            for pid, level in s.exec(select(DisciplineRecord.person_id, DisciplineRecord.level).where(
                    col(DisciplineRecord.person_id).in_(part), DisciplineRecord.year == year,
                    col(DisciplineRecord.level).is_not(None))):
                if pid not in worst or levels[level][0] > levels[worst[pid]][0]:
                    worst[pid] = level
        return {pid: _Member(name, sorted(set(titles.get(pid, []))), ratings.get(pid), worst.get(pid))
                for pid, name in people}


# Rule cases from the facts


class _CaseBuilder:
    """Builds the rule case of one subject's facts, noting in Vietnamese what the rules cannot take."""

    def __init__(self, store: _Store) -> None:
        self.store = store
        self.problems: list[str] = []

    def award(self, name: str, what: str) -> AwardSpec | None:
        """Return the catalogue entry of an award name on record, or None after noting it is unknown."""
        spec = self.store.spec(name)
        if spec is None:
            self.problems.append(f"không nhận ra danh hiệu hoặc hình thức khen thưởng “{name}” ({what}); dùng tên "
                                 f"trong danh mục.")
        return spec

    def history(self, facts: _Facts, exclude_nomination: int | None) -> tuple[rules_case.PastAward, ...]:
        """Return the subject's awards on record, without the nomination being judged."""
        found = []
        for past in facts.history:
            if past.award is None or (exclude_nomination is not None and past.nomination == exclude_nomination):
                continue
            spec = self.award(past.award, f"khen thưởng năm {past.year}")
            if spec is not None:
                found.append(rules_case.PastAward(past.year, spec, past.kind))
        return tuple(found)

    def initiatives(self, facts: _Facts) -> tuple[rules_case.Initiative, ...]:
        """Return the subject's initiatives, each with the award it was already used for."""
        found = []
        for work in facts.initiatives:
            what = f"sáng kiến năm {work.year} đã dùng cho"
            used = None if work.used_for is None else self.award(work.used_for, what)
            found.append(rules_case.Initiative(work.year, work.scope, used, work.title.strip() if work.title else None))
        return tuple(found)

    def members(self, members: Iterable[_Member]) -> tuple[rules_case.Member, ...]:
        """Return a collective's members with their titles as catalogue entries."""
        found = []
        for member in members:
            specs = (self.award(title, f"danh hiệu của {member.name}") for title in member.titles)
            found.append(rules_case.Member(member.name.strip(), tuple(s for s in specs if s is not None),
                                           member.rating, member.discipline))
        return tuple(found)

    def votes(self, yes: int | None, total: int | None) -> rules_case.Votes | None:
        """Return the council's votes once it has voted, else None (the vote rules stay pending)."""
        if yes is None or not total:
            return None
        if total < 1 or not 0 <= yes <= total:
            self.problems.append(f"số phiếu không hợp lệ ({yes}/{total}): cần 0 ≤ số phiếu đồng ý ≤ số thành viên "
                                 f"Hội đồng.")
            return None
        return rules_case.Votes(yes, total)


def _judged(store: _Store, case_id: Any, *, target: str, award: str, year: int, decided: date, facts: _Facts,
            policy: rules_case.LocalPolicy, exclude_nomination: int | None = None,
            votes: tuple[int | None, int | None] = (None, None), members: list[_Member] | None = None,
            standing: rules_case.Standing | None = None) -> dict:
    """Return the verdict on a subject's facts, or the error verdict naming what keeps them from being judged."""
    build = _CaseBuilder(store)
    spec = build.award(award, "danh hiệu đề nghị")
    if spec is not None and (problem := table.award_problem(spec, target)):
        build.problems.append(problem)
    if problem := table.date_problem(decided, year):
        build.problems.append(problem)
    history, initiatives = build.history(facts, exclude_nomination), build.initiatives(facts)
    ballot, people = build.votes(*votes), build.members(members or ())
    if build.problems or spec is None:
        return judge.invalid(case_id, build.problems)
    case = rules_case.Case(case_id, target, spec, year, decided, "cong_trang", history, dict(facts.ratings),
                           initiatives, tuple(facts.discipline), ballot, people, standing)
    return judge.judge_safely(case, policy=policy)


def _failures(verdict: dict) -> list[dict]:
    """Return a verdict's failures; a case that could not be judged fails on its data (rule DU-LIEU)."""
    if "error" in verdict:
        return [{"rule": "DU-LIEU", "basis": "Dữ liệu hồ sơ", "reason": verdict["error"]}]
    return verdict["failures"]


# Public API


@dataclass(frozen=True, slots=True)
class Finding:
    """A nomination that breaks at least one rule: its failures and pending items, each {rule, basis, reason}."""

    nomination_id: int
    name: str
    award: str
    unit: str | None
    failures: tuple[dict, ...]
    pending: tuple[dict, ...]

    def as_json(self) -> dict:
        return {"nomination_id": self.nomination_id, "name": self.name, "award": self.award,
                "failures": list(self.failures)}


def _standing(found: cluster_standings.Standing | None) -> rules_case.Standing | None:
    """Return a nomination's cluster rank as the rules read it (None when it was not drafted from a ranking)."""
    if found is None:
        return None
    return rules_case.Standing(found.cluster_name, found.year, found.rank, found.ranked)


def _decision_day(decided: date | None, today: date) -> date:
    return decided or today


def judge_nominations(session: Session, *, year: int, actor: Actor | None, today: date | None = None,
                      nomination_ids: Iterable[int] | None = None, include_passing: bool = False) -> list[Finding]:
    """Return the year's nominations (a unit user: its own) that break a rule, or all when include_passing.

    Individuals, collectives and households are judged (a household only on the forms of award the Law gives it,
    rules HGD-*); nominations already refused and those decided before 01/01/2024 (the repealed 2003 Law) are not."""
    require(actor, "xem")
    today = today or date.today()
    stmt = (select(Nomination, Person.full_name, Award.name, Unit.name)
            .join(Award, Nomination.award_id == Award.id)
            .join(Person, Nomination.person_id == Person.id, isouter=True)
            .join(Unit, Nomination.unit_id == Unit.id, isouter=True)
            .where(Nomination.year == year, Nomination.status != S.KHONG_DUYET.value,
                   col(Nomination.target).in_(["ca_nhan", "tap_the", "ho_gia_dinh"]))
            .order_by(col(Nomination.id)))
    if actor.role.value == "don_vi":
        stmt = stmt.where(Nomination.unit_id == actor.unit_id)
    if nomination_ids is not None:
        stmt = stmt.where(col(Nomination.id).in_(sorted(set(nomination_ids))))
    rows = [r for r in session.exec(stmt).all() if _decision_day(r[0].decision_date, today) >= table.LAW_FROM]
    store = _Store(session)
    store.load_people(n.person_id for n, *_ in rows if n.person_id is not None)
    store.load_collectives((fold(n.collective_name), n.unit_id) for n, *_ in rows if n.target == "tap_the")
    policy = policy_for(session, year=year)
    ranks = cluster_standings.standings(session, nomination_ids=[n.id for n, *_ in rows if n.target == "tap_the"])
    members_cache: dict[int | None, list[_Member]] = {}
    findings = []
    for n, person_name, award, unit in rows:
        if n.target == "ca_nhan":
            if n.person_id is None:
                continue
            facts, members = store.people[n.person_id], None
            name = person_name
        elif n.target == "ho_gia_dinh":  # no records are kept for households: their rules read the award alone
            facts, members, name = _Facts(), None, n.collective_name
        else:
            facts = store.collectives[(fold(n.collective_name), n.unit_id)]
            if n.unit_id not in members_cache:
                members_cache[n.unit_id] = store.members(n.unit_id, year)
            members, name = members_cache[n.unit_id], n.collective_name
        verdict = _judged(store, n.id, target=n.target, award=award, year=year,
                          decided=_decision_day(n.decision_date, today), facts=facts, policy=policy,
                          exclude_nomination=n.id, votes=(n.votes_for, n.council_members), members=members,
                          standing=_standing(ranks.get(n.id)))
        failures = _failures(verdict)
        if failures or include_passing:
            findings.append(Finding(n.id, name or "", award, unit or n.unit_text, tuple(failures),
                                    tuple(verdict.get("pending", []))))
    return findings


def share_cap(session: Session, *, year: int, actor: Actor | None) -> dict | None:
    """Return the local share-cap warning of the year's nominations ({rule, basis, reason}), or None."""
    require(actor, "xem")
    policy = policy_for(session, year=year)
    if policy.cstdcs_share_cap is None:
        return None
    stmt = (sa_select(Award.code, col(Nomination.id))
            .join(Award, Nomination.award_id == Award.id)
            .where(Nomination.year == year, Nomination.status != S.KHONG_DUYET.value,
                   col(Award.code).in_(["LDTT", "CSTDCS"])))
    counts = {"LDTT": 0, "CSTDCS": 0}
    for code, _ in session.execute(stmt):
        counts[code] += 1
    # Every CSTĐCS is also an LĐTT (the title includes it), whether or not both were proposed.
    return judge.share_cap_issue(year=year, ldtt=counts["LDTT"] + counts["CSTDCS"], cstdcs=counts["CSTDCS"],
                                 policy=policy)


@dataclass(frozen=True, slots=True)
class NextStep:
    """One award a subject could be proposed for in a year: eligible, or why not yet."""

    award: str
    eligible: bool
    failures: tuple[dict, ...]
    pending: tuple[dict, ...]
    proposed: str | None = None  # the step of this year's nomination for this award, if one exists


def next_awards(session: Session, *, target: str, year: int, person_id: int | None = None,
                collective_name: str | None = None, unit_id: int | None = None,
                today: date | None = None) -> list[NextStep]:
    """Return, for each usual award of the target, whether the subject can be proposed for it for `year`."""
    today = today or date.today()
    decided = max(today, date(year + 1, 1, 1)) if today.year <= year else today
    store = _Store(session)
    if target == "ca_nhan":
        store.load_people([person_id])
        facts, members = store.people[person_id], None
    else:
        key = (fold(collective_name), unit_id)
        store.load_collectives([key])
        facts, members = store.collectives[key], store.members(unit_id, year)
    policy = policy_for(session, year=year)
    proposed = _proposed(session, target=target, year=year, person_id=person_id, collective_name=collective_name,
                         unit_id=unit_id)
    steps = []
    held = {past.award for past in facts.history if past.year == year}
    for award in CANDIDATES[target]:
        if held & ({award} | _INCLUDED_IN.get(award, set())):
            continue  # already received for this year, or a title that includes it
        verdict = _judged(store, award, target=target, award=award, year=year, decided=decided, facts=facts,
                          policy=policy, members=members)
        if "error" in verdict:
            steps.append(NextStep(award, False, tuple(_failures(verdict)), ()))
        else:
            steps.append(NextStep(award, verdict["eligible"], tuple(verdict["failures"]),
                                  tuple(verdict["pending"]), proposed.get(award)))
    return steps


def _proposed(session: Session, *, target: str, year: int, person_id: int | None, collective_name: str | None,
              unit_id: int | None) -> dict[str, str]:
    """Return {award name: step} of the subject's nominations for a year (the furthest step when several)."""
    stmt = (select(Award.name, Nomination.status, Nomination.collective_name)
            .join(Award, Nomination.award_id == Award.id).where(Nomination.year == year))
    if target == "ca_nhan":
        stmt = stmt.where(Nomination.person_id == person_id)
    else:
        stmt = stmt.where(Nomination.target == "tap_the", Nomination.unit_id == unit_id)
    order = list(S)
    found: dict[str, str] = {}
    for award, status, name in session.exec(stmt).all():
        if target == "tap_the" and fold(name) != fold(collective_name):
            continue
        if award not in found or order.index(S(status)) > order.index(S(found[award])):
            found[award] = status
    return found


_NOTE = re.compile(r"\s*\[(?:suy luận|số điều suy luận|chưa kiểm chứng)[^\]]*\]|\s*\([^()]*chưa đối chiếu[^()]*\)")


def plain_basis(basis: str) -> str:
    """Return a rule's basis as a clerk reads it: the research notes ("[suy luận]", "[chưa kiểm chứng]") become one
    plain "(cần đối chiếu văn bản)" so the article is still checked before it goes into a Tờ trình."""
    cleaned = _NOTE.sub("", basis)
    return cleaned + (" (cần đối chiếu văn bản)" if cleaned != basis else "")


def _reasons(items) -> str:
    return "\n".join(f"• {x['reason']} ({plain_basis(x['basis'])})" for x in items)


def next_table(steps: list[NextStep]) -> pd.DataFrame:
    """Return next awards as rows to show: award, verdict (Vietnamese), reasons (each with its article)."""
    rows = []
    for step in steps:
        if not step.eligible:
            verdict = "Chưa đủ điều kiện"
        elif step.pending:
            verdict = "Đủ điều kiện, chờ kết quả bỏ phiếu/xét của Hội đồng"
        else:
            verdict = "Đủ điều kiện"
        if step.proposed == S.KHONG_DUYET.value:
            verdict = f"Đề nghị năm nay không được duyệt; nếu đề nghị lại: {verdict.lower()}"
        elif step.proposed:
            verdict = f"Đã đề nghị (bước “{S(step.proposed).label}”); {verdict.lower()}"
        items = step.failures if not step.eligible else step.pending
        reasons = _reasons(items)
        rows.append({"award": step.award, "eligible": step.eligible, "verdict": verdict, "reasons": reasons})
    return pd.DataFrame(rows, columns=["award", "eligible", "verdict", "reasons"])


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """Return findings as rows to show: nomination id, name, award, unit, rules, reasons (each with its article)."""
    return pd.DataFrame([{
        "nomination_id": f.nomination_id, "name": f.name, "award": f.award, "unit": f.unit,
        "rules": ", ".join(x["rule"] for x in f.failures),
        "reasons": _reasons(f.failures),
    } for f in findings], columns=["nomination_id", "name", "award", "unit", "rules", "reasons"])


def judge_rows(session: Session, *, year: int, rows: Iterable, today: date | None = None) -> pd.DataFrame:
    """Return the rule failures of a list's rows before it is imported: sheet, row, name, award, rules, reasons.

    A row is anything with sheet, row, target, name, name_key, birth_year, unit_id and award (the canonical name)
    such as an import Record. People already on record (same folded name, birth year and unit) bring their history;
    the list's own individuals count as members of its collectives, with the award they are proposed for."""
    today = today or date.today()
    decided = max(today, date(year + 1, 1, 1)) if today.year <= year else today
    rows = [r for r in rows if r.award and r.name and r.target in ("ca_nhan", "tap_the", "ho_gia_dinh")]
    columns = ["sheet", "row", "name", "award", "rules", "reasons"]
    if decided < table.LAW_FROM or not rows:
        return pd.DataFrame(columns=columns)
    keys = sorted({r.name_key for r in rows if r.target == "ca_nhan" and r.name_key})
    known: dict[tuple, int] = {}
    for part in _chunks(keys):
        for pid, key, birth, unit in session.exec(select(Person.id, Person.name_key, Person.birth_year,
                                                         Person.unit_id).where(col(Person.name_key).in_(part))):
            known.setdefault((key, birth, unit), pid)
    store = _Store(session)
    store.load_people(known.values())
    store.load_collectives((fold(r.name), r.unit_id) for r in rows if r.target == "tap_the")
    policy = policy_for(session, year=year)
    listed: dict[int | None, dict[Any, _Member]] = defaultdict(dict)  # unit -> member key -> the list's individuals
    for r in rows:
        if r.target == "ca_nhan":
            pid = known.get((r.name_key, r.birth_year, r.unit_id))
            entry = listed[r.unit_id].setdefault(pid if pid is not None else ("moi", r.name_key, r.birth_year),
                                                 _Member(r.name, []))
            entry.titles.append(r.award)
    found = []
    unit_members: dict[int | None, list[_Member]] = {}
    for r in rows:
        if r.target == "ca_nhan":
            pid = known.get((r.name_key, r.birth_year, r.unit_id))
            facts, members = (store.people[pid] if pid is not None else _Facts()), None
        elif r.target == "ho_gia_dinh":
            facts, members = _Facts(), None
        else:
            facts = store.collectives[(fold(r.name), r.unit_id)]
            if r.unit_id not in unit_members:
                on_record = store.member_map(r.unit_id, year)
                for member_key, entry in listed.get(r.unit_id, {}).items():
                    base = on_record.setdefault(member_key, _Member(entry.name, []))
                    base.titles = sorted(set(base.titles) | set(entry.titles))
                unit_members[r.unit_id] = list(on_record.values())
            members = unit_members[r.unit_id]
        verdict = _judged(store, r.row, target=r.target, award=r.award, year=year, decided=decided, facts=facts,
                          policy=policy, members=members)
        failures = _failures(verdict)
        if failures:
            found.append({"sheet": r.sheet, "row": r.row, "name": r.name, "award": r.award,
                          "rules": ", ".join(x["rule"] for x in failures),
                          "reasons": _reasons(failures)})
    return pd.DataFrame(found, columns=columns)
