"""The database tables (SQLModel) and the enumerations stored in them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint, event, text
from sqlalchemy import Text as SAText
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel

import tdkt.core.clock  # noqa: F401  (for its effect: the process's day is Vietnam's)
from tdkt.core.text import collective_order, name_order

# `text.name_order` of a name, kept beside it (ORM events below; db.bulk_insert_rows for the driver-speed
# inserts, from the column's info): the database orders Hồ sơ đề nghị's 100k names. Compared code point by code point:
# PostgreSQL's column collation is "C", whatever the database's; SQLite compares text so by default.
NAME_ORDER = SAText().with_variant(SAText(collation="C"), "postgresql")


def utcnow() -> datetime:
    """Return the current time, timezone-aware (sqlmodel rejects naive datetimes)."""
    return datetime.now(UTC)


class Role(StrEnum):
    """User roles; the value is stored, the label is shown."""

    LANH_DAO = "lanh_dao"
    VAN_PHONG = "van_phong"
    DON_VI = "don_vi"
    QUAN_TRI = "quan_tri"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LANH_DAO: "Lãnh đạo",
    Role.VAN_PHONG: "Văn phòng",
    Role.DON_VI: "Đơn vị",
    Role.QUAN_TRI: "Quản trị",
}


class UnitKind(StrEnum):
    """Kinds of unit inside the department."""

    LANH_DAO = "lanh_dao"
    PHONG = "phong"
    TRUC_THUOC = "truc_thuoc"
    DOAN_THE = "doan_the"
    HOI_DONG = "hoi_dong"
    NHOM = "nhom"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.LANH_DAO: "Lãnh đạo Sở",
    UnitKind.PHONG: "Phòng chuyên môn",
    UnitKind.TRUC_THUOC: "Đơn vị trực thuộc",
    UnitKind.DOAN_THE: "Tổ chức đoàn thể",
    UnitKind.HOI_DONG: "Hội đồng",
    UnitKind.NHOM: "Nhóm đơn vị",
}


class TaskStatus(StrEnum):
    """Stored status of a plan task; "Quá hạn" is derived, never stored."""

    CHUA = "chua_thuc_hien"
    DANG = "dang_thuc_hien"
    XONG = "hoan_thanh"
    KHONG = "khong_thuc_hien"

    @property
    def label(self) -> str:
        return TASK_STATUS_LABELS[self]


TASK_STATUS_LABELS = {
    TaskStatus.CHUA: "Chưa thực hiện",
    TaskStatus.DANG: "Đang thực hiện",
    TaskStatus.XONG: "Hoàn thành",
    TaskStatus.KHONG: "Không thực hiện",
}
OVERDUE_LABEL = "Quá hạn"


class NominationStatus(StrEnum):
    """A nomination's path: Đề nghị → Hội đồng đã xét → Đã trình cấp trên → Có quyết định / Không được duyệt."""

    DE_NGHI = "de_nghi"
    HOI_DONG = "hoi_dong_da_xet"
    DA_TRINH = "da_trinh"
    CO_QUYET_DINH = "co_quyet_dinh"
    KHONG_DUYET = "khong_duoc_duyet"

    @property
    def label(self) -> str:
        return NOMINATION_STATUS_LABELS[self]


NOMINATION_STATUS_LABELS = {
    NominationStatus.DE_NGHI: "Đề nghị",
    NominationStatus.HOI_DONG: "Hội đồng đã xét",
    NominationStatus.DA_TRINH: "Đã trình cấp trên",
    NominationStatus.CO_QUYET_DINH: "Có quyết định",
    NominationStatus.KHONG_DUYET: "Không được duyệt",
}


class Target(StrEnum):
    """Who an award is for."""

    CA_NHAN = "ca_nhan"
    TAP_THE = "tap_the"
    HO_GIA_DINH = "ho_gia_dinh"

    @property
    def label(self) -> str:
        return TARGET_LABELS[self]


TARGET_LABELS = {Target.CA_NHAN: "Cá nhân", Target.TAP_THE: "Tập thể", Target.HO_GIA_DINH: "Hộ gia đình"}


