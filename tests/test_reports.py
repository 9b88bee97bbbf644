"""Sơ kết / tổng kết figures on a hand-built fixture (2023 against 2022), SQLite and PostgreSQL; CLI; workbook."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session, select

from tdkt.awards import categories
from tdkt.cli.program import cli
from tdkt.core.models import (
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    InitiativeRecord,
    Movement,
    Nomination,
    Participation,
    Plan,
    PlanTask,
)
from tdkt.reports import reports

AS_OF = date(2024, 1, 15)
LDTT, CSTD, BK_TTG = "Lao động tiên tiến", "Chiến sĩ thi đua cấp tỉnh", "Bằng khen của Thủ tướng Chính phủ"


@pytest.fixture
def fixture_db(engine):
    """Insert 2023 and 2022 plans, movements, clusters and nominations whose report figures are known by hand."""
    with Session(engine) as session:
        award = {a.code: a.id for a in session.exec(select(Award)).all()}
        p23, p22 = Plan(year=2023, title="Kế hoạch 2023"), Plan(year=2022, title="Kế hoạch 2022")
        session.add_all([p23, p22])
        session.flush()

        def task(plan, number, due, status="chua_thuc_hien", completed=None, evidence=None):
            return PlanTask(plan_id=plan.id, quarter=(due.month - 1) // 3 + 1, number=number,
                            content=f"Nhiệm vụ {number}", due_on=due, status=status, completed_on=completed,
                            evidence=evidence)

        session.add_all([
            task(p23, 1, date(2023, 3, 31), "hoan_thanh", date(2023, 3, 20), "Văn bản 12/SCT"),
            task(p23, 2, date(2023, 5, 15), "dang_thuc_hien"),  # overdue: not done, due before 30/06
            task(p23, 3, date(2023, 6, 30)),  # due on the last day, not done: overdue once the period is over
            task(p23, 4, date(2023, 9, 30)),  # after the period
            task(p22, 1, date(2022, 3, 31), "hoan_thanh", date(2022, 3, 30), "Văn bản 5/SCT"),
        ])
        session.add_all([
            Movement(year=2023, name="Phong trào A", kind="thuong_xuyen", launched_on=date(2023, 2, 10)),
            Movement(year=2023, name="Phong trào B", kind="chuyen_de", launched_on=date(2023, 7, 1)),
            Movement(year=2022, name="Phong trào C", kind="chuyen_de", launched_on=date(2022, 6, 30)),
        ])

        def cluster(year, code, events):
            c = Cluster(year=year, code=code, name=f"{code} {year}", level="Tỉnh")
            session.add(c)
            session.flush()
            us = ClusterMember(cluster_id=c.id, name="Sở Công Thương", is_us=True)
            other = ClusterMember(cluster_id=c.id, name="Sở Tài chính")
            session.add_all([us, other])
            session.flush()
            for kind, due, done in events:
                event = ClusterEvent(cluster_id=c.id, kind=kind, title=f"{kind} {code}", due_on=due)
                session.add(event)
                session.flush()
                if done:
                    session.add(Participation(event_id=event.id, member_id=us.id, done_on=done, document="CV 1"))
                session.add(Participation(event_id=event.id, member_id=other.id, done_on=due))  # not ours

        cluster(2023, "Cụm II", [("ky_ket", date(2023, 3, 31), date(2023, 3, 25)), ("so_ket", date(2023, 6, 30), None),
                                 ("hoi_nghi", date(2023, 7, 1), date(2023, 7, 1))])
        cluster(2023, "Cụm III", [("ky_ket", date(2023, 4, 15), date(2023, 4, 20)),
                                  ("ky_ket", date(2023, 5, 1), None)])  # not signed by us
        cluster(2022, "Cụm II", [("ky_ket", date(2022, 3, 31), date(2022, 3, 31))])

        def nom(year, code, received, status="de_nghi", decided=None, target="ca_nhan", category=None):
            return Nomination(year=year, target=target, award_id=award[code], status=status, received_on=received,
                              decision_date=decided, category=category, collective_name="Tổ A")

        session.add_all([
            nom(2023, "LDTT", date(2023, 1, 10), "co_quyet_dinh", date(2023, 6, 30),
                category=categories.DIRECT_WORKER_NAME),
            nom(2023, "LDTT", date(2023, 3, 20), "co_quyet_dinh", date(2023, 7, 1)),  # decided the day after
            nom(2023, "CSTD_TINH", date(2023, 6, 30), "da_trinh"),
            nom(2023, "BK_BT_BCT", date(2023, 7, 1), target="tap_the"),  # received the day after
            nom(2023, "BK_TTG", date(2023, 2, 1), "khong_duoc_duyet", date(2023, 5, 1)),  # refused: not a decision
            nom(2022, "LDTT", date(2022, 2, 15), "co_quyet_dinh", date(2022, 6, 30)),
        ])
        session.add_all([  # recognised initiatives count by their recognition decision's date
            InitiativeRecord(year=2023, title="SK 1", scope="co_so", decision_date=date(2023, 1, 1)),
            InitiativeRecord(year=2023, title="SK 2", scope="tinh", decision_date=date(2023, 6, 30)),
            InitiativeRecord(year=2023, title="SK 3", scope="co_so", decision_date=date(2023, 7, 1)),
            InitiativeRecord(year=2023, title="SK 4", scope="co_so"),  # no decision date: in no period
            InitiativeRecord(year=2022, title="SK 5", scope="co_so", decision_date=date(2022, 6, 30)),
        ])
        session.commit()
    return engine


EXPECTED_H1 = {
    "basis": "ngay_nhan",  # the six months count nominations by date received, decisions by decision date
    "year": 2023,
    "period": {"start": "01/01/2023", "end": "30/06/2023"},
    "tasks": {"total": 3, "done": 1, "overdue": 2},
    "movements": 1,
    "covenants_signed": 2,
    "initiatives": 2,
    "nominations": {LDTT: 2, CSTD: 1, BK_TTG: 1},
    "decisions": {LDTT: 1},
    "dossiers": {"complete": 0, "incomplete": 4},  # nothing attached: every nomination lacks its documents
    "previous": {
        "year": 2022,
        "period": {"start": "01/01/2022", "end": "30/06/2022"},
        "tasks": {"total": 1, "done": 1, "overdue": 0},
        "movements": 1,
        "covenants_signed": 1,
        "initiatives": 1,
        "nominations": {LDTT: 1},
        "decisions": {LDTT: 1},
        "dossiers": {"complete": 0, "incomplete": 1},
    },
}


def test_period_defaults_and_overrides():
    assert reports.period(2023, "h1") == (date(2023, 1, 1), date(2023, 6, 30))
    assert reports.period(2023, "year") == (date(2023, 1, 1), date(2023, 12, 31))
    assert reports.period(2023, "h1", end=date(2023, 7, 15)) == (date(2023, 1, 1), date(2023, 7, 15))
    assert reports.previous_period(date(2024, 1, 1), date(2024, 2, 29)) == (date(2023, 1, 1), date(2023, 2, 28))


def test_period_refuses_unknown_kind_and_reversed_dates():
    with pytest.raises(reports.ReportError, match="h1"):
        reports.period(2023, "q3")
    with pytest.raises(reports.ReportError, match="sau ngày kết thúc"):
        reports.period(2023, "h1", start=date(2023, 7, 1))


def test_h1_figures_match_the_hand_count_with_previous_year(fixture_db):
    with Session(fixture_db) as session:
        assert reports.figures(session, year=2023, period="h1", as_of=AS_OF) == EXPECTED_H1


def test_decision_on_the_last_day_is_in_and_the_next_day_is_out(fixture_db):
    with Session(fixture_db) as session:
        to_30_06 = reports.figures(session, year=2023, end=date(2023, 6, 30), as_of=AS_OF)
        to_01_07 = reports.figures(session, year=2023, end=date(2023, 7, 1), as_of=AS_OF)
        from_01_07 = reports.figures(session, year=2023, start=date(2023, 7, 1), end=date(2023, 12, 31), as_of=AS_OF)
    assert (to_30_06["decisions"], to_01_07["decisions"], from_01_07["decisions"]) == ({LDTT: 1}, {LDTT: 2}, {LDTT: 1})
    assert to_01_07["previous"]["period"] == {"start": "01/01/2022", "end": "01/07/2022"}


def test_whole_year_counts_the_second_half(fixture_db):
    with Session(fixture_db) as session:
        data = reports.figures(session, year=2023, period="year", as_of=AS_OF)
    assert (data["tasks"], data["movements"], data["decisions"], data["initiatives"]) == (
        {"total": 4, "done": 1, "overdue": 3}, 2, {LDTT: 2}, 3)
    assert data["nominations"] == {LDTT: 2, CSTD: 1, BK_TTG: 1, "Bằng khen của Bộ trưởng Bộ Công Thương": 1}


def test_cluster_narrows_covenants_and_participation_only(fixture_db):
    with Session(fixture_db) as session:
        data = reports.figures(session, year=2023, cluster="cum ii", as_of=AS_OF)
        table = reports.participation_table(session, start=date(2023, 1, 1), end=date(2023, 6, 30), cluster="Cụm II")
    assert (data["covenants_signed"], data["previous"]["covenants_signed"], data["movements"]) == (1, 1, 1)
    assert table.drop(columns="title").values.tolist() == [
        ["Cụm II", "Ký kết giao ước", date(2023, 3, 31), date(2023, 3, 25), "CV 1", "Đúng hạn"],
        ["Cụm II", "Báo cáo sơ kết 6 tháng", date(2023, 6, 30), None, None, "Chưa thực hiện"],
    ]


def test_unknown_cluster_is_refused_naming_the_clusters(fixture_db):
    with Session(fixture_db) as session, pytest.raises(reports.ReportError, match="Cụm II, Cụm III"):
        reports.figures(session, year=2023, cluster="Cụm IX")


def test_task_table_lists_done_and_remaining_with_evidence(fixture_db):
    with Session(fixture_db) as session:
        table = reports.task_table(session, start=date(2023, 1, 1), end=date(2023, 6, 30), as_of=AS_OF)
    assert table[["number", "status_label", "done", "evidence"]].values.tolist() == [
        [1, "Hoàn thành", True, "Văn bản 12/SCT"],
        [2, "Quá hạn", False, None],
        [3, "Quá hạn", False, None],  # due 30/06, the period's last day: overdue once it is over, as on Tiến độ
    ]


def test_award_table_has_previous_year_and_change(fixture_db):
    with Session(fixture_db) as session:
        table = reports.award_table(session, start=date(2023, 1, 1), end=date(2023, 6, 30))
    rows = {(r[0], r[1]): r[2:] for r in table.values.tolist()}
    assert rows[("Hình thức", LDTT)] == [2, 1, 1, 1, 1, 0]
    assert rows[("Đối tượng", "Cá nhân")] == [4, 1, 3, 1, 1, 0]
    assert rows[("Phân loại đối tượng", categories.DIRECT_WORKER_NAME)] == [1, 0, 1, 1, 0, 1]
    assert rows[("Phân loại đối tượng", "Chưa phân loại")] == [3, 1, 2, 0, 1, -1]
    assert ("Cấp khen", "tỉnh") in rows


def test_xlsx_has_one_formatted_sheet_per_table(fixture_db):
    with Session(fixture_db) as session:
        content = reports.to_xlsx_report(session, year=2023, period="h1", cluster="Cụm II", as_of=AS_OF)
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Nhiệm vụ", "Hoạt động cụm", "Khen thưởng", "Sáng kiến"]
    summary = book["Tổng hợp"]
    assert "01/01/2023 đến 30/06/2023 — Cụm II" in summary["A1"].value
    assert [c.value for c in summary[3]] == ["Chỉ tiêu", "Kỳ này (2023)", "Cùng kỳ 2022", "Tăng/giảm"]
    values = {row[0]: row[1:] for row in summary.iter_rows(min_row=4, values_only=True)}
    assert values["Quyết định khen thưởng"] == (1, 1, 0)
    assert values["Hồ sơ đề nghị nhận được"] == (4, 1, 3)
    assert summary.freeze_panes == "A4" and summary["B4"].number_format == "#,##0"
    tasks = book["Nhiệm vụ"]
    assert tasks["D4"].number_format == "dd/mm/yyyy" and tasks["H4"].value == "Văn bản 12/SCT"
    assert book["Hoạt động cụm"].max_row == 5


def test_cli_report_json_is_the_figures_object(fixture_db, db_url, monkeypatch):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["report", "--year", "2023", "--period", "h1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # Overdue depends on today; the 2023 periods are over, so it equals the hand count.
    assert data == EXPECTED_H1


def test_cli_report_writes_xlsx_and_prints_its_path(fixture_db, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    out = tmp_path / "so-ket.xlsx"
    result = CliRunner().invoke(cli, ["report", "--year", "2023", "--cluster", "Cụm II", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    assert load_workbook(out).sheetnames[0] == "Tổng hợp"


def test_cli_report_refuses_other_file_types(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--year", "2023", "--out", str(tmp_path / "bc.pdf")])
    assert result.exit_code == 2 and ".xlsx (số liệu) hoặc .docx" in result.output
    assert not (tmp_path / "bc.pdf").exists()


def test_cli_report_unknown_cluster_fails_in_vietnamese(fixture_db, db_url, monkeypatch):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["report", "--year", "2023", "--cluster", "Cụm IX", "--json"])
    assert result.exit_code == 1 and "không có cụm “Cụm IX”" in result.output


def test_initiatives_recognised_in_the_period_are_listed_in_the_workbook(fixture_db):
    with Session(fixture_db) as session:
        table = reports.initiative_table(session, start=date(2023, 1, 1), end=date(2023, 6, 30))
        book = load_workbook(BytesIO(reports.to_xlsx_report(session, year=2023, period="h1", as_of=AS_OF)))
    assert sorted(table["Sáng kiến"]) == ["SK 1", "SK 2"]
    sheet = book["Sáng kiến"]
    assert sorted(row[1] for row in sheet.iter_rows(min_row=4, values_only=True)) == ["SK 1", "SK 2"]
