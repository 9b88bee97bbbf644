"""The refusal matrix's world and its writes: two units with their people, nominations, records, batches and
tasks, one account of each unit, and every `tdkt` function that checks a permission, called with valid arguments.

`WRITES` names each guarded function and how to call it on one unit's rows ("own": the unit account's unit; "other":
another unit's, or, for an initiative, the own unit with a co-author of the other). tests/test_refusals.py fails when
a function that calls `permissions.require…` is missing here, so a new write comes with its refusals tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from tdkt.awards import checklist, dossier_moves, dossiers, eligibility, nominations, personal_records
from tdkt.awards.nomination_rows import Record
from tdkt.awards.rules.case import LocalPolicy
from tdkt.clusters import cluster_writes, cluster_years, movements, task_links
from tdkt.core import auth, backup, options, throttle, units
from tdkt.core.config import Settings
from tdkt.core.db import make_engine, write_session
from tdkt.core.file_store import FileStore
from tdkt.core.models import (
    Assessment,
    Award,
    Cluster,
    ClusterMember,
    ImportBatch,
    Nomination,
    NominationStatus,
    Person,
    PlanTask,
    Role,
    TaskStatus,
    Unit,
    User,
)
from tdkt.core.permissions import COMMAND_LINE, SYSTEM, Actor
from tdkt.core.scoring_tables import ScoreCriterion, ScoreGroup
from tdkt.core.text import fold
from tdkt.council import meetings as council_meetings
from tdkt.council import members as council_members
from tdkt.council import outcomes as council_outcomes
from tdkt.council import sheet_tally as council_sheet_tally
from tdkt.council import tallies as council_tallies
from tdkt.documents import certificate_layout, certificates, drafts, register, templates
from tdkt.documents.builtin import builtin_template
from tdkt.importing import cluster_sheets, registration_sheets
from tdkt.importing.nomination_lists import commit
from tdkt.importing.record_lists import record_batches
from tdkt.importing.record_lists.record_rows import RecordReport, RecordRow
from tdkt.plan import plan
from tdkt.registrations import registrations
from tdkt.reports import council_papers
from tdkt.scoring import entries as scoring_entries
from tdkt.scoring import proposals as scoring_proposals
from tdkt.scoring import rounds as scoring_rounds
from tdkt.scoring import sheet_writes as scoring_sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import DIEM, DINH_TINH
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec
from tdkt.submissions import attachments, deadlines, reminders, submissions

OTHER_UNIT = "Văn phòng Sở"
TODAY = date(2024, 12, 31)  # every date the writes are given lies in 2024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# An SMTP server is configured, so that sending reaches the check; no unit has an address, so nothing is sent.
MAIL = replace(Settings(), smtp_host="127.0.0.1", smtp_from="tdkt@example.vn")


@dataclass(frozen=True)
class Side:
    """One unit's rows: its person and a second one, a nomination (with a document), a rating, a nomination batch
    and a rating batch its own account imported, and a plan task of its own."""

    unit: int
    unit_name: str
    account: Actor
    person: int
    author: int
    nomination: int
    rating: int
    batch: int
    record_batch: int
    task: int
    attachment: int


@dataclass(frozen=True)
class World:
    """What the writes act on: the seeded accounts by role, both units' rows, a cluster with a member and an event,
    a launched movement, the leadership account (to edit, with a wrong password counted), both units' 2023 dossiers
    submitted and the Office's dossier checklist of 2023."""

    engine: Engine
    actors: dict[str, Actor]
    own: Side
    other: Side
    award: int
    cluster: int
    member: int
    event: int
    movement: int
    user: int
    store: FileStore

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _person(session: Session, name: str, unit_id: int, birth_year: int, batch_id: int | None = None) -> int:
    person = Person(full_name=name, name_key=fold(name), birth_year=birth_year, unit_id=unit_id, batch_id=batch_id)
    session.add(person)
    session.flush()
    return person.id


def _batch(session: Session, account: Actor, kind: str) -> ImportBatch:
    batch = ImportBatch(file_name=f"{kind}.xlsx", sha256=f"{kind}{account.id}".ljust(64, "0"), user_id=account.id,
                        rows=1, year=2024, kind=kind, people_added=int(kind == "de_nghi"))
    session.add(batch)
    session.flush()
    return batch