class Unit(SQLModel, table=True):
    """A phòng, đơn vị trực thuộc, organisation or council of the department (or a named group of them)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=255)
    short_name: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=32)
    position: int = 0
    active: bool = True


class User(SQLModel, table=True):
    """A person who signs in."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=255)
    role: str = Field(max_length=16)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    password_hash: str = Field(max_length=255)
    must_change_password: bool = True
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class AuthSession(SQLModel, table=True):
    """One sign-in: the token in the browser's cookie names it; signing out revokes it."""

    __tablename__ = "auth_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    # Why it ended (`auth.END_REASONS`): the sign-in page tells a browser whose session was ended elsewhere why.
    ended_reason: str | None = Field(default=None, max_length=32)


class SignInFailure(SQLModel, table=True):
    """A sign-in refused for a wrong password or an unknown name: the failures of an account, or of a client address
    across accounts, within a window make it wait (`tdkt.core.throttle`); kept here so every app process sees them."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_username_at", "username", "at"),
                      Index("ix_sign_in_failure_address_at", "address", "at"))
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(max_length=64)  # as tried (trimmed, lower case), whether or not such an account exists
    address: str | None = Field(default=None, max_length=64)  # the client's; None when unknown (a local connection)
    # A successful sign-in or the admin clears an account's count; the admin clears an address's.
    account_cleared: bool = False
    address_cleared: bool = False


class AuditLog(SQLModel, table=True):
    """Who did what, when, with the record before and after (JSON); appended only, chained by `tdkt.core.audit_chain`
    (seq, prev_hash and hash are set at commit, under the chain's lock)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True, unique=True)  # 1, 2, 3… without gaps: a missing number is a deleted entry
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    username: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str | None = Field(default=None, max_length=64)
    summary: str = Field(sa_column=Column(SAText, nullable=False))
    before: str | None = Field(default=None, sa_column=Column(SAText))
    after: str | None = Field(default=None, sa_column=Column(SAText))
    prev_hash: str = Field(max_length=64)  # the hash of entry seq - 1 (64 zeros for the first)
    hash: str = Field(max_length=64)  # SHA-256 of this entry's content and prev_hash


class AuditChainHead(SQLModel, table=True):
    """The chain's last entry as the app wrote it (one row): entries deleted at the end of the log show against it."""

    __tablename__ = "audit_chain_head"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)
    entry_id: int | None = None


class DataVersion(SQLModel, table=True):
    """The one row whose number every write transaction raises (`db.write_session`): read caches key results by it
    (`tdkt.core.read_cache`); `instance` is drawn when the database is created, telling apart two made at one URL."""

    __tablename__ = "data_version"
    id: int | None = Field(default=None, primary_key=True)
    version: int = 0
    instance: str = Field(max_length=32)


class NominationTally(SQLModel, table=True):
    """How many nominations there are per achievement year, award, target, category and step, kept in step with every
    write by `tdkt.core.tally` (category "" for none): the statistics read these few thousand rows, not the year's."""

    __tablename__ = "nomination_tally"
    year: int = Field(primary_key=True)
    award_id: int = Field(primary_key=True)
    target: str = Field(primary_key=True, max_length=16)
    category: str = Field(default="", primary_key=True, max_length=255)
    status: str = Field(primary_key=True, max_length=32)
    n: int = 0


class UnitTally(SQLModel, table=True):
    """How many nominations there are per achievement year, unit (0 for none) and step, kept in step like
    `NominationTally`: a year's counts by unit read a few thousand rows, not the year's."""

    __tablename__ = "unit_tally"
    year: int = Field(primary_key=True)
    unit_id: int = Field(default=0, primary_key=True)
    status: str = Field(primary_key=True, max_length=32)
    n: int = 0


class DecisionTally(SQLModel, table=True):
    """How many decided nominations there are per achievement year, award, target and decision date (the award money
    depends on the base salary of the decision's date), kept in step like `NominationTally`."""

    __tablename__ = "decision_tally"
    year: int = Field(primary_key=True)
    award_id: int = Field(primary_key=True)
    target: str = Field(primary_key=True, max_length=16)
    decision_date: date = Field(primary_key=True)
    n: int = 0


class GenderTally(SQLModel, table=True):
    """How many individual nominations there are per achievement year, award, step and the person's gender ("" for
    none), kept in step like `NominationTally` and with every edit of a person's gender."""

    __tablename__ = "gender_tally"
    year: int = Field(primary_key=True)
    award_id: int = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=32)
    gender: str = Field(default="", primary_key=True, max_length=16)
    n: int = 0


