"""What the outputs of a cluster's scoring read beside its result: our rank over the years, and who signs the summary
table (the head's and the deputy's agencies, cluster members with those roles that year, and the title each signs
with)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from tdkt.clusters import clusters as clusters_module
from tdkt.core.models import ClusterMember
from tdkt.core.text import fold, format_date
from tdkt.scoring.ranking import cluster_result
from tdkt.scoring.results import ClusterResult
from tdkt.scoring.sheets import cluster_named

SPAN = 5  # years the rank chart looks back, as the award trend does


# The title its head signs with, by the whole words an agency's name begins with (accents folded: "Sở" is not
# "Sohaco"); an agency not listed signs as "Thủ trưởng đơn vị", the words the TT 02/2023 forms print under a signature.
TITLES = (
    ("uy ban nhan dan", "CHỦ TỊCH"), ("ubnd", "CHỦ TỊCH"), ("chi cuc", "CHI CỤC TRƯỞNG"), ("cuc", "CỤC TRƯỞNG"),
    ("so", "GIÁM ĐỐC"), ("cong an", "GIÁM ĐỐC"), ("kho bac", "GIÁM ĐỐC"), ("bao hiem xa hoi", "GIÁM ĐỐC"),
    ("ngan hang", "GIÁM ĐỐC"), ("trung tam", "GIÁM ĐỐC"), ("benh vien", "GIÁM ĐỐC"), ("dai phat thanh", "GIÁM ĐỐC"),
    ("bo chi huy", "CHỈ HUY TRƯỞNG"), ("van phong", "CHÁNH VĂN PHÒNG"), ("thanh tra", "CHÁNH THANH TRA"),
    ("toa an", "CHÁNH ÁN"), ("vien kiem sat", "VIỆN TRƯỞNG"), ("ban", "TRƯỞNG BAN"), ("phong", "TRƯỞNG PHÒNG"),
    ("truong", "HIỆU TRƯỞNG"), ("hoi", "CHỦ TỊCH"),
)
GENERIC_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"


def signer_title(agency: str | None) -> str:
    """Return the title line the head of an agency signs with ("Sở Xây dựng" → "GIÁM ĐỐC")."""
    words = fold(agency).split()
    for start, title in TITLES:
        if words[:len(start.split())] == start.split():
            return title
    return GENERIC_TITLE


@dataclass(frozen=True, slots=True)
class Signers:
    """Who signs the table: the head's and the deputy's agencies (cluster members), None when not named yet, and the
    names of the persons who sign for them when known (None: the name is written by hand under the signature)."""

    head: str | None = None
    deputy: str | None = None
    head_name: str | None = None
    deputy_name: str | None = None


def signers(session: Session, *, year: int, cluster_code: str) -> Signers:
    """Return the agencies that sign a cluster's summary table that year: its cụm trưởng and (the first named) cụm
    phó; the persons' names are not recorded, so they are left to be written by hand."""
    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    if cluster is None:
        return Signers()
    roles: dict[str, str] = {}
    for role, name in session.exec(select(ClusterMember.role, ClusterMember.name)
                                   .where(ClusterMember.cluster_id == cluster.id).order_by(ClusterMember.id)):
        roles.setdefault(role, name)
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


def status_text(result: ClusterResult) -> str:
    """Return what the figures are: the published result (and its day), or a draft not to be taken as final."""
    if not result.final:
        return "Kết quả tạm thời — chưa công bố chính thức"
    day = f" ngày {format_date(result.published_on)}" if result.published_on else ""
    return f"Kết quả chính thức (đã công bố{day})"