def _side(session: Session, unit: Unit, account: Actor, names: tuple[str, str, str], award: int,
          store: FileStore) -> Side:
    person, author = _person(session, names[0], unit.id, 1980), _person(session, names[1], unit.id, 1985)
    nomination = Nomination(year=2024, target="ca_nhan", person_id=person, unit_id=unit.id, award_id=award,
                            status=NominationStatus.DE_NGHI.value)
    session.add(nomination)
    rating = personal_records.set_rating(session, COMMAND_LINE, personal_records.Subject("ca_nhan", person_id=person),
                                         year=2023, rating="HTTNV")
    batch = _batch(session, account, "de_nghi")
    added = _person(session, names[2], unit.id, 1990, batch.id)
    session.add(Nomination(year=2024, target="ca_nhan", person_id=added, unit_id=unit.id, award_id=award,
                           batch_id=batch.id))
    record_batch = _batch(session, account, "xep_loai")
    session.add(Assessment(target="ca_nhan", person_id=author, unit_id=unit.id, year=2022, rating="HTNV",
                           batch_id=record_batch.id))
    task = plan.add_task(session, COMMAND_LINE, year=2024, quarter=2, content=f"Báo cáo của {unit.name}.",
                         units=[unit.name])
    session.flush()
    document = attachments.add(session, COMMAND_LINE, store, stream=BytesIO(PDF), file_name="to_trinh.pdf",
                               kind="to_trinh", limit=len(PDF), nomination_id=nomination.id)
    return Side(unit=unit.id, unit_name=unit.name, account=account, person=person, author=author,
                nomination=nomination.id, rating=rating.id, batch=batch.id, record_batch=record_batch.id, task=task.id,
                attachment=document.id)


def build(engine: Engine, files: Path) -> World:
    """Add both units' rows, a member, an event and a movement to a seeded database (documents in a store in
    `files`); return what the writes need."""
    store = FileStore(files)
    with write_session(engine) as session:
        actors = {u.role: Actor.of(u) for u in session.exec(select(User)).all()}
        award = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        own_unit = session.get(Unit, actors["don_vi"].unit_id)
        other_unit = session.exec(select(Unit).where(Unit.name == OTHER_UNIT)).one()
        stranger, _ = auth.create_user(session, SYSTEM, username="donvi.vanphong", display_name="Cán bộ Văn phòng",
                                       role=Role.DON_VI, unit_id=other_unit.id)
        own = _side(session, own_unit, actors["don_vi"], ("Nguyễn Văn An", "Lê Thị Bình", "Phạm Văn Nhập"), award,
                    store)
        other = _side(session, other_unit, Actor.of(stranger), ("Trần Văn Cường", "Đỗ Thị Dung", "Vũ Văn Lô"), award,
                      store)
        cluster = session.exec(select(Cluster.id).where(Cluster.year == 2024).order_by(Cluster.id)).first()
        member = cluster_writes.add_member(session, COMMAND_LINE, cluster_id=cluster, name="Sở Y tế").id
        event = cluster_writes.add_event(session, COMMAND_LINE, cluster_id=cluster, kind="hoi_nghi",
                                         due_on=date(2024, 6, 30), auto_link=False).id
        movement = movements.add_movement(session, COMMAND_LINE, year=2024, name="Thi đua chuyển đổi số",
                                          kind="chuyen_de", launched_on=date(2024, 3, 1), auto_link=False,
                                          today=TODAY).id
        throttle.record_failure(session, username="lanhdao", address=None, limits=throttle.Limits())
        for side in (own, other):
            submissions.submit(session, side.account, year=2023, today=date(2024, 1, 10))
        checklist.set_requirement(session, COMMAND_LINE, year=2023, award_id=award, kinds=["to_trinh"])
        register.record_generated(session, COMMAND_LINE, year=2023, kind="quyet_dinh", filename="quyet_dinh.pdf",
                                  content=PDF + b"%generated", store=store)  # a generated document the backup carries
        return World(engine=engine, actors=actors, own=own, other=other, award=award, cluster=cluster, member=member,
                     event=event, movement=movement, user=actors["lanh_dao"].id, store=store)


Call = Callable[[Session, Actor | None, World, str], Any]


def _entry(w: World, side: str, name: str = "Phạm Thị Mới", birth_year: int = 1990) -> nominations.NominationInput:
    return nominations.NominationInput(year=2024, target="ca_nhan", name=name, award="Lao động tiên tiến",
                                       gender="Nữ", birth_year=birth_year, unit=w.side(side).unit_name)


def _edit(s: Session, a: Actor | None, w: World, side: str):
    person = s.get(Person, w.side(side).person)
    return nominations.edit(s, a, nomination_id=w.side(side).nomination,
                            data=_entry(w, side, person.full_name, person.birth_year))


def _claimed(w: World, side: str) -> personal_records.Subject:
    """The side's person, claimed to be of the own unit (the claim a page could forge)."""
    return personal_records.Subject("ca_nhan", person_id=w.side(side).person, unit_id=w.own.unit)


def _initiative(s: Session, a: Actor | None, w: World, side: str):
    authors = [w.own.person, w.side(side).author]  # "other": an own unit's initiative with another unit's co-author
    return personal_records.add_initiative(s, a, year=2024, title="Số hóa sổ thi đua", scope="co_so",
                                           author_ids=authors, unit_id=w.own.unit)


