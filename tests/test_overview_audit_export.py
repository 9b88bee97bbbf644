"""Tổng quan figures, the audit log search, spreadsheet export safety and the chart builders."""

from datetime import date
from io import BytesIO

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tdkt.clusters import task_links
from tdkt.core import audit, export, options
from tdkt.core.db import write_session
from tdkt.core.models import Award, Cluster, ClusterEvent, ClusterMember, Nomination, Participation, Role, TaskStatus
from tdkt.core.permissions import PermissionDenied
from tdkt.plan import plan as plan_module
from tdkt.reports import charts, overview


def test_key_figures_count_tasks_deadline_covenants_and_nominations(engine, actors):
    with write_session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1))
        task_links.update_task_status(session, actors[Role.VAN_PHONG], task_id=int(frame.id.iloc[0]),
                                      status=TaskStatus.XONG, completed_on=date(2024, 2, 1))
        cluster = session.exec(select(Cluster).where(Cluster.code == "Cụm II")).one()
        us = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)).one()
        signing = ClusterEvent(cluster_id=cluster.id, kind="ky_ket", title="Ký kết", due_on=date(2024, 3, 31))
        report = ClusterEvent(cluster_id=cluster.id, kind="so_ket", title="Sơ kết", due_on=date(2024, 7, 15))
        session.add_all([signing, report])
        session.flush()
        session.add_all([Participation(event_id=signing.id, member_id=us.id, done_on=date(2024, 3, 2)),
                         Participation(event_id=report.id, member_id=us.id, done_on=date(2024, 7, 2))])
        award = session.exec(select(Award).where(Award.code == "LDTT")).one()
        session.add_all([Nomination(year=2024, target="ca_nhan", award_id=award.id, status=s)
                         for s in ["de_nghi", "de_nghi", "co_quyet_dinh"]])
    with Session(engine) as session:
        figures = overview.key_figures(session, year=2024, as_of=date(2024, 4, 1), today=date(2024, 12, 5))
        statuses = overview.nominations_by_status(session, year=2024)
    assert (figures.progress.done, figures.progress.total, figures.progress.overdue) == (1, 11, 3)
    assert (figures.deadline, figures.days_to_deadline) == (date(2024, 12, 15), 10)
    # The seed already holds two signings (Cụm II's and the internal covenant's, from plan tasks 1.3 and 1.2).
    assert (figures.covenants_signed, figures.covenants_total, figures.nominations) == (1, 3, 3)
    assert figures.money == 702_000  # one decided LĐTT: 0,3 × 2.340.000 đ
    assert statuses.set_index("label").n.to_dict() == {
        "Đề nghị": 2, "Hội đồng đã xét": 0, "Đã trình cấp trên": 0, "Có quyết định": 1, "Không được duyệt": 0}


def test_audit_search_is_accent_insensitive_and_filters_dates(engine, actors):
    with write_session(engine) as session:
        audit.record(session, actors[Role.VAN_PHONG], "sua_don_vi", "don_vi", 3, "Sửa đơn vị Phòng Quản lý Thương mại.")
    with Session(engine) as session:
        found = audit.search(session, text="quan ly thuong mai")
        none = audit.search(session, text="quan ly thuong mai", end=date(2000, 1, 1))
        everything = audit.search(session)
    assert list(found.username) == ["vanphong"] and found.action_label.iloc[0] == "Sửa đơn vị"
    assert none.empty and len(everything) >= 2  # the seed's own entry is there too


def test_export_keeps_formula_like_text_as_text_and_formats_dates():
    # Text cells, no apostrophe added: the text reads back exactly as written and never runs (tests/test_workbooks.py).
    frame = pd.DataFrame({"Tên": ["=HYPERLINK(\"http://x\")", "+1", "Nguyễn Văn An"], "Ngày": [date(2024, 1, 5)] * 3,
                          "Đơn vị": [["A", "B"], [], ["C"]]})
    sheet = load_workbook(BytesIO(export.to_xlsx({"Danh sách": frame}, title="=Tiêu đề"))).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=Tiêu đề", "s")
    assert [(sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=1).data_type) for r in (4, 5, 6)] == [
        ("=HYPERLINK(\"http://x\")", "s"), ("+1", "s"), ("Nguyễn Văn An", "s")]
    assert sheet["A4"].quotePrefix and not sheet["A6"].quotePrefix
    assert sheet["B4"].number_format == "dd/mm/yyyy" and sheet["C4"].value == "A; B"
    assert sheet.freeze_panes == "A4"


def test_charts_are_built_from_frames_with_vietnamese_labels(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 7, 1))
    quarter = charts.progress_by_quarter(plan_module.by_quarter(frame), year=2024)
    unit = charts.progress_by_unit(plan_module.by_unit(frame), year=2024)
    assert [t.name for t in quarter.data] == ["Chưa thực hiện", "Quá hạn"]
    assert sum(sum(t.y) for t in quarter.data) == 11 and list(quarter.data[1].y) == [4, 1, 0, 0]
    assert "theo quý" in quarter.layout.title.text and "theo đơn vị" in unit.layout.title.text
    assert set(unit.data[0].y) >= {"Văn phòng Sở", "HĐ TĐKT"}


def test_base_salary_history_picks_the_amount_in_force(engine, actors):
    with write_session(engine) as session:
        options.set_base_salaries(session, actors[Role.QUAN_TRI], entries=[(date(2024, 7, 1), 2_340_000),
                                                                          (date(2023, 7, 1), 1_800_000)])
        days = (date(2023, 1, 1), date(2024, 6, 30), date(2024, 7, 1))
        assert [options.base_salary_on(session, d) for d in days] == [None, 1_800_000, 2_340_000]
        for bad, message in [([], "ít nhất"), ([(date(2024, 1, 1), 0)], "số dương"),
                             ([(date(2024, 1, 1), 5), (date(2024, 1, 1), 6)], "một mức")]:
            with pytest.raises(options.OptionError, match=message):
                options.set_base_salaries(session, actors[Role.QUAN_TRI], entries=bad)
        with pytest.raises(PermissionDenied):
            options.set_base_salaries(session, actors[Role.VAN_PHONG], entries=[(date(2024, 1, 1), 1)])


def test_every_action_the_code_audits_has_a_vietnamese_label():
    import re
    from pathlib import Path

    from tdkt.core.audit import ACTION_LABELS

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("tdkt").rglob("*.py"))
    used = set(re.findall(r'audit\.record\(\s*\w+,\s*[\w.()]+,\s*"([a-z_]+)"', source))
    assert len(used) > 30
    assert sorted(used - set(ACTION_LABELS)) == []
