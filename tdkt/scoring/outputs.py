"""What the outputs of a cluster's scoring read beside its result: our rank over the years, and who signs the summary
table (the head's and the deputy's agencies, cluster members with those roles that year)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from tdkt.clusters import clusters as clusters_module
from tdkt.core.models import ClusterMember
from tdkt.scoring.ranking import cluster_result
from tdkt.scoring.sheets import cluster_named

SPAN = 5  # years the rank chart looks back, as the award trend does


@dataclass(frozen=True, slots=True)
class Signers:
    """Who signs the table: the head's and the deputy's agencies (cluster members), None when not named yet."""

    head: str | None = None
    deputy: str | None = None


def signers(session: Session, *, year: int, cluster_code: str) -> Signers:
    """Return the agencies that sign a cluster's summary table that year: its cụm trưởng and cụm phó."""
    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    if cluster is None:
        return Signers()
    roles = {m.role: m.name for m in session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id))}
    return Signers(head=roles.get("cum_truong"), deputy=roles.get("cum_pho"))


def our_ranks(session: Session, *, cluster_code: str, year: int, span: int = SPAN) -> list[tuple[int, int | None, int]]:
    """Return (year, our rank, members ranked) for each of the last `span` years up to `year` in which the cluster had
    a criteria sheet; our rank is None in a year we were not ranked."""
    found = []
    for y in sorted(y for y in clusters_module.years(session) if year - span < y <= year):
        result = cluster_result(session, year=y, cluster_code=cluster_code)
        if result is None:
            continue
        ours = next((m for m in result.members if m.is_us), None)
        found.append((y, ours.rank if ours is not None else None, sum(m.rank is not None for m in result.members)))
    return found