def _list_row(w: World, side: str) -> Record:
    unit = w.side(side)
    record = Record(sheet="DS", row=5, target="ca_nhan", name="Hoàng Văn Mới", gender="Nam", birth_year=1988,
                    position=None, unit=unit.unit_name, award="Lao động tiên tiến", category=None, award_id=w.award,
                    unit_id=unit.unit, name_key="hoang van moi")
    return record


def _record_report(w: World, side: str) -> RecordReport:
    unit = w.side(side)
    return RecordReport(kind="xep_loai", file="xep_loai_moi.xlsx", sha256=f"moi{side}".ljust(64, "0"), rows=[
        RecordRow(sheet="XL", row=5, target="ca_nhan", name="Lê Văn Xếp", name_key="le van xep", birth_year=1984,
                  unit_id=unit.unit, unit=unit.unit_name, year=2024, rating="HTTNV")])


def _edit_task(s: Session, a: Actor | None, w: World, side: str):
    task = s.get(PlanTask, w.side(side).task)
    return plan.edit_task(s, a, task_id=task.id, quarter=task.quarter, number=task.number, content="Báo cáo quý.",
                          units=[w.side(side).unit_name], due_on=task.due_on)


def _update_unit(s: Session, a: Actor | None, w: World, side: str):
    unit = s.get(Unit, w.side(side).unit)
    return units.update(s, a, unit_id=unit.id, name=unit.name, kind=unit.kind, short_name="Thử", active=True)


def _update_cluster(s: Session, a: Actor | None, w: World, side: str):
    cluster = s.get(Cluster, w.cluster)
    return cluster_writes.update_cluster(s, a, cluster_id=cluster.id, code=cluster.code, name="Cụm đổi tên",
                                         level=cluster.level)


def _restore(s: Session, a: Actor | None, w: World, side: str) -> None:
    """Restore the world's backup into a new database beside it: the world's own is left as it is."""
    saved = BytesIO()
    backup.create(s, SYSTEM, saved, store=w.store)
    saved.seek(0)
    target = make_engine(f"sqlite:///{w.store.root / f'khoi_phuc_{side}_{a.username if a else 0}.db'}")
    try:
        backup.restore(target, a, saved, store=FileStore(w.store.root / "khoi_phuc"))
    finally:
        target.dispose()


def _certificate(s: Session, a: Actor | None, w: World, side: str, record: FileStore | None = None):
    """Render the side's nomination's Giấy khen once it has a decision (with `record`: also keep it in the register)."""
    n = s.get(Nomination, w.side(side).nomination)
    n.award_id = s.exec(select(Award.id).where(Award.code == "GK_GD_SO")).one()
    n.status, n.decision_number, n.decision_date = NominationStatus.CO_QUYET_DINH, "12/QĐ-SCT", date(2024, 12, 20)
    n.decision_authority = "Giám đốc Sở Công Thương"
    s.add(n)
    s.flush()
    if record is None:
        return certificates.render_certificates(s, actor=a, year=2024, kind="giay-khen", nomination_id=n.id,
                                                settings=Settings())
    return certificates.print_and_record(s, actor=a, year=2024, kind="giay-khen", nomination_id=n.id,
                                         settings=Settings(), store=record)


def _registration(w: World, side: str) -> registrations.RegistrationInput:
    """Return a registration of the side's unit for 2025: an individual for Lao động tiên tiến."""
    return registrations.RegistrationInput(year=2025, target="ca_nhan", award="Lao động tiên tiến",
                                           name="Phạm Văn Đăng", unit=w.side(side).unit_name)


def _registered(s: Session, w: World, side: str) -> int:
    """Register the side's unit once (by the Office); return the registration's id."""
    return registrations.add(s, COMMAND_LINE, _registration(w, side), today=TODAY).id


def _movement() -> dict:
    """Return update_movement's fields: the world's movement as registered, with goals."""
    return {"name": "Thi đua chuyển đổi số", "kind": "chuyen_de", "document": None, "launched_on": date(2024, 3, 1),
            "start_on": None, "end_on": None, "launched_by": None, "goals": "Số hóa hồ sơ.", "unit_ids": [],
            "task_id": None, "today": TODAY}