class CollectiveTally(SQLModel, table=True):
    """How many collective nominations there are per achievement year, award, step and collective name ("" for none),
    with the unit for a collective without a name (0 otherwise), kept in step like `NominationTally`: the share of
    small collectives reads a name, or an unnamed collective's unit kind, per row."""

    __tablename__ = "collective_tally"
    year: int = Field(primary_key=True)
    award_id: int = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", primary_key=True, max_length=255)
    unit_id: int = Field(default=0, primary_key=True)
    n: int = 0


class Plan(SQLModel, table=True):
    """The department's yearly TĐKT plan (kế hoạch) with the header the document prints."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    number: str | None = Field(default=None, max_length=32)
    symbol: str = Field(default="KH-SCT", max_length=32)
    issued_on: date | None = None
    place: str | None = Field(default=None, max_length=64)
    title: str = Field(max_length=500)
    signer: str | None = Field(default=None, max_length=255)
    signer_title: str | None = Field(default=None, max_length=255)
    dossier_deadline: date | None = None


class PlanTask(SQLModel, table=True):
    """One task of a plan, in its quarter, with its number as printed."""

    __tablename__ = "plan_task"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: int
    number: int
    position: int = 0
    content: str = Field(sa_column=Column(SAText, nullable=False))
    due_on: date
    status: str = Field(default=TaskStatus.CHUA, max_length=32)
    completed_on: date | None = None
    evidence: str | None = Field(default=None, max_length=255)
    note: str | None = Field(default=None, sa_column=Column(SAText))
    updated_at: datetime = Field(default_factory=utcnow)


class PlanTaskUnit(SQLModel, table=True):
    """A responsible unit of a task, with the label as the plan prints it."""

    __tablename__ = "plan_task_unit"
    __table_args__ = (UniqueConstraint("task_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="plan_task.id", index=True, ondelete="CASCADE")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    label: str = Field(max_length=255)
    position: int = 0


class Award(SQLModel, table=True):
    """A danh hiệu thi đua or hình thức khen thưởng of the catalogue."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(unique=True, max_length=255)
    kind: str = Field(max_length=16)
    level: str = Field(max_length=16)
    targets: str = Field(max_length=64)
    merit_type: str = Field(default="cong_trang", max_length=16)
    legal_basis: str = Field(default="", sa_column=Column(SAText, nullable=False))
    multiplier_individual: float | None = None
    multiplier_collective: float | None = None
    national_code: str | None = Field(default=None, max_length=32)
    national_name: str | None = Field(default=None, max_length=255)
    is_common: bool = False
    position: int = 0


class AwardAlias(SQLModel, table=True):
    """Another way an award is written (abbreviation, national name), matched accent-insensitively."""

    __tablename__ = "award_alias"
    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True, ondelete="CASCADE")
    alias: str = Field(max_length=255)
    folded: str = Field(unique=True, max_length=255)


