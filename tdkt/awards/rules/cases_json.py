"""The reader of JSON cases (the `eligibility` command's file): each raw case validated into a `Case`, then judged.

A raw case is {"id", "target", "award", "year", "decision_date", "kind"?, "history"?, "assessments"?,
"initiatives"?, "discipline"?, "votes"?, "members"?}; cases built from the database skip this reader
(`tdkt.awards.eligibility` builds them directly).

* Input is validated strictly (types, ranges, known ratings, scopes, kinds, discipline levels, award names from
  `tdkt.awards.catalog`, dates as dd/mm/yyyy, no unknown keys so typos cannot pass silently); every problem found is
  reported in one Vietnamese message and the case gets `{"id", "eligible": false, "error"}`. Nothing raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tdkt.awards.catalog import AwardSpec
from tdkt.awards.rules import judge, table
from tdkt.awards.rules.case import (
    KINDS,
    LEVELS,
    RATINGS,
    SCOPES,
    TARGETS,
    Case,
    Discipline,
    Initiative,
    LocalPolicy,
    Member,
    PastAward,
    Votes,
    find_award,
)
from tdkt.core.text import fold, parse_date

_DATE_SHAPE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_CASE_KEYS = {"id", "target", "award", "year", "decision_date", "kind", "history", "assessments", "initiatives",
              "discipline", "votes", "members"}
_REQUIRED = ("id", "target", "award", "year", "decision_date")


class _Reader:
    """Collects every problem of one case as a Vietnamese message naming the field."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"“{path}”: {message}")

    def keys(self, value: dict, path: str, allowed: set[str], required: Iterable[str]) -> None:
        for key in sorted(set(value) - allowed, key=str):
            self.fail(f"{path}.{key}" if path else str(key), "trường không có trong định dạng; kiểm tra chính tả.")
        for key in required:
            if key not in value:
                self.fail(f"{path}.{key}" if path else key, "thiếu trường bắt buộc.")

    def year(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
            self.fail(path, f"năm phải là số nguyên từ 1900 đến 2100, nhận được {value!r}.")
            return None
        return value

    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"cần một chuỗi không rỗng, nhận được {value!r}.")
            return None
        return value.strip()

    def choice(self, value: Any, path: str, choices: Mapping[str, Any], *, folded: bool = False) -> str | None:
        key = _level_key(value) if folded and isinstance(value, str) else value
        if not isinstance(key, str) or key not in choices:
            self.fail(path, f"giá trị {value!r} không hợp lệ; chọn một trong: {', '.join(choices)}.")
            return None
        return key

    def award(self, value: Any, path: str) -> AwardSpec | None:
        spec = find_award(value)
        if spec is None:
            self.fail(path, f"không nhận ra danh hiệu hoặc hình thức khen thưởng {value!r}; dùng tên trong danh mục.")
        return spec

    def items(self, value: Any, path: str) -> list[tuple[str, dict]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "cần một danh sách.")
            return []
        result = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                result.append((f"{path}[{index}]", item))
            else:
                self.fail(f"{path}[{index}]", "cần một đối tượng {…}.")
        return result


def _level_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


@dataclass(frozen=True, slots=True)
class _Head:
    """A raw case's own fields, None where they did not validate."""

    id: Any
    target: str | None
    award: AwardSpec | None
    year: int | None
    decided: date | None
    kind: str | None


def _read_head(r: _Reader, raw: dict) -> _Head:
    case_id = raw.get("id")
    if "id" in raw and (isinstance(case_id, bool) or not isinstance(case_id, (str, int))):
        r.fail("id", "cần một chuỗi hoặc số nguyên.")
    target = r.choice(raw.get("target"), "target", TARGETS) if "target" in raw else None
    award = r.award(raw.get("award"), "award") if "award" in raw else None
    year = r.year(raw.get("year"), "year") if "year" in raw else None
    decided = _read_decision_date(r, raw["decision_date"]) if "decision_date" in raw else None
    kind = r.choice(raw.get("kind", "cong_trang"), "kind", KINDS)
    if award is not None and target is not None and (problem := table.award_problem(award, target)):
        r.fail("award", problem)
    if decided is not None and (problem := table.date_problem(decided, year)):
        r.fail("decision_date", problem)
    return _Head(case_id, target, award, year, decided, kind)


def _read_decision_date(r: _Reader, text: Any) -> date | None:
    if not isinstance(text, str) or not _DATE_SHAPE.match(text):
        r.fail("decision_date", f"ngày phải có dạng dd/mm/yyyy (ví dụ 15/12/2025), nhận được {text!r}.")
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        r.fail("decision_date", str(error))
        return None


def _read_history(r: _Reader, value: Any) -> list[PastAward]:
    history = []
    for path, item in r.items(value, "history"):
        r.keys(item, path, {"year", "award", "kind"}, ("year", "award"))
        past = (r.year(item.get("year"), f"{path}.year"), r.award(item.get("award"), f"{path}.award"),
                r.choice(item.get("kind", "cong_trang"), f"{path}.kind", KINDS))
        if None not in past:
            history.append(PastAward(*past))
    return history


def _read_ratings(r: _Reader, value: Any) -> dict[int, str]:
    ratings: dict[int, str] = {}
    for path, item in r.items(value, "assessments"):
        r.keys(item, path, {"year", "rating"}, ("year", "rating"))
        at, rating = r.year(item.get("year"), f"{path}.year"), r.choice(item.get("rating"), f"{path}.rating", RATINGS)
        if at is not None and at in ratings:
            r.fail(f"{path}.year", f"năm {at} đã có kết quả đánh giá ở mục trước.")
        elif at is not None and rating is not None:
            ratings[at] = rating
    return ratings