def _council_sheet(rows: list[list]) -> bytes:
    """Return a one-sheet .xlsx holding `rows` (the first is the header)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _council(s: Session, w: World, side: str, *, votes: int | None = None) -> int:
    """Give 2030 a council of three, its first meeting and a CSTĐCS nomination of the side's person (with `votes`
    recorded), written by the command line; return the nomination's id."""
    council_members.replace_members(s, COMMAND_LINE, year=2030, given=[
        council_members.MemberInput("Chủ Tịch Thử", "chu_tich"), council_members.MemberInput("Ủy Viên Một", "uy_vien"),
        council_members.MemberInput("Ủy Viên Hai", "uy_vien")])
    council_meetings.save_meeting(s, COMMAND_LINE, year=2030, round_no=1, meeting_date=date(2031, 1, 15))
    award = s.exec(select(Award.id).where(Award.code == "CSTDCS")).one()
    n = Nomination(year=2030, target="ca_nhan", person_id=w.side(side).person, unit_id=w.side(side).unit,
                   award_id=award)
    s.add(n)
    s.flush()
    if votes is not None:
        council_tallies.record(s, COMMAND_LINE, year=2030, round_no=1, votes={n.id: votes})
    return n.id


def _council_tally(s: Session, a: Actor | None, w: World, side: str):
    n = _council(s, w, side)
    name = s.get(Person, w.side(side).person).full_name
    return council_sheet_tally.tally_from_sheet(s, a, _council_sheet(
        [["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], [name, "Chiến sĩ thi đua cơ sở", 3]]), file_name="phieu.xlsx",
        settings=Settings(), year=2030) if n else None


SCORE_GROUP = "I. Thực hiện nhiệm vụ chuyên môn"
SCORE_SHEET = SheetSpec(groups=(GroupSpec(SCORE_GROUP, 100.0),), criteria=(
    CriterionSpec(SCORE_GROUP, "1", "Kết quả thực hiện nhiệm vụ", 100.0, DINH_TINH, DIEM),), total_points=100.0)


def _score_sheet(s: Session, w: World, *, scored: bool = False, published: bool = False) -> tuple[int, int, str]:
    """Give the world's cluster a one-criterion sheet, written by the command line (with `scored`: us as cụm trưởng,
    both members self-scored; `published`: the results published); return (sheet id, criterion id, cluster code)."""
    cluster = s.get(Cluster, w.cluster)
    sheet = scoring_sheets.save_sheet(s, COMMAND_LINE, cluster_id=cluster.id, spec=SCORE_SHEET)
    criterion = s.exec(select(ScoreCriterion.id).join(ScoreGroup, ScoreCriterion.group_id == ScoreGroup.id)
                       .where(ScoreGroup.sheet_id == sheet.id)).one()
    if scored:
        us = s.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id, ClusterMember.is_us)).one()
        cluster_writes.update_member(s, COMMAND_LINE, member_id=us.id, name=us.name, role="cum_truong", is_us=True)
        scoring_entries.record_entries(s, COMMAND_LINE, [
            EntryInput(m, criterion, v, evidence_number="1/BC", evidence_date=date(2024, 11, 20))
            for m, v in ((us.id, 95.0), (w.member, 90.0))], round="tu_cham", reason="Tự chấm", today=TODAY)
    if published:
        scoring_rounds.publish(s, COMMAND_LINE, sheet_id=sheet.id, today=TODAY)
    return sheet.id, criterion, cluster.code


def _copy_sheet(s: Session, a: Actor | None, w: World, side: str):
    """Copy the world's cluster's 2024 sheet into the same cluster code of 2032."""
    _, _, code = _score_sheet(s, w)
    later = cluster_writes.add_cluster(s, COMMAND_LINE, year=2032, code=code, name="Cụm năm sau")
    return scoring_sheets.copy_previous(s, a, cluster_id=later.id)


def _score(w: World, criterion: int) -> EntryInput:
    return EntryInput(w.member, criterion, 80.0, evidence_number="2/BC", evidence_date=date(2024, 11, 25))



WRITES: dict[str, tuple[str, Call]] = {
    # name: (the permission it needs, how to call it)
    "tdkt.awards.dossiers.advance": ("xu_ly_ho_so", lambda s, a, w, side: dossiers.advance(
        s, a, nomination_ids=[w.side(side).nomination], to=NominationStatus.HOI_DONG, votes_for=5, council_members=7,
        today=TODAY)),
    "tdkt.awards.dossier_moves.move": ("xu_ly_ho_so", lambda s, a, w, side: dossier_moves.move(
        s, a, nomination_ids=[w.side(side).nomination], to=NominationStatus.HOI_DONG,
        votes={w.side(side).nomination: 6}, council_members=7, today=TODAY)),
    "tdkt.awards.eligibility.set_policy": ("xu_ly_ho_so", lambda s, a, w, side: eligibility.set_policy(
        s, a, year=2024, policy=LocalPolicy(cstdcs_share_cap=0.15))),
    "tdkt.awards.nominations.add": ("nhap_danh_sach", lambda s, a, w, side: nominations.add(s, a, _entry(w, side))),
    "tdkt.awards.nominations.edit": ("nhap_danh_sach", _edit),
    "tdkt.awards.personal_records.set_rating": ("nhap_danh_sach", lambda s, a, w, side: personal_records.set_rating(
        s, a, _claimed(w, side), year=2024, rating="HTXSNV")),
    "tdkt.awards.personal_records.add_discipline": ("nhap_danh_sach", lambda s, a, w, side:
                                                    personal_records.add_discipline(s, a, _claimed(w, side), year=2024,
                                                                                    level="khien_trach")),
    "tdkt.awards.personal_records.add_past_award": ("nhap_danh_sach", lambda s, a, w, side:
                                                    personal_records.add_past_award(s, a, _claimed(w, side), year=2023,
                                                                                    award_id=w.award)),
    "tdkt.awards.personal_records.add_initiative": ("nhap_danh_sach", _initiative),
    "tdkt.awards.personal_records.delete_record": ("nhap_danh_sach", lambda s, a, w, side:
                                                   personal_records.delete_record(s, a, kind="xep_loai",
                                                                                  record_id=w.side(side).rating)),
    "tdkt.clusters.cluster_writes.add_cluster": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.add_cluster(
        s, a, year=2024, code="Cụm thử", name="Cụm thi đua thử")),
    "tdkt.clusters.cluster_writes.update_cluster": ("quan_ly_cum", _update_cluster),
    "tdkt.clusters.cluster_writes.remove_cluster": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.remove_cluster(
        s, a, cluster_id=w.cluster)),
    "tdkt.clusters.cluster_writes.add_member": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.add_member(
        s, a, cluster_id=w.cluster, name="Sở Xây dựng")),
    "tdkt.clusters.cluster_writes.update_member": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.update_member(
        s, a, member_id=w.member, name="Sở Y tế tỉnh", role="thanh_vien", is_us=False)),
    "tdkt.clusters.cluster_writes.remove_member": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.remove_member(
        s, a, member_id=w.member)),
    "tdkt.clusters.cluster_writes.add_event": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.add_event(
        s, a, cluster_id=w.cluster, kind="hoi_nghi", due_on=date(2024, 9, 30), auto_link=False)),
    "tdkt.clusters.cluster_writes.update_event": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.update_event(
        s, a, event_id=w.event, kind="hoi_nghi", title="Hội nghị cụm", due_on=date(2024, 7, 31), scored=False,
        task_id=None)),
    "tdkt.clusters.cluster_writes.remove_event": ("quan_ly_cum", lambda s, a, w, side: cluster_writes.remove_event(
        s, a, event_id=w.event)),
    "tdkt.clusters.cluster_writes.record_participation": ("quan_ly_cum", lambda s, a, w, side:
                                                          cluster_writes.record_participation(
                                                              s, a, event_id=w.event, member_id=w.member,
                                                              done_on=date(2024, 6, 1), today=TODAY)),
    "tdkt.clusters.task_links.record_participation": ("quan_ly_cum", lambda s, a, w, side:
                                                      task_links.record_participation(
                                                          s, a, event_id=w.event, member_id=w.member,
                                                          done_on=date(2024, 6, 1), today=TODAY)),
    "tdkt.clusters.task_links.add_event": ("quan_ly_cum", lambda s, a, w, side: task_links.add_event(
        s, a, cluster_id=w.cluster, kind="hoi_nghi", due_on=date(2024, 9, 30))),
    "tdkt.clusters.task_links.update_event": ("quan_ly_cum", lambda s, a, w, side: task_links.update_event(
        s, a, event_id=w.event, kind="hoi_nghi", title="Hội nghị cụm", due_on=date(2024, 7, 31), scored=False,
        task_id=None)),
    "tdkt.clusters.cluster_years.copy_clusters": ("quan_ly_cum", lambda s, a, w, side: cluster_years.copy_clusters(
        s, a, from_year=2024, to_year=2031)),
    "tdkt.clusters.movements.add_movement": ("quan_ly_cum", lambda s, a, w, side: movements.add_movement(
        s, a, year=2024, name="Phong trào mới", kind="theo_dot", auto_link=False, today=TODAY)),
    "tdkt.clusters.task_links.add_movement": ("quan_ly_cum", lambda s, a, w, side: task_links.add_movement(
        s, a, year=2024, name="Phong trào mới", kind="theo_dot", today=TODAY)),
    "tdkt.clusters.movements.update_movement": ("quan_ly_cum", lambda s, a, w, side: movements.update_movement(
        s, a, movement_id=w.movement, **_movement())),
    "tdkt.clusters.task_links.update_movement": ("quan_ly_cum", lambda s, a, w, side: task_links.update_movement(
        s, a, movement_id=w.movement, **_movement())),
    "tdkt.clusters.movements.close_movement": ("quan_ly_cum", lambda s, a, w, side: movements.close_movement(
        s, a, movement_id=w.movement, closed_on=date(2024, 12, 20), results="Số hóa 90% hồ sơ.", today=TODAY)),
    "tdkt.importing.cluster_sheets.commit": ("quan_ly_cum", lambda s, a, w, side: cluster_sheets.commit(
        s, a, cluster_sheets.ClusterImport(file="thanh_vien.xlsx", cluster_id=w.cluster, mode=cluster_sheets.MEMBERS))),
    "tdkt.core.auth.create_user": ("quan_tri", lambda s, a, w, side: auth.create_user(
        s, a, username="nguoi.moi", display_name="Người mới", role=Role.LANH_DAO)),
    "tdkt.core.auth.update_user": ("quan_tri", lambda s, a, w, side: auth.update_user(
        s, a, user_id=w.user, display_name="Lãnh đạo Sở", role=Role.LANH_DAO, unit_id=None, active=True)),
    "tdkt.core.auth.reset_password": ("quan_tri", lambda s, a, w, side: auth.reset_password(s, a, user_id=w.user)),
    "tdkt.core.options.set_base_salaries": ("quan_tri", lambda s, a, w, side: options.set_base_salaries(
        s, a, entries=[(date(2023, 7, 1), 1_800_000), (date(2024, 7, 1), 2_340_000)])),
    "tdkt.core.units.add": ("quan_ly_don_vi", lambda s, a, w, side: units.add(s, a, name="Phòng Thử nghiệm",
                                                                             kind="phong")),
    "tdkt.core.units.update": ("quan_ly_don_vi", _update_unit),
    "tdkt.importing.nomination_lists.commit.commit_batch": ("nhap_danh_sach", lambda s, a, w, side:
                                                            commit.commit_batch(
                                                                s, a, file_name="ds_moi.xlsx",
                                                                sha256=f"ds{side}".ljust(64, "0"),
                                                                records=[_list_row(w, side)], year=2024,
                                                                sheets=["DS"])),
    "tdkt.importing.nomination_lists.commit.undo_batch": ("nhap_danh_sach", lambda s, a, w, side: commit.undo_batch(
        s, a, batch_id=w.side(side).batch)),
    "tdkt.importing.record_lists.record_batches.commit_records": ("nhap_danh_sach", lambda s, a, w, side:
                                                                  record_batches.commit_records(
                                                                      s, a, report=_record_report(w, side))),
    "tdkt.importing.record_lists.record_batches.undo_records": ("nhap_danh_sach", lambda s, a, w, side:
                                                                record_batches.undo_records(
                                                                    s, a, batch_id=w.side(side).record_batch)),
    "tdkt.plan.plan.update_task_status": ("cap_nhat_nhiem_vu", lambda s, a, w, side: plan.update_task_status(
        s, a, task_id=w.side(side).task, status=TaskStatus.DANG, today=TODAY)),
    "tdkt.clusters.task_links.update_task_status": ("cap_nhat_nhiem_vu", lambda s, a, w, side:
                                                    task_links.update_task_status(
                                                        s, a, task_id=w.side(side).task, status=TaskStatus.DANG,
                                                        today=TODAY)),
    "tdkt.plan.plan.add_task": ("sua_ke_hoach", lambda s, a, w, side: plan.add_task(
        s, a, year=2024, quarter=3, content="Nhiệm vụ thử.", units=[w.own.unit_name])),
    "tdkt.plan.plan.edit_task": ("sua_ke_hoach", _edit_task),
    "tdkt.plan.plan.copy_plan": ("sua_ke_hoach", lambda s, a, w, side: plan.copy_plan(s, a, from_year=2024,
                                                                                     to_year=2031)),
    "tdkt.core.backup.create": ("sao_luu", lambda s, a, w, side: backup.create(s, a, BytesIO(), store=w.store)),
    "tdkt.core.backup.restore": ("khoi_phuc", _restore),
    "tdkt.core.throttle.lift": ("quan_tri", lambda s, a, w, side: throttle.lift(
        s, a, kind=throttle.ACCOUNT, key="lanhdao", limits=throttle.Limits())),
    "tdkt.awards.checklist.set_requirement": ("thanh_phan_ho_so", lambda s, a, w, side: checklist.set_requirement(
        s, a, year=2024, award_id=w.award, kinds=["to_trinh", "bien_ban"])),
    "tdkt.awards.checklist.reset_requirement": ("thanh_phan_ho_so", lambda s, a, w, side:
                                                checklist.reset_requirement(s, a, year=2023, award_id=w.award)),
    "tdkt.awards.checklist.copy_requirements": ("thanh_phan_ho_so", lambda s, a, w, side:
                                                checklist.copy_requirements(s, a, from_year=2023, to_year=2024)),
    "tdkt.submissions.deadlines.set_deadline": ("tiep_nhan_ho_so", lambda s, a, w, side: deadlines.set_deadline(
        s, a, year=2024, day=date(2024, 12, 15))),
    "tdkt.submissions.submissions.submit": ("nop_ho_so", lambda s, a, w, side: submissions.submit(
        s, a, year=2024, unit_id=w.side(side).unit, today=TODAY)),
    "tdkt.submissions.submissions.recall": ("nop_ho_so", lambda s, a, w, side: submissions.recall(
        s, a, year=2023, unit_id=w.side(side).unit, today=TODAY)),
    "tdkt.submissions.submissions.send_back": ("tiep_nhan_ho_so", lambda s, a, w, side: submissions.send_back(
        s, a, year=2023, unit_id=w.side(side).unit, reason="Thiếu biên bản họp Hội đồng.", today=TODAY)),
    "tdkt.submissions.submissions.accept": ("tiep_nhan_ho_so", lambda s, a, w, side: submissions.accept(
        s, a, year=2023, unit_id=w.side(side).unit, today=TODAY)),
    "tdkt.submissions.attachments.add": ("dinh_kem_ho_so", lambda s, a, w, side: attachments.add(
        s, a, w.store, stream=BytesIO(PDF), file_name="bao_cao.pdf", kind="bao_cao_thanh_tich", limit=len(PDF),
        nomination_id=w.side(side).nomination)),
    "tdkt.submissions.attachments.delete": ("dinh_kem_ho_so", lambda s, a, w, side: attachments.delete(
        s, a, attachment_id=w.side(side).attachment)),
    "tdkt.submissions.reminders.set_reminder_days": ("nhac_han", lambda s, a, w, side: reminders.set_reminder_days(
        s, a, days=10)),
    "tdkt.submissions.reminders.set_unit_emails": ("nhac_han", lambda s, a, w, side: reminders.set_unit_emails(
        s, a, emails={w.side(side).unit: "tdkt@example.vn"})),
    "tdkt.submissions.reminders.send": ("nhac_han", lambda s, a, w, side: reminders.send(
        s.get_bind(), a, MAIL, year=2024, today=TODAY)),
    "tdkt.registrations.registrations.add": ("dang_ky_thi_dua", lambda s, a, w, side: registrations.add(
        s, a, _registration(w, side), today=TODAY)),
    "tdkt.registrations.registrations.add_many": ("dang_ky_thi_dua", lambda s, a, w, side: registrations.add_many(
        s, a, [_registration(w, side)], today=TODAY, source="dang_ky.xlsx")),
    "tdkt.registrations.registrations.delete": ("dang_ky_thi_dua", lambda s, a, w, side: registrations.delete(
        s, a, registration_id=_registered(s, w, side), today=TODAY)),
    "tdkt.importing.registration_sheets.commit": ("dang_ky_thi_dua", lambda s, a, w, side: registration_sheets.commit(
        s, a, registration_sheets.RegistrationSheet(file="dang_ky.xlsx", year=2025, rows=[
            (2, _registration(w, side))]), today=TODAY)),
    "tdkt.documents.register.record_generated": ("soan_van_ban", lambda s, a, w, side: register.record_generated(
        s, a, year=2024, kind="to_trinh", filename="to_trinh.docx", content=PDF, store=w.store)),
    "tdkt.documents.drafts.make": ("soan_van_ban", lambda s, a, w, side: drafts.make(
        s, a, drafts.Request(kind="cong_khai", year=2024, day=TODAY, stage="truoc"), settings=Settings(),
        store=w.store)),
    "tdkt.documents.templates.download_template": ("soan_van_ban", lambda s, a, w, side: templates.download_template(
        s, a, kind="quyet_dinh", year=2024, store=w.store)),
    "tdkt.documents.templates.upload_template": ("soan_van_ban", lambda s, a, w, side: templates.upload_template(
        s, a, kind="to_trinh", year=2024, stream=BytesIO(builtin_template("to_trinh")), file_name="mau.docx",
        store=w.store)),
    "tdkt.documents.templates.reset_template": ("soan_van_ban", lambda s, a, w, side: templates.reset_template(
        s, a, kind="to_trinh", year=2024)),
    "tdkt.documents.certificates.render_certificates": ("soan_van_ban", _certificate),
    "tdkt.documents.certificates.print_and_record": ("soan_van_ban", lambda s, a, w, side: _certificate(
        s, a, w, side, record=w.store)),
    "tdkt.documents.certificates.printable": ("soan_van_ban", lambda s, a, w, side: certificates.printable(
        s, actor=a, year=2024, kind="giay-khen")),
    "tdkt.documents.certificates.calibration_pdf": ("soan_van_ban", lambda s, a, w, side: certificates.calibration_pdf(
        s, actor=a, kind="giay-khen", settings=Settings())),
    "tdkt.documents.certificate_layout.save_layout": ("soan_van_ban", lambda s, a, w, side:
                                                      certificate_layout.save_layout(
                                                          s, a, kind="giay-khen", layout=certificate_layout.Layout(
                                                              boxes=dict(certificate_layout.BLANK), shift_x=1.5))),
    "tdkt.council.members.replace_members": ("hoi_dong", lambda s, a, w, side: council_members.replace_members(
        s, a, year=2030, given=[council_members.MemberInput("Chủ Tịch Thử", "chu_tich")])),
    "tdkt.council.meetings.save_meeting": ("hoi_dong", lambda s, a, w, side: council_meetings.save_meeting(
        s, a, year=2030, round_no=1, meeting_date=date(2031, 1, 20), place="Phòng họp") if _council(s, w, side)
        else None),
    "tdkt.council.tallies.record": ("hoi_dong", lambda s, a, w, side: council_tallies.record(
        s, a, year=2030, round_no=1, votes={_council(s, w, side): 3})),
    "tdkt.council.outcomes.advance_passed": ("hoi_dong", lambda s, a, w, side: council_outcomes.advance_passed(
        s, a, year=2030, round_no=1, today=date(2031, 1, 15)) if _council(s, w, side, votes=3) else None),
    "tdkt.council.sheet_tally.members_from_sheet": ("hoi_dong", lambda s, a, w, side:
                                                    council_sheet_tally.members_from_sheet(
                                                        s, a, _council_sheet([["Họ và tên", "Chức vụ trong Hội đồng"],
                                                                              ["Chủ Tịch Thử", "Chủ tịch"]]),
                                                        file_name="hoi_dong.xlsx", settings=Settings(), year=2030)),
    "tdkt.council.sheet_tally.tally_from_sheet": ("hoi_dong", _council_tally),
    "tdkt.reports.council_papers.ballots": ("hoi_dong", lambda s, a, w, side: council_papers.ballots(
        s, a, year=2030, round_no=1, award_name="Chiến sĩ thi đua cơ sở", settings=Settings())
        if _council(s, w, side) else None),
    "tdkt.reports.council_papers.minutes": ("hoi_dong", lambda s, a, w, side: council_papers.minutes(
        s, a, year=2030, round_no=1, settings=Settings()) if _council(s, w, side, votes=2) else None),
    "tdkt.scoring.sheet_writes.save_sheet": ("cham_diem", lambda s, a, w, side: scoring_sheets.save_sheet(
        s, a, cluster_id=w.cluster, spec=SCORE_SHEET)),
    "tdkt.scoring.sheet_writes.copy_previous": ("cham_diem", _copy_sheet),
    "tdkt.scoring.rounds.set_deadline": ("cham_diem", lambda s, a, w, side: scoring_rounds.set_deadline(
        s, a, sheet_id=_score_sheet(s, w)[0], kind="tu_cham", deadline=date(2024, 12, 31))),
    "tdkt.scoring.rounds.publish": ("cham_diem", lambda s, a, w, side: scoring_rounds.publish(
        s, a, sheet_id=_score_sheet(s, w, scored=True)[0], today=TODAY)),
    "tdkt.scoring.rounds.unpublish": ("cham_diem", lambda s, a, w, side: scoring_rounds.unpublish(
        s, a, sheet_id=_score_sheet(s, w, scored=True, published=True)[0], reason="Công bố nhầm.")),
    "tdkt.scoring.entries.record_entry": ("cham_diem", lambda s, a, w, side: scoring_entries.record_entry(
        s, a, _score(w, _score_sheet(s, w)[1]), round="tu_cham", reason="Tự chấm", today=TODAY)),
    "tdkt.scoring.entries.record_entries": ("cham_diem", lambda s, a, w, side: scoring_entries.record_entries(
        s, a, [_score(w, _score_sheet(s, w)[1])], round="tu_cham", reason="Tự chấm", today=TODAY)),
    "tdkt.scoring.proposals.set_bang_khen_count": ("cham_diem", lambda s, a, w, side:
                                                   scoring_proposals.set_bang_khen_count(
                                                       s, a, year=2024, cluster_code=s.get(Cluster, w.cluster).code,
                                                       count=3)),
    "tdkt.scoring.proposals.propose_cluster": ("cham_diem", lambda s, a, w, side: scoring_proposals.propose_cluster(
        s, a, year=2024, cluster_code=_score_sheet(s, w, scored=True, published=True)[2])),
    "tdkt.scoring.proposals.propose_ourselves": ("cham_diem", lambda s, a, w, side:
                                                 scoring_proposals.propose_ourselves(
                                                     s, a, year=2024,
                                                     cluster_code=_score_sheet(s, w, scored=True, published=True)[2])),
}
