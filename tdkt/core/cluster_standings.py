"""The rank a nomination drafted from a cluster's scoring rests on (hạng trong cụm), kept beside the nomination.

The scoring's proposals (tdkt.scoring.proposals) write one link per nomination they draft; the eligibility check
(tdkt.awards.eligibility) reads it, so that a Cờ thi đua is judged on the rank ("dẫn đầu cụm"). The links are one
JSON setting (a few nominations per cluster and year): a link whose nomination was deleted is ignored on reading.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session, col, select

from tdkt.core import options
from tdkt.core.models import Nomination

KEY = "cluster_standings"


@dataclass(frozen=True, slots=True)
class Standing:
    """A nomination's place in its cluster's final ranking: `ranked` members were ranked, `percent` its share of its
    applicable maximum; `award_code` the award drafted (catalogue code)."""

    nomination_id: int
    year: int
    cluster_code: str
    cluster_name: str
    member: str
    rank: int
    ranked: int
    percent: float
    award_code: str

    def text(self) -> str:
        """Return the standing as a sentence: "xếp hạng 1/5 Cụm thi đua II năm 2024 (98,00% số điểm tối đa)"."""
        percent = f"{self.percent:.2f}".replace(".", ",")
        return (f"xếp hạng {self.rank}/{self.ranked} {self.cluster_name} năm {self.year} ({percent}% số điểm tối đa "
                "áp dụng)")


def _raw(session: Session) -> list[dict]:
    return list(options.get(session, KEY, []) or [])


def standings(session: Session, *, nomination_ids: list[int] | None = None) -> dict[int, Standing]:
    """Return the standings by nomination id, of the nominations that still exist (only `nomination_ids` if given)."""
    found = {int(item["nomination_id"]): Standing(**item) for item in _raw(session)}
    if nomination_ids is not None:
        found = {k: v for k, v in found.items() if k in set(nomination_ids)}
    if not found:
        return {}
    alive = set(session.exec(select(Nomination.id).where(col(Nomination.id).in_(sorted(found)))).all())
    return {k: v for k, v in found.items() if k in alive}


def of_cluster(session: Session, *, year: int, cluster_code: str) -> list[Standing]:
    """Return the standings drafted from one cluster's ranking of a year, best rank first."""
    return sorted((s for s in standings(session).values() if s.year == year and s.cluster_code == cluster_code),
                  key=lambda s: (s.rank, s.nomination_id))


def link(session: Session, standing: Standing) -> None:
    """Keep a nomination's standing (no permission check: for checked callers, inside their transaction); a link of
    a nomination deleted since is dropped on the way."""
    alive = standings(session)
    kept = [item for item in _raw(session) if int(item["nomination_id"]) in alive
            and int(item["nomination_id"]) != standing.nomination_id]
    options.put(session, KEY, [*kept, asdict(standing)])