def _read_initiatives(r: _Reader, value: Any) -> list[Initiative]:
    initiatives = []
    for path, item in r.items(value, "initiatives"):
        r.keys(item, path, {"year", "scope", "used_for", "name"}, ("year", "scope"))
        used = item.get("used_for")
        used_spec = None if used is None else r.award(used, f"{path}.used_for")
        name = None if item.get("name") is None else r.text(item.get("name"), f"{path}.name")
        at, scope = r.year(item.get("year"), f"{path}.year"), r.choice(item.get("scope"), f"{path}.scope", SCOPES)
        if at is not None and scope is not None:
            initiatives.append(Initiative(at, scope, used_spec, name))
    return initiatives


def _read_discipline(r: _Reader, value: Any) -> list[Discipline]:
    discipline = []
    for path, item in r.items(value, "discipline"):
        r.keys(item, path, {"year", "level", "open"}, ("year", "open"))
        is_open = item.get("open")
        if not isinstance(is_open, bool):
            r.fail(f"{path}.open", f"cần true hoặc false, nhận được {is_open!r}.")
        level = item.get("level")
        if level is None and is_open is False:
            r.fail(f"{path}.level", "kỷ luật đã quyết định cần ghi hình thức kỷ luật.")
        level = None if level is None else r.choice(level, f"{path}.level", LEVELS, folded=True)
        at = r.year(item.get("year"), f"{path}.year")
        if at is not None and isinstance(is_open, bool):
            discipline.append(Discipline(at, level, is_open))
    return discipline


def _read_votes(r: _Reader, value: Any) -> Votes | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        r.fail("votes", "cần {\"for\": số phiếu đồng ý, \"members\": tổng số thành viên} hoặc null.")
        return None
    r.keys(value, "votes", {"for", "members"}, ("for", "members"))
    yes, members = value.get("for"), value.get("members")
    good = all(isinstance(v, int) and not isinstance(v, bool) for v in (yes, members))
    if not good or members < 1 or yes < 0 or yes > members:
        r.fail("votes", f"số phiếu không hợp lệ ({yes!r}/{members!r}): cần 0 ≤ for ≤ members và members ≥ 1.")
        return None
    return Votes(yes, members)


def _read_members(r: _Reader, value: Any, target: str | None) -> list[Member]:
    member_items = r.items(value, "members")
    if member_items and target == "ca_nhan":
        r.fail("members", "danh sách thành viên chỉ dùng cho tập thể.")
    members = []
    for path, item in member_items:
        r.keys(item, path, {"name", "titles", "rating", "discipline"}, ("name",))
        name = r.text(item.get("name"), f"{path}.name")
        titles = []
        raw_titles = item.get("titles", [])
        if not isinstance(raw_titles, list):
            r.fail(f"{path}.titles", "cần một danh sách tên danh hiệu.")
            raw_titles = []
        for index, title in enumerate(raw_titles):
            spec = r.award(title, f"{path}.titles[{index}]")
            if spec is not None:
                titles.append(spec)
        rating = None if item.get("rating") is None else r.choice(item["rating"], f"{path}.rating", RATINGS)
        level = None if item.get("discipline") is None else r.choice(
            item["discipline"], f"{path}.discipline", LEVELS, folded=True)
        if name is not None:
            members.append(Member(name, tuple(titles), rating, level))
    return members


def _read(raw: Any) -> tuple[Case | None, list[str]]:
    """Return the validated case, or None and the problems found (Vietnamese)."""
    if not isinstance(raw, dict):
        return None, ["Mỗi hồ sơ phải là một đối tượng JSON {…}."]
    r = _Reader()
    r.keys(raw, "", _CASE_KEYS, _REQUIRED)
    head = _read_head(r, raw)
    history = _read_history(r, raw.get("history"))
    ratings = _read_ratings(r, raw.get("assessments"))
    initiatives = _read_initiatives(r, raw.get("initiatives"))
    discipline = _read_discipline(r, raw.get("discipline"))
    votes = _read_votes(r, raw.get("votes"))
    members = _read_members(r, raw.get("members"), head.target)
    if r.errors:
        return None, r.errors
    assert head.target is not None and head.award is not None and head.year is not None
    assert head.decided is not None and head.kind
    return Case(head.id, head.target, head.award, head.year, head.decided, head.kind, tuple(history), ratings,
                tuple(initiatives), tuple(discipline), votes, tuple(members)), []


def evaluate(case: Any, *, policy: LocalPolicy | None = None) -> dict:
    """Return the verdict object of one raw case, or {"id", "eligible": false, "error"} when it is malformed."""
    case_id = case.get("id") if isinstance(case, dict) else None
    try:
        parsed, errors = _read(case)
    except Exception as error:  # the reader must never crash a batch either: report it on the case instead
        return judge.crashed(case_id, error)
    if parsed is None:
        return judge.invalid(case_id, errors)
    return judge.judge_safely(parsed, policy=policy)


def evaluate_all(cases: list, *, policy: LocalPolicy | None = None) -> list[dict]:
    """Return one verdict object per raw case, in order."""
    return [evaluate(case, policy=policy) for case in cases]
