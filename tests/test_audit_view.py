"""The audit log as people read it: changes in Vietnamese, codes and ids as labels and names, dates dd/mm/yyyy, every
field the code audits labelled; filters by day, user and action; pages; the .xlsx export."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from tdkt.awards import dossiers
from tdkt.clusters import task_links
from tdkt.core import audit, audit_chain, units
from tdkt.core.db import read_session, write_session
from tdkt.core.models import (
    Assessment,
    AuditLog,
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    DisciplineRecord,
    InitiativeRecord,
    Movement,
    Nomination,
    NominationStatus,
    Participation,
    PastAward,
    Person,
    Plan,
    PlanTask,
    Role,
    TaskStatus,
    Unit,
    UnitKind,
    User,
)
from tdkt.reports import audit_view

ROOT = Path(__file__).resolve().parents[1]
STEP = ["Trạng thái: Đề nghị → Hội đồng đã xét", "Số phiếu đồng ý: (trống) → 12",
        "Số thành viên hội đồng: (trống) → 15"]  # a nomination moved to the council's review, 12 votes of 15
# The records whose snapshot (audit.snapshot) the code writes into an entry's before or after.
AUDITED = [PlanTask, Plan, Cluster, ClusterMember, ClusterEvent, Participation, Movement, Nomination, User, Unit,
           Assessment, DisciplineRecord, PastAward, InitiativeRecord]


def last_lines(engine, action: str) -> list[str]:
    with read_session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.seq.desc())).first()
        return audit_view.readable(session, [entry])[0]


def a_nomination(engine) -> int:
    with write_session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Văn phòng Sở")).one()
        person = Person(full_name="Nguyễn Thị Minh", name_key="nguyen thi minh", unit_id=unit.id)
        session.add(person)
        session.flush()
        award_id = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        nomination = Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award_id)
        session.add(nomination)
        session.flush()
        return nomination.id


def test_a_step_along_the_nomination_path_reads_in_vietnamese(engine, actors):
    nomination_id = a_nomination(engine)
    with write_session(engine) as session:
        dossiers.advance(session, actors[Role.VAN_PHONG], nomination_ids=[nomination_id], to=NominationStatus.HOI_DONG,
                         votes_for=12, council_members=15, today=date(2025, 1, 10))
    assert last_lines(engine, "xu_ly_ho_so") == STEP


def test_a_task_update_shows_dates_as_dd_mm_yyyy_and_codes_by_their_label(engine, actors):
    with read_session(engine) as session:
        task = session.exec(select(PlanTask).order_by(PlanTask.id)).first()
    with write_session(engine) as session:
        task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=task.id, status=TaskStatus.XONG,
                                      completed_on=date(2024, 3, 20), evidence="15/BC-SCT", today=date(2024, 4, 1))
    assert last_lines(engine, "cap_nhat_nhiem_vu") == [
        "Trạng thái: Chưa thực hiện → Hoàn thành", "Ngày hoàn thành: (trống) → 20/03/2024",
        "Văn bản (số, ký hiệu): (trống) → 15/BC-SCT"]


def test_a_new_record_lists_its_fields_and_ids_read_as_names(engine, actors):
    with write_session(engine) as session:
        unit = units.add(session, actors[Role.VAN_PHONG], name="Phòng Thử nghiệm", kind=UnitKind.PHONG,
                         short_name="PTN")
        task = session.exec(select(PlanTask).where(PlanTask.quarter == 1, PlanTask.number == 2)).first()
        award = session.exec(select(Award).where(Award.code == "LDTT")).one()
        audit.record(session, actors[Role.VAN_PHONG], "them_phong_trao", "phong_trao", 1, "Thử.",
                     after={"unit_ids": [unit.id, 999_999], "task_id": task.id, "award_id": award.id,
                            "launched_on": "2024-02-01", "kind": "chuyen_de", "results": None})
    assert last_lines(engine, "them_don_vi") == [
        "Tên: Phòng Thử nghiệm", "Tên viết tắt: PTN", "Loại đơn vị: Phòng chuyên môn",
        f"Thứ tự hiển thị: {unit.position}", "Đang hoạt động: Có"]
    assert last_lines(engine, "them_phong_trao") == [
        "Loại phong trào: Theo chuyên đề", "Đơn vị tham gia: Phòng Thử nghiệm, mã 999999 (không còn trong dữ liệu)",
        "Danh hiệu, hình thức khen thưởng: Lao động tiên tiến", "Nhiệm vụ của kế hoạch: nhiệm vụ 2 quý I năm 2024",
        "Ngày phát động: 01/02/2024"]


def test_a_deletion_and_an_undo_read_as_what_went():
    names = audit_view.Names(None, [])  # no ids to name
    assert audit_view.changes("cum", {"year": 2024, "code": "Cụm II"}, None, names) == [
        "Ký hiệu cụm: Cụm II → (đã xóa)", "Năm: 2024 → (đã xóa)"]
    assert audit_view.changes("lo_nhap", {"batch_id": 7, "rows": 3, "status": "da_nhap"},
                              {"status": "da_hoan_tac"}, names) == [
        "Trạng thái: Đã nhập → Đã hoàn tác", "Lô nhập: lô số 7", "Số dòng: 3"]
    assert audit_view.changes("cai_dat", {"base_salary": None},
                              {"base_salary": [{"from": "2024-07-01", "amount": 2340000}]}, names) == [
        "Lương cơ sở: (trống) → từ 01/07/2024: 2.340.000 đ"]


def test_an_unknown_field_or_action_is_still_named_in_vietnamese():
    names = audit_view.Names(None, [])  # no ids to name
    assert audit_view.changes("moi", {"so_lan": 1, "ok": False}, {"so_lan": 2, "ok": True}, names) == [
        "Thông tin “so_lan”: 1 → 2", "Thông tin “ok”: Không → Có"]
    assert audit_view.action_label("thao_tac_moi") == "Thao tác “thao_tac_moi”"
    assert audit_view.changes("x", None, "không phải JSON", names) == ["Trước: (trống) → Sau: không phải JSON"]


def _audited_keys() -> set[str]:
    """The keys the code writes into a before/after besides a record's fields: dict literals in audit.record calls and
    the keys snapshot helpers add (data["units"] = …, | {"authors": …})."""
    keys: set[str] = set()
    for path in (ROOT / "tdkt").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit.record(" not in source:
            continue
        for literal in re.findall(r"(?:before|after)=\{([^{}]*)\}", source):
            keys |= set(re.findall(r'"(\w+)":', literal))
        keys |= set(re.findall(r'data\["(\w+)"\] =', source)) | set(re.findall(r'\| \{"(\w+)":', source))
    return keys


def test_every_field_the_code_audits_has_a_vietnamese_label():
    fields = {name for model in AUDITED for name in model.model_fields} | _audited_keys()
    assert {"status", "units", "unit_ids", "authors", "replaced", "base_salary", "rows", "file"} <= fields
    unlabelled = sorted(f for f in fields - audit_view.HIDDEN
                        if f not in audit_view.FIELD_LABELS
                        and not any(f in labels for labels in audit_view.ENTITY_LABELS.values()))
    assert unlabelled == []


def test_real_writes_read_without_a_stored_code_or_an_english_key(engine, actors):
    nomination_id = a_nomination(engine)
    with write_session(engine) as session:
        dossiers.advance(session, actors[Role.VAN_PHONG], nomination_ids=[nomination_id], to=NominationStatus.HOI_DONG,
                         votes_for=9, council_members=9, today=date(2025, 1, 10))
        unit = session.exec(select(Unit).where(Unit.name == "Văn phòng Sở")).one()
        units.update(session, actors[Role.VAN_PHONG], unit_id=unit.id, name="Văn phòng Sở Công Thương",
                     kind=UnitKind.PHONG, short_name=unit.short_name, active=True)
    with read_session(engine) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.seq)).all()
        text = "\n".join(line for lines in audit_view.readable(session, rows) for line in lines)
    assert "Thông tin “" not in text
    assert not re.search(r"\b(de_nghi|hoi_dong_da_xet|unit_id|person_id|status|votes_for)\b", text)
    assert "Tên: Văn phòng Sở → Văn phòng Sở Công Thương" in text


def test_days_are_vietnam_days_and_filters_narrow_the_page(engine, actors, monkeypatch):
    monkeypatch.setattr(audit_chain, "utcnow", lambda: datetime(2024, 3, 1, 23, 30, tzinfo=UTC))  # 02/03 06:30 ICT
    with write_session(engine) as session:
        for i in range(5):
            audit.record(session, actors[Role.QUAN_TRI], "sua_don_vi", "don_vi", i, f"Sửa đơn vị số {i}.")
        audit.record(session, actors[Role.VAN_PHONG], "them_don_vi", "don_vi", 9, "Thêm đơn vị.")
    with read_session(engine) as session:
        on_the_2nd = audit.find(session, start=date(2024, 3, 2), end=date(2024, 3, 2), limit=None)
        on_the_1st = audit.find(session, start=date(2024, 3, 1), end=date(2024, 3, 1))
        by_who = audit.find(session, start=date(2024, 3, 2), username=actors[Role.VAN_PHONG].username)
        by_what = audit.find(session, start=date(2024, 3, 2), actions=["sua_don_vi"], text="so 3")
        last = audit_view.log_page(session, start=date(2024, 3, 2), end=date(2024, 3, 2), page=99, page_size=4)
    assert (on_the_2nd.total, on_the_1st.total) == (6, 0)
    assert [e.summary for e in by_who.entries] == ["Thêm đơn vị."]
    assert [e.summary for e in by_what.entries] == ["Sửa đơn vị số 3."]
    assert (last.page, last.pages, last.total, last.first, list(last.rows.summary)) == (
        2, 2, 6, 5, ["Sửa đơn vị số 1.", "Sửa đơn vị số 0."])


def test_the_export_writes_each_change_readably(engine, actors):
    nomination_id = a_nomination(engine)
    with write_session(engine) as session:
        dossiers.advance(session, actors[Role.VAN_PHONG], nomination_ids=[nomination_id], to=NominationStatus.HOI_DONG,
                         votes_for=12, council_members=15, today=date(2025, 1, 10))
    with read_session(engine) as session:
        data = audit_view.export_xlsx(session, actions=["xu_ly_ho_so"])
    sheet = load_workbook(BytesIO(data))["Nhật ký"]
    assert [c.value for c in sheet[3]] == ["Số", "Thời điểm", "Người thực hiện", "Thao tác", "Nội dung", "Thay đổi"]
    assert sheet["D4"].value == "Chuyển bước hồ sơ đề nghị"
    assert sheet["F4"].value.split("\n") == STEP


def test_the_dossier_submission_and_reminder_entries_read_in_vietnamese(engine, actors):
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session:
        audit.record(session, office, "tra_lai_ho_so", "ho_so_don_vi", 1, "Trả lại.", before={"state": "da_nop"},
                     after={"state": "tra_lai", "reason": "Thiếu biên bản."})
        audit.record(session, office, "gui_nhac_han", "don_vi", 4, "Gửi e-mail.",
                     after={"kind": "han_nop", "subject": "Nhắc hạn nộp hồ sơ khen thưởng năm 2024"})
        audit.record(session, office, "thanh_phan_ho_so", "thanh_phan_ho_so", 1, "Sửa.",
                     before={"kinds": ["to_trinh"]}, after={"kinds": []})
    assert last_lines(engine, "tra_lai_ho_so") == ["Trạng thái hồ sơ của đơn vị: Đã nộp → Trả lại",
                                                   "Lý do: Thiếu biên bản."]
    assert last_lines(engine, "gui_nhac_han") == ["Loại thư: Nhắc hạn nộp hồ sơ",
                                                  "Tiêu đề: Nhắc hạn nộp hồ sơ khen thưởng năm 2024"]
    assert last_lines(engine, "thanh_phan_ho_so") == ["Thành phần hồ sơ: Tờ trình đề nghị khen thưởng → (trống)"]
