"""The tables of cluster scoring (chấm điểm thi đua cụm): a cluster's criteria sheet for its year, its groups and
criteria, the rounds' deadlines and every member's entries per criterion and round."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from tdkt.core.models import utcnow


class ScoreSheet(SQLModel, table=True):
    """A cluster's criteria sheet (bảng tiêu chí) for the cluster's year; published once the results are final."""

    __tablename__ = "score_sheet"
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", unique=True, ondelete="CASCADE")
    total_points: float | None = None  # the total the cluster's regulation sets (1.000); None: the groups' sum
    published_on: date | None = None
    published_by: int | None = Field(default=None, foreign_key="app_user.id")


class ScoreGroup(SQLModel, table=True):
    """A group of criteria ("I. Thực hiện nhiệm vụ chuyên môn", 700 points); `is_bonus` for the cộng/trừ group."""

    __tablename__ = "score_group"
    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="score_sheet.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str = Field(max_length=255)
    max_points: float = 0
    is_bonus: bool = False


class ScoreCriterion(SQLModel, table=True):
    """A criterion or, with a parent, a sub-criterion: its maximum, kind and the kind's parameters (`rule`:
    vuot_muc|ty_le for dinh_luong, tron|diem for dinh_tinh; `points_each`: per occurrence for theo_lan, the item's
    signed value for cong_tru)."""

    __tablename__ = "score_criterion"
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="score_group.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="score_criterion.id", ondelete="CASCADE")
    position: int = 0
    code: str = Field(max_length=32)
    name: str = Field(max_length=500)
    max_points: float = 0
    kind: str = Field(max_length=16)
    rule: str | None = Field(default=None, max_length=16)
    points_each: float | None = None


class ScoreRound(SQLModel, table=True):
    """A round's deadline for a sheet (tự chấm, thẩm định, giải trình, thẩm định lại): it locks after that day."""

    __tablename__ = "score_round"
    __table_args__ = (UniqueConstraint("sheet_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="score_sheet.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    deadline: date


class ScoreEntry(SQLModel, table=True):
    """One member's entry for one criterion in one round: the target and the value (achieved value, points, met 1/0
    or count, by the criterion's kind), not assigned, the evidence (a stored file or a document) and the comment."""

    __tablename__ = "score_entry"
    __table_args__ = (UniqueConstraint("criterion_id", "member_id", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    criterion_id: int = Field(foreign_key="score_criterion.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="cluster_member.id", index=True, ondelete="CASCADE")
    round: str = Field(max_length=16)
    target: float | None = None
    value: float | None = None
    not_assigned: bool = False
    evidence_sha256: str | None = Field(default=None, max_length=64)
    evidence_name: str | None = Field(default=None, max_length=255)
    evidence_number: str | None = Field(default=None, max_length=64)
    evidence_date: date | None = None
    comment: str | None = Field(default=None, sa_column=Column(SAText))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