class Cluster(SQLModel, table=True):
    """An emulation cluster (cụm thi đua) in one year, or the internal covenant."""

    __table_args__ = (UniqueConstraint("year", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=255)
    level: str = Field(max_length=64)


class ClusterMember(SQLModel, table=True):
    """An agency in a cluster for a year, with its role; is_us marks the department itself."""

    __tablename__ = "cluster_member"
    __table_args__ = (UniqueConstraint("cluster_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=255)
    role: str = Field(default="thanh_vien", max_length=16)
    is_us: bool = False


class ClusterEvent(SQLModel, table=True):
    """A cluster activity with a due date: covenant signing, six-month report, year-end report, scoring…"""

    __tablename__ = "cluster_event"
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    title: str = Field(max_length=255)
    due_on: date
    scored: bool = False
    task_id: int | None = Field(default=None, foreign_key="plan_task.id")


class Participation(SQLModel, table=True):
    """What one member did for one event: date done and document, score, or not applicable."""

    __table_args__ = (UniqueConstraint("event_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="cluster_event.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="cluster_member.id", index=True, ondelete="CASCADE")
    done_on: date | None = None
    document: str | None = Field(default=None, max_length=255)
    score: float | None = None
    not_applicable: bool = False


class ImportBatch(SQLModel, table=True):
    """One imported file: all of its rows or none, undoable as a whole."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    rows: int = 0
    status: str = Field(default="da_nhap", max_length=16)
    year: int | None = None
    sheets: str | None = Field(default=None, max_length=500)
    warnings: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    people_added: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    undone_at: datetime | None = None
    undone_by: int | None = Field(default=None, foreign_key="app_user.id")
    # What the file held: "de_nghi" (a nomination list) or one of RECORD_KINDS (ratings, discipline, past awards,
    # initiatives); each kind has its own history and undo.
    kind: str = Field(default="de_nghi", max_length=16, sa_column_kwargs={"server_default": "de_nghi"})


class Person(SQLModel, table=True):
    """An individual who can be nominated; name_key matches the same person across years."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=255)
    name_key: str = Field(max_length=255, index=True)
    gender: str | None = Field(default=None, max_length=8)
    birth_year: int | None = None
    position: str | None = Field(default=None, max_length=255)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    category: str | None = Field(default=None, max_length=255)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    # Honorifics, ranks and degrees written before the name ("Đại tá", "PGS.TS."), split off by
    # `tdkt.core.honorifics` so that full_name and name_key are the bare name; lists and documents print it.
    title: str | None = Field(default=None, max_length=64)
    name_order: str | None = Field(default=None, exclude=True, sa_type=NAME_ORDER,
                                   sa_column_kwargs={"info": {"derived": ("full_name", name_order)}})


_UNDATED = text("status = 'co_quyet_dinh' AND decision_date IS NULL")


class Nomination(SQLModel, table=True):
    """A proposal (đề nghị) of one award for one person, collective or household, for one year's achievements."""

    # Reviews count the decisions of a period: status first, so the index serves "decided between two dates".
    # The decided ones without a date (none, or few) by year: the award money reads them (migration 0021).
    __table_args__ = (Index("ix_nomination_status_decision_date", "status", "decision_date"),
                      Index("ix_nomination_undated_decisions", "year", sqlite_where=_UNDATED,
                            postgresql_where=_UNDATED))

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    target: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    collective_name: str | None = Field(default=None, max_length=255)
    # The collective's or household's name in `text.collective_order`, as written (an individual's is the person's,
    # Person.name_order). Only those nominations have a collective_name (every write path), so the key needs no target.
    name_order: str | None = Field(default=None, exclude=True, sa_type=NAME_ORDER,
                                   sa_column_kwargs={"info": {"derived": ("collective_name", collective_order)}})
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    category: str | None = Field(default=None, max_length=255)
    achievements: str | None = Field(default=None, sa_column=Column(SAText))
    # ix_nomination_status_decision_date leads with it
    status: str = Field(default=NominationStatus.DE_NGHI, max_length=32)
    received_on: date | None = Field(default=None, index=True)
    votes_for: int | None = None
    council_members: int | None = None
    submitted_on: date | None = None
    decision_number: str | None = Field(default=None, max_length=64)
    decision_date: date | None = None
    decision_authority: str | None = Field(default=None, max_length=255)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    position: str | None = Field(default=None, max_length=255)
    unit_text: str | None = Field(default=None, max_length=255)
    source_sheet: str | None = Field(default=None, max_length=255)
    source_row: int | None = None


class Setting(SQLModel, table=True):
    """A configurable value (base salary, dossier deadline, demo flag…), stored as JSON text."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(SAText, nullable=False))


class Movement(SQLModel, table=True):
    """An emulation movement (phong trào thi đua) of a year: launched, carried out, then closed with its results."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    name: str = Field(max_length=500)
    kind: str = Field(max_length=32)
    document: str | None = Field(default=None, max_length=255)
    launched_on: date | None = None
    start_on: date | None = None
    end_on: date | None = None
    launched_by: str | None = Field(default=None, max_length=255)
    goals: str | None = Field(default=None, sa_column=Column(SAText))
    results: str | None = Field(default=None, sa_column=Column(SAText))
    closed_on: date | None = None
    closing_document: str | None = Field(default=None, max_length=255)
    task_id: int | None = Field(default=None, foreign_key="plan_task.id")
    created_at: datetime = Field(default_factory=utcnow)


class MovementUnit(SQLModel, table=True):
    """A unit of the department taking part in a movement."""

    __tablename__ = "movement_unit"
    __table_args__ = (UniqueConstraint("movement_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    movement_id: int = Field(foreign_key="movement.id", index=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id")


class Rating(StrEnum):
    """A yearly assessment (đánh giá, xếp loại) of a cadre, civil servant, employee or collective."""

    HTXSNV = "HTXSNV"
    HTTNV = "HTTNV"
    HTNV = "HTNV"
    KHTNV = "KHTNV"

    @property
    def label(self) -> str:
        return RATING_LABELS[self]


RATING_LABELS = {
    Rating.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.HTTNV: "Hoàn thành tốt nhiệm vụ",
    Rating.HTNV: "Hoàn thành nhiệm vụ",
    Rating.KHTNV: "Không hoàn thành nhiệm vụ",
}

# Disciplinary measures, mildest first (same keys as tdkt.awards.rules.case.LEVELS).
DISCIPLINE_LABELS = {
    "khien_trach": "Khiển trách",
    "canh_cao": "Cảnh cáo",
    "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức",
    "cach_chuc": "Cách chức",
    "buoc_thoi_viec": "Buộc thôi việc",
}
MERIT_KIND_LABELS = {"cong_trang": "Công trạng", "dot_xuat": "Đột xuất", "chuyen_de": "Theo chuyên đề"}
SCOPE_LABELS = {"co_so": "Cơ sở", "tinh": "Cấp tỉnh", "toan_quoc": "Toàn quốc"}
RECORD_KINDS = {"xep_loai": "Kết quả xếp loại", "ky_luat": "Kỷ luật", "khen_truoc": "Khen thưởng các năm trước",
                "sang_kien": "Sáng kiến"}


class SubjectRecord(SQLModel):
    """Who a record is about: a person (person_id), or a collective (its name, folded key and unit)."""

    target: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    collective_name: str | None = Field(default=None, max_length=255)
    collective_key: str | None = Field(default=None, max_length=255, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    note: str | None = Field(default=None, max_length=500)


class Assessment(SubjectRecord, table=True):
    """One year's rating (xếp loại) of a person or a collective; at most one per subject and year (kept by tdkt)."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    rating: str = Field(max_length=8)


class DisciplineRecord(SubjectRecord, table=True):
    """A disciplinary measure taken in a year, or an open examination or investigation (open=True)."""

    __tablename__ = "discipline"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    level: str | None = Field(default=None, max_length=32)
    open: bool = False
    decided_on: date | None = None
    document: str | None = Field(default=None, max_length=255)


class PastAward(SubjectRecord, table=True):
    """An award received outside the app's nominations (years before it was used, or decided elsewhere)."""

    __tablename__ = "past_award"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    kind: str = Field(default="cong_trang", max_length=16)
    decision_number: str | None = Field(default=None, max_length=64)
    decision_date: date | None = None
    decision_authority: str | None = Field(default=None, max_length=255)


class InitiativeRecord(SQLModel, table=True):
    """A recognised initiative (sáng kiến) or science work: title, scope, recognition decision; authors apart."""

    __tablename__ = "initiative"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    title: str = Field(max_length=500)
    scope: str = Field(max_length=16)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    decision_number: str | None = Field(default=None, max_length=64)
    decision_date: date | None = None
    decision_authority: str | None = Field(default=None, max_length=255)
    # The award the initiative was already counted for: an initiative counts once (Công văn 5007/BNV-TĐKT).
    used_for_award_id: int | None = Field(default=None, foreign_key="award.id")
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    note: str | None = Field(default=None, max_length=500)


class InitiativeAuthor(SQLModel, table=True):
    """An author of an initiative (a person of the department)."""

    __tablename__ = "initiative_author"
    __table_args__ = (UniqueConstraint("initiative_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)


class CertificateLayout(SQLModel, table=True):
    """Where the text of one kind of certificate goes on the Office's pre-printed blank (issue #17): per field a box
    in millimetres (JSON), a shift of the whole page for the printer, and the signer printed; calibrated once."""

    __tablename__ = "certificate_layout"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(unique=True, max_length=32)  # giay_khen, giay_chung_nhan
    fields: str = Field(sa_column=Column(SAText, nullable=False))  # {"name": {"x", "y", "w", "size"}, …}
    shift_x: float = 0.0
    shift_y: float = 0.0
    signer_title: str = Field(default="", max_length=255)
    signer_name: str = Field(default="", max_length=255)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")


def _keeps_name_order(model: type[SQLModel], source: str,
                      key: Callable[[str | None], str | None] = name_order) -> None:
    """Set `model.name_order` to `key` of its `source` name at every ORM insert, and at an update that changes the
    name."""
    def inserted(_mapper, _connection, target) -> None:
        target.name_order = key(getattr(target, source))

    def updated(_mapper, _connection, target) -> None:
        if sa_inspect(target).attrs[source].history.has_changes():
            target.name_order = key(getattr(target, source))

    event.listen(model, "before_insert", inserted)
    event.listen(model, "before_update", updated)


_keeps_name_order(Person, "full_name")
_keeps_name_order(Nomination, "collective_name", collective_order)
